"""A workshop's group result, computed once: the facilitator's page shows it and the exports
write it (:mod:`policybench.present.workshop` formats it for both).

From the participants' submitted weights (in the order they joined) it holds each one's
weights as shares and their own ranking, the group's weights combined by a rule (``mean``,
``median``, ``geometric``: :func:`policybench.group.combine_weights`) and the ranking under
them, the participants' rankings combined by a rule (``borda``, ``copeland``:
:func:`policybench.group.combine_rankings`), which of the two is *the* group's ranking (the
``combination`` the facilitator picked), Kendall's W, each criterion's spread, the criteria
that drive the disagreement, each participant against the group, and optionally SMAA over the
room's range of weights: weights drawn uniformly between the lowest and the highest share
anyone gave each criterion (intersected with the simplex), with a fixed seed.

Scores the workshop adopted (``overrides``, ``{option: {criterion: value}}``, e.g. from
:func:`policybench.analysis.contest.overrides_from`) replace the catalog's everywhere in it:
each participant's ranking, the group's, the drivers and the room's SMAA;
:attr:`GroupResult.adjusted` lists those cells so that every front end can say so.

A workshop ranks with the app's default model unless told otherwise: the weighted sum on the
criteria's fixed 0–10 scales, so a participant's own ranking, the group's and the export agree.

:class:`RoomModel` (built by :func:`room_model`) is that model, made once: the options and
criteria in play, the catalog's scores with the adopted ones in place, the method with its
normalisation and parameters, and the scorer prepared from them. Everything that ranks a
room's weights goes through one: the group result here, the contested scores
(:mod:`~policybench.analysis.contest`), the rounds (:mod:`~policybench.analysis.rounds`) and
the camps (:mod:`~policybench.analysis.camps`), so they cannot disagree on how a ranking is
made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from policybench import group, mcda
from policybench.analysis.rank import (
    DEFAULT_METHOD,
    SMAA_SEED,
    SmaaRanking,
    method_params,
    recorded_caveats,
    resolve_normalization,
    smaa_catalog,
)
from policybench.analysis.weights import Weights, participant_shares
from policybench.catalog import Catalog, Problem, to_problem
from policybench.errors import InputError
from policybench.robustness import kendall_tau_b

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: How the group's ranking can be formed: combine everyone's weights, or everyone's rankings
#: (the order the facilitator is offered them in).
COMBINATIONS: tuple[str, ...] = ("mean", "median", "geometric", "borda", "copeland")
#: SMAA samples over the room's range of weights on the facilitator's page.
ROOM_SMAA_SAMPLES = 10_000
#: Cells laid over a room's scores: ``(option, criterion) → value`` on the 0–10 scale.
Cells = Mapping[tuple[str, str], float]


@dataclass(frozen=True, eq=False)
class RoomModel:
    """How a room's weights become scores and rankings, built once by :func:`room_model`.

    ``problem`` holds the catalog's scores for ``option_ids`` × ``criterion_ids`` with the
    adopted ``overrides`` in place; ``method`` and ``normalization`` (resolved: never None)
    with ``params`` as the caller gave them and ``extra`` as the engine takes them (the
    catalog's 0–10 bounds added for ``scale``); ``base`` scores that matrix, prepared once
    (``notes``: the engine's caveats about it, e.g. the weighted product's floor). Weights go in
    as shares (:meth:`shares`); :meth:`scores` and :meth:`ranks` take ``(M,)`` or ``(P, M)``
    shares and, optionally, ``cells`` laid over the scores for that call alone.
    """

    option_ids: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    method: str
    normalization: str
    params: Mapping[str, Any]
    extra: Mapping[str, Any]
    overrides: Mapping[str, Mapping[str, float]]
    problem: Problem
    base: mcda.Scorer
    notes: tuple[str, ...] = ()

    def shares(self, weights: Weights) -> FloatArray:
        """``(P, M)`` shares of the participants' ``weights`` (mappings or rows in criterion
        order; :func:`~policybench.analysis.weights.participant_shares`)."""
        return participant_shares(weights, self.criterion_ids)

    def matrix(self, cells: Cells | None = None) -> FloatArray:
        """``(N, M)`` the room's scores with ``cells`` in place (a copy when any are given)."""
        if not cells:
            return self.problem.matrix
        out = self.problem.matrix.copy()
        for (oid, cid), value in cells.items():  # a loop over a few cells, not over options
            out[self.option_ids.index(oid), self.criterion_ids.index(cid)] = value
        return out

    def scorer(self, cells: Cells | None = None) -> mcda.Scorer:
        """The scorer of :meth:`matrix` (``cells`` prepare a new one: record its caveats with
        :func:`~policybench.analysis.rank.recorded_caveats`)."""
        if not cells:
            return self.base
        return mcda.scorer(
            self.matrix(cells),
            self.problem.types,
            self.method,
            self.normalization,
            criteria=self.criterion_ids,
            **self.extra,
        )

    def scores(self, shares: npt.ArrayLike, cells: Cells | None = None) -> FloatArray:
        """``(N,)`` scores for ``(M,)`` shares, ``(P, N)`` for ``(P, M)`` (higher better)."""
        w = np.asarray(shares, dtype=np.float64)
        if w.ndim == 2 and w.shape[0] == 0:
            return np.zeros((0, len(self.option_ids)))
        out: FloatArray = np.asarray(self.scorer(cells)(w), dtype=np.float64) + 0.0  # no -0.0
        return np.atleast_2d(out) if w.ndim == 2 else out

    def ranks(self, shares: npt.ArrayLike, cells: Cells | None = None) -> IntArray:
        """The ranks (1 best, ties sharing the lower rank) of :meth:`scores`."""
        scores = self.scores(shares, cells)
        if scores.size == 0:
            return np.zeros(scores.shape, dtype=np.int64)
        return mcda.rank(scores)


def room_model(
    catalog: Catalog,
    option_ids: Sequence[str],
    criterion_ids: Sequence[str],
    *,
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    params: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
) -> RoomModel:
    """The model a room ranks with (see :class:`RoomModel`).

    Raises
    ------
    InputError
        An unknown method or normalisation, parameters the method does not take, or options or
        criteria not in the catalog.
    WeightsError
        An override off the 0–10 scale or outside the options and criteria in play.
    """
    opts, crits = tuple(option_ids), tuple(criterion_ids)
    problem = to_problem(catalog, None, options=opts, criteria=crits, overrides=overrides)
    norm = resolve_normalization(method, normalization)
    given = dict(params or {})
    extra = method_params(problem, norm, given)
    with recorded_caveats() as notes:
        base = mcda.scorer(problem.matrix, problem.types, method, norm, criteria=crits, **extra)
    return RoomModel(
        option_ids=opts,
        criterion_ids=crits,
        method=method,
        normalization=norm,
        params=given,
        extra=extra,
        overrides={o: dict(row) for o, row in (overrides or {}).items()},
        problem=problem,
        base=base,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class GroupResult:
    """Everything computed from a workshop's submissions.

    Arrays follow ``option_ids`` (N) and ``criterion_ids`` (M); rows of the ``(P, …)`` arrays
    follow the participants. ``group_weights``/``group_scores``/``group_ranks`` come from the
    weights combined by ``weight_rule``; ``combined`` from the rankings combined by
    ``ranking_rule``; ``combination`` names the one that is the group's ranking, against which
    ``tau`` compares each participant (Kendall's tau-b). ``drivers`` and ``concordance`` need
    two participants or more. ``adjusted`` lists the ``(option, criterion)`` cells whose
    adopted score replaced the catalog's, sorted (empty when none did).
    """

    option_ids: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    method: str
    normalization: str
    shares: FloatArray
    scores: FloatArray
    ranks: IntArray
    weight_rule: str
    group_weights: FloatArray
    group_scores: FloatArray
    group_ranks: IntArray
    ranking_rule: str
    combined: group.GroupRanking
    combination: str
    concordance: group.Concordance | None
    spread: tuple[group.CriterionSpread, ...]
    drivers: tuple[group.Driver, ...]
    tau: FloatArray
    smaa: SmaaRanking | None = None
    notes: tuple[str, ...] = ()
    adjusted: tuple[tuple[str, str], ...] = ()

    @property
    def participants(self) -> int:
        return int(self.shares.shape[0])

    @property
    def by_weights(self) -> bool:
        """Whether the group's ranking is the ranking under the combined weights."""
        return self.combination in group.WEIGHT_RULES

    @property
    def group_ranking(self) -> IntArray:
        """``(N,)`` the group's ranks under :attr:`combination`."""
        return self.group_ranks if self.by_weights else self.combined.ranks

    @property
    def group_values(self) -> FloatArray:
        """``(N,)`` what the group's ranking rests on: scores under the group's weights, or
        the combined ranking's points."""
        return self.group_scores if self.by_weights else self.combined.points

    def order(self) -> list[int]:
        """Option indices in the group's order (the other rule's ranks break ties)."""
        other = self.combined.ranks if self.by_weights else self.group_ranks
        first = self.group_ranking
        return sorted(range(len(self.option_ids)), key=lambda i: (int(first[i]), int(other[i]), i))

    @property
    def first_for(self) -> IntArray:
        """``(N,)`` how many participants rank each option first (ties count for each)."""
        out: IntArray = (self.ranks == 1).sum(axis=0).astype(np.int64)
        return out

    @property
    def group_first_at(self) -> IntArray:
        """``(P,)`` where each participant ranks the group's first option (the best of them
        when the group ties for first)."""
        firsts = np.flatnonzero(self.group_ranking == 1)
        out: IntArray = self.ranks[:, firsts].min(axis=1).astype(np.int64)
        return out


def rules_for(combination: str) -> tuple[str, str]:
    """``(weight rule, ranking rule)`` for a combination: the combination itself on its side,
    the mean of the weights or the Borda count on the other."""
    if combination not in COMBINATIONS:
        raise InputError(
            f"unknown combination {combination!r}; choose one of: {', '.join(COMBINATIONS)}"
        )
    weight_rule = combination if combination in group.WEIGHT_RULES else "mean"
    ranking_rule = combination if combination in group.RANKING_RULES else "borda"
    return weight_rule, ranking_rule


def group_result(
    catalog: Catalog,
    option_ids: Sequence[str],
    criterion_ids: Sequence[str],
    weights: Sequence[Mapping[str, float]],
    *,
    combination: str = "mean",
    weight_rule: str | None = None,
    ranking_rule: str | None = None,
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    smaa_samples: int = 0,
    params: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
) -> GroupResult:
    """The group's result from the participants' ``weights`` (any positive scale each).

    ``combination`` is the group's ranking; the other side's rule defaults as in
    :func:`rules_for`, or is given (``weight_rule``, ``ranking_rule``). ``smaa_samples > 0``
    adds SMAA over the room's range of weights. ``overrides`` are adopted scores
    ``{option: {criterion: value}}`` (0–10) that replace the catalog's in every ranking here,
    as :func:`policybench.catalog.to_problem` applies them.

    Raises
    ------
    InputError
        No submissions, or an unknown combination or rule.
    WeightsError
        A submission whose weights are all zero, a geometric mean that is zero everywhere, or
        an override off the 0–10 scale or outside the options and criteria in play.
    """
    if not weights:
        raise InputError("no submissions yet")
    default_weight_rule, default_ranking_rule = rules_for(combination)
    w_rule = weight_rule or default_weight_rule
    r_rule = ranking_rule or default_ranking_rule
    if w_rule not in group.WEIGHT_RULES or r_rule not in group.RANKING_RULES:
        raise InputError(f"unknown rule: weights by {w_rule!r}, rankings by {r_rule!r}")
    if combination not in (w_rule, r_rule):
        raise InputError(f"the group's ranking ({combination}) must be one of the two rules")
    model = room_model(
        catalog,
        option_ids,
        criterion_ids,
        method=method,
        normalization=normalization,
        params=params,
        overrides=overrides,
    )
    opts, crits, norm = model.option_ids, model.criterion_ids, model.normalization
    shares = model.shares(weights)
    with recorded_caveats() as notes:
        notes += model.notes
        scores = model.scores(shares)  # (P, N)
        ranks = mcda.rank(scores)
        combined_weights = group.combine_weights(
            shares, cast(group.WeightRule, w_rule), criteria=crits
        )
        group_scores = model.scores(combined_weights)
        drivers: tuple[group.Driver, ...] = ()
        if len(weights) > 1:
            drivers = tuple(
                group.disagreement_drivers(
                    model.problem.matrix,
                    shares,
                    model.problem.types,
                    method,
                    norm,
                    rule=cast(group.WeightRule, w_rule),
                    criteria=crits,
                    **model.extra,
                )
            )
    combined = group.combine_rankings(ranks, cast(group.RankingRule, r_rule))
    group_ranks = mcda.rank(group_scores)
    lead = group_ranks if combination in group.WEIGHT_RULES else combined.ranks
    smaa = None
    if smaa_samples > 0:
        smaa = smaa_catalog(
            catalog,
            None,
            method=method,
            normalization=norm,
            samples=smaa_samples,
            seed=SMAA_SEED,
            weight_low=shares.min(axis=0),
            weight_high=shares.max(axis=0),
            options=opts,
            criteria=crits,
            overrides=overrides,
            **(params or {}),
        )
    return GroupResult(
        option_ids=opts,
        criterion_ids=crits,
        method=method,
        normalization=norm,
        shares=shares,
        scores=scores,
        ranks=ranks,
        weight_rule=w_rule,
        group_weights=np.asarray(combined_weights, dtype=float),
        group_scores=group_scores,
        group_ranks=group_ranks,
        ranking_rule=r_rule,
        combined=combined,
        combination=combination,
        concordance=group.kendall_w(ranks) if len(weights) > 1 else None,
        spread=tuple(group.weight_spread(shares, criteria=crits)),
        drivers=drivers,
        tau=np.atleast_1d(kendall_tau_b(ranks, lead[None, :])),
        smaa=smaa,
        notes=tuple(notes),
        adjusted=tuple(sorted((o, c) for o, row in (overrides or {}).items() for c in row)),
    )
