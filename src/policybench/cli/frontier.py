"""``policybench frontier``: every option on two axes (criterion clusters or single criteria),
and which options are efficient (no other is at least as good on both and better on one).

The positions come from :func:`policybench.analysis.frontier.frontier_catalog`, the table and
the JSON rows from :mod:`policybench.present.frontier`; the catalog, the weights and the
options in play are chosen as ``rank`` chooses them (:func:`policybench.cli.weights.prepare`:
the default set or --all, the catalog's screen, a profile's thresholds and --require).
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

import typer

import policybench.cli.options as opt
from policybench import __version__
from policybench.cli import output
from policybench.cli.errors import exits_on_error

AXIS_HELP = (
    "A criterion cluster (impact, achievability) or a single criterion's id; "
    "criterion:ID when a cluster has the same name"
)


@exits_on_error
def frontier(
    x: Annotated[str, typer.Option("--x", help=AXIS_HELP, show_default=False)],
    y: Annotated[str, typer.Option("--y", help=AXIS_HELP, show_default=False)],
    profile: opt.Profile = None,
    preset: opt.Preset = None,
    weights: opt.Weights = None,
    fmt: Annotated[
        Literal["table", "json", "csv"],
        typer.Option("--format", help="How to print the map"),
    ] = "table",
    everything: opt.Everything = False,
    require: opt.Require = None,
    no_default_screen: opt.NoDefaultScreen = False,
    options: opt.OptionsDir = None,
    db: opt.Db = None,
) -> None:
    """Place every option on two axes and mark the efficient frontier.

    On a cluster an option's value is the weighted mean of its 0-1 values on the cluster's
    criteria (a cost criterion turned round, so higher is better), with the weights
    restricted to the cluster; on a single criterion, that criterion's value. An option is
    efficient when no other is at least as good on both axes and better on one.
    """
    from policybench.analysis.frontier import frontier_catalog
    from policybench.cli.weights import prepare
    from policybench.present.frontier import (
        axis_label,
        axis_record,
        frontier_records,
        frontier_sentence,
        frontier_table,
    )
    from policybench.present.tables import screened_lines, screened_records

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
    cat, choice, selection = setup.catalog, setup.choice, setup.selection
    result = frontier_catalog(
        cat,
        choice.weights,
        x=x,
        y=y,
        options=selection.options,
        overrides=choice.overrides,
        label=choice.label,
    )
    if fmt == "json":
        payload = {
            "x": result.x_axis.id,
            "y": result.y_axis.id,
            "weights": result.weight_map,
            "options": frontier_records(result, cat),
            "axes": {
                "x": axis_record(result.x_axis, result.x_weights, cat),
                "y": axis_record(result.y_axis, result.y_weights, cat),
            },
            "profile": result.label,
            "all": selection.everything,
            "screen": list(selection.expressions),
            "screened_out": screened_records(selection, cat),
            "catalog_fingerprint": cat.short_fingerprint,
            "policybench_version": __version__,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    table = frontier_table(result, cat)[["option", "title", "x", "y", "efficient"]]
    screened = screened_lines(selection, cat)
    if fmt == "csv":
        typer.echo(table.to_csv(index=False), nl=False)
        output.notes([line.strip() for line in screened])
        return
    typer.echo(
        f"{result.label} · x: {axis_label(result.x_axis, cat)} · "
        f"y: {axis_label(result.y_axis, cat)} · catalog {cat.short_fingerprint}"
    )
    shown = table.assign(efficient=["yes" if e else "" for e in table["efficient"]])
    typer.echo(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    typer.echo("\n" + frontier_sentence(result, cat))
    output.screened(screened)
