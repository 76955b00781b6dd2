"""What a source may reach: feed items, list links and redirects to internal addresses, local files, rebinding.

A "public" source here is one whose host name the scripted resolver (tests/netfixtures.py)
answers with a global address that its dialer serves on loopback: real DNS and real outside
hosts cannot be used in tests. The FaultyServer logs every request it got, with its Host
header, and the dialer every address it was asked to connect to; those logs are what the
tests assert on ("never fetched"), beside the one health line each refusal must produce.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from faulty_server import FaultyServer, page, redirect
from netfixtures import PUBLIC, PUBLIC_2, ScriptedNetwork
from test_ingest_failures import chinese_page, rss

from dailybrief.collect.downloads import Fetcher
from dailybrief.collect.health import check_sources
from dailybrief.collect.ingest import IngestReport, ingest
from dailybrief.collect.reach import Reach, address_kind
from dailybrief.collect.sources import read_file_url
from dailybrief.config import CollectSettings, Config, ConfigError, parse_config
from dailybrief.models import SourceHealth
from dailybrief.store.archive import Archive

ISSUE = dt.date(2026, 6, 15)
DAILYBRIEF = Path(sys.executable).parent / "dailybrief"
FAST = {"connect_timeout": 1.0, "read_timeout": 1.0, "total_timeout": 3.0, "backoff": 0.05, "retries": 0}


def config_of(sources: list[dict[str, Any]], path: Path | None = None, **collect: Any) -> Config:
    return parse_config({"brief": {"title": "新质生产力每日动态"}, "theme": {"name": "新质生产力"},
                         "collect": {**FAST, **collect}, "source": sources}, path)


def run(archive: Archive, sources: list[dict[str, Any]], net: ScriptedNetwork, **collect: Any) -> IngestReport:
    return ingest(config_of(sources, **collect), archive, ISSUE, network=net.network())


def only(report: IngestReport) -> SourceHealth:
    (health,) = report.health
    return health


def feed_of(urls: list[str]) -> Any:
    return page(rss([(f"第{i}条", u, "Mon, 15 Jun 2026 09:30:00 +0800") for i, u in enumerate(urls, 1)]),
                content_type="application/rss+xml")


def stored_urls(archive: Archive) -> tuple[set[str], set[str]]:
    """Return the URLs of stored articles and of stored raw fetches."""
    articles = {str(r[0]) for r in archive.db.execute("SELECT url FROM articles")}
    fetches = {str(r[0]) for r in archive.db.execute("SELECT url FROM fetches")}
    return articles, fetches


# --- the address table ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.0.0.5", "private"), ("172.16.3.4", "private"), ("192.168.1.1", "private"), ("fd12:3456::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("240.0.0.1", "reserved"), ("100.64.0.1", "non-public"), ("192.0.2.7", "private"),
    ("::ffff:10.0.0.5", "private"), ("::ffff:127.0.0.1", "loopback"), ("2002:a00:5::1", "private"),
    ("64:ff9b::a9fe:a9fe", "link-local"), ("not-an-address", "non-public"),
    (PUBLIC, None), (PUBLIC_2, None), ("8.8.8.8", None),
])
def test_every_non_public_kind_of_address_is_named(address: str, kind: str | None) -> None:
    assert address_kind(address) == kind


def test_a_reach_allows_public_addresses_and_only_the_kinds_it_names() -> None:
    public_only, loopback = Reach(), Reach(frozenset({"loopback"}))
    assert public_only.refusal(PUBLIC) is None
    assert public_only.refusal("10.0.0.5") == "10.0.0.5 is a private address"
    assert public_only.refusal("::1") == "::1 is a loopback address"
    assert loopback.refusal("127.0.0.2") is None
    assert loopback.refusal("169.254.169.254") == "169.254.169.254 is a link-local address"
    assert Reach(everything=True).refusal("169.254.169.254") is None


# --- a public source whose feed points inward ---------------------------------------------------------

def test_a_public_feed_pointing_at_internal_addresses_and_local_files_gets_one_refusal_line_each(
        faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    port = faulty_server.port
    news = f"http://news.example:{port}"
    net = ScriptedNetwork({"news.example": [[PUBLIC]], "intranet.example": [["10.0.0.5"]]})
    refused = {
        f"http://127.0.0.1:{port}/loopback.html": "refused: 127.0.0.1 is a loopback address",
        f"http://[::1]:{port}/loopback6.html": "refused: ::1 is a loopback address",
        "http://169.254.169.254/latest/meta-data/": "refused: 169.254.169.254 is a link-local address",
        f"http://intranet.example:{port}/private.html": "refused: 10.0.0.5 is a private address",
        f"{news}/hop1.html": "refused: 10.0.0.5 is a private address "
                             f"(redirected to http://intranet.example:{port}/after-redirects.html)",
        f"{news}/to-file.html": "refused: redirect to file:///etc/passwd, which is not an http(s) address",
    }
    faulty_server["/feed.xml"] = feed_of([f"{news}/good.html", *refused, "file:///etc/passwd"])
    faulty_server["/good.html"] = page(chinese_page(1))
    faulty_server["/hop1.html"] = redirect(f"{news}/hop2.html")
    faulty_server["/hop2.html"] = redirect(f"http://intranet.example:{port}/after-redirects.html")
    faulty_server["/to-file.html"] = redirect("file:///etc/passwd")
    for path in ("/loopback.html", "/loopback6.html", "/private.html", "/after-redirects.html"):
        faulty_server[path] = page(chinese_page(9, title="内部资料，不应被抓取"))

    health = only(run(tmp_archive, [{"name": "新闻网", "url": f"{news}/feed.xml", "type": "feed",
                                     "level": "media"}], net))

    assert (health.seen, health.new, health.failed) == (8, 1, 7)
    # feedparser reads the file link as file://etc/passwd: whatever its spelling, it is refused, never read.
    local = [line for line in health.errors if line.startswith("file:")]
    assert len(local) == 1 and local[0].endswith("passwd: refused: a local file; only a dir source reads files")
    assert sorted(set(health.errors) - set(local)) == sorted(f"{url}: {why}" for url, why in refused.items())
    assert {h.headers["host"] for h in faulty_server.log} == {f"news.example:{port}"}, "an internal URL was fetched"
    assert set(net.dialed) == {PUBLIC}
    articles, fetches = stored_urls(tmp_archive)
    assert articles == fetches == {f"{news}/good.html"}


def test_a_name_that_resolves_to_public_and_private_addresses_is_dialled_on_the_public_one_only(
        faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    port = faulty_server.port
    news = f"http://news.example:{port}"
    net = ScriptedNetwork({"news.example": [[PUBLIC]], "mixed.example": [["10.0.0.5", PUBLIC, "127.0.0.1"]]})
    faulty_server["/feed.xml"] = feed_of([f"http://mixed.example:{port}/good.html"])
    faulty_server["/good.html"] = page(chinese_page(1))
    health = only(run(tmp_archive, [{"name": "新闻网", "url": f"{news}/feed.xml", "type": "feed",
                                     "level": "media"}], net))
    assert (health.new, health.errors) == (1, [])
    assert set(net.dialed) == {PUBLIC}


def test_dns_rebinding_cannot_slip_between_the_check_and_the_connection(faulty_server: FaultyServer) -> None:
    """A name that answers public, then private, then public…: each connection uses the answer it checked."""
    port = faulty_server.port
    net = ScriptedNetwork({"news.example": [[PUBLIC]],
                           "flip.example": [[PUBLIC], ["10.0.0.5"], [PUBLIC], ["127.0.0.1"]]})
    faulty_server["/page.html"] = page(chinese_page(1))
    url = f"http://flip.example:{port}/page.html"

    async def go() -> list[str | None]:
        async with Fetcher(CollectSettings.model_validate({**FAST, "robots": False}), net.network()) as fetcher:
            bound = await fetcher.for_source(f"http://news.example:{port}/feed.xml")
            return [(await bound.fetch(url)).error for _ in range(4)]

    errors = asyncio.run(go())
    assert errors == [None, "refused: 10.0.0.5 is a private address", None, "refused: 127.0.0.1 is a loopback address"]
    assert net.lookups.count("flip.example") == 4, "one lookup per connection, none between check and connect"
    assert net.dialed == [PUBLIC, PUBLIC]
    assert faulty_server.hits("/page.html") == 2


def test_a_source_whose_own_name_turns_internal_after_the_first_lookup_is_refused(
        faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    news = f"http://news.example:{faulty_server.port}"
    net = ScriptedNetwork({"news.example": [[PUBLIC], ["127.0.0.1"]]})
    faulty_server["/feed.xml"] = feed_of([f"{news}/good.html"])
    health = only(run(tmp_archive, [{"name": "新闻网", "url": f"{news}/feed.xml", "type": "feed",
                                     "level": "media"}], net))
    assert health.errors == ["feed refused: 127.0.0.1 is a loopback address"]
    assert faulty_server.log == []


# --- intranet sources the operator chose --------------------------------------------------------------

def test_a_loopback_source_reaches_other_loopback_ports_but_not_other_internal_networks(
        faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    with FaultyServer() as other:
        net = ScriptedNetwork({"intranet.example": [["10.0.0.5"]], "news.example": [[PUBLIC]]})
        other["/a.html"] = page(chinese_page(1))
        other["/c.html"] = page(chinese_page(2))
        links = [other.url("/a.html"), f"http://news.example:{other.port}/c.html", "http://169.254.169.254/",
                 f"http://intranet.example:{other.port}/b.html", f"http://192.168.7.7:{other.port}/d.html"]
        faulty_server["/feed.xml"] = feed_of(links)
        health = only(run(tmp_archive, [{"name": "内网", "url": faulty_server.url("/feed.xml"), "type": "feed",
                                         "level": "city"}], net))
        assert health.new == 2
        assert sorted(health.errors) == sorted([
            "http://169.254.169.254/: refused: 169.254.169.254 is a link-local address",
            f"http://intranet.example:{other.port}/b.html: refused: 10.0.0.5 is a private address",
            f"http://192.168.7.7:{other.port}/d.html: refused: 192.168.7.7 is a private address",
        ])
        assert {urlpath(h.path) for h in other.log} <= {"/a.html", "/c.html", "/robots.txt"}


def urlpath(path: str) -> str:
    return path.split("?", 1)[0]


def test_allow_private_networks_lets_a_public_source_reach_loopback(
        faulty_server: FaultyServer, tmp_archive: Archive) -> None:
    news = f"http://news.example:{faulty_server.port}"
    net = ScriptedNetwork({"news.example": [[PUBLIC]]})
    faulty_server["/feed.xml"] = feed_of([faulty_server.url("/internal.html")])
    faulty_server["/internal.html"] = page(chinese_page(3))
    source = {"name": "新闻网", "url": f"{news}/feed.xml", "type": "feed", "level": "media"}
    assert only(run(tmp_archive, [source], net)).failed == 1
    allowed = only(run(tmp_archive, [source], net, allow_private_networks=True))
    assert (allowed.new, allowed.errors) == (1, [])


def test_checking_sources_goes_through_the_same_guard(faulty_server: FaultyServer) -> None:
    port = faulty_server.port
    net = ScriptedNetwork({"gov.example": [[PUBLIC]], "intranet.example": [["10.0.0.5"]]})
    faulty_server["/list.html"] = redirect(f"http://intranet.example:{port}/list.html")
    config = config_of([{"name": "某市政府", "url": f"http://gov.example:{port}/list.html", "type": "page",
                         "level": "city", "selector": "ul a"}])
    table, bad = asyncio.run(check_sources(config, None, ISSUE, net.network()))
    assert bad == 1
    assert "list page refused: 10.0.0.5 is a private address" in table
    assert faulty_server.hits("/list.html") == 1


# --- local files ----------------------------------------------------------------------------------------

def test_a_dir_source_never_reads_through_a_symlink_out_of_its_folder(tmp_path: Path, tmp_archive: Archive) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text(chinese_page(7, title="文件夹外的机密文件"), encoding="utf-8")
    (outside / "nested.html").write_text(chinese_page(8, title="文件夹外的另一文件"), encoding="utf-8")
    materials = tmp_path / "materials"
    materials.mkdir()
    (materials / "a.html").write_text(chinese_page(1), encoding="utf-8")
    (materials / "escape.html").symlink_to(outside / "secret.html")
    (materials / "linked-dir").symlink_to(outside, target_is_directory=True)
    (materials / "sub").mkdir()
    (materials / "sub" / "up.html").symlink_to(Path("..") / ".." / "outside" / "nested.html")
    config = config_of([{"name": "内部材料", "url": "materials", "type": "dir", "level": "media"}],
                       tmp_path / "brief.toml")
    health = only(ingest(config, tmp_archive, ISSUE))
    assert health.new == 1
    assert sorted(health.errors) == ["refused: escape.html leads outside the folder",
                                     "refused: sub/up.html leads outside the folder"]
    titles = {str(r[0]) for r in tmp_archive.db.execute("SELECT title FROM articles")}
    assert titles == {"国家数据局印发《数据要素市场化配置改革实施方案（第1号）》"}


def test_a_file_swapped_for_an_outward_symlink_after_listing_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "materials"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("机密", encoding="utf-8")
    listed = folder / "a.html"
    listed.symlink_to(tmp_path / "secret.txt")
    fetched = read_file_url(listed.as_uri(), folder, 1_000_000)
    assert fetched.error == "refused: a.html leads outside the folder" and fetched.body == b""


def test_feed_and_page_sources_cannot_be_local_files() -> None:
    with pytest.raises(ConfigError, match=r"source\[1\] \(本地\)\.url: expected an absolute http\(s\):// URL, "
                                          r"got 'file:///etc/feed.xml' \(local folders are type = \"dir\"\)"):
        config_of([{"name": "本地", "url": "file:///etc/feed.xml", "type": "feed", "level": "media"}])
    with pytest.raises(ConfigError, match=r"collect\.allow_private_networks: input should be a valid boolean"):
        config_of([{"name": "a", "url": "http://a.example/", "type": "feed", "level": "media"}],
                  allow_private_networks="yes")


# --- the extract command -------------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "why"), [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://10.0.0.5/admin", "10.0.0.5 is a private address"),
    ("http://[::ffff:192.168.0.1]/", "::ffff:192.168.0.1 is a private address"),
])
def test_extract_url_refuses_a_redirect_into_another_internal_network(
        faulty_server: FaultyServer, target: str, why: str) -> None:
    faulty_server["/go.html"] = redirect(target)
    done = subprocess.run([str(DAILYBRIEF), "extract", faulty_server.url("/go.html")], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert f"refused: {why} (redirected to {target})" in done.stdout
    assert ipaddress.ip_address(faulty_server.log[-1].headers["host"].rsplit(":", 1)[0]).is_loopback


def test_extract_url_follows_a_redirect_within_its_own_loopback_network(faulty_server: FaultyServer) -> None:
    with FaultyServer() as other:
        other["/a.html"] = page(chinese_page(4))
        faulty_server["/go.html"] = redirect(other.url("/a.html"))
        done = subprocess.run([str(DAILYBRIEF), "extract", faulty_server.url("/go.html")], capture_output=True,
                              text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "第4号" in done.stdout
