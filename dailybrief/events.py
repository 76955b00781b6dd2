"""Event clustering: reprint groups about the same event become one story.

Two groups join when their text is alike (TF-IDF cosine over title and body) and the
signals an editor would check agree: shared 《document titles》 and numbers raise the
score; different places (or main places neither mentions), different years or
different 《documents》 in the titles, or the same count of a different thing in the
titles (12条航线 vs 9条航线, when neither states the other's count) veto the merge, so
two provinces' look-alike contests or this year's and last year's edition stay apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dailybrief.dedup import ReprintGroup, UnionFind
from dailybrief.select import Vector, cosine
from dailybrief.tokens import Signals, same_document
from dailybrief.vectors import pair_cosines, to_matrix

# Numbers too common to say anything about an event on their own.
_TRIVIAL_NUMBERS = frozenset({("1", "个"), ("2", "个"), ("3", "个"), ("1", "批"), ("1", "次"), ("1", "大")})


@dataclass(frozen=True)
class Unit:
    """A reprint group with what clustering compares: its vector, signals and date."""

    group: ReprintGroup
    vector: Vector
    signals: Signals
    day: int  # ordinal of the original's publication date


@dataclass(frozen=True)
class ClusterSettings:
    """Thresholds of event clustering."""

    merge_threshold: float = 0.3
    max_day_gap: int = 10
    candidate_terms: int = 12
    max_term_df: int = 300


def vetoed(a: Signals, b: Signals) -> bool:
    """Say whether the signals show two different events (place, year or count in the title)."""
    if a.title_years and b.title_years and not a.title_years & b.title_years:
        return True
    if a.title_doc_titles and b.title_doc_titles and not any(
            same_document(x, y) for x in a.title_doc_titles for y in b.title_doc_titles):
        return True
    if a.places and b.places and not a.places & b.places:
        return True
    if a.main_places and b.main_places and not a.main_places & b.places and not b.main_places & a.places:
        return True
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


def pair_score(a: Unit, b: Unit, similarity: float | None = None) -> float:
    """Return how strongly two units look like one event (text similarity plus shared specifics)."""
    score = cosine(a.vector, b.vector) if similarity is None else similarity
    shared_titles = a.signals.doc_titles & b.signals.doc_titles
    if shared_titles:
        score += 0.15
    shared_numbers = (a.signals.numbers & b.signals.numbers) - _TRIVIAL_NUMBERS
    score += 0.05 * min(len(shared_numbers), 3)
    if a.signals.places & b.signals.places:
        score += 0.05
    gap = abs(a.day - b.day)
    return score - 0.02 * max(0, gap - 2)


def candidate_pairs(units: Sequence[Unit], settings: ClusterSettings) -> set[tuple[int, int]]:
    """Return unit pairs sharing a distinctive term, document title or number (blocking for large days)."""
    postings: dict[object, list[int]] = defaultdict(list)
    for i, unit in enumerate(units):
        top = sorted(unit.vector.items(), key=lambda kv: -kv[1])[: settings.candidate_terms]
        features: list[object] = [t for t, _w in top]
        features += [("doc", d) for d in unit.signals.doc_titles]
        features += [("num", n) for n in unit.signals.numbers - _TRIVIAL_NUMBERS]
        for feature in features:
            postings[feature].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        if len(members) > settings.max_term_df:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if abs(units[i].day - units[j].day) <= settings.max_day_gap:
                    pairs.add((i, j) if i < j else (j, i))
    return pairs


def cluster_events(units: Sequence[Unit], settings: ClusterSettings | None = None) -> list[list[int]]:
    """Cluster units into events; return lists of unit indexes.

    Pairs are merged strongest first; a merge is refused when any member of one cluster
    vetoes any member of the other (checked on at most 40 members a side, which keeps a
    100-article event cheap).
    """
    settings = settings or ClusterSettings()
    scored = []
    pairs = sorted(candidate_pairs(units, settings))
    similarities = pair_cosines(to_matrix([u.vector for u in units]), pairs) if pairs else np.zeros(0)
    for (i, j), similarity in zip(pairs, similarities, strict=True):
        score = pair_score(units[i], units[j], float(similarity))
        if score >= settings.merge_threshold:
            scored.append((score, i, j))
    scored.sort(reverse=True)
    uf = UnionFind(len(units))
    members: dict[int, list[int]] = {i: [i] for i in range(len(units))}
    for _score, i, j in scored:
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            continue
        left, right = members[ri][:40], members[rj][:40]
        if any(vetoed(units[x].signals, units[y].signals) for x in left for y in right):
            continue
        uf.union(ri, rj)
        root = uf.find(ri)
        merged = members.pop(ri) + members.pop(rj)
        members[root] = merged
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])
