"""A workshop's deliberation as report sections: every round, the contested scores and the
facilitator's decisions on them (issue 19); the camps are :mod:`policybench.export.camps`', and
:func:`policybench.export.workshop_report.deliberation_sections` gives all four, with the same
keys whether or not anything was challenged or decided, so that a machine reading the JSON
always finds them:

- ``rounds`` (:func:`rounds_section`): per round, the submissions, Kendall's W and its p-value,
  the mean movement from the round before, each criterion's median share and spread, each
  participant's movement, and the group's ranking in every round; the convergence chart.
- ``challenges`` (:func:`challenges_section`): each challenged cell (the catalog's value and
  range, how many challenged it, the median and spread of the proposals, whether the median
  falls outside the range, the value adopted, what adopting the median would do to the group's
  ranking), every challenge's reason and quote with its verified mark, and the group's ranking
  if the room is right.
- ``decisions`` (:func:`decisions_section`): each adopted or rejected cell with its value,
  range and time.

It also holds what the workshop's sections share: what is read of the store (the protocols),
how the room is ranked (:class:`Room`, whose adopted scores every ranking here uses, as the
group result does) and how participants are labelled (:func:`participant_names`: "Participant
1", … or their names when the export shows names). The tables are
:mod:`policybench.present.contest`'s, with their columns named as the other export tables name
them (``option``/``title``, ``criterion``/``name``) and every number at full precision: the
room's tables round for a screen, while an export's formats round for people and JSON keeps
every digit. Reasons and quotes stay the participants' own text, which every format escapes.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import pandas as pd

from policybench.analysis.contest import (
    TOP,
    ContestedCell,
    IfRoomRight,
    contested,
    group_ranks_under,
    if_room_right,
)
from policybench.analysis.rounds import Convergence
from policybench.catalog import Catalog
from policybench.export.report import ChartSpec, Section
from policybench.export.stamp import utc_timestamp
from policybench.present import contest as contest_words
from policybench.present.charts.rounds import convergence_chart
from policybench.present.contest import ChallengeLike
from policybench.present.labels import criterion_label, option_label
from policybench.present.text import fold
from policybench.present.workshop import participant_labels

#: The present tables' columns as the export's tables name them.
RENAMED = {"label": "title", "criterion": "name", "criterion_id": "criterion"}
#: What a brief (HTML) shows of the widest tables: what a person reads; the numbers behind
#: them are in the other formats. The ids go before the names they stand for (the page drops
#: them).
CHALLENGES_BRIEF = {
    "Challenged scores": (
        "option", "title", "criterion", "name", "catalog score", "catalog range", "challenges",
        "median proposal", "proposals iqr", "outside", "adopted score", "impact",
    ),
    "Challenges": (
        "option", "title", "criterion", "name", "participant", "proposed score", "reason",
        "quote", "quote status", "citation",
    ),
}  # fmt: skip
DECISIONS_BRIEF = (
    "option", "title", "criterion", "name", "decision", "adopted score", "adopted low",
    "adopted high", "decided at", "catalog score",
)  # fmt: skip
_NAN = float("nan")
#: Who a participant the labels do not know is shown as (never their name).
UNKNOWN = "A participant"


class SubmissionLike(Protocol):
    """What is read of a stored submission (:class:`policybench.store.Submission`)."""

    @property
    def display_name(self) -> str: ...
    @property
    def weights(self) -> Mapping[str, float]: ...
    @property
    def reasons(self) -> Mapping[str, str]: ...


class Challenged(ChallengeLike, Protocol):
    """A challenge as the facilitator reads it (:class:`policybench.store.Challenge`)."""

    @property
    def round(self) -> int: ...


class DecisionLike(Protocol):
    """A decision on a cell (:class:`policybench.store.ScoreDecision`)."""

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


Rounds = Mapping[int, Sequence[SubmissionLike]]


@dataclass(frozen=True)
class Room:
    """How the room's rankings are made: a method with its normalisation and parameters, the
    rule that forms the group's ranking (``combination``, as the group result's) and the
    scores adopted in the workshop (``overrides``, ``{option: {criterion: value}}``)."""

    method: str
    normalization: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    combination: str = "borda"
    overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @property
    def adopted(self) -> int:
        """How many scores were adopted."""
        return sum(len(row) for row in self.overrides.values())


@dataclass(frozen=True)
class _Shown:
    """A challenge under the label its participant is shown by."""

    display_name: str
    option: str
    criterion: str
    value: float
    low: float | None
    high: float | None
    reason: str
    quote: str | None
    source: str | None
    verified: bool
    round: int

    @classmethod
    def of(cls, ch: Challenged, label: str) -> _Shown:
        return cls(label, ch.option, ch.criterion, float(ch.value), ch.low, ch.high, ch.reason,
                   ch.quote, ch.source, bool(ch.verified), int(ch.round))  # fmt: skip


def participant_names(
    rounds: Rounds, challenges: Sequence[Challenged], *, names: bool
) -> dict[str, str]:
    """``{display name: label}`` for everyone in the export: "Participant 1", "Participant 2",
    … in order of first appearance (round by round in the order given, then those who only
    challenged), or their names on one line each when ``names``."""
    order = [s.display_name for r in sorted(rounds) for s in rounds[r]]
    return labelled([*order, *(c.display_name for c in challenges)], names=names)


def labelled(people: Sequence[str], *, names: bool) -> dict[str, str]:
    """``{display name: label}`` for ``people`` in order of first appearance (see
    :func:`participant_names`)."""
    order = list(dict.fromkeys(people))
    return dict(zip(order, participant_labels(order if names else None, len(order)), strict=True))


def adjusted_about(room: Room) -> dict[str, str]:
    """``{"adjusted": "N scores adjusted in this workshop"}`` for a section's stamp, or
    nothing when no score was adopted."""
    label = contest_words.adjusted_label(room.adopted)
    return {"adjusted": label} if label else {}


def _finite(value: float | None) -> float:
    return _NAN if value is None or not math.isfinite(value) else float(value)


# ------------------------------------------------------------------------------ rounds
def rounds_section(
    catalog: Catalog,
    option_ids: tuple[str, ...],
    criterion_ids: tuple[str, ...],
    rounds: Rounds,
    conv: Convergence,
    labels: Mapping[str, str],
    room: Room,
    *,
    charts: bool = True,
) -> Section:
    """Every round: its summary, the spread of each criterion, each participant's movement and
    the group's ranking round by round (see the module docstring)."""
    shown = contest_words.rounds_table(conv)
    moves = [conv.movement_into(s.round) for s in conv.rounds]
    summary = pd.DataFrame(
        {
            "round": shown["round"],
            "submissions": shown["submissions"],
            "kendall w": [_finite(s.w) for s in conv.rounds],
            "kendall w p-value": [_finite(s.p_value) for s in conv.rounds],
            "agreement": shown["agreement"],
            "mean movement": [_finite(None if m is None else m.mean) for m in moves],
        }
    )
    people = contest_words.spread_by_round(catalog, conv)
    spread = people.rename(columns={**RENAMED, "median": "median share"})
    # the present table rounds; its rows follow the rounds with submissions, then the criteria
    held = [s for s in conv.rounds if s.submissions]
    spread["median share"] = [float(m) for s in held for m in s.median]
    spread["spread"] = [float(x) for s in held for x in s.spread]
    spread = spread[["round", "criterion", "name", "median share", "spread"]]
    moved = contest_words.movement_table(conv)
    moved["participant"] = [labels.get(k, UNKNOWN) for k in moved["participant"]]
    moved["moved"] = [float(d) for m in conv.moves for d in m.distance]
    about: dict[str, Any] = {
        "rounds": len(conv.rounds),
        "method": conv.method,
        "normalization": conv.normalization,
        "group ranking by": room.combination,
        **adjusted_about(room),
        "spread": "the interquartile range of the participants' shares of a criterion",
        "movement": "the share of a participant's weight that moved between two rounds "
        "(0 none, 1 all)",
    }
    tables = (
        ("Rounds", summary),
        ("Spread by round", spread),
        ("Movement between rounds", moved),
        (
            "Group ranking by round",
            _ranks_by_round(catalog, option_ids, criterion_ids, rounds, room),
        ),
    )
    specs: tuple[ChartSpec, ...] = ()
    if charts and len(people):
        specs = (ChartSpec.of("rounds", convergence_chart(people), "Convergence across rounds"),)
    return Section("rounds", "Rounds", about, tables, specs)


def _ranks_by_round(
    catalog: Catalog,
    option_ids: tuple[str, ...],
    criterion_ids: tuple[str, ...],
    rounds: Rounds,
    room: Room,
) -> pd.DataFrame:
    """The group's rank of every option in every round with submissions (``round N rank``),
    in the latest round's order."""
    ranks = {
        r: group_ranks_under(
            catalog,
            option_ids,
            criterion_ids,
            [s.weights for s in rounds[r]],
            room.overrides or None,
            combination=room.combination,
            method=room.method,
            normalization=room.normalization,
            params=room.params,
        )
        for r in sorted(rounds)  # a loop over rounds; each ranks every option at once
        if rounds[r]
    }
    last = ranks[max(ranks)]
    order = sorted(range(len(option_ids)), key=lambda i: (int(last[i]), i))
    table = pd.DataFrame(
        {
            "option": [option_ids[i] for i in order],
            "title": [option_label(catalog.options_by_id[option_ids[i]]) for i in order],
        }
    )
    for r, rank in ranks.items():
        table[f"round {r} rank"] = [int(rank[i]) for i in order]
    return table


# ------------------------------------------------------------------------------ challenges
def challenges_section(
    catalog: Catalog,
    option_ids: tuple[str, ...],
    criterion_ids: tuple[str, ...],
    rounds: Rounds,
    latest: int,
    challenges: Sequence[Challenged],
    labels: Mapping[str, str],
    room: Room,
) -> Section:
    """The contested cells (most consequential first), every challenge with its reason and
    quote, and the group's ranking if the room is right, weighed with round ``latest``."""
    items = [_Shown.of(ch, labels.get(ch.display_name, UNKNOWN)) for ch in challenges]
    weights = [s.weights for s in rounds[latest]]
    model: dict[str, Any] = {
        "overrides": room.overrides or None,
        "combination": room.combination,
        "method": room.method,
        "normalization": room.normalization,
        "params": room.params,
    }
    cells = contested(catalog, option_ids, criterion_ids, weights, items, **model)
    right = if_room_right(catalog, option_ids, criterion_ids, weights, items, top=TOP, **model)
    quoted = [ch for ch in items if ch.quote]
    about: dict[str, Any] = {
        "challenges": len(items),
        "cells challenged": len(cells),
        "participants who challenged": len({ch.display_name for ch in items}),
        "quotes verified": sum(ch.verified for ch in quoted),
        "quotes unverified": sum(not ch.verified for ch in quoted),
        "weighed with": f"round {latest}'s weights ({len(weights)} submissions)",
        **adjusted_about(room),
        "if the room is right": contest_words.room_right_sentence(catalog, right),
        "kendall_tau": right.tau,
    }
    tables = (
        ("Challenged scores", _contested(catalog, cells)),
        ("Challenges", _reasons(catalog, items, cells)),
        ("If the room is right", _room_right(catalog, right)),
    )
    return Section("challenges", "Contested scores", about, tables, brief=CHALLENGES_BRIEF)


def _contested(catalog: Catalog, cells: Sequence[ContestedCell]) -> pd.DataFrame:
    """The contested cells: what a person reads first (up to the impact), then the numbers
    behind them."""
    shown = contest_words.contested_table(catalog, cells)
    return pd.DataFrame(
        {
            "option": shown["option"],
            "title": shown["label"],
            "criterion": shown["criterion_id"],
            "name": shown["criterion"],
            "catalog score": [c.value for c in cells],
            "catalog range": shown["range"],
            "challenges": shown["challenges"],
            "median proposal": [c.median for c in cells],
            "proposals iqr": [c.iqr for c in cells],
            "outside": [c.outside for c in cells],
            "adopted score": [_finite(c.adopted) for c in cells],
            "impact": shown["impact"],
            "catalog low": [c.low for c in cells],
            "catalog high": [c.high for c in cells],
            "lowest proposal": [c.min for c in cells],
            "highest proposal": [c.max for c in cells],
            "pairs reordered": [c.impact for c in cells],
            "rank before": [c.rank_before for c in cells],
            "rank after": [c.rank_after for c in cells],
        }
    )


def _reasons(
    catalog: Catalog, items: Sequence[_Shown], cells: Sequence[ContestedCell]
) -> pd.DataFrame:
    """Every challenge, grouped by cell as the contested cells are ordered: who (as labelled),
    the proposal, the reason and the quote with its verified mark."""
    shown = contest_words.reasons_table(catalog, items, cells)
    # the table names each challenge by its cell and participant (one challenge each)
    exact = {
        (ch.option, ch.criterion, fold(ch.display_name) or "A participant"): ch for ch in items
    }
    rows = [
        exact[key]
        for key in zip(shown["option"], shown["criterion_id"], shown["participant"], strict=True)
    ]
    out = shown.rename(columns={**RENAMED, "source": "citation", "quote_status": "quote status"})
    out = out.drop(columns=["value", "range"])
    out.insert(5, "proposed score", [ch.value for ch in rows])
    out.insert(6, "proposed low", [_finite(ch.low) for ch in rows])
    out.insert(7, "proposed high", [_finite(ch.high) for ch in rows])
    out["source"] = [ch.source or "" for ch in rows]
    out["round"] = [ch.round for ch in rows]
    return out


def _room_right(catalog: Catalog, right: IfRoomRight) -> pd.DataFrame:
    return contest_words.room_right_table(catalog, right).rename(
        columns={"label": "title", "catalog_rank": "catalog rank", "room_rank": "room rank"}
    )


# ------------------------------------------------------------------------------ decisions
def decisions_section(
    catalog: Catalog,
    decisions: Sequence[DecisionLike],
    challenges: Sequence[Challenged],
    room: Room,
) -> Section:
    """Each decision on a contested cell, in the order given: adopted or rejected, the value
    and range adopted, when, beside the catalog's score."""
    count = Counter((c.option, c.criterion) for c in challenges)
    rows = []
    for d in decisions:  # a loop over decided cells
        score = catalog.options_by_id[d.option].scores[d.criterion]
        rows.append(
            {
                "option": d.option,
                "title": option_label(catalog.options_by_id[d.option]),
                "criterion": d.criterion,
                "name": criterion_label(catalog, d.criterion),
                "decision": d.decision,
                "adopted score": _finite(d.value),
                "adopted low": _finite(d.low),
                "adopted high": _finite(d.high),
                "decided at": utc_timestamp(d.decided_at),
                "catalog score": float(score.value),
                "catalog low": float(score.low),
                "catalog high": float(score.high),
                "round": int(d.round),
                "challenges": count[(d.option, d.criterion)],
            }
        )
    columns = ["option", "title", "criterion", "name", "decision", "adopted score"]
    columns += ["adopted low", "adopted high", "decided at", "catalog score", "catalog low"]
    columns += ["catalog high", "round", "challenges"]
    adopted = sum(d.decision == "adopted" for d in decisions)
    about: dict[str, Any] = {
        "adjusted": contest_words.adjusted_label(room.adopted)
        or "no score adjusted in this workshop",
        "adopted": adopted,
        "rejected": len(decisions) - adopted,
        "the catalog": "unchanged: the app never edits the catalog's files; `policybench export "
        "--workshop CODE --format patch` writes the adopted scores as a patch for its "
        "maintainers to review",
    }
    table = pd.DataFrame(rows, columns=columns)
    brief = {"Decisions": DECISIONS_BRIEF}
    return Section(
        "decisions", "Decisions on contested scores", about, (("Decisions", table),), brief=brief
    )
