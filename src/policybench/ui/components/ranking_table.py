"""The ranking as a table: rank, movement arrow, option (a link to its evidence card), group,
score (and, for the additive model, what each criterion cluster adds to the score)."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import streamlit as st

from policybench.present.bands import LIKELY
from policybench.present.glossary import define
from policybench.present.labels import method_label

ROW_HEIGHT = 35
#: Columns of :func:`policybench.present.tables.screen_table` that are not cluster subtotals.
FIXED = {"rank", "move", "option", "label", "title", "group", "baseline", "score", LIKELY}
#: The column of links to each option's card on the Evidence page, shown as the option's label.
EVIDENCE = "evidence"
#: Methods whose score the table shows shifted so that higher is better and 0 is the worst,
#: as the chart draws it: VIKOR's score is −Q (0 at best), shown as 1 − Q.
SHIFTED = {"vikor": 1.0}


def evidence_link(option_id: str, label: str = "") -> str:
    """The Evidence page with ``option_id``'s card open (relative to the app's address); the
    ``label`` rides in the fragment, where the table reads the link's text from (a fragment
    that names no element on the page does nothing)."""
    link = f"evidence?option={quote(option_id, safe='')}"
    return f"{link}#{quote(label, safe='')}" if label else link


def score_help(method: str) -> str:
    """What the Score column holds, with the method defined."""
    shown = "1 − Q, " if method in SHIFTED else ""
    return f"{method_label(method)}: {shown}higher is better.\n\n" + define(method)


def show(table: pd.DataFrame, method: str, *, key: str = "pb.ranking_table") -> None:
    """Draw ``table`` (:func:`policybench.present.tables.screen_table`) as a read-only data
    frame; catalog text in a data frame is shown as plain text (no Markdown, no HTML)."""
    clusters = [c for c in table.columns if c not in FIXED]
    links = [
        evidence_link(o, label) for o, label in zip(table["option"], table["label"], strict=True)
    ]
    table = table.assign(**{EVIDENCE: links})
    if method in SHIFTED:
        table = table.assign(score=table["score"] + SHIFTED[method])
    config = {
        "rank": st.column_config.NumberColumn("Rank", format="%d", width="small"),
        "move": st.column_config.TextColumn(
            "Move", width="small", help="▲ moved up, ▼ moved down, = unchanged"
        ),
        LIKELY: st.column_config.TextColumn(
            "Likely ranks",
            width="small",
            help="The ranks this option takes in 90% of draws of every score within its "
            "uncertainty range, the weights as set (5th to 95th percentile)",
        ),
        EVIDENCE: st.column_config.LinkColumn(
            "Option",
            width="large",
            display_text=r"#(.*)$",  # the label, from the link's fragment (decoded)
            help="Click an option to open its evidence in a new tab: its scores, rationales "
            "and the sources' words.",
        ),
        "group": st.column_config.TextColumn("Group", width="medium"),
        "score": st.column_config.NumberColumn("Score", format="%.3f", help=score_help(method)),
    }
    for c in clusters:
        config[c] = st.column_config.NumberColumn(
            c, format="%.3f", help=f"What the {c.lower()} criteria add to the score"
        )
    st.dataframe(
        table,
        hide_index=True,
        column_order=[
            "rank",
            *([LIKELY] if LIKELY in table.columns else []),
            "move",
            EVIDENCE,
            "group",
            "score",
            *clusters,
        ],
        column_config=config,
        height=min(ROW_HEIGHT * (len(table) + 1) + 3, 10_000),
        key=key,
    )
