"""Progress and log lines on stderr: stage lines always, a page bar when stderr is a terminal, -v/-q levels."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

PACKAGE_LOGGER = "dailybrief"


class TerminalProgress:
    """A `Progress` callable for the CLI; `tick(done, total)` redraws the page bar in place.

    `quiet` silences both (the command's results and errors still print).
    """

    width = 30

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.quiet = False
        self._bar_shown = False

    def __call__(self, line: str) -> None:
        """Print a stage or source line (above the bar)."""
        if self.quiet:
            return
        self.write(f"  {line}")

    def write(self, line: str) -> None:
        """Print a whole line above the bar, even when quiet (log records use this)."""
        self._clear()
        self.stream.write(f"{line}\n")
        self.stream.flush()

    def tick(self, done: int, total: int) -> None:
        """Redraw the bar: pages handled out of pages listed so far."""
        if self.quiet or not self.interactive or total <= 0:
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


class ProgressLogHandler(logging.Handler):
    """Write the library's log records to stderr through the progress display, so the bar never garbles them."""

    def __init__(self, progress: TerminalProgress) -> None:
        super().__init__()
        self.progress = progress
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        """Print one record (the logger name without its `dailybrief.` prefix)."""
        try:
            record.name = record.name.removeprefix(f"{PACKAGE_LOGGER}.")
            self.progress.write(self.format(record).replace("\n", " "))
        except Exception:  # noqa: BLE001 - logging must never end a run
            self.handleError(record)


def configure_logging(progress: TerminalProgress, verbose: int, quiet: bool) -> None:
    """Send the package's log to stderr: warnings by default, -v info, -vv debug, -q errors only (and no progress)."""
    logger = logging.getLogger(PACKAGE_LOGGER)
    for handler in [h for h in logger.handlers if isinstance(h, ProgressLogHandler)]:
        logger.removeHandler(handler)
    logger.addHandler(ProgressLogHandler(progress))
    logger.setLevel(logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG))
    logger.propagate = False
    progress.quiet = quiet
