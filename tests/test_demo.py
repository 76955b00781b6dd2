"""`dailybrief demo` on the bundled demo site, checked against the site's own answer key."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "dailybrief" / "demo"
EXPECTED = json.loads((DEMO / "expected.json").read_text(encoding="utf-8"))


def article_key(url: str) -> str:
    """Map an archived URL back to the answer key's path (site path, or local/<file>)."""
    if url.startswith("file://"):
        return "local/" + url.rsplit("/", 1)[1]
    return url.split("/", 3)[3]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("demo") / "out"
    proc = subprocess.run([sys.executable, "-m", "dailybrief", "demo", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, check=False)
    return proc, out


@pytest.fixture(scope="module")
def archived(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> dict[str, sqlite3.Row]:
    _proc, out = demo_run
    db = sqlite3.connect(out / "dailybrief.db")
    db.row_factory = sqlite3.Row
    return {article_key(r["url"]): r for r in db.execute("SELECT * FROM articles")}


def test_demo_runs_every_source_ok_and_says_where_the_archive_is(demo_run):
    proc, out = demo_run
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.split() and line.split()[1:2] in (["feed"], ["page"],
                                                                                                    ["dir"])]
    assert len(rows) == 10
    assert all(row.split()[2] == "ok" for row in rows), proc.stdout
    assert str((out / "dailybrief.db").resolve()) in proc.stdout


def test_every_demo_page_is_archived_once(archived):
    assert sorted(archived) == sorted(EXPECTED["dates"])


@pytest.mark.parametrize("path", sorted(EXPECTED["dates"]))
def test_demo_page_date_and_title(archived, path):
    row = archived[path]
    assert row["published"] == EXPECTED["dates"][path]
    assert row["title"] == EXPECTED["titles"][path]


@pytest.mark.parametrize("path", sorted(EXPECTED["origins"]))
def test_reprints_name_their_original_publisher(archived, path):
    assert archived[path]["origin"] == EXPECTED["origins"][path]


def test_gbk_pages_are_decoded(archived):
    for path in EXPECTED["gbk_pages"]:
        assert (DEMO / "site" / path).read_bytes().decode("gb18030")  # the fixture really is GBK
        assert EXPECTED["titles"][path] == archived[path]["title"]
        assert "\ufffd" not in archived[path]["text"]


def test_events_facts_survive_extraction(archived):
    for event in EXPECTED["events"]:
        text = archived[event["primary"]]["title"] + archived[event["primary"]]["text"]
        missing = [fact for fact in event["facts"] if fact not in text]
        assert not missing, (event["id"], missing)


def test_the_demo_shows_that_a_second_ingest_adds_nothing(demo_run):
    proc, _out = demo_run
    assert "same day again: 0 new" in proc.stdout


def test_running_the_demo_again_starts_a_fresh_archive(demo_run):
    _proc, out = demo_run
    proc = subprocess.run([sys.executable, "-m", "dailybrief", "demo", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    db = sqlite3.connect(out / "dailybrief.db")
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(EXPECTED["dates"])
