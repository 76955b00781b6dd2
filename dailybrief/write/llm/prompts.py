"""Prompts for the LLM writer: the package's prompt files filled with numbered evidence.

The prompt texts live in `dailybrief/write/llm/prompts/*.md` (string.Template, `$name`
placeholders), one per task: system, section, summary, references, rewrite, repair. The
instructions come first and the evidence last, so consecutive requests share their longest
possible beginning (a server that keeps its last prompt evaluated, as llama.cpp's does, skips
it). Evidence is numbered E1, E2 … per request; each number stands for one source sentence (or
an article's title line, or the lead the extractive writer would publish) and the articles it
comes from, which become the citations of every sentence that uses it. A section's evidence is
chosen most important first — the lead, the extractive writer's picks, the primary's
sentences in order, then the coverage's — until the prompt would not fit the server's context.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from string import Template

from dailybrief.models import Article, Reference, Section, Sentence
from dailybrief.verify.verifier import missing_label
from dailybrief.write.extractive import _FORMULA as COVER_LETTER  # the formulae the extractive writer leaves out too
from dailybrief.write.extractive import Candidate, candidates
from dailybrief.write.layout import Draft
from dailybrief.write.llm.client import estimate_tokens

# (evidence sentences, characters) per request at most, whatever the context: level 0 is the full
# request, level 1 the smaller retry after an answer cut off twice.
SECTION_LIMITS = {0: (12, 1200), 1: (6, 600)}
MAX_ARTICLES = 8
_BLANK = re.compile(r"（([^（）$]{2,24})）")
LINE_TOKENS = 8  # an evidence line's id, label and line end
TITLE_LINE_TOKENS = 24  # a title line's frame: id, 标题：, publisher and date
SUMMARY_SENTENCES = {0: 1, 1: 1}  # each section's first fact sentences the summary is written from
REFERENCE_SENTENCES = {0: (1, 60), 1: (1, 40)}  # (citing sentences, characters of each) per reference


@dataclass(frozen=True)
class Item:
    """One numbered piece of evidence: its id, text, the articles behind it and its span in the first one."""

    id: str
    text: str
    articles: tuple[Article, ...]
    span: tuple[str, int, int] | None = None
    label: str = ""

    @property
    def line(self) -> str:
        """Return the prompt line: E3（A1）text."""
        return f"{self.id}（{self.label}）{self.text}" if self.label else f"{self.id} {self.text}"

    @classmethod
    def of(cls, cand: Candidate, ident: str = "", label: str = "") -> Item:
        """Return the item for a source sentence."""
        return cls(ident, cand.text, (cand.article,), (cand.article.id, cand.start, cand.end), label)


@functools.cache
def _template(name: str) -> Template:
    """Return a prompt file as a template."""
    folder = resources.files("dailybrief.write.llm").joinpath("prompts")
    return Template(folder.joinpath(f"{name}.md").read_text(encoding="utf-8"))


def prompt(name: str, **values: object) -> str:
    """Return a prompt file with its placeholders filled."""
    return _template(name).substitute({k: str(v) for k, v in values.items()}).strip()


@functools.cache
def example_blanks(name: str) -> frozenset[str]:
    """Return the blanks of a prompt's example answer — the （…） a model must fill, never copy."""
    example = next((line for line in _template(name).template.splitlines() if line.startswith("{")), "")
    return frozenset(f"（{m}）" for m in _BLANK.findall(example))


def cn_date(day: dt.date | None) -> str:
    """Return a date the Chinese way (2026年6月8日)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else "日期不详"


def _choose(draft: Draft, max_items: int, max_chars: int, budget: int,
            picks: Sequence[Candidate]) -> dict[tuple[str, int], Candidate]:
    """Choose evidence sentences, most important first: `picks`, the primary's sentences in order, the coverage's.

    Within `max_items` sentences, `max_chars` characters and `budget` estimated tokens (each
    line's id and label included).
    """
    story = draft.story
    sources = sorted((a for a in story.articles if a.url not in story.reprints),
                     key=lambda a: a.url != story.primary.url)[:MAX_ARTICLES]
    chosen: dict[tuple[str, int], Candidate] = {}
    used = tokens = 0
    for cand in [*picks, *(c for a in sources for c in candidates(a))]:
        key = (cand.article.url, cand.position)
        cost = estimate_tokens(cand.text) + LINE_TOKENS
        full = len(chosen) >= max_items or used + len(cand.text) > max_chars or tokens + cost > budget
        if full or key in chosen or COVER_LETTER.search(cand.text):
            continue
        chosen[key] = cand
        used += len(cand.text)
        tokens += cost
    return chosen


def section_evidence(draft: Draft, level: int, budget: int, lead: str = "") -> tuple[list[Item], str]:
    """Return a section's numbered evidence and the evidence lines, within `budget` tokens.

    The lead the extractive writer would publish comes first (marked 导语, citing the primary;
    it stands for the primary's title line), then each article's title line (who published it,
    when) and its chosen sentences in reading order. Level 1 (the retry after a cut-off answer)
    sends at most half the sentences of level 0.
    """
    story = draft.story
    articles_seen = {story.primary.url} | {a.url for a in story.articles if a.url not in story.reprints}
    fixed = (estimate_tokens(lead) + LINE_TOKENS if lead else 0) + \
        sum(estimate_tokens(a.title) + TITLE_LINE_TOKENS for a in story.articles if a.url in articles_seen)
    room = max(0, budget - fixed)
    max_items, max_chars = SECTION_LIMITS[0]
    chosen = _choose(draft, max_items, max_chars, room, [*draft.facts, *draft.analysis])
    if level:
        max_items, max_chars = SECTION_LIMITS[1]
        chosen = _choose(draft, min(max_items, max(3, len(chosen) // 2)), max_chars, room, draft.facts)
    articles = list(dict.fromkeys([story.primary, *(c.article for c in chosen.values())]))
    items: list[Item] = []
    for number, article in enumerate(articles, 1):
        label = f"A{number}"
        if number == 1 and lead:
            items.append(Item(f"E{len(items) + 1}", lead, (article,), None, f"{label}，导语"))
        else:
            title = f"标题：{article.title}（{article.publisher}{cn_date(article.published)}发布）"
            items.append(Item(f"E{len(items) + 1}", title, (article,), None, label))
        for cand in sorted((c for c in chosen.values() if c.article.url == article.url), key=lambda c: c.position):
            items.append(Item.of(cand, f"E{len(items) + 1}", label))
    return items, "\n".join(i.line for i in items)


def summary_evidence(sections: Sequence[Section], by_ref: Mapping[str, Article], level: int) -> tuple[list[Item], str]:
    """Return the summary's evidence: each section's heading (as context) and its first fact sentences."""
    items: list[Item] = []
    lines: list[str] = []
    for number, section in enumerate(sections, 1):
        label = f"第{number}节"
        lines.append(f"{label}标题：{section.heading}")
        facts = [s for p in section.paragraphs for s in p if s.kind == "fact"] or \
            [s for p in section.paragraphs for s in p]
        for sentence in facts[: SUMMARY_SENTENCES[level]]:
            item = Item(f"E{len(items) + 1}", sentence.text, tuple(by_ref[c] for c in sentence.cites if c in by_ref),
                        None, label)
            items.append(item)
            lines.append(item.line)
    return items, "\n".join(lines)


def missing_in_chinese(missing: Sequence[str]) -> str:
    """Return the verifier's findings (数字18亿元（原文无此数值）, 日期6月18日 …) as the prompt says them."""
    return "、".join(missing_label(entry, separator="") for entry in missing)


def rewrite_lines(failing: Mapping[str, tuple[str, Sequence[str], Sequence[str]]], heading: str | None,
                  heading_missing: Sequence[str]) -> str:
    """Return the rewrite request's list: each failing sentence, what it cites and what lacks support."""
    lines = []
    for sid, (text, ids, missing) in failing.items():
        cited = "、".join(ids) or "无"
        lines.append(f"{sid}：{text}\n    所引证据：{cited}；证据中找不到：{missing_in_chinese(missing)}")
    if heading and heading_missing:
        lines.append(f"H（标题）：{heading}\n    证据中找不到：{missing_in_chinese(heading_missing)}")
    return "\n".join(lines)


def reference_lines(references: Sequence[Reference], sentences: Sequence[Sentence], level: int) -> str:
    """Return each event reference with the brief's sentences that cite it."""
    count, chars = REFERENCE_SENTENCES[level]
    lines = []
    for ref in references:
        lines.append(f"{ref.id}：{ref.publisher}，标题：{ref.title}，{cn_date(ref.date)}")
        citing = [s.text for s in sentences if ref.id in s.cites][:count]
        lines += [f"    引用句：{text[:chars]}" for text in citing]
    return "\n".join(lines)
