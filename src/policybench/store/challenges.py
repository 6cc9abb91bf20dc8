"""Score challenges and the facilitator's decisions on them (issue 19 §1–2).

- A participant **challenges** a score (one option × criterion in play) while the round is
  open: a proposed value on the criterion's 0–10 scale, optionally a range around it, a reason
  (required, at most 500 characters) and optionally a verbatim quote (at most 1,000) with the
  id of the source it is claimed from. One live challenge per participant and cell: a second
  one revises it, :meth:`Challenges.withdraw` deletes it. ``verified`` is stored as given: the
  app checks the quote against the source texts, which the store does not have.
- Limits: :data:`~policybench.store.ratelimit.CHALLENGE_WRITES` (60 challenges made, revised
  or withdrawn per participant in 10 minutes, counted in the write's own transaction) and
  :data:`CHALLENGES_MAX` live challenges per participant. Unknown codes count against the
  client, as in :meth:`~policybench.store.workshops.Workshops.get`.
- Who sees what: a participant sees their own (:meth:`Challenges.my_challenges`); the room's
  (:meth:`Challenges.room_challenges`, without names) only those last written in a round whose
  result is visible (over, or revealed), so nobody sees another's challenge before the reveal;
  the facilitator sees every live challenge with its author's name.
- The facilitator **decides** a cell, in any state but closed: ``"adopted"`` with a value
  (its range defaults to the value) that the workshop's results then use, or ``"rejected"``
  with none; a second decision replaces the first, :meth:`Challenges.undo_decision` removes it.
  The catalog's files are never touched.

Writes hold a share lock on the workshop's row, as submissions do (:mod:`.rounds`), so a
challenge or a decision lands in the round it was accepted in.

Part of :class:`~policybench.store.workshops.Workshops` (see
:mod:`policybench.store.workshop_base` for how the class is put together).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from policybench.store import checks
from policybench.store.checks import CHALLENGE_REASON_MAX, QUOTE_MAX
from policybench.store.db import as_utc, utcnow
from policybench.store.errors import (
    InvalidValueError,
    WorkshopError,
    WorkshopNotFound,
    WorkshopStateError,
)
from policybench.store.ratelimit import CHALLENGE_WRITES
from policybench.store.schema import DECISIONS
from policybench.store.schema import challenges as C
from policybench.store.schema import participants as PT
from policybench.store.schema import score_decisions as D
from policybench.store.schema import workshops as W
from policybench.store.workshop_base import (
    Facilitator,
    WorkshopBase,
    _canonical_or_refuse,
    _in_play,
    normalize_code,
)

#: Live challenges one participant may hold at once (a workshop's cells number options ×
#: criteria: 48 × 8 = 384 for the shipped catalog; nobody argues 200 scores in one sitting).
CHALLENGES_MAX = 200
_T = TypeVar("_T", "Challenge", "ScoreDecision")
_NOT_REVEALED = "the room's challenges are shown once the facilitator reveals a round's result"


@dataclass(frozen=True)
class Challenge:
    display_name: str  # "" where the reader may not know who (participants)
    option: str
    criterion: str
    value: float  # proposed score, on the criterion's 0–10 scale
    low: float | None  # optional proposed range, low <= value <= high
    high: float | None
    reason: str
    quote: str | None
    source: str | None  # the source id the quote is claimed from
    verified: bool  # quote found verbatim in that source by the server
    round: int  # the round it was last written in
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ScoreDecision:
    option: str
    criterion: str
    decision: str  # "adopted" | "rejected"
    value: float | None  # the adopted value (None when rejected)
    low: float | None  # the adopted range (None when rejected)
    high: float | None
    round: int
    decided_at: datetime


class Challenges(WorkshopBase):
    """Participants' challenges of scores, and the facilitator's decisions."""

    # -- a participant (code + token) ---------------------------------------------------------

    def challenge(
        self,
        code: str,
        token: str,
        option: str,
        criterion: str,
        value: float,
        *,
        reason: str,
        low: float | None = None,
        high: float | None = None,
        quote: str | None = None,
        source: str | None = None,
        verified: bool = False,
        client: str = "",
    ) -> Challenge:
        """Challenge (or revise one's challenge of) the score of ``option`` on ``criterion``
        while the round is open; returns it as stored. ``client`` names who is asking, for
        the unknown-code limit."""
        canonical = normalize_code(code)
        if canonical is None:
            raise self._unknown_code(client)
        v, lo, hi = checks.score_range(value, low, high)
        fields = {
            "value": v,
            "low": lo,
            "high": hi,
            "reason": checks.challenge_text(
                reason, "the reason", max_len=CHALLENGE_REASON_MAX, required=True
            ),
            "quote": checks.challenge_text(quote, "the quote", max_len=QUOTE_MAX, required=False),
            "source": checks.source_id(source),
            "verified": checks.flag(verified, "verified"),
        }
        if fields["source"] is not None and fields["quote"] is None:
            raise InvalidValueError(
                "a source names where a quote comes from: give the quote too, or no source"
            )
        if fields["verified"] and fields["source"] is None:
            raise InvalidValueError("only a quote with its source can be marked verified")

        def tx(conn: Connection) -> Challenge:
            w = self._row(conn, canonical, share=True)
            p = self._participant(conn, w.id, token)
            _open_for_challenges(w)
            cell = _cell(w, option, criterion)
            mine = _mine(p.id, cell)
            old = conn.execute(sa.select(C.c.created_at).where(mine).with_for_update()).first()
            if old is None:
                live = conn.execute(
                    sa.select(sa.func.count()).select_from(C).where(C.c.participant_id == p.id)
                ).scalar_one()
                if live >= CHALLENGES_MAX:
                    raise WorkshopError(
                        f"you already have {live} challenges, the most one person may hold "
                        f"({CHALLENGES_MAX}); withdraw one before challenging another score"
                    )
            self._limiter.take(conn, f"challenge:{p.id}", CHALLENGE_WRITES)
            now = utcnow()
            values = {**fields, "round": int(w.current_round), "updated_at": now}
            if old is None:
                conn.execute(
                    sa.insert(C).values(
                        participant_id=p.id,
                        option=cell[0],
                        criterion=cell[1],
                        created_at=now,
                        **values,
                    )
                )
            else:
                conn.execute(sa.update(C).where(mine).values(**values))
            row = conn.execute(sa.select(C).where(mine)).one()
            return _challenge(row, p.display_name)

        try:
            return self._db.run(tx, write=True, action="save your challenge", retry_unique=True)
        except WorkshopNotFound:
            raise self._unknown_code(client) from None

    def withdraw(self, code: str, token: str, option: str, criterion: str) -> bool:
        """Withdraw this participant's challenge of the cell while the round is open; False
        if they had none there."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> bool:
            w = self._row(conn, canonical, share=True)
            p = self._participant(conn, w.id, token)
            _open_for_challenges(w)
            cell = _cell(w, option, criterion)
            gone = conn.execute(sa.delete(C).where(_mine(p.id, cell))).rowcount
            if not gone:
                return False
            self._limiter.take(conn, f"challenge:{p.id}", CHALLENGE_WRITES)
            return True

        return self._db.run(tx, write=True, action="withdraw your challenge", retry_unique=True)

    def my_challenges(self, code: str, token: str) -> list[Challenge]:
        """This participant's own live challenges (with their own name), in the workshop's
        order of options and criteria."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> list[Challenge]:
            w = self._row(conn, canonical)
            p = self._participant(conn, w.id, token)
            rows = conn.execute(sa.select(C).where(C.c.participant_id == p.id)).all()
            return _in_order(w, [_challenge(r, p.display_name) for r in rows])

        return self._db.run(tx, write=False, action="read your challenges")

    def room_challenges(self, code: str, token: str) -> list[Challenge]:
        """Everyone's live challenges last written in a round whose result is visible (over,
        or revealed), without names; refused before the first reveal."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> list[Challenge]:
            w = self._row(conn, canonical)
            self._participant(conn, w.id, token)
            visible = int(w.current_round) - (1 if w.revealed_at is None else 0)
            if visible < 1:
                raise WorkshopStateError(_NOT_REVEALED)
            rows = conn.execute(
                sa.select(C)
                .join(PT, PT.c.id == C.c.participant_id)
                .where(PT.c.workshop_id == w.id, C.c.round <= visible)
            ).all()
            # Within a cell, by the proposal itself: an order by author would let a reader
            # line up one person's challenges across cells.
            found = sorted(
                (_challenge(r, "") for r in rows),
                key=lambda c: (c.value, c.low or 0.0, c.high or 0.0, c.reason),
            )
            return _in_order(w, found)

        return self._db.run(tx, write=False, action="read the room's challenges")

    def adopted_scores(self, code: str, token: str) -> dict[str, dict[str, float]]:
        """The scores the facilitator adopted for this workshop, ``{option: {criterion:
        value}}`` (what the workshop's results use in place of the catalog's)."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> dict[str, dict[str, float]]:
            w = self._row(conn, canonical)
            self._participant(conn, w.id, token)
            out: dict[str, dict[str, float]] = {}
            for d in _in_order(w, self._decisions(conn, w.id)):
                if d.decision == "adopted" and d.value is not None:
                    out.setdefault(d.option, {})[d.criterion] = d.value
            return out

        return self._db.run(tx, write=False, action="read the adopted scores")

    # -- the facilitator ----------------------------------------------------------------------

    def challenges(self, facilitator: Facilitator) -> list[Challenge]:
        """Every live challenge, with its author's name, by option and criterion (the
        workshop's order), then in the order people joined."""
        wid = self._granted(facilitator)

        def tx(conn: Connection) -> list[Challenge]:
            w = conn.execute(sa.select(W).where(W.c.id == wid)).one()
            rows = conn.execute(
                sa.select(PT.c.display_name, C)
                .join(PT, PT.c.id == C.c.participant_id)
                .where(PT.c.workshop_id == wid)
                .order_by(PT.c.joined_at, PT.c.id)
            ).all()
            return _in_order(w, [_challenge(r, r.display_name) for r in rows])

        return self._db.run(tx, write=False, action="read the challenges")

    def decide(
        self,
        facilitator: Facilitator,
        option: str,
        criterion: str,
        decision: str,
        *,
        value: float | None = None,
        low: float | None = None,
        high: float | None = None,
    ) -> ScoreDecision:
        """Adopt a score for this workshop (``decision="adopted"``, ``value`` required, its
        range defaulting to the value) or reject the room's challenges of it
        (``"rejected"``, no value); replaces an earlier decision on the cell. Refused once
        the workshop is closed."""
        self._granted(facilitator)
        fields = _decision_fields(decision, value, low, high)

        def tx(conn: Connection) -> ScoreDecision:
            w = self._row(conn, facilitator.code, share=True)
            _not_closed(w)
            cell = _cell(w, option, criterion)
            here = _decided(w.id, cell)
            old = conn.execute(sa.select(D.c.id).where(here).with_for_update()).first()
            values = {**fields, "round": int(w.current_round), "decided_at": utcnow()}
            if old is None:
                conn.execute(
                    sa.insert(D).values(
                        workshop_id=w.id, option=cell[0], criterion=cell[1], **values
                    )
                )
            else:
                conn.execute(sa.update(D).where(here).values(**values))
            return _decision(conn.execute(sa.select(D).where(here)).one())

        return self._db.run(tx, write=True, action="record the decision", retry_unique=True)

    def undo_decision(self, facilitator: Facilitator, option: str, criterion: str) -> bool:
        """Remove the decision on a cell (its score is the catalog's again); False if there
        was none. Refused once the workshop is closed."""
        self._granted(facilitator)

        def tx(conn: Connection) -> bool:
            w = self._row(conn, facilitator.code, share=True)
            _not_closed(w)
            cell = _cell(w, option, criterion)
            return bool(conn.execute(sa.delete(D).where(_decided(w.id, cell))).rowcount)

        return self._db.run(tx, write=True, action="undo the decision")

    def decisions(self, facilitator: Facilitator) -> list[ScoreDecision]:
        """Every decision, by option and criterion in the workshop's order."""
        wid = self._granted(facilitator)

        def tx(conn: Connection) -> list[ScoreDecision]:
            w = conn.execute(sa.select(W).where(W.c.id == wid)).one()
            return _in_order(w, self._decisions(conn, wid))

        return self._db.run(tx, write=False, action="read the decisions")

    @staticmethod
    def _decisions(conn: Connection, workshop_id: int) -> list[ScoreDecision]:
        rows = conn.execute(sa.select(D).where(D.c.workshop_id == workshop_id)).all()
        return [_decision(r) for r in rows]


def _open_for_challenges(w: Any) -> None:
    if w.state != "open":
        raise WorkshopStateError(
            f"the round is {w.state}: challenges can no longer be made, revised or withdrawn"
            + (" unless the facilitator reopens it" if w.state == "locked" else "")
        )


def _not_closed(w: Any) -> None:
    if w.state == "closed":
        raise WorkshopStateError("the workshop is closed: its score decisions can no longer change")


def _cell(w: Any, option: object, criterion: object) -> tuple[str, str]:
    """(option, criterion) if both are in play in the workshop ``w``, else a refusal."""
    return (
        _in_play(option, checks.loads(w.options), "option", "options"),
        _in_play(criterion, checks.loads(w.criteria), "criterion", "criteria"),
    )


def _mine(participant_id: int, cell: tuple[str, str]) -> Any:
    return sa.and_(
        C.c.participant_id == participant_id, C.c.option == cell[0], C.c.criterion == cell[1]
    )


def _decided(workshop_id: int, cell: tuple[str, str]) -> Any:
    return sa.and_(D.c.workshop_id == workshop_id, D.c.option == cell[0], D.c.criterion == cell[1])


def _decision_fields(
    decision: object, value: object, low: object, high: object
) -> dict[str, float | str | None]:
    if decision not in DECISIONS:
        raise InvalidValueError(
            f"a decision is {' or '.join(map(repr, DECISIONS))}, not {decision!r}"
        )
    if decision == "rejected":
        if (value, low, high) != (None, None, None):
            raise InvalidValueError(
                "a rejected score keeps the catalog's value: give no value, low or high"
            )
        return {"decision": "rejected", "value": None, "low": None, "high": None}
    if value is None:
        raise InvalidValueError("adopting a score needs the value to adopt: give value=")
    v, lo, hi = checks.score_range(
        value, value if low is None else low, value if high is None else high, "the adopted score"
    )
    return {"decision": "adopted", "value": v, "low": lo, "high": hi}


def _in_order(w: Any, items: Sequence[_T]) -> list[_T]:
    """``items`` by option, then criterion, in the workshop's order (stable within a cell)."""
    options = {o: i for i, o in enumerate(checks.loads(w.options))}
    criteria = {c: i for i, c in enumerate(checks.loads(w.criteria))}
    return sorted(
        items,
        key=lambda x: (
            options.get(x.option, len(options)),
            criteria.get(x.criterion, len(criteria)),
        ),
    )


def _challenge(row: Any, display_name: str) -> Challenge:
    return Challenge(
        display_name=display_name,
        option=row.option,
        criterion=row.criterion,
        value=float(row.value),
        low=None if row.low is None else float(row.low),
        high=None if row.high is None else float(row.high),
        reason=row.reason,
        quote=row.quote,
        source=row.source,
        verified=bool(row.verified),
        round=int(row.round),
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )


def _decision(row: Any) -> ScoreDecision:
    return ScoreDecision(
        option=row.option,
        criterion=row.criterion,
        decision=row.decision,
        value=None if row.value is None else float(row.value),
        low=None if row.low is None else float(row.low),
        high=None if row.high is None else float(row.high),
        round=int(row.round),
        decided_at=as_utc(row.decided_at),
    )
