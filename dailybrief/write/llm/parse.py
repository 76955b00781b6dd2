"""Reading what a model answered: reasoning and fences stripped, the JSON found, the shape validated.

Models wrap their JSON in `<think>` blocks, Markdown fences and chatter, write it with
comments, single quotes or trailing commas, break it, cut it off, answer in English or not at
all. Everything here turns an answer into a validated pydantic object or an `Invalid` whose
one-line message can be sent back to the model in a repair request. Near-misses of the
section and summary answers are put right first (`tidy`); an answer cut off mid-JSON can be
salvaged up to its last complete element.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from dailybrief.write.llm.tidy import (
    copies_example,
    is_chinese,
    read_ids,
    shorten_phrase,
    tidy_labels,
    tidy_section,
    tidy_summary_sentences,
)

_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.S | re.I)
_OPEN_THINK = re.compile(r"<(?:think|thinking|reasoning)>", re.I)
_CLOSE_THINK = re.compile(r"</(?:think|thinking|reasoning)>", re.I)
_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*\n?(.*?)```", re.S)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_PY_WORDS = {"true": "True", "false": "False", "null": "None"}
MAX_SALVAGE_CUTS = 40
VERIFIES_MAX = 80  # characters of a reference's 用于核验… phrase
HEADING_ID = "H"  # the id a rewrite request gives the heading

T = TypeVar("T", bound=BaseModel)


class Invalid(ValueError):
    """An answer that cannot be used; the message says why in one line (sent back in a repair request)."""


def strip_reasoning(text: str) -> str:
    """Remove `<think>…</think>` blocks; an unclosed block (reasoning cut off) leaves nothing of itself."""
    text = _THINK.sub("", text)
    closes = list(_CLOSE_THINK.finditer(text))
    if closes:  # a template that emits only the closing tag: the answer follows it
        text = text[closes[-1].end():]
    opened = _OPEN_THINK.search(text)
    if opened:
        text = text[: opened.start()]
    return text.strip()


def _without_comments(text: str) -> str:
    """Remove // and /* */ comments outside strings (single- or double-quoted)."""
    out: list[str] = []
    i, quote = 0, ""
    while i < len(text):
        ch = text[i]
        if quote:
            out.append(ch)
            if ch == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
            out.append(ch)
        elif text.startswith("//", i):
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _python_literal(text: str) -> Any:
    """Read a Python-style literal (single quotes, True/None written true/null); None when it is not one."""
    converted = re.sub(r"\b(true|false|null)\b", lambda m: _PY_WORDS[m.group(1)], text)
    try:
        return ast.literal_eval(converted)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def _decode(candidate: str) -> Any:
    """Decode the JSON value at the start of a text (text after it is ignored); raise JSONDecodeError.

    A line break or tab written raw inside a string (a small model's habit without JSON mode) is read
    as white space, not refused: the sentence checks fold white space anyway.
    """
    found, _end = json.JSONDecoder(strict=False).raw_decode(candidate)
    return found


def _forms(piece: str) -> list[str]:
    """Return the ways a JSON object may be written by a model: as is, without trailing commas, without comments."""
    plain = _TRAILING_COMMA.sub(r"\1", piece)
    bare = _TRAILING_COMMA.sub(r"\1", _without_comments(piece))
    return list(dict.fromkeys((piece, plain, bare)))


def _closers(stack: list[str]) -> str:
    """Return what closes the open brackets of a stack."""
    return "".join("}" if b == "{" else "]" for b in reversed(stack))


def salvage(text: str) -> dict[str, Any] | None:
    """Return what an object cut off mid-JSON holds up to its last complete element, None when nothing is left.

    Cut points are after an opening bracket or before a comma outside strings; from the last
    one backwards, the text up to it with the open brackets closed is tried.
    """
    start = text.find("{")
    if start < 0:
        return None
    stack: list[str] = []
    cuts: list[tuple[int, list[str]]] = []
    quote = False
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
        elif ch in "{[":
            stack.append(ch)
            cuts.append((i + 1, list(stack)))
        elif ch in "}]":
            if not stack:
                break
            stack.pop()
            if not stack:
                return None  # the object is complete: nothing was cut off
        elif ch == ",":
            cuts.append((i, list(stack)))
        i += 1
    for end, open_brackets in reversed(cuts[-MAX_SALVAGE_CUTS:]):
        try:
            found = _decode(text[start:end] + _closers(open_brackets))
        except json.JSONDecodeError:
            continue
        if isinstance(found, dict) and found:
            kept: dict[str, Any] = _pruned(found)
            return kept
    return None


def _pruned(value: Any) -> Any:
    """Return a salvaged value without the empty objects a cut inside a list leaves ([…, {}])."""
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pruned(v) for v in value if v != {}]
    return value


def extract_json(answer: str, *, salvage_cut: bool = False) -> dict[str, Any]:
    """Return the first JSON object in an answer, tolerating reasoning, fences, comments, single quotes, chatter.

    With `salvage_cut`, an object cut off mid-JSON gives what it holds up to its last complete element.
    """
    text = strip_reasoning(answer)
    if not text:
        raise Invalid("the answer was empty" if not answer.strip() else "the answer held only reasoning, no JSON")
    pieces = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    if "```" in text and not _FENCE.search(text):  # an opening fence whose closing one was cut off
        pieces.append(re.sub(r"^```[a-zA-Z0-9_-]*\s*", "", text.strip()))
    first_error = ""
    for piece in pieces:
        for start in (m.start() for m in re.finditer(r"\{", piece)):
            if piece.count("{", 0, start) > piece.count("}", 0, start):
                continue  # inside an object that did not parse: its inner objects are not the answer
            for candidate in _forms(piece[start:]):
                try:
                    found = _decode(candidate)
                except json.JSONDecodeError as exc:
                    first_error = first_error or f"{exc.msg} at line {exc.lineno} column {exc.colno}"
                    literal = _python_literal(_last_object(candidate))
                    if isinstance(literal, dict):
                        return literal
                    continue
                if isinstance(found, dict):
                    return found
    if salvage_cut:
        for piece in pieces:
            kept = salvage(_without_comments(piece))
            if kept is not None:
                return kept
    if first_error:
        raise Invalid(f"the JSON is broken: {first_error}")
    raise Invalid("the answer holds no JSON object")


def _last_object(text: str) -> str:
    """Return a text up to its last closing brace (what a Python-style literal may span)."""
    end = text.rfind("}")
    return text[: end + 1] if end >= 0 else text


def _id_list(value: Any, info: ValidationInfo) -> list[str]:
    """Normalise evidence ids (E3, "e3", 3, "[E3]", "E3、E5") and check each exists in the prompt that was sent."""
    items = value if isinstance(value, list) else [value] if value not in (None, "") else []
    known = (info.context or {}).get("ids")
    out: list[str] = []
    for item in items:
        found = read_ids(item)
        if not found:
            raise ValueError(f"{item!r} is not an evidence id like E3")
        for ident in found:
            if known is not None and ident not in known:
                raise ValueError(f"evidence id {ident} does not exist (use only {_span(known)})")
            if ident not in out:
                out.append(ident)
    return out


def _span(known: Any) -> str:
    """Describe the valid ids, e.g. E1–E23."""
    numbers = sorted(int(k[1:]) for k in known if str(k)[1:].isdigit())
    return f"E{numbers[0]}–E{numbers[-1]}" if numbers else "the ids given"


def _check_language(text: str, info: ValidationInfo, what: str) -> str:
    """Require Chinese text when the brief is Chinese."""
    text = " ".join(text.split())
    if (info.context or {}).get("chinese", True) and not is_chinese(text):
        raise ValueError(f"{what} must be written in Chinese (简体中文), got {text[:40]!r}")
    return text


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class SentenceOut(_Answer):
    """One sentence of a model's answer with the ids of the evidence sentences it rests on."""

    text: str = Field(min_length=4, max_length=400)
    evidence: list[str] = Field(default_factory=list)

    @field_validator("evidence", mode="before")
    @classmethod
    def _ids(cls, value: Any, info: ValidationInfo) -> list[str]:
        """Normalise and check the evidence ids."""
        return _id_list(value, info)

    @field_validator("text")
    @classmethod
    def _chinese(cls, value: str, info: ValidationInfo) -> str:
        """Require Chinese."""
        return _check_language(value, info, "every sentence")

    @model_validator(mode="after")
    def _cites(self, info: ValidationInfo) -> SentenceOut:
        """Require evidence ids where the task asks for them (a heading rests on what its section cites)."""
        heading = getattr(self, "id", "") == HEADING_ID
        if (info.context or {}).get("require_evidence", True) and not self.evidence and not heading:
            raise ValueError("every sentence must list the evidence ids it rests on")
        return self


class SectionOut(_Answer):
    """The section task's answer: heading, fact sentences (the writer keeps the best ones), interpretation."""

    heading: str = Field(min_length=6, max_length=40)
    facts: list[SentenceOut] = Field(min_length=1)
    interpretation: list[SentenceOut] = Field(default_factory=list, max_length=1)

    @model_validator(mode="before")
    @classmethod
    def _tidy(cls, data: Any, info: ValidationInfo) -> Any:
        """Put near-misses right first (see `tidy`)."""
        return tidy_section(data, info.context or {})

    @field_validator("heading")
    @classmethod
    def _heading(cls, value: str, info: ValidationInfo) -> str:
        """Require the form "event，implication" in Chinese."""
        value = _check_language(value.replace(",", "，").rstrip("。"), info, "the heading")
        if "，" not in value:
            raise ValueError("the heading must be 'event，implication' with a Chinese comma between them")
        parts = value.split("，")
        if copies_example(value, info.context or {}) or any(copies_example(p, info.context or {}) for p in parts):
            raise ValueError("the heading copies the example's blanks: write this section's own event and implication")
        return value


class SummaryOut(_Answer):
    """The summary task's answer: the main thread's keywords and the summary sentences."""

    # A summary the writer cannot use (labels unclean or too few, fewer than half the sections summed
    # up) is replaced by the sections' own labels or the extractive summary, not sent back: a small
    # model answers a repair the way it answered the request (measured), and each costs a minute.
    thread: list[str] = Field(default_factory=list, max_length=10)
    sentences: list[SentenceOut] = Field(min_length=1, max_length=12)

    @field_validator("sentences", mode="before")
    @classmethod
    def _tidy_sentences(cls, value: Any, info: ValidationInfo) -> Any:
        """Drop sentences that copy the example or are not Chinese (see `tidy`)."""
        return tidy_summary_sentences(value, info.context or {})

    @field_validator("thread", mode="before")
    @classmethod
    def _tidy_labels(cls, value: Any, info: ValidationInfo) -> Any:
        """Shorten long labels and drop repeats first (see `tidy`)."""
        return tidy_labels(value, info.context or {})

    @field_validator("thread")
    @classmethod
    def _labels(cls, value: list[str], info: ValidationInfo) -> list[str]:
        """Keep as many labels as the links asked for; too few or unclean ones: the writer uses the sections' own."""
        _low, high = (info.context or {}).get("links", (1, 10))
        return value[:high]

    @model_validator(mode="after")
    def _names_the_thread(self) -> SummaryOut:
        """Require the first sentence to name the main thread."""
        if "主线" not in self.sentences[0].text:
            raise ValueError("the first sentence must name the day's main thread (contain 主线)")
        return self


class VerifiesOut(_Answer):
    """What one reference was used to verify."""

    id: str
    verifies: str = Field(min_length=5, max_length=VERIFIES_MAX)

    @field_validator("id", mode="before")
    @classmethod
    def _ref(cls, value: Any, info: ValidationInfo) -> str:
        """Check the reference id was in the prompt."""
        ident = str(value).strip().upper()
        known = (info.context or {}).get("refs")
        if known is not None and ident not in known:
            raise ValueError(f"reference id {ident} does not exist (use only {', '.join(sorted(known))})")
        return ident

    @field_validator("verifies", mode="before")
    @classmethod
    def _tidy_phrase(cls, value: Any, info: ValidationInfo) -> Any:
        """Cut a phrase too long at a clause break (see `tidy`)."""
        return shorten_phrase(value, VERIFIES_MAX, info.context or {})

    @field_validator("verifies")
    @classmethod
    def _phrase(cls, value: str, info: ValidationInfo) -> str:
        """Require a Chinese 用于核验… phrase."""
        value = _check_language(value.rstrip("。"), info, "verifies")
        if not value.startswith(("用于核验", "用于补充")):
            raise ValueError("verifies must begin with 用于核验")
        return value


class ReferencesOut(_Answer):
    """The references task's answer."""

    references: list[VerifiesOut] = Field(min_length=1)


class RewriteItem(SentenceOut):
    """One rewritten sentence, named by the id the rewrite request gave it (S1, S2 … or H for the heading)."""

    id: str

    @field_validator("id", mode="before")
    @classmethod
    def _sid(cls, value: Any) -> str:
        """Normalise the sentence id."""
        return str(value).strip().upper()


class RewriteOut(_Answer):
    """The rewrite task's answer."""

    sentences: list[RewriteItem] = Field(default_factory=list)


def validate(answer: str, model: type[T], context: dict[str, Any], *, salvage_cut: bool = False) -> T:
    """Return the answer as a validated `model`, or raise Invalid naming the first problems.

    With `salvage_cut`, an answer cut off mid-JSON is read up to its last complete element.
    """
    data = extract_json(answer, salvage_cut=salvage_cut)
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise Invalid(describe(exc)) from None


def describe(exc: ValidationError) -> str:
    """Turn a pydantic error into one line: where, and what was wrong (at most three problems)."""
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"]) or "the object"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "missing"
        parts.append(f"{where}: {message}")
    more = f" (and {exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
    return "; ".join(parts) + more
