"""Evidence for one sentence: the passages of its cited articles that support it, claims highlighted.

Text is returned as segments `(text, mark, why)` — `mark` is "" for plain text, "hit" for a
claim the sentence states and the passage supports, "ok"/"bad" for a sentence's own supported or
unsupported claims, and `why` is the verifier's reason (数值一致但单位不同：万千瓦时 / 亿千瓦时) — so templates
escape every character and add only their own markup. The verdicts are the verifier's own
(`verify.support.judge`), so the app marks exactly the spans `dailybrief verify` reports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dailybrief.models import Article
from dailybrief.text.spans import SENTENCE_END
from dailybrief.verify.claims import Analysis, analyse
from dailybrief.verify.evidence import Evidence
from dailybrief.verify.support import actor_names, judge, states

Segment = tuple[str, str]  # text, mark
Noted = tuple[str, str, str]  # text, mark, why

QUOTE_MARKS = "“「『\"'"


def claim_spans(text: str, wanted: Analysis) -> list[tuple[int, int]]:
    """Return the character spans of `text` that state one of the wanted claims, longest first, not overlapping."""
    spans = [(c.start, c.end) for c in analyse(text, actors=False).claims
             if any(states(c, w) for w in wanted.claims)]
    for claim in wanted.claims:
        if claim.kind == "actor":
            names = sorted(actor_names(claim.key), key=len, reverse=True)
        elif claim.kind == "quote":
            names = [claim.text[1:-1]]
        else:
            continue
        for name in names:
            for match in re.finditer(re.escape(name), text):
                start, end = match.span()
                quoted = claim.kind == "quote" and start > 0 and end < len(text) and text[start - 1] in QUOTE_MARKS
                spans.append((start - 1, end + 1) if quoted else (start, end))
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= a or start >= b for a, b in kept):
            kept.append((start, end))
    return sorted(kept)


def segments(text: str, spans: Sequence[tuple[int, int]], mark: str = "hit") -> list[Noted]:
    """Cut a text into plain and marked segments."""
    return marked_segments(text, [(span, mark, "") for span in spans])


def marked_segments(text: str, marks: Sequence[tuple[tuple[int, int], str, str]]) -> list[Noted]:
    """Cut a text into plain segments and segments carrying their mark and note; overlapping spans are skipped."""
    out: list[Noted] = []
    at = 0
    for (start, end), mark, note in sorted(marks):
        if start < at:
            continue
        if start > at:
            out.append((text[at:start], "", ""))
        out.append((text[start:end], mark, note))
        at = end
    if at < len(text):
        out.append((text[at:], "", ""))
    return out


def sentence_segments(text: str, evidence: Sequence[Evidence]) -> list[Noted]:
    """Return the sentence with its supported claims marked "ok" and unsupported ones "bad", each with why."""
    verdicts = judge(analyse(text), evidence)
    bad = [((v.start, v.end), "bad", v.why) for v in verdicts if not v.supported]
    ok = [((v.start, v.end), "ok", v.why) for v in verdicts if v.supported
          and all(v.end <= a or v.start >= b for (a, b), _m, _n in bad)]
    return marked_segments(text, bad + ok)


def failing_segments(text: str, claims: Sequence[Mapping[str, object]]) -> list[Noted]:
    """Return a sentence with the stored unsupported claims' spans marked "bad" and their reasons as notes."""
    marks = []
    for claim in claims:
        start, end = claim.get("start"), claim.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text) \
                and text[start:end] == claim.get("text"):
            marks.append(((start, end), "bad", str(claim.get("why", ""))))
    return marked_segments(text, marks)


@dataclass(frozen=True)
class Passage:
    """A passage of a cited article that supports a sentence."""

    paragraph: int  # -1 for the title
    segments: list[Noted]
    hits: int
    score: float


def _bigrams(text: str) -> set[str]:
    """Return the character bigrams of a text without white space and punctuation."""
    flat = re.sub(r"[\s，。、；：！？“”‘’（）《》,.;:!?()\"']", "", text)
    return {flat[i:i + 2] for i in range(len(flat) - 1)}


def passages(sentence: str, article: Article, limit: int = 3) -> list[Passage]:
    """Return the article's passages (sentences of its title and paragraphs) that best support a sentence."""
    wanted = analyse(sentence)
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
