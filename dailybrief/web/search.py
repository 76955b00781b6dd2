"""Full-text search over archived articles and briefs: SQLite FTS5 over space-joined Chinese tokens.

rjieba's search-mode cut (words and their sub-words, so 低空经济 finds 低空 and 经济) is
indexed as space-separated tokens, which FTS5's unicode61 tokenizer takes one by one. The
index is kept current as things are written, never in a search request: triggers queue every
new or changed article and brief, and `refresh_index` indexes the queue after each ingest (the
`dailybrief_articles_stored` hook), after each saved brief, and when the app starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import rjieba

from dailybrief.text.tokens import AGENCY_WORDS, normalise
from dailybrief.web.editing import slots
from dailybrief.web.evidence import Segment
from dailybrief.web.store import WebStore

_WORD = re.compile(r"\w", re.UNICODE)
MAX_QUERY = 200
SNIPPET = 70


@cache
def _jieba() -> rjieba.Jieba:
    """Return the tokenizer, with agency names as words."""
    jieba = rjieba.Jieba()
    for word in AGENCY_WORDS:
        jieba.add_word(word, 20000, None)
    return jieba


def search_tokens(text: str) -> list[str]:
    """Return the lower-cased search-mode tokens of a text (punctuation dropped)."""
    return [t.lower() for t in (w.strip() for w in _jieba().cut_for_search(normalise(text), True)) if t and
            _WORD.search(t)]


def match_expression(query: str) -> str | None:
    """Return an FTS5 query requiring every token of the user's query, or None when it has none."""
    tokens = list(dict.fromkeys(search_tokens(query[:MAX_QUERY])))
    if not tokens:
        return None
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def refresh_index(store: WebStore, batch: int = 500) -> int:
    """Index the articles and briefs written since they were last indexed (triggers queue them); return how many."""
    done = 0
    seen: set[tuple[str, str]] = set()
    while True:
        queued = [q for q in store.queued_for_search(batch) if q not in seen]
        if not queued:
            return done
        docs: list[tuple[str, str, str, str, str]] = []
        gone: list[tuple[str, str]] = []
        for kind, ref in queued:
            found = _document(store, kind, ref)
            if found is None:
                gone.append((kind, ref))
            else:
                stamp, title, body = found
                docs.append((kind, ref, stamp, " ".join(search_tokens(title)), " ".join(search_tokens(body))))
        store.index_documents(docs, gone)
        seen.update(queued)
        done += len(docs)


def _document(store: WebStore, kind: str, ref: str) -> tuple[str, str, str] | None:
    """Return (stamp, title, body) of a queued article or brief, None when it no longer exists."""
    if kind == "article":
        return store.article_for_search(ref)
    row = store.brief(int(ref)) if ref.isdigit() else None
    revision = store.revision(row.id, row.revision) if row else None
    if row is None or revision is None:
        return None
    body = " ".join(s.text for s in slots(revision.data))
    return str(row.revision), str(revision.data.get("title", "")), body


def snippet(text: str, query: str, width: int = SNIPPET) -> list[Segment]:
    """Return a window of the text around the first query word, every query word marked."""
    parts = {p for p in query.split() if p} | set(search_tokens(query))
    words = sorted({t for t in parts if len(t) > 1 or not t.isascii()}, key=len, reverse=True)
    if not words:
        return [(text[: width * 2], "")]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - width // 2)
    window = text[start:start + width * 2]
    out: list[Segment] = [("…", "")] if start else []
    at = 0
    for m in pattern.finditer(window):
        if m.start() > at:
            out.append((window[at:m.start()], ""))
        out.append((m.group(), "hit"))
        at = m.end()
    out.append((window[at:], ""))
    if start + width * 2 < len(text):
        out.append(("…", ""))
    return out


@dataclass(frozen=True)
class Hit:
    """One search result."""

    kind: str  # article | brief
    title: str
    link: str
    date: str
    where: str
    snippet: list[Segment]


def search(store: WebStore, query: str, kind: str | None, limit: int = 50) -> list[Hit]:
    """Return the best matches for a query (the index is kept current as articles and briefs are written)."""
    expression = match_expression(query)
    if expression is None:
        return []
    hits = []
    for found_kind, ref in store.search(expression, kind, limit):
        if found_kind == "article":
            article = store.archive.article_by_url(ref)
            if article is not None:
                hits.append(Hit("article", article.title, f"/articles/{article.id}",
                                article.published.isoformat() if article.published else "", article.publisher,
                                snippet(article.text, query)))
            continue
        row = store.brief(int(ref))
        revision = store.revision(int(ref)) if row else None
        if row is not None and revision is not None:
            text = "".join(s.text for s in slots(revision.data))
            hits.append(Hit("brief", row.title, f"/briefs/{row.id}", row.issue_date, f"第{row.revision}版",
                            snippet(text, query)))
    return hits

