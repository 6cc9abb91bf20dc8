"""Edges of the device memory that the first full mutation run of ``store/devices.py`` found
unguarded (docs/TESTING.md, issue 17), each asserted as a facilitator or participant meets
it: signing in again on a device renews that one session and leaves every other (the same
workshop on another device, another workshop on the same device); signing out does the same;
a session ends at the time its sign-in said; a code that is not one resumes nothing; the
last sign-in or join recorded on a device is the one found, ties going to the later; a
personal link opened on a shared device leads back to its own participant; what a damaged
store says could not be done; and the locks: on SQLite a device is remembered under the write
lock and read without waiting for a writer, and on PostgreSQL two sign-ins or two opened
links racing on one device both succeed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from policybench.store import Store, StoreError, open_store
from policybench.store import devices as devices_module
from policybench.store.db import as_utc, utcnow
from policybench.store.schema import facilitator_sessions as FS
from policybench.store.schema import participant_devices as PD
from policybench.store.workshops import FACILITATOR_SESSION_HOURS, device_hash
from support.pgserver import PgServer
from support.sqlite_file import finishes_beside_a_writer, lose_table, rival_write

OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
PASS = "correct horse battery"
#: How long a read may take while another's write is held open (generous: not a speed
#: target; the read either waits for the write to finish or does not wait at all).
HELD_S = 20.0
HOUR = 3600.0


def device() -> str:
    """A device id as the app's cookie makes it."""
    return secrets.token_urlsafe(32)


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


def _sessions(store: Store) -> set[tuple[int, str | None, datetime]]:
    """Every remembered sign-in: (workshop id, device hash, when it ends)."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(FS.c.workshop_id, FS.c.device_hash, FS.c.expires_at))
        return {(r.workshop_id, r.device_hash, as_utc(r.expires_at)) for r in rows}


# ------------------------------------------------------------------------------ facilitators
def test_signing_in_again_renews_that_session_and_keeps_every_other(
    make_store: Callable[..., Store],
) -> None:
    """``remember_facilitator`` 15-18, 20, 21 (which session a sign-in replaces) and 11 (the
    expired ones are cleared, so the store keeps no device's hash past its session)."""
    clock = Clock()
    store = make_store(clock=clock)
    w = store.workshops
    f = w.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    g = w.create("T", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop, phone = device(), device()
    first = w.remember_facilitator(f, laptop)
    w.remember_facilitator(f, phone)  # a co-facilitator's phone
    ends_g = w.remember_facilitator(g, laptop)  # the same laptop runs another room
    clock.now += HOUR
    renewed = w.remember_facilitator(f, laptop)
    assert first is not None and renewed == first + timedelta(hours=1)

    assert w.resume_facilitator(laptop, f.code) == f
    assert w.resume_facilitator(phone, f.code) == f, "the phone is still signed in"
    assert w.resume_facilitator(laptop, g.code) == g, "the other room is still signed in"
    assert _sessions(store) == {
        (f.workshop_id, device_hash(laptop), renewed),
        (f.workshop_id, device_hash(phone), first),
        (g.workshop_id, device_hash(laptop), ends_g),
    }

    clock.now += FACILITATOR_SESSION_HOURS * HOUR - HOUR + 1  # the first two have ended
    ends_phone = w.remember_facilitator(g, phone)
    assert _sessions(store) == {
        (f.workshop_id, device_hash(laptop), renewed),
        (g.workshop_id, device_hash(phone), ends_phone),
    }


def test_signing_out_on_a_device_keeps_every_other_session(store: Store) -> None:
    """``forget_facilitator`` 16, 17: only this workshop on this device is signed out."""
    w = store.workshops
    f = w.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    g = w.create("T", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop, phone = device(), device()
    for handle, where in ((f, laptop), (f, phone), (g, laptop)):
        w.remember_facilitator(handle, where)
    w.forget_facilitator(f, laptop)
    assert w.resume_facilitator(laptop, f.code) is None
    assert w.resume_facilitator(phone, f.code) == f
    assert w.resume_facilitator(laptop, g.code) == g
    assert w.resume_facilitator(laptop) == g


def test_a_session_ends_at_the_time_its_sign_in_returned(make_store: Callable[..., Store]) -> None:
    """``resume_facilitator`` 46: at the very end it is over."""
    clock = Clock()
    store = make_store(clock=clock)
    f = store.workshops.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop = device()
    ends = store.workshops.remember_facilitator(f, laptop)
    assert ends == datetime.fromtimestamp(clock.now, UTC) + timedelta(hours=12)
    clock.now = ends.timestamp() - 0.001
    assert store.workshops.resume_facilitator(laptop, f.code) == f
    clock.now = ends.timestamp()
    assert store.workshops.resume_facilitator(laptop, f.code) is None
    assert store.workshops.resume_facilitator(laptop) is None


def test_a_code_that_is_not_one_resumes_nothing(store: Store) -> None:
    """``resume_facilitator`` 7: not the workshop last signed in to on the device."""
    f = store.workshops.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop = device()
    store.workshops.remember_facilitator(f, laptop)
    assert store.workshops.resume_facilitator(laptop, "no such code") is None
    assert store.workshops.resume_facilitator(laptop, f.code + "X") is None
    assert store.workshops.resume_facilitator(laptop) == f, "no code: the last one"


def test_without_a_code_the_sign_in_recorded_last_is_resumed(
    make_store: Callable[..., Store],
) -> None:
    """``resume_facilitator`` 13-16: by the time each sign-in was recorded (a clock set back
    between two, a time-server correction, puts the later one first), the later of two
    recorded at the same instant."""
    clock = Clock()
    store = make_store(clock=clock)
    w = store.workshops
    f = w.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    g = w.create("T", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop = device()
    w.remember_facilitator(f, laptop)
    w.remember_facilitator(g, laptop)  # the same instant
    assert w.resume_facilitator(laptop) == g
    clock.now -= HOUR
    w.remember_facilitator(f, laptop)  # recorded an hour before g's
    assert w.resume_facilitator(laptop) == g
    assert w.resume_facilitator(laptop, f.code) == f


# ------------------------------------------------------------------------------ participants
def test_a_personal_link_opened_on_a_shared_device_leads_back_to_its_own_participant(
    store: Store,
) -> None:
    """``remember_device`` 23 (it renews this participant's memory of the device, not the
    last user's) and 6 (a device id that is not one is not remembered, and it says so);
    ``rejoin`` 57 (the pass carries the workshop's code)."""
    w = store.workshops
    f = w.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop, phone = device(), device()
    bob = w.join(f.code, "Bob", device=laptop)
    ana = w.join(f.code, "Ana", device=phone)
    assert w.remember_device(f.code, ana.token, laptop) is True  # Ana opens her link there
    found = w.rejoin(f.code.lower(), laptop)
    assert found is not None
    assert (found.code, found.display_name, found.token) == (f.code, "Ana", ana.token)
    assert w.remember_device(f.code, bob.token, laptop) is True  # then Bob opens his again
    found = w.rejoin(f.code, laptop)
    assert found is not None and (found.display_name, found.token) == ("Bob", bob.token)
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(PD)).scalar() == 3

    assert w.remember_device(f.code, ana.token, "not a device") is False
    assert w.remember_device(f.code, ana.token, "x" * 31) is False
    found = w.rejoin(f.code, laptop)
    assert found is not None and found.display_name == "Bob", "nothing was remembered"


def test_of_two_joins_on_a_device_at_the_same_instant_the_later_is_found(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``rejoin`` 11, 13: the tie goes to the one recorded last."""
    instant = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(devices_module, "utcnow", lambda: instant)
    w = store.workshops
    f = w.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop = device()
    w.join(f.code, "Ana", device=laptop)
    ben = w.join(f.code, "Ben", device=laptop)
    found = w.rejoin(f.code, laptop)
    assert found is not None and (found.display_name, found.token) == ("Ben", ben.token)


# ------------------------------------------------------------------------------ the stored form
@pytest.mark.parametrize(
    ("candidate", "is_one"),
    [
        ("A" * 32, True),
        ("z" * 128, True),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", True),
        ("A" * 31, False),
        ("z" * 129, False),
        ("A" * 42 + "=", False),
        ("A" * 42 + "+", False),
        ("A" * 42 + ".", False),
        ("A" * 42 + "é", False),
        (b"A" * 43, False),
        (None, False),
    ],
)
def test_a_device_id_is_32_to_128_url_safe_characters_kept_as_its_sha256(
    candidate: object, is_one: bool
) -> None:
    """``device_hash``: the bounds are inclusive, every URL-safe character (and only those)
    counts, and what is kept is the id's SHA-256 in hex."""
    if is_one:
        assert isinstance(candidate, str)
        assert device_hash(candidate) == hashlib.sha256(candidate.encode("ascii")).hexdigest()
    else:
        assert device_hash(candidate) is None


_BOX_LABEL = b"policybench participant link\x00"


def _keystream(device_id: str, nonce: bytes, length: int) -> bytes:
    return hmac.new(device_id.encode("ascii"), _BOX_LABEL + nonce, hashlib.sha512).digest()[:length]


def test_a_participants_token_is_stored_in_the_documented_box(store: Store) -> None:
    """``_box``, ``_pad``, ``_unbox``: a 16-byte nonce, then the token XORed with
    HMAC-SHA-512(device id, label + nonce), in hex. Boxes already in a store must keep
    opening: one written here by hand opens, and the store's own opens by hand."""
    w = store.workshops
    f = w.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop, phone = device(), device()
    ana = w.join(f.code, "Ana", device=laptop)
    with store.engine.connect() as conn:
        box = conn.execute(sa.select(PD.c.token_box)).scalar_one()
    raw = bytes.fromhex(box)
    nonce, data = raw[:16], raw[16:]
    assert len(box) == 2 * (16 + len(ana.token))
    opened = bytes(a ^ b for a, b in zip(data, _keystream(laptop, nonce, len(data)), strict=True))
    assert opened.decode("ascii") == ana.token

    assert w.remember_device(f.code, ana.token, phone)
    with store.engine.connect() as conn:
        boxes = conn.execute(sa.select(PD.c.token_box).order_by(PD.c.id)).scalars().all()
    assert len(boxes) == 2 and boxes[1][:32] != boxes[0][:32], "a fresh nonce for each box"
    nonce = bytes(range(16))
    token = ana.token.encode("ascii")
    by_hand = (
        nonce.hex()
        + bytes(
            a ^ b for a, b in zip(token, _keystream(phone, nonce, len(token)), strict=True)
        ).hex()
    )
    with store.engine.begin() as conn:  # the phone's box, replaced by the one made by hand
        phones = conn.execute(sa.select(sa.func.max(PD.c.id))).scalar_one()
        conn.execute(sa.update(PD).where(PD.c.id == phones).values(token_box=by_hand))
    found = w.rejoin(f.code, phone)
    assert found is not None and found.token == ana.token


# ------------------------------------------------------------------------------ damage, locks
def test_a_damaged_store_says_what_could_not_be_done(sqlite_store: tuple[Store, Path]) -> None:
    """``remember_facilitator`` 34, 41, 42, ``resume_facilitator`` 38, 43, 44,
    ``forget_facilitator`` 8, 22, 23, ``remember_device`` 47, 54, 55, ``rejoin`` 38, 43, 44:
    the refusal names the action."""
    store, path = sqlite_store
    w = store.workshops
    f = w.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop = device()
    ana = w.join(f.code, "Ana", device=laptop)
    lose_table(path, "facilitator_sessions")
    lost = "the database said: no such table: facilitator_sessions"
    calls: list[tuple[str, Callable[[], object]]] = [
        ("remember the sign-in", lambda: w.remember_facilitator(f, laptop)),
        ("open the workshop", lambda: w.resume_facilitator(laptop, f.code)),
        ("sign out", lambda: w.forget_facilitator(f, laptop)),
    ]
    for action, call in calls:
        with pytest.raises(StoreError) as failed:
            call()
        assert str(failed.value) == f"could not {action}: {lost}"
    lose_table(path, "participant_devices")
    lost = "the database said: no such table: participant_devices"
    calls = [
        ("remember this device", lambda: w.remember_device(f.code, ana.token, laptop)),
        ("open the workshop", lambda: w.rejoin(f.code, laptop)),
    ]
    for action, call in calls:
        with pytest.raises(StoreError) as failed:
            call()
        assert str(failed.value) == f"could not {action}: {lost}"


def test_a_device_is_remembered_under_the_write_lock(
    sqlite_store: tuple[Store, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: ``remember_device`` 46, 53. It reads (the workshop, the participant, the
    device) before it writes; begun as a plain read, another writer committing in between
    would turn it into "busy, try again". Begun ``IMMEDIATE``, the other writer waits."""
    store, path = sqlite_store
    w = store.workshops
    f = w.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop, phone = device(), device()
    ana = w.join(f.code, "Ana", device=laptop)
    attempts: list[str] = []

    def utcnow_with_a_rival_writer() -> datetime:
        # Called inside the transaction, after its reads and before its write.
        if not attempts:
            attempts.append(rival_write(path, "INSERT INTO rate_limits VALUES ('rival', 0, 0)"))
        return utcnow()

    monkeypatch.setattr(devices_module, "utcnow", utcnow_with_a_rival_writer)
    for where in (phone, laptop):  # a new device (an insert), a known one (an update)
        attempts.clear()
        assert w.remember_device(f.code, ana.token, where) is True
        assert attempts == ["database is locked"], "the rival had to wait"
    monkeypatch.undo()
    for where in (phone, laptop):
        found = w.rejoin(f.code, where)
        assert found is not None and found.token == ana.token


def test_finding_ones_place_does_not_wait_for_a_writer_in_progress(
    sqlite_store: tuple[Store, Path],
) -> None:
    """SQLite: ``resume_facilitator`` 42, ``rejoin`` 42. A reload reads; begun ``IMMEDIATE``
    it would wait for whoever is writing (up to the busy timeout, then "busy, try again")."""
    store, path = sqlite_store
    w = store.workshops
    f = w.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop = device()
    w.remember_facilitator(f, laptop)
    ana = w.join(f.code, "Ana", device=laptop)
    found: dict[str, Any] = {}

    def reload() -> None:
        found["facilitator"] = w.resume_facilitator(laptop, f.code)
        found["participant"] = w.rejoin(f.code, laptop)

    read_while_writing = finishes_beside_a_writer(path, reload, HELD_S)
    assert read_while_writing, "a reload waited for another's write"
    assert found["facilitator"] == f
    assert found["participant"] is not None and found["participant"].token == ana.token


class _PauseFirstBefore:
    """Stands in for ``sqlalchemy`` in the device module: the thread named "first" stops
    before it builds its insert into ``table`` (inside its transaction, after its reads and
    deletes) until the other thread has finished."""

    def __init__(self, table: sa.Table) -> None:
        self._table = table
        self.inside = threading.Event()
        self.go_on = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(sa, name)

    def insert(self, table: Any) -> Any:
        first = threading.current_thread().name == "first"
        if table is self._table and first and not self.inside.is_set():
            self.inside.set()
            self.go_on.wait(HELD_S * 3)
        return sa.insert(table)


def _race(
    pause: _PauseFirstBefore, first: Callable[[], Any], second: Callable[[], Any]
) -> dict[str, Any]:
    """Run ``first`` until it pauses, ``second`` to the end, then the rest of ``first``."""
    results: dict[str, Any] = {}

    def run(name: str, call: Callable[[], Any]) -> None:
        try:
            results[name] = call()
        except Exception as exc:  # the test reports it
            results[name] = exc

    one = threading.Thread(target=run, args=("first", first), name="first", daemon=True)
    one.start()
    assert pause.inside.wait(HELD_S), "the first never reached its insert"
    two = threading.Thread(target=run, args=("second", second), name="second", daemon=True)
    two.start()
    two.join(HELD_S)
    pause.go_on.set()
    one.join(HELD_S)
    two.join(HELD_S)
    return results


@pytest.mark.postgres
def test_two_sign_ins_racing_on_one_device_both_succeed(
    pg: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: ``remember_facilitator`` 35, 39, 43. Two tabs of one browser signing in
    at once: each finds no session to replace, the second's insert commits first, and the
    first's then meets the unique key; it is run again (replacing the second's) instead of
    failing with "could not remember the sign-in"."""
    store = open_store(pg.url(pg.create_database()))
    try:
        w = store.workshops
        f = w.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        laptop = device()
        pause = _PauseFirstBefore(FS)
        monkeypatch.setattr(devices_module, "sa", pause)
        results = _race(
            pause,
            lambda: w.remember_facilitator(f, laptop),
            lambda: w.remember_facilitator(f, laptop),
        )
        monkeypatch.undo()
        assert isinstance(results["first"], datetime), results["first"]
        assert isinstance(results["second"], datetime), results["second"]
        assert w.resume_facilitator(laptop, f.code) == f
        assert len(_sessions(store)) == 1
    finally:
        store.close()


@pytest.mark.postgres
def test_a_link_opened_twice_at_once_on_a_new_device_is_remembered_once(
    pg: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: ``remember_device`` 48, 52, 56. Both find the device new; the second's
    insert commits first; the first's meets the unique key and is run again, finding the
    device known, instead of failing with "could not remember this device"."""
    store = open_store(pg.url(pg.create_database()))
    try:
        w = store.workshops
        f = w.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
        ana = w.join(f.code, "Ana")
        phone = device()
        pause = _PauseFirstBefore(PD)
        monkeypatch.setattr(devices_module, "sa", pause)
        results = _race(
            pause,
            lambda: w.remember_device(f.code, ana.token, phone),
            lambda: w.remember_device(f.code, ana.token, phone),
        )
        monkeypatch.undo()
        assert results == {"first": True, "second": True}
        found = w.rejoin(f.code, phone)
        assert found is not None and found.token == ana.token
        with store.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(PD)).scalar() == 1
    finally:
        store.close()
