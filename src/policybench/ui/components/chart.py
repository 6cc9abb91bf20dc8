"""Draw a :class:`policybench.export.charts.Prepared` chart cheaply.

Building an Altair chart and validating it against the Vega-Lite schema costs about 0.1 s
(0.25 s for the first chart a process draws), too much for every slider move. The chart's
structure depends only on a few labels and counts, so it is compiled once per structure
(``st.cache_resource``), without validation (tests/export/test_charts.py validates every
kind of chart against the schema), and each rerun only hands Streamlit the new datasets.
"""

from __future__ import annotations

import copy
from typing import Any

import streamlit as st

from policybench.export import charts

#: Keys the default Altair theme adds that would fight Streamlit's own sizing.
_THEME_VIEW_KEYS = ("continuousWidth", "continuousHeight")


@st.cache_resource(max_entries=256, show_spinner=False)
def _compiled(name: str, args: tuple[Any, ...]) -> dict[str, Any]:
    spec: dict[str, Any] = getattr(charts, name)(*args).to_dict(validate=False)
    view = spec.get("config", {}).get("view", {})
    for key in _THEME_VIEW_KEYS:
        view.pop(key, None)
    spec.pop("datasets", None)
    return spec


def show(prepared: charts.Prepared, *, key: str | None = None, stretch: bool = True) -> None:
    """Draw ``prepared``, full width unless ``stretch`` is False (the chart's own width)."""
    spec = copy.deepcopy(_compiled(prepared.spec.__name__, prepared.args))
    spec["datasets"] = dict(prepared.datasets)
    st.vega_lite_chart(spec=spec, width="stretch" if stretch else "content", key=key)
