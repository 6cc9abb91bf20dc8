"""Draw a :class:`policybench.export.charts.Prepared` chart cheaply.

Building an Altair chart costs about 0.1 s (plus 0.3 s to import Altair in a new process), too
much for every slider move. The chart's structure depends only on a few labels and counts, so
it is compiled once per structure and kept: in memory (``st.cache_resource``) and on disk
between server processes (:mod:`policybench.ui.chart_structures`), so that a new server's
first page needs no Altair at all. Each rerun only hands Streamlit the new datasets.
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import streamlit as st

from policybench import views
from policybench.catalog import Catalog
from policybench.export import charts
from policybench.ui import chart_structures
from policybench.ui.components.text import note


@st.cache_resource(max_entries=256, show_spinner=False)
def _compiled(name: str, args: tuple[Any, ...]) -> dict[str, Any]:
    return chart_structures.structure(name, args)


def compile_structure(prepared: charts.Prepared) -> None:
    """Compile (and cache) ``prepared``'s structure without drawing it: the launcher does this
    for the landing page's chart before the first visitor asks for it."""
    _compiled(prepared.spec, prepared.args)


def ranking_data(
    catalog: Catalog, method: str, ranked: views.Ranked, table: pd.DataFrame
) -> charts.Prepared:
    """The Rank page's chart of ``table`` (the options shown, best first): bars stacked by
    each criterion's weighted contribution for the additive model, else the method's score."""
    if ranked.contributions is None:
        return charts.score_data(table, method=views.method_label(method))
    criteria = [views.criterion_label(catalog, c) for c in catalog.criterion_ids]
    baseline = table.loc[table["baseline"], "score"]
    return charts.contribution_data(
        ranked.contributions,
        list(table["option"]),
        criteria,
        baseline_score=float(baseline.iloc[0]) if len(baseline) else None,
    )


def show_ranking(catalog: Catalog, method: str, ranked: views.Ranked, table: pd.DataFrame) -> None:
    """Draw :func:`ranking_data`, with a note when the chart shows plain scores."""
    if ranked.contributions is None:
        note(
            "Contributions per criterion are shown for the additive model only (weighted sum "
            "on the 0–10 scales); this chart shows the method's own score."
        )
    show(ranking_data(catalog, method, ranked, table))


def show(prepared: charts.Prepared, *, key: str | None = None, stretch: bool = True) -> None:
    """Draw ``prepared``, full width unless ``stretch`` is False (the chart's own width)."""
    spec = copy.deepcopy(_compiled(prepared.spec, prepared.args))
    spec["datasets"] = dict(prepared.datasets)
    st.vega_lite_chart(spec=spec, width="stretch" if stretch else "content", key=key)
