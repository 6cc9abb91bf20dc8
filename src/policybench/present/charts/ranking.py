"""The ranking chart, on the Rank page and in every export: bars stacked by what each
criterion adds to the score for an additive method, one bar per option with the method's
score otherwise; and several methods' rankings stacked in one figure for an export."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from policybench.analysis.rank import Ranking
from policybench.catalog import Catalog
from policybench.present.charts import (
    BASELINE_TEXT,
    CRITERION_PALETTE,
    OKABE_ITO,
    Chart,
    by_order,
    finish,
    option_axis,
    ordered,
    palette,
    row_height,
)
from policybench.present.labels import criterion_label, method_label, option_label

CONTRIBUTION_TITLE = "Score of each option, split by what each criterion adds"


def contribution_chart(
    contrib: pd.DataFrame,
    order: Sequence[str],
    criteria: Sequence[str],
    *,
    baseline_score: float | None = None,
    title: str = CONTRIBUTION_TITLE,
) -> Chart:
    """Horizontal bars stacked by each criterion's weighted contribution.

    ``contrib`` is long (``option``, ``criterion``, ``criterion_order``, ``contribution``,
    ``weight_share``, ``value``); ``order`` lists the option labels to show, best first;
    ``criteria`` the criterion labels in catalog order (colour and stacking order).
    ``baseline_score`` draws a dashed rule at the status quo's score, so that the options that
    beat it stand out.
    """
    cols = ["option", "criterion", "criterion_order", "contribution", "weight_share", "value"]
    datasets = {"contributions": ordered(contrib[cols], order)}
    bars = (
        alt.Chart(alt.NamedData(name="contributions"))
        .mark_bar()
        .encode(
            y=alt.Y("option:N", sort=by_order(), title=None, axis=option_axis()),
            x=alt.X(
                "sum(contribution):Q",
                title="Score (weighted sum of 0–1 values; 1 = best on every criterion)",
            ),
            color=alt.Color(
                "criterion:N",
                scale=alt.Scale(
                    domain=list(criteria), range=palette(len(criteria), CRITERION_PALETTE)
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
    if baseline_score is not None:
        datasets["baseline"] = pd.DataFrame({"score": [float(baseline_score)]})
        layers.append(
            alt.Chart(alt.NamedData(name="baseline"))
            .mark_rule(strokeDash=[6, 4], color="#000000", strokeWidth=1.5)
            .encode(
                x="score:Q",
                tooltip=[alt.Tooltip("score:Q", title="Status quo score", format=".3f")],
            )
        )
    return finish(alt.layer(*layers), datasets, title=title, height=row_height())


def score_chart(table: pd.DataFrame, *, method: str, title: str = "Score of each option") -> Chart:
    """One bar per option with the method's own score (for methods that are not additive).

    ``table`` has ``option`` (label), ``score`` and ``baseline``, best first; ``method`` is
    the method's name as shown on the axis.
    """
    data = table[["option", "score", "baseline"]].copy()
    data["kind"] = ["Status quo" if b else "Option" for b in data["baseline"]]
    data = ordered(data.drop(columns="baseline"), list(table["option"]))
    chart = (
        alt.Chart(alt.NamedData(name="scores"))
        .mark_bar()
        .encode(
            y=alt.Y("option:N", sort=by_order(), title=None, axis=option_axis()),
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
    return finish(chart, {"scores": data}, title=title, height=row_height())


def option_labels(
    ranking: Ranking, catalog: Catalog, shown: Sequence[int], *, numbered: bool
) -> list[str]:
    """Labels for the options at ``shown`` (indices): the title with the status quo marked,
    ``"1. Title"`` when ``numbered``; the option id is added when two would read the same."""
    labels = []
    for i in shown:
        option = catalog.options_by_id[ranking.option_ids[i]]
        if numbered:
            mark = f" {BASELINE_TEXT}" if option.baseline else ""
            labels.append(f"{int(ranking.ranks[i])}. {option.title}{mark}")
        else:
            labels.append(option_label(option))
    if len(set(labels)) < len(labels):
        labels = [f"{lab} [{ranking.option_ids[i]}]" for lab, i in zip(labels, shown, strict=True)]
    return labels


def ranking_chart(
    ranking: Ranking,
    catalog: Catalog,
    *,
    option_ids: Sequence[str] | None = None,
    numbered: bool = False,
    title: str | None = None,
) -> Chart:
    """A ranking, best at the top: stacked contributions for an additive method, else one bar
    per option with the method's score. ``option_ids`` are the options to show (default: all,
    in the ranking's order); ``numbered`` puts each option's rank before its title."""
    wanted = None if option_ids is None else set(option_ids)
    shown = [i for i in ranking.order() if wanted is None or ranking.option_ids[i] in wanted]
    labels = option_labels(ranking, catalog, shown, numbered=numbered)
    baselines = [i for i in shown if catalog.options_by_id[ranking.option_ids[i]].baseline]
    if ranking.values is None:
        table = pd.DataFrame(
            {
                "option": labels,
                "score": [float(ranking.scores[i]) for i in shown],
                "baseline": [i in baselines for i in shown],
            }
        )
        return score_chart(
            table, method=method_label(ranking.method), title=title or "Score of each option"
        )
    m = len(ranking.criterion_ids)
    values = ranking.values[shown]
    contrib = pd.DataFrame(
        {
            "option": np.repeat(np.array(labels, dtype=object), m),
            "criterion": np.tile(
                np.array(
                    [criterion_label(catalog, c) for c in ranking.criterion_ids], dtype=object
                ),
                len(shown),
            ),
            "criterion_order": np.tile(np.arange(m), len(shown)),
            "weight_share": np.tile(ranking.weights, len(shown)),
            "value": values.reshape(-1),
            "contribution": (values * ranking.weights[None, :]).reshape(-1),
        }
    )
    return contribution_chart(
        contrib,
        labels,
        [criterion_label(catalog, c) for c in ranking.criterion_ids],
        baseline_score=float(ranking.scores[baselines[0]]) if baselines else None,
        title=title or CONTRIBUTION_TITLE,
    )


#: Keys that Vega-Lite allows only on the outermost spec.
_TOP_LEVEL_ONLY = ("$schema", "config", "datasets", "padding", "autosize", "background", "usermeta")


def _rename_data(node: Any, rename: Mapping[str, str]) -> None:
    """Point every ``{"data": {"name": X}}`` at ``rename[X]``, in place."""
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and data.get("name") in rename:
            data["name"] = rename[data["name"]]
        for value in node.values():
            _rename_data(value, rename)
    elif isinstance(node, list):
        for value in node:
            _rename_data(value, rename)


def _title(text: str, subtitle: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"text": text, "anchor": "start"}
    if subtitle:
        out["subtitle"] = list(subtitle)
    return out


def stacked(charts: Sequence[Chart], *, title: str, subtitle: Sequence[str] = ()) -> Chart:
    """Several charts one above the other, as one.

    Each part's datasets are renamed ``p<k>-<name>`` so that two charts built by the same
    builder (both reading a dataset called ``scores``) do not share data; the first part's
    configuration applies to the whole; colour scales stay independent.
    """
    parts: list[dict[str, Any]] = []
    datasets: dict[str, pd.DataFrame] = {}
    schema: Any = None
    config: Any = None
    for k, chart in enumerate(charts):
        spec = copy.deepcopy(dict(chart.spec))
        schema = schema or spec.get("$schema")
        config = config or spec.get("config")
        rename = {name: f"p{k}-{name}" for name in chart.datasets}
        for key in _TOP_LEVEL_ONLY:
            spec.pop(key, None)
        _rename_data(spec, rename)
        datasets.update({rename[name]: df for name, df in chart.datasets.items()})
        parts.append(spec)
    out: dict[str, Any] = {}
    if schema:
        out["$schema"] = schema
    out.update(
        {
            "title": _title(title, subtitle),
            "vconcat": parts,
            "resolve": {"scale": {"color": "independent"}},
        }
    )
    if config:
        out["config"] = config
    return Chart(out, datasets)


def rankings_chart(
    rankings: Sequence[tuple[str, Ranking]], catalog: Catalog, *, subtitle: Sequence[str] = ()
) -> Chart:
    """Every method's ranking in one figure (``rankings`` are ``(title, ranking)``), one above
    the other, options numbered by rank, with the export's stamp as the subtitle."""
    if len(rankings) == 1:
        name, ranking = rankings[0]
        chart = ranking_chart(ranking, catalog, numbered=True, title=f"Ranking: {name}")
        spec = dict(chart.spec)
        spec["title"] = _title(f"Ranking: {name}", subtitle)
        return Chart(spec, chart.datasets)
    parts = [ranking_chart(r, catalog, numbered=True, title=name) for name, r in rankings]
    return stacked(parts, title="Ranking", subtitle=subtitle)
