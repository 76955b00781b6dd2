"""The plugin manager: the built-in plugins first, then every installed `dailybrief` entry point."""

from __future__ import annotations

import importlib
from functools import cache

import pluggy

from dailybrief.plugins.hookspecs import HookSpecs, Lister

# Built-in features are plugins too; they are named here (as datasette does) rather than imported,
# so the core never depends on them: the source types, and the editor app's record of each run.
DEFAULT_PLUGINS = ("dailybrief.collect.sources", "dailybrief.web.hooks")


@cache
def plugin_manager() -> pluggy.PluginManager:
    """Return the plugin manager with the built-ins and every installed `dailybrief` entry point."""
    manager = pluggy.PluginManager("dailybrief")
    manager.add_hookspecs(HookSpecs)
    for name in DEFAULT_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    manager.load_setuptools_entrypoints("dailybrief")
    return manager


def source_types() -> dict[str, Lister]:
    """Return every registered source type; later plugins may not silently replace a built-in."""
    merged: dict[str, Lister] = {}
    for mapping in reversed(plugin_manager().hook.dailybrief_source_types()):
        for name, lister in mapping.items():
            merged.setdefault(name, lister)
    return merged
