"""A workshop's charts, for its export: each participant's weights against the group's, and
each participant's ranking against the group's."""

from __future__ import annotations

import altair as alt
import pandas as pd

from policybench.analysis.workshop import GroupResult
from policybench.catalog import Catalog
from policybench.present.charts import (
    BASELINE_TEXT,
    MARK_OFFSET,
    MARK_SIZE,
    OKABE_ITO,
    Chart,
    finish,
    option_rows,
    row_axis,
    row_y,
    rows_data,
)
from policybench.present.labels import criterion_label, option_label


def _rows_of(labels: list[str]) -> pd.DataFrame:
    return rows_data(
        pd.DataFrame({"label": labels, "baseline": [BASELINE_TEXT in x for x in labels]})
    )


def _ordered(df: pd.DataFrame, column: str, labels: list[str]) -> pd.DataFrame:
    out = df.rename(columns={column: "label"}).copy()
    out["order"] = out["label"].map({x: k for k, x in enumerate(labels)}).astype(int)
    return out


def weights_spread_chart(
    spread: pd.DataFrame, *, title: str = "Each participant's weights, and the group's"
) -> Chart:
    """One row per criterion (its name above a strip): a tick per participant's share of the
    weight, the group's share as a diamond.

    ``spread`` has ``criterion`` (label), ``weight`` (share, 0–1) and ``is_group`` (true on
    the group's row for each criterion); criteria keep their order of appearance.
    """
    order = list(dict.fromkeys(spread["criterion"]))
    top = float(max(spread["weight"].max(), 0.05))
    x_scale = alt.Scale(domain=[0, top], range=[0, alt.ExprRef("width - 8")], nice=True)
    x = alt.X(
        "weight:Q",
        title="Weight (share of all weights)",
        scale=x_scale,
        axis=alt.Axis(format="%", orient="top", grid=True, tickCount=alt.ExprRef("width / 80")),
    )
    data = alt.NamedData(name="weights")
    ticks = (
        alt.Chart(data)
        .transform_filter("!datum.is_group")
        .mark_tick(thickness=2, size=MARK_SIZE + 6, color=OKABE_ITO[0], yOffset=MARK_OFFSET)
        .encode(
            y=row_y(),
            x=x,
            tooltip=[
                alt.Tooltip("label:N", title="Criterion"),
                alt.Tooltip("weight:Q", title="Weight", format=".1%"),
            ],
        )
    )
    group = (
        alt.Chart(data)
        .transform_filter("datum.is_group")
        .mark_point(
            shape="diamond",
            size=150,
            filled=True,
            color=OKABE_ITO[5],
            opacity=1,
            yOffset=MARK_OFFSET,
        )
        .encode(
            y=row_y(),
            x=alt.X("weight:Q", scale=x_scale),
            tooltip=[
                alt.Tooltip("label:N", title="Criterion"),
                alt.Tooltip("weight:Q", title="Group weight", format=".1%"),
            ],
        )
    )
    return finish(
        alt.layer(ticks, group, option_rows("rows", y=row_y())),
        {"weights": _ordered(spread, "criterion", order), "rows": _rows_of(order)},
        title={
            "text": title,
            "subtitle": ["A blue tick per participant; the orange diamond is the group's weight."],
        },
        height=row_axis(),
    )


def group_ranks_chart(
    ranks: pd.DataFrame, *, title: str = "Each participant's ranking against the group's"
) -> Chart:
    """One row per option (its name above a strip, the group's best first): a dot per
    participant's rank of it, the group's rank as a diamond.

    ``ranks`` has ``option`` (label), ``rank`` and ``is_group``; options keep their order of
    appearance (best first).
    """
    order = list(dict.fromkeys(ranks["option"]))
    n = len(order)
    x_scale = alt.Scale(domain=[1, max(n, 2)], range=[6, alt.ExprRef("width - 6")], nice=False)
    x = alt.X(
        "rank:Q",
        title="Rank (1 = best)",
        scale=x_scale,
        axis=alt.Axis(orient="top", tickMinStep=1, grid=True, format="d"),
    )
    data = alt.NamedData(name="ranks")
    dots = (
        alt.Chart(data)
        .transform_filter("!datum.is_group")
        .mark_circle(size=70, opacity=0.55, color=OKABE_ITO[0], yOffset=MARK_OFFSET)
        .encode(y=row_y(), x=x)
    )
    group = (
        alt.Chart(data)
        .transform_filter("datum.is_group")
        .mark_point(
            shape="diamond",
            size=160,
            filled=True,
            color=OKABE_ITO[5],
            opacity=1,
            yOffset=MARK_OFFSET,
        )
        .encode(y=row_y(), x=alt.X("rank:Q", scale=x_scale))
    )
    return finish(
        alt.layer(dots, group, option_rows("rows", y=row_y())),
        {"ranks": _ordered(ranks, "option", order), "rows": _rows_of(order)},
        title={
            "text": title,
            "subtitle": ["A blue dot per participant; the orange diamond is the group's rank."],
        },
        height=row_axis(),
    )


def workshop_charts(catalog: Catalog, result: GroupResult) -> tuple[Chart, Chart]:
    """The workshop's two charts from its group result: :func:`weights_spread_chart` and
    :func:`group_ranks_chart` (options in the group's order, by title)."""
    crits, opts = result.criterion_ids, result.option_ids
    names = [criterion_label(catalog, c) for c in crits]
    people = range(result.participants)
    spread = pd.DataFrame(
        [
            {"criterion": names[j], "weight": float(result.shares[p, j]), "is_group": False}
            for p in people
            for j in range(len(crits))
        ]
        + [
            {"criterion": names[j], "weight": float(result.group_weights[j]), "is_group": True}
            for j in range(len(crits))
        ]
    )
    order = result.order()
    titles = {o: option_label(catalog.options_by_id[o]) for o in opts}
    if len(set(titles.values())) < len(titles):
        titles = {o: f"{t} [{o}]" for o, t in titles.items()}
    ranks = pd.DataFrame(
        [
            {"option": titles[opts[i]], "rank": int(result.ranks[p, i]), "is_group": False}
            for i in order
            for p in people
        ]
        + [
            {"option": titles[opts[i]], "rank": int(result.group_ranking[i]), "is_group": True}
            for i in order
        ]
    )
    return weights_spread_chart(spread), group_ranks_chart(ranks)
