"""The facilitator's rounds (issue 19 §4): per round, how many submitted, Kendall's W (explained
once, the latest round's in words), the middle half (IQR) of each criterion's weight with the
chart of it under it, and how far each (numbered) participant moved since the round before.

:func:`rounds_view` (cached on every round's weights, keyed by the participants' labels, and
on the adopted scores) runs :func:`policybench.analysis.rounds.convergence` once and builds
every table and the chart from :mod:`policybench.present.contest` and
:mod:`policybench.present.charts.rounds`; the panel only lays them out. The tables that hold
sentences are HTML tables (``st.table``), which wrap rather than cut text off; the chart is
drawn as the page's other charts are (:func:`policybench.ui.components.chart.show`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from policybench.analysis.rounds import convergence
from policybench.catalog import Catalog
from policybench.present import contest as words
from policybench.present.charts import Chart
from policybench.present.charts.rounds import convergence_chart
from policybench.present.deliberation_ui import IQR_LABEL, w_explained
from policybench.present.labels import share_label
from policybench.present.text import streamlit_markdown
from policybench.ui.cache import by_catalog
from policybench.ui.components import chart as chart_component
from policybench.ui.components.facilitator_results import inert_table
from policybench.ui.components.facilitator_room import FloatArray, Room, rows
from policybench.ui.components.text import note

Overrides = Mapping[str, Mapping[str, float]]
#: Every round's participants (labels) and their weights: ``{round: (labels, (P, M))}``.
RoundWeights = Mapping[int, tuple[Sequence[str], FloatArray]]
CHART_KEY = "pb.fac.convergence"


@dataclass(frozen=True)
class RoundsView:
    """The rounds as the panel shows them: ``table`` (one row per round: round, submissions,
    Kendall's W, the mean movement; text), ``spread`` (a row per criterion, a
    column per round with submissions: the spread of its weight), ``movement`` (a row per
    participant who submitted in two consecutive rounds, a column per pair of rounds: the
    share of their weight that moved), the convergence ``chart`` (None under two rounds with
    submissions) and the engine's ``notes``."""

    table: pd.DataFrame
    spread: pd.DataFrame
    movement: pd.DataFrame
    chart: Chart | None
    notes: tuple[str, ...]
    agreement: str = ""


def _w_text(w: float) -> str:
    return "—" if pd.isna(w) else f"{w:.2f}"


@by_catalog(max_entries=16)
def rounds_view(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    rounds: RoundWeights,
    overrides: Overrides,
) -> RoundsView:
    """:func:`~policybench.analysis.rounds.convergence` of ``rounds`` (the adopted scores in
    place) as the panel's tables and chart."""
    by_label = {
        r: dict(zip(labels, rows(weights, criteria), strict=True))
        for r, (labels, weights) in rounds.items()
    }
    conv = convergence(catalog, options, criteria, by_label, overrides=overrides or None)
    per_round = words.rounds_table(conv)
    table = inert_table(
        pd.DataFrame(
            {
                "Round": per_round["round"].astype(str),
                "Submissions": per_round["submissions"].astype(str),
                "Kendall's W": [_w_text(w) for w in per_round["kendall_w"]],
                "Moved since the round before (mean)": [
                    "—" if pd.isna(m) else share_label(m) for m in per_round["mean_movement"]
                ],
            }
        )
    )
    long = words.spread_by_round(catalog, conv)
    spread = pd.DataFrame(columns=["criterion"])
    if len(long):
        spread = (
            long.pivot(index="criterion", columns="round", values="spread")
            .reindex(list(dict.fromkeys(long["criterion"])))
            .rename(columns=lambda r: f"Round {r}")
            .reset_index()
        )
        spread.columns.name = None
    moves = words.movement_table(conv)
    movement = pd.DataFrame(columns=["participant"])
    if len(moves):
        steps = [
            f"Round {a} → {b}" for a, b in zip(moves["from_round"], moves["to_round"], strict=True)
        ]
        movement = (
            moves.assign(step=steps)
            .pivot(index="participant", columns="step", values="moved")
            .reindex(list(dict.fromkeys(moves["participant"])))
            .reset_index()
        )
        movement.columns.name = None
    with_data = sum(1 for s in conv.rounds if s.submissions)
    chart = convergence_chart(long) if with_data >= 2 else None
    said = [a for a, n in zip(per_round["agreement"], per_round["submissions"], strict=True) if n]
    return RoundsView(table, spread, movement, chart, conv.notes, said[-1] if said else "")


def show(
    catalog: Catalog, options: Sequence[str], criteria: Sequence[str], room: Room, *, names: bool
) -> None:
    """The rounds panel: the table per round, the spread per criterion, each participant's
    movement and the convergence chart (participants labelled as ``room`` labels them)."""
    view = rounds_view(
        catalog,
        options,
        criteria,
        {
            r: (room.labels_for(subs, names), room.matrix(r, criteria))
            for r, subs in room.rounds.items()
        },
        room.overrides,
    )
    st.header("Rounds", anchor=False)
    if room.adjusted:
        note(f"**{streamlit_markdown(room.adjusted)}**: Kendall's W here uses the adopted scores.")
    if room.round == 1:
        note(
            "Round 1. After the reveal, open another round: participants start from their "
            "weights, see the group's result, and revise; this panel then shows how the room moves."
        )
    note(streamlit_markdown(w_explained()))
    st.table(view.table, hide_index=True)
    if view.agreement:
        st.markdown(f"Latest round: {streamlit_markdown(view.agreement)}")
    for line in view.notes:
        note(streamlit_markdown(line))
    if len(view.spread.columns) > 1:
        st.subheader(f"{IQR_LABEL} of each criterion's weight, round by round", anchor=False)
        note(
            "The range of the middle half of the participants' weights on each criterion "
            "(share of each one's total; the interquartile range): lower means the room agrees "
            "more. The chart below draws the same figures."
        )
        rounds = [c for c in view.spread.columns if c != "criterion"]
        st.dataframe(
            view.spread,
            hide_index=True,
            column_config={
                "criterion": st.column_config.TextColumn("Criterion", width="medium"),
                **{r: st.column_config.NumberColumn(f"{r}: IQR", format="percent") for r in rounds},
            },
            key="pb.fac.round_spread",
        )
        if view.chart is not None:  # under the table it illustrates
            chart_component.show(view.chart, key=CHART_KEY)
    if len(view.movement):
        st.subheader("How far each participant moved", anchor=False)
        note(
            "The share of each participant's weight that moved between two rounds (0 % "
            "unchanged, 100 % all of it moved to criteria that had none); only those who "
            "submitted in both rounds; participants numbered in the order they joined."
        )
        steps = [c for c in view.movement.columns if c != "participant"]
        st.dataframe(
            view.movement,
            hide_index=True,
            column_config={
                "participant": st.column_config.TextColumn("Participant", width="medium"),
                **{s: st.column_config.NumberColumn(s, format="percent") for s in steps},
            },
            key="pb.fac.movement",
        )
