"""What a model server says about itself: how many requests it serves at once, how long a context it has.

Asked once per session, before the first request, from the same host the config names:
- llama.cpp's `llama-server`: `GET /props` (`total_slots`, `default_generation_settings.n_ctx`)
  and `GET /slots` (one entry per slot, each with its `n_ctx`);
- vLLM: `GET /v1/models` (`max_model_len` of the model);
- llama-cpp-python's `llama_cpp.server`, Ollama's OpenAI API and the hosted APIs report
  neither: then the config's `concurrency` and `context_tokens` decide (see LLMSettings).
A probe that fails, times out or answers something else says nothing; it never fails the run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 5.0
LOCAL_HOSTS = ("127.", "localhost", "[::1]", "0.0.0.0")  # noqa: S104 - a host name compared, not bound
UNKNOWN_CONTEXT = 4096  # tokens: what a server that says nothing is assumed to hold (Ollama's default)


@dataclass(frozen=True)
class ServerFacts:
    """What the server reported (None: it did not say) and where it said it."""

    slots: int | None = None
    context: int | None = None
    said_by: str = ""


def _root(base_url: str) -> str:
    """Return the server's root URL: base_url without its trailing /v1."""
    return base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url


def _positive(value: Any) -> int | None:
    """Return a positive integer field, None otherwise."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def from_props(data: Any) -> ServerFacts:
    """Read llama-server's /props."""
    if not isinstance(data, dict):
        return ServerFacts()
    settings = data.get("default_generation_settings")
    context = _positive(settings.get("n_ctx")) if isinstance(settings, dict) else None
    return ServerFacts(_positive(data.get("total_slots")), context or _positive(data.get("n_ctx")), "/props")


def from_slots(data: Any) -> ServerFacts:
    """Read llama-server's /slots (a list with one object per slot)."""
    if not isinstance(data, list) or not data or not all(isinstance(s, dict) for s in data):
        return ServerFacts()
    contexts = [c for s in data if (c := _positive(s.get("n_ctx")))]
    return ServerFacts(len(data), min(contexts) if contexts else None, "/slots")


def from_models(data: Any, model: str) -> ServerFacts:
    """Read /v1/models: vLLM gives each model's `max_model_len`."""
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return ServerFacts()
    for item in items:
        if isinstance(item, dict) and item.get("id") in (model, None) and _positive(item.get("max_model_len")):
            return ServerFacts(None, _positive(item.get("max_model_len")), "/v1/models")
    return ServerFacts()


async def _get(http: httpx.AsyncClient, url: str) -> Any:
    """Return a URL's JSON, None when it does not answer 200 with JSON in time."""
    try:
        response = await http.get(url, timeout=PROBE_TIMEOUT_S)
    except (httpx.HTTPError, OSError):
        return None
    if response.status_code != 200:
        return None
    try:
        return response.json()
    except ValueError:
        return None


async def discover(http: httpx.AsyncClient, base_url: str, model: str) -> ServerFacts:
    """Ask the server for its slots and context window; the first probe that says something wins each."""
    root = _root(base_url)
    slots: int | None = None
    context: int | None = None
    said: list[str] = []
    probes = ((f"{root}/props", from_props), (f"{root}/slots", from_slots),
              (f"{base_url}/models", lambda data: from_models(data, model)))
    for url, read in probes:
        if slots is not None and context is not None:
            break
        facts = read(await _get(http, url))
        if facts.slots is None and facts.context is None:
            continue
        slots = slots if slots is not None else facts.slots
        context = context if context is not None else facts.context
        said.append(facts.said_by)
    found = ServerFacts(slots, context, ", ".join(said))
    logger.debug("%s: slots %s, context %s (from %s)", base_url, slots, context, found.said_by or "nothing")
    return found


def is_local(base_url: str) -> bool:
    """Say whether the server runs on this machine (loopback): its CPU is shared, so one request at a time."""
    host = base_url.split("://", 1)[-1]
    return host.startswith(LOCAL_HOSTS)
