"""A throwaway PostgreSQL server: for the store tests, the fault tests and the load test.

``initdb`` into a temporary folder under /tmp (as the ``postgres`` user when we are root:
PostgreSQL refuses to run as root), listening only on 127.0.0.1 on a free high port, its
socket in that folder, ``fsync=off``. It can be stopped and started again on the same data
and port, which is what "PostgreSQL goes away during a save" needs::

    with PgServer() as pg:                      # initdb + start; stop and delete at the end
        url = pg.url(pg.create_database())      # a fresh database, as a SQLAlchemy URL
        pg.stop("fast"); pg.start()             # an outage

Anything that goes wrong raises :class:`PgUnavailable`, whose message says what failed and
ends with the server's log. The binaries are looked for in ``$POLICYBENCH_PG_BINDIR``, then
``/usr/lib/postgresql/<version>/bin`` (15 first, then the newest), then ``$PATH``.
"""

from __future__ import annotations

import contextlib
import getpass
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .ports import free_port

READY_TIMEOUT = 30.0


class PgUnavailable(RuntimeError):
    """PostgreSQL cannot be started (or restarted) here; the message says why."""


def bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None."""
    candidates = [os.environ.get("POLICYBENCH_PG_BINDIR", ""), "/usr/lib/postgresql/15/bin"]
    candidates += sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")), reverse=True)
    for c in candidates:
        if c and (Path(c) / "initdb").is_file():
            return Path(c)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PgServer:
    """One PostgreSQL cluster in a temporary folder.

    Making one only checks that PostgreSQL can run here (raising :class:`PgUnavailable` if
    not) and picks the port; :meth:`start` creates the cluster the first time and starts it,
    :meth:`stop` stops it (the data stays), :meth:`close` stops it and deletes the folder.
    As a context manager it starts on entry and closes on exit.
    """

    def __init__(self, *, max_connections: int = 200) -> None:
        found = bindir()
        if found is None:
            raise PgUnavailable("PostgreSQL's initdb was not found (apt-get install postgresql)")
        self.bin = found
        self.max_connections = max_connections
        self.prefix: list[str] = []
        self.user = getpass.getuser()
        self._owner: tuple[int, int] | None = None
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                raise PgUnavailable(
                    "running as root without runuser: cannot start PostgreSQL as a non-root user"
                )
            import pwd

            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise PgUnavailable(
                    "running as root and there is no 'postgres' user to run PostgreSQL as"
                ) from None
            self._owner = (pw.pw_uid, pw.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
            self.user = "postgres"
        self.port = free_port()
        self.tmp: Path | None = None
        self.running = False
        self.env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        self._names = itertools.count(1)

    # -- where things are (valid once started) ---------------------------------------------------
    @property
    def data(self) -> Path:
        """The cluster's data folder (``postmaster.pid`` in it names the server's pid)."""
        return self._folder() / "data"

    @property
    def log(self) -> Path:
        return self._folder() / "postgres.log"

    def _folder(self) -> Path:
        if self.tmp is None:
            raise PgUnavailable("the PostgreSQL server has not been started")
        return self.tmp

    def log_tail(self, chars: int = 1500) -> str:
        """The end of the server's log ('' before it has one)."""
        if self.tmp is None or not self.log.exists():
            return ""
        return self.log.read_text(errors="replace")[-chars:].strip()

    # -- life cycle --------------------------------------------------------------------------
    def _init(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="pb-pg-", dir="/tmp"))
        sock = self.tmp / "sock"
        sock.mkdir()
        if self._owner is not None:
            os.chown(self.tmp, *self._owner)
            os.chown(sock, *self._owner)
        os.chmod(self.tmp, 0o700)
        self._run(
            "initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

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
            if isinstance(exc, subprocess.CalledProcessError):
                why = f"exit status {exc.returncode}"
            elif isinstance(exc, subprocess.TimeoutExpired):
                why = f"no result in {timeout:g} s"
            else:
                why = str(exc)
            stderr = getattr(exc, "stderr", "") or ""
            if isinstance(stderr, bytes):
                stderr = stderr.decode(errors="replace")
            last = stderr.strip().splitlines()[-1:] or [""]
            detail = "\n".join(x for x in (stderr.strip(), self.log_tail()) if x)
            raise PgUnavailable(
                f"PostgreSQL's {tool} failed ({why}){': ' + last[0] if last[0] else ''}"
                + (f"\n{detail[-3000:]}" if detail else "")
            ) from None

    def start(self) -> PgServer:
        """Start the server (creating the cluster the first time) and wait until it answers.

        If the first start fails, nothing is left behind (the folder is deleted); a later one
        (a restart) leaves the data as it is.
        """
        first = self.tmp is None
        try:
            return self._start()
        except BaseException:
            if first:
                self.close()
            raise

    def _start(self) -> PgServer:
        if self.tmp is None:
            self._init()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self._folder() / 'sock'} -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off "
            f"-c max_connections={self.max_connections}"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "60",
            "start",
        )  # fmt: skip
        self.running = True
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                self.admin("SELECT 1")
                return self
            except Exception as exc:
                if time.monotonic() > deadline:
                    raise PgUnavailable(
                        f"PostgreSQL started on port {self.port} but does not answer after "
                        f"{READY_TIMEOUT:g} s: {exc}\n{self.log_tail()}"
                    ) from None
                time.sleep(0.1)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` disconnects clients and shuts down cleanly,
        ``immediate`` aborts as a crash would."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def close(self) -> None:
        """Stop the server if it runs and delete its folder. Never raises."""
        if self.running:
            with contextlib.suppress(PgUnavailable):
                self.stop("immediate")
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- using it ----------------------------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL for ``database`` on this server."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, database: str = "postgres") -> list[tuple[object, ...]]:
        """Run one statement as the superuser (autocommit); its rows, if it returns any."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.user} dbname={database}",
            autocommit=True,
            connect_timeout=5,
        ) as conn:
            cur = conn.execute(sql)  # type: ignore[arg-type]
            return list(cur.fetchall()) if cur.description else []

    def create_database(self, name: str | None = None) -> str:
        """Create a database (``name``, or a new ``pb_test_<pid>_<n>``) and return its name."""
        name = name or f"pb_test_{os.getpid()}_{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}"')
        return name
