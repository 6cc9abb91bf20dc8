"""What an export holds, gathered once and written in any format.

A :class:`Report` is built from a catalog and one or several
:class:`~policybench.analysis.rank.Ranking` s (one per method) by :func:`build_report`;
optional sections add a SMAA result (:func:`smaa_section`) or a workshop's group result
(:func:`group_section`, from the same :class:`~policybench.analysis.workshop.GroupResult` the
facilitator's page shows; :func:`workshop_report` builds a workshop's whole report);
:func:`compare_report` is the Compare page's comparison of two perspectives. The formats in
:mod:`policybench.export.formats` only write what is here, so every format carries the same
numbers and the same stamp: the perspective or profile by name, weights, method(s) and
parameters, the options in play (the default set or every option) and what the screen set
aside, the catalog's fingerprint (12 hex digits), the package version and a UTC timestamp.
:func:`file_stem` names a file after that stamp.

Building a report never mutates the catalog, the rankings or the tables it is given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

import pandas as pd

import policybench
from policybench.analysis.rank import MethodAgreement, Ranking, compare_methods, rank_catalog
from policybench.analysis.screen import Selection
from policybench.analysis.verdict import verdict
from policybench.analysis.workshop import GroupResult, group_result
from policybench.catalog import Catalog
from policybench.errors import InputError
from policybench.present import compare, tables
from policybench.present.charts import EXPORT_WIDTH, Chart
from policybench.present.charts.compare import head_to_head_chart, slope_chart, tau_chart
from policybench.present.charts.ranking import rankings_chart
from policybench.present.charts.robustness import acceptability_chart
from policybench.present.charts.workshop import workshop_charts
from policybench.present.labels import method_title
from policybench.present.verdict import verdict_text
from policybench.present.workshop import export_about, export_tables, participant_labels

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
    """Everything an export carries. ``charts[0]`` is the ranking chart (PNG/SVG exports).

    ``summary`` is what a brief opens with (the verdict, or who leads and by how much);
    ``caveats`` what a reader must know before quoting the ranking (the engine's notes, what
    the screen set aside, the scores that rest on judgement); ``kind`` is ``"ranking"``, or
    ``"compare"`` for :func:`compare_report` (whose ``comparison`` is the two perspectives'
    ranks side by side).
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


def option_set_text(metadata: Mapping[str, Any]) -> str:
    """The options in play, in words: ``"default set, screen achievability>=1 (1 set
    aside)"``; '' when the report does not say (built without a selection)."""
    if "all" not in metadata:
        return ""
    words = "every option" if metadata["all"] else "default set"
    screen = metadata.get("screen") or []
    if not screen:
        return f"{words}, no screen"
    out = len(metadata.get("screened_out") or [])
    return f"{words}, screen {', '.join(screen)} ({out} set aside)"


def stamp_lines(metadata: Mapping[str, Any]) -> list[str]:
    """Profile, methods and options in play; weights (a line per perspective compared);
    catalog, version and time."""
    methods = "; ".join(
        f"{m['name']}, {m['title']}" if m.get("name") else m["title"] for m in metadata["methods"]
    )
    scope = option_set_text(metadata)
    weights = [
        f"weights ({p['name']}): " + ", ".join(f"{k} {v:.3f}" for k, v in p["weights"].items())
        for p in metadata.get("perspectives", [])
    ] or ["weights: " + ", ".join(f"{k} {v:.3f}" for k, v in metadata["weights"].items())]
    return [
        f"{metadata['profile']} · {methods}" + (f" · {scope}" if scope else ""),
        *weights,
        f"catalog {metadata['catalog_fingerprint']} · policybench {metadata['policybench_version']} · {metadata['generated_at']}",
    ]


def slug(text: str) -> str:
    """``text`` as a file-name part: lowercase letters, digits and single hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def describe_weights(catalog: Catalog, label: str, preset: str | None = None) -> tuple[str, str]:
    """Where weights came from, as people and file names read it: ``("Tokyo (preset)",
    "tokyo")`` for a catalog preset, else the ranking's own label (``"profile hawk v3"``,
    ``"custom weights"``) and its slug."""
    found = catalog.presets_by_id.get(preset) if preset else None
    if found is not None:
        return f"{found.name} (preset)", slug(found.id)
    if label.startswith("preset "):
        pid = label.split(" ", 1)[1].strip()
        if pid in catalog.presets_by_id:
            return describe_weights(catalog, label, pid)
    return label, slug(label.split(" (WHAT-IF")[0])


def selection_metadata(selection: Selection, catalog: Catalog) -> dict[str, Any]:
    """The options in play as the stamp carries them (the keys of ``rank --format json``):
    ``all``, ``screen`` and ``screened_out`` (each with the requirements it fails)."""
    return {
        "all": bool(selection.everything),
        "screen": list(selection.expressions),
        "screened_out": tables.screened_records(selection, catalog),
    }


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
                {
                    "label": p.label,
                    "title": p.title,
                    "name": method_title(p.method),
                    "method": p.method,
                    "normalization": p.normalization,
                    "params": p.params,
                }
                for p in parts
            ],
            "options": list(first.option_ids),
            "criteria": list(first.criterion_ids),
        }
    )
    if selection is not None:
        metadata.update(selection_metadata(selection, catalog))
    metadata.update(
        {
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
            ChartSpec.of("group-weights", spread, "Each participant's weights, and the group's"),
            ChartSpec.of("group-ranks", ranks, "Each participant's ranking against the group's"),
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
        profile=(label, "workshop"),
        sections=[section],
        extra_metadata={"workshop": shop.title, "participants": len(submissions)},
        charts=charts,
    )


# ------------------------------------------------------------------------------ compare
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
    first = rankings[0]
    keys = [p.key for p in perspectives]
    if len(set(keys)) < len(keys):
        keys = [f"{k}-{i + 1}" for i, k in enumerate(keys)]
    names = [p.name for p in perspectives]
    comparison = compare.perspectives_table(catalog, list(zip(keys, rankings, strict=True)))
    spec = tables.ranking_title(first)
    parts = tuple(
        RankingPart(
            label=key,
            title=f"{name}: {spec}",
            method=r.method,
            normalization=r.normalization,
            params=tables.plain_params(r.params),
            table=tables.ranking_table(r, catalog, contributions=True),
        )
        for key, name, r in zip(keys, names, rankings, strict=True)
    )
    criteria = tables.criteria_table(catalog, first.weight_map, first.criterion_ids)
    criteria = criteria.drop(columns="weight")
    for key, r in zip(keys, rankings, strict=True):
        criteria[f"weight:{key}"] = [r.weight_map[c] for c in criteria["criterion"]]
    order = [first.option_ids[i] for i in first.order()]
    quotes = tables.quotes_table(catalog, order, first.criterion_ids, preset=perspectives[0].preset)
    for p in perspectives[1:]:
        if p.preset:
            extra = tables.quotes_table(catalog, [], first.criterion_ids, preset=p.preset)
            quotes = pd.concat([quotes, extra[extra["where"] == "preset"]], ignore_index=True)
    order_key = {"criterion": 0, "preset": 1}
    quotes = quotes.sort_values(
        "where", key=lambda w: w.map(lambda x: order_key.get(x, 2)), kind="stable"
    ).reset_index(drop=True)
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
        "methods": [
            {
                "label": method,
                "title": spec,
                "name": method_title(method),
                "method": method,
                "normalization": first.normalization,
                "params": tables.plain_params(first.params),
            }
        ],
        "options": list(first.option_ids),
        "criteria": list(first.criterion_ids),
    }
    if selection is not None:
        metadata.update(selection_metadata(selection, catalog))
    metadata.update(
        {
            "catalog_fingerprint": first.catalog_fingerprint[:12],
            "policybench_version": policybench.__version__,
            "generated_at": timestamp if isinstance(timestamp, str) else utc_timestamp(timestamp),
        }
    )
    shift = compare.rank_shift(
        catalog,
        [(n, p.weights) for n, p in zip(names, perspectives, strict=True)],
        method,
        options=options,
    )
    sections: list[Section] = []
    if len(head_to_head) >= 2:
        h2h = compare.head_to_head(catalog, head_to_head)
        sections.append(
            Section(
                "head-to-head",
                "Options head to head",
                {"options": ", ".join(head_to_head)},
                (("Scores criterion by criterion", compare.head_to_head_table(h2h)),),
                (ChartSpec.of("head-to-head", head_to_head_chart(h2h)),) if charts else (),
            )
        )
    if methods_under is not None:
        agreement: MethodAgreement = compare_methods_for(catalog, methods_under, options)
        tau = compare.tau_matrix(agreement)
        wide = tau.pivot_table(index="a", columns="b", values="tau", sort=False).reset_index()
        wide = wide.rename(columns={"a": "method"})
        sections.append(
            Section(
                "methods",
                "Every method side by side",
                {"weights": methods_under.name},
                (
                    ("Ranks by method", compare.method_ranks(catalog, agreement)),
                    ("Agreement between methods (Kendall's tau)", wide),
                ),
                (ChartSpec.of("methods", tau_chart(tau)),) if charts else (),
            )
        )
    report = Report(
        title=str(metadata["title"]),
        metadata=metadata,
        criteria=criteria,
        rankings=parts,
        comparison=comparison,
        quotes=quotes,
        sections=tuple(sections),
        summary=(_shift_summary(comparison, names, keys),),
        caveats=tuple(caveats_of(catalog, rankings, selection)),
        kind="compare",
        scores=tables.comparison_table([first], catalog),
    )
    if not charts:
        return report
    slope = slope_chart(shift, title=f"Ranks: {against}")
    return replace(report, charts=(ChartSpec.of("ranking", slope),))


def compare_methods_for(
    catalog: Catalog, under: Perspective, options: Sequence[str] | None
) -> MethodAgreement:
    """Every method's ranking of ``options`` under ``under``'s weights."""
    return compare_methods(catalog, under.weights, options=options)
