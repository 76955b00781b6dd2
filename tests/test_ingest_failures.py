"""Bad inputs the collector must survive: ingest() and the CLI against real servers on loopback.

Every source-level failure must end as one line in its source's health row, naming what
went wrong; good items of the same source are still stored and nothing stored is lost.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from faulty_server import (
    FaultyServer,
    Route,
    conditional,
    encoded,
    error,
    fail_then,
    gzipped_zeros,
    hang_mid_body,
    huge,
    page,
    redirect,
    robots,
    slow,
)

from dailybrief.collect.ingest import IngestReport, ingest
from dailybrief.config import Config, parse_config
from dailybrief.models import SourceHealth
from dailybrief.store.archive import Archive

ISSUE = dt.date(2026, 6, 15)
DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
FAST = {"connect_timeout": 1.0, "read_timeout": 1.0, "total_timeout": 3.0, "backoff": 0.05, "retries": 1,
        "max_retry_after": 5.0, "max_bytes": 1_000_000}
MB = 1_000_000


# --- realistic content ---------------------------------------------------------------------

def chinese_page(n: int, *, date: str | None = "2026-06-15", charset: str = "utf-8", title: str | None = None) -> str:
    """Return a small Chinese government-style article page (title, PubDate meta, 来源, paragraphs)."""
    title = title or f"国家数据局印发《数据要素市场化配置改革实施方案（第{n}号）》"
    pubdate = f'<meta name="PubDate" content="{date} 09:30">' if date else ""
    paragraphs = [
        f"为贯彻落实党中央、国务院关于加快发展新质生产力的决策部署，国家数据局近日印发《数据要素市场化配置改革"
        f"实施方案（第{n}号）》，提出到2027年培育数据交易机构{n + 10}家。",
        "方案明确，要加快建设全国一体化算力网络，推动人工智能与实体经济深度融合，支持重点行业开展高质量数据集"
        "建设，促进公共数据资源开发利用。",
        f"据介绍，国家数据局将会同有关部门建立工作协调机制，加强政策解读和督促落实，确保第{n}批试点任务取得"
        "阶段性成效。",
        "下一步，各地要结合实际抓好贯彻落实，及时总结推广典型经验做法，重大问题及时报告。",
    ]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>{title}_国家数据局</title>{pubdate}</head>
<body><div class="header">国家数据局 首页 政务公开 政策文件</div>
<div class="article"><h1>{title}</h1><div class="info">来源：国家数据局</div>
{body}
</div><div class="footer">主办单位：国家数据局</div></body></html>"""


def article(n: int, **kwargs: Any) -> Route:
    """Serve chinese_page(n) as UTF-8 HTML."""
    return page(chinese_page(n, **kwargs))


def rss(items: list[tuple[str, str | None, str | None]]) -> str:
    """Return an RSS 2.0 feed of (title, link or None, RFC 822 date or None) items."""
    entries = []
    for title, link, date in items:
        parts = [f"<title>{title}</title>"]
        if link:
            parts.append(f"<link>{link}</link>")
        if date:
            parts.append(f"<pubDate>{date}</pubDate>")
        entries.append(f"<item>{''.join(parts)}</item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>国家数据局</title>'
            f"<link>http://www.nda.gov.cn/</link>{''.join(entries)}</channel></rss>")


def feed(urls: list[str], date: str | None = "Mon, 15 Jun 2026 09:30:00 +0800") -> Route:
    """Serve an RSS feed listing `urls`."""
    return page(rss([(f"第{i}条", u, date) for i, u in enumerate(urls, 1)]), content_type="application/rss+xml")


def list_page(urls: list[str]) -> Route:
    """Serve a government-style list page (no feed) linking to `urls` in `ul.list`."""
    items = "".join(f'<li><a href="{u}">通知公告{i}</a><span>2026-06-15</span></li>' for i, u in enumerate(urls, 1))
    return page(f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告_国家数据局</title></head>
<body><div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>
<ul class="list">{items}</ul><div class="page"><a href="/tzgg/index_1.html">下一页</a></div></body></html>""")


# --- running ingest ------------------------------------------------------------------------

def feed_source(name: str, url: str) -> dict[str, Any]:
    return {"name": name, "url": url, "type": "feed", "level": "national"}


def make_config(sources: list[dict[str, Any]], **collect: Any) -> Config:
    return parse_config({"brief": {"title": "新质生产力每日动态"}, "theme": {"name": "新质生产力"},
                         "collect": {**FAST, **collect}, "source": sources})


def run(archive: Archive, sources: list[dict[str, Any]], **collect: Any) -> IngestReport:
    return ingest(make_config(sources, **collect), archive, ISSUE)


def health_of(report: IngestReport, name: str) -> SourceHealth:
    (found,) = [h for h in report.health if h.source == name]
    return found


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def db_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Query an archive file with a separate connection (as another process would)."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


# --- one bad page among good ones: one line, the rest stored ---------------------------------

ITEM_FAULTS = [
    pytest.param({"/bad.html": error(404)}, "HTTP 404 Not Found", 1, id="404"),
    pytest.param({"/bad.html": error(403)}, "HTTP 403 Forbidden", 1, id="403"),
    pytest.param({"/bad.html": error(500)}, "HTTP 500 Internal Server Error after 2 tries", 2, id="500-retried"),
    pytest.param({"/bad.html": error(429)}, "HTTP 429 Too Many Requests after 2 tries", 2, id="429-retried"),
    pytest.param({"/bad.html": error(503, {"Retry-After": "86400"})},
                 "HTTP 503 Service Unavailable (Retry-After 86400 s, more than the 5 s we wait)", 1,
                 id="503-retry-after-too-long"),
    pytest.param({"/bad.html": slow(2.5, article(9))}, "read timed out (127.0.0.1 stopped sending) after 2 tries", 2,
                 id="read-timeout"),
    pytest.param({"/bad.html": hang_mid_body(chinese_page(9).encode()[:300], declared=20_000)},
                 "read timed out (127.0.0.1 stopped sending) after 2 tries", 2, id="hangs-mid-body"),
    pytest.param({"/bad.html": redirect("/moved.html"), "/moved.html": redirect("/bad.html")},
                 "redirect loop (", 1, id="redirect-loop"),
    pytest.param({"/bad.html": huge(50 * MB)}, "response too large (more than the 1,000,000-byte cap)", 1,
                 id="50MB-streamed"),
    pytest.param({"/bad.html": huge(50 * MB, content_length=True)},
                 "response too large (50,000,000 bytes; the cap is 1,000,000)", 1, id="50MB-content-length"),
    pytest.param({"/bad.html": page(b"")}, "not extracted: empty body", 1, id="empty-body"),
    pytest.param({"/bad.html": encoded(gzipped_zeros(10), "gzip")},
                 "response too large (inflates past the 1,000,000-byte cap)", 1, id="10KB-gzip-bomb"),
]


@pytest.mark.parametrize(("routes", "message", "hits"), ITEM_FAULTS)
def test_a_failing_page_is_one_line_and_the_source_goes_on(
        faulty_server: FaultyServer, tmp_archive: Archive, routes: dict[str, Route], message: str, hits: int) -> None:
    for path, route in routes.items():
        faulty_server[path] = route
    faulty_server["/good.html"] = article(1)
    faulty_server["/feed.xml"] = feed([faulty_server.url("/good.html"), faulty_server.url("/bad.html")])
    started = time.monotonic()
    report = run(tmp_archive, [feed_source("国家数据局", faulty_server.url("/feed.xml"))])
    health = health_of(report, "国家数据局")
    bad = faulty_server.url("/bad.html")
    assert len(health.errors) == 1, health.errors
    assert health.errors[0].startswith(f"{bad}: ")
    assert message in health.errors[0]
    assert (health.seen, health.new, health.failed) == (2, 1, 1)
    assert health.status == "partial"
    assert faulty_server.hits("/bad.html") == hits
    assert [a.url for a in tmp_archive.articles()] == [faulty_server.url("/good.html")]
    assert time.monotonic() - started < 6


def test_503_with_retry_after_is_waited_and_the_page_stored(faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    faulty_server["/busy.html"] = fail_then(1, error(503, {"Retry-After": "1"}), article(1))
    faulty_server["/feed.xml"] = feed([faulty_server.url("/busy.html")])
    report = run(tmp_archive, [feed_source("国家数据局", faulty_server.url("/feed.xml"))])
    health = health_of(report, "国家数据局")
    assert health.errors == []
    assert (health.new, health.failed) == (1, 0)
    assert faulty_server.hits("/busy.html") == 2
    first, second = faulty_server.requests("/busy.html")
    assert second.at - first.at >= 0.9


# --- a source that cannot be read at all ---------------------------------------------------------

def test_connection_refused_source_is_reported_and_the_others_still_run(
        faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    faulty_server["/a.html"] = article(1)
    faulty_server["/feed.xml"] = feed([faulty_server.url("/a.html")])
    report = run(tmp_archive, [feed_source("省数据局", f"http://127.0.0.1:{closed_port()}/feed.xml"),
                               feed_source("国家数据局", faulty_server.url("/feed.xml"))])
    dead = health_of(report, "省数据局")
    assert dead.errors == ["feed connection refused by 127.0.0.1"]
    assert (dead.seen, dead.status) == (0, "broken")
    assert health_of(report, "国家数据局").new == 1
    assert tmp_archive.count("articles") == 1


def test_dns_failure_source_is_reported(tmp_archive: Archive) -> None:
    report = run(tmp_archive, [feed_source("失效站点", "http://nonexistent.invalid/rss.xml")])
    assert health_of(report, "失效站点").errors == ["feed DNS lookup failed for nonexistent.invalid"]
    assert health_of(report, "失效站点").status == "broken"


def test_feed_url_serving_an_html_page_is_not_a_feed(faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    faulty_server["/rss.xml"] = article(1)  # a redesigned site answers the old feed URL with a page
    report = run(tmp_archive, [feed_source("国家数据局", faulty_server.url("/rss.xml"))])
    health = health_of(report, "国家数据局")
    assert health.errors == ["not an RSS or Atom feed"]
    assert health.status == "broken"


# --- content the server mislabels or that holds no article ------------------------------------

def test_pdf_is_stored_raw_and_reported_as_not_extracted(faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    faulty_server["/files/fangan.pdf"] = page(pdf, content_type="application/pdf")
    faulty_server["/a.html"] = article(1)
    faulty_server["/feed.xml"] = feed([faulty_server.url("/files/fangan.pdf"), faulty_server.url("/a.html")])
    sources = [feed_source("国家数据局", faulty_server.url("/feed.xml"))]
    health = health_of(run(tmp_archive, sources), "国家数据局")
    pdf_url = faulty_server.url("/files/fangan.pdf")
    assert health.errors == [f"{pdf_url}: not extracted: application/pdf is not a web page: stored, not extracted"]
    assert (health.new, health.failed) == (1, 1)
    assert tmp_archive.count("articles") == 1
    assert tmp_archive.count("unextracted") == 1
    assert tmp_archive.count("fetches") == 2
    stored = tmp_archive.latest_body(pdf_url)
    assert stored is not None and stored[0] == pdf
    assert not tmp_archive.has_article(pdf_url)
    # A second run reports it the same way and stores nothing twice.
    again = health_of(run(tmp_archive, sources), "国家数据局")
    assert again.errors == health.errors
    assert (tmp_archive.count("fetches"), tmp_archive.count("unextracted")) == (2, 1)


def test_empty_body_is_stored_and_reported(faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    faulty_server["/empty.html"] = page(b"")
    faulty_server["/feed.xml"] = feed([faulty_server.url("/empty.html")])
    health = health_of(run(tmp_archive, [feed_source("国家数据局", faulty_server.url("/feed.xml"))]), "国家数据局")
    assert health.errors == [f"{faulty_server.url('/empty.html')}: not extracted: empty body"]
    assert tmp_archive.count("articles") == 0
    assert tmp_archive.unextracted_reason(faulty_server.url("/empty.html")) == "empty body"


@pytest.mark.parametrize(("real", "declared"), [("gbk", "utf-8"), ("utf-8", "gbk")])
def test_page_with_a_wrong_declared_charset_is_decoded_correctly(
        faulty_server: FaultyServer, tmp_archive: Archive, real: str, declared: str) -> None:
    # The header and the page's own <meta charset> both lie about the bytes.
    body = chinese_page(7, charset=declared).encode(real)
    faulty_server["/gb.html"] = page(body, content_type=f"text/html; charset={declared}")
    faulty_server["/feed.xml"] = feed([faulty_server.url("/gb.html")])
    health = health_of(run(tmp_archive, [feed_source("国家数据局", faulty_server.url("/feed.xml"))]), "国家数据局")
    assert health.errors == []
    (stored,) = tmp_archive.articles()
    assert stored.title == "国家数据局印发《数据要素市场化配置改革实施方案（第7号）》"
    assert "全国一体化算力网络" in stored.text
    assert "\ufffd" not in stored.title + stored.text
    assert stored.published == dt.date(2026, 6, 15)
    assert stored.lang == "zh"


# --- feeds ------------------------------------------------------------------------------------

def test_malformed_feed_with_readable_items_is_used_with_a_note(
        faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    a, b = faulty_server.url("/a.html"), faulty_server.url("/b.html")
    faulty_server["/a.html"], faulty_server["/b.html"] = article(1), article(2)
    broken = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>数据 & 算力</title>'
              f"<item><title>第一条 <b>加粗</title><link>{a}</link></item>"
              f"<item><title>第二条</title><link>{b}</link></item>"
              "</channel>")  # bare &, an unclosed <b>, no </rss>
    faulty_server["/feed.xml"] = page(broken, content_type="application/rss+xml")
    health = health_of(run(tmp_archive, [feed_source("国家数据局", faulty_server.url("/feed.xml"))]), "国家数据局")
    assert health.errors == ["feed XML is malformed; read 2 items anyway"]
    assert (health.seen, health.new) == (2, 2)
    assert tmp_archive.count("articles") == 2


def test_unreadable_feed_xml_is_one_clear_line(faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    truncated = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>国家数据局</title><desc'
    faulty_server["/feed.xml"] = page(truncated, content_type="application/rss+xml")
    health = health_of(run(tmp_archive, [feed_source("国家数据局", faulty_server.url("/feed.xml"))]), "国家数据局")
    assert len(health.errors) == 1
    assert health.errors[0].startswith("malformed feed XML: ")
    assert (health.seen, health.status) == (0, "broken")


def test_feed_item_without_link_is_skipped_with_a_line(faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    faulty_server["/a.html"] = article(1)
    faulty_server["/feed.xml"] = page(rss([("有链接的通知", faulty_server.url("/a.html"), None),
                                          ("没有链接的通知", None, "Mon, 15 Jun 2026 09:30:00 +0800")]),
                                      content_type="application/rss+xml")
    health = health_of(run(tmp_archive, [feed_source("国家数据局", faulty_server.url("/feed.xml"))]), "国家数据局")
    assert health.errors == ["item 2 (没有链接的通知) has no link: skipped"]
    assert (health.seen, health.new) == (1, 1)


def test_feed_item_without_date_takes_the_pages_date(faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    undated, dated = faulty_server.url("/undated.html"), faulty_server.url("/dated.html")
    faulty_server["/undated.html"] = article(1, date="2026-06-12")
    faulty_server["/dated.html"] = article(2, date="2026-06-14")
    faulty_server["/feed.xml"] = page(rss([("无日期", undated, None),
                                          ("有日期", dated, "Mon, 15 Jun 2026 09:30:00 +0800")]),
                                      content_type="application/rss+xml")
    health = health_of(run(tmp_archive, [feed_source("国家数据局", faulty_server.url("/feed.xml"))]), "国家数据局")
    assert health.errors == []
    rows = {url: (published, feed_date) for url, published, feed_date in
            db_rows(tmp_archive.path, "SELECT url, published, feed_date FROM articles")}
    assert rows[undated] == ("2026-06-12", None)
    assert rows[dated] == ("2026-06-14", "2026-06-15"), "the page's own date wins over the feed's"


def test_same_article_in_three_feeds_is_fetched_and_stored_once(
        faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    shared = faulty_server.url("/shared.html")
    faulty_server["/shared.html"] = article(1)
    sources = []
    for n in (1, 2, 3):
        faulty_server[f"/f{n}.xml"] = feed([shared])
        sources.append(feed_source(f"来源{n}", faulty_server.url(f"/f{n}.xml")))
    report = run(tmp_archive, sources)
    assert faulty_server.hits("/shared.html") == 1
    assert (tmp_archive.count("articles"), tmp_archive.count("fetches")) == (1, 1)
    assert sorted(h.new for h in report.health) == [0, 0, 1]
    assert sorted(h.unchanged for h in report.health) == [0, 1, 1]
    assert all(h.seen == 1 and not h.errors for h in report.health)


# --- list pages and folders -------------------------------------------------------------------

def test_page_source_whose_selector_matches_nothing_says_so(
        faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    faulty_server["/tzgg/index.html"] = list_page(["/a.html", "/b.html"])
    faulty_server["/a.html"] = article(1)
    source = {"name": "国家数据局", "url": faulty_server.url("/tzgg/index.html"), "type": "page",
              "level": "national", "selector": "ul.news-list li a"}  # the site was redesigned: ul.list now
    health = health_of(run(tmp_archive, [source]), "国家数据局")
    assert health.errors == ["no article links matched 'ul.news-list li a' on the list page"]
    assert health.seen == 0
    assert faulty_server.hits("/a.html") == 0


def run_cli(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run the installed `dailybrief` command."""
    return subprocess.run([str(DAILYBRIEF), *args], capture_output=True, text=True, timeout=60, check=False,
                          **kwargs)


def without_root_file_access() -> list[str]:
    """Return a command prefix that takes away root's right to read any file (empty when not root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root: util-linux `setpriv` is needed to drop CAP_DAC_OVERRIDE for this test"
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


def test_dir_source_with_an_unreadable_file_names_it_and_ingests_the_rest(tmp_path: Path) -> None:
    materials = tmp_path / "materials"
    materials.mkdir()
    (materials / "a.html").write_text(chinese_page(1), encoding="utf-8")
    (materials / "b.txt").write_text("关于推进公共数据资源开发利用的调研报告\n发布时间：2026-06-14\n"
                                     "调研发现，各地公共数据授权运营试点进展较快，数据产品交易规模持续扩大。\n"
                                     "报告建议加快制定公共数据资源登记管理办法。\n", encoding="utf-8")
    secret = materials / "x.html"
    secret.write_text(chinese_page(3), encoding="utf-8")
    secret.chmod(0o000)
    config = tmp_path / "brief.toml"
    config.write_text('[brief]\ntitle = "新质生产力每日动态"\n\n[theme]\nname = "新质生产力"\n\n'
                      '[[source]]\nname = "内部材料"\nurl = "materials"\ntype = "dir"\nlevel = "media"\n',
                      encoding="utf-8")
    db = tmp_path / "a.db"
    # Root reads any file whatever its mode: run the CLI without that capability so chmod 000 really bites.
    done = subprocess.run([*without_root_file_access(), str(DAILYBRIEF), "ingest", "--config", str(config),
                           "--date", "2026-06-15", "--db", str(db)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    problems = [line.strip() for line in done.stdout.split("problems:")[1].splitlines() if line.strip()]
    unreadable = [line for line in problems if "x.html" in line]
    assert unreadable == [f"内部材料: {secret.resolve().as_uri()}: cannot read x.html: Permission denied"], problems
    titles = {title for (title,) in db_rows(db, "SELECT title FROM articles")}
    assert titles == {"国家数据局印发《数据要素市场化配置改革实施方案（第1号）》",
                      "关于推进公共数据资源开发利用的调研报告"}


# --- re-runs: conditional GET, idempotence, nothing lost ------------------------------------------

def test_second_ingest_uses_conditional_get_and_adds_nothing(
        faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    etag, modified = '"5f2a-20260615"', "Mon, 15 Jun 2026 01:30:00 GMT"
    faulty_server["/a.html"] = conditional(chinese_page(1).encode(), etag, modified)
    faulty_server["/feed.xml"] = feed([faulty_server.url("/a.html")])
    sources = [feed_source("国家数据局", faulty_server.url("/feed.xml"))]
    first = health_of(run(tmp_archive, sources), "国家数据局")
    assert first.new == 1
    counts = (tmp_archive.count("articles"), tmp_archive.count("fetches"))
    second = health_of(run(tmp_archive, sources), "国家数据局")
    assert (second.new, second.unchanged, second.errors) == (0, 1, [])
    request = faulty_server.requests("/a.html")[-1].headers
    assert request.get("if-none-match") == etag
    assert request.get("if-modified-since") == modified
    assert (tmp_archive.count("articles"), tmp_archive.count("fetches")) == counts == (1, 1)


def test_rerunning_the_same_day_adds_nothing_twice(faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    urls = []
    for n in range(1, 4):
        faulty_server[f"/art/{n}.html"] = article(n)
        urls.append(faulty_server.url(f"/art/{n}.html"))
    faulty_server["/feed.xml"] = feed(urls)
    sources = [feed_source("国家数据局", faulty_server.url("/feed.xml"))]
    assert health_of(run(tmp_archive, sources), "国家数据局").new == 3
    before = (tmp_archive.count("articles"), tmp_archive.count("fetches"), tmp_archive.articles())
    again = health_of(run(tmp_archive, sources), "国家数据局")
    assert (again.new, again.unchanged, again.failed) == (0, 3, 0)
    assert (tmp_archive.count("articles"), tmp_archive.count("fetches"), tmp_archive.articles()) == before
    assert tmp_archive.count("runs") == 2


def test_nothing_stored_is_lost_when_the_site_breaks(faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    paths = [f"/art/{n}.html" for n in range(1, 4)]
    for n, path in enumerate(paths, 1):
        faulty_server[path] = article(n)
    faulty_server["/tzgg/index.html"] = list_page(paths)
    source = {"name": "国家数据局", "url": faulty_server.url("/tzgg/index.html"), "type": "page",
              "level": "national", "selector": "ul.list li a"}
    assert health_of(run(tmp_archive, [source]), "国家数据局").new == 3
    stored = tmp_archive.articles()
    # Every article page now fails.
    for path in paths:
        faulty_server[path] = error(500)
    failing = health_of(run(tmp_archive, [source]), "国家数据局")
    assert (failing.seen, failing.new, failing.failed) == (3, 0, 3)
    assert sorted(failing.errors) == [f"{faulty_server.url(p)}: HTTP 500 Internal Server Error after 2 tries"
                                      for p in paths]
    assert tmp_archive.articles() == stored
    # Then the whole site goes away.
    faulty_server.stop()
    gone = health_of(run(tmp_archive, [source]), "国家数据局")
    assert gone.errors == ["list page connection refused by 127.0.0.1"]
    assert tmp_archive.articles() == stored
    history = tmp_archive.source_history("国家数据局")
    assert [(h["seen"], h["new"], h["failed"]) for h in history] == [(0, 0, 0), (3, 0, 3), (3, 3, 0)]
    assert (history[0]["status"], history[-1]["status"]) == ("broken", "ok")


# --- robots.txt, User-Agent and concurrency through ingest ------------------------------------------

def test_robots_txt_is_honoured_and_can_be_switched_off(faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    faulty_server["/robots.txt"] = robots("User-agent: *\nDisallow: /internal/\n")
    faulty_server["/internal/a.html"] = article(1)
    faulty_server["/pub/b.html"] = article(2)
    faulty_server["/feed.xml"] = feed([faulty_server.url("/internal/a.html"), faulty_server.url("/pub/b.html")])
    sources = [feed_source("国家数据局", faulty_server.url("/feed.xml"))]
    health = health_of(run(tmp_archive, sources), "国家数据局")
    assert health.errors == [f"{faulty_server.url('/internal/a.html')}: disallowed by robots.txt"]
    assert faulty_server.hits("/internal/a.html") == 0
    assert (health.new, health.failed) == (1, 1)
    allowed = health_of(run(tmp_archive, sources, robots=False), "国家数据局")
    assert allowed.errors == []
    assert faulty_server.hits("/internal/a.html") == 1
    assert tmp_archive.count("articles") == 2
    agents = {hit.headers.get("user-agent", "") for hit in faulty_server.log}
    assert all(agent.startswith("dailybrief/") for agent in agents), agents


def test_per_host_cap_holds_during_ingest(faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    urls = []
    for n in range(10):
        faulty_server[f"/art/{n}.html"] = slow(0.15, article(n))
        urls.append(faulty_server.url(f"/art/{n}.html"))
    faulty_server["/feed.xml"] = feed(urls)
    health = health_of(run(tmp_archive, [feed_source("国家数据局", faulty_server.url("/feed.xml"))], per_host=2),
                       "国家数据局")
    assert (health.new, health.errors) == (10, [])
    assert faulty_server.max_inflight == 2


# --- the real command ----------------------------------------------------------------------------

def test_cli_ingest_lists_each_failure_and_exits_zero(faulty_server: FaultyServer, tmp_path: Path) -> None:
    faulty_server["/a.html"] = article(1)
    faulty_server["/missing.html"] = error(404)
    faulty_server["/feed.xml"] = feed([faulty_server.url("/a.html"), faulty_server.url("/missing.html")])
    config = tmp_path / "brief.toml"
    config.write_text(f"""[brief]
title = "新质生产力每日动态"

[theme]
name = "新质生产力"

[collect]
retries = 0
connect_timeout = 1.0
read_timeout = 1.0

[[source]]
name = "国家数据局"
url = "{faulty_server.url('/feed.xml')}"
type = "feed"
level = "national"

[[source]]
name = "已停用站点"
url = "http://127.0.0.1:{closed_port()}/rss.xml"
type = "feed"
level = "provincial"
""", encoding="utf-8")
    done = run_cli(["ingest", "--config", str(config), "--date", "2026-06-15", "--db", str(tmp_path / "a.db")])
    assert done.returncode == 0, done.stderr
    problems = done.stdout.split("problems:")[1]
    assert f"国家数据局: {faulty_server.url('/missing.html')}: HTTP 404 Not Found" in problems
    assert "已停用站点: feed connection refused by 127.0.0.1" in problems
    assert "1 new or updated articles; archive holds 1." in done.stdout
    table = done.stdout.split("problems:")[0]
    assert any(line.startswith("已停用站点") and "broken" in line for line in table.splitlines())
    assert all(hit.headers.get("user-agent", "").startswith("dailybrief/") for hit in faulty_server.log)


def test_sigkill_mid_ingest_leaves_a_consistent_archive_that_the_next_run_completes(
        faulty_server: FaultyServer, tmp_path: Path) -> None:
    pages = 60
    paths = [f"/art/{n}.html" for n in range(pages)]
    for n, path in enumerate(paths):
        faulty_server[path] = slow(0.1, article(n))
    faulty_server["/tzgg/index.html"] = list_page(paths)
    config = tmp_path / "brief.toml"
    config.write_text(f"""[brief]
title = "新质生产力每日动态"

[theme]
name = "新质生产力"

[collect]
per_host = 4

[[source]]
name = "国家数据局"
url = "{faulty_server.url('/tzgg/index.html')}"
type = "page"
level = "national"
selector = "ul.list li a"
""", encoding="utf-8")
    db = tmp_path / "a.db"
    args = [str(DAILYBRIEF), "ingest", "--config", str(config), "--date", "2026-06-15", "--db", str(db)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        stored = 0
        while stored <= 5 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
            if not db.exists():
                continue
            try:
                stored = db_rows(db, "SELECT COUNT(*) FROM articles")[0][0]
            except sqlite3.OperationalError:
                stored = 0  # not migrated yet
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL, "the first run was killed, not finished"
    killed_at = db_rows(db, "SELECT COUNT(*) FROM articles")[0][0]
    assert 5 < killed_at < pages
    assert db_rows(db, "SELECT COUNT(*) FROM runs WHERE finished_at IS NULL") == [(1,)]

    done = run_cli(["ingest", "--config", str(config), "--date", "2026-06-15", "--db", str(db)])
    assert done.returncode == 0, done.stderr
    assert db_rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert db_rows(db, "SELECT COUNT(*), COUNT(DISTINCT url) FROM articles") == [(pages, pages)]
    assert {url for (url,) in db_rows(db, "SELECT url FROM articles")} == {faulty_server.url(p) for p in paths}
    orphans = db_rows(db, "SELECT COUNT(*) FROM articles a LEFT JOIN fetches f ON f.id = a.fetch_id"
                          " WHERE a.fetch_id IS NULL OR f.id IS NULL")
    assert orphans == [(0,)]
    assert db_rows(db, "SELECT COUNT(*) FROM fetches") == [(pages,)]
    assert db_rows(db, "SELECT COUNT(*) FROM runs WHERE finished_at IS NOT NULL") == [(1,)]


def test_a_feed_date_beats_a_year_only_guess_from_the_page(faulty_server, tmp_archive):
    # The page states no date of its own; its text only says 到2026年底, from which htmldate alone
    # guesses 2026-01-01. The feed's pubDate is the better answer.
    undated = chinese_page(7, date=None).replace("到2027年", "到2026年底")
    faulty_server["/a.html"] = page(undated)
    faulty_server["/feed.xml"] = feed([faulty_server.url("/a.html")], date="Fri, 12 Jun 2026 18:30:00 +0800")
    run(tmp_archive, [feed_source("甲", faulty_server.url("/feed.xml"))])
    (stored,) = tmp_archive.articles()
    assert stored.published == dt.date(2026, 6, 12)
