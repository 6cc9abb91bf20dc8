"""Contested scores: which of the catalog's scores a workshop disputes, how much each dispute
matters to the group's ranking, and the group's ranking "if the room is right".

Inputs are plain: the catalog, the options and criteria in play, the participants' weights
(a list of mappings, as :func:`policybench.analysis.workshop.group_result` takes them), the
combination, method and normalisation as it takes them, and *proposals*: any objects with
``option``, ``criterion``, ``value``, ``low`` and ``high`` (:class:`Proposal`; the store's
``Challenge`` is one). Scores the workshop has adopted (``overrides``, ``{option: {criterion:
value}}``, see :func:`overrides_from`) are the baseline every change is measured from.

The records a workshop keeps about contested scores are described here once, as protocols
the store's dataclasses satisfy and every reader (these functions, :mod:`policybench.present`,
the exports) types against: :class:`Proposal` (what a proposal says), :class:`Challenge` (one
stored challenge, a proposal with its reason and quote) and :class:`Decision` (one stored
decision on a cell). Every ranking is made through one
:class:`~policybench.analysis.workshop.RoomModel`.

Conventions
-----------
- The group's ranking follows the combination, as on the facilitator's page: the ranking
  under the participants' weights combined by ``mean``/``median``/``geometric``, or the
  participants' own rankings combined by ``borda``/``copeland`` (:mod:`policybench.group`).
- A cell's *proposals* are summarised by the median, minimum, maximum and interquartile range
  (numpy's linear interpolation, as :func:`policybench.group.weight_spread`) of the proposed
  values; the median is *outside* when it lies below the catalog's low or above its high.
- *Impact* of a cell measures what a facilitator cares about first, the top of the ranking,
  by comparing the group's ranking at the baseline with the one with that cell's median alone
  in place. Cells are ordered by three measures in turn (:attr:`ContestedCell.impact_key`):
  ``top_changes``, the number of options entering or leaving the top :data:`TOP` (a cell that
  brings an option into the top five outranks any reshuffle below it); then ``weighted``, a
  top-weighted rank distance (:func:`top_weighted_distance`: each pair of options whose order
  flips counts ``1 / r``, ``r`` the best rank either of the two holds in either ranking, so a
  swap at 2nd and 3rd counts 1/2 and one at 20th and 21st 1/20); then ``impact``, the plain
  Kendall tau distance (:func:`kendall_distance`: the number of pairs whose order flips, a
  pair tied in one ranking and ordered in the other counting one half). ``shift``, the sum
  over options of the absolute change in rank, breaks the remaining ties. An impact of 0 means
  the median changes nothing.
- Cells the facilitator has *rejected* (``decisions``, :class:`Decision` records) are marked
  (:attr:`ContestedCell.decision`) and left out of the ranking "if the room is right"
  (:attr:`IfRoomRight.rejected` lists them), since the room's view of them has been heard and
  turned down.
- The engine's caveats (e.g. the weighted product's floor) are the same as the group result's
  for the same model, which reports them; :class:`IfRoomRight` carries them too.

Nothing here reads the store: the caller passes what it read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

import numpy as np
import numpy.typing as npt

from policybench import group
from policybench.analysis.rank import DEFAULT_METHOD, recorded_caveats
from policybench.analysis.workshop import Cells, room_model, rules_for
from policybench.catalog import Catalog
from policybench.catalog.models import SCALE_MAX, SCALE_MIN
from policybench.errors import InputError
from policybench.robustness import kendall_tau_b

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Overrides = Mapping[str, Mapping[str, float]]

#: How many places count as "the top" in :func:`if_room_right` unless told otherwise.
TOP = 5


class Proposal(Protocol):
    """A proposed score for one option × criterion: what :func:`contested` and
    :func:`if_room_right` read of a challenge."""

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


class Challenge(Proposal, Protocol):
    """One stored challenge as the pages and the exports read it (the store's ``Challenge``
    is one): the proposal, who made it (``display_name``, ``""`` where the reader may not know
    who), the ``reason``, the optional ``quote`` with the ``source`` it is claimed from, the
    server's ``check`` of that quote (one of the store's ``QUOTE_CHECKS``, e.g. ``"verified"``,
    ``"not_checked"``) and whether it found it there verbatim (``verified``), and the ``round``
    it was last written in."""

    @property
    def display_name(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def quote(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def check(self) -> str: ...
    @property
    def verified(self) -> bool: ...
    @property
    def round(self) -> int: ...


class Decision(Protocol):
    """One stored decision on a cell (the store's ``ScoreDecision`` is one): ``"adopted"``
    with the adopted ``value`` and optional range ``low``–``high``, or ``"rejected"`` (all
    three None), in ``round``, at ``decided_at``."""

    @property
    def option(self) -> str: ...
    @property
    def criterion(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def low(self) -> float | None: ...
    @property
    def high(self) -> float | None: ...
    @property
    def round(self) -> int: ...
    @property
    def decided_at(self) -> datetime: ...


@dataclass(frozen=True)
class ContestedCell:
    """One challenged score and what the room proposes for it.

    ``value``/``low``/``high`` are the catalog's; ``count`` proposals were made, with the
    ``median``, ``min``, ``max`` and ``iqr`` of their values, and ``room_low``/``room_high``
    the span of every proposed value and range. ``adopted`` is the value the workshop adopted
    for the cell (None when none) and ``decision`` the facilitator's decision on it
    (``"adopted"``, ``"rejected"``, or None while undecided). ``proposals`` are the proposed
    ``(value, low, high)``, lowest value first (``low``/``high`` None without a range). ``top_changes``, ``weighted``,
    ``impact`` (the pairs of options whose order flips) and ``shift`` measure how the group's
    ranking changes with the median alone in place (see the module docstring; ``top`` is the
    size of the top counted); ``rank_before`` and ``rank_after`` are the challenged option's
    group rank at the baseline and then.
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
    top_changes: int = 0
    weighted: float = 0.0
    top: int = TOP
    decision: str | None = None
    proposals: tuple[tuple[float, float | None, float | None], ...] = ()

    @property
    def impact_key(self) -> tuple[int, float, float, int]:
        """What the cells are ordered by, largest first: options entering or leaving the top,
        the top-weighted distance, the pairs reordered, then the total rank shift."""
        return (self.top_changes, self.weighted, self.impact, self.shift)

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
    in the baseline's order. ``overrides`` are what the room's ranking used: the adopted
    scores with every median laid over them. ``rejected`` lists the challenged cells
    ``(option, criterion)`` left out because the facilitator rejected them, sorted.
    """

    option_ids: tuple[str, ...]
    baseline: IntArray
    room: IntArray
    tau: float
    top: int
    entering: tuple[str, ...]
    leaving: tuple[str, ...]
    overrides: dict[str, dict[str, float]]
    notes: tuple[str, ...] = ()
    rejected: tuple[tuple[str, str], ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the room's medians change the group's ranking at all."""
        return bool(np.any(self.baseline != self.room))


class _Room:
    """The group's ranking for any scores: a :class:`~policybench.analysis.workshop.RoomModel`
    with the participants' shares checked once and the combination applied, in one vectorised
    call over the participants."""

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
        self.model = room_model(
            catalog,
            option_ids,
            criterion_ids,
            method=method,
            normalization=normalization,
            params=params,
            overrides=overrides,
        )
        self.shares = self.model.shares(weights)
        self.combined: FloatArray | None = None
        if combination in group.WEIGHT_RULES:
            self.combined = group.combine_weights(
                self.shares, cast(group.WeightRule, combination), criteria=self.model.criterion_ids
            )

    def ranks(self, cells: Cells | None = None) -> IntArray:
        """``(N,)`` the group's ranks with ``cells`` laid over the room's scores."""
        if self.combined is not None:
            return self.model.ranks(self.combined, cells)
        each = self.model.ranks(self.shares, cells)  # (P, N) in one call
        return group.combine_rankings(each, cast(group.RankingRule, self.combination)).ranks


def kendall_distance(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Pairs of options whose order differs between rankings ``a`` and ``b`` (1 best): a pair
    ordered one way in one and the other way in the other counts 1, a pair tied in one only
    counts one half."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    i, j = np.triu_indices(x.shape[-1], k=1)
    return float(np.abs(np.sign(x[i] - x[j]) - np.sign(y[i] - y[j])).sum() / 2.0)


def top_weighted_distance(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """:func:`kendall_distance` with each reordered pair weighted by ``1 / r``, ``r`` the best
    (smallest) rank either option of the pair holds in either ranking: a swap between 1st and
    2nd counts 1, one between 20th and 21st counts 1/20, so changes near the top weigh most."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    i, j = np.triu_indices(x.shape[-1], k=1)
    flips = np.abs(np.sign(x[i] - x[j]) - np.sign(y[i] - y[j])) / 2.0
    best = np.minimum(np.minimum(x[i], x[j]), np.minimum(y[i], y[j]))
    return float((flips / np.maximum(best, 1.0)).sum())


def top_changes(a: npt.ArrayLike, b: npt.ArrayLike, top: int = TOP) -> int:
    """How many options enter or leave the top ``top`` (rank ≤ ``top``) between rankings ``a``
    and ``b`` (1 best)."""
    x, y = np.asarray(a), np.asarray(b)
    return int(np.count_nonzero((x <= top) != (y <= top)))


def _decided(decisions: Iterable[Decision] | None) -> dict[tuple[str, str], str]:
    return {(d.option, d.criterion): d.decision for d in decisions or ()}


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
        return room.ranks()


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
    decisions: Iterable[Decision] | None = None,
    top: int = TOP,
) -> tuple[ContestedCell, ...]:
    """Every challenged cell, most consequential first.

    Sorted by :attr:`ContestedCell.impact_key` (largest first: options entering or leaving the
    top ``top``, the top-weighted distance, the pairs reordered, the total rank shift), then
    the number of proposals, then option and criterion ids, so the order is the same on every
    run. ``overrides`` (the adopted scores) are the baseline: a cell's impact is measured with
    its median laid over them. ``decisions`` mark each cell's :attr:`ContestedCell.decision`
    (the order does not depend on them: the pages sort undecided cells first if they wish).

    Raises
    ------
    InputError
        No weights; a proposal for an option or criterion not in play, or off the 0–10 scale;
        an unknown combination or method.
    """
    if top < 1:
        raise InputError(f"top must be 1 or more, not {top!r}")
    opts, crits = tuple(option_ids), tuple(criterion_ids)
    cells = _by_cell(proposals, opts, crits)
    adopted = _flat(overrides)
    decided = _decided(decisions)
    with recorded_caveats():
        room = _Room(
            catalog, opts, crits, weights, overrides, combination, method, normalization, params
        )
        before = room.ranks()
        out = []
        for (oid, cid), median in _medians(cells).items():  # a loop over cells, not options
            values = np.array([p.value for p in cells[(oid, cid)]], dtype=float)
            ranges = [(p.value, p.low, p.high) for p in cells[(oid, cid)]]
            after = room.ranks({(oid, cid): median})
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
                    top_changes=top_changes(before, after, top),
                    weighted=top_weighted_distance(before, after),
                    top=top,
                    decision=decided.get((oid, cid)),
                    proposals=tuple(
                        sorted(ranges, key=lambda r: (r[0], -math.inf if r[1] is None else r[1]))
                    ),
                )
            )
    return by_impact(out)


def by_impact(cells: Iterable[ContestedCell]) -> tuple[ContestedCell, ...]:
    """``cells`` most consequential first (:attr:`ContestedCell.impact_key`), then by the
    number of proposals, then by option and criterion id."""
    return tuple(
        sorted(
            cells,
            key=lambda c: (
                tuple(-x for x in c.impact_key),
                -c.count,
                c.option,
                c.criterion,
            ),
        )
    )


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
    decisions: Iterable[Decision] | None = None,
) -> IfRoomRight:
    """The group's ranking at the baseline (the catalog's scores with ``overrides``) beside
    the one with every contested cell's median in place (see :class:`IfRoomRight`). Cells
    with a ``"rejected"`` decision among ``decisions`` are left out of the room's ranking and
    listed in :attr:`IfRoomRight.rejected`.

    Raises
    ------
    InputError
        As :func:`contested`, or ``top`` below 1.
    """
    if top < 1:
        raise InputError(f"top must be 1 or more, not {top!r}")
    opts, crits = tuple(option_ids), tuple(criterion_ids)
    decided = _decided(decisions)
    all_medians = _medians(_by_cell(proposals, opts, crits))
    rejected = tuple(sorted(c for c in all_medians if decided.get(c) == "rejected"))
    medians = {c: m for c, m in all_medians.items() if decided.get(c) != "rejected"}
    with recorded_caveats() as notes:
        room = _Room(
            catalog, opts, crits, weights, overrides, combination, method, normalization, params
        )
        notes += room.model.notes
        baseline = room.ranks()
        right = room.ranks(medians) if medians else baseline.copy()
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
        overrides=_nested({**_flat(overrides), **medians}),
        notes=tuple(notes),
        rejected=rejected,
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
