"""Read RSS 0.9x/1.0/2.0 and Atom feeds into FeedItems (pure: bytes in, items out)."""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass, field
from typing import Any

import feedparser

from dailybrief.collect.urls import resolve_link
from dailybrief.extract.dates import parse_date_text
from dailybrief.models import FeedItem


class FeedError(ValueError):
    """The bytes are not a feed we can read."""


@dataclass
class FeedResult:
    """The items of a feed plus one line per item we had to skip."""

    items: list[FeedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def entry_date(raw: str | None) -> dt.date | None:
    """Return the calendar date an item's date string states, in the string's own time zone.

    feedparser's *_parsed fields are converted to UTC, which moves a Chinese evening item
    (17:30+08:00) to the previous day; the written date is what the publisher meant.
    """
    if not raw:
        return None
    raw = raw.strip()
    try:
        return email.utils.parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        return parse_date_text(raw)


def parse_feed(body: bytes, url: str, source: str = "") -> FeedResult:
    """Parse a feed; raise FeedError when nothing in it is readable as a feed."""
    if not body.strip():
        raise FeedError("empty feed")
    # Pass an XML content type: without one feedparser flags every feed as malformed.
    parsed: Any = feedparser.parse(body, response_headers={"content-location": url,
                                                           "content-type": "application/xml"})
    entries = parsed.get("entries") or []
    if not entries:
        if not parsed.get("version"):  # e.g. an HTML page, well-formed or not, where a feed used to be
            raise FeedError("not an RSS or Atom feed")
        if parsed.get("bozo"):
            reason = str(parsed.get("bozo_exception") or "unreadable")
            raise FeedError(f"malformed feed XML: {reason[:120]}")
    result = FeedResult()
    if parsed.get("bozo") and entries and not isinstance(
            parsed.get("bozo_exception"), feedparser.CharacterEncodingOverride):
        result.problems.append(f"feed XML is malformed; read {len(entries)} items anyway")
    for number, entry in enumerate(entries, 1):
        title = str(entry.get("title") or "").strip()
        link = entry.get("link") or next((lk.get("href") for lk in entry.get("links", []) if lk.get("href")), None)
        if not link and str(entry.get("id", "")).startswith("http"):
            link = entry["id"]
        resolved = resolve_link(url, str(link)) if link else None
        if not resolved:
            result.problems.append(f"item {number} ({title[:30] or 'untitled'}) has no link: skipped")
            continue
        published = entry_date(entry.get("published") or entry.get("issued") or entry.get("created")
                               or entry.get("dc_date") or entry.get("updated"))
        result.items.append(FeedItem(url=resolved, title=title, published=published, source=source))
    return result
