"""End-to-end ingest of generated pages from loopback HTTP servers: wall time, peak RSS, re-run cost.

Run `python benchmarks/bench_ingest.py --help`. The pages are served by one
`dailybrief.demo.siteserver.SiteServer` per host (so each host has its own host:port and its own
per-host limit; `--validators` swaps in a small server that sends ETag/Last-Modified and
answers 304), all in one separate server process; each host has an RSS feed listing its
pages. Each ingest runs in a fresh child process so its peak RSS is its own: run 1 on an
empty archive, run 2 with nothing changed. The CPU of both runs is split by thin timing
wrappers; an extra profiled run (cProfile on the event-loop thread plus one profiler per
extraction thread) lists the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import email.utils
import hashlib
import json
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from common import (
    CpuMeter,
    code_version,
    machine,
    patch_extract_steps,
    peak_rss_mib,
    pin_cores,
    raw_stats,
    table,
    top_functions,
)
from pages import PLACEHOLDER, describe, generate_pages, make_sites, write_site

TARGET_SECONDS = 60.0
ISSUE_DATE = "2026-06-17"
T = TypeVar("T")
# Where a function's own CPU time is booked: the first category with a path fragment its file
# contains. C functions (file "~") are booked to their callers' categories.
CATEGORIES = {
    "extraction: trafilatura (+ justext, courlan)": ("trafilatura/", "justext/", "courlan/"),
    "extraction: htmldate": ("htmldate/", "dateparser/", "dateutil/"),
    "extraction: charset detection": ("charset_normalizer/",),
    "extraction: dailybrief/extract (+ its lxml calls)": ("dailybrief/extract/", "lxml/"),
    "archive: SQLite, zlib, JSON (dailybrief/store)": ("dailybrief/store/", "sqlite3/", "json/", "hashlib"),
    "fetch: httpx, httpcore, h11, sockets (dailybrief/collect/downloads.py)": (
        "httpx/", "httpcore/", "h11/", "anyio/", "sniffio/", "dailybrief/collect/downloads.py", "urllib/", "socket.py",
        "ssl.py", "idna/", "email/", "http/"),
    "feed parsing: feedparser (dailybrief/collect/feeds.py)": (
        "feedparser/", "sgmllib", "dailybrief/collect/feeds.py", "xml/"),
    "asyncio event loop, thread hand-off": ("asyncio/", "selectors.py", "threading.py", "concurrent/", "queue.py"),
    "dailybrief orchestration (ingest, sources, urls, models)": ("dailybrief/",),
}


OTHER = "other (stdlib: re, datetime, urllib …; lazy imports)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000, help="pages to ingest (default 1000)")
    parser.add_argument("--hosts", type=int, default=10, help="hosts (one server and one feed each; default 10)")
    parser.add_argument("--cores", type=int, default=2, help="CPUs the server and the ingest may use (default 2)")
    parser.add_argument("--concurrency", type=int, default=None, help="[collect] concurrency (default: config's)")
    parser.add_argument("--per-host", type=int, default=None, help="[collect] per_host (default: config's)")
    parser.add_argument("--seed", type=int, default=20260617, help="page generator seed")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the site and archives here (default: temp)")
    parser.add_argument("--profile", choices=["first", "second", "none"], default="first",
                        help="profile an extra run: a first (empty archive) or a second (unchanged) one")
    parser.add_argument("--top", type=int, default=25, help="functions listed from the profile (default 25)")
    parser.add_argument("--validators", action="store_true",
                        help="serve with ETag/Last-Modified and 304 answers (a small server of this script) "
                             "instead of dailybrief.demo.siteserver.SiteServer, which sends neither")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--host-names", help=argparse.SUPPRESS)
    parser.add_argument("--ingest", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--archive", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- server process ---------------------------------------------------------------------------

class ValidatingHandler(BaseHTTPRequestHandler):
    """Serve `<root>/<host>/<path>` like SiteServer, adding ETag/Last-Modified and answering 304 on a match."""

    def __init__(self, *args: Any, root: Path, base: list[str], **kwargs: Any) -> None:
        self.root = root
        self.base = base
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def do_GET(self) -> None:
        """Serve a file, a 304 or a 404."""
        path = (self.root / unquote(urlsplit(self.path).path).lstrip("/")).resolve()
        if self.root not in path.parents or not path.is_file():
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        body = path.read_bytes().replace(PLACEHOLDER.encode(), self.base[0].encode())
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/xml" if path.suffix == ".xml" else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(path.stat().st_mtime, usegmt=True))
        self.end_headers()
        self.wfile.write(body)


def validating_server(root: Path) -> tuple[ThreadingHTTPServer, str]:
    """Start a ValidatingHandler server on a free loopback port in a thread; return it and its base URL."""
    base = [""]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(ValidatingHandler, root=root.resolve(), base=base))
    httpd.daemon_threads = True
    base[0] = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, base[0]


def serve_main(root: Path, hosts: list[str], validators: bool) -> None:
    """Serve `root` from one server per host; print {host: base URL}; stop when stdin closes."""
    from dailybrief.demo.siteserver import SiteServer

    with ExitStack() as stack:
        bases = {}
        for host in hosts:
            if validators:
                httpd, bases[host] = validating_server(root)
                stack.callback(httpd.shutdown)
            else:
                bases[host] = stack.enter_context(SiteServer(root)).base_url
        print(json.dumps(bases), flush=True)
        sys.stdin.read()


def proc_cpu_seconds(pid: int) -> float:
    """Return a process's user + system CPU seconds from /proc (0 where unavailable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- ingest process ---------------------------------------------------------------------------

class ThreadProfiles:
    """One cProfile per worker thread, on only around the wrapped call, timing the thread's CPU clock.

    cProfile sees only the thread that enabled it, and a wall clock would book the time a thread
    spends waiting for the GIL to whatever function it is in.
    """

    def __init__(self) -> None:
        self.local = threading.local()
        self.profiles: list[cProfile.Profile] = []
        self.lock = threading.Lock()

    def wrap(self, func: Callable[..., T]) -> Callable[..., T]:
        """Return `func` profiled in whichever thread runs it."""
        def profiled(*args: Any, **kwargs: Any) -> T:
            profile = getattr(self.local, "profile", None)
            if profile is None:
                profile = self.local.profile = cProfile.Profile(time.thread_time)
                with self.lock:
                    self.profiles.append(profile)
            profile.enable()
            try:
                return func(*args, **kwargs)
            finally:
                profile.disable()
        return profiled


ARCHIVE_METHODS = ("validators", "has_article", "unextracted_reason", "save_article", "save_unextracted",
                   "start_run", "finish_run")


def instrument(meter: CpuMeter) -> list[str]:
    """Time extraction (and its steps), the archive's methods, the feed parser and the unchanged-body hash."""
    from dailybrief.store.archive import Archive

    meter.patch("dailybrief.collect.ingest", "extract_article", "extract_article")
    steps = patch_extract_steps(meter)
    for name in ARCHIVE_METHODS:
        meter.patch(Archive, name, f"Archive.{name}")
    meter.patch("dailybrief.collect.sources", "parse_feed", "parse_feed")
    meter.patch("dailybrief.collect.ingest", "body_hash", "body_hash")
    return steps


def ingest_main(config_path: Path, archive_path: Path, profile_out: Path | None) -> None:
    """Run one ingest in this process; print wall time, CPU split, peak RSS and outcomes as JSON."""
    import dailybrief.collect.ingest as ingest_module
    from dailybrief.config import parse_config
    from dailybrief.store.archive import Archive

    config = parse_config(json.loads(config_path.read_text(encoding="utf-8")))
    main_profile, threads, meter = cProfile.Profile(time.thread_time), ThreadProfiles(), CpuMeter()
    if profile_out:
        ingest_module.extract_article = threads.wrap(ingest_module.extract_article)
    extract_steps = [] if profile_out else instrument(meter)
    with Archive(archive_path) as archive:
        cpu, main_cpu, start = time.process_time(), time.thread_time(), time.perf_counter()
        if profile_out:
            main_profile.enable()
        report = ingest_module.ingest(config, archive, dt.date.fromisoformat(ISSUE_DATE))
        if profile_out:
            main_profile.disable()
        wall, cpu, main_cpu = time.perf_counter() - start, time.process_time() - cpu, time.thread_time() - main_cpu
        articles = archive.count("articles")
    if profile_out:
        stats = pstats.Stats(main_profile)
        for profile in threads.profiles:
            stats.add(profile)
        stats.dump_stats(profile_out)
    errors = [e for h in report.health for e in h.errors]
    print(json.dumps({
        "wall": wall, "cpu": cpu, "main_cpu": main_cpu,
        "maxrss_mib": peak_rss_mib(),
        "seen": sum(h.seen for h in report.health), "new": sum(h.new for h in report.health),
        "unchanged": sum(h.unchanged for h in report.health), "failed": sum(h.failed for h in report.health),
        "articles": articles, "errors": errors[:5], "error_count": len(errors),
        "steps": meter.seconds, "calls": meter.calls, "extract_steps": extract_steps,
    }))


# --- orchestration ----------------------------------------------------------------------------

def build_config(bases: dict[str, str], feeds: dict[str, str], kinds: dict[str, str],
                 args: argparse.Namespace) -> dict[str, Any]:
    """Return the config mapping `parse_config` takes: one feed source per host."""
    collect: dict[str, Any] = {"max_items": 1000}
    if args.concurrency:
        collect["concurrency"] = args.concurrency
    if args.per_host:
        collect["per_host"] = args.per_host
    sources = [{"name": host, "url": bases[host] + feeds[host], "type": "feed",
                "level": "city" if kinds[host] == "gov" else "media"} for host in sorted(feeds)]
    return {"brief": {"title": "基准测试简报", "date": ISSUE_DATE, "window_days": 31},
            "theme": {"name": "基准测试"}, "collect": collect, "source": sources}


def run_ingest(config_path: Path, archive: Path, server_pid: int, profile_out: Path | None = None) -> dict[str, Any]:
    """Run one ingest child; return its JSON result plus the server's CPU seconds meanwhile."""
    command = [sys.executable, __file__, "--ingest", str(config_path), "--archive", str(archive)]
    if profile_out:
        command += ["--profile-out", str(profile_out)]
    server_cpu = proc_cpu_seconds(server_pid)
    start = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_wall"] = time.perf_counter() - start
    result["server_cpu"] = proc_cpu_seconds(server_pid) - server_cpu
    return result


def result_row(label: str, result: dict[str, Any]) -> list[str]:
    """Return one Markdown row for an ingest run."""
    return [label, f"{result['wall']:.1f}", f"{result['process_wall']:.1f}", f"{result['seen'] / result['wall']:.0f}",
            f"{result['cpu']:.1f}", f"{result['server_cpu']:.1f}", f"{result['maxrss_mib']:.0f}",
            f"{result['new']} / {result['unchanged']} / {result['failed']}"]


def category(filename: str) -> str:
    """Return the CATEGORIES label a source file belongs to."""
    for label, fragments in CATEGORIES.items():
        if any(fragment in filename for fragment in fragments):
            return label
    return OTHER


def breakdown(runs: list[tuple[str, dict[str, Any]]]) -> str:
    """Return a Markdown table of where each unprofiled run's CPU went (seconds and share of process CPU)."""
    def split(result: dict[str, Any]) -> list[tuple[str, float]]:
        """Return (component, CPU s) rows for one run."""
        steps: dict[str, float] = result["steps"]
        archive = sum(v for k, v in steps.items() if k.startswith("Archive."))
        extraction = steps.get("extract_article", 0.0)
        loop_other = result["main_cpu"] - archive - steps.get("parse_feed", 0.0) - steps.get("body_hash", 0.0)
        rows = [("extraction (extract_article, worker threads)", extraction)]
        rows += [(f"  {label}", steps[label]) for label in result["extract_steps"]]
        rows += [("archive: SQLite + zlib + JSON (Archive methods)", archive),
                 ("feed parsing (parse_feed)", steps.get("parse_feed", 0.0)),
                 ("body_hash for the unchanged check", steps.get("body_hash", 0.0)),
                 ("event-loop thread, rest: fetch (httpx), asyncio, orchestration", loop_other),
                 ("worker threads, rest: thread hand-off", result["cpu"] - result["main_cpu"] - extraction),
                 ("**process CPU during the ingest**", result["cpu"])]
        return rows

    columns = [split(result) for _label, result in runs]
    rows = []
    for index, (label, _seconds) in enumerate(columns[0]):
        cells = [label]
        for (_label, result), column in zip(runs, columns, strict=True):
            seconds = column[index][1]
            cells.append(f"{seconds:.2f} ({seconds / result['cpu']:.0%})")
        rows.append(cells)
    return table(["component", *(f"{label}: CPU s (share)" for label, _result in runs)], rows)


def cpu_by_category(stats: pstats.Stats) -> dict[str, float]:
    """Return own CPU seconds per category, C functions booked to their callers."""
    totals: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, callers) in raw_stats(stats).items():
        if filename != "~":
            totals[category(filename)] = totals.get(category(filename), 0.0) + tottime
            continue
        for (caller_file, _cl, _cn), caller_stats in callers.items():
            label = category(caller_file) if caller_file != "~" else OTHER
            totals[label] = totals.get(label, 0.0) + caller_stats[2]
    return totals


def summarise_profile(path: Path, top: int) -> str:
    """Return Markdown: CPU per component and the top functions by cumulative time."""
    stats = pstats.Stats(str(path))
    totals = cpu_by_category(stats)
    whole = sum(totals.values()) or 1.0
    by_component = [[label, f"{seconds:.2f}", f"{seconds / whole:.0%}"]
                    for label, seconds in sorted(totals.items(), key=lambda item: -item[1])]
    by_component.append(["**total CPU seen by the profilers**", f"{whole:.2f}", "100%"])
    skip = ("{built-in method", "{method '", "asyncio/", "threading.py", "concurrent/futures", "contextlib.py",
            "<frozen", "selectors.py", "bench_ingest.py")
    return ("CPU seconds by component (own time of each function, per-thread CPU clock):\n\n"
            + table(["component", "CPU s", "share"], by_component)
            + "\n\nTop functions by cumulative CPU time (event-loop and extraction threads merged; coroutines "
              "count each resumption as a call; asyncio/threading plumbing left out):\n\n"
            + table(["function", "calls", "own s", "cumulative s"], top_functions(stats, top, skip)))


def main() -> None:
    """Generate the site, start the servers, run the ingests and print Markdown tables."""
    args = parse_args()
    if args.serve:
        serve_main(args.serve, args.host_names.split(","), args.validators)
        return
    if args.ingest:
        ingest_main(args.ingest, args.archive, args.profile_out)
        return
    cores = pin_cores(args.cores)
    with ExitStack() as stack:
        work = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-ingest-")))
        work.mkdir(parents=True, exist_ok=True)
        sites = make_sites(args.hosts)
        pages = generate_pages(args.pages, sites=sites, seed=args.seed)
        feeds = write_site(work / "site", pages)
        server_kind = ("a ThreadingHTTPServer per host sending ETag/Last-Modified (--validators)" if args.validators
                       else "a dailybrief.demo.siteserver.SiteServer per host (no ETag/Last-Modified)")
        print(f"# Ingest benchmark\n\n{describe(pages)} over {len(feeds)} hosts (one RSS feed each, "
              f"{args.pages // len(feeds)} items), served by {server_kind} in a separate process; ingest in its own "
              f"process; both pinned to CPUs {cores}; {machine()}; {code_version()}\n",
              flush=True)
        command = [sys.executable, __file__, "--serve", str(work / "site"), "--host-names", ",".join(feeds)]
        server = subprocess.Popen(command + ["--validators"] * args.validators, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        stack.callback(server.wait, 30)
        stack.callback(server.stdin.close)  # type: ignore[union-attr]
        bases = json.loads(server.stdout.readline())  # type: ignore[union-attr]
        config = build_config(bases, feeds, {s.host: s.kind for s in sites}, args)
        config_path = work / "config.json"
        config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
        archive = work / "archive.sqlite"
        for old in work.glob("archive*.sqlite*"):
            old.unlink()
        results = []
        for label in ("run 1: empty archive", "run 2: nothing changed"):
            print(f"  {label} …", file=sys.stderr, flush=True)
            results.append((label, run_ingest(config_path, archive, server.pid)))
        profile_path = work / "ingest.prof"
        if args.profile != "none":
            print(f"  profiled {args.profile} run …", file=sys.stderr, flush=True)
            target = work / "archive-profiled.sqlite" if args.profile == "first" else archive
            results.append((f"profiled ({args.profile} run, cProfile)",
                            run_ingest(config_path, target, server.pid, profile_path)))
        size = archive.stat().st_size + sum(p.stat().st_size for p in work.glob("archive.sqlite-*"))
        server_rss = peak_rss_mib(server.pid)
        print(table(["run", "ingest wall s", "process wall s", "pages/s", "ingest CPU s", "server CPU s",
                     "ingest peak RSS MiB", "new / unchanged / failed"],
                    [result_row(label, result) for label, result in results]))
        first, second = results[0][1], results[1][1]
        verdict = "met" if first["wall"] < TARGET_SECONDS else "NOT met"
        print(f"\n**run 1: {first['wall']:.1f} s for {first['seen']} pages** (target < {TARGET_SECONDS:.0f} s on "
              f"{len(cores)} cores: {verdict}); run 2 takes {second['wall'] / first['wall']:.0%} of run 1. "
              f"Archive {size / 1e6:.1f} MB, {first['articles']} articles; server peak RSS {server_rss:.0f} MiB. "
              f"Load average after the runs: {os.getloadavg()[0]:.2f}.")
        print("\n## Where the CPU goes (runs 1 and 2, functions timed by thin wrappers on the thread CPU clock)\n")
        print(breakdown(results[:2]))
        for label, result in results:
            if result["error_count"]:
                print(f"\n{label}: {result['error_count']} health lines, e.g. {result['errors'][:3]}")
        if args.profile != "none":
            print(f"\n## Where the time goes ({args.profile} run under cProfile)\n")
            print(summarise_profile(profile_path, args.top))


if __name__ == "__main__":
    main()
