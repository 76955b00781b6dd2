"""The LLM writer: sections, summary and reference phrases from a chat model, held to the verifier.

The model sees numbered evidence sentences (E1, E2 … from the story's own articles) and must
answer JSON in which every sentence lists the evidence ids it rests on. An answer is parsed
defensively (dailybrief.write.llm.parse); a cut-off answer is asked again with a larger limit, then
as a smaller request; an invalid one gets one repair round-trip carrying the validation error.
Each generated sentence is then verified against the articles its evidence ids point to;
what fails gets one rewrite request naming the unsupported claim, then is replaced by its
source sentence or dropped. Whatever the model cannot do is written by the extractive writer,
so a brief is always produced; each sentence's status says generated, repaired or extractive.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

from dailybrief.config import Config
from dailybrief.models import Article, Brief, Reference, Section, Sentence
from dailybrief.store.archive import Archive
from dailybrief.stories.build import RankedStory
from dailybrief.verify.evidence import Evidence, article_evidence
from dailybrief.verify.verifier import Verdict, check_sentence, settle
from dailybrief.write.compose import compose_brief
from dailybrief.write.extractive import clip_phrase
from dailybrief.write.layout import Draft, Refs, lay_out_section
from dailybrief.write.llm.cache import ArchiveCache
from dailybrief.write.llm.client import (
    BudgetExhausted,
    ChatClient,
    LLMError,
    LLMUnavailable,
    Message,
    Usage,
    read_api_key,
    run_async,
)
from dailybrief.write.llm.parse import (
    Invalid,
    ReferencesOut,
    RewriteOut,
    SectionOut,
    SummaryOut,
    strip_reasoning,
    validate,
)
from dailybrief.write.llm.prompts import (
    Item,
    cn_date,
    prompt,
    reference_lines,
    rewrite_lines,
    section_evidence,
    summary_evidence,
)
from dailybrief.write.llm.report import LLMReport
from dailybrief.write.llm.written import Written, clause_counterpart, fact_floor, source_counterpart

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
REPAIR_ECHO_CHARS = 1500


@dataclass(frozen=True)
class Request(Generic[T]):
    """A prompt and how to read its answer (raises Invalid)."""

    messages: list[Message]
    parse: Callable[[str], T]




@dataclass
class SectionResult:
    """What the model wrote for one section, verified (None sentences: write it the extractive way)."""

    heading: str | None
    sentences: list[Written] | None
    reason: str = ""


class LLMWriter:
    """The compose.Writer that asks a chat model, verifies every sentence and falls back per part."""

    def __init__(self, client: ChatClient, config: Config, issue_date: dt.date,
                 progress: Callable[[str], None] = lambda _l: None) -> None:
        self.client = client
        self.config = config
        self.issue_date = issue_date
        self.chinese = config.brief.language.lower().startswith("zh")
        self.progress = progress
        self.report = LLMReport(client.usage)
        self.statuses: dict[tuple[str, str], str] = {}  # (story id or "summary", text) → writer status
        self._evidence: dict[str, Evidence] = {}

    # ---------------------------------------------------------------- asking

    def _system(self) -> Message:
        """Return the system message shared by every task."""
        return {"role": "system", "content": prompt("system", title=self.config.brief.title)}

    def _context(self, items: Sequence[Item], *, require_evidence: bool = True) -> dict[str, Any]:
        """Return the validation context for an answer about these evidence items."""
        return {"ids": {i.id for i in items}, "chinese": self.chinese, "require_evidence": require_evidence}

    async def _ask(self, render: Callable[[int], Request[T]]) -> T:
        """Ask, survive truncation (larger limit, then a smaller request) and one invalid answer (repair)."""
        limit = self.client.settings.max_output_tokens
        request = render(0)
        answer = await self.client.complete(request.messages, limit)
        if answer.truncated:
            limit *= 2
            answer = await self.client.complete(request.messages, limit)
        if answer.truncated:
            request = render(1)
            answer = await self.client.complete(request.messages, limit)
        if answer.truncated:
            raise Invalid(f"the answer was cut off (finish_reason length) at {limit} tokens, "
                          "even for a smaller request")
        try:
            return request.parse(answer.content)
        except Invalid as exc:
            first = str(exc)
        echo = strip_reasoning(answer.content)[:REPAIR_ECHO_CHARS] or "（空）"
        repair = [*request.messages, {"role": "assistant", "content": echo},
                  {"role": "user", "content": prompt("repair", error=first)}]
        again = await self.client.complete(repair, limit)
        if again.truncated:
            raise Invalid(f"{first}; the repaired answer was cut off")
        try:
            return request.parse(again.content)
        except Invalid as exc:
            raise Invalid(f"{first}; after one repair: {exc}") from None

    # ---------------------------------------------------------------- verifying

    def _as_sentence(self, written: Written) -> Sentence:
        """Return a written sentence citing the URLs of its evidence's articles (indexed once each)."""
        articles = {a.url: a for item in written.items for a in item.articles}
        for url, article in articles.items():
            if url not in self._evidence:
                self._evidence[url] = article_evidence(article)
        return Sentence(written.text, tuple(articles), written.kind, status=written.status)

    def _missing(self, text: str, items: Sequence[Item]) -> list[str]:
        """Return what in a text the articles behind these evidence items do not support."""
        return check_sentence(self._as_sentence(Written(text, "fact", "generated", tuple(items))), self._evidence)

    def _unsupported(self, text: str, articles: Sequence[Article]) -> list[str]:
        """Return what in a text these articles (title, text, publication date) do not support."""
        return self._missing(text, [Item("", text, tuple(articles))])

    def _settle_one(self, written: Written, alternatives: Sequence[Written]) -> Written | None:
        """Settle a failing sentence with the verifier: the first alternative it accepts, or None (dropped)."""
        by_text: dict[str, Written] = {}
        for alt in alternatives:
            by_text.setdefault(alt.text, alt)
        fallbacks = [lambda _s, alt=alt: self._as_sentence(alt) for alt in alternatives]
        kept, _verdict = settle("llm", self._as_sentence(written), self._evidence, fallbacks)
        return None if kept is None else by_text.get(kept.text, written)

    async def _settle(self, sentences: list[Written], heading: str | None, items: Sequence[Item],
                      counterpart: Callable[[Written, set[str]], Written | None],
                      require_evidence: bool) -> tuple[list[Written], str | None]:
        """Verify every sentence (and the heading); one rewrite request for what fails; then replace or drop."""
        failing = {f"S{n}": (w, m) for n, w in enumerate(sentences, 1) if (m := self._missing(w.text, w.items))}
        cited = tuple({i.id: i for w in sentences for i in w.items}.values())
        heading_missing = self._missing(heading, cited) if heading else []
        if not failing and not heading_missing:
            return sentences, heading
        by_id = {i.id: i for i in items}
        rewrites: dict[str, Any] = {}
        try:
            out = await self._ask(lambda _level: Request(
                [self._system(), {"role": "user", "content": prompt(
                    "rewrite", evidence="\n".join(i.line for i in items),
                    failures=rewrite_lines({k: (w.text, [i.id for i in w.items], m) for k, (w, m) in failing.items()},
                                           heading, heading_missing))}],
                lambda text: validate(text, RewriteOut, self._context(items, require_evidence=require_evidence))))
            rewrites = {s.id: s for s in out.sentences}
        except (LLMError, Invalid) as exc:
            self._note_failure(f"rewrite request: {exc}")
        kept: list[Written] = []
        for n, written in enumerate(sentences, 1):
            if f"S{n}" not in failing:
                kept.append(written)
                continue
            alternatives = []
            new = rewrites.get(f"S{n}")
            if new is not None:
                alternatives.append(Written(new.text, written.kind, "repaired",
                                            tuple(by_id[e] for e in new.evidence) or written.items))
            alt = counterpart(written, {k.text for k in kept})
            if alt is not None:
                alternatives.append(alt)
            settled = self._settle_one(written, alternatives)
            if settled is not None:
                kept.append(settled)
        if heading_missing:
            new = rewrites.get("H")
            fixed = new.text.replace(",", "，") if new is not None else ""
            heading = fixed if fixed and "，" in fixed and not self._missing(fixed, cited) else None
        return kept, heading

    def _note_failure(self, message: str) -> None:
        """Record why something fell back, once (an unusable endpoint is reported once for the run)."""
        if self.client.usage.unavailable or self.client.usage.budget_exhausted:
            return
        logger.warning("llm writer: %s", message)
        self.report.notes.append(message)

    # ---------------------------------------------------------------- sections

    async def _section(self, number: int, draft: Draft) -> SectionResult:
        """Write and verify one section; a result without sentences means: write it the extractive way."""
        sent: list[list[Item]] = []

        def render(level: int) -> Request[SectionOut]:
            """Return the section request, smaller at level 1."""
            articles, items, lines = section_evidence(draft, level)
            sent.append(items)
            text = prompt("section", theme=self.config.theme.name, label=draft.label, articles=articles,
                          evidence=lines, max_facts=6 if level == 0 else 3)
            return Request([self._system(), {"role": "user", "content": text}],
                           lambda answer: validate(answer, SectionOut, self._context(items)))

        try:
            out = await self._ask(render)
        except BudgetExhausted:
            return SectionResult(None, None, "token budget spent")
        except (LLMError, Invalid) as exc:
            return SectionResult(None, None, str(exc))
        items = sent[-1]
        by_id = {i.id: i for i in items}
        written: list[Written] = []
        for kind, group in (("fact", out.facts), ("analysis", out.interpretation)):
            for s in group:
                if s.text not in {w.text for w in written}:
                    written.append(Written(s.text, "analysis" if kind == "analysis" else "fact", "generated",
                                           tuple(by_id[e] for e in s.evidence)))
        kept, heading = await self._settle(written, out.heading, items, source_counterpart, True)
        if not any(w.kind == "fact" for w in kept):
            return SectionResult(None, None, "no generated fact sentence survived verification")
        return SectionResult(heading, fact_floor(kept, draft))

    def sections(self, drafts: Sequence[Draft], refs: Refs,
                 extractive: Callable[[int, Draft], Section]) -> list[Section]:
        """Write every section concurrently (the client caps requests), then assemble them in rank order."""
        self.progress(f"writing {len(drafts)} sections with {self.client.settings.model}")

        async def guarded(number: int, draft: Draft) -> SectionResult:
            """Write one section; an unexpected error handling the model's answer falls back, never ends the brief."""
            try:
                return await self._section(number, draft)
            except Exception as exc:  # noqa: BLE001 - model output is untrusted input; the brief is always produced
                return SectionResult(None, None, f"unexpected {type(exc).__name__}: {exc}")

        async def all_sections() -> list[SectionResult]:
            """Write the sections inside one HTTP session."""
            async with self.client.session():
                return await asyncio.gather(*(guarded(n, d) for n, d in enumerate(drafts, 1)))

        results = self._timed(all_sections)
        out: list[Section] = []
        for number, (draft, result) in enumerate(zip(drafts, results, strict=True), 1):
            section = self._assemble(number, draft, result, refs) if result.sentences else None
            if section is None:
                self.report.sections_extractive += 1
                title = clip_phrase(draft.story.primary.title, 24)
                reason = result.reason or "its heading is not supported by what it cites"
                self._note_failure(f"section {number} ({title}): extractive writer: {reason}")
                section = extractive(number, draft)
            else:
                self.report.sections_generated += 1
            out.append(section)
        return out

    def _assemble(self, number: int, draft: Draft, result: SectionResult, refs: Refs) -> Section | None:
        """Lay out a verified result: the primary's facts, the coverage's facts, the interpretation.

        None (write it the extractive way) when no heading is supported by what the section cites;
        decided before any reference id is given out.
        """
        written = result.sentences or []
        facts = [w for w in written if w.kind == "fact"]
        analysis = [w for w in written if w.kind == "analysis"] or \
            [Written(c.text, "analysis", "extractive", (Item.of(c),)) for c in draft.analysis]
        cited = [a for w in (*facts, *analysis) for i in w.items for a in i.articles]
        heading = result.heading if result.heading and not self._unsupported(result.heading, cited) else draft.heading
        if self._unsupported(heading, cited):
            return None
        place = draft.story.id
        return lay_out_section(
            number, heading, draft.story,
            [(w.items[0].articles[0].url if w.items else "", partial(self._sentence, w, refs, place)) for w in facts],
            [partial(self._sentence, w, refs, place) for w in analysis])

    def _sentence(self, written: Written, refs: Refs, place: str) -> Sentence:
        """Turn a written sentence into a brief sentence citing the references of its evidence's articles."""
        cites = tuple(dict.fromkeys(refs.cite(a) for item in written.items for a in item.articles))
        first = written.items[0].articles[0].id if written.items and written.items[0].articles else ""
        spans = sorted((i.span for i in written.items if i.span), key=lambda s: s[0] != first)
        evidence = tuple(spans) if spans and spans[0][0] == first else ()
        self.statuses[place, written.text] = written.status
        return Sentence(written.text, cites, written.kind, evidence, status=written.status)

    # ---------------------------------------------------------------- summary and references

    def summary(self, sections: Sequence[Section], extractive: tuple[Sentence, ...], refs: Refs,
                thread: tuple[str, ...]) -> tuple[tuple[Sentence, ...], tuple[str, ...]]:
        """Write the 摘要 and the main thread; the extractive summary when the model cannot."""
        by_ref = {rid: refs.articles[url] for url, rid in refs.ids.items()}
        sent: list[list[Item]] = []

        def render(level: int) -> Request[SummaryOut]:
            """Return the summary request (level 1: each section's heading and first sentence only)."""
            items, lines = summary_evidence(sections, by_ref, level)
            sent.append(items)
            text = prompt("summary", title=self.config.brief.title, date=cn_date(self.issue_date),
                          theme=self.config.theme.name, evidence=lines, sections=len(sections))
            context = {**self._context(items, require_evidence=False), "sections": len(sections)}
            return Request([self._system(), {"role": "user", "content": text}],
                           lambda answer: validate(answer, SummaryOut, context))

        async def write() -> tuple[list[Written], tuple[str, ...]] | None:
            """Ask for and verify the summary."""
            async with self.client.session():
                try:
                    out = await self._ask(render)
                except (LLMError, Invalid) as exc:
                    self._note_failure(f"summary: extractive writer: {exc}")
                    return None
                by_id = {i.id: i for i in sent[-1]}
                # A judgement that cites nothing is not a finding: only the main-thread sentence may cite nothing.
                written = [Written(s.text, "fact" if s.evidence else "analysis", "generated",
                                   tuple(by_id[e] for e in s.evidence)) for s in out.sentences
                           if s.evidence or "主线" in s.text]
                kept, _ = await self._settle(written, None, sent[-1], clause_counterpart, False)
                return kept, tuple(out.thread)

        if self.client.usage.unavailable or not sections:
            return extractive, thread
        result = self._timed(write)
        if result is None or not any(w.kind == "fact" for w in result[0]):
            return extractive, thread
        kept, labels = result
        if "主线" not in kept[0].text:
            kept.insert(0, Written(f"今日{self.config.theme.name}动态的主线，是{'—'.join(labels)}的协同推进。",
                                   "analysis", "extractive", ()))
        return tuple(self._sentence(w, refs, "summary") for w in kept), labels

    def verifies(self, references: Sequence[Reference], sentences: Sequence[Sentence], refs: Refs) -> list[Reference]:
        """Ask what each event reference was used to verify; keep a phrase only when its article supports it."""
        by_ref = {rid: refs.articles[url] for url, rid in refs.ids.items()}
        if self.client.usage.unavailable or not references:
            return list(references)

        def render(level: int) -> Request[ReferencesOut]:
            """Return the references request (level 1: fewer citing sentences)."""
            text = prompt("references", references=reference_lines(references, sentences, level))
            context = {"refs": {r.id for r in references}, "chinese": self.chinese}
            return Request([self._system(), {"role": "user", "content": text}],
                           lambda answer: validate(answer, ReferencesOut, context))

        async def write() -> dict[str, str]:
            """Ask for the phrases."""
            async with self.client.session():
                try:
                    out = await self._ask(render)
                except (LLMError, Invalid) as exc:
                    self._note_failure(f"reference phrases: extractive writer: {exc}")
                    return {}
                return {v.id: v.verifies for v in out.references}

        phrases = self._timed(write)
        out = []
        for ref in references:
            phrase = phrases.get(ref.id)
            article = by_ref.get(ref.id)
            supported = bool(phrase and article and not self._unsupported(phrase, [article]))
            out.append(dataclasses.replace(ref, verifies=phrase) if supported and phrase else ref)
        return out

    def _timed(self, factory: Callable[[], Awaitable[R]]) -> R:
        """Run one stage's coroutine and add its wall time to the usage."""
        started = time.monotonic()
        try:
            return run_async(factory)
        finally:
            self.client.usage.seconds += time.monotonic() - started

    def label(self, brief: Brief) -> Brief:
        """Set every sentence's status to generated, repaired or extractive (the verifier marks them verified)."""
        def fix(s: Sentence, place: str) -> Sentence:
            """Return the sentence with its writer status."""
            return dataclasses.replace(s, status=self.statuses.get((place, s.text), "extractive"))

        sections = tuple(dataclasses.replace(sec, paragraphs=tuple(tuple(fix(s, sec.story_id) for s in p)
                                                                   for p in sec.paragraphs))
                         for sec in brief.sections)
        return dataclasses.replace(brief, summary=tuple(fix(s, "summary") for s in brief.summary), sections=sections)


def write_brief(stories: Sequence[RankedStory], config: Config, issue_date: dt.date, archive: Archive | None,
                progress: Callable[[str], None] = lambda _l: None, *,
                client: ChatClient | None = None) -> tuple[Brief, list[Verdict], LLMReport]:
    """Compose the brief with the LLM writer (config.llm), falling back per part; return it, verdicts and report."""
    settings = config.llm
    if settings is None:
        raise ValueError("the LLM writer needs an [llm] table in the config")
    cache = ArchiveCache(archive) if archive is not None else None
    try:
        if client is None:
            client = ChatClient(settings, read_api_key(settings), cache)
    except LLMUnavailable as exc:
        report = LLMReport(Usage(model=settings.model, budget_tokens=settings.budget_tokens, unavailable=str(exc)))
        brief, verdicts = compose_brief(stories, config, issue_date)
        report.sections_extractive = len(brief.sections)
        report.notes.append(f"{exc}; the extractive writer wrote the whole brief")
        return brief, verdicts, report
    writer = LLMWriter(client, config, issue_date, progress)
    brief, verdicts = compose_brief(stories, config, issue_date, writer=writer)
    usage = client.usage
    if usage.unavailable:
        writer.report.notes.insert(0, f"the LLM endpoint is unusable: {usage.unavailable}; the extractive writer "
                                      f"wrote {writer.report.sections_extractive} of {len(brief.sections)} sections")
    elif usage.budget_exhausted:
        writer.report.notes.insert(0, f"token budget of {usage.budget_tokens} spent ({usage.used_tokens} used): "
                                      f"the extractive writer wrote the remaining {writer.report.sections_extractive}"
                                      " sections and any summary or reference phrase not yet written")
    return writer.label(brief), verdicts, writer.report
