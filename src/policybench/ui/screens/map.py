"""Map: every option on two axes (impact against achievability by default, or any two clusters
or single criteria), the efficient frontier through the options no other beats on both, and
the evidence of the option picked on the map or in the list.

It follows the sidebar: the weights (a cluster's value is the weighted mean of its criteria's
values, under the weights restricted to the cluster) and the options in play (the default set
or every option, with the screen). The whole body is one fragment, so a slider change redraws
only this page.
"""

from __future__ import annotations

import copy
from typing import Any

import streamlit as st

from policybench.analysis.frontier import DEFAULT_X, DEFAULT_Y, Frontier, axes, frontier_catalog
from policybench.catalog import Catalog
from policybench.errors import InputError, WeightsError
from policybench.export.map import map_image
from policybench.present.charts.map import ON, PICK, map_chart
from policybench.present.frontier import axis_label, frontier_sentence, frontier_table
from policybench.present.text import streamlit_markdown, widget_label
from policybench.ui import state
from policybench.ui.components import evidence, weight_controls
from policybench.ui.components.errors import guarded
from policybench.ui.components.text import note

X_KEY = "pb.map.x"
Y_KEY = "pb.map.y"
OPTION_KEY = "pb.map.option"
CHART_KEY = "pb.map.chart"
#: The last point clicked on the map, so that a click chooses an option once and the list
#: can be changed afterwards without the old click choosing again.
CLICKED = "pb.map.clicked"
DOWNLOADS = "pb.map.downloads"
#: Sizes Altair's default theme sets for every view; Streamlit sizes the chart itself.
THEME_VIEW_KEYS = ("continuousWidth", "continuousHeight")

EXPLAIN = (
    "Each point is an option; by default, across is what it achieves (impact) and up is "
    "whether it can happen, how soon it pays and what it risks (achievability). On a cluster, an option's place is "
    "the weighted mean of its 0–1 values on the cluster's criteria, with the sidebar's "
    "weights. The blue line joins the options on the **efficient frontier**: no other option "
    "is at least as good on both axes and better on one."
)


def _clicked(event: Any) -> str | None:
    """The option of the point clicked on the map, if any."""
    try:
        picked = event["selection"][PICK]
    except (KeyError, TypeError):
        return None
    if isinstance(picked, list) and picked and isinstance(picked[0], dict):
        value = picked[0].get("option")
        return str(value) if value is not None else None
    return None


def _draw(result: Frontier, catalog: Catalog) -> Any:
    """The map, clickable: its spec with the datasets handed over as data frames."""
    chart = map_chart(result, catalog).untitled()
    spec = copy.deepcopy(dict(chart.spec))
    view = spec.get("config", {}).get("view", {})
    for name in THEME_VIEW_KEYS:
        view.pop(name, None)
    spec["datasets"] = dict(chart.datasets)
    return st.vega_lite_chart(
        spec=spec, width="stretch", on_select="rerun", selection_mode=PICK, key=CHART_KEY
    )


@st.fragment
@guarded
def body() -> None:
    catalog = state.catalog_or_rerun()
    weights, _ = weight_controls.show(catalog)
    selection = state.selection(catalog)
    every = {a.id: a for a in axes(catalog)}
    labels = {a: widget_label(axis_label(every[a], catalog)) for a in every}
    ids = list(every)
    st.session_state.setdefault(X_KEY, DEFAULT_X if DEFAULT_X in every else ids[0])
    st.session_state.setdefault(Y_KEY, DEFAULT_Y if DEFAULT_Y in every else ids[1])
    left, right = st.columns(2)
    x = left.selectbox("Across (x axis)", ids, key=X_KEY, format_func=labels.__getitem__)
    y = right.selectbox("Up (y axis)", ids, key=Y_KEY, format_func=labels.__getitem__)
    try:
        result = frontier_catalog(
            catalog, weights, x=x, y=y, options=selection.options, label=_label(catalog)
        )
    except WeightsError:
        st.warning(weight_controls.ZERO_MESSAGE)
        return
    except InputError as exc:  # the same axis twice, or an axis whose weights are all 0
        st.warning(streamlit_markdown(str(exc)))
        return
    st.markdown(streamlit_markdown(frontier_sentence(result, catalog)))
    event = _draw(result, catalog)
    table = frontier_table(result, catalog)
    clicked = _clicked(event)
    if clicked != st.session_state.get(CLICKED):
        st.session_state[CLICKED] = clicked
        if clicked in set(table["option"]):
            st.session_state[OPTION_KEY] = clicked
    names = dict(zip(table["option"], table["label"], strict=True))
    on = set(table.loc[table["efficient"], "option"])
    chosen = st.selectbox(
        "Open an option's evidence (or click its point on the map)",
        list(table["option"]),
        index=None,
        key=OPTION_KEY,
        placeholder="Choose an option",
        format_func=lambda o: widget_label(names[o] + (f" · {ON.lower()}" if o in on else "")),
    )
    if chosen is not None and chosen in catalog.options_by_id:
        option = catalog.options_by_id[chosen]
        i = result.option_ids.index(chosen)
        with st.container(border=True):
            st.subheader(streamlit_markdown(names[chosen]), anchor=False)
            note(
                f"{streamlit_markdown(axis_label(result.x_axis, catalog))}: {result.x[i]:.3f} · "
                f"{streamlit_markdown(axis_label(result.y_axis, catalog))}: {result.y[i]:.3f}"
                + (" · on the efficient frontier" if chosen in on else "")
            )
            evidence.show_body(catalog, option)
    _downloads(result, catalog, selection.expressions)


def _label(catalog: Catalog) -> str:
    """Where the weights come from, for the map's stamp: the preset's name or "custom"."""
    preset = st.session_state.get(state.PRESET, state.CUSTOM)
    found = catalog.presets_by_id.get(str(preset))
    return f"preset {found.id}" if found is not None else "weights set in the app"


def _downloads(result: Frontier, catalog: Catalog, screen: tuple[str, ...]) -> None:
    """PNG and SVG of the map, built only when asked for (a slider move never pays for it)."""
    inputs = (
        catalog.fingerprint,
        result.x_axis.id,
        result.y_axis.id,
        tuple(result.option_ids),
        tuple(round(float(w), 12) for w in result.weights),
    )
    with st.expander("Download the map (PNG, SVG)"):
        note("Each file is stamped with the weights, the axes, the screen and the catalog.")
        if st.session_state.get(DOWNLOADS) != inputs:
            if not st.button("Prepare the images", key=f"{DOWNLOADS}.prepare"):
                return
            st.session_state[DOWNLOADS] = inputs
        stem = f"policybench-map-{result.x_axis.id}-{result.y_axis.id}-{catalog.short_fingerprint}"
        stem = stem.replace(":", "-")
        columns = st.columns(2)
        for column, fmt, mime in zip(
            columns, ("png", "svg"), ("image/png", "image/svg+xml"), strict=True
        ):
            column.download_button(
                fmt.upper(),
                data=map_image(result, catalog, fmt, screen=screen),
                file_name=f"{stem}.{fmt}",
                mime=mime,
                key=f"{DOWNLOADS}.{fmt}",
                width="stretch",
            )


def main() -> None:
    st.title("Map: where each option stands", anchor=False)
    note(EXPLAIN)
    body()


if __name__ == "__main__":
    main()
