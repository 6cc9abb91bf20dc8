"""The problems the engine benchmarks measure, and how a ranking is compared with pymcdm's."""

from __future__ import annotations

import numpy as np

TIE_NOTE = (
    "A non-zero difference between the acceptabilities comes from samples in which two "
    "scores fall within policybench's tie tolerance (1e-9 for scores below 1): policybench "
    "shares those ranks 1/k, argsort breaks the tie arbitrarily."
)


def problem(n: int, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random ``n x m`` problem: scores uniform in 2..9, every third criterion a cost, and
    one weight vector."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(2.0, 9.0, size=(n, m))
    types = np.where(np.arange(m) % 3 == 2, -1.0, 1.0)
    return x, types, rng.dirichlet(np.ones(m))


def catalog_like(n: int, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A matrix shaped like the shipped catalog: scores 0 to 10 in half points, 2 costs."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 21, size=(n, m)) / 2.0
    types = np.where(np.arange(m) >= m - 3, -1.0, 1.0)
    types[-1] = 1.0  # the catalog's costs are its 8th and 9th criteria of 10
    return x, types


def same_order(ours: np.ndarray, peer: np.ndarray) -> str:
    """Compare policybench's ranks with pymcdm's, allowing for policybench's tie rule.

    Options that policybench ties (scores within 1e-9 * max(1, |a|, |b|)) share the lower
    rank; pymcdm separates them (or averages exact ties). Outside such groups the ranks must
    be equal, and inside a group pymcdm's ranks must fall within the group's positions.
    """
    if np.array_equal(ours, peer):
        return "yes"
    size = (ours[:, None] == ours[None, :]).sum(axis=1) if ours.size <= 20_000 else None
    if size is None:
        _, inverse, counts = np.unique(ours, return_inverse=True, return_counts=True)
        size = counts[inverse]
    inside = (peer >= ours) & (peer <= ours + size - 1)
    if inside.all():
        return f"yes, but {int((size > 1).sum())} options tie under our rule"
    return "NO"
