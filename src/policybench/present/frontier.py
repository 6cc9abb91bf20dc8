"""The two-cluster map as people read it: axis names, the table of positions, and a sentence
naming the efficient options. Positions come from
:func:`policybench.analysis.frontier.frontier_catalog`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from policybench.analysis.frontier import Axis, Frontier
from policybench.catalog import Catalog
from policybench.present.labels import cluster_label, criterion_label, option_label


def axis_label(axis: Axis, catalog: Catalog) -> str:
    """``"Impact (cluster)"`` or the criterion's name (``"… (cost)"`` for a cost)."""
    if axis.kind == "cluster":
        return f"{cluster_label(axis.name)} (cluster)"
    return criterion_label(catalog, axis.name)


def axis_title(axis: Axis, catalog: Catalog) -> str:
    """An axis title for the chart, short enough for a phone: what is on it, on 0–1."""
    if axis.kind == "cluster":
        return f"{cluster_label(axis.name)} (weighted mean, 0–1)"
    crit = catalog.criteria_by_id[axis.name]
    turned = ", turned: less is better" if crit.direction == "cost" else ""
    return f"{crit.name} (0–1{turned})"


def frontier_table(frontier: Frontier, catalog: Catalog) -> pd.DataFrame:
    """One row per option, the efficient ones first along the frontier, then the rest by ``x``
    falling: ``option``, ``title``, ``label`` (the status quo marked), ``baseline``, ``x``,
    ``y``, ``efficient``."""
    on = frontier.frontier()
    rest = sorted(
        (i for i in range(len(frontier.option_ids)) if not frontier.efficient[i]),
        key=lambda i: (-frontier.x[i], -frontier.y[i], i),
    )
    options = [catalog.options_by_id[frontier.option_ids[i]] for i in (*on, *rest)]
    order = [*on, *rest]
    return pd.DataFrame(
        {
            "option": [o.id for o in options],
            "title": [o.title for o in options],
            "label": [option_label(o) for o in options],
            "baseline": [bool(o.baseline) for o in options],
            "x": [float(frontier.x[i]) for i in order],
            "y": [float(frontier.y[i]) for i in order],
            "efficient": [bool(frontier.efficient[i]) for i in order],
        }
    )


def frontier_records(frontier: Frontier, catalog: Catalog) -> list[dict[str, Any]]:
    """The command line's JSON rows: ``option``, ``title``, ``x``, ``y``, ``efficient``."""
    table = frontier_table(frontier, catalog)
    return [
        {
            "option": r.option,
            "title": r.title,
            "x": float(r.x),
            "y": float(r.y),
            "efficient": bool(r.efficient),
        }
        for r in table.itertuples(index=False)
    ]


def axis_record(axis: Axis, weights: Any, catalog: Catalog) -> dict[str, Any]:
    """An axis in JSON: ``id``, ``kind``, ``label`` and the share each criterion has on it."""
    return {
        "id": axis.id,
        "kind": axis.kind,
        "label": axis_label(axis, catalog),
        "weights": {c: float(w) for c, w in zip(axis.criteria, weights, strict=True)},
    }


def axis_name(axis: Axis, catalog: Catalog) -> str:
    """The axis in a sentence: ``"impact"`` for a cluster, the criterion's name otherwise."""
    if axis.kind == "cluster":
        return cluster_label(axis.name).lower()
    return catalog.criteria_by_id[axis.name].name.lower()


def frontier_sentence(frontier: Frontier, catalog: Catalog) -> str:
    """Which options are on the frontier, in words: the trade-off the map shows."""
    on = frontier.frontier()
    names = [catalog.options_by_id[frontier.option_ids[i]].title for i in on]
    x_name, y_name = axis_name(frontier.x_axis, catalog), axis_name(frontier.y_axis, catalog)
    if len(names) == 1:
        return (
            f"{names[0]} is at least as good as every other option on both {x_name} and "
            f"{y_name}: no trade-off to make between them."
        )
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    return (
        f"The frontier, from the most {y_name} to the most {x_name}: {listed}. Every other "
        "option is dominated: one of these is at least as good on both and better on one."
    )
