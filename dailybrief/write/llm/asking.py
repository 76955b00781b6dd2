"""Asking the model and holding its sentences to the verifier: the LLM writer's machinery shared by every part.

`Asker.ask` sends a request and survives what a real model does to it: an answer cut off at
the output limit is first salvaged up to its last complete element, else asked again with a
larger limit, then as a smaller request; an invalid answer gets one repair round-trip that
continues the conversation (the request, the answer, the validation error). `Asker.settle`
verifies sentences against the articles their evidence ids point to; a failing one is first
repaired without a call (its unsupported clauses left out), what still fails goes back in one
rewrite request continuing the conversation, and then is replaced by its extractive
counterpart or dropped — through the verifier's `settle`, the one path every sentence takes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from dailybrief.config import Config
from dailybrief.models import Article, Sentence
from dailybrief.verify.evidence import Evidence, article_evidence
from dailybrief.verify.support import ClaimVerdict
from dailybrief.verify.verifier import check_claims, finding, settle
from dailybrief.write.llm.client import ChatClient, prompt_tokens
from dailybrief.write.llm.parse import Invalid, RewriteOut, strip_reasoning, validate
from dailybrief.write.llm.prompts import Item, example_blanks, prompt, rewrite_lines
from dailybrief.write.llm.records import LLMError, Message
from dailybrief.write.llm.report import LLMReport
from dailybrief.write.llm.written import Written, without_clauses

logger = logging.getLogger(__name__)

A = TypeVar("A", bound=BaseModel)
SAFETY_TOKENS = 64  # kept free in the context besides the prompt estimate and the output limit
MIN_ECHO_CHARS = 100  # of a bad answer, worth sending back in a repair; below, only the error is sent
REPAIR_ECHO_CHARS = 1500
REWRITE_TOKENS = 600  # the output limit of a rewrite (a few sentences)
# Output limits per task (capped by [llm] max_output_tokens): what the task's answer needs, so
# the rest of the context can hold evidence.
OUTPUT_TOKENS = {"section": 900, "summary": 800, "references": 800}


@dataclass(frozen=True)
class Request(Generic[A]):
    """A prompt, the answer model it must validate as, and the validation context."""

    messages: list[Message]
    model: type[A]
    context: dict[str, Any]

    def parse(self, answer: str, *, salvage: bool = False) -> A:
        """Return the answer validated (raises Invalid); with `salvage`, a cut-off answer's complete part."""
        return validate(answer, self.model, self.context, salvage_cut=salvage)


@dataclass(frozen=True)
class Answered(Generic[A]):
    """A validated answer and the conversation it came from (what a rewrite request continues)."""

    out: A
    conversation: list[Message]


Render = Callable[[int, int], Request[A]]  # (level: 0 full, 1 smaller; output limit) → request


def assistant(text: str) -> Message:
    """Return an assistant message."""
    return {"role": "assistant", "content": text}


def user(text: str) -> Message:
    """Return a user message."""
    return {"role": "user", "content": text}


class Asker:
    """Asks the model for one brief and verifies what it writes; keeps the report of what happened."""

    def __init__(self, client: ChatClient, config: Config, issue_date: dt.date) -> None:
        self.client = client
        self.config = config
        self.issue_date = issue_date
        self.chinese = config.brief.language.lower().startswith("zh")
        self.report = LLMReport(client.usage)
        self.tidied: list[str] = []
        self._evidence: dict[str, Evidence] = {}

    # ---------------------------------------------------------------- asking

    def system(self) -> Message:
        """Return the system message shared by every task."""
        return {"role": "system", "content": prompt("system", title=self.config.brief.title)}

    def context(self, task: str, items: Sequence[Item], *, require_evidence: bool = True,
                **extra: Any) -> dict[str, Any]:
        """Return the validation context for an answer to a task about these evidence items."""
        return {"ids": {i.id for i in items}, "texts": {i.id: i.text for i in items if i.span},
                "chinese": self.chinese, "require_evidence": require_evidence, "tidied": self.tidied,
                "blanks": example_blanks(task), **extra}

    def output_limit(self, task: str) -> int:
        """Return the output limit of a task's answer (the config's max_output_tokens at most)."""
        return min(self.client.settings.max_output_tokens, OUTPUT_TOKENS.get(task, REWRITE_TOKENS))

    def room(self, skeleton: Sequence[Message], limit: int) -> int:
        """Return the tokens left for evidence in a prompt whose other parts are `skeleton`, answered in `limit`."""
        return max(0, self.client.context - limit - prompt_tokens(skeleton) - SAFETY_TOKENS)

    async def ask(self, task: str, render: Render[A], priority: int) -> Answered[A]:
        """Ask; survive a cut-off answer (salvage, larger limit, smaller request) and one invalid answer (repair)."""
        limit = self.output_limit(task)
        request = render(0, limit)
        answer = await self.client.complete(request.messages, limit, priority)
        for step in ("larger", "smaller", "none"):
            if not answer.truncated:
                break
            salvaged = self._salvaged(request, answer.content, answer.completion_tokens)
            if salvaged is not None:
                return salvaged
            if step == "none":
                raise Invalid(f"the answer was cut off (finish_reason length) at {limit} tokens, "
                              "even for a smaller request")
            if step == "larger":
                limit *= 2
            request = render(0 if step == "larger" else 1, limit)
            answer = await self.client.complete(request.messages, limit, priority)
        try:
            return Answered(request.parse(answer.content), [*request.messages, assistant(answer.content)])
        except Invalid as exc:
            first = str(exc)
        repair = self._repair_messages(request.messages, answer.content, first, limit)
        again = await self.client.complete(repair, limit, priority)
        if again.truncated:
            salvaged = self._salvaged(Request(repair, request.model, request.context), again.content,
                                      again.completion_tokens)
            if salvaged is not None:
                return salvaged
            raise Invalid(f"{first}; the repaired answer was cut off")
        try:
            return Answered(request.parse(again.content), [*repair, assistant(again.content)])
        except Invalid as exc:
            raise Invalid(f"{first}; after one repair: {exc}") from None

    def _salvaged(self, request: Request[A], content: str, tokens: int) -> Answered[A] | None:
        """Return what a cut-off answer holds up to its last complete element, when that validates."""
        try:
            out = request.parse(content, salvage=True)
        except Invalid:
            return None
        self.tidied.append("an answer cut off at the output limit read up to its last complete element")
        logger.info("llm writer: an answer cut off after %d tokens was salvaged", tokens)
        return Answered(out, [*request.messages, assistant(content)])

    def _repair_messages(self, messages: list[Message], content: str, error: str, limit: int) -> list[Message]:
        """Return the repair request: the conversation, the bad answer (as much as fits) and the error."""
        ask = user(prompt("repair", error=error))
        room = self.room([*messages, ask], limit)
        echo = strip_reasoning(content)[: min(REPAIR_ECHO_CHARS, room)]
        if len(echo) < MIN_ECHO_CHARS:
            return [*messages, assistant("（回答无法使用）"), ask]
        return [*messages, assistant(echo), ask]

    # ---------------------------------------------------------------- verifying

    def as_sentence(self, written: Written) -> Sentence:
        """Return a written sentence citing the URLs of its evidence's articles (indexed once each)."""
        articles = {a.url: a for item in written.items for a in item.articles}
        for url, article in articles.items():
            if url not in self._evidence:
                self._evidence[url] = article_evidence(article)
        return Sentence(written.text, tuple(articles), written.kind, status=written.status)

    def verdicts(self, text: str, items: Sequence[Item]) -> list[ClaimVerdict]:
        """Return the verdicts on the claims of a text that the articles behind these items do not support."""
        sentence = self.as_sentence(Written(text, "fact", "generated", tuple(items)))
        return [v for v in check_claims(sentence, self._evidence) if not v.supported]

    def missing(self, text: str, items: Sequence[Item]) -> list[str]:
        """Return what in a text the articles behind these evidence items do not support."""
        return [finding(v) for v in self.verdicts(text, items)]

    def unsupported(self, text: str, articles: Sequence[Article]) -> list[str]:
        """Return what in a text these articles (title, text, publication date) do not support."""
        return self.missing(text, [Item("", text, tuple(articles))])

    def _settle_one(self, written: Written, alternatives: Sequence[Written]) -> Written | None:
        """Settle a failing sentence with the verifier: the first alternative it accepts, or None (dropped)."""
        by_text: dict[str, Written] = {}
        for alt in alternatives:
            by_text.setdefault(alt.text, alt)
        fallbacks = [lambda _s, alt=alt: self.as_sentence(alt) for alt in alternatives]
        kept, _verdict = settle("llm", self.as_sentence(written), self._evidence, fallbacks)
        return None if kept is None else by_text.get(kept.text, written)

    def _without_failing_clauses(self, written: Written, bad: Sequence[ClaimVerdict]) -> Written | None:
        """Return the sentence without its unsupported clauses when what is left verifies (a repair without a call)."""
        shorter = without_clauses(written.text, [(v.start, v.end) for v in bad])
        if shorter is None or self.missing(shorter, written.items):
            return None
        self.tidied.append("a clause its evidence does not support left out")
        return Written(shorter, written.kind, "repaired", written.items)

    async def settle(self, sentences: list[Written], heading: str | None, items: Sequence[Item],
                     counterpart: Callable[[Written, set[str]], Written | None], *, require_evidence: bool,
                     conversation: list[Message], priority: int) -> tuple[list[Written], str | None]:
        """Verify every sentence (and the heading); repair without a call, then one rewrite request; replace or drop."""
        repaired: dict[int, Written] = {}
        failing: dict[str, tuple[Written, list[str]]] = {}
        for n, written in enumerate(sentences, 1):
            bad = self.verdicts(written.text, written.items)
            if not bad:
                continue
            shorter = self._without_failing_clauses(written, bad)
            if shorter is not None:
                repaired[n] = shorter
            else:
                failing[f"S{n}"] = (written, [finding(v) for v in bad])
        cited = tuple({i.id: i for w in sentences for i in w.items}.values())
        heading_missing = self.missing(heading, cited) if heading else []
        sentences = [repaired.get(n, w) for n, w in enumerate(sentences, 1)]
        if not failing and not heading_missing:
            return sentences, heading
        rewrites = await self._rewrites(failing, heading, heading_missing, items, require_evidence=require_evidence,
                                        conversation=conversation, priority=priority)
        by_id = {i.id: i for i in items}
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
            heading = fixed if fixed and "，" in fixed and not self.missing(fixed, cited) else None
        return kept, heading

    async def _rewrites(self, failing: dict[str, tuple[Written, list[str]]], heading: str | None,
                        heading_missing: Sequence[str], items: Sequence[Item], *, require_evidence: bool,
                        conversation: list[Message], priority: int) -> dict[str, Any]:
        """Ask once for rewrites of what failed, continuing the conversation (or afresh with the evidence)."""
        failures = rewrite_lines({k: (w.text, [i.id for i in w.items], m) for k, (w, m) in failing.items()},
                                 heading, heading_missing)
        ask = user(prompt("rewrite", failures=failures, evidence=""))
        messages = [*conversation, ask]
        if self.room(messages, REWRITE_TOKENS) <= 0:  # the conversation is too long: ask afresh with the evidence
            lines = "\n".join(i.line for i in items)
            messages = [self.system(), user(prompt("rewrite", failures=failures,
                                                   evidence=f"\n证据（E 编号）：\n{lines}\n"))]
        context = self.context("rewrite", items, require_evidence=require_evidence)
        try:
            out = await self.ask("rewrite", lambda _level, _limit: Request(messages, RewriteOut, context), priority)
        except (LLMError, Invalid) as exc:
            self.note_failure(f"rewrite request: {exc}")
            return {}
        return {s.id: s for s in out.out.sentences}

    def note_failure(self, message: str) -> None:
        """Record why something fell back, once (an unusable endpoint is reported once for the run)."""
        if self.client.usage.unavailable or self.client.usage.budget_exhausted:
            return
        logger.warning("llm writer: %s", message)
        self.report.notes.append(message)

    def tidied_counts(self) -> dict[str, int]:
        """Return how often each near-miss was put right."""
        return dict(Counter(self.tidied).most_common())
