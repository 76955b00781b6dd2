"""Putting right what a small model gets nearly right, before its answer is validated.

What Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, llama.cpp) and models like it do, and what is done:
- a list given as one string or one object (an interpretation as a string instead of a list of
  objects), sentences as bare strings: wrapped;
- evidence ids as "E3、E5", "E3-E5", "3", a list in the text ("…（E3）"): read; ids the prompt never
  gave (invented, E0, E99): dropped; a sentence left with none gets the evidence sentence its
  wording matches best (character bigrams, at least MATCH_SHARE), else it is dropped;
- one sentence in English (or with no Chinese) among Chinese ones: dropped;
- a heading past the limit: shortened at word boundaries (the event, then the implication),
  never thrown away; "event：implication", "event——implication" or "event implication": split
  there; an event alone: completed with the implication of the extractive writer's heading for
  the same story (`context["extractive_heading"]`);
- thread labels too long, repeated or not Chinese (2026年): shortened, dropped;
- a reference's 用于核验… phrase too long: cut at a clause break.
Every change is named in `context["tidied"]` (a list), so a run can report what the model did.
What cannot be put right is left for validation to reject (and the repair request to explain).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableSequence
from typing import Any

from dailybrief.verify.claims import fold
from dailybrief.write.headings import cut_at_word

HEADING_MAX = 32  # a longer heading is a style defect (`dailybrief lint`); the prompt asks for 28
EVENT_MAX = 18
IMPLICATION_MAX = 14
LABEL_MAX = 8
MATCH_SHARE = 0.5
_ID = re.compile(r"[Ee]\s*(\d{1,4})")
_RANGE = re.compile(r"[Ee]\s*(\d{1,4})\s*[-—–~～至到]\s*[Ee]?\s*(\d{1,4})")
_BARE_NUMBER = re.compile(r"^\s*[\[【(（]?\s*(\d{1,4})\s*[\]】)）]?\s*$")
_IDS_IN_TEXT = re.compile(r"\s*[（(\[【]\s*(?:[Ee]\d{1,4}\s*[、,，;；和及\s]*)+[）)\]】]\s*")
_SEPARATORS = ("，", ",", "：", ":", "——", "—", "；", " ")
_TRAILING = "的和与及、，,：:；;（(《“ 在对为把将被从向于等"
# What a heading part can lose and still say the same, tried in order until it fits.
_DOC_KIND = r"(?:实施|行动|工作|指导)?(?:方案|意见|通知|办法|规划|计划|措施|细则|决定|规定|要点|纲要|指南|条例)"
_SHORTER = (
    (re.compile(r"[（(][^（）()]*[）)]"), ""),  # asides: （试行）, （2026年）
    # a whole 《title》 → the kind of document it is (发布《关于…的实施方案》 → 发布实施方案), never a title cut short
    (re.compile(rf"《[^《》]*?({_DOC_KIND})》"), r"\1"),
    (re.compile(rf"关于[^，。；《》]{{2,40}}?的(?={_DOC_KIND})"), ""),  # 印发关于推进…的实施方案 → 印发实施方案
    # 在深圳南山区启动 → 启动
    (re.compile(r"在[^，、。；在]{2,10}?(?=正式|启动|举行|举办|召开|开幕|发布|印发|开展|上线)"), ""),
    (re.compile(r"正式|进一步|全面|大力|积极|深入|扎实|有序"), ""),
)
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def _note(context: Mapping[str, Any], what: str) -> None:
    """Record one change made to the answer."""
    tidied = context.get("tidied")
    if isinstance(tidied, MutableSequence):
        tidied.append(what)


def is_chinese(text: str) -> bool:
    """Say whether a text is written in Chinese (Han characters outnumber Latin letters; AI, GDP are fine)."""
    han = len(_HAN.findall(text))
    return han >= 2 and han >= len(_LATIN.findall(text))


def read_ids(value: Any) -> list[str]:
    """Return the evidence ids a value names: "E3", "e3", 3, "E3、E5", "E3-E5", ["E3", "[E4]"] (in order, once each)."""
    parts = value if isinstance(value, list) else [value]
    found: list[str] = []
    for part in parts:
        if isinstance(part, bool) or part is None:
            continue
        text = str(part)
        bare = _BARE_NUMBER.match(text)
        if bare:
            found.append(f"E{int(bare.group(1))}")
            continue
        for a, b in _RANGE.findall(text):
            low, high = sorted((int(a), int(b)))
            found += [f"E{n}" for n in range(low, min(high, low + 20) + 1)]
        found += [f"E{int(n)}" for n in _ID.findall(_RANGE.sub("", text))]
    return list(dict.fromkeys(found))


def copies_example(text: str, context: Mapping[str, Any]) -> bool:
    """Say whether a text copies a blank of the prompt's example answer (（导语：…）) instead of filling it."""
    return any(blank in text or blank.strip("（）") == text.strip() for blank in context.get("blanks", ()))


def bigrams(text: str) -> set[str]:
    """Return a text's character bigrams in compared form (what "says the same thing" is measured in)."""
    folded = fold(text)
    return {folded[i:i + 2] for i in range(len(folded) - 1)}


def best_match(text: str, items: Mapping[str, str]) -> str | None:
    """Return the id of the evidence sentence a sentence's wording comes from (MATCH_SHARE of its bigrams), if any."""
    grams = bigrams(text)
    if not grams:
        return None
    scored = [(len(grams & bigrams(t)) / len(grams), ident) for ident, t in items.items()]
    share, ident = max(scored, default=(0.0, ""))
    return ident if share >= MATCH_SHARE else None


def _sentence(raw: Any, context: Mapping[str, Any], what: str) -> dict[str, Any] | None:
    """Return one sentence object with known evidence ids, or None when it cannot be used (and say why)."""
    if isinstance(raw, str):
        raw = {"text": raw}
        _note(context, f"{what} given as a bare string")
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        return None
    text = raw["text"]
    if copies_example(text, context):
        _note(context, f"{what} copying the example dropped")
        return None
    ids = read_ids(raw.get("evidence", raw.get("evidences", raw.get("ids", []))))
    inline = _IDS_IN_TEXT.findall(text)
    if inline:
        ids += [i for i in read_ids(" ".join(inline)) if i not in ids]
        text = _IDS_IN_TEXT.sub("", text).strip()
    if context.get("chinese", True) and not is_chinese(text):
        _note(context, f"{what} not in Chinese dropped")
        return None
    known = context.get("ids")
    texts: Mapping[str, str] = context.get("texts") or {}
    if known is not None:
        kept = [i for i in ids if i in known]
        if len(kept) < len(ids):
            _note(context, f"invented evidence id dropped ({', '.join(i for i in ids if i not in known)})")
        ids = kept
    if not ids and context.get("require_evidence", True):
        match = best_match(text, texts)
        if match is None:
            _note(context, f"{what} without evidence ids dropped")
            return None
        ids = [match]
        _note(context, f"{what} without evidence ids matched to its evidence")
    return {**raw, "text": text, "evidence": ids}


def _sentences(value: Any, context: Mapping[str, Any], what: str) -> Any:
    """Return a list of usable sentence objects from whatever shape the model gave.

    When none is usable the list comes back as the model gave it, so validation names what is
    wrong (English, an evidence id that does not exist) for the repair request.
    """
    if isinstance(value, (str, dict)):
        _note(context, f"{what} given as one {'string' if isinstance(value, str) else 'object'}, not a list")
        value = [value]
    if not isinstance(value, list):
        return value
    usable = [s for s in (_sentence(v, context, what) for v in value) if s is not None]
    return usable if usable or not value else value


def clip_words(text: str, limit: int) -> str:
    """Return the longest run of whole words from the start within `limit` characters (the headings' cut)."""
    if len(text) <= limit:
        return text
    out = cut_at_word(text, limit).rstrip(_TRAILING)
    return out if len(out) >= 2 else text[:limit].rstrip(_TRAILING)


def shorter(text: str, limit: int) -> str:
    """Return a heading part within `limit` characters: what it can lose left out first, then cut at a word."""
    for pattern, replacement in _SHORTER:
        if len(text) <= limit:
            return text
        text = pattern.sub(replacement, text).strip()
    return clip_words(text, limit)


def shorten_heading(heading: str, context: Mapping[str, Any] | None = None) -> str:
    """Return a heading as "event，implication" within HEADING_MAX characters, shortened at word boundaries."""
    text = " ".join(heading.split()).rstrip("。.！!")
    if "，" not in text:
        for sep in _SEPARATORS[1:]:
            if sep in text.strip():
                event, _s, rest = text.strip().partition(sep)
                if event.strip() and rest.strip():
                    text = f"{event.strip()}，{rest.strip()}"
                    break
    fallback = (context or {}).get("extractive_heading", "")
    if "，" not in text and text and "，" in fallback:
        # An event alone: the implication the extractive writer gives the same story completes it, so one
        # missing comma costs no repair request and no section.
        text = f"{shorter(text, EVENT_MAX)}，{fallback.partition('，')[2]}"
        _note(context or {}, "a heading without an implication: the extractive implication added")
    if "，" not in text or len(text) <= HEADING_MAX:
        return text
    event, _sep, implication = text.partition("，")
    implication = re.split(r"[，；;、]", implication)[0]
    event = shorter(event, max(EVENT_MAX, HEADING_MAX - 1 - min(len(implication), IMPLICATION_MAX)))
    implication = shorter(implication, HEADING_MAX - 1 - len(event))
    if context is not None:
        _note(context, "heading shortened")
    return f"{event}，{implication}"


def tidy_section(data: Any, context: Mapping[str, Any]) -> Any:
    """Put a section answer's near-misses right (see the module docstring)."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    if isinstance(out.get("heading"), str):
        out["heading"] = shorten_heading(out["heading"], context)
    out["facts"] = _sentences(out.get("facts", []), context, "a fact")
    interpretation = out.get("interpretation", out.get("interpretations", []))
    found = _sentences(interpretation, {**context, "require_evidence": False}, "the interpretation")
    if not isinstance(found, list) or not all(isinstance(s, dict) and "evidence" in s for s in found):
        out["interpretation"] = found
        return out
    cited = [i for f in out["facts"] if isinstance(f, dict) for i in f.get("evidence", []) if isinstance(i, str)]
    for sentence in found:
        if not sentence["evidence"]:  # it interprets the section's facts: it rests on what they cite
            sentence["evidence"] = list(dict.fromkeys(cited))
            _note(context, "the interpretation cites the facts' evidence")
    out["interpretation"] = found[:1]
    if len(found) > 1:
        _note(context, "a second interpretation sentence left out")
    return out


def tidy_summary_sentences(value: Any, context: Mapping[str, Any]) -> Any:
    """Return the summary's usable sentences (one copying the example's blank, （第一节的一句概括）, is dropped)."""
    return _sentences(value, context, "summary sentence")


def is_clean_label(label: str) -> bool:
    """Say whether a thread label is a plain concept: Chinese words, letters or digits, no punctuation or cut."""
    return bool(re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9+×]{2,8}", label))


def tidy_labels(value: Any, context: Mapping[str, Any]) -> Any:
    """Shorten thread labels to LABEL_MAX characters at word boundaries; drop repeats and labels not in Chinese."""
    if isinstance(value, str):
        value = re.split(r"[—、，,\s]+", value)
    if not isinstance(value, list):
        return value
    labels: list[str] = []
    for raw in value:
        label = str(raw).strip(" “”\"'《》")
        if len(label) > LABEL_MAX:
            label = clip_words(label, LABEL_MAX)
            _note(context, "thread label shortened")
        if label and (len(label) < 2 or (context.get("chinese", True) and not is_chinese(label))):
            _note(context, "a thread label not in Chinese dropped")  # 2026年, AI: not a concept of the day
            continue
        if label and not any(label in seen or seen in label for seen in labels):
            labels.append(label)
        elif label:
            _note(context, "repeated thread label dropped")
    return labels


def shorten_phrase(value: Any, limit: int, context: Mapping[str, Any]) -> Any:
    """Return a phrase cut to `limit` characters: at its last clause break within it, else at a word."""
    if not isinstance(value, str) or len(value.strip()) <= limit:
        return value
    text = value.strip().rstrip("。")
    if len(text) > limit:
        breaks = [m.start() for m in re.finditer(r"[，；,;]", text[:limit + 1])]
        text = text[:breaks[-1]] if breaks and breaks[-1] >= limit // 2 else clip_words(text, limit)
        _note(context, "a phrase shortened")
    return text
