"""``policybench workshop ...``: what whoever runs the server can do for a workshop from the
command line (the workshop itself is run in the app's Facilitate page).

A typer sub-app, mounted by :mod:`policybench.cli` as ``workshop``.
"""

from __future__ import annotations

from typing import Annotated

import typer

import policybench.cli.options as opt
from policybench.cli.errors import exits_on_error

workshop_app = opt.typer_app(
    "workshop",
    "Look after a workshop from the server's side (the app runs the workshop itself).",
)


@workshop_app.command()
@exits_on_error
def unlock(
    code: Annotated[str, typer.Argument(help="The workshop's join code")],
    db: opt.Db = None,
) -> None:
    """Clear a workshop's wrong-passphrase counts, so its facilitator can sign in again.

    For when someone has run the workshop-wide limit down (docs/SECURITY.md, "Rate limits").
    It changes nothing else: the passphrase, the participants and their weights stay as they
    are.
    """
    from policybench.store import open_store

    with open_store(db) as store:
        cleared = store.workshops.unlock(code)
    typer.echo(
        f"unlocked: {cleared} wrong-passphrase count{'s' if cleared != 1 else ''} cleared; "
        "the facilitator can sign in again"
    )
