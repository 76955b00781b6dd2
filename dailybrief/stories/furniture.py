"""Site furniture: paragraphs that different pages of one site share verbatim (footers, disclaimers, 编者按 boxes).

A page's core text is its body without them; reprint detection, relevance and every per-article
feature read the core. Within one call (`core_texts`) furniture is what the given pages share;
the archive keeps it per site across every page stored (`furniture_rows` feeds it, `core_text`
reads it back), so a page's core is the same whichever other pages a day happens to read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from dailybrief.collect.urls import canonical_url, host_of
from dailybrief.models import Article
from dailybrief.text.hashing import stable_hash


def paragraphs_of(article: Article) -> tuple[str, ...]:
    """Return an article's paragraphs (its text lines when extraction gave none)."""
    return article.paragraphs or tuple(line for line in article.text.split("\n") if line.strip())


def site_of(article: Article) -> tuple[str, str]:
    """Return the site a page belongs to: its source and its host (one host may serve many sources)."""
    return article.source, host_of(canonical_url(article.url))


def site_key(article: Article) -> str:
    """Return the site of a page as one string (how the archive keys furniture)."""
    source, host = site_of(article)
    return f"{source}\t{host}"


def core_texts(articles: Sequence[Article]) -> list[str]:
    """Return each body without site furniture: paragraphs that two different bodies of one site share verbatim."""
    bodies: dict[tuple[str, str], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for a in articles:
        whole = hash(a.text)
        site = bodies[site_of(a)]
        for p in paragraphs_of(a):
            site[p.strip()].add(whole)
    out = []
    for a in articles:
        shared = bodies[site_of(a)]
        out.append("\n".join(p for p in paragraphs_of(a) if len(shared[p.strip()]) < 2))
    return out


def furniture_rows(article: Article) -> list[tuple[str, int, int, int]]:
    """Return what the archive notes of a page's paragraphs: (site, paragraph hash, page hash, body hash)."""
    site = site_key(article)
    page, body = stable_hash(canonical_url(article.url)), stable_hash(article.text)
    return [(site, stable_hash(p.strip()), page, body) for p in dict.fromkeys(paragraphs_of(article))]


def core_text(article: Article, furniture: Collection[int]) -> str:
    """Return a page's body without the paragraphs its site's furniture (paragraph hashes) holds."""
    return "\n".join(p for p in paragraphs_of(article) if stable_hash(p.strip()) not in furniture)
