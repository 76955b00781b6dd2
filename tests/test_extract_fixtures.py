"""Extraction against fixture pages that state their own expected result.

Each `tests/fixtures/pages/*.html` starts with an HTML comment
``<!-- expect: {...} -->``; each `*.txt` starts with a line ``#expect: {...}``.
The expectation is cut off before extraction, so the extractor sees the page as a
site would serve it (and cannot read the answer out of the comment).

Keys: url (required), title, published (YYYY-MM-DD or null), lang, origin,
publisher, content_type (an HTTP Content-Type header to pass, default by suffix),
contains (strings that must be in the text), not_contains (strings that must not),
today (the issue date the page is extracted for, default the system date) and known
(the date the feed item or list page gave, default none).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from dailybrief.extract.article import Page, extract_article

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
_EXPECT_HTML = re.compile(rb"\A\s*<!--\s*expect:\s*(\{.*?\})\s*-->[ \t]*\r?\n?", re.DOTALL)
_EXPECT_TXT = re.compile(rb"\A#expect:\s*(\{.*?\})[ \t]*\r?\n", re.DOTALL)
_KNOWN_KEYS = {"url", "title", "published", "lang", "origin", "publisher", "content_type",
               "contains", "not_contains", "checks", "today", "known"}


def fixture_paths() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.suffix in {".html", ".htm", ".txt"})


def load_fixture(path: Path) -> tuple[dict[str, Any], bytes]:
    """Return (expectation, page bytes without the expectation)."""
    raw = path.read_bytes()
    match = (_EXPECT_TXT if path.suffix == ".txt" else _EXPECT_HTML).match(raw)
    assert match, f"{path.name}: no expectation block at the top"
    head = match.group(1)
    # The comment is written in the page's own encoding (GBK fixtures hold GBK bytes).
    for codec in ("utf-8", "gb18030"):
        try:
            expect = json.loads(head.decode(codec))
            break
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
    else:
        pytest.fail(f"{path.name}: the expectation is not JSON")
    return expect, raw[match.end():]


def page_for(path: Path) -> tuple[dict[str, Any], Page]:
    expect, body = load_fixture(path)
    default_type = "text/plain" if path.suffix == ".txt" else "text/html"
    known = dt.date.fromisoformat(expect["known"]) if expect.get("known") else None
    return expect, Page(body=body, url=expect["url"], content_type=expect.get("content_type", default_type),
                        known_date=known)


@pytest.fixture(params=fixture_paths(), ids=lambda p: p.name)
def fixture_page(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def test_there_are_enough_fixtures() -> None:
    assert len(fixture_paths()) >= 24


def test_expectation_is_well_formed(fixture_page: Path) -> None:
    expect, body = load_fixture(fixture_page)
    assert set(expect) <= _KNOWN_KEYS, f"unknown keys: {set(expect) - _KNOWN_KEYS}"
    assert expect["url"].startswith(("http://", "https://"))
    assert expect.get("title"), "every fixture states its title"
    assert "published" in expect, "every fixture states its date (null when the page has none)"
    assert expect.get("contains"), "every fixture names text that must be extracted"
    # The answer must not leak into the page the extractor reads.
    assert b"expect:" not in body[:200]


def test_extracts_what_the_fixture_expects(fixture_page: Path) -> None:
    expect, page = page_for(fixture_page)
    article = extract_article(page, today=dt.date.fromisoformat(expect["today"]) if expect.get("today") else None)
    name = fixture_page.name
    assert article.title == expect["title"], f"{name}: title"
    published = dt.date.fromisoformat(expect["published"]) if expect["published"] else None
    assert article.published == published, f"{name}: published"
    if "lang" in expect:
        assert article.lang == expect["lang"], f"{name}: lang"
    if "origin" in expect:
        assert article.origin == expect["origin"], f"{name}: origin"
    if "publisher" in expect:
        assert article.publisher == expect["publisher"], f"{name}: publisher"
    for needle in expect.get("contains", []):
        assert needle in article.text, f"{name}: text lacks {needle!r}"
    for needle in expect.get("not_contains", []):
        assert needle not in article.text, f"{name}: text keeps {needle!r}"
    # The title is the title, not the first paragraph of the text as well.
    assert not article.text.startswith(article.title + "\n"), f"{name}: title repeated as the first line"
