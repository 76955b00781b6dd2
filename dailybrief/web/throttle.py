"""Sign-in throttling: too many wrong passwords for one name, or from one address, lock it out a while.

Failures are counted in memory (the app is one process; a restart forgets them) over a
sliding window. While a name or an address is locked, even the right password is refused,
so guessing cannot go on at full speed; a successful sign-in clears the name's count.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LoginThrottle:
    """Count failed sign-ins per user name and per client address; say how long either is locked."""

    per_name: int = 5  # failures within `window` that lock a name
    per_address: int = 20  # failures within `window` that lock an address (guessing across names)
    window: float = 15 * 60.0  # seconds
    max_keys: int = 10_000  # names and addresses remembered before stale ones are dropped
    clock: Callable[[], float] = time.monotonic
    _failures: dict[tuple[str, str], deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def locked_for(self, name: str, address: str) -> int:
        """Return the seconds until this name and address may try again (0: they may now)."""
        now = self.clock()
        with self._lock:
            waits = [self._wait(("name", name.casefold()), self.per_name, now),
                     self._wait(("address", address), self.per_address, now)]
        return max(waits)

    def failed(self, name: str, address: str) -> None:
        """Record a wrong password (or an unknown name)."""
        now = self.clock()
        with self._lock:
            for key in (("name", name.casefold()), ("address", address)):
                self._failures[key].append(now)
            if len(self._failures) > self.max_keys:  # names sprayed at random must not grow memory forever
                stale = [k for k, times in self._failures.items() if not times or times[-1] <= now - self.window]
                for key in stale:
                    del self._failures[key]

    def succeeded(self, name: str) -> None:
        """Forget a name's failures after it signed in."""
        with self._lock:
            self._failures.pop(("name", name.casefold()), None)

    def _wait(self, key: tuple[str, str], limit: int, now: float) -> int:
        """Drop failures older than the window; return the seconds until the count falls below the limit."""
        times = self._failures.get(key)
        if not times:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0
        if len(times) < limit:
            return 0
        # Locked until the failure that made the count reach the limit leaves the window.
        return max(1, math.ceil(times[len(times) - limit] + self.window - now))
