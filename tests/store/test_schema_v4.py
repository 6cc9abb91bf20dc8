"""Schema version 4 (rounds, score challenges and decisions) on SQLite and PostgreSQL.

A database written at version 3, with data in every table, is upgraded in place: every row is
kept, every byte of the weights and reasons, each workshop in round 1 and each submission a
round-1 submission; old personal links, passphrases, devices and profiles still work, and the
new features work on them. An upgraded database has exactly the tables a fresh one has. Stores
opened on a version-3 database at once upgrade it once.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from policybench.store import Store, open_store
from policybench.store import schema as schema_module
from policybench.store import workshops as workshops_module
from policybench.store.db import Database, resolve_url
from policybench.store.devices import _box, device_hash
from support import store_v3

OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
PASS = "correct horse battery"
LATEST = max(m.version for m in schema_module.MIGRATIONS)

#: Weights and reasons as version-3 code stored them: JSON text that must come back byte for
#: byte (float noise, exponents, non-ASCII, newlines, a right-to-left script, an emoji).
STORED = [
    (
        '{"feasibility":0.30000000000000004,"deterrence":1e-07,"backlash":3.0}',
        '{"deterrence":"North Korea first\\nthen the rest"}',
    ),
    ('{"feasibility":1.0,"deterrence":2.0,"backlash":3.0}', "{}"),
    (
        '{"feasibility":7.5,"deterrence":0.0,"backlash":123456.789}',
        '{"backlash":"رؤية — 世論 🙂","feasibility":"\\"quoted\\" & <b>"}',
    ),
    ('{"feasibility":2.0,"deterrence":2.0,"backlash":2.0}', '{"feasibility":"ok"}'),
]


def _v3_database(url: str) -> dict[str, Any]:
    """A version-3 database with two workshops (one revealed, one open), their participants
    and submissions, a facilitator session, a participant's device, two profiles (one
    deleted), the install's secret and a rate-limit count. Returns what the test needs."""
    tables = store_v3.metadata(3).tables
    parsed, _ = resolve_url(url)
    db = Database(parsed)
    now = datetime(2024, 5, 1, 9, 30, 15, 123456, tzinfo=UTC)
    seen: dict[str, Any] = {"tokens": {}, "laptop": secrets.token_urlsafe(32)}
    try:
        assert schema_module.migrate(db, schema_module.MIGRATIONS[:3], tables=store_v3.metadata(3))
        with db.engine.begin() as conn:
            codes = []
            for i, (state, revealed) in enumerate([("revealed", now), ("open", None)]):
                code = workshops_module.new_code()
                codes.append(code)
                conn.execute(
                    sa.insert(tables["workshops"]).values(
                        id=10 + i, code=code, title=f"Seminar {i} «à»", options=json.dumps(OPTIONS),
                        criteria=json.dumps(CRITERIA),
                        passphrase_hash=workshops_module._hasher.hash(PASS), state=state,
                        catalog_fingerprint="ab" * 32 if i == 0 else None,
                        created_at=now, updated_at=now + timedelta(minutes=i),
                        revealed_at=revealed,
                    )
                )  # fmt: skip
            people = [("Ana", 0), ("Bo", 0), ("Chen", 0), ("Dara", 1), ("Eli", 1)]
            for pid, (name, shop) in enumerate(people, start=100):
                token = secrets.token_urlsafe(32)
                seen["tokens"][name] = (codes[shop], token)
                conn.execute(
                    sa.insert(tables["workshop_participants"]).values(
                        id=pid, workshop_id=10 + shop, display_name=name,
                        token_hash=workshops_module._token_hash(token),
                        joined_at=now + timedelta(seconds=pid),
                    )
                )  # fmt: skip
            for pid, (weights, reasons) in zip((100, 101, 102, 103), STORED, strict=True):
                conn.execute(
                    sa.insert(tables["workshop_submissions"]).values(
                        participant_id=pid, weights=weights, reasons=reasons, revision=pid - 97,
                        submitted_at=now, updated_at=now + timedelta(seconds=pid),
                    )
                )  # fmt: skip
            conn.execute(
                sa.insert(tables["facilitator_sessions"]).values(
                    workshop_id=10, device_hash=device_hash(seen["laptop"]),
                    created_at=datetime.now(UTC), expires_at=datetime.now(UTC) + timedelta(hours=2),
                )
            )  # fmt: skip
            ana_token = seen["tokens"]["Ana"][1]
            conn.execute(
                sa.insert(tables["participant_devices"]).values(
                    participant_id=100, device_hash=device_hash(seen["laptop"]),
                    token_box=_box(ana_token, seen["laptop"]), last_used_at=now,
                )
            )  # fmt: skip
            for pid, (name, deleted) in enumerate([("tokyo", None), ("old", now)], start=1):
                conn.execute(
                    sa.insert(tables["profiles"]).values(
                        id=pid, name=name, latest_version=2, created_at=now, deleted_at=deleted,
                        deleted_by="ana" if deleted else None,
                    )
                )  # fmt: skip
                for version in (1, 2):
                    conn.execute(
                        sa.insert(tables["profile_versions"]).values(
                            profile_id=pid, version=version, description=f"v{version} ✓",
                            weights=STORED[version][0], method="wsm", params='{"v":0.5}',
                            overrides=None, author="ana", catalog_fingerprint=None,
                            restored_from=None, created_at=now + timedelta(days=version),
                        )
                    )  # fmt: skip
            conn.execute(
                sa.insert(tables["policybench_settings"]).values(
                    key="client_key_secret", value="cd" * 32
                )
            )
            conn.execute(
                sa.insert(tables["rate_limits"]).values(
                    key="code:kept", window_start=1.5, failures=3
                )
            )
    finally:
        db.dispose()
    seen["codes"] = codes
    return seen


def _rows(store_or_url: Store | str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every version-3 table, as the database returns it (raw SQL, no types)."""
    engine = (
        store_or_url.engine
        if isinstance(store_or_url, Store)
        else sa.create_engine(resolve_url(store_or_url)[0])
    )
    out = {}
    try:
        with engine.connect() as conn:
            for name, table in store_v3.metadata(3).tables.items():
                if name == "policybench_schema":
                    continue
                first = next(iter(table.primary_key.columns)).name
                rows = conn.execute(sa.text(f"SELECT * FROM {name} ORDER BY {first}")).mappings()
                out[name] = [dict(r) for r in rows]
    finally:
        if not isinstance(store_or_url, Store):
            engine.dispose()
    return out


def _shape(engine: sa.engine.Engine) -> dict[str, Any]:
    """Each table's columns, keys, constraints and indexes, as the database reports them."""
    inspector = sa.inspect(engine)
    shape = {}
    for name in sorted(inspector.get_table_names()):
        shape[name] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in inspector.get_columns(name)
            ],
            "pk": inspector.get_pk_constraint(name),
            "unique": sorted(inspector.get_unique_constraints(name), key=lambda u: u["name"]),
            "fk": sorted(inspector.get_foreign_keys(name), key=lambda f: f["name"]),
            "check": sorted(inspector.get_check_constraints(name), key=lambda c: c["name"]),
            "index": sorted(inspector.get_indexes(name), key=lambda i: i["name"]),
        }
    return shape


def test_a_version_3_store_with_data_is_upgraded_in_place_and_loses_nothing(
    store_url: str,
) -> None:
    seen = _v3_database(store_url)
    before = _rows(store_url)
    assert [len(before[t]) for t in ("workshops", "workshop_submissions", "profile_versions")] == [
        2,
        4,
        4,
    ]

    with open_store(store_url) as upgraded:
        assert upgraded.schema_version == LATEST == 4
        after = _rows(upgraded)
        with upgraded.engine.connect() as conn:
            stamps = conn.execute(sa.text("SELECT version FROM policybench_schema")).scalars()
            assert sorted(stamps) == [1, 2, 3, 4]
            for table in ("workshop_challenges", "workshop_score_decisions"):
                assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0

        for name, rows in before.items():
            got = after[name]
            if name == "workshops":
                assert [r.pop("current_round") for r in got] == [1, 1]
                assert [r.pop("combination") for r in got] == ["mean", "mean"]
            if name == "workshop_submissions":
                assert [r.pop("round") for r in got] == [1, 1, 1, 1]
            assert got == rows, f"{name} changed in the upgrade"
        assert [(r["weights"], r["reasons"]) for r in after["workshop_submissions"]] == STORED

        w = upgraded.workshops
        code0, ana = seen["tokens"]["Ana"]
        shop = w.get(code0)
        assert (shop.state, shop.round, shop.results_visible) == ("revealed", 1, True)
        mine = w.my_submission(code0, ana)
        assert mine is not None and (mine.round, mine.revision) == (1, 3)
        assert mine.weights == json.loads(STORED[0][0])
        assert mine.reasons == {"deterrence": "North Korea first\nthen the rest"}
        assert w.group_weights(code0, ana) == [json.loads(s[0]) for s in STORED[:3]]
        found = w.rejoin(code0, seen["laptop"])
        assert found is not None and found.token == ana
        f = w.resume_facilitator(seen["laptop"], code0)
        assert f is not None
        assert [s.display_name for s in w.submissions(f)] == ["Ana", "Bo", "Chen"]
        assert w.next_round(f).round == 2  # the new features on the old data
        assert w.my_previous(code0, ana) == mine
        assert w.submit(code0, ana, {c: 1.0 for c in CRITERIA}).round == 2
        assert w.challenge(code0, ana, "summits", "backlash", 4, reason="why not").round == 2
        assert w.decide(f, "summits", "backlash", "adopted", value=4.0).value == 4.0
        assert w.rounds(f)[1] == w.submissions(f, 1) and len(w.rounds(f)[1]) == 3

        code1, dara = seen["tokens"]["Dara"]
        assert w.get(code1).state == "open" and w.get(code1).round == 1
        assert w.participant(code1, dara).revision == 6
        assert w.verify_facilitator(code1, PASS, session="s").code == code1
        assert w.participant(code1, seen["tokens"]["Eli"][1]).submitted is False

        assert upgraded.profiles.get("tokyo").version == 2
        assert upgraded.profiles.names(include_deleted=True) == ["old", "tokyo"]
        key = upgraded.limiter.client_key("203.0.113.7")
    with open_store(store_url) as again:  # the install's secret from version 3 is kept
        assert again.limiter.client_key("203.0.113.7") == key


def test_an_upgraded_store_has_exactly_the_tables_of_a_fresh_one(
    store_url: str, backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    _v3_database(store_url)
    with open_store(store_url) as upgraded:
        got = _shape(upgraded.engine)
    if backend == "sqlite":
        fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        server = request.getfixturevalue("pg")
        fresh_url = server.url(server.create_database())
    with open_store(fresh_url) as fresh:
        want = _shape(fresh.engine)
    assert set(got) == set(want) and "workshop_submissions_v3" not in got
    for name in want:
        assert got[name] == want[name], name


def test_a_fresh_store_is_stamped_with_every_version(store: Store) -> None:
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT version, description FROM policybench_schema ORDER BY version")
        ).all()
    assert [r.version for r in rows] == [1, 2, 3, 4]
    assert "round" in rows[-1].description and "challenges" in rows[-1].description
    assert {"workshop_challenges", "workshop_score_decisions"} <= set(
        sa.inspect(store.engine).get_table_names()
    )


_OPEN_SCRIPT = r"""
import sys
from policybench.store import open_store
url, code, token = sys.argv[1:4]
print("ready", flush=True)
sys.stdin.readline()
with open_store(url) as store:
    mine = store.workshops.my_submission(code, token)
    print(store.schema_version, mine.revision, mine.round)
"""


def test_stores_opening_a_version_3_database_at_once_upgrade_it_once(store_url: str) -> None:
    seen = _v3_database(store_url)
    code, token = seen["tokens"]["Ana"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_SCRIPT, store_url, code, token],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for proc in procs:  # all imported and waiting
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", proc.stderr
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.split() == ["4", "3", "1"]
    with open_store(store_url) as store, store.engine.connect() as conn:
        stamps = conn.execute(sa.text("SELECT version FROM policybench_schema")).scalars().all()
        assert sorted(stamps) == [1, 2, 3, 4]
        assert conn.execute(sa.text("SELECT count(*) FROM workshop_submissions")).scalar() == 4
        assert not sa.inspect(conn).has_table("workshop_submissions_v3")


def test_the_new_tables_refuse_what_the_store_would_never_write(store: Store) -> None:
    """The check constraints hold even against SQL that bypasses the store's own checks."""
    f = store.workshops.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(f.code, "Ana")
    store.workshops.challenge(f.code, ana.token, "summits", "backlash", 5, reason="r")
    now = datetime.now(UTC)
    bad_challenges = [{"value": 11.0}, {"value": -0.5}, {"low": 6.0}, {"high": 4.0}, {"round": 0}]
    bad_decisions = [
        {"decision": "maybe", "value": 5.0, "low": 5.0, "high": 5.0},
        {"decision": "adopted", "value": None, "low": None, "high": None},
        {"decision": "adopted", "value": 5.0, "low": 6.0, "high": 7.0},
        {"decision": "adopted", "value": 5.0, "low": 5.0, "high": 10.5},
        {"decision": "rejected", "value": 5.0, "low": None, "high": None},
    ]
    C, D = schema_module.challenges, schema_module.score_decisions
    key = {"workshop_id": f.workshop_id, "option": "summits", "criterion": "backlash"}
    attempts = [sa.update(C).values(**change) for change in bad_challenges]
    attempts += [sa.insert(D).values(**key, **c, round=1, decided_at=now) for c in bad_decisions]
    attempts.append(sa.update(schema_module.workshops).values(current_round=0))
    for statement in attempts:
        with (
            pytest.raises(sa.exc.IntegrityError, match="ck_") as info,
            store.engine.begin() as conn,
        ):
            conn.execute(statement)
        assert "check" in str(info.value).lower()
    old_insert = sa.insert(store_v3.metadata(3).tables["workshop_submissions"]).values(
        participant_id=1, weights="{}", reasons="{}", revision=1, submitted_at=now, updated_at=now
    )
    with pytest.raises(sa.exc.IntegrityError, match=r"(?i)null"), store.engine.begin() as conn:
        conn.execute(old_insert)  # what version-3 code would write: it names no round
    mine = store.workshops.my_challenges(f.code, ana.token)
    assert [(c.value, c.low, c.high, c.round) for c in mine] == [(5.0, None, None, 1)]
