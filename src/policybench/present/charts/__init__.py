"""Charts as Vega-Lite specs, built with Altair: the same chart on screen and in an export.

Every builder returns a :class:`Chart`: the spec reads its data from **named datasets**, kept
beside it as DataFrames, so the app hands Streamlit the data as Arrow tables
(``ui/components/chart.py``) and an export writes it inline (:meth:`Chart.to_dict`, which
vl-convert renders to PNG and SVG). One module per page: :mod:`.ranking`, :mod:`.compare`,
:mod:`.robustness`, :mod:`.workshop`; the theme and the shared pieces are here.

The charts are meant for a projector: colour-blind-safe palettes (Paul Tol's *muted* for
criteria, Okabe & Ito's eight colours for options and directions, single-hue ramps for heat
maps), every font at least 13 px, dark ink, titles and axis labels in plain words. Catalog
text (titles, criterion names, participants' names) only ever appears as data values, never
as a field name or inside an expression. Nothing here calls Streamlit or reads files.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import pandas as pd

#: Paul Tol's "muted" scheme (nine hues designed to stay distinct under colour-vision
#: deficiencies) plus his pale grey: one colour per criterion, up to ten.
CRITERION_PALETTE: tuple[str, ...] = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#DDDDDD",
)
#: Okabe & Ito (2008): eight colours distinguishable under every common colour-vision deficiency.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
#: Moved up / moved down / unchanged, for slope lines (blue, vermilion, grey).
DIRECTION_COLOURS = {"up": "#0072B2", "down": "#D55E00", "same": "#999999"}
#: Smallest font anywhere in a chart (px); titles are larger.
FONT_SIZE = 14
TITLE_SIZE = 18
#: Marker in option labels that flags the status quo (present.labels.BASELINE_MARK, stripped).
BASELINE_TEXT = "(baseline)"
ROW_HEIGHT = 24
#: Dark ink for every label (Streamlit's chart theme greys them, too faint on a projector).
INK = "#262730"

#: The theme every chart carries: dark ink and large type, for a projector.
CONFIG: dict[str, Any] = {
    "axis": {
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": FONT_SIZE,
        "titleFontSize": FONT_SIZE + 1,
        "titleFontWeight": "normal",
    },
    "legend": {
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": FONT_SIZE,
        "titleFontSize": FONT_SIZE + 1,
        "titleFontWeight": "normal",
        "labelLimit": 320,
    },
    "title": {
        "color": INK,
        "fontSize": TITLE_SIZE,
        "anchor": "start",
        "subtitleFontSize": FONT_SIZE,
        "offset": 12,
    },
    "header": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE + 1},
    "text": {"fontSize": FONT_SIZE},
    "view": {"stroke": None},
}


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec that reads named datasets, and those datasets.

    ``spec`` holds no data; ``datasets`` maps each name the spec reads to its rows.
    """

    spec: Mapping[str, Any]
    datasets: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The whole chart as plain Vega-Lite, the datasets inline (for export)."""
        out = copy.deepcopy(dict(self.spec))
        out["datasets"] = {name: df.to_dict(orient="records") for name, df in self.datasets.items()}
        return out


def finish(chart: alt.TopLevelMixin, datasets: Mapping[str, pd.DataFrame], **props: Any) -> Chart:
    """The theme and sizing (the width fits the container, the height is the chart's own, so
    rows keep their height however long the legend or the title), as a :class:`Chart`."""
    themed = chart.properties(
        config=CONFIG, autosize={"type": "fit-x", "contains": "padding"}, **props
    )
    # Not validated here (the app builds charts on every slider move): the tests validate
    # every kind of chart against the Vega-Lite schema.
    return Chart(themed.to_dict(validate=False), dict(datasets))


def palette(n: int, colours: Sequence[str]) -> list[str]:
    """``n`` colours from ``colours``, cycling."""
    return [colours[i % len(colours)] for i in range(n)]


def option_axis(**kw: Any) -> alt.Axis:
    """Option names on a y axis: long labels allowed, the status quo in bold."""
    return alt.Axis(
        labelLimit=380,
        labelFontWeight=alt.ExprRef(
            f"indexof(datum.label, '{BASELINE_TEXT}') >= 0 ? 'bold' : 'normal'"
        ),
        **kw,
    )


def row_height() -> alt.Step:
    """A fixed height per row of a discrete axis."""
    return alt.Step(ROW_HEIGHT)


def by_order() -> alt.EncodingSortField:
    """Sort a discrete axis by the data's ``order`` column."""
    return alt.EncodingSortField(field="order", op="min", order="ascending")


def ordered(df: pd.DataFrame, order: Sequence[str], column: str = "option") -> pd.DataFrame:
    """The rows of ``df`` whose ``column`` is in ``order``, with their position as ``order``."""
    position = {label: k for k, label in enumerate(order)}
    out = df[df[column].isin(position)].copy()
    out["order"] = out[column].map(position).astype(int)
    return out
