"""Stories: every story the day's run considered, and swapping one into the brief or dropping one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from dailybrief.config import ConfigError, parse_config
from dailybrief.render.briefjson import brief_to_json
from dailybrief.stories.build import RankedStory
from dailybrief.web.briefview import draft_at, load, save_verified
from dailybrief.web.decisions import Pair, add_pairs, drop_pairs
from dailybrief.web.deps import FormRevision, RowId, flash, open_store, redirect, render, require_reader, require_writer
from dailybrief.web.editing import Data, EditError, add_section, drop_section, section_key
from dailybrief.web.store import BriefRow, WebStore
from dailybrief.write.compose import compose_brief

router = APIRouter()
_CONFLICT = "简报刚被他人修改，请刷新后再试"


@router.get("/briefs/{brief_id}/stories")
def stories(request: Request, brief_id: RowId, _reader: str | None = Depends(require_reader)) -> Response:
    """List the day's stories with score, why, and whether the brief has a section on each."""
    with open_store(request) as store:
        row, current = load(store, brief_id)
        found = store.stories(brief_id)
    chosen = {section_key(s): s.get("number") for s in current.data.get("sections", [])}
    news = [s for s in found if not s.get("background")]
    background = [s for s in found if s.get("background")]
    return render(request, "stories.html", row=row, rev=current, news=news, background=background, chosen=chosen)


def _ranked(store: WebStore, entry: dict[str, Any]) -> RankedStory:
    """Rebuild a ranked story from its stored entry and the archived articles."""
    primary = store.archive.article_by_url(str(entry.get("primary", "")))
    if primary is None:
        raise HTTPException(409, "档案中找不到这篇报道的主要文章，无法写作")
    articles = [a for a in (store.archive.article_by_url(str(u)) for u in entry.get("articles", [])) if a]
    return RankedStory(id=str(entry["id"]), primary=primary, articles=articles or [primary],
                       reprints=dict(entry.get("reprints") or {}), score=float(entry.get("score", 0)),
                       why=str(entry.get("why", "")), relevance=1.0, selected=True, rank=int(entry.get("rank", 0)))


def _written(row: BriefRow, story: RankedStory) -> Data:
    """Write and verify the section of one story, as the pipeline would."""
    if not row.config:
        raise HTTPException(409, "这份简报没有记录运行配置，无法为新报道写作")
    try:
        config = parse_config(json.loads(row.config), Path(row.config_path) if row.config_path else None)
    except (ConfigError, ValueError) as exc:
        raise HTTPException(409, f"运行配置无法读取：{exc}") from None
    brief, _verdicts = compose_brief([story], config, dt.date.fromisoformat(row.issue_date))
    return brief_to_json(brief)


def _record(store: WebStore, issue_date: str, action: str, story_id: str, *, pairs: list[Pair], user: str) -> None:
    """Keep an editor's decision for `rank --learn` (only when it compares stories with known features)."""
    if pairs:
        store.archive.record_decision(issue_date, action, story_id, pairs, user)


@router.post("/briefs/{brief_id}/stories/{story_id}/add")
def add(request: Request, brief_id: RowId, story_id: str, *, base: FormRevision, replace: str = Form(""),
        csrf: str = Form("")) -> Response:
    """Write a left-out story's section on the spot, verify it and put it into the brief (optionally replacing one)."""
    user = require_writer(request, csrf)
    with open_store(request) as store:
        row, current = draft_at(store, brief_id, base, "请刷新后再试")
        entries = {str(s.get("id")): s for s in store.stories(brief_id)}
        entry = entries.get(story_id)
        if entry is None:
            raise HTTPException(404, "找不到这篇报道")
        scores = {section_key(s): float(entries.get(section_key(s), {}).get("score", 0))
                  for s in current.data.get("sections", [])}
        position = sum(1 for score in scores.values() if score >= float(entry.get("score", 0)))
        written = _written(row, _ranked(store, entry))
        try:
            data = add_section(current.data, written, position)
            if replace:
                data = drop_section(data, replace)
        except EditError as exc:
            raise HTTPException(422, str(exc)) from None
        number = save_verified(store, brief_id, current.number, data=data, user=user,
                               note=f"加入报道《{entry.get('title', '')}》", conflict=_CONFLICT)
        pairs = add_pairs(story_id, list(entries.values()), data, replace)
        _record(store, row.issue_date, "add", story_id, pairs=pairs, user=user)
    flash(request, f"已写入并核验新的一节（第{number}版）", "ok")
    return redirect(f"/briefs/{brief_id}#head.{story_id}")


@router.post("/briefs/{brief_id}/stories/{story_id}/drop")
def drop(request: Request, brief_id: RowId, story_id: str, *, base: FormRevision, csrf: str = Form("")) -> Response:
    """Drop a story's section from the brief (with its summary clause and the references only it cited)."""
    user = require_writer(request, csrf)
    with open_store(request) as store:
        row, current = draft_at(store, brief_id, base, "请刷新后再试")
        entries = store.stories(brief_id)
        entry = next((s for s in entries if str(s.get("id")) == story_id), {})
        try:
            data = drop_section(current.data, story_id)
        except EditError as exc:
            raise HTTPException(422, str(exc)) from None
        number = save_verified(store, brief_id, current.number, data=data, user=user,
                               note=f"撤下报道《{entry.get('title', '')}》", conflict=_CONFLICT)
        _record(store, row.issue_date, "drop", story_id, pairs=drop_pairs(story_id, entries, data), user=user)
    flash(request, f"已撤下这一节（第{number}版）", "ok")
    return redirect(f"/briefs/{brief_id}/stories")
