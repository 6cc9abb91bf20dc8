"""Store faults as a participant meets them on the workshop page (AppTest, the app in-process).

- PostgreSQL really stopped while the participant saves: a clear "try again" message, no
  traceback, nothing half-written; once the server is back, the same page saves (revision 1).
- A read-only SQLite store: the page still shows the participant's weights; a save says the
  store is read-only and nothing was changed; what was stored is intact.
- A full disk (SQLite's ``max_page_count`` on a store with 512-byte pages, so the new
  submission needs pages it cannot get): "the disk ... is full; nothing was written".

(The store-level faults are in test_postgres_outage.py and test_sqlite_lock.py, and in
tests/store/test_open.py; here they are checked through the page.)
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from policybench import catalog as catalog_mod
from policybench.store import open_store

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "src" / "policybench" / "ui" / "app.py"
TINY = ROOT / "tests" / "fixtures" / "catalog"
W = {"feasibility": 1.0, "deterrence": 3.0, "backlash": 2.0}


@pytest.fixture
def workshop_page(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """``workshop_page(db_url, code=..., p=...)``: the workshop page in a fresh session, run once."""

    def make(db_url: str, **params: str) -> AppTest:
        monkeypatch.setenv("POLICYBENCH_OPTIONS", str(TINY))
        monkeypatch.setenv("POLICYBENCH_DATABASE_URL", db_url)
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in {"page": "workshop", **params}.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        return at

    yield make
    st.cache_resource.clear()  # release the stores the pages opened


def _said(at: AppTest) -> str:
    parts = [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [s.value for s in at.success] + [m.value for m in at.markdown]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def _submit(at: AppTest) -> None:
    at.button(key="pb.ws.submit").click().run()
    assert not at.exception, at.exception  # never a traceback


def _workshop(db_url: str) -> tuple[Any, Any]:
    tiny = catalog_mod.load(TINY)
    with open_store(db_url) as store:
        fac = store.workshops.create(
            "Faults", options=list(tiny.option_ids), criteria=list(W), passphrase="long enough",
            catalog=tiny,
        )  # fmt: skip
        ana = store.workshops.join(fac.code, "Ana")
    return fac, ana


@pytest.mark.postgres
def test_postgres_stopped_during_a_save_then_back(
    workshop_page: Callable[..., AppTest], pg_cluster: Any
) -> None:
    if not pg_cluster.running:
        pg_cluster.start()
    db_url = pg_cluster.url(pg_cluster.create_database("app_outage"))
    fac, ana = _workshop(db_url)
    at = workshop_page(db_url, code=fac.code, p=ana.token)
    at.slider(key="pb.ws.w.deterrence").set_value(9.0).run()
    pg_cluster.stop("fast")
    try:
        _submit(at)
        said = _said(at)
        assert at.error, said
        assert re.search(r"(could not|couldn't).*(try again)", said, re.IGNORECASE), said
        assert "Traceback" not in said and "psycopg" not in said
    finally:
        pg_cluster.start()
    with open_store(db_url) as store:
        assert store.workshops.my_submission(fac.code, ana.token) is None  # nothing half-written
    at.run()  # the next interaction, with the server back
    assert not at.exception, at.exception
    at.slider(key="pb.ws.w.deterrence").set_value(9.0).run()
    _submit(at)
    assert "Saved (revision 1)" in _said(at), _said(at)
    with open_store(db_url) as store:
        mine = store.workshops.my_submission(fac.code, ana.token)
    assert mine is not None and mine.weights["deterrence"] == 9.0


def test_a_read_only_store_says_so_and_keeps_what_was_stored(
    workshop_page: Callable[..., AppTest], tmp_path: Path
) -> None:
    path = tmp_path / "store.db"
    fac, ana = _workshop(f"sqlite:///{path}")
    with open_store(str(path)) as store:
        store.workshops.submit(fac.code, ana.token, W)
    at = workshop_page(f"sqlite:///file:{path}?mode=ro&uri=true", code=fac.code, p=ana.token)
    assert "revision 1" in _said(at)
    assert at.slider(key="pb.ws.w.deterrence").value == 3.0  # the stored weights are shown
    at.slider(key="pb.ws.w.deterrence").set_value(8.0).run()
    _submit(at)
    said = _said(at)
    assert at.error and "read-only" in said and "nothing was changed" in said, said
    with open_store(str(path)) as store:
        mine = store.workshops.my_submission(fac.code, ana.token)
    assert mine is not None and mine.revision == 1 and mine.weights == W


@pytest.fixture
def full_disk() -> Iterator[Callable[[int], None]]:
    """``cap(pages)``: every new SQLite connection may use at most ``pages`` pages."""
    limit: list[int] = []

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if limit and isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.execute(f"PRAGMA max_page_count = {limit[0]}")

    sa.event.listen(sa.pool.Pool, "connect", on_connect)
    try:
        yield lambda pages: limit.append(pages)
    finally:
        sa.event.remove(sa.pool.Pool, "connect", on_connect)


def test_a_full_disk_says_so_and_writes_nothing(
    workshop_page: Callable[..., AppTest], tmp_path: Path, full_disk: Callable[[int], None]
) -> None:
    path = tmp_path / "store.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA page_size = 512")  # small pages: a submission needs new ones
    conn.execute("CREATE TABLE pad (x)")  # the size is fixed when the first page is written
    conn.execute("DROP TABLE pad")
    conn.execute("VACUUM")
    conn.close()
    fac, ana = _workshop(f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 512
    conn.execute("VACUUM")  # no free pages left to fill
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    full_disk(pages)
    at = workshop_page(f"sqlite:///{path}", code=fac.code, p=ana.token)
    for cid in W:  # reasons on every criterion: more than a 512-byte page holds
        at.text_input(key=f"pb.ws.why.{cid}").input("because " * 34)
    at.run()
    at.slider(key="pb.ws.w.deterrence").set_value(9.0).run()
    _submit(at)
    said = _said(at)
    assert at.error and "full" in said and "nothing was written" in said, said
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM workshop_submissions").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM workshop_participants").fetchone()[0] == 1
    finally:
        conn.close()
