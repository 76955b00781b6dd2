"""Turn one fetched page into an Article: body, title, date, publisher, origin, language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import trafilatura

from dailybrief.dates import find_published, parse_date_text
from dailybrief.encoding import decode_html
from dailybrief.metadata import (
    clean_space,
    detect_language,
    find_origin,
    find_publisher,
    find_title,
    meta_tags,
    parse_html,
    visible_text,
)
from dailybrief.models import Article, content_id

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml", ""})
TEXT_TYPES = frozenset({"text/plain"})
# Short lines that trafilatura keeps although they are page furniture, not content.
_BOILERPLATE_LINE = re.compile(
    r"^[\[【（(]?\s*(?:责任编辑|责编|编辑|校对|审核|审校|终审|值班编辑|监制|主编|编审|来源|文章来源|信息来源|"
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


def _main_text(tree: Any, url: str) -> str:
    """Run trafilatura on the tree; retry favouring recall when precision finds nothing."""
    text = trafilatura.extract(tree, url=url, include_comments=False, include_tables=True,
                               deduplicate=False, with_metadata=False)
    if not text or len(text) < 50:
        text = trafilatura.extract(tree, url=url, include_comments=False, favor_recall=True) or text
    return text or ""


def extract_html(text: str, url: str, source_name: str = "", today: date | None = None) -> Article:
    """Extract an Article from decoded HTML."""
    tree = parse_html(text)
    meta = meta_tags(tree)
    page_text = visible_text(tree)
    title = find_title(tree, meta, page_text)
    page_title = clean_space(" ".join(t.text_content() for t in tree.xpath("//head/title")))
    declared_lang = tree.get("lang") or meta.get("content-language") or meta.get("og:locale")
    # htmldate and trafilatura clean the tree they are given: parse a fresh copy for each.
    body = _main_text(parse_html(text), url)
    paragraphs = clean_body(body, title)
    lang = detect_language(title + "".join(paragraphs[:5]), declared_lang)
    published = find_published(parse_html(text), url or None, meta, page_text, paragraphs, title=title,
                               chinese=lang == "zh", today=today)
    publisher = find_publisher(meta, page_title, page_text) or source_name
    return _article(url, source_name, title, published, publisher=publisher, origin=find_origin(meta, page_text),
                    paragraphs=paragraphs, lang=lang)


def extract_plain_text(text: str, url: str, source_name: str = "", today: date | None = None) -> Article:
    """Extract an Article from a plain-text file: first line is the title, dates from labels."""
    lines = [clean_space(line) for line in text.splitlines() if line.strip()]
    title = lines[0] if lines else ""
    rest = lines[1:]
    published = find_published(None, url, {}, "\n".join(rest[:6]), rest, today=today) if rest else None
    origin = find_origin({}, "\n".join(rest[:6]))
    paragraphs = clean_body("\n".join(rest), title)
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
    article = extract_html(text, page.url, source_name, today)
    if not article.text and not article.title:
        raise NotExtractable("no title and no text found")
    return article


__all__ = ["NotExtractable", "Page", "extract_article", "parse_date_text"]
