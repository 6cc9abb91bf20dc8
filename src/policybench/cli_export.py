"""``policybench export``: write the comparison, its evidence and its stamp to a file.

::

    policybench export --format csv|xlsx|markdown|json|html|png|svg --out FILE
                       [--profile NAME|FILE | --preset ID | --weights c1=3,c2=7]
                       [--method M ...repeatable] [--normalization N] [--param k=v ...]
                       [--workshop CODE [--names] [--combine mean|geometric|median]
                        [--group-ranking borda|copeland]]
                       [--smaa-samples N [--seed S]] [--title TEXT] [--options DIR] [--db URL]

``--out -`` writes to standard output. ``--workshop CODE`` exports a workshop's group result:
the facilitator's passphrase is read from ``$POLICYBENCH_WORKSHOP_PASSPHRASE``, else asked for
(hidden); participants appear as "participant 1", "participant 2", … unless ``--names``.
Exit codes as every command: 0 done, 1 bad input (message on stderr), 2 usage errors.
This module only parses and wires; the work is in :mod:`policybench.export`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from policybench import __version__
from policybench.cli_options import (
    DbOpt,
    MethodsOpt,
    NormOpt,
    OptionsDir,
    ParamOpt,
    PresetOpt,
    ProfileOpt,
    WeightsOpt,
    load_catalog,
    parse_params,
    run_or_exit,
)
from policybench.errors import InputError

FORMATS = ("csv", "xlsx", "markdown", "json", "html", "png", "svg")
PASSPHRASE_ENV = "POLICYBENCH_WORKSHOP_PASSPHRASE"


def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format", help="csv, xlsx, markdown, json, html, png or svg", show_default=False
        ),
    ],
    out: Annotated[
        str,
        typer.Option("--out", help="The file to write; - for standard output", show_default=False),
    ],
    profile: ProfileOpt = None,
    preset: PresetOpt = None,
    weights: WeightsOpt = None,
    method: MethodsOpt = None,
    normalization: NormOpt = None,
    param: ParamOpt = None,
    workshop: Annotated[
        str | None,
        typer.Option(
            "--workshop",
            help="Export this workshop's group result (its join code); the passphrase comes from $POLICYBENCH_WORKSHOP_PASSPHRASE or a prompt",
        ),
    ] = None,
    names: Annotated[
        bool,
        typer.Option(
            "--names",
            help="With --workshop: show participants' display names (default: participant 1, 2, ...)",
        ),
    ] = False,
    combine: Annotated[
        str,
        typer.Option(
            "--combine", help="With --workshop: combine weights by mean, geometric or median"
        ),
    ] = "mean",
    group_ranking: Annotated[
        str,
        typer.Option(
            "--group-ranking", help="With --workshop: combine rankings by borda or copeland"
        ),
    ] = "borda",
    smaa_samples: Annotated[
        int | None,
        typer.Option(
            "--smaa-samples",
            min=100,
            max=5_000_000,
            help="Add a SMAA section with this many weight samples (first method)",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for --smaa-samples")] = 0,
    title: Annotated[
        str | None, typer.Option("--title", help="The report's title", show_default=False)
    ] = None,
    options: OptionsDir = None,
    db: DbOpt = None,
) -> None:
    """Export the comparison table, quotes with citations and the metadata stamp (CSV holds the
    comparison table alone; PNG and SVG the ranking chart)."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of: {', '.join(FORMATS)}", param_hint="--format")
    if workshop is not None and any(x is not None for x in (profile, preset, weights)):
        raise typer.BadParameter(
            "a workshop's weights are its participants': leave out --profile, --preset and --weights",
            param_hint="--workshop",
        )
    if combine not in {"mean", "geometric", "median"}:
        raise typer.BadParameter("choose one of: mean, geometric, median", param_hint="--combine")
    if group_ranking not in {"borda", "copeland"}:
        raise typer.BadParameter("choose one of: borda, copeland", param_hint="--group-ranking")

    cat = load_catalog(options)
    common = _ReportInputs(
        cat,
        db=db,
        methods=method,
        normalization=normalization,
        params=run_or_exit(lambda: parse_params(param)),
        title=title,
        charts=fmt not in {"csv", "json"},
    )
    if workshop is not None:
        report = run_or_exit(
            lambda: _workshop_report(
                common,
                workshop,
                _passphrase,
                names=names,
                combine=combine,
                ranking_rule=group_ranking,
            )
        )
    else:
        report = run_or_exit(
            lambda: _profile_report(
                common,
                profile=profile,
                preset=preset,
                weights=weights,
                smaa_samples=smaa_samples,
                seed=seed,
            )
        )

    from policybench.export import writers

    def save() -> str:
        if out == "-":
            content = writers.render(fmt, report)
            typer.echo(content, nl=False)
            return "standard output"
        try:
            return str(writers.write(fmt, out, report))
        except OSError as exc:
            raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None

    where = run_or_exit(save)
    m = report.metadata
    typer.echo(
        f"wrote {where} ({fmt}: {len(m['options'])} options, {', '.join(x['title'] for x in m['methods'])}; "
        f"{m['profile']}; catalog {m['catalog_fingerprint']}; policybench {__version__})",
        err=True,
    )


@dataclass(frozen=True)
class _ReportInputs:
    """What both reports (a profile's and a workshop's) are built from: the catalog, the
    store, the methods with their normalisation and ``--param`` values, and the title; no
    charts for CSV and JSON."""

    cat: Any
    db: str | None
    methods: list[str] | None
    normalization: str | None
    params: dict[str, Any]
    title: str | None
    charts: bool


def _passphrase() -> str:
    """The facilitator's passphrase: ``$POLICYBENCH_WORKSHOP_PASSPHRASE``, else a hidden prompt
    (never a command-line option, which other users of the machine could read)."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    return str(typer.prompt("Facilitator passphrase", hide_input=True))


def _methods(methods: list[str] | None, profile_method: str | None) -> list[str]:
    return list(methods) if methods else [profile_method or "wsm"]


def _split_params(methods: list[str], params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each method's share of the ``--param`` values. With one method it takes them all (so a
    wrong name gets that method's own message); with several, each takes the parameters it
    knows (``bounds`` goes to all), and a parameter that none of them takes is an error."""
    from policybench import mcda

    if len(methods) == 1:
        return {methods[0]: dict(params)}
    known = {m: set(mcda.METHODS[m].parameters) | {"bounds"} for m in methods if m in mcda.METHODS}
    orphans = [k for k in params if not any(k in names for names in known.values())]
    if orphans:
        raise InputError(
            f"no chosen method takes {', '.join(map(repr, orphans))} (methods: {', '.join(methods)})"
        )
    return {m: {k: v for k, v in params.items() if k in known.get(m, set(params))} for m in methods}


def _profile_report(
    common: _ReportInputs,
    *,
    profile: str | None,
    preset: str | None,
    weights: str | None,
    smaa_samples: int | None,
    seed: int,
) -> Any:
    from policybench.analysis import rank_catalog
    from policybench.export.report import build_report
    from policybench.weighting import choose_weights

    cat, methods = common.cat, common.methods
    choice = choose_weights(cat, profile=profile, preset=preset, weights=weights, db=common.db)
    chosen = _methods(methods, choice.method)
    own = _split_params(chosen, common.params)
    rankings = [
        rank_catalog(
            cat,
            choice.weights,
            method=m,
            normalization=common.normalization,
            label=choice.label,
            overrides=choice.overrides,
            **{**(choice.params if not methods or m == choice.method else {}), **own[m]},
        )
        for m in chosen
    ]
    sections = []
    if smaa_samples is not None:
        sections.append(_smaa(cat, rankings[0], smaa_samples, seed, charts=common.charts))
    return build_report(
        cat,
        rankings,
        title=common.title or "policybench comparison",
        weights_given=choice.weights,
        preset=preset,
        sections=sections,
        charts=common.charts,
    )


def _smaa(cat: Any, ranking: Any, samples: int, seed: int, *, charts: bool) -> Any:
    from policybench import robustness
    from policybench.catalog import to_problem
    from policybench.export.report import smaa_section

    problem = to_problem(
        cat, ranking.weight_map, options=ranking.option_ids, criteria=ranking.criterion_ids
    )
    result = robustness.smaa(
        problem.matrix,
        problem.types,
        method=ranking.method,
        normalization=ranking.normalization,
        samples=samples,
        seed=seed,
        criteria=problem.criterion_ids,
        **dict(ranking.params),
    )
    return smaa_section(
        result,
        problem.option_ids,
        problem.criterion_ids,
        cat,
        method=ranking.method,
        normalization=ranking.normalization,
        samples=samples,
        seed=seed,
        charts=charts,
    )


def _workshop_report(
    common: _ReportInputs,
    code: str,
    passphrase: Callable[[], str],
    *,
    names: bool,
    combine: str,
    ranking_rule: str,
) -> Any:
    """Read a workshop's submissions (with the facilitator's passphrase, asked for only once
    the code is known) and build its report with :func:`policybench.export.workshop.workshop_report`
    (the same function the app's facilitator page uses)."""
    from policybench.export.workshop import catalog_note, workshop_report
    from policybench.store import open_store

    cat = common.cat
    store = open_store(common.db)
    try:
        shop = store.workshops.get(code)
        facilitator = store.workshops.verify_facilitator(code, passphrase())
        submissions = store.workshops.submissions(facilitator)
    finally:
        store.close()
    chosen = _methods(common.methods, None)
    report = workshop_report(
        cat,
        shop,
        submissions,
        methods=chosen,
        normalization=common.normalization,
        params=_split_params(chosen, common.params),
        names=names,
        combine=combine,
        ranking_rule=ranking_rule,
        title=common.title,
        charts=common.charts,
    )
    note = catalog_note(cat, shop)
    if note:
        typer.echo(f"note: {note}", err=True)
    return report
