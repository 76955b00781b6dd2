"""Reading what a model answered: reasoning and fences stripped, the JSON found, the shape validated.

Models wrap their JSON in `<think>` blocks, Markdown fences and chatter, break it, cut it
off, answer in English or not at all. Everything here turns an answer into a validated
pydantic object or an `Invalid` whose one-line message can be sent back to the model in a
repair request.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.S | re.I)
_OPEN_THINK = re.compile(r"<(?:think|thinking|reasoning)>", re.I)
_CLOSE_THINK = re.compile(r"</(?:think|thinking|reasoning)>", re.I)
_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*\n?(.*?)```", re.S)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_EVIDENCE_ID = re.compile(r"^\s*[\[【(（]?\s*([A-Za-z]?)\s*(\d{1,4})\s*[\]】)）]?\s*$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")

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


def extract_json(answer: str) -> dict[str, Any]:
    """Return the first JSON object in an answer, tolerating reasoning, fences and text around it."""
    text = strip_reasoning(answer)
    if not text:
        raise Invalid("the answer was empty" if not answer.strip() else "the answer held only reasoning, no JSON")
    pieces = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    first_error = ""
    for piece in pieces:
        for start in (m.start() for m in re.finditer(r"\{", piece)):
            if piece.count("{", 0, start) > piece.count("}", 0, start):
                continue  # inside an object that did not parse: its inner objects are not the answer
            for candidate in (piece[start:], _TRAILING_COMMA.sub(r"\1", piece[start:])):
                try:
                    found, _end = json.JSONDecoder().raw_decode(candidate)
                except json.JSONDecodeError as exc:
                    first_error = first_error or f"{exc.msg} at line {exc.lineno} column {exc.colno}"
                    continue
                if isinstance(found, dict):
                    return found
    if first_error:
        raise Invalid(f"the JSON is broken: {first_error}")
    raise Invalid("the answer holds no JSON object")


def is_chinese(text: str) -> bool:
    """Say whether a text is written in Chinese (Han characters outnumber Latin letters; AI, GDP are fine)."""
    han = len(_HAN.findall(text))
    return han >= 2 and han >= len(_LATIN.findall(text))


def _id_list(value: Any, info: ValidationInfo) -> list[str]:
    """Normalise evidence ids (E3, "e3", 3, "[E3]") and check each exists in the prompt that was sent."""
    items = value if isinstance(value, list) else [value] if value not in (None, "") else []
    prefix = str((info.context or {}).get("prefix", "E"))
    known = (info.context or {}).get("ids")
    out: list[str] = []
    for item in items:
        match = _EVIDENCE_ID.match(str(item))
        if not match or (match.group(1) and match.group(1).upper() != prefix):
            raise ValueError(f"{item!r} is not an evidence id like {prefix}3")
        ident = f"{prefix}{int(match.group(2))}"
        if known is not None and ident not in known:
            raise ValueError(f"evidence id {ident} does not exist (use only {_span(known, prefix)})")
        if ident not in out:
            out.append(ident)
    return out


def _span(known: Any, prefix: str) -> str:
    """Describe the valid ids, e.g. E1–E23."""
    numbers = sorted(int(k[len(prefix):]) for k in known if str(k)[len(prefix):].isdigit())
    return f"{prefix}{numbers[0]}–{prefix}{numbers[-1]}" if numbers else "the ids given"


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
        """Require evidence ids where the task asks for them."""
        if (info.context or {}).get("require_evidence", True) and not self.evidence:
            raise ValueError("every sentence must list the evidence ids it rests on")
        return self


class SectionOut(_Answer):
    """The section task's answer: heading, fact sentences, interpretation."""

    heading: str = Field(min_length=6, max_length=48)
    facts: list[SentenceOut] = Field(min_length=1, max_length=10)
    interpretation: list[SentenceOut] = Field(default_factory=list, max_length=3)

    @field_validator("heading")
    @classmethod
    def _heading(cls, value: str, info: ValidationInfo) -> str:
        """Require the form "event，implication" in Chinese."""
        value = _check_language(value.replace(",", "，").rstrip("。"), info, "the heading")
        if "，" not in value:
            raise ValueError("the heading must be 'event，implication' with a Chinese comma between them")
        return value


class SummaryOut(_Answer):
    """The summary task's answer: the main thread's keywords and the summary sentences."""

    thread: list[str] = Field(min_length=1, max_length=10)
    sentences: list[SentenceOut] = Field(min_length=2, max_length=12)

    @field_validator("thread")
    @classmethod
    def _labels(cls, value: list[str], info: ValidationInfo) -> list[str]:
        """Require short Chinese labels, one per section."""
        labels = [v.strip(" “”\"'《》") for v in value]
        wanted = (info.context or {}).get("sections")
        if wanted is not None and len(labels) != wanted:
            raise ValueError(f"thread must have exactly {wanted} labels, one per section in order")
        for label in labels:
            if not 2 <= len(label) <= 12:
                raise ValueError(f"thread label {label!r} must be 2 to 12 characters")
            _check_language(label, info, "every thread label")
        return labels

    @model_validator(mode="after")
    def _names_the_thread(self) -> SummaryOut:
        """Require the first sentence to name the main thread."""
        if "主线" not in self.sentences[0].text:
            raise ValueError("the first sentence must name the day's main thread (contain 主线)")
        return self


class VerifiesOut(_Answer):
    """What one reference was used to verify."""

    id: str
    verifies: str = Field(min_length=5, max_length=80)

    @field_validator("id", mode="before")
    @classmethod
    def _ref(cls, value: Any, info: ValidationInfo) -> str:
        """Check the reference id was in the prompt."""
        ident = str(value).strip().upper()
        known = (info.context or {}).get("refs")
        if known is not None and ident not in known:
            raise ValueError(f"reference id {ident} does not exist (use only {', '.join(sorted(known))})")
        return ident

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


def validate(answer: str, model: type[T], context: dict[str, Any]) -> T:
    """Return the answer as a validated `model`, or raise Invalid naming the first problems."""
    data = extract_json(answer)
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
