"""dailybrief: verified, cited daily intelligence briefs from news and policy pages.

The library behind the `dailybrief` command. The functions a Python user calls:

- `load_config(path)` — read and validate a brief's TOML config;
- `run_brief(config, archive, issue_date, out)` — the whole pipeline, files written into `out`;
- `extract_article(Page(body, url, content_type))` — one page as an `Article`;
- `build_stories(articles, config, issue_date)` — the day's ranked stories;
- `verify_brief(brief, evidence)` — check every sentence against what it cites.

They are imported on first use, so `import dailybrief` stays cheap. The library logs through
`logging.getLogger("dailybrief")` and prints nothing; configure logging to see it.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Page", "build_stories", "extract_article", "load_config", "run_brief", "verify_brief"]

logging.getLogger(__name__).addHandler(logging.NullHandler())

_HOMES = {
    "load_config": "dailybrief.config",
    "run_brief": "dailybrief.pipeline",
    "Page": "dailybrief.extract.article",
    "extract_article": "dailybrief.extract.article",
    "build_stories": "dailybrief.stories.build",
    "verify_brief": "dailybrief.verify.verifier",
}

if TYPE_CHECKING:
    from dailybrief.config import load_config
    from dailybrief.extract.article import Page, extract_article
    from dailybrief.pipeline import run_brief
    from dailybrief.stories.build import build_stories
    from dailybrief.verify.verifier import verify_brief


def __getattr__(name: str) -> Any:
    """Import a public function from its stage on first use."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'dailybrief' has no attribute {name!r}")
