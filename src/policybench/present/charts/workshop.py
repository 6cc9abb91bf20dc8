"""A workshop's charts, for its export: each participant's weights against the group's, and
each participant's ranking against the group's."""

from __future__ import annotations

import altair as alt
import pandas as pd

from policybench.analysis.workshop import GroupResult
from policybench.catalog import Catalog
from policybench.present.charts import OKABE_ITO, ROW_HEIGHT, Chart, finish
from policybench.present.labels import criterion_label


def weights_spread_chart(
    spread: pd.DataFrame, *, title: str = "Each participant's weights, and the group's"
) -> Chart:
    """A tick per participant's share on each criterion, the group's share as a diamond.

    ``spread`` has ``criterion`` (label), ``weight`` (share, 0–1) and ``is_group`` (true on
    the group's row for each criterion); criteria keep their order of appearance.
    """
    order = list(dict.fromkeys(spread["criterion"]))
    y = alt.Y("criterion:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x = alt.X("weight:Q", title="Weight (share of all weights)", axis=alt.Axis(format="%"))
    data = alt.NamedData(name="weights")
    ticks = (
        alt.Chart(data)
        .transform_filter("!datum.is_group")
        .mark_tick(thickness=2, size=18, color=OKABE_ITO[0])
        .encode(
            y=y,
            x=x,
            tooltip=[
                alt.Tooltip("criterion:N", title="Criterion"),
                alt.Tooltip("weight:Q", title="Weight", format=".1%"),
            ],
        )
    )
    group = (
        alt.Chart(data)
        .transform_filter("datum.is_group")
        .mark_point(shape="diamond", size=140, filled=True, color=OKABE_ITO[5], opacity=1)
        .encode(
            y=y,
            x=x,
            tooltip=[
                alt.Tooltip("criterion:N", title="Criterion"),
                alt.Tooltip("weight:Q", title="Group weight", format=".1%"),
            ],
        )
    )
    return finish(
        alt.layer(ticks, group),
        {"weights": spread},
        title=title,
        height=max(160, ROW_HEIGHT * len(order)),
    )


def group_ranks_chart(
    ranks: pd.DataFrame, *, title: str = "Each participant's ranking against the group's"
) -> Chart:
    """A dot per participant's rank of each option, the group's rank as a diamond.

    ``ranks`` has ``option`` (label), ``rank`` and ``is_group``; options keep their order of
    appearance (best first).
    """
    order = list(dict.fromkeys(ranks["option"]))
    n = len(order)
    y = alt.Y("option:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    x = alt.X(
        "rank:Q",
        title="Rank (1 = best)",
        scale=alt.Scale(domain=[1, max(n, 2)], nice=False),
        axis=alt.Axis(tickMinStep=1),
    )
    data = alt.NamedData(name="ranks")
    dots = (
        alt.Chart(data)
        .transform_filter("!datum.is_group")
        .mark_circle(size=70, opacity=0.55, color=OKABE_ITO[0])
        .encode(y=y, x=x)
    )
    group = (
        alt.Chart(data)
        .transform_filter("datum.is_group")
        .mark_point(shape="diamond", size=160, filled=True, color=OKABE_ITO[5], opacity=1)
        .encode(y=y, x=x)
    )
    return finish(
        alt.layer(dots, group), {"ranks": ranks}, title=title, height=max(160, ROW_HEIGHT * n)
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
    titles = {o: catalog.options_by_id[o].title for o in opts}
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
