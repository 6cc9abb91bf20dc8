"""Accumulate rank acceptability and central-weight sums over batches of sampled scores.

The tie rule is :func:`policybench.mcda.rank`'s (``|a - b| <= 1e-9 * max(1, |a|, |b|)``,
grouped along the sorted order). A k-way tie at rank r adds ``1/k`` to each of ranks
``r .. r+k-1`` of every tied option, so every sample adds exactly 1 to each row and to each
column of the count matrix; a tie at first gives each tied option ``1/k`` of the sample's
weight vector towards its central weights.

The hot path is a batch of samples without any tie, which is almost every batch when weights
are drawn from a continuous distribution. Rows that *might* hold a tie are found with one
conservative tolerance per batch (``1e-9 * max(1, largest |score|)``, never smaller than the
pairwise one) and sent through :func:`policybench.mcda.rank`, so the result is the same as
ranking every sample with it, only faster.

How positions are found in the hot path (measured in ``benchmarks/RESULTS.md``): for up to
:data:`COUNT_MAX_OPTIONS` options, counting for each option how many scores beat it (one
vectorised comparison per option over a block of samples, in an options-by-samples layout)
beats an ``argsort`` of every sample's row; above that, ``argsort`` wins. Either way a chunk is
ranked in blocks of :data:`BLOCK` scores, small enough to stay in cache.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from policybench import mcda

FloatArray = NDArray[np.float64]

#: Largest number of options for which positions are counted rather than sorted.
COUNT_MAX_OPTIONS = 16
#: Scores ranked at once (``options x samples``): 64k float64 values, so that the arrays of
#: one block stay in a core's L2 cache (measured: 2.5x faster than counting a whole
#: 50,000-sample chunk at once on 10 options, and up to 2x faster when sorting).
BLOCK = 1 << 16


class RankCounter:
    """Running sums for SMAA-2: rank counts ``(N, N)`` and central-weight sums ``(N, M)``."""

    def __init__(self, n: int, m: int) -> None:
        self.n = n
        self.m = m
        self.samples = 0
        self._counts = np.zeros(n * n, dtype=np.int64)  # samples without ties
        self._shares = np.zeros(n * (n + 1))  # ties: +1/k at rank r, -1/k at rank r+k
        self.weight_sums = np.zeros((n, m))  # sum of w over samples, by share of first place
        self._rows = np.arange(n)[:, None]

    def acceptability(self) -> FloatArray:
        """``(N, N)``: share of samples in which option ``i`` takes rank ``r + 1``."""
        tied = np.cumsum(self._shares.reshape(self.n, self.n + 1), axis=1)[:, : self.n]
        out: FloatArray = (self._counts.reshape(self.n, self.n) + tied) / max(self.samples, 1)
        return out

    def add(self, scores: FloatArray, weights: FloatArray) -> None:
        """Count a batch: ``scores`` ``(S, N)`` obtained under ``weights`` ``(S, M)``."""
        s = scores.shape[0]
        if s == 0:
            return
        self.samples += s
        tol = mcda.TIE_RTOL * max(1.0, float(scores.max()), -float(scores.min()))
        positions = self._add_counted if self.n <= COUNT_MAX_OPTIONS else self._add_sorted
        step = max(1, BLOCK // self.n)
        for start in range(0, s, step):  # cache-sized blocks of one chunk
            block, w = scores[start : start + step], weights[start : start + step]
            clean = positions(block, w, tol)
            if clean is not None:
                self._add_tied(block[~clean], w[~clean])

    def _add_counted(
        self, scores: FloatArray, weights: FloatArray, tol: float
    ) -> NDArray[np.bool_] | None:
        """Positions by counting; returns the tie-free mask if some rows may hold ties."""
        n = self.n
        st = np.ascontiguousarray(scores.T)  # (N, S): each comparison is one long row
        raised = st + tol
        pos = np.zeros(st.shape, dtype=np.uint8)
        beats = np.empty(st.shape, dtype=bool)
        for j in range(n):  # one vectorised pass per option (N <= 16): see the module docstring
            np.greater(st[j], raised, out=beats)
            np.add(pos, beats, out=pos)
        clean: NDArray[np.bool_] | None = None
        # without ties the positions are a permutation: they add up to n(n-1)/2
        totals = pos.sum(axis=0, dtype=np.int16)  # at most 16 * 15 / 2
        if (totals != n * (n - 1) // 2).any():
            clean = totals == n * (n - 1) // 2
            pos, weights = pos[:, clean], weights[clean]
        self._counts += np.bincount((pos + self._rows * n).ravel(), minlength=n * n)
        self.weight_sums += (pos == 0).astype(np.float64) @ weights
        return clean

    def _add_sorted(
        self, scores: FloatArray, weights: FloatArray, tol: float
    ) -> NDArray[np.bool_] | None:
        """Positions by ``argsort``; returns the tie-free mask if some rows may hold ties."""
        n = self.n
        order = np.argsort(-scores, axis=1)
        ordered = np.take_along_axis(scores, order, axis=1)
        gaps = ordered[:, :-1] - ordered[:, 1:]
        clean: NDArray[np.bool_] | None = None
        if (gaps <= tol).any():
            clean = np.asarray((gaps > tol).all(axis=1))
            order, weights = order[clean], weights[clean]
        self._counts += np.bincount((order * n + np.arange(n)).ravel(), minlength=n * n)
        top = order[:, 0]
        for c in range(self.m):  # a loop over criteria: one bincount each
            self.weight_sums[:, c] += np.bincount(top, weights=weights[:, c], minlength=n)
        return clean

    def _add_tied(self, scores: FloatArray, weights: FloatArray) -> None:
        """Rows that may hold ties: rank with mcda.rank and share tied ranks."""
        s, n = scores.shape
        if s == 0:
            return
        ranks = mcda.rank(scores) - 1  # (S, N), from 0; tied options share the lower rank
        row_base = (np.arange(s) * n)[:, None]
        group = np.bincount((row_base + ranks).ravel(), minlength=s * n)  # group sizes
        k = group[(row_base + ranks).ravel()].reshape(s, n)
        share = 1.0 / k
        opt = np.broadcast_to(np.arange(n) * (n + 1), (s, n))
        self._shares += np.bincount(
            (opt + ranks).ravel(), weights=share.ravel(), minlength=n * (n + 1)
        )
        self._shares -= np.bincount(
            (opt + ranks + k).ravel(), weights=share.ravel(), minlength=n * (n + 1)
        )
        self.weight_sums += (np.where(ranks == 0, share, 0.0)).T @ weights
