"""One option's evidence card: summary, who proposes it, and every score with its range,
rationale and verbatim quotes, the search's matches marked. All catalog text goes through
:func:`policybench.present.text.streamlit_markdown` (directly, or through
:func:`policybench.present.evidence.highlight`, which escapes before it marks)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import streamlit as st

from policybench.catalog import Catalog, Option
from policybench.present.evidence import (
    actors_line,
    component_rows,
    components_of,
    highlight,
    provenance_line,
    quote_markdown,
    score_rows,
)
from policybench.present.glossary import define
from policybench.present.labels import criterion_label, option_label
from policybench.present.text import streamlit_markdown


def card_label(catalog: Catalog, option: Option, *, found: Sequence[str] = ()) -> str:
    """The expander label: option title (the search terms ``found`` marked) and group,
    escaped."""
    group = catalog.groups_by_id[option.group].name
    return f"{highlight(option_label(option), found)} · {streamlit_markdown(group)}"


def show_body(
    catalog: Catalog,
    option: Option,
    *,
    matched: Collection[str] = (),
    found: Sequence[str] = (),
) -> None:
    """Draw the inside of an option's card. ``matched`` criteria are flagged as search hits;
    the search terms ``found`` are marked wherever they occur."""
    st.markdown(highlight(option.summary, found))
    provenance = provenance_line(catalog, option)
    if provenance:
        st.markdown(streamlit_markdown(provenance), help=define("described", "package"))
    if option.recommendation_quote is not None:
        st.markdown(quote_markdown(catalog, option.recommendation_quote, found))
    proposers = [
        catalog.sources_by_id[s].citation for s in option.sources if s in catalog.sources_by_id
    ]
    if proposers:
        st.markdown("**Proposed by** " + "; ".join(streamlit_markdown(p) for p in proposers))
    st.markdown("**In the sources' words**")
    for quote in option.quotes:
        st.markdown(quote_markdown(catalog, quote, found))
    st.markdown(
        "**Scores** (0–10; the range is how far the evidence leaves it open)",
        help=define("cost"),
    )
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
        with st.container(border=True):
            show_score(catalog, option, crit.id, hit=crit.id in matched, found=found)


def show_score(
    catalog: Catalog,
    option: Option,
    criterion_id: str,
    *,
    hit: bool = False,
    found: Sequence[str] = (),
) -> None:
    """Draw one score of an option: value and range, the governments it names, the rationale
    and the quotes (``hit``: flagged as a search match; ``found``: the terms marked)."""
    score = option.scores[criterion_id]
    mark = " · :violet-badge[matches the search]" if hit else ""
    judged = (
        " · :gray-badge[judgement: the texts are silent]" if score.evidence == "judgement" else ""
    )
    st.markdown(
        f"**{streamlit_markdown(criterion_label(catalog, criterion_id))}: {score.value:g}** "
        f"(range {score.low:g}–{score.high:g}){judged}{mark}"
    )
    actors = actors_line(option, criterion_id)
    if actors:
        st.markdown(streamlit_markdown(actors), help=define("weakest-link"))
    st.markdown(highlight(score.rationale, found))
    for quote in score.quotes:
        st.markdown(quote_markdown(catalog, quote, found))
