"""Rank bands: how far each option's rank can move within the honest uncertainty of its scores.

A point rank hides how much the scores actually know. Here every score is drawn
independently within its own ``[low, high]`` range while the weights stay fixed, each sampled
matrix is scored with the method (normalised on its own, as in SMAA) and ranked, and each
option's ranks over the samples give its band: the ``percentiles`` (5th and 95th by default)
of its rank, and the share of samples in which it ranks first.

Conventions
-----------
- Ranks follow :func:`policybench.mcda.rank`: 1 is best, and tied options share the lower
  (better) rank, ``(1, 2, 2, 4)``, so a shared first place counts as first for each tied
  option (``first`` then need not sum to 1 across options).
- A percentile is the rank at the inverted empirical distribution function (Hyndman and Fan's
  type 1, numpy's ``method="inverted_cdf"``): the ``p``-th percentile rank is the smallest rank
  ``r`` such that at least ``p``% of the samples rank the option ``r`` or better. It is always
  a rank that occurred, never an interpolated one.
- A cell with ``low == high`` is not sampled (it stays at its value), so a matrix without any
  range gives every option a zero-width band at its point rank.

It is the SMAA machinery with the weights held fixed: the same score sampler
(:class:`~policybench.robustness.smaa._ScoreRanges`), seeded with
``numpy.random.default_rng(seed)``, drawn in chunks of at most
:data:`~policybench.robustness.smaa.MATRIX_ELEMENTS` floats, scored with
:func:`policybench.mcda.score_paired` and counted by SMAA's
:class:`~policybench.robustness._rankcount.RankCounter`, whose tie rows here count the shared
lower rank instead of SMAA's ``1/k`` spread. No Python loop over samples or options; memory
stays flat however many samples are asked for.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from policybench import mcda
from policybench.errors import InputError
from policybench.robustness._problem import FloatArray
from policybench.robustness._rankcount import RankCounter
from policybench.robustness.smaa import (
    CHUNK,
    MATRIX_ELEMENTS,
    _chunks,
    _count,
    _report,
    _score_ranges,
    _ScoreRanges,
)

IntArray = NDArray[np.int64]

#: The default number of samples: the 5th and 95th percentile ranks move by at most one place
#: between seeds on the shipped catalog at this size (tests/robustness/test_bands.py).
SAMPLES = 10_000
#: The default band: the 5th and 95th percentile ranks (a 90% interval).
PERCENTILES = (5.0, 95.0)


@dataclass(frozen=True, slots=True)
class BandsResult:
    """The outcome of :func:`bands`.

    Attributes
    ----------
    rank : numpy.ndarray
        ``(N,)`` int: each option's rank under the scores as given (the point rank).
    rank_low, rank_high : numpy.ndarray
        ``(N,)`` int: the lower and upper percentile ranks (``rank_low <= rank_high``; 1 is
        best, so ``rank_low`` is the better end of the band).
    first : numpy.ndarray
        ``(N,)``: share of samples in which the option ranks first (a shared first counts).
    rank_shares : numpy.ndarray
        ``(N, N)``: share of samples in which option ``i`` has rank ``r + 1`` (tied options
        share the lower rank, so a column may sum to more than 1 and another to less).
    samples, seed : int
        How many score matrices were drawn, and the generator's seed.
    method, normalization : str
        The aggregation method and the normalisation it used.
    params : mapping
        The method's parameters.
    percentiles : tuple of float
        The percentiles of ``rank_low`` and ``rank_high``.
    score_dist : str
        How a cell was drawn within its range (``"uniform"`` or ``"triangular"``).
    """

    rank: IntArray
    rank_low: IntArray
    rank_high: IntArray
    first: FloatArray
    rank_shares: FloatArray
    samples: int
    seed: int
    method: str
    normalization: str
    params: Mapping[str, Any]
    percentiles: tuple[float, float]
    score_dist: str


def bands(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    low: ArrayLike,
    high: ArrayLike,
    method: str = "wsm",
    normalization: str | None = None,
    samples: int = SAMPLES,
    seed: int = 0,
    *,
    percentiles: tuple[float, float] = PERCENTILES,
    score_dist: str = "uniform",
    criteria: Sequence[str] | None = None,
    progress: Callable[[float], object] | None = None,
    chunk: int = CHUNK,
    **params: Any,
) -> BandsResult:
    """Each option's rank band when every score is drawn within its range, weights fixed.

    Parameters
    ----------
    matrix, types, method, normalization, criteria, **params
        As for :func:`policybench.mcda.score` (``matrix`` is the central ``(N, M)`` scores).
    weights : array_like
        ``(M,)``: one weight profile, held fixed (normalised to sum 1).
    low, high : array_like
        ``(N, M)``: each score's range, with ``low <= matrix <= high``.
    samples : int
        Number of sampled score matrices.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same bands.
    percentiles : (float, float)
        The lower and upper percentile of the band, ``0 < lower <= upper < 100``.
    score_dist : {"uniform", "triangular"}
        How a cell is drawn within its range (triangular: mode at the value in ``matrix``).
    progress : callable, optional
        Called with the fraction done (0 to 1) after each chunk.
    chunk : int
        Largest number of score matrices drawn at once (fewer when the matrices are large).

    Returns
    -------
    BandsResult

    Raises
    ------
    InputError
        Bad sizes, ranges that do not contain the scores, bad percentiles, or anything
        :func:`policybench.mcda.score` rejects.
    WeightsError
        Weights that cannot be used (negative, all zero, a batch, the wrong number).
    """
    samples = _count(samples, "samples")
    chunk = _count(chunk, "chunk")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(
            f"seed must be a whole number, 0 or more (got {seed!r}), so that a "
            "result can be reproduced"
        )
    lower, upper = _percentiles(percentiles)
    f = mcda.scorer(matrix, types, method, normalization, criteria=criteria, **params)
    x = np.asarray(matrix, dtype=np.float64)
    n, m = x.shape
    names = None if criteria is None else tuple(str(c) for c in criteria)
    w = np.asarray(mcda.check_weights(weights, m, names), dtype=np.float64)
    if w.ndim != 1:
        raise InputError(f"give one weight per criterion ({m}), not a batch of weight sets")
    ranges = _score_ranges(x, low, high, score_dist, names)
    assert ranges is not None  # both given: checked above by the signature and _score_ranges
    norm_name = mcda.default_normalization(method) if normalization is None else normalization
    rng = np.random.default_rng(seed)
    counter = _MinRankCounter(n, m)
    per_chunk = min(chunk, max(1, MATRIX_ELEMENTS // (n * m)))
    fixed = np.broadcast_to(w, (per_chunk, m))
    additive = _additive(ranges, w, types, method, norm_name, score_dist, names, params)
    done = 0
    for size in _chunks(samples, per_chunk):
        if additive is not None:
            base, spread = additive
            u = rng.random((size, n, m))  # the very draws of ranges.draw(rng, size)
            scores = base + np.einsum("snm,nm->sn", u, spread, optimize=True)
        else:
            scores = mcda.score_paired(
                ranges.draw(rng, size),
                fixed[:size],
                types,
                method,
                normalization,
                criteria=criteria,
                **params,
            )
        counter.add(scores, fixed[:size])
        done += size
        _report(progress, done / samples)
    counts = np.rint(counter.acceptability() * samples).astype(np.int64)  # whole samples
    return BandsResult(
        rank=mcda.rank(f(w)),
        rank_low=percentile_ranks(counts, lower),
        rank_high=percentile_ranks(counts, upper),
        first=counts[:, 0] / samples,
        rank_shares=counts / samples,
        samples=samples,
        seed=int(seed),
        method=method,
        normalization=norm_name,
        params=dict(params),
        percentiles=(float(lower), float(upper)),
        score_dist=score_dist,
    )


def percentile_ranks(counts: ArrayLike, percentile: float) -> IntArray:
    """Per row of ``counts`` ``(N, R)`` (how many samples gave rank ``r + 1``), the smallest
    rank at which at least ``percentile``% of the row's samples are reached (numpy's
    ``inverted_cdf``), computed in whole numbers so that no rounding moves a band."""
    c = np.asarray(counts, dtype=np.int64)
    total = int(c[0].sum()) if c.shape[0] else 0
    need = max(1, math.ceil(Fraction(percentile) * total / 100))
    reached = np.cumsum(c, axis=1) >= need
    out: IntArray = np.argmax(reached, axis=1).astype(np.int64) + 1
    return out


def _additive(
    ranges: _ScoreRanges,
    w: FloatArray,
    types: ArrayLike,
    method: str,
    normalization: str,
    score_dist: str,
    names: Sequence[str] | None,
    params: Mapping[str, Any],
) -> tuple[FloatArray, FloatArray] | None:
    """For the weighted sum on fixed scales (the catalog's value model) with uniform draws,
    the score of a sampled matrix in closed form: ``base + (u * spread).sum(-1)``.

    Each value ``v(x)`` is affine in its cell under ``scale`` (its bounds do not depend on the
    other options), so the cell drawn as ``low + u * (high - low)`` has the value
    ``v(low) + u * (v(high) - v(low))``, and the score is ``base`` ``(N,)`` (the values at
    ``low``, weighted) plus ``u`` weighted by ``spread = (v(high) - v(low)) * w`` ``(N, M)``:
    one contraction of the draws instead of a normalisation of every sampled matrix, with the
    same draws and, up to rounding, the same scores as :func:`policybench.mcda.score_paired`.
    None for every other method, normalisation or distribution.
    """
    if method != "wsm" or normalization != "scale" or score_dist != "uniform":
        return None
    bounds = {k: v for k, v in params.items() if k == "bounds"}
    v_low = mcda.value_matrix(ranges.low, types, "scale", criteria=names, **bounds)
    v_high = mcda.value_matrix(ranges.high, types, "scale", criteria=names, **bounds)
    base: FloatArray = v_low @ w
    spread: FloatArray = (v_high - v_low) * w[None, :]
    return base, spread


def _percentiles(value: object) -> tuple[float, float]:
    try:
        if not isinstance(value, Sequence | np.ndarray):
            raise TypeError
        lower, upper = (float(v) for v in value)
    except (TypeError, ValueError):
        raise InputError(f"percentiles must be two numbers, e.g. (5, 95), not {value!r}") from None
    if not (0 < lower <= upper < 100):
        raise InputError(
            f"percentiles must satisfy 0 < lower <= upper < 100, got ({lower:g}, {upper:g})"
        )
    return lower, upper


class _MinRankCounter(RankCounter):
    """SMAA's rank counter with the ranking's own tie rule: tied options share the lower rank.

    The hot path (rows without ties) is SMAA's, where positions are ranks; only rows that may
    hold a tie are ranked here, adding 1 at the shared rank of each tied option.
    """

    def _add_tied(self, scores: FloatArray, weights: FloatArray) -> None:
        s, n = scores.shape
        if s == 0:
            return
        ranks = mcda.rank(scores) - 1  # (S, N), from 0; tied options share the lower rank
        at = (np.arange(n) * (n + 1))[None, :] + ranks
        self._shares += np.bincount(at.ravel(), minlength=n * (n + 1))
        self._shares -= np.bincount((at + 1).ravel(), minlength=n * (n + 1))
