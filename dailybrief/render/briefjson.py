"""brief.json: the Brief as the contract in DESIGN.md describes it, and back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dailybrief.models import Brief, Reference, Section, Sentence, Verification


class BriefFormatError(ValueError):
    """A brief.json that does not follow the contract; the message names the key."""


def _sentence_json(s: Sentence) -> dict[str, Any]:
    """Return a sentence object."""
    return {"text": s.text, "cites": list(s.cites), "kind": s.kind, "status": s.status}


def brief_to_json(brief: Brief, llm: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the brief.json object; `llm` (the LLM writer's usage record) is added only when that writer ran."""
    v = brief.verification
    data = {
        "title": brief.title,
        "date": brief.date.isoformat(),
        "publishers": list(brief.publishers),
        "thread": list(brief.thread),
        "summary": {"sentences": [_sentence_json(s) for s in brief.summary]},
        "sections": [
            {"number": sec.number, "heading": sec.heading, "story": sec.story_id,
             "paragraphs": [{"sentences": [_sentence_json(s) for s in p]} for p in sec.paragraphs]}
            for sec in brief.sections
        ],
        "references": [
            {"id": r.id, "publisher": r.publisher, "title": r.title, "date": r.date.isoformat() if r.date else None,
             "url": r.url, "role": r.role, "verifies": r.verifies, "reprint_of": r.reprint_of}
            for r in brief.references
        ],
        "verification": {"sentences": v.sentences, "checked": v.checked, "unsupported": v.unsupported,
                         "replaced": v.replaced, "dropped": v.dropped},
        "disclaimer": brief.disclaimer,
    }
    if llm is not None:
        data["llm"] = llm
    return data


def _sentence(obj: Any, where: str) -> Sentence:
    """Read a sentence object."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise BriefFormatError(f"{where}: expected a sentence object with a 'text' string")
    cites = obj.get("cites") or []
    if not isinstance(cites, list) or not all(isinstance(c, str) for c in cites):
        raise BriefFormatError(f"{where}.cites: expected a list of reference ids")
    kind = obj.get("kind", "fact")
    return Sentence(text=obj["text"], cites=tuple(cites), kind="analysis" if kind == "analysis" else "fact",
                    status=str(obj.get("status", "edited")))


def brief_from_json(data: Any) -> Brief:
    """Read a brief.json object (for example one an editor changed by hand)."""
    if not isinstance(data, dict):
        raise BriefFormatError("expected a JSON object")
    try:
        date = dt.date.fromisoformat(str(data["date"]))
        summary = tuple(_sentence(s, f"summary.sentences[{i}]")
                        for i, s in enumerate((data.get("summary") or {}).get("sentences", [])))
        sections = tuple(
            Section(number=int(sec.get("number", n)), heading=str(sec.get("heading", "")),
                    story_id=str(sec.get("story", "")),
                    paragraphs=tuple(tuple(_sentence(s, f"sections[{n}].paragraphs[{p}].sentences[{k}]")
                                           for k, s in enumerate(para.get("sentences", [])))
                                     for p, para in enumerate(sec.get("paragraphs", []))))
            for n, sec in enumerate(data.get("sections", []), 1)
        )
        references = tuple(
            Reference(id=str(r["id"]), publisher=str(r.get("publisher", "")), title=str(r.get("title", "")),
                      date=dt.date.fromisoformat(r["date"]) if r.get("date") else None, url=str(r.get("url", "")),
                      verifies=str(r.get("verifies", "")),
                      role="background" if r.get("role") == "background" else "event",
                      reprint_of=r.get("reprint_of"))
            for r in data.get("references", [])
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, BriefFormatError):
            raise
        raise BriefFormatError(f"not a brief.json: {type(exc).__name__}: {exc}") from None
    v = data.get("verification") or {}
    return Brief(title=str(data.get("title", "")), date=date, publishers=tuple(data.get("publishers", [])),
                 thread=tuple(data.get("thread", [])), summary=summary, sections=sections, references=references,
                 verification=Verification(**{k: int(v.get(k, 0)) for k in
                                              ("sentences", "checked", "unsupported", "replaced", "dropped")}),
                 disclaimer=str(data.get("disclaimer", "")))
