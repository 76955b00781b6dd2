"""The SQLite archive: one file per deployment, WAL journal, append-only named migrations.

`Archive` combines the table groups of this package (articles, runs, history, verdicts, LLM
cache, deliveries, decisions, per-article features) on one connection; every SQL statement of
the core lives in one of them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from dailybrief.store.articles import ArticleTables, Outcome, StoredValidators
from dailybrief.store.decisions import DecisionTables
from dailybrief.store.deliveries import DeliveryTables
from dailybrief.store.features import FeatureTables
from dailybrief.store.history import HistoryTables
from dailybrief.store.llmcache import LLMCacheTables
from dailybrief.store.runs import RunTables
from dailybrief.store.schema import MIGRATIONS, ArchiveError, Migration, apply_migrations, body_hash
from dailybrief.store.verdicts import VerdictTables

__all__ = ["MIGRATIONS", "Archive", "ArchiveError", "Outcome", "StoredValidators", "body_hash"]

BUSY_WAIT_MS = 30_000  # how long a statement waits for another connection's lock
SHORT_WAIT_MS = 1_000


class Archive(ArticleTables, RunTables, HistoryTables, VerdictTables, LLMCacheTables, DeliveryTables,
              DecisionTables, FeatureTables):
    """A dailybrief archive in one SQLite file: every table group on one connection."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=BUSY_WAIT_MS / 1000, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path}: cannot open archive: {exc}") from None
        except OSError as exc:
            raise ArchiveError(f"{self.path}: cannot create archive: {exc.strerror}") from None

    def close(self) -> None:
        """Close the connection (WAL contents are checkpointed by SQLite)."""
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
        """Apply the migrations of a list (the core's by default) this file has not seen yet; return their names."""
        return apply_migrations(self.db, migrations)

    def vacuum(self) -> bool:
        """Rewrite the file without its free pages; return False when a reader kept the file from shrinking yet.

        In WAL mode readers keep reading their snapshot meanwhile; the file shrinks at the
        checkpoint, which waits for the last of them (a later checkpoint completes it).
        """
        self.db.execute("VACUUM")
        _busy, logged, copied = self.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()  # waits for no one
        if copied < logged:
            return False
        self.db.execute(f"PRAGMA busy_timeout = {SHORT_WAIT_MS}")  # a reader arriving meanwhile is not waited for
        try:
            busy, _log, _done = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_WAIT_MS}")
        return not busy

    def file_bytes(self) -> int:
        """Return the archive's size on disk: the file and its write-ahead log."""
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)

    def count(self, table: Literal["articles", "fetches", "runs", "unextracted"]) -> int:
        """Return the number of rows in a table."""
        return int(self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608 - literal names

