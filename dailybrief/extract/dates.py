"""Publication dates: Chinese page conventions first, htmldate as the general floor.

Order of evidence, strongest first: a publication-date `<meta>` Chinese CMSs write
(PubDate, publishdate…), a labelled line in the page (发布时间：…), htmldate's
original-date search, the URL, and last a month-day in the body's first lines with the
year taken from the page. htmldate answers YYYY-01-01 when it only finds a year, so
such an answer is used only when nothing better exists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from htmldate import find_date

from dailybrief.text.spans import DATE_MD, DATE_YMD, FULLWIDTH

_META_NAMES = (
    "pubdate", "publishdate", "publish_date", "publishtime", "firstpublishedtime",
    "contentpublishtime", "pub_date", "pubtime", "releasedate", "dc.date.issued",
)
# Labels of the first publication; a bare 时间/日期 counts only when it is not the tail of
# another label (报名时间, 更新时间, 截止日期, and 成文日期 — the day a document was signed,
# often days before it is published).
_LABELLED = re.compile(
    r"(?:发布时间|发布日期|发表时间|发稿时间|(?<![\u4e00-\u9fff])(?:时间|日期))"
    r"\s*[：:]\s*((?:19|20)\d{2}\s*(?:年\s*|[-/.])\d{1,2}\s*(?:月\s*|[-/.])\d{1,2})"
)
_URL_PATTERNS = (
    re.compile(r"(?<!\d)(20\d{2})[-_/]?(0[1-9]|1[0-2])[-_/]?(0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"/(20\d{2})[-/](0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/"),
    re.compile(r"/(20\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/"),
    re.compile(r"/(20\d{2})/(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/"),
)


# A month-day that is a deadline or a range end, not the day of the news: 请于6月30日前, 截至6月底.
_DEADLINE_BEFORE = re.compile(r"(?:于|至|到|截至|截止|截止到|不晚于|延长至)\s*$")
_DEADLINE_AFTER = re.compile(r"\s*(?:前|之前|以前|止|截止|为止)")
_DATE_LINE = re.compile(
    r"^(?:19|20)\d{2}\s*(?:年\s*|[-/.])\d{1,2}\s*(?:月\s*|[-/.])\d{1,2}\s*日?"
    r"(?:\s*(?:星期|周)[一二三四五六日天])?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"
)


def make_date(year: int, month: int, day: int) -> dt.date | None:
    """Return a date or None when the parts do not form one."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date_text(text: str) -> dt.date | None:
    """Parse the first full date in a string: 2026-06-08, 2026/6/9, 2026年6月8日, full-width digits."""
    match = DATE_YMD.search(text.translate(FULLWIDTH))
    if not match:
        return None
    return make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def date_from_meta(meta: dict[str, str]) -> dt.date | None:
    """Return the date in a Chinese CMS publication-date meta tag (names lower-cased)."""
    for name in _META_NAMES:
        value = meta.get(name)
        if value:
            found = parse_date_text(value)
            if found:
                return found
    return None


def date_from_labels(text: str) -> dt.date | None:
    """Return the first date introduced by a publication label such as 发布时间：."""
    flat = text.translate(FULLWIDTH)
    for match in _LABELLED.finditer(flat):
        found = parse_date_text(match.group(1))
        if found:
            return found
    return None


def date_from_url(url: str) -> dt.date | None:
    """Return a date written in a URL path (t20260608_, /2026-06/15/, /2026/0609/, /art/2026/6/11/)."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for pattern in _URL_PATTERNS:
        for match in pattern.finditer(path):
            found = make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if found:
                return found
    return None


# A site footer's lines: their years (©2019-2023, a filing number) say nothing about the page's date.
_FOOTER = re.compile(r"©|版权所有|copyright|icp|备案|网站标识码|公网安备|主办单位|承办单位|技术支持", re.IGNORECASE)


def year_hint(*texts: str) -> int | None:
    """Return the year the page most often writes as a date's year (targets like 到2027年底 and footers excluded)."""
    years = Counter(
        int(m.group(1)) for t in texts for line in t.split("\n") if not _FOOTER.search(line)
        for m in re.finditer(r"(?<![\d到至—\-～~])(20\d{2})(?=\s*年(?!底|末|前|内|以前)|[-/.]\d)", line)
    )
    return years.most_common(1)[0][0] if years else None


def year_from_url(url: str | None) -> int | None:
    """Return a year a URL's path names (/2026/, t2026…, art_2026…), or None."""
    match = re.search(r"(?<!\d)(20\d{2})(?!\d)|(?<!\d)(20\d{2})(?=[01]\d[0-3]\d(?!\d))", urlsplit(url or "").path)
    return int(match.group(1) or match.group(2)) if match else None


def month_day(month: int, day: int, year: int | None, today: dt.date) -> dt.date | None:
    """Date a bare 6月15日: in the given year (unless that is after `today`), else the latest such day not after it."""
    if year:
        found = make_date(year, month, day)
        if found is None or found <= today + dt.timedelta(days=1):
            return found
    found = make_date(today.year, month, day)
    if found and found > today:
        found = make_date(today.year - 1, month, day)
    return found


def date_from_body(lines: list[str], year: int | None, today: dt.date, limit: int = 4) -> dt.date | None:
    """Return a date stated in the body's first lines, dating a bare 6月15日 with `month_day`."""
    for line in lines[:limit]:
        flat = line.translate(FULLWIDTH)
        found = parse_date_text(flat[:80])
        if found:
            return found
        for match in DATE_MD.finditer(flat[:60]):
            if _DEADLINE_BEFORE.search(flat[:match.start()]) or _DEADLINE_AFTER.match(flat[match.end():]):
                continue
            found = month_day(int(match.group(1)), int(match.group(2)), year, today)
            if found:
                return found
    return None


def date_from_date_line(lines: list[str]) -> dt.date | None:
    """Return the date of the last body line that is nothing but a full date (a notice's 落款 date)."""
    for line in reversed(lines):
        flat = line.translate(FULLWIDTH).strip()
        if len(flat) <= 24 and _DATE_LINE.match(flat):
            found = parse_date_text(flat)
            if found:
                return found
    return None


def date_near_title(page_text: str, title: str, window: int = 4) -> dt.date | None:
    """Return a full date on the lines just below the headline (the news date line)."""
    flat_title = title.replace(" ", "")
    if len(flat_title) < 4:
        return None
    lines = page_text.split("\n")
    for index, line in enumerate(lines):
        if flat_title in line.replace(" ", ""):
            for below in lines[index + 1: index + 1 + window]:
                found = parse_date_text(below)
                if found:
                    return found
            return None
    return None


def htmldate_guess(html: Any, url: str | None) -> dt.date | None:
    """Return htmldate's original publication date, or None."""
    try:
        found = find_date(html, url=url, original_date=True, extensive_search=True)
    except (ValueError, TypeError):
        return None
    return dt.date.fromisoformat(found) if found else None


def _suspect(found: dt.date, page_text: str) -> bool:
    """Say whether a January 1st answer is htmldate's year-only fallback."""
    if (found.month, found.day) != (1, 1):
        return False
    flat = page_text.translate(FULLWIDTH)
    return not re.search(rf"{found.year}\s*(?:年\s*0?1\s*月\s*0?1\s*日|[-/.]0?1[-/.]0?1(?!\d))", flat)


def find_published(
    html: Any, url: str | None, meta: dict[str, str], page_text: str, body_lines: list[str], *,
    title: str = "", chinese: bool = False, today: dt.date | None = None, known: dt.date | None = None,
) -> dt.date | None:
    """Return the original publication date of a page, or None when it states none.

    On Chinese pages the date line under the headline and the URL come before htmldate,
    whose original-date mode takes the earliest date anywhere (a sidebar link's, say).
    """
    found = date_from_meta(meta) or date_from_labels(page_text)
    if found:
        return found
    if chinese:
        found = date_near_title(page_text, title) or (date_from_url(url) if url else None)
        if found:
            return found
    guess = htmldate_guess(html, url) if html is not None else None
    if guess and not _suspect(guess, page_text):
        return guess
    if url:
        found = date_from_url(url)
        if found:
            return found
    # A bare month-day takes its year from the strongest nearby evidence: the feed item or list page's
    # date, the URL, the years the page writes (never a footer's); else the latest such day by `today`.
    # htmldate's year-only answer (suspect, YYYY-01-01) often comes from a copyright line: not used.
    year = (known.year if known else None) or year_from_url(url) or year_hint(page_text)
    found = date_from_body(body_lines, year, today or dt.date.today()) or date_from_date_line(body_lines)
    # `known` is what a feed said of the item: better than htmldate's year-only guess.
    return found or known or guess
