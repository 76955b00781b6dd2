"""What the cited articles support: each article indexed once, and the evidence map of a brief's references.

Every path that verifies (both writers, `dailybrief verify`, the editor app) builds its
evidence here, so a sentence is judged against the same text wherever it is checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dailybrief.models import Article
from dailybrief.verify.claims import Evidence


def article_evidence(article: Article) -> Evidence:
    """Return what an article supports: its title, its text and its publication date."""
    return Evidence.of(article.title + "\n" + article.text, article.published)


def evidence_map(references: Iterable[tuple[str, str]],
                 article_at: Callable[[str], Article | None]) -> dict[str, Evidence]:
    """Return the evidence of every reference (id, url) whose article `article_at(url)` finds; the rest are absent."""
    out: dict[str, Evidence] = {}
    for ref_id, url in references:
        if ref_id in out:
            continue
        article = article_at(url)
        if article is not None:
            out[ref_id] = article_evidence(article)
    return out
