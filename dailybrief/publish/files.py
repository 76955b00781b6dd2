"""Writing a channel's file (brief.docx, the Atom feed) so a reader never sees half of it."""

from __future__ import annotations

from pathlib import Path

from dailybrief.publish.channel import DeliveryError
from dailybrief.render.files import WriteFailed
from dailybrief.render.files import write_atomic as write_file_atomic


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and a rename; failures are a DeliveryError."""
    try:
        write_file_atomic(path, data, 0o644)
    except WriteFailed as exc:
        raise DeliveryError(f"{exc.where}: cannot write: {exc.reason}") from None
