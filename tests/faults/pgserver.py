"""A throwaway PostgreSQL for the fault tests and the load test: start, stop, start again.

``initdb`` into a temporary folder, run as the ``postgres`` user when we are root (PostgreSQL
refuses to run as root), listening only on 127.0.0.1 on a free high port, socket under /tmp,
``fsync=off``. Unlike tests/store/conftest.py's session server (which it mirrors; conftest
modules are not importable under ``--import-mode=importlib``), this one can be stopped and
started again on the same data and port, which is what "PostgreSQL goes away during a save"
needs. benchmarks/load/run.py imports this file by path.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def bindir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are, or None."""
    candidates = [os.environ.get("POLICYBENCH_PG_BINDIR", ""), "/usr/lib/postgresql/15/bin"]
    candidates += sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")), reverse=True)
    for c in candidates:
        if c and (Path(c) / "initdb").is_file():
            return Path(c)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgUnavailable(RuntimeError):
    """PostgreSQL cannot be started here (the message says why)."""


class PgServer:
    """One PostgreSQL cluster in a temporary folder. ``start()`` / ``stop()`` / ``close()``."""

    def __init__(self, *, max_connections: int = 200) -> None:
        found = bindir()
        if found is None:
            raise PgUnavailable("PostgreSQL's initdb was not found (apt-get install postgresql)")
        self.bin = found
        self.max_connections = max_connections
        self.as_root = os.geteuid() == 0
        self.prefix: list[str] = []
        self.user = getpass.getuser()
        uid = gid = -1
        if self.as_root:
            if shutil.which("runuser") is None:
                raise PgUnavailable("running as root without runuser: cannot start PostgreSQL")
            import pwd

            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise PgUnavailable("running as root and there is no 'postgres' user") from None
            uid, gid = pw.pw_uid, pw.pw_gid
            self.prefix = ["runuser", "-u", "postgres", "--"]
            self.user = "postgres"
        self.tmp = Path(tempfile.mkdtemp(prefix="pb-pgf-", dir="/tmp"))
        self.data = self.tmp / "data"
        self.sock = self.tmp / "sock"
        self.log = self.tmp / "postgres.log"
        self.sock.mkdir()
        if self.as_root:
            os.chown(self.tmp, uid, gid)
            os.chown(self.sock, uid, gid)
        os.chmod(self.tmp, 0o700)
        self.port = free_port()
        self.env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        self._run(
            "initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.running = False

    def _run(self, tool: str, *args: str, timeout: float = 120) -> None:
        try:
            subprocess.run(
                [*self.prefix, str(self.bin / tool), *args],
                check=True,
                capture_output=True,
                text=True,
                env=self.env,
                timeout=timeout,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            detail = getattr(exc, "stderr", "") or ""
            if self.log.exists():
                detail += self.log.read_text(errors="replace")[-1500:]
            raise PgUnavailable(f"{tool} failed: {exc}; {detail.strip()[-1500:]}") from None

    def start(self) -> PgServer:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self.sock} -c fsync=off -c synchronous_commit=off "
            f"-c full_page_writes=off -c max_connections={self.max_connections}"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "60",
            "start",
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                self.admin("SELECT 1")
                break
            except Exception as exc:
                if time.monotonic() > deadline:
                    raise PgUnavailable(f"PostgreSQL started but does not answer: {exc}") from None
                time.sleep(0.1)
        self.running = True
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: disconnect clients and shut down cleanly)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def close(self) -> None:
        if self.running:
            with contextlib.suppress(PgUnavailable):
                self.stop("immediate")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, database: str = "postgres") -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.user} dbname={database}",
            autocommit=True,
            connect_timeout=5,
        ) as conn:
            cur = conn.execute(sql)  # type: ignore[arg-type]
            return list(cur.fetchall()) if cur.description else []

    def create_database(self, name: str) -> str:
        self.admin(f'CREATE DATABASE "{name}"')
        return self.url(name)
