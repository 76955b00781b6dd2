"""Reprint detection over time: near-copies are looked for within days, exact copies at any distance."""

from __future__ import annotations

import dataclasses

import numpy as np
from storyfixtures import art, day

from dailybrief.models import Article
from dailybrief.stories.reprints import find_reprints

BODY = (
    "国家数据局日前印发《关于加快公共数据资源开发利用的实施意见》，提出到2027年底，公共数据资源开发利用制度规则基本健全，"
    "培育一批公共数据运营服务机构，形成一批示范性应用场景。",
    "意见明确，各地要建立公共数据资源目录，推动医疗、交通、气象等领域公共数据有序开放，依法依规开展授权运营，"
    "运营收益用于公共数据治理和基础设施建设。",
    "国家数据局有关负责人表示，下一步将会同有关部门加强督促指导，及时总结推广地方典型经验做法，"
    "推动公共数据在更大范围、更深层次赋能经济社会发展。",
)


def original():
    title = "国家数据局印发公共数据资源开发利用实施意见"
    return art("https://www.nda.gov.cn/a.html", title, day(2), "国家数据局", BODY)


def reprint(url: str, published, edited: bool):
    first = ("【转载】" + BODY[0]) if edited else BODY[0]
    return art(url, "公共数据资源开发利用迎来新政", published, "某某网", (first, *BODY[1:]), origin="国家数据局")


def grouped(articles):
    return {r.url: g.original.url for g in find_reprints(articles, {}) for r in g.reprints}


def test_a_lightly_edited_reprint_within_days_points_to_its_original():
    copy = reprint("https://www.example.com/b.html", day(4), edited=True)
    assert grouped([copy, original()]) == {copy.url: original().url}


def test_a_lightly_edited_copy_weeks_later_is_not_searched_for():
    late = reprint("https://www.example.com/c.html", day(30), edited=True)
    assert grouped([original(), late]) == {}


def test_an_exact_copy_is_grouped_whatever_the_dates():
    late = dataclasses.replace(original(), url="https://mirror.example.org/a.html", published=day(30),
                               publisher="镜像站", source="镜像站")
    assert grouped([original(), late]) == {late.url: original().url}


# ------------------------------------------------------------------ pair filtering at scale


def busy_publisher_week(n: int) -> list[Article]:
    """Return n distinct pages one publisher put out in a week (a wire service's stream)."""
    topics = ("港口吞吐量", "夏粮收购", "汛期防御", "文旅消费", "高校毕业生就业", "新能源汽车下乡", "城市更新",
              "航运指数")
    pages = []
    for i in range(n):
        topic = topics[i % len(topics)]
        paras = (f"记者从有关部门获悉，今年以来{topic}工作进展顺利，第{i}批重点项目已开工{i % 37 + 3}个，"
                 f"完成投资{i * 7 % 900 + 100}亿元。",
                 f"据介绍，下一步将围绕{topic}持续发力，编号{i:04d}的专项方案明确了{i % 11 + 2}项任务。")
        pages.append(art(f"https://www.news.cn/{i:04d}.html", f"{topic}稳步推进（{i}）", day(1 + i % 7),
                         "新华社", paras, source="新华网"))
    return pages


def test_an_excerpting_reprint_is_found_among_a_busy_publishers_week():
    source = dataclasses.replace(original(), url="https://www.news.cn/nda.html", publisher="新华社", source="新华网")
    excerpt = art("https://www.example.com/excerpt.html", "公共数据开发利用有了时间表", day(5), "某某网",
                  ("据新华社消息，" + BODY[0], "（完）"), origin="新华社")
    found = grouped([*busy_publisher_week(300), source, excerpt])
    assert found == {excerpt.url: source.url}


def test_the_signature_filter_never_drops_a_pair_the_exact_check_accepts():
    from dailybrief.stories.reprints import NUM_PERM, PairFilter, _same_text, body_key, minhash

    texts = ["\n".join(BODY), "【转载】" + "\n".join(BODY), "\n".join(BODY[:2]), BODY[0], "\n".join(BODY[1:]),
             "\n".join(BODY) + "编者按：本文转自国家数据局网站，内容有删节。",
             *("\n".join(a.paragraphs) for a in busy_publisher_week(12))]
    keys = [body_key(t) for t in texts]
    signatures = np.stack([minhash(k).hashvalues for k in keys])
    assert signatures.shape == (len(keys), NUM_PERM)
    pair_filter = PairFilter(signatures, np.asarray([len(k) for k in keys]), 0.5, 0.8)
    accepted = 0
    for i in range(len(keys)):
        others = np.asarray([j for j in range(len(keys)) if j != i])
        kept = set(pair_filter.keep(i, others).tolist())
        for j in others.tolist():
            if _same_text(i, j, keys, signatures, min_jaccard=0.5, min_containment=0.8, cites_other=True):
                accepted += 1
                assert j in kept, (texts[i][:20], texts[j][:20])
    assert accepted >= 12  # the copies, edits and excerpts of BODY accept one another
    assert len(pair_filter.keep(0, np.arange(6, len(keys)))) == 0  # unrelated pages are ruled out
