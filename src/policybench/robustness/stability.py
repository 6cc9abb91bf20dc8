"""Stability intervals: how far one criterion's weight can move before the result changes.

For each criterion ``c`` the weight moves along the sweep path of
:mod:`policybench.robustness.sweep` (the other criteria keep their proportions). The *top
interval* is the largest interval of ``c``'s weight, containing its current weight, over
which the options ranked first stay the same; the *ranking interval* is the same for the
whole ranking. Both are closed: at an end two options tie, and just beyond it they have
swapped. The ends come from :func:`policybench.robustness.break_even` (exact for ``wsm``,
``wpm`` and ``promethee2``; grid plus bisection otherwise), and which side of each break-even
keeps the result is checked by scoring between them, so crossings among lower-ranked options
do not end the top interval. If the current weights already produce a tie that a move in
either direction breaks, the interval is the single current weight.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from policybench import mcda
from policybench.robustness._problem import FloatArray, Problem, prepare
from policybench.robustness.sweep import crossings, path_weights

#: Two break-even weights closer than this are one point.
_SAME_POINT = 1e-12


@dataclass(frozen=True, slots=True)
class Stability:
    """How far one criterion's weight can move (others in proportion) before things change.

    Attributes
    ----------
    criterion : int
        The criterion (position from 0).
    weight : float
        Its current weight (weights normalised to sum 1).
    top : tuple of int
        The option(s) ranked first at the current weights.
    top_interval : (float, float)
        The interval of the criterion's weight over which ``top`` stays first.
    ranking_interval : (float, float)
        The interval over which the whole ranking stays the same.
    """

    criterion: int
    weight: float
    top: tuple[int, ...]
    top_interval: tuple[float, float]
    ranking_interval: tuple[float, float]


def stability_intervals(
    matrix: ArrayLike,
    weights: ArrayLike | None,
    types: ArrayLike,
    method: str = "wsm",
    normalization: str | None = None,
    *,
    grid: int = 1001,
    criteria: Sequence[str] | None = None,
    **params: Any,
) -> tuple[Stability, ...]:
    """Per criterion, the weight intervals within which the top option and the ranking hold.

    Parameters
    ----------
    matrix, types, method, normalization, criteria, **params
        As for :func:`policybench.mcda.score`.
    weights : array_like or None
        ``(M,)`` the current weights; ``None`` means equal weights.
    grid : int
        Grid for bracketing break-even weights of ``topsis`` and ``vikor`` (see
        :func:`policybench.robustness.break_even`).

    Returns
    -------
    tuple of Stability
        One per criterion, in criterion order.
    """
    problem = prepare(matrix, weights, types, method, normalization, criteria, params)
    if problem.m < 2:
        return (
            Stability(
                0, 1.0, _top(mcda.rank(problem.score(problem.weights))), (1.0, 1.0), (1.0, 1.0)
            ),
        )
    return tuple(_one(problem, c, grid) for c in range(problem.m))


def _top(ranks: np.ndarray[Any, np.dtype[np.int64]]) -> tuple[int, ...]:
    return tuple(int(k) for k in np.flatnonzero(ranks == 1))


def _one(problem: Problem, c: int, grid: int) -> Stability:
    t0 = float(problem.weights[c])
    events = np.array([e.weight for e in crossings(problem, c, grid)])
    breaks = _merge(events)
    # segments [0, b0], [b0, b1], ..., [b_last, 1]; score t0 and every segment's midpoint
    edges = np.concatenate([[0.0], breaks, [1.0]])
    mids = 0.5 * (edges[:-1] + edges[1:])
    ranks = mcda.rank(problem.score(path_weights(problem.weights, c, np.append(mids, t0))))
    now, seg = ranks[-1], ranks[:-1]
    top_now = _top(now)

    def interval(
        key: Callable[[np.ndarray[Any, np.dtype[np.int64]]], Hashable],
    ) -> tuple[float, float]:
        target = key(now)
        same = [key(r) == target for r in seg]
        return _grow(edges, same, t0)

    return Stability(
        criterion=c,
        weight=t0,
        top=top_now,
        top_interval=interval(_top),
        ranking_interval=interval(lambda r: tuple(int(k) for k in r)),
    )


def _merge(events: FloatArray) -> FloatArray:
    """Sorted break-even weights with near-duplicates (several pairs at one point) merged."""
    if events.size == 0:
        return events
    e = np.sort(events)
    keep = np.concatenate([[True], np.diff(e) > _SAME_POINT])
    out: FloatArray = e[keep]
    return out


def _grow(edges: FloatArray, same: Sequence[bool], t0: float) -> tuple[float, float]:
    """Extend from ``t0`` over neighbouring segments that keep the current result."""
    k = len(same)
    inner = edges[1:-1]
    on_break = np.flatnonzero(np.abs(inner - t0) <= _SAME_POINT)
    if on_break.size:  # t0 sits on a break-even point between segments b and b + 1
        b = int(on_break[0])
        left, right = b, b + 1
        if not same[left] and not same[right]:
            return (t0, t0)
    else:
        seg = int(np.searchsorted(edges, t0, side="right")) - 1
        seg = min(max(seg, 0), k - 1)  # t0 may be either end of [0, 1]
        if not same[seg]:  # only for a grid-bracketed method that missed a crossing
            return (t0, t0)
        left = right = seg
    # the run of segments keeping the result, reaching down from `left` and up from `right`,
    # ends at the nearest segment that does not (found at once: no loop to leave unfinished);
    # a side whose first segment changes the result ends where it starts, at the break-even
    # point itself (first = b + 1 or last = b, and edges[b + 1] is that point)
    stops = np.flatnonzero(~np.asarray(same, dtype=bool))
    first = int(stops[stops <= left].max(initial=-1)) + 1
    last = int(stops[stops >= right].min(initial=k)) - 1
    return (float(edges[first]), float(edges[last + 1]))
