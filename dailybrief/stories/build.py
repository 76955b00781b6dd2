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
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from dailybrief.collect.urls import canonical_url
from dailybrief.config import Config
from dailybrief.models import Article
from dailybrief.stories.events import MAX_EVENT_DAYS, ClusterSettings, Unit, cluster_events
from dailybrief.stories.rank import LEVEL_SCORE, Features, explain, policy_feature, publishers_feature, score
from dailybrief.stories.reprints import ReprintGroup, core_texts, find_reprints, names_match
from dailybrief.stories.select import (
    Candidate,
    article_tokens,
    idf_table,
    in_window,
    score_relevance,
    tfidf,
    theme_words,
)
from dailybrief.text.tokens import Signals, signals
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

    def to_json(self) -> dict[str, Any]:
        """Return the stories.json contract object."""
        return {"id": self.id, "score": self.score, "selected": self.selected, "rank": self.rank,
                "primary": self.primary.url, "articles": [a.url for a in self.articles],
                "reprints": self.reprints, "why": self.why}


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


def choose_primary(groups: Sequence[ReprintGroup], levels: Mapping[str, str]) -> Article:
    """Return the primary document or original report: a government policy document first, then level, date."""
    originals = [g.original for g in groups]

    def order(a: Article) -> tuple[float, float, dt.date, str]:
        """Sort key: policy document, source level, earliest date, URL."""
        level = levels.get(a.source, "media")
        return (-policy_feature(a.title, level), -LEVEL_SCORE.get(level, 0.3), a.published or dt.date.max, a.url)

    return min(originals, key=order)


def seen_before(doc_titles: set[str], urls: set[str], numbers: set[tuple[str, str]],
                earlier: Sequence[dict[str, Any]]) -> tuple[float, str | None]:
    """Return (novelty, note) against earlier briefs' sections."""
    for old in earlier:
        same = bool(urls & set(old["articles"])) or bool(doc_titles & set(old["doc_titles"]))
        if not same:
            continue
        new_numbers = numbers - set(old["numbers"])
        if len(new_numbers) >= 2:
            return 0.6, f"had a section on {old['issue_date']}; new figures since"
        return 0.1, f"had a section on {old['issue_date']}; nothing new"
    return 1.0, None


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


def build_stories(articles: Sequence[Article], config: Config, issue_date: dt.date,
                  earlier: Sequence[dict[str, Any]] = ()) -> StoriesResult:
    """Select, de-duplicate, cluster and rank the day's stories (see the module docstring).

    The stage makes millions of acyclic objects (token lists, vectors) that the cyclic
    collector would walk again at every full collection, about 14 % of the time at
    100,000 articles; it is paused meanwhile.
    """
    with collector_paused():
        return _build_stories(articles, config, issue_date, earlier)


def _build_stories(articles: Sequence[Article], config: Config, issue_date: dt.date,
                   earlier: Sequence[dict[str, Any]]) -> StoriesResult:
    """Run the stage's steps in order (see `build_stories`)."""
    levels = {s.name: s.level for s in config.sources()}
    window = config.brief.window_days
    articles = unique_pages(articles)
    undated = [a for a in articles if a.published is None]
    horizon = issue_date - dt.timedelta(days=window + config.select.background_days)
    pool = [a for a in articles if a.published and horizon <= a.published <= issue_date]
    words = theme_words(config.theme)
    # Bodies without site furniture, cut into tokens once: relevance and clustering both use them.
    # Normalised once: every later step normalises again, which costs little on normalised text.
    pool_cores = [unicodedata.normalize("NFKC", core) for core in core_texts(pool)]
    pool_docs = [article_tokens(replace(a, text=core), words) for a, core in zip(pool, pool_cores, strict=True)]
    candidates = score_relevance(pool, config.theme, pool_docs, pool_cores)
    best = max((c.relevance for c in candidates), default=0.0)
    floor = max(config.select.min_relevance, config.select.relative_relevance * best)
    relevant = [c for c in candidates if c.relevance >= floor]
    off_theme = [c for c in candidates if c.relevance < floor and in_window(c.article.published, issue_date, window)]
    relevance_of = {c.article.url: c for c in relevant}
    chosen = [c.article for c in relevant]
    position = {a.url: i for i, a in enumerate(pool)}
    groups = find_reprints(chosen, levels, cores=[pool_cores[position[a.url]] for a in chosen])
    docs = [pool_docs[position[g.original.url]] for g in groups]
    del pool_docs
    idf = idf_table(docs)
    default_idf = max(idf.values(), default=1.0)
    news = [i for i, g in enumerate(groups) if any(in_window(a.published, issue_date, window) for a in g.members)]
    news_set = set(news)
    units = []
    for i, (g, doc) in enumerate(zip(groups, docs, strict=True)):
        # Only news is clustered; background needs no places (the costly part of the signals).
        sig = signals(g.original.title, g.original.paragraphs, words, with_places=i in news_set)
        published = g.original.published or issue_date
        vector = tfidf(doc, idf, default_idf, top=UNIT_TERMS)
        units.append(Unit(group=g, vector=vector, signals=sig, day=published.toordinal()))

    background = [i for i in range(len(units)) if i not in news_set]
    background_set = set(background)
    settings = ClusterSettings(merge_threshold=config.rank.merge_threshold, max_day_gap=min(window, MAX_EVENT_DAYS))
    clusters = [[news[i] for i in c] for c in cluster_events([units[i] for i in news], settings)]
    clusters += [[i] for i in background]

    thread = _thread_scores(units, clusters, news_set)
    best_relevance = max((c.relevance for c in relevant), default=1.0) or 1.0
    stories = []
    for cluster, thread_score in zip(clusters, thread, strict=True):
        stories.append(_story(cluster, units, levels=levels, relevance_of=relevance_of, best_relevance=best_relevance,
                              thread=thread_score, issue_date=issue_date, config=config, earlier=earlier,
                              is_background=cluster[0] in background_set))
    stories.sort(key=lambda s: (s.background, -s.score, s.primary.url))
    selectable = [s for s in stories if not s.background]
    for rank, story in enumerate(stories, 1):
        story.rank = rank
    for story in selectable[: config.brief.max_sections]:
        story.selected = True
    logger.info("%d articles in the window and background; %d on theme, %d off theme, %d undated; %d reprint "
                "groups; %d news stories, %d background; %d selected", len(pool), len(relevant), len(off_theme),
                len(undated), len(groups), len(selectable), len(stories) - len(selectable),
                sum(s.selected for s in stories))
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


def _story(cluster: list[int], units: Sequence[Unit], *, levels: Mapping[str, str],
           relevance_of: dict[str, Candidate], best_relevance: float, thread: float, issue_date: dt.date,
           config: Config, earlier: Sequence[dict[str, Any]], is_background: bool) -> RankedStory:
    """Assemble one ranked story from its units."""
    groups = [units[i].group for i in cluster]
    primary = choose_primary(groups, levels)
    members = [a for g in groups for a in g.members]
    members.sort(key=lambda a: (a.url != primary.url, a.published or dt.date.max, a.url))
    reprints = {r.url: g.original.url for g in groups for r in g.reprints}
    publishers = _independent_publishers(members)
    level = levels.get(primary.source, "media")
    sigs: list[Signals] = [units[i].signals for i in cluster]
    doc_titles = set().union(*(s.doc_titles for s in sigs))
    numbers = set().union(*(s.numbers for s in sigs))
    novelty, note = seen_before(doc_titles, {a.url for a in members}, numbers, earlier)
    newest = max((a.published for a in members if a.published), default=issue_date)
    relevance = max(relevance_of[a.url].relevance for a in members)
    terms = tuple(dict.fromkeys(t for a in members for t in relevance_of[a.url].terms))
    features = Features(
        level=LEVEL_SCORE.get(level, 0.3), policy=policy_feature(primary.title, level),
        publishers=publishers_feature(publishers), relevance=min(1.0, relevance / best_relevance),
        thread=thread, freshness=max(0.0, 1 - (issue_date - newest).days / max(1, config.brief.window_days)),
        novelty=novelty,
    )
    why = explain(features, level, publishers, terms, note)
    if is_background:
        why = f"background: dated {primary.published}, before the window; " + why
    return RankedStory(id=story_id(primary.url), primary=primary, articles=members, reprints=reprints,
                       score=score(features, config.rank), why=why, relevance=relevance, background=is_background,
                       doc_titles=doc_titles, numbers=numbers)


def _independent_publishers(members: Sequence[Article]) -> int:
    """Count the distinct publishers carrying a story (two spellings of one count once; reprinting outlets count)."""
    names: list[str] = []
    for a in members:
        if not any(names_match(a.publisher, n) for n in names):
            names.append(a.publisher)
    return len(names)
