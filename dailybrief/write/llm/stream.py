"""Reading a streamed chat completion (server-sent events), timing out on silence, not on a long answer.

An OpenAI-compatible server streams `data: {chunk}` lines, each chunk carrying a piece of the
answer (`choices[0].delta.content`), the last one its `finish_reason`, and `data: [DONE]` at the
end; lines starting with ":" are keep-alive comments (llama.cpp's server pings every 15 s while
a request waits) and do not count as the server saying something. The answer may take as long
as it needs while tokens keep coming; `silence_s` without a data line ends it (the first one
may take longer: the server reads the prompt before it answers). A stream that
ends without a finish_reason was interrupted (llama-cpp-python's server ends one stream when
another request arrives) and is not an answer.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any


class Silence(Exception):
    """The server sent no data line for the silence timeout."""


class StreamError(Exception):
    """The stream held an error object, or a line that is not a chat-completion chunk."""


@dataclass
class Streamed:
    """What a stream delivered: the text, why it stopped (None: interrupted), usage if sent, pieces of text."""

    content: str = ""
    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)
    pieces: int = 0  # chunks that carried text: about one token each
    first_token_s: float | None = None


async def _next_line(lines: AsyncIterator[str], deadline: float) -> str | None:
    """Return the next line, None at the end of the stream; raise Silence when the deadline passes first."""
    wait = deadline - time.monotonic()
    if wait <= 0:
        raise Silence
    try:
        async with asyncio.timeout(wait):
            return await anext(lines)
    except StopAsyncIteration:
        return None
    except TimeoutError:
        raise Silence from None


def _chunk(payload: str) -> dict[str, Any]:
    """Parse one data line's JSON; an error object or a non-object is a StreamError."""
    try:
        data = json.loads(payload)
    except ValueError:
        raise StreamError(f"a streamed line is not JSON: {payload[:80]!r}") from None
    if not isinstance(data, dict):
        raise StreamError("a streamed line is not a chat-completion chunk")
    if "error" in data:
        error = data["error"]
        message = error.get("message", "") if isinstance(error, dict) else str(error)
        raise StreamError(f"the server reported an error mid-answer: {' '.join(str(message).split())[:160]}")
    return data


def _take(data: dict[str, Any], into: Streamed) -> None:
    """Add one chunk's text, finish reason and usage to what was streamed."""
    if isinstance(data.get("usage"), dict):
        into.usage = data["usage"]
    choices = data.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        return
    choice = choices[0]
    delta = choice.get("delta") or choice.get("message") or {}
    piece = delta.get("content") if isinstance(delta, dict) else None
    if isinstance(piece, str):
        into.content += piece
    if choice.get("finish_reason"):
        into.finish_reason = str(choice["finish_reason"])


async def read_stream(lines: AsyncIterator[str], silence_s: float, first_s: float | None = None) -> Streamed:
    """Read a server-sent-event stream of chat-completion chunks until [DONE] or its end.

    Raises Silence when no data line comes for `silence_s` seconds (comments do not count) —
    `first_s` for the first one, while the server reads the prompt — and StreamError on an
    error object.
    """
    out = Streamed()
    started = time.monotonic()
    deadline = started + (first_s if first_s is not None else silence_s)
    while True:
        line = await _next_line(lines, deadline)
        if line is None:
            return out
        line = line.strip()
        if not line.startswith("data:"):
            continue  # blank separators, comments (": ping"), event names
        payload = line[5:].strip()
        deadline = time.monotonic() + silence_s
        if payload == "[DONE]":
            return out
        before = len(out.content)
        _take(_chunk(payload), out)
        if len(out.content) > before:
            out.pieces += 1
            if out.first_token_s is None:
                out.first_token_s = time.monotonic() - started
