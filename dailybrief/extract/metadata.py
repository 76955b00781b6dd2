"""Page metadata: title, publisher (site), origin (来源：), language."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

_SPACE = re.compile(r"\s+")
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|—{1,2}|–|-|·)\s*|\s{1,}")
_ORIGIN = re.compile(
    r"(?:文章来源|信息来源|稿件来源|新闻来源|转载自|来源)\s*[：:]\s*"
    r"([^\s：:|｜<>，,。;；]{2,40}?)"
    r"(?=\s|$|[|｜<>，,。;；]|作者|编辑|责编|记者|发布|时间|日期|字号|浏览|点击|【|\[)"
)
_SELF_ORIGINS = {"本站", "本网", "原创", "网络", "互联网", "本网站"}


def clean_space(text: str) -> str:
    """Collapse runs of white space (including ideographic spaces) to one space."""
    return _SPACE.sub(" ", text.replace("\u3000", " ")).strip()


def meta_tags(tree: Any) -> dict[str, str]:
    """Return `<meta name|property=… content=…>` as a dict with lower-cased names; first wins."""
    out: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = (node.get("name") or node.get("property") or node.get("itemprop") or "").strip().lower()
        content = node.get("content")
        if key and content and key not in out:
            out[key] = clean_space(content)
    return out


def _texts(tree: Any, xpath: str) -> list[str]:
    """Return the cleaned, non-empty text of every node an XPath matches."""
    return [t for t in (clean_space(n.text_content()) for n in tree.xpath(xpath)) if t]


def _similar(a: str, b: str) -> bool:
    """Say whether one title candidate is the other, up to a site suffix or prefix."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return bool(a) and bool(b) and (a in b or b in a)


_TAIL = re.compile(r"^(.*?\S)\s*(?:_|\||｜|--|—{1,2}|–|-|·)\s*([^_|｜\-–—]{2,40})$")
# A trailing segment that names a site even when the page never shows it as text (kept narrow:
# a headline may well end in 电网 or 数字政府).
_SITE_NAME = re.compile(r"(?:门户网站|门户网|网站|人民政府|频道|新闻网|政府网)$")
_OPENERS, _CLOSERS = "《（(【[“", "》）)】]”"


def _range_or_inside(head: str, tail: str) -> bool:
    """Say whether the separator before `tail` is part of the headline, not a site separator.

    A dash between digits is a range (2026—2028年行动方案); a separator inside brackets
    (《…方案（2026—2028年）》) belongs to the bracketed name.
    """
    if head[-1:].isdigit() and tail[:1].isdigit():
        return True
    return any(head.count(o) > head.count(c) for o, c in zip(_OPENERS, _CLOSERS, strict=True))


def split_site_suffix(page_title: str, page_text: str, site_names: list[str]) -> tuple[str, list[str]]:
    """Split `<title>` into (headline, site/section names) such as `标题--江苏频道--人民网`.

    A trailing segment counts as a site name when the page names it in its metadata, shows
    it in its visible text apart from the headline itself (header, footer, 主办单位), or it
    reads as a site name (…门户网站, …人民政府, …频道, …新闻网); otherwise only a strong separator
    (`_`, ` - `, `|`, `--`) cuts it off. A dash inside a year range or inside brackets never cuts.
    """
    head = page_title.strip()
    tails: list[str] = []
    names = [n for n in site_names if n]
    while True:
        match = _TAIL.match(head)
        if not match or len(match.group(1)) < 4 or _range_or_inside(match.group(1), match.group(2)):
            break
        tail = match.group(2).strip()
        # The headline is usually shown on the page: its own words do not prove a site name.
        elsewhere = page_text.replace(head, "\n")
        if tail in names or tail in elsewhere or _SITE_NAME.search(tail):
            head, tails = match.group(1).strip(), [tail, *tails]
            continue
        break
    if not tails:
        strong = re.split(r"\s*(?:_|\||｜|--| - )\s*", head)
        if len(strong) > 1 and len(strong[0].strip()) >= 4:
            head, tails = strong[0].strip(), [t.strip() for t in strong[1:] if t.strip()]
    return head, tails


def find_title(tree: Any, meta: dict[str, str], page_text: str) -> str:
    """Return the article title: ArticleTitle meta, a heading that the page title confirms, og:title, <title>."""
    if meta.get("articletitle"):
        return meta["articletitle"]
    page_title = clean_space(" ".join(_texts(tree, "//head/title")))
    og_title = meta.get("og:title", "") or meta.get("twitter:title", "")
    site_names = [meta.get("sitename", ""), meta.get("og:site_name", ""), meta.get("application-name", "")]
    for heading in _texts(tree, "//h1") + _texts(tree, "//h2"):
        if len(heading) >= 4 and any(_similar(heading, t) for t in (page_title, og_title) if t):
            return heading
    for candidate in (og_title, page_title):
        if candidate:
            return split_site_suffix(candidate, page_text, site_names)[0]
    headings = _texts(tree, "//h1")
    return headings[0] if headings else ""


def find_publisher(meta: dict[str, str], page_title: str, page_text: str) -> str:
    """Return the site's name: SiteName/og:site_name metas, else the `<title>`'s site suffix."""
    for key in ("sitename", "og:site_name", "application-name"):
        if meta.get(key):
            return meta[key]
    _head, tails = split_site_suffix(page_title, page_text, [])
    for tail in reversed(tails):
        if re.search(r"(?:网|网站|门户|政府|委员会|日报|报|社|频道)$", tail):
            return tail
    return tails[-1] if tails else ""


def find_origin(meta: dict[str, str], page_text: str) -> str:
    """Return the publisher a 来源：line names (the original of a reprint), else ''."""
    for match in _ORIGIN.finditer(page_text):
        name = match.group(1).strip("“”\"'《》()（）[]【】")
        if name and name not in _SELF_ORIGINS:
            return name
    for key in ("contentsource", "source"):
        source = re.sub(r"^(?:来源|文章来源)\s*[：:]\s*", "", meta.get(key, ""))
        if source and source not in _SELF_ORIGINS:
            return source
    return ""


def detect_language(text: str, declared: str | None) -> str:
    """Return an ISO 639-1 code from the script of the text, else the page's declared lang."""
    sample = text[:4000]
    letters = sum(ch.isalpha() for ch in sample) or 1
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in sample)
    kana = sum("\u3040" <= ch <= "\u30ff" for ch in sample)
    hangul = sum("\uac00" <= ch <= "\ud7af" for ch in sample)
    if kana / letters > 0.05:
        return "ja"
    if hangul / letters > 0.2:
        return "ko"
    if han / letters > 0.2:
        return "zh"
    if declared:
        return declared.split("-")[0].split("_")[0].lower()
    return "en" if sample.isascii() and letters > 20 else "und"


def parse_html(text: str) -> Any:
    """Parse HTML text into an lxml tree (tolerant of broken markup)."""
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    return lxml_html.document_fromstring(text or "<html></html>")


_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title"})
_BLOCK = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                    "section", "article", "header", "footer", "td", "dd", "dt", "blockquote", "pre"})


def visible_text(tree: Any) -> str:
    """Return the text a reader sees, one line per block: no scripts, styles or comments."""
    parts: list[str] = []
    skipping = 0
    for event, node in etree.iterwalk(tree, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in _SKIP or not tag:
                skipping += 1
            elif not skipping and node.text:
                parts.append(node.text)
            continue
        if tag in _SKIP or not tag:
            skipping -= 1
        elif not skipping and tag in _BLOCK:
            parts.append("\n")
        if not skipping and node.tail:
            parts.append(node.tail)
    lines = (clean_space(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
