"""Store fixtures: every store test runs on SQLite and on a real PostgreSQL 15.

The session starts its own PostgreSQL: ``initdb`` into a temporary folder (as the
``postgres`` user when the tests run as root, since PostgreSQL refuses to run as root),
listening on 127.0.0.1 on a free high port with its socket under /tmp and ``fsync=off``, and
stops it at the end. Each test gets a fresh database on it. If PostgreSQL cannot start, the
PostgreSQL half of each test skips with the reason on a user's machine and fails under
CI=true, where it must run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from policybench.store import Store, open_store
from support.ci import require
from support.pgserver import PgServer, PgUnavailable

TINY_OPTIONS = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | str]:
    """The session's PostgreSQL, or the reason it could not start."""
    try:
        server = PgServer().start()
    except PgUnavailable as exc:
        yield str(exc)
        return
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def pg(pg_server: PgServer | str) -> PgServer:
    require(isinstance(pg_server, PgServer), str(pg_server))
    assert isinstance(pg_server, PgServer)
    return pg_server


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A URL for an empty store on the test's backend (a fresh file or database)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server: PgServer = request.getfixturevalue("pg")
    return server.url(server.create_database())


@pytest.fixture
def make_store(store_url: str) -> Iterator[Callable[..., Store]]:
    """Open (and at teardown close) stores on the test's URL; several opens share one database."""
    opened: list[Store] = []

    def make(url: str | None = None, **kwargs: object) -> Store:
        s = open_store(url or store_url, **kwargs)  # type: ignore[arg-type]
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


@pytest.fixture
def store(make_store: Callable[..., Store]) -> Store:
    return make_store()


@pytest.fixture(autouse=True)
def fast_argon2(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id, but with 1 MiB and one pass, so a test does not spend 0.25 s a hash.

    A test that asks for the ``real_hasher`` fixture keeps the production parameters.
    """
    if "real_hasher" in request.fixturenames:
        return
    from argon2 import PasswordHasher, Type

    from policybench.store import workshops

    monkeypatch.setattr(
        workshops,
        "_hasher",
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID),
    )


@pytest.fixture
def real_hasher() -> None:
    """Marks a test that runs with the production argon2id parameters."""


@pytest.fixture(scope="session")
def tiny_catalog():  # type: ignore[no-untyped-def]
    from policybench import catalog

    return catalog.load(TINY_OPTIONS)


@pytest.fixture
def tiny_options_dir() -> Path:
    return TINY_OPTIONS


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    """A store on a SQLite file, and the file's path (for tests that damage or lock it)."""
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}")
    try:
        yield store, path
    finally:
        store.close()
