"""Workshops: storage and the rules of a live weighting session (the pages come later).

- A facilitator creates a workshop (title, the options and criteria in play, a passphrase
  stored as an argon2id hash) and gets a **join code**: 13 characters drawn with ``secrets``
  from Crockford's base-32 alphabet (``0-9 A-Z`` without ``I L O U``), i.e. 65 bits, URL-safe
  as it is. People may type it in lower case, with spaces or dashes, and with ``O`` for ``0``
  or ``I``/``L`` for ``1``: :func:`normalize_code` reads all of those.
- A participant joins with a display name and gets a **token** (``secrets.token_urlsafe(32)``),
  returned once; only its SHA-256 is stored. Every participant call takes (code, token), so a
  participant reads and changes only their own submission, and sees the others' weights (never
  their names) only once the facilitator has revealed the results.
- States: ``open`` (joining and submitting) → ``locked`` → ``revealed`` → ``closed``;
  ``reopen`` takes ``locked`` back to ``open``; ``close`` is allowed from any state.
- Wrong passphrases (per workshop and browser session, and per workshop in all) and unknown
  codes (per client) are counted in the database and refused for a while once over
  :mod:`~policybench.store.ratelimit`'s limits. Only wrong secrets count and only they are
  ever refused: a valid code is never throttled (65 random bits need no throttling to be
  safe; docs/SECURITY.md gives the arithmetic), and a passphrase attempt is reserved before
  the hash, so a refused attempt never reaches argon2. At most :data:`HASHES_AT_ONCE`
  passphrase hashes run at once in a process.
- **Devices**: the app gives each browser a random ``pb_device`` cookie (HttpOnly, never in
  an address; :mod:`policybench.ui.http`). A facilitator who signs in is remembered on that
  device for :data:`FACILITATOR_SESSION_HOURS` hours (:meth:`Workshops.resume_facilitator`),
  so a reload keeps them in their workshop; a participant is remembered on each device they
  use, so the join link opened again there leads back to their own submission
  (:meth:`Workshops.rejoin`). The store keeps only the cookie's SHA-256, and the participant's
  token encrypted under a key derived from the cookie itself, so the database alone gives
  neither back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from policybench.store import checks
from policybench.store.db import Database, as_utc, utcnow
from policybench.store.errors import (
    InvalidValueError,
    ParticipantTokenError,
    RateLimitedError,
    WorkshopError,
    WorkshopNotFound,
    WorkshopStateError,
    WrongPassphraseError,
)
from policybench.store.ratelimit import PASSPHRASE, PASSPHRASE_ALL, UNKNOWN_CODE, RateLimiter
from policybench.store.schema import CODE_LENGTH, DISPLAY_NAME_MAX, TITLE_MAX
from policybench.store.schema import facilitator_sessions as FS
from policybench.store.schema import participant_devices as PD
from policybench.store.schema import participants as PT
from policybench.store.schema import submissions as S
from policybench.store.schema import workshops as W

if TYPE_CHECKING:
    from policybench.catalog import Catalog

#: Crockford's base 32: digits and capitals without I, L, O and U.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_BITS = CODE_LENGTH * 5
REASON_MAX = 280
PASSPHRASE_MIN = 8
PASSPHRASE_MAX = 1024
_READ_AS = {"O": "0", "I": "1", "L": "1"}

_hasher = PasswordHasher()  # argon2id, RFC 9106's low-memory profile (64 MiB, t=3, p=4)
#: Passphrase hashes running at once in one process (each holds 64 MiB while it runs): a burst
#: of sign-ins queues here instead of taking the server's memory.
HASHES_AT_ONCE = 2
_HASH_WAIT_S = 10.0
_hash_slots = threading.BoundedSemaphore(HASHES_AT_ONCE)
_GRANT = object()  # only this module hands out Facilitator handles
#: How long a facilitator stays signed in on a device after signing in there: a workshop day.
FACILITATOR_SESSION_HOURS = 12
#: A device id's length bounds (the app makes 43 characters: ``secrets.token_urlsafe(32)``).
_DEVICE_LENGTH = (32, 128)
_DEVICE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_BOX_LABEL = b"policybench participant link\x00"


def new_code() -> str:
    """A fresh join code: 13 characters of :data:`ALPHABET` from ``secrets`` (65 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str | None:
    """The canonical code for what someone typed, or None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    cleaned = "".join(ch for ch in text.upper() if ch not in " -_.\t")
    cleaned = "".join(_READ_AS.get(ch, ch) for ch in cleaned)
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def format_code(code: str) -> str:
    """For reading aloud and the projector: ``ABCD-EFGH-JKMNP``."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def device_hash(device: object) -> str | None:
    """The SHA-256 of a device id as the store keeps it; None for anything that is not one
    (the app's cookie is 43 URL-safe characters; a forged or truncated one is ignored)."""
    if not isinstance(device, str):
        return None
    low, high = _DEVICE_LENGTH
    if not low <= len(device) <= high or not set(device) <= _DEVICE_CHARS:
        return None
    return hashlib.sha256(device.encode("ascii")).hexdigest()


def _pad(device: str, nonce: bytes, length: int) -> bytes:
    return hmac.new(device.encode("ascii"), _BOX_LABEL + nonce, hashlib.sha512).digest()[:length]


def _box(token: str, device: str) -> str:
    """``token`` encrypted for ``device``: a fresh 16-byte nonce and the token XORed with an
    HMAC-SHA-512 keystream under the device id (which only the browser holds)."""
    data = token.encode("ascii")
    nonce = secrets.token_bytes(16)
    pad = _pad(device, nonce, len(data))
    return nonce.hex() + bytes(a ^ b for a, b in zip(data, pad, strict=True)).hex()


def _unbox(box: str, device: str) -> str | None:
    try:
        raw = bytes.fromhex(box)
        nonce, data = raw[:16], raw[16:]
        pad = _pad(device, nonce, len(data))
        return bytes(a ^ b for a, b in zip(data, pad, strict=True)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class Workshop:
    code: str
    title: str
    options: tuple[str, ...]
    criteria: tuple[str, ...]
    state: str
    created_at: datetime
    updated_at: datetime
    catalog_fingerprint: str | None = None
    revealed_at: datetime | None = None

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def results_visible(self) -> bool:
        """Whether participants may see the group's result."""
        return self.revealed_at is not None


@dataclass(frozen=True)
class Facilitator:
    """Proof that the facilitator's passphrase was checked (from :meth:`Workshops.create`
    or :meth:`Workshops.verify_facilitator`); the app keeps it in the facilitator's session."""

    code: str
    workshop_id: int
    _grant: object = field(repr=False, compare=False)


@dataclass(frozen=True)
class ParticipantPass:
    """What :meth:`Workshops.join` returns once: keep ``token`` (the app puts it in the
    participant's session); it is not stored and cannot be shown again."""

    code: str
    display_name: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class Submission:
    display_name: str
    weights: dict[str, float]
    reasons: dict[str, str]
    revision: int
    submitted_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Participant:
    display_name: str
    joined_at: datetime
    submitted: bool
    revision: int = 0


_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "lock": (frozenset({"open"}), "locked"),
    "reopen": (frozenset({"locked"}), "open"),
    "reveal": (frozenset({"locked"}), "revealed"),
    "close": (frozenset({"open", "locked", "revealed"}), "closed"),
}
_HINTS = {
    ("reveal", "open"): "lock the round first",
    ("reopen", "revealed"): "the results are already revealed",
}


class Workshops:
    """The workshop operations of a :class:`~policybench.store.Store` (``store.workshops``)."""

    def __init__(
        self, db: Database, limiter: RateLimiter, clock: Callable[[], float] = time.time
    ) -> None:
        self._db = db
        self._limiter = limiter
        self._clock = clock

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

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
        row = self._db.run(
            lambda conn: conn.execute(
                sa.select(W.c.id, W.c.passphrase_hash).where(W.c.code == canonical)
            ).one(),
            write=False,
            action="open the workshop",
        )
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
        if _hasher.check_needs_rehash(row.passphrase_hash):  # pragma: no cover - parameters changed
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

    def remember_facilitator(self, facilitator: Facilitator, device: str) -> datetime | None:
        """Keep this facilitator signed in on ``device`` (the browser's ``pb_device`` cookie)
        for :data:`FACILITATOR_SESSION_HOURS` hours; returns when that ends (None for a device
        id that is not one, which is not remembered)."""
        wid = self._granted(facilitator)
        digest = device_hash(device)
        if digest is None:
            return None
        now = self._now()
        ends = now + timedelta(hours=FACILITATOR_SESSION_HOURS)

        def tx(conn: Connection) -> None:
            conn.execute(sa.delete(FS).where(FS.c.expires_at < now))
            conn.execute(sa.delete(FS).where(FS.c.workshop_id == wid, FS.c.device_hash == digest))
            conn.execute(
                sa.insert(FS).values(
                    workshop_id=wid, device_hash=digest, created_at=now, expires_at=ends
                )
            )

        self._db.run(tx, write=True, action="remember the sign-in", retry_unique=True)
        return ends

    def resume_facilitator(self, device: str, code: str | None = None) -> Facilitator | None:
        """The facilitator handle remembered on ``device`` (for the workshop ``code``, or the
        one signed in to last), or None: nothing remembered, expired, or not a device id."""
        digest = device_hash(device)
        canonical = normalize_code(code) if code else None
        if digest is None or (code and canonical is None):
            return None
        now = self._now()

        def tx(conn: Connection) -> Any:
            query = (
                sa.select(W.c.id, W.c.code, FS.c.expires_at)
                .join(FS, FS.c.workshop_id == W.c.id)
                .where(FS.c.device_hash == digest)
                .order_by(FS.c.created_at.desc(), FS.c.id.desc())
            )
            if canonical is not None:
                query = query.where(W.c.code == canonical)
            return conn.execute(query).all()

        rows = self._db.run(tx, write=False, action="open the workshop")
        for row in rows:
            if as_utc(row.expires_at) > now:
                return Facilitator(row.code, int(row.id), _GRANT)
        return None

    def forget_facilitator(self, facilitator: Facilitator, device: str) -> None:
        """Sign this facilitator out on ``device`` (a reload there asks for the passphrase)."""
        wid = self._granted(facilitator)
        digest = device_hash(device)
        if digest is None:
            return
        self._db.run(
            lambda conn: conn.execute(
                sa.delete(FS).where(FS.c.workshop_id == wid, FS.c.device_hash == digest)
            ),
            write=True,
            action="sign out",
        )

    def lock(self, facilitator: Facilitator) -> Workshop:
        """Stop submissions (a participant's last submitted weights count)."""
        return self._transition(facilitator, "lock")

    def reopen(self, facilitator: Facilitator) -> Workshop:
        return self._transition(facilitator, "reopen")

    def reveal(self, facilitator: Facilitator) -> Workshop:
        """Let participants see the group's result."""
        return self._transition(facilitator, "reveal")

    def close(self, facilitator: Facilitator) -> Workshop:
        return self._transition(facilitator, "close")

    def submissions(self, facilitator: Facilitator) -> list[Submission]:
        """Every submission with its participant's name, in the order they joined."""
        wid = self._granted(facilitator)

        def tx(conn: Connection) -> list[Submission]:
            rows = conn.execute(
                sa.select(PT.c.display_name, S)
                .join(S, S.c.participant_id == PT.c.id)
                .where(PT.c.workshop_id == wid)
                .order_by(PT.c.joined_at, PT.c.id)
            ).all()
            return [_submission(r) for r in rows]

        return self._db.run(tx, write=False, action="read the submissions")

    def participants(self, facilitator: Facilitator) -> list[Participant]:
        """Everyone who joined, and whether they have submitted."""
        wid = self._granted(facilitator)

        def tx(conn: Connection) -> list[Participant]:
            rows = conn.execute(
                sa.select(PT.c.display_name, PT.c.joined_at, S.c.revision)
                .outerjoin(S, S.c.participant_id == PT.c.id)
                .where(PT.c.workshop_id == wid)
                .order_by(PT.c.joined_at, PT.c.id)
            ).all()
            return [
                Participant(
                    r.display_name,
                    as_utc(r.joined_at),
                    r.revision is not None,
                    int(r.revision or 0),
                )
                for r in rows
            ]

        return self._db.run(tx, write=False, action="read the participants")

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
                raise WorkshopError(
                    f"the name {shown!r} is already taken in this workshop; choose another"
                )
            try:
                result = conn.execute(
                    sa.insert(PT).values(
                        workshop_id=row.id,
                        display_name=shown,
                        token_hash=_token_hash(token),
                        joined_at=utcnow(),
                    )
                )
            except IntegrityError:
                raise WorkshopError(
                    f"the name {shown!r} is already taken in this workshop; choose another"
                ) from None
            inserted = result.inserted_primary_key
            if digest is not None and inserted is not None:
                self._remember_device(conn, int(inserted[0]), token, device, digest)
            return ParticipantPass(canonical, shown, token)

        return self._db.run(tx, write=True, action="join the workshop")

    # -- a participant (code + token) --------------------------------------------------------

    def participant(self, code: str, token: str) -> Participant:
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> Participant:
            w = self._row(conn, canonical)
            p = self._participant(conn, w.id, token)
            rev = conn.execute(sa.select(S.c.revision).where(S.c.participant_id == p.id)).scalar()
            return Participant(p.display_name, as_utc(p.joined_at), rev is not None, int(rev or 0))

        return self._db.run(tx, write=False, action="open the workshop")

    def remember_device(self, code: str, token: str, device: str) -> bool:
        """Remember the participant of this (valid) personal link on ``device`` too (or again,
        as the last one used there), so that the join link opened there leads back to them;
        False if ``device`` is not a device id. A wrong token is refused like everywhere else."""
        canonical = _canonical_or_refuse(code)
        digest = device_hash(device)
        if digest is None:
            return False

        def tx(conn: Connection) -> None:
            w = self._row(conn, canonical)
            p = self._participant(conn, w.id, token)
            known = conn.execute(
                sa.select(PD.c.id).where(PD.c.participant_id == p.id, PD.c.device_hash == digest)
            ).first()
            if known is None:
                self._remember_device(conn, int(p.id), token, device, digest)
            else:  # the last one used on this device is the one the join link leads back to
                conn.execute(sa.update(PD).where(PD.c.id == known.id).values(last_used_at=utcnow()))

        self._db.run(tx, write=True, action="remember this device", retry_unique=True)
        return True

    def rejoin(self, code: str, device: str) -> ParticipantPass | None:
        """The participant who last joined (or opened their personal link) on ``device`` in
        this workshop, with their token, or None. Only the browser holding the device's
        cookie can ask: the token is stored encrypted under it."""
        canonical = normalize_code(code)
        digest = device_hash(device)
        if canonical is None or digest is None:
            return None

        def tx(conn: Connection) -> list[Any]:
            return list(
                conn.execute(
                    sa.select(PT.c.display_name, PT.c.token_hash, PD.c.token_box)
                    .join(PD, PD.c.participant_id == PT.c.id)
                    .join(W, W.c.id == PT.c.workshop_id)
                    .where(W.c.code == canonical, PD.c.device_hash == digest)
                    .order_by(PD.c.last_used_at.desc(), PD.c.id.desc())
                ).all()
            )

        for row in self._db.run(tx, write=False, action="open the workshop"):
            token = _unbox(row.token_box, device)
            if token is not None and hmac.compare_digest(_token_hash(token), row.token_hash):
                return ParticipantPass(canonical, row.display_name, token)
        return None

    def _remember_device(
        self, conn: Connection, participant_id: int, token: str, device: str, digest: str
    ) -> None:
        conn.execute(
            sa.insert(PD).values(
                participant_id=participant_id,
                device_hash=digest,
                token_box=_box(token, device),
                last_used_at=utcnow(),
            )
        )

    def submit(
        self,
        code: str,
        token: str,
        weights: Mapping[str, float],
        reasons: Mapping[str, str] | None = None,
    ) -> Submission:
        """Submit, or revise, this participant's weights while the round is open.

        ``weights`` must name exactly the workshop's criteria; ``reasons`` may give a short
        reason (at most 280 characters) for any of them.
        """
        canonical = _canonical_or_refuse(code)
        checked = checks.weights(weights)
        notes = _reasons(reasons)

        def tx(conn: Connection) -> Submission:
            w = self._row(conn, canonical, share=True)  # a lock waits for us, or we see it
            p = self._participant(conn, w.id, token)
            if w.state != "open":
                raise WorkshopStateError(
                    f"the round is {w.state}: submissions can no longer be changed"
                    + (" unless the facilitator reopens it" if w.state == "locked" else "")
                )
            criteria = checks.loads(w.criteria)
            ordered = _match_criteria(checked, criteria)
            unknown = [c for c in notes if c not in criteria]
            if unknown:
                raise InvalidValueError(
                    f"a reason names unknown criteria: {', '.join(map(repr, unknown))}"
                )
            now = utcnow()
            old = conn.execute(
                sa.select(S).where(S.c.participant_id == p.id).with_for_update()
            ).one_or_none()
            if old is None:
                conn.execute(
                    sa.insert(S).values(
                        participant_id=p.id,
                        weights=checks.dumps(ordered),
                        reasons=checks.dumps(notes),
                        revision=1,
                        submitted_at=now,
                        updated_at=now,
                    )
                )
                return Submission(p.display_name, ordered, notes, 1, now, now)
            revision = int(old.revision) + 1
            conn.execute(
                sa.update(S)
                .where(S.c.participant_id == p.id)
                .values(
                    weights=checks.dumps(ordered),
                    reasons=checks.dumps(notes),
                    revision=revision,
                    updated_at=now,
                )
            )
            return Submission(
                p.display_name, ordered, notes, revision, as_utc(old.submitted_at), now
            )

        return self._db.run(tx, write=True, action="save your weights", retry_unique=True)

    def my_submission(self, code: str, token: str) -> Submission | None:
        """This participant's own submission (None before the first one)."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> Submission | None:
            w = self._row(conn, canonical)
            p = self._participant(conn, w.id, token)
            row = conn.execute(
                sa.select(PT.c.display_name, S)
                .join(S, S.c.participant_id == PT.c.id)
                .where(PT.c.id == p.id)
            ).one_or_none()
            return None if row is None else _submission(row)

        return self._db.run(tx, write=False, action="read your weights")

    def group_weights(self, code: str, token: str) -> list[dict[str, float]]:
        """Everyone's submitted weights, without names, once the results are revealed."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> list[dict[str, float]]:
            w = self._row(conn, canonical)
            self._participant(conn, w.id, token)
            if w.revealed_at is None:
                raise WorkshopStateError("the facilitator has not revealed the group's result yet")
            rows = conn.execute(
                sa.select(S.c.weights)
                .join(PT, S.c.participant_id == PT.c.id)
                .where(PT.c.workshop_id == w.id)
                .order_by(PT.c.id)
            ).scalars()
            return [checks.loads(text) for text in rows]

        return self._db.run(tx, write=False, action="read the group's result")

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
            self._limiter.reserve(f"code:{self._limiter.client_key(client)}", UNKNOWN_CODE)
            raise WorkshopNotFound("no workshop has that code; check it with the facilitator")
        return canonical

    def _row(
        self, conn: Connection, code: str, *, share: bool = False, update: bool = False
    ) -> Any:
        query = sa.select(W).where(W.c.code == code)
        if update:
            query = query.with_for_update()
        elif share:
            query = query.with_for_update(read=True)
        row = conn.execute(query).one_or_none()
        if row is None:
            raise WorkshopNotFound("no workshop has that code; check it with the facilitator")
        return row

    def _participant(self, conn: Connection, workshop_id: int, token: str) -> Any:
        if not isinstance(token, str) or not token or len(token) > 200:
            raise ParticipantTokenError(
                "this participant link is not valid for this workshop; join again"
            )
        row = conn.execute(
            sa.select(PT).where(
                PT.c.token_hash == _token_hash(token), PT.c.workshop_id == workshop_id
            )
        ).one_or_none()
        if row is None:
            raise ParticipantTokenError(
                "this participant link is not valid for this workshop; join again"
            )
        return row

    def _granted(self, facilitator: Facilitator) -> int:
        if not isinstance(facilitator, Facilitator) or facilitator._grant is not _GRANT:
            raise WrongPassphraseError(
                "only the facilitator can do that; enter the passphrase first"
            )
        return facilitator.workshop_id

    def _transition(self, facilitator: Facilitator, action: str) -> Workshop:
        self._granted(facilitator)
        allowed, target = _TRANSITIONS[action]

        def tx(conn: Connection) -> Workshop:
            row = self._row(conn, facilitator.code, update=True)
            if row.state not in allowed:
                hint = _HINTS.get((action, row.state))
                raise WorkshopStateError(
                    f"cannot {action} the workshop: it is {row.state}"
                    + (f"; {hint}" if hint else "")
                )
            now = utcnow()
            values: dict[str, Any] = {"state": target, "updated_at": now}
            if target == "revealed":
                values["revealed_at"] = now
            conn.execute(sa.update(W).where(W.c.id == row.id).values(**values))
            return _workshop(self._row(conn, facilitator.code))

        return self._db.run(tx, write=True, action=f"{action} the workshop")


def _canonical_or_refuse(code: str) -> str:
    canonical = normalize_code(code)
    if canonical is None:
        raise WorkshopNotFound("no workshop has that code; check it with the facilitator")
    return canonical


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
    if len(value) > PASSPHRASE_MAX:
        raise InvalidValueError(f"the passphrase is too long (at most {PASSPHRASE_MAX} characters)")
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


def _match_criteria(weights: dict[str, float], criteria: list[str]) -> dict[str, float]:
    unknown = [c for c in weights if c not in criteria]
    missing = [c for c in criteria if c not in weights]
    if unknown:
        raise InvalidValueError(
            f"unknown criterion {', '.join(map(repr, unknown))}; "
            f"this workshop's criteria are: {', '.join(criteria)}"
        )
    if missing:
        raise InvalidValueError(
            f"weights must name every criterion in play; missing: {', '.join(missing)}"
        )
    return {c: weights[c] for c in criteria}


def _reasons(reasons: Mapping[str, str] | None) -> dict[str, str]:
    if reasons is None:
        return {}
    if not isinstance(reasons, Mapping):
        raise InvalidValueError("reasons must map criterion ids to short texts")
    out: dict[str, str] = {}
    for key, text in reasons.items():
        cid = checks.ident(key, "a criterion id")
        note = checks.visible(
            checks.long_text(text, f"the reason for {cid!r}", max_len=REASON_MAX)
        ).strip()
        if note:
            out[cid] = note
    return out


def _workshop(row: Any) -> Workshop:
    return Workshop(
        code=row.code,
        title=row.title,
        options=tuple(checks.loads(row.options)),
        criteria=tuple(checks.loads(row.criteria)),
        state=row.state,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        catalog_fingerprint=row.catalog_fingerprint,
        revealed_at=None if row.revealed_at is None else as_utc(row.revealed_at),
    )


def _submission(row: Any) -> Submission:
    return Submission(
        display_name=row.display_name,
        weights=checks.loads(row.weights),
        reasons=checks.loads(row.reasons),
        revision=int(row.revision),
        submitted_at=as_utc(row.submitted_at),
        updated_at=as_utc(row.updated_at),
    )
