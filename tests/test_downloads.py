"""The HTTP client against a real, misbehaving server on loopback (no mocked transport).

Each test provokes one fault and checks the one line the Fetcher reports, how often the
server was hit (retries), and how long it took (waits, caps, timeouts).
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import time
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest
from faulty_server import (
    FaultyServer,
    conditional,
    cut_mid_body,
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

from dailybrief.collect.downloads import Fetcher, Validators
from dailybrief.config import CollectSettings
from dailybrief.models import Fetch

HTML = "<html><head><title>测试页面</title></head><body><p>正文内容。</p></body></html>"
MB = 1_000_000


def settings(**overrides: object) -> CollectSettings:
    """Short timeouts so every failing test ends within a few seconds."""
    base: dict[str, object] = {"connect_timeout": 1.0, "read_timeout": 1.0, "total_timeout": 3.0,
                               "backoff": 0.05, "retries": 2, "max_retry_after": 5.0}
    return CollectSettings.model_validate({**base, **overrides})


def fetch(url: str, config: CollectSettings | None = None, validators: Validators | None = None) -> tuple[Fetch, float]:
    """Fetch one URL with a fresh Fetcher bound to it (as to a source's own URL); return the Fetch and the seconds."""
    async def go() -> Fetch:
        async with Fetcher(config or settings()) as fetcher:
            return await (await fetcher.for_source(url)).fetch(url, validators)

    started = time.monotonic()
    result = asyncio.run(go())
    return result, time.monotonic() - started


def fetch_all(urls: list[str], config: CollectSettings) -> list[Fetch]:
    """Fetch URLs concurrently through one Fetcher bound to the first URL's network, as the ingest runner does."""
    async def go() -> list[Fetch]:
        async with Fetcher(config) as fetcher:
            bound = await fetcher.for_source(urls[0])
            return list(await asyncio.gather(*(bound.fetch(u) for u in urls)))

    return asyncio.run(go())


def closed_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A port whose listen queue is full: connects neither succeed nor fail (a real connect timeout)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.05)
    yield port
    for sock in [*fillers, listener]:
        sock.close()


# --- network failures --------------------------------------------------------------------

def test_connection_refused_is_named_and_not_retried() -> None:
    result, took = fetch(f"http://127.0.0.1:{closed_port()}/feed.xml", settings(backoff=1.0))
    assert result.error == "connection refused by 127.0.0.1"
    assert result.status == 0 and result.body == b""
    assert took < 0.9, "a refused connection is not retried (backoff would have added 1 s)"


def test_dns_failure_is_named() -> None:
    result, _took = fetch("http://nonexistent.invalid/feed.xml")
    assert result.error == "DNS lookup failed for nonexistent.invalid"


def test_connect_timeout(full_backlog: int) -> None:
    result, took = fetch(f"http://127.0.0.1:{full_backlog}/a.html",
                         settings(connect_timeout=0.5, retries=0, robots=False))
    assert result.error == "connect timed out (127.0.0.1)"
    assert took < 2.0


def test_read_timeout_is_retried_then_reported(faulty_server: FaultyServer) -> None:
    faulty_server["/slow.html"] = slow(2.5, page(HTML))
    result, took = fetch(faulty_server.url("/slow.html"), settings(retries=1))
    assert result.error == "read timed out (127.0.0.1 stopped sending) after 2 tries"
    assert faulty_server.hits("/slow.html") == 2
    assert took < 3.5


def test_server_hanging_mid_body_times_out(faulty_server: FaultyServer) -> None:
    faulty_server["/hang.html"] = hang_mid_body(b"<html><body><p>" + "开头".encode() * 300, declared=50_000)
    result, took = fetch(faulty_server.url("/hang.html"), settings(retries=0))
    assert result.error is not None and "read timed out" in result.error
    assert result.body == b"", "a half-received body is never returned as if complete"
    assert took < 2.5


def test_connection_cut_mid_body_is_retried_and_then_succeeds(faulty_server: FaultyServer) -> None:
    faulty_server["/cut.html"] = fail_then(1, cut_mid_body(b"<html><body>", declared=10_000), page(HTML))
    result, _took = fetch(faulty_server.url("/cut.html"))
    assert result.error is None and result.status == 200
    assert result.body.decode() == HTML
    assert faulty_server.hits("/cut.html") == 2


# --- HTTP statuses -----------------------------------------------------------------------

@pytest.mark.parametrize(("status", "line"), [(404, "HTTP 404 Not Found"), (403, "HTTP 403 Forbidden")])
def test_client_errors_are_reported_once_without_retry(faulty_server: FaultyServer, status: int, line: str) -> None:
    faulty_server["/gone.html"] = error(status)
    result, _took = fetch(faulty_server.url("/gone.html"))
    assert result.error == line
    assert result.status == status
    assert faulty_server.hits("/gone.html") == 1


def test_500_is_retried_then_reported(faulty_server: FaultyServer) -> None:
    faulty_server["/broken.html"] = error(500)
    result, _took = fetch(faulty_server.url("/broken.html"))
    assert result.error == "HTTP 500 Internal Server Error after 3 tries"
    assert result.status == 500
    assert faulty_server.hits("/broken.html") == 3


def test_503_with_retry_after_is_waited_for_and_the_retry_succeeds(faulty_server: FaultyServer) -> None:
    faulty_server["/busy.html"] = fail_then(1, error(503, {"Retry-After": "1"}), page(HTML))
    result, _took = fetch(faulty_server.url("/busy.html"))
    assert result.error is None and result.status == 200
    assert result.body.decode() == HTML
    first, second = faulty_server.requests("/busy.html")
    assert faulty_server.hits("/busy.html") == 2
    assert second.at - first.at >= 0.9, "the client waited the Retry-After second, not its own short backoff"


def test_503_with_retry_after_beyond_the_limit_is_reported_without_waiting(faulty_server: FaultyServer) -> None:
    faulty_server["/later.html"] = error(503, {"Retry-After": "3600"})
    result, took = fetch(faulty_server.url("/later.html"))
    assert result.error == ("HTTP 503 Service Unavailable (Retry-After 3600 s, more than the 5 s we wait)")
    assert faulty_server.hits("/later.html") == 1
    assert took < 1.0


def test_429_is_retried_then_reported(faulty_server: FaultyServer) -> None:
    faulty_server["/limited.html"] = error(429)
    result, _took = fetch(faulty_server.url("/limited.html"))
    assert result.error == "HTTP 429 Too Many Requests after 3 tries"
    assert faulty_server.hits("/limited.html") == 3


# --- redirects ----------------------------------------------------------------------------

def test_redirect_loop_is_named_with_its_urls(faulty_server: FaultyServer) -> None:
    faulty_server["/a.html"] = redirect("/b.html")
    faulty_server["/b.html"] = redirect(faulty_server.url("/a.html"), status=301)
    result, _took = fetch(faulty_server.url("/a.html"))
    a, b = faulty_server.url("/a.html"), faulty_server.url("/b.html")
    assert result.error == f"redirect loop ({a} -> {b} -> {a})"
    assert faulty_server.hits("/a.html") == 1 and faulty_server.hits("/b.html") == 1


def test_a_plain_redirect_is_followed(faulty_server: FaultyServer) -> None:
    faulty_server["/old.html"] = redirect("/new.html", status=301)
    faulty_server["/new.html"] = page(HTML)
    result, _took = fetch(faulty_server.url("/old.html"))
    assert result.error is None
    assert result.url == faulty_server.url("/old.html")
    assert result.final_url == faulty_server.url("/new.html")


# --- size cap -----------------------------------------------------------------------------

def wait_until_idle(server: FaultyServer, limit: float = 3.0) -> None:
    """Wait until no handler is running (the big-body handler notices the hang-up)."""
    deadline = time.monotonic() + limit
    while server.inflight and time.monotonic() < deadline:
        time.sleep(0.02)


def test_50_mb_without_content_length_is_cut_off_at_the_cap(faulty_server: FaultyServer) -> None:
    faulty_server["/big.html"] = huge(50 * MB)
    result, took = fetch(faulty_server.url("/big.html"), settings(max_bytes=MB))
    assert result.error == "response too large (more than the 1,000,000-byte cap)"
    assert result.body == b""
    assert took < 2.0
    assert faulty_server.hits("/big.html") == 1, "a refused size is not retried"
    wait_until_idle(faulty_server)
    assert faulty_server.sent["/big.html"] < 25 * MB, "the client hung up instead of reading 50 MB"


def test_50_mb_with_content_length_is_refused_before_reading(faulty_server: FaultyServer) -> None:
    faulty_server["/big.html"] = huge(50 * MB, content_length=True)
    result, took = fetch(faulty_server.url("/big.html"), settings(max_bytes=MB))
    assert result.error == "response too large (50,000,000 bytes; the cap is 1,000,000)"
    assert took < 2.0
    assert faulty_server.hits("/big.html") == 1


# --- compressed bodies: decoded piece by piece, the decoded size counted against the cap -----------

def raw_deflate(data: bytes) -> bytes:
    """Deflate without the zlib header (what some servers send as Content-Encoding: deflate)."""
    deflater = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return deflater.compress(data) + deflater.flush()


@pytest.mark.parametrize(("body", "encoding"), [
    (gzip.compress(HTML.encode()), "gzip"), (zlib.compress(HTML.encode()), "deflate"),
    (raw_deflate(HTML.encode()), "deflate"), (gzip.compress(gzip.compress(HTML.encode())), "gzip, gzip"),
    (gzip.compress(HTML.encode()[:40]) + gzip.compress(HTML.encode()[40:]), "gzip"),
    (HTML.encode(), "identity"),
], ids=["gzip", "deflate-zlib", "deflate-raw", "gzip-twice", "two-gzip-members", "identity"])
def test_compressed_pages_are_decoded(faulty_server: FaultyServer, body: bytes, encoding: str) -> None:
    faulty_server["/a.html"] = encoded(body, encoding)
    result, _took = fetch(faulty_server.url("/a.html"), settings(robots=False))
    assert result.error is None
    assert result.body.decode() == HTML
    assert faulty_server.requests("/a.html")[0].headers["accept-encoding"] == "gzip, deflate"


@pytest.mark.parametrize(("body", "encoding", "line"), [
    (b"\x1f\x8b\x08\x00garbage that is not deflate data", "gzip", "body is not valid gzip data"),
    (b"BROTLI?", "br", "unsupported Content-Encoding 'br' (we ask for gzip, deflate)"),
])
def test_undecodable_bodies_are_one_clear_line(faulty_server: FaultyServer, body: bytes, encoding: str,
                                               line: str) -> None:
    faulty_server["/a.html"] = encoded(body, encoding)
    result, _took = fetch(faulty_server.url("/a.html"), settings(robots=False))
    assert result.error is not None and result.error.startswith(line)
    assert faulty_server.hits("/a.html") == 1


@pytest.mark.parametrize("layers", [1, 2], ids=["1-GiB-in-1-MB", "1-GiB-in-2-KB-gzip-of-gzip"])
def test_a_gzip_bomb_stops_at_the_cap_without_inflating_in_memory(faulty_server: FaultyServer, layers: int) -> None:
    body = gzipped_zeros(1024)
    if layers == 2:
        body = gzip.compress(body)
    assert len(body) < (1_100_000 if layers == 1 else 10_000), "the bomb is small on the wire"
    faulty_server["/bomb.html"] = encoded(body, ", ".join(["gzip"] * layers))
    tracemalloc.start()
    try:
        result, took = fetch(faulty_server.url("/bomb.html"), settings(max_bytes=2 * MB, robots=False))
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error == "response too large (inflates past the 2,000,000-byte cap)"
    assert result.body == b""
    assert peak < 16 * MB, f"decoding held {peak:,} bytes at once"
    assert took < 3.0
    assert faulty_server.hits("/bomb.html") == 1, "a refused size is not retried"


# --- politeness ---------------------------------------------------------------------------

def test_user_agent_identifies_dailybrief(faulty_server: FaultyServer) -> None:
    faulty_server["/a.html"] = page(HTML)
    fetch(faulty_server.url("/a.html"))
    agents = {hit.headers.get("user-agent", "") for hit in faulty_server.log}
    assert len(faulty_server.log) == 2, "robots.txt, then the page"
    assert all(agent.startswith("dailybrief/") for agent in agents), agents


def test_conditional_get_sends_validators_and_reads_304(faulty_server: FaultyServer) -> None:
    etag, modified = '"v1-abc"', "Mon, 15 Jun 2026 01:30:00 GMT"
    faulty_server["/a.html"] = conditional(HTML.encode(), etag, modified)
    first, _took = fetch(faulty_server.url("/a.html"))
    assert first.status == 200 and first.headers["etag"] == etag
    second, _took = fetch(faulty_server.url("/a.html"), validators=Validators(etag, modified))
    assert second.status == 304 and second.not_modified and second.error is None
    sent = faulty_server.requests("/a.html")[-1].headers
    assert sent.get("if-none-match") == etag
    assert sent.get("if-modified-since") == modified
    assert "if-none-match" not in faulty_server.requests("/a.html")[0].headers


def test_per_host_cap_bounds_concurrent_requests(faulty_server: FaultyServer) -> None:
    for n in range(10):
        faulty_server[f"/p{n}.html"] = slow(0.2, page(HTML))
    results = fetch_all([faulty_server.url(f"/p{n}.html") for n in range(10)], settings(per_host=2, robots=False))
    assert all(r.error is None for r in results)
    assert faulty_server.max_inflight == 2, "never more than per_host = 2 at once, and the cap is used"


def test_a_busy_host_does_not_hold_global_slots_other_hosts_need() -> None:
    with FaultyServer() as busy, FaultyServer() as other:
        for n in range(5):
            busy[f"/p{n}.html"] = slow(0.2, page(HTML))
        other["/x.html"] = page(HTML)
        urls = [busy.url(f"/p{n}.html") for n in range(5)] + [other.url("/x.html")]
        started = time.monotonic()
        results = fetch_all(urls, settings(concurrency=2, per_host=1, robots=False))
        assert all(r.error is None for r in results)
        assert busy.max_inflight == 1
        waited = other.requests("/x.html")[0].at - started
        assert waited < 0.4, f"the idle host waited {waited:.1f} s behind the busy host's queue"


def test_robots_txt_disallowed_page_is_not_fetched(faulty_server: FaultyServer) -> None:
    faulty_server["/robots.txt"] = robots("User-agent: *\nDisallow: /private/\n")
    faulty_server["/private/a.html"] = page(HTML)
    faulty_server["/public/b.html"] = page(HTML)
    results = fetch_all([faulty_server.url("/private/a.html"), faulty_server.url("/public/b.html")], settings())
    assert results[0].error == "disallowed by robots.txt"
    assert results[1].error is None
    assert faulty_server.hits("/private/a.html") == 0
    assert faulty_server.hits("/robots.txt") == 1, "robots.txt is read once per host"


def test_robots_txt_is_ignored_when_switched_off(faulty_server: FaultyServer) -> None:
    faulty_server["/robots.txt"] = robots("User-agent: *\nDisallow: /\n")
    faulty_server["/private/a.html"] = page(HTML)
    result, _took = fetch(faulty_server.url("/private/a.html"), settings(robots=False))
    assert result.error is None
    assert faulty_server.hits("/private/a.html") == 1
    assert faulty_server.hits("/robots.txt") == 0
