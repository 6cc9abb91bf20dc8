"""Accumulate rank acceptability and central-weight sums over batches of sampled scores.

The tie rule is :func:`policybench.mcda.rank`'s (``|a - b| <= 1e-9 * max(1, |a|, |b|)``,
grouped along the sorted order). A k-way tie at rank r adds ``1/k`` to each of ranks
``r .. r+k-1`` of every tied option, so every sample adds exactly 1 to each row and to each
column of the count matrix; a tie at first gives each tied option ``1/k`` of the sample's
weight vector towards its central weights.

The hot path is a batch of samples without any tie, which is almost every batch when weights
are drawn from a continuous distribution. Rows that *might* hold a tie are found with one
conservative tolerance per block of samples (``1e-9 * max(1, largest |score|)``, never smaller
than the pairwise one) and sent through :func:`policybench.mcda.rank`, so the result is the
same as ranking every sample with it, only faster.

How positions are found in the hot path (measured in ``benchmarks/RESULTS.md``): for up to
:data:`COUNT_MAX_OPTIONS` options, counting for each option how many scores beat it (one
vectorised comparison per option over a block of samples, in an options-by-samples layout)
beats sorting every sample's row. Above that, up to :data:`PACK_MAX_OPTIONS` options, each row
is sorted once as *packed keys*: each score with its lowest mantissa bits replaced by the
option's index (6 bits for 64 options), sorted as plain float64 values (numpy's SIMD sort,
faster than ``argsort`` followed by the gather of the sorted scores it needs).
Clearing low bits moves a value towards 0, which never reorders two values, and the index
makes every key distinct, so one sort gives both the order (the low bits) and the sorted
scores, each within ``2**-46`` of its size (:data:`PACK_RTOL`). The tie check on those sorted
keys widens the tolerance by that error, so every row that could hold a tie still goes to
:func:`policybench.mcda.rank` on the exact float64 scores, and a row that passes has a strict
order that the keys reproduce exactly. Above 64 options, or when a block holds a score that is
not finite, ``argsort`` is used. Either way a chunk is ranked in blocks of :data:`BLOCK`
scores, small enough to stay in cache; :meth:`RankCounter.add_scored` also scores each block
just before ranking it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from policybench import mcda

FloatArray = NDArray[np.float64]

#: Largest number of options for which positions are counted rather than sorted (counting is
#: O(N^2) per sample, so past some size one sort of packed keys wins: where the two cross is
#: in benchmarks/RESULTS.md, "Positions in the SMAA hot path").
COUNT_MAX_OPTIONS = 12
#: Largest number of options sorted as packed keys (the index takes the low 6 mantissa bits).
PACK_MAX_OPTIONS = 64
#: Relative error of a packed key against its score: at most 63 units in the last place.
PACK_RTOL = 2.0**-46
#: Scores ranked at once (``options x samples``): 64k float64 values, so that the arrays of
#: one block stay in a core's L2 cache, which beats counting or sorting a whole chunk at once
#: (benchmarks/RESULTS.md, "Measured once").
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
        # Packed keys: the option's index in the low bits of its score (N <= 64: 6 bits at most)
        self._bits = max(1, (n - 1).bit_length())
        self._low = np.uint64((1 << self._bits) - 1)
        self._clear = ~self._low
        self._index = np.arange(n, dtype=np.uint64)
        # after an ascending sort, column j holds position n - 1 - j (0 = best); shifted above
        # the index, so that (position, index) is one bincount index
        self._at = (n - 1 - self._index) << np.uint64(self._bits)
        self._packed = np.zeros(n << self._bits, dtype=np.int64)  # by (position, index)
        self._criteria = np.arange(m)
        # buffers for one block, reused; the per-column constants tiled to the block's shape so
        # that every bitwise operation runs as one contiguous loop (a broadcast row of N
        # values is a loop per row)
        self._keys = np.empty((0, n))
        self._gaps = np.empty(0)
        self._index_tiled = np.empty((0, n), dtype=np.uint64)
        self._at_tiled = np.empty((0, n), dtype=np.uint64)

    def acceptability(self) -> FloatArray:
        """``(N, N)``: share of samples in which option ``i`` takes rank ``r + 1``."""
        n = self.n
        tied = np.cumsum(self._shares.reshape(n, n + 1), axis=1)[:, :n]
        # +1/k and -1/k cancel only to within rounding (e.g. -4e-17); a true tied count is 0 or
        # at least 1/n (one share of one sample), so anything below half of that is an exact 0
        tied[tied < 0.5 / n] = 0.0
        packed = self._packed.reshape(n, 1 << self._bits)[:, :n].T  # (index, position)
        out: FloatArray = (self._counts.reshape(n, n) + packed + tied) / max(self.samples, 1)
        return out

    def add(self, scores: FloatArray, weights: FloatArray) -> None:
        """Count a batch: ``scores`` ``(S, N)`` obtained under ``weights`` ``(S, M)``."""
        s = scores.shape[0]
        self.samples += s
        step = max(1, BLOCK // self.n)
        for start in range(0, s, step):  # cache-sized blocks of one chunk
            self._add_block(scores[start : start + step], weights[start : start + step])

    def add_scored(self, score: Callable[[FloatArray], FloatArray], weights: FloatArray) -> None:
        """Score ``weights`` ``(S, M)`` with ``score`` and count them, one block at a time.

        The same as ``add(score(weights), weights)``, but each block's scores are made just
        before they are ranked, so they are still in cache (the whole chunk's scores are not
        written to memory and read back).
        """
        s = weights.shape[0]
        self.samples += s
        step = max(1, BLOCK // self.n)
        for start in range(0, s, step):
            w = weights[start : start + step]
            self._add_block(score(w), w)

    def _add_block(self, scores: FloatArray, weights: FloatArray) -> None:
        if scores.shape[0] == 0:
            return
        scores = np.asarray(scores, dtype=np.float64)  # the packed keys are float64 bit patterns
        if self.n <= COUNT_MAX_OPTIONS:
            clean = self._add_counted(scores, weights)
        elif self.n <= PACK_MAX_OPTIONS:
            clean = self._add_packed(scores, weights)
        else:
            clean = self._add_sorted(scores, weights)
        if clean is not None:
            self._add_tied(scores[~clean], weights[~clean])

    @staticmethod
    def _tolerance(top: float, bottom: float) -> float:
        """One tie tolerance for a block, never smaller than the pairwise one of any pair in it."""
        return float(mcda.TIE_RTOL * max(1.0, top, -bottom))

    def _add_counted(self, scores: FloatArray, weights: FloatArray) -> NDArray[np.bool_] | None:
        """Positions by counting; returns the tie-free mask if some rows may hold ties."""
        n = self.n
        tol = self._tolerance(float(scores.max()), float(scores.min()))
        st = np.ascontiguousarray(scores.T)  # (N, S): each comparison is one long row
        raised = st + tol
        pos = np.zeros(st.shape, dtype=np.uint8)
        beats = np.empty(st.shape, dtype=bool)
        for j in range(n):  # one vectorised pass per option (N <= 12): see the module docstring
            np.greater(st[j], raised, out=beats)
            np.add(pos, beats, out=pos)
        clean: NDArray[np.bool_] | None = None
        # without ties the positions are a permutation: they add up to n(n-1)/2
        totals = pos.sum(axis=0, dtype=np.int16)  # small: N(N-1)/2 for N <= COUNT_MAX_OPTIONS
        if (totals != n * (n - 1) // 2).any():
            clean = totals == n * (n - 1) // 2
            pos, weights = pos[:, clean], weights[clean]
        self._counts += np.bincount((pos + self._rows * n).ravel(), minlength=n * n)
        self.weight_sums += (pos == 0).astype(np.float64) @ weights
        return clean

    def _add_packed(self, scores: FloatArray, weights: FloatArray) -> NDArray[np.bool_] | None:
        """Positions from one sort of packed keys (see the module docstring); returns the
        tie-free mask if some rows may hold ties."""
        r, n = scores.shape
        if self._keys.shape[0] < r:
            self._keys = np.empty((r, n))
            self._gaps = np.empty(r * n)
            self._index_tiled = np.tile(self._index, (r, 1))
            self._at_tiled = np.tile(self._at, (r, 1))
        keys = self._keys[:r]
        bits = keys.view(np.uint64)
        # clearing the low bits moves a score towards 0 by under 64 units in the last place,
        # which never reorders two scores; the index then makes every key distinct
        np.bitwise_and(np.ascontiguousarray(scores).view(np.uint64), self._clear, out=bits)
        np.bitwise_or(bits, self._index_tiled[:r], out=bits)
        keys.sort(axis=1)  # ascending, in place: numpy's SIMD sort of float64
        bottom, top = float(keys[:, 0].min()), float(keys[:, -1].max())
        if not (np.isfinite(bottom) and np.isfinite(top)):  # an infinite or NaN score
            return self._add_sorted(scores, weights)
        # widened by the keys' error (2**-46 of the largest |score| on each side of a gap),
        # so that a pair mcda.rank could call tied never passes as a clean gap
        big = max(top, -bottom)
        tol = self._tolerance(top, bottom) * (1.0 + 2.0**-40) + 4.0 * PACK_RTOL * big
        # neighbours' gaps over the flattened block (one contiguous pass); the last column
        # would compare a row with the next one, so it is set to +inf
        flat, gaps = keys.reshape(-1), self._gaps[: r * n].reshape(r, n)
        np.subtract(flat[1:], flat[:-1], out=gaps.reshape(-1)[:-1])
        gaps[:, -1] = np.inf
        clean: NDArray[np.bool_] | None = None
        if gaps.min() <= tol:  # one reduction in the common case
            clean = np.asarray((gaps > tol).all(axis=1))
            bits, weights = bits[clean], weights[clean]
        np.bitwise_and(bits, self._low, out=bits)  # the option in each column
        top_option = bits[:, -1].astype(np.intp)  # the highest score is last
        np.bitwise_or(bits, self._at_tiled[: bits.shape[0]], out=bits)  # (position, option)
        self._packed += np.bincount(bits.view(np.int64).ravel(), minlength=self._packed.size)
        # weight sums by first option: one bincount over (option, criterion), row by row
        where = (top_option[:, None] * self.m + self._criteria).ravel()
        first = np.bincount(where, weights=weights.ravel(), minlength=n * self.m)
        self.weight_sums += first.reshape(n, self.m)
        return clean

    def _add_sorted(self, scores: FloatArray, weights: FloatArray) -> NDArray[np.bool_] | None:
        """Positions by ``argsort``; returns the tie-free mask if some rows may hold ties."""
        n = self.n
        tol = self._tolerance(float(scores.max()), float(scores.min()))
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
