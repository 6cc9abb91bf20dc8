"""Compare: two perspectives side by side, options head to head, and every method at once.

- Two weight profiles (the current weights or any preset) with a slope chart of rank shifts.
- Two or three options criterion by criterion, with each score's range.
- All aggregation methods side by side, with Kendall's tau between their rankings.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policybench.analysis.rank import Ranking, compare_methods
from policybench.catalog import Catalog
from policybench.present import compare
from policybench.present.charts.compare import head_to_head_chart, slope_chart, tau_chart
from policybench.present.labels import method_label, option_label
from policybench.present.text import streamlit_markdown
from policybench.ui import state
from policybench.ui.components import chart, downloads, weight_controls
from policybench.ui.components.errors import guarded
from policybench.ui.components.text import note

CURRENT = "current"
LEFT_KEY = "pb.compare.left"
RIGHT_KEY = "pb.compare.right"
OPTIONS_KEY = "pb.compare.options"


@st.cache_data(max_entries=64, show_spinner=False)
def _shift(
    _catalog: Catalog,
    fingerprint: str,
    profiles: tuple[tuple[str, tuple[tuple[str, float], ...]], ...],
    method: str,
) -> pd.DataFrame:
    return compare.rank_shift(_catalog, [(label, dict(w)) for label, w in profiles], method)


@st.cache_data(max_entries=64, show_spinner=False)
def _agreement(
    _catalog: Catalog, fingerprint: str, weights: tuple[tuple[str, float], ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    agreement = compare_methods(_catalog, dict(weights))
    return compare.method_ranks(_catalog, agreement), compare.tau_matrix(agreement)


def _profiles(catalog: Catalog, weights: dict[str, float], method: str) -> None:
    st.header("Two perspectives side by side", anchor=False)
    names = {CURRENT: "Current weights", **{p.id: p.name for p in catalog.presets}}
    choices = list(names)
    c1, c2 = st.columns(2)
    left = c1.selectbox("Left", choices, index=0, key=LEFT_KEY, format_func=names.__getitem__)
    right = c2.selectbox(
        "Right",
        choices,
        index=1 if len(choices) > 1 else 0,
        key=RIGHT_KEY,
        format_func=names.__getitem__,
    )
    if left == right:
        st.info("Pick two different profiles to see how the ranking shifts between them.")
        return

    def weights_of(p: str) -> dict[str, float]:
        return weights if p == CURRENT else state.preset_weights(catalog, p)

    profiles = tuple((names[p], state.key_of(weights_of(p))) for p in (left, right))
    shift = _shift(catalog, catalog.fingerprint, profiles, method)
    chart.show(slope_chart(shift, title=f"Ranks: {names[left]} against {names[right]}"))
    with st.expander("The same as a table"):
        st.dataframe(
            compare.shift_table(shift).drop(columns="option_id"),
            hide_index=True,
            width="stretch",
            column_config={
                "option": st.column_config.TextColumn("Option", width="large"),
                "change": st.column_config.TextColumn("Change"),
            },
        )


def _head_to_head(catalog: Catalog, ranking: Ranking) -> None:
    st.header("Options head to head", anchor=False)
    labels = {o.id: option_label(o) for o in catalog.options}
    if OPTIONS_KEY not in st.session_state:
        st.session_state[OPTIONS_KEY] = [ranking.option_ids[i] for i in ranking.order()[:2]]
    chosen = st.multiselect(
        "Two or three options",
        list(labels),
        max_selections=3,
        key=OPTIONS_KEY,
        format_func=labels.__getitem__,
    )
    if len(chosen) < 2:
        st.info("Pick at least two options to compare them criterion by criterion.")
        return
    h2h = compare.head_to_head(catalog, chosen)
    chart.show(head_to_head_chart(h2h))
    with st.expander("Scores with their ranges, as a table"):
        st.dataframe(compare.head_to_head_table(h2h), hide_index=True, width="stretch")


def _methods(catalog: Catalog, weights: dict[str, float]) -> None:
    st.header("Every method side by side", anchor=False)
    note(
        "The same weights, combined five ways. Kendall's tau compares two rankings: 1 means the "
        "same order, 0 no relation, −1 the reverse."
    )
    table, tau = _agreement(catalog, catalog.fingerprint, state.key_of(weights))
    chart.show(tau_chart(tau), stretch=False)
    with st.expander("Every method's ranks, as a table", expanded=True):
        st.dataframe(
            table.drop(columns="option_id"),
            hide_index=True,
            width="stretch",
            height=min(35 * (len(table) + 1) + 3, 720),
            column_config={"option": st.column_config.TextColumn("Option", width="large")},
        )


@st.fragment
@guarded
def body() -> None:
    view = weight_controls.ranked_view()
    if view is None:
        return
    catalog, weights, method, ranking = view
    note(f"Ranks use the method chosen in the sidebar: {streamlit_markdown(method_label(method))}.")
    _profiles(catalog, weights, method)
    _head_to_head(catalog, ranking)
    _methods(catalog, weights)
    downloads.show(catalog, weights, method, key="pb.compare.downloads")


def main() -> None:
    st.title("Compare", anchor=False)
    body()


if __name__ == "__main__":
    main()
