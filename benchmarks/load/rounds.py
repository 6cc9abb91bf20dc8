"""The facilitator moves the room to round 2 in the middle of the window, as in a workshop:
lock the round ("Lock the round", then "Lock now" on the page's warning), reveal the result,
and open round 2, while the participants carry on.

Each step is a click on the facilitator's page (:mod:`~benchmarks.load.page`, by the UI's
widget keys: ``pb.fac.lock``, ``pb.fac.lock_now``, ``pb.fac.reveal``,
``pb.fac.next_round``), timed from the click to the page redrawn, and then checked in the
store (the state and round the step should have led to). A step whose button is not on the
page is done through the store's API instead, and :class:`Room` says which way each step went.
Between the steps the facilitator pauses, as a person reads the page before the next click.

The participants' clients read :class:`Room` to tell a write refused because the round was
locked under their page (expected once the facilitator has pressed "Lock", counted) from an
error.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tests.support.stclient import FINISHED_OK, ProtocolError

from benchmarks.load.page import Client, by_key, set_key
from benchmarks.load.people import Room

#: Seconds the facilitator pauses between two steps (reading the locked room, the result).
PAUSE_S = 3.0
#: (what the step is, the page's buttons to click in turn, the store's method otherwise,
#: the state it leads to, and how the round number moves).
STEPS = (
    ("lock", ("pb.fac.lock", "pb.fac.lock_now"), "lock", "locked", 0),
    ("reveal", ("pb.fac.reveal",), "reveal", "revealed", 0),
    ("open round 2", ("pb.fac.next_round",), "next_round", "open", 1),
)


async def run_rounds(
    client: Client, store: Any, fac: Any, room: Room, at: float, pause: float = PAUSE_S
) -> None:
    """At ``at`` (monotonic), take the room from round 1 to round 2 on ``client`` (a signed-in
    facilitator page); each step's record goes to ``room.steps``, any failure to
    ``room.errors`` (and the remaining steps are not taken)."""
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    for k, (name, keys, method, state, step_round) in enumerate(STEPS):
        if k:
            await asyncio.sleep(pause)
        if name == "lock":
            room.locking_at = time.monotonic()
        try:
            record = await _step(client, store, fac, keys, method)
        except ProtocolError as exc:
            room.errors.append(f"{client.name}: {name}: {exc}")
            return
        shop = await asyncio.to_thread(store.workshops.get, fac.code)
        record.update(step=name, state=shop.state, round=shop.round)
        room.steps.append(record)
        if shop.state != state or shop.round != room.round + step_round:
            room.errors.append(
                f"{client.name}: after '{name}' the store says {shop.state}, round "
                f"{shop.round}; expected {state}, round {room.round + step_round}"
            )
            return
        if record.get("problem"):
            room.errors.append(f"{client.name}: {name}: {record['problem']}")
            return
        room.round = shop.round
    room.opened_at = time.monotonic()


async def _step(
    client: Client, store: Any, fac: Any, keys: tuple[str, ...], method: str
) -> dict[str, Any]:
    """One step: its buttons clicked in turn (the click-to-redrawn times, ms), or the store's
    ``method`` if the first button is not on the page."""
    if by_key(client, keys[0]) is None:
        t0 = time.perf_counter()
        await asyncio.to_thread(getattr(store.workshops, method), fac)
        return {"via": "the store's API", "ms": [round((time.perf_counter() - t0) * 1000, 1)]}
    times: list[float] = []
    for key in keys:
        r = await set_key(client, key, True)
        if r is None:
            return {"via": "the facilitator page's buttons", "ms": times, "problem": f"no {key}"}
        times.append(round(r.seconds * 1000, 1))
        if r.status not in FINISHED_OK or r.errors or r.exceptions:
            return {
                "via": "the facilitator page's buttons",
                "ms": times,
                "problem": f"{key}: status {r.status} {r.errors} {r.exceptions}",
            }
    return {"via": "the facilitator page's buttons", "ms": times}
