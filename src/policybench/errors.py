"""The exception family: every error policybench raises on purpose derives from
:class:`PolicybenchError`, so the CLI can turn it into exit code 1 and the app into a
message, never a traceback."""

from __future__ import annotations


class PolicybenchError(Exception):
    """Base for every error policybench raises on purpose."""


class InputError(PolicybenchError, ValueError):
    """A matrix, a parameter or a method name that cannot be used as given."""


class WeightsError(InputError):
    """Weights are negative, NaN, infinite or all zero, or do not match the criteria."""


class CatalogError(PolicybenchError):
    """The catalog has problems; ``str()`` is one ``path:line: message`` per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class PolicybenchWarning(UserWarning):
    """A result was computed, but with a caveat the user should see (e.g. a floor applied)."""
