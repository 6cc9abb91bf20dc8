"""Option types and helpers shared by the ``policybench`` commands (typer ``Annotated`` style).

They live here rather than in :mod:`policybench.cli` so that command modules registered by
``cli.py`` (such as :mod:`policybench.cli_export`) can use them without importing ``cli``
back (an import cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from policybench.errors import InputError, PolicybenchError

T = TypeVar("T")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` on stderr and exit with ``code`` (1: bad input data)."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def run_or_exit(fn: Callable[[], T]) -> T:
    """Call ``fn``; a :class:`PolicybenchError` becomes its message on stderr and exit 1
    (or the error's own ``exit_code``, e.g. 3 for a save conflict)."""
    try:
        return fn()
    except PolicybenchError as exc:
        fail(str(exc), getattr(exc, "exit_code", 1))


def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``["p=2", "preference=vshape"]`` → ``{"p": 2.0, "preference": "vshape"}``."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"cannot read --param {item!r}: write name=value, e.g. p=2")
        try:
            out[key.strip()] = float(raw)
        except ValueError:
            out[key.strip()] = raw.strip()
    return out


def load_catalog(options: Path | None, sources: Path | None = None) -> Any:
    """Load the catalog or exit 1 with every ``path:line: message``."""
    from policybench import catalog

    return run_or_exit(lambda: catalog.load(options, sources))

OptionsDir = Annotated[
    Path | None,
    typer.Option(
        "--options",
        help="Catalog directory [default: $POLICYBENCH_OPTIONS, else ./options]",
        show_default=False,
    ),
]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="A saved profile's name, or a profile JSON file")
]
PresetOpt = Annotated[str | None, typer.Option("--preset", help="A catalog preset id, e.g. tokyo")]
WeightsOpt = Annotated[
    str | None, typer.Option("--weights", help="Every criterion's weight, e.g. c1=3,c2=7")
]
NormOpt = Annotated[
    str | None,
    typer.Option(
        "--normalization",
        help="scale, minmax, linear, sum, vector or none [default: scale for wsm/wpm, else the method's own]",
        show_default=False,
    ),
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", help="A method parameter, e.g. preference=vshape or p=2 (repeatable)"),
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store URL [default: $POLICYBENCH_DATABASE_URL, else the SQLite file]",
        show_default=False,
    ),
]
MethodsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--method",
        help="wsm, wpm, topsis, vikor or promethee2; repeat to compare several [default: the profile's, else wsm]",
        show_default=False,
    ),
]
MethodOpt = Annotated[
    str | None,
    typer.Option(
        "--method",
        help="wsm, wpm, topsis, vikor or promethee2 [default: the profile's, else wsm]",
        show_default=False,
    ),
]
