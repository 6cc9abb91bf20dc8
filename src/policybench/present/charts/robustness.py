"""The Robustness page's charts: scores along a one-way sweep of one criterion's weight, and
SMAA's chance of ranking first and rank acceptability."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from policybench.present.charts import (
    BASELINE_TEXT,
    FONT_SIZE,
    INK,
    MARK_OFFSET,
    MARK_SIZE,
    OKABE_ITO,
    SCORE_ROOM,
    Chart,
    finish,
    legend_columns,
    option_rows,
    palette,
    row_axis,
    row_y,
    rows_data,
)

#: Above this many options the heat map drops the printed shares (cells get too narrow).
ACCEPTABILITY_TEXT_MAX = 15


def sensitivity_chart(
    lines: pd.DataFrame,
    *,
    criterion: str,
    current: float,
    break_even: pd.DataFrame | None = None,
    title: str | None = None,
) -> Chart:
    """Scores as one criterion's weight moves from 0 to 100 % (the others in proportion).

    ``lines`` has ``weight`` (share, 0–1), ``option``, ``score``; ``current`` is the
    criterion's current share, drawn as a solid rule; ``break_even`` (``weight``, ``label``)
    marks the weights at which first place changes hands, as dashed rules.
    """
    options = list(dict.fromkeys(lines["option"]))
    datasets = {
        "lines": lines[["weight", "option", "score"]],
        "now": pd.DataFrame({"weight": [float(current)], "label": ["now"]}),
    }
    colour = alt.Color(
        "option:N",
        sort=options,
        scale=alt.Scale(domain=options, range=palette(len(options), OKABE_ITO)),
        legend=alt.Legend(
            title="Option",
            orient="bottom",
            columns=legend_columns(330),
            labelLimit=alt.ExprRef("min(310, width - 30)"),
        ),
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
            strokeDash=alt.StrokeDash("option:N", sort=options, legend=None),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("weight:Q", title="Weight", format=".1%"),
                alt.Tooltip("score:Q", title="Score", format=".3f"),
            ],
        )
    ]
    if break_even is not None and len(break_even) > 0:
        datasets["breaks"] = break_even[["weight", "label"]]
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
    return finish(
        alt.layer(*layers),
        datasets,
        title=title or f"Scores as the weight of “{criterion}” changes",
        height=420,
    )


def heat_top(shares: pd.Series) -> float:
    """The top of the heat map's colour scale: the largest share shown, rounded up to the next
    5 % (at least 5 %, at most 100 %)."""
    largest = float(shares.max()) if len(shares) else 0.0
    return float(min(1.0, max(0.05, np.ceil(largest * 20 - 1e-9) / 20)))


def acceptability_chart(
    acc: pd.DataFrame,
    order: Sequence[str],
    *,
    title: str = "How often each option takes each rank",
    width: int | None = None,
) -> Chart:
    """Rank acceptability as a heat map, one option row each (its name above a strip of
    cells, rank 1 on the left): the share of samples in which each option takes each rank.

    ``acc`` has ``option``, ``rank`` (1…N) and ``share`` (0–1)
    (:func:`policybench.present.tables.acceptability_long`); ``order`` lists option labels top
    to bottom. Shares of 5 % or more are printed in the cells when there are at most
    :data:`ACCEPTABILITY_TEXT_MAX` options (the tooltip gives every share). The colour scale
    runs to the largest share shown (:func:`heat_top`). ``width`` fixes the chart's width.
    """
    labels = list(order)
    n = int(acc["rank"].max()) if len(acc) else 1
    rows = rows_data(
        pd.DataFrame({"label": labels, "baseline": [BASELINE_TEXT in str(x) for x in labels]})
    )
    cells_data = acc[["option", "rank", "share"]].rename(columns={"option": "label"}).copy()
    cells_data["order"] = cells_data["label"].map({x: k for k, x in enumerate(labels)})
    cells_data = cells_data.dropna(subset=["order"])
    # The scale runs to the largest share shown, not to 100 %: when no option takes a rank in
    # more than a fifth of the samples, a 0–100 % scale leaves the whole map pale.
    top = heat_top(acc["share"])
    x = alt.X(
        "rank:O",
        title=None,
        sort="ascending",
        scale=alt.Scale(domain=list(range(1, n + 1)), paddingInner=0.06, paddingOuter=0),
        axis=alt.Axis(
            orient="top",
            labelAngle=0,
            labelOverlap=True,
            title="Rank (1 = best)",
            domain=False,
            ticks=False,
        ),
    )
    base = alt.Chart(alt.NamedData(name="acceptability")).encode(y=row_y(), x=x)
    cells = base.mark_rect(height=MARK_SIZE + 4, yOffset=MARK_OFFSET).encode(
        color=alt.Color(
            "share:Q",
            scale=alt.Scale(scheme="blues", domain=[0, top], type="sqrt", clamp=True),
            legend=alt.Legend(
                title="Share of samples",
                format="%",
                orient="top",
                direction="horizontal",
                gradientLength=alt.ExprRef("min(240, width - 40)"),
                values=[round(top * f, 4) for f in (0, 0.25, 0.5, 1)],
                offset=8,
            ),
        ),
        tooltip=[
            alt.Tooltip("label:N", title="Option"),
            alt.Tooltip("rank:O", title="Rank"),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
        ],
    )
    layers: list[alt.Chart] = [cells, option_rows("rows", y=row_y())]
    if len(labels) <= ACCEPTABILITY_TEXT_MAX:
        layers.append(
            base.mark_text(fontSize=FONT_SIZE - 1, yOffset=MARK_OFFSET, baseline="middle")
            .encode(
                text=alt.Text("share:Q", format=".0%"),
                color=alt.condition(
                    f"datum.share > {top * 0.55:.4f}", alt.value("#FFFFFF"), alt.value("#000000")
                ),
            )
            .transform_filter("datum.share >= 0.05")
        )
    sizes = {"width": width} if width is not None else {}
    return finish(
        alt.layer(*layers),
        {"acceptability": cells_data, "rows": rows},
        title=title,
        height=row_axis(),
        **sizes,
    )


def first_rank_chart(first: pd.DataFrame, *, title: str = "Chance of being ranked first") -> Chart:
    """Option rows with a bar of each option's share of samples ranked first (``option``,
    ``share``), the share printed at its end, largest first; options never first are left
    out."""
    data = first[first["share"] > 0].sort_values("share", ascending=False, kind="stable")[
        ["option", "share"]
    ]
    rows = rows_data(
        pd.DataFrame(
            {
                "label": list(data["option"]),
                "share": list(data["share"]),
                "baseline": [BASELINE_TEXT in str(x) for x in data["option"]],
            }
        )
    )
    x_scale = alt.Scale(domain=[0, 1], range=[0, alt.ExprRef(f"width - {SCORE_ROOM}")], nice=False)
    base = alt.Chart(alt.NamedData(name="first")).encode(y=row_y())
    bars = base.mark_bar(color=OKABE_ITO[0], height=MARK_SIZE, yOffset=MARK_OFFSET).encode(
        x=alt.X("share:Q", title=None, axis=None, scale=x_scale),
        tooltip=[
            alt.Tooltip("label:N", title="Option"),
            alt.Tooltip("share:Q", title="Ranked first", format=".1%"),
        ],
    )
    text = (
        base.transform_calculate(
            shown="datum.share < 0.001 ? '< 0.1%' : format(datum.share, '.1%')"
        )
        .mark_text(align="left", dx=4, fontSize=FONT_SIZE - 1, color=INK, yOffset=MARK_OFFSET)
        .encode(x=alt.X("share:Q", scale=x_scale), text="shown:N")
    )
    return finish(
        alt.layer(bars, option_rows("first", y=row_y()), text),
        {"first": rows},
        title={
            "text": title,
            "subtitle": ["Share of the samples in which each option ranks first."],
        },
        height=row_axis(),
    )
