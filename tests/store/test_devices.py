"""Devices on SQLite and PostgreSQL (schema version 3): a facilitator stays signed in on the
browser they signed in on until the session expires or they sign out; a participant's join link
opened again on a device they used leads back to their own submission. The store holds only
the device id's SHA-256 and the participant's token encrypted under the device id, never
either in clear; a store at version 2 with data is upgraded in place."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from policybench.store import ParticipantTokenError, Store, WrongPassphraseError, open_store
from policybench.store import schema as schema_module
from policybench.store.db import Database, resolve_url
from policybench.store.workshops import FACILITATOR_SESSION_HOURS, Facilitator, device_hash
from support import store_v3

OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
PASS = "correct horse battery"
W = {"feasibility": 1.0, "deterrence": 2.0, "backlash": 3.0}


def device() -> str:
    """A device id as the app's cookie makes it."""
    return secrets.token_urlsafe(32)


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


def _everything_stored(store: Store) -> str:
    """Every value in every table, as text (to look for secrets in clear)."""
    out = []
    with store.engine.connect() as conn:
        for table in schema_module.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                out += [str(v) for v in row]
    return "\n".join(out)


# ------------------------------------------------------------------------------ facilitators
def test_a_facilitator_is_remembered_on_their_device_only(make_store: Callable[..., Store]) -> None:
    clock = Clock()
    store = make_store(clock=clock)
    f = store.workshops.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    mine, other = device(), device()
    ends = store.workshops.remember_facilitator(f, mine)
    assert ends is not None

    back = store.workshops.resume_facilitator(mine, f.code)
    assert isinstance(back, Facilitator) and back.code == f.code
    assert store.workshops.lock(back).state == "locked", "the handle is a real one"
    assert store.workshops.resume_facilitator(mine) == back, "without a code: the last one"
    assert store.workshops.resume_facilitator(mine, f.code.lower()) == back, "codes as typed"
    assert store.workshops.resume_facilitator(other, f.code) is None
    assert store.workshops.resume_facilitator("", f.code) is None
    assert store.workshops.resume_facilitator("x" * 10, f.code) is None, "not a device id"
    assert store.workshops.resume_facilitator("é" * 43, f.code) is None, "not a device id"

    g = store.workshops.create("T", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    assert store.workshops.resume_facilitator(mine, g.code) is None, "another workshop"

    text = _everything_stored(store)
    assert mine not in text and device_hash(mine) in text, "only the device's hash is stored"


def test_a_remembered_sign_in_expires_and_signing_out_forgets_it(
    make_store: Callable[..., Store],
) -> None:
    clock = Clock()
    store = make_store(clock=clock)
    f = store.workshops.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    mine = device()
    store.workshops.remember_facilitator(f, mine)
    clock.now += timedelta(hours=FACILITATOR_SESSION_HOURS).total_seconds() - 60
    assert store.workshops.resume_facilitator(mine, f.code) is not None
    clock.now += 120
    assert store.workshops.resume_facilitator(mine, f.code) is None, "expired"

    store.workshops.remember_facilitator(f, mine)  # signed in again: a fresh session
    assert store.workshops.resume_facilitator(mine, f.code) is not None
    store.workshops.forget_facilitator(f, mine)
    assert store.workshops.resume_facilitator(mine, f.code) is None
    with store.engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(sa.func.count()).select_from(schema_module.facilitator_sessions)
            ).scalar()
            == 0
        )


def test_only_a_checked_facilitator_can_be_remembered(store: Store) -> None:
    f = store.workshops.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    forged = Facilitator(f.code, f.workshop_id, object())
    with pytest.raises(WrongPassphraseError):
        store.workshops.remember_facilitator(forged, device())
    assert store.workshops.remember_facilitator(f, "not a device") is None


# ------------------------------------------------------------------------------ participants
def test_the_join_link_on_the_same_device_finds_the_same_participant(store: Store) -> None:
    f = store.workshops.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop, phone, stranger = device(), device(), device()
    ana = store.workshops.join(f.code, "Ana", device=laptop)
    store.workshops.submit(f.code, ana.token, W)

    again = store.workshops.rejoin(f.code, laptop)
    assert again is not None and again.token == ana.token and again.display_name == "Ana"
    assert store.workshops.rejoin(f.code.lower().replace("0", "o"), laptop) == again
    assert store.workshops.rejoin(f.code, phone) is None
    assert store.workshops.rejoin(f.code, stranger) is None
    assert store.workshops.rejoin(f.code, "") is None

    # the personal link opened on the phone remembers the phone too
    assert store.workshops.remember_device(f.code, ana.token, phone)
    assert store.workshops.rejoin(f.code, phone) == again
    with pytest.raises(ParticipantTokenError):
        store.workshops.remember_device(f.code, ana.token[:-1] + "x", stranger)
    assert store.workshops.rejoin(f.code, stranger) is None

    # another workshop's join link on the laptop: nobody there yet
    g = store.workshops.create("T", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    assert store.workshops.rejoin(g.code, laptop) is None

    text = _everything_stored(store)
    for secret in (laptop, phone, ana.token):
        assert secret not in text, "no device id or token in clear"


def test_a_shared_laptop_leads_to_whoever_used_it_last(make_store: Callable[..., Store]) -> None:
    store = make_store()
    f = store.workshops.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop = device()
    ana = store.workshops.join(f.code, "Ana", device=laptop)
    bob = store.workshops.join(f.code, "Bob", device=laptop)
    found = store.workshops.rejoin(f.code, laptop)
    assert found is not None and found.token == bob.token
    store.workshops.remember_device(f.code, ana.token, laptop)  # Ana opens her own link again
    found = store.workshops.rejoin(f.code, laptop)
    assert found is not None and found.token == ana.token


def test_a_tampered_box_gives_nobody_back(store: Store) -> None:
    f = store.workshops.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    laptop = device()
    store.workshops.join(f.code, "Ana", device=laptop)
    with store.engine.begin() as conn:
        box = conn.execute(sa.select(schema_module.participant_devices.c.token_box)).scalar_one()
        flipped = box[:-2] + ("00" if box[-2:] != "00" else "11")
        conn.execute(sa.update(schema_module.participant_devices).values(token_box=flipped))
    assert store.workshops.rejoin(f.code, laptop) is None


# ------------------------------------------------------------------------------ the upgrade
def test_a_version_2_store_with_data_is_upgraded_in_place(store_url: str) -> None:
    """Version 3 adds two tables and alters none: the workshop, its participants, their
    submissions, the install's secret and the rate-limit counts written at version 2 are kept,
    the old personal link and passphrase still work, and the new features work on them."""
    from policybench.store import workshops as workshops_module

    new = {schema_module.facilitator_sessions.name, schema_module.participant_devices.name}
    v2_tables = store_v3.metadata(2)
    old = {name: v2_tables.tables[name] for name in ("workshops", "workshop_participants")}
    old_submissions = v2_tables.tables["workshop_submissions"]
    parsed, _ = resolve_url(store_url)
    db = Database(parsed)
    token = secrets.token_urlsafe(32)
    code = workshops_module.new_code()
    now = datetime.now(UTC)
    try:
        assert schema_module.migrate(db, schema_module.MIGRATIONS[:2], tables=v2_tables) == 2
        with db.engine.begin() as conn:  # what version-2 code wrote
            wid = conn.execute(
                sa.insert(old["workshops"]).values(
                    code=code, title="Before", options=json.dumps(OPTIONS),
                    criteria=json.dumps(CRITERIA),
                    passphrase_hash=workshops_module._hasher.hash(PASS), state="open",
                    created_at=now, updated_at=now,
                )
            ).inserted_primary_key[0]  # fmt: skip
            pid = conn.execute(
                sa.insert(old["workshop_participants"]).values(
                    workshop_id=wid, display_name="Ana",
                    token_hash=workshops_module._token_hash(token), joined_at=now,
                )
            ).inserted_primary_key[0]  # fmt: skip
            conn.execute(
                sa.insert(old_submissions).values(
                    participant_id=pid, weights=json.dumps(W), reasons="{}", revision=1,
                    submitted_at=now, updated_at=now,
                )
            )  # fmt: skip
            conn.execute(
                sa.insert(schema_module.settings).values(key="client_key_secret", value="ab" * 32)
            )
            conn.execute(
                sa.insert(schema_module.rate_limits).values(
                    key="code:kept", window_start=1.0, failures=3
                )
            )
    finally:
        db.dispose()

    with open_store(store_url) as upgraded:
        assert upgraded.schema_version == max(m.version for m in schema_module.MIGRATIONS)
        with upgraded.engine.connect() as conn:
            assert new <= set(sa.inspect(conn).get_table_names())
            assert conn.execute(sa.text("SELECT failures FROM rate_limits")).scalar() == 3
        mine = upgraded.workshops.my_submission(code, token)
        assert mine is not None and mine.weights == W and mine.display_name == "Ana"
        f = upgraded.workshops.verify_facilitator(code, PASS, session="s")
        laptop = device()
        upgraded.workshops.remember_facilitator(f, laptop)
        assert upgraded.workshops.resume_facilitator(laptop, code) == f
        assert upgraded.workshops.remember_device(code, token, laptop)
        found = upgraded.workshops.rejoin(code, laptop)
        assert found is not None and found.token == token
        key = upgraded.limiter.client_key("203.0.113.7")
    with open_store(store_url) as again:  # the install's secret from version 2 is kept
        assert again.limiter.client_key("203.0.113.7") == key
