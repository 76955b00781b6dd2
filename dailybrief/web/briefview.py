"""Loading a brief for a page: its row and revision (or 404), the cited articles, the page's context."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from fastapi import HTTPException

from dailybrief.models import Article, Sentence
from dailybrief.verify.evidence import evidence_map
from dailybrief.verify.verifier import settle
from dailybrief.web.editing import Checked, Data, reference_urls, slot_map, verify_data
from dailybrief.web.search import refresh_index
from dailybrief.web.store import BriefRow, Conflict, Counts, Revision, WebStore


def load(store: WebStore, brief_id: int, number: int | None = None) -> tuple[BriefRow, Revision]:
    """Return a brief and one of its revisions (the current one by default), or raise 404."""
    row = store.brief(brief_id)
    revision = store.revision(brief_id, number) if row else None
    if row is None or revision is None:
        raise HTTPException(404, "找不到这份简报" if row is None else "找不到这个版本")
    return row, revision


def writable(row: BriefRow) -> None:
    """Refuse changes to a published brief."""
    if row.status == "published":
        raise HTTPException(409, "这份简报已发布，只读")


def draft_at(store: WebStore, brief_id: int, base: int, stale: str) -> tuple[BriefRow, Revision]:
    """Return a writable brief and its current revision, refusing (409) a form made from an older one.

    `stale` ends the message, saying what the editor should do (请刷新后再试 …).
    """
    row, current = load(store, brief_id)
    writable(row)
    if base != current.number:
        raise HTTPException(409, f"简报已更新到第{current.number}版，{stale}")
    return row, current


def save_verified(store: WebStore, brief_id: int, base: int, *, data: Data, user: str, note: str,
                  conflict: str) -> int:
    """Verify a changed brief and save it on top of revision `base`; 409 with `conflict` when someone saved first."""
    checked = recheck(store, data)
    try:
        number = store.save_revision(brief_id, base, data=data, verdicts=checked.verdicts, counts=counts_of(checked),
                                     author=user, note=note)
    except Conflict:
        raise HTTPException(409, conflict) from None
    refresh_index(store)
    return number


def cited_articles(store: WebStore, data: Data, only: Collection[str] | None = None) -> dict[str, Article | None]:
    """Return the archived article behind each reference id, or only these ids (None when the archive lacks it)."""
    return {rid: store.archive.article_by_url(url) for rid, url in reference_urls(data, only)}


def recheck(store: WebStore, data: Data) -> Checked:
    """Verify every sentence and heading of a brief against the archived articles it cites."""
    return verify_data(data, evidence_map(reference_urls(data), store.archive.article_by_url))


def check_text(store: WebStore, data: Data, addr: str, text: str) -> tuple[str, list[str]]:
    """Verify a draft text for one sentence or heading against what that place cites; return (status, missing)."""
    slot = slot_map(data)[addr]
    evidence = evidence_map(reference_urls(data, slot.cites), store.archive.article_by_url)
    _same, verdict = settle(addr, Sentence(text, slot.cites), evidence, repair=False)
    return verdict.status, list(verdict.missing)


def counts_of(checked: Checked) -> Counts:
    """Return the counts the brief list shows."""
    return Counts(checked.sentences, checked.checked, checked.unsupported)


def page_context(row: BriefRow, revision: Revision) -> dict[str, Any]:
    """Return what the brief template needs besides the request."""
    data = revision.data
    numbers = {str(r["id"]): i for i, r in enumerate(data.get("references", []), 1)}
    sentences = [v for addr, v in revision.verdicts.items() if not addr.startswith("head.")]
    counts = {"sentences": len(sentences), "checked": sum(v.get("status") != "unchecked" for v in sentences),
              "unsupported": sum(v.get("status") == "unsupported" for v in revision.verdicts.values())}
    return {"row": row, "rev": revision, "data": data, "verdicts": revision.verdicts, "numbers": numbers,
            "counts": counts}
