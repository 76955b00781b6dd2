"""Quantities in a sentence: a value with its unit, direction, bound and qualifiers.

A value is written in Arabic, full-width or Chinese numerals, scaled by 万/亿 (19.6万 = 196000),
as 百分之N (= N%), 千分之N, a fraction (三分之一), a range (20—30万, 20至30家) or a score
(3-0, 2比0, 10:5). Its unit is the measure word or unit after it (亿元, 万千瓦时, %, 个百分点,
家 …). Its direction is a change word before it in the same clause (增长, 下降, 跌幅 …); its
bound a word such as 以上, 超过, 不到; 约/近/左右 are kept as qualifiers. A Chinese numeral
counts only with a unit after it (六个, 两家), and a lone 一 (一批, 一个) is an article, not a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cache

from dailybrief.verify.lexicon import Lexicon, Unit, alternation, lexicon
from dailybrief.verify.numerals import arabic, chinese
from dailybrief.verify.records import Claim, Quantity, Scan

_CN = "零〇○一二三四五六七八九十百千万亿两"
_NUMBER = re.compile(rf"(?<![0-9A-Za-z.])\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN}]+(?:点[零〇○一二三四五六七八九]+)?")
_FRACTION = re.compile(r"(?P<den>百|千|[零〇一二三四五六七八九十两]+|\d+)分之"
                       r"(?P<num>[零〇一二三四五六七八九十百千万点两]+|\d+(?:\.\d+)?)")
_COLON_PAIR = re.compile(r"(?<![\d.])(\d{1,3})\s*[:：]\s*(\d{1,3})(?![\d.])")
_SCALE = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_BIG = "万亿"
_MORE = "多余"
_CLAUSE_END = "，,；;：:。！？!?\n"
_BETWEEN = " 了为达"  # may stand between a qualifier and its number (超过了, 约为)
DIRECTION_REACH = 10  # characters a change word may stand before its number (增长至2025年的1960亿)


@dataclass(frozen=True)
class _Read:
    """A number read at a position: its value, magnitude, unit and where it ends."""

    number: Fraction
    scale: Fraction
    magnitude: str
    unit: Unit | None
    more: bool  # 多/余 between number and unit (3000多亿元)
    end: int
    chinese: bool


def _number_at(flat: str, start: int) -> tuple[Fraction, int, bool] | None:
    """Read a number starting at `start`: (value, end, written in Chinese), or None.

    A Chinese numeral's trailing 万/亿 is left for the magnitude, so 六十亿 is 60 × 亿 as 60亿 is.
    """
    match = _NUMBER.match(flat, start)
    if match is None:
        return None
    written = match.group()
    if written[0].isdigit():
        return arabic(written), match.end(), False
    for size in range(len(written), 0, -1):
        head = written[:size].rstrip(_BIG) or written[:size]
        value = chinese(head)
        if value is not None:
            return value, start + len(head), True
    return None


def _more(flat: str, cut: int) -> tuple[int, bool]:
    """Skip a 多/余 written after the magnitude (3000多亿元, 1万余起) and the 万/亿 after it: (end, found)."""
    if cut >= len(flat) or flat[cut] not in _MORE:
        return cut, False
    after = cut + 1
    while after < len(flat) and flat[after] in _BIG:
        after += 1
    return after, True


def _tail(flat: str, position: int, words: Lexicon) -> tuple[Fraction, str, Unit | None, bool, int]:
    """Read magnitude, 多/余 and unit after a number: (scale, magnitude as written, unit, more, end).

    The reading that reaches furthest wins, so 亿千瓦时 is 亿 + 千瓦时, not 亿千 + 瓦; with no unit
    anywhere the whole magnitude is read (19.6万).
    """
    run = position
    while run < len(flat) and flat[run] in _SCALE:
        run += 1
    cut, (after, more), unit = run, _more(flat, run), None
    reach = after
    for option in range(run, position - 1, -1):
        option_after, option_more = _more(flat, option)
        option_unit = words.unit_at(flat, option_after)
        option_reach = option_after + (len(option_unit.written) if option_unit else 0)
        if option_unit is not None and option_reach > reach:
            cut, after, more, unit, reach = option, option_after, option_more, option_unit, option_reach
    magnitude = flat[position:cut] + (flat[cut + 1:after] if more else "")
    scale = Fraction(1)
    for char in magnitude:
        scale *= _SCALE[char]
    return scale, magnitude, unit, more, after + (len(unit.written) if unit else 0)


def _read(flat: str, start: int, words: Lexicon) -> _Read | None:
    """Read a number and what scales and measures it."""
    number = _number_at(flat, start)
    if number is None:
        return None
    value, end, is_chinese = number
    scale, magnitude, unit, more, tail_end = _tail(flat, end, words)
    return _Read(value, scale, magnitude, unit, more, tail_end, is_chinese)


def _quantity(reads: list[_Read]) -> Quantity:
    """Combine one number (or the two of a range) into a quantity; a range's first part takes the second's unit."""
    last = reads[-1]
    values = []
    for read in reads:
        unit = read.unit or last.unit
        scale = read.scale if read.unit or read.magnitude else last.scale
        values.append(read.number * scale * (unit.factor if unit else 1))
    written = last.magnitude + (last.unit.written if last.unit else "")
    return Quantity(tuple(values), tuple(r.number for r in reads), written,
                    last.unit.dimension if last.unit else "")


def _before(text: str, start: int, choices: tuple[str, ...]) -> str:
    """Return the word of `choices` written right before `start` (了/为/达 may stand between), or ""."""
    head = text[:start].rstrip(_BETWEEN)
    return next((w for w in choices if head.endswith(w)), "")


def _after(text: str, end: int, choices: tuple[str, ...]) -> str:
    """Return the word of `choices` written right after `end`, or ""."""
    return next((w for w in choices if text.startswith(w, end)), "")


@cache
def _change_words() -> tuple[re.Pattern[str], dict[str, str]]:
    """Return the pattern of every change word and each word's direction."""
    words = lexicon()
    direction = {**dict.fromkeys(words.down, "down"), **dict.fromkeys(words.up, "up")}
    return re.compile(alternation(tuple(sorted(direction, key=lambda w: -len(w))))), direction


def direction_before(masked: str, start: int) -> str:
    """Return up or down when a change word stands before `start` in its clause (within reach), else ""."""
    clause_start = max(masked.rfind(c, 0, start) for c in _CLAUSE_END) + 1
    low = max(clause_start, start - DIRECTION_REACH)
    pattern, direction = _change_words()
    found = ""
    for match in pattern.finditer(masked, max(clause_start, low - 3), start):
        if match.end() >= low:
            found = direction[match.group()]
    return found


def _qualified(quantity: Quantity, flat: str, start: int, end: int, words: Lexicon) -> tuple[Quantity, int, int]:
    """Add bound and approximation to a quantity; widen its span over the qualifier words."""
    bound, approximate = quantity.bound, False
    lower, upper = _before(flat, start, words.lower_before), _before(flat, start, words.upper_before)
    near = _before(flat, start, words.approx_before)
    first = max((lower, upper, near), key=len)
    if first:
        start = flat[:start].rstrip(_BETWEEN).rfind(first)
        bound = "lower" if first == lower else "upper" if first == upper else bound
        approximate = first == near
    after_lower, after_upper = _after(flat, end, words.lower_after), _after(flat, end, words.upper_after)
    after_near = _after(flat, end, words.approx_after)
    last = max((after_lower, after_upper, after_near), key=len)
    if last:
        end += len(last)
        bound = "lower" if last == after_lower else "upper" if last == after_upper else bound
        approximate = approximate or last == after_near
    return replace(quantity, bound=bound, approximate=approximate), start, end


def _add(scan: Scan, quantity: Quantity, start: int, end: int, words: Lexicon) -> None:
    """Qualify a quantity and add it as a claim (if its span is still free)."""
    if not scan.free(start, end):
        return
    ordinal = scan.flat[:start].endswith("第")
    quantity, start, end = _qualified(quantity, scan.flat, start, end, words)
    if not scan.free(start, end):
        return
    quantity = replace(quantity, direction=direction_before(scan.masked(), start), ordinal=ordinal)
    scan.add(Claim("quantity", scan.text[start:end], start, end, quantity=quantity))


def _fractions(scan: Scan, words: Lexicon) -> None:
    """Add 百分之五 (5%), 千分之三 (3‰) and 三分之一 (1/3)."""
    for match in _FRACTION.finditer(scan.masked()):
        den_text, num_text = match.group("den"), match.group("num")
        numerator = arabic(num_text) if num_text[0].isdigit() else chinese(num_text)
        if numerator is None:
            continue
        if den_text in ("百", "千"):
            unit = words.units["%" if den_text == "百" else "‰"]
            quantity = Quantity((numerator,), (numerator,), unit.written, unit.dimension)
        else:
            denominator = arabic(den_text) if den_text[0].isdigit() else chinese(den_text)
            if not denominator:
                continue
            value = numerator / denominator
            quantity = Quantity((value,), (value,), "分之", words.units["分之"].dimension)
        _add(scan, quantity, match.start(), match.end(), words)


def _pairs(scan: Scan, words: Lexicon) -> None:
    """Add scores and clock times written with a colon (10:5, 17:30)."""
    for match in _COLON_PAIR.finditer(scan.masked()):
        values = (Fraction(int(match.group(1))), Fraction(int(match.group(2))))
        _add(scan, Quantity(values, values, ":", "比分"), match.start(), match.end(), words)


def _second(flat: str, first: _Read, words: Lexicon) -> _Read | None:
    """Return the second number of a range or score written right after `first` (20—30万, 3-0, 2比0)."""
    for separator in words.range_separators:
        if not flat.startswith(separator, first.end):
            continue
        second = _read(flat, first.end + len(separator), words)
        if second is None or second.chinese != first.chinese:
            return None
        if separator == "比" and (first.unit or second.unit or first.number.denominator != 1):
            return None
        if first.unit and second.unit and first.unit.dimension != second.unit.dimension:
            return None
        return second
    return None


def _is_article(read: _Read, quantity: Quantity, masked: str, start: int) -> bool:
    """Say whether a Chinese 一 with a measure word is an article (一批, 一个), not a figure."""
    return (read.chinese and read.number == 1 and masked[start] == "一" and not read.magnitude
            and quantity.dimension.startswith("count:") and not masked[:start].endswith("第"))


def scan_quantities(scan: Scan) -> None:
    """Find every quantity of a sentence (after dates and identifiers are taken) and add it as a claim."""
    words = lexicon()
    _fractions(scan, words)
    _pairs(scan, words)
    masked = scan.masked()
    position = 0
    while (match := _NUMBER.search(masked, position)) is not None:
        start = position = match.start()
        position = match.end()
        if any(scan.flat.startswith(w, start) for w in words.not_numbers):
            continue
        first = _read(masked, start, words)
        if first is None:
            continue
        reads = [first]
        second = _second(masked, first, words)
        if second is not None:
            reads.append(second)
        position = max(position, reads[-1].end)
        if first.chinese and not reads[-1].unit:
            continue  # a Chinese numeral without a unit is a word (一是, 统一), not a figure
        quantity = _quantity(reads)
        if _is_article(first, quantity, masked, start):
            continue
        if any(r.more for r in reads):
            quantity = replace(quantity, bound="lower")
        _add(scan, quantity, start, reads[-1].end, words)
