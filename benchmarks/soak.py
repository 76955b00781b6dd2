"""A 30-day soak: `dailybrief ingest` + `dailybrief run` every simulated day against a faulty site on loopback.

Run `python benchmarks/soak.py --help`. The site (soaksite.py) publishes new 低空经济 articles every
day, with reprints; 新华网 is down (503) for three days, 低空快讯's feed is garbage, and 聚合订阅's feed
points only at a local file, private and link-local addresses and a redirect to the cloud metadata
address. Each day runs the real commands in child processes — `ingest`, then `run --no-collect` —
and on the kill day a full `run` is killed with SIGKILL while it is fetching that day's pages, then
the day is run again. After every day the soak checks:

- a brief was written, or the run stopped with the one clear "no usable article" line;
- `PRAGMA integrity_check` is ok;
- every page the site published and a correct collector could reach is in the archive exactly once
  (none lost, none extra), each with its features computed once, and no page of the faulty sources;
- 聚合订阅's items were each refused (a health line "refused: …"), the local file's contents are
  nowhere in the archive, and the site's request log holds only paths a correct collector asks for.

It prints one line per day and a summary: the day-1 and day-N run times and peak memory (the
`run` process's, from the kernel's accounting of that child), their ratio, and the counts of lost,
duplicated and forbidden fetches. Targets: ratio ≤ 1.3, none lost, duplicated or forbidden.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import bench_stories as gen  # noqa: E402 - the 低空经济 theme
from soaksite import SOURCES, SoakSite  # noqa: E402

DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
FIRST_DAY = dt.date(2026, 6, 1)
CANARY = "SOAK-CANARY-本地文件不得读取"
NO_NEWS = "dailybrief: error: no usable article"
TARGET_RATIO = 1.3
HOSTILE = SOURCES.index(next(s for s in SOURCES if s.behaviour == "hostile"))
GARBAGE = SOURCES.index(next(s for s in SOURCES if s.behaviour == "garbage"))


@dataclass
class Day:
    """What one simulated day did and what was checked."""

    day: str
    ingest_s: float
    run_s: float
    run_peak_mib: float
    outcome: str  # brief | no news
    sections: int
    articles: int
    killed: bool = False
    problems: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The whole soak."""

    days: list[Day]
    lost: int
    duplicated: int
    forbidden: int
    served: int

    def summary(self) -> dict[str, Any]:
        """Return the numbers the soak is judged by."""
        first, last = self.days[0], self.days[-1]
        return {"days": len(self.days), "run_day1_s": first.run_s, f"run_day{len(self.days)}_s": last.run_s,
                "ratio": round(last.run_s / first.run_s, 2) if first.run_s else None,
                "peak_day1_mib": first.run_peak_mib, f"peak_day{len(self.days)}_mib": last.run_peak_mib,
                "lost": self.lost, "duplicated": self.duplicated, "forbidden": self.forbidden,
                "requests_served": self.served, "articles": last.articles,
                "problems": [f"{d.day}: {p}" for d in self.days for p in d.problems]}


def config_text(base: str) -> str:
    """Return the soak's config: the 低空经济 theme, one feed per source, short timeouts (a down source is quick)."""
    theme = gen.THEME
    lines = ["[brief]", 'title = "低空经济每日动态"', 'publishers = ["低空经济研究室"]', "window_days = 7",
             "max_sections = 5", "", "[theme]", f'name = "{theme["name"]}"', f'description = "{theme["description"]}"',
             "keywords = " + json.dumps(theme["keywords"], ensure_ascii=False), "", "[collect]",
             "connect_timeout = 2.0", "read_timeout = 5.0", "total_timeout = 15.0", "retries = 1", "backoff = 0.2"]
    for i, source in enumerate(SOURCES):
        lines += ["", "[[source]]", f'name = "{source.name}"', f'url = "{base}/s{i}/feed.xml"', 'type = "feed"',
                  f'level = "{source.level}"']
    return "\n".join(lines) + "\n"


def timed(args: list[str], *, kill_when: Callable[[], bool] | None = None) -> tuple[int, float, float, str, bool]:
    """Run the real command; return (exit status, seconds, peak RSS MiB, stderr, killed).

    With `kill_when`, the process is sent SIGKILL as soon as the condition holds.
    """
    with tempfile.TemporaryFile(mode="w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen([str(DAILYBRIEF), "-q", *args], stdout=subprocess.DEVNULL, stderr=err, text=True)
        killed = False
        if kill_when is not None:
            while process.poll() is None and not kill_when():
                time.sleep(0.01)
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                killed = True
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        err.seek(0)
        return process.returncode, seconds, usage.ru_maxrss / 1024, err.read(), killed


def check_archive(db: Path, expected: set[str], canary: str) -> tuple[list[str], int, int]:
    """Check the archive after a day; return (problems, lost, extra)."""
    problems = []
    with closing(sqlite3.connect(db)) as connection:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("integrity_check failed")
        urls = [str(r[0]) for r in connection.execute("SELECT url FROM articles")]
        indexed = connection.execute("SELECT COUNT(*), COUNT(DISTINCT url) FROM article_features").fetchone()
        queued = connection.execute("SELECT COUNT(*) FROM feature_queue").fetchone()[0]
        leaked = connection.execute("SELECT COUNT(*) FROM articles WHERE text LIKE ? OR url LIKE 'file:%'",
                                    (f"%{canary}%",)).fetchone()[0]
        local = connection.execute("SELECT COUNT(*) FROM fetches WHERE url LIKE 'file:%'").fetchone()[0]
        health = connection.execute(
            "SELECT errors FROM source_health WHERE source = ? ORDER BY run_id DESC LIMIT 1",
            (SOURCES[HOSTILE].name,)).fetchone()
    lost, extra = expected - set(urls), set(urls) - expected
    if lost or extra or len(urls) != len(set(urls)):
        problems.append(f"{len(lost)} pages lost, {len(extra)} not expected, {len(urls) - len(set(urls))} twice")
    if indexed != (len(urls), len(urls)) or queued:
        problems.append(f"features: {indexed[0]} rows for {len(urls)} articles, {queued} still queued")
    if leaked or local:
        problems.append("a local file reached the archive")
    refused = [line for line in json.loads(health[0]) if "refused" in line] if health else []
    if len(refused) < 5:
        problems.append(f"聚合订阅: {len(refused)} of 5 items refused: {health[0] if health else 'no health row'}")
    return problems, len(lost), len(extra)


def soak(work: Path, *, days: int, per_day: int, kill_day: int | None, down: tuple[int, ...], seed: int = 20260601,
         progress: Callable[[str], None] = print) -> Report:
    """Run the soak in `work`; return what happened (see the module docstring)."""
    canary = work / "canary.txt"
    canary.write_text(f"{CANARY}\n这是一个本地文件，任何远程来源都不得读取它。\n", encoding="utf-8")
    last = FIRST_DAY + dt.timedelta(days=days - 1)
    site = SoakSite(FIRST_DAY - dt.timedelta(days=7), last, per_day, seed,
                    frozenset(FIRST_DAY + dt.timedelta(days=d - 1) for d in down), canary)
    base = site.serve()
    config, db = work / "soak.toml", work / "soak.db"
    config.write_text(config_text(base), encoding="utf-8")
    results: list[Day] = []
    lost = extra = 0
    try:
        for number in range(1, days + 1):
            day = FIRST_DAY + dt.timedelta(days=number - 1)
            site.today = day
            common = ["--config", str(config), "--date", day.isoformat(), "--db", str(db)]
            out = work / "briefs" / day.isoformat()
            killed = False
            if number == kill_day:
                started = site.slow_down(day)
                _code, _s, _mib, _err, killed = timed(["run", *common, "--out", str(out)], kill_when=started.is_set)
                site.slow_down(None)
            code, ingest_s, _mib, err, _k = timed(["ingest", *common])
            problems = [] if code == 0 else [f"ingest exit {code}: {err.strip()[-300:]}"]
            code, run_s, peak, err, _k = timed(["run", *common, "--out", str(out), "--no-collect"])
            if code == 0 and (out / "brief.json").is_file():
                outcome, sections = "brief", len(json.loads((out / "brief.json").read_text("utf-8"))["sections"])
            elif code == 1 and err.strip().startswith(NO_NEWS) and len(err.strip().splitlines()) == 1:
                outcome, sections = "no news", 0
            else:
                outcome, sections = f"exit {code}", 0
                problems.append(f"run exit {code}: {err.strip()[-300:]}")
            found, lost_today, extra_today = check_archive(db, site.expected_urls(base, day, FIRST_DAY), CANARY)
            problems += found
            lost, extra = max(lost, lost_today), max(extra, extra_today)
            with closing(sqlite3.connect(db)) as connection:
                articles = int(connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
            results.append(Day(day.isoformat(), round(ingest_s, 2), round(run_s, 2), round(peak, 1), outcome,
                               sections, articles, killed, problems))
            progress(json.dumps(asdict(results[-1]), ensure_ascii=False))
    finally:
        site.close()
    forbidden = [path for path in site.served if not site.allowed(path)]
    if forbidden:
        results[-1].problems.append(f"served paths no correct collector asks for: {sorted(set(forbidden))[:5]}")
    return Report(results, lost, extra, len(forbidden), len(site.served))


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print its days and summary; exit 1 when a check or a target fails."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=8, help="events a day (each reported by 1–3 sources)")
    parser.add_argument("--kill-day", type=int, default=10, help="the day whose run is killed with SIGKILL")
    parser.add_argument("--down", default="5,6,7", help="days 新华网 answers 503")
    parser.add_argument("--workdir", type=Path, help="keep the archive and briefs here (default: a temporary folder)")
    args = parser.parse_args(argv)
    down = tuple(int(d) for d in args.down.split(",") if d)
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        report = soak(work, days=args.days, per_day=args.per_day, kill_day=args.kill_day, down=down)
    summary = report.summary()
    print(json.dumps(summary, ensure_ascii=False))
    ratio = summary["ratio"] or 0.0
    clean = not (summary["problems"] or report.lost or report.duplicated or report.forbidden)
    return 0 if clean and ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
