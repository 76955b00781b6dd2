"""The archive: per-source health, full-text search, the keyword chart, stored articles."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from dailybrief.collect.health import STALE_AFTER_DAYS
from dailybrief.config import ConfigError, parse_config
from dailybrief.web.charts import build_chart
from dailybrief.web.deps import open_store, render, require_reader
from dailybrief.web.search import MAX_QUERY, search
from dailybrief.web.store import WebStore

router = APIRouter()
HEALTH_RUNS = 10
SPANS = (30, 90)
# The days a chart may end on: beyond them a date is a mistake (and date arithmetic would overflow).
FIRST_END, LAST_END = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
BAD_FIRST = {"broken": 0, "silent": 1, "stale": 2, "partial": 3, "ok": 4}


def source_rows(store: WebStore, today: dt.date) -> list[dict[str, Any]]:
    """Return each source's last runs, last success and newest article; troubled sources first."""
    rows = []
    for name in store.source_names():
        history = store.archive.source_history(name, HEALTH_RUNS)
        newest = store.archive.newest_article(name)
        status = history[0]["status"] if history else "silent"
        if status == "ok" and newest and (today - newest).days > STALE_AFTER_DAYS:
            status = "stale"
        errors: list[str] = next((h["errors"] for h in history if h["errors"]), [])
        rows.append({"name": name, "type": store.source_type(name), "status": status, "runs": list(reversed(history)),
                     "last_success": store.archive.last_success(name), "newest": newest, "errors": errors[:3],
                     "seen_total": sum(h["seen"] for h in history), "failed": sum(h["failed"] for h in history)})
    rows.sort(key=lambda r: (BAD_FIRST.get(r["status"], 0), r["name"]))
    return rows


@router.get("/sources")
def sources(request: Request, _reader: str | None = Depends(require_reader)) -> Response:
    """Show per-source health over the last runs, silent and broken sources first."""
    with open_store(request) as store:
        newest = store.newest_issue_date()
        today = dt.date.fromisoformat(newest) if newest else dt.date.today()
        rows = source_rows(store, today)
    return render(request, "sources.html", rows=rows, runs=HEALTH_RUNS, stale_days=STALE_AFTER_DAYS)


@router.get("/search")
def search_page(request: Request, q: str = Query("", max_length=MAX_QUERY),
                kind: Literal["all", "article", "brief"] = "all",
                _reader: str | None = Depends(require_reader)) -> Response:
    """Search archived articles and briefs (Chinese words, all required)."""
    hits = []
    if q.strip():
        with open_store(request) as store:
            hits = search(store, q, None if kind == "all" else kind)
    return render(request, "search.html", q=q, kind=kind, hits=hits)


def theme_keywords(store: WebStore) -> tuple[str, list[str]]:
    """Return the theme name and keywords of the newest brief's run."""
    for row in store.briefs(limit=20):
        if not row.config:
            continue
        try:
            config = parse_config(json.loads(row.config))
        except (ConfigError, ValueError):
            continue
        return config.theme.name, list(config.theme.keywords)
    return "", []


@router.get("/trends")
def trends(request: Request, days: int = Query(30, ge=min(SPANS), le=max(SPANS)), end: dt.date | None = None,
           _reader: str | None = Depends(require_reader)) -> Response:
    """Chart how many stories mention each theme keyword per day over the last 30 or 90 days."""
    if days not in SPANS:
        raise HTTPException(422, "days 只能是 30 或 90")
    if end is not None and not FIRST_END <= end <= LAST_END:
        raise HTTPException(422, f"end 应在 {FIRST_END} 到 {LAST_END} 之间")
    with open_store(request) as store:
        newest = store.newest_issue_date()
        last = end or (dt.date.fromisoformat(newest) if newest else dt.date.today())
        theme, keywords = theme_keywords(store)
        primaries = store.story_primaries(last - dt.timedelta(days=days - 1), last)
    chart = build_chart(primaries, keywords, last, days)
    return render(request, "trends.html", chart=chart, days=days, end=last, theme=theme)


@router.get("/articles/{article_id}")
def article(request: Request, article_id: str, _reader: str | None = Depends(require_reader)) -> Response:
    """Show a stored article as archived: title, publisher, dates, paragraphs, original address."""
    with open_store(request) as store:
        url = store.article_url(article_id) if len(article_id) <= 64 else None
        found = store.archive.article_by_url(url) if url else None
    if found is None:
        raise HTTPException(404, "档案中没有这篇文章")
    return render(request, "article.html", article=found)
