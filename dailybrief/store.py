"""The SQLite archive: every SQL statement of the project lives in this module.

One file per deployment, WAL journal, append-only named migrations. Raw fetches are kept
(zlib-compressed) so extraction can be re-run without the network. Each page is written
in one transaction (fetch, article and validators together), so a process killed at any
moment leaves the archive consistent, and the next run completes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from dailybrief.models import Article, Fetch, SourceHealth

MIGRATIONS: list[tuple[str, str]] = [
    ("0001_initial", """
        CREATE TABLE fetches (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            final_url TEXT NOT NULL,
            status INTEGER NOT NULL,
            headers TEXT NOT NULL,
            body BLOB NOT NULL,
            body_sha TEXT NOT NULL,
            size INTEGER NOT NULL,
            fetched_at TEXT NOT NULL,
            UNIQUE (url, body_sha)
        );
        CREATE TABLE validators (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            body_sha TEXT NOT NULL,
            checked_at TEXT NOT NULL
        );
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            title TEXT NOT NULL,
            published TEXT,
            feed_date TEXT,
            publisher TEXT NOT NULL,
            origin TEXT NOT NULL,
            text TEXT NOT NULL,
            paragraphs TEXT NOT NULL,
            lang TEXT NOT NULL,
            fetch_id INTEGER REFERENCES fetches(id),
            first_seen TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX articles_published ON articles(published);
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            issue_date TEXT,
            config TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE TABLE source_health (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            source TEXT NOT NULL,
            type TEXT NOT NULL,
            seen INTEGER NOT NULL,
            new INTEGER NOT NULL,
            unchanged INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            status TEXT NOT NULL,
            errors TEXT NOT NULL,
            PRIMARY KEY (run_id, source)
        );
    """),
    ("0002_unextracted", """
        CREATE TABLE unextracted (
            url TEXT PRIMARY KEY,
            fetch_id INTEGER NOT NULL REFERENCES fetches(id),
            reason TEXT NOT NULL,
            checked_at TEXT NOT NULL
        );
    """),
    ("0003_story_history", """
        CREATE TABLE story_history (
            issue_date TEXT NOT NULL,
            story_id TEXT NOT NULL,
            rank INTEGER NOT NULL,
            selected INTEGER NOT NULL,
            score REAL NOT NULL,
            primary_url TEXT NOT NULL,
            articles TEXT NOT NULL,
            doc_titles TEXT NOT NULL,
            numbers TEXT NOT NULL,
            PRIMARY KEY (issue_date, story_id)
        );
        CREATE INDEX story_history_date ON story_history(issue_date);
    """),
    ("0004_verifications", """
        CREATE TABLE verifications (
            issue_date TEXT NOT NULL,
            position INTEGER NOT NULL,
            place TEXT NOT NULL,
            text TEXT NOT NULL,
            status TEXT NOT NULL,
            missing TEXT NOT NULL,
            PRIMARY KEY (issue_date, position)
        );
    """),
    ("0005_llm_cache", """
        CREATE TABLE llm_cache (
            key TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            content TEXT NOT NULL,
            finish_reason TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
    """),
    # The editor web app (dailybrief.web; its SQL is in dailybrief.webstore): briefs, revisions, users, search.
    ("0006_briefs", """
        CREATE TABLE briefs (
            id INTEGER PRIMARY KEY,
            issue_date TEXT NOT NULL,
            title TEXT NOT NULL,
            status TEXT NOT NULL,
            revision INTEGER NOT NULL,
            sentences INTEGER NOT NULL,
            checked INTEGER NOT NULL,
            unsupported INTEGER NOT NULL,
            stories TEXT NOT NULL,
            config TEXT,
            config_path TEXT,
            out_dir TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            approved_by TEXT,
            approved_at TEXT,
            published_by TEXT,
            published_at TEXT,
            UNIQUE (issue_date, title)
        );
        CREATE INDEX briefs_date ON briefs(issue_date);
        CREATE TABLE brief_revisions (
            brief_id INTEGER NOT NULL REFERENCES briefs(id),
            number INTEGER NOT NULL,
            data TEXT NOT NULL,
            verdicts TEXT NOT NULL,
            author TEXT NOT NULL,
            note TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (brief_id, number)
        );
    """),
    ("0007_users", """
        CREATE TABLE users (
            name TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE web_secrets (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
    """),
    ("0008_search", """
        CREATE TABLE search_docs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            ref TEXT NOT NULL,
            stamp TEXT NOT NULL,
            UNIQUE (kind, ref)
        );
        CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
    """),
]

Outcome = Literal["new", "updated", "unchanged"]


class ArchiveError(Exception):
    """The archive file cannot be opened or is not a dailybrief archive."""


@dataclass(frozen=True)
class StoredValidators:
    """Validators and the body hash remembered for a URL."""

    etag: str | None
    last_modified: str | None
    body_sha: str


def _now() -> str:
    """Return the current UTC time as ISO text."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def body_hash(body: bytes) -> str:
    """Return the SHA-256 of a raw body."""
    return hashlib.sha256(body).hexdigest()


class Archive:
    """A dailybrief archive in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
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

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run statements atomically: all are stored or none."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def migrate(self) -> list[str]:
        """Apply the migrations this file has not seen yet, in order; return their names."""
        self.db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in self.db.execute("SELECT name FROM migrations")}
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self.transaction() as db:
                for statement in sql.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))
            applied.append(name)
        return applied

    def validators(self, url: str) -> StoredValidators | None:
        """Return what we remember of a URL whose article (or non-article) is stored."""
        row = self.db.execute("SELECT etag, last_modified, body_sha FROM validators WHERE url = ?", (url,)).fetchone()
        return StoredValidators(*row) if row else None

    def _store_fetch(self, db: sqlite3.Connection, fetch: Fetch, sha: str) -> int:
        """Insert a raw fetch once per (url, body); return its row id."""
        db.execute(
            "INSERT OR IGNORE INTO fetches (url, final_url, status, headers, body, body_sha, size, fetched_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (fetch.url, fetch.final_url, fetch.status, json.dumps(fetch.headers, ensure_ascii=False),
             zlib.compress(fetch.body, 6), sha, len(fetch.body), fetch.fetched_at.isoformat(timespec="seconds")),
        )
        row = db.execute("SELECT id FROM fetches WHERE url = ? AND body_sha = ?", (fetch.url, sha)).fetchone()
        return int(row[0])

    def _remember(self, db: sqlite3.Connection, fetch: Fetch, sha: str) -> None:
        """Remember validators for the next conditional GET."""
        db.execute(
            "INSERT INTO validators VALUES (?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
            " etag = excluded.etag, last_modified = excluded.last_modified, body_sha = excluded.body_sha,"
            " checked_at = excluded.checked_at",
            (fetch.url, fetch.headers.get("etag"), fetch.headers.get("last-modified"), sha, _now()),
        )

    def save_article(self, fetch: Fetch, article: Article, feed_date: dt.date | None = None) -> Outcome:
        """Store a page's fetch and article together; say whether the article is new, updated or unchanged."""
        sha = body_hash(fetch.body)
        with self.transaction() as db:
            fetch_id = self._store_fetch(db, fetch, sha)
            published = article.published.isoformat() if article.published else None
            old = db.execute("SELECT id, published, origin, publisher FROM articles WHERE url = ?",
                             (article.url,)).fetchone()
            same = old is not None and tuple(old) == (article.id, published, article.origin, article.publisher)
            outcome: Outcome = "new" if old is None else ("unchanged" if same else "updated")
            if outcome != "unchanged":
                now = _now()
                db.execute(
                    "INSERT INTO articles (id, url, source, title, published, feed_date, publisher, origin, text,"
                    " paragraphs, lang, fetch_id, first_seen, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT(url) DO UPDATE SET id = excluded.id, source = excluded.source,"
                    " title = excluded.title, published = excluded.published, feed_date = excluded.feed_date,"
                    " publisher = excluded.publisher, origin = excluded.origin, text = excluded.text,"
                    " paragraphs = excluded.paragraphs, lang = excluded.lang, fetch_id = excluded.fetch_id,"
                    " updated_at = excluded.updated_at",
                    (article.id, article.url, article.source, article.title, published,
                     feed_date.isoformat() if feed_date else None, article.publisher, article.origin,
                     article.text, json.dumps(list(article.paragraphs), ensure_ascii=False), article.lang,
                     fetch_id, now, now),
                )
            db.execute("DELETE FROM unextracted WHERE url = ?", (article.url,))
            self._remember(db, fetch, sha)
        return outcome

    def save_unextracted(self, fetch: Fetch, reason: str) -> None:
        """Store a fetch that holds no article (a PDF, an empty page) with the reason."""
        sha = body_hash(fetch.body)
        with self.transaction() as db:
            fetch_id = self._store_fetch(db, fetch, sha)
            db.execute("INSERT INTO unextracted VALUES (?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
                       " fetch_id = excluded.fetch_id, reason = excluded.reason, checked_at = excluded.checked_at",
                       (fetch.url, fetch_id, reason, _now()))
            self._remember(db, fetch, sha)

    def has_article(self, url: str) -> bool:
        """Say whether an article is stored for the URL."""
        return self.db.execute("SELECT 1 FROM articles WHERE url = ?", (url,)).fetchone() is not None

    def unextracted_reason(self, url: str) -> str | None:
        """Return why a stored URL holds no article, if it is one of those."""
        row = self.db.execute("SELECT reason FROM unextracted WHERE url = ?", (url,)).fetchone()
        return str(row[0]) if row else None

    def latest_body(self, url: str) -> tuple[bytes, dict[str, str]] | None:
        """Return the newest raw body and headers stored for a URL."""
        row = self.db.execute("SELECT body, headers FROM fetches WHERE url = ? ORDER BY id DESC LIMIT 1",
                              (url,)).fetchone()
        return (zlib.decompress(row[0]), json.loads(row[1])) if row else None

    def articles(self, since: dt.date | None = None, until: dt.date | None = None) -> list[Article]:
        """Return stored articles: all, or those published in [since, until] (undated ones too with `until` only)."""
        if since or until:
            where = "WHERE published BETWEEN ? AND ?"
            args: list[Any] = [(since or dt.date.min).isoformat(), (until or dt.date.max).isoformat()]
            if not since:
                where = "WHERE published IS NULL OR published <= ?"
                args = [(until or dt.date.max).isoformat()]
            return self._articles_where(where, args)
        return self._articles_where("", [])

    def _articles_where(self, where: str, args: list[Any]) -> list[Article]:
        """Return the articles matching a WHERE clause (a literal written in this module)."""
        sql = "SELECT id, url, source, title, published, publisher, origin, text, paragraphs, lang FROM articles "
        rows = self.db.execute(sql + where + " ORDER BY published, url", args).fetchall()
        return [Article(id=r[0], url=r[1], source=r[2], title=r[3],
                        published=dt.date.fromisoformat(r[4]) if r[4] else None, publisher=r[5], origin=r[6],
                        text=r[7], paragraphs=tuple(json.loads(r[8])), lang=r[9]) for r in rows]

    def count(self, table: Literal["articles", "fetches", "runs", "unextracted"]) -> int:
        """Return the number of rows in a table."""
        return int(self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608 - literal names

    def start_run(self, kind: str, issue_date: dt.date | None, config: str | None) -> int:
        """Record the start of a run; return its id."""
        with self.transaction() as db:
            cur = db.execute("INSERT INTO runs (kind, issue_date, config, started_at) VALUES (?, ?, ?, ?)",
                             (kind, issue_date.isoformat() if issue_date else None, config, _now()))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, health: list[SourceHealth]) -> None:
        """Record per-source health and the end of a run."""
        with self.transaction() as db:
            for h in health:
                db.execute("INSERT OR REPLACE INTO source_health VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (run_id, h.source, h.type, h.seen, h.new, h.unchanged, h.failed, h.status,
                            json.dumps(h.errors, ensure_ascii=False)))
            db.execute("UPDATE runs SET finished_at = ? WHERE id = ?", (_now(), run_id))

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

    def newest_article(self, source: str) -> dt.date | None:
        """Return the publication date of a source's newest stored article."""
        row = self.db.execute("SELECT MAX(published) FROM articles WHERE source = ?", (source,)).fetchone()
        return dt.date.fromisoformat(row[0]) if row and row[0] else None

    def save_stories(self, issue_date: dt.date, stories: list[dict[str, Any]]) -> None:
        """Replace the stories recorded for an issue date (re-running a day is idempotent)."""
        with self.transaction() as db:
            db.execute("DELETE FROM story_history WHERE issue_date = ?", (issue_date.isoformat(),))
            for s in stories:
                db.execute("INSERT INTO story_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (issue_date.isoformat(), s["id"], s["rank"], int(s["selected"]), s["score"],
                            s["primary"], json.dumps(s["articles"]), json.dumps(sorted(s["doc_titles"]),
                                                                                ensure_ascii=False),
                            json.dumps(sorted(s["numbers"]), ensure_ascii=False)))

    def earlier_sections(self, before: dt.date, days: int = 30) -> list[dict[str, Any]]:
        """Return stories that had a section (were selected) in briefs of the `days` before a date."""
        since = (before - dt.timedelta(days=days)).isoformat()
        rows = self.db.execute(
            "SELECT issue_date, story_id, primary_url, articles, doc_titles, numbers FROM story_history"
            " WHERE selected = 1 AND issue_date < ? AND issue_date >= ?", (before.isoformat(), since)).fetchall()
        return [{"issue_date": r[0], "id": r[1], "primary": r[2], "articles": json.loads(r[3]),
                 "doc_titles": json.loads(r[4]), "numbers": [tuple(n) for n in json.loads(r[5])]} for r in rows]

    def save_verdicts(self, issue_date: dt.date, verdicts: list[tuple[str, str, str, list[str]]]) -> None:
        """Replace the verifier's per-sentence verdicts for an issue date: (place, text, status, missing)."""
        with self.transaction() as db:
            db.execute("DELETE FROM verifications WHERE issue_date = ?", (issue_date.isoformat(),))
            for position, (place, text, status, missing) in enumerate(verdicts):
                db.execute("INSERT INTO verifications VALUES (?, ?, ?, ?, ?, ?)",
                           (issue_date.isoformat(), position, place, text, status,
                            json.dumps(missing, ensure_ascii=False)))

    def article_by_url(self, url: str) -> Article | None:
        """Return the stored article for a URL."""
        found = self._articles_where("WHERE url = ?", [url])
        return found[0] if found else None

    def llm_response(self, key: str) -> dict[str, Any] | None:
        """Return the cached chat-completion answer stored under a request key (see dailybrief.llm.cache_key)."""
        row = self.db.execute("SELECT model, content, finish_reason, prompt_tokens, completion_tokens FROM llm_cache"
                              " WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return {"model": row[0], "content": row[1], "finish_reason": row[2], "prompt_tokens": int(row[3]),
                "completion_tokens": int(row[4])}

    def save_llm_response(self, key: str, model: str, content: str, *, finish_reason: str, prompt_tokens: int,
                          completion_tokens: int) -> None:
        """Cache one chat-completion answer under its request key (the newest answer wins)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO llm_cache VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (key, model, content, finish_reason, prompt_tokens, completion_tokens, _now()))

    def llm_cache_size(self) -> int:
        """Return how many chat-completion answers are cached."""
        return int(self.db.execute("SELECT COUNT(*) FROM llm_cache").fetchone()[0])
