"""HTTP for the channels: one POST with failures sorted into retryable or not, JSON answers, and pacing.

A webhook URL often carries its key in the query (企业微信 `key=`, 钉钉 `access_token=`), so
messages name only the host, never the whole URL.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from dailybrief.config import USER_AGENT
from dailybrief.publish.channel import DeliveryError

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
MAX_ANSWER = 64 * 1024  # an API answer longer than this is not one we understand


def host_of(url: str) -> str:
    """Return the host (and port) of a URL, for messages that must not repeat its secret query."""
    return urlsplit(url).netloc or "?"


def client(timeout: float) -> httpx.Client:
    """Return an HTTP client with the channel's timeout, our User-Agent and no redirects followed."""
    return httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, headers={"User-Agent": USER_AGENT})


def post(http: httpx.Client, url: str, *, content: bytes | None = None, headers: Mapping[str, str] | None = None,
         files: Mapping[str, tuple[str, bytes, str]] | None = None) -> httpx.Response:
    """POST and return the response; network failures, timeouts, 429 and 5xx raise a retryable DeliveryError."""
    try:
        response = http.post(url, content=content, headers=dict(headers or {}), files=files)
    except httpx.TimeoutException:
        raise DeliveryError(f"{host_of(url)}: no answer within {http.timeout.read}s", retryable=True) from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{host_of(url)}: {type(exc).__name__}: {exc}"[:300], retryable=True) from None
    if response.status_code >= 300:
        wait = retry_after(response.headers.get("retry-after"))
        raise DeliveryError(f"{host_of(url)} answered HTTP {response.status_code}",
                            retryable=response.status_code in RETRYABLE_STATUS, wait=wait)
    return response


def get(http: httpx.Client, url: str) -> httpx.Response:
    """GET with the same failure handling as `post`."""
    try:
        response = http.get(url)
    except httpx.TimeoutException:
        raise DeliveryError(f"{host_of(url)}: no answer within {http.timeout.read}s", retryable=True) from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{host_of(url)}: {type(exc).__name__}: {exc}"[:300], retryable=True) from None
    if response.status_code >= 300:
        raise DeliveryError(f"{host_of(url)} answered HTTP {response.status_code}",
                            retryable=response.status_code in RETRYABLE_STATUS)
    return response


def retry_after(value: str | None) -> float | None:
    """Return a Retry-After header's seconds (only the delta form; capped at ten minutes)."""
    try:
        return min(600.0, max(0.0, float(value))) if value else None
    except ValueError:
        return None


def json_answer(response: httpx.Response, url: str) -> dict[str, Any]:
    """Return a JSON object answer; anything else is a DeliveryError naming the host."""
    body = response.content[:MAX_ANSWER]
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DeliveryError(f"{host_of(url)} answered something that is not JSON: {body[:120]!r}") from None
    if not isinstance(data, dict):
        raise DeliveryError(f"{host_of(url)} answered JSON that is not an object")
    return data


def json_bytes(data: Any) -> bytes:
    """Serialise a request body as compact UTF-8 JSON (Chinese as itself, as the platforms expect)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Pacer:
    """Keep at most `limit` sends in any `period` seconds (a platform's documented rate limit), waiting if needed."""

    def __init__(self, limit: int, period: float, sleep: Callable[[float], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self.sleep = sleep
        self.clock = clock
        self.sent: deque[float] = deque()

    def wait(self) -> None:
        """Return when one more send stays within the limit."""
        now = self.clock()
        while self.sent and now - self.sent[0] >= self.period:
            self.sent.popleft()
        if len(self.sent) >= self.limit:
            self.sleep(self.period - (now - self.sent[0]) + 0.01)
            self.sent.popleft()
        self.sent.append(self.clock())
