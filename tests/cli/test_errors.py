"""The one error translation of the command line (src/policybench/cli/errors.py): a
PolicybenchError becomes its message on stderr and exit 1, a save conflict exit 3 naming the
version to expect now, and anything else stays a bug (a traceback, not a quiet exit)."""

from __future__ import annotations

import inspect

import pytest
import typer
from typer.testing import CliRunner

from policybench.cli.errors import exits_on_error
from policybench.errors import CatalogError, InputError
from policybench.store.errors import ConflictError

runner = CliRunner()


def _app(error: BaseException) -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.command()
    @exits_on_error
    def fails(name: str = "x") -> None:
        """Raise the error under test."""
        typer.echo("started")
        raise error

    return app


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (InputError("unknown method 'nope'"), 1, "unknown method 'nope'\n"),
        (CatalogError(["a.yaml:1: bad", "b.yaml:2: worse"]), 1, "a.yaml:1: bad\nb.yaml:2: worse\n"),
        (
            ConflictError("tokyo", 1, 2, "bo"),
            3,
            "(policybench profiles save ... --expect-version 2)\n",
        ),
    ],
)
def test_policybench_errors_become_exit_codes(error: Exception, code: int, message: str) -> None:
    result = runner.invoke(_app(error), [])
    assert result.exit_code == code
    assert result.stdout == "started\n"
    assert result.stderr.endswith(message) and "Traceback" not in result.stderr


def test_other_exceptions_are_not_hidden() -> None:
    result = runner.invoke(_app(RuntimeError("a bug")), [])
    assert isinstance(result.exception, RuntimeError)


def test_the_command_keeps_its_signature_for_typer() -> None:
    def command(name: str, count: int = 1) -> None:
        """Help."""

    wrapped = exits_on_error(command)
    assert inspect.signature(wrapped) == inspect.signature(command)
    assert wrapped.__doc__ == "Help."
