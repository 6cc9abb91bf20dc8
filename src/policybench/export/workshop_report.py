"""A workshop's whole report, and the patch of the scores it adopted back to the catalog.

:func:`workshop_report` is what ``policybench export --workshop CODE`` and the facilitator's
downloads write, in every format: the rankings under the group's combined weights (one per
method), the group's result (:func:`group_section`, from the same
:class:`~policybench.analysis.workshop.GroupResult` the facilitator's page shows), then every
round, the contested scores, the decisions on them and the camps
(:func:`deliberation_sections`, from :mod:`policybench.export.deliberation` and
:mod:`policybench.export.camps`). The scores the facilitator adopted replace the
catalog's in every ranking of it, and the report says so wherever they do ("2 scores adjusted
in this workshop": the stamp, the caveats, each section); the comparison table shows the
adopted scores, the evidence the catalog's.

:func:`workshop_patch` is ``export --format patch`` and the facilitator's ``.diff`` download:
:func:`policybench.export.patch.catalog_patch` of the adopted decisions, with what each
challenge behind them proposed and why (and its verified quote), labelled with the workshop's title and date (never its join code,
which lets anyone join while it is open).

Participants are "Participant 1", "Participant 2", … (numbered once for the whole report, by
the order they joined, as the pages number them) unless the export is asked to show names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from policybench.analysis.common_ground import TOP_K
from policybench.analysis.contest import Challenge, Decision, overrides_from
from policybench.analysis.rank import rank_catalog
from policybench.analysis.rounds import convergence, latest_submitted
from policybench.analysis.workshop import GroupResult, group_result
from policybench.catalog import Catalog
from policybench.catalog.models import Source
from policybench.errors import InputError
from policybench.export.camps import camps_section
from policybench.export.deliberation import (
    Room,
    Rounds,
    SubmissionLike,
    challenges_section,
    decisions_section,
    labelled,
    rounds_section,
)
from policybench.export.patch import RoomReason, catalog_patch
from policybench.export.report import ChartSpec, Report, Section, build_report
from policybench.export.stamp import utc_timestamp
from policybench.present.charts.workshop import workshop_charts
from policybench.present.contest import adjusted_label, score_text
from policybench.present.labels import criterion_label
from policybench.present.text import truncate
from policybench.present.workshop import export_about, export_tables, participant_labels

__all__ = [
    "SubmissionLike",
    "WorkshopLike",
    "catalog_note",
    "deliberation_sections",
    "group_section",
    "missing_from_catalog",
    "patch_label",
    "short_citation",
    "workshop_patch",
    "workshop_report",
]

#: Longest part of a workshop's title in the patch's comment lines.
PATCH_TITLE = 48


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
    @property
    def combination(self) -> str: ...


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
    (the labels to show: their names, which an export shows only when asked)."""
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
    combination: str | None = None,
    weight_rule: str | None = None,
    ranking_rule: str | None = None,
    title: str | None = None,
    charts: bool = True,
    rounds: Mapping[int, Sequence[SubmissionLike]] | None = None,
    challenges: Sequence[Challenge] = (),
    seen: Mapping[int, Sequence[Challenge]] | None = None,
    decisions: Sequence[Decision] = (),
    joined: Sequence[str] = (),
    top_k: int = TOP_K,
    version: str | None = None,
    timestamp: datetime | str | None = None,
) -> Report:
    """A workshop's report: the rankings under the group's combined weights (one per method),
    the group section, and the rounds, contested scores, decisions and camps.

    ``submissions`` are the group result's: the latest round's with any (the current round's,
    or the one before while the current has none yet). ``rounds`` maps each round to its
    submissions, in join order (the store's ``rounds``; default: ``submissions`` as the only
    round); ``challenges`` are every live challenge and ``decisions`` the facilitator's (the
    store's ``challenges`` and ``decisions``); ``seen`` maps each revealed round to the
    challenges as the room saw them at its reveal (the store's ``challenges(facilitator,
    round=r)``; default: none listed). The adopted decisions' scores replace the
    catalog's everywhere. ``result`` is the group result already computed from
    ``submissions`` with those scores (the facilitator's page passes the one it shows);
    without it, it is computed with the first method and the group's ranking by
    ``combination`` (default: the workshop's own rule, ``shop.combination``, as its pages
    rank it), the other side's rule by ``weight_rule`` / ``ranking_rule`` when given
    (:func:`~policybench.analysis.workshop.rules_for` otherwise). ``params`` gives each method its own
    parameters (by method name). ``top_k`` is the common ground's (cut to the options in
    play). Participants are "Participant 1", "Participant 2", … by the order they joined
    (``joined``: the display names as the store's ``participants`` lists them; anyone missing
    from it after, in order of appearance), as the pages number them, unless ``names``. A workshop
    created on another catalog version is noted in the group section's stamp
    (``"catalog note"``). ``version`` and ``timestamp`` stamp the report as
    :func:`~policybench.export.report.build_report` does (tests fix them).

    Raises
    ------
    InputError
        No submissions yet, or the workshop uses options or criteria the catalog lacks.
    """
    _refuse(catalog, shop, submissions)
    chosen = list(methods) or ["wsm"]
    own = {m: dict((params or {}).get(m, {})) for m in chosen}
    adopted = overrides_from(decisions)
    if result is None:
        result = group_result(
            catalog,
            shop.options,
            shop.criteria,
            [s.weights for s in submissions],
            combination=combination or shop.combination,
            weight_rule=weight_rule,
            ranking_rule=ranking_rule,
            method=chosen[0],
            normalization=normalization,
            params=own[chosen[0]],
            overrides=adopted or None,
        )
    by_round = dict(rounds) if rounds is not None else {_round_of(shop): list(submissions)}
    people = [s.display_name for r in sorted(by_round) for s in by_round[r]]
    people += [s.display_name for s in submissions] + [c.display_name for c in challenges]
    labels = labelled(people, names=names, joined=joined)
    adjusted = adjusted_label(adopted)
    group = _group_part(catalog, shop, result, submissions, by_round, labels, adjusted, charts)
    room = Room(chosen[0], normalization, own[chosen[0]], result.combination, adopted)
    sections = (group, *deliberation_sections(
        catalog, shop.options, shop.criteria, by_round, challenges, decisions, labels, room,
        top_k=top_k, charts=charts, seen=seen or {},
    ))  # fmt: skip
    combined = dict(zip(result.criterion_ids, map(float, result.group_weights), strict=True))
    label = f"workshop group weights ({result.weight_rule} of {len(submissions)} participants"
    label += f"; {adjusted})" if adjusted else ")"
    rankings = [
        rank_catalog(
            catalog,
            combined,
            method=m,
            normalization=normalization,
            options=shop.options,
            criteria=shop.criteria,
            label=label,
            overrides=adopted or None,
            **own[m],
        )
        for m in chosen
    ]
    extra: dict[str, Any] = {"workshop": shop.title, "participants": len(submissions)}
    extra["rounds"] = len(by_round)
    if adjusted:
        extra["adjusted"] = f"{adjusted}: {_cells_text(catalog, decisions)}"
    report = build_report(
        catalog,
        rankings,
        title=title or f"Workshop: {shop.title}",
        profile=(label, "workshop"),
        sections=sections,
        extra_metadata=extra,
        charts=charts,
        version=version,
        timestamp=timestamp,
    )
    return _marked(report, catalog, decisions, adjusted) if adjusted else report


def _refuse(catalog: Catalog, shop: WorkshopLike, submissions: Sequence[SubmissionLike]) -> None:
    """Refuse a workshop with nothing to export, or one this catalog cannot rank."""
    if not submissions:
        raise InputError(f"workshop {shop.title!r} has no submissions yet: nothing to export")
    missing = missing_from_catalog(catalog, shop)
    if missing:
        raise InputError(
            f"the workshop uses {', '.join(map(repr, missing))}, which this catalog does not "
            "have; export with the catalog it was run on (--options)"
        )


def _group_part(
    catalog: Catalog,
    shop: WorkshopLike,
    result: GroupResult,
    submissions: Sequence[SubmissionLike],
    by_round: Mapping[int, Sequence[SubmissionLike]],
    labels: Mapping[str, str],
    adjusted: str,
    charts: bool,
) -> Section:
    """The group section of the workshop's latest round with submissions, its stamp saying
    which round, whether scores were adjusted, and on which catalog it was created."""
    about: dict[str, Any] = {
        "state": shop.state,
        "created_at": shop.created_at.isoformat(),
        "round": latest_submitted(by_round) or _round_of(shop),
    }
    if adjusted:
        about["adjusted"] = adjusted
    note = catalog_note(catalog, shop)
    if note:
        about["catalog note"] = note
    return group_section(
        catalog,
        result,
        title=shop.title,
        names=[labels[s.display_name] for s in submissions],
        reasons=[s.reasons for s in submissions],
        about=about,
        charts=charts,
    )


def _marked(
    report: Report, catalog: Catalog, decisions: Sequence[Decision], adjusted: str
) -> Report:
    """``report`` saying first that it ranks with adopted scores, and which, with the adopted
    scores in its comparison table (the catalog's kept for the evidence)."""
    caveat = (
        f"{adjusted}: every ranking here uses the scores the facilitator adopted in place of "
        f"the catalog's ({_cells_text(catalog, decisions)}); the comparison table shows the "
        "adopted scores, the evidence the catalog's."
    )
    return replace(
        report,
        comparison=with_adopted(report.comparison, decisions),
        scores=report.comparison,
        caveats=(caveat, *report.caveats),
    )


def deliberation_sections(
    catalog: Catalog,
    option_ids: Sequence[str],
    criterion_ids: Sequence[str],
    rounds: Rounds,
    challenges: Sequence[Challenge],
    decisions: Sequence[Decision],
    labels: Mapping[str, str],
    room: Room,
    *,
    top_k: int = TOP_K,
    charts: bool = True,
    seen: Mapping[int, Sequence[Challenge]] | None = None,
) -> tuple[Section, ...]:
    """The ``rounds``, ``challenges``, ``decisions`` and ``camps`` sections
    (:mod:`policybench.export.deliberation`, :mod:`policybench.export.camps`), always all four.

    ``rounds`` maps each round to its submissions (the first round to the current one; a round
    may have none); ``seen`` maps each revealed round to the challenges the room saw at its
    reveal (listed in the challenges section, round by round); ``labels`` is
    :func:`~policybench.export.deliberation.participant_names`'. Contested cells are weighed
    with the latest round that has submissions. ``top_k`` is cut to the options in play.

    Raises
    ------
    InputError
        No round has a submission, or a challenge or decision names an option or criterion
        not in play.
    """
    latest = latest_submitted(rounds)
    if latest is None:
        raise InputError("no round has a submission yet: nothing to export")
    opts, crits = tuple(option_ids), tuple(criterion_ids)
    weights = {r: {s.display_name: s.weights for s in subs} for r, subs in rounds.items()}
    conv = convergence(
        catalog,
        opts,
        crits,
        weights,
        method=room.method,
        normalization=room.normalization,
        overrides=room.overrides or None,
        params=room.params,
    )
    return (
        rounds_section(catalog, opts, crits, rounds, conv, labels, room, charts=charts),
        challenges_section(
            catalog, opts, crits, rounds, latest, challenges, labels, room, seen=seen or {}
        ),
        decisions_section(catalog, decisions, challenges, room),
        camps_section(catalog, opts, crits, rounds, room, top_k=top_k),
    )


def _round_of(shop: WorkshopLike) -> int:
    """The workshop's current round (1 for a record that predates rounds)."""
    return int(getattr(shop, "round", 1))


def _cells_text(catalog: Catalog, decisions: Sequence[Decision]) -> str:
    """The adopted cells in words: ``"Liaison officers × Deterrence: 7 (the catalog's 5)"``."""
    out = []
    for d in decisions:
        if d.decision != "adopted" or d.value is None:
            continue
        option = catalog.options_by_id[d.option]
        was = score_text(option.scores[d.criterion].value)
        out.append(
            f"{option.title} × {criterion_label(catalog, d.criterion)}: "
            f"{score_text(d.value)} (the catalog's {was})"
        )
    return "; ".join(out)


def with_adopted(comparison: pd.DataFrame, decisions: Sequence[Decision]) -> pd.DataFrame:
    """The comparison table with each adopted score in place of the catalog's, its range
    widened to hold the adopted value and range (a copy; cells not in the table are left)."""
    out = comparison.copy()
    for d in decisions:  # a loop over adopted cells
        column = f"score:{d.criterion}"
        if d.decision != "adopted" or d.value is None or column not in out.columns:
            continue
        row = out.index[out["option"] == d.option]
        value = float(d.value)
        out.loc[row, column] = value
        for end, pick, given in (("low", min, d.low), ("high", max, d.high)):
            current = out.loc[row, f"{end}:{d.criterion}"]
            out.loc[row, f"{end}:{d.criterion}"] = [
                pick(float(c), value, value if given is None else float(given)) for c in current
            ]
    return out


def patch_label(shop: WorkshopLike) -> str:
    """What the patch's comment lines call the workshop: its title (cut to
    :data:`PATCH_TITLE` characters) and the day it was created, ``Seminar (2025-01-31)``."""
    return f"{truncate(shop.title, PATCH_TITLE)} ({utc_timestamp(shop.created_at)[:10]})"


def workshop_patch(
    catalog_dir: Path,
    catalog: Catalog,
    shop: WorkshopLike,
    decisions: Sequence[Decision],
    challenges: Sequence[Challenge],
    *,
    repo_path: str = "options",
) -> str:
    """The workshop's adopted scores as a patch against the catalog at ``catalog_dir``
    (:func:`~policybench.export.patch.catalog_patch`), each with the case of every challenge
    on its cell (what it proposed, its reason, its quote when the server verified it, with
    the source's short citation; each once, in the order given), labelled
    :func:`patch_label`; ``""`` when no score was adopted. ``repo_path`` is where the catalog
    sits in its repository.

    Raises
    ------
    InputError
        As :func:`~policybench.export.patch.catalog_patch`.
    """
    reasons: dict[tuple[str, str], list[RoomReason]] = {}
    for ch in challenges:  # a loop over challenges
        verified = ch.check == "verified" and bool(ch.quote)
        source = catalog.sources_by_id.get(ch.source or "") if verified else None
        cited = short_citation(source) if source is not None else (ch.source if verified else None)
        reasons.setdefault((ch.option, ch.criterion), []).append(
            RoomReason(float(ch.value), ch.reason, ch.quote if verified else None, cited)
        )
    return catalog_patch(
        catalog_dir,
        catalog,
        decisions,
        reasons,
        workshop=patch_label(shop),
        repo_path=repo_path,
    )


def short_citation(source: Source) -> str:
    """A source as a comment cites it: the first author's family name (the last word of the
    name as the catalog writes it), "and" the second's or "et al.", and the year:
    ``"Nishino 2017"``, ``"Cha and Kang 2018"``, ``"Park et al."``."""
    names = [a.split()[-1] for a in source.authors]
    who = names[0] if len(names) == 1 else (
        f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al."
    )  # fmt: skip
    return f"{who} {source.year}" if source.year else who
