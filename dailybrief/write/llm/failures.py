"""What a failed request means, in one line: an HTTP status and the server's message, a connection error's reason.

Messages never repeat an API key: bodies of 401/403 answers are not quoted (servers echo the
key there), other bodies go through the client's redaction.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import httpx

_HINTS = {401: "the endpoint refused the API key", 403: "the endpoint refused the API key",
          404: "no such endpoint or model (check base_url and model)", 429: "rate limited"}


def http_problem(response: httpx.Response, url: str, key_env: str | None, redact: Callable[[str], str]) -> str:
    """Describe an HTTP error in one line: status, what it usually means, the server's message (key removed)."""
    status = response.status_code
    hint = _HINTS.get(status, "server error" if status >= 500 else "request refused")
    if status in {401, 403} and key_env:
        hint += f" from {key_env}"
    elif status in {401, 403}:
        hint += " (none was sent: set api_key_env)"
    said = ""
    if status not in {401, 403}:  # auth errors often echo the key; say nothing of their body
        said = server_message(response)
        said = f": {redact(said)}" if said else ""
    return f"HTTP {status} from {url}: {hint}{said}"


def token_count(value: Any) -> int:
    """Return a token count from a usage field, 0 when absent or not a number."""
    return value if isinstance(value, int) and value >= 0 else 0


def connect_reason(exc: BaseException) -> str:
    """Return a short reason for a connection error: the OS's words (connection refused …) when there are any."""
    seen: BaseException | None = exc
    while seen is not None:
        for error in (seen, *getattr(seen, "exceptions", ())):  # anyio groups one error per address tried
            if isinstance(error, OSError) and error.errno:
                return os.strerror(error.errno).lower()
        seen = seen.__cause__ or seen.__context__
    return (str(exc) or type(exc).__name__).splitlines()[0][:120]


def retry_after(response: httpx.Response) -> float | None:
    """Return the seconds a server's Retry-After header asks for (None when absent or a date)."""
    try:
        return max(0.0, float(response.headers.get("retry-after", "").strip()))
    except ValueError:
        return None


def server_message(response: httpx.Response) -> str:
    """Return the error message a server put in its body, shortened to one line."""
    try:
        data = response.json()
        error = data.get("error", data) if isinstance(data, dict) else data
        message = error.get("message", "") if isinstance(error, dict) else str(error)
    except ValueError:
        message = response.text
    return " ".join(str(message).split())[:160]
