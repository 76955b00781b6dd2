"""Writing a channel's file (brief.docx, the Atom feed) so a reader never sees half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dailybrief.publish.channel import DeliveryError


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and a rename; failures are a DeliveryError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise DeliveryError(f"{path.parent}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(temp).chmod(0o644)
        Path(temp).replace(path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise DeliveryError(f"{path}: cannot write: {exc.strerror}") from None
