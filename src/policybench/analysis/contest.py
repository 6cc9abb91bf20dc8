"""Contested scores: which of the catalog's scores a workshop disputes, how much each dispute
matters to the group's ranking, and the group's ranking "if the room is right".

Inputs are plain: the catalog, the options and criteria in play, the participants' weights
(a list of mappings, as :func:`policybench.analysis.workshop.group_result` takes them), the
combination, method and normalisation as it takes them, and *proposals*: any objects with
``option``, ``criterion``, ``value``, ``low`` and ``high`` (:class:`Proposal`; the store's
``Challenge`` is one). Scores the workshop has adopted (``overrides``, ``{option: {criterion:
value}}``, see :func:`overrides_from`) are the baseline every change is measured from.

Conventions
-----------
- The group's ranking follows the combination, as on the facilitator's page: the ranking
  under the participants' weights combined by ``mean``/``median``/``geometric``, or the
  participants' own rankings combined by ``borda``/``copeland`` (:mod:`policybench.group`).
- A cell's *proposals* are summarised by the median, minimum, maximum and interquartile range
  (numpy's linear interpolation, as :func:`policybench.group.weight_spread`) of the proposed
  values; the median is *outside* when it lies below the catalog's low or above its high.
- *Impact* of a cell: the Kendall tau distance between the group's ranking at the baseline and
  with that cell's median alone in place, i.e. the number of pairs of options whose order
  flips (a pair tied in one ranking and ordered in the other counts one half). 0 means the
  median changes nothing. ``shift``, the sum over options of the absolute change in rank,
  breaks ties between cells of equal impact.
- The engine's caveats (e.g. the weighted product's floor) are the same as the group result's
  for the same model, which reports them; :class:`IfRoomRight` carries them too.

Nothing here reads the store: the caller passes what it read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

import numpy as np
import numpy.typing as npt

from policybench import group, mcda
from policybench.analysis.rank import (
    DEFAULT_METHOD,
    method_params,
    recorded_caveats,
    resolve_normalization,
)
from policybench.analysis.weights import weight_matrix
from policybench.analysis.workshop import rules_for
from policybench.catalog import Catalog, to_problem
from policybench.catalog.models import SCALE_MAX, SCALE_MIN
from policybench.errors import InputError
from policybench.robustness import kendall_tau_b

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Overrides = Mapping[str, Mapping[str, float]]

#: How many places count as "the top" in :func:`if_room_right` unless told otherwise.
TOP = 5


class Proposal(Protocol):
    """A proposed score for one option × criterion (the store's ``Challenge`` is one)."""

    @property
    def option(self) -> str: ...
    @property
    def criterion(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def low(self) -> float | None: ...
    @property
    def high(self) -> float | None: ...


class Decision(Protocol):
    """A facilitator's decision on a cell (the store's ``ScoreDecision`` is one)."""

    @property
    def option(self) -> str: ...
    @property
    def criterion(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def value(self) -> float | None: ...


@dataclass(frozen=True)
class ContestedCell:
    """One challenged score and what the room proposes for it.

    ``value``/``low``/``high`` are the catalog's; ``count`` proposals were made, with the
    ``median``, ``min``, ``max`` and ``iqr`` of their values, and ``room_low``/``room_high``
    the span of every proposed value and range. ``adopted`` is the value the workshop adopted
    for the cell (None when none). ``impact`` and ``shift`` measure how the group's ranking
    changes with the median alone in place (see the module docstring); ``rank_before`` and
    ``rank_after`` are the challenged option's group rank at the baseline and then.
    """

    option: str
    criterion: str
    value: float
    low: float
    high: float
    count: int
    median: float
    min: float
    max: float
    iqr: float
    room_low: float
    room_high: float
    outside: bool
    adopted: float | None
    impact: float
    shift: int
    rank_before: int
    rank_after: int

    @property
    def rank_change(self) -> int:
        """Places the challenged option gains with the median in place (negative: it falls)."""
        return self.rank_before - self.rank_after


@dataclass(frozen=True)
class IfRoomRight:
    """The group's ranking with the catalog's scores (plus the adopted ones) beside the one
    with every contested cell's median in place.

    ``baseline`` and ``room`` are ``(N,)`` group ranks following ``option_ids`` (1 best);
    ``tau`` is Kendall's tau-b between them (NaN when either ties every option). ``entering``
    lists the options in the room's top ``top`` (rank ≤ ``top``) that are not in the baseline's,
    best first in the room's ranking; ``leaving`` those in the baseline's top that fall out,
    in the baseline's order. ``adopted`` are the baseline's overrides; ``overrides`` what the
    room's ranking used: the adopted scores with every median laid over them.
    """

    option_ids: tuple[str, ...]
    baseline: IntArray
    room: IntArray
    tau: float
    top: int
    entering: tuple[str, ...]
    leaving: tuple[str, ...]
    adopted: dict[str, dict[str, float]]
    overrides: dict[str, dict[str, float]]
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the room's medians change the group's ranking at all."""
        return bool(np.any(self.baseline != self.room))


class _Room:
    """The participants' weights and the model, checked once; the group's ranks for any
    score matrix in one vectorised call over the participants."""

    def __init__(
        self,
        catalog: Catalog,
        option_ids: Sequence[str],
        criterion_ids: Sequence[str],
        weights: Sequence[Mapping[str, float]],
        overrides: Overrides | None,
        combination: str,
        method: str,
        normalization: str | None,
        params: Mapping[str, Any] | None,
    ) -> None:
        if not weights:
            raise InputError(
                "no submissions yet: the group's ranking, which contested scores are measured "
                "on, needs at least one participant's weights"
            )
        rules_for(combination)  # checks the name
        self.combination = combination
        self.options, self.criteria = tuple(option_ids), tuple(criterion_ids)
        self.problem = to_problem(
            catalog, None, options=self.options, criteria=self.criteria, overrides=overrides
        )
        self.method = method
        self.norm = resolve_normalization(method, normalization)
        self.extra = method_params(self.problem, self.norm, params or {})
        matrix = weight_matrix(weights, self.criteria)
        self.shares = np.asarray(mcda.check_weights(matrix, len(self.criteria), self.criteria))
        self.combined: FloatArray | None = None
        if combination in group.WEIGHT_RULES:
            self.combined = group.combine_weights(
                self.shares, cast(group.WeightRule, combination), criteria=self.criteria
            )

    def ranks(self, matrix: FloatArray) -> IntArray:
        """``(N,)`` the group's ranks with ``matrix`` as the scores."""
        score = mcda.scorer(
            matrix, self.problem.types, self.method, self.norm, criteria=self.criteria, **self.extra
        )
        if self.combined is not None:
            return mcda.rank(np.asarray(score(self.combined), dtype=float) + 0.0)
        each = mcda.rank(np.atleast_2d(score(self.shares)) + 0.0)  # (P, N) in one call
        return group.combine_rankings(each, cast(group.RankingRule, self.combination)).ranks

    def with_cells(self, cells: Mapping[tuple[str, str], float]) -> FloatArray:
        """The baseline matrix with ``cells`` (``(option, criterion) → value``) in place."""
        out = self.problem.matrix.copy()
        for (oid, cid), value in cells.items():
            out[self.options.index(oid), self.criteria.index(cid)] = value
        return out


def kendall_distance(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Pairs of options whose order differs between rankings ``a`` and ``b`` (1 best): a pair
    ordered one way in one and the other way in the other counts 1, a pair tied in one only
    counts one half."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    i, j = np.triu_indices(x.shape[-1], k=1)
    return float(np.abs(np.sign(x[i] - x[j]) - np.sign(y[i] - y[j])).sum() / 2.0)


def _by_cell(
    proposals: Iterable[Proposal], options: Sequence[str], criteria: Sequence[str]
) -> dict[tuple[str, str], list[Proposal]]:
    """Proposals grouped by cell, checked: in play, on the 0–10 scale."""
    cells: dict[tuple[str, str], list[Proposal]] = {}
    for p in proposals:
        if p.option not in options:
            raise InputError(
                f"a challenge names option {p.option!r}, which is not in play; the options in "
                f"play are: {', '.join(options)}"
            )
        if p.criterion not in criteria:
            raise InputError(
                f"a challenge names criterion {p.criterion!r}, which is not in play; the "
                f"criteria in play are: {', '.join(criteria)}"
            )
        for name, v in (("value", p.value), ("low", p.low), ("high", p.high)):
            if v is not None and not (math.isfinite(v) and SCALE_MIN <= v <= SCALE_MAX):
                raise InputError(
                    f"a challenge to {p.option}/{p.criterion} proposes {name} {v!r}, off the "
                    f"{SCALE_MIN:g}–{SCALE_MAX:g} scale"
                )
        cells.setdefault((p.option, p.criterion), []).append(p)
    return cells


def _medians(cells: Mapping[tuple[str, str], list[Proposal]]) -> dict[tuple[str, str], float]:
    return {cell: float(np.median([p.value for p in ps])) for cell, ps in cells.items()}


def _nested(flat: Mapping[tuple[str, str], float]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for (oid, cid), value in sorted(flat.items()):
        out.setdefault(oid, {})[cid] = float(value)
    return out


def _flat(overrides: Overrides | None) -> dict[tuple[str, str], float]:
    return {(o, c): float(v) for o, row in (overrides or {}).items() for c, v in row.items()}


def group_ranks_under(
    catalog: Catalog,
    option_ids: Sequence[str],
    criterion_ids: Sequence[str],
    weights: Sequence[Mapping[str, float]],
    overrides: Overrides | None = None,
    *,
    combination: str = "mean",
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> IntArray:
    """``(N,)`` the group's ranks (following ``option_ids``, 1 best) with ``overrides`` in
    place of the catalog's scores: the ranking under the weights combined by ``combination``,
    or the participants' rankings combined by it (Borda, Copeland), as
    :func:`~policybench.analysis.workshop.group_result` forms ``group_ranking``.

    Raises
    ------
    InputError
        No weights, an unknown combination or method, or an override off the 0–10 scale or
        outside the options and criteria in play.
    """
    with recorded_caveats():
        room = _Room(
            catalog,
            option_ids,
            criterion_ids,
            weights,
            overrides,
            combination,
            method,
            normalization,
            params,
        )
        return room.ranks(room.problem.matrix)


def contested(
    catalog: Catalog,
    option_ids: Sequence[str],
    criterion_ids: Sequence[str],
    weights: Sequence[Mapping[str, float]],
    proposals: Iterable[Proposal],
    *,
    overrides: Overrides | None = None,
    combination: str = "mean",
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> tuple[ContestedCell, ...]:
    """Every challenged cell, most consequential first.

    Sorted by ``impact`` (largest first), then ``shift``, then the number of proposals, then
    option and criterion ids, so the order is the same on every run. ``overrides`` (the
    adopted scores) are the baseline: a cell's impact is measured with its median laid over
    them.

    Raises
    ------
    InputError
        No weights; a proposal for an option or criterion not in play, or off the 0–10 scale;
        an unknown combination or method.
    """
    opts, crits = tuple(option_ids), tuple(criterion_ids)
    cells = _by_cell(proposals, opts, crits)
    adopted = _flat(overrides)
    with recorded_caveats():
        room = _Room(
            catalog, opts, crits, weights, overrides, combination, method, normalization, params
        )
        before = room.ranks(room.problem.matrix)
        out = []
        for (oid, cid), median in _medians(cells).items():  # a loop over cells, not options
            values = np.array([p.value for p in cells[(oid, cid)]], dtype=float)
            ranges = [(p.value, p.low, p.high) for p in cells[(oid, cid)]]
            after = room.ranks(room.with_cells({(oid, cid): median}))
            score = catalog.options_by_id[oid].scores[cid]
            q1, q3 = np.percentile(values, [25, 75])
            i = opts.index(oid)
            out.append(
                ContestedCell(
                    option=oid,
                    criterion=cid,
                    value=float(score.value),
                    low=float(score.low),
                    high=float(score.high),
                    count=len(values),
                    median=median,
                    min=float(values.min()),
                    max=float(values.max()),
                    iqr=float(q3 - q1),
                    room_low=float(min(min(v, v if lo is None else lo) for v, lo, _ in ranges)),
                    room_high=float(max(max(v, v if hi is None else hi) for v, _, hi in ranges)),
                    outside=bool(median < score.low or median > score.high),
                    adopted=adopted.get((oid, cid)),
                    impact=kendall_distance(before, after),
                    shift=int(np.abs(before - after).sum()),
                    rank_before=int(before[i]),
                    rank_after=int(after[i]),
                )
            )
    return tuple(sorted(out, key=lambda c: (-c.impact, -c.shift, -c.count, c.option, c.criterion)))


def if_room_right(
    catalog: Catalog,
    option_ids: Sequence[str],
    criterion_ids: Sequence[str],
    weights: Sequence[Mapping[str, float]],
    proposals: Iterable[Proposal],
    *,
    overrides: Overrides | None = None,
    top: int = TOP,
    combination: str = "mean",
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> IfRoomRight:
    """The group's ranking at the baseline (the catalog's scores with ``overrides``) beside
    the one with every contested cell's median in place (see :class:`IfRoomRight`).

    Raises
    ------
    InputError
        As :func:`contested`, or ``top`` below 1.
    """
    if top < 1:
        raise InputError(f"top must be 1 or more, not {top!r}")
    opts, crits = tuple(option_ids), tuple(criterion_ids)
    medians = _medians(_by_cell(proposals, opts, crits))
    with recorded_caveats() as notes:
        room = _Room(
            catalog, opts, crits, weights, overrides, combination, method, normalization, params
        )
        baseline = room.ranks(room.problem.matrix)
        right = room.ranks(room.with_cells(medians)) if medians else baseline.copy()
    was, now = baseline <= top, right <= top
    by_room = sorted(range(len(opts)), key=lambda i: (int(right[i]), int(baseline[i]), i))
    by_base = sorted(range(len(opts)), key=lambda i: (int(baseline[i]), int(right[i]), i))
    return IfRoomRight(
        option_ids=opts,
        baseline=baseline,
        room=right,
        tau=float(kendall_tau_b(baseline, right)),
        top=top,
        entering=tuple(opts[i] for i in by_room if now[i] and not was[i]),
        leaving=tuple(opts[i] for i in by_base if was[i] and not now[i]),
        adopted=_nested(_flat(overrides)),
        overrides=_nested({**_flat(overrides), **medians}),
        notes=tuple(notes),
    )


def overrides_from(decisions: Iterable[Decision]) -> dict[str, dict[str, float]]:
    """``{option: {criterion: value}}`` of the adopted decisions (rejected ones, and any
    without a value, are left out), sorted by option and criterion."""
    return _nested(
        {
            (d.option, d.criterion): float(d.value)
            for d in decisions
            if d.decision == "adopted" and d.value is not None
        }
    )
