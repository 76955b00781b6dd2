"""The verifier's word lists, read once from the data files beside this module.

`data/units.toml` (units, measure words, numerals), `data/words.toml` (direction, bounds,
approximations, range separators, subject stop words, the aspect words that tell a result from
a plan) and `data/actors.toml` (aliases, place and organisation suffixes). Heuristics live in
those files, not in code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Unit:
    """A unit or measure word as written, its dimension and its factor to the dimension's base unit."""

    written: str
    dimension: str
    factor: Fraction


@dataclass(frozen=True)
class AspectWords:
    """The words that tell a result from a plan (data/words.toml [aspect])."""

    done_before: tuple[str, ...]
    done_after: frozenset[str]
    resultative: frozenset[str]
    planned: frozenset[str]
    content_openers: tuple[str, ...]
    target_year: re.Pattern[str]
    skip_tags: frozenset[str]
    framing: frozenset[str]
    groups: dict[str, frozenset[str]]

    def forms(self, verb: str) -> frozenset[str]:
        """Return the words that state the same outcome as a verb (itself and its group)."""
        return self.groups.get(verb, frozenset({verb}))


@dataclass(frozen=True)
class Lexicon:
    """Every table the claim parser and the support rules use."""

    units: dict[str, Unit]
    generic_count: str
    count_words: frozenset[str]
    digits: dict[str, int]
    small_units: dict[str, int]
    big_units: dict[str, int]
    up: tuple[str, ...]
    down: tuple[str, ...]
    lower_before: tuple[str, ...]
    lower_after: tuple[str, ...]
    upper_before: tuple[str, ...]
    upper_after: tuple[str, ...]
    approx_before: tuple[str, ...]
    approx_after: tuple[str, ...]
    range_separators: tuple[str, ...]
    subject_stop: frozenset[str]
    not_numbers: tuple[str, ...]
    aliases: dict[str, frozenset[str]]
    place_suffixes: tuple[str, ...]
    org_suffixes: tuple[str, ...]
    org_heads: tuple[str, ...]
    not_org_words: frozenset[str]
    entity_tags: frozenset[str]
    not_actors: frozenset[str]
    place_endings: tuple[str, ...]
    places: frozenset[str]
    surnames: frozenset[str]
    compound_surnames: tuple[str, ...]
    transliteration: frozenset[str]
    aspect: AspectWords

    def unit_at(self, text: str, start: int) -> Unit | None:
        """Return the longest unit written at `start` of `text`, if any."""
        for size in range(min(self.longest_unit, len(text) - start), 0, -1):
            unit = self.units.get(text[start:start + size])
            if unit is not None:
                return unit
        return None

    @property
    def longest_unit(self) -> int:
        """Return the length of the longest unit name."""
        return _longest(tuple(self.units))

    def names_of(self, actor: str) -> frozenset[str]:
        """Return every name of an actor: itself and its aliases."""
        return self.aliases.get(actor, frozenset({actor}))


@cache
def _longest(words: tuple[str, ...]) -> int:
    """Return the length of the longest word."""
    return max((len(w) for w in words), default=0)


def _longest_first(words: list[str]) -> tuple[str, ...]:
    """Return words longest first, so an alternation prefers 增长至 over 增长."""
    return tuple(sorted(dict.fromkeys(words), key=lambda w: (-len(w), w)))


def _read(name: str) -> dict[str, Any]:
    """Read one data file."""
    with (DATA / name).open("rb") as handle:
        return tomllib.load(handle)


@cache
def lexicon() -> Lexicon:
    """Return the lexicon (read once per process)."""
    units_data, words, actors = _read("units.toml"), _read("words.toml"), _read("actors.toml")
    units = {w: Unit(w, str(dim), Fraction(str(factor))) for w, (dim, factor) in units_data["measures"].items()}
    counts = units_data["counts"]
    for word in (counts["generic"], *counts["words"]):
        units.setdefault(word, Unit(word, f"count:{word}", Fraction(1)))
    aliases: dict[str, frozenset[str]] = {}
    for group in actors["aliases"]:
        names = frozenset(group)
        for name in group:
            aliases[name] = aliases.get(name, frozenset()) | names
    numerals = units_data["numerals"]
    return Lexicon(
        units=units, generic_count=counts["generic"], count_words=frozenset(counts["words"]),
        digits=dict(numerals["digits"]), small_units=dict(numerals["small_units"]),
        big_units=dict(numerals["big_units"]),
        up=_longest_first(words["direction"]["up"]), down=_longest_first(words["direction"]["down"]),
        lower_before=_longest_first(words["bound"]["lower_before"]),
        lower_after=_longest_first(words["bound"]["lower_after"]),
        upper_before=_longest_first(words["bound"]["upper_before"]),
        upper_after=_longest_first(words["bound"]["upper_after"]),
        approx_before=_longest_first(words["approximate"]["before"]),
        approx_after=_longest_first(words["approximate"]["after"]),
        range_separators=_longest_first(words["range"]["separators"]),
        subject_stop=frozenset(words["subject"]["stop"]), not_numbers=tuple(words["numbers"]["not_numbers"]),
        aliases=aliases, place_suffixes=_longest_first(actors["place_suffixes"]),
        org_suffixes=_longest_first(actors["org_suffixes"]), org_heads=_longest_first(actors["org_heads"]),
        not_org_words=frozenset(actors["not_org_words"]),
        entity_tags=frozenset(actors["entity_tags"]), not_actors=frozenset(actors["not_actors"]),
        place_endings=_longest_first(actors["place_endings"]), places=frozenset(actors["places"]),
        surnames=frozenset("".join(actors["surnames"].split())),
        compound_surnames=_longest_first(actors["compound_surnames"]),
        transliteration=frozenset("".join(actors["transliteration"].split())),
        aspect=_aspect(words["aspect"]),
    )


def _aspect(table: dict[str, Any]) -> AspectWords:
    """Return the aspect words of the [aspect] table."""
    groups: dict[str, frozenset[str]] = {}
    for group in table["groups"]:
        for verb in group:
            groups[verb] = groups.get(verb, frozenset()) | frozenset(group)
    return AspectWords(
        done_before=_longest_first(table["done_before"]), done_after=frozenset(table["done_after"]),
        resultative=frozenset(table["resultative"]), planned=frozenset(table["planned"]),
        content_openers=_longest_first(table["content_openers"]), target_year=re.compile(table["target_year"]),
        skip_tags=frozenset(table["skip_tags"]), framing=frozenset(table["framing"]), groups=groups)


def alternation(words: tuple[str, ...]) -> str:
    """Return a regex alternation of words (longest first)."""
    return "|".join(re.escape(w) for w in words)
