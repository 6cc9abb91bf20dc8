"""Draw a :class:`policybench.present.charts.Chart`: its title as page text (it wraps like any
sentence, at any width), then its spec, with its datasets handed to Streamlit as data frames
(sent to the browser as Arrow tables).

Owns the key ``pb.chart.top`` (how many options the Rank page's chart shows).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from policybench.analysis.rank import Ranking
from policybench.catalog import Catalog
from policybench.present.charts import Chart
from policybench.present.charts.ranking import ranking_chart
from policybench.present.text import streamlit_markdown
from policybench.ui.components.text import note

#: Sizes Altair's default theme sets for every view; Streamlit sizes the chart itself.
THEME_VIEW_KEYS = ("continuousWidth", "continuousHeight")
TOP_KEY = "pb.chart.top"
#: How many options the Rank page's chart shows on a phone unless asked for all (a brief's
#: chart shows as many).
TOP = 10


def _title_parts(title: Any) -> tuple[str, list[str]]:
    if isinstance(title, Mapping):
        text = title.get("text", "")
        sub = title.get("subtitle", [])
        lines = [sub] if isinstance(sub, str) else list(sub)
    else:
        text, lines = title, []
    heading = text if isinstance(text, str) else " ".join(map(str, text))
    return heading, [str(line) for line in lines]


def show(
    chart: Chart,
    *,
    key: str | None = None,
    stretch: bool = True,
    controls: Callable[[], object] | None = None,
) -> None:
    """Draw ``chart``, full width unless ``stretch`` is False (the chart's own width); its
    title above it as a heading and its subtitle as a note (text, escaped); ``controls``
    draws the chart's own widgets between the heading and the chart."""
    spec = copy.deepcopy(dict(chart.spec))  # Streamlit patches the spec it is given
    heading, lines = _title_parts(spec.pop("title", ""))
    if heading:
        st.markdown(f"#### {streamlit_markdown(heading)}")
    if controls is not None:
        controls()
    if lines:  # the app's words, with catalog names in them (a perspective's): escaped
        note(streamlit_markdown(" ".join(lines)))
    view = spec.get("config", {}).get("view", {})
    for name in THEME_VIEW_KEYS:
        view.pop(name, None)
    spec["datasets"] = dict(chart.datasets)
    st.vega_lite_chart(spec=spec, width="stretch" if stretch else "content", key=key)


def on_a_phone() -> bool:
    """Whether the browser says it is a phone (the ``Sec-CH-UA-Mobile`` client hint, or
    "Mobi" in the user agent, as MDN recommends); the server cannot see the screen's width."""
    try:
        headers = st.context.headers
        agent = headers.get("User-Agent") or ""
        return headers.get("Sec-CH-UA-Mobile") == "?1" or "Mobi" in agent
    except Exception:  # no request (AppTest, a bare script run)
        return False


def _top_radio(total: int) -> None:
    st.radio(
        "Options in the chart",
        ["top", "all"],
        key=TOP_KEY,
        horizontal=True,
        format_func=lambda c: f"The best {TOP}" if c == "top" else f"All {total}",
        help="The table below always lists every option.",
    )


def show_ranking(catalog: Catalog, ranking: Ranking, option_ids: Sequence[str]) -> None:
    """The Rank page's chart of the options shown (best first): bars stacked by each
    criterion's contribution for an additive method, else the method's score (said so).

    With more than :data:`TOP` options, a choice between the best :data:`TOP` and all of
    them: the best on a phone unless asked for all, all elsewhere."""
    if ranking.values is None:
        note(
            "Contributions per criterion are shown for the additive model only (weighted sum "
            "on the 0–10 scales); this chart shows the method's own score."
        )
    total = len(option_ids)
    controls = None
    top = None
    if total > TOP:
        st.session_state.setdefault(TOP_KEY, "top" if on_a_phone() else "all")
        top = TOP if st.session_state[TOP_KEY] == "top" else None

        def controls() -> None:
            _top_radio(total)

    show(ranking_chart(ranking, catalog, option_ids=option_ids, top=top), controls=controls)
