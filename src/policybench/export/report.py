"""What an export holds, gathered once and written in any format.

A :class:`Report` is built from a catalog and one or several
:class:`~policybench.analysis.rank.Ranking` s (one per method) by :func:`build_report`;
optional sections add a SMAA result (:func:`smaa_section`), and a workshop's whole report (its
group result, rounds, contested scores, decisions and camps) is built from the same parts in
:mod:`policybench.export.workshop_report`, as the Compare page's comparison of perspectives is
in :mod:`policybench.export.compare`. The formats in
:mod:`policybench.export.formats` only write what is here, so every format carries the same
numbers and the same stamp (:mod:`policybench.export.stamp`): the perspective or profile by
name, weights, method(s) and parameters, the options in play (the default set or every option)
and what the screen set aside, the catalog's fingerprint (12 hex digits), the package version
and a UTC timestamp. :func:`file_stem` names a file after that stamp.

Building a report never mutates the catalog, the rankings or the tables it is given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import pandas as pd

from policybench.analysis.rank import Ranking
from policybench.analysis.screen import Selection
from policybench.analysis.verdict import verdict
from policybench.catalog import Catalog
from policybench.export.stamp import (
    describe_weights,
    method_entry,
    provenance,
    selection_metadata,
    slug,
    stamp_lines,
)
from policybench.present import tables
from policybench.present.charts import EXPORT_WIDTH, Chart
from policybench.present.charts.ranking import rankings_chart
from policybench.present.charts.robustness import acceptability_chart
from policybench.present.labels import method_title
from policybench.present.verdict import verdict_text

#: How many options a brief's ranking chart shows unless asked for all (``top=None``).
TOP = 10
#: A phone's width for a chart (CSS pixels), for a page read on one.
NARROW_WIDTH = 360


@dataclass(frozen=True)
class ChartSpec:
    """A chart as a Vega-Lite spec with its data inline (a plain dict), ready for vl-convert."""

    name: str
    title: str
    spec: dict[str, Any]
    caption: tuple[str, ...] = ()
    #: The same chart at a phone's width (:data:`NARROW_WIDTH`), for a page read on one.
    narrow: dict[str, Any] | None = None

    @classmethod
    def of(
        cls,
        name: str,
        chart: Chart,
        title: str | None = None,
        caption: Sequence[str] | None = None,
        *,
        narrow: bool = False,
    ) -> ChartSpec:
        """``chart`` at a file's width (:data:`~policybench.present.charts.EXPORT_WIDTH`),
        and at a phone's when ``narrow``; ``caption`` (default: the chart's subtitle) says how
        to read it, beside the chart when a page shows it without its own title."""
        own = chart.spec.get("title")
        sub = own.get("subtitle", []) if isinstance(own, Mapping) else []
        lines = tuple([sub] if isinstance(sub, str) else sub) if caption is None else tuple(caption)
        small = chart.to_dict(width=NARROW_WIDTH) if narrow else None
        return cls(name, title or chart.title, chart.to_dict(width=EXPORT_WIDTH), lines, small)

    def untitled(self) -> ChartSpec:
        """The same chart without its title (a page that heads and captions it itself)."""
        spec = dict(self.spec)
        spec.pop("title", None)
        small = (
            None if self.narrow is None else {k: v for k, v in self.narrow.items() if k != "title"}
        )
        return replace(self, spec=spec, narrow=small)

    def at_narrow(self) -> ChartSpec | None:
        """The chart at a phone's width, if it was built so."""
        return None if self.narrow is None else replace(self, spec=self.narrow, narrow=None)


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

    @classmethod
    def of(cls, label: str, title: str, ranking: Ranking, catalog: Catalog) -> RankingPart:
        """``ranking`` as a part: its provenance and its ranking table, with contributions."""
        return cls(
            label=label,
            title=title,
            method=ranking.method,
            normalization=ranking.normalization,
            params=tables.plain_params(ranking.params),
            table=tables.ranking_table(ranking, catalog, contributions=True),
        )


@dataclass(frozen=True)
class Section:
    """An optional part of a report (SMAA, a workshop's group result, its rounds, …): its own
    stamp (``about``), named tables and charts. ``key`` names it (``"smaa"``, ``"group"``,
    ``"rounds"``, …; JSON's key for it), unique within a report. ``brief`` names, for a table
    that holds more than a page can show, the columns a brief shows (HTML), in order; the
    other formats hold every column."""

    key: str
    title: str
    about: dict[str, Any]
    tables: tuple[tuple[str, pd.DataFrame], ...]
    charts: tuple[ChartSpec, ...] = ()
    brief: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    """Everything an export carries. ``charts[0]`` is the ranking chart (PNG/SVG exports).

    ``summary`` is what a brief opens with (the verdict, or who leads and by how much);
    ``caveats`` what a reader must know before quoting the ranking (the engine's notes, what
    the screen set aside, the scores that rest on judgement); ``kind`` is ``"ranking"``, or
    ``"compare"`` for :func:`policybench.export.compare.compare_report` (whose
    ``comparison`` is the two perspectives' ranks side by side).
    """

    title: str
    metadata: dict[str, Any]
    criteria: pd.DataFrame
    rankings: tuple[RankingPart, ...]
    comparison: pd.DataFrame
    quotes: pd.DataFrame
    charts: tuple[ChartSpec, ...] = ()
    sections: tuple[Section, ...] = field(default=())
    summary: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    kind: str = "ranking"
    scores: pd.DataFrame | None = None

    @property
    def score_table(self) -> pd.DataFrame:
        """Each option's catalog scores (``option``, ``title``, ``score:<c>``, ``low:<c>``,
        ``high:<c>``): the comparison table, unless the report keeps them apart."""
        return self.comparison if self.scores is None else self.scores

    def section(self, key: str) -> Section | None:
        """The section with this key (``"smaa"``, ``"group"``, …), or None."""
        return next((s for s in self.sections if s.key == key), None)

    @property
    def stamp_lines(self) -> list[str]:
        """The stamp as short lines of text (for charts and headers)."""
        return stamp_lines(self.metadata)


def file_stem(report: Report) -> str:
    """A file name (without extension) that carries the stamp:
    ``policybench-tokyo-wsm-default-set-790fd1c873b2-20250131T0930Z`` (the perspective or
    profile, the methods, the options in play — ``-unscreened`` when no screen applied — the
    catalog and the UTC time), so that two files of one brief are told apart by their names
    alone; ``policybench-compare-tokyo-vs-seoul-…`` for a comparison of perspectives."""
    m = report.metadata
    methods = "-".join(slug(x["label"]) for x in m["methods"])
    scope = "" if "all" not in m else ("-all-options" if m["all"] else "-default-set")
    if m.get("screen") == [] and "all" in m:
        scope += "-unscreened"
    when = re.sub(r"[^0-9TZ]", "", str(m["generated_at"]))[:13]
    key = m.get("profile_key") or slug(str(m["profile"]))
    lead = "policybench-compare" if report.kind == "compare" else "policybench"
    return f"{lead}-{key}-{methods}{scope}-{m['catalog_fingerprint']}-{when}Z"


def judgement_count(catalog: Catalog, option_ids: Sequence[str], criteria: Sequence[str]) -> int:
    """How many of these options' scores on these criteria rest on judgement, not on a text."""
    return sum(
        1
        for o in option_ids
        for c in criteria
        if catalog.options_by_id[o].scores[c].evidence == "judgement"
    )


def caveats_of(
    catalog: Catalog, rankings: Sequence[Ranking], selection: Selection | None
) -> list[str]:
    """What a reader must know before quoting these rankings, in plain sentences."""
    first = rankings[0]
    out: list[str] = []
    for r in rankings:
        out += [n for n in r.notes if n not in out]
    judged = judgement_count(catalog, first.option_ids, first.criterion_ids)
    total = len(first.option_ids) * len(first.criterion_ids)
    if judged:
        out.append(
            f"{judged} of the {total} scores behind this ranking rest on the analyst's "
            "judgement because the texts are silent on the point; each says so beside its "
            "rationale and carries a range at least 2 points wide."
        )
    if selection is not None and selection.screened_out:
        names = "; ".join(
            f"{catalog.options_by_id[s.option].title} ({'; '.join(s.failed)})"
            for s in selection.screened_out
        )
        why = " ".join(
            f"Why {r.expression}: {r.reason}"
            for r in catalog.default_screen
            if r.reason and r.expression in selection.expressions
        )
        out.append(
            f"Set aside before any weighting by the screen {', '.join(selection.expressions)}, "
            f"whatever the weights: {names}." + (f" {why}" if why else "")
        )
    out.append(
        "Every score is a judgement read against the criterion's anchored 0–10 levels, with "
        "an honest low–high range; a close ranking can change with small shifts of weight, "
        "so check the Robustness page (or policybench smaa) before relying on the order."
    )
    return out


def verdict_lines(catalog: Catalog, ranking: Ranking) -> tuple[str, ...] | None:
    """The verdict on ``ranking``'s top in words (the word and why, then one line per number
    behind it), as the Rank page shows it; None where the verdict would not be this
    ranking's: a subset of the criteria (a workshop's), what-if scores or a method's own
    parameters (the verdict ranks on the catalog's defaults)."""
    own = {k for k in ranking.params if k != "bounds"}
    if (
        ranking.criterion_ids != catalog.criterion_ids
        or "WHAT-IF" in ranking.label
        or own
        or len(ranking.option_ids) < 2
    ):
        return None
    text = verdict_text(
        catalog, verdict(catalog, ranking.weight_map, ranking.method, options=ranking.option_ids)
    )
    return (f"{text.title}: {text.summary}", *(line.text for line in text.lines))


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
    selection: Selection | None = None,
    profile: tuple[str, str] | None = None,
    top: int | None = TOP,
    summary: Sequence[str] | None = None,
) -> Report:
    """Gather an export: the rankings (one per method, on the same options and criteria, the
    first one ordering the tables), the comparison table, every quote with its citation,
    the criteria with their weights, the metadata stamp and the charts.

    ``weights_given`` are the weights as the user gave them (before normalising);
    ``preset`` adds that preset's quotes and names the weights after it; ``profile`` is
    ``(name, file-name key)`` when the caller knows better (default
    :func:`describe_weights`); ``selection`` is the options in play
    (:func:`policybench.analysis.screen.select`), stamped with what its screen set aside;
    ``extra_metadata`` is merged into the stamp (e.g. a workshop's code and title);
    ``timestamp`` defaults to now (tests pass a fixed one). ``charts=False`` skips building
    the charts (CSV and JSON do not need them); ``top`` is how many options the ranking
    chart shows (``None``: all); ``summary`` replaces the opening lines (by default the
    verdict on the first ranking, :func:`verdict_lines`, or where it does not apply who leads
    and by how much).
    """
    rankings = list(rankings)
    if not rankings:
        raise ValueError("a report needs at least one ranking")
    comparison = tables.comparison_table(rankings, catalog)
    first = rankings[0]
    parts = tuple(
        RankingPart.of(label, tables.ranking_title(r), r, catalog)
        for label, r in zip(tables.ranking_labels(rankings), rankings, strict=True)
    )
    name, key = profile or describe_weights(catalog, first.label, preset)
    metadata: dict[str, Any] = {
        "title": title,
        "profile": name,
        "profile_key": key,
        "weights": first.weight_map,
    }
    if weights_given is not None:
        metadata["weights_given"] = {c: float(weights_given[c]) for c in first.criterion_ids}
    metadata.update(
        {
            "methods": [
                method_entry(p.label, p.title, r) for p, r in zip(parts, rankings, strict=True)
            ],
            "options": list(first.option_ids),
            "criteria": list(first.criterion_ids),
        }
    )
    if selection is not None:
        metadata.update(selection_metadata(selection, catalog))
    metadata.update(provenance(first, version=version, timestamp=timestamp))
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
        summary=tuple(summary)
        if summary is not None
        else verdict_lines(catalog, first)
        or (tables.headline(tables.ranking_table(first, catalog)),),
        caveats=tuple(caveats_of(catalog, rankings, selection)),
    )
    if not charts:
        return report
    names = [method_title(r.method) for r in rankings]
    named = [
        n if names.count(n) == 1 else f"{n}, {p.title}" for n, p in zip(names, parts, strict=True)
    ]
    chart = rankings_chart(
        [(f"{name} · {metadata['profile']}", r) for name, r in zip(named, rankings, strict=True)],
        catalog,
        subtitle=report.stamp_lines,
        top=top,
    )
    own = chart.spec.get("title", {}).get("subtitle", [])
    caption = [line for line in own if line not in report.stamp_lines]
    spec = ChartSpec.of("ranking", chart, "Ranking", caption, narrow=True)
    return replace(report, charts=(spec,))


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
        heat = acceptability_chart(tables.acceptability_long(acc, labels), labels)
        specs = (ChartSpec.of("smaa", heat, "Rank acceptability"),)
    tables_ = (("SMAA", acc), ("SMAA central weights", central))
    return Section("smaa", "Robustness (SMAA)", about, tables_, specs)
