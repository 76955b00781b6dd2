"""The LLM writer's sentences before they have reference ids, and the extractive material each falls back on.

A `Written` sentence keeps the evidence items (source sentences and their articles) it rests on.
`best_facts` keeps the best of too many fact sentences; `fact_floor` keeps a generated section
at least as factual as the extractive writer's, within the section's length budget;
`without_clauses` repairs a sentence by leaving out the clauses holding what its evidence does
not support; the counterparts are what a failing sentence is replaced by.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from dailybrief.models import SentenceKind
from dailybrief.text.tokens import tokenizer
from dailybrief.verify.claims import claims
from dailybrief.write.extractive import restates
from dailybrief.write.layout import Draft
from dailybrief.write.llm.prompts import Item
from dailybrief.write.llm.tidy import bigrams
from dailybrief.write.style import DUPLICATE
from dailybrief.write.summary import summary_clause

FLOOR_OVERLAP = 0.5
MIN_CLAUSE_SENTENCE = 12  # characters a sentence must keep after clauses are left out
_CLAUSE = re.compile(r"[^，；,;]+[，；,;]?")


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



def best_facts(facts: Sequence[Written], limit: int, first: Collection[str]) -> list[Written]:
    """Return at most `limit` fact sentences, in their order: the best by the evidence they cite, then their facts.

    A sentence citing one of the `first` evidence ids (the lead, the extractive writer's picks)
    ranks before one that does not; among those, more numbers, dates and titles rank first.
    """
    if len(facts) <= limit:
        return list(facts)
    ranked = sorted(range(len(facts)), key=lambda n: (not any(i.id in first for i in facts[n].items),
                                                       -len(_facts(facts[n].text)), n))
    keep = set(ranked[:limit])
    return [f for n, f in enumerate(facts) if n in keep]


def fact_floor(written: list[Written], draft: Draft, budget: int) -> list[Written]:
    """Add the extractive writer's fact sentences the generated ones leave out (status extractive), within budget.

    The model may rephrase and reorder, but a brief written with it states what the extractive
    writer would have published for the story, as far as the section's `budget` of fact
    characters allows: a pick counts as said when the generated sentences hold all its numbers,
    dates and titles and at least FLOOR_OVERLAP of its character bigrams; the picks adding the
    most facts not yet said come first.
    """
    facts = [w for w in written if w.kind == "fact"]
    claimed = set().union(*(_facts(w.text) for w in facts))
    said = set().union(*(bigrams(w.text) for w in facts))
    length = sum(len(w.text) for w in facts)
    added: set[int] = set()
    for n in sorted(range(len(draft.facts)), key=lambda k: -len(_facts(draft.facts[k].text) - claimed)):
        cand = draft.facts[n]
        grams = bigrams(cand.text)
        overlap = len(grams & said) / len(grams) if grams else 1.0
        new = _facts(cand.text) - claimed
        if not (new or overlap < FLOOR_OVERLAP) or cand.text in {w.text for w in facts}:
            continue
        if length + len(cand.text) > budget:
            continue
        added.add(n)
        claimed |= _facts(cand.text)
        said |= grams
        length += len(cand.text)
    floor = [Written(c.text, "fact", "extractive", (Item.of(c),)) for n, c in enumerate(draft.facts) if n in added]
    return facts + floor + [w for w in written if w.kind != "fact"]


def without_restatements(written: Sequence[Written], said: Sequence[str] = ()) -> list[Written]:
    """Return the sentences, in order, less each one that says again what an earlier one (or one `said`) says.

    A small model's interpretation often repeats a fact with 这意味着 in front, and the fact floor
    may add a pick the model already rephrased: what a reader would see twice is left out.
    """
    kept: list[Written] = []
    for w in written:
        earlier = [*said, *(k.text for k in kept)]
        if not any(restates(w.text, t, DUPLICATE) or restates(t, w.text, DUPLICATE) for t in earlier):
            kept.append(w)
    return kept


def without_clauses(text: str, spans: Sequence[tuple[int, int]]) -> str | None:
    """Return a sentence without the clauses that hold these spans, None when too little is left.

    An interpretation keeps its opening (这意味着，) when its first clause is left out; what is left must
    not end in a phrase the left-out clause completed (国家发展改革委通过新闻发布会).
    """
    clauses = [(m.start(), m.end(), m.group()) for m in _CLAUSE.finditer(text.rstrip("。！!"))]
    kept = [c for a, b, c in clauses if not any(a <= s < b or a < e <= b for s, e in spans)]
    if len(kept) == len(clauses):
        return None
    out = "".join(kept).rstrip("，；,; ")
    if len(out) < MIN_CLAUSE_SENTENCE or out.endswith(("意味着", "表明", "说明")) or _ends_in_a_preposition(out):
        return None
    return out + "。"


def _ends_in_a_preposition(text: str) -> bool:
    """Say whether a text's last clause is a prepositional phrase with no verb after it (…通过新闻发布会)."""
    last = re.split(r"[，；,;]", text)[-1]
    tags = [tag for _word, tag in tokenizer().tag(last)]
    if "p" not in tags:
        return False
    after = tags[len(tags) - tags[::-1].index("p"):]
    return not any(tag.startswith("v") for tag in after)



def source_counterpart(written: Written, taken: set[str]) -> Written | None:
    """Return a failing fact sentence's extractive counterpart: the first source sentence it cites, not yet used."""
    if written.kind != "fact":
        return None
    for item in written.items:
        if item.span is not None and item.text not in taken:
            return Written(item.text, "fact", "extractive", (item,))
    return None



def clause_counterpart(written: Written, taken: set[str]) -> Written | None:
    """Return a failing summary fact sentence's counterpart: a clause of the section sentence it cites."""
    if written.kind != "fact":
        return None
    for item in written.items:
        clause = summary_clause(item.text) + "。"
        if clause not in taken and item.articles:
            return Written(clause, "fact", "extractive", (item,))
    return None
