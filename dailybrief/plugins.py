"""Plugin hooks (pluggy): source types are plugins; the built-in ones register the same way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from dailybrief.downloads import Fetcher
    from dailybrief.models import Source
    from dailybrief.sources import Listing

hookspec = pluggy.HookspecMarker("dailybrief")
hookimpl = pluggy.HookimplMarker("dailybrief")

Lister = Callable[["Source", "Fetcher", int], Awaitable["Listing"]]


class HookSpecs:
    """The hooks a dailybrief plugin may implement."""

    @hookspec
    def dailybrief_source_types(self) -> dict[str, Lister]:  # type: ignore[empty-body]
        """Return {type name: coroutine listing a source's items}."""


@cache
def plugin_manager() -> pluggy.PluginManager:
    """Return the plugin manager with the built-ins and every installed `dailybrief` entry point."""
    from dailybrief import sources  # noqa: PLC0415 - avoids an import cycle

    manager = pluggy.PluginManager("dailybrief")
    manager.add_hookspecs(HookSpecs)
    manager.register(sources, name="builtin_sources")
    manager.load_setuptools_entrypoints("dailybrief")
    return manager


def source_types() -> dict[str, Lister]:
    """Return every registered source type; later plugins may not silently replace a built-in."""
    merged: dict[str, Lister] = {}
    for mapping in reversed(plugin_manager().hook.dailybrief_source_types()):
        for name, lister in mapping.items():
            merged.setdefault(name, lister)
    return merged
