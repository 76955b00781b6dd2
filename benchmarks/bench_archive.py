"""What a year of history costs a daily run: `run_brief` on the same news with an empty and a full archive.

Run `python benchmarks/bench_archive.py --help`. Two archives are built from one deterministic
timeline (bench_stories' generator: 低空经济 events reported by 1–20 of ~50 publishers, ~20 %
off-theme news, ~10 % reprints, 《documents》 that recur through the year):

- **empty history**: only the news — the articles dated in the window (the issue date and the
  `window_days` days before it);
- **full history**: the same news plus `--days` days of history before the window, `--per-day`
  articles a day.

Each archive is filled day by day the way a daily ingest fills it (`Archive.save_article` per
page, then what ingest does after storing — `dailybrief.pipeline.index_articles` and the
`dailybrief_articles_stored` hook, with which the editor app indexes them for search — once a
day), then `run_brief(..., collect=False)` runs in a fresh child process on a copy of each, and
the script prints one JSON line: `run_empty_s`, `run_full_s`, `ratio` (full / empty, the same
news), `peak_empty_mib`, `peak_full_mib` (VmHWM of each child), the article counts, and how long
the daily indexing took on the history's last day. Targets: ratio ≤ 1.5, peak ≤ 1.5 GiB with a
year of history. Filled archives are cached in `benchmarks/out/` (keyed by the arguments, the
generator and the dailybrief sources; `--reuse` keeps one whatever the sources).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import bench_stories as gen  # noqa: E402 - the synthetic 低空经济 vocabulary and report writer
from common import code_version, machine, peak_rss_mib  # noqa: E402

from dailybrief.config import Config  # noqa: E402
from dailybrief.models import Article, Fetch, content_id  # noqa: E402
from dailybrief.pipeline import index_articles  # noqa: E402
from dailybrief.plugins.manager import plugin_manager  # noqa: E402
from dailybrief.store.archive import Archive  # noqa: E402

ISSUE_DATE = gen.ISSUE_DATE
ARCHIVE_VERSION = 1
ON_SHARE, OFF_SHARE = 0.7, 0.2  # the rest are reprints
TARGET_RATIO = 1.5
TARGET_MIB = 1536.0


def generate_days(first: dt.date, last: dt.date, per_day: int,
                  seed: int) -> Iterator[tuple[dt.date, list[Article]]]:
    """Yield (day, its articles) from `first` to `last`: event reports over 1–4 days, off-theme news, reprints."""
    rng = random.Random(seed)
    pending: dict[dt.date, list[tuple[str, list[str], int]]] = defaultdict(list)
    recent: list[tuple[dt.date, dict[str, Any]]] = []  # originals of the last days, to reprint
    serial = 0
    day = first
    while day <= last:
        records: list[dict[str, Any]] = []

        def add(source: int, title: str, paras: list[str], origin: str = "", *, when: dt.date,
                into: list[dict[str, Any]]) -> dict[str, Any]:
            """Record one article of the day."""
            nonlocal serial
            serial += 1
            _name, level, host, publisher = gen.SOURCES[source]
            path = f"{'xwzx' if level == 'media' else 'zwgk'}/{when:%Y%m}/t{when:%Y%m%d}_{serial:07d}.html"
            record = {"url": f"https://{host}/{path}", "source": source, "title": title, "paras": paras,
                      "origin": origin, "publisher": publisher}
            into.append(record)
            return record

        for title, paras, source in pending.pop(day, []):
            recent.append((day, add(source, title, paras, when=day, into=records)))
        while len(records) < per_day * ON_SHARE:
            kind = rng.choices(gen.KINDS, weights=gen.KIND_WEIGHTS)[0]
            facts = gen.event_facts(rng, kind, day)
            reports = min(20, 1 + int(rng.expovariate(1 / 6.0)))
            sources = rng.sample(range(len(gen.SOURCES)), reports)
            for n, source in enumerate(sources):
                when = day + dt.timedelta(days=0 if n == 0 else rng.choice((0, 0, 1, 1, 2, 3)))
                title, paras = gen.write_report(rng, kind, facts, source, when)
                if when == day:
                    recent.append((day, add(source, title, paras, when=day, into=records)))
                else:
                    pending[when].append((title, paras, source))
        for _ in range(round(per_day * OFF_SHARE)):
            title, paras = gen.write_off_theme(rng, day)
            recent.append((day, add(rng.randrange(len(gen.SOURCES)), title, paras, when=day, into=records)))
        recent = [(d, r) for d, r in recent if (day - d).days <= 4]
        for _ in range(per_day - len(records)):
            _when, original = rng.choice(recent)
            source = rng.choice([i for i in gen.MEDIA_SOURCES if i != original["source"]])
            origin = rng.choice(gen.ORIGIN_SPELLINGS).format(p=original["publisher"])
            add(source, original["title"], gen.reprint_body(rng, original["paras"], original["publisher"]), origin,
                when=day, into=records)
        yield day, [_article(r, day) for r in records]
        day += dt.timedelta(days=1)


def _article(record: dict[str, Any], day: dt.date) -> Article:
    """Return the Article of a generated record."""
    text = "\n".join(record["paras"])
    name, _level, _host, publisher = gen.SOURCES[record["source"]]
    return Article(id=content_id(record["url"], record["title"], text), url=record["url"], source=name,
                   title=record["title"], published=day, publisher=publisher, origin=record["origin"], text=text,
                   paragraphs=tuple(record["paras"]), lang="zh")


def page_of(article: Article) -> Fetch:
    """Return a raw fetch for an article: a small HTML page holding it (what the archive keeps raw)."""
    body = "".join(f"<p>{p}</p>" for p in article.paragraphs)
    html = f"<html><head><title>{article.title}</title></head><body><h1>{article.title}</h1>{body}</body></html>"
    return Fetch(article.url, article.url, 200, {"content-type": "text/html; charset=utf-8"}, html.encode("utf-8"),
                 dt.datetime.combine(article.published or ISSUE_DATE, dt.time(8), dt.UTC))


def index_day(config: Config, archive: Archive, urls: list[str]) -> None:
    """Do what a daily ingest does after storing the day's pages: compute their features, tell the plugins."""
    index_articles(config, archive)
    plugin_manager().hook.dailybrief_articles_stored(archive=archive, urls=urls)  # the editor app's search index


def fill(path: Path, config: Config, args: argparse.Namespace, *, history: bool) -> dict[str, Any]:
    """Fill one archive day by day; return its counts and the last history day's indexing time."""
    window_start = ISSUE_DATE - dt.timedelta(days=config.brief.window_days)
    first = window_start - dt.timedelta(days=args.days)
    stored = 0
    last_index_s = 0.0
    with Archive(path) as archive:
        for day, articles in generate_days(first, ISSUE_DATE, args.per_day, args.seed):
            if not history and day < window_start:
                continue
            for article in articles:
                archive.save_article(page_of(article), article)
            stored += len(articles)
            start = time.perf_counter()
            index_day(config, archive, [a.url for a in articles])
            if day == window_start - dt.timedelta(days=1):
                last_index_s = time.perf_counter() - start
            if day.day == 1 or day == ISSUE_DATE:
                print(f"  {path.name}: {day}: {stored} articles", file=sys.stderr, flush=True)
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"articles": stored, "index_last_day_s": round(last_index_s, 3), "bytes": path.stat().st_size}


def cached_archive(config: Config, args: argparse.Namespace, *, history: bool) -> tuple[Path, dict[str, Any]]:
    """Return a filled archive from the cache, filling it first when missing."""
    sources = "" if args.reuse else code_version()
    key = hashlib.sha256(json.dumps([args.days, args.per_day, args.seed, config.brief.window_days, history,
                                     gen.generator_digest(), ARCHIVE_VERSION, sources]).encode()).hexdigest()[:12]
    path = gen.OUT / f"archive-{'full' if history else 'empty'}-{args.days}x{args.per_day}-{key}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        return path, json.loads(meta.read_text())
    gen.OUT.mkdir(parents=True, exist_ok=True)
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    start = time.perf_counter()
    info = fill(path, config, args, history=history)
    info["fill_s"] = round(time.perf_counter() - start, 1)
    meta.write_text(json.dumps(info))
    return path, info


def timed_run(config: Config, db: str, out: str, queue: Any) -> None:
    """Child process: run the brief from the archive; report wall seconds, peak RSS and what it found."""
    from dailybrief.pipeline import run_brief
    from dailybrief.text.tokens import tokens

    tokens("低空经济")  # load jieba's dictionary before the clock starts, as a long-lived process has it
    start = time.perf_counter()
    with Archive(db) as archive:
        result = run_brief(config, archive, ISSUE_DATE, out, lambda _line: None, collect=False)
    seconds = time.perf_counter() - start
    stories = result.stories.stories
    queue.put({"seconds": seconds, "peak_mib": peak_rss_mib(), "sections": len(result.brief.sections),
               "stories": len(stories), "background": sum(s.background for s in stories),
               "references": len(result.brief.references)})


def measure(config: Config, db: Path, work: Path, name: str) -> dict[str, Any]:
    """Time one run in a fresh process on a fresh copy of an archive."""
    copy = work / f"{name}.db"
    with closing(sqlite3.connect(db)) as source:  # the cached file whole, nothing left in its write-ahead log
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(db, copy)  # (sqlite's backup would write it into the copy's WAL, checkpointed mid-run)
    with copy.open("rb+") as handle:  # on disk before the clock starts: the run's first fsync would flush it all
        os.fsync(handle.fileno())
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=timed_run, args=(config, str(copy), str(work / f"{name}-out"), queue))
    child.start()
    result: dict[str, Any] = queue.get(timeout=3600)
    child.join()
    copy.unlink()
    shutil.rmtree(work / f"{name}-out", ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) both archives, time the runs, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=365, help="days of history before the window (365)")
    parser.add_argument("--per-day", type=int, default=300, help="articles a day (300)")
    parser.add_argument("--window", type=int, default=7, help="[brief] window_days (7, the default)")
    parser.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case; the median is reported")
    parser.add_argument("--reuse", action="store_true", help="use a cached archive even if dailybrief changed")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args(argv)
    config = gen.make_config(args.window)
    empty_db, empty_info = cached_archive(config, args, history=False)
    full_db, full_info = cached_archive(config, args, history=True)
    runs: dict[str, list[dict[str, Any]]] = {"empty": [], "full": []}
    with tempfile.TemporaryDirectory(prefix="bench-archive-", dir=gen.OUT) as tmp:
        for _ in range(args.repeat):
            for name, db in (("empty", empty_db), ("full", full_db)):
                runs[name].append(measure(config, db, Path(tmp), name))
    empty_s = statistics.median(r["seconds"] for r in runs["empty"])
    full_s = statistics.median(r["seconds"] for r in runs["full"])
    result = {
        "run_empty_s": round(empty_s, 2), "run_full_s": round(full_s, 2), "ratio": round(full_s / empty_s, 2),
        "peak_empty_mib": round(max(r["peak_mib"] for r in runs["empty"])),
        "peak_full_mib": round(max(r["peak_mib"] for r in runs["full"])),
        "articles_empty": empty_info["articles"], "articles_full": full_info["articles"],
        "archive_full_mb": round(full_info["bytes"] / 1e6), "index_day_s": full_info["index_last_day_s"],
        "stories_empty": runs["empty"][0]["stories"], "stories_full": runs["full"][0]["stories"],
        "background_full": runs["full"][0]["background"], "sections": runs["full"][0]["sections"],
        "days": args.days, "per_day": args.per_day, "window_days": args.window, "repeat": args.repeat,
        "code": code_version(),
    }
    if not args.json:
        print(machine(), file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False))
    met = result["ratio"] <= TARGET_RATIO and result["peak_full_mib"] <= TARGET_MIB
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
