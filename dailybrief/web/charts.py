"""The keyword chart: how many stories mention each theme keyword, per day, as inline SVG geometry.

A story counts on the day its primary article was published, once per keyword its primary's
title or text mentions (case-insensitive). Only stories some run considered are counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

ROW_HEIGHT = 46
BAR_AREA = 34
LABEL_WIDTH = 150
PLOT_WIDTH = 720
TOTAL_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    """One day's bar of one keyword."""

    x: float
    y: float
    width: float
    height: float
    day: str
    count: int


@dataclass(frozen=True)
class Row:
    """One keyword's row of bars."""

    keyword: str
    total: int
    top: float
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    """Everything the SVG template draws."""

    days: list[dt.date]
    rows: list[Row]
    width: int
    height: int
    peak: int
    ticks: list[tuple[float, str]]
    label_width: int
    plot_width: int


def count_by_day(primaries: Sequence[tuple[str, str, str]], keywords: Sequence[str],
                 days: list[dt.date]) -> dict[str, list[int]]:
    """Return, per keyword, how many stories mention it on each day."""
    index = {d.isoformat(): i for i, d in enumerate(days)}
    counts = {k: [0] * len(days) for k in keywords}
    for published, title, text in primaries:
        at = index.get(published[:10])
        if at is None:
            continue
        haystack = (title + "\n" + text).lower()
        for keyword in keywords:
            if keyword.lower() in haystack:
                counts[keyword][at] += 1
    return counts


def build_chart(primaries: Sequence[tuple[str, str, str]], keywords: Sequence[str], end: dt.date,
                span: int) -> Chart:
    """Lay out one row of daily bars per keyword over the `span` days ending on `end`."""
    days = [end - dt.timedelta(days=span - 1 - i) for i in range(span)]
    counts = count_by_day(primaries, keywords, days)
    peak = max((c for row in counts.values() for c in row), default=0)
    step = PLOT_WIDTH / span
    rows = []
    for number, keyword in enumerate(keywords):
        top = number * ROW_HEIGHT + 8
        bars = []
        for i, count in enumerate(counts[keyword]):
            height = BAR_AREA * count / peak if peak else 0.0
            bars.append(Bar(round(LABEL_WIDTH + i * step, 2), round(top + BAR_AREA - height, 2),
                            round(max(step - 1, 1), 2), round(height, 2), days[i].isoformat(), count))
        rows.append(Row(keyword, sum(counts[keyword]), top, bars))
    every = 7 if span <= 31 else 14
    ticks = [(round(LABEL_WIDTH + i * step, 2), f"{d.month}月{d.day}日") for i, d in enumerate(days)
             if (span - 1 - i) % every == 0]
    height = len(keywords) * ROW_HEIGHT + 30
    return Chart(days, rows, LABEL_WIDTH + PLOT_WIDTH + TOTAL_WIDTH, height, peak, ticks, LABEL_WIDTH, PLOT_WIDTH)
