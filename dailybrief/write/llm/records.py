"""The LLM client's records: errors, an answer, the response cache's interface and what a brief's calls cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

Message = dict[str, str]


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
    prompt_sizes: list[int] = field(default_factory=list)  # prompt tokens of each request sent
    slots: int | None = None  # requests sent at once (what the server reported, capped by the config)
    context: int | None = None  # the context window prompts were kept within
    server_said: str = ""  # where the server reported its slots or context ("" when it said nothing)
    learned: list[str] = field(default_factory=list)  # what the run learned about the server, in words
