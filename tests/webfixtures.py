"""Shared by the web tests: an archive built from the bundled demo site, the editor app served on loopback.

The archive is what `dailybrief demo` makes (the demo site served on 127.0.0.1, ingested,
the brief run), plus one page whose text carries <script>, onerror= and javascript: markup,
stored as the pipeline would store it, so the app's escaping is tested on real archive data.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from dailybrief.collect.ingest import ingest
from dailybrief.config import load_config
from dailybrief.demo import demo_root, prepare
from dailybrief.demo.siteserver import SiteServer
from dailybrief.extract.article import Page, extract_article
from dailybrief.models import Fetch
from dailybrief.pipeline import run_brief
from dailybrief.store.archive import Archive
from dailybrief.verify.evidence import article_evidence
from dailybrief.web.app import create_app
from dailybrief.web.deps import WebSettings
from dailybrief.web.editing import slot_map, slots
from dailybrief.web.secretkey import SECRET_ENV
from dailybrief.web.serve import add_user
from dailybrief.web.store import WebStore

FIXTURE = Path(__file__).parent / "fixtures" / "web" / "scripted-page.html"
SCRIPTED_PATH = "/www.lowalt-news.cn/xss/t20261119_0001.html"
SCRIPTED_SOURCE = "低空经济网"
DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
USERS = {"alice": "alice-password-1", "bob": "bob-password-22"}


@dataclass
class Built:
    """A temporary archive built from the demo site."""

    root: Path
    db: Path
    issue_date: dt.date
    scripted_url: str


def build_archive(root: Path) -> Built:
    """Ingest the demo site and the scripted page, run the brief, add the test users."""
    with SiteServer(demo_root() / "site") as server:
        config_path = prepare(root, server)
        config = load_config(config_path)
        day = config.brief.date or dt.date.today()
        db = root / "dailybrief.db"
        url = server.base_url + SCRIPTED_PATH
        with Archive(db) as archive:
            ingest(config, archive, day)
            body = FIXTURE.read_bytes()
            article = extract_article(Page(body, url, "text/html; charset=utf-8"), SCRIPTED_SOURCE, day)
            fetch = Fetch(url=url, final_url=url, status=200, headers={"content-type": "text/html; charset=utf-8"},
                          body=body, fetched_at=dt.datetime.now(dt.UTC))
            archive.save_article(fetch, article)
            run_brief(config, archive, day, root / "run-output", lambda _line: None, collect=False)
    for name, password in USERS.items():
        add_user(db, name, password)
    return Built(root, db, day, url)


class LiveApp:
    """The editor app served by uvicorn in a background thread on 127.0.0.1 (a free port)."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = ""

    def __enter__(self) -> LiveApp:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@contextmanager
def live_app(built: Built, **settings: Any) -> Iterator[LiveApp]:
    """Serve the app over a built archive with WebSettings keywords; outputs go to <root>/published."""
    with LiveApp(WebSettings(db=built.db, out=built.root / "published", **settings)) as app:
        yield app


def csrf_of(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def login(client: httpx.Client, name: str, password: str | None = None) -> str:
    """Sign a client in; return the session's new CSRF token."""
    token = csrf_of(client.get("/login").text)
    reply = client.post("/login", data={"name": name, "password": password or USERS[name], "csrf": token,
                                        "next": "/"})
    assert reply.status_code == 303, reply.text
    return csrf_of(client.get("/").text)


def current(built: Built) -> Any:
    with Archive(built.db) as archive:
        store = WebStore(archive)
        row = store.briefs()[0]
        return row, store.revision(row.id)


def evidence_numbers(built: Built, data: dict[str, Any], cites: tuple[str, ...]) -> set[str]:
    with Archive(built.db) as archive:
        urls = [r["url"] for r in data["references"] if r["id"] in cites]
        return {str(n) for a in map(archive.article_by_url, urls) if a for s in article_evidence(a).quantities
                if s.claim.quantity for n in s.claim.quantity.numbers}


def numbered_sentence(built: Built) -> tuple[int, int, str, str, str]:
    """Return (brief id, revision, address, text, a number in it) of a verified section sentence."""
    row, revision = current(built)
    for slot in slots(revision.data):
        if slot.addr.startswith("sec.") and revision.verdicts[slot.addr]["status"] == "verified":
            outside_titles = re.sub(r"《[^》]*》", "", slot.text)
            found = re.findall(r"(?<![\d.])\d{2,4}(?![\d.年月日])", outside_titles)
            if found:
                return row.id, revision.number, slot.addr, slot.text, found[0]
    raise AssertionError("no verified sentence with a number in the demo brief")


def wrong_value(built: Built, addr: str, number: str) -> str:
    """Return a number the sentence's cited articles never state."""
    _row, revision = current(built)
    known = evidence_numbers(built, revision.data, slot_map(revision.data)[addr].cites)
    value = int(number)
    while str(value) in known or str(value) == number:
        value = value * 7 + 3
    return str(value)


# ----------------------------------------------------------------------------------- the real `serve`


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(*args: str, env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[str], Callable[[], str]]]:
    """Run `dailybrief serve` on a free loopback port until the block ends; yield its URL, process and a log reader."""
    port = free_port()
    # Its output goes to a file: a pipe nobody reads fills up after a few hundred logged requests and blocks it.
    with tempfile.TemporaryFile(mode="w+") as output:

        def log() -> str:
            """Return what the server has printed so far."""
            output.seek(0)
            return output.read()

        process = subprocess.Popen([str(DAILYBRIEF), "serve", "--port", str(port), *args], env=env, text=True,
                                   stdout=output, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"serve did not start: {log()}")
                time.sleep(0.1)
            yield url, process, log
        finally:
            process.terminate()
            process.wait(timeout=15)


def serve_env(tmp_path: Path) -> dict[str, str]:
    """Return an environment for `serve` without a signing key, its key file kept under tmp_path."""
    env = {k: v for k, v in os.environ.items() if k != SECRET_ENV}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return env
