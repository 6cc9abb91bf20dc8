"""The facilitator's view of the room's result: one panel per part of a
:class:`~policybench.analysis.workshop.GroupResult`, drawn from a :class:`RoomView`.

- :func:`room_view` (cached): the group result of the current round, with the scores the
  workshop adopted in place, and every table and sentence the panels show, built once per
  state of the room (the submissions' weights and reasons, the labels, the combination and
  the adopted scores), so a rerun with nothing changed computes nothing;
- :func:`show`: the panels below for the latest round with submissions (the current round,
  or the one before while the current one has none yet);
- :func:`group_ranking`: the group's ranking and how far the room agrees;
- :func:`disagreement`: each criterion's weight across the room, with the reasons given;
- :func:`participants`: each participant against the group;
- :func:`room_smaa`: which options stay on top across the room's weights.

Where the workshop adopted scores, the ranking, the participants' rankings and SMAA use them,
and each of those panels says so ("1 score adjusted in this workshop",
:func:`policybench.present.contest.adjusted_label`). The tables and sentences come from
:mod:`policybench.present.workshop`, so nothing here computes. Participants' text (names,
reasons) reaches the screen escaped (:func:`policybench.present.text.streamlit_markdown`) or
in data frame cells. Each panel's widget keys start ``pb.fac.``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from policybench.analysis.rounds import latest_submitted
from policybench.analysis.weights import weight_matrix
from policybench.analysis.workshop import ROOM_SMAA_SAMPLES, GroupResult, group_result
from policybench.catalog import Catalog
from policybench.present import workshop as words
from policybench.present.contest import adjusted_label
from policybench.present.text import streamlit_markdown
from policybench.store import Submission, Workshop
from policybench.ui.cache import by_catalog
from policybench.ui.components.facilitator_room import FloatArray, Room, rows
from policybench.ui.components.text import note

Overrides = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class RoomView:
    """The group result and everything the panels show of it."""

    result: GroupResult
    headline: str
    ranking: pd.DataFrame
    agreement: str
    driver: str | None
    spread: pd.DataFrame
    reasons: tuple[tuple[str, str, str], ...]
    versus: pd.DataFrame
    ranks: pd.DataFrame
    smaa: pd.DataFrame | None
    smaa_note: str
    adjusted: str


@by_catalog(max_entries=64)
def room_result(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    weights: FloatArray,
    combination: str,
    overrides: Overrides,
) -> GroupResult:
    """The group result the monitor shows and the export writes: the room's weights
    (``(P, M)``, :meth:`~policybench.ui.components.facilitator_room.Room.matrix`) combined by
    ``combination``, the adopted scores (``overrides``) in place, with SMAA over the room's
    range of weights."""
    return group_result(
        catalog,
        options,
        criteria,
        rows(weights, criteria),
        combination=combination,
        smaa_samples=ROOM_SMAA_SAMPLES,
        overrides=overrides or None,
    )


@by_catalog(max_entries=32)
def room_view(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    weights: FloatArray,
    reasons: Sequence[Mapping[str, str]],
    labels: Sequence[str],
    combination: str,
    overrides: Overrides,
) -> RoomView:
    """:func:`room_result` and its tables and sentences (participants named by ``labels``, in
    the order of ``weights`` and ``reasons``)."""
    result = room_result(catalog, options, criteria, weights, combination, overrides)
    return RoomView(
        result=result,
        headline=words.headline(catalog, result),
        ranking=words.group_ranking(catalog, result),
        agreement=words.agreement_words(result.concordance),
        driver=words.driver_sentence(catalog, result),
        spread=words.spread_table(catalog, result, labels, reasons),
        reasons=tuple(words.reason_list(catalog, result, labels, reasons)),
        versus=words.versus_table(catalog, result, labels),
        ranks=words.ranks_table(catalog, result, labels),
        smaa=words.room_smaa_table(catalog, result),
        smaa_note=words.smaa_note(result),
        adjusted=adjusted_label(result.adjusted),
    )


def inert_table(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` ready for ``st.table``, which renders every cell as Markdown: each text cell
    made inert (:func:`~policybench.present.text.streamlit_markdown`; catalog titles, the
    app's sentences), a percentage never parted from its sign where the cell wraps."""

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return streamlit_markdown(value).replace(" \\%", "\u00a0\\%")

    return table.map(cell)


def _percent(label: str, help: str | None = None) -> Any:
    return st.column_config.NumberColumn(label, format="percent", help=help)


def adjusted_note(view: RoomView | str) -> None:
    """Say that these results use adopted scores ("2 scores adjusted in this workshop"), if
    they do."""
    text = view if isinstance(view, str) else view.adjusted
    if text:
        note(
            f"**{streamlit_markdown(text)}**: these results use the adopted scores in place "
            "of the catalog's (see Contested scores)."
        )


def group_ranking(view: RoomView) -> None:
    """The group's ranking by the chosen combination, with its headline, and how far the
    room agrees (Kendall's W in words, the criterion that drives the disagreement)."""
    result = view.result
    st.subheader("Group ranking", anchor=False)
    st.markdown(f"**{streamlit_markdown(view.headline)}**")
    adjusted_note(view)
    n = result.participants
    note(
        f"{streamlit_markdown(words.COMBINATIONS[result.combination])}, over {n} "
        f"submission{'s' if n != 1 else ''}; each person's ranking is the "
        "weighted sum on the criteria's 0–10 scales."
    )
    table = view.ranking
    st.dataframe(
        table,
        hide_index=True,
        # the numbers first: a long title is cut at the window's edge, never a number
        column_order=["rank", "value", "label"],
        column_config={
            "rank": st.column_config.NumberColumn("Rank", format="%d", width="small"),
            "label": st.column_config.TextColumn("Option"),
            "value": st.column_config.NumberColumn(words.value_label(result), format="%.3f"),
        },
        height=min(35 * (len(table) + 1) + 3, 600),
        key="pb.fac.ranking",
    )
    st.subheader("Agreement", anchor=False)
    st.markdown(streamlit_markdown(view.agreement))
    if view.driver:
        st.markdown(streamlit_markdown(view.driver))


def disagreement(view: RoomView) -> None:
    """Each criterion's weight across the participants, most contested first, with the
    reasons given."""
    st.subheader("Where the room disagrees", anchor=False)
    note(
        "Each criterion's weight across the participants (shares of each one's total), most contested first."
    )
    st.dataframe(
        view.spread,
        hide_index=True,
        column_order=["criterion", "group_weight", "mean", "std", "min", "max", "reasons"],
        column_config={
            "criterion": st.column_config.TextColumn("Criterion", width="medium"),
            "group_weight": _percent("Group weight"),
            "mean": _percent("Mean"),
            "std": _percent("SD", "Standard deviation of the participants' weights: the spread"),
            "min": _percent("Lowest"),
            "max": _percent("Highest"),
            "reasons": st.column_config.TextColumn(
                "Reasons given (first words)", width="large", help="Every reason in full below"
            ),
        },
        key="pb.fac.spread",
    )
    if view.reasons:
        with st.expander(f"Every reason in full ({len(view.reasons)})"):
            current = None
            for criterion, who, text in view.reasons:
                if criterion != current:
                    st.markdown(f"**{streamlit_markdown(criterion)}**")
                    current = criterion
                st.markdown(f"- {streamlit_markdown(who)}: {streamlit_markdown(text)}")


def participants(view: RoomView) -> None:
    """Each participant against the group, and every participant's rank of every option."""
    st.subheader("Each participant against the group", anchor=False)
    adjusted_note(view)
    note(
        "Kendall's tau between each participant's ranking and the group's (1 the same order, "
        "−1 the reverse), their first choice, and where they put the group's first."
    )
    st.dataframe(
        view.versus,
        hide_index=True,
        column_config={
            "participant": st.column_config.TextColumn("Participant", width="medium"),
            "tau": st.column_config.NumberColumn("Agreement with the group (τ)", format="%.2f"),
            "first_choice": st.column_config.TextColumn("Their first choice", width="large"),
            "group_first_at": st.column_config.NumberColumn(
                "Group's first is their no.", format="%d"
            ),
        },
        key="pb.fac.versus",
    )
    with st.expander("Every participant's rank of every option"):
        st.dataframe(
            view.ranks,
            hide_index=True,
            column_config={
                "option": st.column_config.TextColumn("Option", width="large"),
                "group": st.column_config.NumberColumn("Group", format="%d"),
            },
            key="pb.fac.ranks",
        )


def room_smaa(view: RoomView) -> None:
    """Which options stay on top across the room's range of weights (SMAA), when the result
    carries it."""
    table = view.smaa
    if table is None:
        return
    st.subheader("Which options stay on top across the room's weights (SMAA)", anchor=False)
    adjusted_note(view)
    note(streamlit_markdown(view.smaa_note))
    st.dataframe(
        table,
        hide_index=True,
        column_order=["expected_rank", "first", "top3", "option"],
        column_config={
            "option": st.column_config.TextColumn("Option"),
            "first": st.column_config.ProgressColumn(
                "Ranked first", format="percent", min_value=0.0, max_value=1.0
            ),
            "top3": st.column_config.ProgressColumn(
                "In the top 3", format="percent", min_value=0.0, max_value=1.0
            ),
            "expected_rank": st.column_config.NumberColumn("Expected rank", format="%.1f"),
        },
        height=min(35 * (len(table) + 1) + 3, 600),
        key="pb.fac.smaa",
    )


def show(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    room: Room,
    combination: str,
    names: bool,
) -> None:
    """The group result's panels for the latest round with submissions, the adopted scores
    in place, participants labelled as ``room`` labels them (by name when ``names``)."""
    number = latest_submitted(room.rounds)
    if number is None:
        st.info("No submissions yet: the results appear here as they arrive.")
        return
    if number != room.round:
        st.info(
            f"No submissions in round {room.round} yet: below is round {number}'s result "
            "until they arrive."
        )
    subs = room.rounds[number]
    view = room_view(
        catalog,
        options,
        criteria,
        room.matrix(number, criteria),
        [x.reasons for x in subs],
        room.labels_for(subs, names),
        combination,
        room.overrides,
    )
    group_ranking(view)
    disagreement(view)
    participants(view)
    room_smaa(view)


def shop_result(
    catalog: Catalog,
    shop: Workshop,
    subs: Sequence[Submission],
    combination: str,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
) -> GroupResult:
    """The group result of ``subs`` as the monitor shows it and the export writes it
    (:func:`room_result` on the workshop's options and criteria)."""
    return room_result(
        catalog,
        shop.options,
        shop.criteria,
        weight_matrix([x.weights for x in subs], shop.criteria),
        combination,
        overrides or {},
    )
