"""What the cited articles support: each article indexed once, and the evidence map of a brief's references.

Every path that verifies (both writers, `dailybrief verify`, `dailybrief check`, the editor app)
builds its evidence here, so a sentence is judged against the same text wherever it is checked.
An article's evidence is its title, text, publisher and 来源 origin, and its publication date
(from the page's metadata): every sentence parsed with the claim parser, each quantity kept with
the sentence and clause it stands in, each month–day with the years it may belong to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dailybrief.models import Article
from dailybrief.verify.claims import analyse, canonical, fold
from dailybrief.verify.records import Claim, DateValue

_SENTENCE = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’」』）)]*|$)")
_TRAILING_BRACKETS = re.compile(r"[(（][^()（）]*[)）]$")


def title_forms(key: str) -> set[str]:
    """Return a folded 《title》 and its form without a trailing bracket (（2024—2026年）, （草案）)."""
    return {key, _TRAILING_BRACKETS.sub("", key)} - {""}


@dataclass(frozen=True)
class Stated:
    """A quantity an evidence sentence states: the claim, its sentence and its clause's subject words."""

    claim: Claim
    sentence: int
    subject: frozenset[str]
    order: tuple[str, ...]  # its clause's subject words in order
    place: tuple[int, int]  # its place among its clause's quantities of one dimension: (index, how many)
    frame: tuple[str, str] = ("", "")  # the words right before and after it (see `Analysis.frame`)


@dataclass(frozen=True)
class StatedDate:
    """A date an article states (or its publication date) and the years it may belong to."""

    date: DateValue
    years: frozenset[int]
    sentence: int  # -1: the publication date


@dataclass(frozen=True)
class Evidence:
    """What one source can support, precomputed once."""

    folded: str
    canonical: str  # the folded text with numbers and dates written one way (what quotes are compared with)
    sentences: tuple[str, ...]
    sentence_words: tuple[frozenset[str], ...]
    quantities: tuple[Stated, ...]
    dates: tuple[StatedDate, ...]
    titles: frozenset[str]  # what supports a 《title》: documents, whole lines, the names it is published under
    documents: frozenset[str]  # the 《documents》 it names and its own title
    published: dt.date | None = None

    @property
    def empty(self) -> bool:
        """Say whether the source has no text at all."""
        return not self.sentences

    @classmethod
    def of(cls, text: str, published: dt.date | None = None, *, title: str = "",
           names: Iterable[str] = ()) -> Evidence:
        """Index a source: its title and text, the names it is published under, its publication date."""
        names = [n for n in names if n]
        sentences: list[str] = []
        words: list[frozenset[str]] = []
        quantities: list[Stated] = []
        dates: list[StatedDate] = []
        titles: set[str] = set()
        documents: set[str] = title_forms(fold(title)) if title else set()
        lines = [line.strip() for line in (title, *text.splitlines()) if line.strip()]
        canonical_text: list[str] = []
        for line in lines:
            titles |= title_forms(fold(line))
            last_year: int | None = None
            for sentence in (m.group().strip() for m in _SENTENCE.finditer(line)):
                if not sentence:
                    continue
                index = len(sentences)
                analysis = analyse(sentence, actors=False)
                sentences.append(sentence)
                canonical_text.append(canonical(analysis))
                words.append(analysis.words)
                for claim in analysis.claims:
                    if claim.quantity is not None:
                        clause = analysis.clause_tokens[analysis.clause_of(claim.start)]
                        quantities.append(Stated(claim, index, analysis.subject(claim), clause, analysis.place(claim),
                                                 analysis.frame(claim)))
                    elif claim.date is not None and claim.date.possible:
                        stated = claim.date
                        years = {stated.year} if stated.year else {y for y in (last_year,) if y}
                        if not stated.year and published:
                            years.add(published.year)
                        dates.append(StatedDate(stated, frozenset(years), index))
                        last_year = stated.year or last_year
                    elif claim.kind == "title" and claim.text.startswith("《"):
                        documents |= title_forms(claim.key)
        if published:
            dates.append(StatedDate(DateValue(published.year, published.month, published.day),
                                    frozenset({published.year}), -1))
        titles |= documents | {fold(n) for n in names}
        folded = fold("\n".join([*lines, *names])).lower()
        return cls(folded, "".join(canonical_text), tuple(sentences), tuple(words), tuple(quantities), tuple(dates),
                   frozenset(titles), frozenset(documents), published)


def article_evidence(article: Article) -> Evidence:
    """Return what an article supports: its title, text, publisher, origin and publication date."""
    return Evidence.of(article.text, article.published, title=article.title,
                       names=(article.publisher, article.origin))


def evidence_map(references: Iterable[tuple[str, str]],
                 article_at: Callable[[str], Article | None]) -> dict[str, Evidence]:
    """Return the evidence of every reference (id, url) whose article `article_at(url)` finds; the rest are absent."""
    out: dict[str, Evidence] = {}
    for ref_id, url in references:
        if ref_id in out:
            continue
        article = article_at(url)
        if article is not None:
            out[ref_id] = article_evidence(article)
    return out
