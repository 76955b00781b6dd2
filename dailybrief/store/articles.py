"""Articles, their raw fetches (zlib), the validators of conditional GET and the pages that hold no article.

Each page is written in one transaction (fetch, article and validators together), so a
process killed at any moment leaves the archive consistent, and the next run completes it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from dailybrief.models import Article, Fetch
from dailybrief.store.base import Tables
from dailybrief.store.schema import body_hash, now

Outcome = Literal["new", "updated", "unchanged"]
ARTICLE_COLUMNS = "a.id, a.url, a.source, a.title, a.published, a.publisher, a.origin, a.text, a.paragraphs, a.lang"
PRUNE_BATCH = 200  # fetch bodies emptied per transaction: a reader or writer never waits long


def article_from_row(r: Sequence[Any]) -> Article:
    """Return the Article of a row selected with ARTICLE_COLUMNS."""
    return Article(id=r[0], url=r[1], source=r[2], title=r[3], published=dt.date.fromisoformat(r[4]) if r[4] else None,
                   publisher=r[5], origin=r[6], text=r[7], paragraphs=tuple(json.loads(r[8])), lang=r[9])


@dataclass(frozen=True)
class Pruned:
    """What `prune_bodies` freed: raw bodies emptied and their compressed bytes."""

    rows: int
    bytes: int


@dataclass(frozen=True)
class StoredValidators:
    """Validators and the body hash remembered for a URL."""

    etag: str | None
    last_modified: str | None
    body_sha: str


class ArticleTables(Tables):
    """Tables fetches, articles, validators and unextracted."""

    def validators(self, url: str) -> StoredValidators | None:
        """Return what we remember of a URL whose article (or non-article) is stored."""
        row = self.db.execute("SELECT etag, last_modified, body_sha FROM validators WHERE url = ?", (url,)).fetchone()
        return StoredValidators(*row) if row else None

    def _store_fetch(self, db: sqlite3.Connection, fetch: Fetch, sha: str) -> int:
        """Insert a raw fetch once per (url, body); return its row id."""
        # A body `prune` emptied comes back when the same body is fetched again.
        db.execute(
            "INSERT INTO fetches (url, final_url, status, headers, body, body_sha, size, fetched_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url, body_sha) DO UPDATE SET body = excluded.body,"
            " fetched_at = excluded.fetched_at WHERE length(fetches.body) = 0",
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
            (fetch.url, fetch.headers.get("etag"), fetch.headers.get("last-modified"), sha, now()),
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
                stamp = now()
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
                     fetch_id, stamp, stamp),
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
                       (fetch.url, fetch_id, reason, now()))
            self._remember(db, fetch, sha)

    def has_article(self, url: str) -> bool:
        """Say whether an article is stored for the URL."""
        return self.db.execute("SELECT 1 FROM articles WHERE url = ?", (url,)).fetchone() is not None

    def unextracted_reason(self, url: str) -> str | None:
        """Return why a stored URL holds no article, if it is one of those."""
        row = self.db.execute("SELECT reason FROM unextracted WHERE url = ?", (url,)).fetchone()
        return str(row[0]) if row else None

    def latest_body(self, url: str) -> tuple[bytes, dict[str, str]] | None:
        """Return the newest raw body and headers stored for a URL (None when none is, or `prune` dropped it)."""
        row = self.db.execute("SELECT body, headers FROM fetches WHERE url = ? ORDER BY id DESC LIMIT 1",
                              (url,)).fetchone()
        return (zlib.decompress(row[0]), json.loads(row[1])) if row and row[0] else None

    def prune_bodies(self, before: dt.datetime) -> Pruned:
        """Empty the raw bodies of fetches made before a time (articles, validators and hashes stay)."""
        rows = freed = 0
        stamp = before.isoformat(timespec="seconds")
        while True:
            with self.transaction() as db:
                batch = db.execute("SELECT id, length(body) FROM fetches WHERE fetched_at < ? AND length(body) > 0"
                                   " LIMIT ?", (stamp, PRUNE_BATCH)).fetchall()
                db.executemany("UPDATE fetches SET body = X'' WHERE id = ?", [(r[0],) for r in batch])
            rows += len(batch)
            freed += sum(int(r[1]) for r in batch)
            if len(batch) < PRUNE_BATCH:
                return Pruned(rows, freed)

    def raw_bytes(self) -> tuple[int, int]:
        """Return (fetches holding a raw body, their compressed bytes)."""
        row = self.db.execute("SELECT COUNT(*), COALESCE(SUM(length(body)), 0) FROM fetches WHERE length(body) > 0"
                              ).fetchone()
        return int(row[0]), int(row[1])

    def articles(self, since: dt.date | None = None, until: dt.date | None = None) -> list[Article]:
        """Return stored articles: all, or those published in [since, until] (undated ones too with `until` only)."""
        if since or until:
            where = "WHERE a.published BETWEEN ? AND ?"
            args: list[Any] = [(since or dt.date.min).isoformat(), (until or dt.date.max).isoformat()]
            if not since:
                where = "WHERE a.published IS NULL OR a.published <= ?"
                args = [(until or dt.date.max).isoformat()]
            return self._articles_where(where, args)
        return self._articles_where("", [])

    def articles_between(self, since: dt.date, until: dt.date) -> list[Article]:
        """Return the articles published in [since, until] (through the date index)."""
        return self._articles_where("WHERE a.published BETWEEN ? AND ?", [since.isoformat(), until.isoformat()])

    def undated_between(self, *spans: tuple[dt.date, dt.date]) -> list[Article]:
        """Return the articles without a date first stored in any of the spans [since, until] (UTC days)."""
        found: dict[str, Article] = {}
        for since, until in spans:
            for a in self._articles_where("WHERE a.published IS NULL AND a.first_seen >= ? AND a.first_seen < ?",
                                          [since.isoformat(), (until + dt.timedelta(days=1)).isoformat()]):
                found[a.url] = a
        return list(found.values())

    def articles_at(self, urls: Sequence[str]) -> list[Article]:
        """Return the stored articles at some URLs (those that exist), by date and URL."""
        out: list[Article] = []
        unique = list(dict.fromkeys(urls))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            out += self._articles_where(f"WHERE a.url IN ({','.join('?' * len(chunk))})", list(chunk))
        return sorted(out, key=lambda a: (a.published or dt.date.min, a.url))

    def _articles_where(self, where: str, args: list[Any]) -> list[Article]:
        """Return the articles matching a WHERE clause (a literal written in this module)."""
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles a "  # noqa: S608 - a literal column list
        rows = self.db.execute(sql + where + " ORDER BY a.published, a.url", args).fetchall()
        return [article_from_row(r) for r in rows]

    def article_by_url(self, url: str) -> Article | None:
        """Return the stored article for a URL."""
        found = self._articles_where("WHERE a.url = ?", [url])
        return found[0] if found else None

    def newest_article(self, source: str) -> dt.date | None:
        """Return the publication date of a source's newest stored article."""
        row = self.db.execute("SELECT MAX(published) FROM articles WHERE source = ?", (source,)).fetchone()
        return dt.date.fromisoformat(row[0]) if row and row[0] else None
