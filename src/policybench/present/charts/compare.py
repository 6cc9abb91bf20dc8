"""The Compare page's charts: how ranks shift between two perspectives, options head to head,
and how far the methods agree. Each fits any width: option rows for the shift
(:func:`policybench.present.charts.option_rows`), criterion rows for the head-to-head, and a
tau matrix whose cells share the width."""

from __future__ import annotations

import altair as alt
import pandas as pd

from policybench.present.charts import (
    DIRECTION_COLOURS,
    FONT_SIZE,
    INK,
    LABEL_LINE,
    MARK_OFFSET,
    OKABE_ITO,
    Chart,
    finish,
    legend_columns,
    option_rows,
    palette,
    row_axis,
    row_y,
    rows_data,
)

#: Moves in words, for the legend.
MOVES = {"up": "moves up", "down": "moves down", "same": "keeps its rank"}


def slope_chart(
    shift: pd.DataFrame, *, title: str = "How the ranking shifts between the two profiles"
) -> Chart:
    """How each option's rank moves from the first profile to the last, one option row each:
    on a rank axis (1 = best, on the left), a hollow dot at its rank under the first profile,
    a filled dot under the last, joined by a line (blue where it moves up, vermilion where it
    moves down, grey otherwise). Rows follow the first profile's ranking.

    ``shift`` is :func:`policybench.present.compare.rank_shift`. Options that tie share their
    rank number but keep a row each, in catalog order.
    """
    data = shift[["option_id", "option", "profile", "position", "rank", "direction"]]
    profiles = list(dict.fromkeys(shift.sort_values("position", kind="stable")["profile"]))
    first = data[data["position"] == 0].set_index("option_id")
    last = data[data["position"] == data["position"].max()].set_index("option_id")
    catalog_order = {oid: k for k, oid in enumerate(dict.fromkeys(data["option_id"]))}
    ids = sorted(first.index, key=lambda o: (int(first.loc[o, "rank"]), catalog_order[o]))
    table = pd.DataFrame(
        {
            # The ranks first, so that a name cut short for a narrow screen never loses them.
            "label": [
                f"{int(first.loc[o, 'rank'])} → {int(last.loc[o, 'rank'])} · {first.loc[o, 'option']}"
                for o in ids
            ],
            "option": [first.loc[o, "option"] for o in ids],
            "from": [int(first.loc[o, "rank"]) for o in ids],
            "to": [int(last.loc[o, "rank"]) for o in ids],
            "direction": [first.loc[o, "direction"] for o in ids],
            "baseline": [str(first.loc[o, "option"]).endswith("(baseline)") for o in ids],
        }
    )
    rows = rows_data(table)
    n = max(int(rows[["from", "to"]].to_numpy().max()), 2)
    x_scale = alt.Scale(domain=[1, n], range=[8, alt.ExprRef("width - 8")], nice=False)
    colour = alt.Color(
        "direction:N",
        scale=alt.Scale(domain=list(MOVES), range=[DIRECTION_COLOURS[d] for d in MOVES]),
        legend=alt.Legend(
            title="The option",
            orient="top",
            direction="horizontal",
            labelExpr="{'up': 'moves up', 'down': 'moves down', 'same': 'keeps its rank'}[datum.label]",
            titleLimit=alt.ExprRef("width"),
            columns=legend_columns(150),
            offset=24,
        ),
    )
    tooltip = [
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("from:Q", title=f"Rank: {profiles[0]}"),
        alt.Tooltip("to:Q", title=f"Rank: {profiles[-1]}"),
    ]
    base = alt.Chart(alt.NamedData(name="rows")).encode(y=row_y())
    line = base.mark_rule(strokeWidth=3, yOffset=MARK_OFFSET).encode(
        x=alt.X("from:Q", scale=x_scale, title=None, axis=None),
        x2="to:Q",
        color=colour,
        tooltip=tooltip,
    )
    start = base.mark_point(
        size=90, filled=False, strokeWidth=2, opacity=1, yOffset=MARK_OFFSET
    ).encode(x=alt.X("from:Q", scale=x_scale), color=colour, tooltip=tooltip)
    end = base.mark_circle(size=90, opacity=1, yOffset=MARK_OFFSET).encode(
        x=alt.X("to:Q", scale=x_scale), color=colour, tooltip=tooltip
    )
    ticks = pd.DataFrame({"rank": sorted({1, *range(5, n + 1, 5), n})})
    axis = (
        alt.Chart(alt.NamedData(name="ticks"))
        .mark_text(baseline="bottom", dy=-4, fontSize=FONT_SIZE - 1, color=INK)
        .encode(x=alt.X("rank:Q", scale=x_scale), y=alt.value(0), text="rank:Q")
    )
    return finish(
        alt.layer(line, start, end, option_rows("rows", y=row_y(), tooltip=tooltip), axis),
        {"rows": rows, "ticks": ticks},
        title={
            "text": title,
            "subtitle": [
                f"Each option's rank (1 = best, on the left): a hollow dot under {profiles[0]}, "
                f"a filled dot under {profiles[-1]}."
            ],
        },
        height=row_axis(),
    )


#: A head-to-head row: the criterion's name (two lines), then one bar per option.
H2H_BAR = 12
H2H_GAP = 3


def head_to_head_chart(
    h2h: pd.DataFrame,
    *,
    title: str = "Scores criterion by criterion; black lines show each score's range",
) -> Chart:
    """Two or three options per criterion, one row per criterion (its name above, then a bar
    per option on the 0–10 scale with a black line for its low–high range).

    ``h2h`` is :func:`policybench.present.compare.head_to_head`.
    """
    options = list(dict.fromkeys(h2h["option"]))
    criteria = list(dict.fromkeys(h2h["criterion"]))
    k = len(options)
    label_px = 2 * LABEL_LINE + 4
    step = label_px + k * (H2H_BAR + H2H_GAP) + 8
    colour = alt.Color(
        "option:N",
        scale=alt.Scale(domain=options, range=palette(k, OKABE_ITO)),
        legend=alt.Legend(
            title="Option",
            orient="top",
            direction="vertical",
            labelLimit=alt.ExprRef("width - 30"),
        ),
    )
    tooltip = [
        alt.Tooltip("criterion:N", title="Criterion"),
        alt.Tooltip("option:N", title="Option"),
        alt.Tooltip("value:Q", title="Score (0–10)"),
        alt.Tooltip("low:Q", title="Low"),
        alt.Tooltip("high:Q", title="High"),
    ]
    data = h2h[["criterion", "option", "value", "low", "high"]].copy()
    data["slot"] = data["option"].map({o: i for i, o in enumerate(options)})
    data["order"] = data["criterion"].map({c: i for i, c in enumerate(criteria)})
    rows = rows_data(pd.DataFrame({"label": criteria}))
    y = alt.Y(
        "criterion:N",
        sort=alt.EncodingSortField(field="order", op="min", order="ascending"),
        title=None,
        axis=None,
        scale=alt.Scale(paddingInner=0, paddingOuter=0),
    )
    x_scale = alt.Scale(domain=[0, 10], range=[0, alt.ExprRef("width")], nice=False)
    # Each option's bar sits at its slot under the name: offset from the row's centre.
    offset = f"{label_px - step / 2 + H2H_BAR / 2} + datum.slot * {H2H_BAR + H2H_GAP}"
    base = alt.Chart(alt.NamedData(name="h2h")).encode(y=y)
    bars = base.mark_bar(height=H2H_BAR, yOffset=alt.ExprRef(offset), opacity=0.85).encode(
        x=alt.X(
            "value:Q",
            title="Score, 0–10 (on a cost criterion, higher is worse)",
            scale=x_scale,
            stack=None,
            axis=alt.Axis(
                orient="top", values=list(range(0, 11, 2)), grid=True, format="d", titleLimit=0
            ),
        ),
        color=colour,
        tooltip=tooltip,
    )
    ranges = base.mark_rule(color="#000000", strokeWidth=2, yOffset=alt.ExprRef(offset)).encode(
        x=alt.X("low:Q", scale=x_scale), x2="high:Q", tooltip=tooltip
    )
    names = option_rows(
        "criteria",
        y=alt.Y(
            "label:N",
            sort=alt.EncodingSortField(field="order", op="min", order="ascending"),
            title=None,
            axis=None,
            scale=alt.Scale(paddingInner=0, paddingOuter=0),
        ),
    )
    # The names sit at the top of the row, not just above a single bar as in option rows.
    names = names.mark_text(
        align="left",
        baseline="top",
        dy=2 - step / 2,
        lineBreak="\n",
        lineHeight=LABEL_LINE,
        fontSize=FONT_SIZE,
        color=INK,
        limit=alt.ExprRef("width"),
    )
    return finish(
        alt.layer(bars, ranges, names).resolve_scale(y="shared"),
        {"h2h": data, "criteria": rows},
        title=title,
        height=alt.Step(step),
    )


def tau_chart(
    tau: pd.DataFrame, *, title: str = "Agreement between methods (Kendall's tau)"
) -> Chart:
    """Kendall's tau between every pair of methods as a heat map whose cells share the
    chart's width; 1 = the same ranking, −1 = reversed. ``tau`` is
    :func:`policybench.present.compare.tau_matrix`."""
    labels = list(dict.fromkeys(tau["a"]))
    n = len(labels)
    # Method names break at their spaces; under each column, on a phone, the names shorten
    # (the rows keep them whole) so that five columns fit.
    lines = "split(datum.label, ' ')"
    short = (
        "width < 520 ? ({'Weighted sum': 'Sum', 'Weighted product': 'Product', "
        "'PROMETHEE II': 'PROM. II'}[datum.label] || datum.label) : " + lines
    )
    base = alt.Chart(alt.NamedData(name="tau")).encode(
        x=alt.X(
            "a:N",
            sort=labels,
            title=None,
            axis=alt.Axis(labelAngle=0, orient="bottom", labelPadding=6, labelExpr=short),
        ),
        y=alt.Y("b:N", sort=labels, title=None, axis=alt.Axis(labelExpr=lines, labelLimit=0)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "tau:Q",
            scale=alt.Scale(scheme="blues", domain=[-1, 1]),
            legend=alt.Legend(title="tau", orient="bottom", direction="horizontal"),
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
    return finish(
        alt.layer(cells, text),
        {"tau": tau[["a", "b", "tau"]]},
        title=title,
        height=alt.Step(44 if n <= 6 else 30),
    )
