"""The 摘要: the day's main thread, one clause per section, and a closing judgement that cites its sources.

The main thread is the chain of concepts that link the sections (数据要素—人工智能—产业场景—…): each
section's theme concept in section order, without repeats, three to five links. Each section
gives one clause (its lead, shortened at a clause boundary). The closing judgement is the
strongest interpretation the sections themselves make (an analytic sentence a section cites),
introduced by 总体看 and citing that sentence's sources — or nothing, when no section has one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dailybrief.models import Section, Sentence
from dailybrief.write.headings import phrases, without_lists

THREAD_MIN, THREAD_MAX = 3, 5
CLAUSE_MAX = 90
JUDGEMENT_MAX = 110
# A clause that opens or closes like these frames the next one (按…测算，…; 从…看，…): not a summary on its own.
_FRAMES = ("按", "据", "从", "根据", "随着", "为了", "为", "在", "对于", "针对", "围绕")
_FRAME_ENDS = ("测算", "来看", "看", "统计", "显示", "介绍", "表示", "指出", "认为", "期间", "方面")
# A quantity (17个, 70%, 六个): what a heading's figure adds to a lead that states none.
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|万|亿|个|家|项|条|座|台|辆|人|元|倍)"
                     r"|[一二两三四五六七八九十百千]+(?:个|项|条|家|类|方面)")


def main_thread(labels: Sequence[str], extra: Sequence[str] = ()) -> tuple[str, ...]:
    """Return the chain: the sections' concepts in order, no repeats (nor one inside another), 3–5 links."""
    chain: list[str] = []
    for label in labels:
        if label and len(chain) < THREAD_MAX and not any(label in c or c in label for c in chain):
            chain.append(label)
    for label in extra:
        if label and len(chain) < THREAD_MIN and not any(label in c or c in label for c in chain):
            chain.append(label)
    return tuple(chain)


def summary_clause(sentence: str, limit: int = CLAUSE_MAX) -> str:
    """Shorten a fact sentence to a clause for the summary, cutting at a clause boundary.

    Never to a clause that only frames what follows (据X报道，按我们的测算 …): such a sentence stays whole.
    """
    text = sentence.rstrip("。！!？?")
    if len(text) <= limit:
        return text
    cut = max(text.rfind("，", 0, limit), text.rfind("；", 0, limit))
    clause = text[:cut] if cut >= 20 else ""
    balanced = all(clause.count(a) == clause.count(b) for a, b in ("“”", "《》", "（）", "()"))
    last = re.split(r"[，；]", clause)[-1]
    framing = last.startswith(_FRAMES) or last.endswith(_FRAME_ENDS)
    return clause if clause and balanced and not framing else text


def thread_sentence(theme: str, chain: Sequence[str]) -> Sentence:
    """Return the sentence naming the main thread (it states no fact: the sections carry them)."""
    # No quotation marks around the chain: a quoted phrase is a claim the verifier looks for in a source.
    return Sentence(f"今日{theme}动态的主线，是{'—'.join(chain)}的贯通。", (), "analysis")


def closing_judgement(sections: Sequence[Section]) -> Sentence | None:
    """Return 总体看 + the sections' strongest interpretation, citing its sources, or None when there is none.

    Only a sentence that is a judgement from its first word (这表明, 业内人士认为 …) closes a
    summary; an analytic sentence that opens with a date or a list of tasks reports instead.
    """
    openers = phrases().judgement_openers
    interpretations = [s for sec in sections for p in sec.paragraphs for s in p
                       if s.kind == "analysis" and s.cites and s.text.startswith(openers)]
    if not interpretations:
        return None
    best = min(interpretations, key=lambda s: (len(s.text) > JUDGEMENT_MAX, -len(s.cites), len(s.text)))
    text = summary_clause(best.text, JUDGEMENT_MAX)
    for connective in phrases().bare_connectives:
        if text.startswith(connective) and len(text) > len(connective) + 6:
            text = text[len(connective):].lstrip("，, ")
            break
    return Sentence(f"总体看，{text}。", best.cites, "analysis", best.evidence)


def write_summary(theme: str, chain: Sequence[str], sections: Sequence[Section]) -> tuple[Sentence, ...]:
    """Return the summary: the main thread, one clause per section (citing what its sentence cites), the judgement.

    A section's clause is its lead, followed by its heading's figure (…印发《方案》，部署六个专项
    行动) when the lead states none and the heading's figure comes from the same source.
    """
    out = [thread_sentence(theme, chain)] if chain else []
    for section in sections:
        first = section.paragraphs[0][0]
        clause, cites = summary_clause(first.text), first.cites
        point = section.heading.rsplit("，", 1)[1] if "，" in section.heading else ""
        source = next((s for p in section.paragraphs for s in p if point and point in without_lists(s.text)), None)
        if source is not None and _FIGURE.search(point) and not _FIGURE.search(clause) \
                and len(clause) + len(point) < CLAUSE_MAX:
            clause, cites = f"{clause}，{point}", tuple(dict.fromkeys((*cites, *source.cites)))
        out.append(Sentence(clause + "。", cites, "fact", first.evidence))
    judgement = closing_judgement(sections)
    return (*out, *([judgement] if judgement else []))

