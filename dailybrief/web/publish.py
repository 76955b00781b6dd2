"""Approval output: render the brief's final PDF, HTML, Markdown and JSON into the output folder."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dailybrief.models import Verification
from dailybrief.pipeline import write_outputs
from dailybrief.render.briefjson import brief_from_json, brief_to_json
from dailybrief.render.documents import render_html, render_markdown
from dailybrief.render.pdf import render_pdf
from dailybrief.web.editing import Checked, Data, section_key

FILES = {"brief.pdf": "application/pdf", "brief.html": "text/html; charset=utf-8",
         "brief.md": "text/markdown; charset=utf-8", "brief.json": "application/json",
         "stories.json": "application/json"}
CONTRACT_KEYS = ("id", "score", "selected", "rank", "primary", "articles", "reprints", "why")


def output_folder(root: Path, issue_date: str, brief_id: int) -> Path:
    """Return the folder an approved brief's files go to."""
    return root / f"{issue_date}-{brief_id}"


def final_stories(stories: Sequence[dict[str, Any]], data: Data) -> list[dict[str, Any]]:
    """Return stories.json as the run wrote it, with `selected` saying what the approved brief contains."""
    chosen = {section_key(s) for s in data.get("sections", [])}
    return [{**{k: s.get(k) for k in CONTRACT_KEYS}, "selected": s.get("id") in chosen} for s in stories]


def render_outputs(data: Data, checked: Checked, stories: Sequence[dict[str, Any]], out: Path) -> list[Path]:
    """Write brief.json/.md/.html/.pdf and stories.json for an approved brief; return the paths."""
    brief = brief_from_json(data)
    counts = Verification(sentences=checked.sentences, checked=checked.checked, unsupported=checked.unsupported)
    brief = dataclasses.replace(brief, verification=counts)
    pdf, _missing = render_pdf(brief)
    files = {
        "brief.json": _json(brief_to_json(brief)),
        "stories.json": _json(final_stories(stories, data)),
        "brief.md": render_markdown(brief).encode("utf-8"),
        "brief.html": render_html(brief).encode("utf-8"),
        "brief.pdf": pdf,
    }
    return write_outputs(out, files)


def _json(data: Any) -> bytes:
    """Serialise JSON readably with a final newline."""
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
