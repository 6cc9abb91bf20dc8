"""Aggregation kernels: normalised matrix and weights in, scores out (higher is better).

Every kernel is pure and batch-shaped. ``norm`` is ``(N, M)`` with weights ``(M,)`` → ``(N,)``
or ``(S, M)`` → ``(S, N)``; or, *paired*, ``norm`` is a stack ``(S, N, M)`` with weights
``(S, M)`` → ``(S, N)``, row ``s`` scoring matrix ``s`` under weight set ``s``. Inputs are
already validated and oriented so that higher is better on every criterion (see
:mod:`policybench.mcda.normalization`); weights are non-negative and, for the documented
scores, rows sum to 1. Nothing here loops over samples or options in Python.

Each method is split in two so that SMAA and sweeps pay the weight-free work once:
``prepare_<method>(norm, **params)`` returns a function of the weights alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Kernel = Callable[[FloatArray], FloatArray]

#: Elements per block in the pairwise PROMETHEE computation (8 MB of float64).
BLOCK_ELEMENTS = 1 << 20

#: Stand-in for log(0) in WPM, so that 0 ** 0 == 1 and 0 ** w == 0 for w > 0 (as in numpy).
_LOG_ZERO = -1e300


def _wdot(values: FloatArray, weights: FloatArray) -> FloatArray:
    """Sum over criteria of ``values * weights``, batch-aware (see the module docstring)."""
    if values.ndim == 2:
        out: FloatArray = weights @ values.T
        return out
    if weights.ndim == 3:  # (S, N, M) under (S, K, M): each matrix under K weight sets
        several: FloatArray = np.matmul(weights, np.swapaxes(values, -1, -2))
        return several
    paired: FloatArray = np.matmul(values, weights[..., None])[..., 0]
    return paired


# --------------------------------------------------------------------------------- WSM
def prepare_wsm(norm: FloatArray) -> Kernel:
    """Weighted sum model: ``score_i = sum_j w_j v_ij``."""
    return lambda weights: _wdot(norm, weights)


def wsm(norm: FloatArray, weights: FloatArray) -> FloatArray:
    """Weighted sum. ``norm`` (N, M); weights (M,) or (S, M) → (N,) or (S, N)."""
    return prepare_wsm(norm)(weights)


# --------------------------------------------------------------------------------- WPM
def prepare_wpm(norm: FloatArray) -> Kernel:
    """Weighted product model: ``score_i = prod_j v_ij ** w_j`` (needs ``v >= 0``).

    Computed as ``exp(sum_j w_j log v_ij)`` (one matrix product); a zero value gives a score of
    0 unless its weight is 0, exactly as ``prod(v ** w)`` does.
    """
    m = norm.shape[-1]
    with np.errstate(divide="ignore"):
        logs = np.log(norm)  # one pass, in the fast (unmasked) loop; log(0) = -inf
    zero = norm == 0
    if zero.any():
        logs[zero] = _LOG_ZERO / m
    return prepare_wpm_logs(logs)


def prepare_wpm_logs(
    logs: FloatArray, signs: FloatArray | None = None, offset: FloatArray | None = None
) -> Kernel:
    """WPM from logarithms: ``score_i = exp(sum_j w_j (signs_j logs_ij - offset_j))``.

    ``logs`` is ``(N, M)`` or ``(S, N, M)``; ``signs`` ``(M,)`` of +1/-1 and ``offset``
    ``(..., 1, M)`` are optional. This is the form :func:`policybench.mcda.normalization.sum_logs`
    gives (``log v = types * log x - log total``), so WPM under ``sum`` never builds the
    normalised matrix: the sign and the offset are folded into the weights (``w * signs`` and
    ``offset @ w``: an exact sign flip and one small product), and the matrix product runs on
    ``logs`` once.
    """
    if signs is None and offset is None:
        return lambda weights: np.exp(_wdot(logs, weights))

    def kernel(weights: FloatArray) -> FloatArray:
        total = _wdot(logs, weights if signs is None else weights * signs)
        if offset is not None:
            total -= _wdot(offset, weights)
        return np.exp(total, out=total)

    return kernel


def wpm(norm: FloatArray, weights: FloatArray) -> FloatArray:
    """Weighted product. ``norm`` (N, M) with non-negative values → (N,) or (S, N)."""
    return prepare_wpm(norm)(weights)


# ------------------------------------------------------------------------------ TOPSIS
def prepare_topsis(norm: FloatArray) -> Kernel:
    """TOPSIS relative closeness ``D- / (D- + D+)`` (Hwang & Yoon 1981).

    The weighted matrix is ``w_j v_ij``; the positive ideal is its column maximum, the negative
    ideal its column minimum, and ``D+``/``D-`` are Euclidean distances to them. Because
    weights are non-negative, ``max_i w_j v_ij = w_j max_i v_ij``, so
    ``(D+)^2 = sum_j w_j^2 (v_ij - max_i v_ij)^2``: two matrix products per weight batch.
    When every option sits on both ideals (nothing separates them), all scores are 0.5.
    """
    to_best = (norm - norm.max(axis=-2, keepdims=True)) ** 2
    to_worst = (norm - norm.min(axis=-2, keepdims=True)) ** 2

    def kernel(weights: FloatArray) -> FloatArray:
        w2 = weights * weights
        d_plus = np.sqrt(_wdot(to_best, w2))
        d_minus = np.sqrt(_wdot(to_worst, w2))
        total = d_plus + d_minus
        with np.errstate(invalid="ignore"):
            out: FloatArray = np.divide(d_minus, total, out=d_minus)
        if not total.all():  # nothing separates the options: all stand at both ideals
            out[total == 0] = 0.5
        return out

    return kernel


def topsis(norm: FloatArray, weights: FloatArray) -> FloatArray:
    """TOPSIS closeness in [0, 1]. ``norm`` (N, M) → (N,) or (S, N)."""
    return prepare_topsis(norm)(weights)


# ------------------------------------------------------------------------------- VIKOR
def _spread_term(values: FloatArray) -> FloatArray:
    """``(x - min) / (max - min)`` over options; 0 when all options are (numerically) equal."""
    lo = values.min(axis=-1, keepdims=True)
    hi = values.max(axis=-1, keepdims=True)
    span = hi - lo
    flat = span <= 1e-12 * np.maximum(np.abs(hi), np.abs(lo))
    out: FloatArray = values - lo
    out /= np.where(flat, 1.0, span)
    if flat.any():
        out *= ~flat
    return out


def prepare_vikor(norm: FloatArray, v: float = 0.5) -> Kernel:
    """VIKOR (Opricovic 1998; Opricovic & Tzeng 2004), returned as ``-Q`` so higher is better.

    With ``f*_j``/``f-_j`` the best/worst value of criterion j, the regret of option i is
    ``d_ij = (f*_j - v_ij) / (f*_j - f-_j)`` (0 for a constant criterion: nobody regrets it),
    ``S_i = sum_j w_j d_ij``, ``R_i = max_j w_j d_ij`` and
    ``Q_i = v (S_i - S*) / (S- - S*) + (1 - v) (R_i - R*) / (R- - R*)`` with ``v = 0.5`` by
    default. A term whose spread is zero (all options equal on it) contributes 0. The
    compromise-set conditions (acceptable advantage and stability) are not applied: the
    ranking is by Q alone, as in pymcdm.
    """
    best = norm.max(axis=-2, keepdims=True)
    worst = norm.min(axis=-2, keepdims=True)
    span = best - worst
    safe = np.where(span > 0, span, 1.0)
    regret = np.where(span > 0, (best - norm) / safe, 0.0)
    m = norm.shape[-1]

    def kernel(weights: FloatArray) -> FloatArray:
        group = _wdot(regret, weights)
        columns = np.moveaxis(weights, -1, 0).copy()  # (M, ...) contiguous per criterion
        individual = columns[0][..., None] * regret[..., 0]
        term = np.empty_like(individual)
        for j in range(1, m):  # a loop over criteria keeps memory at two (S, N) arrays
            np.multiply(columns[j][..., None], regret[..., j], out=term)
            np.maximum(individual, term, out=individual)
        q = _spread_term(group)
        q *= v
        q += (1.0 - v) * _spread_term(individual)
        return np.negative(q, out=q)

    return kernel


def vikor(norm: FloatArray, weights: FloatArray, v: float = 0.5) -> FloatArray:
    """VIKOR ``-Q`` (higher is better). ``norm`` (N, M) → (N,) or (S, N)."""
    return prepare_vikor(norm, v=v)(weights)


# -------------------------------------------------------------------------- PROMETHEE II
PreferenceFunction = Callable[[FloatArray, float, float, float], FloatArray]


# Each function takes a block of differences d = x_a - x_b (which it may overwrite) and returns
# odd(d) = P(d) - P(-d) = sign(d) * P(|d|), in place where it can: these are the inner loop.


def _usual(d: FloatArray, q: float, p: float, s: float) -> FloatArray:
    return np.sign(d, out=d)


def _ushape(d: FloatArray, q: float, p: float, s: float) -> FloatArray:
    return np.copysign(np.abs(d) > q, d, out=d)


def _vshape(d: FloatArray, q: float, p: float, s: float) -> FloatArray:
    a = np.abs(d)
    np.divide(a, p, out=a)
    np.minimum(a, 1.0, out=a)
    return np.copysign(a, d, out=a)


def _level(d: FloatArray, q: float, p: float, s: float) -> FloatArray:
    a = np.abs(d)
    half = (a > q).astype(np.float64)
    half += a > p
    half *= 0.5
    return np.copysign(half, d, out=half)


def _linear(d: FloatArray, q: float, p: float, s: float) -> FloatArray:
    if p <= q:  # q == p: a strict step at q
        return _ushape(d, q, p, s)
    a = np.abs(d)
    a -= q
    np.divide(a, p - q, out=a)
    np.clip(a, 0.0, 1.0, out=a)
    return np.copysign(a, d, out=a)


def _gaussian(d: FloatArray, q: float, p: float, s: float) -> FloatArray:
    a = np.square(d)
    np.divide(a, -2.0 * s * s, out=a)
    np.expm1(a, out=a)
    np.negative(a, out=a)  # 1 - exp(-d^2 / (2 s^2))
    return np.copysign(a, d, out=a)


@dataclass(frozen=True, slots=True)
class Preference:
    """A PROMETHEE preference function: ``odd(d) = P(d) - P(-d)`` and the thresholds it needs."""

    odd: PreferenceFunction
    thresholds: tuple[str, ...]
    label: str


PREFERENCES: Mapping[str, Preference] = MappingProxyType(
    {
        "usual": Preference(_usual, (), "type I, usual: P = 1 if d > 0"),
        "ushape": Preference(_ushape, ("q",), "type II, U-shape: P = 1 if d > q"),
        "vshape": Preference(_vshape, ("p",), "type III, V-shape: P = min(d / p, 1) for d > 0"),
        "level": Preference(
            _level, ("q", "p"), "type IV, level: P = 1/2 if q < d <= p, 1 if d > p"
        ),
        "linear": Preference(
            _linear, ("q", "p"), "type V, linear: P = (d - q) / (p - q) if q < d <= p, 1 if d > p"
        ),
        "gaussian": Preference(
            _gaussian, ("s",), "type VI, Gaussian: P = 1 - exp(-d^2 / (2 s^2)) for d > 0"
        ),
    }
)
"""Brans's six preference functions by name (pymcdm calls ``linear`` ``vshape_2``)."""


def _blocks(total: int, size: int) -> Iterator[slice]:
    for start in range(0, total, size):
        yield slice(start, min(start + size, total))


def _usual_net_counts(col: FloatArray) -> FloatArray:
    """``#{b: x_b < x_a} - #{b: x_b > x_a}`` per row of ``(K, N)``, exactly, by sorting.

    For the usual criterion ``sign(x_a - x_b)`` is exactly the comparison, so no pairwise
    block is needed: O(N log N) instead of O(N^2).
    """
    k, n = col.shape
    order = np.argsort(col, axis=-1)
    v = np.take_along_axis(col, order, axis=-1)
    pos = np.broadcast_to(np.arange(n), (k, n))
    step = v[:, 1:] != v[:, :-1]
    first = np.concatenate([np.ones((k, 1), dtype=bool), step], axis=-1)
    last = np.concatenate([step, np.ones((k, 1), dtype=bool)], axis=-1)
    less = np.maximum.accumulate(np.where(first, pos, 0), axis=-1)
    end = np.minimum.accumulate(np.where(last, pos, n - 1)[:, ::-1], axis=-1)[:, ::-1]
    greater = n - 1 - end
    out = np.empty((k, n))
    np.put_along_axis(out, order, (less - greater).astype(np.float64), axis=-1)
    return out


def _pairwise_net_sums(
    col: FloatArray, pref: PreferenceFunction, q: float, p: float, s: float
) -> FloatArray:
    """``sum_b odd(x_a - x_b)`` per row of ``(K, N)``, in blocks of about BLOCK_ELEMENTS pairs.

    ``odd`` is antisymmetric (``odd(x_b - x_a) == -odd(x_a - x_b)`` exactly, since float
    subtraction is), so for large N only the blocks on and above the diagonal are evaluated.
    """
    k, n = col.shape
    out = np.zeros((k, n))
    if n * n <= BLOCK_ELEMENTS:
        for rows in _blocks(k, max(1, BLOCK_ELEMENTS // (n * n))):
            c = col[rows]
            out[rows] = pref(c[:, :, None] - c[:, None, :], q, p, s).sum(axis=-1)
        return out
    size = math.isqrt(BLOCK_ELEMENTS)
    for i in range(k):  # only for N > 1024: each block is still about 1M pairs
        c, acc = col[i], out[i]
        for r in _blocks(n, size):
            acc[r] += pref(c[r, None] - c[None, r], q, p, s).sum(axis=-1)
            for cc in _blocks(n - r.stop, size):
                right = slice(r.stop + cc.start, r.stop + cc.stop)
                h = pref(c[r, None] - c[None, right], q, p, s)
                acc[r] += h.sum(axis=-1)
                acc[right] -= h.sum(axis=0)
    return out


Preferences = str | Sequence[str]


def _per_criterion(preference: Preferences, m: int) -> tuple[str, ...]:
    return (preference,) * m if isinstance(preference, str) else tuple(preference)


def unicriterion_net_flows(
    x: FloatArray,
    preference: Preferences = "usual",
    q: FloatArray | None = None,
    p: FloatArray | None = None,
    s: FloatArray | None = None,
) -> FloatArray:
    """Per-criterion net flows ``F_ij = sum_b (P_j(a_i, b) - P_j(b, a_i)) / (N - 1)``.

    ``x`` is ``(N, M)`` or ``(S, N, M)`` with higher better; the result has the same shape.
    ``preference`` is one name of :data:`PREFERENCES` or one per criterion. PROMETHEE II's net
    flow is linear in the weights, ``phi = F @ w``, so this weight-free part is computed once.
    The usual criterion is counted exactly by sorting (O(N log N)); the others are evaluated
    on pairs in blocks of about ``BLOCK_ELEMENTS`` differences, so memory does not grow with
    ``N^2`` at once.
    """
    m = x.shape[-1]
    n = x.shape[-2]
    names = _per_criterion(preference, m)
    zeros = np.zeros(m)
    qs, ps, ss = (zeros if t is None else t for t in (q, p, s))
    flows = np.empty_like(x)
    for j in range(m):  # functions and thresholds differ per criterion
        col = np.ascontiguousarray(x[..., j].reshape(-1, n))
        if names[j] == "usual":
            sums = _usual_net_counts(col)
        else:
            odd = PREFERENCES[names[j]].odd
            sums = _pairwise_net_sums(col, odd, float(qs[j]), float(ps[j]), float(ss[j]))
        flows[..., j] = sums.reshape(x.shape[:-1]) / (n - 1)
    return flows


def preference_matrix(
    x: FloatArray,
    weights: FloatArray,
    preference: Preferences = "usual",
    q: FloatArray | None = None,
    p: FloatArray | None = None,
    s: FloatArray | None = None,
) -> FloatArray:
    """The aggregated preference index ``pi(a, b) = sum_j w_j P_j(x_a - x_b)``, ``(N, N)``.

    For explaining a PROMETHEE result on a small problem (it holds all N^2 pairs): row a says
    how strongly a is preferred to each other option. ``phi+`` and ``phi-`` are its row and
    column sums over ``N - 1``. ``x`` is ``(N, M)``, higher better; ``weights`` ``(M,)``.
    """
    m = x.shape[-1]
    names = _per_criterion(preference, m)
    zeros = np.zeros(m)
    qs, ps, ss = (zeros if t is None else t for t in (q, p, s))
    pi = np.zeros((x.shape[0], x.shape[0]))
    for j in range(m):
        d = x[:, j, None] - x[None, :, j]
        odd = PREFERENCES[names[j]].odd(d, float(qs[j]), float(ps[j]), float(ss[j]))
        pi += weights[j] * np.maximum(odd, 0.0)  # P(d) is the positive part of odd(d)
    return pi


def prepare_promethee2(
    x: FloatArray,
    preference: Preferences = "usual",
    q: FloatArray | None = None,
    p: FloatArray | None = None,
    s: FloatArray | None = None,
) -> Kernel:
    """PROMETHEE II net flow ``phi = phi+ - phi-`` with the ``1/(N-1)`` scaling, in [-1, 1].

    Brans & Vincke (1985); Brans, Vincke & Mareschal (1986). ``d = x_a - x_b`` on values
    oriented so that higher is better (a cost's difference is reversed); the preference
    function is one of :data:`PREFERENCES` (``usual`` by default), for every criterion or one
    per criterion; thresholds ``q`` (indifference), ``p`` (preference) and ``s`` (Gaussian)
    are ``(M,)`` in the units of ``x`` (the criteria's own units under the default
    normalisation ``none``).
    """
    flows = unicriterion_net_flows(x, preference, q, p, s)
    return lambda weights: _wdot(flows, weights)


def promethee2(
    x: FloatArray,
    weights: FloatArray,
    preference: Preferences = "usual",
    q: FloatArray | None = None,
    p: FloatArray | None = None,
    s: FloatArray | None = None,
) -> FloatArray:
    """PROMETHEE II net flows. ``x`` (N, M) → (N,) or (S, N)."""
    return prepare_promethee2(x, preference, q, p, s)(weights)


# ---------------------------------------------------------------------------- registry
@dataclass(frozen=True, slots=True)
class Method:
    """An aggregation method as the registry holds it, with the properties every front end
    reads from here (rather than keeping lists of method names of its own).

    Attributes
    ----------
    prepare : callable
        ``prepare(norm, **params)`` → a function of the weights alone (the hot path).
    default_normalization : str
        The normalisation used when ``normalization=None`` (pymcdm's default).
    parameters : tuple of str
        The keyword parameters the method takes.
    summary : str
        One line for help texts and the UI.
    title : str
        The method's name as people read it (``"Weighted sum"``).
    catalog_normalization : str
        The normalisation policybench uses on a catalog when only the method is named
        (DESIGN, "Defaults"): ``scale``, the criteria's fixed 0–10 scales, for the methods
        of the value model (``wsm``, ``wpm``), the method's own default otherwise.
    additive : bool
        The score is a sum over criteria of ``weight × normalised value``, so each
        criterion's contribution can be shown and the contributions add up to the score.
    linear_in_weights : bool
        One matrix product with the weights gives the scores, ``s = L @ w`` (or ``log s =
        L @ w`` when ``log_scores``): a matrix is scored under many weight sets at once, and
        sweeps and break-even weights are solved exactly.
    log_scores : bool
        The linear form is that of the scores' logarithm (the weighted product).
    """

    prepare: Callable[..., Kernel]
    default_normalization: str
    parameters: tuple[str, ...]
    summary: str
    title: str
    catalog_normalization: str
    additive: bool = False
    linear_in_weights: bool = False
    log_scores: bool = False


METHODS: Mapping[str, Method] = MappingProxyType(
    {
        "wsm": Method(
            prepare_wsm,
            "sum",
            (),
            "weighted sum of normalised values",
            title="Weighted sum",
            catalog_normalization="scale",
            additive=True,
            linear_in_weights=True,
        ),
        "wpm": Method(
            prepare_wpm,
            "sum",
            (),
            "weighted product of normalised values",
            title="Weighted product",
            catalog_normalization="scale",
            linear_in_weights=True,
            log_scores=True,
        ),
        "topsis": Method(
            prepare_topsis,
            "minmax",
            (),
            "closeness to the ideal and distance from the worst",
            title="TOPSIS",
            catalog_normalization="minmax",
        ),
        "vikor": Method(
            prepare_vikor,
            "none",
            ("v",),
            "compromise ranking, -Q (v = 0.5)",
            title="VIKOR",
            catalog_normalization="none",
        ),
        "promethee2": Method(
            prepare_promethee2,
            "none",
            ("preference", "q", "p", "s"),
            "pairwise outranking net flow (usual preference unless told)",
            title="PROMETHEE II",
            catalog_normalization="none",
            linear_in_weights=True,
        ),
    }
)
"""Aggregation methods by name (read-only); every one returns higher-is-better scores."""
