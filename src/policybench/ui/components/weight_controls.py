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
from policybench.present.glossary import define
from policybench.present.labels import method_label, share_label
from policybench.present.text import streamlit_markdown, widget_label
from policybench.ui import state
from policybench.ui.components import thresholds

ZERO_MESSAGE = "All weights are zero: move at least one slider above 0 to rank the options."


RESET_KEY = "pb.reset"


# A callback carries the key its widget had when it was drawn. When the server has since
# redrawn that widget under a new key (a preset or Reset set the sliders, a slider turned the
# preset picker to "Custom weights"), a browser that has not yet received the redraw still
# sends the old widget's value with the user's next action, and Streamlit, no longer knowing
# the old key, reports it as a change (seen: holding an arrow key on a slider after choosing
# a preset re-applied the preset mid-way, dropping the presses). The widget the user acted on
# is the current one, so a callback from a replaced widget is ignored.
def _current(key: str, base: str) -> bool:
    return key == state.widget_key(base)


def _on_slider(catalog: Catalog, cid: str, key: str) -> None:
    if not _current(key, state.SLIDER + cid):
        return
    weights = {
        cid: float(st.session_state.get(state.widget_key(state.SLIDER + cid), w))
        for cid, w in state.current_weights().items()
    }
    st.session_state[state.WEIGHTS] = weights
    state.set_preset(state.matching_preset(catalog, weights))


def _on_preset(catalog: Catalog, key: str) -> None:
    if not _current(key, state.PRESET_PICKER):
        return
    chosen = st.session_state.get(key, state.CUSTOM)
    if chosen == state.CUSTOM or chosen not in catalog.presets_by_id:
        st.session_state[state.PRESET] = state.CUSTOM
        return
    state.set_weights(catalog, state.preset_weights(catalog, chosen), picked=True)


def _on_method(key: str) -> None:
    if not _current(key, state.METHOD_PICKER):
        return
    state.set_method(str(st.session_state.get(key, DEFAULT_METHOD)), picked=True)


def _seed(key: str, value: object) -> None:
    """Give a widget its value from the canonical state when it has none (first draw, or
    after a page without it)."""
    if key not in st.session_state:
        st.session_state[key] = value


def show(
    catalog: Catalog,
    *,
    where: st.delta_generator.DeltaGenerator | None = None,
    results: str | None = None,
) -> tuple[dict[str, float], str]:
    """Draw the controls (in the sidebar by default); return ``(weights, method)``.

    ``results`` is the anchor of the page's results: a "Skip to results" link to it follows
    the sliders, so that from the weights the results are one Tab stop and a key press away.
    """
    box = where if where is not None else st.sidebar
    presets = [state.CUSTOM, *(p.id for p in catalog.presets)]
    preset_key = state.widget_key(state.PRESET_PICKER)
    _seed(preset_key, st.session_state.get(state.PRESET, state.CUSTOM))
    names = {p.id: p.name for p in catalog.presets}
    box.header("Weights", anchor=False)
    box.selectbox(
        "Perspective (preset)",
        presets,
        key=preset_key,
        format_func=lambda p: "Custom weights" if p == state.CUSTOM else names.get(p, p),
        on_change=_on_preset,
        args=(catalog, preset_key),
        help="Ready-made weights from one capital's point of view; moving a slider makes them "
        "your own.\n\n" + define("share"),
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
        cost = "\n\n" + define("cost") if crit.direction == "cost" else ""
        left.slider(
            widget_label(crit.name),
            min_value=0.0,
            max_value=top,
            step=step,
            key=key,
            on_change=_on_slider,
            args=(catalog, crit.id, key),
            format="%g",
            help=streamlit_markdown(crit.description) + cost,
        )
        right.markdown(f"**{share_label(None if share is None else share[crit.id])}**")
    if results:
        box.markdown(f"[Skip to results](#{results})")
    _method(box)
    _scope(catalog, box)
    thresholds.show(catalog, box)
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


ADVANCED_KEY = "pb.advanced_toggle"
#: The methods other than the default, as the Method picker's help defines them.
ADVANCED_HELP = define("wsm", "wpm", "topsis", "vikor", "promethee2")


def _on_advanced(key: str) -> None:
    on = bool(st.session_state.get(key))
    st.session_state[state.ADVANCED] = on
    if not on and state.current_method() != DEFAULT_METHOD:
        state.set_method(DEFAULT_METHOD)


def _method(box: st.delta_generator.DeltaGenerator) -> None:
    """The method: the weighted sum, unless "Other methods (advanced)" is on, which shows the
    picker of every method (open whenever another method is in force, e.g. from a link)."""
    advanced = bool(st.session_state.get(state.ADVANCED)) or (
        state.current_method() != DEFAULT_METHOD
    )
    st.session_state[state.ADVANCED] = advanced
    st.session_state[ADVANCED_KEY] = advanced
    box.toggle(
        "Other methods (advanced)",
        key=ADVANCED_KEY,
        on_change=_on_advanced,
        args=(ADVANCED_KEY,),
        help="Off: the weighted sum on the criteria's 0–10 scales, the workbench's model. "
        "On: choose another way of combining the scores.\n\n" + define("advanced"),
    )
    if not advanced:
        return
    method_key = state.widget_key(state.METHOD_PICKER)
    _seed(method_key, state.current_method())
    box.selectbox(
        "Method",
        list(mcda.METHODS),
        key=method_key,
        format_func=method_label,
        on_change=_on_method,
        args=(method_key,),
        help="How scores on the criteria are combined.\n\n" + ADVANCED_HELP,
    )


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
        "options their source only describes.\n\n" + define("package", "described"),
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
            f"applied before any weighting: {rules}\n\n" + define("screen"),
        )


def ranked_view(
    *, results: str | None = None
) -> tuple[Catalog, dict[str, float], str, Ranking] | None:
    """The page prologue shared by Rank, Compare and Robustness: the catalog, the sidebar's
    weights and method, and the ranking under them; ``None`` (with the message shown) when
    every weight is zero. ``results``: the anchor of the page's results (:func:`show`)."""
    catalog = state.catalog_or_rerun()
    weights, method = show(catalog, results=results)
    try:  # the weights' one check: where the ranking meets the catalog (catalog.to_problem)
        ranking = state.rank(catalog, weights, method)
    except WeightsError:  # the sliders give numbers from 0 up: all of them are zero
        st.warning(ZERO_MESSAGE)
        return None
    return catalog, weights, method, ranking
