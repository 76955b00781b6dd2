"""Progress on stderr: stage lines always, and a page bar when stderr is a terminal."""

from __future__ import annotations

import sys
from typing import TextIO


class TerminalProgress:
    """A `Progress` callable for the CLI; `tick(done, total)` redraws the page bar in place."""

    width = 30

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self._bar_shown = False

    def __call__(self, line: str) -> None:
        """Print a stage or source line (above the bar)."""
        self._clear()
        self.stream.write(f"  {line}\n")
        self.stream.flush()

    def tick(self, done: int, total: int) -> None:
        """Redraw the bar: pages handled out of pages listed so far."""
        if not self.interactive or total <= 0:
            return
        filled = min(self.width, round(self.width * done / total))
        self.stream.write(f"\r  [{'█' * filled}{'░' * (self.width - filled)}] {done}/{total} pages")
        self.stream.flush()
        self._bar_shown = True
        if done >= total:
            self._clear()

    def _clear(self) -> None:
        """Erase the bar line before printing text."""
        if self._bar_shown:
            self.stream.write("\r" + " " * (self.width + 30) + "\r")
            self._bar_shown = False
