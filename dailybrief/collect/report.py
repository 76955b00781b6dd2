"""Plain-text tables for the terminal, aligned for Chinese (double-width) characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from dailybrief.models import SourceHealth


def display_width(text: str) -> int:
    """Return how many terminal columns a string takes (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """Cut a string to a display width (with …) and pad it to exactly that width."""
    out, used = "", 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - (1 if display_width(text) > width else 0):
            out += "…"
            used += 1
            break
        out += ch
        used += w
    return out + " " * max(0, width - used)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], max_width: int = 60) -> str:
    """Render rows as an aligned text table."""
    widths = [min(max_width, max([display_width(h)] + [display_width(r[i]) for r in rows]))
              for i, h in enumerate(headers)]
    lines = ["  ".join(fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(fit(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
    return "\n".join(lines)


def health_table(health: Sequence[SourceHealth]) -> str:
    """Render the per-source table: items seen, new, unchanged, failed, and the first reason."""
    rows = []
    for h in health:
        why = h.errors[0] if h.errors else ""
        if len(h.errors) > 1:
            why += f" (+{len(h.errors) - 1} more)"
        rows.append([h.source, h.type, h.status, str(h.seen), str(h.new), str(h.unchanged), str(h.failed), why])
    headers = ["source", "type", "status", "seen", "new", "unchanged", "failed", "why"]
    return table(headers, rows, max_width=70)


def problem_lines(health: Sequence[SourceHealth]) -> list[str]:
    """Return one line per problem, naming the source: what went wrong and where."""
    return [f"{h.source}: {why}" for h in health for why in h.errors]
