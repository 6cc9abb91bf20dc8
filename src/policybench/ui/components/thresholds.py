"""The sidebar's thresholds: a floor on each benefit criterion and a ceiling on each cost one,
on the catalog's 0–10 scale, applied before any weighting (an option that fails one is set
aside whatever its other scores, and listed with what it fails on the Rank page).

Off by default: a floor of 0 on a benefit and a ceiling of 10 on a cost screen nothing. Owns
the widgets keyed ``pb.t.<criterion id>~<revision>`` (the revision is bumped whenever the
server sets the thresholds, e.g. when a saved profile is loaded, so that the browser draws
fresh sliders); the canonical thresholds are :data:`policybench.ui.state.REQUIRE`, shared by
every page, the link and saved profiles.
"""

from __future__ import annotations

import streamlit as st

from policybench.catalog import Catalog, Criterion, parse_requirement
from policybench.catalog.models import SCALE_MAX, SCALE_MIN
from policybench.present.text import widget_label
from policybench.ui import state

PREFIX = "pb.t."
REVISION = "pb.t.revision"
CLEAR_KEY = "pb.t.clear"
STEP = 0.5
NOT_APPLIED = (
    "These thresholds would leave fewer than two options to rank, so they are not applied: "
    "lower a floor or raise a ceiling."
)


def key(criterion_id: str, session: object = None) -> str:
    """The current key of a criterion's threshold slider (``session``: another session
    state, e.g. AppTest's)."""
    ss = st.session_state if session is None else session
    return f"{PREFIX}{criterion_id}~{int(ss.get(REVISION, 0))}"  # type: ignore[attr-defined]


def neutral(criterion: Criterion) -> float:
    """The slider's position that screens nothing: 0 for a benefit, 10 for a cost."""
    return float(SCALE_MAX if criterion.direction == "cost" else SCALE_MIN)


def expression(criterion: Criterion, value: float) -> str | None:
    """``achievability>=3`` or ``escalation_risk<=5``; None at the neutral position."""
    if value == neutral(criterion):
        return None
    op = "<=" if criterion.direction == "cost" else ">="
    return f"{criterion.id}{op}{value:g}"


def refresh() -> None:
    """Draw the sliders afresh from the canonical thresholds (after the server set them)."""
    st.session_state[REVISION] = int(st.session_state.get(REVISION, 0)) + 1


def _on_change(catalog: Catalog) -> None:
    chosen = [
        e
        for c in catalog.criteria
        if (e := expression(c, float(st.session_state.get(key(c.id), neutral(c))))) is not None
    ]
    state.set_requirements(catalog, chosen)


def _clear(catalog: Catalog) -> None:
    state.set_requirements(catalog, [])
    refresh()


def current(catalog: Catalog) -> dict[str, float]:
    """The thresholds in force by criterion id (the floor or the ceiling)."""
    out: dict[str, float] = {}
    for text in state.current_requirements():
        req = parse_requirement(text, catalog)
        bound = req.at_least if req.at_least is not None else req.at_most
        assert bound is not None  # a requirement has one of the two
        out[req.criterion] = float(bound)
    return out


def show(catalog: Catalog, box: st.delta_generator.DeltaGenerator) -> None:
    """The thresholds, in an expander of ``box`` (open when some are set)."""
    values = current(catalog)
    with box.expander(
        f"Thresholds ({len(values)} set)" if values else "Thresholds (none set)",
        expanded=bool(values),
    ):
        st.markdown(
            ":small[Set aside every option below a floor (or above a ceiling, for a cost), "
            "whatever its other scores, on the catalog's 0–10 scale. At 0 (a cost: 10) a "
            "slider screens nothing.]"
        )
        for crit in catalog.criteria:
            k = key(crit.id)
            if k not in st.session_state:
                st.session_state[k] = values.get(crit.id, neutral(crit))
            way = "at most" if crit.direction == "cost" else "at least"
            st.slider(
                widget_label(f"{crit.name} ({way})"),
                min_value=float(SCALE_MIN),
                max_value=float(SCALE_MAX),
                step=STEP,
                key=k,
                on_change=_on_change,
                args=(catalog,),
                format="%g",
            )
        if values:
            if not state.thresholds_applied(catalog):
                st.warning(NOT_APPLIED)
            st.button(
                "Clear the thresholds",
                key=CLEAR_KEY,
                on_click=_clear,
                args=(catalog,),
                width="stretch",
            )
