"""The editor app over HTTP (uvicorn on loopback, httpx): every route, 404s, bad input, CSRF, conflicts.

The archive is built from the bundled demo site (tests/webfixtures.py). Tests that change the
brief run in file order: read, edit, conflict, stories, approve, publish.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from markupsafe import escape
from webfixtures import USERS, Built, csrf_of, current, live_app, login, numbered_sentence, wrong_value

from dailybrief.config import load_config
from dailybrief.models import Fetch
from dailybrief.pipeline import run_brief
from dailybrief.store.archive import Archive
from dailybrief.web.editing import slot_map, slots
from dailybrief.web.store import Counts, WebStore

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def client(app: Any) -> httpx.Client:
    return httpx.Client(base_url=app.url, follow_redirects=False, timeout=60)


# ----------------------------------------------------------------------------------- reading


def test_the_pipeline_recorded_the_run_as_a_draft_with_verification_counts(built):
    row, revision = current(built)
    assert row.status == "draft" and row.revision == 1 and revision.author == "流水线"
    assert row.issue_date == built.issue_date.isoformat()
    assert row.sentences == sum(1 for s in slots(revision.data) if s.kind != "heading") > 0
    assert row.checked > 0
    assert {v["status"] for v in revision.verdicts.values()} <= {"verified", "unchecked", "unsupported"}


def test_brief_list_shows_date_status_and_counts(app, built):
    with client(app) as c:
        page = c.get("/")
    row, _revision = current(built)
    assert page.status_code == 200
    assert row.issue_date in page.text and row.title in page.text and "草稿" in page.text
    assert f'<td class="n">{row.sentences}</td>' in page.text


def test_every_reading_route_answers(app, built):
    row, revision = current(built)
    addr = next(s.addr for s in slots(revision.data) if s.addr.startswith("sec."))
    with Archive(built.db) as archive:
        article_id = archive.articles()[0].id
    routes = ["/", f"/briefs/{row.id}", f"/briefs/{row.id}/s/{addr}", f"/briefs/{row.id}/s/{addr}?fragment=1",
              f"/briefs/{row.id}/s/head.{revision.data['sections'][0]['story']}", f"/briefs/{row.id}/stories",
              f"/briefs/{row.id}/revisions", f"/briefs/{row.id}/revisions/1", "/sources", "/search",
              "/search?q=飞行服务站", "/search?q=飞行服务站&kind=brief", "/trends", "/trends?days=90",
              f"/articles/{article_id}", "/login", "/static/app.css", "/static/app.js", "/healthz"]
    with client(app) as c:
        for route in routes:
            reply = c.get(route)
            assert reply.status_code == 200, route
    fragment = client(app).get(f"/briefs/{row.id}/s/{addr}?fragment=1").text
    assert "<html" not in fragment and 'class="evidence"' in fragment


def test_pages_are_sent_with_security_headers_and_a_strict_cookie(app):
    with client(app) as c:
        reply = c.get("/login")
    policy = reply.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "object-src 'none'" in policy
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["x-frame-options"] == "DENY"
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert reply.headers["server-timing"].startswith("app;dur=")


@pytest.mark.parametrize("route", ["/briefs/999", "/briefs/1/s/sum.999", "/briefs/1/s/not-an-address",
                                   "/briefs/1/s/sec.nosuchstory.0.0", "/briefs/1/revisions/99",
                                   "/briefs/999/stories", "/briefs/999/revisions", "/articles/nosuchid",
                                   "/briefs/1/files/brief.pdf", "/briefs/1/files/passwd", "/no/such/page"])
def test_unknown_things_are_404_pages_in_chinese(app, route):
    with client(app) as c:
        reply = c.get(route)
    assert reply.status_code == 404
    assert "<h1>找不到页面</h1>" in reply.text


@pytest.mark.parametrize("route", ["/briefs/abc", "/trends?days=45", "/trends?end=yesterday",
                                   "/search?kind=everything&q=x", "/search?q=" + "长" * 201])
def test_malformed_parameters_are_422(app, route):
    with client(app) as c:
        reply = c.get(route)
    assert reply.status_code == 422
    assert "输入无效" in reply.text


def test_evidence_marks_the_supporting_claims_and_links_the_stored_source(app, built):
    brief_id, _rev, addr, _text, number = numbered_sentence(built)
    with client(app) as c:
        panel = c.get(f"/briefs/{brief_id}/s/{addr}?fragment=1").text
        assert 'id="verdict">已核验' in panel
        assert re.search(rf'<mark class="hit">[^<]*{number}[^<]*</mark>', panel), "no highlighted number"
        stored = re.findall(r'href="(/articles/[0-9a-f]+)"', panel)
        assert stored and c.get(stored[0]).status_code == 200


def test_search_finds_articles_and_briefs_by_chinese_words(app, built):
    with Archive(built.db) as archive:
        article = next(a for a in archive.articles() if "飞行服务站" in a.text)
    with client(app) as c:
        everything = c.get("/search", params={"q": "飞行服务站"}).text
        briefs_only = c.get("/search", params={"q": "飞行服务站", "kind": "brief"}).text
        nothing = c.get("/search", params={"q": "，。！"}).text
    assert f'href="/articles/{article.id}"' in everything
    assert '<mark class="hit">飞行服务站</mark>' in everything
    assert 'class="hit brief"' in briefs_only and 'class="hit article"' not in briefs_only
    assert "找到 0 条结果" in nothing


def test_trends_draw_one_row_per_theme_keyword(app, built):
    config = load_config(built.root / "config.toml")
    with client(app) as c:
        page = c.get("/trends", params={"days": 30}).text
    assert page.count('<g class="row">') == len(config.theme.keywords)
    assert "<rect " in page and "<script" not in page.split("<svg", 1)[1]


def test_sources_list_every_configured_source_with_its_runs(app, built):
    config = load_config(built.root / "config.toml")
    with client(app) as c:
        page = c.get("/sources").text
    for source in config.sources():
        assert source.name in page
    assert page.count('class="run h-ok"') >= len(config.sources())


# ----------------------------------------------------------------------------------- sign-in and CSRF


def test_writing_needs_a_login(app, built):
    brief_id, rev, addr, text, _number = numbered_sentence(built)
    with client(app) as c:
        token = csrf_of(c.get("/login").text)
        reply = c.post(f"/briefs/{brief_id}/edit", data={"addr": addr, "text": text + "改", "base": rev,
                                                          "csrf": token})
    assert reply.status_code == 401
    assert current(built)[1].number == rev


def test_a_wrong_password_is_refused_and_next_never_leaves_the_site(app):
    with client(app) as c:
        token = csrf_of(c.get("/login").text)
        bad = c.post("/login", data={"name": "alice", "password": "wrong-password", "csrf": token})
        assert bad.status_code == 401 and "用户名或密码不正确" in bad.text
        nobody = c.post("/login", data={"name": "nobody", "password": "whatever-123", "csrf": token})
        assert nobody.status_code == 401
        good = c.post("/login", data={"name": "alice", "password": USERS["alice"], "csrf": token,
                                      "next": "//evil.example/"})
        assert good.status_code == 303 and good.headers["location"] == "/"


def test_missing_wrong_and_stale_csrf_tokens_are_403(app, built):
    brief_id, rev, addr, text, _number = numbered_sentence(built)
    form = {"addr": addr, "text": text + "改", "base": rev}
    with client(app) as c:
        before_login = csrf_of(c.get("/login").text)
        login(c, "alice")
        assert c.post(f"/briefs/{brief_id}/edit", data=form).status_code == 403
        assert c.post(f"/briefs/{brief_id}/edit", data={**form, "csrf": "x" * 43}).status_code == 403
        stale = c.post(f"/briefs/{brief_id}/edit", data={**form, "csrf": before_login})
        assert stale.status_code == 403 and "CSRF" in stale.text
    with client(app) as other:
        login(other, "bob")
        token = csrf_of(other.get("/").text)
    with client(app) as c:
        login(c, "alice")
        assert c.post(f"/briefs/{brief_id}/edit", data={**form, "csrf": token}).status_code == 403
    assert current(built)[1].number == rev


def test_a_login_form_without_its_token_is_refused(app):
    with client(app) as c:
        c.get("/login")
        assert c.post("/login", data={"name": "alice", "password": USERS["alice"]}).status_code == 403


@pytest.mark.parametrize(("change", "status"), [
    ({"text": "   "}, 422), ({"text": "长" * 2001}, 422), ({"base": "abc"}, 422), ({"base": None}, 422),
    ({"addr": "sum.x"}, 422), ({"addr": "sec.nosuchstory.0.0"}, 404), ({"base": 999}, 422), ({"text": None}, 422),
])
def test_bad_edit_forms_are_refused_and_change_nothing(app, built, change, status):
    brief_id, rev, addr, text, _number = numbered_sentence(built)
    with client(app) as c:
        token = login(c, "alice")
        form = {"addr": addr, "text": text + "。", "base": rev, "csrf": token, **change}
        reply = c.post(f"/briefs/{brief_id}/edit", data={k: v for k, v in form.items() if v is not None})
    assert reply.status_code == status, reply.text
    assert current(built)[1].number == rev


# ----------------------------------------------------------------------------------- editing


def test_an_edited_number_is_flagged_and_counted_and_revert_restores_it(app, built):
    brief_id, rev, addr, text, number = numbered_sentence(built)
    wrong = wrong_value(built, addr, number)
    edited = text.replace(number, wrong, 1)
    with client(app) as c:
        token = login(c, "alice")
        reply = c.post(f"/briefs/{brief_id}/edit", data={"addr": addr, "text": edited, "base": rev, "csrf": token})
        assert reply.status_code == 303 and reply.headers["location"].endswith(f"#{addr}")
        page = c.get(f"/briefs/{brief_id}").text
        claim = rf"数字 [^，、（<]*{wrong}[^（<]*（原文无此数值）"  # the span as written (不少于1403个) and why
        assert re.search(claim, page)  # the flash message names what lacks support
        assert re.search(rf'id="{re.escape(addr)}"[^>]*title="无支撑：[^"]*{claim}', page)
        panel = c.get(f"/briefs/{brief_id}/s/{addr}?fragment=1").text
        assert re.search(rf'<span class="miss">{claim}</span>', panel)
        mark = rf'<mark class="bad" title="原文无此数值">[^<]*{wrong}[^<]*</mark>'
        assert re.search(mark, panel) and re.search(mark, page)  # the failing span marked, with why
        row, revision = current(built)
        assert revision.number == rev + 1 and revision.author == "alice" and row.unsupported == 1
        assert slot_map(revision.data)[addr].text == edited and slot_map(revision.data)[addr].status == "edited"
        assert f'<td class="n bad">{row.unsupported}</td>' in c.get("/").text
        history = c.get(f"/briefs/{brief_id}/revisions").text
        assert "alice" in history and "流水线" in history
        token = csrf_of(history)
        reverted = c.post(f"/briefs/{brief_id}/revert", data={"to": rev, "base": rev + 1, "csrf": token})
        assert reverted.status_code == 303
    row, revision = current(built)
    assert revision.number == rev + 2 and revision.note == f"回退到第{rev}版" and row.unsupported == 0
    assert slot_map(revision.data)[addr].text == text
    with Archive(built.db) as archive:
        kept = WebStore(archive).revision(brief_id, rev + 1)
    assert kept is not None and slot_map(kept.data)[addr].text == edited  # every revision is kept


def test_a_draft_is_checked_as_it_is_typed_and_nothing_is_saved(app, built):
    brief_id, rev, addr, text, number = numbered_sentence(built)
    wrong = wrong_value(built, addr, number)
    with client(app) as c:
        token = login(c, "alice")

        def check(draft: str) -> dict:
            reply = c.post(f"/briefs/{brief_id}/check", data={"addr": addr, "text": draft, "csrf": token})
            assert reply.status_code == 200, reply.text
            return reply.json()

        bad = check(text.replace(number, wrong, 1))
        assert bad["status"] == "unsupported" and any(re.match(rf"数字 \S*{wrong}", m) for m in bad["missing"])
        assert re.search(rf"数字 \S*{wrong}", bad["message"])
        assert check(text) == {"status": "verified", "missing": [],
                               "message": "核验通过：数字、日期、文件名、引语和主体都有出处"}
        assert check("这句话只是一个判断，没有可核验的内容。")["status"] == "unchecked"
        assert check("   ")["status"] == "invalid"
    _row, revision = current(built)
    assert revision.number == rev and slot_map(revision.data)[addr].text == text  # checking saves nothing


def test_checking_needs_a_login_a_token_and_an_existing_sentence(app, built):
    brief_id, _rev, addr, text, _number = numbered_sentence(built)
    with client(app) as c:
        token = csrf_of(c.get("/login").text)
        assert c.post(f"/briefs/{brief_id}/check", data={"addr": addr, "text": text, "csrf": token}).status_code == 401
        token = login(c, "alice")
        assert c.post(f"/briefs/{brief_id}/check", data={"addr": addr, "text": text}).status_code == 403
        for form, status in (({"addr": "sum.x"}, 422), ({"addr": "sec.nosuchstory.0.0"}, 404), ({"text": None}, 422)):
            data = {k: v for k, v in {"addr": addr, "text": text, "csrf": token, **form}.items() if v is not None}
            assert c.post(f"/briefs/{brief_id}/check", data=data).status_code == status, form
        assert c.post("/briefs/99999/check", data={"addr": addr, "text": text, "csrf": token}).status_code == 404


def test_a_heading_is_edited_and_verified_against_its_section(app, built):
    row, revision = current(built)
    key = revision.data["sections"][0]["story"]
    heading = revision.data["sections"][0]["heading"]
    with client(app) as c:
        token = login(c, "bob")
        reply = c.post(f"/briefs/{row.id}/edit", data={"addr": f"head.{key}", "text": heading + "（编辑）",
                                                        "base": revision.number, "csrf": token})
        assert reply.status_code == 303
    _row, after = current(built)
    assert after.data["sections"][0]["heading"] == heading + "（编辑）"
    assert after.verdicts[f"head.{key}"]["status"] in {"verified", "unchecked"}


def test_the_second_save_of_the_same_sentence_on_a_stale_revision_is_a_409_and_loses_nothing(app, built):
    brief_id, rev, addr, text, _number = numbered_sentence(built)
    with client(app) as alice, client(app) as bob:
        token_a, token_b = login(alice, "alice"), login(bob, "bob")
        first = alice.post(f"/briefs/{brief_id}/edit", data={"addr": addr, "text": text + "（甲）", "base": rev,
                                                              "csrf": token_a})
        second = bob.post(f"/briefs/{brief_id}/edit", data={"addr": addr, "text": text + "（乙）", "base": rev,
                                                             "csrf": token_b})
        assert first.status_code == 303
        assert second.status_code == 409
        assert text + "（甲）" in second.text and text + "（乙）" in second.text  # both versions shown
        _row, revision = current(built)
        assert slot_map(revision.data)[addr].text == text + "（甲）" and revision.number == rev + 1
        other = next(s for s in slots(revision.data) if s.addr.startswith("sec.") and s.addr != addr)
        merged = bob.post(f"/briefs/{brief_id}/edit", data={"addr": other.addr, "text": other.text + "（乙）",
                                                             "base": rev, "csrf": token_b})
        assert merged.status_code == 303  # a stale base is fine when nobody touched that sentence
    _row, revision = current(built)
    assert slot_map(revision.data)[addr].text == text + "（甲）"
    assert slot_map(revision.data)[other.addr].text == other.text + "（乙）"


def test_simultaneous_saves_of_one_sentence_store_exactly_one(app, built):
    brief_id, rev, addr, text, _number = numbered_sentence(built)
    clients = [client(app), client(app)]
    tokens = [login(clients[0], "alice"), login(clients[1], "bob")]
    barrier = threading.Barrier(2)
    results: list[int] = []

    def save(i: int) -> None:
        barrier.wait()
        reply = clients[i].post(f"/briefs/{brief_id}/edit", data={"addr": addr, "text": f"{text}（{'甲乙'[i]}）",
                                                                   "base": rev, "csrf": tokens[i]})
        results.append(reply.status_code)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in clients:
        c.close()
    assert sorted(results) == [303, 409]
    _row, revision = current(built)
    assert revision.number == rev + 1
    assert slot_map(revision.data)[addr].text in {f"{text}（甲）", f"{text}（乙）"}


# ----------------------------------------------------------------------------------- stories


def test_stories_list_score_why_and_selection(app, built):
    row, revision = current(built)
    with Archive(built.db) as archive:
        stories = WebStore(archive).stories(row.id)
    with client(app) as c:
        page = c.get(f"/briefs/{row.id}/stories").text
    for story in stories:
        assert str(escape(story["why"])) in page and f"{story['score']:.3f}" in page
    in_brief = {s["story"] for s in revision.data["sections"]}
    assert page.count('class="in"') == len(in_brief)


def test_a_left_out_story_is_written_verified_and_swapped_in_then_dropped(app, built):
    row, revision = current(built)
    with Archive(built.db) as archive:
        stories = WebStore(archive).stories(row.id)
    in_brief = {s["story"] for s in revision.data["sections"]}
    left_out = next(s for s in stories if not s["background"] and s["id"] not in in_brief)
    replaced = revision.data["sections"][-1]["story"]
    with client(app) as c:
        token = login(c, "alice")
        reply = c.post(f"/briefs/{row.id}/stories/{left_out['id']}/add",
                       data={"base": revision.number, "csrf": token, "replace": replaced})
        assert reply.status_code == 303, reply.text
        _row, after = current(built)
        keys = [s["story"] for s in after.data["sections"]]
        assert left_out["id"] in keys and replaced not in keys and len(keys) == len(in_brief)
        assert [s["number"] for s in after.data["sections"]] == list(range(1, len(keys) + 1))
        cited = {c for s in slots(after.data) for c in s.cites}
        assert cited <= {r["id"] for r in after.data["references"]}
        added = [v for a, v in after.verdicts.items() if f".{left_out['id']}" in a and not a.startswith("head.")]
        assert added and all(v["status"] != "unsupported" for v in added)
        assert c.post(f"/briefs/{row.id}/stories/{left_out['id']}/add",
                      data={"base": after.number, "csrf": token}).status_code == 422  # already in
        assert c.post(f"/briefs/{row.id}/stories/nosuchstory/add",
                      data={"base": after.number, "csrf": token}).status_code == 404
        assert c.post(f"/briefs/{row.id}/stories/{left_out['id']}/drop",
                      data={"base": after.number - 1, "csrf": token}).status_code == 409  # stale
        dropped = c.post(f"/briefs/{row.id}/stories/{left_out['id']}/drop",
                         data={"base": after.number, "csrf": token})
        assert dropped.status_code == 303
    _row, final = current(built)
    assert left_out["id"] not in [s["story"] for s in final.data["sections"]]
    assert len(final.data["sections"]) == len(in_brief) - 1
    # both decisions are kept for `rank --learn`: the added story preferred, then the dropped one not
    with Archive(built.db) as archive:
        rows = archive.db.execute("SELECT action, story_id, decided_by FROM rank_decisions ORDER BY id").fetchall()
        decisions = archive.decisions()
    features = {s["id"]: s["features"] for s in stories}
    assert [tuple(r) for r in rows[-2:]] == [("add", left_out["id"], "alice"), ("drop", left_out["id"], "alice")]
    added, dropped = decisions[-2:]
    assert added and all(winner == features[left_out["id"]] for winner, _other in added)
    assert features[replaced] in [other for _winner, other in added]
    assert len(dropped) == len(final.data["sections"])
    assert all(loser == features[left_out["id"]] for _winner, loser in dropped)


def test_a_rerun_of_a_draft_day_adds_a_pipeline_revision_and_keeps_the_editors(built):
    row, edited = current(built)
    assert edited.author != "流水线"
    config = load_config(built.root / "config.toml")
    with Archive(built.db) as archive:
        run_brief(config, archive, built.issue_date, built.root / "rerun", lambda _line: None, collect=False)
        after_row, after = current(built)
        assert after_row.id == row.id and after.number == edited.number + 1 and after.author == "流水线"
        run_brief(config, archive, built.issue_date, built.root / "rerun", lambda _line: None, collect=False)
        kept = WebStore(archive).revision(row.id, edited.number)
    assert current(built)[1].number == after.number  # the same run again changes nothing
    assert kept is not None and kept.data == edited.data


# ----------------------------------------------------------------------------------- approve and publish


def test_approval_is_refused_while_a_claim_lacks_support(app, built):
    brief_id, rev, addr, text, number = numbered_sentence(built)
    wrong = text.replace(number, wrong_value(built, addr, number), 1)
    with client(app) as c:
        token = login(c, "alice")
        assert c.post(f"/briefs/{brief_id}/edit",
                      data={"addr": addr, "text": wrong, "base": rev, "csrf": token}).status_code == 303
        refused = c.post(f"/briefs/{brief_id}/approve", data={"base": rev + 1, "csrf": token})
        assert refused.status_code == 409 and "缺少依据" in refused.text
        assert c.post(f"/briefs/{brief_id}/revert", data={"to": rev, "base": rev + 1, "csrf": token}).status_code == 303
    assert current(built)[0].status == "draft"


def test_approval_writes_every_output_and_publishing_makes_the_brief_read_only(app, built):
    row, revision = current(built)
    with client(app) as c:
        token = login(c, "alice")
        assert c.post(f"/briefs/{row.id}/approve", data={"base": revision.number - 1, "csrf": token}).status_code == 409
        assert c.post(f"/briefs/{row.id}/publish", data={"base": revision.number, "csrf": token}).status_code == 409
        approval = c.post(f"/briefs/{row.id}/approve", data={"base": revision.number, "csrf": token})
        assert approval.status_code == 303, approval.text
        approved, _rev = current(built)
        assert approved.status == "approved" and approved.approved_by == "alice"
        folder = Path(approved.out_dir)
        assert folder.parent == built.root / "published"
        pdf = c.get(f"/briefs/{row.id}/files/brief.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert "attachment" in pdf.headers["content-disposition"]
        data = c.get(f"/briefs/{row.id}/files/brief.json").json()
        assert data["sections"] == [{k: v for k, v in s.items() if k != "heading_status"}
                                    for s in revision.data["sections"]]
        assert data["verification"]["unsupported"] == 0
        stories = c.get(f"/briefs/{row.id}/files/stories.json").json()
        assert {s["id"] for s in stories if s["selected"]} == {s["story"] for s in revision.data["sections"]}
        assert set(stories[0]) == {"id", "score", "selected", "rank", "primary", "articles", "reprints", "why"}
        for name in ("brief.md", "brief.html"):
            assert c.get(f"/briefs/{row.id}/files/{name}").status_code == 200
            assert (folder / name).is_file()
        assert c.post(f"/briefs/{row.id}/approve", data={"base": revision.number, "csrf": token}).status_code == 409
        assert c.post(f"/briefs/{row.id}/publish", data={"base": revision.number, "csrf": token}).status_code == 303
        assert current(built)[0].status == "published"
        slot = next(s for s in slots(revision.data) if s.addr.startswith("sec."))
        story = revision.data["sections"][0]["story"]
        for path, form in [("edit", {"addr": slot.addr, "text": slot.text + "改"}), ("revert", {"to": 1}),
                           (f"stories/{story}/drop", {}), ("publish", {}), ("approve", {})]:
            reply = c.post(f"/briefs/{row.id}/{path}", data={"base": revision.number, "csrf": token, **form})
            assert reply.status_code == 409, path
            assert "只读" in reply.text or path in {"publish", "approve"}
        panel = c.get(f"/briefs/{row.id}/s/{slot.addr}?fragment=1").text
        assert "已发布，只读" in panel and "<textarea" not in panel
    assert current(built)[1].number == revision.number


def test_a_rerun_of_a_published_day_leaves_the_brief_alone(built):
    row, revision = current(built)
    config = load_config(built.root / "config.toml")
    with Archive(built.db) as archive:
        run_brief(config, archive, built.issue_date, built.root / "rerun", lambda _line: None, collect=False)
    after_row, after = current(built)
    assert (after_row.id, after_row.status, after.number) == (row.id, "published", revision.number)


# ----------------------------------------------------------------------------------- scraped markup


def test_scraped_markup_is_escaped_everywhere(app, built):
    with Archive(built.db) as archive:
        article = archive.article_by_url(built.scripted_url)
        assert article is not None and "<script>" in article.title
        store = WebStore(archive)
        evil = Fetch(url="javascript:window.__pwned=1//", final_url="javascript:window.__pwned=1//", status=200,
                     headers={}, body=b"x", fetched_at=dt.datetime.now(dt.UTC))
        archive.save_article(evil, dataclasses.replace(article, url=evil.url, id="0" * 16))
        row = store.briefs()[0]
    with client(app) as c:
        pages = [c.get(f"/articles/{article.id}").text, c.get("/articles/" + "0" * 16).text,
                 c.get("/search", params={"q": "珠海 无人机物流"}).text, c.get(f"/briefs/{row.id}/stories").text]
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in pages[0]
    assert "onerror=&#34;window.__pwned" in pages[0] or "onerror=&quot;window.__pwned" in pages[0]
    for page in pages:
        assert "<script>window" not in page and "<img src=x" not in page and "<svg onload" not in page
        assert 'href="javascript:' not in page.lower()
    assert "javascript:window.__pwned=1//" in pages[1]  # shown as text, never as a link


def test_a_brief_citing_a_javascript_url_shows_it_as_text(app, built, tmp_path):
    with Archive(built.db) as archive:
        store = WebStore(archive)
        row = store.briefs()[0]
        data = json.loads(json.dumps(store.revision(row.id).data))
    data["references"][0]["url"] = "javascript:alert(document.cookie)"
    data["references"][0]["title"] = "<img src=x onerror=alert(1)>"
    with Archive(tmp_path / "copy.db") as copy:
        copy_store = WebStore(copy)
        brief_id = copy_store.create_brief("2026-01-01", "测试", data=data, verdicts={},
                                           counts=Counts(0, 0, 0),
                                           stories=[], config=None, config_path=None, author="t", note="t")
    built_copy = Built(tmp_path, tmp_path / "copy.db", built.issue_date, built.scripted_url)
    with live_app(built_copy) as served, client(served) as c:
        page = c.get(f"/briefs/{brief_id}").text
    assert 'href="javascript:' not in page and "<img src=x" not in page
    assert "javascript:alert(document.cookie)" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# ----------------------------------------------------------------------------------- settings and CLI


def test_reading_can_require_a_login(built):
    with live_app(built, read_open=False) as served, client(served) as c:
        closed = c.get("/sources")
        assert closed.status_code == 303 and closed.headers["location"] == "/login?next=/sources"
        login(c, "bob")
        assert c.get("/sources").status_code == 200
