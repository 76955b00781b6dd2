"""The LLM writer's response cache: one answer per request key, so a re-run costs no call."""

from __future__ import annotations

from typing import Any

from dailybrief.store.base import Tables
from dailybrief.store.schema import now


class LLMCacheTables(Tables):
    """Table llm_cache."""

    def llm_response(self, key: str) -> dict[str, Any] | None:
        """Return the cached chat-completion answer stored under a request key (key: write.llm.client.cache_key)."""
        row = self.db.execute("SELECT model, content, finish_reason, prompt_tokens, completion_tokens FROM llm_cache"
                              " WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return {"model": row[0], "content": row[1], "finish_reason": row[2], "prompt_tokens": int(row[3]),
                "completion_tokens": int(row[4])}

    def save_llm_response(self, key: str, model: str, content: str, *, finish_reason: str, prompt_tokens: int,
                          completion_tokens: int) -> None:
        """Cache one chat-completion answer under its request key (the newest answer wins)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO llm_cache VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (key, model, content, finish_reason, prompt_tokens, completion_tokens, now()))

    def llm_cache_size(self) -> int:
        """Return how many chat-completion answers are cached."""
        return int(self.db.execute("SELECT COUNT(*) FROM llm_cache").fetchone()[0])
