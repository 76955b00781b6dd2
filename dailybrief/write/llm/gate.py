"""How many requests the model server gets at once, and in which order: the most important first.

A server with one slot that is sent two requests either queues the second (which then waits in
silence) or, like llama-cpp-python's, ends the first answer to start the second; either way
nothing is gained. The gate lets `capacity` requests run; the others wait in priority order
(section 1 before section 2, a section's repair before the next section's first request), and
the capacity can shrink while requests wait, when the server turns out to serve one at a time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Gate:
    """Lets at most `capacity` requests run at once, waiting ones by priority (lower first), then arrival."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self.running = 0
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def shrink(self, capacity: int) -> None:
        """Lower the capacity (requests already running finish; no new one starts beyond it)."""
        self.capacity = max(1, min(self.capacity, capacity))

    @asynccontextmanager
    async def slot(self, priority: int = 0) -> AsyncIterator[None]:
        """Wait for a free slot in priority order, hold it while the request runs."""
        if self.running < self.capacity and not self._waiting:
            self.running += 1
        else:
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (priority, next(self._order), turn))
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():  # the slot was handed over as we were cancelled
                    self._release()
                raise
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        """Free a slot and hand free slots to the most important waiting requests."""
        self.running -= 1
        while self._waiting and self.running < self.capacity:
            _priority, _order, turn = heapq.heappop(self._waiting)
            if turn.cancelled():
                continue
            self.running += 1
            turn.set_result(None)
