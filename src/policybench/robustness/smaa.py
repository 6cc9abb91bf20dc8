"""SMAA-2: rank acceptability, central weights and confidence factors by simulation.

Stochastic multicriteria acceptability analysis (Lahdelma & Salminen 2001, "SMAA-2", *Operations
Research* 49(3)) asks how often each option takes each rank when the weights, and optionally
the scores, are uncertain.

What is sampled
---------------
- Weights, by default uniformly on the simplex (Dirichlet(1): every weight vector with
  non-negative weights summing to 1 is equally likely).
- ``weights`` with ``delta``: uniformly on the weight vectors within ``±delta`` (absolute, in
  weight points of the normalised profile; a scalar or one per criterion) of the profile,
  that is on the simplex cut by the box ``[w - delta, w + delta]``. Samples are **not**
  renormalised after drawing (which would push them outside the box and make them non-uniform):
  they are rejection-sampled, so each one is inside the box and sums to 1.
- ``weight_low`` / ``weight_high``: per-criterion bounds on the normalised weights (scalars or
  ``(M,)``), sampled uniformly on the bounded region of the simplex in the same way; combined
  with ``delta``, the tighter bound wins. An empty region is an error that says why.
  Rejection uses the better of two exact proposals, measured on a pilot batch: the simplex
  (shifted by the lower bounds) or the box itself, with the widest weight taking up the rest.
- ``weights`` without ``delta``: the weights are fixed (only the scores vary).
- ``low`` / ``high``: per-cell score ranges ``(N, M)`` around ``matrix``, each cell drawn
  independently, ``uniform`` on ``[low, high]`` or ``triangular`` with its mode at the value.
  Each sampled matrix is normalised on its own.

What is counted
---------------
- ``rank_acceptability[i, r]``: the share of samples in which option ``i`` takes rank ``r + 1``.
  A k-way tie at rank r (by :func:`policybench.mcda.rank`'s rule) adds ``1/k`` to each of ranks
  ``r .. r+k-1`` of each tied option, so rows and columns sum to 1.
- ``central_weights[i]``: the mean weight vector of the samples in which ``i`` ranks first (a
  shared first place counts ``1/k``); NaN for an option that is never first.
- ``confidence[i]``: the share of score samples in which ``i`` ranks first under its own
  central weights (a tie at first counts ``1/k``). Without score ranges it is 1 or 0 (``1/k``
  for an option tied with ``k - 1`` others). With ranges it comes from a second pass over
  ``confidence_samples`` fresh score matrices (default ``min(samples, 20_000)``; the
  standard error is at most ``0.5 / sqrt(confidence_samples)``, 0.0036 by default), each
  scored under every option's central weights. NaN where the central weights are.

Samples are drawn with ``numpy.random.default_rng(seed)`` in chunks (``chunk`` samples, fewer
when score matrices are sampled), and only running sums are kept, so memory stays flat however
many samples are asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from policybench import mcda
from policybench.errors import InputError, WeightsError
from policybench.robustness._problem import FloatArray, label
from policybench.robustness._rankcount import RankCounter

#: Samples per chunk when only the weights are sampled.
CHUNK = 50_000
#: Largest number of floats in one chunk of sampled score matrices (``S * N * M``): 16 MB.
MATRIX_ELEMENTS = 1 << 21
#: Proposals in the pilot that measures the acceptance rate of bounded weight sampling.
PILOT = 20_000
#: Empty proposal batches in a row after which bounded sampling gives up with an error.
EMPTY_BATCHES = 50
#: Default cap of the confidence pass when scores are sampled (standard error <= 0.0036).
CONFIDENCE_SAMPLES = 20_000
SCORE_DISTRIBUTIONS = ("uniform", "triangular")


@dataclass(frozen=True, slots=True)
class SMAAResult:
    """The outcome of :func:`smaa`.

    Attributes
    ----------
    rank_acceptability : numpy.ndarray
        ``(N, N)``: share of samples in which option ``i`` takes rank ``r + 1``.
    central_weights : numpy.ndarray
        ``(N, M)``: mean weights of the samples in which ``i`` is first; NaN rows for an
        option never first.
    confidence : numpy.ndarray
        ``(N,)``: share of score samples in which ``i`` is first under its central weights.
    samples, seed : int
        How many samples were drawn, and the seed of the generator.
    method, normalization : str
        The aggregation method and the normalisation it used.
    params : mapping
        The method's parameters.
    sampled : tuple of str
        What varied: ``("weights",)``, ``("scores",)`` or ``("weights", "scores")``.
    weight_model : str
        ``"simplex"`` (uniform), ``"bounded"`` (uniform within bounds or ``±delta``) or
        ``"fixed"``.
    score_dist : str or None
        ``"uniform"`` or ``"triangular"`` when scores were sampled, else None.
    confidence_samples : int
        Score matrices in the confidence pass (0 when scores were not sampled).
    """

    rank_acceptability: FloatArray
    central_weights: FloatArray
    confidence: FloatArray
    samples: int
    seed: int
    method: str
    normalization: str
    params: Mapping[str, Any]
    sampled: tuple[str, ...]
    weight_model: str
    score_dist: str | None
    confidence_samples: int


def _plan(
    samples: int, chunk: int, n: int, m: int, scores_sampled: bool, confidence: int | None
) -> tuple[list[int], int]:
    """The chunk sizes (bounded so that a chunk's score matrices stay within
    :data:`MATRIX_ELEMENTS`) and the score matrices of the confidence pass."""
    if not scores_sampled:
        return list(_chunks(samples, min(chunk, max(1, (MATRIX_ELEMENTS * 2) // n)))), 0
    n_conf = (
        min(samples, CONFIDENCE_SAMPLES)
        if confidence is None
        else _count(confidence, "confidence_samples")
    )
    return list(_chunks(samples, min(chunk, max(1, MATRIX_ELEMENTS // (n * m))))), n_conf


def _check_seed(seed: object) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(
            f"seed must be a whole number, 0 or more (got {seed!r}), so that a "
            "result can be reproduced"
        )


def _central_weights(counter: RankCounter, samples: int) -> FloatArray:
    """Each option's mean weights over the samples that put it first; NaN rows for an
    option never first."""
    first = counter.acceptability()[:, 0]
    n, m = counter.weight_sums.shape
    central = np.full((n, m), np.nan)
    seen = first > 0
    central[seen] = counter.weight_sums[seen] / (first[seen, None] * samples)
    return central


def smaa(
    matrix: ArrayLike,
    types: ArrayLike,
    method: str = "wsm",
    normalization: str | None = None,
    samples: int = 100_000,
    seed: int = 0,
    weights: ArrayLike | None = None,
    delta: ArrayLike | None = None,
    weight_low: ArrayLike | None = None,
    weight_high: ArrayLike | None = None,
    low: ArrayLike | None = None,
    high: ArrayLike | None = None,
    score_dist: str = "uniform",
    *,
    criteria: Sequence[str] | None = None,
    progress: Callable[[float], object] | None = None,
    chunk: int = CHUNK,
    confidence_samples: int | None = None,
    **params: Any,
) -> SMAAResult:
    """Rank acceptability, central weights and confidence factors (SMAA-2).

    Parameters
    ----------
    matrix, types, method, normalization, criteria, **params
        As for :func:`policybench.mcda.score` (``matrix`` is the central ``(N, M)`` scores).
    samples : int
        Number of samples (weight vectors, with score matrices when ranges are given).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same result.
    weights : array_like, optional
        ``(M,)`` a weight profile: fixed, or the centre of ``±delta``.
    delta : float or array_like, optional
        Half-width of the weight box around ``weights``, in normalised weight points.
    weight_low, weight_high : float or array_like, optional
        Bounds on each normalised weight.
    low, high : array_like, optional
        ``(N, M)`` score ranges; both or neither, with ``low <= matrix <= high``.
    score_dist : {"uniform", "triangular"}
        How a cell is drawn within its range (triangular: mode at the value in ``matrix``).
    progress : callable, optional
        Called with the fraction done (0 to 1) after each chunk.
    chunk : int
        Samples per chunk (the memory ceiling; smaller when score matrices are sampled).
    confidence_samples : int, optional
        Score matrices in the confidence pass (see the module docstring).

    Returns
    -------
    SMAAResult

    Raises
    ------
    InputError
        Bad sizes, bounds that leave no weights to sample, ranges that do not contain the
        scores, or anything :func:`policybench.mcda.score` rejects (WeightsError: bad weights).
    """
    samples = _count(samples, "samples")
    chunk = _count(chunk, "chunk")
    _check_seed(seed)
    f = mcda.scorer(matrix, types, method, normalization, criteria=criteria, **params)
    x = np.asarray(matrix, dtype=np.float64)
    n, m = x.shape
    names = None if criteria is None else tuple(str(c) for c in criteria)
    sampler = _weight_sampler(m, weights, delta, weight_low, weight_high, names)
    ranges = _score_ranges(x, low, high, score_dist, names)
    norm_name = mcda.default_normalization(method) if normalization is None else normalization
    rng = np.random.default_rng(seed)
    counter = RankCounter(n, m)

    def paired(mats: FloatArray, w: FloatArray) -> FloatArray:
        return mcda.score_paired(mats, w, types, method, normalization, criteria=criteria, **params)

    sizes, n_conf = _plan(samples, chunk, n, m, ranges is not None, confidence_samples)
    total_work = samples + n_conf * n
    done = 0
    for size in sizes:
        w = sampler.draw(rng, size)
        if ranges is None:  # scored block by block, each block ranked while still in cache
            counter.add_scored(f, w)
        else:
            counter.add(paired(ranges.draw(rng, size), np.asarray(w)), w)
        done += size
        _report(progress, done / total_work)

    central = _central_weights(counter, samples)
    seen = ~np.isnan(central[:, 0])
    confidence = np.full(n, np.nan)
    if ranges is None:
        confidence[seen] = _first_share(f(central[seen]), np.flatnonzero(seen))
    else:
        confidence[seen] = _confidence_pass(
            ranges,
            central[seen],
            np.flatnonzero(seen),
            n_conf,
            rng,
            paired,
            lambda k: _report(progress, (samples + k) / total_work),
            method,
        )
    _report(progress, 1.0)
    sampled = (("weights",) if sampler.kind != "fixed" else ()) + (
        ("scores",) if ranges is not None else ()
    )
    return SMAAResult(
        rank_acceptability=counter.acceptability(),
        central_weights=central,
        confidence=confidence,
        samples=samples,
        seed=int(seed),
        method=method,
        normalization=norm_name,
        params=dict(params),
        sampled=sampled,
        weight_model=sampler.kind,
        score_dist=score_dist if ranges is not None else None,
        confidence_samples=n_conf,
    )


def _report(progress: Callable[[float], object] | None, fraction: float) -> None:
    if progress is not None:
        progress(min(fraction, 1.0))


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise InputError(f"{name} must be a whole number of at least 1, got {value!r}")
    return int(value)


def _chunks(total: int, size: int) -> Iterator[int]:
    for start in range(0, total, size):
        yield min(size, total - start)


def _first_share(scores: FloatArray, options: np.ndarray[Any, np.dtype[np.intp]]) -> FloatArray:
    """Row ``r`` of ``scores``: share of first place of option ``options[r]`` (1/k if tied)."""
    ranks = mcda.rank(scores)
    at_top = (ranks == 1).sum(axis=1)
    mine = ranks[np.arange(options.size), options] == 1
    out: FloatArray = np.where(mine, 1.0 / at_top, 0.0)
    return out


def _confidence_pass(
    ranges: _ScoreRanges,
    central: FloatArray,
    options: np.ndarray[Any, np.dtype[np.intp]],
    total: int,
    rng: np.random.Generator,
    paired: Callable[[FloatArray, FloatArray], FloatArray],
    tick: Callable[[int], None],
    method: str,
) -> FloatArray:
    """Score fresh matrices under every option's central weights; share of first place."""
    k, (n, m) = options.size, ranges.shape
    acc = np.zeros(k)
    done = 0
    linear = method in mcda.LINEAR_IN_WEIGHTS
    per_chunk = MATRIX_ELEMENTS // (n * max(m, k)) if linear else MATRIX_ELEMENTS // (n * m * k)
    for size in _chunks(total, max(1, per_chunk)):
        mats = ranges.draw(rng, size)  # (S, N, M)
        if linear:  # normalise each matrix once, score it under all K central weights
            scores = paired(mats, np.broadcast_to(central, (size, k, m))).reshape(size * k, n)
        else:
            stacked = np.repeat(mats, k, axis=0)  # (S*K, N, M): each matrix under each central w
            scores = paired(stacked, np.tile(central, (size, 1)))
        acc += _first_share(scores, np.tile(options, size)).reshape(size, k).sum(axis=0)
        done += size
        tick(done * n)
    out: FloatArray = acc / total
    return out


# ------------------------------------------------------------------------------ weights
class _WeightSampler:
    """Uniform weight vectors on the simplex, optionally within per-criterion bounds."""

    def __init__(self, m: int, kind: str, lo: FloatArray, hi: FloatArray) -> None:
        self.m, self.kind, self.lo, self.hi = m, kind, lo, hi
        self.rate = 1.0
        self.proposal = "simplex"
        self.free = 1.0 - float(lo.sum())
        self.widest = int(np.argmax(hi - lo))

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        if self.kind == "simplex":
            out: FloatArray = rng.dirichlet(np.ones(self.m), size=size)
            return out
        if self.kind == "fixed":
            fixed: FloatArray = np.broadcast_to(self.lo, (size, self.m))
            return fixed
        parts: list[FloatArray] = []
        need, empty = size, 0
        while need > 0:
            batch = int(min(max(need / max(self.rate, 1e-9) * 1.2 + 64, 256), 4 * CHUNK))
            got = self._propose(rng, batch)
            # the pilot found some room, but a region that small can still starve the loop:
            # an error the caller can act on rather than a page that never finishes
            empty = empty + 1 if got.shape[0] == 0 else 0
            if empty >= EMPTY_BATCHES:
                raise InputError(
                    f"the weight bounds leave almost no room to sample: {EMPTY_BATCHES} batches "
                    "in a row held no weight vector within them; widen the bounds"
                )
            parts.append(got[:need])
            need -= parts[-1].shape[0]
        return np.concatenate(parts)

    def _propose(self, rng: np.random.Generator, batch: int) -> FloatArray:
        """Exact uniform proposals, already filtered to the bounded region."""
        lo, hi = self.lo, self.hi
        if self.proposal == "simplex":
            w = lo + self.free * rng.dirichlet(np.ones(self.m), size=batch)
            keep = (w <= hi).all(axis=1)
        else:  # the box, with the widest weight taking up what the others leave
            w = lo + (hi - lo) * rng.random((batch, self.m))
            k = self.widest
            w[:, k] = 1.0 - (w.sum(axis=1) - w[:, k])
            keep = (w[:, k] >= lo[k]) & (w[:, k] <= hi[k])
        out: FloatArray = w[keep]
        return out

    def calibrate(self, rng: np.random.Generator) -> None:
        """Pick the proposal with the higher acceptance rate on a pilot batch."""
        rates = {}
        for proposal in ("simplex", "box"):
            self.proposal = proposal
            rates[proposal] = self._propose(rng, PILOT).shape[0] / PILOT
        self.proposal = max(rates, key=lambda p: rates[p])
        self.rate = rates[self.proposal]
        if self.rate == 0.0:
            raise InputError(
                "the weight bounds leave almost no room to sample: no weight vector out of "
                f"{2 * PILOT:,} tries fitted them; widen delta or the weight bounds"
            )


def _per_criterion(value: ArrayLike, m: int, name: str) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number or one number per criterion") from None
    if arr.ndim == 0:
        arr = np.full(m, float(arr))
    if arr.shape != (m,):
        raise InputError(f"{name} must be a number or one per criterion ({m}); got {arr.shape}")
    if not np.isfinite(arr).all():
        raise InputError(f"{name} must be finite numbers")
    return arr


def _weight_sampler(
    m: int,
    weights: ArrayLike | None,
    delta: ArrayLike | None,
    weight_low: ArrayLike | None,
    weight_high: ArrayLike | None,
    names: Sequence[str] | None,
) -> _WeightSampler:
    bounded = weight_low is not None or weight_high is not None
    if delta is not None and weights is None:
        raise InputError("delta needs weights: the profile whose weights vary by ±delta")
    if weights is not None and delta is None:
        if bounded:
            raise InputError(
                "with weights but no delta the weights are fixed, so weight_low/weight_high "
                "cannot apply; give delta to vary the weights around the profile, or drop "
                "weights to sample within the bounds"
            )
        w = np.asarray(mcda.check_weights(weights, m, names), dtype=np.float64)
        return _WeightSampler(m, "fixed", w, w)
    if weights is None and not bounded:
        return _WeightSampler(m, "simplex", np.zeros(m), np.ones(m))
    lo, hi = np.zeros(m), np.ones(m)
    if delta is not None and weights is not None:
        profile = np.asarray(mcda.check_weights(weights, m, names), dtype=np.float64)
        d = _per_criterion(delta, m, "delta")
        if (d < 0).any():
            raise InputError("delta must not be negative")
        lo, hi = np.maximum(lo, profile - d), np.minimum(hi, profile + d)
    for value, name in ((weight_low, "weight_low"), (weight_high, "weight_high")):
        if value is None:
            continue
        b = _per_criterion(value, m, name)
        if ((b < 0) | (b > 1)).any():
            raise WeightsError(f"{name} must lie between 0 and 1 (weights sum to 1)")
        lo, hi = (np.maximum(lo, b), hi) if name == "weight_low" else (lo, np.minimum(hi, b))
    _check_region(lo, hi, names)
    return _bounded(m, lo, hi)


def _check_region(lo: FloatArray, hi: FloatArray, names: Sequence[str] | None) -> None:
    crossed = np.flatnonzero(lo > hi)
    if crossed.size:
        j = int(crossed[0])
        raise WeightsError(
            f"the weight bounds of {label(j, names)} are empty: at least {lo[j]:.3g} but at "
            f"most {hi[j]:.3g}"
        )
    if lo.sum() > 1.0 + 1e-12:
        raise WeightsError(
            f"the lower weight bounds add up to {lo.sum():.3g}, more than 1: no weights can "
            "meet them all; lower some of them"
        )
    if hi.sum() < 1.0 - 1e-12:
        raise WeightsError(
            f"the upper weight bounds add up to {hi.sum():.3g}, less than 1: no weights can "
            "meet them all; raise some of them"
        )


def _bounded(m: int, lo: FloatArray, hi: FloatArray) -> _WeightSampler:
    if lo.sum() >= 1.0 - 1e-12:  # the region is one point
        return _WeightSampler(m, "fixed", lo / lo.sum(), lo / lo.sum())
    if hi.sum() <= 1.0 + 1e-12:
        return _WeightSampler(m, "fixed", hi / hi.sum(), hi / hi.sum())
    sampler = _WeightSampler(m, "bounded", lo, hi)
    sampler.calibrate(np.random.default_rng(0x5AAA))  # its own stream: the result stays seeded
    return sampler


# ------------------------------------------------------------------------------- scores
@dataclass(frozen=True, slots=True)
class _ScoreRanges:
    value: FloatArray
    low: FloatArray
    high: FloatArray
    dist: str

    @property
    def shape(self) -> tuple[int, int]:
        n, m = self.value.shape
        return n, m

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        """``(size, N, M)`` score matrices, each cell drawn within its range."""
        u = rng.random((size, *self.value.shape))
        width = self.high - self.low
        if self.dist == "uniform":  # in place: this array is the biggest one in a chunk
            u *= width
            u += self.low
            return u
        # triangular by inverse CDF, mode at the value; a zero-width cell stays at its value
        safe = np.where(width > 0, width, 1.0)
        cut = (self.value - self.low) / safe
        left = self.low + np.sqrt(u * width * (self.value - self.low))
        right = self.high - np.sqrt((1.0 - u) * width * (self.high - self.value))
        tri: FloatArray = np.where(u < cut, left, right)
        return tri


def _score_ranges(
    x: FloatArray,
    low: ArrayLike | None,
    high: ArrayLike | None,
    dist: str,
    names: Sequence[str] | None,
) -> _ScoreRanges | None:
    if dist not in SCORE_DISTRIBUTIONS:
        raise InputError(
            f"unknown score_dist {dist!r}; choose one of: {', '.join(SCORE_DISTRIBUTIONS)}"
        )
    if low is None and high is None:
        return None
    if low is None or high is None:
        raise InputError("score ranges need both low and high (one value per cell of the matrix)")
    lo = np.asarray(low, dtype=np.float64)
    hi = np.asarray(high, dtype=np.float64)
    for arr, name in ((lo, "low"), (hi, "high")):
        if arr.shape != x.shape:
            raise InputError(f"{name} must have the matrix's shape {x.shape}; got {arr.shape}")
        if not np.isfinite(arr).all():
            raise InputError(f"{name} has a missing or infinite value")
    for bad, what in ((lo > x, "low is above"), (hi < x, "high is below")):
        if bad.any():
            i, j = (int(k) for k in np.argwhere(bad)[0])
            raise InputError(
                f"the score range of option {i + 1} on {label(j, names)} does not contain its "
                f"score: {what} the score {x[i, j]:g} (range {lo[i, j]:g} to {hi[i, j]:g})"
            )
    return _ScoreRanges(x, lo, hi, dist)
