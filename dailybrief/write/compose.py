"""Assemble a Brief from the day's ranked stories: sections, summary, references, verification.

Pure: stories and config in, a verified Brief and the per-sentence verdicts out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Protocol

from dailybrief.config import Config
from dailybrief.models import Article, Brief, Reference, Section, Sentence
from dailybrief.stories.build import RankedStory
from dailybrief.stories.importance import is_policy_title
from dailybrief.stories.select import cosine
from dailybrief.text.spans import DOC_TITLE
from dailybrief.text.tokens import numbers_with_units
from dailybrief.verify.claims import claims
from dailybrief.verify.evidence import evidence_map
from dailybrief.verify.verifier import Verdict, verify_brief
from dailybrief.write.extractive import (
    Candidate,
    candidates,
    choose_analysis,
    choose_facts,
    event_phrase,
    implication,
    story_kind,
    summary_clause,
    theme_label,
)
from dailybrief.write.layout import Draft, Pending, Refs, lay_out_section

MAX_BACKGROUND = 5
EDITORIAL_MARK = "编者按："
_WRAPPED_DOC = re.compile(r"^(?P<who>.+?)关于(?P<verb>印发|转发|发布)(?P<doc>《[^》]+》)的通知$")


def _draft(story: RankedStory, config: Config, levels: Mapping[str, str], taken: set[str]) -> Draft | None:
    """Write one story's section draft, or None when its articles hold no usable sentence."""
    words = tuple(config.theme.keywords)
    sources = [a for a in story.articles if a.url not in story.reprints]
    pool = [c for a in sources for c in candidates(a)]
    facts = choose_facts(pool, story.primary, words)
    if not facts:
        return None
    analysis = choose_analysis(pool, facts)
    label = theme_label(sources, config.theme, taken)
    kind = story_kind(story.primary, levels.get(story.primary.source, "media"))
    heading = f"{event_phrase(story.primary, sources[1:])}，{implication(kind, label)}"
    return Draft(story, label, heading, facts, analysis)


def _sentence(cand: Candidate, refs: Refs, kind: str = "fact") -> Sentence:
    """Turn a chosen source sentence into a brief sentence citing its article."""
    return Sentence(text=cand.text, cites=(refs.cite(cand.article),), kind="analysis" if kind == "analysis" else "fact",
                    evidence=((cand.article.id, cand.start, cand.end),))


def lead_sentence(primary: Article, level: str, first: Candidate | None) -> tuple[str, Candidate | None]:
    """Return a sentence naming who published the primary and when, and the fact sentence it absorbed.

    Government documents get `6月8日，X印发《Y》。`; media reports get 据X6月14日报道， before
    their first sentence. The date is the primary's publication date, said only when the
    article's own title or text writes it: a date a page keeps in a script or the URL (a 公众号
    post's `var ct`) is true, but a reader holding the page cannot see it there.
    """
    if primary.published is None:
        return "", None
    written = (primary.published.month, primary.published.day) in {
        (m, d) for _y, m, d in claims(primary.title + "\n" + primary.text).dates}
    when = f"{primary.published.month}月{primary.published.day}日" if written else ""
    on = f"{when}，" if when else ""
    first_text = first.text if first is not None and first.article.url == primary.url else ""
    if level != "media" and is_policy_title(primary.title):
        match = _WRAPPED_DOC.match(primary.title)
        if match:
            return f"{on}{match['who']}{match['verb']}{match['doc']}。", None
        if "《" in primary.title and re.search(r"印发|发布|出台|公布", primary.title):
            return f"{on}{primary.title.strip().replace(' ', '，')}。", None
        return f"{on}{primary.publisher}发布《{primary.title}》。", None
    if level != "media" and "《" not in primary.title and len(primary.title) <= 40:
        return f"{on}{primary.title.strip().replace(' ', '，')}。", None
    if first_text and (not when or when not in first_text) and not first_text.startswith("据"):
        return f"据{primary.publisher}{when}报道，{first_text}", first
    return "", None


def _section(number: int, draft: Draft, refs: Refs, level: str) -> Section:
    """Write a draft's section: a lead naming who published what and when, the chosen facts, the interpretation."""
    primary = draft.story.primary
    first = draft.facts[0] if draft.facts else None
    lead, absorbed = lead_sentence(primary, level, first)
    facts: list[tuple[str, Pending]] = []
    if lead:
        evidence = ((absorbed.article.id, absorbed.start, absorbed.end),) if absorbed else ()
        facts.append((primary.url, lambda: Sentence(lead, (refs.cite(primary),), "fact", evidence, status="composed")))
    facts += [(c.article.url, partial(_sentence, c, refs)) for c in draft.facts if c is not absorbed]
    interpretation: list[Pending] = [partial(_sentence, c, refs, "analysis") for c in draft.analysis]
    return lay_out_section(number, draft.heading, draft.story, facts, interpretation)


def _summary(drafts: Sequence[Draft], sections: Sequence[Section], config: Config) -> tuple[Sentence, ...]:
    """Write the 摘要: the main thread and one clause per section (the publisher's editorial line is added later)."""
    name = config.theme.name
    thread = "—".join(d.label for d in drafts)
    out = [Sentence(f"今日{name}动态的主线，是{thread}的协同推进。", (), "analysis")]
    clauses = []
    cites: list[str] = []
    for section in sections:
        first = section.paragraphs[0][0]
        clauses.append(summary_clause(first.text))
        cites.extend(c for c in first.cites if c not in cites)
        out.append(Sentence(summary_clause(first.text) + "。", first.cites, "fact", first.evidence))
    return tuple(out)


def editorial(config: Config) -> tuple[Sentence, ...]:
    """Return the publisher's editorial line ([brief] editorial_line) as the summary's last sentence, marked 编者按.

    It cites nothing and is marked as the publisher's view, never as a finding; the verifier
    still checks it, so a figure or name in it that nothing cites is not published.
    """
    line = config.brief.editorial_line.strip()
    if not line:
        return ()
    text = line if line.startswith(EDITORIAL_MARK) else f"{EDITORIAL_MARK}{line}"
    return (Sentence(text, (), "analysis", status="editorial"),)


def _verifies(article: Article, sentences: Sequence[Sentence], ref_id: str) -> str:
    """Say what a reference was used to verify, from the facts of the sentences citing it."""
    facts: list[str] = []
    for sentence in sentences:
        if ref_id not in sentence.cites:
            continue
        found = claims(sentence.text)
        facts += [f"《{t}》" for t in dict.fromkeys(DOC_TITLE.findall(sentence.text)) if len(t) <= 60]
        facts += [f"{v}{u}" for v, u in sorted(numbers_with_units(sentence.text))
                  if u not in {"个", "项"} or len(v) > 1]
        facts += [f"{m}月{d}日" for _y, m, d in sorted(found.dates, key=lambda x: (x[1], x[2]))]
    unique = list(dict.fromkeys(f for f in facts if len(f) <= 40))[:4]
    if not unique:
        return f"用于核验《{article.title}》相关表述"
    return "用于核验" + "、".join(unique) + "等事实"


def _background(selected: Sequence[RankedStory], others: Sequence[RankedStory], used: set[str]) -> list[RankedStory]:
    """Pick older stories the selected ones build on: a shared 《document》 or closely similar wording."""
    picked: list[RankedStory] = []
    for story in others:
        if not story.background or story.primary.url in used:
            continue
        shares_title = any(story.doc_titles & s.doc_titles for s in selected)
        similar = any(_similar(story.primary, s.primary) >= 0.35 for s in selected)
        if shares_title or similar:
            picked.append(story)
        if len(picked) >= MAX_BACKGROUND:
            break
    return picked


def _similar(a: Article, b: Article) -> float:
    """Return a quick word-overlap similarity of two articles' titles and leads."""
    from dailybrief.stories.select import tfidf  # noqa: PLC0415
    from dailybrief.text.tokens import tokens  # noqa: PLC0415

    va = tfidf(tokens(a.title + " " + " ".join(a.paragraphs[:2])), {}, 1.0)
    vb = tfidf(tokens(b.title + " " + " ".join(b.paragraphs[:2])), {}, 1.0)
    return cosine(va, vb)


class Writer(Protocol):
    """A writer that replaces the extractive prose (the LLM writer); each method may fall back to what it is given."""

    def sections(self, drafts: Sequence[Draft], refs: Refs,
                 extractive: Callable[[int, Draft], Section]) -> list[Section]:
        """Return one section per draft, numbered from 1; `extractive(number, draft)` writes one the extractive way."""

    def summary(self, sections: Sequence[Section], extractive: tuple[Sentence, ...], refs: Refs,
                thread: tuple[str, ...]) -> tuple[tuple[Sentence, ...], tuple[str, ...]]:
        """Return the summary sentences and the main thread (given: the extractive ones)."""

    def verifies(self, references: Sequence[Reference], sentences: Sequence[Sentence], refs: Refs) -> list[Reference]:
        """Return the event references with their `verifies` phrases (given: the extractive ones)."""


def compose_brief(stories: Sequence[RankedStory], config: Config, issue_date: dt.date,
                  writer: Writer | None = None) -> tuple[Brief, list[Verdict]]:
    """Write, reference and verify the brief for the selected stories (fewer than max_sections is fine).

    The extractive writer writes everything unless another `writer` (the LLM writer) is given.
    """
    levels = {s.name: s.level for s in config.sources()}
    drafts: list[Draft] = []
    taken: set[str] = set()
    for story in (s for s in stories if s.selected):
        draft = _draft(story, config, levels, taken)
        if draft is None:
            continue
        drafts.append(draft)
        taken.add(draft.label)
    refs = Refs()

    def extractive(number: int, draft: Draft) -> Section:
        """Write one section the extractive way."""
        return _section(number, draft, refs, levels.get(draft.story.primary.source, "media"))

    if writer is None:
        sections = [extractive(i, d) for i, d in enumerate(drafts, 1)]
    else:
        sections = writer.sections(drafts, refs, extractive)
    summary = _summary(drafts, sections, config)
    thread = tuple(d.label for d in drafts)
    if writer is not None:
        summary, thread = writer.summary(sections, summary, refs, thread)
    summary = (*summary, *editorial(config))
    all_sentences = [s for sec in sections for p in sec.paragraphs for s in p] + list(summary)
    references = [Reference(id=rid, publisher=a.publisher, title=a.title, date=a.published, url=url,
                            verifies=_verifies(a, all_sentences, rid))
                  for url, rid in refs.ids.items() for a in [refs.articles[url]]]
    if writer is not None:
        references = writer.verifies(references, all_sentences, refs)
    for story in _background([d.story for d in drafts], stories, set(refs.ids)):
        rid = f"R{len(references) + 1}"
        references.append(Reference(id=rid, publisher=story.primary.publisher, title=story.primary.title,
                                    date=story.primary.published, url=story.primary.url,
                                    verifies=f"用于补充《{story.primary.title}》相关背景", role="background"))
    brief = Brief(title=config.brief.title, date=issue_date, publishers=tuple(config.brief.publishers),
                  thread=thread, summary=summary, sections=tuple(sections),
                  references=tuple(references), disclaimer=config.brief.disclaimer)
    by_id = {r.id: refs.articles.get(r.url) for r in references}
    known = {**{s.primary.url: s.primary for s in stories}, **refs.articles}
    evidence = evidence_map(((r.id, r.url) for r in references), known.get)
    verified, verdicts = verify_brief(brief, evidence, fallback=_source_sentence(by_id))
    return _drop_uncited(verified), verdicts


def _source_sentence(articles: dict[str, Article | None]) -> Callable[[Sentence], Sentence | None]:
    """Return a fallback that swaps a failing sentence for the untrimmed source text it came from."""

    def fallback(sentence: Sentence) -> Sentence | None:
        """Return the evidence span's text as a sentence, if there is one."""
        if not sentence.evidence or not sentence.cites:
            return None
        article = articles.get(sentence.cites[0])
        _aid, start, end = sentence.evidence[0]
        if article is None or end <= start:
            return None
        return dataclasses.replace(sentence, text=article.text[start:end])

    return fallback


def _drop_uncited(brief: Brief) -> Brief:
    """Remove event references no sentence cites any more (after drops), renumbering nothing."""
    cited = {c for s in brief.summary for c in s.cites}
    cited |= {c for sec in brief.sections for p in sec.paragraphs for s in p for c in s.cites}
    kept = tuple(r for r in brief.references if r.role == "background" or r.id in cited)
    return dataclasses.replace(brief, references=kept)

