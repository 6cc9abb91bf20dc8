"""Rank (the landing page): weights in, ranking out, with why each option scores as it does.

The sidebar holds the weight controls; the main area shows the ranking as a table (with
arrows for how each option moved since the last change, or against a chosen preset) and as
bars stacked by each criterion's weighted contribution. The whole body is one fragment, so a
slider change reruns only this page's body.
"""

from __future__ import annotations

import streamlit as st

from policybench.catalog import Catalog
from policybench.present.tables import headline, only_groups, screen_table, screened_lines
from policybench.present.text import streamlit_markdown, widget_label
from policybench.ui import state
from policybench.ui.components import chart, downloads, ranking_table, weight_controls
from policybench.ui.components.errors import guarded
from policybench.ui.components.text import note

PREVIOUS = "previous"
COMPARE_KEY = "pb.rank.compare"
GROUPS_KEY = "pb.rank.groups"


@st.fragment
@guarded
def body() -> None:
    view = weight_controls.ranked_view()
    if view is None:
        return
    catalog, weights, method, ranking = view
    previous = state.previous_ranks((state.key_of(weights), method), ranking.rank_map)

    names = {g.id: g.name for g in catalog.groups}
    groups = st.pills(
        "Groups shown",
        list(names),
        selection_mode="multi",
        default=list(names),
        format_func=lambda g: widget_label(names[g]),
        key=GROUPS_KEY,
        help="Hide or show the packages the options belong to. Ranks stay those among all options.",
    )
    presets = {p.id: p.name for p in catalog.presets}
    versus = st.columns([2, 3])[0].selectbox(
        "Arrows compare with",
        [PREVIOUS, *presets],
        format_func=lambda p: (
            "the ranking before the last change" if p == PREVIOUS else f"the {presets[p]} preset"
        ),
        key=COMPARE_KEY,
    )
    if versus == PREVIOUS:
        reference = previous
    else:
        reference = state.rank(catalog, state.preset_weights(catalog, versus), method).rank_map

    for caveat in ranking.notes:
        st.info(streamlit_markdown(caveat))
    table = screen_table(ranking, catalog, reference)
    st.markdown(streamlit_markdown(headline(table)))

    table = only_groups(table, catalog, groups or [])
    if table.empty:
        st.info("No group is selected: pick at least one above to see its options.")
        return
    chart.show_ranking(catalog, ranking, list(table["option"]))
    ranking_table.show(table, method)
    _set_aside(catalog)
    downloads.show(catalog, weights, method, key="pb.rank.downloads")


def _set_aside(catalog: Catalog) -> None:
    """The options the screen set aside, each with the requirement it fails: shown, never
    silently dropped."""
    chosen = state.selection(catalog)
    if (
        st.session_state.get(state.SCREEN, True)
        and catalog.default_screen
        and not chosen.requirements
    ):
        st.info("The screen would leave fewer than two options, so it is not applied.")
    lines = screened_lines(chosen, catalog)
    if lines:
        st.markdown(streamlit_markdown(lines[0]))
        for line in lines[1:]:
            st.markdown(f"- {streamlit_markdown(line)}")


def main() -> None:
    st.title("Rank the options", anchor=False)
    note(
        "Set how much each criterion matters with the sliders on the left (or pick a "
        "perspective). The ranking updates at once; open Evidence to see why each option "
        "scores as it does, Robustness to see how firm the top of the ranking is."
    )
    body()


if __name__ == "__main__":
    main()
