"""Extraction on one core: `dailybrief.extract.article.extract_article` versus bare `trafilatura.extract`.

Run `python benchmarks/bench_extract.py --help`. Prints Markdown tables: throughput (median of
several timed rounds after a warm-up, pinned to one CPU), memory (tracemalloc peak per page, and
the peak RSS of a child process that extracts every page once), and where `extract_article`
spends its time (each step timed by a thin wrapper; `--cprofile N` adds cProfile's top N).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import trafilatura
from common import CpuMeter, code_version, machine, patch_extract_steps, peak_rss_mib, pin_cores, table, top_functions
from pages import GeneratedPage, describe, generate_pages

from dailybrief.extract.article import Page, extract_article

TARGET_RATIO = 1.5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300, help="number of generated pages (default 300)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over all pages (default 5)")
    parser.add_argument("--warmup", type=int, default=30, help="pages extracted before timing (default 30)")
    parser.add_argument("--seed", type=int, default=20260617, help="page generator seed")
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default: the first allowed one)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc and peak-RSS measurements")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N",
                        help="also print cProfile's top N functions of one pass of extract_article")
    parser.add_argument("--child", choices=["baseline", "ours", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--pages-dir", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_ours(pages: list[Page]) -> None:
    """Extract every page with dailybrief."""
    for page in pages:
        extract_article(page)


def run_bare(texts: list[str]) -> None:
    """Extract every decoded page with trafilatura's defaults."""
    for text in texts:
        trafilatura.extract(text)


def time_rounds(pages: list[Page], texts: list[str], rounds: int) -> dict[str, list[tuple[float, float]]]:
    """Time `rounds` passes of each extractor, alternating which goes first; return [(wall, CPU)] per name."""
    times: dict[str, list[tuple[float, float]]] = {"ours": [], "bare": []}
    runs: dict[str, Callable[[], None]] = {"ours": lambda: run_ours(pages), "bare": lambda: run_bare(texts)}
    for number in range(rounds):
        for name in ("ours", "bare") if number % 2 == 0 else ("bare", "ours"):
            wall, cpu = time.perf_counter(), time.process_time()
            runs[name]()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            print(f"  round {number + 1}/{rounds} {name}: {times[name][-1][0]:.2f} s", file=sys.stderr)
    return times


def tracemalloc_peaks(calls: list[Callable[[], object]]) -> list[float]:
    """Return the tracemalloc peak (KiB above the starting level) of each call."""
    peaks = []
    tracemalloc.start()
    try:
        for call in calls:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            call()
            peaks.append((tracemalloc.get_traced_memory()[1] - before) / 1024)
    finally:
        tracemalloc.stop()
    return peaks


def save_pages(folder: Path, pages: list[Page]) -> None:
    """Write page bodies and a manifest so a child process can read them one by one."""
    manifest = []
    for number, page in enumerate(pages):
        name = f"{number:05d}.html"
        (folder / name).write_bytes(page.body)
        manifest.append({"file": name, "url": page.url, "content_type": page.content_type})
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def child_main(mode: str, folder: Path) -> None:
    """Read (and decode) each saved page in turn, extracting it unless `mode` is baseline; print peak RSS."""
    from dailybrief.extract.encoding import decode_html

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest:
        page = Page((folder / entry["file"]).read_bytes(), entry["url"], entry["content_type"])
        text = decode_html(page.body, page.content_type)[0]
        if mode == "ours":
            extract_article(page)
        elif mode == "bare":
            trafilatura.extract(text)
    print(json.dumps({"peak_rss_mib": peak_rss_mib()}))


def child_maxrss(mode: str, folder: Path) -> float:
    """Run a child process in `mode`; return its peak RSS in MiB."""
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--pages-dir", str(folder)],
                         check=True, capture_output=True, text=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["peak_rss_mib"])


def memory_rows(pages: list[Page], texts: list[str]) -> list[list[str]]:
    """Return the Markdown rows of the memory measurements."""
    ours = tracemalloc_peaks([partial(extract_article, p) for p in pages])
    bare = tracemalloc_peaks([partial(trafilatura.extract, t) for t in texts])
    rows = [["tracemalloc peak per page, median / max (KiB; Python objects only, not libxml2's)",
             f"{statistics.median(ours):.0f} / {max(ours):.0f}", f"{statistics.median(bare):.0f} / {max(bare):.0f}"]]
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        folder = Path(tmp)
        save_pages(folder, pages)
        base = child_maxrss("baseline", folder)
        rss = {mode: child_maxrss(mode, folder) for mode in ("ours", "bare")}
    rows.append([f"peak RSS of a child extracting all pages once, one by one (MiB; {base:.0f} MiB reading them)",
                 *(f"{rss[mode]:.0f} (+{rss[mode] - base:.0f})" for mode in ("ours", "bare"))])
    return rows


def step_rows(pages: list[Page], bare_ms: float) -> list[list[str]]:
    """Time one pass of extract_article with its steps wrapped; return Markdown rows in ms/page."""
    meter = CpuMeter()
    labels = patch_extract_steps(meter)
    try:
        start = time.thread_time()
        run_ours(pages)
        total = time.thread_time() - start
    finally:
        meter.restore()
    n = len(pages)
    rows = [["extract_article (total, one pass)", "", f"{total / n * 1000:.2f}", "100%"]]
    for label in labels:
        seconds = meter.seconds[label]
        rows.append([label, str(meter.calls[label]), f"{seconds / n * 1000:.2f}", f"{seconds / total:.0%}"])
    top_level = sum(meter.seconds[label] for label in labels if not label.startswith(" "))
    rest = total - top_level
    rows.append(["everything else (steps not listed, Article assembly)", "", f"{rest / n * 1000:.2f}",
                 f"{rest / total:.0%}"])
    rows.append(["*bare trafilatura.extract(html), median round CPU, for comparison*", "", f"{bare_ms:.2f}", ""])
    return rows


SIZE_BUCKETS = [(0, 16), (16, 32), (32, 48), (48, 1 << 20)]


def size_rows(pages: list[Page], texts: list[str]) -> list[list[str]]:
    """Time each page once with each extractor (CPU clock); return Markdown rows per page-size bucket."""
    def each(calls: list[Callable[[], object]]) -> list[float]:
        """Return the CPU time of each call."""
        out = []
        for call in calls:
            start = time.thread_time()
            call()
            out.append(time.thread_time() - start)
        return out

    ours = each([partial(extract_article, p) for p in pages])
    bare = each([partial(trafilatura.extract, t) for t in texts])
    rows = []
    for low, high in SIZE_BUCKETS:
        chosen = [i for i, page in enumerate(pages) if low * 1024 <= len(page.body) < high * 1024]
        if not chosen:
            continue
        o, b = [ours[i] * 1000 for i in chosen], [bare[i] * 1000 for i in chosen]
        label = f"{low}–{high} KB" if high < 1 << 20 else f"≥ {low} KB"
        rows.append([label, str(len(chosen)), f"{statistics.median(o):.1f} / {max(o):.1f}",
                     f"{statistics.median(b):.1f} / {max(b):.1f}", f"{sum(o) / sum(b):.2f}×"])
    return rows


def quality(pages: list[Page], generated: list[GeneratedPage]) -> str:
    """Return how often extract_article recovers the generated title and date (a sanity check)."""
    titles = dates = 0
    for page, truth in zip(pages, generated, strict=True):
        article = extract_article(page)
        titles += article.title == truth.title
        dates += article.published == truth.published
    return f"Sanity check: title right on {titles}/{len(pages)} pages, date right on {dates}/{len(pages)}."


def main() -> None:
    """Run the benchmark and print Markdown tables."""
    args = parse_args()
    if args.child:
        child_main(args.child, args.pages_dir)
        return
    cpu = pin_cores(1, args.cpu)[0]
    generated = generate_pages(args.pages, seed=args.seed)
    pages = [Page(g.body, g.url, g.content_type) for g in generated]
    texts = [g.text() for g in generated]
    print(f"# Extraction benchmark\n\n{describe(generated)}; pinned to CPU {cpu}; {machine()}; "
          f"trafilatura {trafilatura.__version__}; {code_version()}\n")
    for page, text in zip(pages[: args.warmup], texts[: args.warmup], strict=True):
        extract_article(page)
        trafilatura.extract(text)
    print(quality(pages, generated) + "\n", flush=True)

    times = time_rounds(pages, texts, args.rounds)
    walls = {name: sorted(w for w, _c in runs) for name, runs in times.items()}
    cpus = {name: statistics.median(c for _w, c in runs) for name, runs in times.items()}
    ours, bare = statistics.median(walls["ours"]), statistics.median(walls["bare"])
    n = len(pages)
    rows = [
        ["pages/s (median round, wall clock)", f"{n / ours:.1f}", f"{n / bare:.1f}"],
        ["ms/page (median round, wall clock)", f"{ours / n * 1000:.2f}", f"{bare / n * 1000:.2f}"],
        ["ms/page (median round, process CPU)", f"{cpus['ours'] / n * 1000:.2f}", f"{cpus['bare'] / n * 1000:.2f}"],
        [f"round wall time min / median / max ({args.rounds} rounds of {n} pages)",
         *(f"{walls[name][0]:.2f} / {statistics.median(walls[name]):.2f} / {walls[name][-1]:.2f} s"
           for name in ("ours", "bare"))],
    ]
    if not args.no_memory:
        rows += memory_rows(pages, texts)
    print(table(["measure", "ours: extract_article(Page(body, url, type))", "bare: trafilatura.extract(html)"], rows))
    ratio, cpu_ratio = ours / bare, cpus["ours"] / cpus["bare"]
    verdict = "met" if max(ratio, cpu_ratio) <= TARGET_RATIO else "NOT met"
    print(f"\n**ratio ours / bare = {ratio:.2f}×** on the median wall time ({cpu_ratio:.2f}× on CPU time); "
          f"target ≤ {TARGET_RATIO}×: {verdict}\n")

    print("## Where extract_article spends its time (one pass, each step timed on the thread CPU clock)\n")
    print(table(["step", "calls", "ms/page", "share"], step_rows(pages, cpus["bare"] / n * 1000)))
    print("\n## By page size (one more pass, each page timed on the CPU clock)\n")
    print(table(["page size", "pages", "ours ms median / max", "bare ms median / max", "ours / bare (sum)"],
                size_rows(pages, texts)))
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.2f} (anything else running skews wall times).")
    if args.cprofile:
        profiler = cProfile.Profile()
        profiler.enable()
        run_ours(pages)
        profiler.disable()
        print(f"\n## cProfile: top {args.cprofile} functions of one pass by cumulative time "
              "(the profiler inflates call-heavy Python code)\n")
        print(table(["function", "calls", "own s", "cumulative s"],
                    top_functions(pstats.Stats(profiler), args.cprofile, ("{built-in method", "bench_extract.py"))))


if __name__ == "__main__":
    main()
