"""The slow, obviously right SMAA reference the robustness tests check the engine against."""

from __future__ import annotations

import numpy as np

from policybench import mcda


def brute_force(scores: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Acceptability and central-weight sums by ranking every sample with mcda.rank: for
    ``scores`` (S, N) and the ``weights`` (S, M) that gave them, the (N, N) share of samples
    putting each option at each rank (ties shared 1/k over the k ranks) and the (N, M) sum
    of the weights that put it first (shared 1/k), divided by S."""
    s, n = scores.shape
    ranks = mcda.rank(scores)
    acc = np.zeros((n, n))
    central = np.zeros((n, weights.shape[1]))
    for row, w in zip(ranks, weights, strict=True):  # slow on purpose: the reference
        for i in range(n):
            r = row[i]
            k = int((row == r).sum())
            acc[i, r - 1 : r - 1 + k] += 1.0 / k
            if r == 1:
                central[i] += w / k
    return acc / s, central
