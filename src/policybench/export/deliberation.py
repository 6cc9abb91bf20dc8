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
from typing import Any, Protocol

import pandas as pd

from policybench.analysis.contest import (
    TOP,
    Challenge,
    ContestedCell,
    Decision,
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
from policybench.present.labels import criterion_label, option_label, participant_numbers
from policybench.present.text import fold
from policybench.present.workshop import COMBINATIONS as COMBINATION_WORDS
from policybench.present.workshop import participant_labels

#: The present tables' columns as the export's tables name them.
RENAMED = {"label": "title", "criterion": "name", "criterion_id": "criterion"}
#: What a brief (HTML) shows of the widest tables: what a person reads; the numbers behind
#: them are in the other formats. The ids go before the names they stand for (the page drops
#: them).
CHALLENGES_BRIEF = {
    "Challenged scores": (
        "option", "title", "criterion", "name", "catalog score", "challenges",
        "median proposal", "adopted score", "impact",
    ),
    "Challenges": (
        "option", "title", "criterion", "name", "participant", "proposed score", "reason",
        "quote", "quote check", "citation",
    ),
    "Challenges the room saw, by round": (
        "seen in round", "option", "title", "criterion", "name", "participant",
        "proposed score", "reason",
    ),
}  # fmt: skip
#: The quote check's outcomes (the store's ``Challenge.check``) in a reader's words.
QUOTE_CHECK_WORDS = {
    "verified": "verified",
    "near_match": "near match",
    "not_found": "not found",
    "not_checked": "not checked",
}
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


Rounds = Mapping[int, Sequence[SubmissionLike]]


@dataclass(frozen=True)
class Room:
    """How the room's rankings are made: a method with its normalisation and parameters, the
    rule that forms the group's ranking (``combination``, as the group result's) and the
    scores adopted in the workshop (``overrides``, ``{option: {criterion: value}}``)."""

    method: str
    normalization: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    combination: str = "mean"
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
    check: str
    round: int

    @property
    def verified(self) -> bool:
        return self.check == "verified"

    @classmethod
    def of(cls, ch: Challenge, label: str) -> _Shown:
        return cls(label, ch.option, ch.criterion, float(ch.value), ch.low, ch.high, ch.reason,
                   ch.quote, ch.source, ch.check, int(ch.round))  # fmt: skip


def participant_names(
    rounds: Rounds,
    challenges: Sequence[Challenge],
    *,
    names: bool,
    joined: Sequence[str] = (),
) -> dict[str, str]:
    """``{display name: label}`` for everyone in the export: "Participant 1", "Participant 2",
    … numbered by the order they joined (``joined``, the store's ``participants``), or their
    names on one line each when ``names``. Anyone not in ``joined`` is numbered after, in order
    of first appearance (round by round in the order given, then those who only challenged)."""
    order = [s.display_name for r in sorted(rounds) for s in rounds[r]]
    return labelled([*order, *(c.display_name for c in challenges)], names=names, joined=joined)


def labelled(people: Sequence[str], *, names: bool, joined: Sequence[str] = ()) -> dict[str, str]:
    """``{display name: label}`` for ``people`` (see :func:`participant_names`): numbered by
    join order (:func:`~policybench.present.labels.participant_numbers`, which the pages use
    too), or their names when ``names``."""
    order = list(dict.fromkeys(people))
    if names:
        return dict(zip(order, participant_labels(order, len(order)), strict=True))
    return participant_numbers(joined, order)


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
    challenges: Sequence[Challenge],
    labels: Mapping[str, str],
    room: Room,
    *,
    seen: Mapping[int, Sequence[Challenge]] | None = None,
) -> Section:
    """The contested cells (most consequential first), every live challenge with its reason
    and quote, the challenges as the room saw them at each reveal (``seen``: revealed round →
    the challenges then standing), and the group's ranking if the room is right, weighed with
    round ``latest``."""
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
        "impact": impact_basis(room),
        **adjusted_about(room),
        "if the room is right": contest_words.room_right_sentence(catalog, right),
        "kendall's tau, catalog against the room": right.tau,
    }
    rank = {(c.option, c.criterion): k for k, c in enumerate(cells)}
    by_round = [
        _reasons(catalog, [_Shown.of(ch, labels.get(ch.display_name, UNKNOWN)) for ch in chs],
                 rank, seen_in=r)
        for r, chs in sorted((seen or {}).items())
    ]  # fmt: skip
    tables = (
        ("Challenged scores", _contested(catalog, cells, room)),
        ("Challenges", _reasons(catalog, items, rank)),
        ("Challenges the room saw, by round", _stacked(by_round, _reasons(catalog, [], rank, 0))),
        ("If the room is right", _room_right(catalog, right)),
    )
    return Section("challenges", "Contested scores", about, tables, brief=CHALLENGES_BRIEF)


def impact_basis(room: Room) -> str:
    """What every impact figure is measured on: ``"measured on the group's ranking (mean of
    everyone's weights)"``, the rule the group's ranking uses."""
    words = COMBINATION_WORDS.get(room.combination, room.combination)
    return f"measured on the group's ranking ({words[:1].lower()}{words[1:]})"


def _contested(catalog: Catalog, cells: Sequence[ContestedCell], room: Room) -> pd.DataFrame:
    """The contested cells: what a person reads first (up to the impact, whose basis it
    states), then the numbers behind them."""
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
            "spread of proposals (IQR)": [c.iqr for c in cells],
            "outside": [c.outside for c in cells],
            "adopted score": [_finite(c.adopted) for c in cells],
            "impact": [f"{text} ({impact_basis(room)})" for text in shown["impact"]],
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
    catalog: Catalog,
    items: Sequence[_Shown],
    rank: Mapping[tuple[str, str], int],
    seen_in: int | None = None,
) -> pd.DataFrame:
    """Every challenge in ``items``, one row each, built from the challenges themselves,
    grouped by cell in the contested cells' order (``rank``; cells not in it last, in the
    workshop's order), within a cell in the order given: who (as labelled), the proposal, the
    reason and the quote with its check. ``seen_in`` adds a first column: the round at whose
    reveal the room saw them."""
    last = len(rank)
    ordered = sorted(items, key=lambda ch: rank.get((ch.option, ch.criterion), last))
    rows = []
    for ch in ordered:  # a loop over challenges
        source = catalog.sources_by_id.get(ch.source) if ch.source else None
        rows.append(
            {
                "option": ch.option,
                "title": option_label(catalog.options_by_id[ch.option]),
                "criterion": ch.criterion,
                "name": criterion_label(catalog, ch.criterion),
                "participant": fold(ch.display_name) or UNKNOWN,
                "proposed score": ch.value,
                "proposed low": _finite(ch.low),
                "proposed high": _finite(ch.high),
                "reason": ch.reason,
                "quote": ch.quote or "",
                "citation": source.citation if source is not None else (ch.source or ""),
                "quote check": QUOTE_CHECK_WORDS.get(ch.check, ch.check) if ch.quote else "",
                "source": ch.source or "",
                "round": ch.round,
            }
        )
    columns = ["option", "title", "criterion", "name", "participant", "proposed score"]
    columns += ["proposed low", "proposed high", "reason", "quote", "citation", "quote check"]
    columns += ["source", "round"]
    out = pd.DataFrame(rows, columns=columns)
    if seen_in is not None:
        out.insert(0, "seen in round", [seen_in] * len(out))
    return out


def _stacked(parts: Sequence[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    """``parts`` one under the other (``empty``, with the same columns, when there are none)."""
    return pd.concat(list(parts), ignore_index=True) if parts else empty


def _room_right(catalog: Catalog, right: IfRoomRight) -> pd.DataFrame:
    return contest_words.room_right_table(catalog, right).rename(
        columns={"label": "title", "catalog_rank": "catalog rank", "room_rank": "room rank"}
    )


# ------------------------------------------------------------------------------ decisions
def decisions_section(
    catalog: Catalog,
    decisions: Sequence[Decision],
    challenges: Sequence[Challenge],
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
