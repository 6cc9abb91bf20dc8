"""The app server dies in the middle of a workshop (SIGKILL) and is started again.

Three participants join and submit (one revises) through the real server, speaking
Streamlit's websocket protocol as their browser tabs do (tests/support/stclient.py). The
server is killed with a weight change still in flight. Then:

- every submission confirmed before the kill ("Saved (revision N)") is in the store, whole;
- the server starts again on the same port, and each participant's page reconnects with its
  own address (``/workshop?code=...&p=<token>``, which is all a browser keeps): it is the same
  participant, their sliders show their stored weights, it says which revision they submitted,
  and a change and a submit go on from there (revision N + 1).

On the default SQLite store (a crash must not lose a committed write in WAL mode; in
``make test``) and on PostgreSQL (``slow``: ``make bench-load``). A real browser going
through the same is in test_restart_browser.py (``slow``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from policybench import catalog as catalog_mod
from policybench.store import open_store
from support import stclient
from support.appserver import AppServer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TINY = ROOT / "tests" / "fixtures" / "catalog"


SAVED = re.compile(r"Saved \(revision (\d+)\)")
SUBMIT = ("Submit my weights", "Save my revised weights")


def _slider_values(client: Any) -> list[float]:
    return [float(client.value(node)[0]) for node in client.widgets("slider")]


async def _join(url: str, code: str, name: str) -> Any:
    c = stclient.StreamlitClient(url, page="workshop", query=f"code={code}", name=name, timeout=90)
    await c.connect()
    r = await c.submit_form(
        {"Your display name": name}, "Join the workshop", kinds={"Your display name": "text_input"}
    )
    assert not r.errors and not r.exceptions, (r.errors, r.exceptions)
    assert c.query().get("p"), c.query_string
    return c


async def _move_and_submit(c: Any, slider: int, value: float) -> int:
    node = c.widgets("slider")[slider]
    r = await c.rerun([c.state_for(node, value)], fragment_id=c.widget_fragments[node.proto.id])
    assert r.status in stclient.FINISHED_OK and not r.errors and not r.exceptions
    button = next(b for b in c.widgets("button") if b.proto.label in SUBMIT)
    r = await c.rerun([c.state_for(button, True)], fragment_id=c.widget_fragments[button.proto.id])
    assert not r.errors and not r.exceptions, (r.errors, r.exceptions)
    saved = [m for m in (SAVED.search(t) for t in c.alerts("success")) if m]
    assert saved, c.text()
    return int(saved[0].group(1))


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
    name = f"restart_{tmp_path.name[-20:]}".lower().replace("-", "_")
    return pg.url(pg.create_database(name))


def test_participants_carry_on_after_the_server_is_killed_and_restarted(
    db_url: str, tmp_path: Path
) -> None:
    tiny = catalog_mod.load(TINY)
    with open_store(db_url) as store:
        fac = store.workshops.create(
            "Restart drill",
            options=list(tiny.option_ids),
            criteria=list(tiny.criterion_ids),
            passphrase="long enough",
            catalog=tiny,
        )
    server = AppServer(TINY, tmp_path / "server.log", db_url=db_url, via="serve").start()
    names = ["Ana", "Bo", "Chen"]
    confirmed: dict[str, tuple[int, list[float]]] = {}
    clients: dict[str, Any] = {}
    try:

        async def before() -> None:
            for i, name in enumerate(names):
                c = await _join(server.url, fac.code, name)
                clients[name] = c
                revision = await _move_and_submit(c, i % 3, float(2 + i))
                confirmed[name] = (revision, _slider_values(c))
            revision = await _move_and_submit(clients["Ana"], 2, 9.0)  # a revision
            confirmed["Ana"] = (revision, _slider_values(clients["Ana"]))
            # Bo moves a slider and the server dies before answering.
            node = clients["Bo"].widgets("slider")[1]
            await clients["Bo"]._send_rerun(
                [clients["Bo"].state_for(node, 0.0)],
                fragment_id=clients["Bo"].widget_fragments[node.proto.id],
            )
            server.kill()
            for c in clients.values():
                await c.close()

        stclient.run_async(before)
        assert confirmed["Ana"][0] == 2

        with open_store(db_url) as store:  # every confirmed submission is there, whole
            subs = {s.display_name: s for s in store.workshops.submissions(fac)}
        crits = list(tiny.criterion_ids)
        for name, (revision, values) in confirmed.items():
            assert subs[name].revision == revision
            assert [subs[name].weights[c] for c in crits] == values

        server.start()  # same port: the address in the participants' pages

        async def after() -> None:
            for i, name in enumerate(names):
                c = clients[name]
                assert "p=" in c.query_string  # all the page keeps is its address
                await c.connect()
                text = c.text()
                assert f"You are taking part as **{name}**" in text, text
                revision, values = confirmed[name]
                assert f"You have submitted your weights (revision {revision})" in text, text
                assert _slider_values(c) == values
                assert await _move_and_submit(c, (i + 1) % 3, 7.0) == revision + 1
                await c.close()

        stclient.run_async(after)
        with open_store(db_url) as store:
            subs = {s.display_name: s for s in store.workshops.submissions(fac)}
        assert {n: s.revision for n, s in subs.items()} == {n: confirmed[n][0] + 1 for n in names}
    finally:
        server.stop()
