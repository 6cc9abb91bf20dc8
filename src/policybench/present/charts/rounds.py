"""A workshop's rounds: how far apart the room's weights are on each criterion, round by round
(a line per criterion, falling as the room converges)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from policybench.present.charts import (
    CRITERION_PALETTE,
    Chart,
    finish,
    legend_columns,
    palette,
)

#: One marker shape per criterion beside its colour, so that lines that cross stay apart in
#: greyscale and for readers who cannot tell two colours apart.
SHAPES: tuple[str, ...] = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "triangle-down",
    "cross",
    "triangle-right",
    "triangle-left",
)
#: Plot height: the chart, its legend and its axis fit a 1024×768 projector under the page's
#: heading.
HEIGHT = 320


def convergence_chart(
    table: pd.DataFrame,
    *,
    title: str = "How far apart the room's weights are, round by round",
) -> Chart:
    """A line per criterion across the rounds: the spread of its weight (the interquartile
    range of the participants' shares), with a marker per round.

    ``table`` is :func:`policybench.present.contest.spread_by_round`'s: ``round``,
    ``criterion`` (name; criteria keep their order of appearance, which sets their colours as
    everywhere else) and ``spread`` (0–1); ``median`` is shown in the tooltip when present.
    """
    criteria = list(dict.fromkeys(table["criterion"]))
    rounds = sorted({int(r) for r in table["round"]})
    columns = [c for c in ("round", "criterion", "spread", "median") if c in table]
    colour = alt.Color(
        "criterion:N",
        sort=criteria,
        scale=alt.Scale(domain=criteria, range=palette(len(criteria), CRITERION_PALETTE)),
        legend=alt.Legend(
            title="Criterion",
            orient="top",
            columns=legend_columns(335),
            labelLimit=alt.ExprRef("min(320, width - 30)"),
        ),
    )
    shape = alt.Shape(
        "criterion:N",
        sort=criteria,
        scale=alt.Scale(domain=criteria, range=palette(len(criteria), SHAPES)),
        legend=None,
    )
    x = alt.X(
        "round:O",
        title="Round",
        sort=rounds,
        scale=alt.Scale(domain=rounds),
        axis=alt.Axis(labelAngle=0),
    )
    y = alt.Y(
        "spread:Q",
        title="Spread of the weight (middle half of the room)",
        axis=alt.Axis(format="%", tickCount=5),
        scale=alt.Scale(zero=True, nice=True),
    )
    tooltip = [
        alt.Tooltip("round:O", title="Round"),
        alt.Tooltip("criterion:N", title="Criterion"),
        alt.Tooltip("spread:Q", title="Spread (IQR)", format=".1%"),
    ]
    if "median" in table:
        tooltip.append(alt.Tooltip("median:Q", title="Median weight", format=".1%"))
    base = alt.Chart(alt.NamedData(name="spread")).encode(x=x, y=y, color=colour)
    lines = base.mark_line(strokeWidth=2.5)
    points = base.mark_point(size=90, filled=True, opacity=1).encode(shape=shape, tooltip=tooltip)
    return finish(
        alt.layer(lines, points),
        {"spread": table[columns].reset_index(drop=True)},
        title={
            "text": title,
            "subtitle": [
                "The spread is the range of the middle half of the participants' weights on a "
                "criterion: lower means the room agrees more."
            ],
        },
        height=HEIGHT,
    )
