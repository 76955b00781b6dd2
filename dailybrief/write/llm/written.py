"""The LLM writer's sentences before they have reference ids, and the extractive material each falls back on.

A `Written` sentence keeps the evidence items (source sentences and their articles) it rests on;
`fact_floor` keeps a generated section at least as factual as the extractive writer's, and the
counterparts are what a failing sentence is replaced by.
"""

from __future__ import annotations

from dataclasses import dataclass

from dailybrief.models import SentenceKind
from dailybrief.verify.claims import claims, fold
from dailybrief.write.layout import Draft
from dailybrief.write.llm.prompts import Item
from dailybrief.write.summary import summary_clause

FLOOR_OVERLAP = 0.5


@dataclass(frozen=True)
class Written:
    """A sentence of the LLM brief before it has reference ids: its text, kind, status and evidence items."""

    text: str
    kind: SentenceKind
    status: str  # generated | repaired | extractive
    items: tuple[Item, ...]



def _facts(text: str) -> set[str]:
    """Return the checkable facts of a text: numbers by value, 《titles》 and dates."""
    found = claims(text)
    return set(found.numbers) | {f"《{t}》" for t in found.titles} | {f"{m}月{d}日" for _y, m, d in found.dates}



def _bigrams(text: str) -> set[str]:
    """Return the character bigrams of a text in compared form (what "says the same thing" is measured in)."""
    folded = fold(text)
    return {folded[i:i + 2] for i in range(len(folded) - 1)}



def fact_floor(written: list[Written], draft: Draft) -> list[Written]:
    """Add the extractive writer's fact sentences the generated ones leave out (status extractive).

    The model may rephrase and reorder, but a brief written with it states at least what the
    extractive writer would have published for the story: a pick counts as said when the
    generated sentences hold all its numbers, dates and titles and at least FLOOR_OVERLAP of
    its character bigrams.
    """
    facts = [w for w in written if w.kind == "fact"]
    claimed = set().union(*(_facts(w.text) for w in facts))
    said = set().union(*(_bigrams(w.text) for w in facts))
    for cand in draft.facts:
        grams = _bigrams(cand.text)
        overlap = len(grams & said) / len(grams) if grams else 1.0
        if (_facts(cand.text) - claimed or overlap < FLOOR_OVERLAP) and cand.text not in {w.text for w in facts}:
            facts.append(Written(cand.text, "fact", "extractive", (Item.of(cand),)))
            claimed |= _facts(cand.text)
            said |= grams
    return facts + [w for w in written if w.kind != "fact"]



def source_counterpart(written: Written, taken: set[str]) -> Written | None:
    """Return a failing fact sentence's extractive counterpart: the first source sentence it cites, not yet used."""
    if written.kind != "fact":
        return None
    for item in written.items:
        if item.span is not None and item.text not in taken:
            return Written(item.text, "fact", "extractive", (item,))
    return None



def clause_counterpart(written: Written, taken: set[str]) -> Written | None:
    """Return a failing summary sentence's counterpart: a clause of the section sentence it cites."""
    for item in written.items:
        clause = summary_clause(item.text) + "。"
        if clause not in taken and item.articles:
            return Written(clause, "fact", "extractive", (item,))
    return None
