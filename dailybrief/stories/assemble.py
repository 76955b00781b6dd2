"""One event's clustered reprint groups → a ranked story: its primary, features, score and why.

The primary is the official document when there is one (a government policy text over the media
reports of it), else the highest-level, earliest original. A media report that gave the decision's
preliminary form (拟/预计/据悉) before an official text is kept in the story but `superseded`: the
official figures are the ones the brief states.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dailybrief.models import Article
from dailybrief.stories.aboutness import About
from dailybrief.stories.events import Unit
from dailybrief.stories.importance import (
    first_of_its_kind,
    media_scope,
    money_yuan,
    states_targets,
    substance,
    text_kind,
)
from dailybrief.stories.rank import LEVEL_SCORE, Facts, Features, explain, publishers_feature, score
from dailybrief.stories.reprints import ReprintGroup, names_match

# How long after a preliminary report an official text can still be the same decision.
PRELIMINARY_DAYS = 3


@dataclass(frozen=True)
class DayContext:
    """What every story of a day is scored against."""

    issue_date: dt.date
    window_days: int
    levels: Mapping[str, str]
    weights: dict[str, float]
    language: str
    min_aboutness: float
    earlier: Sequence[dict[str, Any]]


FIGURES_CHARS = 800  # a policy document states its targets after a cover letter: read past the lead


def lead_of(article: Article) -> str:
    """Return an article's lead: its first paragraphs, up to about 300 characters."""
    return "".join(article.paragraphs[:2])[:300] or article.text[:300]


def opening_of(article: Article) -> str:
    """Return the headline and the opening of the text, where a story states its headline figures."""
    return article.title + "\n" + article.text[:FIGURES_CHARS]


def is_official(article: Article, levels: Mapping[str, str]) -> bool:
    """Say whether an article is a government source's policy document."""
    return levels.get(article.source, "media") != "media" and text_kind(article.title, lead_of(article)) == "policy"


def choose_primary(groups: Sequence[ReprintGroup], levels: Mapping[str, str]) -> Article:
    """Return the primary: the official policy document first, then the source level, the earliest date."""

    def order(a: Article) -> tuple[bool, float, dt.date, str]:
        """Sort key: official document, source level, earliest date, URL."""
        return (not is_official(a, levels), -LEVEL_SCORE.get(levels.get(a.source, "media"), 0.3),
                a.published or dt.date.max, a.url)

    return min((g.original for g in groups), key=order)


def seen_before(doc_titles: set[str], urls: set[str], numbers: set[tuple[str, str]],
                earlier: Sequence[dict[str, Any]]) -> tuple[float, str | None, bool]:
    """Return (novelty, the date of the earlier section or None, whether figures are new since)."""
    for old in earlier:
        same = bool(urls & set(old["articles"])) or bool(doc_titles & set(old["doc_titles"]))
        if not same:
            continue
        new_numbers = numbers - set(old["numbers"])
        if len(new_numbers) >= 2:
            return 0.6, str(old["issue_date"]), True
        return 0.1, str(old["issue_date"]), False
    return 1.0, None, False


def independent_publishers(groups: Sequence[ReprintGroup]) -> tuple[int, int]:
    """Return (independent reports, reprinting outlets): each original's publisher once, reprinters besides."""
    names: list[str] = []
    for original in (g.original for g in groups):
        if not any(names_match(original.publisher, n) for n in names):
            names.append(original.publisher)
    reprinting: list[str] = []
    for reprint in (r for g in groups for r in g.reprints):
        if not any(names_match(reprint.publisher, n) for n in (*names, *reprinting)):
            reprinting.append(reprint.publisher)
    return len(names), len(reprinting)


def superseded_reports(primary: Article, units: Sequence[Unit], levels: Mapping[str, str]) -> set[str]:
    """Return the URLs of preliminary reports an official primary published within a few days replaces."""
    if not is_official(primary, levels) or primary.published is None:
        return set()
    out = set()
    for unit in units:
        original = unit.group.original
        if unit.preliminary and original.url != primary.url and original.published is not None \
                and 0 <= (primary.published - original.published).days <= PRELIMINARY_DAYS:
            out |= {a.url for a in unit.group.members}
    return out


def assemble_story(cluster: Sequence[int], units: Sequence[Unit], about: Mapping[str, About], day: DayContext, *,
                   scale: float, thread: float, is_background: bool) -> dict[str, Any]:
    """Return the fields of one ranked story (see `stories.build.RankedStory`)."""
    members_units = [units[i] for i in cluster]
    groups = [u.group for u in members_units]
    primary = choose_primary(groups, day.levels)
    members = [a for g in groups for a in g.members]
    members.sort(key=lambda a: (a.url != primary.url, a.published or dt.date.max, a.url))
    superseded = superseded_reports(primary, members_units, day.levels)
    level = day.levels.get(primary.source, "media")
    lead = lead_of(primary)
    kind = text_kind(primary.title, lead)
    doc_titles = set().union(*(u.signals.doc_titles for u in members_units))
    numbers = set().union(*(u.signals.numbers for u in members_units if u.group.original.url not in superseded))
    novelty, seen_on, seen_new = seen_before(doc_titles, {a.url for a in members}, numbers, day.earlier)
    newest = max((a.published for a in members if a.published), default=day.issue_date)
    independent, reprinting = independent_publishers(groups)
    primary_about = about[primary.url]
    # A media report's level is what it reports on (national figures are national news), a government text's its own.
    scope = media_scope(primary.title, lead) if level == "media" else level
    features = Features(
        relevance=primary_about.score, level=LEVEL_SCORE.get(scope, 0.3), media=float(level == "media"),
        substance=substance(kind, targets=states_targets(opening_of(primary)), money=money_yuan(numbers)),
        scale=scale, first=first_of_its_kind(primary.title, lead),
        publishers=publishers_feature(independent, reprinting), thread=thread,
        freshness=max(0.0, 1 - (day.issue_date - newest).days / max(1, day.window_days)), novelty=novelty,
    )
    gated = primary_about.score < day.min_aboutness
    facts = Facts(level=level, kind=kind, independent=independent, reprinting=reprinting,
                  preliminary=len({u.group.original.url for u in members_units} & superseded), gated=gated,
                  seen_before=seen_on, seen_new=seen_new,
                  background=str(primary.published) if is_background else None)
    return {"primary": primary, "articles": members,
            "reprints": {r.url: g.original.url for g in groups for r in g.reprints},
            "score": score(features, day.weights), "why": explain(features, facts, day.weights, day.language),
            "relevance": primary_about.score, "background": is_background, "doc_titles": doc_titles,
            "numbers": numbers, "features": features.as_dict(), "gated": gated, "superseded": superseded}
