"""Check any text against given sources: the pure part of `dailybrief check`.

The text is plain text or Markdown. A sentence's `[n]` or `[^n]` markers cite the n-th source
(1-based); a sentence without markers is checked against every usable source. The result is the
`check --json` object: each sentence with its cites, status and per-claim verdicts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dailybrief.verify.claims import analyse
from dailybrief.verify.evidence import Evidence
from dailybrief.verify.support import ClaimVerdict, judge

MARKER = re.compile(r"\[\^?(\d{1,4})\]")
_FOOTNOTE_DEFINITION = re.compile(r"^\s*\[\^?\d{1,4}\]\s*:")
_LINE_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d{1,3}[.)]\s+)+")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]^][^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`")
_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』）)]*)?(?:\s*\[\^?\d{1,4}\])*")


class MarkerError(ValueError):
    """A marker cites a source that was not given; the message names the marker."""


@dataclass(frozen=True)
class CheckedSentence:
    """One sentence of a checked text: its words, what it cites, its status and the claims' verdicts."""

    text: str
    cites: tuple[int, ...]
    status: str  # supported | unsupported | unchecked
    claims: tuple[ClaimVerdict, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the sentence object of the `check --json` contract."""
        return {"text": self.text, "cites": list(self.cites), "status": self.status,
                "claims": [{"kind": c.kind, "text": c.text, "supported": c.supported, "why": c.why}
                           for c in self.claims]}


def _plain(line: str) -> str:
    """Return a Markdown line as plain text: no heading or list marks, links as their text, no emphasis."""
    line = _LINE_PREFIX.sub("", line)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    return _EMPHASIS.sub("", line)


def marked_sentences(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """Split a text into sentences, each with the source numbers its markers cite (markers removed)."""
    out = []
    fenced = False
    for raw in text.splitlines():
        if raw.strip().startswith("```"):
            fenced = not fenced
            continue
        if fenced or _FOOTNOTE_DEFINITION.match(raw):
            continue
        line = _plain(raw)
        for match in _SENTENCE.finditer(line):
            piece = match.group()
            cites = tuple(dict.fromkeys(int(n) for n in MARKER.findall(piece)))
            sentence = MARKER.sub("", piece).strip()
            if sentence:
                out.append((sentence, cites))
            elif cites and out:
                out[-1] = (out[-1][0], tuple(dict.fromkeys((*out[-1][1], *cites))))
    return out


def check_marked(sentences: Sequence[tuple[str, tuple[int, ...]]],
                 sources: Sequence[Evidence | None]) -> list[CheckedSentence]:
    """Check sentences against the sources (None: a source that could not be read); MarkerError for a bad marker."""
    for _text, cites in sentences:
        for n in cites:
            if not 1 <= n <= len(sources):
                raise MarkerError(f"marker [{n}] cites source {n}, but {len(sources)} "
                                  f"source{'s were' if len(sources) != 1 else ' was'} given")
    usable = [s for s in sources if s is not None]
    out = []
    for text, cites in sentences:
        cited = [sources[n - 1] for n in cites] if cites else usable
        verdicts = tuple(judge(analyse(text), [e for e in cited if e is not None]))
        status = "unchecked" if not verdicts else "supported" if all(v.supported for v in verdicts) \
            else "unsupported"
        out.append(CheckedSentence(text, cites, status, verdicts))
    return out


def result_json(checked: Sequence[CheckedSentence]) -> dict[str, Any]:
    """Return the `check --json` object: every sentence and how many are unsupported."""
    return {"sentences": [s.to_json() for s in checked],
            "unsupported": sum(s.status == "unsupported" for s in checked)}


def check_text(text: str, sources: Sequence[Evidence | None]) -> dict[str, Any]:
    """Return the `check --json` object for a text against its sources."""
    return result_json(check_marked(marked_sentences(text), sources))
