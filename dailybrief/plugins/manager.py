"""The plugin manager: the built-in plugins first, then every installed `dailybrief` entry point."""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING, Any

import pluggy

from dailybrief.plugins.hookspecs import HookSpecs, Lister

if TYPE_CHECKING:
    from dailybrief.publish.channel import Channel

# Built-in features are plugins too; they are named here (as datasette does) rather than imported,
# so the core never depends on them: the source types, the delivery channels, and the editor app's record
# of each run.
DEFAULT_PLUGINS = ("dailybrief.collect.sources", "dailybrief.publish.channels", "dailybrief.web.hooks")


@cache
def plugin_manager() -> pluggy.PluginManager:
    """Return the plugin manager with the built-ins and every installed `dailybrief` entry point."""
    manager = pluggy.PluginManager("dailybrief")
    manager.add_hookspecs(HookSpecs)
    for name in DEFAULT_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    manager.load_setuptools_entrypoints("dailybrief")
    return manager


def _first_wins(answers: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge hook answers so that a later plugin may not silently replace a built-in's name."""
    merged: dict[str, Any] = {}
    for mapping in reversed(answers):  # pluggy answers last-registered first
        for name, value in mapping.items():
            merged.setdefault(name, value)
    return merged


def source_types() -> dict[str, Lister]:
    """Return every registered source type."""
    return _first_wins(plugin_manager().hook.dailybrief_source_types())


def publish_channels() -> dict[str, type[Channel]]:
    """Return every registered `[[publish]]` channel type."""
    return _first_wins(plugin_manager().hook.dailybrief_publish_channels())
