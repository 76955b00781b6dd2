"""Reprint detection over time: near-copies are looked for within days, exact copies at any distance."""

from __future__ import annotations

import dataclasses

from storyfixtures import art, day

from dailybrief.dedup import find_reprints

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
