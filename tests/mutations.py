"""The mutation suite: falsify one claim of one sentence of a brief, and rewrite its format, one at a time.

Shared by `tests/test_mutations.py` and `benchmarks/bench_verify.py`. A mutation must be caught
(the verifier finds that sentence unsupported); a format rewrite must not be (a brief written
correctly in other numerals is still supported). Kinds of mutation, as the grounding issue lists them:

- number: a quantity's number ±k (a value no cited article states);
- unit: 亿↔万, %↔个百分点;
- swap: the number replaced by another number of the same cited article (a real number attached to
  the wrong thing: the context-swap rate);
- date: a day (or month, or year) shifted to one no cited article states; impossible: 6月31日, 15月8日;
- actor: an actor replaced by another the brief names and the cited articles do not;
- direction: 增长↔下降, 以上↔以下 (the word before or after a quantity);
- title: a 《title》 shortened to a generic phrase (《实施方案》, 《方案》 …) no cited article names.

Format rewrites: Arabic ↔ Chinese numerals, 19.6万 ↔ 196000, 5% ↔ 百分之五.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from dailybrief.config import load_config
from dailybrief.demo import demo_root, prepare
from dailybrief.demo.siteserver import SiteServer
from dailybrief.models import Brief, Section, Sentence
from dailybrief.pipeline import run_brief
from dailybrief.store.archive import Archive
from dailybrief.verify.claims import Analysis, analyse
from dailybrief.verify.evidence import Evidence, evidence_map, title_forms
from dailybrief.verify.records import Claim
from dailybrief.verify.support import actor_names
from dailybrief.verify.verifier import Verdict, settle, verify_brief

DIGITS = "零一二三四五六七八九"
ARABIC = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
CHANGES = {"增长": "下降", "增加": "减少", "上升": "下降", "提高": "降低", "提升": "降低", "上涨": "下跌",
           "扩大": "缩小", "增至": "降至", "涨幅": "跌幅", "增幅": "降幅", "攀升": "回落"}
BOUNDS = {"以上": "以下", "超过": "不到", "不少于": "不超过", "不低于": "不高于", "逾": "不到"}
CHANGES.update({v: k for k, v in list(CHANGES.items()) if v not in CHANGES})
BOUNDS.update({v: k for k, v in list(BOUNDS.items()) if v not in BOUNDS})
GENERIC_TITLES = ("实施方案", "行动方案", "方案", "实施意见", "意见", "通知", "规划", "计划", "办法", "纲要", "要点",
                  "指南", "报告", "数据集", "文件")
KINDS = ("number", "unit", "swap", "date", "impossible", "actor", "direction", "title")
FORMATS = ("chinese", "arabic", "wan", "percent")


@dataclass(frozen=True)
class Target:
    """A sentence or heading of a brief and what it cites."""

    where: str
    text: str
    cites: tuple[str, ...]
    node: Sentence | Section


@dataclass(frozen=True)
class Mutation:
    """One change to one sentence: its kind, where, the text before and after."""

    kind: str
    where: str
    before: str
    after: str
    node: Sentence | Section


def targets(brief: Brief) -> list[Target]:
    """Return every summary sentence, heading and section sentence of a brief, with what it cites."""
    out = [Target("summary", s.text, s.cites, s) for s in brief.summary]
    for sec in brief.sections:
        cites = tuple(dict.fromkeys(c for p in sec.paragraphs for s in p for c in s.cites))
        out.append(Target(f"section {sec.number} heading", sec.heading, cites, sec))
        out += [Target(f"section {sec.number}", s.text, s.cites, s) for p in sec.paragraphs for s in p]
    return out


def replace_text(brief: Brief, node: Sentence | Section, text: str) -> Brief:
    """Return the brief with one sentence (or one section's heading, given the Section) rewritten."""
    summary = tuple(dataclasses.replace(s, text=text) if s is node else s for s in brief.summary)
    sections = []
    for sec in brief.sections:
        if sec is node:
            sections.append(dataclasses.replace(sec, heading=text))
            continue
        paragraphs = tuple(tuple(dataclasses.replace(s, text=text) if s is node else s for s in p)
                           for p in sec.paragraphs)
        sections.append(dataclasses.replace(sec, paragraphs=paragraphs))
    return dataclasses.replace(brief, summary=summary, sections=tuple(sections))


def chinese_numeral(value: Fraction | int) -> str:
    """Write a non-negative integer or short decimal in Chinese numerals: 1960 → 一千九百六十, 1.9 → 一点九."""
    value = Fraction(value)
    if value.denominator != 1:
        whole, _dot, frac = format(Decimal(value.numerator) / Decimal(value.denominator), "f").partition(".")
        return chinese_numeral(int(whole)) + "点" + "".join(DIGITS[int(c)] for c in frac)
    number = int(value)
    if number == 0:
        return "零"
    out = ""
    for unit_value, unit in ((100_000_000, "亿"), (10_000, "万")):
        if number >= unit_value:
            out += _under_10000(number // unit_value) + unit
            number %= unit_value
            if 0 < number < unit_value // 10:
                out += "零"
    if number:
        out += _under_10000(number)
    return out[1:] if out.startswith("一十") else out


def _under_10000(number: int) -> str:
    """Write 1..9999 in Chinese numerals."""
    out, zero = "", False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit_value % 10
        if digit:
            out += ("零" if zero and out else "") + DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def _show(value: Fraction) -> str:
    """Write a value as Arabic digits: 1960, 19.6."""
    if value.denominator == 1:
        return str(value.numerator)
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f").rstrip("0").rstrip(".")


def _arabic_in(text: str, claim: Claim) -> re.Match[str] | None:
    """Return the first Arabic number inside a claim's span."""
    return ARABIC.search(text, claim.start, claim.end)


def _stated_numbers(cited: Sequence[Evidence], dimension: str | None = None) -> set[Fraction]:
    """Return every number the cited sources state in a quantity (as written), or only in one dimension."""
    return {n for ev in cited for s in ev.quantities if s.claim.quantity
            and dimension in (None, s.claim.quantity.dimension) for n in s.claim.quantity.numbers}


def _number_mutations(t: Target, analysis: Analysis, cited: Sequence[Evidence]) -> Iterator[tuple[str, str]]:
    """Yield (kind, after) for number ±k, unit swaps, context swaps and direction flips of each quantity."""
    text, stated = t.text, _stated_numbers(cited)
    for claim in (c for c in analysis.claims if c.quantity is not None):
        q = claim.quantity
        assert q is not None
        match = _arabic_in(text, claim)
        if match is not None and len(q.numbers) == 1:
            value = Fraction(match.group().replace(",", ""))
            step = Fraction(1, 10 ** len(match.group().partition(".")[2])) if "." in match.group() else 1
            for k in range(1, 40):
                if value + k * step not in stated:
                    yield "number", text[:match.start()] + _show(value + k * step) + text[match.end():]
                    break
            for other in sorted(_stated_numbers(cited, q.dimension) - {value}):
                yield "swap", text[:match.start()] + _show(other) + text[match.end():]
        span = text[claim.start:claim.end]
        for old, new in (("亿", "万"), ("万", "亿"), ("个百分点", "%"), ("%", "个百分点"), ("％", "个百分点")):
            if old in span:
                yield "unit", text[:claim.start] + span.replace(old, new, 1) + text[claim.end:]
                break
        yield from (("direction", flipped) for flipped in _flips(text, claim))


def _flips(text: str, claim: Claim) -> Iterator[str]:
    """Yield the text with the bound word inside a quantity's span, or the change word before it, turned over."""
    q = claim.quantity
    if q is None:
        return
    span = text[claim.start:claim.end]
    bound = next((w for w in sorted(BOUNDS, key=len, reverse=True) if q.bound and w in span), "")
    if bound:
        at = claim.start + span.index(bound)
        yield text[:at] + BOUNDS[bound] + text[at + len(bound):]
    if q.direction:
        window = text[max(0, claim.start - 12):claim.start]
        found = [(window.rfind(w), w) for w in sorted(CHANGES, key=len, reverse=True) if w in window]
        if found:
            at, word = max(found)
            at += max(0, claim.start - 12)
            yield text[:at] + CHANGES[word] + text[at + len(word):]


def _date_mutations(t: Target, analysis: Analysis, cited: Sequence[Evidence]) -> Iterator[tuple[str, str]]:
    """Yield shifted and impossible dates for each date claim with a month and a day (or a year)."""
    text = t.text
    known = {(s.date.month, s.date.day) for ev in cited for s in ev.dates}
    years = {y for ev in cited for s in ev.dates for y in s.years}
    for claim in (c for c in analysis.claims if c.date is not None and c.date.possible):
        date = claim.date
        assert date is not None
        span = text[claim.start:claim.end]
        if date.month and date.day and re.search(r"(\d{1,2})\s*[日号]", span):
            day = re.search(r"(\d{1,2})\s*[日号]", span)
            assert day is not None
            for shift in [*range(1, 10), *range(-1, -10, -1)]:
                new = date.day + shift
                if 1 <= new <= 28 and (date.month, new) not in known:
                    changed = span[:day.start(1)] + str(new) + span[day.end(1):]
                    yield "date", text[:claim.start] + changed + text[claim.end:]
                    break
            impossible = span[:day.start(1)] + str(31 if date.month in (2, 4, 6, 9, 11) else 32) + span[day.end(1):]
            yield "impossible", text[:claim.start] + impossible + text[claim.end:]
        elif date.year and not date.month:
            year = re.search(r"\d{4}", span)
            if year is not None:
                for shift in (1, -1, 2, -2, 3):
                    if date.year + shift not in years:
                        yield "date", text[:claim.start + year.start()] + str(date.year + shift) + \
                            text[claim.start + year.end():]
                        break


def _actor_mutations(t: Target, analysis: Analysis, cited: Sequence[Evidence],
                     named: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Yield the text with one actor replaced by another the brief names that the cited sources do not."""
    for claim in (c for c in analysis.claims if c.kind == "actor"):
        for other in named:
            if other == claim.key or any(n.lower() in ev.folded for ev in cited for n in actor_names(other)):
                continue
            if set(actor_names(other)) & set(actor_names(claim.key)):
                continue
            yield "actor", t.text[:claim.start] + other + t.text[claim.end:]
            break


def _title_mutations(t: Target, analysis: Analysis, cited: Sequence[Evidence]) -> Iterator[tuple[str, str]]:
    """Yield the text with a 《title》 shortened to a generic phrase no cited source names."""
    known = set().union(*(ev.titles for ev in cited)) if cited else set()
    for claim in (c for c in analysis.claims if c.kind == "title" and c.text.startswith("《")):
        inner = claim.text[1:-1]
        words = [w for w in GENERIC_TITLES if w in inner] + [inner[-2:], inner[:4]]
        for word in words:
            if len(word) < len(inner) and not title_forms(word) & known:
                yield "title", t.text[:claim.start] + f"《{word}》" + t.text[claim.end:]
                break


def mutations(brief: Brief, evidence: Mapping[str, Evidence]) -> list[Mutation]:
    """Return every mutation of every sentence and heading of a brief (each a different false claim)."""
    named = list(dict.fromkeys(c.key for t in targets(brief) for c in analyse(t.text).claims if c.kind == "actor"))
    out: list[Mutation] = []
    for t in targets(brief):
        cited = [evidence[c] for c in t.cites if c in evidence]
        if not cited:
            continue
        analysis = analyse(t.text)
        found = [*_number_mutations(t, analysis, cited), *_date_mutations(t, analysis, cited),
                 *_actor_mutations(t, analysis, cited, named), *_title_mutations(t, analysis, cited)]
        out += [Mutation(kind, t.where, t.text, after, t.node) for kind, after in dict.fromkeys(found)
                if after != t.text]
    return out


def rewrites(brief: Brief) -> list[Mutation]:
    """Return format rewrites of every sentence: Arabic ↔ Chinese numerals, 万 ↔ digits, % ↔ 百分之N."""
    out: list[Mutation] = []
    for t in targets(brief):
        text = t.text
        for claim in analyse(text).claims:
            for kind, after in _rewrites(text, claim):
                if after != text:
                    out.append(Mutation(kind, t.where, text, after, t.node))
    return out


def _rewrites(text: str, claim: Claim) -> Iterator[tuple[str, str]]:
    """Yield the format rewrites of one claim."""
    span = text[claim.start:claim.end]
    head, tail = text[:claim.start], text[claim.end:]
    q, date = claim.quantity, claim.date
    match = ARABIC.search(span)
    if q is not None and len(q.numbers) == 1:
        number = q.numbers[0]
        if match is not None and q.unit and not q.unit.startswith(("%", "个百分点")) and number < 100_000:
            yield "chinese", head + span[:match.start()] + chinese_numeral(number) + span[match.end():] + tail
        if match is None and q.unit and not q.unit.startswith("%") and number.denominator == 1 \
                and not span.startswith("百分之"):
            digits = re.search(r"[零〇一二三四五六七八九十百千两]+", span)
            if digits is not None:
                yield "arabic", head + span[:digits.start()] + _show(number) + span[digits.end():] + tail
        if match is not None and q.unit[:1] in ("万", "亿") and (number * (10_000 if q.unit[0] == "万" else
                                                                        100_000_000)).denominator == 1:
            scale = 10_000 if q.unit[0] == "万" else 100_000_000
            yield "wan", head + span[:match.start()] + _show(number * scale) + span[match.end() + 1:] + tail
        if match is not None and not q.unit and number >= 10_000 and number % 100 == 0:
            yield "wan", head + span[:match.start()] + _show(number / 10_000) + "万" + span[match.end():] + tail
        if match is not None and span[match.end():match.end() + 1] in ("%", "％"):
            yield "percent", head + span[:match.start()] + "百分之" + chinese_numeral(number) + \
                span[match.end() + 1:] + tail
    if date is not None and date.possible and match is not None:
        yield "chinese", head + ARABIC.sub(lambda m: _year_or_number(m.group()), span) + tail


def _year_or_number(digits: str) -> str:
    """Write a year digit by digit (2028 → 二〇二八) and any other number as a Chinese numeral."""
    if len(digits) == 4:
        return "".join("〇" if c == "0" else DIGITS[int(c)] for c in digits)
    return chinese_numeral(int(digits))


def verdict_on(change: Mutation, cites: Sequence[str], evidence: Mapping[str, Evidence]) -> Verdict | None:
    """Verify the changed sentence against what it cites (as `verify_brief` does); its verdict when unsupported."""
    _kept, verdict = settle(change.where, Sentence(change.after, tuple(cites)), evidence, repair=False)
    return verdict if verdict.status == "unsupported" else None


def cites_of(brief: Brief) -> dict[int, tuple[str, ...]]:
    """Return what each sentence and heading of a brief cites, by the identity of its node."""
    return {id(t.node): t.cites for t in targets(brief)}


@dataclass(frozen=True)
class Score:
    """What the suite found on one brief: [caught, made] per kind, [flagged, made] per format, and the details."""

    caught: dict[str, list[int]]
    missed: list[tuple[str, str, str]]
    alarms: dict[str, list[int]]
    false_alarms: list[tuple[str, str, tuple[str, ...]]]
    written_alarms: list[tuple[str, tuple[str, ...]]]


def score(brief: Brief, evidence: Mapping[str, Evidence]) -> Score:
    """Run every mutation and rewrite: caught counts per kind, false alarms per format, and what was missed."""
    cites = cites_of(brief)
    caught = {k: [0, 0] for k in KINDS}
    missed: list[tuple[str, str, str]] = []
    for change in mutations(brief, evidence):
        caught[change.kind][1] += 1
        if verdict_on(change, cites[id(change.node)], evidence) is not None:
            caught[change.kind][0] += 1
        else:
            missed.append((change.kind, change.before, change.after))
    alarms = {k: [0, 0] for k in FORMATS}
    false_alarms: list[tuple[str, str, tuple[str, ...]]] = []
    for change in rewrites(brief):
        alarms[change.kind][1] += 1
        verdict = verdict_on(change, cites[id(change.node)], evidence)
        if verdict is not None:
            alarms[change.kind][0] += 1
            false_alarms.append((change.kind, change.after, verdict.missing))
    _out, as_written = verify_brief(brief, evidence, repair=False)
    return Score(caught, missed, alarms, false_alarms,
                 [(v.text, v.missing) for v in as_written if v.status == "unsupported"])


def _brief_and_evidence(config_path: Path, day: dt.date, work: Path) -> tuple[Brief, dict[str, Evidence]]:
    """Run the pipeline on a served site and return its brief and the evidence of its references."""
    db = work / "archive.db"
    run = run_brief(load_config(config_path), db, day, work / "out")
    with Archive(db) as archive:
        evidence = evidence_map(((r.id, r.url) for r in run.brief.references), archive.article_by_url)
    return run.brief, evidence


def shared_day(corpus: Path, work: Path) -> tuple[Brief, dict[str, Evidence]]:
    """Return the brief `dailybrief run` writes for a shared corpus (served on loopback) and its evidence."""
    config_text = (corpus / "config.toml").read_text(encoding="utf-8")
    day = dt.date.fromisoformat(str(tomllib.loads(config_text)["brief"]["date"]))
    work.mkdir(parents=True, exist_ok=True)
    with SiteServer(corpus / "site") as server:
        config = work / "config.toml"
        config.write_text(server.substitute(config_text), encoding="utf-8")
        return _brief_and_evidence(config, day, work)


DEMO_DAY = dt.date(2026, 11, 20)


def demo_day(work: Path) -> tuple[Brief, dict[str, Evidence]]:
    """Return the brief of the bundled demo site (the project's own test pages) and its evidence."""
    with SiteServer(demo_root() / "site") as server:
        return _brief_and_evidence(prepare(work, server), DEMO_DAY, work)
