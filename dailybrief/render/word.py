"""A Brief as a Word document laid out like the PDF: title block, 摘要, 目录, numbered headings, citations, 参考文献.

The contents are a real Word table-of-contents field (Word and WPS fill in page numbers when
the document opens: `updateFields` is set; until then the field shows the headings). Every
run and style names its East Asian font (宋体 for text, 黑体 for headings, which Word and WPS
have on every Chinese system; LibreOffice substitutes what it has), and the theme fonts that
would override them on headings are removed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from dailybrief.models import Brief, Sentence
from dailybrief.render.documents import chinese_date, reference_line, section_title

TEXT_FONT = ("Times New Roman", "宋体")  # (Latin, East Asian)
HEADING_FONT = ("Arial", "黑体")
ACCENT = RGBColor(0x8C, 0x1C, 0x13)
STYLE_FONTS = {"Normal": TEXT_FONT, "Title": HEADING_FONT, "Heading 1": HEADING_FONT}
TOC_INSTRUCTION = ' TOC \\o "1-1" \\h \\z \\u '
THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(rpr_owner: Any, fonts: tuple[str, str]) -> None:
    """Name the Latin and East Asian fonts on a run or style, dropping theme fonts that would win over them."""
    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attribute in THEME_ATTRIBUTES:
        rfonts.attrib.pop(qn(attribute), None)
    latin, east = fonts
    for attribute, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east)):
        rfonts.set(qn(attribute), value)


def _field(paragraph: Any, instruction: str, shown: str = "") -> None:
    """Append a whole field (PAGE, NUMPAGES …) with the text it shows before Word updates it."""
    _field_char(paragraph, "begin")
    _instruction(paragraph, instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run(shown)
    _field_char(paragraph, "end")


def _field_char(paragraph: Any, kind: str) -> None:
    """Append a field character (begin, separate, end) run."""
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        char.set(qn("w:dirty"), "true")
    run._r.append(char)


def _instruction(paragraph: Any, text: str) -> None:
    """Append a field instruction run."""
    run = paragraph.add_run()
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = text
    run._r.append(instruction)


def _styles(document: Any) -> None:
    """Set page size and margins, and the fonts, sizes and colours of the styles used."""
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)
    for name, fonts in STYLE_FONTS.items():
        style = document.styles[name]
        _set_fonts(style.element, fonts)
        style.font.name = fonts[0]
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    normal.paragraph_format.line_spacing = 1.5
    heading = document.styles["Heading 1"]
    heading.font.size = Pt(15)
    heading.font.color.rgb = ACCENT
    title = document.styles["Title"]
    title.font.size = Pt(24)
    title.font.color.rgb = ACCENT


def _text(paragraph: Any, text: str, *, size: float | None = None, bold: bool = False,
          superscript: bool = False) -> None:
    """Append a run with the text font named on it."""
    run = paragraph.add_run(text)
    _set_fonts(run._r, TEXT_FONT)
    run.bold = bold or None
    run.font.superscript = superscript or None
    if size:
        run.font.size = Pt(size)


def _sentences(paragraph: Any, items: Iterable[Sentence], numbers: dict[str, int]) -> None:
    """Append sentences with superscript citation numbers."""
    for s in items:
        _text(paragraph, s.text)
        marks = "".join(f"[{numbers[c]}]" for c in s.cites if c in numbers)
        if marks:
            _text(paragraph, marks, superscript=True)


def _toc(document: Any, titles: list[str]) -> None:
    """Add a table-of-contents field whose shown result lists the headings (Word adds the page numbers)."""
    for n, title in enumerate(titles):
        paragraph = document.add_paragraph()
        if n == 0:
            _field_char(paragraph, "begin")
            _instruction(paragraph, TOC_INSTRUCTION)
            _field_char(paragraph, "separate")
        _text(paragraph, title)
        if n == len(titles) - 1:
            _field_char(paragraph, "end")


def render_docx(brief: Brief, header: str = "") -> bytes:
    """Return the brief as .docx bytes."""
    document = Document()
    _styles(document)
    numbers = {r.id: i for i, r in enumerate(brief.references, 1)}
    page = document.sections[0]
    top = page.header.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(top, header or f"{brief.title} · {chinese_date(brief.date)}", size=9)
    bottom = page.footer.paragraphs[0]
    bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(bottom, "第 ", size=9)
    _field(bottom, " PAGE ", "1")
    _text(bottom, " 页", size=9)

    document.add_paragraph(brief.title, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in [*brief.publishers, chinese_date(brief.date)]:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text(paragraph, line)
    document.add_heading("摘要", level=1)
    _sentences(document.add_paragraph(), brief.summary, numbers)
    contents = document.add_paragraph()
    _text(contents, "目录", size=15, bold=True)
    titles = ["摘要", *(section_title(s.number, s.heading) for s in brief.sections), "参考文献"]
    _toc(document, titles)
    for section in brief.sections:
        document.add_heading(section_title(section.number, section.heading), level=1)
        for paragraph_sentences in section.paragraphs:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(24)
            _sentences(paragraph, paragraph_sentences, numbers)
    document.add_heading("参考文献", level=1)
    for ref in brief.references:
        _text(document.add_paragraph(), f"[{numbers[ref.id]}] {reference_line(ref)} {ref.url}", size=10.5)
    if brief.disclaimer:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text(paragraph, brief.disclaimer, size=9)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
