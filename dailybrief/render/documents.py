"""Render a Brief as Markdown and as standalone HTML (every scraped string escaped)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from dailybrief.models import Brief, Reference, Sentence

_DIGITS = "零一二三四五六七八九"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|>~])")
LINKABLE = ("http://", "https://", "file://")  # URL schemes shown as links; anything else (javascript:) as text


def chinese_number(n: int) -> str:
    """Return 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def chinese_date(day: object) -> str:
    """Return 2026年6月17日 for a date."""
    return f"{day.year}年{day.month}月{day.day}日"  # type: ignore[attr-defined]


def section_title(number: int, heading: str) -> str:
    """Return 一、heading."""
    return f"{chinese_number(number)}、{heading}"


def reference_line(ref: Reference) -> str:
    """Return one 参考文献 line as plain text: publisher:《title》, date, verifies."""
    date = ref.date.isoformat() if ref.date else "日期不详"
    reprint = f"（转载，原文见 {ref.reprint_of}）" if ref.reprint_of else ""
    title = ref.title.replace("《", "〈").replace("》", "〉")  # a title inside a title takes the inner marks
    return f"{ref.publisher}:《{title}》, {date}, {ref.verifies}。{reprint}"


def _numbers(brief: Brief) -> dict[str, int]:
    """Map reference ids to the numbers shown in citations."""
    return {r.id: i for i, r in enumerate(brief.references, 1)}


def md_escape(text: str) -> str:
    """Escape Markdown syntax and HTML in scraped text, so it shows as written."""
    text = html.escape(text, quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_sentences(sentences: Iterable[Sentence], numbers: dict[str, int]) -> str:
    """Render sentences with [n] citation links."""
    out = []
    for s in sentences:
        marks = "".join(f"[\\[{numbers[c]}\\]](#{c.lower()})" for c in s.cites if c in numbers)
        out.append(md_escape(s.text) + marks)
    return "".join(out)


def render_markdown(brief: Brief) -> str:
    """Return the brief as Markdown."""
    numbers = _numbers(brief)
    lines = [f"# {md_escape(brief.title)}", ""]
    if brief.publishers:
        lines += [" · ".join(md_escape(p) for p in brief.publishers), ""]
    lines += [chinese_date(brief.date), "", "## 摘要", "", _md_sentences(brief.summary, numbers), "", "## 目录", ""]
    lines += [f"- {md_escape(section_title(s.number, s.heading))}" for s in brief.sections]
    lines += ["- 参考文献", ""]
    for section in brief.sections:
        lines += [f"## {md_escape(section_title(section.number, section.heading))}", ""]
        for paragraph in section.paragraphs:
            lines += [_md_sentences(paragraph, numbers), ""]
    lines += ["## 参考文献", ""]
    for ref in brief.references:
        link = f"<{html.escape(ref.url)}>" if ref.url.startswith(LINKABLE) else md_escape(ref.url)
        lines.append(f'<a id="{ref.id.lower()}"></a>\\[{numbers[ref.id]}\\] {md_escape(reference_line(ref))} {link}  ')
    if brief.disclaimer:
        lines += ["", "---", "", md_escape(brief.disclaimer)]
    return "\n".join(lines).rstrip() + "\n"


CSS = """
body{margin:0;background:#f4f4f1;color:#1f1f1f;
 font:16px/1.85 "Noto Serif CJK SC","Source Han Serif SC","Songti SC",serif}
main{max-width:46em;margin:2em auto;padding:3em 3.5em;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.12)}
header{text-align:center;border-bottom:2px solid #8c1c13;padding-bottom:1em;margin-bottom:1.5em}
h1{font-size:1.9em;letter-spacing:.08em;color:#8c1c13;margin:.2em 0}
.publishers,.date{color:#555;margin:.2em 0;text-indent:0;text-align:center}
h2{font-size:1.2em;margin:1.8em 0 .6em;font-family:"Noto Sans CJK SC","Source Han Sans SC",sans-serif}
p{text-indent:2em;margin:.5em 0;text-align:justify}
.summary{background:#faf6ef;border-left:4px solid #8c1c13;padding:.6em 1em}
sup a{color:#8c1c13;text-decoration:none;font-size:.75em}
nav ol{list-style:none;padding-left:0}nav a{color:#1f1f1f;text-decoration:none}
.refs li{margin:.3em 0;font-size:.92em}
.refs a{word-break:break-all;color:#555}
footer{margin-top:2.5em;border-top:1px solid #ccc;padding-top:.8em;color:#666;font-size:.9em;text-align:center}
@media print{body{background:#fff}main{box-shadow:none;margin:0;padding:0;max-width:none}
 nav{page-break-after:always}h2{page-break-after:avoid}a{color:inherit}}
"""


def _html_sentences(sentences: Iterable[Sentence], numbers: dict[str, int]) -> str:
    """Render sentences with superscript citation links."""
    out = []
    for s in sentences:
        marks = "".join(f'<sup><a href="#{html.escape(c.lower())}">[{numbers[c]}]</a></sup>'
                        for c in s.cites if c in numbers)
        out.append(html.escape(s.text) + marks)
    return "".join(out)


def render_html(brief: Brief) -> str:
    """Return the brief as one standalone HTML page (inline CSS, print stylesheet)."""
    numbers = _numbers(brief)
    esc = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(brief.title)} {esc(chinese_date(brief.date))}</title><style>{CSS}</style></head><body><main>",
        f"<header><h1>{esc(brief.title)}</h1>",
        f'<p class="publishers">{"<br>".join(esc(p) for p in brief.publishers)}</p>',
        f'<p class="date">{esc(chinese_date(brief.date))}</p></header>',
        f'<section class="summary"><h2>摘要</h2><p>{_html_sentences(brief.summary, numbers)}</p></section>',
        "<nav><h2>目录</h2><ol>",
    ]
    parts += [f'<li><a href="#s{s.number}">{esc(section_title(s.number, s.heading))}</a></li>' for s in brief.sections]
    parts.append('<li><a href="#refs">参考文献</a></li></ol></nav>')
    for section in brief.sections:
        parts.append(f'<section id="s{section.number}"><h2>{esc(section_title(section.number, section.heading))}</h2>')
        parts += [f"<p>{_html_sentences(p, numbers)}</p>" for p in section.paragraphs]
        parts.append("</section>")
    parts.append('<section id="refs" class="refs"><h2>参考文献</h2><ol>')
    for ref in brief.references:
        href = esc(ref.url) if ref.url.startswith(LINKABLE) else "#"
        parts.append(f'<li id="{esc(ref.id.lower())}">{esc(reference_line(ref))} '
                     f'<a href="{href}" rel="noopener noreferrer">{esc(ref.url)}</a></li>')
    parts.append("</ol></section>")
    if brief.disclaimer:
        parts.append(f"<footer>{esc(brief.disclaimer)}</footer>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
