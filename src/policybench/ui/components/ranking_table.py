"""The ranking as a table: rank, movement arrow, option, group, score (and, for the additive
model, what each criterion cluster adds to the score)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policybench.present.labels import method_label

ROW_HEIGHT = 35
#: Columns of :func:`policybench.present.tables.screen_table` that are not cluster subtotals.
FIXED = {"rank", "move", "option", "label", "title", "group", "baseline", "score"}


def show(table: pd.DataFrame, method: str, *, key: str = "pb.ranking_table") -> None:
    """Draw ``table`` (:func:`policybench.present.tables.screen_table`) as a read-only data
    frame; catalog text in a data frame is shown as plain text (no Markdown, no HTML)."""
    clusters = [c for c in table.columns if c not in FIXED]
    config = {
        "rank": st.column_config.NumberColumn("Rank", format="%d", width="small"),
        "move": st.column_config.TextColumn(
            "Move", width="small", help="▲ moved up, ▼ moved down, = unchanged"
        ),
        "label": st.column_config.TextColumn("Option", width="large"),
        "group": st.column_config.TextColumn("Group", width="medium"),
        "score": st.column_config.NumberColumn(
            "Score", format="%.3f", help=f"{method_label(method)}; higher is better"
        ),
    }
    for c in clusters:
        config[c] = st.column_config.NumberColumn(
            c, format="%.3f", help=f"What the {c.lower()} criteria add to the score"
        )
    st.dataframe(
        table,
        hide_index=True,
        column_order=["rank", "move", "label", "group", "score", *clusters],
        column_config=config,
        height=min(ROW_HEIGHT * (len(table) + 1) + 3, 10_000),
        key=key,
    )
