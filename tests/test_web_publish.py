"""The editor app's publish button delivers to the configured channels; the brief page shows the deliveries; /feed.xml.

The archive is built from the bundled demo site (tests/webfixtures.py); the config the run
used gets a 企业微信 channel pointing at a loopback robot (tests/platforms.py) and a channel
whose variable is unset, so one delivery succeeds and one fails, and the retry button is tried.
"""

from __future__ import annotations

import time
from pathlib import Path

import feedparser
import httpx
import pytest
from faulty_server import FaultyServer
from platforms import Robot, wecom
from webfixtures import current, login

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def wait_for(check, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_publish_button_delivers_and_the_page_shows_the_deliveries(app, built, monkeypatch):
    robot = Robot()
    with FaultyServer() as server:
        server["/send"] = wecom(robot, "K")
        monkeypatch.setenv("WEB_WECOM_URL", server.url("/send?key=K"))
        monkeypatch.delenv("WEB_HOOK_URL", raising=False)
        config = Path(current(built)[0].config_path)
        config.write_text(config.read_text(encoding="utf-8") + """
[schedule]
base_url = "https://brief.example.org/published/"

[[publish]]
name = "wx"
type = "wecom"
url_env = "WEB_WECOM_URL"

[[publish]]
name = "hook"
type = "webhook"
url_env = "WEB_HOOK_URL"
""", encoding="utf-8")
        row, revision = current(built)
        with httpx.Client(base_url=app.url, follow_redirects=False, timeout=60) as c:
            token = login(c, "alice")
            assert c.post(f"/briefs/{row.id}/approve", data={"base": revision.number, "csrf": token}).status_code == 303
            published = c.post(f"/briefs/{row.id}/publish", data={"base": revision.number, "csrf": token})
            assert published.status_code == 303
            assert "正在投递到 2 个渠道" in c.get(f"/briefs/{row.id}").text
            wait_for(lambda: robot.accepted)
            wait_for(lambda: "WEB_HOOK_URL" in c.get(f"/briefs/{row.id}").text)
            page = c.get(f"/briefs/{row.id}").text
            assert 'id="deliveries"' in page and "已送达" in page and "失败" in page
            folder = Path(current(built)[0].out_dir).name
            link = f"https://brief.example.org/published/{folder}/brief.html#s1"
            assert link in robot.accepted[0]["markdown"]["content"]
            monkeypatch.setenv("WEB_HOOK_URL", server.url("/hook"))
            server["/hook"] = lambda ex: ex.respond(200, b'{"id": "h1"}', {"Content-Type": "application/json"})
            assert c.post(f"/briefs/{row.id}/deliver", data={"csrf": token}).status_code == 303
            wait_for(lambda: server.hits("/hook"))
            assert len(robot.accepted) == 1  # the robot already had it: not sent twice
            wait_for(lambda: "h1" in c.get(f"/briefs/{row.id}").text)
            feed = feedparser.parse(c.get("/feed.xml").content)
    assert feed.bozo == 0 and len(feed.entries) == 1
    assert feed.entries[0].link == f"https://brief.example.org/published/{folder}/brief.html"
    assert feed.entries[0].content[0].value == "".join(s["text"] for s in revision.data["summary"]["sentences"])


def test_deliver_needs_a_signed_in_editor_and_a_published_brief(app, built):
    row, _revision = current(built)
    with httpx.Client(base_url=app.url, follow_redirects=False, timeout=60) as c:
        assert c.post(f"/briefs/{row.id}/deliver", data={"csrf": "x"}).status_code == 401
