"""The soak's site: seven sources publishing every simulated day on 127.0.0.1, three of them misbehaving.

Four sources are well behaved (a national, a provincial and a city government and a paper that
also reprints the governments' pages with a 来源：line); 新华网 answers 503 on its down days; 低空快讯's
feed is garbage (binary noise, cut-off XML, an HTML page); 聚合订阅's feed lists only items that
point at a local file and at private and link-local addresses, plus a page of this site that
redirects to the cloud metadata address. Pages are 低空经济 reports written by bench_stories'
generator (events several sources report, off-theme news), each dated by a PubDate meta.

Each feed lists the pages of the last BACK_DAYS days up to the simulated `today`, so a source
that was down catches up when it returns. Every request is logged; `allowed` says which paths a
correct collector may ask for, and `expected_urls` which pages the archive must hold on a day.
A day can be made slow (`slow_day`): each of its pages then waits a little before it is
served, and `slow_started` is set once `slow_after` of them were asked for — the moment the
soak kills a run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import random
import threading
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import bench_stories as gen

BACK_DAYS = 7  # a feed lists the pages of its last days


@dataclass(frozen=True)
class SoakSource:
    """One source of the site: its name, level, how it behaves, and a bench_stories source for datelines."""

    name: str
    level: str
    behaviour: str  # normal | down | garbage | hostile
    writer: int  # index into bench_stories.SOURCES: whose datelines its reports use


SOURCES = (
    SoakSource("中国民用航空局", "national", "normal", 0),
    SoakSource("广东省人民政府", "provincial", "normal", 8),
    SoakSource("深圳市人民政府", "city", "normal", 18),
    SoakSource("中国航空报", "media", "normal", 48),
    SoakSource("新华网", "media", "down", 30),
    SoakSource("低空快讯", "media", "garbage", 42),
    SoakSource("聚合订阅", "media", "hostile", 43),
)
PUBLISHING = [i for i, s in enumerate(SOURCES) if s.behaviour in ("normal", "down")]
REPRINTER = 3  # 中国航空报 reprints the governments' pages
CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Page:
    """One article page of the site."""

    source: int
    day: dt.date
    path: str
    title: str
    paragraphs: tuple[str, ...]
    origin: str = ""


@dataclass
class SoakSite:
    """The generated site and its HTTP server (start with `serve`, stop with `close`)."""

    first: dt.date
    last: dt.date
    per_day: int
    seed: int
    down_days: frozenset[dt.date]
    canary: Path
    today: dt.date = dt.date.min
    slow_day: dt.date | None = None
    slow_after: int = 3
    slow_seconds: float = 0.2
    pages: dict[str, Page] = field(default_factory=dict)
    served: list[str] = field(default_factory=list)
    slow_started: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _slow_count: int = 0
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self._generate()

    # ------------------------------------------------------------------ content

    def _generate(self) -> None:
        """Write every page of every day: shared events, each source's off-theme news, reprints."""
        rng = random.Random(self.seed)
        serial = 0
        day = self.first
        while day <= self.last:
            made: list[Page] = []
            for _ in range(self.per_day):
                kind = rng.choices(gen.KINDS, weights=gen.KIND_WEIGHTS)[0]
                facts = gen.event_facts(rng, kind, day)
                for source in rng.sample(PUBLISHING, rng.randint(1, 3)):
                    serial += 1
                    title, paras = gen.write_report(rng, kind, facts, SOURCES[source].writer, day)
                    made.append(Page(source, day, f"/s{source}/{day:%Y%m%d}/a{serial:05d}.html", title, tuple(paras)))
            for source in PUBLISHING:
                serial += 1
                title, paras = gen.write_off_theme(rng, day)
                made.append(Page(source, day, f"/s{source}/{day:%Y%m%d}/a{serial:05d}.html", title, tuple(paras)))
            governments = [p for p in made if SOURCES[p.source].level != "media"]
            for original in rng.sample(governments, min(len(governments), max(1, self.per_day // 2))):
                serial += 1
                publisher = SOURCES[original.source].name
                made.append(Page(REPRINTER, day, f"/s{REPRINTER}/{day:%Y%m%d}/a{serial:05d}.html", original.title,
                                 tuple(gen.reprint_body(rng, list(original.paragraphs), publisher)), publisher))
            self.pages.update((p.path, p) for p in made)
            day += dt.timedelta(days=1)

    def listed(self, source: int, today: dt.date) -> list[Page]:
        """Return the pages a source's feed lists on a day, newest first."""
        return sorted((p for p in self.pages.values() if p.source == source
                       and today - dt.timedelta(days=BACK_DAYS) <= p.day <= today), key=lambda p: (p.day, p.path),
                      reverse=True)

    def expected_urls(self, base: str, through: dt.date, first_run: dt.date) -> set[str]:
        """Return the pages a correct collector has stored after running every day from `first_run` to `through`.

        A page is collected when its source's feed listed it on a day the source was up.
        """
        out = set()
        for p in self.pages.values():
            if p.day > through:
                continue
            day = max(p.day, first_run)
            while day <= min(through, p.day + dt.timedelta(days=BACK_DAYS)):
                if not (SOURCES[p.source].behaviour == "down" and day in self.down_days):
                    out.add(base + p.path)
                    break
                day += dt.timedelta(days=1)
        return out

    def allowed(self, path: str) -> bool:
        """Say whether a correct collector may ask for a path: feeds, robots.txt, listed pages, the redirect."""
        if path in ("/robots.txt", f"/s{len(SOURCES) - 1}/moved.html"):
            return True
        if path.endswith("/feed.xml"):
            return path in {f"/s{i}/feed.xml" for i in range(len(SOURCES))}
        return path in self.pages

    def feed(self, source: int, base: str) -> tuple[int, str, bytes]:
        """Return (status, content type, body) of a source's feed today."""
        behaviour = SOURCES[source].behaviour
        if behaviour == "garbage":
            noise = random.Random(self.today.toordinal())
            kinds = [bytes(noise.randrange(256) for _ in range(2048)),
                     b'<?xml version="1.0"?><rss version="2.0"><channel><title>\xe4\xbd',
                     "<html><body>系统维护中</body></html>".encode()]
            return 200, "application/rss+xml", kinds[self.today.toordinal() % len(kinds)]
        if behaviour == "hostile":
            links = [self.canary.resolve().as_uri(), "http://10.0.0.5/internal.html",
                     "http://169.254.169.254/latest/meta-data/", "http://192.168.1.1/admin.html",
                     f"{base}/s{source}/moved.html"]
            items = [(f"第{i}条", link, self.today) for i, link in enumerate(links, 1)]
        else:
            items = [(p.title, base + p.path, p.day) for p in self.listed(source, self.today)]
        entries = "".join(
            f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
            f"<pubDate>{format_datetime(dt.datetime.combine(day, dt.time(9, 30), CHINA))}</pubDate></item>"
            for title, link, day in items)
        body = (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>'
                f"{escape(SOURCES[source].name)}</title><link>{base}/s{source}/</link>{entries}</channel></rss>")
        return 200, "application/rss+xml; charset=utf-8", body.encode("utf-8")

    @staticmethod
    def page_html(page: Page) -> bytes:
        """Return a government- or news-style page: navigation, title, date and source line, body, footer."""
        source = SOURCES[page.source].name
        body = "".join(f"<p>{escape(p)}</p>" for p in page.paragraphs)
        origin = f"来源：{escape(page.origin or source)}"
        return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{escape(page.title)}_{escape(source)}</title><meta name="PubDate" content="{page.day} 09:30"></head>
<body><div class="nav">首页 | 政务公开 | 新闻动态 | 政策文件 | 互动交流</div>
<div class="article"><h1>{escape(page.title)}</h1><div class="info">发布时间：{page.day} 09:30 {origin}</div>
{body}</div><div class="footer">主办单位：{escape(source)} 版权所有 未经许可不得转载</div></body></html>""".encode()

    def slow_down(self, day: dt.date | None) -> threading.Event:
        """Make a day's pages slow (None: none); return the event set once `slow_after` of them were asked for."""
        with self._lock:
            self.slow_day, self._slow_count = day, 0
            self.slow_started = threading.Event()
            return self.slow_started

    # ------------------------------------------------------------------ serving

    def answer(self, path: str, base: str) -> tuple[int, str, bytes, dict[str, str]]:
        """Return (status, content type, body, extra headers) for a request path, as of `today`."""
        with self._lock:
            self.served.append(path)
        parts = path.strip("/").split("/")
        source = int(parts[0][1:]) if parts and parts[0].startswith("s") and parts[0][1:].isdigit() else -1
        if 0 <= source < len(SOURCES) and SOURCES[source].behaviour == "down" and self.today in self.down_days:
            return 503, "text/plain", b"service unavailable", {}
        if path.endswith("/feed.xml") and 0 <= source < len(SOURCES):
            return (*self.feed(source, base), {})
        if path == f"/s{len(SOURCES) - 1}/moved.html":
            return 302, "text/plain", b"", {"Location": "http://169.254.169.254/latest/meta-data/iam/"}
        page = self.pages.get(path)
        if page is None or page.day > self.today:
            return 404, "text/plain", b"not found", {}
        if page.day == self.slow_day:
            with self._lock:
                self._slow_count += 1
                if self._slow_count >= self.slow_after:
                    self.slow_started.set()
            threading.Event().wait(self.slow_seconds)
        return 200, "text/html; charset=utf-8", self.page_html(page), {}

    def serve(self) -> str:
        """Start serving on a free port of 127.0.0.1; return the base URL."""
        site = self

        class Handler(BaseHTTPRequestHandler):
            """Answer from the site; honour If-None-Match so unchanged pages cost a 304."""

            def log_message(self, format: str, *args: Any) -> None:
                """Stay quiet: the site keeps its own log."""

            def do_GET(self) -> None:
                """Serve one request."""
                host, port = self.server.server_address[:2]
                status, kind, body, headers = site.answer(urlsplit(self.path).path, f"http://{host!s}:{port}")
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if status == HTTPStatus.OK and self.headers.get("If-None-Match") == etag:
                    self.send_response(HTTPStatus.NOT_MODIFIED)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                for key, value in {"Content-Type": kind, "Content-Length": str(len(body)), **headers}.items():
                    self.send_header(key, value)
                if status == HTTPStatus.OK:
                    self.send_header("ETag", etag)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a collector killed mid-request
                    self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        """Stop the server."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
