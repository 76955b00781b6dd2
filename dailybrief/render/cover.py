"""A cover picture for the brief (the 公众号 article's cover and banner): title and date on the brief's colours.

Made with Typst like the PDF (PNG output); the title and date reach Typst as inputs, never
as markup. 900×383 pixels is the 2.35:1 shape the 公众号 crops its covers to.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import typst

from dailybrief.models import Brief
from dailybrief.render.documents import chinese_date
from dailybrief.render.pdf import FONT_FAMILIES, PdfError

TEMPLATE = """
#set page(width: 900pt, height: 383pt, margin: 48pt, fill: rgb("#8c1c13"))
#set text(font: (%s), fill: white)
#align(center + horizon)[
  #text(size: 54pt, weight: "bold", tracking: 4pt)[#sys.inputs.title]
  #v(18pt)
  #text(size: 26pt)[#sys.inputs.date]
  #v(8pt)
  #text(size: 20pt)[#sys.inputs.publishers]
]
"""


def render_cover(brief: Brief) -> bytes:
    """Return the cover as PNG bytes."""
    fonts = ", ".join(f'"{family}"' for family in FONT_FAMILIES)
    with tempfile.TemporaryDirectory(prefix="dailybrief-cover-") as tmp:
        source = Path(tmp) / "cover.typ"
        source.write_text(TEMPLATE % fonts, encoding="utf-8")
        try:
            image = typst.compile(str(source), format="png", ppi=72.0,
                                  sys_inputs={"title": brief.title, "date": chinese_date(brief.date),
                                              "publishers": " · ".join(brief.publishers)})
        except (RuntimeError, typst.TypstError) as exc:
            raise PdfError(f"typst failed on the cover: {exc}") from None
    if not isinstance(image, bytes):
        raise PdfError("typst returned no cover picture")
    return image
