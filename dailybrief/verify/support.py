"""Support: a claim is supported only when a cited source states the same claim.

- A quantity: a cited sentence states the same value in a compatible unit (万/亿 and 元/万元/亿元,
  公里/米 … convert; % and 个百分点 never; the generic 个 compares with any measure word), with
  the same direction (增长 is not 下降) and bound (以上 is not 以下) when the claim has one, and
  the claim's subject words overlap that sentence (at least half of them). A one-value claim may
  be one end of a stated range. It is not supported when a clause of the source whose subject is
  much more alike (shared over all words) states another value of the same unit: a number moved
  to the wrong thing, or when the same clause (the same words in the same order) states its
  figures in another order (分别增长42.5%和31.7%), or when no supporting clause has the figure
  between the claim's two words (设置…个赛道, 从…提升至) and a clause at least as alike has another
  value just there. The publication date never supports a number.
- A date: a cited article states it (year, month, day and 上旬/月底 parts as far as the claim
  gives them); a month–day the article gives without a year belongs to its publication year or
  to the year it last stated before in that paragraph. An impossible date is never supported.
- A 《title》: a 《…》 span of a cited article, its own title or a line of it, or a name it is
  published under; brackets at the end, such as （2024—2026年）, may be left out but not changed;
  a substring of a longer title is not. A document number or code must occur as written.
- A quote: every piece between its ellipses occurs in a cited article (quote marks, white space and
  full-width forms ignored).
- An actor: a cited article names it or an alias (工信部 = 工业和信息化部), or, for an organisation
  built from parts (衡阳市 + 数据局), one sentence of it names every part; 广东省 is named by 广东.
- An outcome (提高了, 已建成, 取得): a cited sentence states the verb or one of its group as done or
  plainly, not only as a plan (将提高, 到2030年…提高), naming half of what changed (see `aspect`).
Not checked: what is not a claim (verbs not stated as done, judgements, causes, relations between actors).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dailybrief.verify.aspect import stated_done
from dailybrief.verify.claims import Analysis, analyse, canonical, quote_parts
from dailybrief.verify.dates import shown
from dailybrief.verify.evidence import Evidence, Stated, StatedDate, title_forms
from dailybrief.verify.lexicon import lexicon
from dailybrief.verify.records import Claim, DateValue, Quantity

SUBJECT_SHARE = 0.5  # of a claim's subject words the evidence sentence must hold
CONFLICT_SHARE = 0.75  # a clause stating another value this alike …
CONFLICT_MARGIN = 0.3  # … and this much more alike than the best supporting clause means a misplaced number
CUT_CLAUSE_WORDS = 3  # subject words a claim needs before a clause holding all of them counts as its own
MONTH_PARTS = {"上旬": range(1, 11), "初": range(1, 11), "中旬": range(11, 21), "下旬": range(21, 32),
               "底": range(21, 32), "末": range(21, 32)}
DIRECTIONS = {"up": "增长", "down": "下降", "": "无"}
BOUNDS = {"lower": "以上", "upper": "以下", "": "无"}


@dataclass(frozen=True)
class ClaimVerdict:
    """The verifier's finding on one claim: its kind, span, whether a cited source supports it, and why."""

    kind: str
    text: str
    start: int
    end: int
    supported: bool
    why: str

    def to_json(self) -> dict[str, object]:
        """Return the verdict as the `check --json` claim object (and the archive stores it)."""
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end,
                "supported": self.supported, "why": self.why}


def _share(wanted: frozenset[str], found: frozenset[str]) -> float:
    """Return the share of `wanted` words that `found` holds (1.0 when nothing is wanted)."""
    return len(wanted & found) / len(wanted) if wanted else 1.0


def _likeness(a: frozenset[str], b: frozenset[str]) -> float:
    """Return how alike two clauses' subjects are: shared words over all words (Jaccard)."""
    return len(a & b) / len(a | b) if a or b else 1.0


def _cut_from(a: frozenset[str], b: frozenset[str]) -> float:
    """Return how much a claim's subject reads as a stated clause cut short (勘探等领域打造…).

    Jaccard, or the share of its words the clause holds when it has a few.
    """
    return max(_likeness(a, b), _share(a, b) if len(a) >= CUT_CLAUSE_WORDS else 0.0)


def _dimensions_agree(a: str, b: str) -> bool:
    """Say whether two dimensions compare: equal, or the generic 个 against any measure word."""
    generic = f"count:{lexicon().generic_count}"
    return a == b or (a.startswith("count:") and b.startswith("count:") and generic in (a, b))


def same_value(claim: Quantity, stated: Quantity) -> bool:
    """Say whether a stated quantity has the claim's value in a compatible unit (bare numbers by value only)."""
    if not claim.dimension:
        return claim.values in (stated.values, stated.numbers) or (
            len(claim.values) == 1 and (claim.values[0] in stated.values or claim.values[0] in stated.numbers))
    if not _dimensions_agree(claim.dimension, stated.dimension):
        return False
    if len(claim.values) == 1 and len(stated.values) == 2:
        return claim.values[0] in stated.values
    return claim.values == stated.values


def _qualifiers_agree(claim: Quantity, stated: Quantity) -> bool:
    """Say whether direction and bound agree (a claim without them agrees with any)."""
    return (not claim.direction or claim.direction == stated.direction) and (
        not claim.bound or claim.bound == stated.bound)


def _excerpt(text: str, limit: int = 60) -> str:
    """Return a sentence cut to `limit` characters for a message."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _near_miss(q: Quantity, stated: list[tuple[Evidence, Stated]]) -> str:
    """Explain why no stated quantity supports a claim: another unit, direction, bound, or no such value."""
    for _ev, s in stated:
        other = s.claim.quantity
        if other is not None and same_value(q, other) and other.direction != q.direction and q.direction:
            return f"数值一致但方向不同：{DIRECTIONS[q.direction]} / {DIRECTIONS[other.direction]}"
    for _ev, s in stated:
        other = s.claim.quantity
        if other is not None and same_value(q, other) and q.bound and other.bound != q.bound:
            return f"数值一致但限定不同：{BOUNDS[q.bound]} / {BOUNDS[other.bound]}"
    for _ev, s in stated:
        other = s.claim.quantity
        if other is not None and q.unit and other.numbers == q.numbers and not same_value(q, other):
            return f"数值一致但单位不同：{q.unit} / {other.unit or '无单位'}"
    for ev, s in stated:
        other = s.claim.quantity
        if other is not None and same_value(q, other):
            return f"原文中这一数值说的是别的事：“{_excerpt(ev.sentences[s.sentence])}”"
    return "原文无此数值"


def _quantity(claim: Claim, analysis: Analysis, evidence: Sequence[Evidence]) -> tuple[bool, str]:
    """Judge a quantity claim (see the module docstring)."""
    q = claim.quantity
    if q is None:
        return False, "不是数值"
    subject = analysis.subject(claim)
    order = analysis.clause_tokens[analysis.clause_of(claim.start)]
    place = analysis.place(claim)
    stated = [(ev, s) for ev in evidence for s in ev.quantities]
    best: tuple[float, Evidence, Stated] | None = None
    moved = ""
    frame = analysis.frame(claim)
    framed = False  # a supporting clause has the figure where the claim has it
    for ev, s in stated:
        other = s.claim.quantity
        if other is None or not same_value(q, other) or not _qualifiers_agree(q, other):
            continue
        if _share(subject, ev.sentence_words[s.sentence]) < SUBJECT_SHARE:
            continue
        if s.order == order and s.place[1] == place[1] and s.place[0] != place[0]:
            moved = _moved(ev, s, place[0])
            continue  # the same clause with its figures in another order (分别增长A和B)
        score = _likeness(subject, s.subject)
        framed = framed or s.frame == frame
        if best is None or score > best[0]:
            best = (score, ev, s)
    if best is None:
        return False, moved or _near_miss(q, stated)
    conflict = _conflict(q, subject, stated, best[0]) or (
        "" if framed else _reframed(q, subject, frame, stated, best[0]))
    if conflict:
        return False, conflict
    return True, f"原文：“{_excerpt(best[1].sentences[best[2].sentence])}”"


def _moved(ev: Evidence, stated: Stated, index: int) -> str:
    """Say which figure the source puts where a claim's figure stands in the same clause."""
    peers = [s for s in ev.quantities if s.sentence == stated.sentence and s.order == stated.order
             and s.claim.quantity is not None and stated.claim.quantity is not None
             and s.claim.quantity.dimension == stated.claim.quantity.dimension]
    there = next((s.claim.text for s in peers if s.place[0] == index), "")
    return f"原文此处为{there}（顺序不同）" if there else "与原文的顺序不同"


def _conflict(q: Quantity, subject: frozenset[str], stated: list[tuple[Evidence, Stated]], support: float) -> str:
    """Return why a supported-looking value is misplaced: a clause matching its subject much better says otherwise."""
    if not subject:
        return ""
    for _ev, s in stated:
        other = s.claim.quantity
        if other is None or not q.dimension or not _dimensions_agree(q.dimension, other.dimension):
            continue
        if same_value(q, other):
            continue
        score = _cut_from(subject, s.subject)
        if score >= CONFLICT_SHARE and score >= support + CONFLICT_MARGIN:
            return f"原文此处为{s.claim.text}"
    return ""


def _reframed(q: Quantity, subject: frozenset[str], frame: tuple[str, str],
              stated: list[tuple[Evidence, Stated]], support: float) -> str:
    """Return why a value stated elsewhere is misplaced: the source has another value just where the claim puts it.

    "设置9个赛道" when the source says "设置17个赛道" and 9 only of "承办…9个赛道": the words on both
    sides of the figure are the same, the value is not, and that clause is at least as alike as the
    one that states the value.
    """
    if not all(frame) or not q.dimension:
        return ""
    for ev, s in stated:
        other = s.claim.quantity
        if other is None or s.frame != frame or not _dimensions_agree(q.dimension, other.dimension):
            continue
        if same_value(q, other) or _share(subject, ev.sentence_words[s.sentence]) < SUBJECT_SHARE:
            continue
        if _likeness(subject, s.subject) >= support:
            return f"原文此处为{s.claim.text}"
    return ""


def date_matches(claim: DateValue, stated: StatedDate) -> bool:
    """Say whether a stated date (with the years it may belong to) is the claimed one, as far as the claim says."""
    have = stated.date
    if claim.year and claim.year not in stated.years:
        return False
    if claim.month and have.month != claim.month:
        return False
    if claim.day and have.day != claim.day:
        return False
    if not claim.part:
        return True
    if claim.month is None:  # 2028年底: the year's end
        return have.part == claim.part or (have.month == (1 if claim.part == "初" else 12))
    return have.part == claim.part or (have.day is not None and have.day in MONTH_PARTS[claim.part])


def _date(value: DateValue, evidence: Sequence[Evidence]) -> tuple[bool, str]:
    """Judge a date claim."""
    if not value.possible:
        return False, "不可能的日期"
    for ev in evidence:
        for stated in ev.dates:
            if date_matches(value, stated):
                where = "发布日期" if stated.sentence < 0 else f"“{_excerpt(ev.sentences[stated.sentence])}”"
                return True, f"原文：{where}"
    if value.year and value.month and any(date_matches(DateValue(None, value.month, value.day, value.part), s)
                                          for ev in evidence for s in ev.dates):
        return False, f"原文有{shown(DateValue(None, value.month, value.day, value.part))}，但年份不是{value.year}年"
    return False, "原文无此日期"


def _title(claim: Claim, evidence: Sequence[Evidence]) -> tuple[bool, str]:
    """Judge a 《title》, a document number or a code."""
    if not claim.text.startswith("《"):
        found = any(claim.key in ev.folded for ev in evidence)
        return found, "原文有此编号" if found else "原文无此编号"
    if any(claim.key in ev.titles for ev in evidence):
        return True, "原文提及此文件"
    longer = next((t for ev in evidence for t in sorted(ev.documents) if claim.key in t and t != claim.key), "")
    if longer:
        return False, f"文件名不完整，原文为《{_excerpt(longer, 40)}》"
    return False, "原文未提及此文件"


def _quote(claim: Claim, evidence: Sequence[Evidence]) -> tuple[bool, str]:
    """Judge a quote: every piece between its ellipses is stated (numbers and dates in any written form)."""
    pieces = quote_parts(claim.key)
    found = any(all(p.lower() in ev.folded for p in pieces) for ev in evidence)
    if not found:
        pieces = [canonical(analyse(p, actors=False)) for p in pieces]
        found = any(all(p in ev.canonical for p in pieces) for ev in evidence)
    return found, "原文有此引语" if found else "原文无此引语"


def actor_names(name: str) -> set[str]:
    """Return the names an actor may be stated by: its aliases and its place name without 省/市/区."""
    words = lexicon()
    out = set(words.names_of(name))
    for known in list(out):
        for suffix in words.place_suffixes:
            if known.endswith(suffix) and len(known) - len(suffix) >= 2:
                out.add(known[: -len(suffix)])
    return {n for n in out if len(n) >= 2}


def _actor(claim: Claim, evidence: Sequence[Evidence]) -> tuple[bool, str]:
    """Judge an actor: a cited source names it, an alias, or (an organisation) every part in one sentence."""
    if any(n.lower() in ev.folded for ev in evidence for n in actor_names(claim.key)):
        return True, "原文提及"
    parts = [actor_names(p) for p in claim.parts if p != claim.key]
    if len(parts) >= 2:
        for ev in evidence:
            if any(all(any(n in sentence for n in names) for names in parts) for sentence in ev.sentences):
                return True, "原文同一句提及各部分"
    return False, f"原文未提及{claim.text}"


def _outcome(claim: Claim, evidence: Sequence[Evidence]) -> tuple[bool, str]:
    """Judge an outcome: a cited sentence states it as done or plainly; a plan alone does not."""
    done, plan = stated_done(claim, [s for ev in evidence for s in ev.sentences])
    if done is not None:
        return True, f"原文：“{_excerpt(done)}”"
    if plan is not None:
        return False, f"原文是计划或目标，不是已有的结果：“{_excerpt(plan)}”"
    return False, "原文未说明此结果"


def judge(analysis: Analysis, evidence: Sequence[Evidence]) -> list[ClaimVerdict]:
    """Return the verdict on every claim of a parsed sentence against the cited sources' evidence."""
    out = []
    for claim in analysis.claims:
        if not evidence:
            supported, why = False, "没有可用的引用来源"
        elif claim.quantity is not None:
            supported, why = _quantity(claim, analysis, evidence)
        elif claim.date is not None:
            supported, why = _date(claim.date, evidence)
        elif claim.kind == "title":
            supported, why = _title(claim, evidence)
        elif claim.kind == "quote":
            supported, why = _quote(claim, evidence)
        elif claim.kind == "outcome":
            supported, why = _outcome(claim, evidence)
        else:
            supported, why = _actor(claim, evidence)
        out.append(ClaimVerdict(claim.kind, claim.text, claim.start, claim.end, supported, why))
    return out


def states(stated: Claim, wanted: Claim) -> bool:
    """Say whether a claim found in a source states a wanted claim (the comparison support makes, without context)."""
    if wanted.quantity is not None and stated.quantity is not None:
        return same_value(wanted.quantity, stated.quantity)
    if wanted.date is not None and stated.date is not None:
        want, have = wanted.date, stated.date
        return (want.year in (None, have.year) or have.year is None) and want.month in (None, have.month) \
            and want.day in (None, have.day) and want.part in ("", have.part)
    if wanted.kind == "title" and stated.kind == "title":
        return wanted.key in title_forms(stated.key)
    return False
