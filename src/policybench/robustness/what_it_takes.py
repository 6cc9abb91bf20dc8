"""What would it take: the smallest change of the weights that puts a given option first.

The question is asked over weight vectors ``w`` that stay non-negative and sum to 1, and the
change is measured from the current (normalised) weights ``w0`` as ``sum |w - w0|`` (``l1``:
how many weight points must move, counting each point twice, once where it leaves and once
where it arrives) or ``||w - w0||`` (``l2``). A tie at first counts as first, so the answer
puts the option level with its closest rival; any further nudge in the same direction makes it
first outright.

How it is solved
----------------
- ``wsm``, ``promethee2`` (scores ``L @ w``) and ``wpm`` with positive values (``log`` scores
  ``L @ w``): the option ``o`` is first exactly when ``(L_o - L_j) @ w >= 0`` for every other
  ``j``, a polyhedron. ``l1`` is then a linear program (HiGHS, through
  :func:`scipy.optimize.linprog`); ``l2`` is the projection of ``w0`` on the polyhedron, a
  least-distance problem solved exactly by Lawson & Hanson's reduction to non-negative least
  squares (*Solving Least Squares Problems*, 1974, ch. 23) and then checked against the
  Karush-Kuhn-Tucker conditions. No weights can put ``o`` first exactly when some mix of the
  other options beats it on every criterion (Ville's theorem of the alternative); a small
  linear program finds that mix, and ``blocked_by`` names it.
- ``topsis``, ``vikor`` (and ``wpm`` with a zero value): numerically. A seeded search scores
  about 36,000 weight vectors at once (uniform on the simplex, the vertices, points on the way
  from ``w0`` to each vertex, and Gaussian steps around ``w0``); from the nearest few that put
  ``o`` first it bisects back towards ``w0`` to the edge of the region, refines the best in five
  local rounds of shrinking Gaussian steps (each pulled back to the edge the same way) and
  polishes it with SLSQP (which helps ``topsis``; ``vikor`` is not smooth). Every answer is
  verified to put ``o`` first; it is a good answer, not a proven minimum. Before giving up,
  the search casts a wider net (up to :data:`WIDE_SAMPLES` more weight vectors, including
  sparse draws near the simplex's faces). When it still finds nothing, ``feasible`` is False
  with ``exact`` False: *none found by search*, never "none exist" (only the exact methods
  may say that no weights can); ``blocked_by`` names the options that beat ``o`` on every
  criterion (possibly none: the search is not a proof).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from policybench import mcda
from policybench.errors import InputError
from policybench.robustness._problem import (
    FloatArray,
    IntArray,
    Problem,
    first,
    option_index,
    prepare,
)

Norm = Literal["l1", "l2"]

#: Weight vectors drawn uniformly on the simplex in the numerical search.
SEARCH_SAMPLES = 20_000
#: Weight vectors drawn around a point in each local round of the numerical search.
LOCAL_SAMPLES = 4_000
#: Before the search reports that it found nothing, it draws up to this many more weight
#: vectors in chunks (uniform, near the simplex's faces and near ``w0``), so that a small
#: first-place region that random weights would hit is not missed.
WIDE_SAMPLES = 240_000
WIDE_CHUNK = 40_000
#: Tolerance on the optimality conditions of the exact ``l2`` answer.
KKT_TOLERANCE = 1e-8


@dataclass(frozen=True, slots=True)
class WhatItTakes:
    """The smallest weight change that puts ``option`` first (a tie at first counts).

    Attributes
    ----------
    option : int
        The option asked about (position from 0).
    norm : str
        ``"l1"`` or ``"l2"``: how the change is measured.
    feasible : bool
        Whether some weights put the option first.
    current : numpy.ndarray
        ``(M,)`` the current weights, normalised to sum 1.
    weights : numpy.ndarray or None
        ``(M,)`` the new weights (summing to 1), or None when no weights can.
    distance : float
        The size of the change in ``norm`` (0 if the option is already first; inf if no
        weights can).
    ranks : numpy.ndarray or None
        ``(N,)`` the ranking under the new weights.
    blocked_by : tuple of int
        When infeasible: the options that, mixed together, beat this one on every criterion
        (a single option when one dominates it outright).
    exact : bool
        True when solved exactly (see the module docstring), False for the numerical search.
        An infeasible answer that is not exact means *none found by search*, not *none
        exist*: see :attr:`proven_impossible`.
    method : str
        The aggregation method.
    """

    option: int
    norm: Norm
    feasible: bool
    current: FloatArray
    weights: FloatArray | None
    distance: float
    ranks: IntArray | None
    blocked_by: tuple[int, ...]
    exact: bool
    method: str

    @property
    def proven_impossible(self) -> bool:
        """True only when no weights can put the option first, proven by the exact method;
        an unsuccessful numerical search proves nothing."""
        return not self.feasible and self.exact


def what_it_takes(
    matrix: ArrayLike,
    weights: ArrayLike | None,
    types: ArrayLike,
    option: int,
    norm: Norm = "l1",
    method: str = "wsm",
    normalization: str | None = None,
    *,
    seed: int = 0,
    criteria: Sequence[str] | None = None,
    **params: Any,
) -> WhatItTakes:
    """The smallest change of the weights that makes ``option`` rank first.

    Parameters
    ----------
    matrix, types, method, normalization, criteria, **params
        As for :func:`policybench.mcda.score`.
    weights : array_like or None
        ``(M,)`` the current weights; ``None`` means equal weights.
    option : int
        The option to put first (position from 0).
    norm : {"l1", "l2"}
        ``l1``: the total of the absolute weight changes; ``l2``: their Euclidean length.
    seed : int
        Seed of the numerical search (``topsis``, ``vikor``); unused when solved exactly.

    Returns
    -------
    WhatItTakes
    """
    if norm not in ("l1", "l2"):
        raise InputError(f"unknown norm {norm!r}; choose one of: l1, l2")
    problem = prepare(matrix, weights, types, method, normalization, criteria, params)
    o = option_index(option, problem.n)
    w0 = problem.weights
    if first(problem.score(w0)[None, :], o)[0]:  # already first: nothing to change
        return _result(problem, o, norm, w0, exact=True)
    if problem.linear is not None:
        return _exact(problem, o, norm)
    return _search(problem, o, norm, seed)


def _result(
    problem: Problem,
    o: int,
    norm: Norm,
    w: FloatArray | None,
    *,
    exact: bool,
    blocked_by: tuple[int, ...] = (),
) -> WhatItTakes:
    w0 = problem.weights
    if w is None:
        return WhatItTakes(
            o, norm, False, w0, None, float("inf"), None, blocked_by, exact, problem.method
        )
    return WhatItTakes(
        option=o,
        norm=norm,
        feasible=True,
        current=w0,
        weights=w,
        distance=_distance(w - w0, norm),
        ranks=mcda.rank(problem.score(w)),
        blocked_by=(),
        exact=exact,
        method=problem.method,
    )


def _distance(change: FloatArray, norm: Norm) -> float:
    return float(np.abs(change).sum() if norm == "l1" else np.sqrt(change @ change))


def _clean(w: FloatArray) -> FloatArray:
    """Clip solver round-off below zero and renormalise to sum 1."""
    w = np.maximum(w, 0.0)
    out: FloatArray = w / w.sum()
    return out


# ------------------------------------------------------------------ exact (linear methods)
def _exact(problem: Problem, o: int, norm: Norm) -> WhatItTakes:
    lin = problem.linear
    assert lin is not None
    others = np.delete(np.arange(problem.n), o)
    gaps = lin[o] - lin[others]  # (N-1, M): o first  <=>  gaps @ w >= 0
    blockers = _blockers(lin, o, others)
    if blockers:
        return _result(problem, o, norm, None, exact=True, blocked_by=blockers)
    w = _l1(gaps, problem.weights) if norm == "l1" else _l2(gaps, problem.weights)
    w = _settle(problem, o, w, gaps)
    return _result(problem, o, norm, w, exact=True)


def _blockers(lin: FloatArray, o: int, others: IntArray) -> tuple[int, ...]:
    """Options that beat ``o`` on every criterion, alone or mixed; empty if ``o`` can be first.

    Solves ``max e`` over mixes ``lam >= 0``, ``sum lam = 1`` with
    ``sum_j lam_j (L_j - L_o) >= e`` on every criterion. By Ville's theorem ``o`` can be
    first (ties counting) under some non-negative weights exactly when ``e <= 0``.
    """
    # here, not at the top: scipy.optimize is a heavy import that only this search needs, and
    # importing policybench.robustness should not pay for it
    from scipy.optimize import linprog

    ahead = lin[others] - lin[o]  # (K, M)
    scale = max(1.0, float(np.abs(lin).max()))
    single = np.flatnonzero((ahead > mcda.TIE_RTOL * scale).all(axis=1))
    if single.size:
        return tuple(int(others[k]) for k in single)
    k, m = ahead.shape
    cost = np.zeros(k + 1)
    cost[-1] = -1.0  # maximise e
    a_ub = np.hstack([-ahead.T, np.ones((m, 1))])  # e - sum_j lam_j ahead_jc <= 0
    a_eq = np.concatenate([np.ones(k), [0.0]])[None, :]
    bounds = [(0.0, None)] * k + [(None, scale)]
    res = linprog(
        cost, A_ub=a_ub, b_ub=np.zeros(m), A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs"
    )
    if res.status != 0 or -res.fun <= mcda.TIE_RTOL * scale:
        return ()
    lam = res.x[:k]
    return tuple(int(others[j]) for j in np.flatnonzero(lam > 1e-9))


def _l1(gaps: FloatArray, w0: FloatArray) -> FloatArray:
    """``min sum |w - w0|`` over the first-place polyhedron, as an LP in ``(w, u)``."""
    from scipy.optimize import linprog

    k, m = gaps.shape
    eye = np.eye(m)
    cost = np.concatenate([np.zeros(m), np.ones(m)])
    a_ub = np.vstack(
        [
            np.hstack([-gaps, np.zeros((k, m))]),  # gaps @ w >= 0
            np.hstack([eye, -eye]),  # w - u <= w0
            np.hstack([-eye, -eye]),  # -w - u <= -w0
        ]
    )
    b_ub = np.concatenate([np.zeros(k), w0, -w0])
    a_eq = np.concatenate([np.ones(m), np.zeros(m)])[None, :]
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=[1.0],
        bounds=[(0.0, 1.0)] * m + [(0.0, None)] * m,
        method="highs",
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    if res.status != 0:  # pragma: no cover - feasibility was established by _blockers
        raise RuntimeError(f"the weight linear program failed: {res.message}")
    return _clean(np.asarray(res.x[:m], dtype=np.float64))


def _simplex_basis(m: int) -> FloatArray:
    """``(M, M-1)`` orthonormal basis of the directions that keep the weight total."""
    q, _ = np.linalg.qr(np.hstack([np.ones((m, 1)), np.eye(m)[:, : m - 1]]))
    out: FloatArray = q[:, 1:m]
    return out


def _l2(gaps: FloatArray, w0: FloatArray) -> FloatArray:
    """Project ``w0`` on ``{w >= 0, sum w = 1, gaps @ w >= 0}`` exactly.

    With ``w = w0 + Z y`` (``Z`` an orthonormal basis of the sum-preserving directions) this is
    least-distance programming, ``min ||y||`` subject to ``E y >= f``; Lawson & Hanson solve it
    as ``nnls([E^T; f^T], [0, ..., 0, 1])``, a finite active-set method.
    """
    from scipy.optimize import nnls

    m = w0.shape[0]
    z = _simplex_basis(m)
    g = np.vstack([gaps, np.eye(m)])  # g @ w >= 0
    e = g @ z
    f = -(g @ w0)
    a = np.vstack([e.T, f[None, :]])
    b = np.zeros(m)
    b[-1] = 1.0
    u, _ = nnls(a, b, maxiter=50 * a.shape[1])
    r = a @ u - b
    if abs(r[-1]) <= 1e-14:  # pragma: no cover - feasibility was established by _blockers
        raise RuntimeError("the weight projection found no feasible weights")
    y = -r[:-1] / r[-1]
    w = w0 + z @ y
    if not _kkt(g, w, w0):  # pragma: no cover - a safeguard: refine with SLSQP
        w = _slsqp_projection(g, w, w0)
    return _clean(w)


def _kkt(g: FloatArray, w: FloatArray, w0: FloatArray) -> bool:
    """Check optimality: ``w - w0 = g_A^T lam + mu 1`` with ``lam >= 0`` on active rows."""
    from scipy.optimize import nnls

    slack = g @ w
    if slack.min() < -1e-9:
        return False
    active = g[slack <= 1e-9]
    m = w.shape[0]
    basis = np.hstack([active.T, np.ones((m, 1)), -np.ones((m, 1))])
    _, residual = nnls(basis, w - w0)
    return bool(residual <= KKT_TOLERANCE * max(1.0, float(np.linalg.norm(w - w0))))


def _slsqp_projection(g: FloatArray, w: FloatArray, w0: FloatArray) -> FloatArray:
    from scipy.optimize import minimize

    res = minimize(
        lambda x: 0.5 * float((x - w0) @ (x - w0)),
        w,
        jac=lambda x: x - w0,
        constraints=[
            {"type": "ineq", "fun": lambda x: g @ x, "jac": lambda x: g},
            {
                "type": "eq",
                "fun": lambda x: np.array([x.sum() - 1.0]),
                "jac": lambda x: np.ones((1, x.size)),
            },
        ],
        method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 1000},
    )
    out: FloatArray = np.asarray(res.x, dtype=np.float64)
    return out


def _settle(problem: Problem, o: int, w: FloatArray, gaps: FloatArray) -> FloatArray:
    """Make sure solver round-off has not left ``o`` a hair behind (then it is a tie)."""
    for _ in range(3):
        if first(problem.score(w)[None, :], o)[0]:
            return w
        # step towards the weights that favour o most, just enough to close the shortfall
        target = np.zeros_like(w)
        target[int(np.argmax(gaps.min(axis=0)))] = 1.0
        shortfall = -float((gaps @ w).min())
        gain = float((gaps @ (target - w)).min())
        if gain <= 0:
            break
        w = _clean(w + min(1.0, 2.0 * shortfall / gain) * (target - w))
    return w  # pragma: no cover - round-off only


# ------------------------------------------------------------ numerical (other methods)
def _search(problem: Problem, o: int, norm: Norm, seed: int) -> WhatItTakes:
    w0 = problem.weights
    m = problem.m
    rng = np.random.default_rng(seed)
    vertices = np.eye(m)
    steps = np.linspace(0.05, 1.0, 20)
    towards = (w0[None, None, :] + steps[None, :, None] * (vertices[:, None, :] - w0)).reshape(
        -1, m
    )
    near = [_jitter(w0, scale, LOCAL_SAMPLES, rng) for scale in (0.02, 0.05, 0.1, 0.2)]
    cand = np.vstack([rng.dirichlet(np.ones(m), size=SEARCH_SAMPLES), vertices, towards, *near])
    w = _nearest_edge(problem, o, norm, cand)
    if w is None:
        w = _wide_search(problem, o, norm, rng)
    if w is None:
        return _result(problem, o, norm, None, exact=False, blocked_by=_dominators(problem, o))
    for scale in (0.1, 0.03, 0.01, 0.003, 0.001):  # shrinking local rounds around the best
        found = _nearest_edge(
            problem, o, norm, np.vstack([w, _jitter(w, scale, LOCAL_SAMPLES, rng)])
        )
        if found is not None and _distance(found - w0, norm) < _distance(w - w0, norm):
            w = found
    polished = _polish(problem, o, norm, w)
    if (
        polished is not None
        and first(problem.score(polished)[None, :], o)[0]
        and _distance(polished - w0, norm) < _distance(w - w0, norm)
    ):
        w = polished
    return _result(problem, o, norm, w, exact=False)


def _wide_search(
    problem: Problem, o: int, norm: Norm, rng: np.random.Generator
) -> FloatArray | None:
    """Multi-start from a wider net, chunk by chunk, stopping at the first chunk that finds
    weights putting ``o`` first: uniform on the simplex, sparse Dirichlet draws that crowd
    the faces and vertices (where a small first-place region of a non-linear method often
    lies), and wider steps around ``w0``."""
    m = problem.m
    w0 = problem.weights
    third = WIDE_CHUNK // 3
    for _ in range(WIDE_SAMPLES // WIDE_CHUNK):
        chunk = np.vstack(
            [
                rng.dirichlet(np.ones(m), size=third),
                rng.dirichlet(np.full(m, 0.2), size=third),
                _jitter(w0, 0.3, WIDE_CHUNK - 2 * third, rng),
            ]
        )
        chunk = chunk[np.isfinite(chunk).all(axis=1)]
        found = _nearest_edge(problem, o, norm, chunk)
        if found is not None:
            return found
    return None


def _jitter(w: FloatArray, scale: float, size: int, rng: np.random.Generator) -> FloatArray:
    """``size`` weight vectors near ``w``: Gaussian steps, clipped at 0 and renormalised."""
    out = np.maximum(w + rng.normal(scale=scale, size=(size, w.size)), 0.0)
    out = out[out.sum(axis=1) > 0]
    normalised: FloatArray = out / out.sum(axis=1, keepdims=True)
    return normalised


def _nearest_edge(problem: Problem, o: int, norm: Norm, cand: FloatArray) -> FloatArray | None:
    """Of the candidates that put ``o`` first, the nearest few, each pulled back to the edge."""
    w0 = problem.weights
    ok = first(problem.score(cand), o)
    if not ok.any():
        return None
    cand = cand[ok]
    dist = np.abs(cand - w0).sum(1) if norm == "l1" else np.linalg.norm(cand - w0, axis=1)
    edge = _bisect_to_edge(problem, o, w0, cand[np.argsort(dist)[:8]])
    dist = np.array([_distance(e - w0, norm) for e in edge])
    best: FloatArray = edge[int(np.argmin(dist))]
    return best


def _bisect_to_edge(problem: Problem, o: int, w0: FloatArray, ends: FloatArray) -> FloatArray:
    """Per candidate, the point nearest ``w0`` on the segment that still puts ``o`` first."""
    lo = np.zeros(ends.shape[0])  # w0 side: o not first
    hi = np.ones(ends.shape[0])  # candidate side: o first
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        ok = first(problem.score(w0 + mid[:, None] * (ends - w0)), o)
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    out: FloatArray = w0 + hi[:, None] * (ends - w0)
    return out


def _polish(problem: Problem, o: int, norm: Norm, start: FloatArray) -> FloatArray | None:
    """Local SLSQP from a verified point: minimise the change, keep ``o`` ahead of the rest."""
    from scipy.optimize import minimize

    w0 = problem.weights
    m = problem.m

    def lead(x: FloatArray) -> FloatArray:
        w = np.maximum(x[:m], 0.0)
        s = problem.score(w / max(w.sum(), 1e-300))
        out: FloatArray = s[o] - np.delete(s, o)
        return out

    if norm == "l2":
        x0 = start
        objective = lambda x: float((x - w0) @ (x - w0))  # noqa: E731
        bounds = [(0.0, 1.0)] * m
        total = lambda x: np.array([x.sum() - 1.0])  # noqa: E731
    else:  # split |w - w0| <= u so that the objective is smooth
        x0 = np.concatenate([start, np.abs(start - w0)])
        objective = lambda x: float(x[m:].sum())  # noqa: E731
        bounds = [(0.0, 1.0)] * m + [(0.0, 2.0)] * m
        total = lambda x: np.array([x[:m].sum() - 1.0])  # noqa: E731
    constraints: list[dict[str, Any]] = [
        {"type": "ineq", "fun": lead},
        {"type": "eq", "fun": total},
    ]
    if norm == "l1":
        constraints.append({"type": "ineq", "fun": lambda x: x[m:] - np.abs(x[:m] - w0)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = minimize(
            objective,
            x0,
            bounds=bounds,
            constraints=constraints,
            method="SLSQP",
            options={"ftol": 1e-12, "maxiter": 200},
        )
    if not np.all(np.isfinite(res.x)):
        return None
    return _clean(np.asarray(res.x[:m], dtype=np.float64))


def _dominators(problem: Problem, o: int) -> tuple[int, ...]:
    """Options strictly better than ``o`` on every criterion (costs counted lower-better)."""
    ahead = (problem.oriented - problem.oriented[o] > 0).all(axis=1)
    return tuple(int(k) for k in np.flatnonzero(ahead))
