"""`dailybrief sources`: check every source now, beside what the archive remembers of it."""

from __future__ import annotations

import asyncio
import datetime as dt

from dailybrief.collect.downloads import Fetcher
from dailybrief.collect.reach import Network
from dailybrief.collect.report import table
from dailybrief.collect.sources import Listing
from dailybrief.config import Config
from dailybrief.models import Source
from dailybrief.plugins.manager import source_types
from dailybrief.store.archive import Archive


async def _check(source: Source, fetcher: Fetcher, max_items: int) -> Listing:
    """List one source, turning a plugin crash into an error."""
    lister = source_types().get(source.type)
    if lister is None:
        return Listing(error=f"unknown source type {source.type!r}")
    try:
        return await lister(source, await fetcher.for_source(source.url), max_items)
    except Exception as exc:  # noqa: BLE001 - report, do not crash the check
        return Listing(error=f"listing failed: {type(exc).__name__}: {exc}")


STALE_AFTER_DAYS = 14


def status_of(listing: Listing, newest: dt.date | None, today: dt.date) -> str:
    """Return broken (cannot be read), silent (no items), stale (nothing new for weeks) or ok."""
    if listing.error:
        return "broken"
    if not listing.items:
        return "silent"
    if newest and (today - newest).days > STALE_AFTER_DAYS:
        return "stale"
    return "ok"


async def check_sources(config: Config, archive: Archive | None, today: dt.date | None = None,
                        network: Network | None = None) -> tuple[str, int]:
    """Check every source; return the rendered table and how many are broken, silent or stale."""
    today = today or config.brief.date or dt.date.today()
    sources = config.sources()
    async with Fetcher(config.collect, network) as fetcher:
        listings = await asyncio.gather(*(_check(s, fetcher, config.collect.max_items) for s in sources))
    rows = []
    bad = 0
    for source, listing in zip(sources, listings, strict=True):
        newest = archive.newest_article(source.name) if archive else None
        status = status_of(listing, newest, today)
        bad += status != "ok"
        last = archive.last_success(source.name) if archive else None
        why = listing.error or "; ".join(listing.problems)
        if status == "stale":
            why = why or f"newest archived article is from {newest}"
        rows.append([source.name, source.type, source.level, status, str(len(listing.items)),
                     (last or "never")[:16].replace("T", " ") if archive else "-",
                     newest.isoformat() if newest else "-", why])
    headers = ["source", "type", "level", "status", "items", "last success", "newest article", "why"]
    return table(headers, rows, 70), bad
