"""``policybench rank`` and ``policybench smaa``: a ranking, and how often each option takes
each rank when the weights (and, if asked, the scores) are sampled.

Both start from the same prologue (:func:`policybench.cli.weights.prepare`: the catalog, the
weights, the options in play), compute through :mod:`policybench.analysis` and print the
tables of :mod:`policybench.present.tables` as a text table, CSV, JSON or Markdown, with the
engine's notes and what the screen set aside (:mod:`policybench.cli.output`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

import policybench.cli.options as opt
from policybench import __version__
from policybench.cli import output
from policybench.cli.errors import exits_on_error
from policybench.errors import InputError

if TYPE_CHECKING:
    from policybench.cli.weights import Setup

#: How many columns of the SMAA table the text format shows (option, first, the first ranks,
#: confidence): enough to read on a terminal; CSV and JSON carry every rank.
SMAA_TEXT_COLUMNS = 8


#: SMAA given a weight option samples within ±this of it unless told --delta or
#: --whole-simplex: a perspective's robustness, not every possible weighting's.
DEFAULT_DELTA = 0.1


@exits_on_error
def rank(
    profile: opt.Profile = None,
    preset: opt.Preset = None,
    weights: opt.Weights = None,
    method: opt.Method = None,
    normalization: opt.Normalization = None,
    param: opt.Params = None,
    fmt: Annotated[
        Literal["table", "csv", "json", "markdown"],
        typer.Option("--format", help="How to print the ranking"),
    ] = "table",
    everything: opt.Everything = False,
    require: opt.Require = None,
    no_default_screen: opt.NoDefaultScreen = False,
    bands: Annotated[
        bool,
        typer.Option(
            "--bands",
            help="Add each option's likely ranks: its 5th to 95th percentile rank when every "
            "score is drawn within its range, the weights fixed (JSON: rank_low, rank_high)",
        ),
    ] = False,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            min=100,
            max=10_000_000,
            help="With --bands: how many draws of the scores [default: 10000]",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            min=0,
            help="With --bands: the random seed (same seed, same bands) [default: 0]",
            show_default=False,
        ),
    ] = None,
    options: opt.OptionsDir = None,
    db: opt.Db = None,
) -> None:
    """Rank the catalog's options under a weight profile, preset or explicit weights.

    By default the packages and stand-alone recommendations, with the catalog's default
    screen applied; what the screen sets aside is listed after the ranking (in JSON as
    ``screened_out``; with --format csv on stderr, so the table stays a table). --bands adds
    how far each rank can move within the scores' uncertainty ranges.
    """
    from policybench.analysis.rank import rank_catalog
    from policybench.cli.weights import prepare
    from policybench.present.tables import ranking_metadata, ranking_table

    if not bands and (samples is not None or seed is not None):
        raise InputError("--samples and --seed set how the bands are drawn: add --bands")
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
    cat, choice = setup.catalog, setup.choice
    chosen, params = setup.method_and_params(method, param)
    # the ranking and its bands rank the same options, with the same weights and scores
    same = {
        "method": chosen,
        "normalization": normalization,
        "options": setup.selection.options,
        "overrides": choice.overrides,
        **params,
    }
    ranking = rank_catalog(cat, choice.weights, label=choice.label, **same)
    output.notes(ranking.notes)
    table = ranking_table(ranking, cat)
    meta = ranking_metadata(ranking, __version__)
    sentence = ""
    if bands:
        from policybench.analysis.bands import BANDS_SAMPLES, BANDS_SEED, bands_catalog
        from policybench.present.bands import bands_metadata, bands_sentence, with_bands

        drawn = bands_catalog(
            cat,
            choice.weights,
            samples=BANDS_SAMPLES if samples is None else samples,
            seed=BANDS_SEED if seed is None else seed,
            **same,
        )
        table = with_bands(table, drawn)
        meta = {**meta, **bands_metadata(drawn)}
        sentence = bands_sentence(drawn)
    _print_ranking(fmt, table, meta, setup.selection, cat, sentence, bands)


def _print_ranking(
    fmt: str, table: Any, meta: dict[str, Any], selection: Any, cat: Any, sentence: str, bands: bool
) -> None:
    """Print a ranking in ``fmt``, with the bands' sentence and what the screen set aside."""
    from policybench.present.bands import LIKELY
    from policybench.present.tables import screened_lines, screened_records

    screened = screened_lines(selection, cat)
    if fmt == "json":
        payload = {
            **meta,
            "all": selection.everything,
            "screen": list(selection.expressions),
            "ranking": table.drop(columns=[LIKELY], errors="ignore").to_dict(orient="records")
            if bands
            else table.to_dict(orient="records"),
            "screened_out": screened_records(selection, cat),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        typer.echo(table.to_csv(index=False), nl=False)
        output.notes([line.strip() for line in ([sentence] if sentence else []) + screened])
    elif fmt == "markdown":
        shown = table.drop(columns=["rank_low", "rank_high"], errors="ignore")
        typer.echo(shown.to_markdown(index=False, floatfmt=".4f"))
        if sentence:
            typer.echo(f"\n{sentence}")
        output.screened([line.strip() for line in screened], bullet="- ")
    else:
        typer.echo(
            f"{meta['profile']} · {meta['method']} ({meta['normalization']}) · "
            f"catalog {meta['catalog_fingerprint']}"
        )
        shown = table.drop(columns=["baseline", "rank_low", "rank_high"], errors="ignore")
        typer.echo(shown.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
        if sentence:
            typer.echo(f"\n{sentence}")
        output.screened(screened)


@exits_on_error
def smaa(
    profile: opt.Profile = None,
    preset: opt.Preset = None,
    weights: opt.Weights = None,
    samples: Annotated[
        int, typer.Option("--samples", min=1, max=50_000_000, help="Monte-Carlo samples")
    ] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result)")] = 0,
    delta: Annotated[
        float | None,
        typer.Option(
            "--delta",
            min=0.0,
            max=1.0,
            help="Sample weights within ±delta of the chosen profile, preset or weights "
            f"[default: {DEFAULT_DELTA} when one is given, else the whole simplex]",
            show_default=False,
        ),
    ] = None,
    whole_simplex: Annotated[
        bool,
        typer.Option(
            "--whole-simplex", help="Sample every possible weighting, even when weights are given"
        ),
    ] = False,
    method: opt.Method = None,
    normalization: opt.Normalization = None,
    param: opt.Params = None,
    uncertain_scores: Annotated[
        bool,
        typer.Option(
            "--uncertain-scores", help="Also sample every score within its low–high range"
        ),
    ] = False,
    fmt: Annotated[
        Literal["table", "csv", "json"], typer.Option("--format", help="How to print the result")
    ] = "table",
    everything: opt.Everything = False,
    require: opt.Require = None,
    no_default_screen: opt.NoDefaultScreen = False,
    options: opt.OptionsDir = None,
    db: opt.Db = None,
) -> None:
    """Stochastic multicriteria acceptability analysis: how often each option takes each rank.

    Given a profile, preset or weights, it samples around them (±--delta, 0.1 by default), so
    that Tokyo's and Seoul's robustness differ; with none, or with --whole-simplex, it
    samples every possible weighting. The output says which.
    """
    from policybench.analysis.rank import smaa_catalog
    from policybench.cli.weights import prepare
    from policybench.present.tables import smaa_table

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
    delta = _delta(setup.named, delta, whole_simplex)
    chosen, params = setup.method_and_params(method, param)
    result = smaa_catalog(
        setup.catalog,
        setup.choice.weights,
        method=chosen,
        normalization=normalization,
        options=setup.selection.options,
        samples=samples,
        seed=seed,
        delta=delta,
        uncertain_scores=uncertain_scores,
        overrides=setup.choice.overrides,
        **params,
    )
    output.notes(result.notes)
    table = smaa_table(result, result.option_ids, setup.catalog)
    about = {
        "method": chosen,
        "samples": samples,
        "seed": seed,
        "uncertain_scores": uncertain_scores,
        "weights": "simplex" if delta is None else {"around": setup.choice.label, "delta": delta},
        "sampled": _sampled(setup.choice.label, delta),
    }
    _print_smaa(fmt, table, about, setup)


def _delta(named: bool, delta: float | None, whole_simplex: bool) -> float | None:
    """How far from the given weights SMAA samples: ``--delta``, else :data:`DEFAULT_DELTA`
    around named weights; None for the whole weight space (no weights named, or
    ``--whole-simplex``)."""
    if delta is not None and not named:
        raise InputError("--delta needs a profile, preset or weights to sample around")
    if delta is not None and whole_simplex:
        raise InputError("--delta and --whole-simplex contradict each other: choose one")
    if whole_simplex or not named:
        return None
    return DEFAULT_DELTA if delta is None else delta


def _print_smaa(fmt: str, table: Any, about: dict[str, Any], setup: Setup) -> None:
    """Print SMAA's table in ``fmt``, with what was sampled and what the screen set aside."""
    from policybench.present.tables import screened_lines, screened_records

    cat, selection = setup.catalog, setup.selection
    if fmt == "json":
        payload = {
            **about,
            "all": selection.everything,
            "screen": list(selection.expressions),
            "catalog_fingerprint": cat.short_fingerprint,
            "policybench_version": __version__,
            "options": table.to_dict(orient="records"),
            "screened_out": screened_records(selection, cat),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=float))
    elif fmt == "csv":
        typer.echo(table.to_csv(index=False), nl=False)
    else:
        columns = [
            c
            for c in table.columns
            if c in {"option", "first", "confidence"} or c.startswith("rank ")
        ]
        typer.echo(
            f"SMAA · {about['method']} · {about['samples']:,} samples · seed {about['seed']} · "
            f"catalog {cat.short_fingerprint}"
        )
        typer.echo(about["sampled"])
        shown = table[columns[:SMAA_TEXT_COLUMNS]]
        typer.echo(shown.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        output.screened(screened_lines(selection, cat))


def _sampled(label: str, delta: float | None) -> str:
    """What was sampled, in a sentence for people."""
    if delta is None:
        return "Weights sampled from the whole weight space (every possible weighting)."
    return f"Weights sampled within ±{delta:g} of {label}."
