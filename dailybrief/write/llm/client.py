"""A client for any OpenAI-compatible chat-completions endpoint (DeepSeek, Qwen, Ollama, vLLM, llama.cpp …).

What it guarantees to the writer: retries with exponential backoff on 429, 5xx, timeouts and
dropped connections (honouring Retry-After); a cap on concurrent requests; a response cache
(keyed by the SHA-256 of model, messages and sampling parameters, so the same prompt with the
same evidence is asked once, in one run or across runs); a token budget per brief; usage
counts. Errors are exceptions whose messages are one line and never contain the API key,
which is read from the environment variable the config names and nowhere else.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import ValidationError

from dailybrief.config import Config, ConfigError, LLMSettings

logger = logging.getLogger(__name__)

Message = dict[str, str]
T = TypeVar("T")
BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
MAX_RETRY_AFTER_S = 30.0
GIVE_UP_AFTER = 3  # consecutive failed requests before the endpoint is given up for the run


class LLMError(Exception):
    """A request that produced no usable answer; the message is one line without the key."""


class LLMUnavailable(LLMError):
    """The endpoint cannot be used for this run (down, key refused, unknown model): no more calls."""


class LLMFailed(LLMError):
    """One request failed after its retries (timeouts, 5xx, 429, a bad request); others may work."""


class BudgetExhausted(LLMError):
    """The brief's token budget is spent: the remaining work is extractive."""


@dataclass(frozen=True)
class Completion:
    """One answer: its text, why it stopped, its token counts and whether it came from the cache."""

    content: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    cached: bool = False

    @property
    def truncated(self) -> bool:
        """Say whether the answer was cut off by the output token limit."""
        return self.finish_reason == "length"


class ResponseCache(Protocol):
    """Where answers are kept between calls and runs (the archive's llm_cache table)."""

    def get(self, key: str) -> Completion | None:
        """Return the answer stored under a key."""

    def put(self, key: str, model: str, completion: Completion) -> None:
        """Store an answer under a key."""


class MemoryCache:
    """A ResponseCache in a dict (for a run without an archive, and for tests)."""

    def __init__(self) -> None:
        self.items: dict[str, Completion] = {}

    def get(self, key: str) -> Completion | None:
        """Return the answer stored under a key."""
        return self.items.get(key)

    def put(self, key: str, model: str, completion: Completion) -> None:
        """Store an answer under a key."""
        self.items[key] = completion


@dataclass
class Usage:
    """What the LLM cost a brief: calls made, answers from the cache, tokens, time, budget."""

    model: str
    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    budget_tokens: int | None = None
    used_tokens: int = 0  # tokens of every answer the brief used, cached or not: what the budget counts
    budget_exhausted: bool = False
    unavailable: str | None = None
    failures: list[str] = field(default_factory=list)


def run_async(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion, in a worker thread when this thread already runs an event loop."""
    async def main() -> T:
        """Await the coroutine."""
        return await factory()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def cache_key(model: str, messages: Sequence[Message], max_tokens: int, temperature: float) -> str:
    """Return the cache key of a request: SHA-256 over the model, the prompt with its evidence, and the sampling."""
    payload = json.dumps({"model": model, "messages": list(messages), "max_tokens": max_tokens,
                          "temperature": temperature}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def estimate_tokens(text: str) -> int:
    """Return a rough token count (about one token per Chinese character, four per Latin word)."""
    cjk = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    return cjk + (len(text) - cjk) // 4 + 1


def read_api_key(settings: LLMSettings, environ: Mapping[str, str] | None = None) -> str | None:
    """Return the key from the environment variable `api_key_env` names (None when no variable is named).

    Raises LLMUnavailable when the variable is named but empty or unset.
    """
    if settings.api_key_env is None:
        return None
    value = (environ if environ is not None else os.environ).get(settings.api_key_env, "").strip()
    if not value:
        raise LLMUnavailable(f"environment variable {settings.api_key_env} (the [llm] api_key_env) is not set")
    return value


_OPTION_OF = {"base_url": "--llm-url", "model": "--llm-model", "api_key_env": "--llm-key-env"}


def with_llm(config: Config, base_url: str | None = None, model: str | None = None,
             api_key_env: str | None = None) -> Config:
    """Return the config with [llm] base_url, model and key variable set from the command line (the rest kept)."""
    given = {"base_url": base_url, "model": model, "api_key_env": api_key_env}
    if all(v is None for v in given.values()):
        return config
    values = config.llm.model_dump() if config.llm else {}
    values |= {k: v for k, v in given.items() if v is not None}
    missing = [_OPTION_OF[k] for k in ("base_url", "model") if not values.get(k)]
    if missing:
        raise ConfigError(f"without an [llm] table in the config, give {' and '.join(missing)} too")
    try:
        return config.model_copy(update={"llm": LLMSettings.model_validate(values)})
    except ValidationError as exc:
        first = exc.errors()[0]
        option = _OPTION_OF.get(str(first["loc"][0]), f"[llm] {first['loc'][0]}")
        raise ConfigError(f"{option}: {str(first['msg']).removeprefix('Value error, ')}") from None


class ChatClient:
    """Asks an OpenAI-compatible endpoint for chat completions, within a budget, through a cache.

    Use inside one event loop: `async with client.session(): await client.complete(...)`.
    """

    def __init__(self, settings: LLMSettings, api_key: str | None, cache: ResponseCache | None = None,
                 *, backoff: float = BACKOFF_S, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.usage = Usage(model=settings.model, budget_tokens=settings.budget_tokens)
        self._key = api_key
        self._cache = cache or MemoryCache()
        self._backoff = backoff
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._gate: asyncio.Semaphore | None = None
        self._locks: dict[str, asyncio.Lock] = {}
        self._failed_in_a_row = 0

    @property
    def url(self) -> str:
        """Return the chat-completions URL."""
        return f"{self.settings.base_url}/chat/completions"

    def session(self) -> _Session:
        """Return an async context that opens the HTTP connection pool for one event loop."""
        return _Session(self)

    async def _open(self) -> None:
        """Open the connection pool and the concurrency gate (bound to the running loop)."""
        headers = {"Content-Type": "application/json", "User-Agent": "dailybrief-llm/0.1"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        self._http = httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(self.settings.timeout_s),
                                       transport=self._transport, follow_redirects=False)
        self._gate = asyncio.Semaphore(self.settings.concurrency)
        self._locks = {}

    async def _close(self) -> None:
        """Close the connection pool."""
        if self._http is not None:
            await self._http.aclose()
        self._http = None

    def redact(self, text: str) -> str:
        """Remove the API key from a text (a server may echo it in an error message)."""
        return text.replace(self._key, "***") if self._key else text

    async def complete(self, messages: Sequence[Message], max_tokens: int | None = None) -> Completion:
        """Return the answer to a chat, from the cache when the same request was answered before."""
        limit = max_tokens or self.settings.max_output_tokens
        key = cache_key(self.settings.model, messages, limit, self.settings.temperature)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # the same prompt asked twice at once is sent once
            hit = self._cache.get(key)
            if hit is not None:
                logger.debug("%s: answer from the cache (%s)", self.settings.model, key[:12])
                self.usage.cached += 1
                self.usage.used_tokens += hit.prompt_tokens + hit.completion_tokens
                return Completion(hit.content, hit.finish_reason, hit.prompt_tokens, hit.completion_tokens, True)
            if self._gate is None or self._http is None:
                raise RuntimeError("ChatClient.complete needs `async with client.session()`")
            async with self._gate:  # checked after the wait: what ran meanwhile counts
                if self.usage.unavailable:
                    raise LLMUnavailable(self.usage.unavailable)
                self._check_budget(messages)
                answer = await self._send(self._http, messages, limit)
            self._cache.put(key, self.settings.model, answer)
            return answer

    def _check_budget(self, messages: Sequence[Message]) -> None:
        """Refuse a call that would start beyond the budget (what is spent plus this prompt's estimate)."""
        budget = self.settings.budget_tokens
        if budget is None:
            return
        if self.usage.budget_exhausted:  # once refused, the rest of the brief is extractive
            raise BudgetExhausted(f"token budget of {budget} spent ({self.usage.used_tokens} used)")
        prompt = sum(estimate_tokens(m["content"]) for m in messages)
        if self.usage.used_tokens + prompt > budget:
            self.usage.budget_exhausted = True
            raise BudgetExhausted(f"token budget of {budget} spent ({self.usage.used_tokens} used)")

    async def _send(self, http: httpx.AsyncClient, messages: Sequence[Message], max_tokens: int) -> Completion:
        """POST the request, retrying what may pass on a second try; count what was spent."""
        body = {"model": self.settings.model, "messages": list(messages), "max_tokens": max_tokens,
                "temperature": self.settings.temperature, "stream": False}
        attempts = self.settings.retries + 1
        problem, wait = "", None
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(self._delay(attempt, wait))
                if self.usage.unavailable:  # another request found the endpoint unusable meanwhile
                    raise LLMUnavailable(self.usage.unavailable)
            try:
                async with asyncio.timeout(self.settings.timeout_s):
                    self.usage.calls += 1
                    response = await http.post(self.url, json=body)
            except (TimeoutError, httpx.TimeoutException):
                problem, wait = f"no answer from {self.url} within timeout_s = {self.settings.timeout_s:g} s", None
                continue
            except httpx.ConnectError as exc:
                problem, wait = f"cannot connect to {self.settings.base_url} ({_reason(exc)})", None
                continue
            except httpx.TransportError as exc:
                problem, wait = f"connection to {self.settings.base_url} failed ({type(exc).__name__})", None
                continue
            if response.status_code == 200:
                self._failed_in_a_row = 0
                answer = self._completion(response, messages)
                logger.debug("%s: %d prompt + %d completion tokens, finish_reason %s", self.settings.model,
                             answer.prompt_tokens, answer.completion_tokens, answer.finish_reason)
                return answer
            problem, wait = self._http_problem(response), _retry_after(response)
            logger.info("%s: %s (attempt %d of %d)", self.settings.model, problem, attempt + 1, attempts)
            if response.status_code in {401, 403, 404}:
                self.usage.unavailable = problem
                raise LLMUnavailable(problem)
            if response.status_code != 429 and response.status_code < 500:
                self._failed(problem)
                raise LLMFailed(problem)
        self._failed(problem)
        if problem.startswith("cannot connect"):
            self.usage.unavailable = problem
            raise LLMUnavailable(problem)
        raise LLMFailed(f"{problem} (after {attempts} attempts)")

    def _failed(self, problem: str) -> None:
        """Count a failed request; after several in a row the endpoint is given up for the run."""
        logger.warning("%s: request failed: %s", self.settings.model, problem)
        self.usage.failures.append(problem)
        self._failed_in_a_row += 1
        if self._failed_in_a_row >= GIVE_UP_AFTER:
            self.usage.unavailable = f"{GIVE_UP_AFTER} requests in a row failed; last: {problem}"

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Return the wait before a retry: Retry-After when the server gave one, else exponential with jitter."""
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER_S)
        base: float = min(self._backoff * 2.0 ** (attempt - 1), MAX_BACKOFF_S)
        return base * (0.75 + 0.5 * random.random())  # noqa: S311 - jitter, not cryptography

    def _http_problem(self, response: httpx.Response) -> str:
        """Describe an HTTP error in one line: status, what it usually means, the server's message (key removed)."""
        status = response.status_code
        hint = {401: "the endpoint refused the API key", 403: "the endpoint refused the API key",
                404: "no such endpoint or model (check base_url and model)", 429: "rate limited"}.get(
            status, "server error" if status >= 500 else "request refused")
        if status in {401, 403} and self.settings.api_key_env:
            hint += f" from {self.settings.api_key_env}"
        elif status in {401, 403}:
            hint += " (none was sent: set api_key_env)"
        said = ""
        if status not in {401, 403}:  # auth errors often echo the key; say nothing of their body
            said = _server_message(response)
            said = f": {self.redact(said)}" if said else ""
        return f"HTTP {status} from {self.url}: {hint}{said}"

    def _completion(self, response: httpx.Response, messages: Sequence[Message]) -> Completion:
        """Read a 200 answer; count its tokens (estimated when the server sends no usage)."""
        try:
            data = response.json()
            choice = data["choices"][0]
            content = choice.get("message", {}).get("content") or ""
            finish = str(choice.get("finish_reason") or "stop")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            problem = f"HTTP 200 from {self.url} is not a chat completion"
            self._failed(problem)
            raise LLMFailed(problem) from None
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        prompt = _count(usage.get("prompt_tokens")) or sum(estimate_tokens(m["content"]) for m in messages)
        completion = _count(usage.get("completion_tokens")) or estimate_tokens(content)
        self.usage.prompt_tokens += prompt
        self.usage.completion_tokens += completion
        self.usage.used_tokens += prompt + completion
        return Completion(str(content), finish, prompt, completion)


class _Session:
    """`async with client.session():` — the connection pool of one event loop."""

    def __init__(self, client: ChatClient) -> None:
        self.client = client

    async def __aenter__(self) -> ChatClient:
        await self.client._open()
        return self.client

    async def __aexit__(self, *exc: object) -> None:
        await self.client._close()


def _count(value: Any) -> int:
    """Return a token count from a usage field, 0 when absent or not a number."""
    return value if isinstance(value, int) and value >= 0 else 0


def _reason(exc: BaseException) -> str:
    """Return a short reason for a connection error: the OS's words (connection refused …) when there are any."""
    seen: BaseException | None = exc
    while seen is not None:
        for error in (seen, *getattr(seen, "exceptions", ())):  # anyio groups one error per address tried
            if isinstance(error, OSError) and error.errno:
                return os.strerror(error.errno).lower()
        seen = seen.__cause__ or seen.__context__
    return (str(exc) or type(exc).__name__).splitlines()[0][:120]


def _retry_after(response: httpx.Response) -> float | None:
    """Return the seconds a server's Retry-After header asks for (None when absent or a date)."""
    try:
        return max(0.0, float(response.headers.get("retry-after", "").strip()))
    except ValueError:
        return None


def _server_message(response: httpx.Response) -> str:
    """Return the error message a server put in its body, shortened to one line."""
    try:
        data = response.json()
        error = data.get("error", data) if isinstance(data, dict) else data
        message = error.get("message", "") if isinstance(error, dict) else str(error)
    except ValueError:
        message = response.text
    return " ".join(str(message).split())[:160]
