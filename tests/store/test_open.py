"""Opening a store: where it lives, the schema and its version, and the failures a user can
meet (read-only, full disk, unreachable server, a schema from the future), each a readable
error with nothing lost."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from policybench.errors import PolicybenchError
from policybench.store import (
    ReadOnlyStoreError,
    SchemaTooNewError,
    Store,
    StoreError,
    StoreFullError,
    StoreUnavailableError,
    open_store,
)
from policybench.store import schema as schema_module
from policybench.store.db import Database, resolve_url
from support import store_v3

W = {"feasibility": 1.0, "deterrence": 3.0, "backlash": 2.0}


# -- where the store lives ------------------------------------------------------------------


def test_default_is_a_sqlite_file_under_xdg_data_home_created_with_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POLICYBENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with open_store() as store:
        store.profiles.save("p", W)
        expected = tmp_path / "xdg" / "policybench" / "policybench.db"
        assert expected.is_file()
        assert str(expected) in store.url_for_display
        assert store.backend == "sqlite"


def test_default_without_xdg_is_under_local_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POLICYBENCH_DATABASE_URL", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    url, is_default = resolve_url(None)
    assert is_default
    assert url.database == str(tmp_path / ".local" / "share" / "policybench" / "policybench.db")


def test_environment_variable_names_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("POLICYBENCH_DATABASE_URL", f"sqlite:///{target}")
    with open_store() as store:
        store.profiles.save("p", W)
    assert target.is_file()


def test_a_plain_path_is_a_sqlite_file(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "plain.db")) as store:
        store.profiles.save("p", W)
    assert (tmp_path / "plain.db").is_file()


def test_an_explicit_file_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError, match=r"cannot be opened.*folder exist"):
        open_store(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}")


def test_sqlite_is_in_wal_mode_with_a_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "w.db")) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+psycopg://ana:s3cr%40t@db.example:5432/pb",
            "postgresql+psycopg://ana:***@db.example:5432/pb",
        ),
        ("postgresql://ana:hunter2@db/pb", "postgresql+psycopg://ana:***@db/pb"),
        ("postgres://ana:hunter2@db/pb", "postgresql+psycopg://ana:***@db/pb"),
        ("sqlite:////var/lib/pb.db", "sqlite:////var/lib/pb.db"),
    ],
)
def test_urls_are_normalised_and_shown_without_passwords(url: str, shown: str) -> None:
    parsed, _ = resolve_url(url)
    db = Database(parsed)
    try:
        assert db.display == shown
        assert "hunter2" not in db.display and "s3cr" not in db.display
    finally:
        db.dispose()


@pytest.mark.parametrize(
    "url", ["mysql://u:p@h/db", "postgresql+psycopg2://u@h/db", "::not a url::/x"]
)
def test_unsupported_urls_say_what_to_use(url: str) -> None:
    with pytest.raises(StoreError, match=r"sqlite:///|psycopg"):
        open_store(url)


def test_url_for_display_hides_the_password_of_a_real_store(store: Store) -> None:
    assert "***" not in store.url_for_display or store.backend == "postgresql"
    assert store.url_for_display.startswith(
        "sqlite:///" if store.backend == "sqlite" else "postgresql+psycopg://"
    )


# -- schema and its version -------------------------------------------------------------------


def test_schema_version_is_recorded(store: Store) -> None:
    assert store.schema_version == max(m.version for m in schema_module.MIGRATIONS)
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT version, description FROM policybench_schema ORDER BY version")
        ).all()
    assert [r.version for r in rows] == [m.version for m in schema_module.MIGRATIONS]
    assert all(r.description for r in rows)
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {
        "profiles",
        "profile_versions",
        "workshops",
        "workshop_participants",
        "workshop_submissions",
        "rate_limits",
    } <= tables


def test_reopening_does_not_migrate_again(make_store) -> None:  # type: ignore[no-untyped-def]
    make_store().profiles.save("p", W)
    again = make_store()
    with again.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM policybench_schema")).scalar() == len(
            schema_module.MIGRATIONS
        )
    assert again.profiles.get("p").version == 1


def test_an_older_schema_is_upgraded_step_by_step(store: Store, store_url: str) -> None:
    """A database at the latest version meets code that knows one more: the step runs once."""
    store.profiles.save("p", W)
    ran: list[int] = []
    nxt = max(m.version for m in schema_module.MIGRATIONS) + 1

    def add_notes(conn: sa.engine.Connection) -> None:
        ran.append(nxt)
        conn.execute(sa.text("ALTER TABLE profiles ADD COLUMN notes TEXT"))

    steps = (*schema_module.MIGRATIONS, schema_module.Migration(nxt, "profiles.notes", add_notes))
    parsed, _ = resolve_url(store_url)
    db = Database(parsed)
    try:
        assert schema_module.migrate(db, steps) == nxt
        assert schema_module.migrate(db, steps) == nxt  # idempotent
    finally:
        db.dispose()
    assert ran == [nxt]
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT max(version) FROM policybench_schema")).scalar() == nxt
        assert "notes" in {c["name"] for c in sa.inspect(conn).get_columns("profiles")}
    assert store.profiles.get("p").weights == W  # data kept


def test_a_version_1_store_with_data_is_upgraded_in_place(store_url: str) -> None:
    """Version 2 adds the settings table (the install's secret) and drops the rate-limit rows,
    which held unsalted hashes of addresses; profiles and workshops are untouched."""
    v1_tables = store_v3.metadata(1)
    parsed, _ = resolve_url(store_url)
    db = Database(parsed)
    try:
        assert schema_module.migrate(db, schema_module.MIGRATIONS[:1], tables=v1_tables) == 1
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO rate_limits (key, window_start, failures) VALUES ('code:ab', 1, 3)"
                )
            )
    finally:
        db.dispose()
    with open_store(store_url) as upgraded:
        assert upgraded.schema_version == max(m.version for m in schema_module.MIGRATIONS)
        upgraded.profiles.save("p", W)
        with upgraded.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM rate_limits")).scalar() == 0
            assert sa.inspect(conn).has_table("policybench_settings")
        key = upgraded.limiter.client_key("203.0.113.7")
    with open_store(store_url) as again:  # the secret is kept: the same client, the same key
        assert again.limiter.client_key("203.0.113.7") == key
        assert key != hashlib.sha256(b"203.0.113.7").hexdigest()[:32]


def test_a_schema_from_a_newer_policybench_is_refused(store: Store, store_url: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO policybench_schema (version, description, applied_at) "
                "VALUES (99, 'future', CURRENT_TIMESTAMP)"
            )
        )
    with pytest.raises(SchemaTooNewError, match=r"schema version 99.*upgrade policybench"):
        open_store(store_url)


# -- read-only, full, unreachable ---------------------------------------------------------------


def _ro_url(path: Path) -> str:
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def test_read_only_sqlite_reads_and_refuses_writes_clearly(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    with open_store(str(path)) as rw:
        rw.profiles.save("p", W, author="ana")
    with open_store(_ro_url(path)) as ro:
        assert ro.read_only
        assert ro.profiles.get("p").weights == W
        assert ro.profiles.names() == ["p"]
        with pytest.raises(
            ReadOnlyStoreError, match=r"could not save.*read-only.*nothing was changed"
        ):
            ro.profiles.save("p", {**W, "backlash": 9.0})
        with pytest.raises(ReadOnlyStoreError):
            ro.profiles.rename("p", "q")
        with pytest.raises(ReadOnlyStoreError):
            ro.workshops.create(
                "w", options=["a", "b"], criteria=["c", "d"], passphrase="long enough"
            )
    with open_store(str(path)) as rw:  # nothing lost, nothing half-written
        assert [h.version for h in rw.profiles.history("p")] == [1]
        assert rw.profiles.get("p").weights == W


def test_read_only_sqlite_while_a_writer_has_it_open(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with open_store(str(path)) as rw:
        rw.profiles.save("p", W)
        with open_store(_ro_url(path)) as ro:
            rw.profiles.save("p", {**W, "backlash": 5.0})
            assert ro.profiles.get("p").version == 2
            with pytest.raises(ReadOnlyStoreError):
                ro.profiles.delete("p")


def test_an_empty_read_only_store_cannot_be_created(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    with pytest.raises(ReadOnlyStoreError, match="read-only and its schema needs creating"):
        open_store(_ro_url(path))


def test_a_full_disk_is_a_clear_error_and_keeps_what_was_saved(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    with open_store(str(path)) as store:
        store.profiles.save("p", W, description="first")
        with store.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        store.engine.dispose()

        @sa.event.listens_for(store.engine, "connect")
        def _cap(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

        big = "x" * 1900
        with pytest.raises(StoreFullError, match=r"full.*nothing was written") as info:
            for i in range(200):
                store.profiles.save(f"filler-{i}", W, description=big)
        assert isinstance(info.value, PolicybenchError)
        survivors = store.profiles.names()
    with open_store(str(path)) as store:
        assert store.profiles.get("p").description == "first"
        assert store.profiles.names() == survivors
        for name in survivors:  # every one whole: a version for each profile row
            assert store.profiles.get(name).version == 1


@pytest.mark.postgres
def test_an_unreachable_postgres_is_a_clear_try_again(pg) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    with pytest.raises(
        StoreUnavailableError, match="could not open the store, try again: cannot reach"
    ) as info:
        open_store(f"postgresql+psycopg://ana:hunter2@127.0.0.1:{port}/nowhere")
    assert "hunter2" not in str(info.value)


@pytest.mark.postgres
def test_postgres_going_away_mid_session_says_could_not_save_try_again(pg) -> None:  # type: ignore[no-untyped-def]
    name = pg.create_database()
    with open_store(pg.url(name)) as store:
        store.profiles.save("p", W)
        pg.admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        pg.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        try:
            with pytest.raises(StoreUnavailableError, match="could not save, try again"):
                store.profiles.save("p", {**W, "backlash": 7.0})
        finally:
            pg.admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        assert store.profiles.save("p", {**W, "backlash": 7.0}).version == 2  # back: works again
        assert [h.version for h in store.profiles.history("p")] == [1, 2]


@pytest.mark.postgres
def test_postgres_read_only_transactions_are_refused_clearly(pg) -> None:  # type: ignore[no-untyped-def]
    name = pg.create_database()
    with open_store(pg.url(name)) as store:
        store.profiles.save("p", W)
    pg.admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    with open_store(pg.url(name)) as store:
        assert store.profiles.get("p").weights == W
        with pytest.raises(ReadOnlyStoreError, match="only accepts reads"):
            store.profiles.save("p", W)


def test_an_in_memory_store_works_across_threads() -> None:
    """``sqlite://`` (for tests and demos): one database shared by every thread, taken in turn."""
    import threading

    with open_store("sqlite://") as store:
        store.profiles.save("p", W)
        errors: list[BaseException] = []

        def save(i: int) -> None:
            try:
                store.profiles.save("p", {**W, "backlash": float(i)})
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert [h.version for h in store.profiles.history("p")] == list(range(1, 10))
