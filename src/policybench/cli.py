"""The ``policybench`` command: argument parsing, output formats and exit codes.

Exit codes (a contract, see DESIGN.md): 0 done; 1 bad input data (a broken catalog, an
unknown criterion, bad weights) with the message on stderr; 2 usage errors (click's own);
3 a save refused because ``--expect-version`` is no longer the latest.
No arithmetic and no SQL here: every command calls into the library.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from policybench import __version__
from policybench.errors import PolicybenchError

app = typer.Typer(
    name="policybench",
    help="Score policy options against several criteria, and see the evidence behind every score.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

OptionsDir = Annotated[
    Path | None,
    typer.Option("--options", help="Catalog directory [default: $POLICYBENCH_OPTIONS, else ./options]", show_default=False),
]

T = TypeVar("T")


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _run(fn: Callable[[], T]) -> T:
    """Call ``fn``; turn a :class:`PolicybenchError` into its message on stderr and exit 1."""
    try:
        return fn()
    except PolicybenchError as exc:
        _fail(str(exc), getattr(exc, "exit_code", 1))
        raise AssertionError("unreachable") from exc


def _load(options: Path | None, sources: Path | None = None) -> Any:
    from policybench import catalog

    return _run(lambda: catalog.load(options, sources))


@app.command()
def validate(
    options: OptionsDir = None,
    sources: Annotated[
        Path | None,
        typer.Option("--sources", help="Folder of source texts; checks every quote is verbatim (whitespace folded)"),
    ] = None,
) -> None:
    """Check the catalog: exit 0 if valid, else 1 with one 'path:line: message' per problem."""
    cat = _load(options, sources)
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

    cat = _load(options)
    if as_json:
        typer.echo(json.dumps(catalog_dict(cat), ensure_ascii=False, indent=2))
        return
    for group in cat.groups:
        members = [o for o in cat.options if o.group == group.id]
        if members:
            typer.echo(f"{group.name}")
            for o in members:
                typer.echo(f"  {o.id:<42} {o.title}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 for a room")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8501,
    options: OptionsDir = None,
) -> None:
    """Run the app (Streamlit) on HOST:PORT; `make run` calls this."""
    if options is not None:
        _load(options)  # refuse a broken catalog before starting a server for it
        os.environ["POLICYBENCH_OPTIONS"] = str(options.resolve())
    script = Path(__file__).parent / "ui" / "app.py"
    args = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.address", host, "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer",
        "--theme.base", "light",
    ]
    typer.echo(f"policybench {__version__}: serving on http://{host}:{port}", err=True)
    os.execv(sys.executable, args)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
