"""Per-article features that do not depend on the day, computed once per article version.

Everything the stories stage reads from one article alone — its tokens, the theme keywords it
names and where (relevance and aboutness), its shingle signature (reprints), its signals (event
clustering) and the distinctive terms older articles are looked up by — comes from the article's
title, its core text (the body without its site's furniture) and the theme. `feature_key` hashes
those inputs with FEATURES_VERSION: a changed algorithm, theme or text gives another key, and the
features are computed again. The pipeline keeps them in the archive, so a daily run cuts and
hashes only new articles; `build_stories` called with bare articles computes them in memory.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np

from dailybrief.config import ThemeSettings
from dailybrief.models import Article
from dailybrief.stories.aboutness import Naming, naming_of, theme_terms
from dailybrief.stories.reprints import MIN_BODY, NUM_PERM, KnownBody, body_key, minhash
from dailybrief.stories.select import Frequencies, article_tokens, theme_words
from dailybrief.text.hashing import stable_hash
from dailybrief.text.tokens import Signals, signals

FEATURES_VERSION = 1  # raise it when what is computed changes: every article is computed again as it is read
LOOKUP_TERMS = 10  # distinctive terms an article can be found by


@dataclass(frozen=True)
class ThemeProfile:
    """What of the theme the features depend on, prepared once."""

    words: tuple[str, ...]  # extra dictionary words
    keywords: tuple[tuple[str, str], ...]  # (keyword, NFKC form)
    terms: re.Pattern[str]  # the terms that name the theme (aboutness)
    fingerprint: str  # a hash of all of it, part of every feature key


def theme_profile(theme: ThemeSettings) -> ThemeProfile:
    """Return the parts of a theme the features depend on."""
    return _profile(theme.model_dump_json())


@cache
def _profile(theme_json: str) -> ThemeProfile:
    """Prepare a theme given as JSON (a hashable form of it), once."""
    theme = ThemeSettings.model_validate_json(theme_json)
    words = theme_words(theme)
    keywords = tuple((k, unicodedata.normalize("NFKC", k)) for k in theme.keywords if k)
    terms = theme_terms(theme)
    fingerprint = hashlib.sha256(json.dumps([words, keywords, terms.pattern], ensure_ascii=False).encode()).hexdigest()
    return ThemeProfile(words, keywords, terms, fingerprint[:16])


@dataclass(frozen=True)
class ArticleFeatures:
    """What the stories stage reads from one article alone (see the module docstring)."""

    key: str
    counts: Mapping[str, int]  # tokens of the title (twice) and the core text
    hits: tuple[str, ...]  # theme keywords found verbatim in the title or the core
    in_title: int  # how many of them the title holds
    detail: Detail | None = None  # None when computed in memory: build_stories adds it for on-theme articles only
    signals: Signals | None = None  # with places; None when computed in memory (build_stories adds them for news)
    terms: tuple[str, ...] = field(default=())  # the distinctive terms it is looked up by


@dataclass(frozen=True)
class Detail:
    """What only an on-theme article needs: where it names the theme, and its body for reprint detection."""

    naming: Naming
    body: KnownBody  # reduced length (0 when too short to be evidence), hash, MinHash signature


def detail_of(article: Article, core: str) -> tuple[str, KnownBody]:
    """Return an article's NFKC core and its reduced body's length, hash and signature."""
    core = unicodedata.normalize("NFKC", core)
    reduced = body_key(core)
    if len(reduced) < MIN_BODY:
        return core, KnownBody(0, "", None)
    return core, KnownBody(len(reduced), hashlib.sha256(reduced.encode()).hexdigest(),
                           minhash(reduced).hashvalues.astype(np.uint32))


def detailed(features: ArticleFeatures, article: Article, core: str, profile: ThemeProfile) -> ArticleFeatures:
    """Return the features with their detail (computed now when missing)."""
    if features.detail is not None:
        return features
    normalised, body = detail_of(article, core)
    return replace(features, detail=Detail(naming_of(article.title, normalised, profile.terms), body))


LOCAL_LEVELS = ("provincial", "city")


def home_of(article: Article, levels: Mapping[str, str]) -> str:
    """Return the place a local government's text calls 我市/全省: its publisher's name (else "")."""
    return article.publisher if levels.get(article.source, "media") in LOCAL_LEVELS else ""


def feature_key(article: Article, core: str, profile: ThemeProfile, home: str) -> str:
    """Return the hash of everything an article's features are computed from, and of the algorithm's version."""
    inputs = [FEATURES_VERSION, profile.fingerprint, home, article.title, core, list(article.paragraphs[:3])]
    return hashlib.sha256(json.dumps(inputs, ensure_ascii=False).encode()).hexdigest()[:24]


def compute_features(article: Article, core: str, profile: ThemeProfile, *, home: str = "",
                     complete: bool = False, key: str = "") -> ArticleFeatures:
    """Compute an article's features from its title and its core text (the body without site furniture).

    `complete` adds the detail and the signals with places (`home` is a local government
    publisher's name): what the archive keeps. In memory only what relevance needs is computed
    for every article, the rest for those that need it (`detailed`, and signals for news).
    """
    normalised = unicodedata.normalize("NFKC", core)
    counts = Counter(article_tokens(replace(article, text=normalised), profile.words))
    title = unicodedata.normalize("NFKC", article.title)
    flat = title + " " + normalised
    hits = tuple(k for k, folded in profile.keywords if folded in flat)
    in_title = sum(1 for _k, folded in profile.keywords if folded in title)
    features = ArticleFeatures(key=key, counts=dict(counts), hits=hits, in_title=in_title)
    if not complete:
        return features
    return replace(detailed(features, article, core, profile),
                   signals=signals(article.title, article.paragraphs, profile.words, home=home))


def with_lookup_terms(features: ArticleFeatures, frequencies: Frequencies, top: int = LOOKUP_TERMS) -> ArticleFeatures:
    """Return the features with their distinctive terms: the `top` heaviest by TF-IDF over the given frequencies."""
    default, df, n = frequencies.default_idf, frequencies.df, 1 + frequencies.documents
    weighted = [(-(1 + math.log(count)) * (math.log(n / (1 + df[term])) + 1.0 if term in df else default), term)
                for term, count in features.counts.items()]
    return replace(features, terms=tuple(term for _w, term in heapq.nsmallest(top, weighted)))


LookupKeys = dict[int, float]  # look-up key → how much sharing it says two articles are related
DOC_WEIGHT = 4.0
COPY_WEIGHT = 100.0
COMMON_SHARE, COMMON_MIN = 0.05, 50  # a term in more articles than this share (and count) says nothing of relatedness


def stored_keys(features: ArticleFeatures) -> list[int]:
    """Return every key an article can be found by: its distinctive terms, its 《documents》, its exact body."""
    keys = [stable_hash("term", t) for t in features.terms]
    if features.signals is not None:
        keys += [stable_hash("doc", d) for d in features.signals.doc_titles]
    if features.detail and features.detail.body.sha:
        keys.append(stable_hash("body", features.detail.body.sha))
    return keys


def query_keys(features: ArticleFeatures, frequencies: Frequencies, idf: Mapping[str, float]) -> LookupKeys:
    """Return the keys to look up an article's older relatives by, weighted by what sharing each says.

    A distinctive term weighs its IDF, unless more than COMMON_SHARE of the archive (and more than
    COMMON_MIN articles) has it: then it is left out. A shared 《document》 weighs DOC_WEIGHT; the
    same body (a copy, whatever its date) COPY_WEIGHT.
    """
    n = frequencies.documents
    floor = math.log((1 + n) / (1 + max(COMMON_SHARE * n, COMMON_MIN))) + 1.0
    keys: LookupKeys = {stable_hash("term", t): idf.get(t, frequencies.default_idf) for t in features.terms
                        if idf.get(t, frequencies.default_idf) > floor}
    if features.signals is not None:
        keys.update((stable_hash("doc", d), DOC_WEIGHT) for d in features.signals.doc_titles)
    if features.detail and features.detail.body.sha:
        keys[stable_hash("body", features.detail.body.sha)] = COPY_WEIGHT
    return keys


def encode(features: ArticleFeatures) -> bytes:
    """Serialise complete features for the archive (the signature and body length are kept beside, in columns)."""
    s, detail = features.signals, features.detail
    if s is None or detail is None:
        raise ValueError("only complete features are stored")
    record: dict[str, Any] = {
        "counts": features.counts, "hits": features.hits, "in_title": features.in_title,
        "naming": [detail.naming.headline, detail.naming.lead, detail.naming.share], "body_sha": detail.body.sha,
        "terms": features.terms,
        "signals": {
            "places": sorted(s.places), "main_places": sorted(s.main_places), "title_places": sorted(s.title_places),
            "title_years": sorted(s.title_years), "title_numbers": sorted(s.title_numbers),
            "numbers": sorted(s.numbers), "doc_titles": sorted(s.doc_titles),
            "title_doc_titles": sorted(s.title_doc_titles)},
    }
    return zlib.compress(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def decode(key: str, data: bytes, body_len: int, signature: bytes) -> ArticleFeatures:
    """Read back what `encode` wrote."""
    record = json.loads(zlib.decompress(data))
    s = record["signals"]
    headline, lead, share = record["naming"]
    body = KnownBody(body_len, record["body_sha"], np.frombuffer(signature, dtype=np.uint32).copy()
                     if len(signature) == 4 * NUM_PERM else None)
    return ArticleFeatures(
        key=key, counts=record["counts"], hits=tuple(record["hits"]), in_title=int(record["in_title"]),
        detail=Detail(Naming(bool(headline), bool(lead), float(share)), body), terms=tuple(record["terms"]),
        signals=Signals(
            places=frozenset(s["places"]), main_places=frozenset(s["main_places"]),
            title_places=frozenset(s["title_places"]), title_years=frozenset(int(y) for y in s["title_years"]),
            title_numbers=frozenset((str(v), str(u)) for v, u in s["title_numbers"]),
            numbers=frozenset((str(v), str(u)) for v, u in s["numbers"]), doc_titles=frozenset(s["doc_titles"]),
            title_doc_titles=frozenset(s["title_doc_titles"])))


def signature_bytes(features: ArticleFeatures) -> bytes:
    """Return the signature as stored (empty when the body is too short or not computed)."""
    body = features.detail.body if features.detail else None
    return b"" if body is None or body.signature is None else body.signature.astype(np.uint32).tobytes()


def body_length(features: ArticleFeatures) -> int:
    """Return the reduced body's length (0 when too short, or not computed)."""
    return features.detail.body.length if features.detail else 0
