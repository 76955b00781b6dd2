"""The editor app in a real browser: Playwright driving Debian's chromium, headless, against uvicorn on loopback.

The archive is built from the bundled demo site plus a page whose text carries <script>,
onerror= and javascript: markup (tests/webfixtures.py). Screenshots of the main pages go to
test-artifacts/web/. Tests run in file order: reading first, then the scripted story is
swapped in, then the edit → flag → revert → approve → download → publish flow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webfixtures import USERS, current, live_app, numbered_sentence, wrong_value

from dailybrief.config import load_config
from dailybrief.store.archive import Archive
from dailybrief.web.editing import slot_map

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                                                     "(`make install` installs it; never `playwright install`)"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "web"


@pytest.fixture(scope="module")
def browser(app: Any) -> Iterator[Any]:
    """Launch chromium once the archive is built (Playwright's sync API holds an event loop in this thread)."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


class Tab:
    """A fresh browser context and page on the app, recording dialogs and page errors."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(base_url=base, accept_downloads=True, viewport={"width": 1400,
                                                                                              "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def login(self, name: str) -> None:
        self.page.goto("/login")
        self.page.fill("input[name=name]", name)
        self.page.fill("input[name=password]", USERS[name])
        self.page.click("form.login button[type=submit]")
        self.page.wait_for_url(re.compile(r"/$"))

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)

    def sentence(self, addr: str) -> Any:
        return self.page.locator(f'[id="{addr}"]')

    def pwned(self) -> str:
        return str(self.page.evaluate("typeof window.__pwned"))


@pytest.fixture
def tab(browser: Any, app: Any) -> Iterator[Tab]:
    opened = Tab(browser, app.url)
    yield opened
    opened.context.close()


def test_open_a_brief_from_the_list(tab, built):
    row, revision = current(built)
    tab.page.goto("/")
    tab.shot("01-briefs")
    tab.page.click(f"#briefs a[href='/briefs/{row.id}']")
    tab.page.wait_for_url(f"**/briefs/{row.id}")
    assert tab.page.locator(".masthead h1").inner_text() == revision.data["title"]
    assert tab.page.locator("section.section").count() == len(revision.data["sections"])
    assert tab.page.locator(".toc li").count() == len(revision.data["sections"]) + 1
    tab.shot("02-brief")
    assert not tab.errors


def test_hover_and_click_show_the_evidence_of_a_sentence(tab, built):
    brief_id, _rev, addr, _text, number = numbered_sentence(built)
    _row, revision = current(built)
    tab.page.goto(f"/briefs/{brief_id}")
    other = next(a for a in revision.verdicts if a.startswith("sum.") and slot_map(revision.data)[a].cites)
    tab.sentence(other).hover()
    tab.page.wait_for_selector(f'.evidence[data-addr="{other}"]')
    tab.sentence(addr).click()
    panel = tab.page.locator(f'#panel .evidence[data-addr="{addr}"]')
    panel.wait_for()
    assert panel.locator("#verdict").inner_text() == "已核验"
    hits = panel.locator("blockquote.passage mark.hit").all_inner_texts()
    assert any(number in hit for hit in hits), hits
    assert "active" in (tab.sentence(addr).get_attribute("class") or "")
    tab.shot("03-evidence")
    panel.locator("a.stored").first.click()
    tab.page.wait_for_url(re.compile(r"/articles/[0-9a-f]+$"))
    cited = slot_map(revision.data)[addr].cites[0]
    title = next(r["title"] for r in revision.data["references"] if r["id"] == cited)
    assert tab.page.locator("article.stored h1").inner_text() == title
    assert not tab.errors


def test_scraped_script_onerror_and_javascript_links_run_nothing(tab, built):
    with Archive(built.db) as archive:
        scripted = archive.article_by_url(built.scripted_url)
    assert scripted is not None
    tab.login("alice")
    row, _revision = current(built)
    tab.page.goto(f"/briefs/{row.id}/stories")
    story_row = tab.page.locator("#stories tr", has_text=scripted.title)
    assert story_row.count() == 1
    if story_row.locator("button", has_text="加入简报").count():
        story_row.locator("button", has_text="加入简报").click()
        tab.page.wait_for_url(f"**/briefs/{row.id}#head.*")
    _row, revision = current(built)
    section = next(s for s in revision.data["sections"] if any(
        r["url"] == built.scripted_url for r in revision.data["references"]
        if r["id"] in {c for p in s["paragraphs"] for x in p["sentences"] for c in x["cites"]}))
    tab.page.goto(f"/briefs/{row.id}")
    tab.page.locator(f'[id="sec.{section["story"]}.0.0"]').click()
    tab.page.wait_for_selector(f'.evidence[data-addr="sec.{section["story"]}.0.0"]')
    visited = [f"/briefs/{row.id}", f"/articles/{scripted.id}", f"/briefs/{row.id}/stories",
               "/search?q=珠海+无人机物流", f"/briefs/{row.id}/s/sec.{section['story']}.0.0"]
    for number, path in enumerate(visited):
        if number:
            tab.page.goto(path)
        tab.page.wait_for_load_state("load")
        assert tab.pwned() == "undefined", path
        assert tab.page.locator('a[href^="javascript:"], img, [onerror], [onload]').count() == 0, path
    tab.page.goto(f"/articles/{scripted.id}")
    assert "<script>window.__pwned=1</script>" in tab.page.locator("article.stored h1").inner_text()
    body = tab.page.locator("article.stored").inner_text()
    assert 'onerror="window.__pwned=1;alert(1)"' in body and 'href="javascript:window.__pwned=1"' in body
    tab.shot("04-scraped-markup-as-text")
    tab.page.goto(f"/briefs/{row.id}/stories")
    tab.shot("05-stories")
    assert tab.dialogs == [] and tab.pwned() == "undefined"


def test_edit_a_number_see_it_flagged_revert_approve_download_publish(tab, built, tmp_path):
    brief_id, rev, addr, text, number = numbered_sentence(built)
    wrong = wrong_value(built, addr, number)
    tab.login("bob")
    tab.page.goto(f"/briefs/{brief_id}")
    tab.sentence(addr).click()
    tab.page.wait_for_selector(f'.evidence[data-addr="{addr}"] textarea')
    tab.page.fill("#edit-text", text.replace(number, wrong, 1))
    tab.page.wait_for_selector("#live-check.bad")  # checked while typing, before any save
    assert re.search(rf"数字 \S*{wrong}", tab.page.locator("#live-check").inner_text())
    assert current(built)[1].number == rev
    tab.shot("06a-checked-while-typing")
    tab.page.fill("#edit-text", text)
    tab.page.wait_for_selector("#live-check.ok")
    assert "核验通过" in tab.page.locator("#live-check").inner_text()
    tab.page.fill("#edit-text", text.replace(number, wrong, 1))
    tab.page.wait_for_selector("#live-check.bad")
    tab.page.click("#save")
    tab.page.wait_for_selector(f'.evidence[data-addr="{addr}"] #missing')
    assert "v-unsupported" in (tab.sentence(addr).get_attribute("class") or "")
    assert tab.sentence(addr).locator("sup.flag.bad").inner_text() == "无支撑"
    assert re.search(rf"数字 \S*{wrong}\S*（原文无此数值）", tab.page.locator(".flash.bad").inner_text())
    assert re.search(rf"数字 \S*{wrong}\S*（原文无此数值）", tab.page.locator("#missing").inner_text())
    failing = tab.page.locator("#panel mark.bad", has_text=wrong)
    assert failing.count() == 1 and failing.get_attribute("title") == "原文无此数值"  # the exact span, and why
    assert tab.sentence(addr).locator("mark.bad", has_text=wrong).count() == 1  # marked in the brief too
    assert tab.page.locator("#unsupported-count").inner_text() == "无支撑 1"
    tab.shot("06-edited-number-flagged")

    tab.page.click("text=修订记录")
    tab.page.wait_for_url(f"**/briefs/{brief_id}/revisions")
    tab.shot("07-revisions")
    tab.page.click(f"#revert-{rev}")
    tab.page.wait_for_url(f"**/briefs/{brief_id}")
    assert tab.sentence(addr).inner_text().startswith(text)
    assert "v-verified" in (tab.sentence(addr).get_attribute("class") or "")
    assert tab.page.locator("#unsupported-count").inner_text() == "无支撑 0"

    tab.page.click("#approve")
    tab.page.wait_for_selector("#download-pdf")
    assert tab.page.locator(".toolbar .status").inner_text() == "已批准"
    with tab.page.expect_download() as download:
        tab.page.click("#download-pdf")
    saved = tmp_path / "brief.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF") and download.value.suggested_filename.endswith("brief.pdf")

    tab.page.click("#publish")
    tab.page.wait_for_selector(".toolbar .status.st-published")
    tab.sentence(addr).click()
    tab.page.wait_for_selector(f'.evidence[data-addr="{addr}"]')
    assert "已发布，只读" in tab.page.locator("#panel").inner_text()
    assert tab.page.locator("#panel textarea").count() == 0
    assert tab.page.locator("#approve, #publish").count() == 0
    tab.shot("08-published")
    assert not tab.errors and not tab.dialogs


def test_sources_search_and_trends_pages(tab, built):
    config = load_config(built.root / "config.toml")
    tab.page.goto("/sources")
    assert tab.page.locator("#sources tbody tr").count() == len(config.sources())
    tab.shot("09-sources")
    tab.page.goto("/search")
    tab.page.fill("input[name=q]", "飞行服务站")
    tab.page.click(".searchbox button")
    tab.page.wait_for_selector("#hit-count")
    assert tab.page.locator("ol.hits li").count() > 0
    assert tab.page.locator("ol.hits mark.hit").count() > 0
    tab.shot("10-search")
    tab.page.goto("/trends")
    assert tab.page.locator("#trend-chart g.row").count() == len(config.theme.keywords)
    assert tab.page.locator("#trend-chart rect.bar").count() > 0
    tab.page.click("text=近90天")
    tab.page.wait_for_url(re.compile(r"days=90"))
    assert tab.page.locator("#trend-chart g.row").count() == len(config.theme.keywords)
    tab.shot("11-trends")
    assert not tab.errors


# ----------------------------------------------------------------------------------- sessions in the browser


def test_a_cookie_kept_from_before_signing_out_does_not_sign_in_again(browser, app, built):
    row, _revision = current(built)
    editor = Tab(browser, app.url)
    editor.login("alice")
    kept = editor.context.cookies()
    assert [c["name"] for c in kept] == ["dailybrief_session"] and kept[0]["httpOnly"]
    copy = Tab(browser, app.url)  # the same cookie in another browser: still signed in while the session lives
    copy.context.add_cookies(kept)
    copy.page.goto(f"/briefs/{row.id}")
    assert copy.page.locator("header .user").inner_text() == "alice"
    copy.context.close()
    editor.page.click("header .who button")
    editor.page.wait_for_selector("header .who a[href='/login']")
    editor.context.close()
    thief = Tab(browser, app.url)
    thief.context.add_cookies(kept)
    thief.page.goto(f"/briefs/{row.id}")
    assert thief.page.locator("header .user").count() == 0
    assert thief.page.locator("header .who a[href='/login']").count() == 1
    thief.shot("12-replayed-cookie")
    thief.context.close()


def test_signing_in_works_with_secure_cookies_on_a_trustworthy_origin(browser, built):
    """Beyond loopback cookies are Secure; chromium keeps them for http://127.0.0.1 (a trustworthy origin) too."""
    with live_app(built, secure=True, read_open=False) as served:
        tab = Tab(browser, served.url)
        tab.login("bob")
        (cookie,) = tab.context.cookies()
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        assert tab.page.locator("header .user").inner_text() == "bob"
        tab.context.close()
