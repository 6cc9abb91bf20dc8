"""Weight elicitation: from what people can say to weights that sum to 1.

- :func:`equal_weights` — every criterion the same.
- :func:`direct_weights` — points per criterion (any non-negative scale), divided by their sum.
- :func:`rank_order_centroid` and :func:`rank_sum` — from a ranking of the criteria
  (1 = most important; ties allowed, tied criteria get the average of the weights of the
  positions they share).
- :func:`swing_weights` — swing weighting: the most important swing (worst to best) is worth
  100 points, every other swing is scored 0–100 relative to it; weights are points / total.
- :func:`ahp` — Saaty's pairwise comparisons: principal eigenvector, λmax, CI, CR and the
  judgement that, if it were consistent with the others, would lower CR the most.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from policybench.errors import InputError, WeightsError
from policybench.mcda import _validate

FloatArray = NDArray[np.float64]

#: Saaty's (1980) random consistency index for n = 1 … 10.
SAATY_RANDOM_INDEX: tuple[float, ...] = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)

#: The consistency ratio above which Saaty advises revising the judgements.
CR_THRESHOLD = 0.1

#: Relative tolerance for ``a_ij * a_ji == 1`` (so 0.333 stands for 1/3).
RECIPROCAL_RTOL = 1e-2


def random_index(n: int) -> float:
    """Random consistency index RI(n) for an ``n × n`` pairwise matrix.

    For n <= 10, Saaty's (1980) table: 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49.
    Beyond 10 the table is extended with the linear fit of Alonso & Lamata (2006, "Consistency
    in the analytic hierarchy process: a new approach", IJUFKS 14(4), 445–459) to the mean
    λmax of random reciprocal matrices, ``λ̄max(n) ≈ 2.7699 n − 4.3513``, so
    ``RI(n) = (λ̄max − n) / (n − 1) = (1.7699 n − 4.3513) / (n − 1)`` (1.513 at n = 11; at
    n = 10 it gives 1.483 against Saaty's 1.49).
    """
    if n < 1:
        raise InputError("a pairwise comparison matrix needs at least one criterion")
    if n <= len(SAATY_RANDOM_INDEX):
        return SAATY_RANDOM_INDEX[n - 1]
    return (1.7699 * n - 4.3513) / (n - 1)


def equal_weights(m: int) -> FloatArray:
    """``m`` equal weights summing to 1."""
    if m < 1:
        raise WeightsError("there must be at least one criterion to weight")
    return np.full(m, 1.0 / m)


def direct_weights(points: ArrayLike) -> FloatArray:
    """Points given directly to each criterion (e.g. 0–10 or 0–100), normalised to sum 1."""
    arr = np.asarray(points, dtype=np.float64)
    if arr.ndim != 1:
        raise WeightsError("give one number of points per criterion, as a list")
    return _validate.weights(arr, arr.shape[0])


def _ranking(ranking: ArrayLike) -> FloatArray:
    """Check a ranking of criteria (1 = most important, ties allowed) and return it as floats."""
    arr = np.asarray(ranking, dtype=np.float64)
    if arr.ndim != 1 or arr.shape[0] < 1:
        raise WeightsError("give the rank of each criterion as a list (1 = most important)")
    if not np.all(np.isfinite(arr)) or np.any(arr < 1):
        raise WeightsError("ranks must be numbers from 1 (most important) upwards")
    return arr


def _average_over_ties(ranking: FloatArray, by_position: FloatArray) -> FloatArray:
    """Give each criterion the mean of ``by_position`` over the positions its tie group holds."""
    _, inverse, counts = np.unique(ranking, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    starts = ends - counts
    cumulative = np.concatenate([[0.0], np.cumsum(by_position)])
    group_mean = (cumulative[ends] - cumulative[starts]) / counts
    out: FloatArray = group_mean[inverse]
    return out


def rank_order_centroid(ranking: ArrayLike) -> FloatArray:
    """Rank-order centroid weights (Barron & Barrett 1996).

    Position k of n (1 = most important) gets ``(1/n) * sum_{i=k}^{n} 1/i``. ``ranking`` gives
    each criterion's rank; tied criteria share the mean weight of the positions they occupy,
    so ``[1, 2, 2, 3]`` and ``[1, 2, 2, 4]`` mean the same.
    """
    arr = _ranking(ranking)
    n = arr.shape[0]
    k = np.arange(1, n + 1, dtype=np.float64)
    roc = np.cumsum((1.0 / k)[::-1])[::-1] / n
    return _average_over_ties(arr, roc)


def rank_sum(ranking: ArrayLike) -> FloatArray:
    """Rank-sum weights: position k of n gets ``2 (n + 1 - k) / (n (n + 1))``; ties averaged."""
    arr = _ranking(ranking)
    n = arr.shape[0]
    k = np.arange(1, n + 1, dtype=np.float64)
    rs = 2.0 * (n + 1 - k) / (n * (n + 1))
    return _average_over_ties(arr, rs)


def swing_weights(points: ArrayLike) -> FloatArray:
    """Swing weighting (von Winterfeldt & Edwards 1986).

    ``points`` rate each criterion's swing from worst to best relative to the most important
    swing, which is worth exactly 100; the others lie in 0–100. Weights are points / total.
    """
    arr = np.asarray(points, dtype=np.float64)
    if arr.ndim != 1 or arr.shape[0] < 1:
        raise WeightsError("give swing points per criterion, as a list")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 100):
        raise WeightsError("swing points must lie between 0 and 100")
    if arr.max() != 100:
        raise WeightsError(
            f"the most important swing is worth 100 points and the others are rated against it; "
            f"the largest swing here is {arr.max():g}"
        )
    out: FloatArray = arr / arr.sum()
    return out


@dataclass(frozen=True, slots=True)
class AHPResult:
    """Result of :func:`ahp`.

    Attributes
    ----------
    weights : numpy.ndarray
        The principal right eigenvector, normalised to sum 1.
    lambda_max : float
        The principal eigenvalue.
    ci : float
        Consistency index ``(λmax − n) / (n − 1)`` (0 for n <= 2).
    cr : float
        Consistency ratio ``CI / RI(n)`` (0 for n <= 2); see :func:`random_index`.
    most_inconsistent : tuple of int or None
        When ``cr > 0.1``: the judgement ``(i, j)``, ``i < j`` (0-based), whose replacement by
        ``w_i / w_j`` (and its reciprocal) lowers CR the most; otherwise None.
    """

    weights: FloatArray
    lambda_max: float
    ci: float
    cr: float
    most_inconsistent: tuple[int, int] | None


def _principal(matrices: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Principal eigenvalue and eigenvector (sum 1) of each positive matrix in a stack."""
    values, vectors = np.linalg.eig(matrices)
    idx = np.argmax(values.real, axis=-1)
    lam = np.take_along_axis(values.real, idx[..., None], axis=-1)[..., 0]
    vec = np.take_along_axis(vectors, idx[..., None, None], axis=-1)[..., 0].real
    vec = np.abs(vec)  # Perron: the principal vector of a positive matrix has one sign
    return lam, vec / vec.sum(axis=-1, keepdims=True)


def _pairwise(pairwise: ArrayLike) -> FloatArray:
    try:
        a = np.asarray(pairwise, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("the pairwise comparison matrix must contain numbers only") from None
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        raise InputError(f"the pairwise comparison matrix must be square; got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        i, j = (int(k) for k in np.argwhere(~np.isfinite(a) | (a <= 0))[0])
        raise InputError(
            f"judgement ({i + 1}, {j + 1}) is {a[i, j]}; every comparison must be a positive "
            "number (1 = equal importance, 9 = extremely more important, 1/9 the reverse)"
        )
    if not np.allclose(np.diag(a), 1.0, rtol=0.0, atol=1e-12):
        i = int(np.flatnonzero(np.abs(np.diag(a) - 1.0) > 1e-12)[0])
        raise InputError(f"criterion {i + 1} compared with itself must be 1, got {a[i, i]}")
    off = np.abs(a * a.T - 1.0) > RECIPROCAL_RTOL
    if off.any():
        i, j = (int(k) for k in np.argwhere(off)[0])
        raise InputError(
            f"judgements ({i + 1}, {j + 1}) = {a[i, j]:g} and ({j + 1}, {i + 1}) = {a[j, i]:g} "
            f"are not reciprocal; if one is x the other must be 1/x ({1 / a[i, j]:.4g})"
        )
    return a


def ahp(pairwise: ArrayLike) -> AHPResult:
    """Weights from a pairwise comparison matrix (Saaty's analytic hierarchy process).

    Parameters
    ----------
    pairwise : array_like
        ``(n, n)`` positive reciprocal matrix: ``a_ij`` says how many times more important
        criterion i is than j (Saaty's 1–9 scale), ``a_ji = 1 / a_ij`` (to 1%), ``a_ii = 1``.

    Returns
    -------
    AHPResult
        Principal right eigenvector (sum 1), ``λmax``, ``CI = (λmax − n)/(n − 1)``,
        ``CR = CI / RI(n)`` with Saaty's 1980 random index (extended beyond n = 10 as
        :func:`random_index` says; CI and CR are 0 for n <= 2), and, when ``CR > 0.1``, the
        judgement ``(i, j)`` (0-based, ``i < j``) whose replacement by ``w_i / w_j`` lowers CR
        most. Every candidate judgement is tried (one batched eigen-decomposition); near-ties
        (within 1e-9 in λmax) go to the first judgement in row order.

    Raises
    ------
    InputError
        If the matrix is not square, positive, finite, with unit diagonal and reciprocal.
    """
    a = _pairwise(pairwise)
    n = a.shape[0]
    lam_arr, vec = _principal(a)
    lam = float(lam_arr)
    if n <= 2:
        return AHPResult(vec, lam, 0.0, 0.0, None)
    ri = random_index(n)
    ci = (lam - n) / (n - 1)
    cr = ci / ri
    worst: tuple[int, int] | None = None
    if cr > CR_THRESHOLD:
        iu, ju = np.triu_indices(n, k=1)
        trial = np.broadcast_to(a, (iu.size, n, n)).copy()
        k = np.arange(iu.size)
        ratio = vec[iu] / vec[ju]
        trial[k, iu, ju] = ratio
        trial[k, ju, iu] = 1.0 / ratio
        trial_lam, _ = _principal(trial)
        # CR increases with λmax for a fixed n; near-ties (n = 3 often has them) go to the
        # first judgement in row order, so the answer does not depend on float noise.
        near = trial_lam <= trial_lam.min() + 1e-9 * n
        best = int(np.flatnonzero(near)[0])
        worst = (int(iu[best]), int(ju[best]))
    return AHPResult(vec, lam, ci, cr, worst)
