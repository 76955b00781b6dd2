"""Record each pipeline run's brief in the archive, so the editor app can list briefs by date.

Called by `pipeline.run_brief`. The first run of a day creates a draft; a later run of the
same day adds a revision (authored by 流水线) unless nothing changed, so an editor's work
stays in the revision history; a published brief is never touched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from dailybrief.config import Config
from dailybrief.models import Article, Brief
from dailybrief.render.briefjson import brief_to_json
from dailybrief.store.archive import Archive
from dailybrief.stories.build import RankedStory
from dailybrief.verify.evidence import Evidence, evidence_map
from dailybrief.web.editing import Data, reference_urls, verify_data
from dailybrief.web.store import Counts, WebStore

PIPELINE_AUTHOR = "流水线"


def story_entry(story: RankedStory) -> dict[str, Any]:
    """Return a stories.json entry with what the story list shows besides (title, publisher, date, size)."""
    primary = story.primary
    return {**story.to_json(), "title": primary.title, "publisher": primary.publisher,
            "published": primary.published.isoformat() if primary.published else None,
            "background": story.background, "size": len(story.articles)}


def evidence_for(data: Data, archive: Archive, known: Mapping[str, Article] | None = None) -> dict[str, Evidence]:
    """Return the evidence of every reference of a brief whose article is in the archive (or among `known`)."""
    return evidence_map(reference_urls(data), lambda url: (known or {}).get(url) or archive.article_by_url(url))


def record_run(archive: Archive, config: Config, brief: Brief, stories: Sequence[RankedStory],
               llm: dict[str, Any] | None = None) -> int:
    """Store a run's brief (with the LLM writer's record, when it ran) and stories; return the brief's id."""
    data = brief_to_json(brief, llm)
    known = {a.url: a for s in stories for a in s.articles}
    checked = verify_data(data, evidence_for(data, archive, known))
    counts = Counts(checked.sentences, checked.checked, checked.unsupported)
    entries = [story_entry(s) for s in stories]
    config_text = json.dumps(config.model_dump(mode="json"), ensure_ascii=False)
    config_path = str(config.path) if config.path else None
    store = WebStore(archive)
    row = store.find_brief(data["date"], data["title"])
    if row is None:
        return store.create_brief(data["date"], data["title"], data=data, verdicts=checked.verdicts, counts=counts,
                                  stories=entries, config=config_text, config_path=config_path,
                                  author=PIPELINE_AUTHOR, note="流水线生成")
    if row.status == "published":
        return row.id
    store.replace_run(row.id, entries, config_text, config_path)
    current = store.revision(row.id)
    if current is None or _without_usage(current.data) != _without_usage(data):
        store.save_revision(row.id, row.revision, data=data, verdicts=checked.verdicts, counts=counts,
                            author=PIPELINE_AUTHOR, note="流水线重新生成")
    return row.id


def _without_usage(data: Data) -> Data:
    """Return a brief without the LLM writer's usage record (timings differ from run to run)."""
    return {k: v for k, v in data.items() if k != "llm"}
