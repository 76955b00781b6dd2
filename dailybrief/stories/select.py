"""Select the day's candidates: the date window and relevance to the theme.

Relevance is TF-IDF cosine similarity between an article (title counted twice, then the
body) and the theme (keywords counted three times, then the description), over rjieba
tokens, with IDF from the archive's document frequencies (the pool's when the stage runs on
bare articles); a keyword phrase found verbatim adds a little on top (more when the headline
carries it), so a theme term jieba cuts apart still counts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dailybrief.config import ThemeSettings
from dailybrief.models import Article
from dailybrief.text.tokens import tokens

Vector = dict[str, float]


@dataclass(frozen=True)
class Candidate:
    """An article with its relevance to the theme and the theme terms it contains."""

    article: Article
    relevance: float
    terms: tuple[str, ...]


def in_window(published: dt.date | None, issue_date: dt.date, window_days: int) -> bool:
    """Say whether a date lies within `window_days` before the issue date, the issue date included."""
    return published is not None and issue_date - dt.timedelta(days=window_days) <= published <= issue_date


def theme_words(theme: ThemeSettings) -> tuple[str, ...]:
    """Return the theme's keywords as extra dictionary words."""
    return tuple(k for k in theme.keywords if k)


@dataclass(frozen=True)
class Frequencies:
    """Document frequencies: how many documents there are and how many contain each term."""

    documents: int
    df: Mapping[str, int]

    @property
    def default_idf(self) -> float:
        """Return the IDF of a term no document contains."""
        return math.log(1 + self.documents) + 1.0

    def idf(self) -> dict[str, float]:
        """Return the smoothed inverse document frequency of every term counted."""
        n = self.documents
        return {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in self.df.items()}


def pool_frequencies(documents: Sequence[Iterable[str]]) -> Frequencies:
    """Return the document frequencies of some documents' terms (token lists or counts)."""
    df: Counter[str] = Counter()
    for doc in documents:
        df.update(set(doc))
    return Frequencies(len(documents), df)


def idf_table(documents: Sequence[Iterable[str]]) -> dict[str, float]:
    """Return smoothed inverse document frequencies of the tokens in some documents."""
    return pool_frequencies(documents).idf()


def tfidf(doc: Iterable[str] | Mapping[str, int], idf: dict[str, float], default_idf: float,
          top: int | None = None) -> Vector:
    """Return a unit-length TF-IDF vector with sublinear term frequency (only the `top` heaviest terms if given).

    `doc` is a list of tokens or their counts.
    """
    counts = Counter(doc)
    vec = {t: (1 + math.log(c)) * idf.get(t, default_idf) for t, c in counts.items()}
    if top is not None and len(vec) > top:
        vec = dict(sorted(vec.items(), key=lambda kv: -kv[1])[:top])
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def cosine(a: Vector, b: Vector) -> float:
    """Return the dot product of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def article_tokens(article: Article, words: tuple[str, ...]) -> list[str]:
    """Return an article's tokens, its title counted twice."""
    title = tokens(article.title, words)
    return title + title + tokens(article.text, words)


def theme_tokens(theme: ThemeSettings) -> list[str]:
    """Return the theme's query tokens, keywords counted three times."""
    words = theme_words(theme)
    keyword_tokens = [t for k in theme.keywords for t in tokens(k, words)]
    return keyword_tokens * 3 + tokens(theme.name, words) * 2 + tokens(theme.description, words)


def score_relevance(articles: Sequence[Article], theme: ThemeSettings, docs: Sequence[Mapping[str, int]],
                    keyword_hits: Sequence[tuple[tuple[str, ...], int]], *, idf: dict[str, float],
                    default_idf: float, known: Mapping[str, float] | None = None) -> list[Candidate]:
    """Score every article's relevance to the theme (0 to about 1).

    `docs` are their token counts; `keyword_hits` the theme keywords each names (and how many
    its headline names); `idf` the inverse document frequencies (`default_idf` for a term
    they lack); `known` relevances already computed with the same frequencies, by URL.
    """
    query = tfidf(theme_tokens(theme), idf, default_idf)
    known = known or {}
    out = []
    for article, doc, (hits, in_title) in zip(articles, docs, keyword_hits, strict=True):
        score = known.get(article.url)
        if score is None:
            score = round(cosine(tfidf(doc, idf, default_idf), query) + 0.02 * min(len(hits), 5)
                          + 0.04 * min(in_title, 3), 4)
        out.append(Candidate(article=article, relevance=score, terms=hits))
    return out
