"""The facilitator's contested scores (issue 19 §2–3): the cells the room challenged, most
consequential first, with the room's reasons and quotes; "if the room is right" beside the
group's ranking with the catalog's scores; a decision per cell; and the catalog patch.

- :func:`contest_view` (cached on the room's weights, the challenges, the decisions and the
  combination): :func:`policybench.analysis.contest.contested` and
  :func:`~policybench.analysis.contest.if_room_right` with the adopted scores as the baseline,
  and the tables and sentences of :mod:`policybench.present.contest`. Impact is measured on
  the current round's weights; before anyone submitted in this round, on the latest round
  with submissions; before any submission at all, on equal weights on the criteria in play
  (the panel says which).
- The table is an HTML table (``st.table``), so that every cell wraps and nothing is cut off
  at a projector's 1024 pixels.
- Deciding: the selectbox ``pb.fac.cell`` (the challenged cells, most impact first, then
  cells decided whose challenges were withdrawn) and the buttons ``pb.fac.adopt`` "Adopt the
  median", ``pb.fac.reject`` "Reject" and ``pb.fac.undo`` "Undo decision". Adopting records
  the median of the proposals and, when the median falls outside the catalog's range, the
  proposals' lowest and highest (their ranges included) as the adopted range. The decision is
  shown with its time. The store calls are the page's (``decide`` and ``undo``, given to
  :func:`show`); this module only calls them from the buttons.
- ``pb.fac.patch`` "Download catalog patch (.patch)": the patch ``policybench export
  --format patch`` writes (:func:`policybench.export.workshop_report.workshop_patch`, i.e.
  :func:`policybench.export.patch.catalog_patch` of the decisions with the room's reasons as
  comments) against the directory the app loaded its catalog from; disabled, with the reason
  beside it, while nothing is adopted.

Participants' reasons and quotes are shown as text (:func:`~policybench.present.text.
streamlit_markdown`), never as Markdown or HTML that runs; a quote says whether the server
found it verbatim in its source.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from policybench.analysis.contest import ContestedCell, contested, if_room_right, overrides_from
from policybench.catalog import Catalog
from policybench.errors import PolicybenchError
from policybench.export.patch import EXTENSION, MEDIA_TYPE
from policybench.export.workshop_report import workshop_patch
from policybench.present import contest as words
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
REJECT = "pb.fac.reject"
UNDO = "pb.fac.undo"
PATCH = "pb.fac.patch"
#: What the last decision came to: ("done", message) or ("error", exception); said once.
OUTCOME = "pb.fac.cell_outcome"
Cell = tuple[str, str]
#: ``decide(option, criterion, decision, value, low, high)`` and ``undo(option, criterion)``:
#: the page's store calls, raising the store's errors.
Decide = Callable[[str, str, str, float | None, float | None, float | None], object]
Undo = Callable[[str, str], object]
#: The contested table's columns as shown, in order.
COLUMNS = (
    "Option",
    "Criterion",
    "Catalog",
    "Proposed",
    "Median",
    "Decision",
    "If the median were adopted",
)


def _cell_name(catalog: Catalog, cell: Cell) -> str:
    return f"{option_label(catalog.options_by_id[cell[0]])} · {criterion_label(catalog, cell[1])}"


def _reason_markdown(row: Mapping[str, Any]) -> str:
    """One challenge as inert Markdown: who, the proposal, the reason, the quote and whether
    it was found verbatim in its source."""
    proposed = words.score_text(float(row["value"]))
    if row["range"]:
        proposed += f" (range {row['range']})"
    text = (
        f"**{streamlit_markdown(row['participant'])}** proposes {streamlit_markdown(proposed)}: "
        f"{streamlit_markdown(row['reason'])}"
    )
    if row["quote"]:
        status = (
            "verified: found verbatim in"
            if row["quote_status"] == "verified"
            else "unverified: not checked against"
        )
        text += (
            f"  \n> “{streamlit_markdown(row['quote'])}”  \n> :small[Quote {status} "
            f"{streamlit_markdown(row['source'] or 'the source named')}]"
        )
    return text


@dataclass(frozen=True)
class ContestView:
    """The contested cells and what the panel shows of them: ``table`` (:data:`COLUMNS`,
    text); ``reasons``: per cell (in the table's order), its name and each challenge as inert
    Markdown (:func:`_reason_markdown` of :func:`policybench.present.contest.reasons_table`'s
    rows); "if the room is right" as a sentence and a table; the adjusted-scores label."""

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


def _decision_text(d: ScoreDecision | None) -> str:
    if d is None:
        return "—"
    if d.decision != "adopted" or d.value is None:
        return "Rejected"
    return f"Adopted {words.score_text(d.value)}"


def _shown(
    catalog: Catalog, cells: Sequence[ContestedCell], decisions: Sequence[ScoreDecision]
) -> pd.DataFrame:
    """The contested table as the room reads it: one row per cell, every value as text."""
    by_cell = {(d.option, d.criterion): d for d in decisions}
    table = words.contested_table(catalog, cells)
    rows = []
    for c, row in zip(cells, table.to_dict("records"), strict=True):
        median = words.score_text(c.median)
        if c.outside:
            median += ", outside the catalog's range"
        count = f"{c.count} challenge{'s' if c.count != 1 else ''}"
        decision = by_cell.get((c.option, c.criterion))
        impact = row["impact"]
        if c.adopted is not None and c.adopted == c.median:
            impact = "In place: the results above use it"
        rows.append(
            (
                row["label"],
                row["criterion"],
                words.score_text(c.value) + (f" (range {row['range']})" if c.low != c.high else ""),
                f"{count}: {row['proposed']}",
                median,
                _decision_text(decision),
                impact,
            )
        )
    return inert_table(pd.DataFrame(rows, columns=list(COLUMNS)))


@by_catalog(max_entries=32)
def contest_view(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    weights: FloatArray,
    challenges: Sequence[Challenge],
    decisions: Sequence[ScoreDecision],
    combination: str,
) -> ContestView:
    """The contested cells under the room's ``weights`` (``(P, M)`` in ``criteria``' order;
    the adopted scores of ``decisions`` as the baseline) and their tables; ``challenges``
    carry the names to show."""
    adopted = overrides_from(decisions)
    settings: dict[str, Any] = {"overrides": adopted or None, "combination": combination}
    room = rows(weights, criteria)
    cells = contested(catalog, options, criteria, room, challenges, **settings)
    right = if_room_right(catalog, options, criteria, room, challenges, **settings)
    grouped: dict[Cell, list[str]] = {}
    for row in words.reasons_table(catalog, challenges, cells).to_dict("records"):
        grouped.setdefault((row["option"], row["criterion_id"]), []).append(_reason_markdown(row))
    return ContestView(
        cells=cells,
        table=_shown(catalog, cells, decisions),
        reasons=tuple(
            (cell, _cell_name(catalog, cell), tuple(lines)) for cell, lines in grouped.items()
        ),
        right_sentence=words.room_right_sentence(catalog, right),
        right_table=words.room_right_table(catalog, right),
        adjusted=words.adjusted_label(sum(len(row) for row in adopted.values())),
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


# ------------------------------------------------------------------------------ the weights
def room_weights(room: Room, criteria: Sequence[str]) -> tuple[FloatArray, str]:
    """The weights impact is measured on (``(P, M)``), and a note saying which when they are
    not this round's: the current round's; else the latest earlier round's; else equal
    weights."""
    if room.current:
        return room.matrix(room.round, criteria), ""
    earlier = [r for r in sorted(room.rounds, reverse=True) if room.rounds[r]]
    if earlier:
        r = earlier[0]
        return (
            room.matrix(r, criteria),
            f"Impact measured with round {r}'s weights until the first submission of round "
            f"{room.round}.",
        )
    return (
        np.ones((1, len(criteria))),
        "Impact measured with equal weights until the first submission.",
    )


# ------------------------------------------------------------------------------ the panel
def _record(catalog: Catalog, cell: Cell, d: ScoreDecision | None) -> str:
    """The decision on ``cell`` with its time, in a sentence."""
    if d is None:
        value = catalog.options_by_id[cell[0]].scores[cell[1]].value
        return f"No decision yet: the catalog's score ({words.score_text(value)}) stands."
    when = d.decided_at.strftime("%d %b %Y at %H:%M UTC")
    if d.decision != "adopted" or d.value is None:
        return f"Rejected on {when} (round {d.round}): the catalog's score stands."
    span = ""
    if d.low is not None and d.high is not None and d.low != d.high:
        span = f", range {words.range_text(d.low, d.high)}"
    return f"Adopted {words.score_text(d.value)}{span} on {when} (round {d.round})."


def _act(action: Callable[[], object], done: str) -> None:
    """A decision button's callback: the store call, and what it came to for the panel."""
    try:
        action()
    except Exception as exc:  # said beside the buttons (a bug logged), never a traceback
        st.session_state[OUTCOME] = ("error", exc)
        return
    st.session_state[OUTCOME] = ("done", done)


def _outcome() -> None:
    found = st.session_state.pop(OUTCOME, None)
    if not found:
        return
    kind, what = found
    if kind == "error":
        common.show_error(what)
    else:
        st.success(streamlit_markdown(what))


def _decide_controls(
    catalog: Catalog,
    shop: Workshop,
    room: Room,
    view: ContestView,
    decide: Decide,
    undo: Undo,
) -> None:
    """The cell to decide, its record, the three buttons and the cell's reasons."""
    by_cell = {(c.option, c.criterion): c for c in view.cells}
    choices = list(by_cell) + [
        (d.option, d.criterion) for d in room.decisions if (d.option, d.criterion) not in by_cell
    ]
    if st.session_state.get(CELL) not in choices:
        st.session_state.pop(CELL, None)
    picked = st.selectbox(
        "Score to decide (most impact first)",
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
    adopt_value = low = high = None
    if found is not None:
        adopt_value = found.median
        if found.outside:
            low, high = found.room_low, found.room_high
    adopt_help = closed or (
        "Nobody challenges this score any more: there is no median to adopt."
        if found is None
        else f"Adopt {words.score_text(found.median)} for this workshop"
        + (f", range {words.range_text(low, high)}" if low is not None else "")
        + ": its results then use it in place of the catalog's score."
    )
    undo_help = closed or (None if decision is not None else "No decision on this score yet.")
    name = _cell_name(catalog, cell)
    a, r, u = st.columns(3)
    a.button(
        "Adopt the median",
        key=ADOPT,
        type="primary",
        width="stretch",
        disabled=bool(closed) or found is None,
        help=adopt_help,
        on_click=_act,
        args=(lambda: decide(*cell, "adopted", adopt_value, low, high), f"Adopted for {name}."),
    )
    r.button(
        "Reject",
        key=REJECT,
        width="stretch",
        disabled=bool(closed),
        help=closed or "Keep the catalog's score; the challenges stay on record.",
        on_click=_act,
        args=(lambda: decide(*cell, "rejected", None, None, None), f"Rejected for {name}."),
    )
    u.button(
        "Undo decision",
        key=UNDO,
        width="stretch",
        disabled=bool(undo_help),
        help=undo_help or "Remove the decision: the catalog's score stands again.",
        on_click=_act,
        args=(lambda: undo(*cell), f"Decision undone for {name}."),
    )
    if closed or found is None:
        note(streamlit_markdown(adopt_help))
    _outcome()
    for line in view.reasons_for(cell):
        st.markdown(line)


def _table(view: ContestView) -> None:
    st.table(view.table, hide_index=True)


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
    combination: str,
    decide: Decide,
    undo: Undo,
) -> None:
    """The contested-scores panel (see the module docstring)."""
    st.header("Contested scores", anchor=False)
    challenges = room.labelled_challenges(names)
    if not challenges and not room.decisions:
        note(
            "Nobody has challenged a score yet. Participants challenge a score from their page "
            "while the round is open; the challenges appear here, most consequential first."
        )
        _patch(catalog, shop, room)
        return
    weights, measured = room_weights(room, shop.criteria)
    try:
        view = contest_view(
            catalog, shop.options, shop.criteria, weights, challenges, room.decisions, combination
        )
    except PolicybenchError as exc:
        common.show_error(exc)
        return
    if view.adjusted:
        st.markdown(f"**{streamlit_markdown(view.adjusted)}**")
    if measured:
        note(streamlit_markdown(measured))
    if view.cells:
        note(
            "Each challenged score: the catalog's value and range, the proposals, their median, "
            "and what adopting the median would do to the group's ranking; most impact first."
        )
        _table(view)
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
