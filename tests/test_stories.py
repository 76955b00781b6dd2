"""The stories stage: window, relevance, reprints, event clustering, ranking, novelty, stories.json, CLI.

Articles are built directly (see storyfixtures.py); nothing here touches the network except the
corpus gate, which serves the shared corpus on loopback through shared/tools/briefeval.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
import storyfixtures as fx

from dailybrief.config import Config
from dailybrief.models import Article
from dailybrief.pipeline import run_stories
from dailybrief.store.archive import Archive
from dailybrief.stories.build import RankedStory, StoriesResult, build_stories
from dailybrief.stories.rank import FEATURES
from dailybrief.stories.reprints import find_reprints

LEVELS = dict(fx.SOURCES)
DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
BRIEFEVAL = CORPORA.parent / "tools" / "briefeval.py"


def build(articles: Sequence[Article], config: Config | None = None, issue: dt.date = fx.ISSUE) -> StoriesResult:
    """Run the stage on some articles with the test config."""
    return build_stories(list(articles), config or fx.make_config(), issue)


def story_of(result: StoriesResult, article: Article | str) -> RankedStory | None:
    """Return the story holding an article (by URL), if any."""
    url = article if isinstance(article, str) else article.url
    found = [s for s in result.stories if url in {a.url for a in s.articles}]
    assert len(found) <= 1, f"{url} is in {len(found)} stories"
    return found[0] if found else None


def members(story: RankedStory | None) -> set[str]:
    """Return the URLs of a story's articles."""
    assert story is not None
    return {a.url for a in story.articles}


def all_reprint_urls(result: StoriesResult) -> set[str]:
    """Return every URL named in any story's reprints, as reprint or as original."""
    return {u for s in result.stories for pair in s.reprints.items() for u in pair}


def news(result: StoriesResult) -> list[RankedStory]:
    """Return the stories that are news (not background)."""
    return [s for s in result.stories if not s.background]


def quiet(_line: str) -> None:
    """Swallow progress lines."""


# ------------------------------------------------------------------ window


def test_window_news_background_and_future() -> None:
    on_issue_day = dataclasses.replace(fx.city_report(), published=fx.ISSUE)
    window_start = fx.green_original()  # 2026-06-10 = issue date - window_days
    just_before = dataclasses.replace(fx.summit_2026(), url="https://www.news.cn/tech/20260609/summit.html",
                                      published=fx.day(9))
    old, future = fx.old_policy(), fx.future_item()
    pool = [fx.policy_original(), fx.compute_original(), on_issue_day, window_start, just_before, old, future]
    result = build(pool, fx.make_config(max_sections=50))

    for article in (fx.policy_original(), fx.compute_original(), on_issue_day, window_start):
        story = story_of(result, article)
        assert story is not None and not story.background and story.selected, article.title
    for article in (old, just_before):
        story = story_of(result, article)
        assert story is not None, article.title
        assert story.background and not story.selected
        assert story.why.startswith("背景：发布于")
    assert story_of(result, future) is None
    assert future.url not in {c.article.url for c in result.off_theme}
    assert future.url not in {a.url for a in result.undated}
    assert [s.background for s in result.stories] == sorted(s.background for s in result.stories)


def test_background_horizon_comes_from_select_config() -> None:
    result = build([fx.policy_original(), fx.old_policy()], fx.make_config(select={"background_days": 30}))
    assert story_of(result, fx.old_policy()) is None  # March is more than 30 days before the window
    assert story_of(result, fx.policy_original()) is not None


# ------------------------------------------------------------------ relevance


def test_off_theme_items_never_become_stories() -> None:
    named = fx.day_articles()
    result = build(named.values())
    off = {c.article.url for c in result.off_theme}
    for name in ("swim", "rain", "recruit"):
        assert named[name].url in off, name
        assert story_of(result, named[name]) is None, name
    for name in ("policy", "compute", "zhejiang", "hangzhou", "summit2026", "city"):
        assert story_of(result, named[name]) is not None, name
        assert named[name].url not in off


def test_raising_min_relevance_drops_a_weakly_relevant_article() -> None:
    weak = fx.weak_item()
    pool = [fx.policy_original(), fx.compute_original(), fx.zhejiang_subsidy(), fx.city_report(), weak,
            *fx.off_theme_items()]
    lenient = build(pool, fx.make_config(select={"relative_relevance": 0.0}))
    weak_story = story_of(lenient, weak)
    assert weak_story is not None and not weak_story.background
    strong = [story_of(lenient, a) for a in pool[:4]]
    assert all(s is not None for s in strong)
    assert weak_story.relevance < min(s.relevance for s in strong if s)

    strict = build(pool, fx.make_config(select={"relative_relevance": 0.0, "min_relevance": 0.15}))
    assert story_of(strict, weak) is None
    assert weak.url in {c.article.url for c in strict.off_theme}
    assert all(story_of(strict, a) is not None for a in pool[:4])

    relative = build(pool, fx.make_config(select={"relative_relevance": 0.6}))  # 0.6 × the best article
    assert story_of(relative, weak) is None


# ------------------------------------------------------------------ undated


def test_undated_articles_are_listed_and_never_news() -> None:
    undated = fx.undated_item()
    result = build([fx.policy_original(), undated, fx.zhejiang_subsidy()])
    assert [a.url for a in result.undated] == [undated.url]
    assert story_of(result, undated) is None
    assert undated.url not in {c.article.url for c in result.off_theme}
    assert len(news(result)) == 2


# ------------------------------------------------------------------ degenerate bodies


def test_empty_and_short_bodies_do_not_merge() -> None:
    shorts = fx.short_items()  # one empty body, two identical "详见附件。" bodies on different sites
    groups = find_reprints(shorts, LEVELS)
    assert all(not g.reprints for g in groups) and len(groups) == 3

    pool = [*shorts, fx.policy_original(), fx.policy_reprint(), fx.compute_original(), fx.zhejiang_subsidy()]
    result = build(pool)
    reprinted = all_reprint_urls(result)
    for article in shorts:
        assert article.url not in reprinted, article.title
        story = story_of(result, article)
        if story is not None:
            assert members(story) == {article.url}, article.title
    assert story_of(result, fx.policy_original()).reprints == {fx.policy_reprint().url: fx.policy_original().url}


def test_identical_generic_titles_with_different_bodies_do_not_merge() -> None:
    first, second = fx.meetings()
    assert first.title == second.title == "市政府召开常务会议"
    result = build([first, second, fx.policy_original(), fx.compute_original()])
    a, b = story_of(result, first), story_of(result, second)
    assert a is not None and b is not None
    assert a.id != b.id
    assert members(a) == {first.url} and members(b) == {second.url}
    assert not a.reprints and not b.reprints


def test_shared_long_footer_is_not_a_reprint() -> None:
    first, second = fx.wuxi_items()
    assert len(fx.WUXI_FOOTER) > 2 * len(first.paragraphs[0])  # the bodies are mostly boilerplate
    groups = find_reprints([first, second], LEVELS)
    assert [len(g.reprints) for g in groups] == [0, 0]

    result = build([first, second, fx.policy_original(), fx.compute_original()])
    assert not all_reprint_urls(result) & {first.url, second.url}
    a, b = story_of(result, first), story_of(result, second)
    assert a is not None and b is not None and a.id != b.id


def test_same_body_on_one_site_is_still_one_text() -> None:
    mirror = dataclasses.replace(fx.policy_original(), url="https://www.miit.gov.cn/jgsj/kjs/art/2026/art_4471.html")
    groups = find_reprints([fx.policy_original(), mirror, fx.compute_original()], LEVELS)
    assert sorted(len(g.members) for g in groups) == [1, 2]


# ------------------------------------------------------------------ reprints


def test_reprint_points_to_the_original_its_source_line_names() -> None:
    original, reprint = fx.policy_original(), fx.policy_reprint()
    assert reprint.paragraphs[0].startswith("编者按")
    result = build([original, reprint, fx.compute_original(), fx.zhejiang_subsidy()])
    story = story_of(result, original)
    assert story is story_of(result, reprint)
    assert story is not None and story.reprints == {reprint.url: original.url}
    assert story.primary.url == original.url


def test_reprint_listed_first_and_dated_the_same_day_still_points_to_the_original() -> None:
    original, reprint = fx.compute_original(), fx.compute_reprint()
    assert reprint.published == original.published and reprint.url < original.url
    result = build([reprint, fx.policy_original(), original])
    story = story_of(result, original)
    assert story is not None and story is story_of(result, reprint)
    assert story.reprints == {reprint.url: original.url}
    assert story.primary.url == original.url


def test_reprint_chain_points_every_copy_to_the_first_original() -> None:
    a, b, c = fx.green_original(), fx.green_copy_b(), fx.green_copy_c()
    result = build([c, b, fx.policy_original(), a])
    story = story_of(result, a)
    assert story is not None and members(story) == {a.url, b.url, c.url}
    assert story.reprints == {b.url: a.url, c.url: a.url}
    assert story.primary.url == a.url


def test_condensed_rewrite_is_coverage_not_a_reprint() -> None:
    original, rewrite = fx.policy_original(), fx.policy_rewrite()
    assert len(rewrite.text) < 0.6 * len(original.text)
    assert [len(g.reprints) for g in find_reprints([original, rewrite], LEVELS)] == [0, 0]
    result = build([original, fx.policy_reprint(), rewrite, fx.compute_original(), fx.summit_2026()])
    story = story_of(result, original)
    assert story is not None and rewrite.url in members(story)
    assert rewrite.url not in story.reprints and rewrite.url not in story.reprints.values()
    # the original and the rewrite are independent reports; the reprint counts as a reprinting outlet
    assert "2家独立来源（另有1家转载）" in story.why


def test_tracking_parameters_make_one_article_not_two() -> None:
    plain = fx.compute_original()
    tracked = dataclasses.replace(plain, url=plain.url + "?utm_source=x&spm=y")
    result = build([tracked, fx.policy_original(), plain])
    holding = [s for s in result.stories if members(s) & {plain.url, tracked.url}]
    assert len(holding) == 1
    assert members(holding[0]) == {plain.url}
    assert holding[0].reprints == {}
    assert len(news(result)) == 2


# ------------------------------------------------------------------ look-alike events


def test_lookalike_provincial_subsidies_are_different_stories() -> None:
    zj, sc = fx.zhejiang_subsidy(), fx.sichuan_subsidy()
    assert [len(g.reprints) for g in find_reprints([zj, sc], LEVELS)] == [0, 0]
    result = build([zj, sc, fx.policy_original(), fx.compute_original()])
    a, b = story_of(result, zj), story_of(result, sc)
    assert a is not None and b is not None and a.id != b.id
    assert members(a) == {zj.url} and members(b) == {sc.url}


def test_lookalike_contest_rounds_in_two_cities_are_different_stories() -> None:
    hz, cd = fx.hangzhou_round(), fx.chengdu_round()
    assert [len(g.reprints) for g in find_reprints([hz, cd], LEVELS)] == [0, 0]
    result = build([hz, cd, fx.policy_original(), fx.city_report()])
    a, b = story_of(result, hz), story_of(result, cd)
    assert a is not None and b is not None and a.id != b.id
    assert not a.reprints and not b.reprints


def test_this_years_and_last_years_edition_are_different_stories() -> None:
    this, last = fx.summit_2026(), fx.summit_2025()
    result = build([this, last, fx.policy_original(), fx.compute_original()])
    a, b = story_of(result, this), story_of(result, last)
    assert a is not None and b is not None and a.id != b.id
    assert not a.background and not b.background


def test_whole_day_keeps_every_lookalike_pair_apart() -> None:
    named = fx.day_articles()
    result = build(named.values())
    for x, y in (("zhejiang", "sichuan"), ("hangzhou", "chengdu"), ("summit2026", "summit2025"),
                 ("ningbo0", "qingdao"), ("meeting45", "meeting46"), ("wuxi1", "wuxi2"), ("policy", "compute")):
        sx, sy = story_of(result, named[x]), story_of(result, named[y])
        assert sx is not None and sy is not None and sx.id != sy.id, (x, y)
    reprints = {k: v for s in result.stories for k, v in s.reprints.items()}
    assert reprints == {named["policy_reprint"].url: named["policy"].url,
                        named["compute_reprint"].url: named["compute"].url,
                        named["green_b"].url: named["green_a"].url, named["green_c"].url: named["green_a"].url}


# ------------------------------------------------------------------ scale and mixed content


def test_hundred_reports_of_one_event_make_one_story_quickly() -> None:
    reports = fx.compute_event_reports(100)
    assert len({a.publisher for a in reports}) == 100 and len({a.text for a in reports}) == 100
    others = [fx.policy_original(), fx.city_report(), fx.compute_original(), fx.zhejiang_subsidy()]
    started = time.perf_counter()
    result = build([*reports, *others])
    elapsed = time.perf_counter() - started
    story = story_of(result, reports[0])
    assert story is not None and members(story) == fx.urls(reports)
    for article in others:
        assert members(story_of(result, article)) == {article.url}, article.title
    independent, reprinting = (int(n) for n in re.findall(r"(\d+)家", story.why)[:2])
    assert independent + reprinting == 100 and independent >= 50, story.why
    assert elapsed < 10, f"took {elapsed:.1f}s"


def test_reprint_that_mentions_another_event_stays_with_its_original() -> None:
    aside = ("相关阅读：据新华社报道，全国一体化算力网建设加快推进，八个国家算力枢纽节点今年以来新开工"
             "数据中心项目27个，新建大型数据中心平均电能利用效率（PUE）降至1.25，跨节点调度的智能算力规模"
             "同比增长1.6倍。")
    mixed = fx.policy_reprint(url="https://www.cinic.org.cn/xw/tpxw/2026-06-13/1234.html", extra=[aside])
    x, y, y_copy = fx.policy_original(), fx.compute_original(), fx.compute_reprint()
    result = build([mixed, y, x, y_copy, fx.zhejiang_subsidy()])
    xs, ys = story_of(result, x), story_of(result, y)
    assert xs is not None and ys is not None and xs.id != ys.id
    assert mixed.url in members(xs) and xs.reprints == {mixed.url: x.url}
    assert members(ys) == {y.url, y_copy.url} and ys.reprints == {y_copy.url: y.url}


# ------------------------------------------------------------------ ranking


def test_national_policy_document_outranks_city_media_report() -> None:
    named = fx.day_articles()
    result = build(named.values())
    policy, city = story_of(result, named["policy"]), story_of(result, named["city"])
    assert policy is not None and city is not None
    assert policy.rank < city.rank and policy.score > city.score
    assert policy.primary.url == named["policy"].url
    assert policy.why.startswith("国家级政策文件")
    assert "2家独立来源（另有1家转载）" in policy.why
    assert city.why.startswith("媒体报道") and "1家独立来源" in city.why and "转载" not in city.why


def test_more_independent_publishers_outrank_one() -> None:
    ningbo, qingdao = fx.ningbo_reports(), fx.qingdao_report()
    result = build([*ningbo, qingdao, fx.policy_original(), fx.compute_original()])
    three, one = story_of(result, ningbo[0]), story_of(result, qingdao)
    assert three is not None and one is not None and three.id != one.id
    assert members(three) == fx.urls(ningbo)
    assert "3家独立来源" in three.why and "1家独立来源" in one.why
    assert three.score > one.score and three.rank < one.rank


def test_scores_ranks_and_selection() -> None:
    named = fx.day_articles()
    for max_sections in (3, 5, 50):
        result = build(named.values(), fx.make_config(max_sections=max_sections))
        stories = news(result)
        assert all(0.0 <= s.score <= 1.0 for s in result.stories)
        assert [s.rank for s in stories] == list(range(1, len(stories) + 1))
        assert [s.score for s in stories] == sorted((s.score for s in stories), reverse=True)
        assert sum(s.selected for s in result.stories) == min(max_sections, len(stories))
        assert all(s.selected for s in stories[:max_sections])
        assert not any(s.selected for s in result.stories if s.background)


def test_rank_weights_come_from_config() -> None:
    named = fx.day_articles()
    only_publishers = dict.fromkeys(FEATURES, 0.0)
    result = build(named.values(), fx.make_config(rank={**only_publishers, "publishers": 1.0}))
    top = news(result)[0]
    assert len({a.publisher for a in top.articles}) >= 3
    assert story_of(result, named["city"]).score == 0.0


# ------------------------------------------------------------------ novelty against the archive

D1, D2 = fx.day(13), fx.day(16)


def _archive(path: Path, articles: Sequence[Article]) -> Archive:
    """Open an archive and save articles into it as the collector would."""
    archive = Archive(path)
    for a in articles:
        archive.save_article(fx.fetch_for(a), a)
    return archive


def _first_day() -> list[Article]:
    """Articles known on D1 (2026-06-13): event E (a national plan, its reprint and a rewrite) and others."""
    return [fx.policy_original(), fx.policy_reprint(), fx.policy_rewrite(), fx.zhejiang_subsidy(), fx.hangzhou_round(),
            fx.green_original()]


def _second_day() -> list[Article]:
    """New articles by D2 (2026-06-16), among them a fresh national plan."""
    fresh_plan = dataclasses.replace(fx.old_policy(), published=fx.day(15))
    return [fresh_plan, fx.city_report(), fx.compute_original(), fx.summit_2026(), *fx.ningbo_reports()]


def _follow_up(new_figures: bool) -> Article:
    """Return a 06-15 follow-up on E: either new figures, or only E's figures restated."""
    if new_figures:
        title = "大模型赋能制造业首批试点项目公布 168个项目入选"
        paras = ("记者6月15日从工业和信息化部获悉，落实《大模型赋能制造业行动方案（2026—2028年）》的首批试点项目"
                 "名单公布，来自28个省份的168个项目入选，中央财政安排引导资金45亿元。",
                 "按照方案目标，到2028年培育100个以上行业大模型典型应用场景。首批试点集中在原材料、装备制造、消费品和"
                 "电子信息四大领域，其中装备制造领域项目最多。",
                 "工业和信息化部有关负责人表示，将对试点项目实行动态管理，每年开展评估，优秀案例将编入应用指南推广。")
    else:
        title = "大模型赋能制造业行动方案解读：三年目标如何落地"
        paras = ("记者6月15日从工业和信息化部获悉，围绕《大模型赋能制造业行动方案（2026—2028年）》，有关部门正在抓紧"
                 "细化配套措施。",
                 "方案目标是到2028年培育100个以上行业大模型典型应用场景，建设30个高质量行业数据集，打造10个工业大模型，"
                 "推动5000家以上规模以上工业企业开展大模型应用。",
                 "工业和信息化部有关负责人表示，将对重点任务实行清单化管理，每年开展评估，优秀案例将编入应用指南推广。")
    return fx.art(f"https://www.stdaily.com/index/kejixinwen/202606/follow{int(new_figures)}.html", title, fx.day(15),
                 "科技日报", paras, source="地方媒体")


def _run(archive: Archive, day: dt.date, out: Path, config: Config) -> tuple[StoriesResult, list[dict[str, object]]]:
    """Run the stories stage for a day without collecting; return the result and stories.json."""
    run = run_stories(config, archive, day, out, quiet, collect=False)
    return run.result, json.loads(run.path.read_text(encoding="utf-8"))


def test_novelty_a_story_with_an_earlier_section_ranks_lower(tmp_path: Path) -> None:
    config = fx.make_config(max_sections=2)
    archive = _archive(tmp_path / "a.db", _first_day())
    first, _ = _run(archive, D1, tmp_path / "d1", config)
    e1 = story_of(first, fx.policy_original())
    assert e1 is not None and e1.selected and "已有一节" not in e1.why

    for a in _second_day():
        archive.save_article(fx.fetch_for(a), a)
    second, _ = _run(archive, D2, tmp_path / "d2", config)
    e2 = story_of(second, fx.policy_original())
    assert e2 is not None and not e2.background
    assert e2.rank > e1.rank and e2.score < e1.score
    assert f"{D1.isoformat()}已有一节，此后无新内容" in e2.why
    fresh = story_of(second, fx.old_policy())
    assert fresh is not None and fresh.rank < e2.rank and "已有一节" not in fresh.why
    archive.close()


def test_novelty_new_figures_make_a_repeat_story_partly_new(tmp_path: Path) -> None:
    config = fx.make_config(max_sections=2)
    outcome = {}
    for new_figures in (False, True):
        archive = _archive(tmp_path / f"{new_figures}.db", _first_day())
        _run(archive, D1, tmp_path / f"d1-{new_figures}", config)
        follow_up = _follow_up(new_figures)
        for a in [*_second_day(), follow_up]:
            archive.save_article(fx.fetch_for(a), a)
        result, _ = _run(archive, D2, tmp_path / f"d2-{new_figures}", config)
        story = story_of(result, fx.policy_original())
        assert story is not None and follow_up.url in members(story), new_figures
        outcome[new_figures] = story
        archive.close()
    stale, partial = outcome[False], outcome[True]
    assert "此后无新内容" in stale.why
    assert "此后有新数据" in partial.why
    assert partial.score > stale.score and partial.rank <= stale.rank


def test_rerunning_a_day_gives_the_same_stories_and_no_duplicate_history(tmp_path: Path) -> None:
    config = fx.make_config(max_sections=2)
    archive = _archive(tmp_path / "a.db", [*_first_day(), *_second_day()])
    outputs = []
    for day in (D1, D2, D2, D1):
        out = tmp_path / f"out-{len(outputs)}"
        result, _ = _run(archive, day, out, config)
        outputs.append((day, (out / "stories.json").read_bytes()))
        rows = archive.db.execute("SELECT COUNT(*) FROM story_history WHERE issue_date = ?",
                                  (day.isoformat(),)).fetchone()[0]
        assert rows == len(result.stories)
    assert outputs[0][1] == outputs[3][1]
    assert outputs[1][1] == outputs[2][1]
    total = archive.db.execute("SELECT COUNT(*) FROM story_history").fetchone()[0]
    assert total == len(json.loads(outputs[0][1])) + len(json.loads(outputs[1][1]))
    archive.close()


# ------------------------------------------------------------------ the stories.json contract


def test_stories_json_contract_and_stable_ids(tmp_path: Path) -> None:
    named = fx.day_articles()
    archive = _archive(tmp_path / "a.db", named.values())
    _, payload = _run(archive, fx.ISSUE, tmp_path / "out", fx.make_config())
    archive.close()
    assert payload and isinstance(payload, list)
    for entry in payload:
        assert set(entry) == {"id", "score", "selected", "rank", "primary", "articles", "reprints", "why", "relevance",
                              "features"}
        assert 0.0 <= entry["relevance"] <= 1.0 and set(entry["features"]) == set(FEATURES)
        assert isinstance(entry["id"], str) and entry["id"]
        assert isinstance(entry["score"], float) and 0 <= entry["score"] <= 1
        assert isinstance(entry["selected"], bool) and isinstance(entry["rank"], int)
        assert entry["primary"] in entry["articles"]
        assert len(entry["articles"]) == len(set(entry["articles"]))
        for reprint, original in entry["reprints"].items():
            assert reprint in entry["articles"] and original in entry["articles"] and reprint != original
        assert isinstance(entry["why"], str) and entry["why"]
    assert len({e["id"] for e in payload}) == len(payload)
    urls = [u for e in payload for u in e["articles"]]
    assert len(urls) == len(set(urls))

    # The same stories from the articles alone; relevance (so scores) differs in the third decimal, as the
    # archive's document frequencies also count the pages outside the window (the future and undated ones).
    again = [s.to_json() for s in build(named.values()).stories]
    same = ("id", "selected", "rank", "primary", "articles", "reprints")
    assert [{k: e[k] for k in same} for e in again] == [{k: e[k] for k in same} for e in payload]
    assert max(abs(a["relevance"] - b["relevance"]) for a, b in zip(again, payload, strict=True)) < 0.01
    shuffled = list(named.values())[::-1]
    reordered = {s.id: sorted(a.url for a in s.articles) for s in build(shuffled).stories}
    assert reordered == {e["id"]: sorted(e["articles"]) for e in payload}


# ------------------------------------------------------------------ CLI


def _cli_setup(tmp_path: Path) -> tuple[Path, Path]:
    """Write a config file and an archive holding the standard day."""
    config = tmp_path / "brief.toml"
    config.write_text(fx.toml_text(), encoding="utf-8")
    _archive(tmp_path / "a.db", fx.day_articles().values()).close()
    return config, tmp_path / "a.db"


def _stories_cli(config: Path, db: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Run `dailybrief stories` without collecting."""
    return subprocess.run([str(DAILYBRIEF), "stories", "--config", str(config), "--date", fx.ISSUE.isoformat(),
                           "--out", str(out), "--db", str(db), "--no-collect"],
                          capture_output=True, text=True, timeout=120, check=False)


def test_cli_stories_prints_a_table_and_writes_stories_json(tmp_path: Path) -> None:
    config, db = _cli_setup(tmp_path)
    out = tmp_path / "out"
    proc = _stories_cli(config, db, out)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads((out / "stories.json").read_text(encoding="utf-8"))
    selected = [e for e in payload if e["selected"]]
    assert len(selected) == 5
    lines = proc.stdout.splitlines()
    assert lines[0].endswith("off-theme articles") and "(5 selected)" in lines[0]
    rows = [line for line in lines if line.startswith(" *")]
    assert len(rows) == 5
    assert "工业和信息化部等六部门" in rows[0] and "国家级政策文件" in rows[0]
    assert lines[-1] == f"wrote {(out / 'stories.json').resolve()}"
    assert f"left out (no publication date): {fx.undated_item().url}" in proc.stderr


def test_cli_unwritable_out_dir_fails_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    config, db = _cli_setup(tmp_path)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a regular file\n", encoding="utf-8")
    proc = _stories_cli(config, db, blocker / "out")
    assert proc.returncode != 0
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith("dailybrief: error:"), proc.stderr
    assert "Traceback" not in proc.stderr
    assert blocker.read_text(encoding="utf-8") == "a regular file\n"
    assert not list(tmp_path.rglob("stories.json")) and not list(tmp_path.rglob(".stories.json.*"))
    with Archive(db) as archive:
        assert archive.db.execute("SELECT COUNT(*) FROM story_history").fetchone()[0] == 0


# ------------------------------------------------------------------ the shared corpus


def _corpora() -> list[Path]:
    """Return the corpus folders (each with config.toml and gold.json)."""
    if not CORPORA.is_dir():
        return []
    return sorted(p for p in CORPORA.iterdir() if (p / "gold.json").is_file() and (p / "config.toml").is_file())


@pytest.mark.corpus
def test_corpus_gate_clusters_and_reprints() -> None:
    if not (CORPORA / "2026-06-17" / "gold.json").is_file():
        pytest.skip(f"no shared corpus at {CORPORA}")
    for corpus in _corpora():
        proc = subprocess.run(
            [sys.executable, str(BRIEFEVAL), str(corpus), "--need", "stories.json", "--only",
             "cluster_f1,reprints_found", "--", str(DAILYBRIEF), "stories", "--config", "{config}", "--date", "{date}",
             "--out", "{out}"], capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, f"{corpus.name}: {proc.stdout[-1500:]}\n{proc.stderr[-1500:]}"
