"""A Brief as HTML with every style inline: the e-mail body and the 公众号 article.

Mail clients drop `<style>` blocks and the 公众号 editor keeps only inline styles, so every
element carries its own `style` attribute, taken from one table. The mail version links
citations to the reference list and references to their sources; the 公众号 version has no
links at all (external links are not clickable there) and lists references by number.
No script, no external stylesheet, every scraped string escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from dailybrief.models import Brief, Sentence
from dailybrief.render.documents import LINKABLE, chinese_date, reference_line, section_title

SERIF = "'Noto Serif CJK SC','Source Han Serif SC','Songti SC',SimSun,serif"
SANS = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
STYLES = {
    "body": "margin:0;padding:0;background:#f4f4f1;",
    "main": f"max-width:680px;margin:0 auto;padding:24px 28px;background:#ffffff;color:#1f1f1f;"
            f"font-family:{SERIF};font-size:16px;line-height:1.8;",
    "header": "text-align:center;border-bottom:2px solid #8c1c13;padding-bottom:12px;margin-bottom:18px;",
    "title": f"font-family:{SANS};font-size:26px;letter-spacing:2px;color:#8c1c13;margin:6px 0;",
    "meta": "color:#555555;margin:2px 0;text-align:center;font-size:14px;",
    "h2": f"font-family:{SANS};font-size:18px;font-weight:bold;color:#1f1f1f;margin:24px 0 8px;",
    "p": "margin:8px 0;text-indent:2em;text-align:justify;",
    "summary": "background:#faf6ef;border-left:4px solid #8c1c13;padding:8px 14px;margin:8px 0;",
    "sup": "font-size:12px;color:#8c1c13;",
    "toc": "margin:4px 0;padding-left:0;list-style:none;",
    "ref": "margin:6px 0;font-size:14px;color:#333333;word-break:break-all;",
    "link": "color:#8c1c13;text-decoration:none;",
    "note": "margin:12px 0;font-size:14px;color:#8c1c13;",
    "footer": "margin-top:28px;border-top:1px solid #cccccc;padding-top:10px;color:#666666;font-size:13px;"
              "text-align:center;",
    "banner": "display:block;width:100%;height:auto;margin:0 0 16px;",
}


def _s(name: str) -> str:
    """Return a style attribute."""
    return f' style="{STYLES[name]}"'


def _sentences(items: Iterable[Sentence], numbers: dict[str, int], links: bool) -> str:
    """Render sentences with superscript citation numbers (linked to the reference list in mail)."""
    out = []
    for s in items:
        marks = ""
        for c in s.cites:
            if c not in numbers:
                continue
            mark = f"[{numbers[c]}]"
            if links:
                mark = f'<a href="#{html.escape(c.lower())}"{_s("link")}>{mark}</a>'
            marks += f"<sup{_s('sup')}>{mark}</sup>"
        out.append(html.escape(s.text) + marks)
    return "".join(out)


def styled_html(brief: Brief, *, links: bool, document: bool, images: Iterable[str] = (),
                sections: int | None = None, note: str = "") -> str:
    """Return the brief with inline styles: a whole page (`document`) or the article body.

    `sections` keeps only the first sections (to fit a size limit), `note` says what was left out.
    """
    esc = html.escape
    numbers = {r.id: i for i, r in enumerate(brief.references, 1)}
    kept = brief.sections[:sections] if sections is not None else brief.sections
    parts = [f'<img src="{esc(src)}" alt=""{_s("banner")}>' for src in images]
    parts += [f"<section{_s('header')}><h1{_s('title')}>{esc(brief.title)}</h1>"]
    parts += [f"<p{_s('meta')}>{esc(p)}</p>" for p in brief.publishers]
    parts += [f"<p{_s('meta')}>{esc(chinese_date(brief.date))}</p></section>",
              f"<h2{_s('h2')}>摘要</h2>",
              f"<section{_s('summary')}><p{_s('p')}>{_sentences(brief.summary, numbers, links)}</p></section>",
              f"<h2{_s('h2')}>目录</h2><ul{_s('toc')}>"]
    for s in kept:
        title = esc(section_title(s.number, s.heading))
        parts.append(f'<li><a href="#s{s.number}"{_s("link")}>{title}</a></li>' if links else f"<li>{title}</li>")
    parts.append("<li>参考文献</li></ul>")
    for s in kept:
        anchor = f' id="s{s.number}"' if links else ""
        parts.append(f"<h2{anchor}{_s('h2')}>{esc(section_title(s.number, s.heading))}</h2>")
        parts += [f"<p{_s('p')}>{_sentences(p, numbers, links)}</p>" for p in s.paragraphs]
    if note:
        parts.append(f"<p{_s('note')}>{esc(note)}</p>")
    parts.append(f"<h2{_s('h2')}>参考文献</h2>")
    for ref in brief.references:
        line = f"[{numbers[ref.id]}] {esc(reference_line(ref))} "
        if links and ref.url.startswith(LINKABLE):
            line += f'<a href="{esc(ref.url)}"{_s("link")}>{esc(ref.url)}</a>'
        else:
            line += esc(ref.url)
        anchor = f' id="{esc(ref.id.lower())}"' if links else ""
        parts.append(f"<p{anchor}{_s('ref')}>{line}</p>")
    if brief.disclaimer:
        parts.append(f"<p{_s('footer')}>{esc(brief.disclaimer)}</p>")
    body = "\n".join(parts)
    if not document:
        return f"<section{_s('main')}>\n{body}\n</section>"
    title = f"{esc(brief.title)} {esc(chinese_date(brief.date))}"
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>'
            f"<body{_s('body')}><div{_s('main')}>\n{body}\n</div></body></html>\n")


def plain_text(brief: Brief) -> str:
    """Return the brief as plain text (the mail's text alternative): citations as [n], references with URLs."""
    numbers = {r.id: i for i, r in enumerate(brief.references, 1)}

    def text(items: Iterable[Sentence]) -> str:
        """Return sentences with [n] marks."""
        return "".join(s.text + "".join(f"[{numbers[c]}]" for c in s.cites if c in numbers) for s in items)

    lines = [brief.title, *brief.publishers, chinese_date(brief.date), "", "摘要", text(brief.summary), "", "目录"]
    lines += [section_title(s.number, s.heading) for s in brief.sections]
    for s in brief.sections:
        lines += ["", section_title(s.number, s.heading)]
        lines += [text(p) for p in s.paragraphs]
    lines += ["", "参考文献"]
    lines += [f"[{numbers[r.id]}] {reference_line(r)} {r.url}" for r in brief.references]
    if brief.disclaimer:
        lines += ["", "—", brief.disclaimer]
    return "\n".join(lines) + "\n"
