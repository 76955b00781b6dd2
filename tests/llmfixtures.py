"""Helpers for the LLM writer's tests: configs with an [llm] table, the standard day's stories, runs, checks.

The articles are the hand-written Chinese day of tests/storyfixtures.py (issue 2026-06-17):
a national action plan and its coverage, two provincial subsidy rules, a port report, a
contest round and distractors.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from storyfixtures import ISSUE, config_data, day_articles, fetch_for

from dailybrief.config import Config, parse_config
from dailybrief.models import Article, Brief, Sentence
from dailybrief.store.archive import Archive
from dailybrief.stories.build import RankedStory, build_stories
from dailybrief.verify.evidence import article_evidence
from dailybrief.verify.verifier import missing_claims
from dailybrief.write.llm.cache import ArchiveCache
from dailybrief.write.llm.client import ChatClient, read_api_key
from dailybrief.write.llm.report import LLMReport
from dailybrief.write.llm.writer import write_brief


def llm_config(url: str, **llm: Any) -> Config:
    """Return the standard day's config with an [llm] table pointing at `url`."""
    data = config_data()
    data["llm"] = {"base_url": url, "model": "fake-chat", "concurrency": 2, **llm}
    return parse_config(data)


def articles() -> list[Article]:
    """Return the standard day's articles."""
    return list(day_articles().values())


def stories(config: Config) -> list[RankedStory]:
    """Return the standard day's ranked stories."""
    return build_stories(articles(), config, ISSUE).stories


def write(config: Config, archive: Archive | None = None, *, backoff: float = 0.01) -> tuple[Brief, LLMReport]:
    """Write the standard day's brief with the LLM writer (short backoff), through the archive's cache if given."""
    assert config.llm is not None
    client = ChatClient(config.llm, read_api_key(config.llm), ArchiveCache(archive) if archive else None,
                        backoff=backoff)
    brief, _verdicts, report = write_brief(stories(config), config, ISSUE, archive, client=client)
    return brief, report


def sentences(brief: Brief) -> Iterator[tuple[str, Sentence]]:
    """Yield (where, sentence) for every sentence: summary first, then the sections."""
    for s in brief.summary:
        yield "summary", s
    for section in brief.sections:
        for paragraph in section.paragraphs:
            for s in paragraph:
                yield f"section {section.number}", s


def unsupported(brief: Brief) -> list[tuple[str, str, list[str]]]:
    """Re-check every sentence and heading against the articles its references point to, independently."""
    by_url = {a.url: a for a in articles()}
    evidence = {r.id: article_evidence(by_url[r.url]) for r in brief.references if r.url in by_url}
    bad = []
    for where, s in sentences(brief):
        missing = missing_claims(s.text, [evidence[c] for c in s.cites if c in evidence])
        if missing:
            bad.append((where, s.text, missing))
    for section in brief.sections:
        cites = {c for p in section.paragraphs for s in p for c in s.cites}
        missing = missing_claims(section.heading, [evidence[c] for c in cites if c in evidence])
        if missing:
            bad.append((f"section {section.number} heading", section.heading, missing))
    return bad


def section_status(brief: Brief, number: int) -> set[str]:
    """Return the statuses of a section's sentences."""
    return {s.status for where, s in sentences(brief) if where == f"section {number}"}


def by_model(brief: Brief, number: int) -> bool:
    """Say whether the model wrote a section: generated sentences, none needing repair (the fact floor may add some)."""
    found = section_status(brief, number)
    return "generated" in found and found <= {"generated", "extractive"}


def prompt_ids(prompt: str) -> list[str]:
    """Return the evidence ids a prompt lists."""
    return re.findall(r"^(E\d+)（", prompt, re.M)


def closed_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fill_archive(path: Path, items: Sequence[Article]) -> Path:
    """Store articles with plausible raw fetches; return the archive's path."""
    with Archive(path) as archive:
        for a in items:
            archive.save_article(fetch_for(a), a)
    return path


def llm_toml(base: str, llm: dict[str, Any]) -> str:
    """Return config TOML text with an [llm] table appended (JSON strings are valid TOML strings)."""
    lines = ["", "[llm]"] + [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in llm.items()]
    return base + "\n".join(lines) + "\n"
