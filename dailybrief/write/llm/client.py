"""A client for any OpenAI-compatible chat-completions endpoint (DeepSeek, Qwen, Ollama, vLLM, llama.cpp …).

What it guarantees to the writer:
- answers are streamed; a request ends when the server sends nothing for `silence_timeout_s`
  (for the first token, one second more per SLOWEST_PROMPT_RATE prompt tokens: it reads the
  prompt first) or runs past `timeout_s`, never while tokens arrive;
- retries with exponential backoff on 429, 5xx, silence, an interrupted stream and a dropped
  connection (honouring Retry-After);
- the server's parallelism: the slots it reports (llama.cpp's /props, /slots), capped by
  `concurrency`; when it reports none, `concurrency`, else one request at a time for a server on
  this machine. A server that ends one answer when another request arrives, or keeps a request
  waiting in silence while another is answered, has shown it serves one at a time: from then
  on requests go one by one, most important (lowest priority number) first;
- the context window prompts must fit (reported, or `context_tokens`): a request that would not
  fit is not sent;
- a response cache keyed by the SHA-256 of the whole request (model, messages, output limit,
  temperature, JSON mode: asked of a remote server, not of one on this machine, unless
  `json_mode` says), so the same prompt is asked once, in one run or across runs; what
  the server reported about itself is kept there too, so a re-run builds the same prompts;
- a token budget per brief, and usage counts (calls, tokens, prompt sizes).
Errors are exceptions whose messages are one line and never contain the API key, which is
read from the environment variable the config names and nowhere else.
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
from dataclasses import asdict
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from dailybrief.config import Config, ConfigError, LLMSettings
from dailybrief.write.llm.failures import connect_reason, http_problem, retry_after, token_count
from dailybrief.write.llm.gate import Gate
from dailybrief.write.llm.records import (
    BudgetExhausted,
    Completion,
    LLMFailed,
    LLMUnavailable,
    MemoryCache,
    Message,
    ResponseCache,
    Usage,
)
from dailybrief.write.llm.server import UNKNOWN_CONTEXT, ServerFacts, discover, is_local
from dailybrief.write.llm.stream import Silence, Streamed, StreamError, read_stream

logger = logging.getLogger(__name__)

T = TypeVar("T")
BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
MAX_RETRY_AFTER_S = 30.0
GIVE_UP_AFTER = 3  # consecutive failed requests before the endpoint is given up for the run
REMOTE_CONCURRENCY = 2  # requests at once to a remote server that reports no slots and has no `concurrency`
CONNECT_TIMEOUT_S = 30.0
SLOWEST_PROMPT_RATE = 10.0  # prompt tokens a second: the slowest reading of a prompt waited for (a loaded CPU)
FACTS_MARK = "server-facts"  # the finish_reason under which the cache keeps what the server reported


class _Retry(Exception):
    """One attempt failed in a way a later attempt may not: the problem in one line and any Retry-After."""

    def __init__(self, problem: str, wait: float | None = None, *, yield_turn: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.wait = wait
        self.yield_turn = yield_turn  # give the slot to another request before trying again


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


def cache_key(model: str, messages: Sequence[Message], max_tokens: int, temperature: float,
              json_mode: bool = False) -> str:
    """Return the cache key of a request: SHA-256 over model, prompt with its evidence, sampling and JSON mode."""
    request: dict[str, Any] = {"model": model, "messages": list(messages), "max_tokens": max_tokens,
                               "temperature": temperature}
    if json_mode:
        request["json_mode"] = True
    payload = json.dumps(request, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def facts_key(base_url: str, model: str) -> str:
    """Return the cache key under which what a server reported about itself is kept."""
    payload = json.dumps({"server": base_url, "model": model}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def prompt_tokens(messages: Sequence[Message]) -> int:
    """Return the estimated prompt size of a chat (its messages plus a few tokens of chat template each)."""
    return sum(estimate_tokens(m["content"]) + 4 for m in messages)


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
        self.facts: ServerFacts | None = None
        self._key = api_key
        self._cache = cache or MemoryCache()
        self._backoff = backoff
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._gate: Gate | None = None
        self._locks: dict[str, asyncio.Lock] = {}
        self._failed_in_a_row = 0
        self._one_at_a_time = False
        json_mode = settings.json_mode
        self._json_mode = self._json_asked = not is_local(settings.base_url) if json_mode is None else json_mode

    @property
    def json_mode(self) -> bool:
        """Say whether answers are asked for as JSON objects (`response_format`) now."""
        return self._json_mode

    @property
    def url(self) -> str:
        """Return the chat-completions URL."""
        return f"{self.settings.base_url}/chat/completions"

    @property
    def slots(self) -> int:
        """Return how many requests may run at once: learned, reported (capped by the config), configured, default."""
        if self._one_at_a_time:
            return 1
        reported = self.facts.slots if self.facts else None
        configured = self.settings.concurrency
        if reported is not None:
            return min(reported, configured) if configured else reported
        if configured:
            return configured
        return 1 if is_local(self.settings.base_url) else REMOTE_CONCURRENCY

    @property
    def context(self) -> int:
        """Return the context window a prompt and its answer must fit in (reported, capped by the config)."""
        reported = self.facts.context if self.facts else None
        configured = self.settings.context_tokens
        if reported is not None:
            return min(reported, configured) if configured else reported
        return configured or UNKNOWN_CONTEXT

    @property
    def silence_s(self) -> float:
        """Return how long the server may send nothing (never longer than a whole answer may take)."""
        return min(self.settings.silence_timeout_s, self.settings.timeout_s)

    def first_token_s(self, messages: Sequence[Message]) -> float:
        """Return how long the first token may take: the silence allowed, plus the time to read the prompt."""
        reading = prompt_tokens(messages) / SLOWEST_PROMPT_RATE
        return min(self.settings.silence_timeout_s + reading, self.settings.timeout_s)

    def session(self) -> _Session:
        """Return an async context that opens the HTTP connection pool for one event loop."""
        return _Session(self)

    async def _open(self) -> None:
        """Open the connection pool, learn what the server reports about itself, open the gate (bound to the loop)."""
        headers = {"Content-Type": "application/json", "User-Agent": "dailybrief-llm/0.1"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        timeout = httpx.Timeout(self.settings.timeout_s, connect=min(CONNECT_TIMEOUT_S, self.settings.timeout_s))
        self._http = httpx.AsyncClient(headers=headers, timeout=timeout, transport=self._transport,
                                       follow_redirects=False)
        if self.facts is None:
            self.facts = await self._server_facts(self._http)
        self._gate = Gate(self.slots)
        self._locks = {}
        self.usage.slots, self.usage.context = self.slots, self.context
        self.usage.server_said = self.facts.said_by

    async def _server_facts(self, http: httpx.AsyncClient) -> ServerFacts:
        """Return what the server reports about itself: from the cache when it was asked before, else asked now."""
        key = facts_key(self.settings.base_url, self.settings.model)
        kept = self._cache.get(key)
        if kept is not None and kept.finish_reason == FACTS_MARK:
            try:
                return ServerFacts(**json.loads(kept.content))
            except (ValueError, TypeError):
                pass  # an unreadable entry: ask again
        facts = await discover(http, self.settings.base_url, self.settings.model)
        self._cache.put(key, self.settings.model, Completion(json.dumps(asdict(facts)), FACTS_MARK, 0, 0))
        return facts

    async def _close(self) -> None:
        """Close the connection pool."""
        if self._http is not None:
            await self._http.aclose()
        self._http = None

    def redact(self, text: str) -> str:
        """Remove the API key from a text (a server may echo it in an error message)."""
        return text.replace(self._key, "***") if self._key else text

    def fits(self, messages: Sequence[Message], max_tokens: int | None = None) -> bool:
        """Say whether a prompt and an answer of `max_tokens` fit the server's context window."""
        return prompt_tokens(messages) + (max_tokens or self.settings.max_output_tokens) <= self.context

    async def complete(self, messages: Sequence[Message], max_tokens: int | None = None,
                       priority: int = 0) -> Completion:
        """Return the answer to a chat, from the cache when the same request was answered before.

        Requests wait for a free slot in `priority` order (lower first).
        """
        limit = max_tokens or self.settings.max_output_tokens
        key = cache_key(self.settings.model, messages, limit, self.settings.temperature, self._json_asked)
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
            if not self.fits(messages, limit):
                raise LLMFailed(f"a prompt of about {prompt_tokens(messages)} tokens and an answer of {limit} do not "
                                f"fit the context of {self.context} tokens")
            answer = await self._send(self._http, self._gate, messages, limit, priority)
            self._cache.put(key, self.settings.model, answer)
            return answer

    def _check_budget(self, messages: Sequence[Message]) -> None:
        """Refuse a call that would start beyond the budget (what is spent plus this prompt's estimate)."""
        budget = self.settings.budget_tokens
        if budget is None:
            return
        if self.usage.budget_exhausted:  # once refused, the rest of the brief is extractive
            raise BudgetExhausted(f"token budget of {budget} spent ({self.usage.used_tokens} used)")
        if self.usage.used_tokens + prompt_tokens(messages) > budget:
            self.usage.budget_exhausted = True
            raise BudgetExhausted(f"token budget of {budget} spent ({self.usage.used_tokens} used)")

    async def _send(self, http: httpx.AsyncClient, gate: Gate, messages: Sequence[Message], max_tokens: int,
                    priority: int) -> Completion:
        """Send the request in its turn at the gate, retrying what may pass on a second try.

        The slot is kept while waiting to retry after a server-side failure (the next request
        would meet it too), and given up after an answer the server cut short because another
        request of ours was being answered (the other may finish first).
        """
        attempts = self.settings.retries + 1
        problem, wait = "", None
        attempt = 0
        while attempt < attempts:
            async with gate.slot(priority):
                while attempt < attempts:
                    if attempt:
                        await asyncio.sleep(self._delay(attempt, wait))
                    if self.usage.unavailable:  # another request found the endpoint unusable meanwhile
                        raise LLMUnavailable(self.usage.unavailable)
                    self._check_budget(messages)
                    json_mode = self._json_mode
                    try:
                        answer = await self._attempt(http, gate, messages, max_tokens)
                    except _Retry as retry:
                        problem, wait = retry.problem, retry.wait
                        if json_mode and not self._json_mode:
                            continue  # the server refused JSON mode: ask again without it, not counted as a failure
                        logger.info("%s: %s (attempt %d of %d)", self.settings.model, problem, attempt + 1, attempts)
                        attempt += 1
                        if retry.yield_turn:
                            break
                        continue
                    self._failed_in_a_row = 0
                    logger.debug("%s: %d prompt + %d completion tokens, finish_reason %s", self.settings.model,
                                 answer.prompt_tokens, answer.completion_tokens, answer.finish_reason)
                    return answer
        self._failed(problem)
        if problem.startswith("cannot connect"):
            self.usage.unavailable = problem
            raise LLMUnavailable(problem)
        raise LLMFailed(f"{problem} (after {attempts} attempts)")

    def _body(self, messages: Sequence[Message], max_tokens: int) -> dict[str, Any]:
        """Return the request body: streamed, and in JSON mode unless the server refused it."""
        body: dict[str, Any] = {"model": self.settings.model, "messages": list(messages), "max_tokens": max_tokens,
                                "temperature": self.settings.temperature, "stream": True}
        if self._json_mode:
            body["response_format"] = {"type": "json_object"}
        return body

    async def _attempt(self, http: httpx.AsyncClient, gate: Gate, messages: Sequence[Message],
                       max_tokens: int) -> Completion:
        """Make one request and read its streamed answer; raise _Retry for what another attempt may fix."""
        self.usage.calls += 1
        others = gate.running > 1  # another request of ours was being answered meanwhile
        try:
            first = self.first_token_s(messages)
            async with asyncio.timeout(self.settings.timeout_s):
                response = await _headers(http, http.build_request("POST", self.url,
                                                                   json=self._body(messages, max_tokens)), first)
                try:
                    if response.status_code != 200:
                        await response.aread()
                        raise self._refused(response)
                    if "text/event-stream" not in response.headers.get("content-type", ""):
                        await response.aread()  # a server that does not stream answers in one piece
                        return self._completion(response, messages)
                    streamed = await read_stream(response.aiter_lines(), self.silence_s, first)
                finally:
                    await response.aclose()
        except (Silence, httpx.ReadTimeout):
            crowded = others or gate.running > 1
            if crowded:
                self._learn_one_at_a_time("a request waited in silence while another was answered")
            raise _Retry(f"no token from {self.url} for silence_timeout_s = {self.silence_s:g} s",
                         yield_turn=crowded) from None
        except (TimeoutError, httpx.TimeoutException):
            raise _Retry(f"no complete answer from {self.url} within timeout_s = {self.settings.timeout_s:g} s") \
                from None
        except httpx.ConnectError as exc:
            raise _Retry(f"cannot connect to {self.settings.base_url} ({connect_reason(exc)})") from None
        except httpx.TransportError as exc:
            raise _Retry(f"connection to {self.settings.base_url} failed ({type(exc).__name__})") from None
        except StreamError as exc:
            raise _Retry(self.redact(str(exc))) from None
        answer = self._count(streamed, messages)
        if streamed.finish_reason is None:
            crowded = others or gate.running > 1
            if crowded:
                self._learn_one_at_a_time("the server ended an answer when another request arrived")
            raise _Retry(f"the answer from {self.url} stopped after {answer.completion_tokens} tokens without a "
                         "finish_reason (the server ended the stream)", yield_turn=crowded)
        return answer

    def _learn_one_at_a_time(self, why: str) -> None:
        """Send one request at a time from now on: the server has shown it serves one at a time."""
        if self._one_at_a_time:
            return
        self._one_at_a_time = True
        if self._gate is not None:
            self._gate.shrink(1)
        self.usage.slots = 1
        message = f"{why}: the server serves one request at a time, so requests now go one by one"
        logger.warning("%s: %s", self.settings.model, message)
        self.usage.learned.append(message)

    def _refused(self, response: httpx.Response) -> Exception:
        """Return what a non-200 answer means: the endpoint unusable, this request failed, or a retry."""
        problem, wait = self._http_problem(response), retry_after(response)
        status = response.status_code
        if status == 400 and self._json_mode and "response_format" in response.text:
            self._json_mode = False
            self.usage.learned.append("the server refused response_format (JSON mode): answers are read as text")
            return _Retry(problem)
        if status in {401, 403, 404}:
            self.usage.unavailable = problem
            return LLMUnavailable(problem)
        if status != 429 and status < 500:
            self._failed(problem)
            return LLMFailed(problem)
        return _Retry(problem, wait)

    def _count(self, streamed: Streamed, messages: Sequence[Message]) -> Completion:
        """Count a streamed answer's tokens (the server's usage, else estimated) and return it."""
        usage = streamed.usage
        prompt = token_count(usage.get("prompt_tokens")) or prompt_tokens(messages)
        completion = token_count(usage.get("completion_tokens")) or streamed.pieces
        self._spent(prompt, completion)
        return Completion(streamed.content, streamed.finish_reason or "", prompt, completion)

    def _spent(self, prompt: int, completion: int) -> None:
        """Add one request's tokens to the usage."""
        self.usage.prompt_tokens += prompt
        self.usage.completion_tokens += completion
        self.usage.used_tokens += prompt + completion
        self.usage.prompt_sizes.append(prompt)

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
        """Describe an HTTP error in one line (the key removed)."""
        return http_problem(response, self.url, self.settings.api_key_env, self.redact)

    def _completion(self, response: httpx.Response, messages: Sequence[Message]) -> Completion:
        """Read a 200 answer sent in one piece; count its tokens (estimated when the server sends no usage)."""
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
        prompt = token_count(usage.get("prompt_tokens")) or prompt_tokens(messages)
        completion = token_count(usage.get("completion_tokens")) or estimate_tokens(content)
        self._spent(prompt, completion)
        return Completion(str(content), finish, prompt, completion)


async def _headers(http: httpx.AsyncClient, request: httpx.Request, within_s: float) -> httpx.Response:
    """Send a request and wait for its response headers (the body is streamed); raise Silence past `within_s`."""
    try:
        async with asyncio.timeout(within_s):
            return await http.send(request, stream=True)
    except TimeoutError:
        raise Silence from None


class _Session:
    """`async with client.session():` — the connection pool of one event loop."""

    def __init__(self, client: ChatClient) -> None:
        self.client = client

    async def __aenter__(self) -> ChatClient:
        await self.client._open()
        return self.client

    async def __aexit__(self, *exc: object) -> None:
        await self.client._close()
