"""Story score: a weighted mean of features in 0..1, weights from `[rank]` (or learned, see `learn`).

| feature    | 1.0 means                                                                          |
|------------|------------------------------------------------------------------------------------|
| relevance  | the theme is what the primary is about (`aboutness`: headline, lead, share)        |
| level      | national source (provincial .7, city .5); media by its subject (全国 1, a province .7, else .3) |
| media      | the primary is a media report (weight 0 by default; editors who prefer media raise it) |
| substance  | a policy document or decision that sets targets or money (admin notice .1, report .4) |
| scale      | its figures are the day's largest of their kind (money in yuan; shared count units) |
| first      | 首个/首次/首批 in the headline (.6 in the lead)                                    |
| publishers | four or more independent reports (each original counts 1, each reprinting outlet ½) |
| thread     | shares the most vocabulary with the day's other stories (the main thread)         |
| freshness  | dated on the issue date (0 at the window's start)                                  |
| novelty    | no earlier brief had a section on it (.1 if one did and nothing new; .6 with new figures) |

A reprint is not independent reporting: it shows an outlet chose to carry the story, so each
reprinting outlet counts half an independent publisher. Weights are relative (the score is
divided by their sum); learned weights stay within `WEIGHT_BOUNDS` of that sum each.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from dailybrief.config import RankSettings

LEVEL_SCORE = {"national": 1.0, "provincial": 0.7, "city": 0.5, "media": 0.3}
FEATURES = ("relevance", "level", "media", "substance", "scale", "first", "publishers", "thread", "freshness",
            "novelty")
WEIGHT_BOUNDS = (0.0, 0.5)  # each weight as a share of all weights, after learning
REPRINT_WEIGHT = 0.5

# The phrases of `why`, per brief language (zh, else en): one short clause per driver.
PHRASES: dict[str, dict[str, str]] = {
    "zh": {
        "national": "国家级", "provincial": "省级", "city": "市级", "media": "媒体",
        "policy": "政策文件", "decision": "决策报道", "report": "报道", "administrative": "事务性通知",
        "media_policy": "政策文件的媒体报道",
        "substance": "设定目标或资金", "scale": "数额居当日前列", "first": "首次或首批",
        "publishers": "{n}家独立来源", "reprints": "（另有{n}家转载）", "relevance": "主题相关度{v:.2f}",
        "weak": "与主题关联弱（仅顺带提及）", "thread": "属当日主线", "media_pref": "编辑偏好媒体报道",
        "fresh": "为本期最新", "background": "背景：发布于{date}，早于本期窗口",
        "seen": "{date}已有一节，此后无新内容", "seen_new": "{date}已有一节，此后有新数据",
        "preliminary": "含{n}篇先行报道（以正式公布为准）", "sep": "；",
    },
    "en": {
        "national": "national ", "provincial": "provincial ", "city": "city ", "media": "media ",
        "policy": "policy document", "decision": "report of a decision", "report": "report",
        "administrative": "administrative notice", "media_policy": "media coverage of a policy document",
        "substance": "sets targets or money", "scale": "among the day's largest figures",
        "first": "first of its kind", "publishers": "{n} independent publishers", "reprints": " (+{n} reprints)",
        "relevance": "relevance {v:.2f}", "weak": "mentions the theme only in passing",
        "thread": "part of the day's main thread", "media_pref": "editors prefer media reports",
        "fresh": "newest in the window", "background": "background: dated {date}, before the window",
        "seen": "had a section on {date}; nothing new", "seen_new": "had a section on {date}; new figures since",
        "preliminary": "{n} preliminary report(s); the official text prevails", "sep": "; ",
    },
}


@dataclass(frozen=True)
class Features:
    """The ranking features of one story, each in 0..1."""

    relevance: float
    level: float
    media: float
    substance: float
    scale: float
    first: float
    publishers: float
    thread: float
    freshness: float
    novelty: float

    def as_dict(self) -> dict[str, float]:
        """Return the features by name (what stories.json and the editors' decisions store)."""
        return {f.name: round(float(getattr(self, f.name)), 4) for f in fields(self)}


def publishers_feature(independent: int, reprinting: int = 0) -> float:
    """Map independent reports (and reprinting outlets, at half) to 0..1: one report → 0, four or more → 1."""
    return min(1.0, max(0.0, independent + REPRINT_WEIGHT * reprinting - 1) / 3)


def weights_of(settings: RankSettings) -> dict[str, float]:
    """Return the feature weights of a `[rank]` table by feature name."""
    return {name: float(getattr(settings, name)) for name in FEATURES}


def score(features: Features, weights: dict[str, float]) -> float:
    """Return the weighted mean of the features."""
    values = features.as_dict()
    total = sum(weights.values()) or 1.0
    return round(sum(values[name] * weights[name] for name in FEATURES) / total, 4)


@dataclass(frozen=True)
class Facts:
    """What `why` names besides the features: the story's kind, counts and notes."""

    level: str
    kind: str
    independent: int
    reprinting: int
    preliminary: int = 0
    gated: bool = False
    seen_before: str | None = None
    seen_new: bool = False
    background: str | None = None


def explain(features: Features, facts: Facts, weights: dict[str, float], language: str = "zh") -> str:
    """Return `why`: the kind of story, then one clause per driver, strongest contribution first."""
    words = PHRASES["zh" if language.lower().startswith("zh") else "en"]
    if facts.level == "media" and facts.kind == "policy":
        head = words["media_policy"]
    else:
        head = words[facts.level] + words[facts.kind] if facts.level in words else words[facts.kind]
    coverage = words["publishers"].format(n=facts.independent)
    if facts.reprinting:
        coverage += words["reprints"].format(n=facts.reprinting)
    drivers = {
        "substance": words["substance"] if features.substance >= 0.85 else "",
        "scale": words["scale"] if features.scale >= 0.7 else "",
        "first": words["first"] if features.first >= 0.6 else "",
        "publishers": coverage,
        "thread": words["thread"] if features.thread >= 0.5 else "",
        "media": words["media_pref"] if features.media and weights.get("media", 0) > 0 else "",
        "freshness": words["fresh"] if features.freshness >= 0.99 else "",
    }
    values = features.as_dict()
    ranked = sorted((name for name, text in drivers.items() if text),
                    key=lambda n: (-(values[n] * weights.get(n, 0.0)), FEATURES.index(n)))
    parts = [head, *(drivers[n] for n in ranked if n == "publishers" or values[n] * weights.get(n, 0.0) > 0)]
    parts.append(words["weak"] if facts.gated else words["relevance"].format(v=features.relevance))
    if facts.preliminary:
        parts.append(words["preliminary"].format(n=facts.preliminary))
    if facts.seen_before:
        parts.append(words["seen_new" if facts.seen_new else "seen"].format(date=facts.seen_before))
    if facts.background:
        parts.insert(0, words["background"].format(date=facts.background))
    return words["sep"].join(parts)
