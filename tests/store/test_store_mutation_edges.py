"""Edges of the store's access and version checks that mutation testing found unguarded
(docs/TESTING.md, issue 17), each asserted as a user meets it: the exact refusals (an unknown
group rule, a cell not in play, a code typed past 64 characters, a link that is not text or
not valid text, a handle that is not the facilitator's), a workshop's own times and the join
order, what a damaged store says could not be done, and the locks: on SQLite a facilitator's
change begins as a write so a rival writer cannot fail it, and a read begins as a read so it
never waits for one; on PostgreSQL participants' saves share the workshop's row and plain
reads do not lock it, so neither waits for another's save or the facilitator's change."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from policybench.store import (
    Facilitator,
    InvalidValueError,
    ParticipantTokenError,
    Store,
    StoreError,
    WorkshopNotFound,
    WrongPassphraseError,
    open_store,
)
from policybench.store import challenges as challenges_module
from policybench.store import rounds as rounds_module
from policybench.store import workshops as workshops_module
from policybench.store.db import utcnow
from policybench.store.schema import workshops as W
from policybench.store.workshop_base import normalize_code
from support.pgserver import PgServer
from support.sqlite_file import finishes_beside_a_writer, lose_table, rival_write

OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
PASS = "correct horse battery"
BAD_LINK = "this participant link is not valid for this workshop; join again"
#: How long one participant's save may take while another's is held open (generous: it is
#: not a speed target; the save either waits for the other to finish or does not wait at all).
HELD_S = 20.0


@pytest.fixture
def f(store: Store) -> Facilitator:
    return store.workshops.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)


def test_an_unknown_group_rule_is_refused_with_every_rule_listed_plainly(
    store: Store, f: Facilitator
) -> None:
    with pytest.raises(InvalidValueError) as refused:
        store.workshops.set_combination(f, "vote")
    assert str(refused.value) == (
        "unknown group ranking rule 'vote'; choose one of: mean, geometric, median, borda, copeland"
    )
    assert store.workshops.get(f.code).combination == "mean", "a refused rule changes nothing"


def test_a_code_is_read_through_at_most_64_characters_of_typing(
    store: Store, f: Facilitator
) -> None:
    """Spaces, dashes and dots are forgiven, but only within 64 characters typed; past that
    (or for what is not text at all) the code is refused without being read."""
    padded = {n: f.code[:4] + " " * (n - len(f.code)) + f.code[4:] for n in (63, 64, 65, 80)}
    assert normalize_code(padded[63]) == normalize_code(padded[64]) == f.code
    assert normalize_code(padded[65]) is None
    assert normalize_code(padded[80]) is None
    assert store.workshops.get(padded[64]).code == f.code
    with pytest.raises(WorkshopNotFound, match="no workshop has that code"):
        store.workshops.get(padded[65])
    for not_text in (None, 12345, ["ABCD"]):
        assert normalize_code(not_text) is None  # type: ignore[arg-type]


def test_each_refusal_of_who_is_asking_says_what_to_do(store: Store, f: Facilitator) -> None:
    w = store.workshops
    ana = w.join(f.code, "Ana")
    with pytest.raises(WrongPassphraseError) as refused:
        w.set_combination(object(), "mean")  # type: ignore[arg-type]
    assert str(refused.value) == "only the facilitator can do that; enter the passphrase first"
    with pytest.raises(WorkshopNotFound) as unknown:
        w.my_submission("not a code", ana.token)
    assert str(unknown.value) == "no workshop has that code; check it with the facilitator"
    for not_text in (12345, 4.5, ("a",)):
        with pytest.raises(ParticipantTokenError) as bad:
            w.my_submission(f.code, not_text)  # type: ignore[arg-type]
        assert str(bad.value) == BAD_LINK


def test_a_workshop_read_back_carries_its_own_times(store: Store) -> None:
    before = datetime.now(UTC)
    f = store.workshops.create("Times", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    after = datetime.now(UTC)
    w = store.workshops.get(f.code)
    assert before <= w.created_at <= after
    assert w.created_at.tzinfo is not None
    assert w.updated_at == w.created_at
    store.workshops.set_combination(f, "borda")
    changed = store.workshops.get(f.code)
    assert changed.created_at == w.created_at
    assert changed.updated_at > w.updated_at


def test_participants_are_listed_in_the_order_the_store_recorded_their_joining(
    store: Store, f: Facilitator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By the time each join was recorded, not by insertion: a clock set back between two
    joins (a time-server correction) lists the later insert first."""
    w = store.workshops
    w.join(f.code, "Ana")
    earlier = datetime.now(UTC) - timedelta(hours=1)
    monkeypatch.setattr(workshops_module, "utcnow", lambda: earlier)
    w.join(f.code, "Ben")
    monkeypatch.undo()
    assert [p.display_name for p in w.participants(f)] == ["Ben", "Ana"]


def test_a_challenge_of_a_cell_not_in_play_lists_what_is(store: Store, f: Facilitator) -> None:
    w = store.workshops
    ana = w.join(f.code, "Ana")
    with pytest.raises(InvalidValueError) as refused:
        w.challenge(f.code, ana.token, "moonshot", "feasibility", 4, reason="r")
    assert str(refused.value) == (
        "the option 'moonshot' is not in play in this workshop; choose one of its options: "
        "status-quo, liaison, summits, two-plus-two"
    )
    with pytest.raises(InvalidValueError) as refused:
        w.challenge(f.code, ana.token, "summits", "cost", 4, reason="r")
    assert str(refused.value) == (
        "the criterion 'cost' is not in play in this workshop; choose one of its criteria: "
        "feasibility, deterrence, backlash"
    )
    assert w.my_challenges(f.code, ana.token) == []


@pytest.mark.parametrize("token", ["\ud800", "abc\udfffdef", "\udc80" * 43])
def test_a_link_with_a_broken_character_is_refused_as_any_bad_link(
    store: Store, f: Facilitator, token: str
) -> None:
    """A lone surrogate (what a mangled URL can decode to) is not valid UTF-8: the token is
    hashed with ``surrogatepass`` so the participant reads the plain refusal, not a crash."""
    store.workshops.join(f.code, "Ana")
    with pytest.raises(ParticipantTokenError) as refused:
        store.workshops.participant(f.code, token)
    assert str(refused.value) == BAD_LINK
    with pytest.raises(ParticipantTokenError, match="join again"):
        store.workshops.my_submission(f.code, token)


def test_a_rule_change_holds_the_write_lock_so_a_concurrent_writer_cannot_fail_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: the facilitator's change begins ``IMMEDIATE``. Begun as a plain read, another
    writer committing between its read and its write would turn it into "busy, try again"
    (a stale snapshot cannot be upgraded); holding the lock, the other writer waits instead."""
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}")
    try:
        w = store.workshops
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        other = w.create("Other room", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        attempts: list[str] = []

        def utcnow_with_a_rival_writer() -> datetime:
            # Called inside the change's transaction, after its read and before its write.
            if not attempts:
                rename = "UPDATE workshops SET title = 'Renamed' WHERE code = ?"
                attempts.append(rival_write(path, rename, (other.code,)))
            return utcnow()

        monkeypatch.setattr(rounds_module, "utcnow", utcnow_with_a_rival_writer)
        assert w.set_combination(f, "borda").combination == "borda"
        monkeypatch.undo()
        assert w.get(f.code).combination == "borda"
        assert attempts == ["database is locked"], "the rival had to wait for the change"
        assert w.get(other.code).title == "Other room"
    finally:
        store.close()


def test_a_damaged_store_says_what_could_not_be_done(tmp_path: Path) -> None:
    """The refusal names the action (a participant's or the facilitator's), so a report of
    it says where it failed."""
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}")
    try:
        w = store.workshops
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ana = w.join(f.code, "Ana")
        w.lock(f)
        w.reveal(f)
        assert w.adopted_scores(f.code, ana.token) == {}
        lose_table(path, "workshop_score_decisions")
        lost = "the database said: no such table: workshop_score_decisions"
        with pytest.raises(StoreError) as failed:
            w.adopted_scores(f.code, ana.token)
        assert str(failed.value) == f"could not read the adopted scores: {lost}"
        with pytest.raises(StoreError) as failed:
            w.room_decisions(f.code, ana.token)
        assert str(failed.value) == f"could not read the score decisions: {lost}"
        with pytest.raises(StoreError) as failed:
            w.decisions(f)
        assert str(failed.value) == f"could not read the decisions: {lost}"
        with pytest.raises(StoreError) as failed:
            w.undo_decision(f, "summits", "feasibility")
        assert str(failed.value) == f"could not undo the decision: {lost}"
        lose_table(path, "workshop_challenges")
        with pytest.raises(StoreError) as failed:
            w.my_challenges(f.code, ana.token)
        assert str(failed.value) == (
            "could not read your challenges: the database said: no such table: workshop_challenges"
        )
        lose_table(path, "workshop_submissions")
        with pytest.raises(StoreError) as failed:
            w.participant(f.code, ana.token)
        assert str(failed.value) == (
            "could not open the workshop: the database said: no such table: workshop_submissions"
        )
    finally:
        store.close()


@pytest.mark.postgres
def test_a_participants_save_does_not_wait_for_anothers_in_progress(
    pg: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A participant's write locks the workshop's row *for share* (against a change of
    state or round), not exclusively: Ben's save, held open mid-transaction, must not hold up
    Ana's, or a busy room's saves would queue one behind the other."""
    store = open_store(pg.url(pg.create_database()))
    try:
        w = store.workshops
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ana, ben = w.join(f.code, "Ana"), w.join(f.code, "Ben")
        ben_inside, release = threading.Event(), threading.Event()

        def utcnow_pausing_ben() -> datetime:
            # Called inside the save's transaction, after the workshop's row is locked.
            if threading.current_thread().name == "ben":
                ben_inside.set()
                release.wait(HELD_S * 3)
            return utcnow()

        monkeypatch.setattr(challenges_module, "utcnow", utcnow_pausing_ben)
        saved: dict[str, float] = {}

        def save(who: str, token: str, option: str) -> None:
            saved[who] = w.challenge(
                f.code, token, option, "feasibility", 4, reason=f"{who}'s reason"
            ).value

        ben_saving = threading.Thread(
            target=save, args=("ben", ben.token, "summits"), name="ben", daemon=True
        )
        ana_saving = threading.Thread(
            target=save, args=("ana", ana.token, "liaison"), name="ana", daemon=True
        )
        ben_saving.start()
        assert ben_inside.wait(HELD_S), "Ben's save never reached its write"
        ana_saving.start()
        ana_saving.join(HELD_S)
        ana_done_while_ben_held = not ana_saving.is_alive()
        release.set()
        ben_saving.join(HELD_S)
        ana_saving.join(HELD_S)
        assert ana_done_while_ben_held, "Ana's save waited for Ben's to finish"
        assert saved == {"ana": 4.0, "ben": 4.0}
        assert {(c.option, c.display_name) for c in w.challenges(f)} == {
            ("liaison", "Ana"),
            ("summits", "Ben"),
        }
    finally:
        store.close()


def test_reading_ones_weights_does_not_wait_for_a_writer_in_progress(tmp_path: Path) -> None:
    """SQLite in WAL mode lets readers read beside the one writer, but only a transaction
    begun as a read: begun ``IMMEDIATE``, a participant opening their weights would wait for
    whoever is writing (up to the busy timeout, then "busy, try again")."""
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}")
    try:
        w = store.workshops
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ana = w.join(f.code, "Ana")
        weights = {"feasibility": 1.0, "deterrence": 2.0, "backlash": 3.0}
        w.submit(f.code, ana.token, weights)
        read: list[dict[str, float]] = []

        def read_weights() -> None:
            mine = w.my_submission(f.code, ana.token)
            assert mine is not None
            read.append(mine.weights)

        read_while_writing = finishes_beside_a_writer(path, read_weights, HELD_S)
        assert read_while_writing, "reading one's weights waited for another's write"
        assert read == [weights]
    finally:
        store.close()


@pytest.mark.postgres
def test_a_participants_read_does_not_wait_for_the_facilitators_change(pg: PgServer) -> None:
    """On PostgreSQL a plain read takes no row lock: a participant opening their weights while
    the facilitator's lock or reveal holds the workshop's row is answered at once."""
    store = open_store(pg.url(pg.create_database()))
    try:
        w = store.workshops
        f = w.create("Edges", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ana = w.join(f.code, "Ana")
        weights = {"feasibility": 1.0, "deterrence": 2.0, "backlash": 3.0}
        w.submit(f.code, ana.token, weights)
        read: list[dict[str, float]] = []

        def read_weights() -> None:
            mine = w.my_submission(f.code, ana.token)
            assert mine is not None
            read.append(mine.weights)

        with store.engine.connect() as facilitator, facilitator.begin():
            # the facilitator's change, in progress: it holds the row as a transition does
            facilitator.execute(sa.select(W).where(W.c.code == f.code).with_for_update()).one()
            reading = threading.Thread(target=read_weights, daemon=True)
            reading.start()
            reading.join(HELD_S)
            read_while_changing = not reading.is_alive()
        reading.join(HELD_S)
        assert read_while_changing, "a participant's read waited for the facilitator's change"
        assert read == [weights]
    finally:
        store.close()
