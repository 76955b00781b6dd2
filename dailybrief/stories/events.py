"""Event clustering: reprint groups about the same event become one story.

Two groups join when their text is alike (TF-IDF cosine over title and body) and the
signals an editor would check agree: shared 《document titles》 and numbers raise the
score; different places (or main places neither mentions), different years or
different 《documents》 in the titles, or the same count of a different thing in the
titles (12条航线 vs 9条航线, when neither states the other's count) veto the merge, so
two provinces' look-alike contests or this year's and last year's edition stay apart.

One exception: a media report giving a decision's preliminary figures (拟/预计/据悉) and the
official document published up to three days later are one event even though their figures
differ — the number veto does not apply to such a pair, and the pair gets a small bonus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dailybrief.stories.reprints import ReprintGroup, UnionFind
from dailybrief.stories.select import Vector
from dailybrief.text.tokens import Signals, same_document
from dailybrief.text.vectors import feature_matrix, pair_cosines, row_dots, to_matrix

# Numbers too common to say anything about an event on their own.
_TRIVIAL_NUMBERS = frozenset({("1", "个"), ("2", "个"), ("3", "个"), ("1", "批"), ("1", "次"), ("1", "大")})


@dataclass(frozen=True)
class Unit:
    """A reprint group with what clustering compares: its vector, signals and date."""

    group: ReprintGroup
    vector: Vector
    signals: Signals
    day: int  # ordinal of the original's publication date
    official: bool = False  # a government source's policy document
    figures: frozenset[tuple[str, float]] = frozenset()  # sizes its title and lead state (importance.figures)
    preliminary: bool = False  # a report of a decision's preliminary form (拟/预计/据悉 …)


PRELIMINARY_GAP = 3  # days from a preliminary report to the official text of the same decision
PRELIMINARY_BONUS = 0.1

# Reports of one event further apart than this are follow-ups, not the same news (and the
# day penalty of `pair_scores` leaves them little chance to merge anyway).
MAX_EVENT_DAYS = 21


@dataclass(frozen=True)
class ClusterSettings:
    """Thresholds of event clustering."""

    merge_threshold: float = 0.3
    max_day_gap: int = 10
    candidate_terms: int = 12
    max_term_df: int = 300
    max_candidates: int = 200


def preliminary_and_official(a: Unit, b: Unit) -> bool:
    """Say whether one unit is a preliminary report and the other an official text up to three days later."""
    first, then = (a, b) if a.preliminary and b.official else (b, a) if b.preliminary and a.official else (None, None)
    return first is not None and then is not None and 0 <= then.day - first.day <= PRELIMINARY_GAP


def vetoed(a: Signals, b: Signals, *, counts: bool = True) -> bool:
    """Say whether the signals show two different events (place, year or — when `counts` — a count in the title)."""
    if a.title_years and b.title_years and not a.title_years & b.title_years:
        return True
    if a.title_doc_titles and b.title_doc_titles and not any(
            same_document(x, y) for x in a.title_doc_titles for y in b.title_doc_titles):
        return True
    if a.places and b.places and not a.places & b.places:
        return True
    if a.main_places and b.main_places and not a.main_places & b.places and not b.main_places & a.places:
        return True
    if not counts:
        return False
    units_a: dict[str, set[str]] = defaultdict(set)
    for value, unit in a.title_numbers:
        units_a[unit].add(value)
    for unit, values in _values_by_unit(b.title_numbers).items():
        if unit in units_a and not units_a[unit] & values and not _mentions(a, unit, values) \
                and not _mentions(b, unit, units_a[unit]):
            return True
    return False


def _mentions(s: Signals, unit: str, values: set[str]) -> bool:
    """Say whether an article's title or lead states one of these counts (41个城市 beside 46个数据中心)."""
    return any((value, unit) in s.numbers for value in values)


def _values_by_unit(numbers: frozenset[tuple[str, str]]) -> dict[str, set[str]]:
    """Group (value, unit) pairs by unit."""
    out: dict[str, set[str]] = defaultdict(set)
    for value, unit in numbers:
        out[unit].add(value)
    return out


def pair_scores(units: Sequence[Unit], left: np.ndarray, right: np.ndarray, similarities: np.ndarray) -> np.ndarray:
    """Return how strongly each pair of units looks like one event: text similarity plus shared specifics.

    A shared 《document》 adds 0.15, each shared non-trivial number 0.05 (three at most), a
    shared place 0.05, a preliminary report and the official text after it 0.1; each day
    apart beyond two takes 0.02 off.
    """
    titles = feature_matrix([u.signals.doc_titles for u in units])
    numbers = feature_matrix([u.signals.numbers - _TRIVIAL_NUMBERS for u in units])
    where = feature_matrix([u.signals.places for u in units])
    days = np.asarray([u.day for u in units], dtype=np.int64)
    score: np.ndarray = similarities.astype(np.float64)
    score += np.where(row_dots(titles, left, right) > 0, 0.15, 0.0)
    score += 0.05 * np.minimum(row_dots(numbers, left, right).astype(np.int64), 3)
    score += np.where(row_dots(where, left, right) > 0, 0.05, 0.0)
    score -= 0.02 * np.maximum(0, np.abs(days[left] - days[right]) - 2)
    prelim = np.asarray([u.preliminary for u in units], dtype=bool)
    official = np.asarray([u.official for u in units], dtype=bool)
    gap = days[right] - days[left]
    same_decision = ((prelim[left] & official[right] & (gap >= 0) & (gap <= PRELIMINARY_GAP))
                     | (prelim[right] & official[left] & (gap <= 0) & (gap >= -PRELIMINARY_GAP)))
    score += PRELIMINARY_BONUS * same_decision
    return score


def candidate_pairs(units: Sequence[Unit], settings: ClusterSettings,
                    chunk: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Return unit pairs (i < j) at most `max_day_gap` apart sharing a distinctive term, document title or number.

    This is the blocking that keeps large days tractable: a feature carried by more than
    `max_term_df` units links too much to mean anything and is ignored, and each unit is
    paired with at most the `max_candidates` units it shares most features with.
    """
    features: list[list[object]] = []
    for unit in units:
        top = sorted(unit.vector.items(), key=lambda kv: -kv[1])[: settings.candidate_terms]
        row: list[object] = [t for t, _w in top]
        row += [("doc", d) for d in unit.signals.doc_titles]
        row += [("num", n) for n in unit.signals.numbers - _TRIVIAL_NUMBERS]
        features.append(row)
    shared = feature_matrix(features)
    df = np.bincount(shared.indices, minlength=shared.shape[1])
    shared = shared[:, np.flatnonzero((df >= 2) & (df <= settings.max_term_df))].tocsr()
    days = np.asarray([u.day for u in units], dtype=np.int64)
    transposed = shared.T.tocsc()
    codes = []
    for begin in range(0, len(units), chunk):
        found = (shared[begin: begin + chunk] @ transposed).tocoo()
        left = found.row.astype(np.int64) + begin
        right = found.col.astype(np.int64)
        near = (left != right) & (np.abs(days[left] - days[right]) <= settings.max_day_gap)
        left, right, count = left[near], right[near], found.data[near]
        # Each unit keeps the units it shares most features with: a dense day then costs
        # `max_candidates` pairs a unit, not a pair with every unit of its week.
        # One int64 key orders by unit, then most shared features, then partner (cheaper than a lexsort).
        most = int(count.max(initial=0)) + 1
        order = np.argsort((left * most + (most - 1 - count.astype(np.int64))) * len(units) + right)
        left, right = left[order], right[order]
        rank = np.arange(len(left)) - np.searchsorted(left, left)
        top = rank < settings.max_candidates
        low, high = np.minimum(left[top], right[top]), np.maximum(left[top], right[top])
        codes.append(low * len(units) + high)
    unique = np.unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)
    return unique // max(1, len(units)), unique % max(1, len(units))


@dataclass(frozen=True)
class ScoredPairs:
    """The candidate pairs of units clustering scored: indexes and their text similarity."""

    left: np.ndarray
    right: np.ndarray
    similarities: np.ndarray


def cluster_events(units: Sequence[Unit], settings: ClusterSettings | None = None) -> list[list[int]]:
    """Cluster units into events; return lists of unit indexes (see `event_clusters`)."""
    return event_clusters(units, settings)[0]


def event_clusters(units: Sequence[Unit],
                   settings: ClusterSettings | None = None) -> tuple[list[list[int]], ScoredPairs]:
    """Cluster units into events; return lists of unit indexes and the scored candidate pairs.

    Candidate pairs are scored together; those at `merge_threshold` or above are merged
    strongest first, and a merge is refused when any member of one cluster vetoes any
    member of the other (checked on at most 40 members a side, which keeps a 100-article
    event cheap).
    """
    settings = settings or ClusterSettings()
    left, right = candidate_pairs(units, settings)
    similarities = pair_cosines(to_matrix([u.vector for u in units]), left, right)
    scores = pair_scores(units, left, right, similarities)
    strong = np.flatnonzero(scores >= settings.merge_threshold)
    # Strongest first; ties in a fixed order (larger indexes first), so a re-run merges alike.
    strong = strong[np.lexsort((right[strong], left[strong], scores[strong]))[::-1]]
    uf = UnionFind(len(units))
    members: dict[int, list[int]] = {i: [i] for i in range(len(units))}
    for i, j in zip(left[strong].tolist(), right[strong].tolist(), strict=True):
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            continue
        left_members, right_members = members[ri][:40], members[rj][:40]
        if any(vetoed(units[x].signals, units[y].signals, counts=not preliminary_and_official(units[x], units[y]))
               for x in left_members for y in right_members):
            continue
        uf.union(ri, rj)
        root = uf.find(ri)
        merged = members.pop(ri) + members.pop(rj)
        members[root] = merged
    clusters = sorted((sorted(m) for m in members.values()), key=lambda m: m[0])
    return clusters, ScoredPairs(left, right, similarities)
