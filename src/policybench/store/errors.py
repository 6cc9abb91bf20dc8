"""The store's errors: every failure a user can cause or meet, with a message they can act on.

All derive from :class:`~policybench.errors.PolicybenchError`, so the CLI turns them into a
message on stderr and exit 1 (``exit_code`` says otherwise: a conflict is 3), and the app
into ``st.error``. None of them carries a password or a participant token in its message.
"""

from __future__ import annotations

from collections.abc import Sequence

from policybench.errors import PolicybenchError


class StoreError(PolicybenchError):
    """Base for the store's errors."""

    exit_code = 1


class StoreUnavailableError(StoreError):
    """The database cannot be reached (server down, network, missing folder): try again."""


class StoreBusyError(StoreUnavailableError):
    """The database stayed locked by other writers for longer than the busy timeout."""


class ReadOnlyStoreError(StoreError):
    """The database was opened read-only (or the server refuses writes); nothing was written."""


class StoreFullError(StoreError):
    """The disk (or the database's size limit) is full; nothing was written."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer policybench with a schema this one does not know."""


class InvalidValueError(StoreError, ValueError):
    """A name, text or number that the store refuses (NUL byte, too long, not finite, ...)."""


class ConflictError(StoreError):
    """A save against a version that is no longer the latest (exit code 3).

    ``latest_version`` and ``latest_author`` name what is in the store now, so the user can
    compare the two and save again with ``--expect-version`` set to the latest.
    """

    exit_code = 3

    def __init__(
        self, name: str, expected: int, latest_version: int, latest_author: str | None
    ) -> None:
        self.name = name
        self.expected = expected
        self.latest_version = latest_version
        self.latest_author = latest_author
        who = f" by {latest_author}" if latest_author else " (no author given)"
        super().__init__(
            f"conflict: profile {name!r} is now at version {latest_version}, saved{who}; you "
            f"edited version {expected}. Nothing was saved. Compare versions {expected} and "
            f"{latest_version}, then save again on top of version {latest_version}."
        )


class ProfileNotFound(StoreError, LookupError):
    """No profile of that name (or no such version); the message lists close names."""

    def __init__(
        self,
        name: str,
        close: Sequence[str] = (),
        *,
        version: int | None = None,
        deleted: bool = False,
    ) -> None:
        self.name = name
        self.close = list(close)
        self.version = version
        if version is not None:
            message = f"profile {name!r} has no version {version}"
        elif deleted:
            message = f"profile {name!r} is deleted; undelete it first (profiles undelete {name!r})"
        else:
            message = f"no profile named {name!r}"
            if self.close:
                message += "; did you mean: " + ", ".join(repr(c) for c in self.close) + "?"
        super().__init__(message)


class ProfileExistsError(StoreError):
    """A rename (or a new profile) onto a name that is already taken."""


class ProfileDeletedError(StoreError):
    """A save onto a profile that is deleted: undelete it first, or use another name."""


class ProfileFileError(StoreError, ValueError):
    """A profile JSON file that cannot be imported (too large, not valid, wrong catalog)."""


class WorkshopError(StoreError):
    """Base for workshop refusals."""


class WorkshopNotFound(WorkshopError, LookupError):
    """An unknown join code: a plain refusal that says nothing about other workshops."""


class WrongPassphraseError(WorkshopError):
    """The facilitator passphrase does not match."""


class ParticipantTokenError(WorkshopError):
    """A participant token that does not belong to this workshop."""


class WorkshopStateError(WorkshopError):
    """An action that the workshop's state does not allow (e.g. submitting once locked)."""


class RateLimitedError(WorkshopError):
    """Too many wrong passphrases or unknown codes from one client: wait ``retry_after`` s."""

    def __init__(self, message: str, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(message)
