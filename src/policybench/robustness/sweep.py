"""One-way weight sensitivity: move one criterion's weight from 0 to 1 and watch the scores.

The path
--------
Along a sweep of criterion ``c`` its weight is ``t`` and every other criterion keeps its share
of the rest: ``w(t) = t e_c + (1 - t) u``, where ``u`` is the current weight vector with
criterion ``c`` set to 0 and rescaled to sum 1. (If every other weight is 0, ``u`` shares the
rest equally.) At ``t`` equal to the current weight of ``c``, ``w(t)`` is the current weight
vector.

Break-even weights
------------------
A break-even weight is a ``t`` strictly between 0 and 1 at which two options swap order. For
``wsm`` and ``promethee2`` (scores linear in the weights) and ``wpm`` (log-linear) the score
difference of a pair is linear in ``t`` along the path, so every crossing is solved in closed
form for all pairs at once. For ``topsis`` and ``vikor`` every change of a pair's order
between neighbouring points of a grid of ``grid`` points is narrowed by bisection (all of
them together, to 1e-12); a pair that crosses twice between two grid points can be missed, so
a finer grid finds more. ``vikor``'s ``-Q`` can jump and hold two options exactly tied over a
stretch of weights: the start and the end of such a stretch are both reported. Pairs that are
tied along the whole path (identical options) never break even.
Scores count as tied under :func:`policybench.mcda.rank`'s rule, so a difference within its
tolerance at ``t = 0`` or ``t = 1`` is a tie there, not a crossing inside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from policybench import mcda
from policybench.errors import InputError
from policybench.robustness._problem import (
    FloatArray,
    IntArray,
    Problem,
    criterion_index,
    prepare,
    tie_tolerance,
)

#: Pairs of options handled together when bracketing crossings on the grid.
PAIR_BLOCK = 4096
#: Two events of one pair closer than this are one point (a tie of no width is a swap).
_SAME_POINT = 1e-9


@dataclass(frozen=True, slots=True)
class Sweep:
    """Scores along a one-way sweep of one criterion's weight.

    Attributes
    ----------
    criterion : int
        The swept criterion (position from 0).
    weight : float
        Its current weight (after normalising the weights to sum 1).
    t : numpy.ndarray
        ``(points,)`` the swept weight, from 0 to 1.
    weights : numpy.ndarray
        ``(points, M)`` the full weight vector at each point.
    scores, ranks : numpy.ndarray
        ``(points, N)`` scores (higher is better) and ranks (1 is best) at each point.
    method, normalization : str
        What produced the scores (the normalisation resolved from the method's default).
    params : mapping
        The method's parameters as given.
    """

    criterion: int
    weight: float
    t: FloatArray
    weights: FloatArray
    scores: FloatArray
    ranks: IntArray
    method: str
    normalization: str
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class BreakEven:
    """The order of two options changes as the swept weight passes ``weight``.

    Usually the two swap (``ahead_below`` and ``ahead_above`` are the two options). With
    ``vikor``, whose ``-Q`` can jump, two options can also be exactly tied over a stretch of
    weights; then one event marks where the tie begins (``ahead_above`` is None) and one where
    it ends (``ahead_below`` is None).

    Attributes
    ----------
    criterion : int
        The swept criterion.
    weight : float
        The criterion's weight at which the order changes, in (0, 1).
    weights : numpy.ndarray
        ``(M,)`` the full weight vector there.
    options : (int, int)
        The two options, in increasing order.
    ahead_below, ahead_above : int or None
        The option ahead just below and just above ``weight`` (None: tied on that side).
    """

    criterion: int
    weight: float
    weights: FloatArray
    options: tuple[int, int]
    ahead_below: int | None
    ahead_above: int | None


def path_weights(base: FloatArray, criterion: int, t: FloatArray) -> FloatArray:
    """``(len(t), M)`` weight vectors ``t e_c + (1 - t) u`` (see the module docstring)."""
    m = base.shape[0]
    rest = base.copy()
    rest[criterion] = 0.0
    total = rest.sum()
    if total > 0:
        rest /= total
    else:
        rest = np.full(m, 1.0 / (m - 1))
        rest[criterion] = 0.0
    out: FloatArray = (1.0 - t)[:, None] * rest[None, :]
    out[:, criterion] += t
    return out


def _checked(
    matrix: ArrayLike,
    weights: ArrayLike | None,
    types: ArrayLike,
    criterion: int | str,
    method: str,
    normalization: str | None,
    criteria: Sequence[str] | None,
    params: Mapping[str, Any],
) -> tuple[Problem, int]:
    problem = prepare(matrix, weights, types, method, normalization, criteria, params)
    if problem.m < 2:
        raise InputError("a weight sweep needs at least two criteria: with one, its weight is 1")
    return problem, criterion_index(criterion, problem.m, criteria)


def sweep(
    matrix: ArrayLike,
    weights: ArrayLike | None,
    types: ArrayLike,
    criterion: int | str,
    method: str = "wsm",
    normalization: str | None = None,
    points: int = 101,
    *,
    criteria: Sequence[str] | None = None,
    **params: Any,
) -> Sweep:
    """Scores and ranks as one criterion's weight goes from 0 to 1, the others in proportion.

    Parameters
    ----------
    matrix, types, method, normalization, **params
        As for :func:`policybench.mcda.score`.
    weights : array_like or None
        ``(M,)`` the current weights (need not sum to 1); ``None`` means equal weights.
    criterion : int or str
        The criterion to sweep: its position (from 0), or its name when ``criteria`` is given.
    points : int
        Number of evenly spaced weights from 0 to 1 (at least 2).
    criteria : sequence of str, optional
        Criterion names, for ``criterion`` and for messages.

    Returns
    -------
    Sweep
        ``scores`` and ``ranks`` are ``(points, N)``.
    """
    problem, c = _checked(
        matrix, weights, types, criterion, method, normalization, criteria, params
    )
    if isinstance(points, bool) or not isinstance(points, int | np.integer) or points < 2:
        raise InputError(f"points must be a whole number of at least 2, got {points!r}")
    t = np.linspace(0.0, 1.0, int(points))
    w = path_weights(problem.weights, c, t)
    scores = problem.score(w)
    return Sweep(
        criterion=c,
        weight=float(problem.weights[c]),
        t=t,
        weights=w,
        scores=scores,
        ranks=mcda.rank(scores),
        method=problem.method,
        normalization=problem.normalization,
        params=problem.params,
    )


def break_even(
    matrix: ArrayLike,
    weights: ArrayLike | None,
    types: ArrayLike,
    criterion: int | str,
    method: str = "wsm",
    normalization: str | None = None,
    *,
    grid: int = 1001,
    criteria: Sequence[str] | None = None,
    **params: Any,
) -> tuple[BreakEven, ...]:
    """Every weight of ``criterion`` in (0, 1) at which two options swap order.

    Parameters
    ----------
    matrix, weights, types, criterion, method, normalization, criteria, **params
        As for :func:`sweep`.
    grid : int
        Grid points used to bracket crossings for methods that are not (log-)linear in the
        weights (``topsis``, ``vikor``); ignored for ``wsm``, ``wpm`` and ``promethee2``, which
        are solved exactly.

    Returns
    -------
    tuple of BreakEven
        Sorted by weight (then by the pair of options).
    """
    problem, c = _checked(
        matrix, weights, types, criterion, method, normalization, criteria, params
    )
    return crossings(problem, c, grid)


def crossings(problem: Problem, c: int, grid: int = 1001) -> tuple[BreakEven, ...]:
    """Break-even weights of criterion ``c`` for a prepared problem (see :func:`break_even`)."""
    if problem.linear is not None:
        t, i, j, below, above = _linear_crossings(problem, c)
    else:
        if isinstance(grid, bool) or not isinstance(grid, int | np.integer) or grid < 3:
            raise InputError(f"grid must be a whole number of at least 3, got {grid!r}")
        t, i, j, below, above = _grid_crossings(problem, c, int(grid))
    order = np.lexsort((j, i, t))
    w = path_weights(problem.weights, c, t[order]) if order.size else np.empty((0, problem.m))

    def ahead(state: int, k: int) -> int | None:  # state: sign of score_i - score_j
        return None if state == 0 else int(i[k] if state > 0 else j[k])

    return tuple(
        BreakEven(
            criterion=c,
            weight=float(t[k]),
            weights=w[row],
            options=(int(i[k]), int(j[k])),
            ahead_below=ahead(int(below[k]), k),
            ahead_above=ahead(int(above[k]), k),
        )
        for row, k in enumerate(order)
    )


#: (t, i, j, state below, state above): the state is the sign of ``score_i - score_j``.
Crossings = tuple[FloatArray, IntArray, IntArray, IntArray, IntArray]


def _linear_crossings(problem: Problem, c: int) -> Crossings:
    """Closed form: along the path the score difference of a pair is linear in ``t``."""
    lin = problem.linear
    assert lin is not None
    ends = lin @ path_weights(problem.weights, c, np.array([0.0, 1.0])).T  # (N, 2)
    i, j = np.triu_indices(problem.n, k=1)
    d0 = ends[i, 0] - ends[j, 0]
    d1 = ends[i, 1] - ends[j, 1]
    tied0 = np.abs(d0) <= tie_tolerance(ends[i, 0], ends[j, 0])
    tied1 = np.abs(d1) <= tie_tolerance(ends[i, 1], ends[j, 1])
    cross = ~tied0 & ~tied1 & (np.sign(d0) != np.sign(d1))
    d0, d1 = d0[cross], d1[cross]
    below = np.sign(d0).astype(np.int64)
    return d0 / (d0 - d1), i[cross].astype(np.int64), j[cross].astype(np.int64), below, -below


def _order_state(a: FloatArray, b: FloatArray) -> IntArray:
    """Sign of ``a - b``, 0 within the tie tolerance of :func:`policybench.mcda.rank`."""
    d = a - b
    out: IntArray = np.where(np.abs(d) <= tie_tolerance(a, b), 0, np.sign(d)).astype(np.int64)
    return out


def _grid_crossings(problem: Problem, c: int, grid: int) -> Crossings:
    """Every change of a pair's state between grid neighbours, narrowed down by bisection.

    A swap (``+`` to ``-``) is bisected on the raw difference, to where the scores cross; the
    start or end of a stretch of exact ties (``+``/``-`` to ``0`` and back) is bisected on the
    state. A tie no wider than :data:`_SAME_POINT` is a swap and is reported once.
    """
    t_grid = np.linspace(0.0, 1.0, grid)
    s = problem.score(path_weights(problem.weights, c, t_grid))  # (G, N)
    pi, pj = np.triu_indices(problem.n, k=1)
    steps: list[IntArray] = []  # grid index of each change
    pairs: list[IntArray] = []  # pair index of each change
    for start in range(0, pi.size, PAIR_BLOCK):  # blocks of pairs keep memory bounded
        block = slice(start, start + PAIR_BLOCK)
        state = _order_state(s[:, pi[block]], s[:, pj[block]])  # (G, P)
        g, p = np.nonzero(state[:-1] != state[1:])
        steps.append(g.astype(np.int64))
        pairs.append((start + p).astype(np.int64))
    g, p = np.concatenate(steps), np.concatenate(pairs)
    i, j = pi[p].astype(np.int64), pj[p].astype(np.int64)
    lo, hi = t_grid[g], t_grid[g + 1]
    below = _order_state(s[g, i], s[g, j])
    above = _order_state(s[g + 1, i], s[g + 1, j])
    rows = np.arange(lo.size)
    swap = (below != 0) & (above != 0)
    for _ in range(60):  # bisection, all brackets at once; 2**-60 is far below 1e-12
        if lo.size == 0 or np.max(hi - lo) <= 1e-12:
            break
        mid = 0.5 * (lo + hi)
        sc = problem.score(path_weights(problem.weights, c, mid))
        a, b = sc[rows, i], sc[rows, j]
        stay = np.where(swap, np.sign(a - b) == below, _order_state(a, b) == below)
        lo = np.where(stay, mid, lo)
        hi = np.where(stay, hi, mid)
    return _merge_thin_ties(0.5 * (lo + hi), i, j, below, above)


def _merge_thin_ties(
    t: FloatArray, i: IntArray, j: IntArray, below: IntArray, above: IntArray
) -> Crossings:
    """Fold "enters a tie" and "leaves the tie" of one pair at one point into one swap."""
    order = np.lexsort((t, j, i))
    t, i, j, below, above = t[order], i[order], j[order], below[order], above[order]
    same = (i[:-1] == i[1:]) & (j[:-1] == j[1:]) & (t[1:] - t[:-1] <= _SAME_POINT)
    thin = same & (above[:-1] == 0) & (below[1:] == 0)
    if thin.any():
        first = np.flatnonzero(thin)
        above = above.copy()
        above[first] = above[first + 1]
        keep = np.ones(t.size, dtype=bool)
        keep[first + 1] = False
        t, i, j, below, above = t[keep], i[keep], j[keep], below[keep], above[keep]
    change = below != above  # a tie that touches and parts the same way is no change
    return t[change], i[change], j[change], below[change], above[change]
