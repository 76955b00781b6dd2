"""Find article links on a list page (most Chinese government sites publish no feed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from cssselect import GenericTranslator

from dailybrief.collect.urls import canonical_url, resolve_link
from dailybrief.extract.dates import parse_date_text
from dailybrief.extract.metadata import clean_space, parse_html
from dailybrief.models import FeedItem


@dataclass(frozen=True)
class ListPage:
    """The article links on one list page and the next page's URL, if any."""

    items: list[FeedItem]
    next_url: str | None


def _xpath(selector: str) -> str:
    """Translate a CSS selector to XPath."""
    return str(GenericTranslator().css_to_xpath(selector))


_ROWS = frozenset({"li", "tr", "dd", "dt", "p"})


def row_date(anchor: Any) -> date | None:
    """Return the full date a list shows beside a link (2026-11-19 in the link's row, outside the link), if any.

    A list page's date is evidence for the year of a page that states only 11月28日.
    """
    row = anchor.getparent()
    while row is not None and row.tag not in _ROWS:
        row = row.getparent()
    if row is None:
        return None
    beside = clean_space(row.text_content()).replace(clean_space(anchor.text_content()), " ")
    return parse_date_text(beside)


def parse_list_page(html: str, url: str, *, selector: str | None, link_pattern: str | None,
                    next_selector: str | None = None, source: str = "") -> ListPage:
    """Return article links chosen by a CSS selector and/or a URL regex, in page order, once each."""
    tree = parse_html(html)
    tree.make_links_absolute(url, resolve_base_href=True, handle_failures="ignore")
    if selector:
        nodes = tree.xpath(_xpath(selector))
        anchors: list[Any] = []
        for node in nodes:
            anchors.extend([node] if node.tag == "a" else node.xpath(".//a[@href]"))
    else:
        anchors = tree.xpath("//a[@href]")
    pattern = re.compile(link_pattern) if link_pattern else None
    seen: set[str] = set()
    items = []
    for anchor in anchors:
        link = resolve_link(url, anchor.get("href", ""))
        if not link or (pattern and not pattern.search(link)):
            continue
        key = canonical_url(link)
        if key in seen or key == canonical_url(url):
            continue
        seen.add(key)
        items.append(FeedItem(url=link, title=clean_space(anchor.text_content()) or anchor.get("title", ""),
                              published=row_date(anchor), source=source))
    next_url = None
    if next_selector:
        for node in tree.xpath(_xpath(next_selector)):
            candidate = resolve_link(url, node.get("href", ""))
            if candidate and canonical_url(candidate) != canonical_url(url):
                next_url = candidate
                break
    return ListPage(items=items, next_url=next_url)
