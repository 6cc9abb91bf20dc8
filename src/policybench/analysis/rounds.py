"""Rounds of a workshop and whether the room converges: per round, how many submitted, how far
their rankings agree and how spread their weights are; between rounds, how far each
participant's weights moved.

Input is plain: ``rounds`` maps a round number to ``{participant key: weights}``. Keys are
opaque strings that identify a participant across rounds (the caller anonymises them; nothing
here shows them); weights are any positive scale, turned into shares (summing to 1).

Conventions
-----------
- Kendall's W of a round is :func:`policybench.group.kendall_w` of the rankings the
  participants' weights induce under the method (as in the workshop's group result, with the
  adopted ``overrides`` in place); None with fewer than two submissions.
- The spread of a criterion is the interquartile range of its shares
  (:func:`policybench.group.weight_spread`), in the order of the criteria given, and its
  median is the plain median of the same shares (numpy's, the middle two averaged), *not*
  rescaled to sum to 1: the medians are shown beside the interquartile ranges, so each must
  lie within its own, and they may sum to less or more than 1 (three people each putting all
  their weight on a different criterion have a median of 0 on every one; nothing raises). The
  group's weights by the median rule, rescaled, are the group result's
  (:func:`policybench.group.combine_weights`). A round without submissions has NaN for both.
- How far a participant moved between two consecutive rounds (consecutive in the order of
  the round numbers given): half the L1 distance between their two share vectors, i.e. the
  share of the weight that changed hands: 0 is unchanged, 1 is all the weight moved to
  criteria that had none. Only participants who submitted in both rounds count.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from policybench import group
from policybench.analysis.rank import DEFAULT_METHOD, recorded_caveats
from policybench.analysis.workshop import RoomModel, room_model
from policybench.catalog import Catalog
from policybench.errors import InputError

FloatArray = npt.NDArray[np.float64]


def latest_submitted(rounds: Mapping[int, Sequence[object]]) -> int | None:
    """The latest round with at least one submission in ``rounds`` (round → submissions, as
    the store's ``Workshops.rounds`` gives them), or None when nobody submitted in any. The
    pages, the exports and the command line all name a result's round through this, so no two
    of them can disagree on which round a result is of."""
    return max((r for r, subs in rounds.items() if len(subs) > 0), default=None)


@dataclass(frozen=True)
class RoundSummary:
    """One round: ``participants`` (keys, in the order given) with their ``shares``
    ``(P, M)``; ``concordance`` (Kendall's W and its test; None under two submissions);
    ``spread`` ``(M,)`` the IQR of each criterion's shares and ``median`` ``(M,)`` the plain
    median of each criterion's shares (not rescaled: it need not sum to 1, and it lies within
    its IQR), in the order of the criteria (NaN without submissions)."""

    round: int
    participants: tuple[str, ...]
    shares: FloatArray
    concordance: group.Concordance | None
    spread: FloatArray
    median: FloatArray

    @property
    def submissions(self) -> int:
        return len(self.participants)

    @property
    def w(self) -> float | None:
        """Kendall's W (None under two submissions; NaN when every ranking ties everything)."""
        return None if self.concordance is None else self.concordance.w

    @property
    def p_value(self) -> float | None:
        """The chi-square p-value of W (None under two submissions)."""
        return None if self.concordance is None else self.concordance.p_value


@dataclass(frozen=True)
class Movement:
    """How far the participants who submitted in both rounds ``before`` and ``after`` moved:
    ``distance[k]`` for ``participants[k]`` (in the order of the later round), half the L1
    distance between their shares (0 unchanged, 1 all the weight moved); ``mean`` over them
    (None when nobody submitted in both)."""

    before: int
    after: int
    participants: tuple[str, ...]
    distance: FloatArray

    @property
    def mean(self) -> float | None:
        return float(self.distance.mean()) if len(self.distance) else None


@dataclass(frozen=True)
class Convergence:
    """Every round in order (:class:`RoundSummary`) and the movement between each pair of
    consecutive rounds (:class:`Movement`)."""

    criterion_ids: tuple[str, ...]
    method: str
    normalization: str
    rounds: tuple[RoundSummary, ...]
    moves: tuple[Movement, ...]
    notes: tuple[str, ...] = ()

    def movement_into(self, number: int) -> Movement | None:
        """The movement from the round before ``number`` into it (None for the first)."""
        return next((m for m in self.moves if m.after == number), None)


def convergence(
    catalog: Catalog,
    option_ids: Sequence[str],
    criterion_ids: Sequence[str],
    rounds: Mapping[int, Mapping[str, Mapping[str, float]]],
    *,
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
    params: Mapping[str, Any] | None = None,
) -> Convergence:
    """Per round and between consecutive rounds, how the room's weights converge (see the
    module docstring for every measure).

    Raises
    ------
    InputError
        No rounds, or an unknown method or normalisation.
    WeightsError
        A submission whose weights are negative, not numbers or all zero (the message names
        the round and the criterion), or an override off the scale or not in play.
    """
    if not rounds:
        raise InputError("no rounds to compare: a workshop has at least its first round")
    model = room_model(
        catalog,
        option_ids,
        criterion_ids,
        method=method,
        normalization=normalization,
        params=params,
        overrides=overrides,
    )
    crits = model.criterion_ids
    numbers = sorted(rounds)
    keys = {r: tuple(rounds[r]) for r in numbers}
    shares = {r: _shares(model, r, [rounds[r][k] for k in keys[r]]) for r in numbers}
    stacked = np.concatenate([shares[r] for r in numbers], axis=0)
    with recorded_caveats() as notes:
        notes += model.notes
        # everyone of every round ranked in one call; a loop over rounds only slices
        ranks = model.ranks(stacked)
    summaries, start = [], 0
    for r in numbers:
        p = len(keys[r])
        summaries.append(_summary(r, keys[r], shares[r], ranks[start : start + p], crits))
        start += p
    moves = tuple(
        _movement(a, b, keys[a], keys[b], shares[a], shares[b])
        for a, b in itertools.pairwise(numbers)
    )
    return Convergence(crits, method, model.normalization, tuple(summaries), moves, tuple(notes))


def _shares(model: RoomModel, number: int, weights: Sequence[Mapping[str, float]]) -> FloatArray:
    if not weights:
        return np.zeros((0, len(model.criterion_ids)))
    try:
        return model.shares(weights)
    except InputError as exc:
        raise type(exc)(f"round {number}: {exc}") from None


def _summary(
    number: int,
    keys: tuple[str, ...],
    shares: FloatArray,
    ranks: npt.NDArray[np.int64],
    crits: Sequence[str],
) -> RoundSummary:
    m = len(crits)
    if not keys:
        nan = np.full(m, np.nan)
        return RoundSummary(number, keys, shares, None, nan, nan.copy())
    spread = np.full(m, np.nan)
    for s in group.weight_spread(shares, criteria=crits):  # listed most contested first
        spread[s.criterion] = s.iqr
    median: FloatArray = np.median(shares, axis=0)  # plain: never rescaled, never raises
    conc = group.kendall_w(ranks) if len(keys) > 1 else None
    return RoundSummary(number, keys, shares, conc, spread, median)


def _movement(
    before: int,
    after: int,
    keys_before: tuple[str, ...],
    keys_after: tuple[str, ...],
    shares_before: FloatArray,
    shares_after: FloatArray,
) -> Movement:
    where = {k: i for i, k in enumerate(keys_before)}
    now = {k: i for i, k in enumerate(keys_after)}
    both = tuple(k for k in keys_after if k in where)
    rows_before = shares_before[[where[k] for k in both]]
    rows_after = shares_after[[now[k] for k in both]]
    distance = 0.5 * np.abs(rows_after - rows_before).sum(axis=1)
    return Movement(before, after, both, distance.reshape(len(both)))
