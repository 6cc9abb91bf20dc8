"""Combining a group's weights and rankings, and measuring how far the group agrees.

Inputs are plain arrays: ``weights`` is ``(P participants, M criteria)`` (each row need not
sum to 1: rows are normalised first, with the checks of
:func:`policybench.mcda.check_weights`), ``ranks`` is ``(P, N options)`` with 1 the best
(any tie convention: ``(1, 2, 2, 4)`` from :func:`policybench.mcda.rank`, average ranks, or
dense ranks all give the same results, because only the order within a row is used).

Conventions
-----------
- Combined weights: ``mean`` (arithmetic mean of the normalised rows), ``geometric``
  (geometric mean per criterion, renormalised; a criterion that anyone weights 0 gets 0),
  ``median`` (median per criterion, renormalised).
- Borda: in each ranking an option in position q of N gets ``N - q`` points; tied options
  share the points of the positions they occupy (the average). Points are summed over the
  participants. Equivalently, ``N - average rank``.
- Copeland: for every pair of options, the one that more participants rank higher wins; an
  option's score is its wins minus its losses (a pair that splits evenly counts for neither).
- Kendall's W: ``W = 12 S / (P^2 (N^3 - N) - P sum T)`` with ``S`` the sum of squared
  deviations of the options' rank sums (average ranks for ties) from their mean
  ``P (N + 1) / 2`` and ``T = sum (t^3 - t)`` over each participant's groups of ``t`` tied
  options (Kendall & Babington Smith 1939; Siegel & Castellan 1988, sec. 9.4). The p-value is
  the chi-square approximation ``P (N - 1) W`` on ``N - 1`` degrees of freedom (upper tail).
  W is NaN when every participant ties every option (there is no order to agree on).
- Spread of a criterion: population standard deviation (``ddof=0``: the group is the whole
  population of interest), interquartile range (numpy's linear interpolation), min and max
  of the participants' normalised weights; listed most contested first (largest standard
  deviation).
- What drives the disagreement: for each criterion ``c``, every participant's weight on ``c``
  is set to the group's combined weight, the participant's other weights keeping their
  proportions (as in a one-way sweep); everyone's ranking is recomputed and Kendall's W
  recomputed. The *rise* in W is how much of the disagreement that criterion's weight
  explains; criteria are listed largest rise first. A criterion everyone already weights
  alike has a rise of 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

# the chi-square upper tail from scipy.special: scipy.stats, which has it as chi2.sf, takes
# long enough to import that it showed on the facilitator page's first run
from scipy.special import chdtrc

from policybench import mcda
from policybench.errors import InputError, WeightsError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

WeightRule = Literal["mean", "geometric", "median"]
RankingRule = Literal["borda", "copeland"]
WEIGHT_RULES: tuple[str, ...] = ("mean", "geometric", "median")
RANKING_RULES: tuple[str, ...] = ("borda", "copeland")


@dataclass(frozen=True, slots=True)
class GroupRanking:
    """A combined ranking: the rule, each option's points and the resulting ranks (1 best)."""

    rule: str
    points: FloatArray
    ranks: IntArray


@dataclass(frozen=True, slots=True)
class Concordance:
    """Kendall's W with its chi-square test.

    Attributes
    ----------
    w : float
        Kendall's W in [0, 1], corrected for ties (NaN if every ranking ties everything).
    chi2 : float
        ``P (N - 1) W``.
    df : int
        ``N - 1``.
    p_value : float
        Upper-tail chi-square probability of ``chi2`` (no agreement as the null hypothesis).
    participants, options : int
        ``P`` and ``N``.
    """

    w: float
    chi2: float
    df: int
    p_value: float
    participants: int
    options: int


@dataclass(frozen=True, slots=True)
class CriterionSpread:
    """How differently the participants weight one criterion (normalised weights)."""

    criterion: int
    name: str | None
    mean: float
    std: float
    iqr: float
    min: float
    max: float


@dataclass(frozen=True, slots=True)
class Driver:
    """How much of the group's disagreement one criterion's weight explains.

    Attributes
    ----------
    criterion : int
        The criterion (position from 0).
    name : str or None
        Its name, when names were given.
    group_weight : float
        The group's combined weight on it, which everyone was given.
    w_after : float
        Kendall's W with everyone on ``group_weight`` for this criterion.
    rise : float
        ``w_after`` minus the group's W as it is.
    """

    criterion: int
    name: str | None
    group_weight: float
    w_after: float
    rise: float


# ------------------------------------------------------------------------------ checks
def _weights(weights: ArrayLike, criteria: Sequence[str] | None = None) -> FloatArray:
    try:
        arr = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise WeightsError("weights must be numbers, one row per participant") from None
    if arr.ndim != 2 or arr.shape[0] < 1:
        raise WeightsError(
            "group weights must be a table with one row per participant and one column per "
            f"criterion; got shape {np.shape(weights)}"
        )
    return np.asarray(mcda.check_weights(arr, arr.shape[1], criteria), dtype=np.float64)


def _ranks(ranks: ArrayLike) -> FloatArray:
    try:
        arr = np.asarray(ranks, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("rankings must be numbers (1 is the best)") from None
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 2:
        raise InputError(
            "rankings must be a table with one row per participant and one column per option "
            f"(at least two options); got shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise InputError("rankings have a missing or infinite value")
    return arr


def average_ranks(ranks: ArrayLike) -> FloatArray:
    """Average ranks (ties get the mean of the positions they occupy), ``(..., N)``.

    The values are only compared within a row: smaller is better.
    """
    r = np.asarray(ranks, dtype=np.float64)
    less = (r[..., None, :] < r[..., :, None]).sum(axis=-1)
    same = (r[..., None, :] == r[..., :, None]).sum(axis=-1)
    out: FloatArray = 1.0 + less + (same - 1) / 2.0
    return out


# ------------------------------------------------------------------------------ weights
#: Why a rule's combined weights can be zero on every criterion, and what to use instead (the
#: mean of rows that each sum to 1 sums to 1, so it is always an answer).
_ALL_ZERO = {
    "geometric": (
        "the geometric mean of the group's weights is zero on every criterion (every criterion "
        "has someone who gives it no weight); use the mean instead, which never is"
    ),
    "median": (
        "the median of the group's weights is zero on every criterion (on each, more than half the "
        "group gives it no weight); use the mean instead, which never is"
    ),
}


def combine_weights(
    weights: ArrayLike, rule: WeightRule = "mean", *, criteria: Sequence[str] | None = None
) -> FloatArray:
    """The group's weights, ``(M,)`` summing to 1.

    Parameters
    ----------
    weights : array_like
        ``(P, M)``: one row per participant (each normalised to sum 1 first).
    rule : {"mean", "geometric", "median"}
        See the module docstring.
    criteria : sequence of str, optional
        Criterion names, for messages.

    Raises
    ------
    WeightsError
        A participant's weights are invalid, or the geometric mean or the median is zero on
        every criterion (for the geometric mean: each criterion has someone who weights it 0;
        for the median: on each, more than half the group weights it 0). The mean never is.
    """
    w = _weights(weights, criteria)
    if rule == "mean":
        out = w.mean(axis=0)
    elif rule == "median":
        out = np.median(w, axis=0)
    elif rule == "geometric":
        with np.errstate(divide="ignore"):
            out = np.exp(np.log(w).mean(axis=0))
    else:
        raise InputError(f"unknown rule {rule!r}; choose one of: {', '.join(WEIGHT_RULES)}")
    if not out.sum() > 0:
        raise WeightsError(_ALL_ZERO[rule])
    result: FloatArray = out / out.sum()
    return result


# ------------------------------------------------------------------------------ rankings
def borda(ranks: ArrayLike) -> FloatArray:
    """Borda points ``(N,)``: sum over participants of ``N - average rank``."""
    r = _ranks(ranks)
    out: FloatArray = (r.shape[1] - average_ranks(r)).sum(axis=0)
    return out


def copeland(ranks: ArrayLike) -> FloatArray:
    """Copeland scores ``(N,)``: pairwise majority wins minus losses."""
    r = _ranks(ranks)
    ahead = (r[:, :, None] < r[:, None, :]).sum(axis=0)  # ahead[a, b]: how many put a above b
    margin = np.sign(ahead - ahead.T)
    out: FloatArray = margin.sum(axis=1).astype(np.float64)
    return out


def combine_rankings(ranks: ArrayLike, rule: RankingRule = "borda") -> GroupRanking:
    """The group's ranking by Borda count or Copeland's rule (see the module docstring)."""
    if rule == "borda":
        points = borda(ranks)
    elif rule == "copeland":
        points = copeland(ranks)
    else:
        raise InputError(f"unknown rule {rule!r}; choose one of: {', '.join(RANKING_RULES)}")
    return GroupRanking(rule, points, mcda.rank(points))


# ------------------------------------------------------------------------------ agreement
def _w(ranks: FloatArray) -> FloatArray:
    """Kendall's W of ``(..., P, N)`` rankings, tie-corrected, vectorised over leading axes."""
    p, n = ranks.shape[-2], ranks.shape[-1]
    avg = average_ranks(ranks)
    sums = avg.sum(axis=-2)  # (..., N)
    s = ((sums - p * (n + 1) / 2.0) ** 2).sum(axis=-1)
    same = (ranks[..., None, :] == ranks[..., :, None]).sum(axis=-1)  # (..., P, N): group size
    # each tied group of size t appears t times, so sum (t^2 - 1) over options = sum (t^3 - t)
    ties = (same**2 - 1).sum(axis=(-2, -1))
    den = p * p * (n**3 - n) - p * ties
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(den > 0, 12.0 * s / np.where(den > 0, den, 1.0), np.nan)
    return out


def kendall_w(ranks: ArrayLike) -> Concordance:
    """Kendall's coefficient of concordance W, tie-corrected, with its chi-square p-value.

    Parameters
    ----------
    ranks : array_like
        ``(P, N)``: each participant's ranking of the N options (1 is the best).

    Returns
    -------
    Concordance
    """

    r = _ranks(ranks)
    p, n = r.shape
    w = float(_w(r))
    stat = p * (n - 1) * w
    p_value = float(chdtrc(n - 1, stat)) if np.isfinite(stat) else float("nan")
    return Concordance(w, float(stat), n - 1, p_value, p, n)


def weight_spread(
    weights: ArrayLike, *, criteria: Sequence[str] | None = None
) -> tuple[CriterionSpread, ...]:
    """Per criterion, how spread the participants' normalised weights are; most contested first."""
    w = _weights(weights, criteria)
    q1, q3 = np.percentile(w, [25, 75], axis=0)
    std = w.std(axis=0)
    order = np.argsort(-std, kind="stable")
    return tuple(
        CriterionSpread(
            criterion=int(j),
            name=None if criteria is None else str(criteria[j]),
            mean=float(w[:, j].mean()),
            std=float(std[j]),
            iqr=float(q3[j] - q1[j]),
            min=float(w[:, j].min()),
            max=float(w[:, j].max()),
        )
        for j in order
    )


def disagreement_drivers(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    method: str = "wsm",
    normalization: str | None = None,
    *,
    rule: WeightRule = "mean",
    criteria: Sequence[str] | None = None,
    **params: Any,
) -> tuple[Driver, ...]:
    """Which criterion's weight drives the group's disagreement (see the module docstring).

    Parameters
    ----------
    matrix, types, method, normalization, criteria, **params
        As for :func:`policybench.mcda.score`.
    weights : array_like
        ``(P, M)`` the participants' weights.
    rule : {"mean", "geometric", "median"}
        How the group's weight on a criterion is formed.

    Returns
    -------
    tuple of Driver
        One per criterion, largest rise in Kendall's W first.
    """
    f = mcda.scorer(matrix, types, method, normalization, criteria=criteria, **params)
    w = _weights(weights, criteria)
    p, m = w.shape
    group = combine_weights(w, rule)
    before = float(_w(mcda.rank(f(w)).astype(np.float64)))
    # (M, P, M): for criterion c, each participant's weights with c set to the group's
    rest = w[None, :, :].repeat(m, axis=0)
    idx = np.arange(m)
    own = w[:, idx].T  # (M, P): participant p's weight on c
    scale = np.where(own < 1.0, (1.0 - group[:, None]) / np.where(own < 1.0, 1.0 - own, 1.0), 0.0)
    rest *= scale[:, :, None]
    all_on_c = own >= 1.0  # nothing else to rescale: share the rest equally
    if all_on_c.any() and m > 1:
        equal = (1.0 - group[:, None, None]) / (m - 1) * np.ones((m, p, m))
        rest = np.where(all_on_c[:, :, None], equal, rest)
    rest[idx, :, idx] = group[:, None]
    scores = f(rest.reshape(m * p, m))
    after = _w(mcda.rank(scores).reshape(m, p, -1).astype(np.float64))
    names = None if criteria is None else [str(c) for c in criteria]
    drivers = [
        Driver(
            j,
            None if names is None else names[j],
            float(group[j]),
            float(after[j]),
            float(after[j] - before),
        )
        for j in range(m)
    ]
    return tuple(
        sorted(drivers, key=lambda d: (-(d.rise if np.isfinite(d.rise) else -np.inf), d.criterion))
    )
