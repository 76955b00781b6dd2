"""The editor app's tables in the archive file: briefs, revisions, users, sessions, search.

All SQL the web app runs lives here, beside the core's in `dailybrief.store`; it uses the
archive's connection and transactions, and its migrations (0006–0008, 0010, 0016) join the archive's
one migration history the first time a `WebStore` opens the file. A brief is one row per
(issue date, title); every change is a new numbered revision holding the whole brief.json, so
nothing is ever lost. Saving is compare-and-swap on the revision number: a writer that read an
older revision gets `Conflict` instead of overwriting someone else's work. Sessions are rows
keyed by the SHA-256 of the cookie's random token (a copy of the archive holds no usable
token); the session-signing key is never kept here (0010 empties 0007's `web_secrets` table,
which nothing reads any more).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from dailybrief.store.archive import Archive
from dailybrief.store.schema import Migration, now

WEB_MIGRATIONS: list[Migration] = [
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
    ("0010_sessions", """
        CREATE TABLE web_sessions (
            id TEXT PRIMARY KEY,
            user TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX web_sessions_user ON web_sessions(user);
        DELETE FROM web_secrets;
    """),
    # The search index is kept current as articles and briefs are written: triggers queue what changed
    # (whoever writes it), `search.refresh_index` indexes the queue after each ingest and each saved brief.
    ("0016_search_queue", """
        CREATE TABLE search_queue (
            kind TEXT NOT NULL,
            ref TEXT NOT NULL,
            PRIMARY KEY (kind, ref)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO search_queue SELECT 'article', a.url FROM articles a LEFT JOIN search_docs d
            ON d.kind = 'article' AND d.ref = a.url WHERE d.stamp IS NULL OR d.stamp != a.id;
        INSERT OR IGNORE INTO search_queue SELECT 'brief', CAST(b.id AS TEXT) FROM briefs b LEFT JOIN search_docs d
            ON d.kind = 'brief' AND d.ref = CAST(b.id AS TEXT)
            WHERE d.stamp IS NULL OR d.stamp != CAST(b.revision AS TEXT);
        CREATE TRIGGER articles_queue_search_insert AFTER INSERT ON articles BEGIN
            INSERT INTO search_queue SELECT 'article', NEW.url WHERE NOT EXISTS
                (SELECT 1 FROM search_queue WHERE kind = 'article' AND ref = NEW.url);
        END;
        CREATE TRIGGER articles_queue_search_update AFTER UPDATE OF id ON articles BEGIN
            INSERT INTO search_queue SELECT 'article', NEW.url WHERE NOT EXISTS
                (SELECT 1 FROM search_queue WHERE kind = 'article' AND ref = NEW.url);
        END;
        CREATE TRIGGER briefs_queue_search_insert AFTER INSERT ON briefs BEGIN
            INSERT INTO search_queue SELECT 'brief', CAST(NEW.id AS TEXT) WHERE NOT EXISTS
                (SELECT 1 FROM search_queue WHERE kind = 'brief' AND ref = CAST(NEW.id AS TEXT));
        END;
        CREATE TRIGGER briefs_queue_search_update AFTER UPDATE OF revision ON briefs BEGIN
            INSERT INTO search_queue SELECT 'brief', CAST(NEW.id AS TEXT) WHERE NOT EXISTS
                (SELECT 1 FROM search_queue WHERE kind = 'brief' AND ref = CAST(NEW.id AS TEXT));
        END;
    """),
]
SESSION_TOUCH = dt.timedelta(minutes=1)  # last_seen is rewritten at most this often

BRIEF_COLUMNS = ("id, issue_date, title, status, revision, sentences, checked, unsupported, created_at, updated_at,"
                 " approved_by, approved_at, published_by, published_at, out_dir, config, config_path")


class Conflict(Exception):
    """Someone saved a newer revision (or changed the status) since the caller read the brief."""


@dataclass(frozen=True)
class BriefRow:
    """A brief as listed: date, title, status, current revision and verification counts."""

    id: int
    issue_date: str
    title: str
    status: str
    revision: int
    sentences: int
    checked: int
    unsupported: int
    created_at: str
    updated_at: str
    approved_by: str | None
    approved_at: str | None
    published_by: str | None
    published_at: str | None
    out_dir: str | None
    config: str | None
    config_path: str | None


@dataclass(frozen=True)
class Revision:
    """One saved state of a brief: the brief.json, its per-sentence verdicts, who and when."""

    brief_id: int
    number: int
    data: dict[str, Any]
    verdicts: dict[str, Any]
    author: str
    note: str
    created_at: str


@dataclass(frozen=True)
class Counts:
    """Verification counts of a revision."""

    sentences: int
    checked: int
    unsupported: int


class WebStore:
    """The editor app's view of an archive."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.db = archive.db
        archive.migrate(WEB_MIGRATIONS)

    # ----------------------------------------------------------------------------- briefs

    def find_brief(self, issue_date: str, title: str) -> BriefRow | None:
        """Return the brief of a date and title."""
        row = self.db.execute(f"SELECT {BRIEF_COLUMNS} FROM briefs WHERE issue_date = ? AND title = ?",  # noqa: S608
                              (issue_date, title)).fetchone()
        return BriefRow(*row) if row else None

    def create_brief(self, issue_date: str, title: str, *, data: dict[str, Any], verdicts: dict[str, Any],
                     counts: Counts, stories: list[dict[str, Any]], config: str | None, config_path: str | None,
                     author: str, note: str) -> int:
        """Insert a new draft brief with its first revision; return its id."""
        stamp = now()
        with self.archive.transaction() as db:
            cur = db.execute(
                "INSERT INTO briefs (issue_date, title, status, revision, sentences, checked, unsupported, stories,"
                " config, config_path, created_at, updated_at) VALUES (?, ?, 'draft', 1, ?, ?, ?, ?, ?, ?, ?, ?)",
                (issue_date, title, counts.sentences, counts.checked, counts.unsupported, _dumps(stories), config,
                 config_path, stamp, stamp))
            brief_id = int(cur.lastrowid or 0)
            db.execute("INSERT INTO brief_revisions VALUES (?, 1, ?, ?, ?, ?, ?)",
                       (brief_id, _dumps(data), _dumps(verdicts), author, note, stamp))
        return brief_id

    def replace_run(self, brief_id: int, stories: list[dict[str, Any]], config: str | None,
                    config_path: str | None) -> None:
        """Store a new run's stories and config for a brief."""
        with self.archive.transaction() as db:
            db.execute("UPDATE briefs SET stories = ?, config = ?, config_path = ? WHERE id = ?",
                       (_dumps(stories), config, config_path, brief_id))

    def briefs(self, limit: int = 200) -> list[BriefRow]:
        """Return the newest briefs first."""
        rows = self.db.execute(f"SELECT {BRIEF_COLUMNS} FROM briefs ORDER BY issue_date DESC, id DESC"  # noqa: S608
                               " LIMIT ?", (limit,)).fetchall()
        return [BriefRow(*r) for r in rows]

    def brief(self, brief_id: int) -> BriefRow | None:
        """Return one brief."""
        row = self.db.execute(f"SELECT {BRIEF_COLUMNS} FROM briefs WHERE id = ?", (brief_id,)).fetchone()  # noqa: S608
        return BriefRow(*row) if row else None

    def stories(self, brief_id: int) -> list[dict[str, Any]]:
        """Return the stories the brief's run considered (stories.json entries plus titles)."""
        row = self.db.execute("SELECT stories FROM briefs WHERE id = ?", (brief_id,)).fetchone()
        return list(json.loads(row[0])) if row else []

    def revision(self, brief_id: int, number: int | None = None) -> Revision | None:
        """Return a revision (the current one when no number is given)."""
        if number is None:
            row = self.db.execute("SELECT revision FROM briefs WHERE id = ?", (brief_id,)).fetchone()
            if row is None:
                return None
            number = int(row[0])
        found = self.db.execute("SELECT brief_id, number, data, verdicts, author, note, created_at FROM brief_revisions"
                                " WHERE brief_id = ? AND number = ?", (brief_id, number)).fetchone()
        if found is None:
            return None
        return Revision(found[0], found[1], json.loads(found[2]), json.loads(found[3]), found[4], found[5], found[6])

    def revisions(self, brief_id: int) -> list[Revision]:
        """Return every revision of a brief, newest first."""
        rows = self.db.execute("SELECT brief_id, number, data, verdicts, author, note, created_at FROM brief_revisions"
                               " WHERE brief_id = ? ORDER BY number DESC", (brief_id,)).fetchall()
        return [Revision(r[0], r[1], json.loads(r[2]), json.loads(r[3]), r[4], r[5], r[6]) for r in rows]

    def save_revision(self, brief_id: int, expected: int, *, data: dict[str, Any], verdicts: dict[str, Any],
                      counts: Counts, author: str, note: str) -> int:
        """Store a new revision on top of `expected`; the brief becomes a draft again. Raise Conflict if stale."""
        stamp = now()
        with self.archive.transaction() as db:
            cur = db.execute(
                "UPDATE briefs SET revision = revision + 1, status = 'draft', sentences = ?, checked = ?,"
                " unsupported = ?, updated_at = ?, approved_by = NULL, approved_at = NULL"
                " WHERE id = ? AND revision = ? AND status != 'published'",
                (counts.sentences, counts.checked, counts.unsupported, stamp, brief_id, expected))
            if cur.rowcount != 1:
                raise Conflict(f"brief {brief_id} is no longer at revision {expected}, or is published")
            db.execute("INSERT INTO brief_revisions VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (brief_id, expected + 1, _dumps(data), _dumps(verdicts), author, note, stamp))
        return expected + 1

    def approve(self, brief_id: int, expected: int, who: str, out_dir: str) -> None:
        """Mark a draft approved (its outputs are written to `out_dir`); raise Conflict if it changed meanwhile."""
        with self.archive.transaction() as db:
            cur = db.execute("UPDATE briefs SET status = 'approved', approved_by = ?, approved_at = ?, out_dir = ?,"
                             " updated_at = ? WHERE id = ? AND revision = ? AND status = 'draft'",
                             (who, now(), out_dir, now(), brief_id, expected))
            if cur.rowcount != 1:
                raise Conflict(f"brief {brief_id} changed before it could be approved")

    def publish(self, brief_id: int, expected: int, who: str) -> None:
        """Mark an approved brief published (read-only from now on); raise Conflict otherwise."""
        with self.archive.transaction() as db:
            cur = db.execute("UPDATE briefs SET status = 'published', published_by = ?, published_at = ?,"
                             " updated_at = ? WHERE id = ? AND revision = ? AND status = 'approved'",
                             (who, now(), now(), brief_id, expected))
            if cur.rowcount != 1:
                raise Conflict(f"brief {brief_id} is not approved at revision {expected}")

    def pipeline_verdicts(self, issue_date: str) -> list[dict[str, Any]]:
        """Return what the pipeline's verifier replaced or dropped for a date (the sentences editors never see)."""
        rows = self.db.execute("SELECT place, text, status, missing, claims FROM verifications WHERE issue_date = ?"
                               " AND status IN ('replaced', 'dropped', 'unsupported') ORDER BY position",
                               (issue_date,)).fetchall()
        return [{"where": r[0], "text": r[1], "status": r[2], "missing": json.loads(r[3]),
                 "claims": [c for c in json.loads(r[4]) if not c.get("supported")]} for r in rows]

    # ----------------------------------------------------------------------------- users and sessions

    def add_user(self, name: str, password_hash: str) -> int:
        """Create a user or replace its password; return how many of its sessions that ended (a reset ends all)."""
        with self.archive.transaction() as db:
            db.execute("INSERT INTO users VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
                       " password_hash = excluded.password_hash", (name, password_hash, now()))
            return db.execute("DELETE FROM web_sessions WHERE user = ?", (name,)).rowcount

    def remove_user(self, name: str) -> int | None:
        """Delete a user and end its sessions; return how many ended (None when there is no such user)."""
        with self.archive.transaction() as db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                return None
            return db.execute("DELETE FROM web_sessions WHERE user = ?", (name,)).rowcount

    def password_hash(self, name: str) -> str | None:
        """Return a user's stored password hash."""
        row = self.db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def users(self) -> list[str]:
        """Return the user names."""
        return [str(r[0]) for r in self.db.execute("SELECT name FROM users ORDER BY name")]

    def start_session(self, user: str, token: str, lifetime: dt.timedelta) -> None:
        """Record a new session for a signed-in user (and forget sessions that have expired)."""
        stamp = now()
        expires = (dt.datetime.fromisoformat(stamp) + lifetime).isoformat(timespec="seconds")
        with self.archive.transaction() as db:
            db.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (stamp,))
            db.execute("INSERT INTO web_sessions VALUES (?, ?, ?, ?, ?)",
                       (session_key(token), user, stamp, stamp, expires))

    def session_user(self, token: str) -> str | None:
        """Return the user of a live session (None when it ended, expired or its user is gone)."""
        stamp = now()
        row = self.db.execute("SELECT s.user, s.last_seen FROM web_sessions s JOIN users u ON u.name = s.user"
                              " WHERE s.id = ? AND s.expires_at > ?", (session_key(token), stamp)).fetchone()
        if row is None:
            return None
        if dt.datetime.fromisoformat(str(row[1])) + SESSION_TOUCH <= dt.datetime.fromisoformat(stamp):
            with self.archive.transaction() as db:
                db.execute("UPDATE web_sessions SET last_seen = ? WHERE id = ?", (stamp, session_key(token)))
        return str(row[0])

    def end_session(self, token: str) -> None:
        """End one session (signing out)."""
        with self.archive.transaction() as db:
            db.execute("DELETE FROM web_sessions WHERE id = ?", (session_key(token),))

    # ----------------------------------------------------------------------------- articles, sources, trends

    def article_url(self, article_id: str) -> str | None:
        """Return the URL of the article with a content id."""
        row = self.db.execute("SELECT url FROM articles WHERE id = ?", (article_id,)).fetchone()
        return str(row[0]) if row else None

    def article_meta(self, urls: list[str]) -> dict[str, dict[str, Any]]:
        """Return id, title, publisher and date of the articles at some URLs."""
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(urls), 500):
            chunk = urls[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(f"SELECT url, id, title, publisher, published FROM articles"  # noqa: S608
                                     f" WHERE url IN ({marks})", chunk):
                out[r[0]] = {"id": r[1], "title": r[2], "publisher": r[3], "published": r[4]}
        return out

    def source_names(self) -> list[str]:
        """Return every source name that has run history, in name order."""
        return [str(r[0]) for r in self.db.execute("SELECT DISTINCT source FROM source_health ORDER BY source")]

    def source_type(self, source: str) -> str:
        """Return the type a source had in its latest run."""
        row = self.db.execute("SELECT type FROM source_health WHERE source = ? ORDER BY run_id DESC LIMIT 1",
                              (source,)).fetchone()
        return str(row[0]) if row else ""

    def story_primaries(self, since: dt.date, until: dt.date) -> list[tuple[str, str, str]]:
        """Return (published, title, text) of each distinct story's primary article published in [since, until]."""
        rows = self.db.execute(
            "SELECT a.published, a.title, a.text FROM articles a WHERE a.url IN"
            " (SELECT DISTINCT primary_url FROM story_history) AND a.published BETWEEN ? AND ?",
            (since.isoformat(), until.isoformat())).fetchall()
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    def newest_issue_date(self) -> str | None:
        """Return the newest issue date with a brief or recorded stories."""
        row = self.db.execute("SELECT MAX(d) FROM (SELECT MAX(issue_date) AS d FROM briefs"
                              " UNION ALL SELECT MAX(issue_date) FROM story_history)").fetchone()
        return str(row[0]) if row and row[0] else None

    # ----------------------------------------------------------------------------- full-text search

    def queued_for_search(self, limit: int = 500) -> list[tuple[str, str]]:
        """Return (kind, ref) of up to `limit` articles and briefs written since they were last indexed."""
        return [(str(r[0]), str(r[1])) for r in self.db.execute(
            "SELECT kind, ref FROM search_queue ORDER BY kind, ref LIMIT ?", (limit,))]

    def article_for_search(self, url: str) -> tuple[str, str, str] | None:
        """Return (content id, title, text) of the article at a URL."""
        row = self.db.execute("SELECT id, title, text FROM articles WHERE url = ?", (url,)).fetchone()
        return (str(row[0]), str(row[1]), str(row[2])) if row else None

    def index_documents(self, docs: list[tuple[str, str, str, str, str]], gone: list[tuple[str, str]]) -> None:
        """Index (kind, ref, stamp, title tokens, body tokens) documents, replacing older versions, and dequeue them.

        A document written again since it was read (its stamp is no longer the current one) stays
        queued; `gone` are queued (kind, ref) whose document no longer exists.
        """
        with self.archive.transaction() as db:
            for kind, ref, stamp, title, body in docs:
                old = db.execute("SELECT id FROM search_docs WHERE kind = ? AND ref = ?", (kind, ref)).fetchone()
                if old:
                    db.execute("DELETE FROM search_fts WHERE rowid = ?", (old[0],))
                    db.execute("UPDATE search_docs SET stamp = ? WHERE id = ?", (stamp, old[0]))
                    rowid = int(old[0])
                else:
                    cur = db.execute("INSERT INTO search_docs (kind, ref, stamp) VALUES (?, ?, ?)", (kind, ref, stamp))
                    rowid = int(cur.lastrowid or 0)
                db.execute("INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)", (rowid, title, body))
                if self._stamp(kind, ref) == stamp:
                    db.execute("DELETE FROM search_queue WHERE kind = ? AND ref = ?", (kind, ref))
            db.executemany("DELETE FROM search_queue WHERE kind = ? AND ref = ?", gone)

    def _stamp(self, kind: str, ref: str) -> str | None:
        """Return what says which version of a document is current: an article's content id, a brief's revision."""
        if kind == "article":
            row = self.db.execute("SELECT id FROM articles WHERE url = ?", (ref,)).fetchone()
        else:
            row = self.db.execute("SELECT revision FROM briefs WHERE id = ?", (int(ref),)).fetchone()
        return str(row[0]) if row else None

    def search(self, match: str, kind: str | None, limit: int = 50) -> list[tuple[str, str]]:
        """Return (kind, ref) of the best matches of an FTS5 query (title matches weigh more)."""
        sql = ("SELECT d.kind, d.ref FROM search_fts f JOIN search_docs d ON d.id = f.rowid"
               " WHERE search_fts MATCH ?")
        args: list[Any] = [match]
        if kind:
            sql += " AND d.kind = ?"
            args.append(kind)
        rows = self.db.execute(sql + " ORDER BY bm25(search_fts, 4.0, 1.0) LIMIT ?", [*args, limit]).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]


def session_key(token: str) -> str:
    """Return what the archive keeps of a session token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def _dumps(data: Any) -> str:
    """Serialise JSON compactly, keeping Chinese readable."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
