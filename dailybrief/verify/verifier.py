"""The claim verifier: every number, date, 《title》 and “quoted term” must occur in what a sentence cites.

`settle` is the one path every writer, `dailybrief verify` and the editor app take: check a
sentence against the references it cites, and — when repairing — try its fallbacks in order
(the untrimmed source sentence, a model's rewrite …), else drop it; never publish it as is.
`verify_brief` settles a whole brief. Verdicts are kept per sentence for editors.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from dailybrief.models import Brief, Section, Sentence, Verification
from dailybrief.verify.claims import Evidence, claims, missing_claims

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """The verifier's finding on one sentence."""

    where: str
    text: str
    status: str  # verified | unchecked | replaced | dropped | unsupported
    missing: tuple[str, ...] = ()


Fallback = Callable[[Sentence], Sentence | None]


def check_sentence(sentence: Sentence, evidence: Mapping[str, Evidence]) -> list[str]:
    """Return what in a sentence its cited references do not support (empty: supported)."""
    cited = [evidence[c] for c in sentence.cites if c in evidence]
    return missing_claims(sentence.text, cited)


def settle(where: str, sentence: Sentence, evidence: Mapping[str, Evidence], fallbacks: Sequence[Fallback] = (),
           *, repair: bool = True) -> tuple[Sentence | None, Verdict]:
    """Check one sentence; when `repair` is set, replace a failing one by its first fallback that passes, or drop it.

    Returns the sentence to publish (None: dropped) and the verdict. Without `repair` a failing
    sentence comes back unchanged with the verdict "unsupported" (what `dailybrief verify` and
    the editor app report).
    """
    missing = check_sentence(sentence, evidence)
    if not missing:
        status = "verified" if claims(sentence.text).count else "unchecked"
        published = dataclasses.replace(sentence, status=sentence.status if status == "unchecked" else "verified")
        return published, Verdict(where, sentence.text, status)
    if not repair:
        return sentence, Verdict(where, sentence.text, "unsupported", tuple(missing))
    for fallback in fallbacks:
        replacement = fallback(sentence)
        if replacement is not None and not check_sentence(replacement, evidence):
            logger.info("%s: replaced (unsupported: %s): %s", where, ", ".join(missing), sentence.text)
            return (dataclasses.replace(replacement, status="replaced"),
                    Verdict(where, sentence.text, "replaced", tuple(missing)))
    logger.info("%s: dropped (unsupported: %s): %s", where, ", ".join(missing), sentence.text)
    return None, Verdict(where, sentence.text, "dropped", tuple(missing))


def verify_brief(brief: Brief, evidence: Mapping[str, Evidence], fallback: Fallback | None = None,
                 *, repair: bool = True) -> tuple[Brief, list[Verdict]]:
    """Settle every sentence of a brief (and check each heading); repair or drop what fails when `repair` is set."""
    verdicts: list[Verdict] = []
    counts = {"sentences": 0, "checked": 0, "unsupported": 0, "replaced": 0, "dropped": 0}
    fallbacks = (fallback,) if fallback else ()

    def published(where: str, sentence: Sentence) -> Sentence | None:
        """Settle one sentence and count the verdict."""
        kept, verdict = settle(where, sentence, evidence, fallbacks, repair=repair)
        counts["sentences"] += 1
        counts["checked"] += claims(sentence.text).count > 0
        if verdict.status in counts:
            counts[verdict.status] += 1
        verdicts.append(verdict)
        return kept

    summary = tuple(s for s in (published("summary", s) for s in brief.summary) if s is not None)
    sections = []
    for section in brief.sections:
        where = f"section {section.number}"
        heading_missing = check_sentence(Sentence(section.heading, _section_cites(section)), evidence)
        if heading_missing:
            verdicts.append(Verdict(f"{where} heading", section.heading, "unsupported", tuple(heading_missing)))
            counts["unsupported"] += 1
        paragraphs = []
        for paragraph in section.paragraphs:
            kept = tuple(s for s in (published(where, s) for s in paragraph) if s is not None)
            if kept:
                paragraphs.append(kept)
        if paragraphs:
            sections.append(dataclasses.replace(section, paragraphs=tuple(paragraphs)))
    renumbered = tuple(dataclasses.replace(s, number=i) for i, s in enumerate(sections, 1))
    result = dataclasses.replace(brief, summary=summary, sections=renumbered, verification=Verification(**counts))
    return result, verdicts


def _section_cites(section: Section) -> tuple[str, ...]:
    """Return every reference a section's sentences cite (what its heading may draw on)."""
    return tuple(dict.fromkeys(c for p in section.paragraphs for s in p for c in s.cites))
