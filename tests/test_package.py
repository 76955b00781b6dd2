"""The package as a library: its public API, its log, its layers, and archives written by the previous release."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import dailybrief
from dailybrief.config import load_config
from dailybrief.demo import demo_root, prepare
from dailybrief.demo.siteserver import SiteServer
from dailybrief.store.archive import MIGRATIONS, Archive
from dailybrief.web.store import WEB_MIGRATIONS, WebStore

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
DEMO_DAY = dt.date(2026, 11, 20)
# What the 0.1.0 archive (the demo's, plus one editor) holds; written by the release before the package split.
OLD_ARCHIVE = {"articles": 32, "fetches": 32, "briefs": 1, "brief_revisions": 1, "story_history": 14,
               "verifications": 50, "users": 1}


def test_public_api_is_the_documented_functions():
    assert sorted(dailybrief.__all__) == ["Page", "build_stories", "extract_article", "load_config", "run_brief",
                                          "verify_brief"]
    for name in dailybrief.__all__:
        assert callable(getattr(dailybrief, name)), name
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = dailybrief.nothing  # type: ignore[attr-defined]


def test_importing_the_package_loads_no_stage():
    code = ("import sys, dailybrief; print(sorted(m for m in sys.modules if m.startswith('dailybrief.')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert proc.stdout.strip() == "[]"


def test_the_tree_reads_as_the_pipeline():
    top = sorted(p.name for p in (ROOT / "dailybrief").glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "models.py", "pipeline.py"]
    for package in ("collect", "extract", "store", "text", "stories", "write", "verify", "render", "publish", "web"):
        doc = (ROOT / "dailybrief" / package / "__init__.py").read_text(encoding="utf-8")
        assert doc.startswith('"""') and len(doc.strip()) > 40, package
    long = [str(p.relative_to(ROOT)) for p in (ROOT / "dailybrief").rglob("*.py")
            if "demo/site" not in str(p) and len(p.read_text(encoding="utf-8").splitlines()) > 520]
    assert long == []


def test_layer_contracts_hold():
    proc = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "5 kept, 0 broken" in proc.stdout


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use it as a library", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def test_readme_library_example_runs_the_pipeline(tmp_path: Path):
    code = _readme_example()
    assert len([line for line in code.splitlines() if line.strip() and not line.startswith(("import", "from"))]) <= 5
    with SiteServer(demo_root() / "site") as server:
        config = prepare(tmp_path, server)
        config.rename(tmp_path / "dailybrief.toml")
        date = re.search(r"dt\.date\((\d+), (\d+), (\d+)\)", code)
        assert date, code
        runnable = code.replace(date.group(0), f"dt.date({DEMO_DAY.year}, {DEMO_DAY.month}, {DEMO_DAY.day})")
        proc = subprocess.run([sys.executable, "-c", runnable], cwd=tmp_path, capture_output=True, text=True,
                              timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "主线" in proc.stdout
    assert (tmp_path / "out" / "brief.pdf").stat().st_size > 10_000
    assert proc.stderr == ""  # the library prints nothing; its log goes nowhere until configured


def test_library_logs_through_the_package_logger(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    with SiteServer(demo_root() / "site") as server:
        config = load_config(prepare(tmp_path, server))
        with caplog.at_level(logging.INFO, logger="dailybrief"):
            dailybrief.run_brief(config, tmp_path / "archive.db", DEMO_DAY, tmp_path / "out")
    names = {r.name for r in caplog.records}
    assert {"dailybrief.stories.build", "dailybrief.pipeline"} <= names
    selected = [r.getMessage() for r in caplog.records if r.name == "dailybrief.stories.build"]
    assert re.search(r"\d+ selected", selected[0])


def _old_archive(tmp_path: Path) -> Path:
    db = tmp_path / "old.db"
    db.write_bytes(gzip.decompress((FIXTURES / "archive-0.1.0.db.gz").read_bytes()))
    return db


def _counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return {table: con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in OLD_ARCHIVE}  # noqa: S608
    finally:
        con.close()


def test_an_archive_of_the_previous_release_opens_and_keeps_everything(tmp_path: Path):
    db = _old_archive(tmp_path)
    assert _counts(db) == OLD_ARCHIVE
    with Archive(db) as archive:
        applied = archive.migrate()
        store = WebStore(archive)
        names = [r[0] for r in archive.db.execute("SELECT name FROM migrations ORDER BY rowid")]
        # the release's eight migrations stay first, in their order; the new ones follow, each once
        assert applied == [] and sorted(names) == sorted(n for n, _sql in [*MIGRATIONS, *WEB_MIGRATIONS])
        assert names[:8] == ["0001_initial", "0002_unextracted", "0003_story_history", "0004_verifications",
                             "0005_llm_cache", "0006_briefs", "0007_users", "0008_search"]
        assert "0011_verification_claims" in names[8:]
        claims = {r[0] for r in archive.db.execute("SELECT claims FROM verifications")}
        assert claims <= {"[]"}  # old verdicts keep their rows, with no per-claim verdicts
        assert store.users() == ["editor"]
        assert len(archive.articles()) == OLD_ARCHIVE["articles"]
        assert archive.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _counts(db) == OLD_ARCHIVE


def test_an_archive_of_the_previous_release_runs_with_the_new_code(tmp_path: Path):
    db = _old_archive(tmp_path)
    with SiteServer(demo_root() / "site") as server:
        config = prepare(tmp_path / "cfg", server)
    proc = subprocess.run([str(DAILYBRIEF), "run", "--config", str(config), "--date", DEMO_DAY.isoformat(),
                           "--out", str(tmp_path / "out"), "--db", str(db), "--no-collect"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    brief = json.loads((tmp_path / "out" / "brief.json").read_text(encoding="utf-8"))
    assert len(brief["sections"]) == 5 and brief["verification"]["unsupported"] == 0
    after = _counts(db)
    assert after["articles"] == OLD_ARCHIVE["articles"] and after["users"] == 1 and after["briefs"] == 1
    # the run of the same day adds a revision only when the brief changed; the editor's history is kept
    assert after["brief_revisions"] >= OLD_ARCHIVE["brief_revisions"]


def test_verbose_and_quiet_on_every_command():
    for command in ("run", "stories", "ingest", "sources", "verify", "extract", "publish", "daily", "demo", "serve",
                    "init"):
        proc = subprocess.run([str(DAILYBRIEF), command, "--help"], capture_output=True, text=True, timeout=60,
                              check=True)
        assert "-v, --verbose" in proc.stdout and "-q, --quiet" in proc.stdout, command


def test_cli_verbosity_levels(tmp_path: Path):
    with SiteServer(demo_root() / "site") as server:
        config = prepare(tmp_path, server)
        runs = {}
        for flags in ([], ["-v"], ["-q"]):
            out = tmp_path / ("out" + "".join(flags))
            runs[tuple(flags)] = subprocess.run(
                [str(DAILYBRIEF), "run", *flags, "--config", str(config), "--out", str(out)],
                capture_output=True, text=True, timeout=300, check=False)
    plain, verbose, quiet = runs[()], runs[("-v",)], runs[("-q",)]
    assert plain.returncode == verbose.returncode == quiet.returncode == 0
    assert "ranking stories" in plain.stderr and "INFO" not in plain.stderr
    assert re.search(r"^INFO stories\.build: .*\d+ selected", verbose.stderr, re.M), verbose.stderr[-1500:]
    assert "ranking stories" not in quiet.stderr and "INFO" not in quiet.stderr
    assert "sections" in quiet.stdout  # results still print
