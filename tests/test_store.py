"""The SQLite archive: migrations, idempotent saves, raw fetches kept, bad files refused."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zlib
from pathlib import Path

import pytest

from dailybrief.models import Article, Fetch, SourceHealth, content_id
from dailybrief.store.archive import MIGRATIONS, Archive, ArchiveError


def make_fetch(url: str, body: bytes, etag: str | None = None) -> Fetch:
    headers = {"content-type": "text/html; charset=utf-8"}
    if etag:
        headers["etag"] = etag
    return Fetch(url, url, 200, headers, body, dt.datetime(2026, 11, 20, tzinfo=dt.UTC))


def make_article(url: str, text: str, published: dt.date | None = dt.date(2026, 11, 18)) -> Article:
    title = "低空经济试点通知"
    return Article(id=content_id(url, title, text), url=url, source="示例来源", title=title, published=published,
                   publisher="示例来源", origin="", text=text, paragraphs=tuple(text.split("\n")), lang="zh")


def test_migrations_are_named_applied_once_and_in_order(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        names = [r[0] for r in archive.db.execute("SELECT name FROM migrations ORDER BY rowid")]
        assert names == [name for name, _sql in MIGRATIONS]
        assert archive.migrate() == []
        assert archive.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_older_archive_gets_only_the_missing_migrations(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    first_name, first_sql = MIGRATIONS[0]
    db.executescript(first_sql)
    db.execute("INSERT INTO migrations VALUES (?, 'then')", (first_name,))
    db.commit()
    db.close()
    with Archive(path) as archive:
        applied = [r[0] for r in archive.db.execute("SELECT name FROM migrations ORDER BY rowid")]
        assert applied == [name for name, _sql in MIGRATIONS]
        assert archive.db.execute("SELECT applied_at FROM migrations WHERE name = ?", (first_name,)).fetchone()[0] \
            == "then"


def test_saving_the_same_page_twice_adds_nothing(tmp_path: Path) -> None:
    url = "http://www.example.gov.cn/t20261118_1.html"
    body = "<html><body><p>正文</p></body></html>".encode()
    with Archive(tmp_path / "a.db") as archive:
        assert archive.save_article(make_fetch(url, body, '"v1"'), make_article(url, "正文第一段")) == "new"
        assert archive.save_article(make_fetch(url, body, '"v1"'), make_article(url, "正文第一段")) == "unchanged"
        assert archive.count("articles") == 1
        assert archive.count("fetches") == 1
        stored = archive.validators(url)
        assert stored is not None and stored.etag == '"v1"'


def test_a_changed_page_updates_its_article_and_keeps_both_raw_fetches(tmp_path: Path) -> None:
    url = "http://www.example.gov.cn/t20261118_2.html"
    with Archive(tmp_path / "a.db") as archive:
        archive.save_article(make_fetch(url, b"<p>v1</p>"), make_article(url, "第一版"))
        assert archive.save_article(make_fetch(url, b"<p>v2</p>"), make_article(url, "第二版")) == "updated"
        assert archive.count("articles") == 1
        assert archive.count("fetches") == 2
        assert [a.text for a in archive.articles()] == ["第二版"]
        latest = archive.latest_body(url)
        assert latest is not None and latest[0] == b"<p>v2</p>"
        raw = archive.db.execute("SELECT body FROM fetches ORDER BY id LIMIT 1").fetchone()[0]
        assert zlib.decompress(raw) == b"<p>v1</p>"


def test_articles_are_selected_by_publication_window(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        for day in (10, 15, 20):
            url = f"http://news.example.cn/2026/11{day}/a.html"
            archive.save_article(make_fetch(url, url.encode()), make_article(url, f"{day}日消息",
                                                                             dt.date(2026, 11, day)))
        inside = archive.articles(dt.date(2026, 11, 14), dt.date(2026, 11, 20))
        assert sorted(a.published.day for a in inside if a.published) == [15, 20]


def test_run_health_is_recorded_per_source(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        run = archive.start_run("ingest", dt.date(2026, 11, 20), "c.toml")
        archive.finish_run(run, [SourceHealth("甲", "feed", seen=3, new=2, unchanged=1),
                                 SourceHealth("乙", "page", errors=["list page HTTP 404 Not Found"])])
        assert archive.last_success("甲") is not None
        assert archive.last_success("乙") is None
        history = archive.source_history("乙")
        assert history[0]["status"] == "broken"
        assert history[0]["errors"] == ["list page HTTP 404 Not Found"]


def test_a_file_that_is_not_an_archive_gives_one_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ArchiveError, match=r"notes\.db: cannot open archive"):
        Archive(bogus)
    assert bogus.read_bytes() == b"this is not a database" * 100
