"""Where numbers, dates, 《titles》 and “quoted terms” stand in a text: one definition for every stage.

Extraction dates pages with these patterns, the stories stage compares documents by them, the
verifier checks them and the editor app highlights them. A regex digit class matches full-width
digits too, so the patterns work on raw text and their spans index it directly.
"""

from __future__ import annotations

import re

# A full date: 2026年6月8日, 2026-06-08, 2026/6/8, 2026.6.8 (日 optional).
DATE_YMD = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*(?:年\s*|[-/.])(\d{1,2})\s*(?:月\s*|[-/.])(\d{1,2})(?!\d)\s*日?")
# A month-day written the Chinese way, 6月8日, not the tail of a full date or of a version number.
DATE_MD = re.compile(r"(?<![\d年.\-/])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# A document title in 《》.
DOC_TITLE = re.compile(r"《([^《》]{2,120})》")
# A term in quotation marks (2–30 characters).
QUOTED = re.compile(r"[“\"「『]([^“”\"「」『』]{2,30})[”\"」』]")
# A number by value: digits with an optional decimal part (thousands separators removed before matching).
NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A number as written, for locating it: 1,960 and １．９ are one number each.
NUMBER_WRITTEN = re.compile(r"\d+(?:[,，]\d{3})*(?:[.．]\d+)?")
# A count of something: 1500座, 2.6万个, 18.6万辆 → value, 万/亿, measure word.
COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?(个|家|座|台|辆|条|项|所|架|批|吨|公里|千米|平方米|亩|公顷|人|张|套|根|"
                   r"千瓦时|千瓦|瓦|处|艘|列|户|县|斤)")
# Full-width digits and date punctuation as ASCII (for parsers that need ASCII).
FULLWIDTH = str.maketrans("０１２３４５６７８９／－．：", "0123456789/-.:")
# The end of a sentence (or of a clause a semicolon closes), for splitting text into sentences.
SENTENCE_END = re.compile(r"(?<=[。！？；!?])")


def sentences(text: str) -> list[str]:
    """Split a text into sentences at 。！？； (and at line breaks), without empty pieces."""
    return [s.strip() for line in text.split("\n") for s in SENTENCE_END.split(line) if s.strip()]
