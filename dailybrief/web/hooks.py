"""The editor app as a plugin of the pipeline: it records every brief a run writes and indexes what is stored.

Search is kept current as articles and briefs are written, never in a search request.
"""

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
    from dailybrief.web.search import refresh_index  # noqa: PLC0415
    from dailybrief.web.store import WebStore  # noqa: PLC0415

    record_run(archive, config, brief, stories, llm)
    refresh_index(WebStore(archive))


@hookimpl
def dailybrief_articles_stored(archive: Archive, urls: Sequence[str]) -> None:
    """Index the articles an ingest stored (and anything else written since) for the editor app's search."""
    from dailybrief.web.search import refresh_index  # noqa: PLC0415 - the web code loads only when it is needed
    from dailybrief.web.store import WebStore  # noqa: PLC0415

    refresh_index(WebStore(archive))
