"""Delivery from the editor app: the publish button runs the brief's configured channels; /feed.xml lists briefs.

The channels come from the config file the brief's run used (as it is now), else from the
copy of that config the run recorded. Delivery runs after the response is sent (it may
take a while: retries with backoff); the brief page shows the deliveries table as it fills.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from dailybrief.config import Config, ConfigError, load_config, parse_config
from dailybrief.publish.atom import FeedEntry, atom_feed, entry_of
from dailybrief.publish.package import NoBriefError, load_package
from dailybrief.publish.runner import PublishConfigError, build_channels, deliver
from dailybrief.store.archive import Archive
from dailybrief.store.schema import now
from dailybrief.web.store import BriefRow, WebStore

logger = logging.getLogger(__name__)
FEED_ENTRIES = 30


def brief_config(row: BriefRow) -> Config | None:
    """Return the config of a brief's run: its file when it still exists, else the recorded copy."""
    try:
        if row.config_path and Path(row.config_path).is_file():
            return load_config(row.config_path)
        return parse_config(json.loads(row.config)) if row.config else None
    except (ConfigError, ValueError) as exc:
        logger.warning("brief %s: cannot read its config: %s", row.id, exc)
        return None


def channel_count(row: BriefRow) -> int:
    """Return how many enabled channels the brief's config has."""
    config = brief_config(row)
    return sum(1 for c in config.publish if c.enabled) if config else 0


def deliver_brief(db: Path, row: BriefRow) -> None:
    """Deliver an approved brief's files to its channels (run in the background; outcomes go to the archive)."""
    config = brief_config(row)
    if config is None or not config.publish or not row.out_dir:
        return
    try:
        package = load_package(row.out_dir)
        channels = build_channels(config)
    except (NoBriefError, PublishConfigError) as exc:
        logger.error("brief %s: not delivered: %s", row.id, exc)
        return
    with Archive(db) as archive:
        report = deliver(config, archive, package, channels)
    logger.info("brief %s delivered: %s", row.id, ", ".join(f"{r.name} {r.status}" for r in report.results))


def feed_xml(store: WebStore, app_url: str) -> bytes:
    """Return the Atom feed of the last delivered briefs (links to the app's own pages where none was recorded)."""
    entries: list[FeedEntry] = []
    for delivery in store.archive.published_briefs(FEED_ENTRIES):
        entry = entry_of(delivery)
        if not entry.links:
            row = store.find_brief(delivery.issue_date, delivery.title)
            if row:
                entry = FeedEntry(entry.issue_date, entry.title, entry.summary, entry.updated,
                                  {"html": f"{app_url}briefs/{row.id}"})
        entries.append(entry)
    title = entries[0].title if entries else "dailybrief"
    return atom_feed(entries, title=title, feed_id=f"{app_url}feed.xml", self_url=f"{app_url}feed.xml",
                     updated=entries[0].updated if entries else now())
