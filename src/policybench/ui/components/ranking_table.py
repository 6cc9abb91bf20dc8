"""The ranking as a table: rank, movement arrow, option, group, score (and, for the additive
model, each criterion cluster's part of the score)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policybench import views

ROW_HEIGHT = 35


def headline(ranked: views.Ranked) -> str:
    """See :func:`policybench.views.headline`."""
    return views.headline(ranked)


def show(table: pd.DataFrame, ranked: views.Ranked, *, key: str = "pb.ranking_table") -> None:
    """Draw ``table`` (from :func:`policybench.views.with_movement`) as a read-only dataframe.

    Catalog text in a dataframe is shown as plain text by Streamlit (no Markdown, no HTML).
    """
    clusters = [
        c
        for c in table.columns
        if c
        not in {"rank", "move", "option_id", "option", "group", "group_id", "score", "baseline"}
    ]
    config = {
        "rank": st.column_config.NumberColumn("Rank", format="%d", width="small"),
        "move": st.column_config.TextColumn(
            "Move", width="small", help="▲ moved up, ▼ moved down, = unchanged"
        ),
        "option": st.column_config.TextColumn("Option", width="large"),
        "group": st.column_config.TextColumn("Group", width="medium"),
        "score": st.column_config.NumberColumn(
            "Score", format="%.3f", help=f"{views.method_label(ranked.method)}; higher is better"
        ),
    }
    for c in clusters:
        config[c] = st.column_config.NumberColumn(
            c, format="%.3f", help=f"What the {c.lower()} criteria add to the score"
        )
    st.dataframe(
        table,
        hide_index=True,
        column_order=["rank", "move", "option", "group", "score", *clusters],
        column_config=config,
        height=min(ROW_HEIGHT * (len(table) + 1) + 3, 10_000),
        key=key,
    )
