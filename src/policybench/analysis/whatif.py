"""What if the weights moved: one-way sensitivity, stability intervals, and the nearest weights
that put an option first — for a catalog, under the weights and method a page shows.

Each is :mod:`policybench.robustness` applied to the catalog's problem with the method's catalog
normalisation (:func:`policybench.analysis.rank.resolve_normalization`), returning option and
criterion ids beside the arrays. The engine's caveats are not repeated here: they are noted
beside the ranking itself (:attr:`policybench.analysis.rank.Ranking.notes`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from policybench import mcda, robustness
from policybench.analysis.rank import method_params, recorded_caveats, resolve_normalization
from policybench.analysis.weights import to_slider_points
from policybench.catalog import Catalog, to_problem

FloatArray = npt.NDArray[np.float64]

#: How far past the nearest tie the applied weights may go, tried in order, so that the
#: option is first outright once the weights are snapped to the sliders' steps.
OVERSHOOT = (1.0, 1.02, 1.05, 1.1, 1.2, 1.35, 1.5, 1.75, 2.0)


@dataclass(frozen=True)
class Sensitivity:
    """Scores as one criterion's share of the weight goes from 0 to 1, the other weights
    keeping their proportions.

    ``t`` is the criterion's share along the path and ``scores[k, i]`` option ``i``'s score at
    ``t[k]``; ``shown`` are the options worth drawing (the current top few, any option that is
    first somewhere on the path or in a change of first place); ``first_changes`` are the
    break-even points at which first place changes hands; ``crossings`` counts every swap of
    two options along the path.
    """

    criterion_id: str
    current: float
    option_ids: tuple[str, ...]
    t: FloatArray
    scores: FloatArray
    shown: tuple[int, ...]
    first_changes: tuple[robustness.BreakEven, ...]
    crossings: int


def sensitivity(
    catalog: Catalog,
    weights: Mapping[str, float],
    method: str,
    criterion_id: str,
    *,
    top: int = 6,
    points: int = 101,
    options: Sequence[str] | None = None,
) -> Sensitivity:
    """Sweep ``criterion_id``'s weight from 0 to 1 (:func:`policybench.robustness.sweep`),
    among ``options`` (default: all)."""
    problem = to_problem(catalog, weights, options=options)
    norm = resolve_normalization(method, None)
    params = method_params(problem, norm, {})
    args = (problem.matrix, problem.weights, problem.types, criterion_id, method, norm)
    names = problem.criterion_ids
    with recorded_caveats():
        path = robustness.sweep(*args, points, criteria=names, **params)
        events = robustness.break_even(*args, criteria=names, **params)
        score = mcda.scorer(problem.matrix, problem.types, method, norm, criteria=names, **params)
        now = mcda.rank(score(problem.weights))
        first_changes: list[robustness.BreakEven] = []
        if events:
            at_events = mcda.rank(score(np.vstack([e.weights for e in events])))
            first_changes = [
                e for e, r in zip(events, at_events, strict=True) if (r[list(e.options)] == 1).all()
            ]
    shown = [int(i) for i in np.argsort(now, kind="stable")[:top]]
    for k in np.flatnonzero((path.ranks == 1).any(axis=0)):
        if int(k) not in shown:
            shown.append(int(k))
    for e in first_changes:
        shown += [int(o) for o in e.options if int(o) not in shown]
    return Sensitivity(
        criterion_id,
        float(path.weight),
        problem.option_ids,
        path.t,
        path.scores,
        tuple(shown),
        tuple(first_changes),
        len(events),
    )


@dataclass(frozen=True)
class Stability:
    """Per criterion (``intervals[j]`` for ``criterion_ids[j]``), the range of its share over
    which the top option, and the whole ranking, stay as they are
    (:class:`policybench.robustness.Stability`, whose ``top`` indexes ``option_ids``)."""

    option_ids: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    intervals: tuple[robustness.Stability, ...]


def stability(
    catalog: Catalog,
    weights: Mapping[str, float],
    method: str,
    *,
    options: Sequence[str] | None = None,
) -> Stability:
    """Stability intervals of every criterion's weight among ``options`` (default: all)
    (:func:`policybench.robustness.stability_intervals`)."""
    problem = to_problem(catalog, weights, options=options)
    norm = resolve_normalization(method, None)
    with recorded_caveats():
        result = robustness.stability_intervals(
            problem.matrix,
            problem.weights,
            problem.types,
            method,
            norm,
            criteria=problem.criterion_ids,
            **method_params(problem, norm, {}),
        )
    return Stability(problem.option_ids, problem.criterion_ids, tuple(result))


@dataclass(frozen=True)
class NearestWeights:
    """The nearest weights that put an option first, as slider points.

    ``now`` and ``after`` are slider points by criterion (``after`` is None when no weights
    can put the option first, and then ``blocked_by`` names the options that beat it on every
    criterion); ``outright`` says whether, snapped to the sliders' steps, ``after`` makes the
    option first on its own (else level first); ``distance`` is the l1 change of the shares.
    """

    option_id: str
    feasible: bool
    already_first: bool
    distance: float
    now: dict[str, float]
    after: dict[str, float] | None
    outright: bool
    blocked_by: tuple[str, ...]
    exact: bool

    @property
    def moved(self) -> float:
        """The share of the total weight that moves between criteria (half the l1 change)."""
        return self.distance / 2


def nearest_first(
    catalog: Catalog,
    weights: Mapping[str, float],
    method: str,
    option_id: str,
    *,
    maximum: float,
    step: float,
    options: Sequence[str] | None = None,
) -> NearestWeights:
    """The smallest change of the weights (sum of absolute changes of the shares) that puts
    ``option_id`` first among ``options`` (default: all) (:func:`policybench.robustness.
    what_it_takes`), as slider points on ``0…maximum`` in ``step`` whose total stays that of
    the current sliders."""
    problem = to_problem(catalog, weights, options=options)
    norm = resolve_normalization(method, None)
    params = method_params(problem, norm, {})
    ids = problem.criterion_ids
    o = problem.option_ids.index(option_id)
    now = {c: float(weights[c]) for c in ids}
    with recorded_caveats():
        res = robustness.what_it_takes(
            problem.matrix,
            problem.weights,
            problem.types,
            o,
            "l1",
            method,
            norm,
            criteria=ids,
            **params,
        )
        if not res.feasible or res.weights is None:
            blocked = tuple(problem.option_ids[i] for i in res.blocked_by)
            return NearestWeights(
                option_id, False, False, math.inf, now, None, False, blocked, res.exact
            )
        if res.distance == 0:
            return NearestWeights(option_id, True, True, 0.0, now, now, True, (), res.exact)
        score = mcda.scorer(problem.matrix, problem.types, method, norm, criteria=ids, **params)
        found = _snapped(
            score, problem.weights, res.weights, o, ids, sum(now.values()), maximum, step
        )
    if found is None:
        target = dict(zip(ids, res.weights, strict=True))
        found = (
            to_slider_points(target, ids, total=sum(now.values()), maximum=maximum, step=step),
            False,
        )
    after, outright = found
    return NearestWeights(
        option_id, True, False, float(res.distance), now, after, outright, (), res.exact
    )


def _snapped(
    score: Callable[[FloatArray], FloatArray],
    w0: FloatArray,
    w1: FloatArray,
    o: int,
    ids: tuple[str, ...],
    total: float,
    maximum: float,
    step: float,
) -> tuple[dict[str, float], bool] | None:
    """Slider points on the way from ``w0`` past ``w1`` (:data:`OVERSHOOT`) that keep option
    ``o`` first once snapped to the sliders' steps: the first that make it first outright,
    else the first that make it level first, else None."""
    level: dict[str, float] | None = None
    for k in OVERSHOOT:
        target = np.clip(w0 + k * (w1 - w0), 0.0, None)
        if target.sum() <= 0:
            continue
        points = to_slider_points(
            dict(zip(ids, target / target.sum(), strict=True)),
            ids,
            total=total,
            maximum=maximum,
            step=step,
        )
        vec = np.array([points[c] for c in ids], dtype=float)
        if vec.sum() <= 0:
            continue
        ranks = mcda.rank(score(vec / vec.sum()))
        if ranks[o] == 1 and int((ranks == 1).sum()) == 1:
            return points, True
        if level is None and ranks[o] == 1:
            level = points
    return None if level is None else (level, False)
