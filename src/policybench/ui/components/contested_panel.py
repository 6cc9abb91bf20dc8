"""The facilitator's contested scores (issue 19 §2–3): the cells the room challenged, open ones
first (most consequential first), decided ones after them, marked and greyed; the room's
reasons and quotes; "if the room is right" beside the group's ranking with the catalog's
scores; a decision per cell; and the catalog patch.

- :func:`contest_view` (cached on the room's weights, the challenges, the decisions, the
  workshop's combination and whether names show): :func:`policybench.analysis.contest.
  contested` and :func:`~policybench.analysis.contest.if_room_right` with the adopted scores as
  the baseline, and the tables and sentences of :mod:`policybench.present.deliberation_ui` and
  :mod:`policybench.present.contest`. Which weights the impact is measured on is
  :func:`policybench.present.deliberation_ui.impact_basis`'s choice (the panel says which when
  they are not this round's).
- The table is an HTML table (``st.table``) of short cells ("4 → 8.5 (outside 3–5)", "4th →
  1st, 3 pairs swap"), so that every cell wraps and nothing is cut off at a projector's 1024
  pixels or on a phone.
- Deciding: the selectbox ``pb.fac.cell`` (the table's order, then cells decided whose
  challenges were withdrawn); the value to adopt ``pb.fac.adopt_value`` (pre-filled with the
  median) and an optional range (``pb.fac.adopt_range``, ``pb.fac.adopt_low``/``_high``,
  pre-filled with the proposals' span when the median falls outside the catalog's range); the
  buttons ``pb.fac.adopt`` "Adopt the median" (which reads "Adopted ✓ 8.5 at 14:02 UTC" once
  adopted, with ``pb.fac.change`` "Change the value" beside it), ``pb.fac.reject`` "Reject" and
  ``pb.fac.undo`` "Undo decision". A decision is confirmed by a success line that stays while
  that cell is on view (the page refreshes every few seconds; Streamlit's toast is an
  unnamed dialog to a screen reader). The store calls are
  the page's (``decide`` and ``undo``, given to :func:`show`).
- ``pb.fac.patch`` "Download catalog patch (.patch)": the patch ``policybench export
  --format patch`` writes (:func:`policybench.export.workshop_report.workshop_patch`) against
  the directory the app loaded its catalog from; disabled, with the reason beside it, while
  nothing is adopted.

Participants' reasons and quotes are shown as text (:func:`~policybench.present.text.
streamlit_markdown`), never as Markdown or HTML that runs, without their author unless "Show
names" is ticked; a quote says what the server's check of it found, naming the paper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from policybench.analysis.contest import ContestedCell, contested, if_room_right, overrides_from
from policybench.analysis.rounds import latest_submitted
from policybench.catalog import Catalog
from policybench.errors import PolicybenchError
from policybench.export.patch import EXTENSION, MEDIA_TYPE
from policybench.export.workshop_report import workshop_patch
from policybench.present import contest as words
from policybench.present import deliberation_ui as deliberation
from policybench.present.deliberation_ui import ReasonRow
from policybench.present.labels import criterion_label, option_label
from policybench.present.text import streamlit_markdown
from policybench.store import Challenge, ScoreDecision, Workshop
from policybench.ui.cache import by_catalog
from policybench.ui.components import workshop_common as common
from policybench.ui.components.facilitator_results import inert_table
from policybench.ui.components.facilitator_room import FloatArray, Room, rows
from policybench.ui.components.text import note

CELL = "pb.fac.cell"
ADOPT = "pb.fac.adopt"
CHANGE = "pb.fac.change"
REJECT = "pb.fac.reject"
UNDO = "pb.fac.undo"
PATCH = "pb.fac.patch"
VALUE = "pb.fac.adopt_value"
USE_RANGE = "pb.fac.adopt_range"
LOW = "pb.fac.adopt_low"
HIGH = "pb.fac.adopt_high"
#: The cell (and its decision's time) the adopt inputs were last filled for.
FILLED = "pb.fac.adopt_for"
#: The adopted cell whose value the facilitator is changing.
CHANGING = "pb.fac.changing"
#: What the last decision came to: ("done", message, cell) stays while that cell is on view;
#: ("error", exception, cell) is said once.
OUTCOME = "pb.fac.cell_outcome"
#: The greyed rows' text colour (7:1 on white, so they stay readable).
GREYED = "color: #595959"
STEP = 0.5
Cell = tuple[str, str]
#: ``decide(option, criterion, decision, value, low, high)`` and ``undo(option, criterion)``:
#: the page's store calls, raising the store's errors.
Decide = Callable[[str, str, str, float | None, float | None, float | None], object]
Undo = Callable[[str, str], object]
#: The contested table's columns as shown, in order.
COLUMNS = deliberation.CONTESTED_COLUMNS


def _cell_name(catalog: Catalog, cell: Cell) -> str:
    return f"{option_label(catalog.options_by_id[cell[0]])} · {criterion_label(catalog, cell[1])}"


def _reason_markdown(row: ReasonRow, names: bool) -> str:
    """One challenge as inert Markdown: its author only when names show, the proposal, the
    reason, the quote and what the server's check of it found."""
    who = f"**{streamlit_markdown(row.who)}** proposes" if names and row.who else "Proposes"
    text = f"{who} {streamlit_markdown(row.proposed)}: {streamlit_markdown(row.reason)}"
    if row.quote:
        text += (
            f"  \n> “{streamlit_markdown(row.quote)}”  \n> :small[Quote "
            f"{streamlit_markdown(row.check)}]"
        )
    return text


@dataclass(frozen=True)
class ContestView:
    """The contested cells and what the panel shows of them: ``cells`` in the table's order
    (open first); ``table`` (:data:`COLUMNS` and ``decided``, text); ``reasons``: per cell, its
    name and each challenge as inert Markdown; "if the room is right" as a sentence and a
    table; the adjusted-scores label."""

    cells: tuple[ContestedCell, ...]
    table: pd.DataFrame
    reasons: tuple[tuple[Cell, str, tuple[str, ...]], ...]
    right_sentence: str
    right_table: pd.DataFrame
    adjusted: str

    @property
    def challenges(self) -> int:
        """How many challenges the reasons hold."""
        return sum(len(lines) for _, _, lines in self.reasons)

    def reasons_for(self, cell: Cell) -> tuple[str, ...]:
        """The challenges of one cell, as Markdown lines (none when it has none)."""
        return next((lines for c, _, lines in self.reasons if c == cell), ())


@by_catalog(max_entries=32)
def contest_view(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    weights: FloatArray,
    challenges: Sequence[Challenge],
    decisions: Sequence[ScoreDecision],
    combination: str,
    names: bool = False,
) -> ContestView:
    """The contested cells under the room's ``weights`` (``(P, M)`` in ``criteria``' order;
    the adopted scores of ``decisions`` as the baseline; the group ranked by the workshop's
    ``combination``) and their tables; ``challenges`` carry the labels shown when ``names``."""
    adopted = overrides_from(decisions)
    settings: dict[str, Any] = {"overrides": adopted or None, "combination": combination}
    room = rows(weights, criteria)
    found = contested(catalog, options, criteria, room, challenges, **settings)
    right = if_room_right(catalog, options, criteria, room, challenges, **settings)
    decided = deliberation.decided_cells(decisions)
    cells = tuple(deliberation.ordered(found, decided))
    grouped: dict[Cell, tuple[str, list[str]]] = {}
    for row in deliberation.reason_rows(catalog, challenges, cells):
        grouped.setdefault(row.cell, (row.name, []))[1].append(_reason_markdown(row, names))
    return ContestView(
        cells=cells,
        table=deliberation.contested_rows(catalog, cells, decided),
        reasons=tuple((cell, name, tuple(lines)) for cell, (name, lines) in grouped.items()),
        right_sentence=words.room_right_sentence(catalog, right),
        right_table=words.room_right_table(catalog, right),
        adjusted=words.adjusted_label(adopted),
    )


@by_catalog(max_entries=16)
def patch_bytes(
    catalog: Catalog,
    catalog_dir: str,
    shop: Workshop,
    decisions: Sequence[ScoreDecision],
    challenges: Sequence[Challenge],
) -> bytes:
    """:func:`~policybench.export.workshop_report.workshop_patch` of ``decisions`` against the
    catalog in ``catalog_dir``, with the reasons of ``challenges`` as comments; UTF-8 (empty
    when nothing is adopted)."""
    return workshop_patch(Path(catalog_dir), catalog, shop, decisions, challenges).encode("utf-8")


def room_weights(room: Room, criteria: Sequence[str]) -> deliberation.ImpactBasis:
    """The weights impact is measured on (:func:`~policybench.present.deliberation_ui.
    impact_basis` of the latest round with submissions)."""
    latest = latest_submitted(room.rounds)
    subs = room.rounds.get(latest, ()) if latest is not None else ()
    return deliberation.impact_basis(latest, room.round, criteria, [x.weights for x in subs])


# ------------------------------------------------------------------------------ the panel
def _record(catalog: Catalog, cell: Cell, d: ScoreDecision | None) -> str:
    """The decision on ``cell`` with its time, in a sentence."""
    if d is None:
        value = catalog.options_by_id[cell[0]].scores[cell[1]].value
        return f"Open: the catalog's score ({words.score_text(value)}) stands until you decide."
    when = d.decided_at.strftime("%d %b %Y at %H:%M UTC")
    if d.decision != "adopted" or d.value is None:
        return f"Rejected on {when} (round {d.round}): the catalog's score stands."
    span = ""
    if d.low is not None and d.high is not None and d.low != d.high:
        span = f", range {words.range_text(d.low, d.high)}"
    return f"Adopted {words.score_text(d.value)}{span} on {when} (round {d.round})."


def _act(action: Callable[[], object], done: str, cell: Cell) -> None:
    """A decision button's callback: the store call, and what it came to for the panel."""
    try:
        action()
    except Exception as exc:  # said beside the buttons (a bug logged), never a traceback
        st.session_state[OUTCOME] = ("error", exc, cell)
        return
    st.session_state[OUTCOME] = ("done", done, cell)
    st.session_state.pop(CHANGING, None)


def _outcome(cell: Cell) -> None:
    """What the last decision came to: a success line while its cell is on view (it survives
    the monitor's refresh; not a toast, whose dialog has no accessible name); an error once."""
    found = st.session_state.get(OUTCOME)
    if not found or tuple(found[2]) != cell:
        return
    kind, what, _ = found
    if kind == "error":
        st.session_state.pop(OUTCOME, None)
        common.show_error(what)
    else:
        st.success(streamlit_markdown(what))


def _fill(cell: Cell, found: ContestedCell | None, d: ScoreDecision | None, value: float) -> None:
    """Fill the adopt inputs for ``cell`` once per cell and decision (before they are drawn):
    the adopted value and range, else the median and (outside the catalog's range) the
    proposals' span, else ``value`` (the catalog's)."""
    mark = (cell, None if d is None else d.decided_at)
    state = st.session_state
    if state.get(FILLED) == mark:
        return
    low: float | None
    high: float | None
    if d is not None and d.decision == "adopted" and d.value is not None:
        value, low, high = d.value, d.low, d.high
    elif found is not None:
        value, low, high = deliberation.adopt_defaults(found)
    else:
        low = high = None
    state[VALUE] = float(value)
    state[USE_RANGE] = low is not None and high is not None and low != high
    state[LOW] = float(low if low is not None else value)
    state[HIGH] = float(high if high is not None else value)
    state[FILLED] = mark


def _adopt_inputs() -> tuple[float, float | None, float | None]:
    """The value (and range) to adopt, as the facilitator set them."""
    value = st.number_input("Value to adopt (0–10)", 0.0, 10.0, step=STEP, key=VALUE, format="%g")
    if not st.checkbox("With a range", key=USE_RANGE):
        return float(value), None, None
    low, high = st.columns(2)
    lo = low.number_input("Lowest", 0.0, 10.0, step=STEP, key=LOW, format="%g")
    hi = high.number_input("Highest", 0.0, 10.0, step=STEP, key=HIGH, format="%g")
    return float(value), float(lo), float(hi)


def _adopt(
    cell: Cell,
    name: str,
    found: ContestedCell | None,
    d: ScoreDecision | None,
    closed: str | None,
    decide: Decide,
) -> None:
    """The adopt control: the value and range, and "Adopt"; once adopted, "Adopted ✓" with its
    time and a way to change the value."""
    adopted = d is not None and d.decision == "adopted" and d.value is not None
    changing = st.session_state.get(CHANGING) == cell
    if adopted and not changing and d is not None:
        left, right = st.columns(2)
        left.button(
            deliberation.adopted_button(d.value, d.decided_at),
            key=ADOPT,
            type="primary",
            width="stretch",
            disabled=True,
            help="Adopted for this workshop: its results use this value.",
        )
        right.button(
            "Change the value",
            key=CHANGE,
            width="stretch",
            disabled=bool(closed),
            help=closed or "Adopt another value or range for this score.",
            on_click=lambda: st.session_state.__setitem__(CHANGING, cell),
        )
        return
    value, low, high = _adopt_inputs()
    median = found.median if found is not None else None
    label = (
        "Adopt the median"
        if median is not None and words.score_text(value) == words.score_text(median)
        else f"Adopt {words.score_text(value)}"
    )
    span = f", range {words.range_text(low, high)}" if low is not None else ""
    st.button(
        label,
        key=ADOPT,
        type="primary",
        width="stretch",
        disabled=bool(closed),
        help=closed
        or f"Adopt {words.score_text(value)}{span} for this workshop: its results then use it "
        "in place of the catalog's score.",
        on_click=_act,
        args=(
            lambda: decide(*cell, "adopted", value, low, high),
            f"Adopted {words.score_text(value)}{span} for {name}.",
            cell,
        ),
    )


def _decide_controls(
    catalog: Catalog,
    shop: Workshop,
    room: Room,
    view: ContestView,
    decide: Decide,
    undo: Undo,
) -> None:
    """The cell to decide, its record, the adopt control, reject and undo, and the cell's
    reasons."""
    by_cell = {(c.option, c.criterion): c for c in view.cells}
    choices = list(by_cell) + [
        (d.option, d.criterion) for d in room.decisions if (d.option, d.criterion) not in by_cell
    ]
    if st.session_state.get(CELL) not in choices:
        st.session_state.pop(CELL, None)
    picked = st.selectbox(
        "Score to decide (open ones first, most impact first)",
        choices,
        key=CELL,
        format_func=lambda cell: _cell_name(catalog, cell),
    )
    if picked is None:
        return
    cell: Cell = (str(picked[0]), str(picked[1]))
    found = by_cell.get(cell)
    decision = room.decision_on(*cell)
    st.markdown(streamlit_markdown(_record(catalog, cell, decision)))
    closed = (
        "The workshop is closed: decisions can no longer change."
        if shop.state == "closed"
        else None
    )
    name = _cell_name(catalog, cell)
    _fill(cell, found, decision, float(catalog.options_by_id[cell[0]].scores[cell[1]].value))
    _adopt(cell, name, found, decision, closed, decide)
    undo_help = closed or (None if decision is not None else "No decision on this score yet.")
    r, u = st.columns(2)
    r.button(
        "Reject",
        key=REJECT,
        width="stretch",
        disabled=bool(closed) or (decision is not None and decision.decision == "rejected"),
        help=closed or "Keep the catalog's score; the challenges stay on record.",
        on_click=_act,
        args=(lambda: decide(*cell, "rejected", None, None, None), f"Rejected for {name}.", cell),
    )
    u.button(
        "Undo decision",
        key=UNDO,
        width="stretch",
        disabled=bool(undo_help),
        help=undo_help or "Remove the decision: the catalog's score stands again.",
        on_click=_act,
        args=(lambda: undo(*cell), f"Decision undone for {name}.", cell),
    )
    if closed:
        note(streamlit_markdown(closed))
    elif found is None:
        note("Nobody challenges this score any more: adopt a value of your own, or undo.")
    _outcome(cell)
    for line in view.reasons_for(cell):
        st.markdown(line)


def contested_table(table: pd.DataFrame) -> None:
    """A contested table (:func:`policybench.present.deliberation_ui.contested_rows`) as an HTML
    table that wraps, decided rows greyed (their Decision column says what was decided)."""
    decided = list(table["decided"])
    shown = inert_table(table.drop(columns=["decided"]))
    styled = shown.style.apply(lambda row: [GREYED if decided[row.name] else ""] * len(row), axis=1)
    st.table(styled, hide_index=True)


def _room_right(view: ContestView) -> None:
    st.subheader("If the room is right", anchor=False)
    st.markdown(streamlit_markdown(view.right_sentence))
    note(
        "The group's ranking with the catalog's scores (and any adopted) beside the one with "
        "every contested score at the room's median."
    )
    st.dataframe(
        view.right_table,
        hide_index=True,
        # the ranks first: a long title is cut at the window's edge, never a rank
        column_order=["catalog_rank", "room_rank", "change", "label"],
        column_config={
            "label": st.column_config.TextColumn("Option"),
            "catalog_rank": st.column_config.NumberColumn("With the catalog's", format="%d"),
            "room_rank": st.column_config.NumberColumn("If the room is right", format="%d"),
            "change": st.column_config.TextColumn("Change"),
        },
        height=min(35 * (len(view.right_table) + 1) + 3, 420),
        key="pb.fac.room_right",
    )


def _patch(catalog: Catalog, shop: Workshop, room: Room) -> None:
    """The download of the adopted scores as a patch, or why there is none."""
    adopted = [d for d in room.decisions if d.decision == "adopted"]
    data: bytes = b""
    why = "Nothing is adopted yet: adopt a score to export it as a patch."
    if adopted:
        try:
            data = patch_bytes(catalog, str(catalog.root), shop, room.decisions, room.challenges)
            why = ""
        except PolicybenchError as exc:
            why = f"The patch cannot be written: {exc}"
    st.download_button(
        "Download catalog patch (.patch)",
        data=data,
        file_name=f"policybench-workshop-{shop.created_at:%Y-%m-%d}-scores{EXTENSION}",
        mime=MEDIA_TYPE,
        key=PATCH,
        disabled=not data,
        help=why
        or "A unified diff against the catalog's option files, with the room's "
        "reasons as comments, for its maintainers to review and `git apply`.",
        on_click="ignore",
    )
    if why:
        note(streamlit_markdown(why))
    else:
        note(
            f"{len(adopted)} adopted score{'s' if len(adopted) != 1 else ''} as a patch "
            "against the catalog's files; the app never edits them itself."
        )


def show(
    catalog: Catalog,
    shop: Workshop,
    room: Room,
    *,
    names: bool,
    decide: Decide,
    undo: Undo,
) -> None:
    """The contested-scores panel (see the module docstring); the group ranked by the
    workshop's rule (``shop.combination``)."""
    st.header("Contested scores", anchor=False)
    challenges = room.labelled_challenges(names)
    if not challenges and not room.decisions:
        note(
            "Nobody has challenged a score yet. Participants challenge a score from their page "
            "while the round is open; the challenges appear here, most consequential first."
        )
        _patch(catalog, shop, room)
        return
    basis = room_weights(room, shop.criteria)
    try:
        view = contest_view(
            catalog,
            shop.options,
            shop.criteria,
            basis.weights,
            challenges,
            room.decisions,
            shop.combination,
            names,
        )
    except PolicybenchError as exc:
        common.show_error(exc)
        return
    if view.adjusted:
        st.markdown(f"**{streamlit_markdown(view.adjusted)}**")
    if basis.note:
        note(streamlit_markdown(basis.note))
    if view.cells:
        note(
            "Each challenged score: the catalog's value → the room's median (and whether it "
            "falls outside the catalog's range), the proposals, the decision, and where the "
            "option would move in the group's ranking if the median were adopted. Open scores "
            "first, most impact first; decided ones greyed below them."
        )
        contested_table(view.table)
    _decide_controls(catalog, shop, room, view, decide, undo)
    if view.challenges:
        with st.expander(f"Every challenge's reason and quote ({view.challenges})"):
            for _, name, lines in view.reasons:
                st.markdown(f"**{streamlit_markdown(name)}**")
                for line in lines:
                    st.markdown(line)
    if view.cells:
        _room_right(view)
    _patch(catalog, shop, room)
