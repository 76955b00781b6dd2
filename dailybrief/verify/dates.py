"""Dates in a sentence: year–month–day, year–month, month–day, a year, a month, a day, 上旬/中旬/下旬, 月底.

Written in Arabic or Chinese numerals (二〇二八年六月八日). A date that cannot exist (15月25日,
2月30日) is still a date claim, marked impossible, never a number.
"""

from __future__ import annotations

import calendar

from dailybrief.text.spans import DATE_CLAIMS
from dailybrief.verify.numerals import value_of
from dailybrief.verify.records import Claim, DateValue, Scan


def _int(text: str | None) -> int | None:
    """Return the integer a numeral states, or None."""
    if not text:
        return None
    value = value_of(text)
    return int(value) if value is not None and value.denominator == 1 else None


def possible(year: int | None, month: int | None, day: int | None) -> bool:
    """Say whether a date can exist (2月29日 without a year can; 2026年2月29日 cannot)."""
    if month is not None and not 1 <= month <= 12:
        return False
    if day is None:
        return True
    if not 1 <= day <= 31:
        return False
    if month is None:
        return True
    return day <= calendar.monthrange(year or 2000, month)[1]


def scan_dates(scan: Scan) -> None:
    """Find every date of a sentence and add it as a claim."""
    for pattern in DATE_CLAIMS:
        for match in pattern.finditer(scan.masked()):
            start, end = match.span()
            if not scan.free(start, end):
                continue
            groups = match.groupdict()
            if groups.get("y1"):
                start, end = match.span("y1")
                value = DateValue(_int(groups["y1"]), None, None)
            else:
                year, month, day = _int(groups.get("y")), _int(groups.get("m")), _int(groups.get("d"))
                if groups.get("d") and groups.get("m") is None and day is not None and not 1 <= day <= 31:
                    continue  # 45日 is a number of days, not a date
                value = DateValue(year, month, day, groups.get("part") or "", possible(year, month, day))
            scan.add(Claim("date", scan.text[start:end], start, end, date=value))


def shown(value: DateValue) -> str:
    """Return a date as Chinese text: 2026年6月8日, 6月下旬, 2028年底."""
    out = f"{value.year}年" if value.year else ""
    out += f"{value.month}月" if value.month else ""
    out += f"{value.day}日" if value.day else ""
    return out + value.part
