"""A verdict on the top of a ranking: one word — solid, near-tie or fragile — and the four
numbers behind it, each of which a page can show and link to.

The four numbers, for the option ranked first (the *leader*) among the options in play:

- **margin**: its score minus the runner-up's, in the method's own units, beside the
  **spread** of the scores from first to last (which makes the margin comparable across
  methods);
- **shift**: the smallest share of the total weight that, moved from some criteria to others,
  puts another option level with it at the top (so that any further nudge the same way makes a
  new winner). For the methods whose scores are linear in the weights (weighted sum, PROMETHEE
  II, and the weighted product through its logarithm) this is exact (:func:`smallest_shift`);
  for TOPSIS and VIKOR it is the smallest a seeded search finds, an upper bound
  (:func:`searched_shift`);
- **methods**: which option each of the five methods puts first under the same weights;
- **SMAA**: the share of :data:`SMAA_SAMPLES` weight vectors drawn within ±:data:`SMAA_DELTA`
  of the current shares (the ``smaa`` command's and the Robustness page's default spread) in
  which the leader ranks first (a tie for first counting 1/k, as SMAA counts it).

The word (:func:`judge`), first rule that applies:

1. **near-tie** — first place is shared; or the margin is under :data:`NEAR_TIE_MARGIN` (1 %)
   of the spread; or a shift under :data:`NEAR_TIE_SHIFT` (1 point in 100 of the total weight)
   changes the winner. Why: a lead of 1 % of the spread is a fraction of what one score point
   on one criterion of average weight is worth (one point in ten on one of eight criteria is
   about 5 % of the catalog's spread), so it is below the resolution of the scores
   themselves; and no one states weights to within a point in a hundred (one step of a slider
   is more than that), so a winner that a smaller shift unseats is a coin toss between the two.
2. **fragile** — a shift under :data:`SOLID_SHIFT` (5 points in 100) changes the winner; or
   another method puts a different option first; or SMAA around the current weights puts the
   leader first in fewer than :data:`SOLID_SMAA` (half) of the samples. Why: the catalog's
   stakeholder perspectives differ from one another by 7 to 25 points of weight, so 5 points
   is well inside the disagreement a room brings, and a winner it unseats depends on whose
   weights are used; the methods differ in how they let one criterion make up for another, and
   a winner only some of them pick depends on that modelling choice; and a leader that loses
   first place under most nearby weights is not the answer of those weights but of the exact
   point chosen among them.
3. **solid** — none of the above: first by a margin above the scores' resolution, under every
   method, after any shift of under 5 points of weight, and in at least half of the nearby
   weightings.

Ids and numbers only: :mod:`policybench.present.verdict` puts it into words.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from policybench import mcda
from policybench.analysis.rank import (
    SMAA_SEED,
    method_params,
    rank_problem,
    recorded_caveats,
    resolve_normalization,
    smaa_catalog,
)
from policybench.catalog import Catalog, to_problem

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SOLID = "solid"
NEAR_TIE = "near-tie"
FRAGILE = "fragile"
WORDS = (SOLID, NEAR_TIE, FRAGILE)

#: A lead under this share of the spread of the scores (first to last) is a near-tie.
NEAR_TIE_MARGIN = 0.01
#: A winner that moving less than this share of the total weight unseats is a near-tie.
NEAR_TIE_SHIFT = 0.01
#: A winner that moving less than this share of the total weight unseats is fragile.
SOLID_SHIFT = 0.05
#: A leader first in fewer than this share of SMAA's nearby samples is fragile.
SOLID_SMAA = 0.5
#: SMAA's spread around the current weight shares and its sample count for the verdict: the
#: ``smaa`` command's and the Robustness page's default spread and sample count, so that the
#: page's SMAA section, run as it opens, shows the very share the verdict quotes.
SMAA_DELTA = 0.1
SMAA_SAMPLES = 10_000

#: Reasons, as :attr:`Verdict.reasons` names them.
TIE = "tie"
MARGIN = "margin"
SHIFT = "shift"
METHODS = "methods"
SMAA = "smaa"


@dataclass(frozen=True)
class Shift:
    """The smallest share of the total weight that, moved between criteria, puts option
    ``to`` (an index) level first with the leader; ``share`` is ``inf`` (and ``to`` None) when
    no weights can, ``exact`` is False when a search found it (an upper bound)."""

    share: float
    to: int | None
    exact: bool


@dataclass(frozen=True)
class Verdict:
    """The verdict on a ranking's top (see the module docstring for the rules and why).

    ``leaders`` are the options ranked first (more than one when first place is shared),
    ``runner_up`` the option ranked next (another leader when tied, so the margin is 0);
    ``margin`` and ``spread`` are in the method's score units; ``shift`` is a share of the
    total weight (0 to 1, ``inf`` when no weights unseat the leader) with ``shift_to`` the
    option it puts level first; ``firsts`` maps each method to the options it ranks first;
    ``smaa_first`` is the share of SMAA's samples in which ``leaders[0]`` ranks first.
    ``reasons`` name the rules that gave the word (:data:`TIE`, :data:`MARGIN`,
    :data:`SHIFT`, :data:`METHODS`, :data:`SMAA`), empty for a solid verdict.
    """

    word: str
    reasons: tuple[str, ...]
    method: str
    leaders: tuple[str, ...]
    runner_up: str | None
    margin: float
    spread: float
    shift: float
    shift_to: str | None
    shift_exact: bool
    firsts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    smaa_first: float = math.nan
    smaa_delta: float = SMAA_DELTA
    smaa_samples: int = SMAA_SAMPLES

    @property
    def leader(self) -> str:
        """The option ranked first (the first of them, in catalog order, when tied)."""
        return self.leaders[0]

    @property
    def agreeing(self) -> tuple[str, ...]:
        """The methods that rank the leader first (level first counts)."""
        return tuple(m for m, first in self.firsts.items() if self.leader in first)

    @property
    def dissenting(self) -> tuple[str, ...]:
        """The methods that rank another option first."""
        return tuple(m for m, first in self.firsts.items() if self.leader not in first)


def judge(
    *,
    tied: bool,
    margin: float,
    spread: float,
    shift: float,
    dissenting: int,
    smaa_first: float,
) -> tuple[str, tuple[str, ...]]:
    """The word and the reasons for it, by the rules of the module docstring.

    ``dissenting`` counts the other methods that put another option first; ``smaa_first`` may
    be NaN (not computed), which no rule reads as a failure.
    """
    near: list[str] = []
    if tied:
        near.append(TIE)
    if not tied and spread > 0 and margin < NEAR_TIE_MARGIN * spread:
        near.append(MARGIN)
    if shift < NEAR_TIE_SHIFT:
        near.append(SHIFT)
    if near:
        return NEAR_TIE, tuple(near)
    fragile: list[str] = []
    if shift < SOLID_SHIFT:
        fragile.append(SHIFT)
    if dissenting > 0:
        fragile.append(METHODS)
    if not math.isnan(smaa_first) and smaa_first < SOLID_SMAA:
        fragile.append(SMAA)
    if fragile:
        return FRAGILE, tuple(fragile)
    return SOLID, ()


# ------------------------------------------------------------------------------ the shift
def linear_form(
    matrix: FloatArray,
    types: npt.ArrayLike,
    method: str,
    normalization: str,
    criteria: Sequence[str],
    params: Mapping[str, object],
) -> FloatArray | None:
    """``L`` with the method's scores ``s = L @ w`` (``log s = L @ w`` for the weighted
    product) for weights summing to 1, read off the method itself (column ``j`` is the scores
    under all the weight on criterion ``j``); None for a method that is not linear in the
    weights, or a weighted product with a zero value (no logarithm)."""
    spec = mcda.METHODS[method]
    if not spec.linear_in_weights:
        return None
    score = mcda.scorer(matrix, types, method, normalization, criteria=criteria, **params)
    m = matrix.shape[1]
    columns = np.asarray(score(np.eye(m)), dtype=np.float64).T  # (N, M)
    if not spec.log_scores:
        return columns
    if not (columns > 0).all():
        return None
    out: FloatArray = np.log(columns)
    return out


def smallest_shift(linear: FloatArray, weights: FloatArray, leader: int) -> Shift:
    """The exact smallest share of the weight to move so that another option draws level
    with ``leader``, for scores ``linear @ w`` (weights summing to 1).

    For a rival ``j`` with ``d = L_j - L_leader``, moving ``t`` of the weight from criterion
    ``a`` to criterion ``b`` closes the gap ``-d @ w`` by ``t (d_b - d_a)``. The best place to
    put weight is the criterion with the largest ``d``, and the best to take it from are those
    with the smallest ``d``, each up to its current weight (a fractional knapsack, so taking
    greedily is optimal; any mix of moves closes no more per point moved). The answer is the
    smallest over rivals; at it the leader is still first (a nearer point would have been
    found), so the rival is level *first*, not merely level with the leader.
    """
    n, m = linear.shape
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    d = linear - linear[leader]  # (N, M)
    gap = -(d @ w)  # > 0: the leader is ahead of the rival
    top = d.max(axis=1, keepdims=True)
    order = np.argsort(d, axis=1, kind="stable")
    gain = top - np.take_along_axis(d, order, axis=1)  # per point moved, best first
    cap = w[order]  # how much each criterion can give
    closed = np.cumsum(gain * cap, axis=1)
    moved = np.cumsum(cap, axis=1)
    best, best_j = math.inf, None
    scale = np.maximum(1.0, np.abs(linear).max())
    for j in range(n):
        if j == leader:
            continue
        if gap[j] <= mcda.TIE_RTOL * scale:
            return Shift(0.0, j, True)
        k = int(np.searchsorted(closed[j], gap[j] - 1e-15))
        if k >= m or gain[j, k] <= 0:
            continue  # even all the weight on the rival's best criterion leaves it behind
        before_closed = closed[j, k - 1] if k else 0.0
        before_moved = moved[j, k - 1] if k else 0.0
        share = float(before_moved + (gap[j] - before_closed) / gain[j, k])
        if share < best:
            best, best_j = share, j
    return Shift(best, best_j, True)


#: Steps along each straight path from the current weights that the search tries.
SEARCH_STEPS = 12
#: Weight vectors drawn around the current weights at each spread by the search.
SEARCH_JITTER = 200
#: Of the candidates that unseat the leader, how many nearest are bisected to the edge.
SEARCH_REFINE = 8


def searched_shift(
    score: Callable[[FloatArray], FloatArray], weights: FloatArray, leader: int, *, seed: int = 0
) -> Shift:
    """The smallest share of the weight found by search whose move puts another option level
    first with ``leader``, for any method (``score`` maps ``(S, M)`` weights to ``(S, N)``
    scores): an upper bound on the true smallest shift.

    Candidates: for each rival, the move :func:`smallest_shift` would make if the scores were
    as linear as they are near the current weights (their slopes along each criterion, by
    finite differences), and the same move a little and a lot further; every move of part of
    one criterion's weight to another; every path towards one criterion taking all the
    weight; and seeded random draws near the current weights. Of those that unseat the
    leader, the nearest are bisected back to the edge of the leader's region.
    """
    w0 = np.asarray(weights, dtype=np.float64)
    w0 = w0 / w0.sum()
    m = w0.size
    rng = np.random.default_rng(seed)
    steps = np.linspace(1.0 / SEARCH_STEPS, 1.0, SEARCH_STEPS)
    moves = [_linearised_moves(score, w0, leader)]
    for a in range(m):
        for b in range(m):
            if a != b and w0[a] > 0:
                delta = np.zeros(m)
                delta[a], delta[b] = -w0[a], w0[a]
                moves.append(w0 + steps[:, None] * delta)
    vertices = np.eye(m)
    moves.extend(w0 + steps[:, None] * (v - w0) for v in vertices)
    for spread in (0.02, 0.05, 0.1, 0.2):
        jitter = np.maximum(w0 + rng.normal(scale=spread, size=(SEARCH_JITTER, m)), 0.0)
        jitter = jitter[jitter.sum(axis=1) > 0]
        moves.append(jitter / jitter.sum(axis=1, keepdims=True))
    cand = np.vstack(moves)
    unseated = ~_sole_first(score(cand), leader)
    if not unseated.any():
        return Shift(math.inf, None, False)
    cand = cand[unseated]
    dist = 0.5 * np.abs(cand - w0).sum(axis=1)
    ends = cand[np.argsort(dist, kind="stable")[:SEARCH_REFINE]]
    lo = np.zeros(len(ends))  # the leader still alone at the top
    hi = np.ones(len(ends))  # unseated
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        bad = ~_sole_first(score(w0 + mid[:, None] * (ends - w0)), leader)
        hi = np.where(bad, mid, hi)
        lo = np.where(bad, lo, mid)
    edge = w0 + hi[:, None] * (ends - w0)
    shares = 0.5 * np.abs(edge - w0).sum(axis=1)
    k = int(np.argmin(shares))
    scores = score(edge[k][None, :])[0]
    ranks = mcda.rank(scores)
    rivals = [int(i) for i in np.flatnonzero(ranks == 1) if int(i) != leader]
    if not rivals:  # the leader is level with the rival but not first any more
        rivals = [int(i) for i in np.argsort(-scores, kind="stable") if int(i) != leader][:1]
    return Shift(float(shares[k]), rivals[0], False)


#: How far along each linearised move the search looks (1: where the local slopes say the
#: rival draws level).
LINEARISED_REACH = (0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0)


def _linearised_moves(
    score: Callable[[FloatArray], FloatArray], w0: FloatArray, leader: int
) -> FloatArray:
    """For each rival, the weights the exact greedy move of :func:`smallest_shift` gives on
    the scores' local slopes at ``w0`` (``D[:, a]``: the rate of change towards all the
    weight on criterion ``a``; moving ``t`` from ``a`` to ``b`` changes the scores by
    ``t (D[:, b] - D[:, a])``, exactly so for a linear method), at each of
    :data:`LINEARISED_REACH`."""
    m = w0.size
    eps = 1e-4
    probes = np.vstack([w0, (1 - eps) * w0[None, :] + eps * np.eye(m)])
    s = score(probes)
    slopes = (s[1:] - s[0]) / eps  # (M, N)
    gaps = s[0, leader] - s[0]  # (N,) how far each rival is behind
    out: list[FloatArray] = []
    for j in range(s.shape[1]):
        if j == leader:
            continue
        d = slopes[:, j] - slopes[:, leader]
        b = int(np.argmax(d))
        need, target = float(gaps[j]), w0.copy()
        for a in np.argsort(d, kind="stable"):
            gain = d[b] - d[a]
            if need <= 0 or gain <= 0:
                break
            take = min(float(w0[a]), need / gain)
            target[a] -= take
            target[b] += take
            need -= take * gain
        if need > 0:  # the slopes say no move closes the gap: look along the best one anyway
            target = np.eye(m)[b]
        move = target - w0
        out.extend(np.clip(w0 + k * move, 0.0, None) for k in LINEARISED_REACH)
    cand = np.vstack(out) if out else np.empty((0, m))
    cand = cand[cand.sum(axis=1) > 0]
    normalised: FloatArray = cand / cand.sum(axis=1, keepdims=True)
    return normalised


def _sole_first(scores: FloatArray, option: int) -> npt.NDArray[np.bool_]:
    ranks = mcda.rank(scores)
    out: npt.NDArray[np.bool_] = (ranks[:, option] == 1) & ((ranks == 1).sum(axis=1) == 1)
    return out


# ------------------------------------------------------------------------------ the verdict
def verdict(
    catalog: Catalog,
    weights: Mapping[str, float],
    method: str,
    *,
    options: Sequence[str] | None = None,
    smaa_samples: int = SMAA_SAMPLES,
    smaa_delta: float = SMAA_DELTA,
    seed: int = SMAA_SEED,
) -> Verdict:
    """The verdict on the ranking of ``options`` (default: all) under ``weights`` and
    ``method``, each method on its catalog normalisation. ``smaa_samples=0`` leaves SMAA out
    (``smaa_first`` NaN)."""
    problem = to_problem(catalog, weights, options=options)
    ids = problem.option_ids
    firsts: dict[str, tuple[str, ...]] = {}
    ranking = None
    for name in mcda.METHODS:
        r = rank_problem(problem, method=name, fingerprint=catalog.fingerprint)
        firsts[name] = tuple(ids[i] for i in np.flatnonzero(r.ranks == 1))
        if name == method:
            ranking = r
    if ranking is None:  # an unknown method: rank_problem names the known ones
        ranking = rank_problem(problem, method=method, fingerprint=catalog.fingerprint)
    order = ranking.order()
    scores = ranking.scores
    leaders = tuple(ids[i] for i in order if ranking.ranks[i] == 1)
    lead = order[0]
    runner = order[1] if len(order) > 1 else None  # the other leader, when tied
    tied = len(leaders) > 1  # level within the tie rule: the margin is 0, not float noise
    margin = 0.0 if runner is None or tied else float(scores[lead] - scores[runner])
    spread = float(scores[order[0]] - scores[order[-1]])

    norm = resolve_normalization(method, None)
    params = method_params(problem, norm, {})
    names = problem.criterion_ids
    with recorded_caveats():  # the caveats are noted beside the ranking itself
        linear = linear_form(problem.matrix, problem.types, method, norm, names, params)
        if len(leaders) > 1:
            shift = Shift(0.0, ids.index(leaders[1]), True)
        elif linear is not None:
            shift = smallest_shift(linear, problem.weights, lead)
        else:
            score = mcda.scorer(
                problem.matrix, problem.types, method, norm, criteria=names, **params
            )
            shift = searched_shift(score, problem.weights, lead, seed=seed)

    smaa_first = math.nan
    if smaa_samples > 0:
        result = smaa_catalog(
            catalog,
            weights,
            method=method,
            samples=smaa_samples,
            seed=seed,
            delta=smaa_delta,
            options=options,
        )
        smaa_first = float(result.rank_acceptability[result.option_ids.index(ids[lead]), 0])

    dissent = sum(1 for name, first in firsts.items() if name != method and ids[lead] not in first)
    word, reasons = judge(
        tied=len(leaders) > 1,
        margin=margin,
        spread=spread,
        shift=shift.share,
        dissenting=dissent,
        smaa_first=smaa_first,
    )
    return Verdict(
        word=word,
        reasons=reasons,
        method=method,
        leaders=leaders,
        runner_up=None if runner is None else ids[runner],
        margin=margin,
        spread=spread,
        shift=shift.share,
        shift_to=None if shift.to is None else ids[shift.to],
        shift_exact=shift.exact,
        firsts=firsts,
        smaa_first=smaa_first,
        smaa_delta=smaa_delta,
        smaa_samples=smaa_samples,
    )
