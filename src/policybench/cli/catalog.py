"""``policybench validate`` and ``policybench catalog``: the catalog checked, and shown.

An invalid catalog prints nothing on stdout and its problems on stderr, one
``path:line: message`` each, with exit 1 (:class:`~policybench.errors.CatalogError`, turned
into the exit code by :func:`~policybench.cli.errors.exits_on_error`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

import policybench.cli.options as opt
from policybench.cli.errors import exits_on_error


@exits_on_error
def validate(
    options: opt.OptionsDir = None,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="Folder of source texts; checks every quote is verbatim (whitespace folded)",
        ),
    ] = None,
) -> None:
    """Check the catalog: exit 0 if valid, else 1 with one 'path:line: message' per problem."""
    from policybench.catalog import load

    cat = load(options, sources)
    checked = " and every quote against its source" if sources else ""
    typer.echo(
        f"ok: {len(cat.options)} options, {len(cat.criteria)} criteria, {len(cat.sources)} "
        f"sources, {len(cat.presets)} presets{checked}; fingerprint {cat.short_fingerprint}"
    )


@exits_on_error
def catalog(
    options: opt.OptionsDir = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole catalog as JSON")
    ] = False,
) -> None:
    """Print the catalog (as JSON with --json; otherwise a short listing by group)."""
    from policybench.catalog import catalog_dict, load

    cat = load(options)
    if as_json:
        typer.echo(json.dumps(catalog_dict(cat), ensure_ascii=False, indent=2))
        return
    for group in cat.groups:
        members = [o for o in cat.options if o.group == group.id]
        if members:
            typer.echo(group.name)
            for o in members:
                typer.echo(f"  {o.id:<42} {o.title}")
