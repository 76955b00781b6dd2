"""The archive's schema: append-only named migrations, applied in order, each once.

The core tables live here. Other packages that keep tables in the same file (the editor
app's `dailybrief.web.store`) pass their own list to `Archive.migrate`; every list shares the
one `migrations` table, so an archive has one history. Names are numbered across all lists (the
web app's are 0006–0008, 0010 and 0016) and never reused; a new migration gets the next free number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import sqlite3
from collections.abc import Sequence

logger = logging.getLogger(__name__)

Migration = tuple[str, str]

MIGRATIONS: list[Migration] = [
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
    # Per-claim verdicts (kind, span, supported, why) beside each sentence's verdict.
    ("0011_verification_claims", """
        ALTER TABLE verifications ADD COLUMN claims TEXT NOT NULL DEFAULT '[]';
    """),
    ("0009_deliveries", """
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            channel_type TEXT NOT NULL,
            issue_date TEXT NOT NULL,
            title TEXT NOT NULL,
            revision TEXT NOT NULL,
            status TEXT NOT NULL,
            message_id TEXT,
            error TEXT,
            attempts INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            done TEXT NOT NULL,
            brief_dir TEXT NOT NULL,
            summary TEXT NOT NULL,
            links TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL
        );
        CREATE INDEX deliveries_brief ON deliveries(issue_date, title, channel);
    """),
    # Editors' ranking decisions and the weights learned from them (store/decisions.py).
    ("0013_rank_learning", """
        CREATE TABLE rank_decisions (
            id INTEGER PRIMARY KEY,
            issue_date TEXT NOT NULL,
            action TEXT NOT NULL,
            story_id TEXT NOT NULL,
            pairs TEXT NOT NULL,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL
        );
        CREATE TABLE rank_weights (
            id INTEGER PRIMARY KEY,
            weights TEXT NOT NULL,
            decisions INTEGER NOT NULL,
            agreement_before REAL NOT NULL,
            agreement_after REAL NOT NULL,
            fitted_at TEXT NOT NULL
        );
    """),
    # What daily reads go through: a source's articles by date, pages fetched without a date by when
    # they were first seen, a source's health by source, raw fetches by age (`prune`).
    ("0014_archive_indexes", """
        CREATE INDEX articles_source_published ON articles(source, published);
        CREATE INDEX articles_published_seen ON articles(published, first_seen);
        CREATE INDEX source_health_source ON source_health(source, run_id);
        CREATE INDEX fetches_fetched_at ON fetches(fetched_at);
    """),
    # Per-article features computed once per article version (store/features.py): the stories stage's
    # record, its shingle signature, the distinct terms counted in term_df, and the look-up keys older
    # articles are found by. Triggers queue every new or changed article; existing ones are queued once.
    ("0015_article_features", """
        CREATE TABLE article_features (
            ref INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            article_id TEXT NOT NULL,
            key TEXT NOT NULL,
            published TEXT,
            body_len INTEGER NOT NULL,
            signature BLOB NOT NULL,
            terms BLOB NOT NULL,
            lookup BLOB NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX article_features_published ON article_features(published);
        CREATE TABLE article_keys (
            key INTEGER NOT NULL,
            day INTEGER NOT NULL,
            ref INTEGER NOT NULL,
            PRIMARY KEY (key, day, ref)
        ) WITHOUT ROWID;
        CREATE TABLE term_df (
            term TEXT PRIMARY KEY,
            df INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE site_paragraphs (
            site TEXT NOT NULL,
            paragraph INTEGER NOT NULL,
            page INTEGER NOT NULL,
            body INTEGER NOT NULL,
            PRIMARY KEY (site, paragraph)
        ) WITHOUT ROWID;
        CREATE TABLE site_furniture (
            site TEXT NOT NULL,
            paragraph INTEGER NOT NULL,
            PRIMARY KEY (site, paragraph)
        ) WITHOUT ROWID;
        CREATE TABLE archive_counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE feature_queue (
            url TEXT PRIMARY KEY
        ) WITHOUT ROWID;
        INSERT INTO feature_queue SELECT url FROM articles;
        CREATE TRIGGER articles_queue_features_insert AFTER INSERT ON articles BEGIN
            INSERT INTO feature_queue SELECT NEW.url WHERE NOT EXISTS
                (SELECT 1 FROM feature_queue WHERE url = NEW.url);
        END;
        CREATE TRIGGER articles_queue_features_update AFTER UPDATE ON articles BEGIN
            INSERT INTO feature_queue SELECT NEW.url WHERE NOT EXISTS
                (SELECT 1 FROM feature_queue WHERE url = NEW.url);
        END;
    """),
]


class ArchiveError(Exception):
    """The archive file cannot be opened or is not a dailybrief archive."""


def now() -> str:
    """Return the current UTC time as ISO text."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def body_hash(body: bytes) -> str:
    """Return the SHA-256 of a raw body."""
    return hashlib.sha256(body).hexdigest()


def statements(sql: str) -> list[str]:
    """Split a migration into its SQL statements (a trigger's body holds semicolons of its own)."""
    out: list[str] = []
    pending = ""
    for piece in sql.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                out.append(pending.strip())
            pending = ""
    if pending.strip(" \n;"):
        out.append(pending.strip())
    return out


def apply_migrations(db: sqlite3.Connection, migrations: Sequence[Migration]) -> list[str]:
    """Apply the migrations of a list this file has not seen yet, in order, each in one transaction."""
    db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM migrations")}
    applied = []
    for name, sql in migrations:
        if name in done:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements(sql):
                db.execute(statement)
            db.execute("INSERT INTO migrations VALUES (?, ?)", (name, now()))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        logger.info("archive migration %s applied", name)
        applied.append(name)
    return applied
