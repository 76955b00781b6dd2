"""Where numbers, dates, 《titles》, quotes and identifiers stand in a text: one definition for every stage.

Extraction dates pages with these patterns, the stories stage compares documents by them, the
verifier parses claims with them and the editor app highlights what they find. A regex digit
class matches full-width digits too, so the patterns work on raw text and their spans index it.
"""

from __future__ import annotations

import re

# A full date: 2026年6月8日, 2026-06-08, 2026/6/8, 2026.6.8 (日 optional).
DATE_YMD = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*(?:年\s*|[-/.])(\d{1,2})\s*(?:月\s*|[-/.])(\d{1,2})(?!\d)\s*日?")
# A month-day written the Chinese way, 6月8日, not the tail of a full date or of a version number.
DATE_MD = re.compile(r"(?<![\d年.\-/])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# A document title in 《》.
DOC_TITLE = re.compile(r"《([^《》]{2,120})》")
# Words in quotation marks, of any length (“算电协同”, a whole sentence of speech).
QUOTED = re.compile(r"[“\"「『]([^“”\"「」『』]{2,600})[”\"」』]")
# A document number: 工信厅通装函〔2025〕312号 is one identifier, not three numbers. The issuer's
# abbreviation before the bracket is up to 8 characters, cut after a verb or particle that precedes it.
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{0,8}[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*第?\s*\d+\s*号")
DOC_NUMBER_LEAD = re.compile(r"^.*(?:印发|发布|出台|制定|根据|按照|依据|落实|执行|文件|通知|转发|的|和|与|及|即)")
# A web address: its digits are not numbers.
URL = re.compile(r"(?:https?://|www\.)[^\s，。；;、）)》」”\"'<>]+", re.IGNORECASE)
# A code of letters and digits: C919, 5G, H5N1, PM2.5, GB/T 7714-2015 (a number with a Latin unit is not one).
IDENTIFIER = re.compile(
    r"(?<![A-Za-z0-9.])(?:[A-Za-z]+(?:/[A-Za-z]+)?[ -]?\d[A-Za-z0-9.\-]*|\d+[A-Za-z][A-Za-z0-9\-]*)")
# A count of something: 1500座, 2.6万个, 18.6万辆 → value, 万/亿, measure word.
COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?(个|家|座|台|辆|条|项|所|架|批|吨|公里|千米|平方米|亩|公顷|人|张|套|根|"
                   r"千瓦时|千瓦|瓦|处|艘|列|户|县|斤)")
# The end of a sentence (or of a clause a semicolon closes), for splitting text into sentences.
SENTENCE_END = re.compile(r"(?<=[。！？；!?])")


def sentences(text: str) -> list[str]:
    """Split a text into sentences at 。！？； (and at line breaks), without empty pieces."""
    return [s.strip() for line in text.split("\n") for s in SENTENCE_END.split(line) if s.strip()]

# Full-width digits and date punctuation as ASCII (for parsers that need ASCII).
FULLWIDTH = str.maketrans("０１２３４５６７８９／－．：", "0123456789/-.:")

# The date claims of a sentence, most specific first: each pattern sees only what the ones before
# it left. Numerals may be Chinese (二〇二八年六月八日); 上旬/中旬/下旬, 初, 底, 末 are parts of a month.
_Y = r"(?P<y>(?:19|20)\d{2}|[一二][〇○零一二三四五六七八九]{3})"
_M = r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])"
_D = r"(?P<d>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_MONTH_PART = r"(?P<part>上旬|中旬|下旬|初|底|末)?"
_RANGE = r"\s*(?:——|—|–|-|~|～|至|到)\s*"
DATE_CLAIMS = (
    re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d.])"
               r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(rf"(?<!\d){_Y}\s*年\s*{_M}\s*月\s*{_D}\s*[日号]"),
    re.compile(rf"(?<!\d){_Y}\s*年\s*{_M}\s*月(?:份)?{_MONTH_PART}"),
    re.compile(rf"(?<![\d.]){_M}\s*月\s*{_D}\s*[日号]"),
    re.compile(rf"(?<![\d.])(?P<y1>(?:19|20)\d{{2}}|[一二][〇○零一二三四五六七八九]{{3}}){_RANGE}"
               rf"(?=(?:(?:19|20)\d{{2}}|[一二][〇○零一二三四五六七八九]{{3}})\s*年)"),
    re.compile(rf"(?<!\d){_Y}\s*年(?:度)?(?P<part>底|初|末)?(?![\d月])"),
    re.compile(rf"(?<![\d.个第每]){_M}\s*月(?:份)?{_MONTH_PART}(?![\d日号])"),
    re.compile(r"(?<![\d.月第每数几零〇一二三四五六七八九十])(?P<d>\d{1,2}|[二三]?十[一二三四五六七八九]?|[二三四五六七八九])"
               r"\s*日(?![内前后])"),
)
