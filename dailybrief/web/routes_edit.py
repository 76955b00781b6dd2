"""Writing: edit a sentence or heading (checked as it is typed, verified on save), revert, approve, publish.

Every form names the revision the editor was looking at (`base`). A save on top of a newer
revision goes through only when the newer revisions left that sentence alone; otherwise the
editor gets 409 with both texts, and nothing is lost.
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from dailybrief.pipeline import OutputError
from dailybrief.render.pdf import PdfError
from dailybrief.verify.verifier import missing_label
from dailybrief.web.briefview import check_text, counts_of, draft_at, load, recheck, save_verified, writable
from dailybrief.web.delivery import channel_count, deliver_brief
from dailybrief.web.deps import FormRevision, RowId, flash, open_store, redirect, render, require_writer, settings
from dailybrief.web.editing import ADDRESS, EditError, clean_text, describe, set_text, slot_map
from dailybrief.web.publish import output_folder, render_outputs
from dailybrief.web.search import refresh_index
from dailybrief.web.store import BriefRow, Conflict

router = APIRouter()


@router.post("/briefs/{brief_id}/edit")
def edit(request: Request, brief_id: RowId, *, addr: str = Form(...), text: str = Form(...), base: FormRevision,
         csrf: str = Form("")) -> Response:
    """Save a new text for one sentence or heading and verify the brief again."""
    user = require_writer(request, csrf)
    if not ADDRESS.match(addr):
        raise HTTPException(422, "无效的句子地址")
    try:
        new_text = clean_text(text)
    except EditError as exc:
        raise HTTPException(422, str(exc)) from None
    with open_store(request) as store:
        row, current = load(store, brief_id)
        writable(row)
        seen = store.revision(brief_id, base)
        if seen is None or base > current.number:
            raise HTTPException(422, "无效的版本号")
        then, now = slot_map(seen.data).get(addr), slot_map(current.data).get(addr)
        if then is None:
            raise HTTPException(404, "找不到这句话")
        if now is None or now.text != then.text:
            return render(request, "conflict.html", 409, row=row, rev=current, addr=addr, mine=new_text,
                          theirs=now.text if now else None, place=describe(seen.data, addr))
        if new_text == now.text:
            flash(request, "内容没有变化，未保存新版本")
            return redirect(f"/briefs/{brief_id}#{addr}")
        data = set_text(current.data, addr, new_text)
        checked = recheck(store, data)
        try:
            number = store.save_revision(brief_id, current.number, data=data, verdicts=checked.verdicts,
                                         counts=counts_of(checked), author=user, note=f"编辑{describe(data, addr)}")
            refresh_index(store)
        except Conflict:
            latest = store.revision(brief_id)
            return render(request, "conflict.html", 409, row=row, rev=latest, addr=addr, mine=new_text,
                          theirs=slot_map(latest.data)[addr].text if latest and addr in slot_map(latest.data) else None,
                          place=describe(data, addr))
    missing = checked.verdicts[addr]["missing"]
    if missing:
        lacking = "、".join(missing_label(m) for m in missing)
        flash(request, f"已保存为第{number}版。核验未通过，缺少依据：{lacking}", "bad")
    else:
        flash(request, f"已保存为第{number}版，核验通过。", "ok")
    return redirect(f"/briefs/{brief_id}#{addr}")


@router.post("/briefs/{brief_id}/check")
def check(request: Request, brief_id: RowId, *, addr: str = Form(...), text: str = Form(...),
          csrf: str = Form("")) -> JSONResponse:
    """Verify a text as it is being typed, without saving: what in it has no support in the sources cited there."""
    require_writer(request, csrf)
    if not ADDRESS.match(addr):
        raise HTTPException(422, "无效的句子地址")
    try:
        draft = clean_text(text)
    except EditError as exc:
        return JSONResponse({"status": "invalid", "missing": [], "message": str(exc)})
    with open_store(request) as store:
        _row, current = load(store, brief_id)
        if addr not in slot_map(current.data):
            raise HTTPException(404, "找不到这句话")
        status, missing = check_text(store, current.data, addr, draft)
    labels = [missing_label(m) for m in missing]
    message = {"unsupported": "缺少依据：" + "、".join(labels),
               "verified": "核验通过：数字、日期、文件名、引语和主体都有出处",
               "unchecked": "这句话没有需要核验的数字、日期、文件名、引语或主体"}[status]
    return JSONResponse({"status": status, "missing": labels, "message": message})


@router.post("/briefs/{brief_id}/revert")
def revert(request: Request, brief_id: RowId, *, to: FormRevision, base: FormRevision,
           csrf: str = Form("")) -> Response:
    """Make an earlier revision current again (as a new revision; nothing is deleted)."""
    user = require_writer(request, csrf)
    with open_store(request) as store:
        row, current = load(store, brief_id)
        writable(row)
        _row, target = load(store, brief_id, to)
        if base != current.number:
            raise HTTPException(409, f"简报已更新到第{current.number}版，请刷新后再回退")
        number = save_verified(store, brief_id, current.number, data=target.data, user=user,
                               note=f"回退到第{to}版", conflict="简报刚被他人修改，请刷新后再回退")
    flash(request, f"已回退到第{to}版的内容（保存为第{number}版）", "ok")
    return redirect(f"/briefs/{brief_id}")


@router.post("/briefs/{brief_id}/approve")
def approve(request: Request, brief_id: RowId, *, base: FormRevision, csrf: str = Form("")) -> Response:
    """Approve a draft whose every claim is supported: render its final files into the output folder."""
    user = require_writer(request, csrf)
    with open_store(request) as store:
        row, current = draft_at(store, brief_id, base, "请核对后再批准")
        if row.status != "draft":
            raise HTTPException(409, "这份简报已经批准")
        checked = recheck(store, current.data)
        bad = [addr for addr, v in checked.verdicts.items() if v["status"] == "unsupported"]
        if bad:
            places = "、".join(describe(current.data, a) for a in bad[:8])
            raise HTTPException(409, f"还有 {len(bad)} 处缺少依据，不能批准：{places}")
        out = output_folder(settings(request).out, row.issue_date, brief_id)
        try:
            render_outputs(current.data, checked, store.stories(brief_id), out)
        except (PdfError, OutputError) as exc:
            raise HTTPException(500, f"生成文件失败：{exc}") from None
        try:
            store.approve(brief_id, current.number, user, str(out))
        except Conflict:
            raise HTTPException(409, "简报刚被他人修改，请核对后再批准") from None
    flash(request, f"已批准第{current.number}版，PDF、HTML、Markdown 和 JSON 已写入 {out}", "ok")
    return redirect(f"/briefs/{brief_id}")


@router.post("/briefs/{brief_id}/publish")
def publish(request: Request, tasks: BackgroundTasks, brief_id: RowId, *, base: FormRevision,
            csrf: str = Form("")) -> Response:
    """Publish an approved brief (read-only from now on) and deliver it to its configured channels."""
    user = require_writer(request, csrf)
    with open_store(request) as store:
        row, current = load(store, brief_id)
        writable(row)
        if row.status != "approved" or base != current.number:
            raise HTTPException(409, "只能发布已批准的最新版本")
        try:
            store.publish(brief_id, current.number, user)
        except Conflict:
            raise HTTPException(409, "简报状态已变化，请刷新") from None
    flash(request, "已发布。这份简报现在只读。" + _start_delivery(request, tasks, row), "ok")
    return redirect(f"/briefs/{brief_id}")


@router.post("/briefs/{brief_id}/deliver")
def deliver_again(request: Request, tasks: BackgroundTasks, brief_id: RowId, csrf: str = Form("")) -> Response:
    """Deliver a published brief to the channels that do not have it yet (those that failed, or were added)."""
    require_writer(request, csrf)
    with open_store(request) as store:
        row, _current = load(store, brief_id)
    if row.status != "published":
        raise HTTPException(409, "简报发布后才能投递")
    flash(request, _start_delivery(request, tasks, row).strip("。") or "没有配置投递渠道", "ok")
    return redirect(f"/briefs/{brief_id}#deliveries")


def _start_delivery(request: Request, tasks: BackgroundTasks, row: BriefRow) -> str:
    """Queue the delivery of a brief after the response; return what to tell the editor."""
    count = channel_count(row)
    if not count:
        return ""
    tasks.add_task(deliver_brief, settings(request).db, row)
    return f"正在投递到 {count} 个渠道，刷新页面查看投递结果。"
