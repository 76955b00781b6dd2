"""The claim verifier: every claim of a sentence must be stated by what the sentence cites (see `support`).

`settle` is the one path every writer, `dailybrief verify`, `dailybrief check` and the editor app
take: check a sentence against the references it cites, and — when repairing — try its fallbacks
in order (the untrimmed source sentence, a model's rewrite …), else drop it; never publish it as
is. `verify_brief` settles a whole brief; a heading is a claim too: one that fails is rebuilt
from the first clause of the section's supported facts, or the section is dropped. Verdicts are
kept per sentence, with one verdict per claim, for editors.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from dailybrief.models import Brief, Section, Sentence, Verification
from dailybrief.verify.claims import analyse
from dailybrief.verify.evidence import Evidence
from dailybrief.verify.support import ClaimVerdict, judge

logger = logging.getLogger(__name__)

CLAIM_LABELS = {"quantity": "数字", "date": "日期", "title": "文件名", "quote": "引语", "actor": "主体",
                "outcome": "结果"}
HEADING_MAX = 32
HEADING_MIN_HAN = 6  # a rebuilt heading says something (11月24日 alone does not)
_CLAUSE_CUT = re.compile(r"[，；。！？,;]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Verdict:
    """The verifier's finding on one sentence (or heading) and on each of its claims."""

    where: str
    text: str
    status: str  # verified | unchecked | replaced | dropped | unsupported
    missing: tuple[str, ...] = ()
    claims: tuple[ClaimVerdict, ...] = ()


Fallback = Callable[[Sentence], Sentence | None]


def finding(claim: ClaimVerdict) -> str:
    """Return an unsupported claim as a finding: its kind, its span and why (quantity 1960万千瓦时（…）)."""
    return f"{claim.kind} {claim.text}（{claim.why}）"


def missing_label(item: str, separator: str = " ") -> str:
    """Turn a finding such as 'quantity 999（原文无此数值）' into Chinese: 数字 999（原文无此数值）."""
    kind, _space, rest = item.partition(" ")
    return f"{CLAIM_LABELS.get(kind, kind)}{separator}{rest}".strip()


def check_claims(sentence: Sentence, evidence: Mapping[str, Evidence]) -> list[ClaimVerdict]:
    """Return the verdict on every claim of a sentence against the references it cites."""
    return judge(analyse(sentence.text), [evidence[c] for c in sentence.cites if c in evidence])


def missing_claims(text: str, evidence: Sequence[Evidence]) -> list[str]:
    """Return the findings on what in a text these sources do not support (empty: supported)."""
    return [finding(c) for c in judge(analyse(text), evidence) if not c.supported]


def check_sentence(sentence: Sentence, evidence: Mapping[str, Evidence]) -> list[str]:
    """Return what in a sentence its cited references do not support (empty: supported)."""
    return [finding(c) for c in check_claims(sentence, evidence) if not c.supported]


def settle(where: str, sentence: Sentence, evidence: Mapping[str, Evidence], fallbacks: Sequence[Fallback] = (),
           *, repair: bool = True) -> tuple[Sentence | None, Verdict]:
    """Check one sentence; when `repair` is set, replace a failing one by its first fallback that passes, or drop it.

    Returns the sentence to publish (None: dropped) and the verdict. Without `repair` a failing
    sentence comes back unchanged with the verdict "unsupported" (what `dailybrief verify` and
    the editor app report).
    """
    verdicts = tuple(check_claims(sentence, evidence))
    missing = tuple(finding(c) for c in verdicts if not c.supported)
    if not missing:
        status = "verified" if verdicts else "unchecked"
        published = dataclasses.replace(sentence, status=sentence.status if status == "unchecked" else "verified")
        return published, Verdict(where, sentence.text, status, (), verdicts)
    if not repair:
        return sentence, Verdict(where, sentence.text, "unsupported", missing, verdicts)
    for fallback in fallbacks:
        replacement = fallback(sentence)
        if replacement is not None and not check_sentence(replacement, evidence):
            logger.info("%s: replaced (unsupported: %s): %s", where, ", ".join(missing), sentence.text)
            return (dataclasses.replace(replacement, status="replaced"),
                    Verdict(where, sentence.text, "replaced", missing, verdicts))
    logger.info("%s: dropped (unsupported: %s): %s", where, ", ".join(missing), sentence.text)
    return None, Verdict(where, sentence.text, "dropped", missing, verdicts)


def rebuilt_heading(section: Section, evidence: Mapping[str, Evidence]) -> str | None:
    """Return a heading rebuilt from supported facts: the first short clause of the section's facts that verifies."""
    cites = section_cites(section)
    for sentence in (s for p in section.paragraphs for s in p if s.kind == "fact"):
        for raw in _CLAUSE_CUT.split(sentence.text):
            clause = raw.strip()
            candidate = Sentence(clause, cites)
            if len(_HAN.findall(clause)) >= HEADING_MIN_HAN and len(clause) <= HEADING_MAX \
                    and check_claims(candidate, evidence) and not check_sentence(candidate, evidence):
                return clause
    return None


def verify_brief(brief: Brief, evidence: Mapping[str, Evidence], fallback: Fallback | None = None,
                 *, repair: bool = True) -> tuple[Brief, list[Verdict]]:
    """Settle every sentence and heading of a brief; repair or drop what fails when `repair` is set."""
    verdicts: list[Verdict] = []
    counts = {"sentences": 0, "checked": 0, "unsupported": 0, "replaced": 0, "dropped": 0}
    fallbacks = (fallback,) if fallback else ()

    def published(where: str, sentence: Sentence) -> Sentence | None:
        """Settle one sentence and count the verdict."""
        kept, verdict = settle(where, sentence, evidence, fallbacks, repair=repair)
        counts["sentences"] += 1
        counts["checked"] += bool(verdict.claims)
        if verdict.status in counts:
            counts[verdict.status] += 1
        verdicts.append(verdict)
        return kept

    summary = tuple(s for s in (published("summary", s) for s in brief.summary) if s is not None)
    sections = []
    for section in brief.sections:
        where = f"section {section.number}"
        paragraphs = []
        for paragraph in section.paragraphs:
            kept = tuple(s for s in (published(where, s) for s in paragraph) if s is not None)
            if kept:
                paragraphs.append(kept)
        if not paragraphs:
            continue
        settled = _settle_heading(dataclasses.replace(section, paragraphs=tuple(paragraphs)), evidence, repair)
        if settled[1] is not None:
            verdicts.append(settled[1])
            counts[settled[1].status] += 1
        if settled[0] is not None:
            sections.append(settled[0])
    renumbered = tuple(dataclasses.replace(s, number=i) for i, s in enumerate(sections, 1))
    result = dataclasses.replace(brief, summary=summary, sections=renumbered, verification=Verification(**counts))
    return result, verdicts


def _settle_heading(section: Section, evidence: Mapping[str, Evidence],
                    repair: bool) -> tuple[Section | None, Verdict | None]:
    """Check a section's heading against everything the section cites; rebuild it, or drop the section, if it fails."""
    where = f"section {section.number} heading"
    claims = tuple(check_claims(Sentence(section.heading, section_cites(section)), evidence))
    missing = tuple(finding(c) for c in claims if not c.supported)
    if not missing:
        return section, None
    if not repair:
        return section, Verdict(where, section.heading, "unsupported", missing, claims)
    heading = rebuilt_heading(section, evidence)
    if heading is None:
        logger.info("%s: section dropped, no supported heading (unsupported: %s): %s", where, ", ".join(missing),
                    section.heading)
        return None, Verdict(where, section.heading, "dropped", missing, claims)
    logger.info("%s: rebuilt as %s (unsupported: %s): %s", where, heading, ", ".join(missing), section.heading)
    return dataclasses.replace(section, heading=heading), Verdict(where, section.heading, "replaced", missing, claims)


def section_cites(section: Section) -> tuple[str, ...]:
    """Return every reference a section's sentences cite (what its heading may draw on)."""
    return tuple(dict.fromkeys(c for p in section.paragraphs for s in p for c in s.cites))
