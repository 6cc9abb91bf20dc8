"""What an export holds, gathered once and written in any format.

A :class:`Report` is built from a catalog and one or several :class:`~policybench.analysis.Ranking`
s (one per method) by :func:`build_report`; optional sections add a SMAA result
(:func:`smaa_section`) or a workshop's group result (:func:`group_section`). The writers in
:mod:`policybench.export.writers` only format what is here, so every format carries the same
numbers and the same stamp: profile, weights, method(s) and parameters, the catalog's
fingerprint (12 hex digits), the package version and a UTC timestamp.

Building a report never mutates the catalog, the rankings or the tables it is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import pandas as pd

from policybench.analysis import Ranking
from policybench.catalog import Catalog
from policybench.export import tables


@dataclass(frozen=True)
class ChartSpec:
    """A chart as a Vega-Lite spec (a plain dict), ready for vl-convert."""

    name: str
    title: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class RankingPart:
    """One method's ranking: its unique ``label`` (the comparison table's column prefix), a
    human ``title``, the method's provenance and its :func:`~tables.ranking_table`."""

    label: str
    title: str
    method: str
    normalization: str
    params: dict[str, Any]
    table: pd.DataFrame


@dataclass(frozen=True)
class Section:
    """An optional part of a report (SMAA, a workshop's group result): its own stamp
    (``about``), named tables and charts. ``key`` is ``"smaa"`` or ``"group"``."""

    key: str
    title: str
    about: dict[str, Any]
    tables: tuple[tuple[str, pd.DataFrame], ...]
    charts: tuple[ChartSpec, ...] = ()


@dataclass(frozen=True)
class Report:
    """Everything an export carries. ``charts[0]`` is the ranking chart (PNG/SVG exports)."""

    title: str
    metadata: dict[str, Any]
    criteria: pd.DataFrame
    rankings: tuple[RankingPart, ...]
    comparison: pd.DataFrame
    quotes: pd.DataFrame
    charts: tuple[ChartSpec, ...] = ()
    sections: tuple[Section, ...] = field(default=())

    def section(self, key: str) -> Section | None:
        """The section with this key (``"smaa"``, ``"group"``), or None."""
        return next((s for s in self.sections if s.key == key), None)

    @property
    def stamp_lines(self) -> list[str]:
        """The stamp as short lines of text (for charts and headers)."""
        return stamp_lines(self.metadata)


def utc_timestamp(when: datetime | None = None) -> str:
    """ISO 8601 in UTC to the second, e.g. ``2025-01-31T09:30:00Z`` (``when`` defaults to now;
    a naive datetime is taken as UTC)."""
    moment = when or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def ranking_title(ranking: Ranking) -> str:
    """``"wsm (scale)"``, with the parameters that change the result when there are any."""
    shown = {k: v for k, v in tables.plain_params(ranking.params).items() if k != "bounds"}
    extra = ", ".join(f"{k}={v}" for k, v in shown.items())
    return f"{ranking.method} ({ranking.normalization}{', ' + extra if extra else ''})"


def stamp_lines(metadata: Mapping[str, Any]) -> list[str]:
    """Profile and methods; weights; catalog, version and time: three lines."""
    methods = "; ".join(m["title"] for m in metadata["methods"])
    weights = ", ".join(f"{k} {v:.3f}" for k, v in metadata["weights"].items())
    return [
        f"{metadata['profile']} · {methods}",
        f"weights: {weights}",
        f"catalog {metadata['catalog_fingerprint']} · policybench {metadata['policybench_version']} · {metadata['generated_at']}",
    ]


def build_report(
    catalog: Catalog,
    rankings: Sequence[Ranking],
    *,
    title: str = "policybench comparison",
    weights_given: Mapping[str, float] | None = None,
    preset: str | None = None,
    sections: Sequence[Section] = (),
    extra_metadata: Mapping[str, Any] | None = None,
    version: str | None = None,
    timestamp: datetime | str | None = None,
    charts: bool = True,
) -> Report:
    """Gather an export: the rankings (one per method, on the same options and criteria, the
    first one ordering the tables), the comparison table, every quote with its citation,
    the criteria with their weights, the metadata stamp and the charts.

    ``weights_given`` are the weights as the user gave them (before normalising);
    ``preset`` adds that preset's quotes; ``extra_metadata`` is merged into the stamp (e.g. a
    workshop's code and title); ``timestamp`` defaults to now (tests pass a fixed one).
    ``charts=False`` skips building the chart specs (CSV and JSON do not need them).
    """
    if version is None:
        import policybench

        version = policybench.__version__
    rankings = list(rankings)
    if not rankings:
        raise ValueError("a report needs at least one ranking")
    comparison = tables.comparison_table(rankings, catalog)
    first = rankings[0]
    labels = tables.ranking_labels(rankings)
    parts = tuple(
        RankingPart(
            label=label,
            title=ranking_title(r),
            method=r.method,
            normalization=r.normalization,
            params=tables.plain_params(r.params),
            table=tables.ranking_table(r, catalog, contributions=True),
        )
        for label, r in zip(labels, rankings, strict=True)
    )
    order = [first.option_ids[i] for i in first.order()]
    metadata: dict[str, Any] = {
        "title": title,
        "profile": first.label,
        "weights": first.weight_map,
    }
    if weights_given is not None:
        metadata["weights_given"] = {c: float(weights_given[c]) for c in first.criterion_ids}
    metadata.update(
        {
            "methods": [
                {
                    "label": p.label,
                    "title": p.title,
                    "method": p.method,
                    "normalization": p.normalization,
                    "params": p.params,
                }
                for p in parts
            ],
            "options": list(first.option_ids),
            "criteria": list(first.criterion_ids),
            "catalog_fingerprint": first.catalog_fingerprint[:12],
            "policybench_version": version,
            "generated_at": timestamp if isinstance(timestamp, str) else utc_timestamp(timestamp),
        }
    )
    if extra_metadata:
        metadata.update(dict(extra_metadata))
    report = Report(
        title=title,
        metadata=metadata,
        criteria=tables.criteria_table(catalog, first.weight_map, first.criterion_ids),
        rankings=parts,
        comparison=comparison,
        quotes=tables.quotes_table(catalog, order, first.criterion_ids, preset=preset),
        sections=tuple(sections),
    )
    if charts:
        report = _with_ranking_chart(report)
    return report


def _with_ranking_chart(report: Report) -> Report:
    from dataclasses import replace

    from policybench.export import report_charts

    chart = report_charts.rankings_chart(
        [(p.title, p.method, p.table) for p in report.rankings],
        report.criteria,
        subtitle=report.stamp_lines,
    )
    spec = ChartSpec("ranking", "Ranking", chart)
    return replace(report, charts=(spec, *report.charts))


def smaa_section(
    result: Any,
    option_ids: Sequence[str],
    criterion_ids: Sequence[str],
    catalog: Catalog,
    *,
    method: str,
    normalization: str,
    samples: int,
    seed: int,
    weights: str | Mapping[str, Any] = "simplex",
    uncertain_scores: bool = False,
    charts: bool = True,
) -> Section:
    """A SMAA section: the acceptability table, the central weights and a heat map.

    ``result`` is what :func:`policybench.robustness.smaa` returns (``rank_acceptability``,
    ``central_weights``, ``confidence``); ``weights`` says how weights were sampled
    (``"simplex"``, or e.g. ``{"around": "preset tokyo", "delta": 0.1}``).
    """
    acc = tables.smaa_table(result, option_ids, catalog)
    central = tables.smaa_central_weights_table(result, option_ids, criterion_ids)
    central = central.set_index("option").loc[list(acc["option"])].reset_index()
    about = {
        "method": method,
        "normalization": normalization,
        "samples": int(samples),
        "seed": int(seed),
        "weights": weights if isinstance(weights, str) else dict(weights),
        "uncertain_scores": bool(uncertain_scores),
    }
    specs: tuple[ChartSpec, ...] = ()
    if charts:
        from policybench.export import report_charts

        specs = (
            ChartSpec(
                "smaa", "Rank acceptability", report_charts.acceptability_chart(acc).to_dict()
            ),
        )
    return Section(
        "smaa",
        "Robustness (SMAA)",
        about,
        (("SMAA", acc), ("SMAA central weights", central)),
        specs,
    )


def group_section(
    catalog: Catalog,
    *,
    title: str,
    option_ids: Sequence[str],
    criterion_ids: Sequence[str],
    weights: Sequence[Mapping[str, float]],
    names: Sequence[str] | None = None,
    reasons: Sequence[Mapping[str, str]] | None = None,
    method: str = "wsm",
    normalization: str | None = None,
    weight_rule: str = "mean",
    ranking_rule: str = "borda",
    about: Mapping[str, Any] | None = None,
    charts: bool = True,
    **params: Any,
) -> tuple[Section, dict[str, float]]:
    """A workshop's group result, and the group's combined weights (to rank with).

    ``weights`` holds each participant's submitted weights (any positive scale; each is
    normalised), ``names`` their display names (None: shown as ``participant 1``, ``2``, …,
    which is the default so an export does not name anyone unless asked), ``reasons`` the
    short reasons they gave per criterion. The section carries: the group's combined ranking
    by ``ranking_rule`` over the participants' own rankings beside the ranking under the
    combined weights (``weight_rule``), Kendall's W with its p-value, each criterion's spread
    (most contested first), which criterion drives the disagreement, every participant's
    weights and ranks, and the reasons given.
    """
    import numpy as np

    from policybench import group, mcda
    from policybench.analysis import resolve_normalization
    from policybench.catalog import to_problem

    if not weights:
        raise ValueError("the workshop has no submissions yet: nothing to export")
    crits = list(criterion_ids)
    opts = list(option_ids)
    who = (
        list(names)
        if names is not None
        else [f"participant {k}" for k in range(1, len(weights) + 1)]
    )
    w = np.array([[float(row[c]) for c in crits] for row in weights], dtype=float)
    combined = group.combine_weights(w, cast(group.WeightRule, weight_rule), criteria=crits)
    combined_map = {c: float(v) for c, v in zip(crits, combined, strict=True)}
    problem = to_problem(catalog, combined_map, options=opts, criteria=crits)
    norm = resolve_normalization(method, normalization)
    extra = dict(params)
    if norm == "scale":
        extra.setdefault("bounds", problem.bounds)
    scores = np.atleast_2d(
        mcda.score(
            problem.matrix,
            w,
            problem.types,
            method=method,
            normalization=norm,
            criteria=crits,
            **extra,
        )
    )
    ranks = mcda.rank(scores)  # (P, N)
    group_scores = mcda.score(
        problem.matrix,
        combined,
        problem.types,
        method=method,
        normalization=norm,
        criteria=crits,
        **extra,
    )
    group_ranks = mcda.rank(group_scores)
    concord = group.kendall_w(ranks) if len(weights) > 1 else None
    combined_rank = group.combine_rankings(ranks, cast(group.RankingRule, ranking_rule))
    spread = group.weight_spread(w, criteria=crits)
    drivers = (
        group.disagreement_drivers(
            problem.matrix,
            w,
            problem.types,
            method,
            norm,
            rule=cast(group.WeightRule, weight_rule),
            criteria=crits,
            **extra,
        )
        if len(weights) > 1
        else ()
    )
    shares = w / w.sum(axis=1, keepdims=True)

    order = sorted(
        range(len(opts)), key=lambda i: (int(combined_rank.ranks[i]), int(group_ranks[i]), i)
    )
    ranking_rows = []
    for i in order:
        ranking_rows.append(
            {
                "option": opts[i],
                "title": catalog.options_by_id[opts[i]].title,
                f"{ranking_rule} rank": int(combined_rank.ranks[i]),
                f"{ranking_rule} points": float(combined_rank.points[i]),
                "group weights rank": int(group_ranks[i]),
                "group weights score": float(group_scores[i]),
                "first for": int((ranks[:, i] == 1).sum()),
            }
        )
    names_by_id = {c: catalog.criteria_by_id[c].name for c in crits}
    spread_rows = [
        {
            "criterion": crits[s.criterion],
            "name": names_by_id[crits[s.criterion]],
            "group weight": float(combined[s.criterion]),
            "mean": s.mean,
            "std": s.std,
            "iqr": s.iqr,
            "min": s.min,
            "max": s.max,
        }
        for s in spread
    ]
    driver_rows = [
        {
            "criterion": crits[d.criterion],
            "name": names_by_id[crits[d.criterion]],
            "group weight": d.group_weight,
            "W if everyone took it": d.w_after,
            "rise in W": d.rise,
        }
        for d in drivers
    ]
    participant_rows = []
    for p, name in enumerate(who):
        row: dict[str, Any] = {"participant": name}
        for j, c in enumerate(crits):
            row[f"weight:{c}"] = float(shares[p, j])
        for i in order:
            row[f"rank:{opts[i]}"] = int(ranks[p, i])
        participant_rows.append(row)
    reason_rows = [
        {"participant": who[p], "criterion": c, "reason": text}
        for p, given in enumerate(reasons or [])
        for c in crits
        if (text := given.get(c))
    ]
    section_about: dict[str, Any] = {"workshop": title}
    section_about.update(dict(about or {}))
    section_about.update(
        {
            "participants": len(weights),
            "method": method,
            "normalization": norm,
            "weights combined by": weight_rule,
            "rankings combined by": ranking_rule,
            "kendall_w": None if concord is None else concord.w,
            "kendall_w_p_value": None if concord is None else concord.p_value,
            "group weights": combined_map,
        }
    )
    tables_: list[tuple[str, pd.DataFrame]] = [
        ("Group ranking", pd.DataFrame(ranking_rows)),
        ("Weight spread", pd.DataFrame(spread_rows)),
    ]
    if driver_rows:
        tables_.append(("Disagreement drivers", pd.DataFrame(driver_rows)))
    tables_.append(("Participants", pd.DataFrame(participant_rows)))
    tables_.append(
        ("Reasons", pd.DataFrame(reason_rows, columns=["participant", "criterion", "reason"]))
    )
    specs: tuple[ChartSpec, ...] = ()
    if charts:
        from policybench.export import report_charts

        labels = report_charts.criteria_names(tables.criteria_table(catalog, combined_map, crits))
        spread_long = pd.DataFrame(
            [
                {"criterion": labels[c], "weight": float(shares[p, j]), "is_group": False}
                for p in range(len(who))
                for j, c in enumerate(crits)
            ]
            + [
                {"criterion": labels[c], "weight": float(combined[j]), "is_group": True}
                for j, c in enumerate(crits)
            ]
        )
        titles = {opts[i]: f"{catalog.options_by_id[opts[i]].title}" for i in order}
        if len(set(titles.values())) < len(titles):
            titles = {o: f"{t} [{o}]" for o, t in titles.items()}
        ranks_long = pd.DataFrame(
            [
                {"option": titles[opts[i]], "rank": int(ranks[p, i]), "is_group": False}
                for i in order
                for p in range(len(who))
            ]
            + [
                {"option": titles[opts[i]], "rank": int(combined_rank.ranks[i]), "is_group": True}
                for i in order
            ]
        )
        specs = (
            ChartSpec(
                "group-weights",
                "Each participant's weights, and the group's",
                report_charts.weights_spread_chart(spread_long).to_dict(),
            ),
            ChartSpec(
                "group-ranks",
                "Each participant's ranking against the group's",
                report_charts.group_ranks_chart(ranks_long).to_dict(),
            ),
        )
    return Section(
        "group", f"Workshop: {title}", section_about, tuple(tables_), specs
    ), combined_map
