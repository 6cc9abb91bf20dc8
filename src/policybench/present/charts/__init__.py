"""Charts as Vega-Lite specs, built with Altair: the same chart on screen and in an export.

Every builder returns a :class:`Chart`: the spec reads its data from **named datasets**, kept
beside it as DataFrames, so the app hands Streamlit the data as Arrow tables
(``ui/components/chart.py``) and an export writes it inline (:meth:`Chart.to_dict`, which
vl-convert renders to PNG and SVG). One module per page: :mod:`.ranking`, :mod:`.compare`,
:mod:`.robustness`, :mod:`.workshop`, :mod:`.rounds`; the theme and the shared pieces are here.

The charts are meant for a projector: colour-blind-safe palettes (Paul Tol's *muted* for
criteria, Okabe & Ito's eight colours for options and directions, single-hue ramps for heat
maps), every font at least 13 px, dark ink, titles and axis labels in plain words. Catalog
text (titles, criterion names, participants' names) only ever appears as data values, never
as a field name or inside an expression. Nothing here calls Streamlit or reads files.

**Legible at every width.** A chart fits the width it is given (a phone's 390 px, a
projector's 1024, a wide screen, or :data:`EXPORT_WIDTH` in a file), so nothing in it may need
a fixed share of that width. Lists of options therefore use *option rows*
(:func:`option_rows`): each row holds the option's name on its own line(s) above the mark
(a bar, a strip of cells, dots), so the marks always get the chart's whole width and a name is
never squeezed against them. Names are pre-wrapped at several widths
(:func:`wrap_columns`) and the chart picks, from its own width, the widest wrapping that fits
(:func:`pick_wrap`), then truncates with an ellipsis as a last resort; the full name is in the
tooltip. Legends sit above the plot, in as many columns as the width allows. A title is kept
in the spec for a file (:meth:`Chart.to_dict` wraps it to the export's width); the app draws
it as page text instead, where it wraps like any sentence.
"""

from __future__ import annotations

import copy
import functools
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
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
#: Dark ink for every label (Streamlit's chart theme greys them, too faint on a projector).
INK = "#262730"
#: The width of a chart in a file (CSS pixels: an A4 page's text width, a slide); PNG doubles it.
EXPORT_WIDTH = 760
#: An option row (:func:`option_rows`): two lines of name (:data:`LABEL_LINE` px each, from
#: :data:`LABEL_TOP` down), then the mark, :data:`MARK_SIZE` px thick, then a small gap.
ROW_STEP = 56
LABEL_LINE = 16
LABEL_TOP = 2
MARK_SIZE = 14
#: How far a mark sits below the row's centre: its top just under the second line of name.
MARK_OFFSET = LABEL_TOP + 2 * LABEL_LINE + 2 + MARK_SIZE // 2 - ROW_STEP // 2
#: Pixels kept right of the longest bar for the score printed at its end.
SCORE_ROOM = 52
#: An average character's width as a share of the font size, on the generous side, so that a
#: name pre-wrapped for a width rarely needs the renderer's own truncation.
CHAR_EM = 0.52
#: Characters per line at which names are pre-wrapped (:func:`wrap_columns`).
WRAPS: tuple[int, ...] = (16, 22, 28, 34, 40, 48, 56, 66, 78, 92, 110, 130)

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

    def to_dict(self, width: int | None = None) -> dict[str, Any]:
        """The whole chart as plain Vega-Lite, the datasets inline (for export).

        ``width`` (CSS pixels) fixes the chart's width, as a file needs (it has no container
        to fit), and wraps the title and subtitle to it, so that no line runs off the edge."""
        out = copy.deepcopy(dict(self.spec))
        if width is not None:
            plot = int(width) - 10  # Vega's default padding, 5 px a side
            if "vconcat" in out:
                for part in out["vconcat"]:
                    part.setdefault("width", plot)
            elif out.get("autosize", {}).get("type") == "fit-x":
                out["width"] = int(width)
            if "title" in out:
                out["title"] = wrapped_title(out["title"], width)
            # A file has one width: the expressions that read the chart's width get it as a
            # number (the parts of a stacked figure have no "width" signal of their own).
            _fix_width(out, plot)
        out["datasets"] = {name: df.to_dict(orient="records") for name, df in self.datasets.items()}
        return out

    @property
    def title(self) -> str:
        """The chart's title as one line of text ('' when it has none)."""
        return title_text(self.spec.get("title"))

    def untitled(self) -> Chart:
        """The same chart without its title (the app draws the title as page text)."""
        spec = dict(self.spec)
        spec.pop("title", None)
        return Chart(spec, self.datasets)


def _fix_width(node: Any, plot: int) -> None:
    """Replace the ``width`` signal by ``plot`` in every expression of a spec, in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"expr", "calculate", "filter", "labelExpr", "test"} and isinstance(
                value, str
            ):
                node[key] = re.sub(r"\bwidth\b", str(plot), value)
            else:
                _fix_width(value, plot)
    elif isinstance(node, list):
        for value in node:
            _fix_width(value, plot)


def title_text(title: Any) -> str:
    """A Vega-Lite title (a string, a list of lines or ``{"text": ...}``) as one line."""
    if title is None:
        return ""
    if isinstance(title, Mapping):
        return title_text(title.get("text"))
    if isinstance(title, str):
        return title
    return " ".join(str(t) for t in title)


def wrap(text: str, chars: int, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of about ``chars`` characters, the last ending in
    an ellipsis when the text is longer (words are kept whole unless one alone is too long)."""
    return list(_wrapped(str(text), chars, lines))


@functools.lru_cache(maxsize=16_384)
def _wrapped(text: str, chars: int, lines: int) -> tuple[str, ...]:
    # Cached: the same titles are wrapped at the same widths on every slider move.
    out = textwrap.wrap(" ".join(text.split()), max(4, chars), max_lines=lines, placeholder=" …")
    return tuple(out) or ("",)


def wrapped_title(title: Any, width: int) -> Any:
    """A title and its subtitle wrapped to ``width`` pixels (as lists of lines)."""
    chars = int(width / (TITLE_SIZE * CHAR_EM))
    sub_chars = int(width / (FONT_SIZE * CHAR_EM))
    if isinstance(title, Mapping):
        out = dict(title)
        out["text"] = wrap(title_text(title.get("text")), chars, 3)
        if "subtitle" in out:
            subtitle = out["subtitle"]
            lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
            out["subtitle"] = [w for line in lines for w in wrap(str(line), sub_chars, 4)]
        return out
    return wrap(title_text(title), chars, 3)


def wrap_columns(labels: Sequence[str], lines: int = 2) -> dict[str, list[str]]:
    """For each width in :data:`WRAPS`, a column ``w<chars>`` of ``labels`` wrapped to it,
    the lines joined by a newline (the text marks break lines there)."""
    return {f"w{c}": ["\n".join(wrap(label, c, lines)) for label in labels] for c in WRAPS}


def pick_wrap(available: str, font_size: int = FONT_SIZE) -> str:
    """A Vega expression: the widest of :func:`wrap_columns`' wrappings that fits in
    ``available`` pixels (itself an expression, e.g. ``"width"``) at ``font_size``."""
    chars = f"(({available}) / {font_size * CHAR_EM:g})"
    expr = f"datum.w{WRAPS[0]}"
    for c in WRAPS[1:]:
        expr = f"{chars} >= {c} ? datum.w{c} : ({expr})"
    return expr


def legend_columns(item_px: int) -> dict[str, str]:
    """A legend above the plot in as many columns of ``item_px`` as the width allows."""
    return {"expr": f"max(1, floor(width / {item_px}))"}


def _label_top(lines: int) -> int:
    """Where a name of ``lines`` lines starts, from the row's centre, to end above the mark."""
    return MARK_OFFSET - MARK_SIZE // 2 - 2 - lines * LABEL_LINE


def option_rows(
    data: str,
    *,
    y: alt.Y,
    label: str = "label",
    tooltip: Sequence[alt.Tooltip] = (),
) -> alt.Chart:
    """The names of an *option rows* chart: ``data`` (a named dataset with ``label`` and the
    :func:`wrap_columns` columns, and a boolean ``baseline``) drawn at the top of each row of
    ``y`` (a band of :data:`ROW_STEP`), bold for the status quo, wrapped to the chart's width.
    Marks drawn under it use ``yOffset=MARK_OFFSET`` and a thickness of :data:`MARK_SIZE`."""
    names: alt.Chart = (
        alt.Chart(alt.NamedData(name=data))
        .transform_calculate(_shown=pick_wrap("width"))
        .transform_calculate(_lines="indexof(datum._shown, '\\n') >= 0 ? 2 : 1")
        .mark_text(
            align="left",
            # The last line just above the mark, so that a one-line name sits on its own bar,
            # never nearer the bar of the row above (a text's lines run down from its anchor).
            baseline="top",
            dy=alt.ExprRef(f"{_label_top(2)} + (datum._lines == 1 ? {LABEL_LINE} : 0)"),
            lineBreak="\n",
            lineHeight=LABEL_LINE,
            fontSize=FONT_SIZE,
            color=INK,
            limit=alt.ExprRef("width"),
            fontWeight=alt.ExprRef("datum.baseline ? 'bold' : 'normal'"),
        )
        .encode(
            y=y,
            x=alt.value(0),
            text=alt.Text("_shown:N"),
            tooltip=list(tooltip) or [alt.Tooltip(f"{label}:N", title="Option")],
        )
    )
    return names


def row_axis() -> alt.Step:
    """The height of one option row."""
    return alt.Step(ROW_STEP)


def rows_data(table: pd.DataFrame) -> pd.DataFrame:
    """The rows dataset of an *option rows* chart: ``table`` (with ``label``, one row per
    row of the chart, top first, and optionally ``baseline``) with ``order`` and the wrapped
    names (:func:`wrap_columns`) added."""
    rows = table.reset_index(drop=True).copy()
    rows["order"] = np.arange(len(rows))
    if "baseline" not in rows:
        rows["baseline"] = False
    for name, column in wrap_columns(list(rows["label"])).items():
        rows[name] = column
    return rows


def row_y(field: str = "label") -> alt.Y:
    """The y of an *option rows* chart: one band of :data:`ROW_STEP` per ``field`` value, in
    the data's ``order``, no axis (the names are drawn by :func:`option_rows`)."""
    return alt.Y(
        f"{field}:N",
        sort=alt.EncodingSortField(field="order", op="min", order="ascending"),
        title=None,
        axis=None,
        scale=alt.Scale(paddingInner=0, paddingOuter=0),
    )


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
