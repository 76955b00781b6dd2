"""The claims of a sentence: quantities, dates, 《titles》 (and identifiers), quotes and actors, with their subjects.

What is parsed (and so checked):
- a quantity: value (Arabic, full-width or Chinese numerals, 万/亿, 百分之N, 三分之一, ranges,
  scores), unit or measure word, direction (增长/下降 …), bound (以上/以下 …), qualifiers (约/近);
- a date: year–month–day, year–month, month–day, year, month or day, 上旬/中旬/下旬, 月底/年底;
  an impossible date (15月25日) is a date claim that nothing supports;
- a 《title》, a document number (工信厅通装函〔2025〕312号) or a code of letters and digits (C919),
  kind "title";
- a quote in “…”, 「…」 or "…" of any length;
- an actor: a government body, place, company or person (see `actors`);
- an outcome: a verb stated as done (提高了, 已印发, 取得) with what changed (see `aspect`).
Digits inside a title, a quote, a URL or a document number are not numbers. Everything else —
verbs not stated as done, adjectives, judgements, causes — is not parsed and so not checked.

Each claim comes with its subject: the content words of its clause (extended to the clause
before when it has fewer than two), which support compares with the evidence sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property

from dailybrief.text.spans import DOC_NUMBER, DOC_NUMBER_LEAD, DOC_TITLE, IDENTIFIER, QUOTED, URL
from dailybrief.text.tokens import tokenizer, tokens
from dailybrief.verify.actors import scan_actors
from dailybrief.verify.aspect import scan_outcomes
from dailybrief.verify.dates import scan_dates
from dailybrief.verify.lexicon import lexicon
from dailybrief.verify.quantities import scan_quantities
from dailybrief.verify.records import MASK, Claim, Scan

_QUOTES = "\"'“”‘’「」『』〝〞＂"
_QUOTE_TABLE = {ord(c): None for c in _QUOTES}
_SPACE = re.compile(r"\s+")
_CLAUSE = re.compile(r"[，,；;：:。！？!?\n]")
_LATIN_UNIT = re.compile(r"^\d+(?:\.\d+)?(?P<unit>[A-Za-z]+)$")
_ELLIPSIS = re.compile(r"…+|\.{3,}")
_WORDLIKE = re.compile(r"[\w\ue000]")
MIN_SUBJECT_WORDS = 2


def fold(text: str) -> str:
    """NFKC-normalise, drop quote marks and white space: the form titles and quotes are compared in."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_QUOTE_TABLE))


def _titles_and_quotes(scan: Scan) -> None:
    """Add 《titles》, document numbers, codes and quotes; mask URLs."""
    for match in DOC_TITLE.finditer(scan.flat):
        scan.add(Claim("title", match.group(), match.start(), match.end(), key=fold(match.group(1))))
    for match in DOC_NUMBER.finditer(scan.masked()):
        lead = DOC_NUMBER_LEAD.match(match.group())
        start = match.start() + (lead.end() if lead else 0)
        number = scan.text[start:match.end()]
        scan.add(Claim("title", number, start, match.end(), key=fold(number)))
    for match in URL.finditer(scan.masked()):
        scan.take(*match.span())
    units = lexicon().units
    for match in IDENTIFIER.finditer(scan.masked()):
        latin = _LATIN_UNIT.match(match.group())
        if latin and latin.group("unit") in units:
            continue  # 100GW is a quantity
        scan.add(Claim("title", match.group(), match.start(), match.end(), key=fold(match.group()).lower()))
    for match in QUOTED.finditer(scan.masked()):
        if not match.group(1).replace(MASK, "").strip():
            continue
        start, end = match.span()
        inner = scan.text[match.start(1):match.end(1)]
        # Not taken: the numbers, dates and names inside a quote are claims of their own.
        scan.found.append(Claim("quote", scan.text[start:end], start, end, key=fold(inner)))


@dataclass(frozen=True)
class Analysis:
    """A parsed sentence: its claims and the subject words of each clause."""

    text: str
    claims: tuple[Claim, ...]
    clauses: tuple[tuple[int, int], ...]
    clause_tokens: tuple[tuple[str, ...], ...]  # each clause's subject words in order
    wordable: str = ""  # the folded text with every number and date masked (what words are read from)

    @cached_property
    def clause_words(self) -> tuple[frozenset[str], ...]:
        """Return each clause's subject words."""
        return tuple(frozenset(t) for t in self.clause_tokens)

    @cached_property
    def words(self) -> frozenset[str]:
        """Return the subject words of the whole sentence."""
        return frozenset().union(*self.clause_words)

    def clause_of(self, position: int) -> int:
        """Return the index of the clause a position lies in."""
        for index, (start, end) in enumerate(self.clauses):
            if start <= position < end:
                return index
        return len(self.clauses) - 1

    def place(self, claim: Claim) -> tuple[int, int]:
        """Return a quantity's place among the quantities of its dimension in its clause: (index, how many)."""
        if claim.quantity is None:
            return 0, 1
        index = self.clause_of(claim.start)
        start, end = self.clauses[index]
        peers = [c for c in self.claims if c.quantity is not None and start <= c.start < end
                 and c.quantity.dimension == claim.quantity.dimension]
        return peers.index(claim), len(peers)

    def frame(self, claim: Claim) -> tuple[str, str]:
        """Return the words right before and right after a claim in its clause ("" at the clause's edge).

        Every word counts, function words too (从…提升至, 设置…个赛道), and another number or date
        reads as one masked word: the frame is where a figure stands, not what it is about.
        """
        start, end = self.clauses[self.clause_of(claim.start)]
        before = _words(self.wordable[start:claim.start])
        after = _words(self.wordable[claim.end:end])
        return (before[-1] if before else "", after[0] if after else "")

    def subject(self, claim: Claim) -> frozenset[str]:
        """Return a claim's subject: its clause's words, with the clauses before until there are two."""
        index = self.clause_of(claim.start)
        words = set(self.clause_words[index])
        while len(words) < MIN_SUBJECT_WORDS and index > 0:
            index -= 1
            words |= self.clause_words[index]
        return frozenset(words)


def _words(text: str) -> list[str]:
    """Return every word of a stretch of text as jieba cuts it, a run of masked characters as one, no punctuation."""
    cut = tokenizer().cut(re.sub(f"{MASK}+", MASK, text), False)
    return [w for w in cut if _WORDLIKE.search(w)]


def _clauses(text: str) -> tuple[tuple[int, int], ...]:
    """Return the spans of a text's clauses (cut at ，；：。！？ and line ends)."""
    out, start = [], 0
    for match in _CLAUSE.finditer(text):
        out.append((start, match.end()))
        start = match.end()
    if start < len(text) or not out:
        out.append((start, len(text)))
    return tuple(out)


@cache
def _not_subject() -> frozenset[str]:
    """Return the words that say how a number is stated (stop words, change, bound and approximation words)."""
    words = lexicon()
    return words.subject_stop | frozenset((*words.up, *words.down, *words.lower_before, *words.lower_after,
                                           *words.upper_before, *words.upper_after, *words.approx_before,
                                           *words.approx_after))


def _subject_words(text: str) -> tuple[str, ...]:
    """Return the content words of a stretch of text in order, without those that only say how a number is stated."""
    return tuple(w for w in tokens(text) if w not in _not_subject())


def analyse(text: str, *, actors: bool = True, outcomes: bool | None = None) -> Analysis:
    """Parse a sentence into its claims and its clauses' subject words.

    Actors and outcomes are parsed unless told not to (`outcomes` follows `actors` when not given):
    the writers and the evidence index compare only the facts.
    """
    scan = Scan(text)
    _titles_and_quotes(scan)
    scan_dates(scan)
    scan_quantities(scan)
    numbers = {i for c in scan.found if c.kind in ("quantity", "date") for i in range(c.start, c.end)}
    wordable = "".join(MASK if i in numbers else ch for i, ch in enumerate(scan.flat))
    if actors:
        scan_actors(scan)
    if actors if outcomes is None else outcomes:
        scan_outcomes(scan)
    clauses = _clauses(scan.flat)
    words = tuple(_subject_words(wordable[a:b]) for a, b in clauses)
    return Analysis(text, tuple(sorted(scan.found, key=lambda c: c.start)), clauses, words, wordable)


def quote_parts(key: str) -> list[str]:
    """Return the pieces of a quote between its ellipses (each must be stated)."""
    return [p for p in _ELLIPSIS.split(key) if p]


def canonical(analysis: Analysis) -> str:
    """Return a sentence with every number and date written one way, so 最后100米 reads as 最后一百米 does."""
    out, at = [], 0
    for claim in analysis.claims:
        if claim.start < at or (claim.quantity is None and claim.date is None):
            continue
        q, date = claim.quantity, claim.date
        token = f"{q.values}{q.dimension}{q.bound}" if q else f"{date}"
        out += [analysis.text[at:claim.start], f"\ue001{token}\ue002"]
        at = claim.end
    return fold("".join([*out, analysis.text[at:]])).lower()


@dataclass(frozen=True)
class Claims:
    """A sentence's claims in the form the writers compare facts in."""

    items: tuple[Claim, ...]

    @property
    def count(self) -> int:
        """Return how many facts the sentence states: quantities, dates, titles and quotes (its fact density)."""
        return sum(1 for c in self.items if c.kind != "actor")

    @property
    def numbers(self) -> frozenset[str]:
        """Return the quantities as comparable keys (value and dimension)."""
        return frozenset(f"{c.quantity.values}{c.quantity.dimension}" for c in self.items if c.quantity)

    @property
    def dates(self) -> frozenset[tuple[int | None, int, int]]:
        """Return the month–day dates as (year or None, month, day)."""
        return frozenset((c.date.year, c.date.month, c.date.day) for c in self.items
                         if c.date and c.date.month and c.date.day and c.date.possible)

    @property
    def titles(self) -> frozenset[str]:
        """Return the 《titles》 in compared form."""
        return frozenset(c.key for c in self.items if c.kind == "title" and c.text.startswith("《"))


def claims(text: str) -> Claims:
    """Return the facts a sentence states (without actors: what the writers count and compare)."""
    return Claims(analyse(text, actors=False).claims)
