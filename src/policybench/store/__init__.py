"""Persistence: weight profiles with version history, and workshops, on SQLAlchemy.

::

    store = open_store()                      # $POLICYBENCH_DATABASE_URL, else a SQLite file
    store.url_for_display                     # for the sidebar: passwords shown as ***
    v = store.profiles.save("tokyo", {"deterrence": 3, "feasibility": 1}, author="ana")
    store.profiles.save("tokyo", edited, expect_version=v.version)   # ConflictError if stale
    facilitator = store.workshops.create("Seminar", options=o, criteria=c, passphrase=p)
    store.workshops.challenge(code, token, "summits", "feasibility", 3, reason="...")

With nothing configured the store is ``$XDG_DATA_HOME/policybench/policybench.db`` (i.e.
``~/.local/share/policybench/policybench.db``), created with its folder, in WAL mode. With
``POLICYBENCH_DATABASE_URL=postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB`` it is PostgreSQL,
so several app servers can share one store. The schema is created or upgraded on open
(:mod:`policybench.store.schema`). Every failure is a
:class:`~policybench.errors.PolicybenchError` from :mod:`policybench.store.errors`.

Nothing here computes a ranking or imports Streamlit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from sqlalchemy.engine import Engine

from policybench.store.db import ENV_URL, Database, default_sqlite_path, resolve_url
from policybench.store.errors import (
    ConflictError,
    InvalidValueError,
    ParticipantTokenError,
    ProfileDeletedError,
    ProfileExistsError,
    ProfileFileError,
    ProfileNotFound,
    RateLimitedError,
    ReadOnlyStoreError,
    SchemaTooNewError,
    StoreBusyError,
    StoreError,
    StoreFullError,
    StoreUnavailableError,
    WorkshopError,
    WorkshopNotFound,
    WorkshopStateError,
    WrongPassphraseError,
)
from policybench.store.profiles import HistoryEntry, Profiles, ProfileSummary, ProfileVersion
from policybench.store.ratelimit import RateLimiter
from policybench.store.schema import MIGRATIONS, migrate
from policybench.store.workshops import (
    Challenge,
    Facilitator,
    Participant,
    ParticipantPass,
    ScoreDecision,
    Submission,
    Workshop,
    Workshops,
)


class Store:
    """An open store: ``profiles``, ``workshops``, and where it lives."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self.schema_version = migrate(db)
        self.profiles = Profiles(db)
        self.limiter = RateLimiter(db, clock)
        self.workshops = Workshops(db, self.limiter, clock)

    @property
    def url_for_display(self) -> str:
        """The database URL with any password hidden (``***``)."""
        return self._db.display

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._db.dialect

    @property
    def read_only(self) -> bool:
        return self._db.read_only

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for maintenance scripts and tests)."""
        return self._db.engine

    def close(self) -> None:
        """Release the store's connections (it can be opened again with :func:`open_store`)."""
        self._db.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.url_for_display} schema v{self.schema_version}>"


def open_store(url: str | None = None, *, clock: Callable[[], float] = time.time) -> Store:
    """Open (creating or upgrading) the store at ``url``.

    ``url``: a SQLAlchemy URL (``sqlite:///PATH``, ``postgresql+psycopg://...``; plain
    ``postgresql://`` is read as psycopg) or a path to a SQLite file. ``None``:
    ``$POLICYBENCH_DATABASE_URL``, else the default SQLite file, whose folder is created.
    A read-only SQLite store: ``sqlite:///file:PATH?mode=ro&uri=true``.
    """
    parsed, is_default = resolve_url(url)
    db = Database(parsed, create_folder=is_default)
    try:
        return Store(db, clock=clock)
    except BaseException:
        db.dispose()
        raise


__all__ = [
    "ENV_URL",
    "MIGRATIONS",
    "Challenge",
    "ConflictError",
    "Facilitator",
    "HistoryEntry",
    "InvalidValueError",
    "Participant",
    "ParticipantPass",
    "ParticipantTokenError",
    "ProfileDeletedError",
    "ProfileExistsError",
    "ProfileFileError",
    "ProfileNotFound",
    "ProfileSummary",
    "ProfileVersion",
    "Profiles",
    "RateLimitedError",
    "ReadOnlyStoreError",
    "SchemaTooNewError",
    "ScoreDecision",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StoreFullError",
    "StoreUnavailableError",
    "Submission",
    "Workshop",
    "WorkshopError",
    "WorkshopNotFound",
    "WorkshopStateError",
    "Workshops",
    "WrongPassphraseError",
    "default_sqlite_path",
    "open_store",
]
