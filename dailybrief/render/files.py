"""Writing an output file so a reader never sees half of it: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class WriteFailed(OSError):
    """An atomic write failed: `where` is the folder (it could not be made or written in) or the file."""

    def __init__(self, where: Path, reason: str, *, folder: bool) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason, self.folder = where, reason, folder


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` to `path` through a temporary file and a rename; `mode` sets the file's permissions."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise WriteFailed(path.parent, exc.strerror or str(exc), folder=True) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            Path(temp).chmod(mode)
        Path(temp).replace(path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise WriteFailed(path, exc.strerror or str(exc), folder=False) from None
