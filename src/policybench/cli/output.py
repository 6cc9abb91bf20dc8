"""What the ranking commands print beside their tables, written once: the engine's notes on a
result (on stderr, so that a table on stdout stays a table) and what the screen set aside.

Plain text in, text out: no numpy or pandas here, so that importing the command line stays
light (:mod:`policybench.cli`).
"""

from __future__ import annotations

from collections.abc import Sequence

import typer


def notes(lines: Sequence[str]) -> None:
    """The engine's caveats about a result (e.g. the weighted product's floor), on stderr,
    each as ``note: ...``."""
    for line in lines:
        typer.echo(f"note: {line}", err=True)


def screened(lines: Sequence[str], *, bullet: str = "  ") -> None:
    """What the screen set aside (:func:`policybench.present.tables.screened_lines`: a
    heading, then one line per option), after a blank line, each option's line after
    ``bullet``; nothing when the screen set nothing aside."""
    if lines:
        typer.echo(
            "\n" + "\n".join(f"{bullet}{line}" if i else line for i, line in enumerate(lines))
        )
