"""The LLM writer: sections, summary and reference phrases from a chat model, held to the verifier.

The model sees numbered evidence sentences (E1, E2 … from the story's own articles, the lead
the extractive writer would publish first) and must answer JSON in which every sentence lists
the evidence ids it rests on, in the seed brief's section shape: a heading "event，implication",
two to four fact sentences, one interpretation (这意味着/这表明…). Asking, repairing and
verifying is `asking.Asker`'s job; whatever the model cannot do is written by the extractive
writer, so a brief is always produced; each sentence's status says generated, repaired or
extractive. With one request at a time (a one-slot server), sections are written one after
another, most important first, each with its repairs before the next begins.
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
from typing import TypeVar

from dailybrief.config import Config
from dailybrief.models import Brief, Reference, Section, Sentence
from dailybrief.store.archive import Archive
from dailybrief.stories.build import RankedStory
from dailybrief.verify.verifier import Verdict
from dailybrief.write.compose import compose_brief, lead_sentence
from dailybrief.write.extractive import clip_phrase
from dailybrief.write.layout import Draft, Refs, lay_out_section
from dailybrief.write.llm.asking import Asker, Request, user
from dailybrief.write.llm.cache import ArchiveCache
from dailybrief.write.llm.client import ChatClient, read_api_key, run_async
from dailybrief.write.llm.parse import Invalid, ReferencesOut, SectionOut, SummaryOut
from dailybrief.write.llm.prompts import (
    Item,
    cn_date,
    prompt,
    reference_lines,
    section_evidence,
    summary_evidence,
)
from dailybrief.write.llm.records import BudgetExhausted, LLMError, LLMUnavailable, Message, Usage
from dailybrief.write.llm.report import LLMReport
from dailybrief.write.llm.tidy import is_clean_label
from dailybrief.write.llm.written import (
    Written,
    best_facts,
    clause_counterpart,
    fact_floor,
    source_counterpart,
    without_restatements,
)
from dailybrief.write.summary import thread_sentence

logger = logging.getLogger(__name__)

R = TypeVar("R")
MAX_FACTS = 3  # fact sentences a section answer may keep: the fact floor adds the extractive picks it leaves out
MIN_EVIDENCE = 2  # source sentences a section needs before a model is asked to write it (else it would pad)
SUMMARY_PRIORITY = 1000  # after every section
MAX_LINKS = 5


@dataclass
class SectionResult:
    """What the model wrote for one section, verified (None sentences: write it the extractive way)."""

    heading: str | None
    sentences: list[Written] | None
    reason: str = ""


class LLMWriter(Asker):
    """The compose.Writer that asks a chat model, verifies every sentence and falls back per part."""

    def __init__(self, client: ChatClient, config: Config, issue_date: dt.date,
                 progress: Callable[[str], None] = lambda _l: None) -> None:
        super().__init__(client, config, issue_date)
        self.progress = progress
        self.statuses: dict[tuple[str, str], str] = {}  # (story id or "summary", text) → writer status
        self._levels = {s.name: s.level for s in config.sources()}
        self._said: list[str] = []  # the sentences of the sections assembled so far

    # ---------------------------------------------------------------- sections

    def _lead(self, draft: Draft) -> str:
        """Return the lead the extractive writer would publish (who published what, when), or ""."""
        first = draft.facts[0] if draft.facts else None
        text, _absorbed = lead_sentence(draft.story.primary, self._levels.get(draft.story.primary.source, "media"),
                                        first)
        return text

    def _section_messages(self, draft: Draft, evidence: str) -> list[Message]:
        """Return a section request's messages."""
        return [self.system(), user(prompt("section", theme=self.config.theme.name, label=draft.label,
                                           evidence=evidence, max_facts=MAX_FACTS))]

    async def _section(self, number: int, draft: Draft) -> SectionResult:
        """Write and verify one section; a result without sentences means: write it the extractive way."""
        sent: list[list[Item]] = []
        lead = self._lead(draft)

        def render(level: int, limit: int) -> Request[SectionOut]:
            """Return the section request within the context (level 1: smaller)."""
            budget = self.room(self._section_messages(draft, ""), limit)
            items, lines = section_evidence(draft, level, budget, lead)
            sent.append(items)
            return Request(self._section_messages(draft, lines), SectionOut,
                           self.context("section", items, extractive_heading=draft.heading))

        sentences = sum(1 for i in section_evidence(draft, 0, self.client.context, lead)[0] if i.span)
        if sentences < MIN_EVIDENCE:
            return SectionResult(None, None, f"too little to write from ({sentences} source sentence): "
                                             "the model would pad it")
        try:
            answered = await self.ask("section", render, priority=number)
        except BudgetExhausted:
            return SectionResult(None, None, "token budget spent")
        except (LLMError, Invalid) as exc:
            return SectionResult(None, None, str(exc))
        items = sent[-1]
        by_id = {i.id: i for i in items}
        picks = {(c.article.id, c.start, c.end) for c in draft.facts}
        first = {i.id for i in items if i.label.endswith("导语") or i.span in picks}
        out = answered.out
        facts = [Written(s.text, "fact", "generated", tuple(by_id[e] for e in s.evidence)) for s in out.facts]
        kept_facts = best_facts(list({f.text: f for f in facts}.values()), MAX_FACTS, first)
        if len(kept_facts) < len(facts):
            self.tidied.append("more fact sentences than asked: the best kept")
        written = kept_facts + [Written(s.text, "analysis", "generated", tuple(by_id[e] for e in s.evidence))
                                for s in out.interpretation]
        kept, heading = await self.settle(written, out.heading, items, source_counterpart, require_evidence=True,
                                          conversation=answered.conversation, priority=number)
        if not any(w.kind == "fact" for w in kept):
            return SectionResult(None, None, "no generated fact sentence survived verification")
        return SectionResult(heading, fact_floor(kept, draft, self.config.brief.section_chars))

    def sections(self, drafts: Sequence[Draft], refs: Refs,
                 extractive: Callable[[int, Draft], Section]) -> list[Section]:
        """Write every section (one after another when the server takes one request at a time), then assemble them."""
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
                if self.client.slots == 1:  # each section's requests back to back, most important first
                    return [await guarded(n, d) for n, d in enumerate(drafts, 1)]
                return await asyncio.gather(*(guarded(n, d) for n, d in enumerate(drafts, 1)))

        results = self._timed(all_sections)
        out: list[Section] = []
        for number, (draft, result) in enumerate(zip(drafts, results, strict=True), 1):
            section = self._assemble(number, draft, result, refs) if result.sentences else None
            if section is None:
                self.report.sections_extractive += 1
                title = clip_phrase(draft.story.primary.title, 24)
                reason = result.reason or "its heading is not supported by what it cites"
                self.note_failure(f"section {number} ({title}): extractive writer: {reason}")
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
        facts = without_restatements([w for w in written if w.kind == "fact"], self._said)
        said = [*self._said, *(w.text for w in facts)]
        analysis = without_restatements([w for w in written if w.kind == "analysis"], said) or \
            without_restatements([Written(c.text, "analysis", "extractive", (Item.of(c),)) for c in draft.analysis],
                                 said)
        cited = [a for w in (*facts, *analysis) for i in w.items for a in i.articles]
        heading = result.heading if result.heading and not self.unsupported(result.heading, cited) else draft.heading
        if self.unsupported(heading, cited):
            return None
        place = draft.story.id
        self._said += [w.text for w in (*facts, *analysis)]
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
        links = (min(3, len(sections)), max(min(3, len(sections)), min(MAX_LINKS, len(sections))))

        def render(level: int, _limit: int) -> Request[SummaryOut]:
            """Return the summary request (level 1: each section's heading and first sentence only)."""
            items, lines = summary_evidence(sections, by_ref, level)
            sent.append(items)
            wanted = f"{links[0]}至{links[1]}" if links[0] != links[1] else str(links[0])
            text = prompt("summary", title=self.config.brief.title, date=cn_date(self.issue_date),
                          theme=self.config.theme.name, evidence=lines, links=wanted)
            return Request([self.system(), user(text)], SummaryOut,
                           self.context("summary", items, require_evidence=False, links=links))

        async def write() -> tuple[list[Written], tuple[str, ...]] | None:
            """Ask for and verify the summary."""
            async with self.client.session():
                try:
                    answered = await self.ask("summary", render, priority=SUMMARY_PRIORITY)
                except (LLMError, Invalid) as exc:
                    self.note_failure(f"summary: extractive writer: {exc}")
                    return None
                by_id = {i.id: i for i in sent[-1]}
                # A judgement that cites nothing is not a finding: only the main-thread sentence may cite nothing.
                written = [Written(s.text, "analysis" if not s.evidence or s.text.startswith("总体") else "fact",
                                   "generated", tuple(by_id[e] for e in s.evidence))
                           for s in answered.out.sentences if s.evidence or "主线" in s.text]
                kept, _ = await self.settle(written, None, sent[-1], clause_counterpart, require_evidence=False,
                                            conversation=answered.conversation, priority=SUMMARY_PRIORITY)
                return without_restatements(kept), tuple(answered.out.thread)

        if self.client.usage.unavailable or not sections:
            return extractive, thread
        result = self._timed(write)
        if result is None or not any(w.kind == "fact" for w in result[0]):
            return extractive, thread
        kept, labels = result
        # Only what the model wrote and the verifier let stand counts: a clause put in place of a failing
        # sentence (status extractive) is a fragment, and the extractive summary says it whole.
        written = sum(1 for w in kept if w.kind == "fact" and w.status != "extractive")
        if written * 2 < len(sections):
            self.note_failure(f"summary: extractive writer: the model summed up {written} of {len(sections)} sections")
            return extractive, thread
        if not all(is_clean_label(label) for label in labels) or len(labels) < min(3, len(sections)):
            # A label cut short or with punctuation (国家数据局，以) names no concept: the sections' own are used.
            labels = thread
        if not all(label in kept[0].text for label in labels):
            kept = [Written(thread_sentence(self.config.theme.name, labels).text, "analysis", "extractive", ()),
                    *(w for w in kept if "主线" not in w.text)]
        return tuple(self._sentence(w, refs, "summary") for w in kept), labels

    def verifies(self, references: Sequence[Reference], sentences: Sequence[Sentence], refs: Refs) -> list[Reference]:
        """Ask what each event reference was used to verify; keep a phrase only when its article supports it."""
        by_ref = {rid: refs.articles[url] for url, rid in refs.ids.items()}
        if self.client.usage.unavailable or not references:
            return list(references)

        def render(level: int, _limit: int) -> Request[ReferencesOut]:
            """Return the references request (level 1: fewer citing sentences)."""
            text = prompt("references", references=reference_lines(references, sentences, level))
            return Request([self.system(), user(text)], ReferencesOut,
                           {"refs": {r.id for r in references}, "chinese": self.chinese})

        async def write() -> dict[str, str]:
            """Ask for the phrases."""
            async with self.client.session():
                try:
                    answered = await self.ask("references", render, priority=SUMMARY_PRIORITY + 1)
                except (LLMError, Invalid) as exc:
                    self.note_failure(f"reference phrases: extractive writer: {exc}")
                    return {}
                return {v.id: v.verifies for v in answered.out.references}

        phrases = self._timed(write)
        out = []
        for ref in references:
            phrase = phrases.get(ref.id)
            article = by_ref.get(ref.id)
            supported = bool(phrase and article and not self.unsupported(phrase, [article]))
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
    writer.report.tidied = writer.tidied_counts()
    if usage.unavailable:
        writer.report.notes.insert(0, f"the LLM endpoint became unusable: {usage.unavailable}; the extractive writer "
                                      f"wrote {writer.report.sections_extractive} of {len(brief.sections)} sections "
                                      "and every part not written before")
    elif usage.budget_exhausted:
        writer.report.notes.insert(0, f"token budget of {usage.budget_tokens} spent ({usage.used_tokens} used): "
                                      f"the extractive writer wrote the remaining {writer.report.sections_extractive}"
                                      " sections and any summary or reference phrase not yet written")
    return writer.label(brief), verdicts, writer.report
