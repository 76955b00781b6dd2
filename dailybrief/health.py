"""`dailybrief sources`: check every source now, beside what the archive remembers of it."""

from __future__ import annotations

import asyncio

from dailybrief.config import Config
from dailybrief.downloads import Fetcher
from dailybrief.models import Source
from dailybrief.plugins import source_types
from dailybrief.report import table
from dailybrief.sources import Listing
from dailybrief.store import Archive


async def _check(source: Source, fetcher: Fetcher, max_items: int) -> Listing:
    """List one source, turning a plugin crash into an error."""
    lister = source_types().get(source.type)
    if lister is None:
        return Listing(error=f"unknown source type {source.type!r}")
    try:
        return await lister(source, fetcher, max_items)
    except Exception as exc:  # noqa: BLE001 - report, do not crash the check
        return Listing(error=f"listing failed: {type(exc).__name__}: {exc}")


def status_of(listing: Listing) -> str:
    """Return broken (cannot be read), silent (no items) or ok."""
    if listing.error:
        return "broken"
    return "ok" if listing.items else "silent"


async def check_sources(config: Config, archive: Archive | None) -> tuple[str, int]:
    """Check every source; return the rendered table and how many are broken or silent."""
    sources = config.sources()
    async with Fetcher(config.collect) as fetcher:
        listings = await asyncio.gather(*(_check(s, fetcher, config.collect.max_items) for s in sources))
    rows = []
    bad = 0
    for source, listing in zip(sources, listings, strict=True):
        status = status_of(listing)
        bad += status != "ok"
        last = archive.last_success(source.name) if archive else None
        why = listing.error or "; ".join(listing.problems)
        rows.append([source.name, source.type, source.level, status, str(len(listing.items)),
                     (last or "never")[:16].replace("T", " ") if archive else "-", why])
    return table(["source", "type", "level", "status", "items", "last success", "why"], rows, 70), bad
