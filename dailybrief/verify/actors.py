"""Actors in a sentence: government bodies, places, companies and persons.

Found three ways: a name of `data/actors.toml` (工信部, 国家发展改革委 …); a name the tokenizer
tags as a place, person or organisation (jieba's ns, nr, nrt, nt, j); and an organisation built
from such a name or a national head word and the words up to an organisation suffix (衡阳市 +
数据局, 国家 + 数据 + 局, 萨拉戈萨 + 队). A person's one-character surname joins the given name
the tokenizer found (刘 + 洪涛); a transliterated name joins across its middle dot (理查德·科尔).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from dailybrief.text.tokens import tokenizer
from dailybrief.verify.lexicon import Lexicon, alternation, lexicon
from dailybrief.verify.records import MASK, Claim, Scan

_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_PERSON = frozenset({"nr", "nrt", "nrfg"})
_INSIDE_ORG = frozenset({"n", "vn", "b", "ns", "nt", "j", "nr", "nrt", "l", "an", "ng"})
MAX_ORG_WORDS = 6
DOTS = "·•・"


@dataclass(frozen=True)
class Token:
    """A word the tokenizer cut, with its tag and span."""

    word: str
    tag: str
    start: int
    end: int


@cache
def _known() -> re.Pattern[str]:
    """Return the pattern of every known actor name (longest first)."""
    return re.compile(alternation(tuple(sorted(lexicon().aliases, key=lambda n: (-len(n), n)))))


def tagged(text: str) -> list[Token]:
    """Return the tagged words of a text with their spans (the actor names are words)."""
    out, at = [], 0
    for word, tag in tokenizer(tuple(lexicon().aliases)).tag(text):
        out.append(Token(word, tag, at, at + len(word)))
        at += len(word)
    return out


def _looks_like_person(word: str, words: Lexicon) -> bool:
    """Say whether a word reads as a Chinese personal name: a surname and one or two characters more."""
    if any(word.startswith(s) and len(s) < len(word) <= len(s) + 2 for s in words.compound_surnames):
        return True
    return word[0] in words.surnames and 2 <= len(word) <= 3


def _is_name(token: Token, words: Lexicon) -> bool:
    """Say whether a tagged word names a place, person or organisation (the tokenizer's tag and its form agree)."""
    word, tag = token.word, token.tag
    if tag not in words.entity_tags or len(word) < 2 or not _CJK.match(word) or word in words.not_actors:
        return False
    if tag == "ns":
        return word in words.places or any(word.endswith(e) and len(word) > len(e) for e in words.place_endings)
    if tag == "nr":
        dictionary_word = len(word) == 2 and tokenizer(()).has_word(word)
        return _looks_like_person(word, words) and not dictionary_word
    if tag == "nrt":
        return all(c in words.transliteration for c in word) and not (len(word) == 2 and tokenizer(()).has_word(word))
    return True


def _org_end(tokens: list[Token], first: int, words: Lexicon) -> int:
    """Return the index after the organisation that starts at token `first`, or `first` when there is none."""
    end = first
    for k in range(first + 1, min(len(tokens), first + 1 + MAX_ORG_WORDS)):
        token = tokens[k]
        if not _CJK.match(token.word) or token.tag not in _INSIDE_ORG | {""}:
            break
        if _ends_organisation(token, words):
            end = k + 1
    return end


def _ends_organisation(token: Token, words: Lexicon) -> bool:
    """Say whether a word ends an organisation's name: a suffix itself (局), or a name word ending in one.

    A word that ends in a suffix but names nothing (部署, 布局, 团队) or is not a noun does not.
    """
    if token.word in words.not_org_words:
        return False
    if token.word in words.org_suffixes or token.tag == "nt":
        return True
    return token.tag in {"n", "ng", "j", "nz", ""} and any(token.word.endswith(s) for s in words.org_suffixes)


def _person(tokens: list[Token], k: int, words: Lexicon) -> int:
    """Return the index after a person's name starting at token k (surname + given name, dotted parts), or k."""
    token = tokens[k]
    if len(token.word) == 1 and token.word in words.surnames and k + 1 < len(tokens):
        given = tokens[k + 1]
        if given.tag in _PERSON and 1 <= len(given.word) <= 2 and _CJK.match(given.word):
            return k + 2
    if token.tag in {"nrt", "n", "nr"} and all(c in words.transliteration for c in token.word) \
            and k + 2 < len(tokens) and tokens[k + 1].word in DOTS:
        end = k + 1
        while end + 1 < len(tokens) and tokens[end].word in DOTS and \
                all(c in words.transliteration for c in tokens[end + 1].word) and _CJK.match(tokens[end + 1].word):
            end += 2
        return end if end > k + 1 else k
    return k


def scan_actors(scan: Scan) -> None:
    """Find every actor of a sentence (outside the spans other claims took) and add it as a claim."""
    words = lexicon()
    masked = scan.masked()
    for match in _known().finditer(masked):
        scan.add(Claim("actor", scan.text[match.start():match.end()], match.start(), match.end(),
                       key=match.group(), parts=(match.group(),)))
    tokens = tagged(scan.masked())
    k = 0
    while k < len(tokens):
        token = tokens[k]
        if MASK in token.word or not _CJK.match(token.word):
            k += 1
            continue
        end, person = _person(tokens, k, words), True
        if end == k:
            named = _is_name(token, words)
            person = named and token.tag in _PERSON
            end = _org_end(tokens, k, words) if named or token.word in words.org_heads else k
            person = person and end == k
            end = k + 1 if end == k and named else end
        if end > k:
            _add_actor(scan, tokens[k:end], person, words)
            k = end
            continue
        k += 1


def _add_actor(scan: Scan, span: list[Token], person: bool, words: Lexicon) -> None:
    """Add the actor these tokens name, with its parts (a person's name is one part)."""
    start, stop = span[0].start, span[-1].end
    if not scan.free(start, stop):
        return
    name = scan.text[start:stop]
    parts = (name,) if person else tuple(t.word for t in span if _is_name(t, words) or t is span[-1])
    scan.add(Claim("actor", name, start, stop, key=name, parts=tuple(dict.fromkeys(parts))))
