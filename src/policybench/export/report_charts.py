"""The charts an export carries, built with :mod:`policybench.export.charts` from the export's
own tables.

The app's builders take the long-form tables of :mod:`policybench.views`; the adapters here
make those from the tables of :mod:`policybench.export.tables` (a ranking table with its
``contribution:<c>`` columns, a SMAA table), so the PNG, the SVG and the HTML report show the
same charts the app draws. What the app has no builder for (several methods stacked in one
figure with the export's stamp, a workshop's weight spread) is written here. Everything is
pure Altair: nothing renders, reads files or calls Streamlit, and no input is mutated.

Catalog text (titles, criterion names, participants' names) only ever appears as data
values, never as field names or inside an expression.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from policybench.export import charts


def option_labels(table: pd.DataFrame) -> list[str]:
    """``"1. Title"`` per row of a ranking table (``rank``, ``title``, ``option``, ``baseline``),
    the status quo marked as the app marks it; the option id is added when two labels would
    read the same."""
    labels = [
        f"{int(r)}. {t}" + (f" {charts.BASELINE_TEXT}" if b else "")
        for r, t, b in zip(table["rank"], table["title"], table["baseline"], strict=True)
    ]
    if len(set(labels)) < len(labels):
        labels = [f"{lab} [{oid}]" for lab, oid in zip(labels, table["option"], strict=True)]
    return labels


def criterion_label(name: str, direction: str) -> str:
    """The criterion's name, with ``(cost)`` when a higher score is worse (as the app shows it)."""
    return name + (" (cost)" if direction == "cost" else "")


def ranking_chart(
    table: pd.DataFrame,
    criteria: pd.DataFrame,
    *,
    method: str,
    title: str,
) -> alt.TopLevelMixin:
    """One method's ranking, best at the top: bars stacked by each criterion's weighted
    contribution when ``table`` has ``contribution:<c>`` columns (additive methods), else one
    bar per option with the method's score.

    ``table`` is a :func:`~policybench.export.tables.ranking_table` (``contributions=True``);
    ``criteria`` is a :func:`~policybench.export.tables.criteria_table` (names, directions and
    the weights used).
    """
    labels = option_labels(table)
    contrib = [c for c in table.columns if c.startswith("contribution:")]
    if not contrib:
        data = pd.DataFrame(
            {
                "option": labels,
                "score": [float(s) for s in table["score"]],
                "baseline": list(table["baseline"]),
            }
        )
        return charts.score_chart(data, method=method, title=title)
    info = criteria.set_index("criterion")
    names = [
        criterion_label(
            info.loc[c.split(":", 1)[1], "name"], info.loc[c.split(":", 1)[1], "direction"]
        )
        for c in contrib
    ]
    rows = []
    for label, (_, row) in zip(labels, table.iterrows(), strict=True):
        for j, col in enumerate(contrib):
            cid = col.split(":", 1)[1]
            share = float(info.loc[cid, "weight"])
            value = float(row[col])
            rows.append(
                {
                    "option_id": row["option"],
                    "option": label,
                    "criterion_id": cid,
                    "criterion": names[j],
                    "criterion_order": j,
                    "weight_share": share,
                    "value": value / share if share > 0 else None,
                    "contribution": value,
                }
            )
    baseline = table.loc[table["baseline"].astype(bool), "score"]
    return charts.contribution_chart(
        pd.DataFrame(rows),
        labels,
        names,
        baseline_score=float(baseline.iloc[0]) if len(baseline) == 1 else None,
        title=title,
    )


#: Keys that Vega-Lite allows only on the outermost spec.
_TOP_LEVEL_ONLY = ("$schema", "config", "datasets", "padding", "autosize", "background", "usermeta")


def _rename_data(node: Any, rename: Mapping[str, str]) -> None:
    """Point every ``{"data": {"name": X}}`` (and lookups' ``from``) at ``rename[X]``, in place."""
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and data.get("name") in rename:
            data["name"] = rename[data["name"]]
        for value in node.values():
            _rename_data(value, rename)
    elif isinstance(node, list):
        for value in node:
            _rename_data(value, rename)


def stack_specs(
    specs: Sequence[Mapping[str, Any]], *, title: str, subtitle: Sequence[str] = ()
) -> dict[str, Any]:
    """Several Vega-Lite specs one above the other, as one spec.

    Each part's named datasets are renamed ``p<k>-<name>`` so that two charts built by the
    same builder (both reading a dataset called ``scores``) do not share data; the first
    part's configuration applies to the whole; colour scales stay independent.
    """
    parts: list[dict[str, Any]] = []
    datasets: dict[str, Any] = {}
    schema: Any = None
    config: Any = None
    for k, original in enumerate(specs):
        spec = copy.deepcopy(dict(original))
        schema = schema or spec.get("$schema")
        config = config or spec.get("config")
        own = spec.get("datasets", {})
        rename = {name: f"p{k}-{name}" for name in own}
        for key in _TOP_LEVEL_ONLY:
            spec.pop(key, None)
        _rename_data(spec, rename)
        datasets.update({rename[name]: rows for name, rows in own.items()})
        parts.append(spec)
    out: dict[str, Any] = {}
    if schema:
        out["$schema"] = schema
    out.update(
        {
            "title": _title(title, subtitle),
            "vconcat": parts,
            "resolve": {"scale": {"color": "independent"}},
            "datasets": datasets,
        }
    )
    if config:
        out["config"] = config
    return out


def _title(text: str, subtitle: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"text": text, "anchor": "start"}
    if subtitle:
        out["subtitle"] = list(subtitle)
    return out


def rankings_chart(
    parts: Sequence[tuple[str, str, pd.DataFrame]],
    criteria: pd.DataFrame,
    *,
    subtitle: Sequence[str] = (),
) -> dict[str, Any]:
    """Every method's ranking in one figure, as a Vega-Lite spec (``parts`` are ``(title,
    method, ranking table)``), one above the other, with the export's stamp as the subtitle."""
    if len(parts) == 1:
        name, method, table = parts[0]
        spec = ranking_chart(table, criteria, method=method, title=f"Ranking: {name}").to_dict()
        spec["title"] = _title(f"Ranking: {name}", subtitle)
        return spec
    specs = [
        ranking_chart(table, criteria, method=method, title=name).to_dict()
        for name, method, table in parts
    ]
    return stack_specs(specs, title="Ranking", subtitle=subtitle)


def acceptability_chart(smaa: pd.DataFrame) -> alt.TopLevelMixin:
    """SMAA rank acceptability as the app's heat map; ``smaa`` is a
    :func:`~policybench.export.tables.smaa_table` (rows in its order)."""
    ranks = [c for c in smaa.columns if c.startswith("rank ")]
    labels = list(smaa["title"])
    if len(set(labels)) < len(labels):
        labels = [f"{t} [{o}]" for t, o in zip(smaa["title"], smaa["option"], strict=True)]
    rows = [
        {"option": lab, "rank": int(col.split(" ", 1)[1]), "share": float(row[col])}
        for lab, (_, row) in zip(labels, smaa.iterrows(), strict=True)
        for col in ranks
    ]
    chart = charts.acceptability_heatmap(pd.DataFrame(rows), labels)
    return chart.properties(width=max(240, 56 * len(ranks)))


def _configure(chart: Any) -> alt.TopLevelMixin:
    """The app's projector-size fonts, for the charts built here."""
    out: alt.TopLevelMixin = (
        chart.configure_axis(
            labelFontSize=charts.FONT_SIZE,
            titleFontSize=charts.FONT_SIZE + 1,
            titleFontWeight="normal",
        )
        .configure_title(
            fontSize=charts.TITLE_SIZE, anchor="start", subtitleFontSize=charts.FONT_SIZE
        )
        .configure_view(stroke=None)
    )
    return out


def weights_spread_chart(
    spread: pd.DataFrame, *, title: str = "Each participant's weights, and the group's"
) -> alt.TopLevelMixin:
    """A workshop's weights per criterion: each participant's share as a tick, the group's as
    a diamond. ``spread`` has ``criterion`` (label), ``weight`` (share, 0–1) and ``is_group``
    (true on the group's row for each criterion); criteria keep their order of appearance."""
    order = list(dict.fromkeys(spread["criterion"]))
    y = alt.Y("criterion:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x = alt.X("weight:Q", title="Weight (share of all weights)", axis=alt.Axis(format="%"))
    ticks = (
        alt.Chart(spread)
        .transform_filter("!datum.is_group")
        .mark_tick(thickness=2, size=18, color=charts.OKABE_ITO[0])
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
        alt.Chart(spread)
        .transform_filter("datum.is_group")
        .mark_point(shape="diamond", size=140, filled=True, color=charts.OKABE_ITO[5], opacity=1)
        .encode(
            y=y,
            x=x,
            tooltip=[
                alt.Tooltip("criterion:N", title="Criterion"),
                alt.Tooltip("weight:Q", title="Group weight", format=".1%"),
            ],
        )
    )
    return _configure(
        alt.layer(ticks, group).properties(
            title=title, height=max(160, charts.ROW_HEIGHT * len(order))
        )
    )


def group_ranks_chart(
    ranks: pd.DataFrame, *, title: str = "Each participant's ranking against the group's"
) -> alt.TopLevelMixin:
    """Dots of each participant's rank per option (``option`` label, ``rank``, ``is_group``),
    the group's rank as a diamond; options keep their order of appearance (best first)."""
    order = list(dict.fromkeys(ranks["option"]))
    n = len(order)
    y = alt.Y("option:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    x = alt.X(
        "rank:Q",
        title="Rank (1 = best)",
        scale=alt.Scale(domain=[1, max(n, 2)], nice=False),
        axis=alt.Axis(tickMinStep=1),
    )
    dots = (
        alt.Chart(ranks)
        .transform_filter("!datum.is_group")
        .mark_circle(size=70, opacity=0.55, color=charts.OKABE_ITO[0])
        .encode(y=y, x=x)
    )
    group = (
        alt.Chart(ranks)
        .transform_filter("datum.is_group")
        .mark_point(shape="diamond", size=160, filled=True, color=charts.OKABE_ITO[5], opacity=1)
        .encode(y=y, x=x)
    )
    return _configure(
        alt.layer(dots, group).properties(title=title, height=max(160, charts.ROW_HEIGHT * n))
    )


def criteria_names(criteria: pd.DataFrame) -> Mapping[str, str]:
    """``{criterion id: label}`` from a criteria table."""
    return {
        c: criterion_label(n, d)
        for c, n, d in zip(
            criteria["criterion"], criteria["name"], criteria["direction"], strict=True
        )
    }
