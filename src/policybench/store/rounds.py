"""Rounds: the workshop's states, and the weights participants submit in each round.

- States: ``open`` (joining, submitting, challenging) → ``locked`` → ``revealed`` →
  ``closed``; ``reopen`` takes ``locked`` back to ``open``; ``close`` is allowed from any
  state; ``next_round`` takes ``revealed`` to ``open`` in the next round (its ``revealed_at``
  cleared: the new round's result is not revealed yet).
- A submission belongs to the round it was made in: one per participant and round, revised in
  place while that round is open. Round 2 starts empty; :meth:`Rounds.my_previous` gives a
  participant their latest weights from an earlier round to start from.
- A round's result is visible to participants once it is over (earlier than the current one)
  or revealed (:attr:`Workshop.visible_round`); the facilitator sees every round, named.
- The group's ranking uses one rule per workshop, :meth:`Rounds.set_combination` (default
  ``"mean"``), so every page and export of it agrees.
- A participant's write holds a share lock on the workshop's row and a change of state or
  round an update lock (on SQLite every write takes the database's write lock), so a write
  either lands in the round it was accepted in or is refused; never in the next one.

Part of :class:`~policybench.store.workshops.Workshops` (see
:mod:`policybench.store.workshop_base` for how the class is put together).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from policybench.store import checks
from policybench.store.db import as_utc, utcnow
from policybench.store.errors import InvalidValueError, WorkshopStateError
from policybench.store.schema import participants as PT
from policybench.store.schema import submissions as S
from policybench.store.schema import workshops as W
from policybench.store.workshop_base import (
    Facilitator,
    Participant,
    Submission,
    Workshop,
    WorkshopBase,
    _canonical_or_refuse,
    _round_in,
    _submission,
    _workshop,
)

REASON_MAX = 280
__all__ = ["REASON_MAX", "Rounds"]

#: action → (the states it is allowed from, the state it leads to, what the refusal says)
_TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "lock": (frozenset({"open"}), "locked", "lock"),
    "reopen": (frozenset({"locked"}), "open", "reopen"),
    "reveal": (frozenset({"locked"}), "revealed", "reveal"),
    "close": (frozenset({"open", "locked", "revealed"}), "closed", "close"),
    "next_round": (frozenset({"revealed"}), "open", "open another round of"),
}
_HINTS = {
    ("reveal", "open"): "lock the round first",
    ("reopen", "revealed"): "the results are already revealed",
    ("next_round", "open"): "lock and reveal this round first",
    ("next_round", "locked"): "reveal this round first",
}
_NOT_REVEALED = "the facilitator has not revealed the group's result yet"


class Rounds(WorkshopBase):
    """The round's life (lock, reveal, next round...) and the submissions of each round."""

    # -- the facilitator ----------------------------------------------------------------------

    def lock(self, facilitator: Facilitator) -> Workshop:
        """Stop submissions and challenges (a participant's last submitted weights count)."""
        return self._transition(facilitator, "lock")

    def reopen(self, facilitator: Facilitator) -> Workshop:
        return self._transition(facilitator, "reopen")

    def reveal(self, facilitator: Facilitator) -> Workshop:
        """Let participants see the group's result of this round."""
        return self._transition(facilitator, "reveal")

    def close(self, facilitator: Facilitator) -> Workshop:
        return self._transition(facilitator, "close")

    def next_round(self, facilitator: Facilitator) -> Workshop:
        """Open the next round (only once this one is revealed): participants submit again,
        starting from their previous weights (:meth:`my_previous`)."""
        return self._transition(facilitator, "next_round")

    def set_combination(self, facilitator: Facilitator, rule: str) -> Workshop:
        """Choose the rule that combines the participants into the group's ranking (one of
        :data:`policybench.analysis.workshop.COMBINATIONS`): the participants' page, the
        facilitator's and the export all rank the group by it. Allowed in any state: it
        changes how the result is read, never what anyone submitted."""
        # The rules are the core's (policybench.group), which analysis.workshop.COMBINATIONS
        # lists too; imported here, as the store needs their names only, not numpy at import.
        from policybench import group

        rules = (*group.WEIGHT_RULES, *group.RANKING_RULES)
        if rule not in rules:
            raise InvalidValueError(
                f"unknown group ranking rule {rule!r}; choose one of: {', '.join(rules)}"
            )
        self._granted(facilitator)

        def tx(conn: Connection) -> Workshop:
            row = self._row(conn, facilitator.code, update=True)
            if row.combination != rule:
                conn.execute(
                    sa.update(W)
                    .where(W.c.id == row.id)
                    .values(combination=rule, updated_at=utcnow())
                )
            return _workshop(self._row(conn, facilitator.code))

        return self._db.run(tx, write=True, action="set the group ranking's rule")

    def submissions(self, facilitator: Facilitator, round: int | None = None) -> list[Submission]:
        """Every submission of ``round`` (default: the current one) with its participant's
        name, in the order they joined."""
        wid = self._granted(facilitator)

        def tx(conn: Connection) -> list[Submission]:
            current = self._current_round(conn, wid)
            wanted = current if round is None else _round_in(round, current)
            rows = conn.execute(
                sa.select(PT.c.display_name, S)
                .join(S, S.c.participant_id == PT.c.id)
                .where(PT.c.workshop_id == wid, S.c.round == wanted)
                .order_by(PT.c.joined_at, PT.c.id)
            ).all()
            return [_submission(r) for r in rows]

        return self._db.run(tx, write=False, action="read the submissions")

    def rounds(self, facilitator: Facilitator) -> dict[int, list[Submission]]:
        """Every round from 1 to the current one, each with its submissions in join order (a
        round nobody submitted in has an empty list)."""
        wid = self._granted(facilitator)

        def tx(conn: Connection) -> dict[int, list[Submission]]:
            current = self._current_round(conn, wid)
            rows = conn.execute(
                sa.select(PT.c.display_name, S)
                .join(S, S.c.participant_id == PT.c.id)
                .where(PT.c.workshop_id == wid)
                .order_by(S.c.round, PT.c.joined_at, PT.c.id)
            ).all()
            out: dict[int, list[Submission]] = {r: [] for r in range(1, current + 1)}
            for row in rows:
                out[int(row.round)].append(_submission(row))
            return out

        return self._db.run(tx, write=False, action="read the submissions")

    def participants(self, facilitator: Facilitator) -> list[Participant]:
        """Everyone who joined, and whether they have submitted in the current round."""
        wid = self._granted(facilitator)

        def tx(conn: Connection) -> list[Participant]:
            rows = conn.execute(
                sa.select(PT.c.display_name, PT.c.joined_at, S.c.revision)
                .join(W, W.c.id == PT.c.workshop_id)
                .outerjoin(
                    S, sa.and_(S.c.participant_id == PT.c.id, S.c.round == W.c.current_round)
                )
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

    # -- a participant (code + token) ---------------------------------------------------------

    def participant(self, code: str, token: str) -> Participant:
        """This participant, and whether they have submitted in the current round."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> Participant:
            w = self._row(conn, canonical)
            p = self._participant(conn, w.id, token)
            rev = conn.execute(
                sa.select(S.c.revision).where(
                    S.c.participant_id == p.id, S.c.round == w.current_round
                )
            ).scalar()
            return Participant(p.display_name, as_utc(p.joined_at), rev is not None, int(rev or 0))

        return self._db.run(tx, write=False, action="open the workshop")

    def submit(
        self,
        code: str,
        token: str,
        weights: Mapping[str, float],
        reasons: Mapping[str, str] | None = None,
    ) -> Submission:
        """Submit, or revise, this participant's weights for the current round while it is
        open.

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
            rnd = int(w.current_round)
            mine = sa.and_(S.c.participant_id == p.id, S.c.round == rnd)
            old = conn.execute(sa.select(S).where(mine).with_for_update()).one_or_none()
            values = {"weights": checks.dumps(ordered), "reasons": checks.dumps(notes)}
            if old is None:
                conn.execute(
                    sa.insert(S).values(
                        participant_id=p.id,
                        round=rnd,
                        revision=1,
                        submitted_at=now,
                        updated_at=now,
                        **values,
                    )
                )
                return Submission(p.display_name, ordered, notes, 1, now, now, rnd)
            revision = int(old.revision) + 1
            conn.execute(
                sa.update(S).where(mine).values(revision=revision, updated_at=now, **values)
            )
            return Submission(
                p.display_name, ordered, notes, revision, as_utc(old.submitted_at), now, rnd
            )

        return self._db.run(tx, write=True, action="save your weights", retry_unique=True)

    def my_submission(self, code: str, token: str, round: int | None = None) -> Submission | None:
        """This participant's own submission in ``round`` (default: the current one), or
        None if they have not submitted in it."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> Submission | None:
            w = self._row(conn, canonical)
            p = self._participant(conn, w.id, token)
            current = int(w.current_round)
            wanted = current if round is None else _round_in(round, current)
            return self._own(conn, p.id, S.c.round == wanted)

        return self._db.run(tx, write=False, action="read your weights")

    def my_previous(self, code: str, token: str) -> Submission | None:
        """This participant's latest submission from a round before the current one (what
        a new round starts from), or None."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> Submission | None:
            w = self._row(conn, canonical)
            p = self._participant(conn, w.id, token)
            return self._own(conn, p.id, S.c.round < w.current_round)

        return self._db.run(tx, write=False, action="read your weights")

    def group_weights(
        self, code: str, token: str, round: int | None = None
    ) -> list[dict[str, float]]:
        """Everyone's weights in ``round``, without names, in join order, once that round's
        result is visible: it is over, or revealed. Default: the latest visible round."""
        canonical = _canonical_or_refuse(code)

        def tx(conn: Connection) -> list[dict[str, float]]:
            w = self._row(conn, canonical)
            self._participant(conn, w.id, token)
            current = int(w.current_round)
            visible = _workshop(w).visible_round
            wanted = visible if round is None else _round_in(round, current)
            if wanted < 1:
                raise WorkshopStateError(_NOT_REVEALED)
            if wanted > visible:
                raise WorkshopStateError(
                    f"the facilitator has not revealed the group's result of round {wanted} yet"
                )
            rows = conn.execute(
                sa.select(S.c.weights)
                .join(PT, S.c.participant_id == PT.c.id)
                .where(PT.c.workshop_id == w.id, S.c.round == wanted)
                .order_by(PT.c.id)
            ).scalars()
            return [checks.loads(text) for text in rows]

        return self._db.run(tx, write=False, action="read the group's result")

    # -- internals ------------------------------------------------------------------------------

    @staticmethod
    def _current_round(conn: Connection, workshop_id: int) -> int:
        found = conn.execute(sa.select(W.c.current_round).where(W.c.id == workshop_id)).scalar_one()
        return int(found)

    @staticmethod
    def _own(conn: Connection, participant_id: int, which: Any) -> Submission | None:
        row = conn.execute(
            sa.select(PT.c.display_name, S)
            .join(S, S.c.participant_id == PT.c.id)
            .where(PT.c.id == participant_id, which)
            .order_by(S.c.round.desc())
            .limit(1)
        ).one_or_none()
        return None if row is None else _submission(row)

    def _transition(self, facilitator: Facilitator, action: str) -> Workshop:
        self._granted(facilitator)
        allowed, target, verb = _TRANSITIONS[action]

        def tx(conn: Connection) -> Workshop:
            row = self._row(conn, facilitator.code, update=True)
            if row.state not in allowed:
                hint = _HINTS.get((action, row.state))
                raise WorkshopStateError(
                    f"cannot {verb} the workshop: it is {row.state}" + (f"; {hint}" if hint else "")
                )
            now = utcnow()
            values: dict[str, Any] = {"state": target, "updated_at": now}
            if target == "revealed":
                values["revealed_at"] = now
            if action == "next_round":
                values["current_round"] = int(row.current_round) + 1
                values["revealed_at"] = None
            conn.execute(sa.update(W).where(W.c.id == row.id).values(**values))
            return _workshop(self._row(conn, facilitator.code))

        return self._db.run(tx, write=True, action=f"{verb} the workshop")


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
