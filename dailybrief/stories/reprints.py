"""Reprints: exact and near-duplicate bodies, and which article is the original.

Near-duplicates are found with MinHash LSH over character shingles of the normalised
body (datasketch), then confirmed with exact Jaccard similarity. A condensed rewrite
(much shorter, same facts) is not a reprint: it is coverage, left to event clustering.
Bodies are compared without their site furniture (paragraphs that different pages of one
site share verbatim: footers, disclaimers); a body too short to be evidence joins nothing;
two alike bodies that name different figures or places are look-alike events, not a reprint.
In each group the original is the article whose publisher the others' 来源：lines name,
else the earliest published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from dailybrief.collect.urls import canonical_url
from dailybrief.models import Article
from dailybrief.stories.furniture import core_texts
from dailybrief.text.tokens import normalise, numbers_with_units, places, strip_dateline

SHINGLE = 5
NUM_PERM = 128
LSH_THRESHOLD = 0.45  # proposes pairs to check; 来源：lines propose excerpting reprints besides
ESTIMATE_MARGIN = 0.12  # closer than this to a threshold, a pair is checked on its exact shingle sets
REPRINT_GAP = 7  # days: a reprint follows its original within a week (exact copies are grouped whatever their dates)
MIN_BODY = 50  # letters and digits: a shorter body is no evidence that two pages carry one text
_KEEP = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
_PUBLISHER_NOISE = re.compile(r"[（(][^）)]*[）)]|官方网站|网站|官网|客户端|微信公众号|公众号|门户网站")
LEVEL_ORDER = {"national": 0, "provincial": 1, "city": 2, "media": 3}


@dataclass(frozen=True)
class ReprintGroup:
    """Articles with the same body: the original and the reprints pointing to it."""

    original: Article
    reprints: tuple[Article, ...]

    @property
    def members(self) -> tuple[Article, ...]:
        """Return the original followed by its reprints."""
        return (self.original, *self.reprints)


class UnionFind:
    """Disjoint sets over integers 0..n-1."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        """Return the set representative of x (with path halving)."""
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        """Merge the sets of a and b."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        """Return the sets, each sorted, in order of their smallest member."""
        out: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            out.setdefault(self.find(i), []).append(i)
        return list(out.values())


def body_key(text: str) -> str:
    """Return the body reduced to letters and digits (what reprints share)."""
    return _KEEP.sub("", normalise(text)).lower()


# datasketch's affine permutations (h -> a*h + b mod 2**32), drawn once: building them per text is costly.
_PERMUTATION_A, _PERMUTATION_B = MinHash(num_perm=NUM_PERM, seed=7, scheme="affine32").permutations
_SCHEME = "affine32"
_SHINGLE_MULTIPLIER = np.uint64(0x100000001B3)  # odd 64-bit constants of a polynomial hash and its finaliser
_SHINGLE_FINALISER = np.uint64(0xBF58476D1CE4E5B9)


def shingle_codes(key: str, size: int = SHINGLE) -> np.ndarray:
    """Return a 64-bit code of every character shingle of a reduced body (one numpy pass; collisions negligible)."""
    codes = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < size:
        codes = np.concatenate([codes, np.zeros(size - len(codes), dtype=np.uint64)])
    last = len(codes) - size + 1
    mixed = np.zeros(last, dtype=np.uint64)
    for offset in range(size):  # a polynomial hash of the shingle's code points, wrapping at 2**64
        mixed = mixed * _SHINGLE_MULTIPLIER + codes[offset: offset + last]
    mixed ^= mixed >> np.uint64(29)
    mixed *= _SHINGLE_FINALISER
    return mixed


def shingle_hashes(key: str, size: int = SHINGLE) -> np.ndarray:
    """Return a well-mixed 32-bit hash of every character shingle of a reduced body."""
    return (shingle_codes(key, size) >> np.uint64(32)).astype(np.uint32)


@lru_cache(maxsize=4096)
def shingle_set(key: str) -> np.ndarray:
    """Return a body's distinct shingle codes, sorted (the few thousand most recent are remembered)."""
    codes = np.sort(shingle_codes(key))
    distinct: np.ndarray = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    return distinct


def lean_minhash(signature: np.ndarray) -> LeanMinHash:
    """Return a MinHash object (what datasketch's LSH takes) holding a signature made by `minhash`."""
    return LeanMinHash(seed=7, hashvalues=signature, scheme=_SCHEME)


def minhash(key: str, size: int = SHINGLE) -> LeanMinHash:
    """Return the MinHash signature of a body's shingles.

    The permutations are datasketch's, applied to every shingle in one numpy product (the
    shingle hashes are already well mixed). Every shingle counts: a sample of them would
    make the estimate too noisy for short excerpts, the case 来源：lines are checked for.
    """
    values = shingle_hashes(key, size)[:, None]
    signature = (values * _PERMUTATION_A + _PERMUTATION_B).min(axis=0)
    return lean_minhash(signature)


@cache
def lsh_bands() -> tuple[int, int]:
    """Return the (bands, rows per band) datasketch's LSH uses at LSH_THRESHOLD."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """Return each signature's LSH band keys: one 64-bit hash per band (band number mixed in), in one numpy pass.

    Two signatures sharing a key are a pair LSH would propose; rows of the result are signatures.
    """
    bands, rows = lsh_bands()
    values = signatures[:, : bands * rows].astype(np.uint64).reshape(len(signatures), bands, rows)
    keys: np.ndarray = np.zeros((len(signatures), bands), dtype=np.uint64)
    for j in range(rows):
        keys = keys * _SHINGLE_MULTIPLIER + values[:, :, j]
    keys = (keys + np.arange(bands, dtype=np.uint64)) * _SHINGLE_FINALISER
    keys ^= keys >> np.uint64(29)
    return keys


def overlap_estimates(signature: np.ndarray, others: np.ndarray, length: int,
                      other_lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return estimated (Jaccard, containment of the shorter in the longer) of one body against several."""
    jaccard = np.count_nonzero(others == signature, axis=1) / NUM_PERM
    shared = jaccard * (length + other_lengths) / (1 + jaccard)
    return jaccard, np.minimum(1.0, shared / np.maximum(1, np.minimum(length, other_lengths)))


def estimate_verdicts(jaccard: np.ndarray, containment: np.ndarray, *, min_jaccard: float,
                      needed: float) -> np.ndarray:
    """Return per pair 1 (surely the same text), 0 (surely not) or -1 (too close to a threshold to tell)."""
    same = (jaccard >= min_jaccard + ESTIMATE_MARGIN) | (containment >= needed + ESTIMATE_MARGIN)
    different = (jaccard < min_jaccard - ESTIMATE_MARGIN) & (containment < needed - ESTIMATE_MARGIN)
    return np.where(same, 1, np.where(different, 0, -1))


def is_reprint_pair(a: np.ndarray, b: np.ndarray, *, min_jaccard: float, min_containment: float,
                    cites_other: bool) -> bool:
    """Confirm a candidate pair as the same text from the two bodies' shingle sets (`shingle_set`).

    Either the two bodies are alike as wholes (Jaccard), or the shorter one is mostly
    made of the longer one's wording (containment): an excerpting reprint. A 来源：line
    naming the other's publisher lowers the containment needed by a fifth. A condensed
    rewrite shares facts but little wording, so it passes neither test.
    """
    if not len(a) or not len(b):
        return False
    inter = len(np.intersect1d(a, b, assume_unique=True))
    if inter / (len(a) + len(b) - inter) >= min_jaccard:
        return True
    needed = min_containment * (0.8 if cites_other else 1.0)
    return inter / min(len(a), len(b)) >= needed


def specifics(text: str) -> tuple[set[tuple[str, str]], set[str]]:
    """Return the figures (value, unit) and the places a body names, datelines left out."""
    body = "\n".join(strip_dateline(line) for line in text.split("\n"))
    return numbers_with_units(body), places(body)


def conflicting(a: tuple[set[tuple[str, str]], set[str]], b: tuple[set[tuple[str, str]], set[str]], *,
                cites_other: bool) -> bool:
    """Say whether two alike bodies each name figures (or places) the other lacks: look-alikes, not one text.

    A reprint adds or drops passages (an editor's note, a dateline), so its differences go
    one way; look-alike texts swap names and numbers, so theirs go both ways. When one
    names the other in its 来源：line, both figures and places must disagree.
    """
    figures = bool(a[0] - b[0]) and bool(b[0] - a[0])
    where = bool(a[1] - b[1]) and bool(b[1] - a[1])
    return (figures and where) if cites_other else (figures or where)


@dataclass(frozen=True)
class PairFilter:
    """Rules out, from signatures alone, candidate pairs that cannot be one text.

    Only pairs surely below both thresholds are dropped, at the lower thresholds a 来源：
    line allows, so every pair `_same_text` would accept still reaches it.
    """

    signatures: np.ndarray  # one MinHash signature per body (rows of empty bodies unused)
    lengths: np.ndarray  # each reduced body's length
    min_jaccard: float
    min_containment: float

    def keep(self, i: int, others: np.ndarray) -> np.ndarray:
        """Return the bodies among `others` that body i may share its text with."""
        jaccard, containment = overlap_estimates(self.signatures[i], self.signatures[others], int(self.lengths[i]),
                                                 self.lengths[others])
        verdicts = estimate_verdicts(jaccard, containment, min_jaccard=self.min_jaccard,
                                     needed=self.min_containment * 0.8)
        kept: np.ndarray = others[verdicts != 0]
        return kept


def candidate_pairs(keys: Sequence[str], threshold: float, pair_filter: PairFilter,
                    days: Sequence[int] | None = None, *, max_gap: int = REPRINT_GAP,
                    known: np.ndarray | None = None) -> Iterator[tuple[int, int]]:
    """Yield index pairs whose bodies MinHash LSH says are similar; write each body's signature into the filter's.

    With `days` (ordinals), bodies are indexed in date order and leave the index once they
    are more than `max_gap` days older than the body being looked up: reprints follow
    their original within days, and a large archive then costs a window, not everything.
    Rows `known` marks already hold their signature (computed when the article was stored);
    the others need their reduced body in `keys`.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    order = sorted(range(len(keys)), key=lambda i: days[i]) if days is not None else range(len(keys))
    indexed: deque[int] = deque()
    for i in order:
        if not pair_filter.lengths[i]:
            continue
        if days is not None:
            while indexed and days[indexed[0]] < days[i] - max_gap:
                lsh.remove(indexed.popleft())
        if known is not None and known[i]:
            sig = lean_minhash(pair_filter.signatures[i])
        else:
            sig = minhash(keys[i])
            pair_filter.signatures[i] = sig.hashvalues
        found = lsh.query(sig)
        if found:
            for other in pair_filter.keep(i, np.asarray(found, dtype=np.int64)).tolist():
                yield other, i
        lsh.insert(i, sig, check_duplication=False)
        indexed.append(i)


def cited_pairs(articles: Sequence[Article], days: Sequence[int], max_gap: int,
                pair_filter: PairFilter) -> Iterator[tuple[int, int]]:
    """Yield (candidate original, article) pairs where the article's 来源：line names the other's publisher.

    Excerpting reprints can share too little of the whole text for LSH to propose them;
    a 来源：line is direct evidence, so those pairs are checked. A busy publisher has
    hundreds of pages a week, so each citing article is compared with all of them at
    once on their signatures, and only pairs the filter does not rule out are yielded.
    """
    lengths = pair_filter.lengths
    by_publisher: dict[str, list[int]] = defaultdict(list)
    for i in sorted(range(len(articles)), key=lambda i: days[i]):
        if lengths[i]:
            by_publisher[articles[i].publisher].append(i)
    day_array = np.asarray(days, dtype=np.int64)
    members = {p: np.asarray(ids, dtype=np.int64) for p, ids in by_publisher.items()}
    member_days = {p: day_array[ids] for p, ids in members.items()}
    matches: dict[str, list[str]] = {}
    for i, article in enumerate(articles):
        if not lengths[i] or not article.origin or names_match(article.origin, article.publisher):
            continue
        if article.origin not in matches:
            matches[article.origin] = [p for p in members if names_match(article.origin, p)]
        for publisher in matches[article.origin]:
            lo, hi = np.searchsorted(member_days[publisher], [days[i] - max_gap, days[i] + max_gap + 1])
            others = members[publisher][lo:hi]
            others = others[others != i]
            if len(others):
                for j in pair_filter.keep(i, others).tolist():
                    yield j, i


@lru_cache(maxsize=8192)
def publisher_names(name: str) -> frozenset[str]:
    """Return the comparable forms of a publisher name (经济日报·中国经济网 → 经济日报, 中国经济网)."""
    parts = re.split(r"[·/／|｜、\s]+", _PUBLISHER_NOISE.sub("", name))
    return frozenset(p.removesuffix("网") if len(p) > 3 else p for p in parts if len(p) >= 2)


def names_match(origin: str, publisher: str) -> bool:
    """Say whether a 来源：name designates a publisher."""
    a, b = publisher_names(origin), publisher_names(publisher)
    return any(x == y or (len(x) >= 3 and x in y) or (len(y) >= 3 and y in x) for x in a for y in b)


def pick_original(members: Sequence[Article], levels: Mapping[str, str]) -> Article:
    """Choose the original: the publisher others' 来源：lines name, else the earliest, then the highest level."""
    named: Counter[str] = Counter()
    for m in members:
        if not m.origin or names_match(m.origin, m.publisher):
            continue
        for other in members:
            if other is not m and names_match(m.origin, other.publisher):
                named[other.url] += 1
    latest = dt.date.max

    def order(a: Article) -> tuple[int, dt.date, int, int, str]:
        """Sort key: most named, earliest, highest level, not itself naming another, URL."""
        points_away = bool(a.origin) and not names_match(a.origin, a.publisher)
        return (-named[a.url], a.published or latest, LEVEL_ORDER.get(levels.get(a.source, "media"), 3),
                int(points_away), a.url)

    return min(members, key=order)


def _same_text(a: int, b: int, keys: Sequence[str], signatures: np.ndarray, *, min_jaccard: float,
               min_containment: float, cites_other: bool) -> bool:
    """Decide a candidate pair from its signatures, computing exact shingle sets only near a threshold."""
    jaccard, containment = overlap_estimates(signatures[a], signatures[b: b + 1], len(keys[a]),
                                             np.asarray([len(keys[b])]))
    needed = min_containment * (0.8 if cites_other else 1.0)
    verdict = int(estimate_verdicts(jaccard, containment, min_jaccard=min_jaccard, needed=needed)[0])
    if verdict >= 0:
        return bool(verdict)
    return is_reprint_pair(shingle_set(keys[a]), shingle_set(keys[b]), min_jaccard=min_jaccard,
                           min_containment=min_containment, cites_other=cites_other)


@dataclass(frozen=True)
class KnownBody:
    """What is already known of a body without reading it: its reduced length (0: too short), hash and signature."""

    length: int
    sha: str
    signature: np.ndarray | None


def find_reprints(articles: Sequence[Article], levels: Mapping[str, str], *, min_jaccard: float = 0.5,
                  min_containment: float = 0.8, cores: Sequence[str] | None = None,
                  known: Sequence[KnownBody] | None = None, max_gap_days: int = REPRINT_GAP) -> list[ReprintGroup]:
    """Group articles into reprint groups (singletons included), each naming its original.

    Near-duplicates are looked for among articles at most `max_gap_days` apart; exact
    copies (same URL or same body) are grouped whatever their dates.

    `cores` are the bodies without site furniture (`core_texts`), when the caller has them;
    `known` what was computed of them when the articles were stored (then a body is reduced
    only when a candidate pair needs its exact shingles).
    """
    uf = UnionFind(len(articles))
    by_url: dict[str, int] = {}
    by_hash: dict[str, int] = {}
    cores = list(cores) if cores is not None else core_texts(articles)
    keys = [""] * len(cores)  # reduced bodies, filled as they are needed
    reduced = [False] * len(cores)

    def key_of(i: int) -> str:
        """Return body i reduced to letters and digits ("" when too short to be evidence)."""
        if not reduced[i]:
            key = body_key(cores[i])
            keys[i], reduced[i] = (key if len(key) >= MIN_BODY else ""), True
        return keys[i]

    bodies = list(known) if known is not None else [None] * len(cores)
    lengths = np.asarray([b.length if b else len(key_of(i)) for i, b in enumerate(bodies)], dtype=np.int64)
    matrix = np.zeros((len(cores), NUM_PERM), dtype=np.uint32)
    signed = np.zeros(len(cores), dtype=bool)
    for i, (article, body) in enumerate(zip(articles, bodies, strict=True)):
        sha = body.sha if body else (hashlib.sha256(keys[i].encode()).hexdigest() if keys[i] else "")
        if body and body.signature is not None and body.length:
            matrix[i], signed[i] = body.signature, True
        elif lengths[i]:
            key_of(i)  # LSH makes its signature
        for table, k in ((by_url, canonical_url(article.url)), (by_hash, sha)):
            if not k:
                continue
            if k in table:
                uf.union(table[k], i)
            else:
                table[k] = i
    pair_filter = PairFilter(matrix, lengths, min_jaccard, min_containment)
    specifics_cache: dict[int, tuple[set[tuple[str, str]], set[str]]] = {}
    days = [a.published.toordinal() if a.published else 0 for a in articles]

    def check(a: int, b: int) -> None:
        """Join a candidate pair when it is one text and not two look-alike events."""
        if uf.find(a) == uf.find(b):
            return
        first, second = articles[a], articles[b]
        cites = (bool(first.origin) and names_match(first.origin, second.publisher)) or \
            (bool(second.origin) and names_match(second.origin, first.publisher))
        key_of(a), key_of(b)
        if not _same_text(a, b, keys, matrix, min_jaccard=min_jaccard, min_containment=min_containment,
                          cites_other=cites):
            return
        for i in (a, b):
            if i not in specifics_cache:
                specifics_cache[i] = specifics(cores[i])
        if not conflicting(specifics_cache[a], specifics_cache[b], cites_other=cites):
            uf.union(a, b)

    # Every signature is made during the LSH pass; the 来源 pass reads them all.
    for a, b in candidate_pairs(keys, threshold=LSH_THRESHOLD, pair_filter=pair_filter, days=days,
                                max_gap=max_gap_days, known=signed):
        check(a, b)
    for a, b in cited_pairs(articles, days, max_gap_days, pair_filter):
        check(a, b)
    groups = []
    for members in uf.groups():
        arts = [articles[i] for i in members]
        original = pick_original(arts, levels)
        groups.append(ReprintGroup(original, tuple(a for a in arts if a is not original)))
    return groups
