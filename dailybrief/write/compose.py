"""Assemble a Brief from the day's ranked stories: sections, summary, references, verification.

Pure: stories and config in, a verified Brief and the per-sentence verdicts out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
from dailybrief.verify.evidence import article_evidence, evidence_map
from dailybrief.verify.verifier import Verdict, check_sentence, verify_brief
from dailybrief.write import headings
from dailybrief.write.extractive import (
    Candidate,
    candidates,
    choose_analysis,
    choose_facts,
    restates,
    theme_label,
)
from dailybrief.write.headings import (
    EVENT_MAX,
    HEADING_MAX,
    condense_title,
    event_phrases,
    is_document_title,
    join_actors,
)
from dailybrief.write.layout import Draft, Pending, Refs, lay_out_section
from dailybrief.write.summary import main_thread, write_summary

MAX_BACKGROUND = 5
EDITORIAL_MARK = "编者按："


@dataclass
class Written:
    """What the brief's earlier sections have used: theme labels, heading implications and sentences."""

    labels: set[str] = field(default_factory=set)
    implications: set[str] = field(default_factory=set)
    sentences: list[str] = field(default_factory=list)


def _draft(story: RankedStory, config: Config, levels: Mapping[str, str], written: Written) -> Draft | None:
    """Write one story's section draft, or None when its articles hold no usable sentence."""
    taken, implications, said = written.labels, written.implications, written.sentences
    words = tuple(config.theme.keywords)
    sources = [a for a in story.articles if a.url not in story.reprints and a.url not in story.superseded]
    pool = [c for a in sources for c in candidates(a)]
    level = levels.get(story.primary.source, "media")
    lead, _absorbed = lead_sentence(story.primary, level, None)
    # A media report's first sentence gets 据X6月14日报道， in front: the budget holds it.
    attribution = 0 if lead or story.primary.published is None else len(f"据{story.primary.publisher}12月31日报道，")
    facts = choose_facts(pool, story.primary, words, budget=config.brief.section_chars - attribution, lead=lead,
                         said=said)
    if not facts:
        return None
    said.extend([lead, *(c.text for c in facts)] if lead else [c.text for c in facts])
    analysis = choose_analysis(pool, facts, lead=lead)
    label = theme_label(sources, config.theme, taken)
    # Reprints' headlines say the event too (a preliminary report's 拟… is no longer true).
    retitled = [a for a in story.articles[1:] if a.url not in story.superseded]
    events = [with_place(e, story.primary.publisher, EVENT_MAX) for e in event_phrases(story.primary, retitled)]
    events.sort(key=lambda e: e.startswith(("我省", "我市", "我区", "我县")))  # a 我市 no place could replace
    articles = [c.article for c in (*facts, *analysis)]
    events = [e for e in events if _supported(e, articles)] or events  # 两部门 is a count the source may not state
    event, point = events[0], ""
    # The fullest event that leaves room for an implication the section's sources support.
    for option in events:
        options = headings.implications(facts, analysis, option, implications, HEADING_MAX - 1 - len(option))
        point = next((o for o in options if _supported(f"{option}，{o}", articles)), "")
        if point:
            event = option
            break
    implications.add(point)
    return Draft(story, label, f"{event}，{point}" if point else event, facts, analysis)


def _supported(text: str, articles: Sequence[Article]) -> bool:
    """Say whether the section's own articles support every claim of a heading text."""
    evidence = {a.url: article_evidence(a) for a in articles}
    return not check_sentence(Sentence(text, tuple(evidence)), evidence)


def with_place(phrase: str, publisher: str, limit: int = 60) -> str:
    """Name a local government's place where its text says only 省政府办公厅, 市数据局 or 我市 (江苏省政府办公厅)."""
    own = phrase.startswith(("我省", "我市", "我区", "我县"))  # 我市今年… on 绥化市人民政府's site: 绥化市今年…
    if not phrase.startswith(("省", "市", "区", "县")) and not own:
        return phrase
    kind = phrase[1] if own else phrase[0]
    match = re.match(rf"^(.+?){kind}", publisher)
    named = f"{match.group(1)}{phrase[1:] if own else phrase}" if match else phrase
    return named if len(named) <= limit else phrase


def _sentence(cand: Candidate, refs: Refs, kind: str = "fact") -> Sentence:
    """Turn a chosen source sentence into a brief sentence citing its article."""
    return Sentence(text=cand.text, cites=(refs.cite(cand.article),), kind="analysis" if kind == "analysis" else "fact",
                    evidence=((cand.article.id, cand.start, cand.end),))


def lead_sentence(primary: Article, level: str, first: Candidate | None) -> tuple[str, Candidate | None]:
    """Return a sentence naming who published the primary and when, and the fact sentence it absorbed.

    Government documents get `6月8日，X印发《Y》。` (《》 only around a document's title; a
    government news headline becomes the sentence itself); media reports get 据X6月14日报道，
    before their first sentence. The date is the primary's publication date, said only when the
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
    composed = _composed_lead(primary, level, on)
    if composed and first_text and restates(composed.rstrip("。"), first_text):
        return "", None  # the first sentence says it already (6月16日上午，国家发展改革委举行…新闻发布会，…)
    if composed:
        return composed, None
    if first_text and (not when or when not in first_text) and not first_text.startswith("据"):
        return f"据{primary.publisher}{when}报道，{first_text}", first
    return "", None


def _composed_lead(primary: Article, level: str, on: str) -> str:
    """Return the lead a government source's headline gives (X印发《Y》 / the headline itself), or ''."""
    if level != "media" and is_policy_title(primary.title):
        condensed = with_place(condense_title(primary.title), primary.publisher)
        if "《" in condensed or not is_document_title(primary.title):
            return f"{on}{condensed}。"
        return f"{on}{primary.publisher}发布《{primary.title}》。"
    if level != "media" and "《" not in primary.title and len(primary.title) <= 40:
        return f"{on}{with_place(join_actors(primary.title), primary.publisher)}。"
    return ""


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
    """Write the 摘要: the main thread, one clause per section, the judgement the sections make."""
    return write_summary(config.theme.name, _thread(drafts, sections, config), sections)


def _thread(drafts: Sequence[Draft], sections: Sequence[Section], config: Config) -> tuple[str, ...]:
    """Return the main thread: the sections' concepts, padded by theme terms two or more sections share."""
    texts = ["".join(s.text for p in sec.paragraphs for s in p) for sec in sections]
    shared = sorted((k for k in config.theme.keywords if k and sum(k in t for t in texts) >= 2),
                    key=lambda k: -sum(k in t for t in texts))
    return main_thread([d.label for d in drafts], shared)


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
    written = Written()
    for story in (s for s in stories if s.selected):
        draft = _draft(story, config, levels, written)
        if draft is None:
            continue
        drafts.append(draft)
        written.labels.add(draft.label)
    refs = Refs()

    def extractive(number: int, draft: Draft) -> Section:
        """Write one section the extractive way."""
        return _section(number, draft, refs, levels.get(draft.story.primary.source, "media"))

    if writer is None:
        sections = [extractive(i, d) for i, d in enumerate(drafts, 1)]
    else:
        sections = writer.sections(drafts, refs, extractive)
    summary = _summary(drafts, sections, config)
    thread = _thread(drafts, sections, config)
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

