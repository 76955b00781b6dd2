"""Pure edits of a brief.json: sentence addresses, text changes, dropping and adding sections, verification.

An address names one editable piece of a brief and survives other edits: `sum.K` (the
K-th summary sentence), `head.STORY` (a section heading) and `sec.STORY.P.K` (sentence K
of paragraph P of the section written from story STORY). Every function returns a new
object and leaves its input alone.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from dailybrief.models import Sentence
from dailybrief.render.documents import chinese_number
from dailybrief.verify.evidence import Evidence
from dailybrief.verify.verifier import settle

Data = dict[str, Any]

ADDRESS = re.compile(r"^(?:sum\.\d{1,4}|head\.[A-Za-z0-9_-]{1,64}|sec\.[A-Za-z0-9_-]{1,64}\.\d{1,3}\.\d{1,4})$")
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# The summary's main-thread sentence, as the writer makes it now (“A—B”的贯通) and made it before (A—B的协同推进).
THREAD_SENTENCE = re.compile(r"^(今日.{1,40}?动态的主线，是“?)(.+?)(”?的(?:贯通|协同推进)。)$")
MAX_TEXT = 2000
AUTHOR_MARK = "edited"


class EditError(ValueError):
    """An edit that cannot be applied; the message (Chinese) is shown to the editor."""


@dataclass(frozen=True)
class Slot:
    """One editable piece of a brief: a summary or section sentence, or a heading."""

    addr: str
    text: str
    cites: tuple[str, ...]
    kind: str  # fact | analysis | heading
    status: str  # how it came to be: extractive | verified | replaced | composed | edited
    section: str | None


def section_key(section: Mapping[str, Any]) -> str:
    """Return the stable key of a section: its story id, or n<number> for a hand-made section."""
    story = str(section.get("story") or "")
    return story if _KEY.match(story) else f"n{section.get('number', 0)}"


def reference_urls(data: Data, only: Collection[str] | None = None) -> list[tuple[str, str]]:
    """Return (id, url) of a brief's references, or of only these ids."""
    return [(str(r["id"]), str(r.get("url", ""))) for r in data.get("references", [])
            if only is None or str(r["id"]) in only]


def section_cites(section: Mapping[str, Any]) -> tuple[str, ...]:
    """Return every reference a section's sentences cite (what its heading may draw on)."""
    return tuple(dict.fromkeys(c for p in section.get("paragraphs", []) for s in p.get("sentences", [])
                               for c in s.get("cites", [])))


def _slot(addr: str, s: Mapping[str, Any], section: str | None) -> Slot:
    """Return the slot of a sentence object."""
    return Slot(addr, str(s.get("text", "")), tuple(str(c) for c in s.get("cites", [])),
                "analysis" if s.get("kind") == "analysis" else "fact", str(s.get("status", "")), section)


def slots(data: Data) -> list[Slot]:
    """Return every editable piece in reading order."""
    out = [_slot(f"sum.{k}", s, None) for k, s in enumerate((data.get("summary") or {}).get("sentences", []))]
    for sec in data.get("sections", []):
        key = section_key(sec)
        out.append(Slot(f"head.{key}", str(sec.get("heading", "")), section_cites(sec), "heading",
                        str(sec.get("heading_status", "")), key))
        for p, para in enumerate(sec.get("paragraphs", [])):
            out += [_slot(f"sec.{key}.{p}.{k}", s, key) for k, s in enumerate(para.get("sentences", []))]
    return out


def slot_map(data: Data) -> dict[str, Slot]:
    """Return the slots by address."""
    return {s.addr: s for s in slots(data)}


def describe(data: Data, addr: str) -> str:
    """Name an address for an editor: 摘要第2句, 一、标题, 二、第1段第3句."""
    parts = addr.split(".")
    if parts[0] == "sum":
        return f"摘要第{int(parts[1]) + 1}句"
    number = next((int(s.get("number", 0)) for s in data.get("sections", []) if section_key(s) == parts[1]), 0)
    head = f"{chinese_number(number)}、" if 0 < number < 100 else "已撤下的一节 "
    if parts[0] == "head":
        return head + "标题"
    return f"{head}第{int(parts[2]) + 1}段第{int(parts[3]) + 1}句"


def clean_text(text: str) -> str:
    """Fold white space in an editor's text; refuse empty or overlong text."""
    cleaned = re.sub(r"\s+", " ", text).strip()
    if not cleaned:
        raise EditError("内容不能为空")
    if len(cleaned) > MAX_TEXT:
        raise EditError(f"内容过长（最多 {MAX_TEXT} 字）")
    return cleaned


def set_text(data: Data, addr: str, text: str) -> Data:
    """Return the brief with the piece at `addr` replaced by `text` and marked as edited."""
    if not ADDRESS.match(addr):
        raise EditError("无效的句子地址")
    out = copy.deepcopy(data)
    parts = addr.split(".")
    if parts[0] == "sum":
        sentences = (out.get("summary") or {}).get("sentences", [])
        index = int(parts[1])
        if index >= len(sentences):
            raise EditError("找不到该句")
        sentences[index].update(text=text, status=AUTHOR_MARK)
        return out
    section = next((s for s in out.get("sections", []) if section_key(s) == parts[1]), None)
    if section is None:
        raise EditError("找不到该节")
    if parts[0] == "head":
        section.update(heading=text, heading_status=AUTHOR_MARK)
        return out
    p, k = int(parts[2]), int(parts[3])
    paragraphs = section.get("paragraphs", [])
    if p >= len(paragraphs) or k >= len(paragraphs[p].get("sentences", [])):
        raise EditError("找不到该句")
    paragraphs[p]["sentences"][k].update(text=text, status=AUTHOR_MARK)
    return out


@dataclass(frozen=True)
class Checked:
    """Per-address verdicts ({"status", "missing", "claims": the unsupported claims}) and the brief list's counts."""

    verdicts: dict[str, dict[str, Any]]
    sentences: int
    checked: int
    unsupported: int


def verify_data(data: Data, evidence: Mapping[str, Evidence]) -> Checked:
    """Check every sentence and heading against the references it cites; repair nothing."""
    verdicts: dict[str, dict[str, Any]] = {}
    sentences = checked = unsupported = 0
    for slot in slots(data):
        _same, verdict = settle(slot.addr, Sentence(slot.text, slot.cites), evidence, repair=False)
        verdicts[slot.addr] = {"status": verdict.status, "missing": list(verdict.missing),
                               "claims": [c.to_json() for c in verdict.claims if not c.supported]}
        if slot.kind != "heading":
            sentences += 1
            checked += bool(verdict.claims)
        unsupported += verdict.status == "unsupported"
    return Checked(verdicts, sentences, checked, unsupported)


def changes(old: Data, new: Data) -> list[tuple[str, str | None, str | None]]:
    """Return (address, old text, new text) for every piece added, removed or changed."""
    a, b = slot_map(old), slot_map(new)
    out = []
    for addr in dict.fromkeys([*a, *b]):
        before = a[addr].text if addr in a else None
        after = b[addr].text if addr in b else None
        if before != after:
            out.append((addr, before, after))
    return out


# ------------------------------------------------------------------------------- sections


def _renumber(data: Data) -> None:
    """Renumber the sections 1..n in place."""
    for i, sec in enumerate(data.get("sections", []), 1):
        sec["number"] = i


def _cited(data: Data) -> set[str]:
    """Return every reference id a sentence cites."""
    return {c for s in slots(data) if s.kind != "heading" for c in s.cites}


def _retitle_thread(data: Data, old_thread: list[str]) -> None:
    """Rewrite the summary's main-thread sentence if it still names the old thread."""
    sentences = (data.get("summary") or {}).get("sentences", [])
    if not sentences:
        return
    match = THREAD_SENTENCE.match(str(sentences[0].get("text", "")))
    if match and match.group(2) == "—".join(old_thread) and data.get("thread"):
        sentences[0]["text"] = match.group(1) + "—".join(data["thread"]) + match.group(3)


def _summary_shaped(data: Data, sections: int) -> bool:
    """Say whether the summary is [thread sentence, one clause per section, an uncited closing line or none].

    The closing line is the publisher's 编者按 (or, in briefs written before it, a judgement).
    """
    sentences = (data.get("summary") or {}).get("sentences", [])
    closing = 1 if len(sentences) > 1 and not sentences[-1].get("cites") else 0
    return len(sentences) - closing == sections + 1


def drop_section(data: Data, key: str) -> Data:
    """Return the brief without the section written from story `key` (its summary clause and references too)."""
    out = copy.deepcopy(data)
    sections = out.get("sections", [])
    index = next((i for i, s in enumerate(sections) if section_key(s) == key), None)
    if index is None:
        raise EditError("该报道不在简报中")
    if len(sections) == 1:
        raise EditError("简报至少要保留一节")
    shaped = _summary_shaped(out, len(sections))
    old_thread = list(out.get("thread", []))
    dropped = sections.pop(index)
    if len(old_thread) == len(sections) + 1:
        out["thread"] = old_thread[:index] + old_thread[index + 1:]
    summary = (out.get("summary") or {}).get("sentences", [])
    if shaped:
        del summary[index + 1]
    else:
        only_there = set(section_cites(dropped)) - {c for s in sections for c in section_cites(s)}
        summary[:] = [s for s in summary if not s.get("cites") or not set(s["cites"]) <= only_there]
    _renumber(out)
    _retitle_thread(out, old_thread)
    cited = _cited(out)
    out["references"] = [r for r in out.get("references", []) if r.get("role") == "background" or r["id"] in cited]
    return out


def _next_ref_number(references: list[dict[str, Any]]) -> int:
    """Return the number after the highest R<n> id in use."""
    numbers = [int(r["id"][1:]) for r in references if re.fullmatch(r"R\d+", str(r.get("id", "")))]
    return max(numbers, default=0) + 1


def add_section(data: Data, written: Data, position: int) -> Data:
    """Return the brief with the section of a one-story brief `written` inserted at `position` (0-based).

    `written` is what compose_brief made for that story alone: its references are renumbered
    into this brief's (a source already cited keeps its id), its summary clause goes into the
    summary, and its thread label into the thread.
    """
    if not written.get("sections"):
        raise EditError("这篇报道写不出可核验的句子")
    out = copy.deepcopy(data)
    section = copy.deepcopy(written["sections"][0])
    key = section_key(section)
    if any(section_key(s) == key for s in out.get("sections", [])):
        raise EditError("该报道已在简报中")
    references = out.setdefault("references", [])
    by_url = {r["url"]: r["id"] for r in references}
    mapping: dict[str, str] = {}
    new_refs: list[dict[str, Any]] = []
    for ref in written.get("references", []):
        if ref.get("role") == "background":
            continue
        if ref["url"] in by_url:
            mapping[ref["id"]] = by_url[ref["url"]]
            continue
        new_id = f"R{_next_ref_number(references + new_refs)}"
        mapping[ref["id"]] = new_id
        new_refs.append({**ref, "id": new_id})
    first_background = next((i for i, r in enumerate(references) if r.get("role") == "background"), len(references))
    references[first_background:first_background] = new_refs

    def recite(sentence: dict[str, Any]) -> dict[str, Any]:
        """Return the sentence citing this brief's reference ids."""
        return {**sentence, "cites": [mapping.get(c, c) for c in sentence.get("cites", [])]}

    for para in section.get("paragraphs", []):
        para["sentences"] = [recite(s) for s in para.get("sentences", [])]
    sections = out.setdefault("sections", [])
    position = max(0, min(position, len(sections)))
    shaped = _summary_shaped(out, len(sections))
    sections.insert(position, section)
    old_thread = list(out.get("thread", []))
    label = list(written.get("thread", []))[:1]
    if label and len(old_thread) == len(sections) - 1:
        out["thread"] = old_thread[:position] + label + old_thread[position:]
    clauses = [recite(s) for s in (written.get("summary") or {}).get("sentences", [])[1:] if s.get("cites")]
    summary = out.setdefault("summary", {}).setdefault("sentences", [])
    at = position + 1 if shaped else max(len(summary) - 1, 0)
    summary[at:at] = clauses[:1]
    _renumber(out)
    _retitle_thread(out, old_thread)
    return out
