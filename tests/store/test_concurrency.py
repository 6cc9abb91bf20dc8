"""Concurrent saves, on SQLite and PostgreSQL: 20 threads, and two processes, at once.

Every save is either a new version or a reported conflict; none is lost, the history is
complete, and the versions are contiguous.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from typing import Any

import pytest
import sqlalchemy as sa

from policybench.store import ConflictError, Store, open_store
from policybench.store.schema import MIGRATIONS

THREADS = 20


def _weights(i: int) -> dict[str, float]:
    return {"feasibility": float(i + 1), "deterrence": 2.0, "backlash": 1.0}


def _check_history(store: Store, name: str, saved: dict[str, int]) -> None:
    """Versions 1..n, each saved exactly once, each holding what its saver sent."""
    history = store.profiles.history(name)
    assert [h.version for h in history] == list(range(1, len(history) + 1))
    assert len(set(saved.values())) == len(saved)
    by_version = {h.version: h for h in history}
    for author, version in saved.items():
        assert by_version[version].author == author
    assert {h.author for h in history} >= set(saved)


def test_twenty_threads_saving_one_profile_lose_nothing(store: Store) -> None:
    store.profiles.save("shared", _weights(0), author="seed")
    barrier = threading.Barrier(THREADS)
    results: list[tuple[str, Any]] = [("none", None)] * THREADS

    def worker(i: int) -> None:
        seen = store.profiles.get("shared").version  # every thread read version 1
        expect = seen if i % 2 == 0 else None  # half edit what they read, half just append
        barrier.wait()
        try:
            saved = store.profiles.save(
                "shared", _weights(i), author=f"t{i}", expect_version=expect
            )
            results[i] = ("saved", saved.version)
        except ConflictError as exc:
            results[i] = ("conflict", exc.latest_version)
        except Exception as exc:
            results[i] = ("error", repr(exc))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)

    errors = [r for r in results if r[0] not in {"saved", "conflict"}]
    assert errors == []
    saved = {f"t{i}": r[1] for i, r in enumerate(results) if r[0] == "saved"}
    conflicts = [i for i, r in enumerate(results) if r[0] == "conflict"]
    assert len(saved) + len(conflicts) == THREADS
    assert all(f"t{i}" in saved for i in range(1, THREADS, 2))  # plain appends never conflict
    assert sum(1 for i in range(0, THREADS, 2) if f"t{i}" in saved) <= 1  # only one can win v1
    assert all(i % 2 == 0 for i in conflicts)
    assert store.profiles.get("shared").version == 1 + len(saved)
    _check_history(store, "shared", saved)
    for author, version in saved.items():
        assert store.profiles.get("shared", version).weights == _weights(int(author[1:]))


def test_twenty_threads_creating_the_same_new_profile(store: Store) -> None:
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = store.profiles.save("born-together", _weights(i), author=f"t{i}").version
        except Exception as exc:
            results[i] = repr(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results) == list(range(1, THREADS + 1))
    assert store.profiles.names() == ["born-together"]
    _check_history(store, "born-together", {f"t{i}": v for i, v in enumerate(results)})


_PROCESS_SCRIPT = r"""
import json, sys, time
from policybench.store import ConflictError, open_store
url, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = open_store(url)
store.profiles.get("across")  # connected and warm
out = []
print("ready", flush=True)
sys.stdin.readline()  # "go", sent to both processes at once
began = time.time()
for i in range(count):
    author = f"{tag}-{i}"
    weights = {"feasibility": float(i + 1), "deterrence": 2.0, "backlash": 1.0}
    try:
        if i % 2:
            v = store.profiles.save("across", weights, author=author)
        else:
            seen = store.profiles.get("across").version
            v = store.profiles.save("across", weights, author=author, expect_version=seen)
        out.append([author, "saved", v.version])
    except ConflictError as exc:
        out.append([author, "conflict", exc.latest_version])
    except Exception as exc:
        out.append([author, "error", repr(exc)])
ended = time.time()
store.close()
print(json.dumps({"rows": out, "began": began, "ended": ended}))
"""


def test_two_processes_saving_one_profile_lose_nothing(store: Store, store_url: str) -> None:
    store.profiles.save("across", _weights(0), author="seed")
    count = 40
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _PROCESS_SCRIPT, store_url, tag, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("p1", "p2")
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", proc.stderr
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    rows: list[list[Any]] = []
    spans: list[tuple[float, float]] = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        result = json.loads(out)
        rows += result["rows"]
        spans.append((result["began"], result["ended"]))
    assert max(b for b, _ in spans) < min(e for _, e in spans), "the two processes did not overlap"
    assert len(rows) == 2 * count
    assert [r for r in rows if r[1] == "error"] == []
    saved = {r[0]: r[2] for r in rows if r[1] == "saved"}
    conflicts = [r for r in rows if r[1] == "conflict"]
    assert len(saved) + len(conflicts) == 2 * count
    assert all(
        r[0] in saved for r in rows if int(r[0].split("-")[1]) % 2
    )  # plain appends all landed
    assert store.profiles.get("across").version == 1 + len(saved)
    _check_history(store, "across", saved)


_OPEN_SCRIPT = r"""
import sys
from policybench.store import open_store
url = sys.argv[1]
print("ready", flush=True)
sys.stdin.readline()
store = open_store(url)
store.profiles.save("opened-" + sys.argv[2], {"a": 1.0})
print(store.schema_version)
store.close()
"""


@pytest.mark.parametrize("processes", [3])
def test_several_servers_creating_the_schema_at_once(store_url: str, processes: int) -> None:
    """App servers starting together on an empty database create the schema exactly once."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_SCRIPT, store_url, str(i)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
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
        assert out.strip() == str(max(m.version for m in MIGRATIONS))
    with open_store(store_url) as store:
        assert store.profiles.names() == [f"opened-{i}" for i in range(processes)]
        with store.engine.connect() as conn:
            assert conn.execute(
                sa.text("SELECT version FROM policybench_schema")
            ).scalars().all() == [m.version for m in MIGRATIONS]
