"""The app server dies in the middle of a round (SIGKILL), after submissions and score
challenges and before the facilitator locks, and is started again on the same store.

Three participants and a facilitator, each a page speaking Streamlit's websocket protocol
(tests/support/stclient.py), as in test_server_restart.py. Before the kill: everyone submits
(one revises), three challenges are saved (one with a verbatim quote, which the server marks
verified; one with a range; one revised), the facilitator is signed in on its page, and a
fourth challenge's save is in flight when the server dies. Then:

- the store holds every confirmed submission and challenge as confirmed, the round is still
  round 1 and open, and the in-flight challenge is either absent or whole;
- on the restarted server each participant's own link opens their own page, with their
  submitted revision, their weights and their challenges; a submit and a challenge's revision
  go on from there;
- the facilitator's page (its browser's sign-in remembered across the restart) locks, reveals
  and opens round 2 with its buttons; the participants' pages follow into round 2 by
  themselves and submit in it, and round 1 stays as it was when locked.

On the default SQLite store (in ``make test``) and on PostgreSQL (``slow``: ``make
bench-load``).
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from policybench import catalog as catalog_mod
from policybench.present.labels import criterion_label, option_label
from policybench.store import open_store
from support import stclient
from support.appserver import AppServer

HERE = Path(__file__).resolve().parent
TINY = HERE.parents[1] / "tests" / "fixtures" / "catalog"
PASSPHRASE = "long enough passphrase"
SAVED = re.compile(r"Saved \(revision (\d+)\)")
CHALLENGE_SAVED = re.compile(r"Challenge saved \((\d+) in all\)")
#: The longest a page may take to follow the facilitator (its watch looks every 5 s).
FOLLOW_S = 20.0


def widget(c: Any, key: str) -> Any:
    """The widget with this key (the UI contract's), which must be on the page."""
    found = [n for n in c.widgets() if n.proto.id.endswith(f"-{key}")]
    assert found, f"no widget {key} on the page:\n{c.dump()}"
    return found[0]


async def put(c: Any, key: str, value: Any) -> Any:
    """Set (or click) the widget ``key`` and wait for its run; the run must succeed."""
    node = widget(c, key)
    r = await c.rerun([c.state_for(node, value)], fragment_id=c.widget_fragments[node.proto.id])
    assert r.status in stclient.FINISHED_OK and not r.errors and not r.exceptions, (r, c.text())
    return r


async def submit(c: Any, slider: str, value: float) -> int:
    """Move one weight slider and submit; the revision the page confirms."""
    await put(c, f"pb.ws.w.{slider}", value)
    await put(c, "pb.ws.submit", True)
    saved = [m for m in (SAVED.search(t) for t in c.alerts("success")) if m]
    assert saved, c.text()
    return int(saved[0].group(1))


def fill(cat: Any, ch: dict[str, Any]) -> list[tuple[str, Any]]:
    """The challenge form's fields for ``ch``, in the order a person fills them (the form shows
    the others once an option is chosen), the selectboxes by the labels the page shows."""
    cited = cat.sources_by_id.get(ch["source"] or "")
    steps = [
        ("pb.ws.ch.option", option_label(cat.options_by_id[ch["option"]])),
        ("pb.ws.ch.criterion", criterion_label(cat, ch["criterion"])),
        ("pb.ws.ch.value", ch["value"]),
        ("pb.ws.ch.use_range", ch["low"] is not None),
    ]
    if ch["low"] is not None:
        steps += [("pb.ws.ch.low", ch["low"]), ("pb.ws.ch.high", ch["high"])]
    return [
        *steps,
        ("pb.ws.ch.reason", ch["reason"]),
        ("pb.ws.ch.source", cited.citation if cited is not None else "no quote"),
        ("pb.ws.ch.quote", ch["quote"] or ""),
    ]


async def challenge(c: Any, cat: Any, ch: dict[str, Any], *, wait: bool = True) -> int:
    """Fill the challenge form and save; "Challenge saved (N in all)"'s N (0 if not waited)."""
    for key, value in fill(cat, ch):
        await put(c, key, value)
    if not wait:  # the click is sent; the server may die before it answers
        node = widget(c, "pb.ws.ch.save")
        await c._send_rerun(
            [c.state_for(node, True)], fragment_id=c.widget_fragments[node.proto.id]
        )
        return 0
    await put(c, "pb.ws.ch.save", True)
    saved = [m for m in (CHALLENGE_SAVED.search(t) for t in c.alerts("success")) if m]
    assert saved, c.text()
    if ch["quote"] is not None:  # the page says what the server's check found
        assert any("found verbatim" in t for t in c.alerts("success")) == ch["verified"]
    return int(saved[0].group(1))


def as_stored(ch: dict[str, Any], rnd: int) -> dict[str, Any]:
    return {k: ch[k] for k in FIELDS} | {"round": rnd}


FIELDS = ("option", "criterion", "value", "low", "high", "reason", "quote", "source", "verified")


def stored_challenges(store: Any, fac: Any) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {
        (c.display_name, c.option, c.criterion): {k: getattr(c, k) for k in (*FIELDS, "round")}
        for c in store.workshops.challenges(fac)
    }


async def follow(c: Any, rnd: int) -> None:
    """Wait for the page's own watch to redraw it open in round ``rnd``."""
    deadline = time.monotonic() + FOLLOW_S
    badge = f"[Round {rnd}]"
    while time.monotonic() < deadline:
        shown = any(badge in t or t == f"Round {rnd}" for t in c.texts())
        if shown and any(n.proto.id.endswith("-pb.ws.submit") for n in c.widgets("button")):
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"{c.name}: the page did not open round {rnd}:\n{c.text()}")


@pytest.fixture(
    params=[
        "sqlite",  # in `make test`
        pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow]),  # bench-load
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    pg = request.getfixturevalue("pg_cluster")
    if not pg.running:
        pg.start()
    name = f"round_restart_{tmp_path.name[-20:]}".lower().replace("-", "_")
    return pg.url(pg.create_database(name))


@dataclass
class Drill:
    """The workshop, its server and its pages, and what each page had confirmed."""

    fac: Any
    tiny: Any
    server: AppServer
    boss: Any
    saves: dict[str, dict[str, Any]]
    in_flight: dict[str, Any]
    pages: dict[str, Any] = field(default_factory=dict)
    #: name → (revision, weights) as the page confirmed them last
    confirmed: dict[str, tuple[int, list[float]]] = field(default_factory=dict)

    @property
    def crits(self) -> list[str]:
        return list(self.tiny.criterion_ids)

    def weights(self, name: str) -> list[float]:
        c = self.pages[name]
        return [float(c.value(widget(c, f"pb.ws.w.{k}"))[0]) for k in self.crits]


NAMES = ("Ana", "Bo", "Chen")


def _saves(tiny: Any) -> dict[str, dict[str, Any]]:
    """Each participant's challenge: with a verbatim quote, with a range, plain."""
    quoted = tiny.options_by_id["summits"].scores["feasibility"].quotes[0]
    return {
        "Ana": dict(option="summits", criterion="feasibility", value=6.5, low=None, high=None,
                    reason="The record says otherwise.", quote=quoted.text.strip(),
                    source=quoted.source, verified=True),
        "Bo": dict(option="liaison", criterion="deterrence", value=4.0, low=3.0, high=5.0,
                   reason="Officers change little in a crisis.", quote=None, source=None,
                   verified=False),
        "Chen": dict(option="summits", criterion="feasibility", value=7.0, low=None,
                     high=None, reason="Easy to keep.", quote=None, source=None, verified=False),
    }  # fmt: skip


async def _sign_in(d: Drill) -> None:
    await d.boss.connect()
    r = await d.boss.submit_form(
        {"Join code": d.fac.code, "Passphrase": PASSPHRASE}, "Sign in",
        kinds={"Join code": "text_input", "Passphrase": "text_input"}, form="sign_in",
    )  # fmt: skip
    assert not r.errors and not r.exceptions, d.boss.text()
    widget(d.boss, "pb.fac.lock")  # signed in: the round's buttons are there


async def _before(d: Drill) -> None:
    """Everyone submits and challenges (Ana revises her weights, Chen his challenge); a
    fourth challenge's save is in flight when the server is killed."""
    await _sign_in(d)
    for i, name in enumerate(NAMES):
        c = stclient.StreamlitClient(
            d.server.url, page="workshop", query=f"code={d.fac.code}", name=name, timeout=90
        )
        await c.connect()
        await c.submit_form(
            {"Your display name": name}, "Join the workshop",
            kinds={"Your display name": "text_input"},
        )  # fmt: skip
        d.pages[name] = c
        revision = await submit(c, d.crits[i], float(2 + i))
        d.confirmed[name] = (revision, d.weights(name))
        assert await challenge(c, d.tiny, d.saves[name]) == 1
    revision = await submit(d.pages["Ana"], d.crits[2], 9.0)  # a revision
    d.confirmed["Ana"] = (revision, d.weights("Ana"))
    d.saves["Chen"] = dict(d.saves["Chen"], value=7.5, reason="Easy to keep, as 2015 showed.")
    assert await challenge(d.pages["Chen"], d.tiny, d.saves["Chen"]) == 1  # revised
    await challenge(d.pages["Chen"], d.tiny, d.in_flight, wait=False)
    d.server.kill()
    for c in [*d.pages.values(), d.boss]:
        await c.close()


async def _after(d: Drill, in_flight_stored: bool) -> None:
    """Each page reconnects by its address and goes on; the facilitator's page moves the room
    to round 2; the participants' pages follow and submit in it."""
    for i, name in enumerate(NAMES):
        c = d.pages[name]
        await c.connect()  # all a browser keeps is the page's address
        text = c.text()
        revision, values = d.confirmed[name]
        assert f"You are taking part as **{name}**" in text, text
        assert f"You have submitted your weights (revision {revision})" in text, text
        assert d.weights(name) == values
        mine = 2 if name == "Chen" and in_flight_stored else 1
        assert f"Your challenges ({mine})" in text, text
        assert await submit(c, d.crits[(i + 1) % 3], 7.0) == revision + 1
        d.confirmed[name] = (revision + 1, d.weights(name))
    d.saves["Bo"] = dict(d.saves["Bo"], value=3.5, low=2.5, high=4.5)
    assert await challenge(d.pages["Bo"], d.tiny, d.saves["Bo"]) == 1
    await d.boss.connect()  # the browser's sign-in is remembered across the restart
    for key in ("pb.fac.lock", "pb.fac.lock_now", "pb.fac.reveal", "pb.fac.next_round"):
        await put(d.boss, key, True)
    for i, name in enumerate(NAMES):
        await follow(d.pages[name], 2)
        assert await submit(d.pages[name], d.crits[i], 1.0) == 1
    for c in [*d.pages.values(), d.boss]:
        await c.close()


def test_a_server_killed_mid_round_keeps_the_round_and_the_facilitator_moves_on(
    db_url: str, tmp_path: Path, seeds_dir: Path
) -> None:
    tiny = catalog_mod.load(TINY)
    with open_store(db_url) as store:
        fac = store.workshops.create(
            "Round drill", options=list(tiny.option_ids), criteria=list(tiny.criterion_ids),
            passphrase=PASSPHRASE, catalog=tiny,
        )  # fmt: skip
    env = {"POLICYBENCH_SOURCES": str(seeds_dir)}  # the quote is checked, and verified
    server = AppServer(TINY, tmp_path / "server.log", db_url=db_url, env=env, via="serve")
    boss = stclient.StreamlitClient(
        server.url, page="facilitate", query=f"code={fac.code}", name="facilitator", timeout=90
    )
    saves = _saves(tiny)
    in_flight = dict(saves["Chen"], option="two-plus-two", criterion="backlash", value=1.5)
    d = Drill(fac, tiny, server, boss, saves, in_flight)
    server.start()
    try:
        stclient.run_async(lambda: _before(d))
        assert d.confirmed["Ana"][0] == 2
        with open_store(db_url) as store:  # nothing confirmed is lost; the round as it was
            now = store.workshops.get(fac.code)
            subs = {s.display_name: s for s in store.workshops.submissions(fac)}
            held = stored_challenges(store, fac)
        assert (now.state, now.round) == ("open", 1)
        for name, (revision, values) in d.confirmed.items():
            assert subs[name].revision == revision
            assert [subs[name].weights[k] for k in d.crits] == values
        for name, ch in saves.items():
            assert held.pop((name, ch["option"], ch["criterion"])) == as_stored(ch, 1)
        assert held in ({}, {("Chen", "two-plus-two", "backlash"): as_stored(in_flight, 1)}), held

        server.start()  # same port: the address in the participants' pages
        stclient.run_async(lambda: _after(d, bool(held)))
        with open_store(db_url) as store:
            now = store.workshops.get(fac.code)
            rounds = store.workshops.rounds(fac)
            held = stored_challenges(store, fac)
        assert (now.state, now.round) == ("open", 2)
        kept = {s.display_name: (s.revision, [s.weights[k] for k in d.crits]) for s in rounds[1]}
        assert kept == d.confirmed  # round 1 as it was when the facilitator locked it
        assert {s.display_name: s.revision for s in rounds[2]} == dict.fromkeys(NAMES, 1)
        assert held[("Bo", "liaison", "deterrence")] == as_stored(saves["Bo"], 1)
        assert held[("Ana", "summits", "feasibility")] == as_stored(saves["Ana"], 1)
    finally:
        server.stop()
