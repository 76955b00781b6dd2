"""What a story says, as the ranking reads it: the kind of text, its figures, first-of-its-kind markers.

An editor ranks a policy document that sets targets or money above a meeting notice, larger
figures above smaller ones of the same kind, and a 首个/首批 above a routine repeat — whoever
publishes them. These are pure functions of a headline, a lead and the figures found there;
the word lists are data (`vocabulary.toml`).
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from dailybrief.text.spans import COUNT
from dailybrief.text.tokens import numbers_with_units

Kind = Literal["policy", "decision", "report", "administrative"]
Numbers = Iterable[tuple[str, str]]

# The substance of each kind of text (0..1), before its figures: what the `substance` feature says.
SUBSTANCE = {"policy": 0.75, "decision": 0.6, "report": 0.4, "administrative": 0.1}
FIGURES_BONUS = 0.25  # a policy document or decision that states targets or money
COUNT_MULTIPLIERS = {"万": 1e4, "亿": 1e8}
_ISSUES = re.compile("印发|出台|发布|公布")  # a headline that issues a document, not just names one


WordList = re.Pattern[str]


@dataclass(frozen=True)
class Vocabulary:
    """The word lists of vocabulary.toml, each as one pattern matching any of its words."""

    policy_document: WordList
    decision: WordList
    administrative: WordList
    target: WordList
    first: WordList
    preliminary: WordList
    national_scope: WordList
    provinces: WordList
    money: dict[str, float]


@cache
def vocabulary() -> Vocabulary:
    """Load the ranking's word lists from the package data."""
    data = tomllib.loads(resources.files("dailybrief.stories").joinpath("vocabulary.toml").read_text("utf-8"))
    lists = {key: re.compile("|".join(re.escape(unicodedata.normalize("NFKC", w)) for w in data[key]))
             for key in ("policy_document", "decision", "administrative", "target", "first", "preliminary",
                         "national_scope", "provinces")}
    return Vocabulary(**lists, money={unit: float(v) for unit, v in data["money"].items()})


def _has(text: str, words: WordList) -> bool:
    """Say whether any of the words occurs in the text."""
    return words.search(text) is not None


def is_policy_title(title: str) -> bool:
    """Say whether a headline names a policy document or the act of issuing one (印发/方案/通知…)."""
    return _has(unicodedata.normalize("NFKC", title), vocabulary().policy_document)


@lru_cache(maxsize=65_536)  # each story's primary is classified again when its story is assembled
def text_kind(title: str, lead: str) -> Kind:
    """Classify a text by its headline (and lead): policy document, decision, report or administrative notice.

    An administrative headline (a meeting, a call for applications, personnel, procurement) is
    administrative unless it also issues a document (印发《…》/出台…方案).
    """
    words = vocabulary()
    head = unicodedata.normalize("NFKC", title)
    issues = _ISSUES.search(head) is not None and ("《" in head or _has(head, words.policy_document))
    if _has(head, words.administrative) and not issues:
        return "administrative"
    if issues or _has(head, words.policy_document):
        return "policy"
    if _has(head, words.decision) or _has(unicodedata.normalize("NFKC", lead[:120]), words.decision):
        return "decision"
    return "report"


def media_scope(title: str, lead: str) -> str:
    """Return what a media report is about: national, provincial, city (a place in the headline) or media (neither)."""
    words = vocabulary()
    head = unicodedata.normalize("NFKC", title)
    if _has(head + unicodedata.normalize("NFKC", lead[:120]), words.national_scope):
        return "national"
    if _has(head, words.provinces):
        return "provincial"
    return "media"


def money_yuan(numbers: Numbers) -> float:
    """Return the largest sum of money among (value, unit) figures, in yuan (0 when none)."""
    rates = vocabulary().money
    return max((float(v) * rates[u] for v, u in numbers if u in rates), default=0.0)


def states_targets(text: str) -> bool:
    """Say whether a text sets targets (到2027年…, 力争…, …以上)."""
    return _has(unicodedata.normalize("NFKC", text), vocabulary().target)


def substance(kind: Kind, *, targets: bool, money: float) -> float:
    """Return the substance feature: what kind of text it is, raised when a decision sets targets or money."""
    base = SUBSTANCE[kind]
    if kind in ("policy", "decision") and (targets or money > 0):
        base += FIGURES_BONUS
    return min(1.0, base)


def first_of_its_kind(title: str, lead: str) -> float:
    """Return 1 for a 首个/首次/首批 in the headline, .6 in the lead, else 0."""
    words = vocabulary().first
    if _has(unicodedata.normalize("NFKC", title), words):
        return 1.0
    return 0.6 if _has(unicodedata.normalize("NFKC", lead[:200]), words) else 0.0


def is_preliminary(title: str, lead: str) -> bool:
    """Say whether a report gives a decision's preliminary form (拟/预计/据悉 in its headline or lead)."""
    return _has(unicodedata.normalize("NFKC", title + " " + lead[:120]), vocabulary().preliminary)


def figures(text: str) -> set[tuple[str, float]]:
    """Return the sizes a text states as (what, amount): money in yuan as "money", counts by measure word (座, 辆)."""
    rates = vocabulary().money
    flat = unicodedata.normalize("NFKC", text).replace(",", "")
    out = {("money", float(v) * rates[u]) for v, u in numbers_with_units(flat) if u in rates}
    for value, multiplier, measure in COUNT.findall(flat):
        out.add((measure, float(value) * COUNT_MULTIPLIERS.get(multiplier, 1.0)))
    return out


def scale_scores(stories: Sequence[Iterable[tuple[str, float]]], lookalikes: Iterable[tuple[int, int]]) -> list[float]:
    """Return each story's scale within the day (0..1): how its figures compare with the largest of their kind.

    Money is compared across all of the day's stories. Look-alike stories — reports of the same
    kind of thing, such as two cities' charging plans — are also compared figure by figure on
    what they both state (座 against 座, money against money), since 12 of one thing says nothing
    against 30 of another: the geometric mean of those ratios. A story's scale is the larger of
    the two comparisons, square-rooted so half the largest still counts .7.
    """
    best: list[dict[str, float]] = []
    for found in stories:
        largest: dict[str, float] = defaultdict(float)
        for what, amount in found:
            largest[what] = max(largest[what], amount)
        best.append(largest)
    top_money = max((b.get("money", 0.0) for b in best), default=0.0)
    peers: dict[int, set[int]] = defaultdict(set)
    for i, j in lookalikes:
        peers[i].add(j)
        peers[j].add(i)
    out = []
    for i, largest in enumerate(best):
        ratios = [largest["money"] / top_money] if largest.get("money") and top_money else []
        shared = [amount / max(amount, *(best[j][what] for j in peers[i] if best[j].get(what)))
                  for what, amount in largest.items()
                  if amount > 0 and any(best[j].get(what) for j in peers[i])]
        if shared:
            ratios.append(math.prod(shared) ** (1 / len(shared)))
        out.append(round(math.sqrt(max(ratios, default=0.0)), 4))
    return out
