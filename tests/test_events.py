"""Event clustering at scale: candidate pairs, their cap per unit, and what large days leave out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import storyfixtures as fx
from scipy.sparse import csr_matrix

from dailybrief.models import Article
from dailybrief.stories.events import ClusterSettings, Unit, candidate_pairs, cluster_events
from dailybrief.stories.reprints import ReprintGroup
from dailybrief.stories.select import article_tokens, idf_table, tfidf
from dailybrief.text.tokens import signals
from dailybrief.text.vectors import without_common_terms

WORDS = ("算力", "数据要素")


def units_of(articles: Sequence[Article]) -> list[Unit]:
    """Make one clustering unit per article, as build_stories does."""
    docs = [article_tokens(a, WORDS) for a in articles]
    idf = idf_table(docs)
    default = max(idf.values())
    return [Unit(group=ReprintGroup(a, ()), vector=tfidf(doc, idf, default, top=80),
                 signals=signals(a.title, a.paragraphs, WORDS), day=a.published.toordinal() if a.published else 0)
            for a, doc in zip(articles, docs, strict=True)]


def day_with_one_big_event() -> tuple[list[Article], list[Article]]:
    """Return 40 reports of one event and a dozen other stories of the day."""
    reports = fx.compute_event_reports(40)
    others = [fx.policy_original(), fx.city_report(), fx.zhejiang_subsidy(), fx.sichuan_subsidy(),
              fx.hangzhou_round(), fx.chengdu_round(), fx.summit_2026(), fx.summit_2025(), *fx.ningbo_reports(),
              fx.qingdao_report()]
    return reports, others


def test_each_unit_brings_at_most_max_candidates_pairs() -> None:
    reports, others = day_with_one_big_event()
    units = units_of([*reports, *others])
    left, right = candidate_pairs(units, ClusterSettings(max_candidates=5))
    full_left, _full_right = candidate_pairs(units, ClusterSettings())
    assert len(left) <= 5 * len(units)
    assert len(full_left) > len(left)  # the cap, not the features, is what limited the pairs
    assert bool(np.all(left < right))
    assert len(set(zip(left.tolist(), right.tolist(), strict=True))) == len(left)


def test_capping_candidates_does_not_split_a_big_event_or_merge_lookalikes() -> None:
    reports, others = day_with_one_big_event()
    units = units_of([*reports, *others])
    clusters = cluster_events(units, ClusterSettings(max_candidates=5))
    by_url = {units[c[0]].group.original.url: {units[i].group.original.url for i in c} for c in clusters}
    big = [members for members in by_url.values() if reports[0].url in members]
    assert big == [fx.urls(reports)]
    for look_alike in (fx.zhejiang_subsidy(), fx.sichuan_subsidy(), fx.hangzhou_round(), fx.chengdu_round(),
                       fx.summit_2026(), fx.summit_2025()):
        holding = [m for m in by_url.values() if look_alike.url in m]
        assert holding == [{look_alike.url}], look_alike.title


def test_event_pairs_further_apart_than_max_day_gap_are_not_candidates() -> None:
    early, late = fx.policy_original(fx.day(1)), fx.policy_reprint()
    units = units_of([early, late])
    gap = abs(units[0].day - units[1].day)
    assert len(candidate_pairs(units, ClusterSettings(max_day_gap=gap))[0]) == 1
    assert len(candidate_pairs(units, ClusterSettings(max_day_gap=gap - 1))[0]) == 0


def test_background_signals_skip_places_and_keep_documents_and_numbers() -> None:
    article = fx.zhejiang_subsidy()
    full = signals(article.title, article.paragraphs, WORDS)
    light = signals(article.title, article.paragraphs, WORDS, with_places=False)
    assert full.places and full.main_places  # the fixture names its province
    assert not light.places and not light.main_places and not light.title_places
    assert light.numbers == full.numbers and light.numbers
    assert light.doc_titles == full.doc_titles and light.title_years == full.title_years


def test_thread_terms_in_more_than_a_thousand_rows_are_dropped_on_a_large_archive() -> None:
    rows = 30_000  # 5 % of the rows would be 1,500: the absolute cap is what decides here
    term_rows = {0: 1200, 1: 900, 2: 50}  # term → in how many rows (the first ones)
    row_ids = np.concatenate([np.arange(n) for n in term_rows.values()])
    term_ids = np.concatenate([np.full(n, t) for t, n in term_rows.items()])
    matrix = csr_matrix((np.ones(len(row_ids), dtype=np.float32), (row_ids, term_ids)), shape=(rows, 3))
    kept_df = sorted(np.asarray((without_common_terms(matrix, max_rows=1000) != 0).sum(axis=0)).ravel().tolist())
    assert kept_df == [50, 900]
    assert without_common_terms(matrix[:150], max_rows=1000).shape == (150, 3)  # small days are left alone


def test_the_stage_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    from dailybrief.stories.build import build_stories

    articles = [fx.policy_original(), fx.city_report()]
    assert gc.isenabled()
    result = build_stories(articles, fx.make_config(), fx.ISSUE)
    assert gc.isenabled() and len(result.stories) == 2
    gc.disable()
    try:
        build_stories(articles, fx.make_config(), fx.ISSUE)
        assert not gc.isenabled()
    finally:
        gc.enable()
