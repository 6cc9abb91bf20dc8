"""The Compare page's comparison of perspectives, as a report every format writes.

:func:`compare_report` ranks the options in play under two (or more) :class:`Perspective` s
with one method and gathers a :class:`~policybench.export.report.Report` of ``kind``
``"compare"``: the perspectives' ranks side by side (the comparison table, what a CSV holds),
each perspective's own ranking, the weights of each, the quotes behind the scores and the
presets, and, when asked, the options head to head and every method under one perspective (a
section each). The stamp names every perspective and its weights; :func:`perspective` names
weights after the catalog preset they are.

The tables come from :mod:`policybench.present.compare` and
:mod:`policybench.present.tables`, the charts from
:mod:`policybench.present.charts.compare`; the stamp, the caveats and the parts every report
shares from :mod:`policybench.export.report` and :mod:`policybench.export.stamp`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pandas as pd

from policybench.analysis.rank import MethodAgreement, Ranking, compare_methods, rank_catalog
from policybench.analysis.screen import Selection
from policybench.catalog import Catalog
from policybench.export.report import ChartSpec, RankingPart, Report, Section, caveats_of
from policybench.export.stamp import (
    describe_weights,
    method_entry,
    provenance,
    selection_metadata,
)
from policybench.present import compare, tables
from policybench.present.charts.compare import head_to_head_chart, slope_chart, tau_chart


@dataclass(frozen=True)
class Perspective:
    """A named weighting to compare: ``name`` as people read it (``"Tokyo (preset)"``),
    ``key`` for column names and file names (``"tokyo"``), the weights (points or shares)
    and the catalog preset they come from, if any (its quotes go into the report)."""

    name: str
    key: str
    weights: Mapping[str, float]
    preset: str | None = None


def perspective(catalog: Catalog, weights: Mapping[str, float], preset: str | None) -> Perspective:
    """The weights as a :class:`Perspective`, named after ``preset`` when they are its."""
    name, key = describe_weights(catalog, "custom weights", preset)
    return Perspective(
        name, key, dict(weights), preset if preset in catalog.presets_by_id else None
    )


def compare_report(
    catalog: Catalog,
    perspectives: Sequence[Perspective],
    *,
    method: str = "wsm",
    selection: Selection | None = None,
    head_to_head: Sequence[str] = (),
    methods_under: Perspective | None = None,
    title: str | None = None,
    timestamp: datetime | str | None = None,
    charts: bool = True,
) -> Report:
    """The Compare page's comparison as a report: the options in play ranked under two (or
    more) ``perspectives`` with one ``method``, side by side (the report's comparison table,
    what a CSV holds), each perspective's own ranking, the weights of each, and, when asked,
    ``head_to_head`` options criterion by criterion and every method's ranking under
    ``methods_under`` (a section each), with the slope chart, the head-to-head chart and the
    methods' agreement as charts.
    """
    if len(perspectives) < 2:
        raise ValueError("compare at least two perspectives")
    options = selection.options if selection is not None else None
    rankings = [
        rank_catalog(catalog, p.weights, method=method, options=options, label=p.name)
        for p in perspectives
    ]
    keys = _keys(perspectives)
    names = [p.name for p in perspectives]
    comparison = compare.perspectives_table(catalog, list(zip(keys, rankings, strict=True)))
    metadata = _metadata(catalog, names, keys, rankings, selection, title, timestamp)
    sections = [
        *_head_to_head(catalog, head_to_head, charts=charts),
        *_methods(catalog, methods_under, options, charts=charts),
    ]
    report = Report(
        title=str(metadata["title"]),
        metadata=metadata,
        criteria=_criteria(catalog, keys, rankings),
        rankings=_parts(catalog, keys, names, rankings),
        comparison=comparison,
        quotes=_quotes(catalog, perspectives, rankings[0]),
        sections=tuple(sections),
        summary=(_shift_summary(comparison, names, keys),),
        caveats=tuple(caveats_of(catalog, rankings, selection)),
        kind="compare",
        scores=tables.comparison_table([rankings[0]], catalog),
    )
    if not charts:
        return report
    shift = compare.rank_shift(
        catalog,
        [(n, p.weights) for n, p in zip(names, perspectives, strict=True)],
        method,
        options=options,
    )
    slope = slope_chart(shift, title=f"Ranks: {metadata['profile']}")
    return replace(report, charts=(ChartSpec.of("ranking", slope),))


def compare_methods_for(
    catalog: Catalog, under: Perspective, options: Sequence[str] | None
) -> MethodAgreement:
    """Every method's ranking of ``options`` under ``under``'s weights."""
    return compare_methods(catalog, under.weights, options=options)


def _keys(perspectives: Sequence[Perspective]) -> list[str]:
    """The perspectives' keys, numbered (``tokyo-1``, ``tokyo-2``) when two share one, since
    the comparison table has a column per key."""
    keys = [p.key for p in perspectives]
    if len(set(keys)) < len(keys):
        keys = [f"{k}-{i + 1}" for i, k in enumerate(keys)]
    return keys


def _parts(
    catalog: Catalog, keys: Sequence[str], names: Sequence[str], rankings: Sequence[Ranking]
) -> tuple[RankingPart, ...]:
    """Each perspective's own ranking, titled by its name and the method."""
    spec = tables.ranking_title(rankings[0])
    return tuple(
        RankingPart.of(key, f"{name}: {spec}", r, catalog)
        for key, name, r in zip(keys, names, rankings, strict=True)
    )


def _criteria(catalog: Catalog, keys: Sequence[str], rankings: Sequence[Ranking]) -> pd.DataFrame:
    """The criteria table with a ``weight:<key>`` column per perspective."""
    first = rankings[0]
    criteria = tables.criteria_table(catalog, first.weight_map, first.criterion_ids)
    criteria = criteria.drop(columns="weight")
    for key, r in zip(keys, rankings, strict=True):
        criteria[f"weight:{key}"] = [r.weight_map[c] for c in criteria["criterion"]]
    return criteria


def _quotes(catalog: Catalog, perspectives: Sequence[Perspective], first: Ranking) -> pd.DataFrame:
    """The quotes behind the scores (in the first perspective's order), then each preset's
    quotes: the texts behind a perspective's weights."""
    order = [first.option_ids[i] for i in first.order()]
    quotes = tables.quotes_table(catalog, order, first.criterion_ids, preset=perspectives[0].preset)
    for p in perspectives[1:]:
        if p.preset:
            extra = tables.quotes_table(catalog, [], first.criterion_ids, preset=p.preset)
            quotes = pd.concat([quotes, extra[extra["where"] == "preset"]], ignore_index=True)
    order_key = {"criterion": 0, "preset": 1}
    return quotes.sort_values(
        "where", key=lambda w: w.map(lambda x: order_key.get(x, 2)), kind="stable"
    ).reset_index(drop=True)


def _metadata(
    catalog: Catalog,
    names: Sequence[str],
    keys: Sequence[str],
    rankings: Sequence[Ranking],
    selection: Selection | None,
    title: str | None,
    timestamp: datetime | str | None,
) -> dict[str, Any]:
    """The stamp: every perspective by name with its weights, the method, the options in play
    and what the screen set aside, the catalog, the version and the time."""
    first = rankings[0]
    against = " against ".join(names)
    metadata: dict[str, Any] = {
        "title": title or f"Compare: {against}",
        "profile": against,
        "profile_key": "-vs-".join(keys),
        "weights": first.weight_map,
        "perspectives": [
            {"name": n, "key": k, "weights": r.weight_map}
            for n, k, r in zip(names, keys, rankings, strict=True)
        ],
        "methods": [method_entry(first.method, tables.ranking_title(first), first)],
        "options": list(first.option_ids),
        "criteria": list(first.criterion_ids),
    }
    if selection is not None:
        metadata.update(selection_metadata(selection, catalog))
    metadata.update(provenance(first, timestamp=timestamp))
    return metadata


def _head_to_head(catalog: Catalog, options: Sequence[str], *, charts: bool) -> list[Section]:
    """The options head to head, criterion by criterion (when two or more are chosen)."""
    if len(options) < 2:
        return []
    h2h = compare.head_to_head(catalog, options)
    return [
        Section(
            "head-to-head",
            "Options head to head",
            {"options": ", ".join(options)},
            (("Scores criterion by criterion", compare.head_to_head_table(h2h)),),
            (ChartSpec.of("head-to-head", head_to_head_chart(h2h)),) if charts else (),
        )
    ]


def _methods(
    catalog: Catalog,
    under: Perspective | None,
    options: Sequence[str] | None,
    *,
    charts: bool,
) -> list[Section]:
    """Every method's ranking under ``under``'s weights, and how far the methods agree."""
    if under is None:
        return []
    agreement = compare_methods_for(catalog, under, options)
    tau = compare.tau_matrix(agreement)
    wide = tau.pivot_table(index="a", columns="b", values="tau", sort=False).reset_index()
    wide = wide.rename(columns={"a": "method"})
    return [
        Section(
            "methods",
            "Every method side by side",
            {"weights": under.name},
            (
                ("Ranks by method", compare.method_ranks(catalog, agreement)),
                ("Agreement between methods (Kendall's tau)", wide),
            ),
            (ChartSpec.of("methods", tau_chart(tau)),) if charts else (),
        )
    ]


def _shift_summary(table: pd.DataFrame, names: Sequence[str], keys: Sequence[str]) -> str:
    """Who leads under each perspective and how much the order moves between them."""
    leads = []
    for name, key in zip(names, keys, strict=True):
        first = table[table[f"{key}:rank"] == 1]["title"].tolist()
        who = " and ".join(first) if first else "no option"
        leads.append(f"under {name}, {who} {'rank' if len(first) > 1 else 'ranks'} first")
    moved = table[table["change"] != 0]
    text = "; ".join(leads)
    text = text[0].upper() + text[1:] + "."
    if moved.empty:
        return text + " Every option keeps its rank."
    big = moved.loc[moved["change"].abs().idxmax()]
    a, b = keys[0], keys[-1]
    direction = "up" if big["change"] > 0 else "down"
    return (
        f"{text} {len(moved)} of {len(table)} options change rank; the largest move is "
        f"{big['title']}, {direction} from {int(big[f'{a}:rank'])} to {int(big[f'{b}:rank'])}."
    )
