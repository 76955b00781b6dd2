"""The mutation suite on whole briefs: every falsified claim is caught, no correct rewrite is flagged.

Briefs: the day of `storyfixtures` (written for these tests), the bundled demo site (the project's
own test pages, served on loopback), and the shared corpus day when ../shared is present. The
mutations and rewrites are those of `tests/mutations.py` (also run by benchmarks/bench_verify.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mutations import KINDS, Score, chinese_numeral, demo_day, mutations, rewrites, score, shared_day
from storyfixtures import ISSUE, day_articles, make_config

from dailybrief.models import Brief
from dailybrief.stories.build import build_stories
from dailybrief.verify.evidence import Evidence, article_evidence
from dailybrief.verify.numerals import chinese
from dailybrief.write.compose import compose_brief

SHARED_DAY = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "2026-06-17"
SWAP_TARGET = 0.9


def story_day() -> tuple[Brief, dict[str, Evidence]]:
    """Return the storyfixtures day's brief and the evidence of its references."""
    config = make_config()
    articles = list(day_articles().values())
    result = build_stories(articles, config, ISSUE)
    brief, _verdicts = compose_brief(result.stories, config, ISSUE)
    by_url = {a.url: a for a in articles}
    return brief, {r.id: article_evidence(by_url[r.url]) for r in brief.references if r.url in by_url}


def assert_grounded(brief: Brief, evidence: dict[str, Evidence], needed: tuple[str, ...]) -> Score:
    """Assert the suite's promise on one brief: everything caught (swaps at the target rate), nothing flagged."""
    result = score(brief, evidence)
    caught = result.caught
    assert all(caught[k][1] > 0 for k in needed), caught  # the brief offers each kind of mutation
    swaps, swap_total = caught["swap"]
    assert swap_total == 0 or swaps / swap_total >= SWAP_TARGET, caught
    missed = [m for m in result.missed if m[0] != "swap"]
    assert not missed, f"{len(missed)} mutations not caught: {missed[:3]}"
    assert not result.false_alarms, result.false_alarms
    assert not result.written_alarms, result.written_alarms
    return result


def test_chinese_numerals_written_by_the_suite_read_back():
    for value in (1, 6, 10, 17, 105, 1960, 2028, 10_000, 196_000, 100_800_000):
        assert chinese(chinese_numeral(value)) == value


def test_the_story_fixture_day():
    brief, evidence = story_day()
    result = assert_grounded(brief, evidence, ("number", "swap", "date", "impossible", "actor", "title"))
    assert result.alarms["chinese"][1] > 0 and result.alarms["percent"][1] > 0


def test_the_demo_site(tmp_path):
    brief, evidence = demo_day(tmp_path)
    assert_grounded(brief, evidence, ("number", "swap", "date", "impossible", "actor", "direction", "title"))


@pytest.mark.corpus
@pytest.mark.skipif(not (SHARED_DAY / "site").is_dir(), reason="no shared corpus")
def test_the_shared_day(tmp_path):
    brief, evidence = shared_day(SHARED_DAY, tmp_path)
    assert_grounded(brief, evidence, ("number", "swap", "date", "impossible", "actor", "title"))


def test_every_kind_of_mutation_changes_one_claim():
    brief, evidence = story_day()
    found = mutations(brief, evidence)
    assert {m.kind for m in found} >= set(KINDS) - {"unit", "direction"}
    assert all(m.before != m.after for m in found)
    assert {m.kind for m in rewrites(brief)} >= {"chinese", "percent"}
