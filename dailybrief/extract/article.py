"""Turn one fetched page into an Article: body, title, date, publisher, origin, language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import trafilatura

from dailybrief.extract.dates import find_published, parse_date_text
from dailybrief.extract.encoding import decode_html
from dailybrief.extract.metadata import (
    clean_space,
    detect_language,
    find_origin,
    find_publisher,
    find_title,
    meta_tags,
    parse_html,
    visible_text,
)
from dailybrief.extract.wechat import (
    is_wechat_article,
    show_hidden_body,
    wechat_account,
    wechat_date,
    wechat_title,
)
from dailybrief.models import Article, content_id

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml", ""})
TEXT_TYPES = frozenset({"text/plain"})
# Short lines that trafilatura keeps although they are page furniture, not content.
_BOILERPLATE_LINE = re.compile(
    r"^[\[【（(]?\s*(?:责任编辑|责编|编辑|校对|审核|审校|终审|值班编辑|监制|主编|编审|来源|文章来源|信息来源|稿件来源|新闻来源|"
    r"发布时间|发布日期|作者|字号|打印本页|打印|关闭窗口|关闭|分享到|扫一扫|【纠错】|纠错)"
    r"\s*[：:]?.{0,40}$"
)
_SHARE_LINE = re.compile(r"^(?:分享|分享到|打印|收藏|关闭|返回顶部|【打印】|【关闭】|字号\s*[大中小\s]*)+$")


class NotExtractable(ValueError):
    """The content is stored but holds no article we can extract (a PDF, an image, an empty page)."""


@dataclass(frozen=True)
class Page:
    """What `extract` reads: bytes or text, with what the server said about them."""

    body: bytes
    url: str
    content_type: str = ""
    encoding: str | None = None
    known_date: date | None = None  # what a feed said of the item, used only when the page states no date


def media_type(content_type: str, url: str) -> str:
    """Return the media type from the header, else guessed from the URL's file suffix."""
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if kind:
        return kind
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return {".txt": "text/plain", ".pdf": "application/pdf", ".htm": "text/html", ".html": "text/html",
            ".shtml": "text/html", ".xml": "application/xml"}.get(suffix, "")


def clean_body(text: str, title: str) -> list[str]:
    """Split extracted text into paragraphs, dropping the repeated title and furniture lines."""
    flat_title = title.replace(" ", "")
    paragraphs: list[str] = []
    for raw in text.split("\n"):
        line = clean_space(raw)
        if not line or _SHARE_LINE.match(line):
            continue
        if len(line) <= 60 and _BOILERPLATE_LINE.match(line):
            continue
        if not paragraphs and flat_title and line.replace(" ", "") == flat_title:
            continue
        paragraphs.append(line)
    return paragraphs


_DATE_OR_TIME = re.compile(
    r"(?:(?:19|20)\d{2}\s*(?:年\s*|[-/.])\d{1,2}\s*(?:月\s*|[-/.])\d{1,2}\s*日?"
    r"|\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?|\d{1,2}\s*[时時]\s*\d{1,2}\s*分"
    r"|星期[一二三四五六日天]|周[一二三四五六日])"
)
_META_LABEL = re.compile(r"(?:来源|作者|编辑|责编|记者|摄影|通讯员|字号|浏览|点击|阅读|访问)(?:次数|量|数)?\s*[：:]")
_BREADCRUMB = re.compile(r"^(?:(?:当前位置|您当前的位置|您的位置|您现在的位置|所在位置|位置)\s*[：:]?\s*)?"
                         r"(?:首页|网站首页|主页)\s*[>»＞›/]")


def _leading_furniture(line: str, flat_title: str) -> bool:
    """Say whether a line before the article's first paragraph is page furniture.

    The headline shown again, a breadcrumb (首页 > …), or a date line: a date or time that
    stands alone or sits among 来源：/作者：/编辑：labels (a meta bar trafilatura kept).
    """
    if len(line) > 80:
        return False
    if flat_title and line.replace(" ", "") == flat_title:
        return True
    if _BREADCRUMB.match(line):
        return True
    if not _DATE_OR_TIME.search(line):
        return False
    rest = _DATE_OR_TIME.sub("", line)
    return not re.search(r"[^\W\d_]", rest) or bool(_META_LABEL.search(rest))


def strip_leading_furniture(paragraphs: list[str], title: str) -> list[str]:
    """Drop headline, breadcrumb and date lines that come before the body's first real paragraph."""
    flat_title = title.replace(" ", "")
    start = 0
    while start < len(paragraphs) and start < 6 and _leading_furniture(paragraphs[start], flat_title):
        start += 1
    if start == len(paragraphs):
        return paragraphs
    # The headline may also follow a kicker (引题) line: drop that repeat too.
    rest = paragraphs[start:]
    head = [i for i, line in enumerate(rest[:3]) if flat_title and line.replace(" ", "") == flat_title]
    return [line for i, line in enumerate(rest) if i not in head]


# Headings of blocks that are never article content (related lists, comments, rankings).
_FURNITURE_HEADINGS = frozenset({
    "相关新闻", "相关阅读", "相关链接", "相关文章", "相关报道", "相关稿件", "相关推荐", "相关资讯", "相关解读",
    "推荐阅读", "热点推荐", "热门推荐", "精彩推荐", "为你推荐", "为您推荐", "猜你喜欢", "今日推荐",
    "热点新闻", "热门新闻", "热门文章", "热点排行", "点击排行", "阅读排行", "排行榜", "热榜",
    "更多新闻", "更多阅读", "更多精彩", "更多精彩内容", "更多资讯",
    "网友评论", "网友跟帖", "发表评论", "我要评论", "热门评论", "最新评论", "评论", "跟帖",
    "图片新闻", "视频新闻", "专题专栏", "友情链接",
})
_HEADING_TRIM = re.compile(r"[\s:：>»›]+|更多$|MORE$", re.IGNORECASE)
_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "dl", "dd", "dt", "table", "tr", "td", "th", "section",
                     "article", "aside", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})
_PARAGRAPH_CHARS = 80
_LAYOUT_CELL_CHARS = 200


def _has_paragraph(node: Any, skip: Any = None) -> bool:
    """Say whether a block holds a paragraph of running text (a leaf block of 80+ characters)."""
    for inner in node.iter(*_BLOCKS):
        if inner is skip or any(child.tag in _BLOCKS for child in inner):
            continue
        if len(clean_space(inner.text_content())) >= _PARAGRAPH_CHARS:
            return True
    return False


def _unwrap_layout_tables(tree: Any) -> None:
    """Turn layout tables into divs so the body is found inside them.

    Old CMS pages lay the whole page out in a table; trafilatura then returns the table
    as one, navigation included. A table is layout when it nests a table, has a single
    column, or a cell holds several paragraphs of long text; data tables (名单, 统计表) keep
    their structure.
    """
    for table in list(tree.iter("table")):
        rows = table.xpath("./tr|./tbody/tr|./thead/tr|./tfoot/tr")
        cells = [cell for row in rows for cell in row.xpath("./td|./th")]
        layout = (bool(table.xpath(".//table"))
                  or all(len(row.xpath("./td|./th")) <= 1 for row in rows)
                  or any(len([c for c in cell if c.tag in _BLOCKS]) >= 2
                         and len(clean_space(cell.text_content())) >= _LAYOUT_CELL_CHARS for cell in cells))
        if layout:
            for node in [table, *table.xpath("./thead|./tbody|./tfoot"), *rows, *cells]:
                node.tag = "div"


def _drop_furniture_blocks(tree: Any) -> None:
    """Remove related-news lists, rankings and comment blocks that carry a furniture heading.

    The heading's block goes when it holds no paragraph of running text and no headline;
    when the heading sits inside the article's own container, only the heading and the
    short lines after it go. Tails are kept (`drop_tree`), so no neighbouring text is lost.
    """
    root = tree.getroottree().getroot()
    for node in list(tree.iter()):
        if not isinstance(node.tag, str) or node.tag in {"html", "body", "head", "title", "script", "style"}:
            continue
        if len(node) > 3:  # a heading has at most a few inline children
            continue
        parent = node.getparent()
        if parent is None or parent.tag in {"html", "body"}:
            continue
        text = node.text_content()
        if len(text) > 24 or _HEADING_TRIM.sub("", text) not in _FURNITURE_HEADINGS:
            continue
        if not any(ancestor is root for ancestor in node.iterancestors()):
            continue  # inside a block already dropped
        if not parent.xpath(".//h1") and not _has_paragraph(parent, skip=node):
            parent.drop_tree()
            continue
        following = list(node.itersiblings())
        if all(len(clean_space(s.text_content())) <= 60 for s in following):
            for sibling in [node, *following]:
                sibling.drop_tree()


def _main_text(tree: Any, url: str) -> str:
    """Run trafilatura on the tree; retry favouring recall when precision finds nothing."""
    text = trafilatura.extract(tree, url=url, include_comments=False, include_tables=True,
                               deduplicate=False, with_metadata=False)
    if not text or len(text) < 50:
        text = trafilatura.extract(tree, url=url, include_comments=False, favor_recall=True) or text
    return text or ""


def extract_html(text: str, url: str, source_name: str = "", today: date | None = None,
                 known: date | None = None) -> Article:
    """Extract an Article from decoded HTML."""
    tree = parse_html(text)
    meta = meta_tags(tree)
    page_text = visible_text(tree)
    wechat = is_wechat_article(text, url)
    title = (wechat_title(tree, text) if wechat else "") or find_title(tree, meta, page_text)
    page_title = clean_space(" ".join(t.text_content() for t in tree.xpath("//head/title")))
    declared_lang = tree.get("lang") or meta.get("content-language") or meta.get("og:locale")
    # htmldate and trafilatura clean the tree they are given: parse a fresh copy for each.
    body_tree = parse_html(text)
    if wechat:
        show_hidden_body(body_tree)
    _unwrap_layout_tables(body_tree)
    _drop_furniture_blocks(body_tree)
    body = _main_text(body_tree, url)
    dated_lines = clean_body(body, title)
    paragraphs = strip_leading_furniture(dated_lines, title)
    lang = detect_language(title + "".join(paragraphs[:5]), declared_lang)
    published = (wechat_date(text, today) if wechat else None) or find_published(
        text, url or None, meta, page_text, dated_lines, title=title, chinese=lang == "zh", today=today, known=known)
    publisher = (wechat_account(tree, text) if wechat else "") or find_publisher(meta, page_title, page_text) \
        or source_name
    return _article(url, source_name, title, published, publisher=publisher, origin=find_origin(meta, page_text),
                    paragraphs=paragraphs, lang=lang)


def extract_plain_text(text: str, url: str, source_name: str = "", today: date | None = None) -> Article:
    """Extract an Article from a plain-text file: first line is the title, dates from labels."""
    lines = [clean_space(line) for line in text.splitlines() if line.strip()]
    title = lines[0] if lines else ""
    rest = lines[1:]
    published = find_published(None, url, {}, "\n".join(rest[:6]), rest, today=today) if rest else None
    origin = find_origin({}, "\n".join(rest[:6]))
    paragraphs = strip_leading_furniture(clean_body("\n".join(rest), title), title)
    return _article(url, source_name, title, published, publisher=source_name, origin=origin,
                    paragraphs=paragraphs, lang=detect_language(title + "".join(paragraphs[:5]), None))


def _article(url: str, source: str, title: str, published: date | None, *, publisher: str, origin: str,
             paragraphs: list[str], lang: str) -> Article:
    """Assemble an Article with its content-hash id."""
    body = "\n".join(paragraphs)
    return Article(id=content_id(url, title, body), url=url, source=source, title=title,
                   published=published, publisher=publisher, origin=origin, text=body,
                   paragraphs=tuple(paragraphs), lang=lang)


def extract_article(page: Page, source_name: str = "", today: date | None = None) -> Article:
    """Extract an Article from fetched bytes; raise NotExtractable for content that holds none.

    `today` dates a bare 6月15日 when the page gives no year (default: the system date).
    """
    kind = media_type(page.content_type, page.url)
    if not page.body.strip():
        raise NotExtractable("empty body")
    if kind not in HTML_TYPES and kind not in TEXT_TYPES and not kind.startswith("text/"):
        raise NotExtractable(f"{kind} is not a web page: stored, not extracted")
    text, _codec = decode_html(page.body, page.content_type or None, page.encoding)
    if kind in TEXT_TYPES and not re.search(r"<(?:html|body|p|div)\b", text[:2000], re.IGNORECASE):
        return extract_plain_text(text, page.url, source_name, today)
    article = extract_html(text, page.url, source_name, today, page.known_date)
    if not article.text and not article.title:
        raise NotExtractable("no title and no text found")
    return article


__all__ = ["NotExtractable", "Page", "extract_article", "parse_date_text"]
