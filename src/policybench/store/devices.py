"""Devices: a reload keeps a facilitator signed in, and a participant's join link opened again
on a device they used leads back to their own submission.

The app gives each browser a random ``pb_device`` cookie (HttpOnly, never in an address;
:mod:`policybench.ui.http`). A facilitator who signs in is remembered on that device for
:data:`FACILITATOR_SESSION_HOURS` hours (:meth:`Devices.resume_facilitator`); a participant is
remembered on each device they use (:meth:`Devices.rejoin`). The store keeps only the cookie's
SHA-256, and the participant's token encrypted under a key derived from the cookie itself, so
the database alone gives neither back.

Part of :class:`~policybench.store.workshops.Workshops` (see
:mod:`policybench.store.workshop_base` for how the class is put together).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from policybench.store.db import as_utc, utcnow
from policybench.store.schema import facilitator_sessions as FS
from policybench.store.schema import participant_devices as PD
from policybench.store.schema import participants as PT
from policybench.store.schema import workshops as W
from policybench.store.workshop_base import (
    _GRANT,
    Facilitator,
    ParticipantPass,
    WorkshopBase,
    _canonical_or_refuse,
    _token_hash,
    normalize_code,
)

#: How long a facilitator stays signed in on a device after signing in there: a workshop day.
FACILITATOR_SESSION_HOURS = 12
#: A device id's length bounds (the app makes 43 characters: ``secrets.token_urlsafe(32)``).
_DEVICE_LENGTH = (32, 128)
_DEVICE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_BOX_LABEL = b"policybench participant link\x00"


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


class Devices(WorkshopBase):
    """Remembered facilitators and participants, per device."""

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
