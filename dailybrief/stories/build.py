"""From the archive to ranked stories: select → reprints → events → rank (pure functions).

`build_stories` takes articles and the archive's memory of earlier briefs and returns
every story considered — selected or not, background included — in rank order; the
pipeline runner does the reading and writing.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from dailybrief.collect.urls import canonical_url
from dailybrief.config import Config
from dailybrief.models import Article
from dailybrief.stories.aboutness import FULL_SIMILARITY, About, Naming, about_score, embedding_similarities
from dailybrief.stories.assemble import DayContext, assemble_story, is_official, lead_of, opening_of
from dailybrief.stories.events import MAX_EVENT_DAYS, ClusterSettings, ScoredPairs, Unit, event_clusters
from dailybrief.stories.features import ArticleFeatures, compute_features, detailed, home_of, theme_profile
from dailybrief.stories.furniture import core_texts
from dailybrief.stories.importance import figures, is_preliminary, scale_scores
from dailybrief.stories.rank import weights_of
from dailybrief.stories.reprints import find_reprints
from dailybrief.stories.select import (
    Candidate,
    Frequencies,
    idf_table,
    in_window,
    pool_frequencies,
    score_relevance,
    tfidf,
    theme_words,
)
from dailybrief.text.tokens import signals
from dailybrief.text.vectors import to_matrix, top_neighbour_sums

logger = logging.getLogger(__name__)


@dataclass
class RankedStory:
    """One event: its articles, original and reprints, score and why (a stories.json entry)."""

    id: str
    primary: Article
    articles: list[Article]
    reprints: dict[str, str]
    score: float
    why: str
    relevance: float
    background: bool = False
    selected: bool = False
    rank: int = 0
    doc_titles: set[str] = field(default_factory=set)
    numbers: set[tuple[str, str]] = field(default_factory=set)
    features: dict[str, float] = field(default_factory=dict)
    gated: bool = False  # not about the theme (aboutness below [select] min_aboutness): never selected
    superseded: set[str] = field(default_factory=set)  # preliminary reports the official primary replaces

    def to_json(self) -> dict[str, Any]:
        """Return the stories.json contract object (plus `relevance`, the primary's aboutness, and `features`)."""
        return {"id": self.id, "score": self.score, "selected": self.selected, "rank": self.rank,
                "primary": self.primary.url, "articles": [a.url for a in self.articles],
                "reprints": self.reprints, "why": self.why, "relevance": self.relevance,
                "features": self.features}


@dataclass
class StoriesResult:
    """Every story considered, plus what was left out before clustering and why."""

    stories: list[RankedStory]
    undated: list[Article]
    off_theme: list[Candidate]


UNIT_TERMS = 80  # terms kept per unit vector: enough for similarity, bounded memory on 100,000-article days


def story_id(primary_url: str) -> str:
    """Return a stable id for a story: the hash of its primary article's URL."""
    return hashlib.sha256(primary_url.encode()).hexdigest()[:12]


def unique_pages(articles: Sequence[Article]) -> list[Article]:
    """Keep one article per canonical URL (tracking parameters make no new page), preferring the plainest URL."""
    best: dict[str, Article] = {}
    for a in articles:
        key = canonical_url(a.url)
        kept = best.get(key)
        if kept is None or (a.url == key, -len(a.url)) > (kept.url == key, -len(kept.url)):
            best[key] = a
    return list(best.values())


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a block (reference counting still frees memory)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class Prepared:
    """What is already known of the pool's articles: core texts, features, and the document frequencies.

    The pipeline reads them from the archive (features computed when each article was stored,
    frequencies over every article stored); `prepare` computes them from the articles alone.
    """

    cores: Mapping[str, str]  # URL → the body without site furniture
    features: Mapping[str, ArticleFeatures]  # URL → its features
    frequencies: Frequencies
    relevance: Mapping[str, float] = field(default_factory=dict)  # URL → relevance already computed with them


def prepare(pool: Sequence[Article], config: Config) -> Prepared:
    """Compute the pool's core texts and features in memory, with document frequencies over the pool."""
    profile = theme_profile(config.theme)
    cores = {a.url: core for a, core in zip(pool, core_texts(pool), strict=True)}
    features = {a.url: compute_features(a, cores[a.url], profile) for a in pool}
    return Prepared(cores, features, pool_frequencies([features[a.url].counts for a in pool]))


def build_stories(articles: Sequence[Article], config: Config, issue_date: dt.date,
                  earlier: Sequence[dict[str, Any]] = (), weights: Mapping[str, float] | None = None, *,
                  prepared: Prepared | None = None) -> StoriesResult:
    """Select, de-duplicate, cluster and rank the day's stories (see the module docstring).

    `weights` replace the `[rank]` feature weights (the ones `rank --learn` fitted for an archive);
    `prepared` holds what the archive already knows of the articles (every dated one in the
    window and background needs its entry), else it is computed here.

    The stage makes millions of acyclic objects (token lists, vectors) that the cyclic
    collector would walk again at every full collection, about 14 % of the time at
    100,000 articles; it is paused meanwhile.
    """
    with collector_paused():
        return _build_stories(articles, config, issue_date, earlier, dict(weights or weights_of(config.rank)),
                              prepared=prepared)


def _build_stories(articles: Sequence[Article], config: Config, issue_date: dt.date,
                   earlier: Sequence[dict[str, Any]], weights: dict[str, float], *,
                   prepared: Prepared | None) -> StoriesResult:
    """Run the stage's steps in order (see `build_stories`)."""
    levels = {s.name: s.level for s in config.sources()}
    window = config.brief.window_days
    articles = unique_pages(articles)
    undated = [a for a in articles if a.published is None]
    horizon = issue_date - dt.timedelta(days=window + config.select.background_days)
    pool = [a for a in articles if a.published and horizon <= a.published <= issue_date]
    words = theme_words(config.theme)
    known = prepared or prepare(pool, config)
    features = [known.features[a.url] for a in pool]
    candidates = score_relevance(pool, config.theme, [f.counts for f in features],
                                 [(f.hits, f.in_title) for f in features], idf=known.frequencies.idf(),
                                 default_idf=known.frequencies.default_idf, known=known.relevance)
    best = max((c.relevance for c in candidates), default=0.0)
    floor = max(config.select.min_relevance, config.select.relative_relevance * best)
    relevant = [c for c in candidates if c.relevance >= floor]
    off_theme = [c for c in candidates if c.relevance < floor and in_window(c.article.published, issue_date, window)]
    chosen = [c.article for c in relevant]
    profile = theme_profile(config.theme)
    details = [detailed(known.features[a.url], a, known.cores[a.url], profile).detail for a in chosen]
    about = _aboutness(chosen, [min(1.0, c.relevance / FULL_SIMILARITY) for c in relevant],
                       [d.naming for d in details if d], config)
    groups = find_reprints(chosen, levels, cores=[known.cores[a.url] for a in chosen],
                           known=[d.body for d in details if d])
    docs = [known.features[g.original.url].counts for g in groups]
    idf = idf_table(docs)
    default_idf = max(idf.values(), default=1.0)
    news = [i for i, g in enumerate(groups) if any(in_window(a.published, issue_date, window) for a in g.members)]
    news_set = set(news)
    units = []
    for i, (g, doc) in enumerate(zip(groups, docs, strict=True)):
        original = g.original
        sig = known.features[original.url].signals
        if sig is None:
            # Only news is clustered; background needs no places (the costly part of the signals).
            sig = signals(original.title, original.paragraphs, words, with_places=i in news_set,
                          home=home_of(original, levels))
        published = original.published or issue_date
        vector = tfidf(doc, idf, default_idf, top=UNIT_TERMS)
        units.append(Unit(group=g, vector=vector, signals=sig, day=published.toordinal(),
                          official=is_official(original, levels),
                          preliminary=is_preliminary(original.title, lead_of(original)),
                          figures=frozenset(figures(opening_of(original))) if i in news_set else frozenset()))

    background = [i for i in range(len(units)) if i not in news_set]
    background_set = set(background)
    settings = ClusterSettings(merge_threshold=config.rank.merge_threshold, max_day_gap=min(window, MAX_EVENT_DAYS))
    news_clusters, scored = event_clusters([units[i] for i in news], settings)
    clusters = [[news[i] for i in c] for c in news_clusters]
    clusters += [[i] for i in background]

    thread = _thread_scores(units, clusters, news_set)
    scales = scale_scores([set().union(*(units[i].figures for i in c if not units[i].preliminary)) for c in clusters],
                          _lookalikes(news_clusters, scored))
    context = DayContext(issue_date=issue_date, window_days=window, levels=levels, weights=weights,
                         language=config.brief.language, min_aboutness=config.select.min_aboutness, earlier=earlier)
    stories = [RankedStory(id="", **assemble_story(cluster, units, about, context, scale=scale, thread=thread_score,
                                                   is_background=cluster[0] in background_set))
               for cluster, thread_score, scale in zip(clusters, thread, scales, strict=True)]
    for story in stories:
        story.id = story_id(story.primary.url)
    # Stories about the theme first, by score; those that only mention it last (they are never selected).
    stories.sort(key=lambda s: (s.background, s.gated, -s.score, s.primary.url))
    selectable = [s for s in stories if not s.background and not s.gated]
    for rank, story in enumerate(stories, 1):
        story.rank = rank
    for story in selectable[: config.brief.max_sections]:
        story.selected = True
    news_stories = [s for s in stories if not s.background]
    logger.info("%d articles in the window and background; %d on theme, %d off theme, %d undated; %d reprint "
                "groups; %d news stories (%d not about the theme), %d background; %d selected", len(pool),
                len(relevant), len(off_theme), len(undated), len(groups), len(news_stories),
                sum(s.gated for s in news_stories), len(stories) - len(news_stories), sum(s.selected for s in stories))
    return StoriesResult(stories=stories, undated=undated, off_theme=off_theme)


def _thread_scores(units: Sequence[Unit], clusters: Sequence[list[int]], news: set[int]) -> list[float]:
    """Score each news cluster by how much it shares with the rest of the day (its place in the main thread).

    A cluster's raw score is its best member's sum of the three highest similarities to
    units outside the cluster (background included); scores are scaled to the day's best.
    """
    group_of = [0] * len(units)
    for number, cluster in enumerate(clusters):
        for i in cluster:
            group_of[i] = number
    rows = [i for cluster in clusters if cluster[0] in news for i in cluster]
    sums = dict(zip(rows, top_neighbour_sums(to_matrix([u.vector for u in units]), rows, group_of), strict=True))
    raw = [max((float(sums[i]) for i in cluster), default=0.0) if cluster[0] in news else 0.0 for cluster in clusters]
    top = max(raw, default=0.0) or 1.0
    return [r / top for r in raw]


def _aboutness(articles: Sequence[Article], similarity: Sequence[float], naming: Sequence[Naming],
               config: Config) -> dict[str, About]:
    """Measure each on-theme article's aboutness (with the embedding model's similarity when enabled)."""
    embedded = embedding_similarities(config.theme, articles) if config.select.embeddings and articles else []
    if embedded:
        similarity = [(a + b) / 2 for a, b in zip(similarity, embedded, strict=True)]
    return {a.url: about_score(n, s) for a, s, n in zip(articles, similarity, naming, strict=True)}


LOOKALIKE = 0.3  # text similarity at which two events are reports of the same kind of thing


def _lookalikes(clusters: Sequence[list[int]], scored: ScoredPairs) -> set[tuple[int, int]]:
    """Return pairs of (news) clusters whose texts are alike though clustering kept them apart."""
    cluster_of: dict[int, int] = {i: n for n, cluster in enumerate(clusters) for i in cluster}
    alike = scored.similarities >= LOOKALIKE
    pairs = {(cluster_of[i], cluster_of[j]) for i, j in zip(scored.left[alike].tolist(), scored.right[alike].tolist(),
                                                              strict=True)}
    return {(a, b) for a, b in pairs if a != b}
