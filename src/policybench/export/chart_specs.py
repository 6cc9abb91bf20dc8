"""The structure of every chart, in Altair: one ``*_spec`` function per kind of chart.

Each builds a chart from a few hashable arguments (labels, row counts), reading its data
from named datasets that :mod:`policybench.export.charts` prepares; a
:class:`~policybench.export.charts.Prepared` names its spec here, so that the app can keep a
compiled structure (on disk, between server processes) without importing Altair at all.
Palettes, font sizes and the projector-friendly theme are :mod:`policybench.export.charts`'s
constants and :data:`CONFIG`. No builder calls Streamlit, reads files or changes its input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from policybench.export.charts import (
    ACCEPTABILITY_TEXT_MAX,
    BASELINE_TEXT,
    CRITERION_PALETTE,
    DIRECTION_COLOURS,
    FONT_SIZE,
    INK,
    OKABE_ITO,
    ROW_HEIGHT,
    TITLE_SIZE,
)

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


def with_data(chart: alt.TopLevelMixin, datasets: Mapping[str, pd.DataFrame]) -> alt.TopLevelMixin:
    """Attach named datasets to a chart built by one of the ``*_spec`` functions."""
    return chart.properties(
        datasets={name: df.to_dict(orient="records") for name, df in datasets.items()}
    )


def _finish(chart: alt.TopLevelMixin, **props: Any) -> alt.TopLevelMixin:
    """Config and sizing: the width fits the container, the height is the chart's own (so that
    rows keep their height however long the legend or title)."""
    return chart.properties(
        config=CONFIG, autosize={"type": "fit-x", "contains": "padding"}, **props
    )


def _palette(n: int, colours: Sequence[str]) -> list[str]:
    return [colours[i % len(colours)] for i in range(n)]


def _option_axis(**kw: Any) -> alt.Axis:
    """Option names on a y axis: long labels allowed, the status quo in bold."""
    return alt.Axis(
        labelLimit=380,
        labelFontWeight=alt.ExprRef(
            f"indexof(datum.label, '{BASELINE_TEXT}') >= 0 ? 'bold' : 'normal'"
        ),
        **kw,
    )


def _height(n: int) -> alt.Step:
    """A fixed height per row of a discrete axis (``n`` is kept for the cache key)."""
    return alt.Step(ROW_HEIGHT)


def _by_order() -> alt.EncodingSortField:
    return alt.EncodingSortField(field="order", op="min", order="ascending")


# ------------------------------------------------------------------------ contributions
def contribution_spec(
    criteria: tuple[str, ...], rows: int, baseline: bool, title: str
) -> alt.TopLevelMixin:
    """Stacked horizontal bars from dataset ``contributions`` (and the rule from ``baseline``)."""
    bars = (
        alt.Chart(alt.NamedData(name="contributions"))
        .mark_bar()
        .encode(
            y=alt.Y("option:N", sort=_by_order(), title=None, axis=_option_axis()),
            x=alt.X(
                "sum(contribution):Q",
                title="Score (weighted sum of 0–1 values; 1 = best on every criterion)",
            ),
            color=alt.Color(
                "criterion:N",
                scale=alt.Scale(
                    domain=list(criteria), range=_palette(len(criteria), CRITERION_PALETTE)
                ),
                legend=alt.Legend(title="Criterion", orient="right", symbolType="square"),
            ),
            order=alt.Order("criterion_order:Q"),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("criterion:N", title="Criterion"),
                alt.Tooltip("contribution:Q", title="Adds to the score", format=".3f"),
                alt.Tooltip("weight_share:Q", title="Weight share", format=".1%"),
                alt.Tooltip("value:Q", title="Value (0–1)", format=".2f"),
            ],
        )
    )
    layers: list[alt.Chart] = [bars]
    if baseline:
        layers.append(
            alt.Chart(alt.NamedData(name="baseline"))
            .mark_rule(strokeDash=[6, 4], color="#000000", strokeWidth=1.5)
            .encode(
                x="score:Q",
                tooltip=[alt.Tooltip("score:Q", title="Status quo score", format=".3f")],
            )
        )
    return _finish(alt.layer(*layers), title=title, height=_height(rows))


# ------------------------------------------------------------------------ plain scores
def score_spec(rows: int, method: str, title: str) -> alt.TopLevelMixin:
    """One bar per option from dataset ``scores``."""
    chart = (
        alt.Chart(alt.NamedData(name="scores"))
        .mark_bar()
        .encode(
            y=alt.Y("option:N", sort=_by_order(), title=None, axis=_option_axis()),
            x=alt.X("score:Q", title=f"Score under {method} (higher is better)"),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["Option", "Status quo"], range=[OKABE_ITO[0], "#555555"]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("score:Q", title="Score", format=".3f"),
            ],
        )
    )
    return _finish(chart, title=title, height=_height(rows))


# ------------------------------------------------------------------------ slope
def slope_spec(profiles: tuple[str, ...], options: int, title: str) -> alt.TopLevelMixin:
    """A bump chart from dataset ``shift``: each profile a column of ranked option labels,
    one line per option between the columns (headers from dataset ``headers``).

    Options that tie share their rank number but get a row each, in catalog order, so that no
    label hides another.
    """
    last = len(profiles) - 1
    x = alt.X("position:Q", axis=None, scale=alt.Scale(domain=[-1.45, last + 1.45]))
    y = alt.Y(
        "slot:Q",
        axis=None,
        scale=alt.Scale(reverse=True, domain=[-0.8, options + 0.5], nice=False, zero=False),
    )
    colour = alt.Color(
        "direction:N",
        scale=alt.Scale(
            domain=["up", "down", "same"],
            range=[DIRECTION_COLOURS[d] for d in ("up", "down", "same")],
        ),
        legend=alt.Legend(
            title=f"From {profiles[0]} to {profiles[-1]} the option",
            labelExpr="{'up': 'moves up', 'down': 'moves down', 'same': 'keeps its rank'}[datum.label]",
            orient="bottom",
            titleLimit=800,
        ),
    )
    tooltip = [
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("profile:N", title="Profile"),
        alt.Tooltip("rank:Q", title="Rank"),
        alt.Tooltip("shift:Q", title="Places gained"),
    ]
    base = alt.Chart(alt.NamedData(name="shift")).encode(x=x, y=y)
    lines = base.mark_line(strokeWidth=2).encode(
        detail="option_id:N", color=colour, tooltip=tooltip
    )
    points = base.mark_circle(size=50, opacity=1).encode(color=colour, tooltip=tooltip)
    left = (
        base.mark_text(align="right", dx=-9, fontSize=FONT_SIZE - 1, limit=330)
        .encode(text="label:N", tooltip=tooltip)
        .transform_filter("datum.position == 0")
    )
    right = (
        base.mark_text(align="left", dx=9, fontSize=FONT_SIZE - 1, limit=330)
        .encode(text="label:N", tooltip=tooltip)
        .transform_filter(f"datum.position == {last}")
    )
    headers = (
        alt.Chart(alt.NamedData(name="headers"))
        .mark_text(fontSize=FONT_SIZE + 1, fontWeight="bold", baseline="bottom")
        .encode(
            x=x,
            y=alt.Y(
                "slot:Q",
                scale=alt.Scale(reverse=True, domain=[-0.8, options + 0.5], nice=False, zero=False),
                axis=None,
            ),
            text="profile:N",
        )
    )
    return _finish(
        alt.layer(lines, points, left, right, headers),
        title=title,
        height=22 * options + 50,
        padding={"left": 8, "right": 8, "top": 4, "bottom": 4},
    )


# ------------------------------------------------------------------------ head to head
def head_to_head_spec(
    options: tuple[str, ...], criteria: tuple[str, ...], title: str
) -> alt.TopLevelMixin:
    """Grouped bars with low–high ranges from dataset ``h2h``."""
    colour = alt.Color(
        "option:N",
        scale=alt.Scale(domain=list(options), range=_palette(len(options), OKABE_ITO)),
        legend=alt.Legend(title="Option", orient="top", direction="vertical", labelLimit=700),
    )
    y = alt.Y("criterion:N", sort=list(criteria), title=None, axis=alt.Axis(labelLimit=300))
    offset = alt.YOffset("option:N", sort=list(options))
    tooltip = [
        alt.Tooltip("criterion:N", title="Criterion"),
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("value:Q", title="Score (0–10)"),
        alt.Tooltip("low:Q", title="Low"),
        alt.Tooltip("high:Q", title="High"),
    ]
    base = alt.Chart(alt.NamedData(name="h2h"))
    bars = base.mark_bar(opacity=0.85).encode(
        y=y,
        yOffset=offset,
        x=alt.X(
            "value:Q",
            title="Score on the 0–10 scale (for a cost criterion, higher is worse)",
            scale=alt.Scale(domain=[0, 10]),
        ),
        color=colour,
        tooltip=tooltip,
    )
    ranges = base.mark_rule(color="#000000", strokeWidth=2).encode(
        y=alt.Y("criterion:N", sort=list(criteria), title=None, bandPosition=0.5),
        yOffset=alt.YOffset("option:N", sort=list(options), bandPosition=0.5),
        x="low:Q",
        x2="high:Q",
        tooltip=tooltip,
    )
    return _finish(
        alt.layer(bars, ranges),
        title=title,
        height=max(240, len(criteria) * (16 * len(options) + 14)),
    )


# ------------------------------------------------------------------------ tau
def tau_spec(labels: tuple[str, ...], title: str) -> alt.TopLevelMixin:
    """Heat map of Kendall's tau from dataset ``tau`` (fixed cell size, not stretched)."""
    base = alt.Chart(alt.NamedData(name="tau")).encode(
        x=alt.X(
            "a:N",
            sort=list(labels),
            title=None,
            axis=alt.Axis(
                labelAngle=0, labelLimit=150, orient="top", labelPadding=6, labelOverlap=False
            ),
        ),
        y=alt.Y("b:N", sort=list(labels), title=None, axis=alt.Axis(labelLimit=220)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "tau:Q", scale=alt.Scale(scheme="blues", domain=[-1, 1]), legend=alt.Legend(title="tau")
        ),
        tooltip=[
            alt.Tooltip("a:N", title="Method"),
            alt.Tooltip("b:N", title="Method"),
            alt.Tooltip("tau:Q", format=".2f"),
        ],
    )
    text = base.mark_text(fontSize=FONT_SIZE).encode(
        text=alt.Text("tau:Q", format=".2f"),
        color=alt.condition("datum.tau > 0.5", alt.value("#FFFFFF"), alt.value("#000000")),
    )
    return alt.layer(cells, text).properties(
        config=CONFIG,
        title=title,
        width=alt.Step(150),
        height=alt.Step(44),
        autosize={"type": "pad", "contains": "padding"},
    )


# ------------------------------------------------------------------------ sensitivity
def sensitivity_spec(
    options: tuple[str, ...], criterion: str, breaks: bool, title: str
) -> alt.TopLevelMixin:
    """Score lines from dataset ``lines``, rules from ``breaks`` and ``now``."""
    colour = alt.Color(
        "option:N",
        sort=list(options),
        scale=alt.Scale(domain=list(options), range=_palette(len(options), OKABE_ITO)),
        legend=alt.Legend(title="Option", orient="bottom", columns=2, labelLimit=480),
    )
    x = alt.X(
        "weight:Q",
        title=f"Weight of “{criterion}” (share of all weights)",
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=[0, 1]),
    )
    layers: list[alt.Chart] = [
        alt.Chart(alt.NamedData(name="lines"))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("score:Q", title="Score (higher is better)", scale=alt.Scale(zero=False)),
            color=colour,
            strokeDash=alt.StrokeDash("option:N", sort=list(options), legend=None),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("weight:Q", title="Weight", format=".1%"),
                alt.Tooltip("score:Q", title="Score", format=".3f"),
            ],
        )
    ]
    if breaks:
        layers.append(
            alt.Chart(alt.NamedData(name="breaks"))
            .mark_rule(strokeDash=[5, 4], color="#D55E00", strokeWidth=2)
            .encode(
                x="weight:Q",
                tooltip=[
                    alt.Tooltip("weight:Q", title="Break-even weight", format=".1%"),
                    alt.Tooltip("label:N", title="First place"),
                ],
            )
        )
    now = alt.Chart(alt.NamedData(name="now"))
    layers.append(
        now.mark_rule(color="#000000", strokeWidth=2).encode(
            x="weight:Q", tooltip=[alt.Tooltip("weight:Q", title="Current weight", format=".1%")]
        )
    )
    layers.append(
        now.mark_text(
            align="left", dx=5, dy=8, fontSize=FONT_SIZE, color="#000000", baseline="top"
        ).encode(x="weight:Q", y=alt.value(0), text="label:N")
    )
    return _finish(alt.layer(*layers), title=title, height=420)


# ------------------------------------------------------------------------ SMAA
def acceptability_spec(rows: int, title: str) -> alt.TopLevelMixin:
    """Heat map of rank acceptability from dataset ``acceptability``."""
    base = alt.Chart(alt.NamedData(name="acceptability")).encode(
        x=alt.X(
            "rank:O",
            title="Rank (1 = best)",
            axis=alt.Axis(labelAngle=0, orient="top", labelOverlap=True),
        ),
        y=alt.Y("option:N", sort=_by_order(), title=None, axis=_option_axis()),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "share:Q",
            scale=alt.Scale(scheme="blues", domain=[0, 1], type="sqrt"),
            legend=alt.Legend(
                title="Share of samples", format="%", orient="right", values=[0, 0.05, 0.25, 0.5, 1]
            ),
        ),
        tooltip=[
            alt.Tooltip("option:N", title="Option"),
            alt.Tooltip("rank:O", title="Rank"),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
        ],
    )
    layers: list[alt.Chart] = [cells]
    if rows <= ACCEPTABILITY_TEXT_MAX:
        layers.append(
            base.mark_text(fontSize=FONT_SIZE - 1)
            .encode(
                text=alt.Text("share:Q", format=".0%"),
                color=alt.condition(
                    "datum.share > 0.3", alt.value("#FFFFFF"), alt.value("#000000")
                ),
            )
            .transform_filter("datum.share >= 0.05")
        )
    return _finish(alt.layer(*layers), title=title, height=_height(rows))


def first_rank_spec(rows: int, title: str) -> alt.TopLevelMixin:
    """Bars of the chance of ranking first from dataset ``first``."""
    base = alt.Chart(alt.NamedData(name="first"))
    y = alt.Y("option:N", sort=_by_order(), title=None, axis=_option_axis())
    bars = base.mark_bar(color=OKABE_ITO[0]).encode(
        y=y,
        x=alt.X(
            "share:Q", title="Share of samples in which it ranks first", axis=alt.Axis(format="%")
        ),
        tooltip=[
            alt.Tooltip("option:N", title="Option"),
            alt.Tooltip("share:Q", title="Ranked first", format=".1%"),
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=FONT_SIZE).encode(
        y=y, x="share:Q", text=alt.Text("share:Q", format=".1%")
    )
    return _finish(alt.layer(bars, text), title=title, height=_height(rows))
