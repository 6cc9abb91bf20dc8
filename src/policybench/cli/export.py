"""``policybench export``: write the comparison, its evidence and its stamp to a file.

::

    policybench export --format csv|xlsx|markdown|json|html|png|svg --out FILE|DIR|-
                       [--profile NAME|FILE | --preset ID | --weights c1=3,c2=7]
                       [--method M ...repeatable] [--normalization N] [--param k=v ...]
                       [--all] [--require C>=V ...] [--no-default-screen] [--top N]
                       [--workshop CODE [--names] [--combine mean|geometric|median]
                        [--group-ranking borda|copeland]]
                       [--smaa-samples N] [--bands] [--seed S] [--title TEXT]
                       [--options DIR] [--db URL]

``--out -`` writes to standard output; ``--out DIR`` (an existing folder) writes a file named
after the export's stamp (``policybench-tokyo-wsm-default-set-<catalog>-<time>.csv``). A CSV, which
holds the table alone, gets its stamp in a text file beside it (``x.csv`` → ``x.stamp.txt``).
The options in play are those ``rank`` ranks (the default set, screened; ``--all``,
``--require``, ``--no-default-screen`` as for ``rank``), and the stamp says which and what the
screen set aside. ``--workshop CODE`` exports a workshop's group result: the facilitator's
passphrase is read from ``$POLICYBENCH_WORKSHOP_PASSPHRASE``, else asked for (hidden);
participants appear as "participant 1", "participant 2", … unless ``--names``.

This module parses and wires: the rankings come from :mod:`policybench.analysis`, the report
and the files from :mod:`policybench.export`, a workshop's submissions from the store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

import policybench.cli.options as opt
from policybench import __version__
from policybench.cli.errors import exits_on_error
from policybench.errors import InputError

if TYPE_CHECKING:
    from policybench.analysis.rank import Ranking
    from policybench.analysis.screen import Selection
    from policybench.catalog import Catalog
    from policybench.cli.weights import WeightChoice
    from policybench.export.report import Report, Section

#: The formats this command writes (the exporters' own list; a test holds the two equal).
Format = Literal["csv", "xlsx", "markdown", "json", "html", "png", "svg"]
PASSPHRASE_ENV = "POLICYBENCH_WORKSHOP_PASSPHRASE"
#: Formats that carry no chart, so the report skips building them.
_CHARTLESS = frozenset({"csv", "json"})


@exits_on_error
def export(
    fmt: Annotated[Format, typer.Option("--format", help="The file's format", show_default=False)],
    out: Annotated[
        str,
        typer.Option("--out", help="The file to write; - for standard output", show_default=False),
    ],
    profile: opt.Profile = None,
    preset: opt.Preset = None,
    weights: opt.Weights = None,
    method: opt.Methods = None,
    normalization: opt.Normalization = None,
    param: opt.Params = None,
    workshop: Annotated[
        str | None,
        typer.Option(
            "--workshop",
            help="Export this workshop's group result (its join code); the passphrase comes "
            "from $POLICYBENCH_WORKSHOP_PASSPHRASE or a prompt",
        ),
    ] = None,
    names: Annotated[
        bool,
        typer.Option(
            "--names",
            help="With --workshop: show participants' display names "
            "(default: participant 1, 2, ...)",
        ),
    ] = False,
    combine: Annotated[
        Literal["mean", "geometric", "median"],
        typer.Option("--combine", help="With --workshop: how to combine the weights"),
    ] = "mean",
    group_ranking: Annotated[
        Literal["borda", "copeland"],
        typer.Option("--group-ranking", help="With --workshop: how to combine the rankings"),
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
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed for --smaa-samples and --bands")
    ] = 0,
    bands: Annotated[
        bool,
        typer.Option(
            "--bands",
            help="Add each option's likely ranks (5th to 95th percentile rank over 10,000 draws "
            "of the scores within their ranges, the weights fixed; first method)",
        ),
    ] = False,
    title: Annotated[
        str | None, typer.Option("--title", help="The report's title", show_default=False)
    ] = None,
    everything: opt.Everything = False,
    require: opt.Require = None,
    no_default_screen: opt.NoDefaultScreen = False,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            min=0,
            help="How many options the ranking chart shows (PNG, SVG, HTML); 0 for all",
        ),
    ] = 10,
    options: opt.OptionsDir = None,
    db: opt.Db = None,
) -> None:
    """Export the comparison table, quotes with citations and the metadata stamp.

    CSV holds the comparison table alone (its stamp goes into FILE.stamp.txt beside it); PNG
    and SVG the ranking chart; HTML a brief (the verdict, the chart, the caveats, the
    evidence). --out DIR names the file after its stamp.
    """
    from policybench.analysis.rank import DEFAULT_METHOD
    from policybench.catalog import load
    from policybench.cli.weights import choose_weights

    if workshop is not None and any(x is not None for x in (profile, preset, weights)):
        raise typer.BadParameter(
            "a workshop's weights are its participants': leave out --profile, --preset and "
            "--weights",
            param_hint="--workshop",
        )
    if workshop is not None and (everything or require or no_default_screen):
        raise typer.BadParameter(
            "a workshop ranks the options it was run on: leave out --all, --require and "
            "--no-default-screen",
            param_hint="--workshop",
        )
    if workshop is not None and bands:
        raise typer.BadParameter(
            "the likely ranks are drawn for a profile's ranking: leave out --bands",
            param_hint="--workshop",
        )
    cat = load(options)
    params = opt.parse_params(param)
    charts = fmt not in _CHARTLESS
    shown = top or None
    if workshop is not None:
        report = _workshop_report(
            cat,
            workshop,
            _passphrase,
            db=db,
            methods=method or [DEFAULT_METHOD],
            normalization=normalization,
            params=params,
            names=names,
            combine=combine,
            ranking_rule=group_ranking,
            title=title,
            charts=charts,
        )
    else:
        choice = choose_weights(cat, profile=profile, preset=preset, weights=weights, db=db)
        # a profile's own thresholds first, then --require (each once), as rank applies them
        asked = list(dict.fromkeys([*choice.require, *(require or [])]))
        selection = _selection(cat, asked, everything, no_default_screen)
        rankings = _rankings(cat, choice, method, normalization, params, selection.options)
        extra = _bands_and_map(
            cat, rankings[0], choice, selection, bands=bands, seed=seed, map_=fmt == "html"
        )
        report = _profile_report(
            cat,
            rankings,
            choice.weights,
            preset,
            smaa_samples,
            seed,
            title=title,
            charts=charts,
            selection=selection,
            top=shown,
            extra=extra,
        )
    where = _save(fmt, out, report)
    m = report.metadata
    scope = ""
    if "all" in m:
        scope = f"; {'every option' if m['all'] else 'default set'}"
        scope += f", screen {', '.join(m['screen'])}" if m["screen"] else ", no screen"
        scope += f" ({len(m['screened_out'])} set aside)" if m.get("screened_out") else ""
    typer.echo(
        f"wrote {where} ({fmt}: {len(m['options'])} options, "
        f"{', '.join(x['title'] for x in m['methods'])}; {m['profile']}{scope}; "
        f"catalog {m['catalog_fingerprint']}; policybench {__version__})",
        err=True,
    )


def _passphrase() -> str:
    """The facilitator's passphrase: ``$POLICYBENCH_WORKSHOP_PASSPHRASE``, else a hidden prompt
    (never a command-line option, which other users of the machine could read)."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    return str(typer.prompt("Facilitator passphrase", hide_input=True))


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


def _selection(
    cat: Catalog, require: list[str] | None, everything: bool, no_default_screen: bool
) -> Selection:
    """The options in play, as ``rank`` chooses them (policybench.analysis.screen)."""
    from policybench.analysis.screen import select
    from policybench.catalog import parse_requirement

    requirements = [parse_requirement(text, cat) for text in require or []]
    return select(cat, requirements, everything=everything, default_screen=not no_default_screen)


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
    cat: Catalog,
    rankings: list[Ranking],
    weights_given: dict[str, float],
    preset: str | None,
    smaa_samples: int | None,
    seed: int,
    *,
    title: str | None,
    charts: bool,
    selection: Selection | None = None,
    top: int | None = None,
    extra: Sequence[Section] = (),
) -> Report:
    """The report of one weight choice: its rankings, and a SMAA section of the first method
    when ``--smaa-samples`` asks for one; ``extra`` sections after it (the likely ranks, the
    map: :func:`_bands_and_map`)."""
    from policybench.export.report import build_report, describe_weights

    sections: list[Section] = []
    if smaa_samples is not None:
        sections.append(_smaa_section(cat, rankings[0], smaa_samples, seed, charts=charts))
    sections.extend(extra)
    name, _ = describe_weights(cat, rankings[0].label, preset)
    return build_report(
        cat,
        rankings,
        title=title or f"policybench: {name}",
        weights_given=weights_given,
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


def _workshop_report(
    cat: Catalog,
    code: str,
    passphrase: Callable[[], str],
    *,
    db: str | None,
    methods: list[str],
    normalization: str | None,
    params: dict[str, Any],
    names: bool,
    combine: str,
    ranking_rule: str,
    title: str | None,
    charts: bool,
) -> Report:
    """Read a workshop's submissions (with the facilitator's passphrase, asked for only once
    the code is known) and build its report, as the app's facilitator page does."""
    from policybench.export.report import catalog_note, workshop_report
    from policybench.store import open_store

    with open_store(db) as store:
        shop = store.workshops.get(code)
        facilitator = store.workshops.verify_facilitator(code, passphrase())
        submissions = store.workshops.submissions(facilitator)
    report = workshop_report(
        cat,
        shop,
        submissions,
        methods=methods,
        normalization=normalization,
        params=split_params(methods, params),
        names=names,
        combine=combine,
        ranking_rule=ranking_rule,
        title=title,
        charts=charts,
    )
    note = catalog_note(cat, shop)
    if note:
        typer.echo(f"note: {note}", err=True)
    return report


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
