"""The checkable claims in a sentence: numbers, dates, 《document titles》 and “quoted terms”.

Shared by the writer (fact density) and the verifier (every claim must occur in the
cited articles). Numbers compare by value: 1,960 = 1960, 08 = 8, full-width digits and
１.９％ = 1.9%. Dates compare as (month, day) with the year when one is written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from dailybrief.text.spans import DATE_MD, DATE_YMD, DOC_TITLE, NUMBER, QUOTED

_QUOTES = "\"'“”‘’「」『』〝〞＂"
_QUOTE_TABLE = {ord(c): None for c in _QUOTES}
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFKC-normalise, drop quote marks and white space: the form claims are compared in."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_QUOTE_TABLE))


def number_values(text: str) -> set[str]:
    """Return every number in a text by value (thousands separators and leading zeros removed)."""
    flat = re.sub(r"(?<=\d),(?=\d{3})", "", unicodedata.normalize("NFKC", text))
    out = set()
    for match in NUMBER.finditer(flat):
        value = match.group(0)
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        out.add(value.lstrip("0") or "0")
    return out


def dates(text: str) -> set[tuple[int | None, int, int]]:
    """Return the dates a text states as (year or None, month, day)."""
    flat = unicodedata.normalize("NFKC", text)
    out: set[tuple[int | None, int, int]] = set()
    for m in DATE_YMD.finditer(flat):
        out.add((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in DATE_MD.finditer(flat):
        out.add((None, int(m.group(1)), int(m.group(2))))
    return {d for d in out if 1 <= d[1] <= 12 and 1 <= d[2] <= 31}


def doc_titles(text: str) -> set[str]:
    """Return 《titles》 in compared form."""
    return {fold(t) for t in DOC_TITLE.findall(unicodedata.normalize("NFKC", text))}


def quoted_terms(text: str) -> set[str]:
    """Return “quoted terms” (2–30 characters) in compared form, titles excluded."""
    return {fold(t) for t in QUOTED.findall(text)}


@dataclass(frozen=True)
class Claims:
    """Everything in a sentence the verifier checks."""

    numbers: frozenset[str]
    dates: frozenset[tuple[int | None, int, int]]
    titles: frozenset[str]
    quotes: frozenset[str]

    @property
    def count(self) -> int:
        """Return how many distinct claims there are (the sentence's fact count)."""
        return len(self.numbers) + len(self.dates) + len(self.titles) + len(self.quotes)


def claims(text: str) -> Claims:
    """Return the claims of a sentence."""
    return Claims(frozenset(number_values(text)), frozenset(dates(text)), frozenset(doc_titles(text)),
                  frozenset(quoted_terms(text)))


@dataclass(frozen=True)
class Evidence:
    """The claims an article's text can support, precomputed once per article."""

    folded: str
    numbers: frozenset[str]
    dates: frozenset[tuple[int | None, int, int]]

    @classmethod
    def of(cls, text: str, published: dt.date | None = None) -> Evidence:
        """Index an article's title and text; its publication date (from the page's metadata) counts as stated."""
        known_dates = set(dates(text))
        numbers = set(number_values(text))
        if published:
            known_dates.add((published.year, published.month, published.day))
            numbers |= {str(published.year), str(published.month), str(published.day)}
        return cls(fold(text), frozenset(numbers), frozenset(known_dates))


def split_claims(sentence: str, evidence: Sequence[Evidence]) -> tuple[Claims, Claims]:
    """Return (supported, unsupported) claims of a sentence against the cited articles' evidence."""
    found = claims(sentence)
    numbers = frozenset().union(*(e.numbers for e in evidence)) if evidence else frozenset()
    known = frozenset().union(*(e.dates for e in evidence)) if evidence else frozenset()
    month_days = {(m, d) for _y, m, d in known}
    texts = "\n".join(e.folded for e in evidence)
    good_dates = frozenset(d for d in found.dates if (d in known if d[0] else (d[1], d[2]) in month_days))
    # A quoted term inside a 《title》 is judged with the title.
    quotes = found.quotes - found.titles
    good = Claims(found.numbers & numbers, good_dates, frozenset(t for t in found.titles if t in texts),
                  frozenset(q for q in quotes if q in texts))
    bad = Claims(found.numbers - good.numbers, found.dates - good.dates, found.titles - good.titles,
                 quotes - good.quotes)
    return good, bad


MISSING_LABELS = {"number": "数字", "date": "日期", "title": "文件名", "quoted": "引语"}


def missing_label(item: str, separator: str = " ") -> str:
    """Turn a finding of `missing_claims` such as 'number 999' into Chinese: 数字 999."""
    kind, _space, rest = item.partition(" ")
    return f"{MISSING_LABELS.get(kind, kind)}{separator}{rest}".strip()


def missing_claims(sentence: str, evidence: Sequence[Evidence]) -> list[str]:
    """Return the claims of a sentence that none of the cited articles supports (empty: supported)."""
    _good, bad = split_claims(sentence, evidence)
    missing = [f"number {n}" for n in sorted(bad.numbers)]
    for year, month, day in sorted(bad.dates, key=lambda d: (d[0] or 0, d[1], d[2])):
        missing.append(f"date {year or ''}{'年' if year else ''}{month}月{day}日")
    missing += [f"title 《{t}》" for t in sorted(bad.titles)]
    missing += [f"quoted “{q}”" for q in sorted(bad.quotes)]
    return missing
