"""The ``policybench`` command: argument parsing, output formats and exit codes.

One module per command group, registered here in one list:

- :mod:`~policybench.cli.catalog`: ``validate``, ``catalog``;
- :mod:`~policybench.cli.rank`: ``rank``, ``smaa``;
- :mod:`~policybench.cli.frontier`: ``frontier``;
- :mod:`~policybench.cli.export`: ``export`` (a workshop's part in
  :mod:`~policybench.cli.workshop_export`);
- :mod:`~policybench.cli.profiles`: ``profiles save|list|show|history|rename|delete|undelete|
  restore|export|import``;
- :mod:`~policybench.cli.serve`: ``serve``;
- :mod:`~policybench.cli.workshop`: ``workshop unlock``;

beside them :mod:`~policybench.cli.options` (the options several commands share, each
declared once, and the settings of every typer app), :mod:`~policybench.cli.weights` (where a
command's weights come from, and the prologue of ``rank``, ``smaa``, ``frontier`` and
``export``: the catalog, the weights and the options in play), :mod:`~policybench.cli.output`
(the notes and the screen's list the ranking commands print) and
:mod:`~policybench.cli.errors` (the one decorator, on every command, that turns errors into
exit codes: DESIGN.md's 0 done, 1 bad input with the message on stderr, 2 usage errors,
which are click's own, 3 a save conflict).

No arithmetic and no SQL here: the commands call :mod:`policybench.analysis`,
:mod:`policybench.present`, :mod:`policybench.export` and :mod:`policybench.store`. Those, and
anything else that loads numpy, are imported inside the commands that use them: ``serve`` runs
the app in this process and must set numpy's BLAS threads before numpy first loads (the
setting is read once), and importing the command line (``--help``, ``profiles list``) then
loads none of numpy, pandas, Altair or SQLAlchemy (tests/cli/test_commands.py,
tests/cli/test_serve.py and tests/store/test_store_layers.py).
"""

from __future__ import annotations

import policybench.cli.options as opt
from policybench.cli import catalog, export, frontier, profiles, rank, serve, workshop

app = opt.typer_app(
    "policybench",
    "Score policy options against several criteria, and see the evidence behind every score.",
)

app.command()(catalog.validate)
app.command()(catalog.catalog)
app.command()(rank.rank)
app.command()(rank.smaa)
app.command()(frontier.frontier)
app.command()(serve.serve)
app.command()(export.export)
app.add_typer(profiles.profiles_app, name="profiles")
app.add_typer(workshop.workshop_app, name="workshop")


def main() -> None:
    """Console-script entry point (``policybench``)."""
    app()
