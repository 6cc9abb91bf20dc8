"""Score challenges and the facilitator's decisions on them (issue 19 §1–2).

- A participant **challenges** a score (one option × criterion in play) while the round is
  open: a proposed value on the criterion's 0–10 scale, optionally a range around it, a reason
  (required, at most 500 characters) and optionally a verbatim quote (at most 1,000) with the
  id of the source it is claimed from. ``check`` is stored as given (``"verified"``,
  ``"not_found"``, ``"near_match"`` or ``"not_checked"``): the app checks the quote against
  the source texts, which the store does not have.
- **Challenges keep their rounds.** One row per participant, cell and round: a revision in the
  same round rewrites that round's row, one in a later round writes a new row, and withdrawing
  in a later round writes a withdrawn marker for it, so what the room saw at an earlier
  reveal never changes. A participant's *live* challenges are their latest row per cell
  unless withdrawn; the room's view of round ``r`` is each participant × cell's latest row
  written in round ``r`` or before, unless withdrawn by then.
- Limits: :data:`~policybench.store.ratelimit.CHALLENGE_WRITES` (60 challenges made, revised
  or withdrawn per participant in 10 minutes, counted in the write's own transaction) and
  :data:`CHALLENGES_MAX` live challenges per participant. Unknown codes count against the
  client, as in :meth:`~policybench.store.workshops.Workshops.get`.
- Who sees what: a participant sees their own live ones (:meth:`Challenges.my_challenges`);
  the room's (:meth:`Challenges.room_challenges`, without names) as they stood at a round
  whose result is visible (:attr:`~policybench.store.workshop_base.Workshop.visible_round`),
  so nobody sees another's challenge before the reveal; the facilitator sees every live
  challenge, or a round's, with its author's name. Participants get the facilitator's
  decisions (:meth:`Challenges.room_decisions`, adopted and rejected) and the adopted scores
  (:meth:`Challenges.adopted_scores`) only once a round has been revealed, and then every
  decision as it stands (see :meth:`Challenges.room_decisions` for why).
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
from policybench.store.schema import DECISIONS, QUOTE_CHECKS
from policybench.store.schema import challenges as C
from policybench.store.schema import participants as PT
from policybench.store.schema import score_decisions as D
from policybench.store.schema import workshops as W
from policybench.store.workshop_base import (
    Facilitator,
    WorkshopBase,
    _canonical_or_refuse,
    _in_play,
    _round_in,
    _workshop,
    normalize_code,
)

#: Live challenges one participant may hold at once (a workshop's cells number options ×
#: criteria: 48 × 8 = 384 for the shipped catalog; nobody argues 200 scores in one sitting).
CHALLENGES_MAX = 200
_T = TypeVar("_T", "Challenge", "ScoreDecision")
#: What a withdrawn marker copies from the row it withdraws (the proposal that was withdrawn).
_CARRIED = (
    "participant_id", "option", "criterion", "value", "low", "high", "reason", "quote",
    "source", "quote_check", "created_at",
)  # fmt: skip
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
    check: str  # the server's check of the quote: one of QUOTE_CHECKS ("not_checked": none)
    round: int  # the round it was last written in
    created_at: datetime  # when first made (kept while it stays live across rounds)
    updated_at: datetime

    @property
    def verified(self) -> bool:
        """Whether the server found the quote verbatim in its source."""
        return self.check == "verified"


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
        check: str = "not_checked",
        client: str = "",
    ) -> Challenge:
        """Challenge (or revise one's challenge of) the score of ``option`` on ``criterion``
        while the round is open; returns it as stored. ``check`` is the server's check of the
        quote (:data:`~policybench.store.schema.QUOTE_CHECKS`). ``client`` names who is
        asking, for the unknown-code limit."""
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
            "quote_check": _quote_check(check),
            "withdrawn": False,
        }
        if fields["source"] is not None and fields["quote"] is None:
            raise InvalidValueError(
                "a source names where a quote comes from: give the quote too, or no source"
            )
        if fields["quote_check"] != "not_checked" and fields["source"] is None:
            raise InvalidValueError(
                f"only a quote with its source can be checked: give the quote and its source, "
                f"or check={'not_checked'!r}, not {check!r}"
            )

        def tx(conn: Connection) -> Challenge:
            w = self._row(conn, canonical, share=True)
            p = self._participant(conn, w.id, token)
            _open_for_challenges(w)
            cell = _cell(w, option, criterion)
            rnd = int(w.current_round)
            last = _last_row(conn, p.id, cell)
            if last is None or last.withdrawn:
                live = len(_live([p.id], conn, rnd))
                if live >= CHALLENGES_MAX:
                    raise WorkshopError(
                        f"you already have {live} challenges, the most one person may hold "
                        f"({CHALLENGES_MAX}); withdraw one before challenging another score"
                    )
            self._limiter.take(conn, f"challenge:{p.id}", CHALLENGE_WRITES)
            now = utcnow()
            # A challenge keeps the time it was first made while it stays live across rounds.
            made = now if last is None or last.withdrawn else last.created_at
            values = {**fields, "updated_at": now, "created_at": made}
            if last is not None and int(last.round) == rnd:
                conn.execute(sa.update(C).where(C.c.id == last.id).values(**values))
            else:
                conn.execute(
                    sa.insert(C).values(
                        participant_id=p.id, option=cell[0], criterion=cell[1], round=rnd, **values
                    )
                )
            row = _last_row(conn, p.id, cell)
            return _challenge(row, p.display_name)

        try:
            return self._db.run(tx, write=True, action="save your challenge", retry_unique=True)
        except WorkshopNotFound:
            raise self._unknown_code(client) from None

    def withdraw(self, code: str, token: str, option: str, criterion: str) -> bool:
        """Withdraw this participant's challenge of the cell while the round is open; False
        if they had none there. What an earlier round's reveal showed stays as it was."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> bool:
            w = self._row(conn, canonical, share=True)
            p = self._participant(conn, w.id, token)
            _open_for_challenges(w)
            cell = _cell(w, option, criterion)
            rnd = int(w.current_round)
            last = _last_row(conn, p.id, cell)
            if last is None or last.withdrawn:
                return False
            self._limiter.take(conn, f"challenge:{p.id}", CHALLENGE_WRITES)
            if int(last.round) < rnd:  # revealed in an earlier round: mark this round's end
                carried = {k: getattr(last, k) for k in _CARRIED}
                conn.execute(
                    sa.insert(C).values(**carried, round=rnd, withdrawn=True, updated_at=utcnow())
                )
            elif _has_earlier(conn, p.id, cell, rnd):  # written this round over an earlier one
                conn.execute(
                    sa.update(C)
                    .where(C.c.id == last.id)
                    .values(withdrawn=True, updated_at=utcnow())
                )
            else:  # made this round and never seen by anyone else: it goes
                conn.execute(sa.delete(C).where(C.c.id == last.id))
            return True

        return self._db.run(tx, write=True, action="withdraw your challenge", retry_unique=True)

    def my_challenges(self, code: str, token: str) -> list[Challenge]:
        """This participant's own live challenges (with their own name), in the workshop's
        order of options and criteria."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> list[Challenge]:
            w = self._row(conn, canonical)
            p = self._participant(conn, w.id, token)
            rows = _live([p.id], conn, int(w.current_round))
            return _in_order(w, [_challenge(r, p.display_name) for r in rows])

        return self._db.run(tx, write=False, action="read your challenges")

    def room_challenges(self, code: str, token: str, round: int | None = None) -> list[Challenge]:
        """The challenges as the room saw them at the reveal of ``round`` (default: the
        latest round participants may see): each participant's latest challenge of each cell
        written in that round or before, unless withdrawn by then; without names. Refused
        before the first reveal, and for a round not yet revealed."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> list[Challenge]:
            w = self._row(conn, canonical)
            self._participant(conn, w.id, token)
            visible = _workshop(w).visible_round
            if visible < 1:
                raise WorkshopStateError(_NOT_REVEALED)
            wanted = visible if round is None else _round_in(round, int(w.current_round))
            if wanted > visible:
                raise WorkshopStateError(
                    f"the room's challenges of round {wanted} are shown once the facilitator "
                    "reveals that round's result"
                )
            ids = _participant_ids(conn, w.id)
            # Within a cell, by the proposal itself: an order by author would let a reader
            # line up one person's challenges across cells.
            found = sorted(
                (_challenge(r, "") for r in _live(ids, conn, wanted)),
                key=lambda c: (c.value, c.low or 0.0, c.high or 0.0, c.reason),
            )
            return _in_order(w, found)

        return self._db.run(tx, write=False, action="read the room's challenges")

    def room_decisions(self, code: str, token: str) -> list[ScoreDecision]:
        """The facilitator's decisions on this workshop's scores, adopted and rejected, by
        option and criterion in the workshop's order, as a participant may see them: none
        until a round's result has been revealed (they answer challenges participants may
        not see before), then every decision as it stands, those taken since the latest
        reveal included. A decision is the facilitator's, not a participant's, and every
        ranking the workshop shows uses it at once (the facilitator's, the export's): a
        participant who saw it only at the next reveal would rank with other scores than the
        room's result. Refused for a token that is not of this workshop."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> list[ScoreDecision]:
            return self._room_decisions(conn, canonical, token)

        return self._db.run(tx, write=False, action="read the score decisions")

    def adopted_scores(self, code: str, token: str) -> dict[str, dict[str, float]]:
        """The scores the facilitator adopted for this workshop, ``{option: {criterion:
        value}}`` (what the workshop's results use in place of the catalog's): the adopted
        values of :meth:`room_decisions`, under its rule (empty until a round's result has
        been revealed, then every adoption as it stands)."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> dict[str, dict[str, float]]:
            out: dict[str, dict[str, float]] = {}
            for d in self._room_decisions(conn, canonical, token):
                if d.decision == "adopted" and d.value is not None:
                    out.setdefault(d.option, {})[d.criterion] = d.value
            return out

        return self._db.run(tx, write=False, action="read the adopted scores")

    def _room_decisions(self, conn: Connection, canonical: str, token: str) -> list[ScoreDecision]:
        """:meth:`room_decisions` inside a transaction: the token checked, then the rule."""
        w = self._row(conn, canonical)
        self._participant(conn, w.id, token)
        if _workshop(w).visible_round < 1:
            return []
        return _in_order(w, self._decisions(conn, w.id))

    # -- the facilitator ----------------------------------------------------------------------

    def challenges(self, facilitator: Facilitator, round: int | None = None) -> list[Challenge]:
        """The live challenges (default), or as they stood at the end of ``round``: each
        participant's latest challenge of each cell written in that round or before, unless
        withdrawn by then; with its author's name, by option and criterion (the workshop's
        order), then in the order people joined."""
        wid = self._granted(facilitator)

        def tx(conn: Connection) -> list[Challenge]:
            w = conn.execute(sa.select(W).where(W.c.id == wid)).one()
            current = int(w.current_round)
            wanted = current if round is None else _round_in(round, current)
            people = conn.execute(
                sa.select(PT.c.id, PT.c.display_name)
                .where(PT.c.workshop_id == wid)
                .order_by(PT.c.joined_at, PT.c.id)
            ).all()
            names = {p.id: p.display_name for p in people}
            rows = _live(list(names), conn, wanted)
            return _in_order(w, [_challenge(r, names[r.participant_id]) for r in rows])

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


def _quote_check(value: object) -> str:
    if value not in QUOTE_CHECKS:
        raise InvalidValueError(
            f"a quote check is one of {', '.join(map(repr, QUOTE_CHECKS))}, not {value!r}"
        )
    return str(value)


def _last_row(conn: Connection, participant_id: int, cell: tuple[str, str]) -> Any:
    """The participant's latest row for the cell (locked for the write), or None."""
    return conn.execute(
        sa.select(C)
        .where(_mine(participant_id, cell))
        .order_by(C.c.round.desc())
        .limit(1)
        .with_for_update()
    ).first()


def _has_earlier(conn: Connection, participant_id: int, cell: tuple[str, str], rnd: int) -> bool:
    found = conn.execute(
        sa.select(C.c.id).where(_mine(participant_id, cell), C.c.round < rnd).limit(1)
    ).first()
    return found is not None


def _participant_ids(conn: Connection, workshop_id: int) -> list[int]:
    return list(conn.execute(sa.select(PT.c.id).where(PT.c.workshop_id == workshop_id)).scalars())


def _live(participant_ids: Sequence[int], conn: Connection, rnd: int) -> list[Any]:
    """Each participant × cell's latest row written in round ``rnd`` or before, unless it
    withdraws the challenge: the challenges as they stood at the end of round ``rnd``, in the
    order of ``participant_ids`` (the caller's order)."""
    if not participant_ids:
        return []
    rows = conn.execute(
        sa.select(C)
        .where(C.c.participant_id.in_(participant_ids), C.c.round <= rnd)
        .order_by(C.c.round)
    ).all()
    latest: dict[tuple[int, str, str], Any] = {}
    for row in rows:  # rounds ascending: a later row replaces an earlier one
        latest[(row.participant_id, row.option, row.criterion)] = row
    rank = {pid: i for i, pid in enumerate(participant_ids)}
    live = [r for r in latest.values() if not r.withdrawn]
    return sorted(live, key=lambda r: rank[r.participant_id])


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
        check=row.quote_check,
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
