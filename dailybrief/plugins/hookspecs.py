"""The hooks a dailybrief plugin may implement, and the markers to declare them (no run-time imports)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from dailybrief.collect.downloads import Fetcher
    from dailybrief.collect.sources import Listing
    from dailybrief.config import Config
    from dailybrief.models import Brief, Source
    from dailybrief.publish.channel import Channel
    from dailybrief.store.archive import Archive
    from dailybrief.stories.build import RankedStory

hookspec = pluggy.HookspecMarker("dailybrief")
hookimpl = pluggy.HookimplMarker("dailybrief")

Lister = Callable[["Source", "Fetcher", int], Awaitable["Listing"]]


class HookSpecs:
    """The hooks a dailybrief plugin may implement."""

    @hookspec
    def dailybrief_source_types(self) -> dict[str, Lister]:  # type: ignore[empty-body]
        """Return {type name: coroutine listing a source's items}."""

    @hookspec
    def dailybrief_articles_stored(self, archive: Archive, urls: Sequence[str]) -> None:
        """React to an ingest that stored new or changed articles (the editor app indexes them for search)."""

    @hookspec
    def dailybrief_brief_written(self, archive: Archive, config: Config, brief: Brief,
                                 stories: Sequence[RankedStory], llm: dict[str, Any] | None) -> None:
        """React to a brief the pipeline has just written and archived (the editor app records it)."""

    @hookspec
    def dailybrief_publish_channels(self) -> dict[str, type[Channel]]:  # type: ignore[empty-body]
        """Return {`[[publish]]` type: Channel class} (the class checks its own settings and sends)."""
