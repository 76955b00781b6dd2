"""`dailybrief prune`: raw fetch bodies go, everything a brief needs stays, and readers never notice.

Everything is real: the `dailybrief` command, SQLite archive files, a loopback HTTP server that logs
each request (tests/faulty_server.py), and `dailybrief serve` in its own process for the test of
pruning while the editor app reads the archive.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import httpx
import pytest
import storyfixtures as fx
from faulty_server import FaultyServer, conditional, page
from test_ingest_failures import chinese_page, feed, feed_source, run
from webfixtures import Built, serve_env, serving

from dailybrief.models import Article
from dailybrief.pipeline import run_brief
from dailybrief.store.archive import Archive

DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
NOW = dt.datetime.now(dt.UTC)


def dailybrief(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command."""
    return subprocess.run([str(DAILYBRIEF), *args], capture_output=True, text=True, timeout=300, check=False)


def stored_bodies(db: Path) -> int:
    """Return how many fetches still hold their raw body (read by another connection, as another process would)."""
    with closing(sqlite3.connect(db)) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM fetches WHERE length(body) > 0").fetchone()[0])


def archive_with_ages(db: Path, old: Sequence[Article], recent: Sequence[Article]) -> None:
    """Store articles whose pages were fetched 200 days ago (`old`) or an hour ago (`recent`)."""
    with Archive(db) as archive:
        for articles, when in ((old, NOW - dt.timedelta(days=200)), (recent, NOW - dt.timedelta(hours=1))):
            for a in articles:
                archive.save_article(dataclasses.replace(fx.fetch_for(a), fetched_at=when), a)


def test_prune_drops_old_raw_bodies_and_keeps_what_briefs_need(tmp_path: Path) -> None:
    articles = list(fx.day_articles().values())
    old, recent = articles[:20], articles[20:]
    db = tmp_path / "a.db"
    archive_with_ages(db, old, recent)
    config = tmp_path / "brief.toml"
    config.write_text(fx.toml_text(), encoding="utf-8")
    run_brief(fx.make_config(), db, fx.ISSUE, tmp_path / "out", collect=False)
    with closing(sqlite3.connect(db)) as connection:
        old_bytes = connection.execute("SELECT SUM(length(body)) FROM fetches WHERE fetched_at < ?",
                                       ((NOW - dt.timedelta(days=30)).isoformat(),)).fetchone()[0]
    pruned = dailybrief("prune", "--keep-raw-days", "30", "--db", str(db))
    assert pruned.returncode == 0, pruned.stderr
    assert f"dropped the raw bodies of {len(old)} fetches" in pruned.stdout
    assert f"({old_bytes / 1e6:.2f} MB compressed); kept {len(recent)}" in pruned.stdout
    assert stored_bodies(db) == len(recent)
    assert f"articles ({len(articles)})" in pruned.stdout
    checked = dailybrief("verify", str(tmp_path / "out" / "brief.json"), "--db", str(db))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    again = dailybrief("prune", "--keep-raw-days", "30", "--db", str(db))
    assert "dropped the raw bodies of 0 fetches" in again.stdout  # nothing twice
    size = db.stat().st_size
    (tmp_path / "dailybrief.db").symlink_to(db)  # the archive beside the config, as `--config` finds it
    vacuumed = dailybrief("prune", "--keep-raw-days", "0", "--vacuum", "--config", str(config))
    assert vacuumed.returncode == 0, vacuumed.stderr
    before, after = re.search(r"file: ([\d.,]+) MB → ([\d.,]+) MB", vacuumed.stdout).groups()  # type: ignore[union-attr]
    assert float(after) < float(before) and db.stat().st_size < size
    assert stored_bodies(db) == 0
    assert dailybrief("verify", str(tmp_path / "out" / "brief.json"), "--db", str(db)).returncode == 0


def test_prune_refuses_bad_input_with_one_line(tmp_path: Path) -> None:
    negative = dailybrief("prune", "--keep-raw-days", "-1", "--db", str(tmp_path / "a.db"))
    assert negative.returncode == 2 and "--keep-raw-days" in negative.stderr
    missing = dailybrief("prune", "--keep-raw-days", "3", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"dailybrief: error: {tmp_path / 'none.db'}: no such archive"
    neither = dailybrief("prune", "--keep-raw-days", "3")
    assert neither.returncode == 2 and "give --db PATH" in neither.stderr
    assert not (tmp_path / "none.db").exists()


def test_conditional_get_still_works_for_pruned_pages(faulty_server: FaultyServer, tmp_path: Path) -> None:
    validated = chinese_page(1).encode()
    faulty_server["/a.html"] = conditional(validated, '"v1"', "Mon, 15 Jun 2026 01:30:00 GMT")
    faulty_server["/b.html"] = page(chinese_page(2))  # sends no validators: a full fetch each time
    faulty_server["/feed.xml"] = feed([faulty_server.url("/a.html"), faulty_server.url("/b.html")])
    sources = [feed_source("国家数据局", faulty_server.url("/feed.xml"))]
    with Archive(tmp_path / "a.db") as archive:
        first = run(archive, sources)
        assert first.new == 2
        assert archive.prune_bodies(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).rows == 2
        assert archive.latest_body(faulty_server.url("/a.html")) is None  # the raw page is gone
        second = run(archive, sources)
        assert (second.new, second.health[0].unchanged, second.health[0].failed) == (0, 2, 0)
        asked = faulty_server.requests("/a.html")[-1]
        assert asked.headers.get("if-none-match") == '"v1"'  # still conditional: answered 304
        revised = "国家数据局印发《数据要素市场化配置改革实施方案（修订）》"
        faulty_server["/b.html"] = page(chinese_page(2, title=revised))
        third = run(archive, sources)
        assert third.new == 1
        body, _headers = archive.latest_body(faulty_server.url("/b.html")) or (b"", {})
        assert "修订" in body.decode("utf-8")
        assert archive.article_by_url(faulty_server.url("/a.html")) is not None


def test_pruning_while_serve_reads_the_archive(built: Built, tmp_path: Path) -> None:
    db = tmp_path / "served.db"
    with closing(sqlite3.connect(built.db)) as source, closing(sqlite3.connect(db)) as target:
        source.backup(target)
    with closing(sqlite3.connect(db)) as connection:
        article_id = connection.execute("SELECT id FROM articles ORDER BY url LIMIT 1").fetchone()[0]
        brief_id = connection.execute("SELECT id FROM briefs LIMIT 1").fetchone()[0]
    bodies = stored_bodies(db)
    assert bodies > 20
    pages = ["/", f"/briefs/{brief_id}", f"/articles/{article_id}", "/search?q=低空经济", "/sources"]
    statuses: list[int] = []
    stop = threading.Event()
    with serving("--db", str(db), env=serve_env(tmp_path)) as (url, _process, _log):

        def read() -> None:
            """Keep reading pages, as editors do, until told to stop."""
            with httpx.Client(base_url=url, timeout=60) as client:
                while not stop.is_set():
                    for path in pages:
                        statuses.append(client.get(path).status_code)

        reader = threading.Thread(target=read)
        reader.start()
        snapshot = sqlite3.connect(db, isolation_level=None)
        snapshot.execute("BEGIN")  # a reader in the middle of a long read: its snapshot must stay whole
        held = snapshot.execute("SELECT COUNT(*) FROM fetches WHERE length(body) > 0").fetchone()[0]
        pruned = dailybrief("prune", "--keep-raw-days", "0", "--vacuum", "--db", str(db))
        still = snapshot.execute("SELECT COUNT(*) FROM fetches WHERE length(body) > 0").fetchone()[0]
        snapshot.execute("COMMIT")
        snapshot.close()
        for path in pages:  # and after the prune, every page still reads
            statuses.append(httpx.get(url + path, timeout=60).status_code)
        stop.set()
        reader.join(timeout=120)
    assert pruned.returncode == 0, pruned.stderr
    assert f"dropped the raw bodies of {bodies} fetches" in pruned.stdout
    assert "a reader is still open" in pruned.stdout  # the file shrinks at the next checkpoint
    assert held == still == bodies
    assert statuses and set(statuses) == {200}, sorted(set(statuses))
    assert stored_bodies(db) == 0
    size = db.stat().st_size
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.stat().st_size <= size


@pytest.mark.parametrize("days", [0, 30])
def test_prune_reports_what_it_keeps(tmp_path: Path, days: int) -> None:
    articles = list(fx.day_articles().values())
    db = tmp_path / "a.db"
    archive_with_ages(db, articles[:5], articles[5:])
    result = dailybrief("prune", "--keep-raw-days", str(days), "--db", str(db))
    dropped = 5 if days else len(articles)
    assert f"dropped the raw bodies of {dropped} fetches" in result.stdout
    assert f"kept {len(articles) - dropped} (" in result.stdout and result.returncode == 0
