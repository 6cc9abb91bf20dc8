"""Rounds under concurrency, with threads, on SQLite and PostgreSQL.

Participants submit, challenge and withdraw without pause while the facilitator locks,
reveals, adopts a score and opens the next round, three rounds over. Afterwards every write
the store accepted is there, in the round it was accepted in (each round's revision counts
exactly the submissions accepted in it, and holds the last of them), every refusal was a plain
:class:`WorkshopStateError`, and nothing else went wrong. Separately: one participant's tabs
challenging the same new cell at once make one challenge, not an error.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from policybench.store import Store, WorkshopStateError
from policybench.store.ratelimit import CHALLENGE_WRITES

OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
PASS = "correct horse battery"
PARTICIPANTS = 6
ROUNDS = 3
#: Challenge writes each participant attempts at most: under the per-participant rate limit,
#: so that every refusal in this test comes from the round's state.
CHALLENGE_ATTEMPTS = CHALLENGE_WRITES.max_failures - 10
WAIT_S = 60.0


def _weights(i: int, k: int) -> dict[str, float]:
    """Participant ``i``'s ``k``-th weights: distinct for every (i, k)."""
    return {"feasibility": float(i + 1), "deterrence": float(k), "backlash": 1.0}


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def test_writes_racing_lock_reveal_and_next_round_land_in_their_round(store: Store) -> None:
    w = store.workshops
    f = w.create("Race", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    tickets = [w.join(f.code, f"p{i}") for i in range(PARTICIPANTS)]
    # per participant: (kind, k, the round it was accepted in, or None if refused)
    log: list[list[tuple[str, int, int | None]]] = [[] for _ in range(PARTICIPANTS)]
    errors: list[str] = []
    decided: list[tuple[Any, int]] = []
    done = threading.Event()

    def accepted(kind: str, rnd: int) -> int:
        return sum(1 for entries in log for e in list(entries) if e[0] == kind and e[2] == rnd)

    def refused() -> int:
        return sum(1 for entries in log for e in list(entries) if e[2] is None)

    def participant(i: int) -> None:
        code, token = f.code, tickets[i].token
        rng = random.Random(i)
        k = attempts = 0
        try:
            while not done.is_set():
                k += 1
                try:
                    log[i].append(("submit", k, w.submit(code, token, _weights(i, k)).round))
                except WorkshopStateError:
                    log[i].append(("submit", k, None))
                if k % 2 == 0 and attempts < CHALLENGE_ATTEMPTS:
                    attempts += 1
                    try:
                        if k % 6 == 0:
                            gone = w.withdraw(code, token, "summits", "backlash")
                            log[i].append(("withdraw" if gone else "nothing", k, 0))
                        else:
                            c = w.challenge(
                                code, token, "summits", "backlash", k % 11, reason=f"k{k}"
                            )
                            log[i].append(("challenge", k, c.round))
                    except WorkshopStateError:
                        log[i].append(("challenge", k, None))
                time.sleep(rng.uniform(0, 0.003))  # let the facilitator's lock in, now and then
        except Exception as exc:  # anything but a state refusal fails the test
            errors.append(f"p{i}: {exc!r}")

    def facilitator() -> None:
        try:
            for rnd in range(1, ROUNDS + 1):
                _wait_until(lambda r=rnd: accepted("submit", r) >= PARTICIPANTS, f"round {rnd}")
                decided.append((w.decide(f, "liaison", "feasibility", "adopted", value=rnd), rnd))
                before = refused()
                w.lock(f)
                _wait_until(lambda b=before: refused() > b, "a refusal while locked")
                w.reveal(f)
                decided.append((w.decide(f, "summits", "backlash", "rejected"), rnd))
                if rnd < ROUNDS:
                    assert w.next_round(f).round == rnd + 1
        except Exception as exc:
            errors.append(f"facilitator: {exc!r}")
        finally:
            done.set()

    threads = [threading.Thread(target=participant, args=(i,)) for i in range(PARTICIPANTS)]
    threads.append(threading.Thread(target=facilitator))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    rounds = w.rounds(f)
    assert sorted(rounds) == list(range(1, ROUNDS + 1))
    for rnd, subs in rounds.items():
        stored = {s.display_name: s for s in subs}
        for i in range(PARTICIPANTS):
            mine = [k for kind, k, r in log[i] if kind == "submit" and r == rnd]
            if not mine:
                assert f"p{i}" not in stored
                continue
            s = stored[f"p{i}"]
            assert (s.round, s.revision, s.weights) == (rnd, len(mine), _weights(i, mine[-1]))

    by_name = {c.display_name: c for c in w.challenges(f)}
    for i in range(PARTICIPANTS):
        writes = [e for e in log[i] if e[0] in {"challenge", "withdraw"} and e[2] is not None]
        last = writes[-1] if writes else None
        if last is None or last[0] == "withdraw":
            assert f"p{i}" not in by_name
        else:
            c = by_name[f"p{i}"]
            assert (c.reason, c.value, c.round) == (f"k{last[1]}", float(last[1] % 11), last[2])

    assert {d.round for d, rnd in decided} == set(range(1, ROUNDS + 1))
    assert all(d.round == rnd for d, rnd in decided), "each decision in the round it was taken"
    final = {(d.option, d.criterion): d for d in w.decisions(f)}
    assert final[("liaison", "feasibility")].value == float(ROUNDS)
    assert final[("summits", "backlash")].decision == "rejected"
    assert refused() >= ROUNDS, "the test raced the locks"


@pytest.mark.parametrize("tabs", [8])
def test_one_participants_tabs_challenging_the_same_new_cell_at_once(
    store: Store, tabs: int
) -> None:
    w = store.workshops
    f = w.create("Tabs", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = w.join(f.code, "Ana")
    barrier = threading.Barrier(tabs)
    results: list[str] = [""] * tabs

    def tab(i: int) -> None:
        barrier.wait()
        try:
            results[i] = w.challenge(
                f.code, ana.token, "summits", "backlash", i, reason=f"t{i}"
            ).reason
        except Exception as exc:
            results[i] = repr(exc)

    threads = [threading.Thread(target=tab, args=(i,)) for i in range(tabs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results) == sorted(f"t{i}" for i in range(tabs))
    mine = w.my_challenges(f.code, ana.token)
    assert (
        len(mine) == 1 and mine[0].reason in results and mine[0].value == float(mine[0].reason[1:])
    )
