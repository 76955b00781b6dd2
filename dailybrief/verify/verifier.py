"""The claim verifier: every number, date, 《title》 and “quoted term” must occur in what a sentence cites.

A sentence that fails is replaced by its untrimmed source sentence when that passes, or
dropped — never published. Verdicts are kept per sentence for editors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from dailybrief.models import Brief, Section, Sentence, Verification
from dailybrief.verify.claims import Evidence, claims, missing_claims


@dataclass(frozen=True)
class Verdict:
    """The verifier's finding on one sentence."""

    where: str
    text: str
    status: str  # verified | unchecked | replaced | dropped | unsupported
    missing: tuple[str, ...] = ()


def check_sentence(sentence: Sentence, evidence: Mapping[str, Evidence]) -> list[str]:
    """Return what in a sentence its cited references do not support (empty: supported)."""
    cited = [evidence[c] for c in sentence.cites if c in evidence]
    return missing_claims(sentence.text, cited)


Fallback = Callable[[Sentence], Sentence | None]


def verify_brief(brief: Brief, evidence: Mapping[str, Evidence], fallback: Fallback | None = None,
                 *, repair: bool = True) -> tuple[Brief, list[Verdict]]:
    """Check every sentence (and heading); repair or drop what fails when `repair` is set."""
    verdicts: list[Verdict] = []
    counts = {"sentences": 0, "checked": 0, "unsupported": 0, "replaced": 0, "dropped": 0}

    def settle(where: str, sentence: Sentence) -> Sentence | None:
        """Return the sentence to publish (possibly replaced) or None to drop it."""
        counts["sentences"] += 1
        if claims(sentence.text).count:
            counts["checked"] += 1
        missing = check_sentence(sentence, evidence)
        if not missing:
            status = "verified" if claims(sentence.text).count else "unchecked"
            verdicts.append(Verdict(where, sentence.text, status))
            return dataclasses.replace(sentence, status=sentence.status if status == "unchecked" else "verified")
        if not repair:
            counts["unsupported"] += 1
            verdicts.append(Verdict(where, sentence.text, "unsupported", tuple(missing)))
            return sentence
        replacement = fallback(sentence) if fallback else None
        if replacement is not None and not check_sentence(replacement, evidence):
            counts["replaced"] += 1
            verdicts.append(Verdict(where, sentence.text, "replaced", tuple(missing)))
            return dataclasses.replace(replacement, status="replaced")
        counts["dropped"] += 1
        verdicts.append(Verdict(where, sentence.text, "dropped", tuple(missing)))
        return None

    summary = tuple(s for s in (settle("summary", s) for s in brief.summary) if s is not None)
    sections = []
    for section in brief.sections:
        where = f"section {section.number}"
        heading = Sentence(section.heading, _section_cites(section))
        heading_missing = check_sentence(heading, evidence)
        if heading_missing:
            verdicts.append(Verdict(f"{where} heading", section.heading, "unsupported", tuple(heading_missing)))
            counts["unsupported"] += 1
        paragraphs = []
        for paragraph in section.paragraphs:
            kept = tuple(s for s in (settle(where, s) for s in paragraph) if s is not None)
            if kept:
                paragraphs.append(kept)
        if paragraphs:
            sections.append(dataclasses.replace(section, paragraphs=tuple(paragraphs)))
    renumbered = tuple(dataclasses.replace(s, number=i) for i, s in enumerate(sections, 1))
    result = dataclasses.replace(brief, summary=summary, sections=renumbered,
                                 verification=Verification(**counts))
    return result, verdicts


def _section_cites(section: Section) -> tuple[str, ...]:
    """Return every reference a section's sentences cite (what its heading may draw on)."""
    return tuple(dict.fromkeys(c for p in section.paragraphs for s in p for c in s.cites))
