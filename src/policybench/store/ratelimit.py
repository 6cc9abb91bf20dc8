"""A small rate limiter kept in the database, so several app servers share one count.

A key (e.g. "wrong passphrase for workshop X from client Y") may fail ``max_failures`` times
in a window of ``window_s`` seconds; after that, :meth:`RateLimiter.check` refuses it until the
window (which starts at its first failure) has passed. A success can :meth:`reset` it. Client
keys (an address, a session id) are hashed before they are stored.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from policybench.store.db import Database
from policybench.store.errors import RateLimitedError
from policybench.store.schema import rate_limits as R


@dataclass(frozen=True)
class Limit:
    max_failures: int
    window_s: float
    refusal: str  # what the user is told; "{wait}" becomes e.g. "4 minutes"


_KEEP_S = 24 * 3600  # rows older than this are dropped when a failure is recorded

#: Wrong facilitator passphrases, per workshop and client.
PASSPHRASE = Limit(5, 15 * 60, "too many wrong passphrases; try again in {wait}")
#: Unknown or mistyped join codes, per client.
UNKNOWN_CODE = Limit(10, 10 * 60, "too many unknown workshop codes; try again in {wait}")


def client_key(client: str) -> str:
    """A fixed-length stand-in for a client's address or session id."""
    return hashlib.sha256(client.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _wait(seconds: float) -> str:
    if seconds <= 90:
        return f"{max(1, math.ceil(seconds))} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


class RateLimiter:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

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
            retry_after = limit.window_s - (now - start)
            raise RateLimitedError(limit.refusal.format(wait=_wait(retry_after)), retry_after)

    def failure(self, key: str, limit: Limit) -> int:
        """Count one failure for ``key``; returns the failures in the current window."""
        now = self._clock()

        def tx(conn: Connection) -> int:
            conn.execute(sa.delete(R).where(R.c.window_start < now - _KEEP_S, R.c.key != key))
            row = conn.execute(
                sa.select(R.c.window_start, R.c.failures).where(R.c.key == key).with_for_update()
            ).one_or_none()
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
