"""Prompts for the LLM writer: the package's prompt files filled with numbered evidence.

The prompt texts live in `dailybrief/prompts/*.md` (string.Template, `$name` placeholders), one
per task: system, section, summary, references, rewrite, repair. Evidence is numbered E1, E2 …
per request; each number stands for one source sentence (or an article's title line) and
the articles it comes from, which become the citations of every sentence that uses it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from string import Template

from dailybrief.models import Article, Reference, Section, Sentence
from dailybrief.verify.verifier import missing_label
from dailybrief.write.extractive import _FORMULA as COVER_LETTER  # the formulae the extractive writer leaves out too
from dailybrief.write.extractive import Candidate, candidates
from dailybrief.write.layout import Draft

# (evidence sentences, characters) per request: level 0 is the full request, level 1 the smaller retry.
SECTION_LIMITS = {0: (36, 3200), 1: (14, 1400)}
MAX_ARTICLES = 8
SUMMARY_SENTENCES = {0: 4, 1: 1}
REFERENCE_SENTENCES = {0: (4, 90), 1: (2, 50)}


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


def cn_date(day: dt.date | None) -> str:
    """Return a date the Chinese way (2026年6月8日)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else "日期不详"


def _choose(draft: Draft, max_items: int, max_chars: int,
            picks: Sequence[Candidate]) -> dict[tuple[str, int], Candidate]:
    """Choose evidence sentences: `picks` first, then the primary's sentences in order, then the coverage's."""
    story = draft.story
    sources = sorted((a for a in story.articles if a.url not in story.reprints),
                     key=lambda a: a.url != story.primary.url)[:MAX_ARTICLES]
    chosen: dict[tuple[str, int], Candidate] = {}
    used = 0
    for cand in [*picks, *(c for a in sources for c in candidates(a))]:
        key = (cand.article.url, cand.position)
        full = len(chosen) >= max_items or used + len(cand.text) > max_chars
        if full or key in chosen or COVER_LETTER.search(cand.text):
            continue
        chosen[key] = cand
        used += len(cand.text)
    return chosen


def section_evidence(draft: Draft, level: int) -> tuple[str, list[Item], str]:
    """Return a section's article list, its numbered evidence and the evidence lines.

    The extractive writer's picks come first, then the primary's sentences in order, then the
    coverage's, within the limits; each article used also gets a title line. Level 1 (the
    retry after a cut-off answer) sends at most half the sentences of level 0.
    """
    max_items, max_chars = SECTION_LIMITS[0]
    chosen = _choose(draft, max_items, max_chars, [*draft.facts, *draft.analysis])
    if level:
        max_items, max_chars = SECTION_LIMITS[1]
        chosen = _choose(draft, min(max_items, max(3, len(chosen) // 2)), max_chars, draft.facts)
    story = draft.story
    articles = list(dict.fromkeys([story.primary, *(c.article for c in chosen.values())]))
    items: list[Item] = []
    heads: list[str] = []
    for number, article in enumerate(articles, 1):
        label = f"A{number}"
        heads.append(f"{label}：{article.publisher}，{cn_date(article.published)}发布")
        title = f"标题：{article.title}（{article.publisher}{cn_date(article.published)}发布）"
        items.append(Item(f"E{len(items) + 1}", title, (article,), None, label))
        for cand in sorted((c for c in chosen.values() if c.article.url == article.url), key=lambda c: c.position):
            items.append(Item.of(cand, f"E{len(items) + 1}", label))
    return "\n".join(heads), items, "\n".join(i.line for i in items)


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
