"""Small helpers the benchmark scripts share: CPU pinning, Markdown tables, profile lookups."""

from __future__ import annotations

import hashlib
import importlib
import os
import platform
import pstats
import resource
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Steps of extract_article a CpuMeter can time: (module whose global the caller looks up, name, label).
# A step missing from the module (the code changed) is skipped.
EXTRACT_STEPS = [
    ("dailybrief.extract.article", "decode_html", "decode_html (charset)"),
    ("dailybrief.extract.article", "parse_html", "parse_html (lxml parse; 3 per page)"),
    ("dailybrief.extract.article", "meta_tags", "meta_tags"),
    ("dailybrief.extract.article", "visible_text", "visible_text"),
    ("dailybrief.extract.article", "find_title", "find_title"),
    ("dailybrief.extract.article", "_unwrap_layout_tables", "_unwrap_layout_tables"),
    ("dailybrief.extract.article", "_drop_furniture_blocks", "_drop_furniture_blocks"),
    ("dailybrief.extract.article", "_main_text", "_main_text → trafilatura.extract"),
    ("dailybrief.extract.article", "clean_body", "clean_body"),
    ("dailybrief.extract.article", "strip_leading_furniture", "strip_leading_furniture"),
    ("dailybrief.extract.article", "detect_language", "detect_language"),
    ("dailybrief.extract.article", "find_published", "find_published"),
    ("dailybrief.extract.dates", "htmldate_guess", "  of which htmldate.find_date"),
    ("dailybrief.extract.article", "find_publisher", "find_publisher"),
    ("dailybrief.extract.article", "find_origin", "find_origin"),
]


def pin_cores(count: int | None = None, first: int | None = None) -> list[int]:
    """Restrict this process (and the children it starts) to `count` allowed CPUs; return them."""
    allowed = sorted(os.sched_getaffinity(0))
    if first is not None:
        allowed = [cpu for cpu in allowed if cpu >= first] or allowed
    chosen = allowed[: count or len(allowed)]
    os.sched_setaffinity(0, set(chosen))
    return chosen


class CpuMeter:
    """CPU seconds (the calling thread's clock) and calls per label, for wrapped functions."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._patched: list[tuple[Any, str, Any]] = []

    def wrap(self, label: str, func: Callable[..., Any]) -> Callable[..., Any]:
        """Return `func` timed under `label`."""
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return func(*args, **kwargs)
            finally:
                spent = time.thread_time() - start
                with self._lock:
                    self.seconds[label] = self.seconds.get(label, 0.0) + spent
                    self.calls[label] = self.calls.get(label, 0) + 1
        return timed

    def patch(self, owner: Any, name: str, label: str) -> bool:
        """Replace `owner.name` (a module global or a class attribute) by a timed wrapper."""
        if isinstance(owner, str):
            owner = importlib.import_module(owner)
        original = getattr(owner, name, None)
        if original is None:
            return False
        self._patched.append((owner, name, original))
        setattr(owner, name, self.wrap(label, original))
        self.seconds.setdefault(label, 0.0)
        self.calls.setdefault(label, 0)
        return True

    def restore(self) -> None:
        """Undo every patch."""
        for owner, name, original in reversed(self._patched):
            setattr(owner, name, original)
        self._patched.clear()


def patch_extract_steps(meter: CpuMeter) -> list[str]:
    """Time the steps of extract_article listed in EXTRACT_STEPS; return the labels patched."""
    return [label for module, name, label in EXTRACT_STEPS if meter.patch(module, name, label)]


def peak_rss_mib(pid: int | str = "self") -> float:
    """Return a process's peak RSS in MiB: VmHWM from /proc, else this process's ru_maxrss.

    ru_maxrss survives exec, so a child started from a big parent would report the parent's
    size; VmHWM starts afresh with the new program.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if pid == "self" else 0.0


def machine() -> str:
    """Return CPUs, Python version and the load average now (other work skews wall times)."""
    return (f"{os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.2f} at start")


def code_version() -> str:
    """Return which dailybrief code is measured: git HEAD, and a hash of dailybrief/*.py when they differ from it."""
    package = Path(__file__).resolve().parent.parent / "dailybrief"
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(package.rglob("*.py")))).hexdigest()[:10]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=package, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=package, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"dailybrief sources {digest}"
    return f"dailybrief at git {head}" + (f" + uncommitted changes (sources {digest})" if dirty else "")


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Render a Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def raw_stats(stats: pstats.Stats) -> dict[tuple[str, int, str], Any]:
    """Return pstats' internal {(file, line, function): (cc, nc, tt, ct, callers)} mapping."""
    return stats.stats  # type: ignore[attr-defined, no-any-return]


def step_time(stats: pstats.Stats, suffix: str, func: str) -> tuple[int, float]:
    """Return (calls, cumulative seconds) of the functions named `func` in files ending with `suffix`."""
    calls, cumulative = 0, 0.0
    for (filename, _line, name), (_cc, ncalls, _tt, ct, _callers) in raw_stats(stats).items():
        if name == func and filename.endswith(suffix):
            calls += ncalls
            cumulative += ct
    return calls, cumulative


def short_name(key: tuple[str, int, str]) -> str:
    """Return `package/module.py:line(function)` for a pstats key."""
    filename, line, func = key
    if filename == "~":
        return func
    parts = Path(filename).parts
    for anchor in ("site-packages", "dailybrief", "benchmarks"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            parts = parts[index + (anchor == "site-packages"):]
            break
    else:
        parts = parts[-2:]
    return f"{'/'.join(parts)}:{line}({func})"


def top_functions(stats: pstats.Stats, count: int, skip: tuple[str, ...] = ()) -> list[list[str]]:
    """Return Markdown rows of the `count` functions with the largest cumulative time."""
    rows = sorted(raw_stats(stats).items(), key=lambda item: item[1][3], reverse=True)
    out = []
    for key, (_cc, ncalls, tottime, cumtime, _callers) in rows:
        name = short_name(key)
        if any(word in name for word in skip):
            continue
        out.append([f"`{name}`", str(ncalls), f"{tottime:.2f}", f"{cumtime:.2f}"])
        if len(out) == count:
            break
    return out
