"""The collect → extract → store runner: the only place this stage does I/O.

Sources are listed concurrently; every item is fetched once per run (the same URL in
three feeds is fetched once), extracted, and stored with its raw fetch in one
transaction; plugins hear of what was stored (`dailybrief_articles_stored`: the editor app
indexes it for search). A failing source or page becomes a line in its SourceHealth row, and so
does a refused one: a source fetches through a Fetcher bound to it (see `reach`), and only
a `dir` source's items may be local files.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from dailybrief.collect.downloads import Fetcher, Validators
from dailybrief.collect.reach import Network, Reach
from dailybrief.collect.sources import Listing, file_path, read_file_url
from dailybrief.collect.urls import canonical_url
from dailybrief.config import Config
from dailybrief.extract.article import NotExtractable, Page, extract_article
from dailybrief.models import FeedItem, Fetch, Source, SourceHealth, content_id
from dailybrief.plugins.manager import plugin_manager, source_types
from dailybrief.store.archive import Archive, body_hash

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class IngestReport:
    """What an ingest run did: one health row per source."""

    run_id: int
    health: list[SourceHealth]
    undated: list[str] = field(default_factory=list)

    @property
    def new(self) -> int:
        """Return how many articles this run added."""
        return sum(h.new for h in self.health)


@dataclass(frozen=True)
class ItemResult:
    """The fate of one item: new, updated, unchanged, failed (with why)."""

    outcome: str
    why: str = ""
    undated: bool = False


class Ingestor:
    """Collect every source of a config into an archive."""

    def __init__(self, config: Config, archive: Archive, progress: Progress | None = None,
                 network: Network | None = None) -> None:
        self.config = config
        self.archive = archive
        self.progress = progress or (lambda _line: None)
        # A progress object with a tick(done, total) method also gets page counts (the CLI's bar).
        self._tick = getattr(progress, "tick", None)
        self._listed = 0
        self._handled = 0
        self.network = network
        self._inflight: dict[tuple[str, Reach], asyncio.Task[ItemResult]] = {}
        self.issue_date: dt.date | None = None
        self._stored: set[str] = set()  # URLs of the articles this run added or changed

    async def run(self, issue_date: dt.date | None) -> IngestReport:
        """Ingest every enabled source; return the per-source health."""
        self.issue_date = issue_date
        run_id = self.archive.start_run("ingest", issue_date, str(self.config.path or ""))
        async with Fetcher(self.config.collect, self.network) as fetcher:
            sources = self.config.sources()
            health = await asyncio.gather(*(self._ingest_source(s, fetcher) for s in sources))
        self.archive.finish_run(run_id, list(health))
        if self._stored:
            plugin_manager().hook.dailybrief_articles_stored(archive=self.archive, urls=sorted(self._stored))
        undated = [why for h in health for why in h.errors if why.endswith("no publication date found")]
        return IngestReport(run_id=run_id, health=list(health), undated=undated)

    async def _ingest_source(self, source: Source, fetcher: Fetcher) -> SourceHealth:
        """List one source and ingest its items."""
        health = SourceHealth(source=source.name, type=source.type)
        lister = source_types().get(source.type)
        if lister is None:
            health.errors.append(f"unknown source type {source.type!r}")
            return health
        fetcher = await fetcher.for_source(source.url)
        try:
            listing = await lister(source, fetcher, self.config.collect.max_items)
        except Exception as exc:  # noqa: BLE001 - a plugin's bug must not stop the other sources
            listing = Listing(error=f"listing failed: {type(exc).__name__}: {exc}")
        if listing.error:
            health.errors.append(listing.error)
            logger.warning("source %s: %s", source.name, listing.error)
            self.progress(f"{source.name}: {listing.error}")
            return health
        health.errors.extend(listing.problems)
        health.seen = len(listing.items)
        self._listed += len(listing.items)
        results = await asyncio.gather(*(self._item(source, item, fetcher) for item in listing.items))
        for item, result in zip(listing.items, results, strict=True):
            if result.outcome in {"new", "updated"}:
                health.new += 1
            elif result.outcome == "failed":
                health.failed += 1
            else:
                health.unchanged += 1
            if result.why:
                health.errors.append(f"{item.url}: {result.why}")
            logger.debug("source %s: %s: %s%s", source.name, item.url, result.outcome,
                         f" ({result.why})" if result.why else "")
        self.progress(f"{source.name}: {health.seen} items, {health.new} new, {health.unchanged} unchanged, "
                      f"{health.failed} failed")
        return health

    async def _item(self, source: Source, item: FeedItem, fetcher: Fetcher) -> ItemResult:
        """Ingest one item, once per run however many sources list it, and count it for the page bar."""
        result = await self._item_once(source, item, fetcher)
        self._handled += 1
        if self._tick is not None:
            self._tick(self._handled, self._listed)
        return result

    async def _item_once(self, source: Source, item: FeedItem, fetcher: Fetcher) -> ItemResult:
        """Share one fetch among every source that lists the same page."""
        key = (canonical_url(item.url), fetcher.reach)
        task = self._inflight.get(key)
        if task is not None:
            first = await asyncio.shield(task)
            return ItemResult("unchanged" if first.outcome != "failed" else "failed",
                              first.why if first.outcome == "failed" else "")
        task = asyncio.ensure_future(self._ingest_item(source, item, fetcher))
        self._inflight[key] = task
        return await task

    async def _ingest_item(self, source: Source, item: FeedItem, fetcher: Fetcher) -> ItemResult:
        """Fetch, extract and store one page."""
        stored = self.archive.validators(item.url)
        if urlsplit(item.url).scheme == "file":
            if source.type != "dir":
                return ItemResult("failed", "refused: a local file; only a dir source reads files")
            fetched = read_file_url(item.url, file_path(source.url), self.config.collect.max_bytes)
        else:
            conditional = Validators(stored.etag, stored.last_modified) if stored else None
            fetched = await fetcher.fetch(item.url, conditional)
        if fetched.error:
            return ItemResult("failed", fetched.error)
        if fetched.not_modified or (stored and stored.body_sha == body_hash(fetched.body)):
            if self.archive.has_article(item.url):
                return ItemResult("unchanged")
            reason = self.archive.unextracted_reason(item.url)
            if reason:
                return ItemResult("failed", f"not extracted: {reason}")
            if fetched.not_modified:
                # Validators without a stored page cannot happen after a clean run; refetch in full.
                fetched = await fetcher.fetch(item.url)
                if fetched.error:
                    return ItemResult("failed", fetched.error)
        return await self._extract_and_store(source, item, fetched)

    async def _extract_and_store(self, source: Source, item: FeedItem, fetched: Fetch) -> ItemResult:
        """Extract an article from a fetch and store both."""
        page = Page(fetched.body, fetched.final_url, fetched.headers.get("content-type", ""),
                    source.options.get("encoding"), item.published)
        try:
            article = await asyncio.to_thread(extract_article, page, source.name, self.issue_date)
        except NotExtractable as exc:
            self.archive.save_unextracted(fetched, str(exc))
            return ItemResult("failed", f"not extracted: {exc}")
        except Exception as exc:  # noqa: BLE001 - one malformed page must not stop the run
            self.archive.save_unextracted(fetched, f"extraction failed: {type(exc).__name__}")
            return ItemResult("failed", f"extraction failed: {type(exc).__name__}: {exc}"[:200])
        article = dataclasses.replace(article, id=content_id(item.url, article.title, article.text),
                                      url=item.url, publisher=source.name,
                                      published=article.published or item.published)
        outcome = self.archive.save_article(fetched, article, item.published)
        if outcome != "unchanged":
            self._stored.add(article.url)
        why = "" if article.published else "no publication date found"
        return ItemResult(outcome, why, undated=article.published is None)


def ingest(config: Config, archive: Archive, issue_date: dt.date | None, progress: Progress | None = None,
           network: Network | None = None) -> IngestReport:
    """Run an ingest to completion (synchronous entry point)."""
    return asyncio.run(Ingestor(config, archive, progress, network).run(issue_date))
