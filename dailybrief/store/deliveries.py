"""Deliveries: every attempt to send a brief to a channel, so a brief goes out once and a failure is visible.

A row is one delivery run of one channel for one brief (issue date and title) at one
revision (a hash of the brief.json that was sent): its status, the platform's message id or
error, how many attempts it took, the parts already sent (`done`, so a retry resumes instead
of repeating them), and the summary and links the Atom feed lists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dailybrief.store.base import Tables

COLUMNS = ("id, channel, channel_type, issue_date, title, revision, status, message_id, error, attempts, bytes,"
           " done, brief_dir, summary, links, started_at, finished_at")


@dataclass(frozen=True)
class Delivery:
    """One recorded delivery of a brief to a channel."""

    id: int
    channel: str
    channel_type: str
    issue_date: str
    title: str
    revision: str
    status: str  # sent | failed
    message_id: str | None
    error: str | None
    attempts: int
    bytes: int
    done: tuple[str, ...]
    brief_dir: str
    summary: str
    links: dict[str, str]
    started_at: str
    finished_at: str


def _row(r: Any) -> Delivery:
    """Return a Delivery from a row in COLUMNS order."""
    return Delivery(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], int(r[9]), int(r[10]),
                    tuple(json.loads(r[11])), r[12], r[13], json.loads(r[14]), r[15], r[16])


class DeliveryTables(Tables):
    """Table deliveries."""

    def record_delivery(self, d: Delivery) -> int:
        """Store one delivery run (its id is assigned here); return the new row id."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO deliveries (channel, channel_type, issue_date, title, revision, status, message_id, error,"
                " attempts, bytes, done, brief_dir, summary, links, started_at, finished_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (d.channel, d.channel_type, d.issue_date, d.title, d.revision, d.status, d.message_id, d.error,
                 d.attempts, d.bytes, json.dumps(list(d.done), ensure_ascii=False), d.brief_dir, d.summary,
                 json.dumps(d.links, ensure_ascii=False), d.started_at, d.finished_at))
        return int(cur.lastrowid or 0)

    def deliveries(self, issue_date: str, title: str) -> list[Delivery]:
        """Return every delivery run of a brief, newest first."""
        rows = self.db.execute(f"SELECT {COLUMNS} FROM deliveries WHERE issue_date = ? AND title = ?"  # noqa: S608
                               " ORDER BY id DESC", (issue_date, title)).fetchall()
        return [_row(r) for r in rows]

    def last_delivery(self, channel: str, issue_date: str, title: str) -> Delivery | None:
        """Return the newest delivery run of a brief to one channel."""
        row = self.db.execute(f"SELECT {COLUMNS} FROM deliveries WHERE channel = ? AND issue_date = ?"  # noqa: S608
                              " AND title = ? ORDER BY id DESC LIMIT 1", (channel, issue_date, title)).fetchone()
        return _row(row) if row else None

    def last_sent(self, channel: str, issue_date: str, title: str) -> Delivery | None:
        """Return the newest successful delivery of a brief to one channel."""
        row = self.db.execute(f"SELECT {COLUMNS} FROM deliveries WHERE channel = ? AND issue_date = ?"  # noqa: S608
                              " AND title = ? AND status = 'sent' ORDER BY id DESC LIMIT 1",
                              (channel, issue_date, title)).fetchone()
        return _row(row) if row else None

    def published_briefs(self, limit: int = 30) -> list[Delivery]:
        """Return the newest successful delivery of each of the last `limit` briefs any channel delivered."""
        rows = self.db.execute(
            f"SELECT {COLUMNS} FROM deliveries WHERE id IN (SELECT MAX(id) FROM deliveries WHERE status = 'sent'"  # noqa: S608
            " GROUP BY issue_date, title) ORDER BY issue_date DESC, id DESC LIMIT ?", (limit,)).fetchall()
        return [_row(r) for r in rows]
