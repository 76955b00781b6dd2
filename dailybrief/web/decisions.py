"""An editor's add or drop of a story, as the ranking preferences it shows (recorded for `rank --learn`).

Dropping a section says: every story still in the brief is preferred to the dropped one.
Adding a left-out story says: it is preferred to every story the ranking put above it that is
not in the brief (and to the section it replaced). Stories stored without features (before
the ranking recorded them) take part in no pair.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dailybrief.web.editing import Data, section_key

Pair = tuple[dict[str, float], dict[str, float]]


def _features(entry: Mapping[str, Any] | None) -> dict[str, float] | None:
    """Return a stored story's ranking features, or None when it has none."""
    found = (entry or {}).get("features")
    return {str(k): float(v) for k, v in found.items()} if isinstance(found, dict) and found else None


def drop_pairs(story_id: str, entries: Sequence[Mapping[str, Any]], after: Data) -> list[Pair]:
    """Return (kept, dropped) pairs for a section dropped from the brief `after` shows."""
    by_id = {str(e.get("id")): e for e in entries}
    dropped = _features(by_id.get(story_id))
    kept = [_features(by_id.get(section_key(s))) for s in after.get("sections", [])]
    return [(k, dropped) for k in kept if k is not None and dropped is not None]


def add_pairs(story_id: str, entries: Sequence[Mapping[str, Any]], after: Data, replaced: str = "") -> list[Pair]:
    """Return (added, passed over) pairs for a story added to the brief `after` shows (replacing one, maybe)."""
    by_id = {str(e.get("id")): e for e in entries}
    added = _features(by_id.get(story_id))
    if added is None:
        return []
    in_brief = {section_key(s) for s in after.get("sections", [])}
    rank = int(by_id[story_id].get("rank", 0))
    passed = [e for e in entries if int(e.get("rank", 0)) < rank and not e.get("background")
              and str(e.get("id")) not in in_brief]
    others = [_features(e) for e in passed] + ([_features(by_id.get(replaced))] if replaced else [])
    return [(added, o) for o in others if o is not None]
