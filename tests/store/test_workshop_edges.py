"""Edges of the workshop store that the full mutation run of its modules found unguarded
(docs/TESTING.md, issue 17), each asserted as a user meets it: who joined when and what they
have submitted, the order the room's challenges of one cell are listed in, a withdrawal that
leaves nothing behind, the server's unlock (its count and its refusal), the exact refusals and
what a damaged store says could not be done, every read answered while another writer holds
SQLite's write lock (and a facilitator's undo holding it so a rival cannot fail it), and on
PostgreSQL the row locks a rule change and an undo take on the workshop."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, Type
from sqlalchemy.exc import OperationalError

from policybench.errors import PolicybenchError
from policybench.store import (
    Facilitator,
    RateLimitedError,
    Store,
    StoreError,
    WorkshopError,
    WorkshopNotFound,
    WorkshopStateError,
    WrongPassphraseError,
    open_store,
)
from policybench.store import challenges as challenges_module
from policybench.store import checks as checks_module
from policybench.store import db as store_db
from policybench.store import schema as schema_module
from policybench.store import workshops as workshops_module
from policybench.store.schema import workshops as W
from policybench.store.workshop_base import WorkshopBase
from support.pgserver import PgServer
from support.sqlite_file import lose_table, rival_write

OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
PASS = "correct horse battery"
#: How long a held transaction may wait for another (generous: not a speed target).
HELD_S = 20.0
UNKNOWN_TO_UNLOCK = "no workshop has that code; check it with `policybench workshop list`"


def _w(a: float, b: float = 1.0, c: float = 1.0) -> dict[str, float]:
    return {"feasibility": float(a), "deterrence": float(b), "backlash": float(c)}


@pytest.fixture
def f(store: Store) -> Facilitator:
    return store.workshops.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)


def _reveal(store: Store, f: Facilitator) -> None:
    store.workshops.lock(f)
    store.workshops.reveal(f)


def _rows(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


# -- who joined, and what they have submitted ------------------------------------------------------


def test_a_participant_is_read_back_with_when_they_joined_and_no_revision_before_submitting(
    store: Store, f: Facilitator
) -> None:
    """`rounds.participant` 25, 36 and `participants` 33: the time is the join's own (aware,
    in UTC) and the revision of someone who has not submitted is 0, not 1."""
    w = store.workshops
    before = datetime.now(UTC)
    ana = w.join(f.code, "Ana")
    after = datetime.now(UTC)
    me = w.participant(f.code, ana.token)
    assert (me.display_name, me.submitted, me.revision) == ("Ana", False, 0)
    assert before <= me.joined_at <= after and me.joined_at.tzinfo is not None
    [listed] = w.participants(f)
    assert (listed.display_name, listed.submitted, listed.revision) == ("Ana", False, 0)
    assert listed.joined_at == me.joined_at
    first = w.submit(f.code, ana.token, _w(2))
    assert (first.display_name, first.revision, first.round) == ("Ana", 1, 1)
    w.submit(f.code, ana.token, _w(3))
    assert w.participant(f.code, ana.token).revision == 2
    assert [(p.submitted, p.revision) for p in w.participants(f)] == [(True, 2)]


def test_every_list_of_people_follows_the_order_the_store_recorded_their_joining(
    store: Store, f: Facilitator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By joining time, then by who joined first where the times tie (one clock tick, or a
    clock's coarse resolution), never by name; a clock set back between two joins (a
    time-server correction) lists the later insert first. `rounds.participants` 6, 8,
    `rounds.rounds` 11, 12, 14, 15, `challenges.challenges` 20-23, `group_weights` 33."""
    w = store.workshops
    instant = datetime.now(UTC) - timedelta(minutes=5)
    monkeypatch.setattr(workshops_module, "utcnow", lambda: instant)
    tokens = {name: w.join(f.code, name).token for name in ("Zoe", "Mia", "Ana")}
    monkeypatch.setattr(workshops_module, "utcnow", lambda: instant - timedelta(hours=1))
    tokens["Ben"] = w.join(f.code, "Ben").token
    monkeypatch.undo()
    joined = ["Ben", "Zoe", "Mia", "Ana"]
    for i, name in enumerate(("Zoe", "Mia", "Ana", "Ben")):
        w.submit(f.code, tokens[name], _w(i + 1))
        w.challenge(f.code, tokens[name], "summits", "backlash", i, reason=f"{name}'s")
    assert [p.display_name for p in w.participants(f)] == joined
    assert [s.display_name for s in w.submissions(f)] == joined
    assert [s.display_name for s in w.rounds(f)[1]] == joined
    assert [c.display_name for c in w.challenges(f)] == joined
    _reveal(store, f)
    assert w.group_weights(f.code, tokens["Ana"]) == [_w(1), _w(2), _w(3), _w(4)], (
        "without names, in the order the participants were added"
    )


def test_a_passphrase_of_exactly_8_or_1024_characters_is_accepted(store: Store) -> None:
    """`workshops._passphrase` 13, 15: the bounds are the shortest and longest allowed, not
    the first refused, and such a passphrase signs in."""
    for passphrase in ("x" * 8, "y" * 1024):
        made = store.workshops.create(
            "Bounds", options=OPTIONS, criteria=CRITERIA, passphrase=passphrase
        )
        assert store.workshops.verify_facilitator(made.code, passphrase) == made


def test_a_join_gives_a_pass_to_the_workshop_it_names_and_refuses_a_taken_name(
    store: Store, f: Facilitator
) -> None:
    """`workshops.join` 17, 53, 70: the pass carries the workshop's own code (however it was
    typed) and a 43-character token (256 random bits, URL-safe); a name already taken in the
    workshop is refused in full, whatever its case."""
    ana = store.workshops.join(f.code.lower(), "Ana")
    assert (ana.code, ana.display_name) == (f.code, "Ana")
    assert len(ana.token) == 43 and set(ana.token) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    with pytest.raises(WorkshopError) as taken:
        store.workshops.join(f.code, "ana")
    assert str(taken.value) == "the name 'ana' is already taken in this workshop; choose another"


# -- challenges ------------------------------------------------------------------------------------


def test_the_rooms_challenges_of_one_cell_are_listed_by_value_then_range_then_reason(
    store: Store, f: Facilitator
) -> None:
    """`challenges.room_challenges` 54-57: within a cell the room's view is ordered by the
    proposal alone (never by author): its value, then its range's low and high end (a
    proposal without a range first, as if both ends were 0), then its reason."""
    w = store.workshops
    proposals: list[tuple[str, float, float | None, float | None, str]] = [
        ("Ana", 5.0, 4.0, 6.0, "a: from 4 to 6"),
        ("Ben", 5.0, 3.0, 6.0, "b: from 3 to 6"),
        ("Cy", 5.0, 3.0, 5.5, "c: from 3 to 5.5"),
        ("Di", 5.0, None, None, "d: no range"),
        ("Ed", 0.5, 0.0, 0.5, "e: from 0 to 0.5"),
        ("Flo", 0.5, None, None, "f: no range"),
        ("Hal", 0.5, 0.5, 1.0, "h: from 0.5 to 1"),
        ("Gus", 5.0, 3.0, 6.0, "a: the same range"),
    ]
    tokens = {}
    for who, value, low, high, reason in proposals:
        tokens[who] = w.join(f.code, who).token
        w.challenge(f.code, tokens[who], "summits", "backlash", value, low=low, high=high,
                    reason=reason)  # fmt: skip
    w.challenge(f.code, tokens["Ana"], "liaison", "backlash", 9, reason="another cell")
    _reveal(store, f)
    room = w.room_challenges(f.code, tokens["Ana"])
    assert [(c.option, c.value, c.low, c.high, c.reason) for c in room] == [
        ("liaison", 9.0, None, None, "another cell"),
        ("summits", 0.5, None, None, "f: no range"),
        ("summits", 0.5, 0.0, 0.5, "e: from 0 to 0.5"),
        ("summits", 0.5, 0.5, 1.0, "h: from 0.5 to 1"),
        ("summits", 5.0, None, None, "d: no range"),
        ("summits", 5.0, 3.0, 5.5, "c: from 3 to 5.5"),
        ("summits", 5.0, 3.0, 6.0, "a: the same range"),
        ("summits", 5.0, 3.0, 6.0, "b: from 3 to 6"),
        ("summits", 5.0, 4.0, 6.0, "a: from 4 to 6"),
    ]
    assert {c.display_name for c in room} == {""}


def test_a_round_not_yet_revealed_is_refused_in_full(store: Store, f: Facilitator) -> None:
    """`challenges.room_challenges` 30, 31: the refusal says which round and what has to
    happen first."""
    w = store.workshops
    ana = w.join(f.code, "Ana")
    _reveal(store, f)
    w.next_round(f)
    with pytest.raises(WorkshopStateError) as refused:
        w.room_challenges(f.code, ana.token, round=2)
    assert str(refused.value) == (
        "the room's challenges of round 2 are shown once the facilitator reveals that "
        "round's result"
    )


def test_a_challenge_withdrawn_in_the_round_it_was_made_leaves_nothing_behind(
    store: Store, f: Facilitator
) -> None:
    """`challenges._has_earlier` 6: nobody saw it, so it goes, even when the participant
    (or anyone) has challenges from an earlier round; one seen at an earlier reveal is only
    marked withdrawn."""
    w = store.workshops
    ana, ben = w.join(f.code, "Ana"), w.join(f.code, "Ben")
    w.challenge(f.code, ana.token, "liaison", "backlash", 3, reason="seen at round 1's reveal")
    w.challenge(f.code, ben.token, "summits", "deterrence", 6, reason="Ben's, also seen")
    _reveal(store, f)
    w.next_round(f)
    w.challenge(f.code, ana.token, "summits", "feasibility", 2, reason="a second thought")
    assert _rows(store, schema_module.challenges) == 3
    assert w.withdraw(f.code, ana.token, "summits", "feasibility") is True
    assert _rows(store, schema_module.challenges) == 2, "made and withdrawn unseen: gone"
    with store.engine.connect() as conn:
        reasons = conn.execute(sa.select(schema_module.challenges.c.reason)).scalars().all()
    assert sorted(reasons) == ["Ben's, also seen", "seen at round 1's reveal"]
    assert w.withdraw(f.code, ana.token, "liaison", "backlash") is True
    assert _rows(store, schema_module.challenges) == 3, "seen by the room: marked, kept"
    assert [c.reason for c in w.room_challenges(f.code, ben.token, round=1)] == [
        "seen at round 1's reveal",
        "Ben's, also seen",
    ]


def test_a_decision_changes_only_its_own_cell_in_its_own_workshop(store: Store) -> None:
    """`challenges._decided` 4-6: replacing or undoing the decision on one cell leaves the
    cells that share its option or its criterion, and the same cell in another workshop."""
    w = store.workshops
    f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    other = w.create("Other", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    for shop in (f, other):
        w.decide(shop, "summits", "backlash", "adopted", value=4)
        w.decide(shop, "summits", "feasibility", "adopted", value=5)
        w.decide(shop, "liaison", "backlash", "adopted", value=6)
    w.decide(f, "summits", "backlash", "rejected")
    assert w.undo_decision(f, "liaison", "backlash") is True
    assert [(d.option, d.criterion, d.decision, d.value) for d in w.decisions(f)] == [
        ("summits", "feasibility", "adopted", 5.0),
        ("summits", "backlash", "rejected", None),
    ]
    assert [(d.option, d.criterion, d.value) for d in w.decisions(other)] == [
        ("liaison", "backlash", 6.0),
        ("summits", "feasibility", 5.0),
        ("summits", "backlash", 4.0),
    ]


# -- the server's unlock ---------------------------------------------------------------------------


def test_unlock_clears_and_counts_every_wrong_passphrase_count_of_the_workshop(
    store: Store, f: Facilitator
) -> None:
    """`workshops.unlock` 24-26, 29: one count per browser session that guessed plus the
    workshop's own; an unknown code is refused with where to look the codes up."""
    w = store.workshops
    other = w.create("Other", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    for session in ("s1", "s2"):
        with pytest.raises(WrongPassphraseError):
            w.verify_facilitator(f.code, "guess guess", client="c", session=session)
    with pytest.raises(WrongPassphraseError):
        w.verify_facilitator(other.code, "guess guess", client="c", session="s1")
    assert w.unlock(f.code.lower()) == 3, "two sessions' counts and the workshop's"
    assert w.unlock(f.code) == 0, "nothing left to clear"
    assert w.unlock(other.code) == 2, "the other workshop's counts were kept"
    for unknown in ("ZZZZZZZZZZZZZ", "not a code"):
        with pytest.raises(WorkshopNotFound) as refused:
            w.unlock(unknown)
        assert str(refused.value) == UNKNOWN_TO_UNLOCK


# -- signing in ------------------------------------------------------------------------------------


def test_a_wrong_passphrase_says_how_many_attempts_are_left(store: Store, f: Facilitator) -> None:
    """`workshops.verify_facilitator` 61, 63: the count in words, and none once none is left."""
    said = []
    for _ in range(5):
        with pytest.raises(WrongPassphraseError) as wrong:
            store.workshops.verify_facilitator(f.code, "guess guess", client="c", session="s")
        said.append(str(wrong.value))
    assert said == [
        "wrong passphrase (4 attempts left)",
        "wrong passphrase (3 attempts left)",
        "wrong passphrase (2 attempts left)",
        "wrong passphrase (1 attempt left)",
        "wrong passphrase",
    ]


def test_a_store_that_cannot_read_the_passphrase_counts_no_wrong_attempt(
    store: Store, f: Facilitator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed read of the passphrase's hash (a server restarting, a dropped connection) is
    the store's failure, not a wrong passphrase: it gives back the attempts it reserved, so
    more failures than the session's limit still leave the right passphrase working (they
    used to count: five locked the facilitator out for 15 minutes, thirty the workshop)."""
    db = store.workshops._db
    real = db.run

    class Dropped:
        def __init__(self, conn: Any) -> None:
            self._conn = conn

        def execute(self, statement: Any, *args: Any) -> Any:
            if "passphrase_hash" in str(statement):
                raise OperationalError(str(statement), {}, Exception("connection dropped"))
            return self._conn.execute(statement, *args)

    def run(fn: Any, **kw: Any) -> Any:
        return real(lambda conn: fn(Dropped(conn)), **kw)

    monkeypatch.setattr(db, "run", run)
    # 31 failures: past a session's limit (5) and the workshop's in all (30)
    for i in range(31):
        with pytest.raises(StoreError) as failed:
            store.workshops.verify_facilitator(f.code, PASS, client="c", session=f"s{i % 7}")
        assert str(failed.value).startswith("could not open the workshop")
        assert not isinstance(failed.value, WrongPassphraseError)
    monkeypatch.setattr(db, "run", real)
    assert store.workshops.verify_facilitator(f.code, PASS, client="c", session="s0") == f
    assert store.workshops.verify_facilitator(f.code, PASS, client="c", session="new") == f
    with pytest.raises(WrongPassphraseError) as wrong:
        store.workshops.verify_facilitator(f.code, "guess guess", client="c", session="s0")
    assert str(wrong.value) == "wrong passphrase (4 attempts left)"


def test_signing_in_rightly_never_counts_against_the_workshop(store: Store, f: Facilitator) -> None:
    """`workshops.verify_facilitator` 72: each right passphrase gives back the attempt it
    reserved in the workshop's count, so a facilitator who signs in again and again (new
    tabs, new devices) is never refused for it."""
    w = store.workshops
    for i in range(31):
        assert w.verify_facilitator(f.code, PASS, client="f", session=f"tab{i}").code == f.code
    with pytest.raises(WrongPassphraseError) as wrong:
        w.verify_facilitator(f.code, "guess guess", client="f", session="tab0")
    assert str(wrong.value) == "wrong passphrase (4 attempts left)"


def test_unknown_codes_at_sign_in_count_against_the_client_who_typed_them(store: Store) -> None:
    """`workshops.verify_facilitator` 5: one client's mistyped codes never lock out another."""
    w = store.workshops
    for _ in range(10):
        with pytest.raises(WorkshopNotFound):
            w.verify_facilitator("ZZZZZZZZZZZZZ", PASS, client="typo", session="s")
    with pytest.raises(RateLimitedError, match="too many unknown workshop codes"):
        w.verify_facilitator("ZZZZZZZZZZZZZ", PASS, client="typo", session="s")
    with pytest.raises(WorkshopNotFound) as unknown:
        w.verify_facilitator("ZZZZZZZZZZZZZ", PASS, client="another", session="s")
    assert str(unknown.value) == "no workshop has that code; check it with the facilitator"


def test_an_attempt_refused_by_the_workshops_limit_does_not_count_against_the_session(
    store: Store, f: Facilitator
) -> None:
    """`workshops.verify_facilitator` 19: once the workshop has had too many wrong
    passphrases, the facilitator's own attempts are refused by that limit every time, and
    never also run down their session's."""
    w = store.workshops
    for i in range(30):  # one guesser opening session after session
        with pytest.raises(WrongPassphraseError):
            w.verify_facilitator(f.code, "guess guess", client="c", session=f"s{i}")
    said = set()
    for _ in range(7):
        with pytest.raises(RateLimitedError) as refused:
            w.verify_facilitator(f.code, PASS, client="f", session="mine")
        said.add(str(refused.value).split(";")[0])
    assert said == {"this workshop has had too many wrong passphrases"}


class _BusySlots:
    """Every passphrase-hash slot taken (a burst of sign-ins): none frees up in time."""

    def __init__(self) -> None:
        self.waits: list[float | None] = []

    def acquire(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        return False

    def release(self) -> None:  # pragma: no cover - never acquired
        raise AssertionError("released a slot that was never taken")


def test_when_every_hash_slot_is_busy_sign_in_is_refused_and_counts_nothing(
    store: Store, f: Facilitator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`workshops.verify_facilitator` 39-48: the refusal is a rate limit with its plain
    message and a retry time, it waits a bounded time for a slot, and the attempt it
    reserved is given back (else a busy server would lock the facilitator out)."""
    w = store.workshops
    slots = _BusySlots()
    monkeypatch.setattr(workshops_module, "_hash_slots", slots)
    for i in range(30):
        with pytest.raises(RateLimitedError) as busy:
            w.verify_facilitator(f.code, PASS, client="f", session="same" if i < 5 else f"s{i}")
        assert str(busy.value) == (
            "the server is busy checking passphrases; try again in a few seconds"
        )
        assert busy.value.retry_after == 5.0
    monkeypatch.undo()
    assert slots.waits == [10.0] * 30, "each waited a bounded while for a slot"
    # Five refusals in one session and thirty in the workshop: had they counted, both the
    # session's limit and the workshop's would now refuse the right passphrase.
    assert w.verify_facilitator(f.code, PASS, client="f", session="same").code == f.code


# -- a damaged store -------------------------------------------------------------------------------


def _failure(call: Any, *args: Any) -> str:
    with pytest.raises(StoreError) as failed:
        call(*args)
    return str(failed.value)


def test_a_damaged_store_names_the_read_that_failed(tmp_path: Path) -> None:
    """`rounds.participants` 47, 52, 53, `my_previous` 24, 29, 30, `rounds` 40, 45, 46,
    `group_weights` 49, 54, 55, `set_combination` 31, 36, 37, `challenges.room_challenges` 64,
    69, 70, `challenges` 49, 54, 55, `workshops.unlock` 8, 19, 20: the message names the
    action, so a report of it says where it failed."""
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}")
    try:
        w = store.workshops
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ana = w.join(f.code, "Ana")
        w.submit(f.code, ana.token, _w(2))
        w.challenge(f.code, ana.token, "summits", "backlash", 4, reason="r")
        _reveal(store, f)
        w.next_round(f)
        assert w.room_challenges(f.code, ana.token)[0].reason == "r"
        lose_table(path, "workshop_challenges")
        lost = "the database said: no such table: workshop_challenges"
        assert _failure(lambda: w.room_challenges(f.code, ana.token)) == (
            f"could not read the room's challenges: {lost}"
        )
        assert _failure(lambda: w.challenges(f)) == f"could not read the challenges: {lost}"
        lose_table(path, "workshop_submissions")
        lost = "the database said: no such table: workshop_submissions"
        assert _failure(lambda: w.participants(f)) == f"could not read the participants: {lost}"
        mine = f"could not read your weights: {lost}"
        assert _failure(w.my_previous, f.code, ana.token) == mine
        assert _failure(w.my_submission, f.code, ana.token) == mine
        assert _failure(w.submissions, f) == f"could not read the submissions: {lost}"
        assert _failure(w.rounds, f) == f"could not read the submissions: {lost}"
        assert _failure(lambda: w.group_weights(f.code, ana.token)) == (
            f"could not read the group's result: {lost}"
        )
        raw = sqlite3.connect(path, isolation_level=None)
        try:  # the code's column is still there: the code is known, the row cannot be read
            raw.execute("ALTER TABLE workshops DROP COLUMN passphrase_hash")
        finally:
            raw.close()
        lost = "the database said: no such column: workshops.passphrase_hash"
        assert _failure(w.get, f.code) == f"could not open the workshop: {lost}"
        assert _failure(w.verify_facilitator, f.code, PASS) == (
            f"could not open the workshop: {lost}"
        )
        lose_table(path, "workshops")
        lost = "the database said: no such table: workshops"
        assert _failure(lambda: w.set_combination(f, "borda")) == (
            f"could not set the group ranking's rule: {lost}"
        )
        assert _failure(lambda: w.unlock(f.code)) == f"could not open the workshop: {lost}"
        # `workshops._known_code` 8, 19, 20: the check that a code is known fails first
        assert _failure(w.get, f.code) == f"could not open the workshop: {lost}"
        assert _failure(w.join, f.code, "Bea") == f"could not open the workshop: {lost}"
    finally:
        store.close()


def test_a_damaged_store_names_the_change_that_failed(tmp_path: Path) -> None:
    """Each of a participant's and the facilitator's changes, named in the refusal."""
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}")
    try:
        w = store.workshops
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ana = w.join(f.code, "Ana")
        w.challenge(f.code, ana.token, "summits", "backlash", 4, reason="r")
        w.decide(f, "summits", "backlash", "adopted", value=4)
        lose_table(path, "workshop_score_decisions")
        assert _failure(lambda: w.decide(f, "summits", "backlash", "rejected")) == (
            "could not record the decision: the database said: no such table: "
            "workshop_score_decisions"
        )
        lose_table(path, "workshop_challenges")
        lost = "the database said: no such table: workshop_challenges"
        assert _failure(
            lambda: w.challenge(f.code, ana.token, "summits", "backlash", 5, reason="r")
        ) == (f"could not save your challenge: {lost}")
        assert _failure(lambda: w.withdraw(f.code, ana.token, "summits", "backlash")) == (
            f"could not withdraw your challenge: {lost}"
        )
        lose_table(path, "workshop_submissions")
        assert _failure(lambda: w.submit(f.code, ana.token, _w(2))) == (
            "could not save your weights: the database said: no such table: workshop_submissions"
        )
        lose_table(path, "workshop_participants")
        assert _failure(lambda: w.join(f.code, "Ben")) == (
            "could not join the workshop: the database said: no such table: workshop_participants"
        )
        lose_table(path, "workshops")
        lost = "the database said: no such table: workshops"
        for change, verb in (
            (w.lock, "lock"),
            (w.reopen, "reopen"),
            (w.reveal, "reveal"),
            (w.close, "close"),
            (w.next_round, "open another round of"),
        ):
            assert _failure(change, f) == f"could not {verb} the workshop: {lost}"
        assert _failure(
            lambda: w.create("Again", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ) == (f"could not create the workshop: {lost}")
    finally:
        store.close()


# -- a passphrase hashed under older parameters -------------------------------------------------


def _hasher(time_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=1024, parallelism=1, type=Type.ID)


def test_a_passphrase_hashed_under_older_parameters_is_rehashed_at_sign_in(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the server's argon2 parameters change, the next right passphrase is stored again
    under the new ones, for that workshop alone (`workshops.verify_facilitator`'s rehash,
    80 and the rest of that branch)."""
    w = store.workshops
    monkeypatch.setattr(workshops_module, "_hasher", _hasher(1))
    f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    other = w.create("Other", options=OPTIONS, criteria=CRITERIA, passphrase="another passphrase")
    monkeypatch.setattr(workshops_module, "_hasher", _hasher(2))
    assert w.verify_facilitator(f.code, PASS).code == f.code
    with store.engine.connect() as conn:
        stored = dict(conn.execute(sa.select(W.c.code, W.c.passphrase_hash)).all())
    assert "$m=1024,t=2,p=1$" in stored[f.code], "rehashed under the new parameters"
    assert "$m=1024,t=1,p=1$" in stored[other.code], "the other workshop's hash untouched"
    assert workshops_module._hasher.verify(stored[f.code], PASS)
    assert w.verify_facilitator(f.code, PASS).code == f.code
    assert w.verify_facilitator(other.code, "another passphrase").code == other.code
    with pytest.raises(WrongPassphraseError):
        w.verify_facilitator(other.code, PASS)


def test_a_rehash_the_store_refuses_names_what_could_not_be_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`workshops.verify_facilitator` 78, 89, 90: a store that refuses the new hash (here a
    hand-added trigger) says it could not save, by the action's name."""
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}")
    try:
        w = store.workshops
        monkeypatch.setattr(workshops_module, "_hasher", _hasher(1))
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        raw = sqlite3.connect(path, isolation_level=None)
        try:
            raw.execute(
                "CREATE TRIGGER keep_hash BEFORE UPDATE OF passphrase_hash ON workshops "
                "BEGIN SELECT RAISE(ABORT, 'hashes are frozen'); END"
            )
        finally:
            raw.close()
        monkeypatch.setattr(workshops_module, "_hasher", _hasher(2))
        assert _failure(w.verify_facilitator, f.code, PASS) == (
            "could not save: the database said: hashes are frozen"
        )
    finally:
        store.close()


# -- SQLite: reads never wait for a writer, a facilitator's change holds off a rival ---------------


@pytest.fixture
def impatient(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, Path]]:
    """A SQLite store that refuses a lock at once instead of waiting 20 s for it."""
    monkeypatch.setattr(store_db, "SQLITE_BUSY_TIMEOUT_S", 0.0)
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}")
    try:
        yield store, path
    finally:
        store.close()


def test_every_read_is_answered_while_another_writer_holds_the_store(
    impatient: tuple[Store, Path],
) -> None:
    """SQLite in WAL mode lets readers read beside the one writer, but only a transaction
    begun as a read: begun ``IMMEDIATE``, each of these would wait for whoever is writing
    (here refused at once: "busy, try again"). `rounds.participant` 43, `participants` 51,
    `my_previous` 28, `challenges.room_challenges` 68, `decisions` 22, `workshops.unlock` 18
    (an unknown code is refused plainly, not as a busy store)."""
    store, path = impatient
    w = store.workshops
    f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = w.join(f.code, "Ana")
    w.submit(f.code, ana.token, _w(2))
    w.challenge(f.code, ana.token, "summits", "backlash", 4, reason="too high")
    _reveal(store, f)
    w.decide(f, "summits", "backlash", "adopted", value=4)
    w.next_round(f)
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # someone else's write, in progress
        assert w.get(f.code).round == 2
        assert w.participant(f.code, ana.token).revision == 0
        assert [(p.display_name, p.submitted) for p in w.participants(f)] == [("Ana", False)]
        previous = w.my_previous(f.code, ana.token)
        assert previous is not None and previous.weights == _w(2)
        assert w.my_submission(f.code, ana.token) is None
        assert w.group_weights(f.code, ana.token) == [_w(2)]
        assert [s.weights for s in w.submissions(f, round=1)] == [_w(2)]
        assert list(w.rounds(f)) == [1, 2]
        assert [c.reason for c in w.my_challenges(f.code, ana.token)] == ["too high"]
        assert [c.reason for c in w.room_challenges(f.code, ana.token)] == ["too high"]
        assert [c.display_name for c in w.challenges(f)] == ["Ana"]
        assert [(d.option, d.value) for d in w.decisions(f)] == [("summits", 4.0)]
        assert [(d.option, d.value) for d in w.room_decisions(f.code, ana.token)] == [
            ("summits", 4.0)
        ]
        assert w.adopted_scores(f.code, ana.token) == {"summits": {"backlash": 4.0}}
        with pytest.raises(WorkshopNotFound) as refused:
            w.unlock("ZZZZZZZZZZZZZ")
        assert str(refused.value) == UNKNOWN_TO_UNLOCK
    finally:
        writer.execute("ROLLBACK")
        writer.close()


# -- every change: SQLite's write lock from its start, PostgreSQL's row lock -------------------------

#: Each change to a workshop, after what it needs: (what it needs first, the change itself,
#: the lock it takes on the workshop's row on PostgreSQL). Called with (workshops, handle, Ana).
CHANGES: dict[str, tuple[Any, Any, str]] = {
    "join": (None, lambda w, f, ana: w.join(f.code, "Ben"), "update"),
    "set_combination": (None, lambda w, f, ana: w.set_combination(f, "borda"), "update"),
    "lock": (None, lambda w, f, ana: w.lock(f), "update"),
    "reopen": (lambda w, f, ana: w.lock(f), lambda w, f, ana: w.reopen(f), "update"),
    "reveal": (lambda w, f, ana: w.lock(f), lambda w, f, ana: w.reveal(f), "update"),
    "next_round": (
        lambda w, f, ana: (w.lock(f), w.reveal(f)),
        lambda w, f, ana: w.next_round(f),
        "update",
    ),
    "close": (None, lambda w, f, ana: w.close(f), "update"),
    "submit": (None, lambda w, f, ana: w.submit(f.code, ana.token, _w(2)), "share"),
    "challenge": (
        None,
        lambda w, f, ana: w.challenge(f.code, ana.token, "summits", "backlash", 4, reason="r"),
        "share",
    ),
    "withdraw": (
        lambda w, f, ana: w.challenge(f.code, ana.token, "summits", "backlash", 4, reason="r"),
        lambda w, f, ana: w.withdraw(f.code, ana.token, "summits", "backlash"),
        "share",
    ),
    "decide": (
        None,
        lambda w, f, ana: w.decide(f, "summits", "backlash", "adopted", value=4),
        "share",
    ),
    "undo_decision": (
        lambda w, f, ana: w.decide(f, "summits", "backlash", "adopted", value=4),
        lambda w, f, ana: w.undo_decision(f, "summits", "backlash"),
        "share",
    ),
}


def test_signing_in_reads_the_passphrase_hash_beside_a_writer_in_progress(
    impatient: tuple[Store, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`workshops.verify_facilitator` 35: the hash is read in a read transaction, so a
    facilitator signing in is not held up by (or, past the busy timeout, refused for)
    another writer in progress; here a writer holds the lock from just after the attempt is
    recorded until the hash is checked."""
    store, path = impatient
    w = store.workshops
    f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    writer = sqlite3.connect(path, isolation_level=None)
    reserve = store.limiter.reserve
    held: list[str] = []

    def reserve_then_a_writer(key: str, limit: Any) -> None:
        reserve(key, limit)
        if key.startswith("passall:"):  # the last write before the hash is read
            writer.execute("BEGIN IMMEDIATE")
            held.append("writing")

    class SlotFreeingTheWriter:
        def acquire(self, timeout: float) -> bool:
            writer.execute("ROLLBACK")
            held.append("done")
            return True

        def release(self) -> None:
            pass

    monkeypatch.setattr(store.limiter, "reserve", reserve_then_a_writer)
    monkeypatch.setattr(workshops_module, "_hash_slots", SlotFreeingTheWriter())
    try:
        assert w.verify_facilitator(f.code, PASS).code == f.code
    finally:
        writer.close()
    assert held == ["writing", "done"]


def _at_the_first_row_read(monkeypatch: pytest.MonkeyPatch, then: Any) -> list[Any]:
    """Call ``then()`` once, inside the next change's transaction, just after it has read (and
    on PostgreSQL locked) the workshop's row; returns the list ``then``'s results go to."""
    seen: list[Any] = []
    row = WorkshopBase._row

    def row_then(self: Any, *args: Any, **kwargs: Any) -> Any:
        found = row(self, *args, **kwargs)
        if not seen:
            seen.append(then())
        return found

    monkeypatch.setattr(WorkshopBase, "_row", row_then)
    return seen


def _rival_writer(path: Path, code: str) -> str:
    """Another writer's attempt to rename a workshop, refused at once if it must wait."""
    return rival_write(path, "UPDATE workshops SET title = 'Renamed' WHERE code = ?", (code,))


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_holds_the_write_lock_from_its_start_so_a_concurrent_writer_cannot_fail_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """SQLite: every change begins ``IMMEDIATE``. Begun as a plain read (``write`` false or
    None), another writer committing between its read and its write would turn it into
    "busy, try again" (a stale snapshot cannot be upgraded); holding the lock, the other
    writer waits instead. `challenges.undo_decision` 27, 32, and the same flag of each
    change (`workshops.join`, `rounds.submit`, `_transition`, `challenges.challenge`,
    `withdraw`, `decide`)."""
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}")
    try:
        w = store.workshops
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        other = w.create("Other room", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ana = w.join(f.code, "Ana")
        needs, make, _lock = CHANGES[change]
        if needs is not None:
            needs(w, f, ana)
        rival = _at_the_first_row_read(monkeypatch, lambda: _rival_writer(path, other.code))
        assert make(w, f, ana)
        monkeypatch.undo()
        assert rival == ["database is locked"], "the rival had to wait for the change"
        assert w.get(other.code).title == "Other room"
    finally:
        store.close()


def test_a_join_code_drawn_twice_is_drawn_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`workshops.create`'s ``retry_unique``: a new code that collides with a workshop's
    (2^-65 a pair, but certain over enough workshops) fails the unique key and the workshop
    is made again under a fresh code, never refused and never sharing the other's code."""
    w = store.workshops
    first = w.create("First", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    draws = [first.code]
    draw = workshops_module.new_code

    def new_code_colliding_once() -> str:
        return draws.pop() if draws else draw()

    monkeypatch.setattr(workshops_module, "new_code", new_code_colliding_once)
    second = w.create("Second", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    monkeypatch.undo()
    assert second.code != first.code and draws == []
    assert (w.get(first.code).title, w.get(second.code).title) == ("First", "Second")


def _lock_probe(store: Store, code: str, mode: str) -> str:
    """Try, from another connection, to lock the workshop's row ``mode`` without waiting."""
    shared = {"share": True, "update": False}[mode]
    with store.engine.connect() as probe, probe.begin():
        try:
            probe.execute(
                sa.select(W.c.id).where(W.c.code == code).with_for_update(nowait=True, read=shared)
            ).one()
        except OperationalError as exc:
            return "refused" if "could not obtain lock" in str(exc) else str(exc)
    return "got it"


@pytest.mark.postgres
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_locks_the_workshops_row_for_as_long_as_it_runs(
    pg: PgServer, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """PostgreSQL: a change of state or round, a rule change and a join lock the workshop's
    row against everyone; a participant's write and a decision share it, so a busy room's
    saves do not queue behind one another but no lock, reveal or next round slips in between
    their check of the state and their write. `rounds.set_combination` 10, 13, 14,
    `challenges.undo_decision` 5, 8, 9, and the same lock of each change (`workshops.join`,
    `rounds.submit`, `_transition`, `challenges.challenge`, `withdraw`, `decide`)."""
    store = open_store(pg.url(pg.create_database()))
    try:
        w = store.workshops
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ana = w.join(f.code, "Ana")
        needs, make, lock = CHANGES[change]
        if needs is not None:
            needs(w, f, ana)
        seen = _at_the_first_row_read(
            monkeypatch,
            lambda: (_lock_probe(store, f.code, "share"), _lock_probe(store, f.code, "update")),
        )
        assert make(w, f, ana)
        monkeypatch.undo()
        held = {"update": ("refused", "refused"), "share": ("got it", "refused")}[lock]
        assert seen == [held], f"{change} holds the row for {lock}"
        assert _lock_probe(store, f.code, "update") == "got it", "released at the end"
    finally:
        store.close()


# -- every refusal, in full ------------------------------------------------------------------------


def _refusal(call: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(PolicybenchError) as refused:
        call(*args, **kwargs)
    return type(refused.value).__name__, str(refused.value)


def test_a_workshop_that_cannot_be_made_is_refused_by_name(store: Store, tiny_catalog: Any) -> None:
    """Each field named as the facilitator knows it, with what to do (`workshops.create`,
    `_ids`, `_passphrase`)."""
    make = store.workshops.create
    bad = "InvalidValueError"
    assert _refusal(make, "", options=OPTIONS, criteria=CRITERIA, passphrase=PASS) == (
        bad,
        "a workshop title cannot be empty",
    )
    assert _refusal(make, "t", options="summits", criteria=CRITERIA, passphrase=PASS) == (
        bad,
        "the workshop's options must be a list of ids",
    )
    assert _refusal(make, "t", options=OPTIONS, criteria="cost", passphrase=PASS) == (
        bad,
        "the workshop's criteria must be a list of ids",
    )
    assert _refusal(make, "t", options=["a", ""], criteria=CRITERIA, passphrase=PASS) == (
        bad,
        "an id in options cannot be empty",
    )
    assert _refusal(make, "t", options=OPTIONS, criteria=["a", ""], passphrase=PASS) == (
        bad,
        "an id in criteria cannot be empty",
    )
    assert _refusal(make, "t", options=["a", "a"], criteria=CRITERIA, passphrase=PASS) == (
        bad,
        "the workshop's options name an id twice",
    )
    assert _refusal(make, "t", options=["a"], criteria=CRITERIA, passphrase=PASS) == (
        bad,
        "a workshop needs at least 2 options",
    )
    assert _refusal(make, "t", options=OPTIONS, criteria=["a"], passphrase=PASS) == (
        bad,
        "a workshop needs at least 2 criteria",
    )
    assert _refusal(
        make,
        "t",
        options=["zz", "summits", "yy"],
        criteria=CRITERIA,
        passphrase=PASS,
        catalog=tiny_catalog,
    ) == (
        bad,
        "unknown option(s) 'zz', 'yy'; the options are: status-quo, liaison, summits, two-plus-two",
    )
    assert _refusal(
        make,
        "t",
        options=OPTIONS,
        criteria=["zz", "backlash", "yy"],
        passphrase=PASS,
        catalog=tiny_catalog,
    ) == (
        bad,
        "unknown criteria 'zz', 'yy'; the criteria are: feasibility, deterrence, backlash",
    )
    for passphrase, said in (
        (12345678, "the passphrase must be text"),
        ("short", "the passphrase is too short: use at least 8 characters"),
        ("x" * 7, "the passphrase is too short: use at least 8 characters"),
        ("x" * 1025, "the passphrase is too long (1025 characters; at most 1024)"),
        (
            "abc\x00defghij",
            "the passphrase cannot contain a NUL byte (\\x00); remove it and try again",
        ),
    ):
        assert _refusal(make, "t", options=OPTIONS, criteria=CRITERIA, passphrase=passphrase) == (
            bad,
            said,
        )
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(W)).scalar_one() == 0


def test_weights_that_cannot_be_saved_are_refused_by_name(store: Store, f: Facilitator) -> None:
    """`rounds.submit`, `_reasons`, `_match_criteria`: the field and the state named."""
    w = store.workshops
    ana = w.join(f.code, "Ana")
    bad = "InvalidValueError"
    save = w.submit
    assert _refusal(save, f.code, ana.token, _w(1), reasons=["why"]) == (
        bad,
        "reasons must map criterion ids to short texts",
    )
    assert _refusal(save, f.code, ana.token, _w(1), reasons={"": "why"}) == (
        bad,
        "a criterion id cannot be empty",
    )
    assert _refusal(save, f.code, ana.token, _w(1), reasons={"feasibility": "x" * 281}) == (
        bad,
        "the reason for 'feasibility' is too long (281 characters; at most 280)",
    )
    assert _refusal(save, f.code, ana.token, _w(1), reasons={"cost": "why", "speed": "!"}) == (
        bad,
        "a reason names unknown criteria: 'cost', 'speed'",
    )
    assert _refusal(save, f.code, ana.token, {"feasibility": 1.0}) == (
        bad,
        "weights must name every criterion in play; missing: deterrence, backlash",
    )
    assert _refusal(save, f.code, ana.token, {**_w(1), "cost": 1.0, "speed": 2.0}) == (
        bad,
        "unknown criterion 'cost', 'speed'; this workshop's criteria are: feasibility, "
        "deterrence, backlash",
    )
    w.lock(f)
    assert _refusal(save, f.code, ana.token, _w(1)) == (
        "WorkshopStateError",
        "the round is locked: submissions can no longer be changed unless the facilitator "
        "reopens it",
    )
    assert _refusal(w.join, f.code, "Ben") == (
        "WorkshopStateError",
        "this workshop is locked and is not taking new participants",
    )
    w.reveal(f)
    assert _refusal(save, f.code, ana.token, _w(1)) == (
        "WorkshopStateError",
        "the round is revealed: submissions can no longer be changed",
    )
    assert _refusal(w.reopen, f) == (
        "WorkshopStateError",
        "cannot reopen the workshop: it is revealed; the results are already revealed",
    )
    assert _refusal(w.lock, f) == ("WorkshopStateError", "cannot lock the workshop: it is revealed")
    assert w.my_submission(f.code, ana.token) is None, "nothing refused was saved"


def test_a_challenge_or_decision_that_cannot_be_saved_is_refused_by_name(
    store: Store, f: Facilitator
) -> None:
    """`challenges.challenge`, `_quote_check`, `_open_for_challenges`, `_decision_fields`,
    `_not_closed` 5 and `_decision_fields` 15: the field and the state named."""
    w = store.workshops
    ana = w.join(f.code, "Ana")
    bad = "InvalidValueError"

    def challenge(**kwargs: Any) -> tuple[str, str]:
        return _refusal(w.challenge, f.code, ana.token, "summits", "backlash", 4, **kwargs)

    assert challenge(reason="") == (bad, "the reason is required: say in a sentence or two why")
    assert challenge(reason="r" * 501) == (
        bad,
        "the reason is too long (501 characters; at most 500): shorten it",
    )
    assert challenge(reason="r", quote="q" * 1001, source="glosserman-2018") == (
        bad,
        "the quote is too long (1001 characters; at most 1000): shorten it",
    )
    assert challenge(reason="r", source="glosserman-2018") == (
        bad,
        "a source names where a quote comes from: give the quote too, or no source",
    )
    assert challenge(reason="r", check="verified") == (
        bad,
        "only a quote with its source can be checked: give the quote and its source, or "
        "check='not_checked', not 'verified'",
    )
    assert challenge(reason="r", quote="q", source="glosserman-2018", check="maybe") == (
        bad,
        "a quote check is one of 'verified', 'not_found', 'near_match', 'not_checked', not 'maybe'",
    )
    decide = w.decide
    assert _refusal(decide, f, "summits", "backlash", "maybe") == (
        bad,
        "a decision is 'adopted' or 'rejected', not 'maybe'",
    )
    assert _refusal(decide, f, "summits", "backlash", "rejected", value=3) == (
        bad,
        "a rejected score keeps the catalog's value: give no value, low or high",
    )
    assert _refusal(decide, f, "summits", "backlash", "adopted") == (
        bad,
        "adopting a score needs the value to adopt: give value=",
    )
    assert _refusal(decide, f, "summits", "backlash", "adopted", value=11) == (
        bad,
        "the adopted score is 11, off the criterion's 0–10 scale; choose a value from 0 to 10",
    )
    w.lock(f)
    assert challenge(reason="r") == (
        "WorkshopStateError",
        "the round is locked: challenges can no longer be made, revised or withdrawn unless "
        "the facilitator reopens it",
    )
    w.reveal(f)
    assert _refusal(w.withdraw, f.code, ana.token, "summits", "backlash") == (
        "WorkshopStateError",
        "the round is revealed: challenges can no longer be made, revised or withdrawn",
    )
    w.close(f)
    closed = (
        "WorkshopStateError",
        "the workshop is closed: its score decisions can no longer change",
    )
    assert _refusal(decide, f, "summits", "backlash", "rejected") == closed
    assert _refusal(w.undo_decision, f, "summits", "backlash") == closed
    assert _refusal(w.next_round, f) == (
        "WorkshopStateError",
        "cannot open another round of the workshop: it is closed",
    )
    assert w.my_challenges(f.code, ana.token) == [] and w.decisions(f) == []


# -- PostgreSQL: two saves of one thing at once ----------------------------------------------------

#: A save, the same save made at once from elsewhere, the function of its module called just
#: after the save found no row to revise (where the other one lands), and what is left.
RACES: dict[str, tuple[Any, Any, tuple[Any, str], Any]] = {
    "submit": (
        lambda w, f, ana: w.submit(f.code, ana.token, _w(1)),
        lambda w, f, ana: w.submit(f.code, ana.token, _w(9)),
        (checks_module, "dumps"),
        lambda w, f, ana: [(s.weights, s.revision) for s in w.submissions(f)],
    ),
    "challenge": (
        lambda w, f, ana: w.challenge(f.code, ana.token, "summits", "backlash", 4, reason="mine"),
        lambda w, f, ana: w.challenge(f.code, ana.token, "summits", "backlash", 7, reason="tab"),
        (challenges_module, "_live"),
        lambda w, f, ana: [(c.value, c.reason) for c in w.my_challenges(f.code, ana.token)],
    ),
    "decide": (
        lambda w, f, ana: w.decide(f, "summits", "backlash", "adopted", value=4),
        lambda w, f, ana: w.decide(f, "summits", "backlash", "rejected"),
        (challenges_module, "utcnow"),
        lambda w, f, ana: [(d.decision, d.value) for d in w.decisions(f)],
    ),
}  # fmt: skip
LEFT = {
    "submit": [(_w(1), 2)],
    "challenge": [(4.0, "mine")],
    "decide": [("adopted", 4.0)],
}


@pytest.mark.postgres
@pytest.mark.parametrize("race", sorted(RACES))
def test_a_save_that_loses_a_race_to_the_same_save_is_made_again_not_refused(
    pg: PgServer, monkeypatch: pytest.MonkeyPatch, race: str
) -> None:
    """Two tabs (or a double click) save the same participant's weights, challenge or the
    facilitator's decision at once: both find nothing to revise and insert, the unique key
    refuses the later, and it runs again as a revision of the other instead of failing with
    "could not save". The ``retry_unique`` of `rounds.submit` (132, 136, 140),
    `challenges.challenge` (168, 172, 176) and `challenges.decide` (64, 68, 72)."""
    store = open_store(pg.url(pg.create_database()))
    try:
        w = store.workshops
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ana = w.join(f.code, "Ana")
        mine, theirs, (module, name), left = RACES[race]
        original = getattr(module, name)
        raced: list[str] = []

        def the_other_save_lands_first(*args: Any, **kwargs: Any) -> Any:
            if not raced:
                raced.append("raced")
                theirs(w, f, ana)  # its own transaction, committed before ours inserts
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, the_other_save_lands_first)
        mine(w, f, ana)
        monkeypatch.undo()
        assert raced == ["raced"]
        assert left(w, f, ana) == LEFT[race]
    finally:
        store.close()


@pytest.mark.postgres
def test_two_withdrawals_at_once_withdraw_once_and_neither_fails(
    pg: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A challenge the room saw in round 1, withdrawn in round 2 from two tabs at once: the
    second waits for the first's lock on the challenge, then (its statement's snapshot not
    holding the first's marker) inserts a marker of its own, which the unique key refuses;
    run again, it finds the challenge withdrawn and answers False instead of "could not
    withdraw your challenge". `challenges.withdraw`'s ``retry_unique`` (86, 90, 94)."""
    store = open_store(pg.url(pg.create_database()))
    try:
        w = store.workshops
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ana = w.join(f.code, "Ana")
        w.challenge(f.code, ana.token, "summits", "backlash", 4, reason="seen in round 1")
        _reveal(store, f)
        w.next_round(f)
        first_inside, release = threading.Event(), threading.Event()
        take = store.limiter.take

        def take_pausing_the_first(*args: Any, **kwargs: Any) -> Any:
            # Called after the withdrawal has locked the challenge's row, before its marker.
            if threading.current_thread().name == "first":
                first_inside.set()
                release.wait(HELD_S)
            return take(*args, **kwargs)

        monkeypatch.setattr(store.limiter, "take", take_pausing_the_first)
        answers: dict[str, object] = {}

        def withdraw() -> None:
            name = threading.current_thread().name
            try:
                answers[name] = w.withdraw(f.code, ana.token, "summits", "backlash")
            except Exception as exc:  # the answer this test is about
                answers[name] = str(exc)

        first = threading.Thread(target=withdraw, name="first", daemon=True)
        second = threading.Thread(target=withdraw, name="second", daemon=True)
        first.start()
        assert first_inside.wait(HELD_S), "the first withdrawal never reached its write"
        second.start()
        _until_a_backend_waits_for_a_lock(store)
        release.set()
        first.join(HELD_S)
        second.join(HELD_S)
        assert answers == {"first": True, "second": False}
        assert w.my_challenges(f.code, ana.token) == []
        assert [c.reason for c in w.room_challenges(f.code, ana.token, round=1)] == [
            "seen in round 1"
        ]
    finally:
        store.close()


def _until_a_backend_waits_for_a_lock(store: Store) -> None:
    """Return once another connection to the test's database is waiting for a lock (or after
    a generous while, after which the test's own assertions say what happened)."""
    deadline = time.monotonic() + HELD_S
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    while time.monotonic() < deadline:
        with store.engine.connect() as conn:
            if conn.execute(query).scalar_one():
                return
        time.sleep(0.05)
