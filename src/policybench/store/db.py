"""Database URLs, engines and transactions, with every driver error turned into a store error.

SQLite: WAL mode (readers never block the writer), a busy timeout, foreign keys on, and
writes that take the write lock up front (``BEGIN IMMEDIATE``), so two writers queue instead
of failing half-way. PostgreSQL: ``postgresql+psycopg://``, READ COMMITTED, rows locked with
``SELECT ... FOR UPDATE`` where a write depends on what it read.

:meth:`Database.run` is the one way the store talks to the database: it calls a function in
one transaction (all or nothing), retries the transient failures of a busy database
(serialisation failures, deadlocks, a lost race on a unique key), and translates what is
left into :mod:`policybench.store.errors` with a readable message.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import StaticPool

from policybench.errors import PolicybenchError
from policybench.store.errors import (
    ReadOnlyStoreError,
    StoreBusyError,
    StoreError,
    StoreFullError,
    StoreUnavailableError,
)

T = TypeVar("T")

ENV_URL = "POLICYBENCH_DATABASE_URL"
#: How long a SQLite writer waits for another writer's lock before giving up.
SQLITE_BUSY_TIMEOUT_S = 20.0
#: How long to wait for a PostgreSQL server to answer a new connection.
PG_CONNECT_TIMEOUT_S = 5
#: Attempts for a transaction that lost a race (serialisation failure, deadlock, unique key).
ATTEMPTS = 8

_WRITE = "policybench_write"
_PG_RETRY_STATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_PG_UNIQUE = "23505"


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC, to the microsecond."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A timestamp read back from either backend, as aware UTC (SQLite drops the zone)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def default_sqlite_path() -> Path:
    """``$XDG_DATA_HOME/policybench/policybench.db``, i.e. ``~/.local/share/policybench/...``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "policybench" / "policybench.db"


def resolve_url(url: str | None = None) -> tuple[URL, bool]:
    """The URL to open and whether it is the default file (whose folder we may create).

    ``None`` means ``$POLICYBENCH_DATABASE_URL``, else the default SQLite file. A value
    without ``://`` is a path to a SQLite file. ``postgresql://`` and ``postgres://`` mean
    ``postgresql+psycopg://`` (the driver policybench ships with).
    """
    is_default = False
    if url is None or not url.strip():
        url = os.environ.get(ENV_URL, "").strip() or None
    if url is None:
        is_default = True
        url = "sqlite:///" + str(default_sqlite_path())
    elif "://" not in url:
        url = "sqlite:///" + str(Path(url).expanduser())
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            "cannot read the database URL; use sqlite:///PATH or "
            "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE"
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in {"postgresql", "postgres"}:
        if driver not in {"", "psycopg"}:
            raise StoreError(
                f"unsupported PostgreSQL driver {driver!r}; "
                "use postgresql+psycopg://... (psycopg 3)"
            )
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        if driver not in {"", "pysqlite"}:
            raise StoreError(f"unsupported SQLite driver {driver!r}; use sqlite:///PATH")
    else:
        raise StoreError(
            f"unsupported database {backend!r}; use sqlite:///PATH (the default) or "
            "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE"
        )
    return parsed, is_default


def display_url(url: URL) -> str:
    """The URL with any password replaced by ``***``: safe for the sidebar and for logs."""
    return url.render_as_string(hide_password=True)


def sqlite_file(url: URL) -> Path | None:
    """The file a SQLite URL names (``file:`` URIs included), or None for an in-memory one."""
    database = url.database or ""
    if database in {"", ":memory:"}:
        return None
    if database.startswith("file:"):
        path = database[len("file:") :].split("?", 1)[0]
        return None if path in {"", ":memory:"} else Path(path)
    return Path(database)


def _sqlite_read_only(url: URL) -> bool:
    query = {k: (v if isinstance(v, str) else v[-1]) for k, v in url.query.items()}
    database = url.database or ""
    in_uri = database.split("?", 1)[1] if "?" in database else ""
    return query.get("mode") == "ro" or "mode=ro" in in_uri or query.get("immutable") == "1"


class Database:
    """An engine plus the transaction runner and error translation the store uses."""

    def __init__(self, url: URL, *, create_folder: bool = False) -> None:
        self.url = url
        self.display = display_url(url)
        self.dialect = url.get_backend_name()
        self.read_only = self.dialect == "sqlite" and _sqlite_read_only(url)
        self.in_memory = self.dialect == "sqlite" and sqlite_file(url) is None
        self._turn: AbstractContextManager[Any] = (
            threading.RLock() if self.in_memory else nullcontext()
        )
        if self.dialect == "sqlite":
            path = sqlite_file(url)
            if create_folder and path is not None and not self.read_only:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreUnavailableError(
                        f"could not create the folder for the store at {path.parent}: "
                        f"{exc.strerror or exc}"
                    ) from None
            self.engine = self._sqlite_engine(url)
        else:
            self.engine = sa.create_engine(
                url,
                pool_pre_ping=True,
                pool_size=5,
                max_overflow=20,
                connect_args={
                    "connect_timeout": PG_CONNECT_TIMEOUT_S,
                    "application_name": "policybench",
                },
            )

    def _sqlite_engine(self, url: URL) -> Engine:
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
        if self.in_memory:
            # One connection, shared (and taken in turn, see run) by every thread: an
            # in-memory database exists only inside its connection. For tests and demos.
            engine = sa.create_engine(url, poolclass=StaticPool, connect_args=connect_args)
        else:
            engine = sa.create_engine(
                url,
                pool_size=5,
                max_overflow=20,
                pool_timeout=SQLITE_BUSY_TIMEOUT_S * 2,
                connect_args=connect_args,
            )
        read_only = self.read_only

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # We issue BEGIN ourselves (below): pysqlite's own transaction handling would
            # defer it to the first write, which is too late to take the write lock.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
                cursor.execute("PRAGMA foreign_keys = ON")
                if not read_only:
                    _wal(cursor)
                    cursor.execute("PRAGMA synchronous = NORMAL")
            finally:
                cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            write = connection.get_execution_options().get(_WRITE, False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    # -- transactions ---------------------------------------------------------------------

    def run(
        self,
        fn: Callable[[Connection], T],
        *,
        write: bool,
        action: str,
        retry_unique: bool = False,
    ) -> T:
        """Call ``fn(connection)`` in one transaction; commit if it returns, roll back if not.

        ``action`` completes "could not ..." in messages ("save", "read the store", ...).
        With ``retry_unique``, a unique-key violation means another writer won a race: the
        whole transaction runs again (``fn`` must then re-read what it depends on).
        """
        for attempt in range(ATTEMPTS):
            started = time.monotonic()
            try:
                with self._turn, self.engine.connect() as connection:
                    if write:
                        connection = connection.execution_options(**{_WRITE: True})
                    with connection.begin():
                        return fn(connection)
            except PolicybenchError:
                raise
            except DBAPIError as exc:
                if attempt + 1 < ATTEMPTS and self._retryable(exc, retry_unique):
                    time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))
                    continue
                raise self.translate(exc, action, waited=time.monotonic() - started) from None
            except PoolTimeoutError:
                raise StoreBusyError(
                    f"could not {action}, try again: every connection to the store is in use"
                ) from None
            except SQLAlchemyError as exc:  # pragma: no cover - a bug rather than a user's problem
                raise StoreError(
                    f"could not {action}: {exc.__class__.__name__}: {_first_line(exc)}"
                ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _retryable(self, exc: DBAPIError, retry_unique: bool) -> bool:
        if exc.connection_invalidated:
            return False
        state = getattr(exc.orig, "sqlstate", None)
        if self.dialect == "postgresql":
            return state in _PG_RETRY_STATES or (retry_unique and state == _PG_UNIQUE)
        return retry_unique and isinstance(exc, IntegrityError) and "UNIQUE" in str(exc.orig)

    def translate(self, exc: DBAPIError, action: str, waited: float = 0.0) -> StoreError:
        """A driver error as the store error a user can act on; never leaks a password.

        ``waited`` is how long the failed attempt took: SQLite can refuse a lock at once as
        well as after its busy timeout, and the message says which.
        """
        orig = exc.orig
        text = _first_line(orig) if orig is not None else _first_line(exc)
        low = text.lower()
        where = f"the store at {self.display}"
        if self.dialect == "sqlite":
            if "readonly" in low or "read-only" in low:
                return ReadOnlyStoreError(
                    f"could not {action}: {where} is read-only (opened with mode=ro, or the "
                    "file or its folder cannot be written); nothing was changed"
                )
            if "disk is full" in low or "database or disk is full" in low:
                return StoreFullError(
                    f"could not {action}: the disk holding {where} is full; nothing was written. "
                    "Free some space and try again"
                )
            if "locked" in low or "busy" in low:
                held = f" (waited {waited:.0f} s)" if waited >= 1 else ""
                return StoreBusyError(
                    f"could not {action}, try again: {where} is busy with other writers{held}"
                )
            if "unable to open" in low or "disk i/o" in low:
                return StoreUnavailableError(
                    f"could not {action}, try again: {where} cannot be opened ({text}); "
                    "does its folder exist and can it be written?"
                )
            if "not a database" in low or "malformed" in low:
                return StoreError(
                    f"could not {action}: {where} is not a policybench database "
                    f"or is damaged ({text})"
                )
            return StoreError(f"could not {action}: the database said: {text}")
        state = getattr(orig, "sqlstate", None) or ""
        if state == "25006":
            return ReadOnlyStoreError(
                f"could not {action}: {where} only accepts reads (a read-only server or replica)"
            )
        if state == "53100":
            return StoreFullError(
                f"could not {action}: the disk of {where} is full; nothing was written"
            )
        if (
            exc.connection_invalidated
            or state.startswith("08")
            or state.startswith("57P")
            or state in {"53300", "3D000", "28000", "28P01"}
            or isinstance(exc, sa.exc.OperationalError)
        ):
            return StoreUnavailableError(
                f"could not {action}, try again: cannot reach {where} ({text})"
            )
        return StoreError(f"could not {action}: the database said: {text}")

    def dispose(self) -> None:
        self.engine.dispose()


def _wal(cursor: Any) -> None:
    """Put the SQLite file in WAL mode (it stays so: the mode is kept in the file).

    Switching a new file to WAL needs it to itself for a moment, and SQLite answers "database
    is locked" at once, without waiting out the busy timeout, when another process is opening
    the same new file (several servers starting together on an empty store). So the switch is
    tried again until the busy timeout has passed; a file already in WAL mode needs no switch.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
