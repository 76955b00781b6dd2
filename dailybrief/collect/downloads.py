"""Polite, bounded async HTTP: concurrency caps, timeouts, retries, robots.txt, conditional GET.

Every failure becomes a `Fetch` with `error` set to one short human line; nothing raises,
so one bad source or page never stops a run. Every connection, redirect hops included, goes
through `reach.GuardedBackend`: a Fetcher bound to a source (`for_source`) reaches public
addresses and the kind of network the source itself is on, nothing else.
"""

from __future__ import annotations

import asyncio
import copy
import email.utils
import errno
import logging
import socket
import urllib.robotparser
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from dailybrief.collect.bodies import ACCEPT_ENCODING, BadEncoding, BodyTooLarge, BoundedDecoder
from dailybrief.collect.reach import GuardedBackend, GuardedTransport, Network, Reach, Refused, reach_of
from dailybrief.collect.urls import host_of
from dailybrief.config import CollectSettings
from dailybrief.models import Fetch

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
FETCHABLE = frozenset({"http", "https"})


@dataclass(frozen=True)
class Validators:
    """What the archive remembers of a URL for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


class FetchFailed(Exception):
    """One attempt failed; `retry` says whether another attempt may succeed."""

    def __init__(self, message: str, *, status: int = 0, retry: bool = False, wait: float = 0.0) -> None:
        super().__init__(message)
        self.status = status
        self.retry = retry
        self.wait = wait


def retry_after_seconds(value: str | None) -> float | None:
    """Parse a Retry-After header (seconds or an HTTP date) into seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def describe_network_error(exc: BaseException, url: str) -> str:
    """Turn an httpx/OS exception into one short line a user can act on."""
    host = urlsplit(url).hostname or url
    text = str(exc) or type(exc).__name__
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror) or "Name or service not known" in str(cause) \
                or "nodename nor servname" in str(cause) or "Temporary failure in name resolution" in str(cause):
            return f"DNS lookup failed for {host}"
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return f"connection refused by {host}"
        cause = cause.__cause__ or cause.__context__
    if "Connection refused" in text or "[Errno 111]" in text:
        return f"connection refused by {host}"
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect timed out ({host})"
    if isinstance(exc, httpx.ReadTimeout):
        return f"read timed out ({host} stopped sending)"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({host})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"server closed the connection mid-response ({host})"
    return f"{type(exc).__name__}: {text}"[:200]


@dataclass
class _Shared:
    """What every view of one Fetcher shares: concurrency slots, robots.txt rules, one client per Reach."""

    global_slots: asyncio.Semaphore
    host_slots: dict[str, asyncio.Semaphore]
    robots: dict[tuple[Reach, str], urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)
    robots_locks: dict[tuple[Reach, str], asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))
    # Separate pools per Reach, so a connection opened for one source is never reused by a stricter one.
    clients: dict[Reach, httpx.AsyncClient] = field(default_factory=dict)


class Fetcher:
    """Fetch URLs under a global and a per-host concurrency cap (use as `async with`).

    A new Fetcher reaches public addresses only (everything with `allow_private_networks`);
    `for_source(url)` returns a view that may also reach the network `url` itself is on.
    """

    def __init__(self, settings: CollectSettings, network: Network | None = None) -> None:
        self.settings = settings
        self.network = network or Network()
        self.reach = Reach(everything=settings.allow_private_networks)
        self._shared = _Shared(asyncio.Semaphore(settings.concurrency),
                               defaultdict(lambda: asyncio.Semaphore(settings.per_host)))

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        for client in self._shared.clients.values():
            await client.aclose()
        self._shared.clients.clear()

    async def for_source(self, url: str) -> Fetcher:
        """Return a view of this Fetcher that may also reach the kind of network `url` is on."""
        if self.reach.everything:
            return self
        view = copy.copy(self)
        view.reach = await reach_of(url, self.network, self.settings.connect_timeout)
        return view

    def _client(self) -> httpx.AsyncClient:
        """Return the client whose connections this view's Reach allows (made on first use)."""
        client = self._shared.clients.get(self.reach)
        if client is None:
            settings = self.settings
            timeout = httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                    write=settings.read_timeout, pool=None)
            limits = httpx.Limits(max_connections=settings.concurrency,
                                  max_keepalive_connections=settings.concurrency)
            client = httpx.AsyncClient(
                timeout=timeout, follow_redirects=False, trust_env=False,
                transport=GuardedTransport(GuardedBackend(self.reach, self.network), limits),
                headers={"User-Agent": settings.user_agent, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
                         "Accept-Encoding": ACCEPT_ENCODING},
            )
            self._shared.clients[self.reach] = client
        return client

    async def fetch(self, url: str, validators: Validators | None = None, *, check_robots: bool = True) -> Fetch:
        """Fetch one URL with retries; never raises for network or HTTP trouble."""
        started = datetime.now(UTC)
        if urlsplit(url).scheme not in FETCHABLE:
            return Fetch(url, url, 0, {}, b"", started, error=f"refused: {url[:80]} is not an http(s) address")
        if check_robots and self.settings.robots and not await self.allowed(url):
            return Fetch(url, url, 0, {}, b"", started, error="disallowed by robots.txt")
        attempts = self.settings.retries + 1
        last = FetchFailed("not attempted")
        for attempt in range(attempts):
            try:
                # Host slot first: a request queued behind a busy host must not hold a global slot.
                async with self._shared.host_slots[host_of(url)], self._shared.global_slots:
                    return await asyncio.wait_for(self._follow(url, validators),
                                                  timeout=self.settings.total_timeout)
            except TimeoutError:
                last = FetchFailed(f"gave up after {self.settings.total_timeout:g} s (response too slow)",
                                   retry=True)
            except FetchFailed as exc:
                last = exc
            if not last.retry or attempt == attempts - 1:
                break
            delay = last.wait or self.settings.backoff * (2 ** attempt)
            logger.info("%s: %s; retrying in %.1f s", url, last, delay)
            await asyncio.sleep(delay)
        tries = f" after {attempts} tries" if last.retry and attempts > 1 else ""
        logger.debug("%s: failed: %s%s", url, last, tries)
        return Fetch(url, url, last.status, {}, b"", started, error=f"{last}{tries}")

    async def _follow(self, url: str, validators: Validators | None) -> Fetch:
        """Follow redirects by hand so loops and long chains are named, not just counted."""
        seen = [url]
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            response_or_fetch = await self._get(current, url, validators)
            if isinstance(response_or_fetch, Fetch):
                return response_or_fetch
            location = response_or_fetch
            nxt = urljoin(current, location)
            if urlsplit(nxt).scheme not in FETCHABLE:
                raise FetchFailed(f"refused: redirect to {nxt[:80]}, which is not an http(s) address", status=310)
            if nxt in seen:
                raise FetchFailed(f"redirect loop ({' -> '.join([*seen[-2:], nxt])})", status=310)
            seen.append(nxt)
            current = nxt
        raise FetchFailed(f"more than {self.settings.max_redirects} redirects", status=310)

    async def _get(self, current: str, original: str, validators: Validators | None) -> Fetch | str:
        """Make one request; return a Fetch, or the Location of a redirect."""
        headers = {}
        if validators and current == original:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        fetched_at = datetime.now(UTC)
        try:
            async with self._client().stream("GET", current, headers=headers) as response:
                status = response.status_code
                if status in REDIRECT_STATUSES and response.headers.get("location"):
                    return response.headers["location"]
                if status in RETRY_STATUSES:
                    wait = retry_after_seconds(response.headers.get("retry-after"))
                    if wait is not None and wait > self.settings.max_retry_after:
                        raise FetchFailed(f"HTTP {status} {response.reason_phrase} (Retry-After {wait:.0f} s, "
                                          f"more than the {self.settings.max_retry_after:g} s we wait)", status=status)
                    raise FetchFailed(f"HTTP {status} {response.reason_phrase}", status=status, retry=True,
                                      wait=wait or 0.0)
                if status == 304:
                    logger.debug("GET %s: 304 not modified", current)
                    return Fetch(original, current, 304, dict(response.headers), b"", fetched_at, not_modified=True)
                if status >= 400:
                    raise FetchFailed(f"HTTP {status} {response.reason_phrase}", status=status)
                body = await self._read_capped(response)
                logger.debug("GET %s: HTTP %d, %d bytes", current, status, len(body))
                return Fetch(original, str(response.url), status, {k.lower(): v for k, v in response.headers.items()},
                             body, fetched_at)
        except Refused as exc:
            hop = f" (redirected to {current[:80]})" if current != original else ""
            raise FetchFailed(f"refused: {exc}{hop}") from exc
        except httpx.TimeoutException as exc:
            raise FetchFailed(describe_network_error(exc, current), retry=True) from exc
        except (httpx.TransportError, OSError) as exc:
            message = describe_network_error(exc, current)
            raise FetchFailed(message, retry=message.startswith("server closed")) from exc

    async def _read_capped(self, response: httpx.Response) -> bytes:
        """Read and decode a body, refusing anything larger than the cap, before or after decompression."""
        cap = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchFailed(f"response too large ({int(declared):,} bytes; the cap is {cap:,})",
                              status=response.status_code)
        try:
            decoder = BoundedDecoder(response.headers.get("content-encoding", ""), cap)
            received = 0
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received > cap:
                    raise FetchFailed(f"response too large (more than the {cap:,}-byte cap)",
                                      status=response.status_code)
                decoder.feed(chunk)
        except BodyTooLarge as exc:
            raise FetchFailed(f"response too large (inflates past the {cap:,}-byte cap)",
                              status=response.status_code) from exc
        except BadEncoding as exc:
            raise FetchFailed(str(exc), status=response.status_code) from exc
        return decoder.body()

    async def allowed(self, url: str) -> bool:
        """Say whether robots.txt lets our User-Agent fetch the URL (unreachable robots.txt allows)."""
        parts = urlsplit(url)
        if parts.scheme not in FETCHABLE:
            return True
        key = (self.reach, f"{parts.scheme}://{parts.netloc}")
        async with self._shared.robots_locks[key]:
            if key not in self._shared.robots:
                self._shared.robots[key] = await self._load_robots(key[1])
        parser = self._shared.robots[key]
        return True if parser is None else parser.can_fetch(self.settings.user_agent, url)

    async def _load_robots(self, root: str) -> urllib.robotparser.RobotFileParser | None:
        """Fetch and parse a host's robots.txt once; None means no rules apply."""
        fetched = await self.fetch(f"{root}/robots.txt", check_robots=False)
        if fetched.error or fetched.status != 200:
            return None
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(fetched.body.decode("utf-8", "replace").splitlines())
        parser.modified()
        return parser

