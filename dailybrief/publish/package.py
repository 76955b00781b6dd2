"""A brief ready to deliver: the folder `dailybrief run` wrote, read back, with its revision and links."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dailybrief.models import Brief
from dailybrief.render.briefjson import BriefFormatError, brief_from_json

FILE_NAMES = ("brief.html", "brief.pdf", "brief.md", "brief.json", "stories.json")
LINK_KINDS = {"html": "brief.html", "pdf": "brief.pdf", "json": "brief.json", "markdown": "brief.md"}


def folder_links(base_url: str | None, folder: str, present: Collection[str] = FILE_NAMES) -> dict[str, str]:
    """Return {kind: URL} of a brief folder's files: base_url + the folder's name + the file name."""
    if not base_url:
        return {}
    root = base_url.rstrip("/") + "/" + quote(folder) + "/"
    return {kind: root + name for kind, name in LINK_KINDS.items() if name in present}


class NoBriefError(Exception):
    """The folder holds no readable brief; the message names the folder and what is wrong."""


@dataclass(frozen=True)
class BriefPackage:
    """A brief's folder: the parsed brief.json, the Brief, a revision hash and the files beside it."""

    folder: Path
    data: dict[str, Any]
    brief: Brief
    revision: str
    files: dict[str, Path]

    def links(self, base_url: str | None) -> dict[str, str]:
        """Return where readers find the files (none without a base URL)."""
        return folder_links(base_url, self.folder.name, self.files)

    def file_bytes(self, name: str) -> bytes | None:
        """Return the bytes of one of the brief's files, if the folder has it."""
        path = self.files.get(name)
        return path.read_bytes() if path else None


def load_package(folder: str | Path) -> BriefPackage:
    """Read a brief folder; raise NoBriefError with one line when it holds no usable brief.json."""
    root = Path(folder)
    path = root / "brief.json"
    if not root.is_dir():
        raise NoBriefError(f"{root}: no such folder (give the folder `dailybrief run --out` wrote)")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NoBriefError(f"{root}: no brief.json here (give the folder `dailybrief run --out` wrote)") from None
    except OSError as exc:
        raise NoBriefError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
        brief = brief_from_json(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NoBriefError(f"{path}: not JSON: {exc}") from None
    except BriefFormatError as exc:
        raise NoBriefError(f"{path}: {exc}") from None
    if not brief.sections:
        raise NoBriefError(f"{path}: the brief has no section; nothing to deliver")
    files = {name: root / name for name in FILE_NAMES if (root / name).is_file()}
    return BriefPackage(root.resolve(), data, brief, hashlib.sha256(raw).hexdigest()[:16], files)
