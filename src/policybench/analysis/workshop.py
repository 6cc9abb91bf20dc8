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
from policybench.analysis.weights import weight_matrix
from policybench.catalog import Catalog, to_problem
from policybench.errors import InputError
from policybench.robustness import kendall_tau_b

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: How the group's ranking can be formed: combine everyone's weights, or everyone's rankings
#: (the order the facilitator is offered them in).
COMBINATIONS: tuple[str, ...] = ("mean", "median", "geometric", "borda", "copeland")
#: SMAA samples over the room's range of weights on the facilitator's page.
ROOM_SMAA_SAMPLES = 10_000


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
    crits, opts = tuple(criterion_ids), tuple(option_ids)
    problem = to_problem(catalog, None, options=opts, criteria=crits, overrides=overrides)
    norm = resolve_normalization(method, normalization)
    extra = method_params(problem, norm, params or {})
    shares = np.asarray(mcda.check_weights(weight_matrix(weights, crits), len(crits), crits))
    with recorded_caveats() as notes:
        score = mcda.scorer(problem.matrix, problem.types, method, norm, criteria=crits, **extra)
        scores = np.atleast_2d(score(shares)) + 0.0  # (P, N)
        ranks = mcda.rank(scores)
        combined_weights = group.combine_weights(
            shares, cast(group.WeightRule, w_rule), criteria=crits
        )
        group_scores = np.asarray(score(combined_weights), dtype=float) + 0.0
        drivers: tuple[group.Driver, ...] = ()
        if len(weights) > 1:
            drivers = tuple(
                group.disagreement_drivers(
                    problem.matrix,
                    shares,
                    problem.types,
                    method,
                    norm,
                    rule=cast(group.WeightRule, w_rule),
                    criteria=crits,
                    **extra,
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
