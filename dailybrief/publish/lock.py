"""One `daily` at a time: an exclusive lock on a file beside the archive, released by the system on exit or crash.

`fcntl.flock` belongs to the open file, so a process that dies (killed, crashed, the machine
rebooted) leaves no stale lock behind; the file keeps the holder's pid and start time so
the second start can say who is running.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path
from types import TracebackType


class Busy(Exception):
    """Another process holds the lock; the message says which and since when."""


class RunLock:
    """An exclusive, non-blocking lock on `path` for the life of a `with` block."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise Busy(f"another `dailybrief daily` is running ({holder}; lock {self.path})") from None
        os.ftruncate(fd, 0)
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        os.write(fd, f"pid {os.getpid()} since {stamp}".encode())
        self._fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
