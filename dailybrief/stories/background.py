"""Which older articles the window's news can relate to, chosen from what the archive's indexes return.

A day needs three kinds of older articles besides its news, and none of them needs a year of texts:

- **reprint originals**: the same text published up to `max_gap` days before a news article
  (MinHash LSH over the stored signatures of the days just before the window, and the pages of a
  publisher a news article's 来源：line names), or an identical body at any date (a look-up key);
- **background**: older articles sharing a 《document》 or distinctive terms with a news article
  (look-up keys, the archive returning the newest few per key), at most `per_article` per news
  article, the most related first — what the brief cites as background and what the main
  thread is measured against.

Only news about the theme looks for them: its relevance needs nothing but the news itself and the
archive's document frequencies.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from dailybrief.config import SelectSettings, ThemeSettings
from dailybrief.models import Article
from dailybrief.store.features import Neighbour
from dailybrief.stories.features import (
    COPY_WEIGHT,
    DOC_WEIGHT,
    ArticleFeatures,
    LookupKeys,
    body_length,
    signature_bytes,
)
from dailybrief.stories.reprints import NUM_PERM, PairFilter, band_keys, names_match
from dailybrief.stories.select import Frequencies, score_relevance

MIN_RELATED = 4.0  # a shared 《document》, or distinctive terms of that much IDF together
MIN_SHARE = 0.2  # ... and this share of what the news article can be found by (its keys' weight)
REPRINT_JACCARD, REPRINT_CONTAINMENT = 0.5, 0.8  # find_reprints' thresholds (the filter only drops pairs below them)


def on_theme(articles: Sequence[Article], features: Mapping[str, ArticleFeatures], theme: ThemeSettings,
             frequencies: Frequencies, select: SelectSettings) -> tuple[list[Article], dict[str, float]]:
    """Return the articles whose relevance passes the day's floor (as `build_stories` sets it), and every relevance."""
    found = [features[a.url] for a in articles]
    candidates = score_relevance(articles, theme, [f.counts for f in found], [(f.hits, f.in_title) for f in found],
                                 idf=frequencies.idf(), default_idf=frequencies.default_idf)
    best = max((c.relevance for c in candidates), default=0.0)
    floor = max(select.min_relevance, select.relative_relevance * best)
    return [c.article for c in candidates if c.relevance >= floor], {c.article.url: c.relevance for c in candidates}


def probe(article: Article, features: ArticleFeatures) -> Neighbour:
    """Return a news article as reprint screening compares it."""
    return Neighbour(article.url, article.publisher, article.origin, article.published or dt.date.min,
                     body_length(features), signature_bytes(features))


def _signatures(rows: Sequence[Neighbour]) -> tuple[np.ndarray, np.ndarray]:
    """Return the rows' signatures as a matrix (zeros for short bodies) and their body lengths."""
    matrix = np.zeros((len(rows), NUM_PERM), dtype=np.uint32)
    for i, row in enumerate(rows):
        if row.body_len and len(row.signature) == 4 * NUM_PERM:
            matrix[i] = np.frombuffer(row.signature, dtype=np.uint32)
    return matrix, np.asarray([r.body_len if r.body_len else 0 for r in rows], dtype=np.int64)


def reprint_candidates(news: Sequence[Neighbour], older: Sequence[Neighbour], *, max_gap: int) -> set[str]:
    """Return the URLs of older articles that may be the same text as a news article (`find_reprints` decides).

    LSH band keys propose pairs of alike signatures, a 来源：line pairs an article with the
    pages of the publisher it names; either way the pair must be at most `max_gap` days apart and
    not ruled out by its signatures (`PairFilter`, the test `find_reprints` applies first).
    """
    rows = [*older, *news]
    matrix, lengths = _signatures(rows)
    screen = PairFilter(matrix, lengths, REPRINT_JACCARD, REPRINT_CONTAINMENT)
    first_news = len(older)
    indexed = np.flatnonzero(lengths[:first_news])
    older_keys = band_keys(matrix[indexed])
    flat = older_keys.ravel()
    order = np.argsort(flat, kind="stable")
    sorted_keys, owners = flat[order], indexed[order // max(1, older_keys.shape[1])]
    by_publisher: dict[str, list[int]] = {}
    for i in indexed.tolist():
        by_publisher.setdefault(rows[i].publisher, []).append(i)
    found: set[str] = set()
    news_rows = np.flatnonzero(lengths[first_news:]) + first_news
    news_keys = band_keys(matrix[news_rows])
    low = np.searchsorted(sorted_keys, news_keys, side="left")
    high = np.searchsorted(sorted_keys, news_keys, side="right")
    for n, i in enumerate(news_rows.tolist()):
        row = rows[i]
        proposed = {int(j) for lo, hi in zip(low[n].tolist(), high[n].tolist(), strict=True) if hi > lo
                    for j in owners[lo:hi]}
        if row.origin and not names_match(row.origin, row.publisher):
            for publisher, members in by_publisher.items():
                if names_match(row.origin, publisher):
                    proposed.update(members)
        near = [j for j in proposed if 0 <= (row.published - rows[j].published).days <= max_gap]
        if near:
            found.update(rows[j].url for j in screen.keep(i, np.asarray(sorted(near), dtype=np.int64)).tolist())
    return found


def related_older(news_keys: Mapping[str, LookupKeys], found: Mapping[int, Iterable[str]], *, per_article: int,
                  min_score: float = MIN_RELATED, min_share: float = MIN_SHARE) -> set[str]:
    """Choose, for each news article, the `per_article` older articles that relate to it most.

    `found` maps each key to the older articles having it (the newest few). An older article
    relates when it shares a 《document》 or the whole body, or distinctive terms weighing at
    least `min_score` and `min_share` of the news article's own; the most shared weight first.
    """
    chosen: set[str] = set()
    for keys in news_keys.values():
        terms_mass = sum(w for w in keys.values() if w < DOC_WEIGHT or DOC_WEIGHT < w < COPY_WEIGHT)
        need = max(min_score, min_share * terms_mass)
        scores: defaultdict[str, float] = defaultdict(float)
        strong: set[str] = set()
        for key, weight in keys.items():
            for url in found.get(key, ()):
                scores[url] += weight
                if weight in (DOC_WEIGHT, COPY_WEIGHT):
                    strong.add(url)
        best = sorted(((s, url) for url, s in scores.items() if s >= need or url in strong),
                      key=lambda x: (-x[0], x[1]))
        chosen.update(url for _score, url in best[:per_article])
    return chosen
