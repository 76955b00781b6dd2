"""Per-article features computed once per article version, and what older articles are found by.

The stories stage computes, for each article, everything that does not depend on the day (its
record is opaque here: `data`), plus the parts this module needs in columns: the shingle
signature and body length (reprint candidates among recent articles), the distinct terms
(document frequencies in `term_df`, so relevance needs no year of texts) and integer look-up
keys (`article_keys`: shared 《documents》, distinctive terms, the same body), which find the
older articles today's news can relate to through an index, a bounded number per key.

Triggers queue every new or changed article (`feature_queue`); `queued_articles` drains it.
Saving a batch replaces each article's row, keys and term counts in one transaction, and only
when the row still describes another version than the one computed, so two processes indexing
at once never count an article twice. Pages of one site that share a paragraph verbatim mark it
as that site's furniture (`site_paragraphs` notes where each paragraph was first seen,
`site_furniture` holds the shared ones), left out of every page's core text.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dailybrief.models import Article
from dailybrief.store.base import Tables

CHUNK = 500  # values per IN (...) list


@dataclass(frozen=True)
class FeatureRow:
    """One article's features as the stories stage computed them, ready to store."""

    url: str
    article_id: str  # the content id of the version they were computed from
    key: str  # hash of the algorithm version and every input: a different key means recompute
    published: dt.date | None
    body_len: int
    signature: bytes
    terms: Sequence[str]  # distinct terms (document frequencies)
    lookup: Sequence[int]  # look-up keys
    data: bytes  # the stages' own record


@dataclass(frozen=True)
class StoredFeatures:
    """What the archive holds for one article's features."""

    article_id: str
    key: str
    data: bytes
    body_len: int
    signature: bytes


@dataclass(frozen=True)
class Neighbour:
    """A recent article as reprint detection screens it: who, when, and its shingle signature."""

    url: str
    publisher: str
    origin: str
    published: dt.date
    body_len: int
    signature: bytes


def _chunks(items: Sequence[str], size: int = CHUNK) -> Iterable[Sequence[str]]:
    """Yield successive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _day(published: dt.date | None) -> int:
    """Return the ordinal day of a date (0 when undated)."""
    return published.toordinal() if published else 0


def _pack_ints(values: Sequence[int]) -> bytes:
    """Pack signed 64-bit integers."""
    return b"".join(v.to_bytes(8, "little", signed=True) for v in values)


def _unpack_ints(blob: bytes) -> list[int]:
    """Unpack what `_pack_ints` packed."""
    return [int.from_bytes(blob[i:i + 8], "little", signed=True) for i in range(0, len(blob), 8)]


class FeatureTables(Tables):
    """Tables article_features, article_keys, term_df, site_paragraphs and site_furniture, counters, the queue."""

    def queued_articles(self, limit: int = 500) -> list[Article]:
        """Return up to `limit` articles waiting for their features (new or changed since they were computed)."""
        from dailybrief.store.articles import ARTICLE_COLUMNS, article_from_row  # noqa: PLC0415 - sibling table group

        sql = f"SELECT {ARTICLE_COLUMNS} FROM feature_queue q JOIN articles a ON a.url = q.url"  # noqa: S608
        rows = self.db.execute(sql + " ORDER BY q.url LIMIT ?", (limit,)).fetchall()
        if len(rows) < limit:  # queued URLs whose article is gone leave the queue
            self.db.execute("DELETE FROM feature_queue WHERE url NOT IN (SELECT url FROM articles)")
        return [article_from_row(r) for r in rows]

    def queued_count(self) -> int:
        """Return how many articles wait for their features."""
        return int(self.db.execute("SELECT COUNT(*) FROM feature_queue").fetchone()[0])

    def record_paragraphs(self, rows: Iterable[tuple[str, int, int, int]]) -> None:
        """Note (site, paragraph hash, page hash, body hash): what two pages with different bodies share is furniture.

        A page whose body changed (same page hash) replaces its old body; an identical body at
        another address (one article under two URLs) shares nothing.
        """
        with self.transaction() as db:
            for site, paragraph, page, body in rows:
                old = db.execute("SELECT page, body FROM site_paragraphs WHERE site = ? AND paragraph = ?",
                                 (site, paragraph)).fetchone()
                if old is None:
                    db.execute("INSERT INTO site_paragraphs VALUES (?, ?, ?, ?)", (site, paragraph, page, body))
                elif old[1] != body and old[0] == page:
                    db.execute("UPDATE site_paragraphs SET body = ? WHERE site = ? AND paragraph = ?",
                               (body, site, paragraph))
                elif old[1] != body:
                    db.execute("INSERT OR IGNORE INTO site_furniture VALUES (?, ?)", (site, paragraph))

    def furniture(self, sites: Iterable[str]) -> dict[str, set[int]]:
        """Return each site's furniture: the hashes of paragraphs different pages of it share."""
        out: dict[str, set[int]] = {}
        for site in set(sites):
            out[site] = {int(r[0]) for r in self.db.execute("SELECT paragraph FROM site_furniture WHERE site = ?",
                                                            (site,))}
        return out

    def stored_features(self, urls: Sequence[str]) -> dict[str, StoredFeatures]:
        """Return the stored features of the articles at some URLs (those that have any)."""
        out: dict[str, StoredFeatures] = {}
        for chunk in _chunks(list(dict.fromkeys(urls))):
            marks = ",".join("?" * len(chunk))
            for url, article_id, key, data, body_len, signature in self.db.execute(
                    "SELECT url, article_id, key, data, body_len, signature FROM article_features"  # noqa: S608
                    f" WHERE url IN ({marks})", chunk):
                out[str(url)] = StoredFeatures(str(article_id), str(key), bytes(data), int(body_len), bytes(signature))
        return out

    def save_features(self, rows: Sequence[FeatureRow]) -> int:
        """Store features (replacing each article's older ones, keys and term counts); return how many changed."""
        changed = 0
        df: Counter[str] = Counter()
        with self.transaction() as db:
            for row in rows:
                old = db.execute("SELECT ref, article_id, key, published, terms, lookup FROM article_features"
                                 " WHERE url = ?", (row.url,)).fetchone()
                if old is not None and (old[1], old[2]) == (row.article_id, row.key):
                    continue
                if old is not None:
                    day = _day(dt.date.fromisoformat(old[3]) if old[3] else None)
                    self._forget(db, int(old[0]), day, terms=old[4], lookup=old[5], df=df)
                ref = self._write_row(db, row, None if old is None else int(old[0]))
                day = _day(row.published)
                if day:
                    db.executemany("INSERT OR IGNORE INTO article_keys VALUES (?, ?, ?)",
                                   [(k, day, ref) for k in set(row.lookup)])
                df.update(set(row.terms))
                if old is None:
                    db.execute("INSERT INTO archive_counters VALUES ('documents', 1)"
                               " ON CONFLICT(name) DO UPDATE SET value = value + 1")
                changed += 1
            db.executemany("INSERT INTO term_df VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
                           [(t, n) for t, n in df.items() if n > 0])
            fewer = [(n, t) for t, n in df.items() if n < 0]
            db.executemany("UPDATE term_df SET df = df + ? WHERE term = ?", fewer)
            db.executemany("DELETE FROM term_df WHERE term = ? AND df <= 0", [(t,) for _n, t in fewer])
        return changed

    def dequeue_features(self, done: Sequence[tuple[str, str]]) -> None:
        """Take (URL, content id) pairs off the queue; a page changed again since it was read stays queued."""
        with self.transaction() as db:
            db.executemany("DELETE FROM feature_queue WHERE url = ? AND (SELECT id FROM articles WHERE url = ?) = ?",
                           [(url, url, article_id) for url, article_id in done])

    @staticmethod
    def _write_row(db: sqlite3.Connection, row: FeatureRow, ref: int | None) -> int:
        """Insert or replace one features row; return its ref."""
        values = (row.url, row.article_id, row.key, row.published.isoformat() if row.published else None,
                  row.body_len, row.signature, "\n".join(sorted(set(row.terms))).encode("utf-8"),
                  _pack_ints(sorted(set(row.lookup))), row.data)
        if ref is None:
            cur = db.execute("INSERT INTO article_features (url, article_id, key, published, body_len, signature,"
                             " terms, lookup, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
            return int(cur.lastrowid or 0)
        db.execute("UPDATE article_features SET url = ?, article_id = ?, key = ?, published = ?, body_len = ?,"
                   " signature = ?, terms = ?, lookup = ?, data = ? WHERE ref = ?", (*values, ref))
        return ref

    @staticmethod
    def _forget(db: sqlite3.Connection, ref: int, day: int, *, terms: bytes, lookup: bytes, df: Counter[str]) -> None:
        """Remove an old version's keys and take its terms off the document frequencies."""
        if day:
            db.executemany("DELETE FROM article_keys WHERE key = ? AND day = ? AND ref = ?",
                           [(k, day, ref) for k in _unpack_ints(lookup)])
        df.subtract(t for t in bytes(terms).decode("utf-8").split("\n") if t)

    def document_frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        """Return (articles with features, {term: how many of them contain it}) for some terms."""
        row = self.db.execute("SELECT value FROM archive_counters WHERE name = 'documents'").fetchone()
        out: dict[str, int] = {}
        for chunk in _chunks(sorted(set(terms))):
            marks = ",".join("?" * len(chunk))
            out.update((str(t), int(n)) for t, n in self.db.execute(
                f"SELECT term, df FROM term_df WHERE term IN ({marks})", chunk))  # noqa: S608
        return (int(row[0]) if row else 0), out

    def neighbours_between(self, since: dt.date, before: dt.date) -> list[Neighbour]:
        """Return the articles dated in [since, before) with their signatures (reprint candidates of newer ones)."""
        rows = self.db.execute(
            "SELECT f.url, a.publisher, a.origin, f.published, f.body_len, f.signature FROM article_features f"
            " JOIN articles a ON a.url = f.url WHERE f.published >= ? AND f.published < ?",
            (since.isoformat(), before.isoformat())).fetchall()
        return [Neighbour(str(r[0]), str(r[1]), str(r[2]), dt.date.fromisoformat(r[3]), int(r[4]), bytes(r[5]))
                for r in rows]

    def keyed_articles(self, keys: Iterable[int], since: dt.date, before: dt.date,
                       per_key: int) -> dict[int, list[str]]:
        """Return, per look-up key, the URLs of the newest `per_key` articles dated in [since, before) that have it."""
        out: dict[int, list[str]] = {}
        low, high = since.toordinal(), before.toordinal()
        for key in set(keys):
            found = self.db.execute(
                "SELECT f.url FROM article_keys k JOIN article_features f ON f.ref = k.ref"
                " WHERE k.key = ? AND k.day >= ? AND k.day < ? ORDER BY k.day DESC LIMIT ?",
                (key, low, high, per_key)).fetchall()
            if found:
                out[key] = [str(r[0]) for r in found]
        return out

