"""What an export holds, gathered once and written in any format.

A :class:`Report` is built from a catalog and one or several
:class:`~policybench.analysis.rank.Ranking` s (one per method) by :func:`build_report`;
optional sections add a SMAA result (:func:`smaa_section`) or a workshop's group result
(:func:`group_section`, from the same :class:`~policybench.analysis.workshop.GroupResult` the
facilitator's page shows; :func:`workshop_report` builds a workshop's whole report). The
formats in :mod:`policybench.export.formats` only write what is here, so every format carries
the same numbers and the same stamp: profile, weights, method(s) and parameters, the catalog's
fingerprint (12 hex digits), the package version and a UTC timestamp.

Building a report never mutates the catalog, the rankings or the tables it is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

import pandas as pd

import policybench
from policybench.analysis.rank import Ranking, rank_catalog
from policybench.analysis.workshop import GroupResult, group_result
from policybench.catalog import Catalog
from policybench.errors import InputError
from policybench.present import tables
from policybench.present.charts.ranking import rankings_chart
from policybench.present.charts.robustness import acceptability_chart
from policybench.present.charts.workshop import workshop_charts
from policybench.present.workshop import export_about, export_tables, participant_labels


@dataclass(frozen=True)
class ChartSpec:
    """A chart as a Vega-Lite spec with its data inline (a plain dict), ready for vl-convert."""

    name: str
    title: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class RankingPart:
    """One method's ranking: its unique ``label`` (the comparison table's column prefix), a
    human ``title``, the method's provenance and its ranking table."""

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
    ``charts=False`` skips building the charts (CSV and JSON do not need them).
    """
    rankings = list(rankings)
    if not rankings:
        raise ValueError("a report needs at least one ranking")
    comparison = tables.comparison_table(rankings, catalog)
    first = rankings[0]
    parts = tuple(
        RankingPart(
            label=label,
            title=tables.ranking_title(r),
            method=r.method,
            normalization=r.normalization,
            params=tables.plain_params(r.params),
            table=tables.ranking_table(r, catalog, contributions=True),
        )
        for label, r in zip(tables.ranking_labels(rankings), rankings, strict=True)
    )
    metadata: dict[str, Any] = {"title": title, "profile": first.label, "weights": first.weight_map}
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
            "policybench_version": version or policybench.__version__,
            "generated_at": timestamp if isinstance(timestamp, str) else utc_timestamp(timestamp),
        }
    )
    metadata.update(dict(extra_metadata or {}))
    order = [first.option_ids[i] for i in first.order()]
    report = Report(
        title=title,
        metadata=metadata,
        criteria=tables.criteria_table(catalog, first.weight_map, first.criterion_ids),
        rankings=parts,
        comparison=comparison,
        quotes=tables.quotes_table(catalog, order, first.criterion_ids, preset=preset),
        sections=tuple(sections),
    )
    if not charts:
        return report
    chart = rankings_chart(
        [(p.title, r) for p, r in zip(parts, rankings, strict=True)],
        catalog,
        subtitle=report.stamp_lines,
    )
    return replace(report, charts=(ChartSpec("ranking", "Ranking", chart.to_dict()),))


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

    ``result`` has ``rank_acceptability``, ``central_weights`` and ``confidence`` (a
    :class:`~policybench.analysis.rank.SmaaRanking`); ``weights`` says how weights were
    sampled (``"simplex"``, or e.g. ``{"around": "preset tokyo", "delta": 0.1}``).
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
        labels = list(acc["title"])
        if len(set(labels)) < len(labels):
            labels = [f"{t} [{o}]" for t, o in zip(acc["title"], acc["option"], strict=True)]
        n = len(option_ids)
        heat = acceptability_chart(
            tables.acceptability_long(acc, labels), labels, width=max(240, 56 * n)
        )
        specs = (ChartSpec("smaa", "Rank acceptability", heat.to_dict()),)
    tables_ = (("SMAA", acc), ("SMAA central weights", central))
    return Section("smaa", "Robustness (SMAA)", about, tables_, specs)


def group_section(
    catalog: Catalog,
    result: GroupResult,
    *,
    title: str,
    names: Sequence[str] | None = None,
    reasons: Sequence[Mapping[str, str]] | None = None,
    about: Mapping[str, Any] | None = None,
    charts: bool = True,
) -> Section:
    """A workshop's group result as a report section: the group's ranking under both rules,
    Kendall's W with its p-value, each criterion's spread (most contested first), the
    criteria that drive the disagreement, every participant's weights and ranks, and the
    reasons given. Participants are "Participant 1", "Participant 2", … unless ``names``
    (which an export shows only when asked)."""
    labels = participant_labels(names, result.participants)
    section_about: dict[str, Any] = {"workshop": title, **dict(about or {})}
    section_about.update(export_about(result))
    specs: tuple[ChartSpec, ...] = ()
    if charts:
        spread, ranks = workshop_charts(catalog, result)
        specs = (
            ChartSpec(
                "group-weights", "Each participant's weights, and the group's", spread.to_dict()
            ),
            ChartSpec(
                "group-ranks", "Each participant's ranking against the group's", ranks.to_dict()
            ),
        )
    tables_ = export_tables(catalog, result, labels, list(reasons or []))
    return Section("group", f"Workshop: {title}", section_about, tuple(tables_), specs)


class WorkshopLike(Protocol):
    """What is read of a stored workshop (:class:`policybench.store.Workshop`)."""

    @property
    def title(self) -> str: ...
    @property
    def options(self) -> tuple[str, ...]: ...
    @property
    def criteria(self) -> tuple[str, ...]: ...
    @property
    def state(self) -> str: ...
    @property
    def catalog_fingerprint(self) -> str | None: ...
    @property
    def created_at(self) -> Any: ...


class SubmissionLike(Protocol):
    """What is read of a stored submission (:class:`policybench.store.Submission`)."""

    @property
    def display_name(self) -> str: ...
    @property
    def weights(self) -> Mapping[str, float]: ...
    @property
    def reasons(self) -> Mapping[str, str]: ...


def missing_from_catalog(catalog: Catalog, shop: WorkshopLike) -> list[str]:
    """The workshop's option and criterion ids that ``catalog`` does not have (in order)."""
    return [o for o in shop.options if o not in catalog.options_by_id] + [
        c for c in shop.criteria if c not in catalog.criteria_by_id
    ]


def catalog_note(catalog: Catalog, shop: WorkshopLike) -> str | None:
    """A note when the workshop was created on another version of the catalog, else None."""
    if shop.catalog_fingerprint and shop.catalog_fingerprint != catalog.fingerprint:
        return (
            f"the workshop was created on catalog {shop.catalog_fingerprint[:12]}; "
            f"this export uses {catalog.short_fingerprint}"
        )
    return None


def workshop_report(
    catalog: Catalog,
    shop: WorkshopLike,
    submissions: Sequence[SubmissionLike],
    *,
    result: GroupResult | None = None,
    methods: Sequence[str] = ("wsm",),
    normalization: str | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    names: bool = False,
    combine: str = "mean",
    ranking_rule: str = "borda",
    title: str | None = None,
    charts: bool = True,
) -> Report:
    """A workshop's report: the rankings under the group's combined weights (one per method)
    and the group section.

    ``result`` is the group result already computed from these ``submissions`` (the
    facilitator's page passes the one it shows); without it, it is computed with the first
    method, weights combined by ``combine`` and rankings by ``ranking_rule`` (the group's
    ranking). ``params`` gives each method its own parameters (by method name). Participants
    are "Participant 1", "Participant 2", … unless ``names``. A workshop created on another
    catalog version is noted in the group section's stamp (``"catalog note"``).

    Raises
    ------
    InputError
        No submissions yet, or the workshop uses options or criteria the catalog lacks.
    """
    if not submissions:
        raise InputError(f"workshop {shop.title!r} has no submissions yet: nothing to export")
    missing = missing_from_catalog(catalog, shop)
    if missing:
        raise InputError(
            f"the workshop uses {', '.join(map(repr, missing))}, which this catalog does not "
            "have; export with the catalog it was run on (--options)"
        )
    chosen = list(methods) or ["wsm"]
    own = {m: dict((params or {}).get(m, {})) for m in chosen}
    if result is None:
        result = group_result(
            catalog,
            shop.options,
            shop.criteria,
            [s.weights for s in submissions],
            combination=ranking_rule,
            weight_rule=combine,
            ranking_rule=ranking_rule,
            method=chosen[0],
            normalization=normalization,
            params=own[chosen[0]],
        )
    about: dict[str, Any] = {"state": shop.state, "created_at": shop.created_at.isoformat()}
    note = catalog_note(catalog, shop)
    if note:
        about["catalog note"] = note
    section = group_section(
        catalog,
        result,
        title=shop.title,
        names=[s.display_name for s in submissions] if names else None,
        reasons=[s.reasons for s in submissions],
        about=about,
        charts=charts,
    )
    combined = dict(zip(result.criterion_ids, map(float, result.group_weights), strict=True))
    label = f"workshop group weights ({result.weight_rule} of {len(submissions)} participants)"
    rankings = [
        rank_catalog(
            catalog,
            combined,
            method=m,
            normalization=normalization,
            options=shop.options,
            criteria=shop.criteria,
            label=label,
            **own[m],
        )
        for m in chosen
    ]
    return build_report(
        catalog,
        rankings,
        title=title or f"Workshop: {shop.title}",
        sections=[section],
        extra_metadata={"workshop": shop.title, "participants": len(submissions)},
        charts=charts,
    )
