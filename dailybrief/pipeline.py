"""The pipeline runner: the one place that reads the archive and writes output files."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dailybrief.config import Config
from dailybrief.ingest import IngestReport, Progress, ingest
from dailybrief.store import Archive
from dailybrief.stories import StoriesResult, build_stories


class OutputError(Exception):
    """The output folder cannot be written; nothing was half-written."""


@dataclass
class StoriesRun:
    """What `dailybrief stories` did: the ingest report, the stories, and where they went."""

    ingest: IngestReport | None
    result: StoriesResult
    path: Path


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON through a temporary file and a rename, so a reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot write output: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None


def run_stories(config: Config, archive: Archive, issue_date: dt.date, out: Path, progress: Progress,
                *, collect: bool = True) -> StoriesRun:
    """Ingest (unless told not to), build the day's stories and write `out/stories.json`."""
    report = ingest(config, archive, issue_date, progress) if collect else None
    earlier = archive.earlier_sections(issue_date)
    result = build_stories(archive.articles(until=issue_date), config, issue_date, earlier)
    payload = [s.to_json() for s in result.stories]
    path = out / "stories.json"
    write_json_atomic(path, payload)
    archive.save_stories(issue_date, [{**s.to_json(), "doc_titles": s.doc_titles, "numbers": s.numbers}
                                      for s in result.stories])
    return StoriesRun(ingest=report, result=result, path=path)
