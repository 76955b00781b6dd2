"""The soak's machinery on a few days (benchmarks/soak.py runs it for 30): real commands, a faulty site on loopback.

Three simulated days: 新华网 answers 503 on day 2 (its pages must arrive on day 3 from its feed),
低空快讯's feed is garbage every day, 聚合订阅 points only at a local file, private and link-local
addresses, and day 2's first run is killed with SIGKILL while it fetches that day's pages.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

import soak  # noqa: E402 - the benchmark's own module
from soaksite import SOURCES  # noqa: E402


def test_a_short_soak_loses_nothing_duplicates_nothing_and_fetches_nothing_forbidden(tmp_path: Path) -> None:
    lines: list[str] = []
    report = soak.soak(tmp_path, days=3, per_day=2, kill_day=2, down=(2,), progress=lines.append)
    summary = report.summary()
    assert summary["problems"] == []
    assert (report.lost, report.duplicated, report.forbidden) == (0, 0, 0)
    assert [d.killed for d in report.days] == [False, True, False]
    assert all(d.outcome == "brief" and d.sections > 0 for d in report.days)
    assert len(lines) == 3 and report.served > 0
    with closing(sqlite3.connect(tmp_path / "soak.db")) as db:
        by_source = dict(db.execute("SELECT source, COUNT(*) FROM articles GROUP BY source").fetchall())
        down = next(s.name for s in SOURCES if s.behaviour == "down")
        down_days = {r[0] for r in db.execute("SELECT published FROM articles WHERE source = ?", (down,))}
        garbage = next(s.name for s in SOURCES if s.behaviour == "garbage")
        health = db.execute("SELECT status, errors FROM source_health WHERE source = ? ORDER BY run_id",
                            (garbage,)).fetchall()
    assert "2026-06-02" in down_days  # published while it was down, collected when it came back
    assert garbage not in by_source and health and all(status == "broken" for status, _errors in health)
    assert all(json.loads(errors)[0] in ("not an RSS or Atom feed",) or "malformed feed XML" in errors
               for _status, errors in health)
    assert SOURCES[soak.HOSTILE].name not in by_source
