"""Evidence: a card per option with its summary, sources, scores, rationales and quotes.

Search runs over quotes and rationales (and titles and summaries); filters keep options by
the sources they cite and by group. Cards open lazily: a card's content is drawn only while
it is open, so the page stays quick with the whole catalog listed.
"""

from __future__ import annotations

import streamlit as st

from policybench.present.evidence import search_evidence
from policybench.ui import state
from policybench.ui.components import evidence
from policybench.ui.components.errors import guarded
from policybench.ui.components.text import note

SEARCH_KEY = "pb.evidence.search"
SOURCES_KEY = "pb.evidence.sources"
GROUPS_KEY = "pb.evidence.groups"
CARD = "pb.evidence.card."


@st.fragment
@guarded
def body() -> None:
    catalog = state.catalog_or_rerun()
    c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="bottom")
    query = c1.text_input(
        "Search quotes and rationales",
        key=SEARCH_KEY,
        placeholder="e.g. comfort women, deterrence, Australia",
    )
    source_names = {s.id: s.citation for s in catalog.sources}
    sources = c2.multiselect(
        "Cited sources",
        list(source_names),
        key=SOURCES_KEY,
        format_func=lambda s: source_names[s],
        placeholder="All sources",
    )
    group_names = {g.id: g.name for g in catalog.groups}
    groups = c3.multiselect(
        "Groups",
        list(group_names),
        key=GROUPS_KEY,
        format_func=lambda g: group_names[g],
        placeholder="All groups",
    )
    matches = search_evidence(catalog, query, sources=sources or None, groups=groups or None)
    total = len(catalog.options)
    note(f"{len(matches)} of {total} options shown. Open a card to read its evidence.")
    if not matches:
        st.info("No option matches: try fewer words or clear a filter.")
        return
    for match in matches:
        option = catalog.options_by_id[match.option_id]
        card = st.expander(
            evidence.card_label(catalog, option), key=CARD + option.id, on_change="rerun"
        )
        if card.open:
            with card:
                evidence.show_body(catalog, option, matched=match.criteria)


def main() -> None:
    st.title("Evidence behind every score", anchor=False)
    note(
        "Every score carries its rationale and verbatim quotes from the sources, each with its "
        "citation. Labels say whether a quote supports the option or cautions against it."
    )
    body()


if __name__ == "__main__":
    main()
