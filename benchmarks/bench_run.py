"""`dailybrief run` without the fetch: the demo day and a synthetic 2,000-article day.

Each case fills an archive first (not timed), then times `run_brief(..., collect=False)` —
select, reprints, events, rank, write, verify and the four renderers — in a fresh child
process, reporting wall time and peak RSS. Target: under 60 s for a 2,000-article day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_stories import ISSUE_DATE, load_archive, make_config

from dailybrief.collect.ingest import ingest
from dailybrief.config import Config, load_config
from dailybrief.demo import demo_root, prepare
from dailybrief.demo.siteserver import SiteServer
from dailybrief.models import Fetch
from dailybrief.pipeline import run_brief
from dailybrief.store.archive import Archive


def fill_synthetic(db: Path, size: int, seed: int) -> None:
    """Store the synthetic archive of `size` articles (bench_stories' generator) into `db`."""
    articles, _truth = load_archive(size, seed)
    with Archive(db) as archive:
        for article in articles:
            fetch = Fetch(article.url, article.url, 200, {"content-type": "text/html"},
                          article.text.encode("utf-8"), dt.datetime.now(dt.UTC))
            archive.save_article(fetch, article)


def timed_run(config: Config, db: Path, day: dt.date, out: Path, queue: Any) -> None:
    """Child process: run the brief from the archive and report seconds, peak RSS and the brief's size."""
    start = time.perf_counter()
    with Archive(db) as archive:
        result = run_brief(config, archive, day, out, lambda _line: None, collect=False)
    seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"seconds": round(seconds, 2), "peak_mib": round(peak_mib), "sections": len(result.brief.sections),
               "stories": len(result.stories.stories), "articles": len(Archive(db).articles())})


def measure(config: Config, db: Path, day: dt.date, out: Path) -> dict[str, Any]:
    """Time one run in a fresh process."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=timed_run, args=(config, db, day, out, queue))
    child.start()
    result: dict[str, Any] = queue.get(timeout=900)
    child.join()
    return result


def main() -> None:
    """Run the cases and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=2000, help="articles in the synthetic day")
    parser.add_argument("--seed", type=int, default=20260617)
    parser.add_argument("--window", type=int, default=60, help="window_days: 60 puts every article in play")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        work = Path(tmp)
        with SiteServer(demo_root() / "site") as server:
            config_path = prepare(work / "demo", server)
            demo_config = load_config(config_path)
            with Archive(work / "demo.db") as archive:
                ingest(demo_config, archive, demo_config.brief.date)
        rows.append(("demo day (32 pages)", measure(demo_config, work / "demo.db", demo_config.brief.date or
                                                    ISSUE_DATE, work / "demo-out")))
        fill_synthetic(work / "synthetic.db", args.size, args.seed)
        synthetic = make_config(args.window)
        rows.append((f"synthetic day ({args.size} articles, window {args.window} days)",
                     measure(synthetic, work / "synthetic.db", ISSUE_DATE, work / "synthetic-out")))
    print("| case | wall s | peak RSS MiB | articles | stories | sections |")
    print("|---|---|---|---|---|---|")
    for name, r in rows:
        print(f"| {name} | {r['seconds']} | {r['peak_mib']} | {r['articles']} | {r['stories']} | {r['sections']} |")
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
