"""Plugin hooks (pluggy): built-in features register through the same hooks as installed plugins.

`hookspecs` names the hooks and the `hookimpl` marker and imports nothing of dailybrief at run
time, so any stage can implement a hook without an import cycle; `manager` builds the plugin
manager from the built-in plugins and every installed `dailybrief` entry point.
"""
