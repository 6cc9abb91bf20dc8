"""PostgreSQL stops for a few seconds in the middle of a save (issue 6, faults).

The server is really stopped (``pg_ctl stop -m fast``, which ends every session and aborts
its transaction) at a chosen point inside the save's transaction: after its first write and
before its last, or just before the commit. The saver gets "could not save ..., try again"
(:class:`StoreUnavailableError`, a :class:`PolicybenchError` the app shows as ``st.error``),
nothing of the interrupted save is in the database, and the same ``Store`` saves again once
the server is back (connections are checked before use), without being reopened.

(tests/store/test_open.py already covers a database that refuses connections and one whose
sessions are terminated between two saves; these stop the whole server, mid-transaction.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from policybench.errors import PolicybenchError
from policybench.store import StoreUnavailableError, open_store

pytestmark = pytest.mark.postgres

W = {"feasibility": 1.0, "deterrence": 3.0, "backlash": 2.0}
OUTAGE_S = 2.0


class Outage:
    """Stops the server the first time a statement matching ``when`` is about to run (or at
    the first commit, for ``when="COMMIT"``), then starts it again after ``OUTAGE_S``."""

    def __init__(self, server: Any, engine: sa.Engine, when: str) -> None:
        self.server = server
        self.engine = engine
        self.when = when
        self.fired = threading.Event()
        self.back = threading.Event()
        self._restart: threading.Thread | None = None
        if when == "COMMIT":
            sa.event.listen(engine, "commit", self._on_commit)
        else:
            sa.event.listen(engine, "before_cursor_execute", self._on_execute)

    def _stop(self) -> None:
        if self.fired.is_set():
            return
        self.fired.set()
        self.server.stop("fast")

        def restart() -> None:
            time.sleep(OUTAGE_S)
            self.server.start()
            self.back.set()

        self._restart = threading.Thread(target=restart)
        self._restart.start()

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(self.when):
            self._stop()

    def _on_commit(self, _conn: Any) -> None:
        self._stop()

    def wait_back(self) -> None:
        assert self.back.wait(60), "PostgreSQL did not come back"
        assert self._restart is not None
        self._restart.join()

    def remove(self) -> None:
        if self.when == "COMMIT":
            sa.event.remove(self.engine, "commit", self._on_commit)
        else:
            sa.event.remove(self.engine, "before_cursor_execute", self._on_execute)


@pytest.fixture
def store_on(pg_cluster: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    if not pg_cluster.running:  # a failed test may have left it stopped
        pg_cluster.start()
    name = "db_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name)[-50:]
    s = open_store(pg_cluster.url(pg_cluster.create_database(name.lower())))
    try:
        yield s
    finally:
        s.close()


def _whole_history(store: Any, name: str) -> list[int]:
    """The profile's versions, checking the profile row and the version rows agree."""
    with store.engine.connect() as conn:
        latest = conn.exec_driver_sql(
            "SELECT latest_version FROM profiles WHERE name = %(n)s", {"n": name}
        ).scalar()
        versions = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT v.version FROM profile_versions v JOIN profiles p "
                "ON p.id = v.profile_id WHERE p.name = %(n)s ORDER BY v.version",
                {"n": name},
            )
        ]
    assert versions == list(range(1, (latest or 0) + 1)), (latest, versions)
    return versions


@pytest.mark.parametrize(
    "when",
    [
        pytest.param("UPDATE PROFILES", id="after-the-version-row-before-the-profile-row"),
        pytest.param("COMMIT", id="just-before-the-commit"),
    ],
)
def test_a_profile_save_interrupted_by_a_stopped_server(
    pg_cluster: Any, store_on: Any, when: str
) -> None:
    store = store_on
    store.profiles.save("p", W, author="ana")
    outage = Outage(pg_cluster, store.engine, when)
    try:
        with pytest.raises(StoreUnavailableError, match=r"could not save, try again") as info:
            store.profiles.save("p", {**W, "backlash": 9.0}, author="ana")
        assert outage.fired.is_set()
        assert isinstance(info.value, PolicybenchError)
        assert "Traceback" not in str(info.value)
        # While it is down: the same clear message, at once (no hang).
        if not outage.back.is_set():
            started = time.monotonic()
            with pytest.raises(StoreUnavailableError, match="try again"):
                store.profiles.save("p", {**W, "backlash": 8.0})
            assert time.monotonic() - started < 15
        outage.wait_back()
    finally:
        outage.remove()
    # Nothing of the interrupted save is there; the version rows and the profile agree.
    assert _whole_history(store, "p") == [1]
    assert store.profiles.get("p").weights == W
    # Back: the same store saves again, without being reopened.
    saved = store.profiles.save("p", {**W, "backlash": 9.0}, author="ana")
    assert saved.version == 2
    assert _whole_history(store, "p") == [1, 2]


@pytest.mark.parametrize("when", ["UPDATE WORKSHOP_SUBMISSIONS", "COMMIT"])
def test_a_workshop_submission_interrupted_by_a_stopped_server(
    pg_cluster: Any, store_on: Any, when: str
) -> None:
    store = store_on
    fac = store.workshops.create(
        "Outage drill", options=["a", "b"], criteria=list(W), passphrase="long enough"
    )
    ana = store.workshops.join(fac.code, "Ana")
    store.workshops.submit(fac.code, ana.token, W)
    outage = Outage(pg_cluster, store.engine, when)
    try:
        with pytest.raises(StoreUnavailableError, match=r"could not save your weights, try again"):
            store.workshops.submit(fac.code, ana.token, {**W, "deterrence": 10.0})
        assert outage.fired.is_set()
        outage.wait_back()
    finally:
        outage.remove()
    mine = store.workshops.my_submission(fac.code, ana.token)
    assert mine is not None and mine.revision == 1 and mine.weights == W
    again = store.workshops.submit(fac.code, ana.token, {**W, "deterrence": 10.0})
    assert again.revision == 2
    assert store.workshops.submissions(fac)[0].weights["deterrence"] == 10.0


def test_a_store_opened_while_the_server_is_down_says_try_again_then_works(
    pg_cluster: Any,
) -> None:
    if not pg_cluster.running:
        pg_cluster.start()
    url = pg_cluster.url(pg_cluster.create_database("late"))
    pg_cluster.stop("fast")
    try:
        with pytest.raises(StoreUnavailableError, match="could not open the store, try again"):
            open_store(url)
    finally:
        pg_cluster.start()
    with open_store(url) as store:
        assert store.profiles.save("p", W).version == 1
