"""The records of the claim parser: a claim (quantity, date, 《title》, quote or actor) and where it stands.

`Scan` is the text being parsed: the sentence with full-width characters as ASCII (one for
one, so spans index the original) and the positions already taken by an earlier claim, so
one stretch of text is never two claims (the 2025 of 〔2025〕312号 is not a year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from dailybrief.verify.numerals import WIDTH

ClaimKind = Literal["quantity", "date", "title", "quote", "actor", "outcome"]
# What masked text reads as: never a digit, a word or punctuation.
MASK = "\ue000"


@dataclass(frozen=True)
class Quantity:
    """A number with its meaning: value, unit, direction, bound and qualifiers."""

    values: tuple[Fraction, ...]  # in the dimension's base unit: one value, or two for a range or a score
    numbers: tuple[Fraction, ...]  # as written, before 万/亿 and the unit's factor (1960 of 1960亿千瓦时)
    unit: str  # magnitude and unit as written: 亿千瓦时, %, 个 ("" for a bare number)
    dimension: str  # what the unit measures ("" for a bare number); 个百分点 is not %
    direction: str = ""  # up (增长, 提高 …) | down (下降, 压缩 …)
    bound: str = ""  # lower (以上, 超过, 不少于) | upper (以下, 不到, 不超过)
    approximate: bool = False  # 约, 近, 左右
    ordinal: bool = False  # 第3批


@dataclass(frozen=True)
class DateValue:
    """A date as stated: any of year, month and day, a part of a month or year, and whether it can exist."""

    year: int | None
    month: int | None
    day: int | None
    part: str = ""  # 上旬 | 中旬 | 下旬 | 初 | 底 | 末
    possible: bool = True


@dataclass(frozen=True)
class Claim:
    """One checkable statement of a sentence and its span there (`text` is the span as written).

    An outcome's `key` is its verb and its `parts` the words of what changed.
    """

    kind: ClaimKind
    text: str
    start: int
    end: int
    key: str = ""  # compared form of a title, quote or actor
    quantity: Quantity | None = None
    date: DateValue | None = None
    parts: tuple[str, ...] = ()  # an actor's component names (衡阳市 + 数据局); what an outcome changed


@dataclass
class Scan:
    """A sentence being parsed: its ASCII-folded form, what is taken, and the claims found so far."""

    text: str
    flat: str = ""
    taken: list[bool] = field(default_factory=list)
    found: list[Claim] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Fold full-width characters one for one and start with nothing taken."""
        self.flat = self.text.translate(WIDTH)
        self.taken = [False] * len(self.text)

    def free(self, start: int, end: int) -> bool:
        """Say whether no claim has taken any of these positions."""
        return not any(self.taken[start:end])

    def take(self, start: int, end: int) -> None:
        """Mark positions as taken."""
        for i in range(start, end):
            self.taken[i] = True

    def add(self, claim: Claim) -> None:
        """Record a claim and take its span."""
        self.found.append(claim)
        self.take(claim.start, claim.end)

    def masked(self) -> str:
        """Return the folded text with every taken position masked."""
        return "".join(MASK if t else c for c, t in zip(self.flat, self.taken, strict=True))
