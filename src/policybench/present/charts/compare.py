"""The Compare page's charts: how ranks shift between two perspectives, options head to head,
and how far the methods agree."""

from __future__ import annotations

import altair as alt
import pandas as pd

from policybench.present.charts import (
    CONFIG,
    DIRECTION_COLOURS,
    FONT_SIZE,
    OKABE_ITO,
    Chart,
    finish,
    palette,
)


def slope_chart(
    shift: pd.DataFrame, *, title: str = "How the ranking shifts between the two profiles"
) -> Chart:
    """A bump chart: each profile a column of ranked option labels, one line per option
    between the columns (blue where it moves up from the first profile to the last,
    vermilion where it moves down, grey otherwise).

    ``shift`` is :func:`policybench.present.compare.rank_shift`. Options that tie share
    their rank number but get a row each, in catalog order, so that no label hides another.
    """
    data = shift[
        ["option_id", "option", "profile", "position", "rank", "shift", "direction"]
    ].copy()
    catalog_order = {oid: k for k, oid in enumerate(dict.fromkeys(data["option_id"]))}
    data["_catalog"] = data["option_id"].map(catalog_order)
    data = data.sort_values(["position", "rank", "_catalog"], kind="stable")
    data["slot"] = data.groupby("position").cumcount() + 1
    data["label"] = [f"{r}. {o}" for r, o in zip(data["rank"], data["option"], strict=True)]
    data = data.drop(columns="_catalog")
    profiles = list(dict.fromkeys(shift.sort_values("position", kind="stable")["profile"]))
    options = int(data["option_id"].nunique())
    headers = pd.DataFrame(
        {"profile": profiles, "position": list(range(len(profiles))), "slot": [0.0] * len(profiles)}
    )
    last = len(profiles) - 1
    x = alt.X("position:Q", axis=None, scale=alt.Scale(domain=[-1.45, last + 1.45]))
    y_scale = alt.Scale(reverse=True, domain=[-0.8, options + 0.5], nice=False, zero=False)
    y = alt.Y("slot:Q", axis=None, scale=y_scale)
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
    heads = (
        alt.Chart(alt.NamedData(name="headers"))
        .mark_text(fontSize=FONT_SIZE + 1, fontWeight="bold", baseline="bottom")
        .encode(x=x, y=alt.Y("slot:Q", scale=y_scale, axis=None), text="profile:N")
    )
    return finish(
        alt.layer(lines, points, left, right, heads),
        {"shift": data, "headers": headers},
        title=title,
        height=22 * options + 50,
        padding={"left": 8, "right": 8, "top": 4, "bottom": 4},
    )


def head_to_head_chart(
    h2h: pd.DataFrame,
    *,
    title: str = "Scores criterion by criterion; black lines show each score's range",
) -> Chart:
    """Grouped horizontal bars of two or three options per criterion, with low–high ranges.

    ``h2h`` is :func:`policybench.present.compare.head_to_head`.
    """
    options = list(dict.fromkeys(h2h["option"]))
    criteria = list(dict.fromkeys(h2h["criterion"]))
    colour = alt.Color(
        "option:N",
        scale=alt.Scale(domain=options, range=palette(len(options), OKABE_ITO)),
        legend=alt.Legend(title="Option", orient="top", direction="vertical", labelLimit=700),
    )
    tooltip = [
        alt.Tooltip("criterion:N", title="Criterion"),
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("value:Q", title="Score (0–10)"),
        alt.Tooltip("low:Q", title="Low"),
        alt.Tooltip("high:Q", title="High"),
    ]
    base = alt.Chart(alt.NamedData(name="h2h"))
    bars = base.mark_bar(opacity=0.85).encode(
        y=alt.Y("criterion:N", sort=criteria, title=None, axis=alt.Axis(labelLimit=300)),
        yOffset=alt.YOffset("option:N", sort=options),
        x=alt.X(
            "value:Q",
            title="Score on the 0–10 scale (for a cost criterion, higher is worse)",
            scale=alt.Scale(domain=[0, 10]),
        ),
        color=colour,
        tooltip=tooltip,
    )
    ranges = base.mark_rule(color="#000000", strokeWidth=2).encode(
        y=alt.Y("criterion:N", sort=criteria, title=None, bandPosition=0.5),
        yOffset=alt.YOffset("option:N", sort=options, bandPosition=0.5),
        x="low:Q",
        x2="high:Q",
        tooltip=tooltip,
    )
    return finish(
        alt.layer(bars, ranges),
        {"h2h": h2h[["criterion", "option", "value", "low", "high"]]},
        title=title,
        height=max(240, len(criteria) * (16 * len(options) + 14)),
    )


def tau_chart(
    tau: pd.DataFrame, *, title: str = "Agreement between methods (Kendall's tau)"
) -> Chart:
    """Kendall's tau between every pair of methods as a heat map of fixed-size cells; 1 = the
    same ranking, −1 = reversed. ``tau`` is :func:`policybench.present.compare.tau_matrix`."""
    labels = list(dict.fromkeys(tau["a"]))
    base = alt.Chart(alt.NamedData(name="tau")).encode(
        x=alt.X(
            "a:N",
            sort=labels,
            title=None,
            axis=alt.Axis(
                labelAngle=0, labelLimit=150, orient="top", labelPadding=6, labelOverlap=False
            ),
        ),
        y=alt.Y("b:N", sort=labels, title=None, axis=alt.Axis(labelLimit=220)),
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
    chart = alt.layer(cells, text).properties(
        config=CONFIG,
        title=title,
        width=alt.Step(150),
        height=alt.Step(44),
        autosize={"type": "pad", "contains": "padding"},
    )
    return Chart(chart.to_dict(validate=False), {"tau": tau[["a", "b", "tau"]]})  # see finish()
