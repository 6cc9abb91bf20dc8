"""The facilitator's camps and common ground (issue 20 §2–5): for the round on view, the camps
the room splits into (a card each), how many fit none, what every camp can live with (the
common-ground table, with the facilitator's top k) and what divides them; across rounds, the
camps per round, who moved between them (counts), the stability figure and whether common
ground grew.

The numbers come from :mod:`policybench.analysis.camps` and
:mod:`policybench.analysis.common_ground`, the cards, tables and sentences from
:mod:`policybench.present.camps`. :func:`room_camps` (the camps of one round) is cached on that
round's weights and the adopted scores, :func:`round_camps` (with the common ground) on the
same and top k, :func:`camps_view` and :func:`history_view` on the same plus what they add:
a rerun with nothing changed recomputes nothing, a new top k only the common ground, and a
new submission only its own round. A round
with fewer than six submissions has no camps: the panel says why and the group's result
above stands for the room.

Widgets: ``pb.fac.topk`` (the k of "top k", default 3) and, from round 2, ``pb.fac.camps_round``
(the round on view, the current one unless the facilitator picks another). Cards never name
or number participants; reasons on a card are anonymous and only for a camp of three or more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from policybench.analysis.camps import Camps, find_camps
from policybench.analysis.common_ground import (
    TOP_K,
    CommonGround,
    camps_across_rounds,
    common_ground,
)
from policybench.catalog import Catalog
from policybench.present import camps as words
from policybench.present.camps import CampCard
from policybench.present.deliberation_ui import no_submissions_yet
from policybench.present.labels import share_label
from policybench.present.text import streamlit_markdown
from policybench.ui.cache import by_catalog
from policybench.ui.components.facilitator_results import inert_table
from policybench.ui.components.facilitator_room import FloatArray, Room
from policybench.ui.components.text import note

TOPK = "pb.fac.topk"
ROUND = "pb.fac.camps_round"
#: The current round when the round on view was last reset to it.
SEEN = "pb.fac.camps_seen"
DEFAULT_TOPK = TOP_K
Overrides = Mapping[str, Mapping[str, float]]
#: A round's weights, ``(P, M)`` in join order and the criteria's order.
Weights = FloatArray


@by_catalog(max_entries=32)
def room_camps(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    weights: Weights,
    overrides: Overrides,
) -> Camps:
    """One round's camps (the adopted scores in place); top k does not change them."""
    return find_camps(catalog, options, criteria, weights, overrides=overrides or None)


@by_catalog(max_entries=32)
def round_camps(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    weights: Weights,
    overrides: Overrides,
    top_k: int,
) -> tuple[Camps, CommonGround]:
    """One round's camps and common ground (the adopted scores in place)."""
    camps = room_camps(catalog, options, criteria, weights, overrides)
    common = common_ground(
        catalog, options, criteria, camps, weights, top_k=top_k, overrides=overrides or None
    )
    return camps, common


@dataclass(frozen=True)
class CampsView:
    """The round on view: the ``sentence`` that says how the room splits (or why not), the
    number of ``camps`` (0 without), whether they are ``clear``, how many ``unassigned`` fit
    none and how many ``participants`` there are; the ``cards``; the common-ground sentence and
    table and the dividing table (empty without camps); the engine's notes."""

    sentence: str
    camps: int
    clear: bool
    unassigned: int
    participants: int
    cards: tuple[CampCard, ...]
    common_sentence: str
    common: pd.DataFrame
    dividing: pd.DataFrame
    notes: tuple[str, ...]


@by_catalog(max_entries=32)
def camps_view(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    weights: Weights,
    reasons: Sequence[Mapping[str, str]],
    overrides: Overrides,
    top_k: int,
) -> CampsView:
    """The camps of one round as the panel shows them (``reasons`` in ``weights``' order)."""
    camps, common = round_camps(catalog, options, criteria, weights, overrides, top_k)
    return CampsView(
        sentence=words.camps_sentence(camps),
        camps=len(camps.camps),
        clear=camps.clear,
        unassigned=camps.unassigned,
        participants=camps.participants,
        cards=words.camp_cards(catalog, camps, list(reasons)),
        common_sentence=words.common_sentence(catalog, common, clear=camps.clear),
        common=words.common_ground_table(catalog, common, camps),
        dividing=inert_table(_dividing(words.dividing_table(catalog, common))),
        notes=tuple(dict.fromkeys((*camps.notes, *common.notes))),
    )


def _dividing(table: pd.DataFrame) -> pd.DataFrame:
    """The dividing table as text, for an HTML table that wraps: option, the keenest and the
    least keen camp each with its chance, and the gap."""
    return pd.DataFrame(
        {
            "Option": table["label"],
            "Keenest camp": [
                f"{c}: {share_label(x)}"
                for c, x in zip(table["high_camp"], table["high"], strict=True)
            ],
            "Least keen camp": [
                f"{c}: {share_label(x)}"
                for c, x in zip(table["low_camp"], table["low"], strict=True)
            ],
            "Gap": [share_label(x) for x in table["gap"]],
        }
    )


def _history_text(table: pd.DataFrame) -> pd.DataFrame:
    """The camps-across-rounds table as text ("—" where there is nothing to compare); who
    stayed, moved, joined and left in one column ("6 / 1 / 0 / 0")."""

    def count(x: Any) -> str:
        return "—" if pd.isna(x) else str(int(x))

    camps = [
        str(n) if clear else ("none clear" if n else "none (too few)")
        for n, clear in zip(table["camps"], table["clear"], strict=True)
    ]
    moves = [
        "—" if pd.isna(stayed) else " / ".join(count(x) for x in (stayed, moved, joined, left))
        for stayed, moved, joined, left in zip(
            table["stayed"], table["moved"], table["joined"], table["left"], strict=True
        )
    ]
    # six columns, so that the table wraps within a phone's width rather than scroll
    return pd.DataFrame(
        {
            "Round": table["round"].astype(str),
            "Camps": camps,
            "Stayed / moved / joined / left": moves,
            "Stability": ["—" if pd.isna(x) else share_label(x) for x in table["stability"]],
            "Common ground": [count(x) for x in table["common"]],
            "Grew": [g or "—" for g in table["grew"]],
        }
    )


@dataclass(frozen=True)
class HistoryView:
    """The camps across rounds: ``table`` (a row per round) and a sentence per transition."""

    table: pd.DataFrame
    sentences: tuple[str, ...]


@by_catalog(max_entries=16)
def history_view(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    rounds: Mapping[int, tuple[Sequence[str], Weights]],
    overrides: Overrides,
    top_k: int,
) -> HistoryView:
    """Camps round by round: ``rounds[r]`` is round ``r``'s participant keys (stable across
    rounds, never shown) and their weights, in the same order."""
    found = {
        r: round_camps(catalog, options, criteria, weights, overrides, top_k)
        for r, (_, weights) in rounds.items()
    }  # a loop over rounds (a handful), each cached on its own
    history = camps_across_rounds(
        {r: (found[r][0], list(rounds[r][0])) for r in rounds},
        {r: found[r][1] for r in rounds},
    )
    table = inert_table(_history_text(words.history_table(history)))
    return HistoryView(table, tuple(words.transition_sentence(t) for t in history.transitions))


# ------------------------------------------------------------------------------ the panel
def _round_on_view(current: int) -> int:
    """The round the facilitator looks at: a picker from round 2 on, reset to the current
    round whenever a new round opens."""
    if current == 1:
        return 1
    if st.session_state.get(SEEN) != current:
        st.session_state[SEEN] = current
        st.session_state[ROUND] = current
    picked = st.selectbox(
        "Round on view",
        list(range(current, 0, -1)),
        key=ROUND,
        format_func=lambda r: f"Round {r}" + (" (current)" if r == current else ""),
    )
    return int(picked) if picked is not None else current


def top_k_input(options: int) -> int:
    """The facilitator's k for "top k" (1 to the number of options in play)."""
    st.session_state.setdefault(TOPK, min(DEFAULT_TOPK, options))
    if not 1 <= int(st.session_state[TOPK]) <= options:
        st.session_state[TOPK] = min(DEFAULT_TOPK, options)
    value = st.number_input(
        "Common ground: options in the top",
        min_value=1,
        max_value=options,
        step=1,
        key=TOPK,
        help="An option is common ground when every camp puts it in its top k, under each "
        "camp's own range of weights, at least half the time.",
    )
    return int(value)


def _card(card: CampCard) -> None:
    with st.container(border=True):
        st.markdown(f"**{streamlit_markdown(card.title)}** · {streamlit_markdown(card.size_text)}")
        st.markdown(f"Top options: {streamlit_markdown(words.listing(card.top))}")
        for phrase in card.distinctive:
            st.markdown(f"- It {streamlit_markdown(phrase)}")
        weights = ", ".join(f"{name} {pct}" for name, _, pct in card.weights)
        note(f"Central weights: {streamlit_markdown(weights)}")
        if card.reasons:
            with st.expander(f"Reasons its members gave ({len(card.reasons)})"):
                for criterion, text in card.reasons:
                    st.markdown(
                        f"- **{streamlit_markdown(criterion)}**: {streamlit_markdown(text)}"
                    )


def _cards(view: CampsView) -> None:
    a, b, c = st.columns(3)
    a.metric("Camps", view.camps if view.clear else "none clear")
    b.metric("Fit none", view.unassigned)
    c.metric("Submissions", view.participants)
    for start in range(0, len(view.cards), 2):  # two cards a row: legible at 1024 px
        cols = st.columns(2)
        for col, card in zip(cols, view.cards[start : start + 2], strict=False):
            with col:
                _card(card)


def _common(view: CampsView, top_k: int) -> None:
    st.subheader("Common ground", anchor=False)
    if view.common_sentence:
        st.markdown(streamlit_markdown(view.common_sentence))
    note(
        f"Each option's chance of a top-{top_k} place under each camp's own range of weights "
        "(SMAA), and the lowest of them, the floor: what the least keen camp gives it. Best "
        "floor first."
    )
    chances = [c for c in view.common.columns if c not in ("option", "label", "floor")]
    st.dataframe(
        view.common,
        hide_index=True,
        # the chances first: a long title is cut at the window's edge, never a number
        column_order=["floor", *chances, "label"],
        column_config={
            "label": st.column_config.TextColumn("Option"),
            **{c: st.column_config.NumberColumn(c.capitalize(), format="percent") for c in chances},
            "floor": st.column_config.NumberColumn("Floor", format="percent"),
        },
        height=min(35 * (len(view.common) + 1) + 3, 420),
        key="pb.fac.common_ground",
    )
    st.subheader("What divides the camps", anchor=False)
    if not len(view.dividing):
        note("No option is ranked high by one camp and low by another.")
        return
    note(
        f"Options one camp puts in its top {top_k} at least half the time more often than "
        "another does: each camp's chance of a top-k place, widest gap first."
    )
    st.table(view.dividing, hide_index=True)


def _history(view: HistoryView) -> None:
    st.subheader("Camps across rounds", anchor=False)
    note(
        "Per round: the camps, and against the round before how many stayed in their camp, "
        "moved, joined or left; stability is the share who stayed. Common ground counts the "
        "options every camp has in its top k at least half the time."
    )
    st.table(view.table, hide_index=True)
    for sentence in view.sentences:
        st.markdown(streamlit_markdown(sentence))


def show(catalog: Catalog, options: Sequence[str], criteria: Sequence[str], room: Room) -> None:
    """The camps panel for the options and criteria in play, from one read of the room."""
    st.header("Camps and common ground", anchor=False)
    if room.adjusted:
        note(f"**{streamlit_markdown(room.adjusted)}**: the camps rank with the adopted scores.")
    current, overrides = room.round, room.overrides
    left, right = st.columns(2, vertical_alignment="bottom")
    with left:
        number = _round_on_view(current)
    with right:
        top_k = top_k_input(len(options))
    weights = room.matrix(number, criteria)
    reasons = [x.reasons for x in room.rounds.get(number, ())]
    view = camps_view(catalog, options, criteria, weights, reasons, overrides, top_k)
    st.markdown(streamlit_markdown(view.sentence))
    for line in view.notes:
        note(streamlit_markdown(line))
    if view.camps:
        _cards(view)
        _common(view, top_k)
    else:
        note("The group's ranking above is the room's view for this round.")
    if current > 1:
        # a round just opened has nobody in it yet: not an exodus from every camp
        shown = {r: subs for r, subs in room.rounds.items() if subs or r < current}
        if not room.current:
            note(streamlit_markdown(no_submissions_yet(current)))
        _history(
            history_view(
                catalog,
                options,
                criteria,
                {
                    r: ([x.display_name for x in subs], room.matrix(r, criteria))
                    for r, subs in shown.items()
                },
                overrides,
                top_k,
            )
        )
