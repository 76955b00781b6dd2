"""Learn the editor's line: fit the `[rank]` weights to the editors' recorded decisions.

Each decision of the editor app (a section dropped, a left-out story added in its place) says
which stories the editor preferred to which: pairs of (preferred, other) feature vectors. The
fit is a pairwise logistic model (the score of the preferred story should exceed the other's),
regularised towards the current weights so a handful of decisions moves them little, and
projected after every step onto the documented bounds: every weight between 0 and half of
their sum (`rank.WEIGHT_BOUNDS`), the sum fixed at 1. Each decision counts once, however many
pairs it holds; decisions that contradict each other cancel out, and the weights stay bounded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dailybrief.stories.rank import FEATURES, WEIGHT_BOUNDS

MIN_DECISIONS = 20
SHARPNESS = 20.0  # scores differ by a few hundredths; the logistic needs them on a unit scale
REGULARISATION = 0.5
STEPS = 400
STEP_SIZE = 0.05

Pair = tuple[Mapping[str, float], Mapping[str, float]]


class NotEnoughDecisions(ValueError):
    """Fewer decisions than a fit needs."""


@dataclass(frozen=True)
class Fit:
    """The outcome of one fit: old and new weights, what they were fitted on, and how well each agrees."""

    old: dict[str, float]
    new: dict[str, float]
    decisions: int
    pairs: int
    agreement_before: float
    agreement_after: float


def normalised(weights: Mapping[str, float]) -> dict[str, float]:
    """Return weights as shares of their sum (all features, missing ones 0)."""
    total = sum(max(0.0, float(weights.get(f, 0.0))) for f in FEATURES) or 1.0
    return {f: max(0.0, float(weights.get(f, 0.0))) / total for f in FEATURES}


def project(vector: np.ndarray) -> np.ndarray:
    """Return the point of {w : low ≤ w_i ≤ high, Σ w_i = 1} nearest to a vector (bisection on the shift)."""
    low, high = WEIGHT_BOUNDS
    below, above = float(vector.min()) - high, float(vector.max()) - low
    for _ in range(100):
        shift = (below + above) / 2
        if np.clip(vector - shift, low, high).sum() > 1.0:
            below = shift
        else:
            above = shift
    return np.asarray(np.clip(vector - (below + above) / 2, low, high))


def _matrix(decisions: Sequence[Sequence[Pair]]) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs' feature differences (preferred − other) and each pair's weight (1 / its decision's pairs)."""
    rows: list[list[float]] = []
    share: list[float] = []
    for decision in decisions:
        for preferred, other in decision:
            rows.append([float(preferred.get(f, 0.0)) - float(other.get(f, 0.0)) for f in FEATURES])
            share.append(1.0 / len(decision))
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES)), np.asarray(share, dtype=np.float64)


def agreement(decisions: Sequence[Sequence[Pair]], weights: Mapping[str, float]) -> float:
    """Return the share of decisions' pairs the weights order as the editor did (each decision counts once)."""
    differences, share = _matrix(decisions)
    if not len(share):
        return 0.0
    margins = differences @ np.asarray([normalised(weights)[f] for f in FEATURES])
    return round(float((share * (margins > 0)).sum() / share.sum()), 4)


def fit_weights(decisions: Sequence[Sequence[Pair]], current: Mapping[str, float]) -> Fit:
    """Fit the weights to the decisions, starting from and regularised towards the current ones."""
    usable = [d for d in decisions if d]
    if len(usable) < MIN_DECISIONS:
        raise NotEnoughDecisions(f"learning needs at least {MIN_DECISIONS} editor decisions; "
                                 f"the archive has {len(usable)}")
    differences, share = _matrix(usable)
    share = share / share.sum()
    start = project(np.asarray([normalised(current)[f] for f in FEATURES]))
    weights = start.copy()
    for _ in range(STEPS):
        margins = SHARPNESS * (differences @ weights)
        # d/dw of Σ share · log(1 + e^(−margin)) is −Σ share · σ(−margin) · SHARPNESS · difference
        pull = share / (1.0 + np.exp(np.clip(margins, -50, 50)))
        gradient = -SHARPNESS * (pull @ differences) + 2 * REGULARISATION * (weights - start)
        weights = project(weights - STEP_SIZE * gradient)
    old = {f: round(float(v), 4) for f, v in zip(FEATURES, start, strict=True)}
    new = {f: round(float(v), 4) for f, v in zip(FEATURES, weights, strict=True)}
    return Fit(old=old, new=new, decisions=len(usable), pairs=len(share),
               agreement_before=agreement(usable, old), agreement_after=agreement(usable, new))
