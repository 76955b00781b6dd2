"""The section layout both writers use, and the records they share while writing.

A section has the seed brief's shape: the primary document's facts, then what the coverage
adds, then the interpretation, each group a paragraph and empty groups left out. Sentences
are made in that order, so reference ids are given out in reading order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dailybrief.models import Article, Section, Sentence
from dailybrief.stories.build import RankedStory
from dailybrief.write.extractive import Candidate

# A sentence still to be made (making it may give out a reference id), and the article it states.
Pending = Callable[[], Sentence]


@dataclass
class Draft:
    """A section being written: its story, label and chosen sentences (citing article URLs)."""

    story: RankedStory
    label: str
    heading: str
    facts: list[Candidate]
    analysis: list[Candidate]


class Refs:
    """Reference ids in order of first citation."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.articles: dict[str, Article] = {}

    def cite(self, article: Article) -> str:
        """Return the reference id for an article, creating it on first use."""
        if article.url not in self.ids:
            self.ids[article.url] = f"R{len(self.ids) + 1}"
            self.articles[article.url] = article
        return self.ids[article.url]


def lay_out_section(number: int, heading: str, story: RankedStory, facts: Sequence[tuple[str, Pending]],
                    interpretation: Sequence[Pending]) -> Section:
    """Return a section: facts from the primary (by source URL) first, then the coverage's, then the interpretation."""
    primary = [make for url, make in facts if url == story.primary.url]
    coverage = [make for url, make in facts if url != story.primary.url]
    paragraphs = (tuple(make() for make in group) for group in (primary, coverage, interpretation))
    return Section(number=number, heading=heading, story_id=story.id, paragraphs=tuple(p for p in paragraphs if p))
