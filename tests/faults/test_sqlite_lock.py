"""Another process holds the SQLite store locked (``BEGIN EXCLUSIVE``) while policybench saves.

Saves wait (SQLite's busy timeout, 20 s in production) and go through once the lock is
released; a lock held past the timeout is reported as "could not save, try again: ... busy"
(:class:`StoreBusyError`), with nothing written; reads go on meanwhile (WAL mode); and a
process that dies holding the lock, half-way through its own transaction, leaves a store that
passes ``PRAGMA integrity_check`` with none of its half-done work in it.

The locker is a real second process (``sys.executable -c ...`` with the standard sqlite3
module), told on its stdin when to let go.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policybench.errors import PolicybenchError
from policybench.store import StoreBusyError, open_store
from policybench.store import db as store_db

W = {"feasibility": 1.0, "deterrence": 3.0, "backlash": 2.0}

LOCKER = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN EXCLUSIVE")
if sys.argv[2] == "write":
    conn.execute("CREATE TABLE IF NOT EXISTS intruder (x TEXT)")
    conn.execute("INSERT INTO intruder VALUES ('half-done')")
    conn.execute("UPDATE profiles SET latest_version = latest_version + 100")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
print("released", flush=True)
"""


class Locker:
    """A second process holding ``BEGIN EXCLUSIVE`` on the file until :meth:`release`."""

    def __init__(self, path: Path, mode: str = "hold") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(path), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        assert line == "locked", line

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None and self.process.stdout is not None
            self.process.stdin.write("\n")
            self.process.stdin.flush()
            assert self.process.stdout.readline().strip() == "released"
            self.process.wait(timeout=10)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def store(path: Path) -> Iterator[Any]:
    s = open_store(str(path))
    s.profiles.save("p", W, author="ana")
    try:
        yield s
    finally:
        s.close()


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def test_a_save_waits_for_the_lock_and_then_goes_through(store: Any, path: Path) -> None:
    locker = Locker(path)
    done: dict[str, Any] = {}

    def save() -> None:
        started = time.monotonic()
        try:
            done["version"] = store.profiles.save("p", {**W, "backlash": 5.0}).version
        except Exception as exc:  # reported below
            done["error"] = exc
        done["waited"] = time.monotonic() - started

    worker = threading.Thread(target=save)
    try:
        worker.start()
        time.sleep(1.0)
        assert worker.is_alive(), f"the save did not wait for the lock: {done}"
        assert store.profiles.get("p").version == 1  # reads go on meanwhile (WAL)
    finally:
        locker.release()
    worker.join(timeout=30)
    assert "error" not in done, done
    assert done["version"] == 2 and done["waited"] >= 0.9
    assert _integrity(path) == "ok"


def test_a_lock_held_past_the_busy_timeout_is_reported_and_nothing_is_written(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "SQLITE_BUSY_TIMEOUT_S", 1.0)  # production waits 20 s
    with open_store(str(path)) as store:
        store.profiles.save("p", W)
        fac = store.workshops.create(
            "Lock drill", options=["a", "b"], criteria=list(W), passphrase="long enough"
        )
        ana = store.workshops.join(fac.code, "Ana")
        locker = Locker(path)
        try:
            started = time.monotonic()
            with pytest.raises(StoreBusyError, match=r"could not save, try again: .* busy") as info:
                store.profiles.save("p", {**W, "backlash": 5.0})
            assert 0.9 <= time.monotonic() - started < 10
            assert str(info.value).endswith("is busy with other writers (waited 1 s)")
            assert isinstance(info.value, PolicybenchError)
            with pytest.raises(StoreBusyError, match=r"could not save your weights, try again"):
                store.workshops.submit(fac.code, ana.token, W)
            assert store.profiles.get("p").version == 1  # reading still works
        finally:
            locker.release()
        assert _integrity(path) == "ok"
        assert [h.version for h in store.profiles.history("p")] == [1]
        assert store.workshops.my_submission(fac.code, ana.token) is None
        # Once the lock is gone, saving works with the same store.
        assert store.profiles.save("p", {**W, "backlash": 5.0}).version == 2
        assert store.workshops.submit(fac.code, ana.token, W).revision == 1


def test_a_lock_refused_at_once_does_not_claim_a_wait(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "SQLITE_BUSY_TIMEOUT_S", 0.0)  # SQLite then refuses at once
    with open_store(str(path)) as store:
        store.profiles.save("p", W)
        locker = Locker(path)
        try:
            with pytest.raises(StoreBusyError) as info:
                store.profiles.save("p", {**W, "backlash": 5.0})
        finally:
            locker.release()
        assert str(info.value).endswith("is busy with other writers")
        assert "waited" not in str(info.value)
        assert store.profiles.get("p").version == 1


def test_writers_queued_behind_a_lock_all_land_in_order(store: Any, path: Path) -> None:
    fac = store.workshops.create(
        "Queue", options=["a", "b"], criteria=list(W), passphrase="long enough"
    )
    people = [store.workshops.join(fac.code, f"P{i}") for i in range(6)]
    locker = Locker(path)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            store.profiles.save("p", {**W, "backlash": float(i)}, author=f"t{i}")
            store.workshops.submit(fac.code, people[i].token, {**W, "deterrence": float(i)})
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    try:
        for t in threads:
            t.start()
        time.sleep(1.0)
        assert all(t.is_alive() for t in threads)
    finally:
        locker.release()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert [h.version for h in store.profiles.history("p")] == list(range(1, 8))
    subs = {s.display_name: s for s in store.workshops.submissions(fac)}
    assert {name: s.weights["deterrence"] for name, s in subs.items()} == {
        f"P{i}": float(i) for i in range(6)
    }
    assert _integrity(path) == "ok"


def test_a_process_killed_while_holding_the_lock_leaves_the_store_whole(
    store: Any, path: Path
) -> None:
    locker = Locker(path, mode="write")  # it has written, uncommitted, when it dies
    locker.kill()
    assert _integrity(path) == "ok"
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    assert "intruder" not in tables
    assert store.profiles.get("p").version == 1  # its +100 never happened
    assert store.profiles.save("p", {**W, "backlash": 4.0}).version == 2
    assert _integrity(path) == "ok"
