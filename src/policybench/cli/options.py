"""The options several ``policybench`` commands share, declared once (typer ``Annotated``
types), the reading of ``--param`` values, and the settings every typer app of the command
line is made with (:func:`typer_app`).

Method and normalisation names are checked by the library (exit 1 with the list to choose
from); the help lists the engine's registries (:data:`policybench.mcda.METHODS`,
:data:`policybench.mcda.NORMALIZATIONS`) as written here, which a test holds equal, because
this module may not import the engine (:mod:`policybench.cli`: no numpy on import).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from policybench.errors import InputError

METHOD_NAMES = ("wsm", "wpm", "topsis", "vikor", "promethee2")
NORMALIZATION_NAMES = ("scale", "minmax", "linear", "sum", "vector", "none")
_METHODS = ", ".join(METHOD_NAMES)
_NORMALIZATIONS = ", ".join(NORMALIZATION_NAMES)

OptionsDir = Annotated[
    Path | None,
    typer.Option(
        "--options",
        help="Catalog directory [default: $POLICYBENCH_OPTIONS, else ./options]",
        show_default=False,
    ),
]
Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The store: a database URL (sqlite:///PATH, postgresql+psycopg://...) or a SQLite "
        "file [default: $POLICYBENCH_DATABASE_URL, else ~/.local/share/policybench/policybench.db]",
        show_default=False,
    ),
]
Profile = Annotated[
    str | None, typer.Option("--profile", help="A saved profile's name, or a profile JSON file")
]
Preset = Annotated[str | None, typer.Option("--preset", help="A catalog preset id, e.g. tokyo")]
Weights = Annotated[
    str | None, typer.Option("--weights", help="Every criterion's weight, e.g. c1=3,c2=7")
]
Method = Annotated[
    str | None,
    typer.Option(
        "--method",
        help=f"One of {_METHODS} [default: the profile's, else wsm]",
        show_default=False,
    ),
]
Methods = Annotated[
    list[str] | None,
    typer.Option(
        "--method",
        help=f"One of {_METHODS}; repeat to compare several [default: the profile's, else wsm]",
        show_default=False,
    ),
]
Normalization = Annotated[
    str | None,
    typer.Option(
        "--normalization",
        help=f"One of {_NORMALIZATIONS} [default: scale for wsm and wpm, else the method's own]",
        show_default=False,
    ),
]
Params = Annotated[
    list[str] | None,
    typer.Option("--param", help="A method parameter, e.g. preference=vshape or p=2 (repeatable)"),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text")]
Everything = Annotated[
    bool,
    typer.Option(
        "--all",
        help="Rank every option: also the components of packages and the options their source "
        "only describes [default: packages and stand-alone recommendations]",
    ),
]
Require = Annotated[
    list[str] | None,
    typer.Option(
        "--require",
        help="Set aside options that fail CRITERION>=VALUE or CRITERION<=VALUE, on the catalog's "
        "0-10 scale (repeatable)",
        show_default=False,
    ),
]
NoDefaultScreen = Annotated[
    bool,
    typer.Option(
        "--no-default-screen",
        help="Do not apply the catalog's default screen (e.g. achievability>=1)",
    ),
]


def parse_params(items: Sequence[str] | None) -> dict[str, Any]:
    """``["p=2", "preference=vshape"]`` → ``{"p": 2.0, "preference": "vshape"}``: a value
    that reads as a number is one."""
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


def typer_app(name: str, help: str) -> typer.Typer:
    """A typer app (the command line, or a group of its commands) with the settings they all
    share: ``-h`` as well as ``--help``, the help when run without a command, no shell
    completion to install, and no rich tracebacks (errors become exit codes in
    :mod:`policybench.cli.errors`)."""
    return typer.Typer(
        name=name,
        help=help,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
