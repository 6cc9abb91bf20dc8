"""Weight profiles with an immutable version history.

Every save appends a version; nothing is ever overwritten. ``save(..., expect_version=V)``
is an optimistic check: refused with :class:`ConflictError` (exit code 3) when V is no longer
the latest. Writers of one profile queue on its ``profiles`` row (``SELECT ... FOR UPDATE``
on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), and the unique key on
``(profile_id, version)`` makes a lost race fail and retry rather than fork the history, so
versions are contiguous and none is lost, across threads, processes and app servers.
"""

from __future__ import annotations

import builtins
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from policybench.store import checks
from policybench.store.db import Database, as_utc, utcnow
from policybench.store.errors import (
    ConflictError,
    InvalidValueError,
    ProfileDeletedError,
    ProfileExistsError,
    ProfileNotFound,
    StoreError,
)
from policybench.store.schema import profile_versions as V
from policybench.store.schema import profiles as P


@dataclass(frozen=True)
class ProfileVersion:
    """One saved version of a profile (immutable; a change is a new version)."""

    name: str
    version: int
    weights: dict[str, float]
    method: str
    params: dict[str, Any]
    description: str
    author: str | None
    overrides: dict[str, dict[str, float]] | None
    created_at: datetime
    catalog_fingerprint: str | None = None
    restored_from: int | None = None
    latest_version: int = 0
    deleted: bool = False

    @property
    def is_latest(self) -> bool:
        return self.version == self.latest_version


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    created_at: datetime
    author: str | None
    method: str
    description: str
    restored_from: int | None = None
    has_overrides: bool = False


@dataclass(frozen=True)
class ProfileSummary:
    """A profile as listed: its latest version's headline fields."""

    name: str
    version: int
    method: str
    description: str
    author: str | None
    created_at: datetime
    updated_at: datetime
    deleted: bool = False
    has_overrides: bool = False


@dataclass(frozen=True)
class _Content:
    weights: dict[str, float]
    method: str
    params: dict[str, Any]
    description: str
    author: str | None
    overrides: dict[str, dict[str, float]] | None
    catalog_fingerprint: str | None
    restored_from: int | None = None


class Profiles:
    """The profile operations of a :class:`~policybench.store.Store` (``store.profiles``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- writing --------------------------------------------------------------------------

    def save(
        self,
        name: str,
        weights: Mapping[str, float],
        *,
        method: str = "wsm",
        params: Mapping[str, Any] | None = None,
        description: str = "",
        overrides: Mapping[str, Mapping[str, float]] | None = None,
        author: str | None = None,
        expect_version: int | None = None,
        catalog_fingerprint: str | None = None,
    ) -> ProfileVersion:
        """Append a new version of ``name`` (creating the profile if it is new).

        ``expect_version``: the version the caller edited; refused with
        :class:`ConflictError` unless it is still the latest. ``0`` means "this must be a
        new profile". ``None`` always appends.
        """
        name = checks.name(name)
        content = _Content(
            weights=checks.weights(weights),
            method=checks.method(method),
            params=checks.params(params),
            description=checks.description(description),
            author=checks.author(author),
            overrides=checks.overrides(overrides),
            catalog_fingerprint=_fingerprint(catalog_fingerprint),
        )
        expect = _expect(expect_version)

        def tx(conn: Connection) -> ProfileVersion:
            self._insert_if_missing(conn, name)
            row = self._lock(conn, name)
            if row.deleted_at is not None:
                raise ProfileDeletedError(
                    f"profile {name!r} is deleted; undelete it first (profiles undelete {name!r}) "
                    "or save under another name. Nothing was saved."
                )
            if expect is not None and row.latest_version == 0 and expect > 0:
                raise ProfileNotFound(name, self._close_names(conn, name))
            return self._append(conn, row, content, expect)

        return self._db.run(tx, write=True, action="save", retry_unique=True)

    def restore(
        self,
        name: str,
        version: int,
        *,
        author: str | None = None,
        expect_version: int | None = None,
    ) -> ProfileVersion:
        """Append a new version equal to ``version`` (its weights, method, parameters,
        description and overrides), recording where it came from."""
        name = checks.name(name)
        who = checks.author(author)
        wanted = _positive(version, "the version to restore")
        expect = _expect(expect_version)

        def tx(conn: Connection) -> ProfileVersion:
            row = self._lock(conn, name)
            if row is None:
                raise ProfileNotFound(name, self._close_names(conn, name))
            if row.deleted_at is not None:
                raise ProfileNotFound(name, deleted=True)
            old = conn.execute(
                sa.select(V).where(V.c.profile_id == row.id, V.c.version == wanted)
            ).one_or_none()
            if old is None:
                raise ProfileNotFound(name, version=wanted)
            content = _Content(
                weights=checks.loads(old.weights),
                method=old.method,
                params=checks.loads(old.params),
                description=old.description,
                author=who,
                overrides=checks.loads(old.overrides),
                catalog_fingerprint=old.catalog_fingerprint,
                restored_from=wanted,
            )
            return self._append(conn, row, content, expect)

        return self._db.run(tx, write=True, action="save", retry_unique=True)

    def rename(self, old: str, new: str) -> None:
        """Rename a profile, keeping its history; refused if ``new`` is taken (even by a
        deleted profile, which can still be undeleted)."""
        old = checks.name(old)
        new = checks.name(new, "the new name")

        def tx(conn: Connection) -> None:
            row = self._lock(conn, old)
            if row is None:
                raise ProfileNotFound(old, self._close_names(conn, old))
            if row.deleted_at is not None:
                raise ProfileNotFound(old, deleted=True)
            if old == new:
                return
            taken = conn.execute(sa.select(P.c.deleted_at).where(P.c.name == new)).one_or_none()
            if taken is not None:
                raise _exists(new, deleted=taken.deleted_at is not None)
            try:
                conn.execute(sa.update(P).where(P.c.id == row.id).values(name=new))
            except IntegrityError:
                raise _exists(new, deleted=False) from None

        self._db.run(tx, write=True, action="rename the profile")

    def delete(self, name: str, *, author: str | None = None) -> None:
        """Hide a profile from lists and look-ups; :meth:`undelete` brings it back whole."""
        name = checks.name(name)
        who = checks.author(author)

        def tx(conn: Connection) -> None:
            row = self._lock(conn, name)
            if row is None:
                raise ProfileNotFound(name, self._close_names(conn, name))
            if row.deleted_at is not None:
                raise StoreError(
                    f"profile {name!r} is already deleted (undo with: profiles undelete {name!r})"
                )
            conn.execute(
                sa.update(P).where(P.c.id == row.id).values(deleted_at=utcnow(), deleted_by=who)
            )

        self._db.run(tx, write=True, action="delete the profile")

    def undelete(self, name: str) -> None:
        name = checks.name(name)

        def tx(conn: Connection) -> None:
            row = self._lock(conn, name)
            if row is None:
                raise ProfileNotFound(name, self._close_names(conn, name, deleted=True))
            if row.deleted_at is None:
                raise StoreError(f"profile {name!r} is not deleted")
            conn.execute(
                sa.update(P).where(P.c.id == row.id).values(deleted_at=None, deleted_by=None)
            )

        self._db.run(tx, write=True, action="undelete the profile")

    # -- reading --------------------------------------------------------------------------

    def get(
        self, name: str, version: int | None = None, *, include_deleted: bool = False
    ) -> ProfileVersion:
        """The latest version of ``name``, or version ``version``."""
        name = checks.name(name)
        wanted = None if version is None else _positive(version, "the version")

        def tx(conn: Connection) -> ProfileVersion:
            row = conn.execute(sa.select(P).where(P.c.name == name)).one_or_none()
            if row is None:
                raise ProfileNotFound(name, self._close_names(conn, name))
            if row.deleted_at is not None and not include_deleted:
                raise ProfileNotFound(name, deleted=True)
            number = row.latest_version if wanted is None else wanted
            ver = conn.execute(
                sa.select(V).where(V.c.profile_id == row.id, V.c.version == number)
            ).one_or_none()
            if ver is None:
                raise ProfileNotFound(name, version=number)
            return _version(row, ver)

        return self._db.run(tx, write=False, action="read the profile")

    def history(self, name: str, *, include_deleted: bool = False) -> list[HistoryEntry]:
        """Every version of ``name``, oldest first."""
        name = checks.name(name)

        def tx(conn: Connection) -> list[HistoryEntry]:
            row = conn.execute(sa.select(P).where(P.c.name == name)).one_or_none()
            if row is None:
                raise ProfileNotFound(name, self._close_names(conn, name))
            if row.deleted_at is not None and not include_deleted:
                raise ProfileNotFound(name, deleted=True)
            rows = conn.execute(
                sa.select(
                    V.c.version,
                    V.c.created_at,
                    V.c.author,
                    V.c.method,
                    V.c.description,
                    V.c.restored_from,
                    V.c.overrides,
                )
                .where(V.c.profile_id == row.id)
                .order_by(V.c.version)
            ).all()
            return [
                HistoryEntry(
                    version=r.version,
                    created_at=as_utc(r.created_at),
                    author=r.author,
                    method=r.method,
                    description=r.description,
                    restored_from=r.restored_from,
                    has_overrides=r.overrides is not None,
                )
                for r in rows
            ]

        return self._db.run(tx, write=False, action="read the profile's history")

    def list(self, *, include_deleted: bool = False) -> list[ProfileSummary]:
        """Profiles by name, with their latest version's headline; deleted ones only if asked."""

        def tx(conn: Connection) -> list[ProfileSummary]:
            query = (
                sa.select(
                    P.c.name,
                    P.c.latest_version,
                    P.c.created_at,
                    P.c.deleted_at,
                    V.c.method,
                    V.c.description,
                    V.c.author,
                    V.c.overrides,
                    V.c.created_at.label("updated_at"),
                )
                .join(V, sa.and_(V.c.profile_id == P.c.id, V.c.version == P.c.latest_version))
                .order_by(P.c.name)
            )
            if not include_deleted:
                query = query.where(P.c.deleted_at.is_(None))
            return [
                ProfileSummary(
                    name=r.name,
                    version=r.latest_version,
                    method=r.method,
                    description=r.description,
                    author=r.author,
                    created_at=as_utc(r.created_at),
                    updated_at=as_utc(r.updated_at),
                    deleted=r.deleted_at is not None,
                    has_overrides=r.overrides is not None,
                )
                for r in conn.execute(query)
            ]

        return self._db.run(tx, write=False, action="list the profiles")

    def names(self, *, include_deleted: bool = False) -> builtins.list[str]:
        return [p.name for p in self.list(include_deleted=include_deleted)]

    # -- internals ------------------------------------------------------------------------

    def _insert_if_missing(self, conn: Connection, name: str) -> None:
        values = {"name": name, "latest_version": 0, "created_at": utcnow()}
        dialect = postgresql if self._db.dialect == "postgresql" else sqlite
        conn.execute(
            dialect.insert(P).values(**values).on_conflict_do_nothing(index_elements=[P.c.name])
        )

    def _lock(self, conn: Connection, name: str) -> Row[Any] | Any:
        """The profile's row, locked until the transaction ends (SQLite: by BEGIN IMMEDIATE)."""
        return conn.execute(sa.select(P).where(P.c.name == name).with_for_update()).one_or_none()

    def _append(
        self, conn: Connection, row: Any, content: _Content, expect: int | None
    ) -> ProfileVersion:
        latest = int(row.latest_version)
        if expect is not None and expect != latest:
            who = conn.execute(
                sa.select(V.c.author).where(V.c.profile_id == row.id, V.c.version == latest)
            ).scalar()
            raise ConflictError(row.name, expect, latest, who)
        number = latest + 1
        now = utcnow()
        conn.execute(
            sa.insert(V).values(
                profile_id=row.id,
                version=number,
                description=content.description,
                weights=checks.dumps(content.weights),
                method=content.method,
                params=checks.dumps(content.params),
                overrides=None if content.overrides is None else checks.dumps(content.overrides),
                author=content.author,
                catalog_fingerprint=content.catalog_fingerprint,
                restored_from=content.restored_from,
                created_at=now,
            )
        )
        updated = conn.execute(
            sa.update(P)
            .where(P.c.id == row.id, P.c.latest_version == latest)
            .values(latest_version=number)
        ).rowcount
        if (
            updated != 1
        ):  # pragma: no cover - the lock makes this impossible; fail loudly, roll back
            raise StoreError(
                f"could not save profile {row.name!r}: its version changed during the save; "
                "try again"
            )
        return ProfileVersion(
            name=row.name,
            version=number,
            weights=dict(content.weights),
            method=content.method,
            params=dict(content.params),
            description=content.description,
            author=content.author,
            overrides=None
            if content.overrides is None
            else {k: dict(v) for k, v in content.overrides.items()},
            created_at=as_utc(now),
            catalog_fingerprint=content.catalog_fingerprint,
            restored_from=content.restored_from,
            latest_version=number,
            deleted=False,
        )

    def _close_names(
        self, conn: Connection, name: str, *, deleted: bool = False
    ) -> builtins.list[str]:
        query = sa.select(P.c.name)
        query = query.where(P.c.deleted_at.is_not(None) if deleted else P.c.deleted_at.is_(None))
        names = [n for n in conn.execute(query).scalars() if n != name]
        folded = {n.casefold(): n for n in names}
        close = [folded[name.casefold()]] if name.casefold() in folded else []
        close += [
            n for n in difflib.get_close_matches(name, names, n=5, cutoff=0.6) if n not in close
        ]
        close += [n for n in names if name.casefold() in n.casefold() and n not in close]
        return close[:5]


def _version(row: Any, ver: Any) -> ProfileVersion:
    return ProfileVersion(
        name=row.name,
        version=ver.version,
        weights=checks.loads(ver.weights),
        method=ver.method,
        params=checks.loads(ver.params),
        description=ver.description,
        author=ver.author,
        overrides=checks.loads(ver.overrides),
        created_at=as_utc(ver.created_at),
        catalog_fingerprint=ver.catalog_fingerprint,
        restored_from=ver.restored_from,
        latest_version=row.latest_version,
        deleted=row.deleted_at is not None,
    )


def _exists(name: str, *, deleted: bool) -> ProfileExistsError:
    if deleted:
        return ProfileExistsError(
            f"a deleted profile is already named {name!r}; undelete and rename it first, "
            "or choose another name"
        )
    return ProfileExistsError(f"a profile named {name!r} already exists; choose another name")


def _positive(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidValueError(f"{what} must be a whole number 1 or more, not {value!r}")
    return value


def _expect(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidValueError(f"--expect-version must be a whole number 0 or more, not {value!r}")
    return value


def _fingerprint(value: object) -> str | None:
    if value is None:
        return None
    if (
        not isinstance(value, str)
        or not value
        or len(value) > 64
        or not all(c in "0123456789abcdef" for c in value)
    ):
        raise InvalidValueError("a catalog fingerprint must be lowercase hex, at most 64 digits")
    return value
