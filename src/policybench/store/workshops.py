"""Workshops: storage and the rules of a live weighting session.

- A facilitator creates a workshop (title, the options and criteria in play, a passphrase
  stored as an argon2id hash) and gets a **join code**: 13 characters drawn with ``secrets``
  from Crockford's base-32 alphabet (``0-9 A-Z`` without ``I L O U``), i.e. 65 bits, URL-safe
  as it is. People may type it in lower case, with spaces or dashes, and with ``O`` for ``0``
  or ``I``/``L`` for ``1``: :func:`normalize_code` reads all of those.
- A participant joins with a display name and gets a **token** (``secrets.token_urlsafe(32)``),
  returned once; only its SHA-256 is stored. Every participant call takes (code, token), so a
  participant reads and changes only their own submissions and challenges, and sees the
  others' weights and challenges (never their names) only once the facilitator has revealed
  a round's result.
- Rounds and states (:mod:`~policybench.store.rounds`): ``open`` → ``locked`` → ``revealed``
  → ``closed``, and from ``revealed`` the next round; one submission per participant and round.
- Score challenges and the facilitator's decisions: :mod:`~policybench.store.challenges`.
- Devices (a reload keeps your place): :mod:`~policybench.store.devices`.
- Wrong passphrases (per workshop and browser session, and per workshop in all) and unknown
  codes (per client) are counted in the database and refused for a while once over
  :mod:`~policybench.store.ratelimit`'s limits. Only wrong secrets count and only they are
  ever refused: a valid code is never throttled (65 random bits need no throttling to be
  safe; docs/SECURITY.md gives the arithmetic), and a passphrase attempt is reserved before
  the hash, so a refused attempt never reaches argon2. At most :data:`HASHES_AT_ONCE`
  passphrase hashes run at once in a process.

:class:`Workshops` is the one API (``store.workshops``); this module holds its facilitator's
passphrase and joining, and puts the class together from the modules above (the reasons are
in :mod:`policybench.store.workshop_base`). Every name callers imported from here before the
split still imports from here.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from policybench.store import checks
from policybench.store.challenges import CHALLENGES_MAX, Challenge, Challenges, ScoreDecision
from policybench.store.db import utcnow
from policybench.store.devices import FACILITATOR_SESSION_HOURS, Devices, device_hash
from policybench.store.errors import (
    InvalidValueError,
    RateLimitedError,
    WorkshopError,
    WorkshopNotFound,
    WorkshopStateError,
    WrongPassphraseError,
)
from policybench.store.ratelimit import PASSPHRASE, PASSPHRASE_ALL
from policybench.store.rounds import REASON_MAX, Rounds
from policybench.store.schema import DISPLAY_NAME_MAX, TITLE_MAX
from policybench.store.schema import participants as PT
from policybench.store.schema import workshops as W
from policybench.store.workshop_base import (
    _GRANT,
    ALPHABET,
    CODE_BITS,
    Facilitator,
    Participant,
    ParticipantPass,
    Submission,
    Workshop,
    _token_hash,
    _workshop,
    format_code,
    new_code,
    normalize_code,
)

if TYPE_CHECKING:
    from policybench.catalog import Catalog

__all__ = [
    "ALPHABET",
    "CHALLENGES_MAX",
    "CODE_BITS",
    "FACILITATOR_SESSION_HOURS",
    "HASHES_AT_ONCE",
    "PASSPHRASE_MAX",
    "PASSPHRASE_MIN",
    "REASON_MAX",
    "Challenge",
    "Facilitator",
    "Participant",
    "ParticipantPass",
    "ScoreDecision",
    "Submission",
    "Workshop",
    "Workshops",
    "device_hash",
    "format_code",
    "new_code",
    "normalize_code",
]

PASSPHRASE_MIN = 8
PASSPHRASE_MAX = 1024

_hasher = PasswordHasher()  # argon2id, RFC 9106's low-memory profile (64 MiB, t=3, p=4)
#: Passphrase hashes running at once in one process (each holds 64 MiB while it runs): a burst
#: of sign-ins queues here instead of taking the server's memory.
HASHES_AT_ONCE = 2
_HASH_WAIT_S = 10.0
_hash_slots = threading.BoundedSemaphore(HASHES_AT_ONCE)


class Workshops(Devices, Rounds, Challenges):
    """The workshop operations of a :class:`~policybench.store.Store` (``store.workshops``)."""

    # -- facilitator ----------------------------------------------------------------------

    def create(
        self,
        title: str,
        *,
        options: Sequence[str],
        criteria: Sequence[str],
        passphrase: str,
        catalog: Catalog | None = None,
    ) -> Facilitator:
        """Create an open workshop; returns the facilitator's handle (``.code``: the join code)."""
        title = checks.line(title, "a workshop title", max_len=TITLE_MAX)
        option_ids = _ids(options, "options", minimum=2)
        criterion_ids = _ids(criteria, "criteria", minimum=2)
        if catalog is not None:
            unknown = [o for o in option_ids if o not in catalog.options_by_id]
            if unknown:
                raise InvalidValueError(
                    f"unknown option(s) {', '.join(map(repr, unknown))}; "
                    f"the options are: {', '.join(catalog.option_ids)}"
                )
            unknown = [c for c in criterion_ids if c not in catalog.criteria_by_id]
            if unknown:
                raise InvalidValueError(
                    f"unknown criteria {', '.join(map(repr, unknown))}; "
                    f"the criteria are: {', '.join(catalog.criterion_ids)}"
                )
        digest = _hasher.hash(_passphrase(passphrase))
        fingerprint = catalog.fingerprint if catalog is not None else None

        def tx(conn: Connection) -> Facilitator:
            now = utcnow()
            code = new_code()
            result = conn.execute(
                sa.insert(W).values(
                    code=code,
                    title=title,
                    options=checks.dumps(option_ids),
                    criteria=checks.dumps(criterion_ids),
                    passphrase_hash=digest,
                    state="open",
                    current_round=1,
                    catalog_fingerprint=fingerprint,
                    created_at=now,
                    updated_at=now,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return Facilitator(code, int(key[0]), _GRANT)

        # A code collision (2^-65 per pair) fails the unique key and runs again with a new code.
        return self._db.run(tx, write=True, action="create the workshop", retry_unique=True)

    def verify_facilitator(
        self, code: str, passphrase: str, *, client: str = "", session: str = ""
    ) -> Facilitator:
        """Check the passphrase; refused plainly when wrong.

        ``session`` names the browser session asking (the app passes Streamlit's session id):
        wrong passphrases count against that session and against the workshop in all, never
        against a shared address, so nobody else in the room can lock the facilitator out of
        their own session. The attempt is reserved before the hash; a success gives it back.
        """
        canonical = self._known_code(code, client)
        mine = f"pass:{canonical}:{self._limiter.client_key(f'{client}|{session}')}"
        everyone = f"passall:{canonical}"
        self._limiter.reserve(mine, PASSPHRASE)
        try:
            self._limiter.reserve(everyone, PASSPHRASE_ALL)
        except RateLimitedError:
            self._limiter.release(mine)
            raise
        try:
            row = self._db.run(
                lambda conn: conn.execute(
                    sa.select(W.c.id, W.c.passphrase_hash).where(W.c.code == canonical)
                ).one(),
                write=False,
                action="open the workshop",
            )
        except BaseException:
            # a store that cannot answer is not a wrong passphrase: a few failed reads must
            # not lock the facilitator out of their own workshop
            self._limiter.release(mine)
            self._limiter.release(everyone)
            raise
        if not _hash_slots.acquire(timeout=_HASH_WAIT_S):
            self._limiter.release(mine)
            self._limiter.release(everyone)
            raise RateLimitedError(
                "the server is busy checking passphrases; try again in a few seconds", 5.0
            )
        try:
            _hasher.verify(row.passphrase_hash, _as_bytes(passphrase))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            left = self._limiter.remaining(mine, PASSPHRASE)
            hint = f" ({left} attempt{'s' if left != 1 else ''} left)" if left else ""
            raise WrongPassphraseError(f"wrong passphrase{hint}") from None
        finally:
            _hash_slots.release()
        self._limiter.reset(mine)
        self._limiter.release(everyone)
        # a hash made under older hashing parameters is replaced while the passphrase is known
        if _hasher.check_needs_rehash(row.passphrase_hash):
            fresh = _hasher.hash(passphrase)
            self._db.run(
                lambda c: c.execute(
                    sa.update(W).where(W.c.id == row.id).values(passphrase_hash=fresh)
                ),
                write=True,
                action="save",
            )
        return Facilitator(canonical, int(row.id), _GRANT)

    def unlock(self, code: str) -> int:
        """Forget every wrong-passphrase count of a workshop (for whoever runs the server,
        when someone has run the workshop's limit down: `policybench workshop unlock CODE`).
        Returns how many counts were cleared; an unknown code is refused."""
        canonical = normalize_code(code)
        exists = canonical is not None and self._db.run(
            lambda conn: (
                conn.execute(sa.select(W.c.id).where(W.c.code == canonical)).first() is not None
            ),
            write=False,
            action="open the workshop",
        )
        if not exists or canonical is None:
            raise WorkshopNotFound(
                "no workshop has that code; check it with `policybench workshop list`"
            )
        cleared = self._limiter.reset_prefix(f"pass:{canonical}:")
        return cleared + self._limiter.reset_prefix(f"passall:{canonical}")

    # -- anyone with the code ---------------------------------------------------------------

    def get(self, code: str, *, client: str = "") -> Workshop:
        """The workshop a code opens; unknown codes are refused plainly and rate-limited."""
        canonical = self._known_code(code, client)
        return self._db.run(
            lambda conn: _workshop(self._row(conn, canonical)),
            write=False,
            action="open the workshop",
        )

    def join(
        self, code: str, display_name: str, *, client: str = "", device: str = ""
    ) -> ParticipantPass:
        """Join an open workshop under ``display_name`` (unique within the workshop); with a
        ``device``, remember the participant there (:meth:`rejoin`)."""
        canonical = self._known_code(code, client)
        shown = checks.display_name(display_name, max_len=DISPLAY_NAME_MAX)
        key = checks.name_key(shown)
        token = secrets.token_urlsafe(32)
        digest = device_hash(device)

        def tx(conn: Connection) -> ParticipantPass:
            # The workshop's row is locked for the whole join, so two people joining at once
            # as "Aiko" and "ａｉｋｏ" queue and the second sees the first.
            row = self._row(conn, canonical, update=True)
            if row.state != "open":
                raise WorkshopStateError(
                    f"this workshop is {row.state} and is not taking new participants"
                )
            names = conn.execute(
                sa.select(PT.c.display_name).where(PT.c.workshop_id == row.id)
            ).scalars()
            if any(checks.name_key(n) == key for n in names):
                raise _name_taken(shown)
            try:
                result = conn.execute(
                    sa.insert(PT).values(
                        workshop_id=row.id,
                        display_name=shown,
                        token_hash=_token_hash(token),
                        joined_at=utcnow(),
                    )
                )
            except IntegrityError:  # another join of the same name won the race
                raise _name_taken(shown) from None
            inserted = result.inserted_primary_key
            if digest is not None and inserted is not None:
                self._remember_device(conn, int(inserted[0]), token, device, digest)
            return ParticipantPass(canonical, shown, token)

        return self._db.run(tx, write=True, action="join the workshop")

    # -- internals --------------------------------------------------------------------------

    def _known_code(self, code: str, client: str) -> str:
        """The canonical code if a workshop has it; else count a failure and refuse plainly.

        A valid code is never throttled, whatever the client did before: only unknown codes
        count, and only they are refused once the client is over the limit."""
        canonical = normalize_code(code)
        exists = canonical is not None and self._db.run(
            lambda conn: (
                conn.execute(sa.select(W.c.id).where(W.c.code == canonical)).first() is not None
            ),
            write=False,
            action="open the workshop",
        )
        if not exists or canonical is None:
            raise self._unknown_code(client)
        return canonical


def _name_taken(shown: str) -> WorkshopError:
    return WorkshopError(f"the name {shown!r} is already taken in this workshop; choose another")


def _as_bytes(value: object) -> bytes:
    """What argon2 hashes: UTF-8, with anything unencodable kept distinct (never a crash)."""
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else b""


def _passphrase(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidValueError("the passphrase must be text")
    checks.long_text(value, "the passphrase", max_len=PASSPHRASE_MAX)
    if len(value) < PASSPHRASE_MIN:
        raise InvalidValueError(
            f"the passphrase is too short: use at least {PASSPHRASE_MIN} characters"
        )
    return value


def _ids(values: Sequence[str], what: str, *, minimum: int) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise InvalidValueError(f"the workshop's {what} must be a list of ids")
    out = [checks.ident(v, f"an id in {what}") for v in values]
    if len(set(out)) != len(out):
        raise InvalidValueError(f"the workshop's {what} name an id twice")
    if len(out) < minimum:
        raise InvalidValueError(f"a workshop needs at least {minimum} {what}")
    return out
