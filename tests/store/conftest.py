"""Store fixtures: every store test runs on SQLite and on a real PostgreSQL 15.

The session starts its own PostgreSQL: ``initdb`` into a temporary folder (as the
``postgres`` user when the tests run as root, since PostgreSQL refuses to run as root),
listening on 127.0.0.1 on a free high port with its socket under /tmp and ``fsync=off``, and
stops it at the end. Each test gets a fresh database on it. If PostgreSQL cannot start, the
PostgreSQL half of each test skips with the reason on a user's machine and fails under
CI=true, where it must run.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from policybench.store import Store, open_store

TINY_OPTIONS = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when ``condition`` is false, or fail under CI (as tests/conftest.py)."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def _pg_bindir() -> Path | None:
    candidates = [os.environ.get("POLICYBENCH_PG_BINDIR", ""), "/usr/lib/postgresql/15/bin"]
    candidates += sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")), reverse=True)
    for c in candidates:
        if c and (Path(c) / "initdb").is_file():
            return Path(c)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    port: int
    user: str
    error: str | None = None
    _counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = f"pb_test_{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(sql)


def _start_postgres(tmp: Path) -> tuple[PgServer | None, Callable[[], None], str | None]:
    bindir = _pg_bindir()
    if bindir is None:
        return (
            None,
            lambda: None,
            "PostgreSQL's initdb was not found (apt-get install postgresql-15)",
        )
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    user = "postgres"
    if as_root:
        if shutil.which("runuser") is None:
            return (
                None,
                lambda: None,
                "running as root without runuser: cannot start PostgreSQL as a non-root user",
            )
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError:
            return (
                None,
                lambda: None,
                "running as root and there is no 'postgres' user to run PostgreSQL as",
            )
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    else:
        import getpass

        user = getpass.getuser()
    data, sock, log = tmp / "data", tmp / "sock", tmp / "postgres.log"
    for d in (sock,):
        d.mkdir()
        if as_root:
            os.chown(d, pw.pw_uid, pw.pw_gid)
    os.chmod(tmp, 0o700)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    try:
        subprocess.run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                user,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={sock} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            [
                *prefix,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "start",
            ],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", "") or ""
        if log.exists():
            detail += log.read_text(errors="replace")[-2000:]
        return None, lambda: None, f"PostgreSQL did not start: {exc}; {detail.strip()[-1500:]}"

    def stop() -> None:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            env=env,
            timeout=60,
            check=False,
        )

    server = PgServer(port=port, user=user)
    deadline = time.monotonic() + 30
    while True:
        try:
            server.admin("SELECT 1")
            break
        except Exception as exc:
            if time.monotonic() > deadline:
                stop()
                return None, lambda: None, f"PostgreSQL started but does not answer: {exc}"
            time.sleep(0.1)
    return server, stop, None


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | str]:
    """The session's PostgreSQL, or the reason it could not start."""
    tmp = Path(tempfile.mkdtemp(prefix="pb-pg-", dir="/tmp"))
    server, stop, error = _start_postgres(tmp)
    try:
        yield server if server is not None else (error or "PostgreSQL did not start")
    finally:
        stop()
        shutil.rmtree(tmp, ignore_errors=True)


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
