"""What every workshop operation shares: the records it returns, the join codes, and the checks
each call starts with (the workshop's row, the participant's token, the facilitator's handle).

:class:`~policybench.store.workshops.Workshops` is one class for its callers
(``store.workshops.submit(...)``, ``store.workshops.challenge(...)``) but its work lives in a
module per concern, each a class built on :class:`WorkshopBase`: passphrases and joining in
``workshops``, devices in ``devices``, the round's states and submissions in ``rounds``, score
challenges and decisions in ``challenges``. Classes rather than module-level functions because
every operation needs the same three things (the database, the rate limiter, the clock) and
the same checks, which a shared base gives each of them as ``self._row(...)`` and
``self._participant(...)`` without threading them through every call; ``Workshops`` then
simply inherits them all.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from numbers import Integral
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from policybench.store import checks
from policybench.store.db import Database, as_utc
from policybench.store.errors import (
    InvalidValueError,
    ParticipantTokenError,
    WorkshopNotFound,
    WrongPassphraseError,
)
from policybench.store.ratelimit import UNKNOWN_CODE, RateLimiter
from policybench.store.schema import CODE_LENGTH, DEFAULT_COMBINATION
from policybench.store.schema import participants as PT
from policybench.store.schema import workshops as W

#: Crockford's base 32: digits and capitals without I, L, O and U.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_BITS = CODE_LENGTH * 5
_READ_AS = {"O": "0", "I": "1", "L": "1"}
_GRANT = object()  # only the store hands out Facilitator handles
_NOT_FOUND = "no workshop has that code; check it with the facilitator"
_BAD_TOKEN = "this participant link is not valid for this workshop; join again"


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
    revealed_at: datetime | None = None  # of the current round
    round: int = 1  # the current round, from 1
    combination: str = DEFAULT_COMBINATION  # the group ranking's rule (Workshops.set_combination)

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def visible_round(self) -> int:
        """The latest round whose group result participants may see: the current one once
        revealed, else the one before (0 while the first round's result is not revealed)."""
        return self.round if self.revealed_at is not None else self.round - 1

    @property
    def results_visible(self) -> bool:
        """Whether participants may see the group's result of the current round."""
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
    revision: int  # within its round, from 1
    submitted_at: datetime
    updated_at: datetime
    round: int = 1


@dataclass(frozen=True)
class Participant:
    display_name: str
    joined_at: datetime
    submitted: bool  # in the current round
    revision: int = 0  # of the current round's submission (0: none yet)


class WorkshopBase:
    """The database, the rate limiter and the clock, and the checks every operation starts
    with. Not used on its own: :class:`~policybench.store.workshops.Workshops` is the API."""

    def __init__(
        self, db: Database, limiter: RateLimiter, clock: Callable[[], float] = time.time
    ) -> None:
        self._db = db
        self._limiter = limiter
        self._clock = clock

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def _row(
        self, conn: Connection, code: str, *, share: bool = False, update: bool = False
    ) -> Any:
        """The workshop's row; ``share`` locks it against a change of state or round until
        the transaction ends (a participant's write), ``update`` against everything (a
        change of state or round, a join)."""
        query = sa.select(W).where(W.c.code == code)
        if update:
            query = query.with_for_update()
        elif share:
            query = query.with_for_update(read=True)
        row = conn.execute(query).one_or_none()
        if row is None:
            raise WorkshopNotFound(_NOT_FOUND)
        return row

    def _participant(self, conn: Connection, workshop_id: int, token: str) -> Any:
        if not isinstance(token, str) or not token or len(token) > 200:
            raise ParticipantTokenError(_BAD_TOKEN)
        row = conn.execute(
            sa.select(PT).where(
                PT.c.token_hash == _token_hash(token), PT.c.workshop_id == workshop_id
            )
        ).one_or_none()
        if row is None:
            raise ParticipantTokenError(_BAD_TOKEN)
        return row

    def _granted(self, facilitator: Facilitator) -> int:
        if not isinstance(facilitator, Facilitator) or facilitator._grant is not _GRANT:
            raise WrongPassphraseError(
                "only the facilitator can do that; enter the passphrase first"
            )
        return facilitator.workshop_id

    def _unknown_code(self, client: str) -> WorkshopNotFound:
        """Count an unknown code against ``client`` (refusing it once over the limit) and
        return the plain refusal to raise."""
        self._limiter.reserve(f"code:{self._limiter.client_key(client)}", UNKNOWN_CODE)
        return WorkshopNotFound(_NOT_FOUND)


def _canonical_or_refuse(code: str) -> str:
    canonical = normalize_code(code)
    if canonical is None:
        raise WorkshopNotFound(_NOT_FOUND)
    return canonical


def _in_play(value: object, allowed: Sequence[str], what: str, plural: str) -> str:
    """``value`` if it is one of the workshop's ``allowed`` ids, else a refusal naming them."""
    found = checks.ident(value, f"the {what}")
    if found not in allowed:
        raise InvalidValueError(
            f"the {what} {found!r} is not in play in this workshop; choose one of its "
            f"{plural}: {', '.join(allowed)}"
        )
    return found


def _round_in(value: object, current: int) -> int:
    """A round number asked for: 1 up to the current round."""
    if isinstance(value, Integral) and not isinstance(value, bool) and 1 <= int(value) <= current:
        return int(value)
    raise InvalidValueError(
        f"there is no round {value!r} in this workshop; its rounds are 1 to {current}"
    )


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
        round=int(row.current_round),
        combination=row.combination,
    )


def _submission(row: Any) -> Submission:
    return Submission(
        display_name=row.display_name,
        weights=checks.loads(row.weights),
        reasons=checks.loads(row.reasons),
        revision=int(row.revision),
        submitted_at=as_utc(row.submitted_at),
        updated_at=as_utc(row.updated_at),
        round=int(row.round),
    )
