"""One option's evidence card: summary, who proposes it, and every score with its range,
rationale and verbatim quotes. All catalog text goes through
:func:`policybench.present.text.streamlit_markdown`."""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from policybench.catalog import Catalog, Option
from policybench.present.evidence import (
    actors_line,
    component_rows,
    components_of,
    provenance_line,
    score_rows,
)
from policybench.present.labels import criterion_label, option_label
from policybench.present.text import streamlit_markdown
from policybench.ui.components.text import show_quote


def card_label(catalog: Catalog, option: Option) -> str:
    """The expander label: option title and group, escaped."""
    group = catalog.groups_by_id[option.group].name
    return f"{streamlit_markdown(option_label(option))} · {streamlit_markdown(group)}"


def show_body(catalog: Catalog, option: Option, *, matched: Collection[str] = ()) -> None:
    """Draw the inside of an option's card. ``matched`` criteria are flagged as search hits."""
    st.markdown(streamlit_markdown(option.summary))
    provenance = provenance_line(catalog, option)
    if provenance:
        st.markdown(streamlit_markdown(provenance))
    if option.recommendation_quote is not None:
        show_quote(catalog, option.recommendation_quote)
    proposers = [
        catalog.sources_by_id[s].citation for s in option.sources if s in catalog.sources_by_id
    ]
    if proposers:
        st.markdown("**Proposed by** " + "; ".join(streamlit_markdown(p) for p in proposers))
    st.markdown("**In the sources' words**")
    for quote in option.quotes:
        show_quote(catalog, quote)
    st.markdown("**Scores** (0–10; the range is how far the evidence leaves it open)")
    st.dataframe(
        score_rows(catalog, option),
        hide_index=True,
        column_config={
            "criterion": st.column_config.TextColumn("Criterion", width="medium"),
            "score": st.column_config.NumberColumn("Score", format="%g"),
            "low": st.column_config.NumberColumn("Low", format="%g"),
            "high": st.column_config.NumberColumn("High", format="%g"),
        },
        width="content",
    )
    if components_of(catalog, option):
        st.markdown("**The package beside each of its steps taken alone**")
        st.dataframe(component_rows(catalog, option), hide_index=True, width="content")
    for crit in catalog.criteria:
        score = option.scores[crit.id]
        with st.container(border=True):
            hit = " · :violet-badge[matches the search]" if crit.id in matched else ""
            judged = (
                " · :gray-badge[judgement: the texts are silent]"
                if score.evidence == "judgement"
                else ""
            )
            st.markdown(
                f"**{streamlit_markdown(criterion_label(catalog, crit.id))}: {score.value:g}** "
                f"(range {score.low:g}–{score.high:g}){judged}{hit}"
            )
            actors = actors_line(option, crit.id)
            if actors:
                st.markdown(streamlit_markdown(actors))
            st.markdown(streamlit_markdown(score.rationale))
            for quote in score.quotes:
                show_quote(catalog, quote)
