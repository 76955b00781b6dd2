"""Story score: a weighted mean of features in 0..1, weights from `[rank]`.

| feature    | 1.0 means                                                        |
|------------|------------------------------------------------------------------|
| level      | the primary comes from a national source (provincial .7, city .5, media .3) |
| policy     | the primary is a government policy document (印发/通知/方案/意见/办法…); .5 for coverage of one |
| publishers | four or more independent publishers carry the event (one: 0)     |
| relevance  | as relevant to the theme as the day's most relevant story        |
| thread     | shares the most vocabulary with the day's other stories and background (the main thread) |
| freshness  | dated on the issue date (0 at the window's start)               |
| novelty    | no earlier brief had a section on it (.1 if one did and nothing new; .6 with new numbers) |
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dailybrief.config import RankSettings

LEVEL_SCORE = {"national": 1.0, "provincial": 0.7, "city": 0.5, "media": 0.3}
LEVEL_WORD = {"national": "national", "provincial": "provincial", "city": "city", "media": "media"}
POLICY_TITLE = re.compile(r"印发|通知|方案|意见|办法|规划|纲要|条例|指南|行动计划|决定|规定|细则|公告")


@dataclass(frozen=True)
class Features:
    """The ranking features of one story, each in 0..1."""

    level: float
    policy: float
    publishers: float
    relevance: float
    thread: float
    freshness: float
    novelty: float


def policy_feature(title: str, level: str) -> float:
    """Return 1 for a government policy document, .5 for coverage of one, else 0."""
    if POLICY_TITLE.search(title):
        return 1.0 if level != "media" else 0.5
    return 0.5 if "《" in title else 0.0


def publishers_feature(count: int) -> float:
    """Map the number of independent publishers to 0..1 (1 publisher → 0, 4+ → 1)."""
    return min(1.0, max(0, count - 1) / 3)


def score(features: Features, weights: RankSettings) -> float:
    """Return the weighted mean of the features."""
    pairs = [(features.level, weights.level), (features.policy, weights.policy),
             (features.publishers, weights.publishers), (features.relevance, weights.relevance),
             (features.thread, weights.thread), (features.freshness, weights.freshness),
             (features.novelty, weights.novelty)]
    total = sum(w for _f, w in pairs) or 1.0
    return round(sum(f * w for f, w in pairs) / total, 4)


def explain(features: Features, level: str, publishers: int, terms: tuple[str, ...], seen_before: str | None) -> str:
    """Return one line saying what drove a story's score."""
    kind = {1.0: "policy document", 0.5: "coverage of a policy document"}.get(features.policy, "report")
    parts = [f"{LEVEL_WORD.get(level, level)} {kind}", f"{publishers} publisher{'s' if publishers != 1 else ''}"]
    if terms:
        parts.append("theme terms: " + ", ".join(terms[:4]))
    if features.thread >= 0.5:
        parts.append("part of the day's main thread")
    if seen_before:
        parts.append(seen_before)
    return "; ".join(parts)
