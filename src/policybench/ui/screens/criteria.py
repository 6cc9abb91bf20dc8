"""Criteria: what each criterion means, which way it points, what its scale levels say, and
the passages of the sources that motivate it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policybench.catalog import Catalog
from policybench.present.glossary import define
from policybench.present.labels import cluster_label
from policybench.present.text import streamlit_markdown
from policybench.ui import state
from policybench.ui.components.errors import guarded
from policybench.ui.components.text import show_quote

DIRECTION = {
    "benefit": "Benefit: a higher score is better.",
    "cost": "Cost: a higher score is worse, so it counts against an option.",
}


def weakest_link(catalog: Catalog, criterion_id: str) -> bool:
    """Whether a criterion is scored as a weakest link: some option's score on it names the
    governments that must act (and is the lowest of theirs)."""
    return any(o.scores[criterion_id].actors for o in catalog.options)


@guarded
def body() -> None:
    catalog = state.catalog_or_rerun()
    overview = pd.DataFrame(
        {
            "Criterion": [c.name for c in catalog.criteria],
            "Cluster": [cluster_label(c.cluster) for c in catalog.criteria],
            "Direction": [c.direction for c in catalog.criteria],
        }
    )
    st.dataframe(
        overview,
        hide_index=True,
        width="content",
        column_config={"Direction": st.column_config.TextColumn(help=define("cost"))},
    )
    for crit in catalog.criteria:
        with st.container(border=True):
            st.header(streamlit_markdown(crit.name), anchor=False)
            st.markdown(
                f"**Cluster:** {streamlit_markdown(cluster_label(crit.cluster))} · "
                f"**Direction:** {DIRECTION[crit.direction]}",
                help=define("cost") if crit.direction == "cost" else None,
            )
            st.markdown(streamlit_markdown(crit.description))
            if weakest_link(catalog, crit.id):
                st.markdown(
                    "**A weakest link:** an option's score is the lowest of the governments "
                    "that must act on it (each is listed on its Evidence card).",
                    help=define("weakest-link"),
                )
            st.markdown("**What the scale levels mean** (scores run from 0 to 10)")
            st.markdown(
                "\n".join(
                    f"- **{k:g}**: {streamlit_markdown(crit.levels[k])}"
                    for k in sorted(crit.levels)
                )
            )
            st.markdown("**Why the sources weigh it**")
            for quote in crit.quotes:
                show_quote(catalog, quote)


def main() -> None:
    st.title("The criteria", anchor=False)
    st.markdown(
        ":small[Every option is scored 0–10 on each of these criteria, on the anchored scales "
        "below.]",
        help=define("scale"),
    )
    body()


if __name__ == "__main__":
    main()
