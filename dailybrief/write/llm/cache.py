"""The LLM response cache in the archive (table llm_cache), usable from the writer's event-loop thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from dailybrief.store.archive import Archive
from dailybrief.write.llm.records import Completion

T = TypeVar("T")


class ArchiveCache:
    """A ResponseCache over the archive: the caller's connection in its thread, a short-lived one elsewhere.

    SQLite connections belong to the thread that opened them; when the writer's event loop has to
    run in a worker thread (because the caller already runs a loop), each lookup there opens the
    same file briefly.
    """

    def __init__(self, archive: Archive) -> None:
        self._main = archive
        self._owner = threading.get_ident()

    def _with(self, action: Callable[[Archive], T]) -> T:
        """Run an action on a connection usable in the current thread."""
        if threading.get_ident() == self._owner:
            return action(self._main)
        with Archive(self._main.path) as own:
            return action(own)

    def get(self, key: str) -> Completion | None:
        """Return the answer cached under a key."""
        row = self._with(lambda a: a.llm_response(key))
        if row is None:
            return None
        return Completion(row["content"], row["finish_reason"], row["prompt_tokens"], row["completion_tokens"], True)

    def put(self, key: str, model: str, completion: Completion) -> None:
        """Cache an answer under a key."""
        self._with(lambda a: a.save_llm_response(key, model, completion.content,
                                                 finish_reason=completion.finish_reason,
                                                 prompt_tokens=completion.prompt_tokens,
                                                 completion_tokens=completion.completion_tokens))
