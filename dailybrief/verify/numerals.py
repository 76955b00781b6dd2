"""Numbers as values: Arabic (1,960 and 19.6), Chinese (一千九百六十, 二〇二八, 三点五) and full-width forms.

Values are exact fractions, so 19.6万 and 196000 are equal and 三分之一 is 1/3. `WIDTH` turns
full-width digits, letters and signs into ASCII one character for one character, so spans
found in the translated text index the original.
"""

from __future__ import annotations

from fractions import Fraction

from dailybrief.verify.lexicon import lexicon

# Full-width ASCII (！ to ～) as ASCII, except the Chinese punctuation that separates clauses.
_KEEP = set("，；：！？（）")
WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in _KEEP}
WIDTH[0x3000] = 0x20


def arabic(text: str) -> Fraction:
    """Return the value of an Arabic number as written (thousands separators allowed): '1,960.5' → 1960.5."""
    return Fraction(text.replace(",", "").replace("，", ""))


def chinese(text: str) -> Fraction | None:
    """Return the value of a Chinese numeral (一千九百六十, 两万三千, 二〇二八, 三点五), or None if it is not one.

    A digit string without units (二〇二八) is read digit by digit only when it has one or four
    digits (a year); 十 may open a number (十七); any other unit needs a digit before it.
    """
    words = lexicon()
    if not text:
        return None
    whole, _point, fraction = text.partition("点")
    if _point:
        if not fraction or any(c not in words.digits for c in fraction):
            return None
        base = chinese(whole)
        if base is None:
            return None
        return base + Fraction(int("".join(str(words.digits[c]) for c in fraction)), 10 ** len(fraction))
    if all(c in words.digits for c in whole):
        if len(whole) not in (1, 4):
            return None
        return Fraction(int("".join(str(words.digits[c]) for c in whole)))
    total, section, number = 0, 0, -1
    previous = ""
    for position, char in enumerate(whole):
        if char in words.digits:
            if number > 0 and previous in words.digits:
                return None  # two digits in a row (十五五) is not one number
            number = words.digits[char]
        elif char in words.small_units:
            if number < 0 and not (char == "十" and position == 0):
                return None
            section += (number if number >= 0 else 1) * words.small_units[char]
            number = -1
        elif char in words.big_units:
            if number < 0 and section == 0 and total == 0:
                return None
            section += max(number, 0)
            if words.big_units[char] >= 100_000_000:
                total = (total + section) * words.big_units[char]
            else:
                total += section * words.big_units[char]
            section, number = 0, -1
        else:
            return None
        previous = char
    return Fraction(total + section + max(number, 0))


def value_of(written: str) -> Fraction | None:
    """Return the value of a number written in Arabic or Chinese digits, or None."""
    if written and written[0].isdigit():
        try:
            return arabic(written)
        except ValueError:
            return None
    return chinese(written)


def show(value: Fraction) -> str:
    """Return a value as people write it: 1960, 19.6, 1/3."""
    if value.denominator == 1:
        return str(value.numerator)
    shown = format(float(value), ".6g")
    return shown if Fraction(shown) == value else f"{value.numerator}/{value.denominator}"
