"""Reading: the brief list, a brief laid out like the PDF, a sentence's evidence, revisions, downloads."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, Response

from dailybrief.verify.evidence import Evidence, article_evidence
from dailybrief.web.briefview import cited_articles, load, page_context
from dailybrief.web.delivery import feed_xml
from dailybrief.web.deps import RowId, open_store, render, require_reader
from dailybrief.web.editing import ADDRESS, changes, slot_map
from dailybrief.web.evidence import cited_evidence, sentence_segments
from dailybrief.web.publish import FILES

router = APIRouter()


@router.get("/")
def briefs(request: Request, _reader: str | None = Depends(require_reader)) -> Response:
    """List the briefs by date with status and verification counts."""
    with open_store(request) as store:
        rows = store.briefs()
    return render(request, "briefs.html", rows=rows)


@router.get("/briefs/{brief_id}")
def brief(request: Request, brief_id: RowId, _reader: str | None = Depends(require_reader)) -> Response:
    """Show a brief's current revision, laid out like the PDF, with the evidence panel."""
    with open_store(request) as store:
        row, revision = load(store, brief_id)
        pipeline = store.pipeline_verdicts(row.issue_date)
        stored = store.article_meta([str(r.get("url", "")) for r in revision.data.get("references", [])])
        deliveries = store.archive.deliveries(row.issue_date, row.title)
    return render(request, "brief.html", **page_context(row, revision), pipeline=pipeline, current=True,
                  stored=stored, deliveries=deliveries)


@router.get("/feed.xml")
def feed(request: Request, _reader: str | None = Depends(require_reader)) -> Response:
    """Serve the Atom feed of the last delivered briefs."""
    with open_store(request) as store:
        body = feed_xml(store, str(request.base_url))
    return Response(body, media_type="application/atom+xml")


@router.get("/briefs/{brief_id}/s/{addr}")
def sentence(request: Request, brief_id: RowId, addr: str, fragment: bool = False,
             _reader: str | None = Depends(require_reader)) -> Response:
    """Show one sentence (or heading): its verdict, the cited passages with claims marked, the edit form."""
    if not ADDRESS.match(addr):
        raise HTTPException(404, "找不到这句话")
    with open_store(request) as store:
        row, revision = load(store, brief_id)
        slot = slot_map(revision.data).get(addr)
        if slot is None:
            raise HTTPException(404, "找不到这句话")
        refs = [r for r in revision.data.get("references", []) if str(r["id"]) in slot.cites]
        articles = cited_articles(store, {"references": refs})
    evidence: list[Evidence] = [article_evidence(a) for a in articles.values() if a is not None]
    context = {"row": row, "rev": revision, "data": revision.data, "slot": slot, "addr": addr,
               "verdict": revision.verdicts.get(addr, {}), "own": sentence_segments(slot.text, evidence),
               "cited": cited_evidence(slot.text, slot.cites, revision.data.get("references", []), articles)}
    return render(request, "sentence_panel.html" if fragment else "sentence.html", **context)


@router.get("/briefs/{brief_id}/revisions")
def revisions(request: Request, brief_id: RowId, _reader: str | None = Depends(require_reader)) -> Response:
    """List every revision with who saved it, when, and why."""
    with open_store(request) as store:
        row, _current = load(store, brief_id)
        found = store.revisions(brief_id)
    counts = {r.number: sum(1 for v in r.verdicts.values() if v.get("status") == "unsupported") for r in found}
    return render(request, "revisions.html", row=row, revisions=found, unsupported=counts)


@router.get("/briefs/{brief_id}/revisions/{number}")
def revision(request: Request, brief_id: RowId, number: RowId,
             _reader: str | None = Depends(require_reader)) -> Response:
    """Show an old revision read-only, with what changed since the one before it."""
    with open_store(request) as store:
        row, found = load(store, brief_id, number)
        before = store.revision(brief_id, number - 1) if number > 1 else None
        stored = store.article_meta([str(r.get("url", "")) for r in found.data.get("references", [])])
    diff = changes(before.data, found.data) if before else []
    return render(request, "brief.html", **page_context(row, found), pipeline=[], current=number == row.revision,
                  diff=diff, viewing=number, stored=stored)


@router.get("/briefs/{brief_id}/files/{name}")
def download(request: Request, brief_id: RowId, name: str, _reader: str | None = Depends(require_reader)) -> Response:
    """Download one of an approved brief's files."""
    if name not in FILES:
        raise HTTPException(404, "没有这个文件")
    with open_store(request) as store:
        row, _current = load(store, brief_id)
    if row.status not in {"approved", "published"} or not row.out_dir:
        raise HTTPException(404, "简报批准后才生成可下载的文件")
    path = Path(row.out_dir) / name
    if not path.is_file():
        raise HTTPException(404, "文件不在输出目录中")
    return FileResponse(path, media_type=FILES[name], filename=f"{row.issue_date}-{name}",
                        content_disposition_type="attachment")
