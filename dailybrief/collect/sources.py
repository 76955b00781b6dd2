"""Built-in source types: `feed` (RSS/Atom), `page` (list page + selector), `dir` (local folder).

A lister turns a configured Source into the items (article URLs) it currently offers. A
source that cannot be read at all sets `error`; problems with single items are listed
in `problems` and the rest of the source is still used. Only a `dir` source reads local
files, and only inside its folder: a symlink that leads out of it is refused.
"""

from __future__ import annotations

import mimetypes
import os
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dailybrief.collect.downloads import Fetcher
from dailybrief.collect.feeds import FeedError, parse_feed
from dailybrief.collect.listpages import parse_list_page
from dailybrief.extract.encoding import decode_html
from dailybrief.models import FeedItem, Fetch, Source
from dailybrief.plugins.hookspecs import Lister, hookimpl

DIR_SUFFIXES = frozenset({".html", ".htm", ".txt"})


@dataclass
class Listing:
    """The items a source offers now, or why it offers none."""

    items: list[FeedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str | None = None


async def list_feed(source: Source, fetcher: Fetcher, max_items: int) -> Listing:
    """List the items of an RSS or Atom feed."""
    fetched = await fetcher.fetch(source.url)
    if fetched.error:
        return Listing(error=f"feed {fetched.error}")
    try:
        result = parse_feed(fetched.body, fetched.final_url, source.name)
    except FeedError as exc:
        return Listing(error=str(exc))
    problems = list(result.problems)
    if not result.items and not problems:
        problems.append("feed has no items")
    if len(result.items) > max_items:
        problems.append(f"feed lists {len(result.items)} items; took the first {max_items}")
    return Listing(items=result.items[:max_items], problems=problems)


async def list_page(source: Source, fetcher: Fetcher, max_items: int) -> Listing:
    """List article links on a list page and up to `max_pages` next pages."""
    listing = Listing()
    url: str | None = source.url
    visited: set[str] = set()
    max_pages = int(source.options.get("max_pages", 1))
    while url and len(visited) < max_pages and url not in visited:
        visited.add(url)
        fetched = await fetcher.fetch(url)
        if fetched.error:
            if len(visited) == 1:
                return Listing(error=f"list page {fetched.error}")
            listing.problems.append(f"next page {url}: {fetched.error}")
            break
        html, _codec = decode_html(fetched.body, fetched.headers.get("content-type"), source.options.get("encoding"))
        page = parse_list_page(html, fetched.final_url, selector=source.options.get("selector"),
                               link_pattern=source.options.get("link_pattern"),
                               next_selector=source.options.get("next_selector"), source=source.name)
        known = {i.url for i in listing.items}
        listing.items.extend(i for i in page.items if i.url not in known)
        url = page.next_url
    if not listing.items:
        what = source.options.get("selector") or source.options.get("link_pattern")
        listing.problems.append(f"no article links matched {what!r} on the list page")
    listing.items = listing.items[:max_items]
    return listing


def file_path(url: str) -> Path:
    """Return the local path of a file:// URL."""
    return Path(unquote(urlsplit(url).path))


def outside_folder(path: Path, folder: Path) -> str | None:
    """Return why a file is refused when it (symlinks resolved) lies outside a folder, None when inside."""
    if path.resolve().is_relative_to(folder.resolve()):
        return None
    try:
        shown = path.relative_to(folder)
    except ValueError:
        shown = Path(path.name)
    return f"refused: {shown} leads outside the folder"


async def list_dir(source: Source, fetcher: Fetcher, max_items: int) -> Listing:
    """List the .html/.htm/.txt files of a local folder (recursively, in name order), never outside it."""
    root = file_path(source.url)
    if not root.is_dir():
        return Listing(error=f"folder {root} does not exist" if not root.exists() else f"{root} is not a folder")
    listing = Listing()
    try:
        files = sorted(p for p in root.rglob("*") if p.suffix.lower() in DIR_SUFFIXES and p.is_file())
    except OSError as exc:
        return Listing(error=f"cannot list folder {root}: {exc.strerror}")
    inside = []
    for path in files:
        why = outside_folder(path, root)
        if why:
            listing.problems.append(why)
        else:
            inside.append(path)
    if not files:
        listing.problems.append(f"folder {root} holds no .html, .htm or .txt files")
    listing.items = [FeedItem(url=p.resolve().as_uri(), title=p.stem, source=source.name) for p in inside[:max_items]]
    return listing


def read_file_url(url: str, folder: Path, max_bytes: int | None = None) -> Fetch:
    """Read a file:// URL inside `folder` as a Fetch; a file outside it, unreadable or oversized gives `error`."""
    path = file_path(url)
    now = datetime.now(UTC)
    try:
        refused = outside_folder(path, folder)
        if refused:
            return Fetch(url, url, 0, {}, b"", now, error=refused)
        # O_NOFOLLOW: a file swapped for a symlink after the check is not followed; O_NONBLOCK: a FIFO cannot hang us.
        fd = os.open(path.resolve(), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return Fetch(url, url, 0, {}, b"", now, error=f"refused: {path.name} is not a regular file")
            body = handle.read(max_bytes + 1 if max_bytes is not None else -1)
        if max_bytes is not None and len(body) > max_bytes:
            size = max(info.st_size, len(body))
            return Fetch(url, url, 0, {}, b"", now,
                         error=f"{path.name} is too large ({size:,} bytes; the cap is {max_bytes:,})")
    except OSError as exc:
        return Fetch(url, url, 0, {}, b"", now, error=f"cannot read {path.name}: {exc.strerror}")
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Fetch(url, url, 200, {"content-type": kind}, body, now)


@hookimpl
def dailybrief_source_types() -> dict[str, Lister]:
    """Register the built-in source types."""
    return {"feed": list_feed, "page": list_page, "dir": list_dir}
