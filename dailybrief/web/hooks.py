"""The editor app as a plugin of the pipeline: every brief a run writes is recorded for editors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dailybrief.plugins.hookspecs import hookimpl

if TYPE_CHECKING:
    from dailybrief.config import Config
    from dailybrief.models import Brief
    from dailybrief.store.archive import Archive
    from dailybrief.stories.build import RankedStory


@hookimpl
def dailybrief_brief_written(archive: Archive, config: Config, brief: Brief, stories: Sequence[RankedStory],
                             llm: dict[str, Any] | None) -> None:
    """Record the run's brief so the editor app lists it by date (a draft, or a new revision of one)."""
    from dailybrief.web.record import record_run  # noqa: PLC0415 - the web code loads only when a brief is written

    record_run(archive, config, brief, stories, llm)
