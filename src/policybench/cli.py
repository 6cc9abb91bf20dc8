"""The ``policybench`` command: argument parsing, output formats and exit codes.

Exit codes (a contract, see DESIGN.md): 0 done; 1 bad input data (a broken catalog, an
unknown criterion, bad weights) with the message on stderr; 2 usage errors (click's own);
3 a save refused because ``--expect-version`` is no longer the latest.
No arithmetic and no SQL here: every command calls into the library.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from policybench import __version__
from policybench.cli_export import export as export_cmd
from policybench.cli_options import (
    DbOpt,
    MethodOpt,
    NormOpt,
    OptionsDir,
    ParamOpt,
    PresetOpt,
    ProfileOpt,
    WeightsOpt,
    fail,
    load_catalog,
    parse_params,
    run_or_exit,
)
from policybench.cli_profiles import profiles_app

app = typer.Typer(
    name="policybench",
    help="Score policy options against several criteria, and see the evidence behind every score.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)



@app.command()
def validate(
    options: OptionsDir = None,
    sources: Annotated[
        Path | None,
        typer.Option("--sources", help="Folder of source texts; checks every quote is verbatim (whitespace folded)"),
    ] = None,
) -> None:
    """Check the catalog: exit 0 if valid, else 1 with one 'path:line: message' per problem."""
    cat = load_catalog(options, sources)
    checked = " and every quote against its source" if sources else ""
    typer.echo(
        f"ok: {len(cat.options)} options, {len(cat.criteria)} criteria, {len(cat.sources)} sources, "
        f"{len(cat.presets)} presets{checked}; fingerprint {cat.short_fingerprint}"
    )


@app.command("catalog")
def catalog_cmd(
    options: OptionsDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole catalog as JSON")] = False,
) -> None:
    """Print the catalog (as JSON with --json; otherwise a short listing)."""
    from policybench.catalog import catalog_dict

    cat = load_catalog(options)
    if as_json:
        typer.echo(json.dumps(catalog_dict(cat), ensure_ascii=False, indent=2))
        return
    for group in cat.groups:
        members = [o for o in cat.options if o.group == group.id]
        if members:
            typer.echo(f"{group.name}")
            for o in members:
                typer.echo(f"  {o.id:<42} {o.title}")


def _choice(cat: Any, profile: str | None, preset: str | None, weights: str | None, db: str | None) -> Any:
    from policybench.weighting import choose_weights

    return run_or_exit(lambda: choose_weights(cat, profile=profile, preset=preset, weights=weights, db=db))


@app.command()
def rank(
    profile: ProfileOpt = None,
    preset: PresetOpt = None,
    weights: WeightsOpt = None,
    method: MethodOpt = None,
    normalization: NormOpt = None,
    param: ParamOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or markdown")] = "table",
    options: OptionsDir = None,
    db: DbOpt = None,
) -> None:
    """Rank the catalog's options under a weight profile, preset or explicit weights."""
    from policybench.analysis import rank_catalog
    from policybench.export.tables import ranking_metadata, ranking_table

    if fmt not in {"table", "csv", "json", "markdown"}:
        raise typer.BadParameter("choose one of: table, csv, json, markdown", param_hint="--format")
    cat = load_catalog(options)
    choice = _choice(cat, profile, preset, weights, db)
    chosen = method or choice.method or "wsm"
    ranking = run_or_exit(lambda: rank_catalog(cat, choice.weights, method=chosen, normalization=normalization, label=choice.label, overrides=choice.overrides, **{**choice.params, **parse_params(param)}))
    table = ranking_table(ranking, cat)
    meta = ranking_metadata(ranking, __version__)
    if fmt == "json":
        typer.echo(json.dumps({**meta, "ranking": table.to_dict(orient="records")}, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        typer.echo(table.to_csv(index=False), nl=False)
    elif fmt == "markdown":
        typer.echo(table.to_markdown(index=False, floatfmt=".4f"))
    else:
        typer.echo(f"{meta['profile']} · {meta['method']} ({meta['normalization']}) · catalog {meta['catalog_fingerprint']}")
        typer.echo(table.drop(columns=["baseline"]).to_string(index=False, float_format=lambda x: f"{x:.4f}"))


@app.command()
def smaa(
    profile: ProfileOpt = None,
    preset: PresetOpt = None,
    weights: WeightsOpt = None,
    samples: Annotated[int, typer.Option("--samples", min=1, max=50_000_000, help="Monte-Carlo samples")] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result)")] = 0,
    delta: Annotated[float | None, typer.Option("--delta", min=0.0, max=1.0, help="Sample weights within ±delta of the chosen profile (default: anywhere on the simplex)")] = None,
    method: MethodOpt = None,
    normalization: NormOpt = None,
    param: ParamOpt = None,
    uncertain_scores: Annotated[bool, typer.Option("--uncertain-scores", help="Also sample every score within its low–high range")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    options: OptionsDir = None,
    db: DbOpt = None,
) -> None:
    """Stochastic multicriteria acceptability analysis: how often each option takes each rank."""
    from policybench.analysis import resolve_normalization
    from policybench.catalog import to_problem
    from policybench.export.tables import smaa_table

    if fmt not in {"table", "csv", "json"}:
        raise typer.BadParameter("choose one of: table, csv, json", param_hint="--format")
    cat = load_catalog(options)
    named = any(x is not None for x in (profile, preset, weights))
    choice = _choice(cat, profile, preset, weights, db)
    chosen = method or choice.method or "wsm"

    def run() -> Any:
        from policybench import robustness

        problem = to_problem(cat, choice.weights, overrides=choice.overrides)
        norm = resolve_normalization(chosen, normalization)
        extra = {**choice.params, **parse_params(param)}
        if norm == "scale":
            extra.setdefault("bounds", problem.bounds)
        return problem, robustness.smaa(
            problem.matrix, problem.types, method=chosen, normalization=norm, samples=samples, seed=seed,
            weights=problem.weights if (named and delta is not None) else None, delta=delta if named else None,
            low=problem.low if uncertain_scores else None, high=problem.high if uncertain_scores else None,
            **extra,
        )

    if delta is not None and not named:
        fail("--delta needs a profile, preset or weights to sample around")
    problem, result = run_or_exit(run)
    table = smaa_table(result, problem.option_ids, cat)
    if fmt == "json":
        payload = {
            "method": chosen, "samples": samples, "seed": seed, "uncertain_scores": uncertain_scores,
            "weights": "simplex" if delta is None else {"around": choice.label, "delta": delta},
            "catalog_fingerprint": cat.short_fingerprint, "policybench_version": __version__,
            "options": table.to_dict(orient="records"),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=float))
    elif fmt == "csv":
        typer.echo(table.to_csv(index=False), nl=False)
    else:
        shown = table[[c for c in table.columns if c in {"option", "first", "confidence"} or c.startswith("rank ")][:8]]
        typer.echo(f"SMAA · {chosen} · {samples:,} samples · seed {seed} · catalog {cat.short_fingerprint}")
        typer.echo(shown.to_string(index=False, float_format=lambda x: f"{x:.3f}"))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 for a room")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8501,
    options: OptionsDir = None,
) -> None:
    """Run the app (Streamlit) on HOST:PORT; `make run` calls this."""
    from policybench.ui import launch

    launch.limit_blas_threads()  # before the catalog's check imports numpy
    if options is not None:
        load_catalog(options)  # refuse a broken catalog before starting a server for it
        os.environ["POLICYBENCH_OPTIONS"] = str(options.resolve())
    typer.echo(f"policybench {__version__}: serving on http://{host}:{port}", err=True)
    # `streamlit run ui/app.py` in this process, plus a thread that warms the first page
    launch.main([
        "--server.address", host, "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer",
        "--theme.base", "light",
        # Streamlit collects garbage after every script run by default: about 75% of a
        # rerun's CPU here, and the limit on how many workshop participants one server takes.
        "--runner.postScriptGC", "false",
        # the pages use no "magic" (bare expressions drawn): compiling them without its AST
        # rewrite saves about 0.2 s per page on a server's first visitor
        "--runner.magicEnabled", "false",
    ])  # fmt: skip


app.command("export")(export_cmd)
app.add_typer(profiles_app, name="profiles")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
