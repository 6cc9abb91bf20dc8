"""Rank (the landing page): weights in, ranking out, with why each option scores as it does.

The sidebar holds the weight controls; the main area opens with the results: who leads and
the verdict on how firmly (:mod:`policybench.ui.components.verdict`), then the ranking as bars
stacked by each criterion's weighted contribution and as a table (with arrows for how each
option moved since the last change, or against a chosen preset, and a link to each option's
evidence). A "Skip to results" link after the sliders leads to them. The whole body is one
fragment, so a slider change reruns only this page's body.
"""

from __future__ import annotations

import streamlit as st

from policybench.analysis.bands import RankBands
from policybench.catalog import Catalog
from policybench.present.bands import bands_sentence, with_bands
from policybench.present.tables import headline, only_groups, screen_table, screened_lines
from policybench.present.tables import ranking_table as ranking_table_of
from policybench.present.text import streamlit_markdown, widget_label
from policybench.ui import state
from policybench.ui.components import chart, downloads, ranking_table, verdict, weight_controls
from policybench.ui.components.errors import guarded
from policybench.ui.components.text import note

PREVIOUS = "previous"
#: Anchors: the results (the "Skip to results" link's target) and the ranking itself.
RESULTS = "results"
RANKING = "ranking"
COMPARE_KEY = "pb.rank.compare"
GROUPS_KEY = "pb.rank.groups"
BANDS_KEY = "pb.rank.bands"


@st.fragment
@guarded
def body() -> None:
    view = weight_controls.ranked_view(results=RESULTS)
    if view is None:
        return
    catalog, weights, method, ranking = view
    previous = state.previous_ranks((state.key_of(weights), method), ranking.rank_map)

    for caveat in ranking.notes:
        st.info(streamlit_markdown(caveat))
    verdict.show(
        catalog,
        state.verdict(catalog, weights, method),
        here="rank",
        anchor=RESULTS,
        lead=streamlit_markdown(headline(ranking_table_of(ranking, catalog))),
    )

    st.subheader("The ranking", anchor=RANKING)
    names = {g.id: g.name for g in catalog.groups}
    shown = st.expander("Groups shown, and what the arrows compare with")
    groups = shown.pills(
        "Groups shown",
        list(names),
        selection_mode="multi",
        default=list(names),
        format_func=lambda g: widget_label(names[g]),
        key=GROUPS_KEY,
        help="Hide or show the packages the options belong to. Ranks stay those among all options.",
    )
    presets = {p.id: p.name for p in catalog.presets}
    versus = shown.selectbox(
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

    table = screen_table(ranking, catalog, reference)
    banded = _bands(catalog, weights, method)
    if banded is not None:
        table = with_bands(table, banded, numbers=False)

    table = only_groups(table, catalog, groups or [])
    if table.empty:
        st.info("No group is selected: pick at least one above to see its options.")
        return
    chart.show_ranking(catalog, ranking, list(table["option"]))
    ranking_table.show(table, method)
    if banded is not None:
        note(streamlit_markdown(bands_sentence(banded)))
    _set_aside(catalog)
    downloads.show(catalog, weights, method, key="pb.rank.downloads")


def _bands(catalog: Catalog, weights: dict[str, float], method: str) -> RankBands | None:
    """Each option's likely ranks under the current weights, unless switched off (a toggle,
    on by default: the bands take about as long as the rest of the rerun for the weighted
    sum; benchmarks/RESULTS.md)."""
    shown = st.toggle(
        "Likely ranks",
        value=True,
        key=BANDS_KEY,
        help="How far each rank could move within the honest uncertainty of the scores: every "
        "score drawn within its range 10,000 times, the weights as set.",
    )
    return state.bands(catalog, weights, method) if shown else None


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
        "perspective). The ranking and the verdict on it update at once; click an option in "
        "the table to read the evidence behind its scores."
    )
    body()


if __name__ == "__main__":
    main()
