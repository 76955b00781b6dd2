"""Outcomes: what a sentence says has happened, and whether a source states it as done or only as a plan.

A plan is not a result: a source's "将提高生产效率" does not support "提高了生产效率". An outcome
claim is a verb in completed aspect —
- followed by 了 (提高了, 印发了),
- after 已/已经/业已 … (a preposition, time, adverb or numeral may stand between: 已于6月8日印发),
- or a resultative verb (取得) outside a planned context —
with what changed: the content words after it in its clause (or, when there are none, before it).

A source supports it when one of its sentences states the verb, or a verb of its group
(提高/提升), marked done or outside a planned context — no 将/拟/计划/力争/预计/要 … before it in
its clause, no clause before it opening with a target year (到2030年) or ending with 提出/要求/明确
(a document's content is its plan) — and names at least half of what changed. The words are
data (`data/words.toml` [aspect]).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dailybrief.text.spans import DOC_TITLE, QUOTED
from dailybrief.text.tokens import tokens
from dailybrief.verify.actors import Token, tagged
from dailybrief.verify.lexicon import AspectWords, lexicon
from dailybrief.verify.records import MASK, Claim, Scan

OBJECT_WORDS = 3  # content words that say what changed
OBJECT_SHARE = 0.5  # of them a supporting sentence must name
CLAUSE_MARKS = frozenset("，,；;：:。！？!?\n")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Occurrence:
    """A word as a sentence states it: marked done or not, a plan or not, a claim or not, and what changed."""

    verb: str
    start: int
    end: int
    done: bool
    planned: bool
    claimed: bool  # stated as done (marked, or resultative outside a plan), and not a framing word
    changed: tuple[str, ...]


def _is_word(token: Token) -> bool:
    """Say whether a token is a Chinese word (not punctuation, a number or a masked span)."""
    return bool(_HAN.match(token.word))


def _clauses(toks: Sequence[Token]) -> list[list[int]]:
    """Return the token indexes of each clause."""
    out: list[list[int]] = [[]]
    for i, token in enumerate(toks):
        if token.word and token.word[0] in CLAUSE_MARKS:
            out.append([])
        else:
            out[-1].append(i)
    return [c for c in out if c]


def _opens_plan(clause: Sequence[Token], words: AspectWords) -> bool:
    """Say whether a clause makes the rest of its sentence a plan (到2030年 / 方案提出)."""
    text = "".join(t.word for t in clause).strip()
    named = [t.word for t in clause if _is_word(t)]
    return bool(words.target_year.search(text)) or bool(named and named[-1] in words.content_openers)


def _changed(toks: Sequence[Token], clause: Sequence[int], verb: int, marker_end: int, *,
             titled: Sequence[tuple[int, int]], wordable: str) -> tuple[str, ...]:
    """Return what changed: the content words after the verb (and its 了) in its clause, else those before it.

    Words are read from `wordable` (the sentence with its numbers and dates masked: 百分之十八 is
    a quantity, checked as one, not a word); words inside a 《title》 or a quote are left out
    (claims of their own), and so are the words that only frame a statement (这表明 …).
    """
    words = lexicon().aspect
    kept = [i for i in clause if not any(a <= toks[i].start < b for a, b in titled)]

    def content(indexes: Sequence[int]) -> list[str]:
        """Return the content words of some tokens."""
        text = "".join(wordable[toks[i].start:toks[i].end] for i in indexes)
        return [w for w in tokens(text) if w not in words.framing and MASK not in w]

    after = content([i for i in kept if i > marker_end])
    if after:
        return tuple(after[:OBJECT_WORDS])
    return tuple(content([i for i in kept if i < verb])[-OBJECT_WORDS:])


def _verb_after(toks: Sequence[Token], clause: Sequence[int], at: int, words: AspectWords) -> int | None:
    """Return the index of the verb a 已 at `at` marks: the next word, skipping prepositions, times and adverbs."""
    for i in clause:
        if i <= at:
            continue
        if _is_word(toks[i]) and toks[i].tag not in words.skip_tags:
            return i
    return None


@functools.lru_cache(maxsize=65536)  # evidence sentences are asked about again and again
def occurrences(sentence: str, wordable: str = "") -> tuple[Occurrence, ...]:
    """Return every word of a sentence with its aspect: marked done (了, 已 …) or not, in a planned context or not.

    A source may state a result without a marker, so every word is an occurrence; what
    changed is worked out only for the words a claim is made of (marked, or resultative),
    from `wordable` (the sentence with its numbers and dates masked) when given.
    """
    words = lexicon().aspect
    markers = words.done_after | frozenset(words.done_before)
    toks = tagged(sentence)
    titled = [m.span() for pattern in (DOC_TITLE, QUOTED) for m in pattern.finditer(sentence)]
    out: list[Occurrence] = []
    sentence_planned = False
    for clause in _clauses(toks):
        marked: dict[int, int] = {}  # verb index → the index its marker ends at
        for i in clause:
            word = toks[i].word
            if word in words.done_after and i - 1 in clause and _is_word(toks[i - 1]):
                marked[i - 1] = i
            elif word in words.done_before:
                verb = _verb_after(toks, clause, i, words)
                if verb is not None:
                    after = verb + 1 in clause and toks[verb + 1].word in words.done_after
                    marked.setdefault(verb, verb + 1 if after else verb)
        planned = sentence_planned
        for i in clause:
            token = toks[i]
            if not _is_word(token) or (token.word in markers and i not in marked):
                continue
            claimed = (i in marked or (token.word in words.resultative and not planned)) \
                and token.word not in words.framing
            changed = _changed(toks, clause, i, marked.get(i, i), titled=titled,
                               wordable=wordable or sentence) if claimed else ()
            out.append(Occurrence(token.word, token.start, token.end, i in marked, planned, claimed, changed))
            planned = planned or token.word in words.planned
        sentence_planned = sentence_planned or _opens_plan([toks[i] for i in clause], words)
    return tuple(out)


def scan_outcomes(scan: Scan) -> None:
    """Add an outcome claim for every verb the sentence states as done (marked, or resultative outside a plan)."""
    numbers = {i for c in scan.found if c.kind in ("quantity", "date") for i in range(c.start, c.end)}
    wordable = "".join(MASK if i in numbers else ch for i, ch in enumerate(scan.flat))
    for occ in occurrences(scan.flat, wordable):
        if occ.claimed:
            scan.found.append(Claim("outcome", scan.text[occ.start:occ.end], occ.start, occ.end, key=occ.verb,
                                    parts=occ.changed))


def _names(sentence: str, changed: Sequence[str]) -> bool:
    """Say whether a sentence names at least OBJECT_SHARE of what changed."""
    if not changed:
        return True
    return sum(1 for w in changed if w in sentence) / len(changed) >= OBJECT_SHARE


def stated_done(claim: Claim, sentences: Sequence[str]) -> tuple[str | None, str | None]:
    """Return a source sentence stating an outcome claim as done or plainly, else one stating it only as a plan.

    (None, None): no sentence states it at all.
    """
    forms = lexicon().aspect.forms(claim.key)
    plan = None
    for sentence in sentences:
        if not any(f in sentence for f in forms) or not _names(sentence, claim.parts):
            continue
        for occ in occurrences(sentence):
            if not any(f in occ.verb for f in forms):
                continue
            if occ.done or not occ.planned:
                return sentence, None
            plan = plan or sentence
    return None, plan
