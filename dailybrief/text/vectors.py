"""Sparse TF-IDF vectors as scipy matrices, for similarity over thousands of articles at once.

The dict vectors of `select.tfidf` are convenient one at a time; clustering and the
main-thread score compare hundreds of thousands of pairs, which this module does in C.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix


def to_matrix(vectors: Sequence[Mapping[Any, float]]) -> csr_matrix:
    """Stack dict vectors (term → weight) into a CSR matrix, one row each."""
    vocab: dict[Any, int] = {}
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for vec in vectors:
        for term, weight in vec.items():
            indices.append(vocab.setdefault(term, len(vocab)))
            data.append(weight)
        indptr.append(len(indices))
    return csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64),
                       np.asarray(indptr, dtype=np.int64)), shape=(len(vectors), max(1, len(vocab))))


def feature_matrix(rows: Sequence[Iterable[Hashable]]) -> csr_matrix:
    """Return a binary matrix with one row per item and one column per distinct feature it has."""
    return to_matrix([dict.fromkeys(row, 1.0) for row in rows])


def row_dots(matrix: csr_matrix, left: np.ndarray, right: np.ndarray, chunk: int = 100_000) -> np.ndarray:
    """Return the dot product of rows left[k] and right[k] for every k."""
    out = np.zeros(len(left), dtype=np.float32)
    for start in range(0, len(left), chunk):
        stop = start + chunk
        product = matrix[left[start:stop]].multiply(matrix[right[start:stop]])
        out[start:stop] = np.asarray(product.sum(axis=1)).ravel()
    return out


def pair_cosines(matrix: csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Return the cosine of each pair of rows (rows are unit length)."""
    return row_dots(matrix, left, right)


def without_common_terms(matrix: csr_matrix, max_share: float = 0.05, min_rows: int = 200,
                         max_rows: int = 1000) -> csr_matrix:
    """Drop terms found in more than `max_share` of the rows, or in more than `max_rows` rows.

    Such terms link everything to everything; the absolute cap also keeps the cost of
    comparing each row with all others linear in the number of rows on a large archive.
    """
    if matrix.shape[0] < min_rows:
        return matrix
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    keep = np.flatnonzero(df <= min(max_share * matrix.shape[0], max_rows))
    return matrix[:, keep].tocsr()


def top_neighbour_sums(matrix: csr_matrix, rows: Sequence[int], group_of: Sequence[int], k: int = 3,
                       chunk: int = 1000) -> np.ndarray:
    """For each given row, the sum of its `k` highest cosines with rows of other groups."""
    pruned = without_common_terms(matrix)
    groups = np.asarray(group_of)
    out = np.zeros(len(rows), dtype=np.float32)
    transposed = pruned.T.tocsc()
    for start in range(0, len(rows), chunk):
        part = list(rows[start: start + chunk])
        sims = (pruned[part] @ transposed).tocsr()
        for n, row in enumerate(part):
            lo, hi = sims.indptr[n], sims.indptr[n + 1]
            cols, vals = sims.indices[lo:hi], sims.data[lo:hi]
            vals = vals[groups[cols] != groups[row]]
            if len(vals):
                out[start + n] = float(np.sort(vals)[-k:].sum())
    return out
