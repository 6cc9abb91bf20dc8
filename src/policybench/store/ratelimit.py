"""A small rate limiter kept in the database, so several app servers share one count.

A key (e.g. "wrong passphrase for workshop X from this browser session") may fail
``max_failures`` times in a window of ``window_s`` seconds; after that it is refused until the
window (which starts at its first failure) has passed.

Attempts that cost something (a passphrase check runs argon2id: 64 MiB for a quarter of a
second) are *reserved* before the work: :meth:`RateLimiter.reserve` counts the attempt and
refuses it in one transaction, so attempts arriving together cannot all slip past a check
made before any of them was counted, and a refused attempt never reaches the hash. A success
gives its reservation back (:meth:`RateLimiter.release`).

Limits apply to wrong secrets, and to nothing else a participant does, with one exception:
writes to their own score challenges (:data:`CHALLENGE_WRITES`, counted per participant
inside the write's own transaction by :meth:`RateLimiter.take`, so only accepted writes count),
which are free text a script could otherwise pour into the store. A valid join code, a valid personal link or a facilitator
who is signed in is never refused because someone else, perhaps behind the same conference
NAT, made mistakes. Client keys are HMAC-SHA256 under a random secret made once per store
(``policybench_settings``), so the table holds nothing from which an address can be
recovered by hashing every IPv4 address.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from policybench.store.db import Database
from policybench.store.errors import RateLimitedError
from policybench.store.schema import rate_limits as R
from policybench.store.schema import settings as SETTINGS


@dataclass(frozen=True)
class Limit:
    max_failures: int
    window_s: float
    refusal: str  # what the user is told; "{wait}" becomes e.g. "4 minutes"


_KEEP_S = 24 * 3600  # rows older than this are dropped when a failure is recorded
_SECRET_KEY = "client_key_secret"

#: Wrong facilitator passphrases from one browser session, per workshop.
PASSPHRASE = Limit(5, 15 * 60, "too many wrong passphrases; try again in {wait}")
#: Wrong facilitator passphrases from everyone together, per workshop: what bounds guessing
#: by someone who opens session after session. Reaching it locks the facilitator out too,
#: until `policybench workshop unlock CODE` (docs/SECURITY.md).
PASSPHRASE_ALL = Limit(
    30,
    15 * 60,
    "this workshop has had too many wrong passphrases; try again in {wait}, or ask whoever "
    "runs the server to unlock it",
)
#: Unknown or mistyped join codes, per client.
UNKNOWN_CODE = Limit(10, 10 * 60, "too many unknown workshop codes; try again in {wait}")
#: Score challenges made, revised or withdrawn, per participant: 60 in 10 minutes, one every
#: ten seconds for ten minutes on end, far more than a person types while arguing a score, and
#: few enough that a script holding a personal link cannot fill the store.
CHALLENGE_WRITES = Limit(
    60,
    10 * 60,
    "you have changed your challenges very often in the last few minutes; try again in {wait}",
)


def _wait(seconds: float) -> str:
    if seconds <= 90:
        return f"{max(1, math.ceil(seconds))} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


class RateLimiter:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        self._secret: bytes | None = None

    def client_key(self, client: str) -> str:
        """A fixed-length stand-in for a client's address or session id: an HMAC under this
        store's secret, so that the stored key reveals nothing about the address."""
        mac = hmac.new(
            self._install_secret(), client.encode("utf-8", "surrogatepass"), hashlib.sha256
        )
        return mac.hexdigest()[:32]

    def _install_secret(self) -> bytes:
        if self._secret is None:
            fresh = secrets.token_hex(32)

            def tx(conn: Connection) -> str:
                found = conn.execute(
                    sa.select(SETTINGS.c.value).where(SETTINGS.c.key == _SECRET_KEY)
                ).scalar()
                if found is None:
                    conn.execute(sa.insert(SETTINGS).values(key=_SECRET_KEY, value=fresh))
                    return fresh
                return str(found)

            if self._db.read_only:
                # Nothing can be counted in a read-only store, so no key is ever stored: a
                # secret of this process's own serves (and the store is left untouched).
                found = self._db.run(
                    lambda conn: conn.execute(
                        sa.select(SETTINGS.c.value).where(SETTINGS.c.key == _SECRET_KEY)
                    ).scalar(),
                    write=False,
                    action="prepare the store",
                )
                self._secret = bytes.fromhex(str(found) if found is not None else fresh)
            else:
                value = self._db.run(tx, write=True, action="prepare the store", retry_unique=True)
                self._secret = bytes.fromhex(value)
        return self._secret

    def check(self, key: str, limit: Limit) -> None:
        """Raise :class:`RateLimitedError` if ``key`` has used up its failures."""
        now = self._clock()

        def tx(conn: Connection) -> tuple[float, int] | None:
            row = conn.execute(
                sa.select(R.c.window_start, R.c.failures).where(R.c.key == key)
            ).one_or_none()
            return None if row is None else (float(row.window_start), int(row.failures))

        found = self._db.run(tx, write=False, action="check the rate limit")
        if found is None:
            return
        start, failures = found
        if now - start < limit.window_s and failures >= limit.max_failures:
            raise self._refusal(limit, now - start)

    def reserve(self, key: str, limit: Limit) -> None:
        """Count one attempt for ``key`` now, or refuse it if the limit is used up (one
        transaction: no two attempts can both pass on the same remaining count)."""
        now = self._clock()

        def tx(conn: Connection) -> float | None:
            return self._count(conn, key, limit, now, self._locked_row(conn, key, now))

        elapsed = self._db.run(tx, write=True, action="record the attempt", retry_unique=True)
        if elapsed is not None:
            raise self._refusal(limit, elapsed)

    def take(self, conn: Connection, key: str, limit: Limit) -> None:
        """Count one action for ``key`` inside the caller's transaction ``conn``, or raise
        :class:`RateLimitedError` if the limit is used up: the count commits with the action
        and rolls back with it, so only actions that happened are counted. The caller's
        :meth:`Database.run` must pass ``retry_unique`` (two first actions at once race on
        the key's row)."""
        now = self._clock()
        row = conn.execute(
            sa.select(R.c.window_start, R.c.failures).where(R.c.key == key).with_for_update()
        ).one_or_none()
        elapsed = self._count(conn, key, limit, now, row)
        if elapsed is not None:
            raise self._refusal(limit, elapsed)

    @staticmethod
    def _count(conn: Connection, key: str, limit: Limit, now: float, row: Any) -> float | None:
        """Count one for ``key`` (whose row, locked, is ``row``); if the limit is used up,
        count nothing and return how long ago its window started."""
        if row is None:
            conn.execute(sa.insert(R).values(key=key, window_start=now, failures=1))
            return None
        start, failures = float(row.window_start), int(row.failures)
        if now - start >= limit.window_s:
            conn.execute(sa.update(R).where(R.c.key == key).values(window_start=now, failures=1))
            return None
        if failures >= limit.max_failures:
            return now - start
        conn.execute(sa.update(R).where(R.c.key == key).values(failures=failures + 1))
        return None

    def release(self, key: str) -> None:
        """Give back one reserved attempt (it succeeded, so it was no failure)."""

        def tx(conn: Connection) -> None:
            conn.execute(
                sa.update(R)
                .where(R.c.key == key, R.c.failures > 0)
                .values(failures=R.c.failures - 1)
            )

        self._db.run(tx, write=True, action="record the attempt")

    def failure(self, key: str, limit: Limit) -> int:
        """Count one failure for ``key``; returns the failures in the current window."""
        now = self._clock()

        def tx(conn: Connection) -> int:
            row = self._locked_row(conn, key, now)
            if row is None:
                conn.execute(sa.insert(R).values(key=key, window_start=now, failures=1))
                return 1
            if now - float(row.window_start) >= limit.window_s:
                conn.execute(
                    sa.update(R).where(R.c.key == key).values(window_start=now, failures=1)
                )
                return 1
            count = int(row.failures) + 1
            conn.execute(sa.update(R).where(R.c.key == key).values(failures=count))
            return count

        return self._db.run(tx, write=True, action="record the attempt", retry_unique=True)

    def reset(self, key: str) -> None:
        self._db.run(
            lambda conn: conn.execute(sa.delete(R).where(R.c.key == key)),
            write=True,
            action="record the attempt",
        )

    def reset_prefix(self, prefix: str) -> int:
        """Forget every count whose key starts with ``prefix``; returns how many."""
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

        def tx(conn: Connection) -> int:
            result = conn.execute(sa.delete(R).where(R.c.key.like(pattern, escape="\\")))
            return int(result.rowcount or 0)

        return self._db.run(tx, write=True, action="unlock")

    def remaining(self, key: str, limit: Limit) -> int:
        """Failures left in the current window (for a "n attempts left" hint)."""
        now = self._clock()
        row = self._db.run(
            lambda conn: conn.execute(
                sa.select(R.c.window_start, R.c.failures).where(R.c.key == key)
            ).one_or_none(),
            write=False,
            action="check the rate limit",
        )
        if row is None or now - float(row.window_start) >= limit.window_s:
            return limit.max_failures
        return max(0, limit.max_failures - int(row.failures))

    @staticmethod
    def _locked_row(conn: Connection, key: str, now: float) -> Any:
        conn.execute(sa.delete(R).where(R.c.window_start < now - _KEEP_S, R.c.key != key))
        return conn.execute(
            sa.select(R.c.window_start, R.c.failures).where(R.c.key == key).with_for_update()
        ).one_or_none()

    @staticmethod
    def _refusal(limit: Limit, elapsed: float) -> RateLimitedError:
        retry_after = limit.window_s - elapsed
        return RateLimitedError(limit.refusal.format(wait=_wait(retry_after)), retry_after)
