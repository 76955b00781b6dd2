"""Runs and the per-source health of each: what the `sources` table and the editor app show."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from dailybrief.models import SourceHealth
from dailybrief.store.base import Tables
from dailybrief.store.schema import now


class RunTables(Tables):
    """Tables runs and source_health."""

    def start_run(self, kind: str, issue_date: dt.date | None, config: str | None) -> int:
        """Record the start of a run; return its id."""
        with self.transaction() as db:
            cur = db.execute("INSERT INTO runs (kind, issue_date, config, started_at) VALUES (?, ?, ?, ?)",
                             (kind, issue_date.isoformat() if issue_date else None, config, now()))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, health: list[SourceHealth]) -> None:
        """Record per-source health and the end of a run."""
        with self.transaction() as db:
            for h in health:
                db.execute("INSERT OR REPLACE INTO source_health VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (run_id, h.source, h.type, h.seen, h.new, h.unchanged, h.failed, h.status,
                            json.dumps(h.errors, ensure_ascii=False)))
            db.execute("UPDATE runs SET finished_at = ? WHERE id = ?", (now(), run_id))

    def source_history(self, source: str, limit: int = 10) -> list[dict[str, Any]]:
        """Return a source's health in its last runs, newest first."""
        rows = self.db.execute(
            "SELECT r.started_at, h.seen, h.new, h.failed, h.status, h.errors FROM source_health h"
            " JOIN runs r ON r.id = h.run_id WHERE h.source = ? ORDER BY r.id DESC LIMIT ?", (source, limit)).fetchall()
        return [{"at": r[0], "seen": r[1], "new": r[2], "failed": r[3], "status": r[4], "errors": json.loads(r[5])}
                for r in rows]

    def last_success(self, source: str) -> str | None:
        """Return when a source last delivered items, if ever."""
        row = self.db.execute(
            "SELECT MAX(r.started_at) FROM source_health h JOIN runs r ON r.id = h.run_id"
            " WHERE h.source = ? AND h.seen > 0", (source,)).fetchone()
        return str(row[0]) if row and row[0] else None
