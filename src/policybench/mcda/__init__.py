"""Multi-criteria decision analysis on numpy: normalise, aggregate, rank, elicit weights.

The public front door. Every function here coerces and checks its input (readable
:class:`~policybench.errors.InputError` / :class:`~policybench.errors.WeightsError`
messages), looks up the method and normalisation by name, and calls the pure, batch-shaped
kernels in :mod:`~policybench.mcda.methods` and :mod:`~policybench.mcda.normalization`.

Conventions
-----------
- ``matrix`` is ``(N options, M criteria)``, N >= 2; ``types`` is +1 (benefit) / -1 (cost).
- ``weights`` are ``(M,)`` or a batch ``(S, M)``; they need not sum to 1 (rows are divided by
  their sum); scores come back ``(N,)`` or ``(S, N)``, and **higher is always better**.
- ``normalization=None`` means the method's default, which is pymcdm's: ``sum`` for ``wsm``
  and ``wpm``, ``minmax`` for ``topsis``, raw values (``none``) for ``vikor`` and
  ``promethee2``. See :mod:`~policybench.mcda.normalization` for the definitions and
  :data:`METHODS` / :mod:`~policybench.mcda.methods` for each method's.
- ``wpm`` with ``scale``: a value at the bottom of its scale (normalised below
  :data:`WPM_FLOOR`) is raised to ``WPM_FLOOR`` so that one zero does not wipe out every other
  criterion; a :class:`~policybench.errors.PolicybenchWarning` says so.
- Ranks: 1 is best; ties (``|a - b| <= 1e-9 * max(1, |a|, |b|)`` along the sorted order)
  share the lower rank, ``(1, 2, 2, 4)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from policybench.errors import InputError, PolicybenchWarning
from policybench.mcda import _validate
from policybench.mcda import methods as _methods
from policybench.mcda import normalization as _normalization
from policybench.mcda.methods import METHODS, PREFERENCES, Method
from policybench.mcda.normalization import NORMALIZATIONS
from policybench.mcda.normalization import PARAMETERS as _NORMALIZATION_PARAMETERS
from policybench.mcda.ranking import TIE_RTOL, rank
from policybench.mcda.weights import (
    SAATY_RANDOM_INDEX,
    AHPResult,
    ahp,
    direct_weights,
    equal_weights,
    random_index,
    rank_order_centroid,
    rank_sum,
    swing_weights,
)

__all__ = [
    "LINEAR_IN_WEIGHTS",
    "METHODS",
    "NORMALIZATIONS",
    "PREFERENCES",
    "SAATY_RANDOM_INDEX",
    "TIE_RTOL",
    "WPM_FLOOR",
    "AHPResult",
    "Method",
    "ahp",
    "check_weights",
    "default_normalization",
    "direct_weights",
    "equal_weights",
    "preference_matrix",
    "random_index",
    "rank",
    "rank_order_centroid",
    "rank_sum",
    "score",
    "score_paired",
    "scorer",
    "swing_weights",
    "value_matrix",
]

FloatArray = NDArray[np.float64]
Scorer = Callable[[FloatArray], FloatArray]

#: Under ``wpm`` with ``scale``, normalised values below this are raised to it (1% of the scale).
WPM_FLOOR = 0.01

#: Methods whose score is one weighted sum of per-criterion terms after normalisation (of its
#: logarithm for ``wpm``), so a matrix can be scored under many weight sets with one matrix
#: product (:attr:`Method.linear_in_weights`).
LINEAR_IN_WEIGHTS = frozenset(name for name, spec in METHODS.items() if spec.linear_in_weights)


def check_weights(weights: ArrayLike, m: int, criteria: Sequence[str] | None = None) -> FloatArray:
    """Validate weights and return float rows normalised to sum 1.

    Parameters
    ----------
    weights : array_like
        ``(M,)`` or ``(S, M)``; non-negative, finite, not all zero (per row).
    m : int
        Number of criteria.
    criteria : sequence of str, optional
        Criterion names, used in messages.

    Returns
    -------
    numpy.ndarray
        ``(M,)`` or ``(S, M)`` float64, each row summing to 1.

    Raises
    ------
    WeightsError
        Negative, NaN, infinite or all-zero weights, or a shape that does not match ``m``.
    """
    return _validate.weights(weights, m, _validate.criteria_names(criteria, m))


def default_normalization(method: str) -> str:
    """The normalisation ``method`` uses when ``normalization=None`` (pymcdm's default)."""
    spec: Method = _validate.lookup(method, METHODS, "method")
    return spec.default_normalization


def _split_params(
    method: str, normalization: str | None, params: Mapping[str, Any]
) -> tuple[Method, str, dict[str, Any], dict[str, Any]]:
    spec: Method = _validate.lookup(method, METHODS, "method")
    norm_name = spec.default_normalization if normalization is None else normalization
    _validate.lookup(norm_name, NORMALIZATIONS, "normalisation")
    norm_keys = _NORMALIZATION_PARAMETERS.get(norm_name, ())
    _validate.no_unknown(
        params, spec.parameters + norm_keys, f"{method!r} with normalisation {norm_name!r}"
    )
    norm_params = {k: v for k, v in params.items() if k in norm_keys}
    method_params = {k: v for k, v in params.items() if k not in norm_keys}
    return spec, norm_name, norm_params, method_params


def _normalise(
    x: FloatArray,
    types: FloatArray,
    norm_name: str,
    norm_params: Mapping[str, Any],
    criteria: Sequence[str] | None,
) -> FloatArray:
    if norm_name == "scale":
        lo, hi = _validate.bounds(norm_params.get("bounds", (0.0, 10.0)), x, types, criteria)
        return NORMALIZATIONS["scale"](x, types, bounds=(lo, hi))
    _validate.normalizable(norm_name, x, types, criteria)
    return NORMALIZATIONS[norm_name](x, types)


def _method_params(
    method: str, params: Mapping[str, Any], m: int, criteria: Sequence[str] | None
) -> dict[str, Any]:
    if method == "vikor":
        return {"v": _validate.vikor_v(params.get("v", 0.5))}
    if method == "promethee2":
        return _validate.promethee_params(params, m, criteria)
    return {}


def _wpm_floor(norm: FloatArray, norm_name: str, criteria: Sequence[str] | None) -> FloatArray:
    _validate.nonnegative_for_product(norm, criteria)
    if norm_name != "scale":
        return norm
    low = norm < WPM_FLOOR
    if not low.any():
        return norm
    cols = np.flatnonzero(low.reshape(-1, low.shape[-1]).any(axis=0))
    names = ", ".join(_validate.criterion_label(int(j), criteria) for j in cols[:3])
    more = f" and {cols.size - 3} more" if cols.size > 3 else ""
    warnings.warn(
        f"wpm multiplies the criteria together, so a value at the bottom of its scale would "
        f"make the whole score 0; on {names}{more} such values were counted as {WPM_FLOOR} "
        "of the scale instead",
        PolicybenchWarning,
        stacklevel=5,  # _wpm_floor < _normalised < _prepare < score/scorer/score_paired < caller
    )
    return np.maximum(norm, WPM_FLOOR)


@dataclass(frozen=True, slots=True)
class _Checked:
    """A problem whose method, normalisation, directions and parameters have been checked."""

    spec: Method
    method: str
    norm_name: str
    norm_params: dict[str, Any]
    method_params: dict[str, Any]
    types: FloatArray
    names: tuple[str, ...] | None


def _check(
    x: FloatArray,
    types: ArrayLike,
    method: str,
    normalization: str | None,
    criteria: Sequence[str] | None,
    params: Mapping[str, Any],
) -> _Checked:
    """Check everything but the matrix's values under the normalisation and the weights."""
    m = x.shape[-1]
    names = _validate.criteria_names(criteria, m)
    spec, norm_name, norm_params, raw_method_params = _split_params(method, normalization, params)
    t = _validate.types(types, m, names)
    method_params = _method_params(method, raw_method_params, m, names)
    return _Checked(spec, method, norm_name, norm_params, method_params, t, names)


def _normalised(x: FloatArray, c: _Checked) -> FloatArray:
    norm = _normalise(x, c.types, c.norm_name, c.norm_params, c.names)
    if c.method == "wpm":
        norm = _wpm_floor(norm, c.norm_name, c.names)
    return norm


def _wpm_sum(x: FloatArray, c: _Checked) -> Scorer | None:
    """``wpm`` under ``sum`` without the normalised matrix, or None for the plain way.

    Built on the logarithm of the normalisation
    (:func:`~policybench.mcda.normalization.sum_logs`): one pass for ``log x``, the cost
    inversion folded into its sign (``log(1/x) = -log x``) and the column totals into an offset,
    then one matrix product on the logs per weight batch. The values were checked to be > 0,
    so every normalised value is > 0: WPM's floor and sign check cannot apply.
    """
    if c.method != "wpm" or c.norm_name != "sum":
        return None
    _validate.normalizable(c.norm_name, x, c.types, c.names)
    split = _normalization.sum_logs(x, c.types)
    if split is None:  # a column total overflows: normalise the plain way
        return None
    logs, offset = split
    return _methods.prepare_wpm_logs(logs, c.types, offset)


def _prepare(
    x: FloatArray,
    types: ArrayLike,
    method: str,
    normalization: str | None,
    criteria: Sequence[str] | None,
    params: Mapping[str, Any],
) -> Scorer:
    c = _check(x, types, method, normalization, criteria, params)
    fast = _wpm_sum(x, c)
    if fast is not None:
        return fast
    # stacklevel of _wpm_floor's warning: _wpm_floor < _normalised < _prepare < score < caller
    kernel: Scorer = c.spec.prepare(_normalised(x, c), **c.method_params)
    return kernel


def scorer(
    matrix: ArrayLike,
    types: ArrayLike,
    method: str = "wsm",
    normalization: str | None = None,
    *,
    criteria: Sequence[str] | None = None,
    **params: Any,
) -> Scorer:
    """Validate and normalise once; return a fast function of the weights alone.

    Parameters
    ----------
    matrix, types, method, normalization, criteria, **params
        As for :func:`score`.

    Returns
    -------
    callable
        ``f(weights) -> scores``: weights ``(M,)`` or ``(S, M)`` that are **already valid and
        normalised** (e.g. from :func:`check_weights` or a Dirichlet sampler) give ``(N,)`` or
        ``(S, N)`` scores, higher better. No further checks are made: this is the hot path of
        SMAA and sweeps.
    """
    m_names = None if criteria is None else list(criteria)
    x = _validate.matrix(matrix, m_names)
    return _prepare(x, types, method, normalization, criteria, params)


def score(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    method: str = "wsm",
    normalization: str | None = None,
    *,
    criteria: Sequence[str] | None = None,
    **params: Any,
) -> FloatArray:
    """Score options on several criteria; higher is better.

    Parameters
    ----------
    matrix : array_like
        ``(N, M)`` scores of N >= 2 options on M criteria, all finite.
    weights : array_like
        ``(M,)`` or ``(S, M)``; non-negative, not all zero; rows are divided by their sum.
    types : array_like
        ``(M,)``: +1 for a benefit (higher is better), -1 for a cost.
    method : str
        A key of :data:`METHODS`: ``wsm``, ``wpm``, ``topsis``, ``vikor`` (``v=0.5``, returns
        ``-Q``) or ``promethee2`` (``preference=`` one of :data:`PREFERENCES`, default
        ``usual``, with thresholds ``q``, ``p``, ``s`` in the criteria's units, scalar or
        ``(M,)``).
    normalization : str, optional
        A key of :data:`NORMALIZATIONS`; ``None`` uses the method's default.
    criteria : sequence of str, optional
        Criterion names, used in error messages.
    **params
        The method's parameters, and ``bounds=(lo, hi)`` for ``scale`` (default ``(0, 10)``).

    Returns
    -------
    numpy.ndarray
        ``(N,)`` for weights ``(M,)``, ``(S, N)`` for weights ``(S, M)``.

    Raises
    ------
    InputError
        Bad matrix, types, method, normalisation or parameters (the message says which, naming
        the criterion where there is one).
    WeightsError
        Negative, NaN, infinite or all-zero weights, or the wrong number of them.
    """
    x = _validate.matrix(matrix, None if criteria is None else list(criteria))
    w = check_weights(weights, x.shape[1], criteria)
    return _prepare(x, types, method, normalization, criteria, params)(w)


def score_paired(
    matrices: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    method: str = "wsm",
    normalization: str | None = None,
    *,
    criteria: Sequence[str] | None = None,
    **params: Any,
) -> FloatArray:
    """Score S sampled matrices, each under its own weight set: row s = matrix s, weights s.

    Parameters
    ----------
    matrices : array_like
        ``(S, N, M)``: e.g. score samples drawn within each cell's uncertainty range.
        Normalisation is per matrix.
    weights : array_like
        ``(S, M)``, **already valid and normalised** (not re-checked beyond the shape); or
        ``(S, K, M)``, K weight sets per matrix, for the methods in
        :data:`LINEAR_IN_WEIGHTS` (each matrix is normalised once, not K times).
    types, method, normalization, criteria, **params
        As for :func:`score`.

    Returns
    -------
    numpy.ndarray
        ``(S, N)`` scores, higher better; ``(S, K, N)`` for ``(S, K, M)`` weights.
    """
    x = _validate.matrices(matrices, None if criteria is None else list(criteria))
    w = np.asarray(weights, dtype=np.float64)
    several = w.ndim == 3 and w.shape[0] == x.shape[0] and w.shape[2] == x.shape[2]
    if several and method not in LINEAR_IN_WEIGHTS:
        raise InputError(
            f"several weight sets per matrix are supported for {', '.join(sorted(LINEAR_IN_WEIGHTS))} only"
        )
    if w.shape != (x.shape[0], x.shape[2]) and not several:
        raise InputError(
            f"score_paired needs one weight set per matrix: weights of shape "
            f"({x.shape[0]}, {x.shape[2]}), got {w.shape}"
        )
    return _prepare(x, types, method, normalization, criteria, params)(w)


def preference_matrix(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    normalization: str | None = None,
    *,
    criteria: Sequence[str] | None = None,
    **params: Any,
) -> FloatArray:
    """PROMETHEE's aggregated preference index ``pi(a, b)``, ``(N, N)``, to explain a result.

    ``pi[a, b] = sum_j w_j P_j(d_j(a, b))`` with weights normalised to sum 1; the PROMETHEE II
    net flow of :func:`score` with ``method="promethee2"`` equals
    ``(pi.sum(axis=1) - pi.sum(axis=0)) / (N - 1)``. Parameters as for ``promethee2``
    (``preference``, ``q``, ``p``, ``s``). Holds all pairs at once: meant for small problems.
    """
    x = _validate.matrix(matrix, None if criteria is None else list(criteria))
    w = check_weights(weights, x.shape[1], criteria)
    if w.ndim != 1:
        raise InputError("preference_matrix takes one weight set (M,), not a batch")
    c = _check(x, types, "promethee2", normalization, criteria, params)
    return _methods.preference_matrix(_normalised(x, c), w, **c.method_params)


def value_matrix(
    matrix: ArrayLike,
    types: ArrayLike,
    normalization: str = "scale",
    *,
    criteria: Sequence[str] | None = None,
    **params: Any,
) -> FloatArray:
    """The validated, normalised ``(N, M)`` matrix (higher is better on every criterion).

    Under ``wsm`` with the same normalisation, ``score(matrix, w, types) == value_matrix(...)
    @ w`` for weights ``w`` summing to 1, so WSM problems can be solved exactly (linear in w).
    ``params`` takes ``bounds=(lo, hi)`` for ``scale`` (default ``(0, 10)``).
    """
    x = _validate.matrix(matrix, None if criteria is None else list(criteria))
    m = x.shape[1]
    names = _validate.criteria_names(criteria, m)
    _, norm_name, norm_params, _ = _split_params("wsm", normalization, params)
    t = _validate.types(types, m, names)
    return _normalise(x, t, norm_name, norm_params, names)
