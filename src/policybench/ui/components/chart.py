"""Draw a :class:`policybench.present.charts.Chart`: its spec, with its datasets handed to
Streamlit as data frames (sent to the browser as Arrow tables)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import streamlit as st

from policybench.analysis.rank import Ranking
from policybench.catalog import Catalog
from policybench.present.charts import Chart
from policybench.present.charts.ranking import ranking_chart
from policybench.ui.components.text import note

#: Sizes Altair's default theme sets for every view; Streamlit sizes the chart itself.
THEME_VIEW_KEYS = ("continuousWidth", "continuousHeight")


def show(chart: Chart, *, key: str | None = None, stretch: bool = True) -> None:
    """Draw ``chart``, full width unless ``stretch`` is False (the chart's own width)."""
    spec = copy.deepcopy(dict(chart.spec))  # Streamlit patches the spec it is given
    view = spec.get("config", {}).get("view", {})
    for name in THEME_VIEW_KEYS:
        view.pop(name, None)
    spec["datasets"] = dict(chart.datasets)
    st.vega_lite_chart(spec=spec, width="stretch" if stretch else "content", key=key)


def show_ranking(catalog: Catalog, ranking: Ranking, option_ids: Sequence[str]) -> None:
    """The Rank page's chart of the options shown (best first): bars stacked by each
    criterion's contribution for an additive method, else the method's score (said so)."""
    if ranking.values is None:
        note(
            "Contributions per criterion are shown for the additive model only (weighted sum "
            "on the 0–10 scales); this chart shows the method's own score."
        )
    show(ranking_chart(ranking, catalog, option_ids=option_ids))
