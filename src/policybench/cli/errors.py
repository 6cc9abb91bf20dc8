"""The one place where the ``policybench`` command turns errors into exit codes.

Every command function is wrapped in :func:`exits_on_error`; nothing else in :mod:`policybench.cli`
prints an error or chooses an exit code (usage errors, exit 2, are click's own). The codes are
DESIGN.md's contract: 0 done; 1 bad input data (a broken catalog, an unknown criterion, bad
weights, a store that refuses), with the message on stderr; 3 a save refused because
``--expect-version`` is no longer the latest, its message naming the version to use now.

It lives apart from :mod:`policybench.cli` itself so that the command modules can use it
without importing the package that registers them (an import cycle).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import typer

from policybench.errors import PolicybenchError

F = TypeVar("F", bound=Callable[..., Any])

#: What the store's refusals carry besides their message (``policybench.store.errors``):
#: ``exit_code`` (3 for a conflict) and, for a conflict, the version that is now the latest.
_EXIT_CODE = "exit_code"
_LATEST = "latest_version"


def exits_on_error(fn: F) -> F:
    """Run the command ``fn``; a :class:`~policybench.errors.PolicybenchError` raised anywhere
    in it (loading the catalog, choosing weights, the engine, the store, writing a file)
    becomes its message on stderr and exit 1, or the error's own ``exit_code`` (3 for a
    save conflict, whose message then also says which ``--expect-version`` to give now).

    The wrapper keeps ``fn``'s signature (``functools.wraps``), which is what typer reads
    to build the command's options.
    """

    @functools.wraps(fn)
    def command(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PolicybenchError as exc:
            message, code = str(exc), int(getattr(exc, _EXIT_CODE, 1))
            latest = getattr(exc, _LATEST, None)
            if code == 3 and latest is not None:
                message += f" (policybench profiles save ... --expect-version {latest})"
            typer.echo(message, err=True)
            raise typer.Exit(code) from None

    return cast(F, command)
