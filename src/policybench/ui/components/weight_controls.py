"""The weight controls in the sidebar: preset, method, reset, and one slider per criterion.

Owns the widgets keyed ``pb.preset_picker``, ``pb.method_picker`` and ``pb.w.<criterion id>``
(versioned: :func:`policybench.ui.state.widget_key`); the canonical values live in
:mod:`policybench.ui.state`. Each slider shows its normalised
share beside it; all-zero weights get a message here, beside the sliders.
"""

from __future__ import annotations

import streamlit as st

from policybench import mcda
from policybench.analysis.rank import DEFAULT_METHOD, Ranking
from policybench.analysis.weights import shares
from policybench.catalog import Catalog
from policybench.errors import WeightsError
from policybench.present.labels import method_label, share_label
from policybench.present.text import streamlit_markdown, widget_label
from policybench.ui import state

ZERO_MESSAGE = "All weights are zero: move at least one slider above 0 to rank the options."


RESET_KEY = "pb.reset"


def _on_slider(catalog: Catalog) -> None:
    weights = {
        cid: float(st.session_state.get(state.widget_key(state.SLIDER + cid), w))
        for cid, w in state.current_weights().items()
    }
    st.session_state[state.WEIGHTS] = weights
    state.set_preset(state.matching_preset(catalog, weights))


def _on_preset(catalog: Catalog, key: str) -> None:
    chosen = st.session_state.get(key, state.CUSTOM)
    if chosen == state.CUSTOM or chosen not in catalog.presets_by_id:
        st.session_state[state.PRESET] = state.CUSTOM
        return
    state.set_weights(catalog, state.preset_weights(catalog, chosen), picked=True)


def _on_method(key: str) -> None:
    state.set_method(str(st.session_state.get(key, DEFAULT_METHOD)), picked=True)


def _seed(key: str, value: object) -> None:
    """Give a widget its value from the canonical state when it has none (first draw, or
    after a page without it)."""
    if key not in st.session_state:
        st.session_state[key] = value


def show(
    catalog: Catalog, *, where: st.delta_generator.DeltaGenerator | None = None
) -> tuple[dict[str, float], str]:
    """Draw the controls (in the sidebar by default); return ``(weights, method)``."""
    box = where if where is not None else st.sidebar
    presets = [state.CUSTOM, *(p.id for p in catalog.presets)]
    preset_key = state.widget_key(state.PRESET_PICKER)
    method_key = state.widget_key(state.METHOD_PICKER)
    _seed(preset_key, st.session_state.get(state.PRESET, state.CUSTOM))
    _seed(method_key, state.current_method())
    names = {p.id: p.name for p in catalog.presets}
    box.header("Weights", anchor=False)
    box.selectbox(
        "Perspective (preset)",
        presets,
        key=preset_key,
        format_func=lambda p: "Custom weights" if p == state.CUSTOM else names.get(p, p),
        on_change=_on_preset,
        args=(catalog, preset_key),
        help="Ready-made weights from one capital's point of view; moving a slider makes them your own.",
    )
    box.selectbox(
        "Method",
        list(mcda.METHODS),
        key=method_key,
        format_func=method_label,
        on_change=_on_method,
        args=(method_key,),
        help="How scores on the criteria are combined. The weighted sum on the 0–10 scales is the default.",
    )
    weights = state.current_weights()
    share = shares(weights, catalog.criterion_ids)  # once: the shares shown and "all zero"
    if share is None:
        box.warning(ZERO_MESSAGE)
    top = state.slider_max(catalog)
    step = state.slider_step(catalog)
    for crit in catalog.criteria:
        key = state.widget_key(state.SLIDER + crit.id)
        _seed(key, weights.get(crit.id, top / 2))
        left, right = box.columns([4, 1.35], vertical_alignment="bottom", gap="small")
        cost = " A higher score on it is worse (a cost)." if crit.direction == "cost" else ""
        left.slider(
            widget_label(crit.name),
            min_value=0.0,
            max_value=top,
            step=step,
            key=key,
            on_change=_on_slider,
            args=(catalog,),
            format="%g",
            help=streamlit_markdown(crit.description) + cost,
        )
        right.markdown(f"**{share_label(None if share is None else share[crit.id])}**")
    _scope(catalog, box)
    box.button(
        "Reset to equal weights",
        key=RESET_KEY,
        on_click=state.reset,
        args=(catalog,),
        width="stretch",
        help="Every criterion at the same weight, weighted-sum method.",
    )
    state.sync_url(catalog)
    return state.current_weights(), state.current_method()


EVERYTHING_KEY = "pb.all_toggle"
SCREEN_KEY = "pb.screen_toggle"


def _on_scope(key: str, target: str) -> None:
    st.session_state[target] = bool(st.session_state.get(key))


def _scope(catalog: Catalog, box: st.delta_generator.DeltaGenerator) -> None:
    """Which options every page ranks: the default set or all of them, and the screen."""
    st.session_state[EVERYTHING_KEY] = bool(st.session_state.get(state.EVERYTHING, False))
    box.toggle(
        "Rank every option",
        key=EVERYTHING_KEY,
        on_change=_on_scope,
        args=(EVERYTHING_KEY, state.EVERYTHING),
        help="Off: the packages and the stand-alone recommendations (a package's components "
        "are compared within it, on Evidence). On: also each component of a package and the "
        "options their source only describes.",
    )
    if catalog.default_screen:
        st.session_state[SCREEN_KEY] = bool(st.session_state.get(state.SCREEN, True))
        rules = "; ".join(widget_label(r.reason or r.expression) for r in catalog.default_screen)
        box.toggle(
            "Set aside what no government could adopt",
            key=SCREEN_KEY,
            on_change=_on_scope,
            args=(SCREEN_KEY, state.SCREEN),
            help=f"The catalog's screen ({', '.join(r.expression for r in catalog.default_screen)}), "
            f"applied before any weighting: {rules}",
        )


def ranked_view() -> tuple[Catalog, dict[str, float], str, Ranking] | None:
    """The page prologue shared by Rank, Compare and Robustness: the catalog, the sidebar's
    weights and method, and the ranking under them; ``None`` (with the message shown) when
    every weight is zero."""
    catalog = state.catalog_or_rerun()
    weights, method = show(catalog)
    try:  # the weights' one check: where the ranking meets the catalog (catalog.to_problem)
        ranking = state.rank(catalog, weights, method)
    except WeightsError:  # the sliders give numbers from 0 up: all of them are zero
        st.warning(ZERO_MESSAGE)
        return None
    return catalog, weights, method, ranking
