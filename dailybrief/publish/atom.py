"""Atom: a feed of the last published briefs (summary as content, links to the HTML and the PDF).

The entries are the briefs the archive records as delivered (newest first, at most
`entries`), with the brief being delivered now at the top; the editor app serves the same
feed at /feed.xml. Built with ElementTree, so every scraped string is escaped.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from dailybrief.config.delivery import AtomChannel
from dailybrief.publish.channel import Channel, Outgoing, Receipt, SendContext
from dailybrief.publish.files import write_atomic
from dailybrief.publish.package import folder_links

if TYPE_CHECKING:
    from dailybrief.publish.package import BriefPackage
    from dailybrief.store.deliveries import Delivery

ATOM = "http://www.w3.org/2005/Atom"
LINK_TYPES = {"html": "text/html", "pdf": "application/pdf"}


@dataclass(frozen=True)
class FeedEntry:
    """One brief in the feed."""

    issue_date: str
    title: str
    summary: str
    updated: str
    links: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Return a stable id for the brief of a date and title."""
        return uuid.uuid5(uuid.NAMESPACE_URL, f"dailybrief:{self.issue_date}:{self.title}").urn


def entry_of(delivery: Delivery, base_url: str | None = None) -> FeedEntry:
    """Return the feed entry of a recorded delivery (links rebuilt from `base_url` when one is given)."""
    links = folder_links(base_url, Path(delivery.brief_dir).name) if base_url else delivery.links
    return FeedEntry(delivery.issue_date, delivery.title, delivery.summary, delivery.finished_at, links)


def atom_feed(entries: Sequence[FeedEntry], *, title: str, feed_id: str, self_url: str | None, updated: str) -> bytes:
    """Return an Atom 1.0 document listing the entries in the order given."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = title
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "dailybrief"
    if self_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    for e in entries:
        node = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(node, f"{{{ATOM}}}title").text = f"{e.title} {e.issue_date}"
        ET.SubElement(node, f"{{{ATOM}}}id").text = e.id
        ET.SubElement(node, f"{{{ATOM}}}updated").text = e.updated
        # The issue date's midnight in China (UTC+8): the day the brief is for, wherever the feed is read.
        ET.SubElement(node, f"{{{ATOM}}}published").text = f"{e.issue_date}T00:00:00+08:00"
        for kind, media in LINK_TYPES.items():
            if kind in e.links:
                ET.SubElement(node, f"{{{ATOM}}}link", rel="alternate", type=media, href=e.links[kind])
        ET.SubElement(node, f"{{{ATOM}}}content", type="text").text = e.summary
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def summary_text(package: BriefPackage) -> str:
    """Return the brief's summary as plain text."""
    return "".join(s.text for s in package.brief.summary)


class Atom(Channel):
    """Write the Atom feed file."""

    settings_model = AtomChannel
    rewrites: ClassVar[bool] = True

    def render(self, package: BriefPackage, history: Sequence[Delivery], now: dt.datetime) -> list[Outgoing]:
        """Return the feed with this brief first and the earlier delivered briefs after it."""
        base = self.base_url()
        stamp = now.isoformat(timespec="seconds")
        brief = package.brief
        current = FeedEntry(brief.date.isoformat(), brief.title, summary_text(package), stamp, package.links(base))
        entries = [current]
        for delivery in history:
            if (delivery.issue_date, delivery.title) != (current.issue_date, current.title):
                entries.append(entry_of(delivery, base))
        entries = entries[:self.settings.entries]
        feed_url = (base or "").rstrip("/") + "/" + Path(self.settings.path).name if base else None
        title = self.settings.feed_title or brief.title
        feed_id = feed_url or uuid.uuid5(uuid.NAMESPACE_URL, f"dailybrief-feed:{title}").urn
        xml = atom_feed(entries, title=title, feed_id=feed_id, self_url=feed_url, updated=stamp)
        return [Outgoing(Path(self.settings.path).name or "feed.xml", xml, "application/atom+xml", "file")]

    def send(self, items: list[Outgoing], ctx: SendContext) -> Receipt:
        """Write the feed file."""
        target = self.config.resolve(self.settings.path)
        write_atomic(target, items[0].body)
        ctx.mark(items[0].key, len(items[0].body))
        return Receipt(str(target))
