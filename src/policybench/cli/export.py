"""``policybench export``: write the comparison, its evidence and its stamp to a file.

::

    policybench export --format csv|xlsx|markdown|json|html|png|svg|patch --out FILE|DIR|-
                       [--profile NAME|FILE | --preset ID | --weights c1=3,c2=7]
                       [--method M ...repeatable] [--normalization N] [--param k=v ...]
                       [--all] [--require C>=V ...] [--no-default-screen] [--top N]
                       [--workshop CODE [--names] [--group-ranking RULE]
                        [--combine mean|geometric|median] [--top-k K]]
                       [--smaa-samples N] [--bands] [--seed S] [--title TEXT]
                       [--options DIR] [--db URL]

``--out -`` writes to standard output; ``--out DIR`` (an existing folder) writes a file named
after the export's stamp (``policybench-tokyo-wsm-default-set-<catalog>-<time>.csv``). A CSV, which
holds the table alone, gets its stamp in a text file beside it (``x.csv`` → ``x.stamp.txt``).
The options in play are those ``rank`` ranks (the default set, screened; ``--all``,
``--require``, ``--no-default-screen`` as for ``rank``), and the stamp says which and what the
screen set aside. ``--workshop CODE`` exports a workshop: its group result, every round, the
contested scores and the decisions on them, and the camps with their common ground (top
``--top-k``), every ranking with the scores the facilitator adopted; the facilitator's
passphrase is read from ``$POLICYBENCH_WORKSHOP_PASSPHRASE``, else asked for (hidden);
participants appear as "Participant 1", "Participant 2", … unless ``--names``; the group's
ranking uses the rule the facilitator chose for the workshop (as its pages do) unless
``--group-ranking`` names another. ``--workshop
CODE --format patch`` writes the workshop's adopted scores as a patch against the catalog in
use (:mod:`policybench.cli.workshop_export`), or says there is nothing to patch.

This module parses and wires: the rankings come from :mod:`policybench.analysis`, the report
and the files from :mod:`policybench.export`, a workshop from the store
(:mod:`policybench.cli.workshop_export`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

import policybench.cli.options as opt
from policybench import __version__
from policybench.cli import workshop_export
from policybench.cli.errors import exits_on_error
from policybench.cli.workshop_export import PASSPHRASE_ENV
from policybench.errors import InputError

if TYPE_CHECKING:
    from policybench.analysis.rank import Ranking
    from policybench.analysis.screen import Selection
    from policybench.catalog import Catalog
    from policybench.cli.weights import Setup, WeightChoice
    from policybench.export.report import Report, Section

__all__ = ["PASSPHRASE_ENV", "Format", "export", "split_params"]

#: The formats this command writes: the exporters' own list (a test holds the two equal), and
#: a workshop's catalog patch.
Format = Literal["csv", "xlsx", "markdown", "json", "html", "png", "svg", "patch"]
#: Formats that carry no chart, so the report skips building them.
_CHARTLESS = frozenset({"csv", "json"})

# This command's own options (those several commands share are in policybench.cli.options).
FormatOption = Annotated[
    Format, typer.Option("--format", help="The file's format", show_default=False)
]
Out = Annotated[
    str, typer.Option("--out", help="The file to write; - for standard output", show_default=False)
]
WorkshopCode = Annotated[
    str | None,
    typer.Option(
        "--workshop",
        help="Export this workshop's group result (its join code); the passphrase comes "
        "from $POLICYBENCH_WORKSHOP_PASSPHRASE or a prompt",
    ),
]
Names = Annotated[
    bool,
    typer.Option(
        "--names",
        help="With --workshop: show participants' display names (default: Participant 1, 2, ...)",
    ),
]
Combine = Annotated[
    Literal["mean", "geometric", "median"] | None,
    typer.Option(
        "--combine",
        help="With --workshop: how to combine the weights when the group's ranking combines "
        "rankings (borda, copeland) [default: mean]",
        show_default=False,
    ),
]
GroupRanking = Annotated[
    Literal["mean", "median", "geometric", "borda", "copeland"] | None,
    typer.Option(
        "--group-ranking",
        help="With --workshop: the rule for the group's ranking, overriding the one the "
        "facilitator chose for the workshop [default: the workshop's, as on its pages]",
        show_default=False,
    ),
]
SmaaSamples = Annotated[
    int | None,
    typer.Option(
        "--smaa-samples",
        min=100,
        max=5_000_000,
        help="Add a SMAA section with this many weight samples (first method)",
        show_default=False,
    ),
]
Seed = Annotated[int, typer.Option("--seed", help="Random seed for --smaa-samples and --bands")]
Bands = Annotated[
    bool,
    typer.Option(
        "--bands",
        help="Add each option's likely ranks (5th to 95th percentile rank over 10,000 draws "
        "of the scores within their ranges, the weights fixed; first method)",
    ),
]
Title = Annotated[
    str | None, typer.Option("--title", help="The report's title", show_default=False)
]
Top = Annotated[
    int,
    typer.Option(
        "--top", min=0, help="How many options the ranking chart shows (PNG, SVG, HTML); 0 for all"
    ),
]
TopK = Annotated[
    int,
    typer.Option(
        "--top-k",
        min=1,
        help="With --workshop: how many places count as the top in each camp's common ground",
    ),
]


@exits_on_error
def export(
    fmt: FormatOption,
    out: Out,
    profile: opt.Profile = None,
    preset: opt.Preset = None,
    weights: opt.Weights = None,
    method: opt.Methods = None,
    normalization: opt.Normalization = None,
    param: opt.Params = None,
    workshop: WorkshopCode = None,
    names: Names = False,
    combine: Combine = None,
    group_ranking: GroupRanking = None,
    smaa_samples: SmaaSamples = None,
    seed: Seed = 0,
    bands: Bands = False,
    title: Title = None,
    everything: opt.Everything = False,
    require: opt.Require = None,
    no_default_screen: opt.NoDefaultScreen = False,
    top: Top = 10,
    top_k: TopK = 3,
    options: opt.OptionsDir = None,
    db: opt.Db = None,
) -> None:
    """Export the comparison table, quotes with citations and the metadata stamp.

    CSV holds the comparison table alone (its stamp goes into FILE.stamp.txt beside it); PNG
    and SVG the ranking chart; HTML a brief (the verdict, the chart, the caveats, the
    evidence). --out DIR names the file after its stamp. With --workshop, the workshop's
    rounds, contested scores, decisions and camps too; --format patch writes its adopted
    scores as a patch for the catalog (git apply).
    """
    from policybench.analysis.rank import DEFAULT_METHOD
    from policybench.catalog import load
    from policybench.cli.weights import prepare

    charts = fmt not in _CHARTLESS
    if workshop is not None:
        workshop_export.flags(
            named=any(x is not None for x in (profile, preset, weights)),
            option_set=bool(everything or require or no_default_screen),
            bands=bands,
        )
        cat = load(options)
        record = workshop_export.read(workshop, workshop_export.passphrase, db=db)
        if fmt == "patch":
            typer.echo(workshop_export.write_patch(cat, record, out), err=True)
            return
        methods = method or [DEFAULT_METHOD]
        report = workshop_export.report(
            cat,
            record,
            methods=methods,
            normalization=normalization,
            params=split_params(methods, opt.parse_params(param)),
            names=names,
            combine=combine,
            group_ranking=group_ranking,
            title=title,
            charts=charts,
            top_k=top_k,
        )
    elif fmt == "patch":
        raise typer.BadParameter(
            "a patch holds the scores a workshop adopted: give --workshop CODE",
            param_hint="--format",
        )
    else:
        setup = prepare(
            options,
            profile=profile,
            preset=preset,
            weights=weights,
            db=db,
            require=require,
            everything=everything,
            no_default_screen=no_default_screen,
        )
        report = _profile_report(
            setup,
            method,
            normalization,
            opt.parse_params(param),
            preset=preset,
            smaa_samples=smaa_samples,
            seed=seed,
            bands=bands,
            map_=fmt == "html",
            title=title,
            charts=charts,
            top=top or None,
        )
    typer.echo(_wrote(_save(fmt, out, report), fmt, report), err=True)


def _wrote(where: str, fmt: str, report: Report) -> str:
    """What was written where, for stderr: the format, the options and methods, the weights,
    the options in play and what the screen set aside, the catalog and the version."""
    m = report.metadata
    scope = ""
    if "all" in m:
        scope = f"; {'every option' if m['all'] else 'default set'}"
        scope += f", screen {', '.join(m['screen'])}" if m["screen"] else ", no screen"
        scope += f" ({len(m['screened_out'])} set aside)" if m.get("screened_out") else ""
    return (
        f"wrote {where} ({fmt}: {len(m['options'])} options, "
        f"{', '.join(x['title'] for x in m['methods'])}; {m['profile']}{scope}; "
        f"catalog {m['catalog_fingerprint']}; policybench {__version__})"
    )


def split_params(methods: Sequence[str], params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each method's share of the ``--param`` values.

    With one method it takes them all (so a wrong name gets that method's own message); with
    several, each takes the parameters it knows (``bounds`` goes to all), and a parameter that
    none of them takes is an error. An unknown method keeps them all, for the library to refuse
    the method by name.
    """
    from policybench import mcda

    if len(methods) == 1:
        return {methods[0]: dict(params)}
    known = {m: {*mcda.METHODS[m].parameters, "bounds"} for m in methods if m in mcda.METHODS}
    orphans = [k for k in params if not any(k in names for names in known.values())]
    if orphans:
        raise InputError(
            f"no chosen method takes {', '.join(map(repr, orphans))} (methods: {', '.join(methods)})"
        )
    return {m: {k: v for k, v in params.items() if k in known.get(m, set(params))} for m in methods}


def _rankings(
    cat: Catalog,
    choice: WeightChoice,
    methods: list[str] | None,
    normalization: str | None,
    params: dict[str, Any],
    options: Sequence[str] | None = None,
) -> list[Ranking]:
    """One ranking per method (the profile's, or the default, when none is given). A
    profile's own parameters apply to the profile's method, or to whatever is ranked when no
    ``--method`` is given; the ``--param`` values on top (:func:`split_params`)."""
    from policybench.analysis.rank import rank_catalog

    chosen = list(methods) if methods else [choice.method_for(None)]
    own = split_params(chosen, params)
    return [
        rank_catalog(
            cat,
            choice.weights,
            method=m,
            normalization=normalization,
            options=options,
            label=choice.label,
            overrides=choice.overrides,
            **{**(choice.params if not methods or m == choice.method else {}), **own[m]},
        )
        for m in chosen
    ]


def _profile_report(
    setup: Setup,
    methods: list[str] | None,
    normalization: str | None,
    params: dict[str, Any],
    *,
    preset: str | None,
    smaa_samples: int | None,
    seed: int,
    bands: bool,
    map_: bool,
    title: str | None,
    charts: bool,
    top: int | None,
) -> Report:
    """The report of one weight choice: its rankings (one per method, :func:`_rankings`), a
    SMAA section of the first method when ``--smaa-samples`` asks for one, then the likely
    ranks and the map (:func:`_bands_and_map`); named after ``preset`` when one is given."""
    from policybench.export.report import build_report
    from policybench.export.stamp import describe_weights

    cat, choice, selection = setup.catalog, setup.choice, setup.selection
    rankings = _rankings(cat, choice, methods, normalization, params, selection.options)
    sections: list[Section] = []
    if smaa_samples is not None:
        sections.append(_smaa_section(cat, rankings[0], smaa_samples, seed, charts=charts))
    sections += _bands_and_map(
        cat, rankings[0], choice, selection, bands=bands, seed=seed, map_=map_
    )
    name, _ = describe_weights(cat, rankings[0].label, preset)
    return build_report(
        cat,
        rankings,
        title=title or f"policybench: {name}",
        weights_given=choice.weights,
        preset=preset,
        sections=sections,
        charts=charts,
        selection=selection,
        top=top,
    )


def _bands_and_map(
    cat: Catalog,
    ranking: Ranking,
    choice: WeightChoice,
    selection: Selection,
    *,
    bands: bool,
    seed: int,
    map_: bool,
) -> list[Section]:
    """With --bands, the likely ranks of the first method's ranking (its weights, method,
    parameters, options and what-if scores; 10,000 draws with --seed); in the HTML report,
    the map of impact against achievability (or the catalog's first two clusters)."""
    from policybench.analysis.bands import bands_catalog
    from policybench.analysis.frontier import frontier_catalog
    from policybench.export.bands import bands_section
    from policybench.export.map import default_axes, map_section

    out: list[Section] = []
    if bands:
        drawn = bands_catalog(
            cat,
            choice.weights,
            method=ranking.method,
            normalization=ranking.normalization,
            options=ranking.option_ids,
            criteria=ranking.criterion_ids,
            overrides=choice.overrides,
            seed=seed,
            **dict(ranking.params),
        )
        out.append(bands_section(drawn, cat))
    axes = default_axes(cat)
    if map_ and axes is not None:
        placed = frontier_catalog(
            cat,
            choice.weights,
            x=axes[0],
            y=axes[1],
            options=ranking.option_ids,
            overrides=choice.overrides,
            label=choice.label,
        )
        out.append(map_section(placed, cat, screen=selection.expressions))
    return out


def _smaa_section(
    cat: Catalog, ranking: Ranking, samples: int, seed: int, *, charts: bool
) -> Section:
    """SMAA of the options and criteria ``ranking`` ranked, with its method, normalisation and
    parameters, sampling the whole weight space."""
    from policybench.analysis.rank import smaa_catalog
    from policybench.export.report import smaa_section

    result = smaa_catalog(
        cat,
        ranking.weight_map,
        method=ranking.method,
        normalization=ranking.normalization,
        samples=samples,
        seed=seed,
        options=ranking.option_ids,
        criteria=ranking.criterion_ids,
        **dict(ranking.params),
    )
    return smaa_section(
        result,
        result.option_ids,
        result.criterion_ids,
        cat,
        method=ranking.method,
        normalization=ranking.normalization,
        samples=samples,
        seed=seed,
        charts=charts,
    )


def _save(fmt: str, out: str, report: Report) -> str:
    """Write the report to ``out`` (``-``: standard output; a folder: a file named after the
    stamp), a CSV's stamp beside it; where it went, for the message."""
    from policybench.export import file_name, render, write, write_stamp

    if out == "-":
        typer.echo(render(fmt, report), nl=False)
        return "standard output"
    target = Path(out) / file_name(report, fmt) if Path(out).is_dir() else Path(out)
    try:
        where = str(write(fmt, target, report))
        if fmt == "csv":
            where += f" and its stamp {write_stamp(target, report)}"
        return where
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
