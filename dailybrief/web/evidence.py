"""Evidence for one sentence: the passages of its cited articles that support it, claims highlighted.

Text is returned as segments `(text, mark)` — `mark` is "" for plain text, "hit" for a claim
the sentence states and the passage supports, "ok"/"bad" for a sentence's own supported or
unsupported claims — so templates escape every character and add only their own markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dailybrief.models import Article
from dailybrief.text.spans import DATE_MD, DATE_YMD, DOC_TITLE, NUMBER_WRITTEN, QUOTED, SENTENCE_END
from dailybrief.verify.claims import Claims, Evidence, claims, dates, fold, number_values, split_claims

Segment = tuple[str, str]

def _date_matches(found: set[tuple[int | None, int, int]], wanted: frozenset[tuple[int | None, int, int]]) -> bool:
    """Say whether a written date is one of the wanted dates (a date without a year matches any year)."""
    return any((m, d) == (wm, wd) and (y is None or wy is None or y == wy)
               for y, m, d in found for wy, wm, wd in wanted)


def claim_spans(text: str, wanted: Claims) -> list[tuple[int, int]]:
    """Return the character spans of `text` that state one of the wanted claims, longest first, not overlapping."""
    spans: list[tuple[int, int]] = []
    for m in (*DATE_YMD.finditer(text), *DATE_MD.finditer(text)):
        if wanted.dates and _date_matches(dates(m.group()), wanted.dates):
            spans.append(m.span())
    for m in NUMBER_WRITTEN.finditer(text):
        if number_values(m.group()) & wanted.numbers:
            spans.append(m.span())
    for m in DOC_TITLE.finditer(text):
        if fold(m.group(1)) in wanted.titles:
            spans.append(m.span())
    for m in QUOTED.finditer(text):
        if fold(m.group(1)) in wanted.quotes:
            spans.append(m.span())
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= a or start >= b for a, b in kept):
            kept.append((start, end))
    return sorted(kept)


def segments(text: str, spans: Sequence[tuple[int, int]], mark: str = "hit") -> list[Segment]:
    """Cut a text into plain and marked segments."""
    return marked_segments(text, [(span, mark) for span in spans])


def marked_segments(text: str, marks: Sequence[tuple[tuple[int, int], str]]) -> list[Segment]:
    """Cut a text into plain segments and segments carrying their mark; overlapping spans are skipped."""
    out: list[Segment] = []
    at = 0
    for (start, end), mark in sorted(marks):
        if start < at:
            continue
        if start > at:
            out.append((text[at:start], ""))
        out.append((text[start:end], mark))
        at = end
    if at < len(text):
        out.append((text[at:], ""))
    return out


def sentence_segments(text: str, evidence: Sequence[Evidence]) -> list[Segment]:
    """Return the sentence with its supported claims marked "ok" and unsupported ones "bad"."""
    good, bad = split_claims(text, evidence)
    marks = [(s, "bad") for s in claim_spans(text, bad)]
    taken = [s for s, _m in marks]
    marks += [(s, "ok") for s in claim_spans(text, good) if all(s[1] <= a or s[0] >= b for a, b in taken)]
    return marked_segments(text, marks)


@dataclass(frozen=True)
class Passage:
    """A passage of a cited article that supports a sentence."""

    paragraph: int  # -1 for the title
    segments: list[Segment]
    hits: int
    score: float


def _bigrams(text: str) -> set[str]:
    """Return the character bigrams of a text without white space and punctuation."""
    flat = re.sub(r"[\s，。、；：！？“”‘’（）《》,.;:!?()\"']", "", text)
    return {flat[i:i + 2] for i in range(len(flat) - 1)}


def passages(sentence: str, article: Article, limit: int = 3) -> list[Passage]:
    """Return the article's passages (sentences of its title and paragraphs) that best support a sentence."""
    wanted = claims(sentence)
    grams = _bigrams(sentence)
    found: list[Passage] = []
    units = [(-1, article.title)] + [(i, part) for i, para in enumerate(article.paragraphs)
                                     for part in SENTENCE_END.split(para) if part.strip()]
    for paragraph, text in units:
        spans = claim_spans(text, wanted)
        overlap = len(grams & _bigrams(text)) / len(grams) if grams else 0.0
        score = len(spans) * 2 + overlap * 3
        if spans or overlap >= 0.3:
            found.append(Passage(paragraph, segments(text, spans), len(spans), score))
    found.sort(key=lambda p: -p.score)
    return sorted(found[:limit], key=lambda p: p.paragraph)


@dataclass(frozen=True)
class CitedEvidence:
    """One cited reference of a sentence: the stored article (if any) and its supporting passages."""

    ref: Mapping[str, object]
    number: int
    article: Article | None
    passages: list[Passage]


def cited_evidence(text: str, cites: Sequence[str], references: Sequence[Mapping[str, object]],
                   articles: Mapping[str, Article | None]) -> list[CitedEvidence]:
    """Return the evidence of each reference a sentence cites, in citation order."""
    numbers = {str(r["id"]): i for i, r in enumerate(references, 1)}
    by_id = {str(r["id"]): r for r in references}
    out = []
    for rid in cites:
        ref = by_id.get(rid)
        if ref is None:
            continue
        article = articles.get(rid)
        out.append(CitedEvidence(ref, numbers[rid], article, passages(text, article) if article else []))
    return out
