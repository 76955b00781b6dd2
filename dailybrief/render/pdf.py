"""Render a Brief as PDF with Typst (the `typst` package ships the compiler) and Noto CJK fonts.

Text goes to Typst as JSON data, never as markup, so scraped text cannot inject layout.
Characters no installed font can draw are replaced with 〓 (the typesetter's mark for a
missing character) rather than printed as empty boxes, and reported.
"""

from __future__ import annotations

import json
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import typst
from fontTools.ttLib import TTCollection, TTFont

from dailybrief.models import Brief, Sentence
from dailybrief.render.documents import chinese_date, reference_line, section_title

FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "DejaVu Sans")
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
MISSING_MARK = "〓"


class PdfError(Exception):
    """The PDF could not be made (no CJK font installed, or Typst failed)."""


@cache
def covered_characters() -> frozenset[int]:
    """Return the code points the brief's fonts can draw; raise PdfError when no CJK font is installed."""
    points: set[int] = set()
    for path in FONT_FILES:
        if not Path(path).exists():
            continue
        font: Any = TTCollection(path, lazy=True).fonts[0] if path.endswith(".ttc") else TTFont(path, lazy=True)
        points.update(font.getBestCmap() or {})
    if 0x4E2D not in points:  # 中
        raise PdfError("no CJK font found: install Debian's fonts-noto-cjk (make install does)")
    return frozenset(points)


def printable(text: str, missing: set[str]) -> str:
    """Replace characters no font covers with 〓, recording them in `missing`."""
    covered = covered_characters()
    out = []
    for ch in text:
        if ord(ch) in covered or ch in "\n\t ":
            out.append(ch)
        else:
            missing.add(ch)
            out.append(MISSING_MARK)
    return "".join(out)


def pdf_data(brief: Brief, footer: str, missing: set[str]) -> dict[str, object]:
    """Return the JSON the Typst template lays out."""
    def p(text: str) -> str:
        """Return text the fonts can draw."""
        return printable(text, missing)

    def sentences(items: tuple[Sentence, ...]) -> list[dict[str, object]]:
        """Return sentences as template data."""
        return [{"text": p(s.text), "cites": [c for c in s.cites if c in numbers]} for s in items]

    numbers = {r.id: i for i, r in enumerate(brief.references, 1)}
    return {
        "fonts": list(FONT_FAMILIES),
        "title": p(brief.title),
        "publishers": [p(x) for x in brief.publishers],
        "date_text": chinese_date(brief.date),
        "footer": p(footer),
        "disclaimer": p(brief.disclaimer),
        "numbers": {k: str(v) for k, v in numbers.items()},
        "summary": sentences(brief.summary),
        "sections": [{"title": p(section_title(s.number, s.heading)),
                      "paragraphs": [sentences(par) for par in s.paragraphs]} for s in brief.sections],
        "references": [{"id": r.id, "line": p(reference_line(r)), "url": p(r.url)} for r in brief.references],
    }


def render_pdf(brief: Brief, footer: str = "") -> tuple[bytes, set[str]]:
    """Return the PDF bytes and the set of characters that had to be replaced."""
    missing: set[str] = set()
    data = pdf_data(brief, footer or " · ".join(brief.publishers), missing)
    template = resources.files("dailybrief.render").joinpath("templates/brief.typ").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="dailybrief-pdf-") as tmp:
        root = Path(tmp)
        (root / "brief.typ").write_text(template, encoding="utf-8")
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        try:
            pdf = typst.compile(str(root / "brief.typ"), root=str(root))
        except (RuntimeError, typst.TypstError) as exc:
            raise PdfError(f"typst failed: {exc}") from None
    if not isinstance(pdf, bytes):
        raise PdfError("typst returned no PDF")
    return pdf, missing
