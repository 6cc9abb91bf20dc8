"""The app served on 127.0.0.1 and a free port, for the browser, fault and load tests and the
app benchmark::

    with AppServer(options_dir, log=tmp / "server.log") as app:   # started and healthy
        page.goto(app.url)

Two ways to start it (``via``):

- ``"streamlit"`` (default): ``python -m streamlit run src/policybench/ui/app.py`` with the
  project's flags (headless, no usage stats, no file watcher, viewer toolbar, light theme),
  the catalog in ``$POLICYBENCH_OPTIONS``;
- ``"serve"``: ``python -m policybench.cli serve --host 127.0.0.1 --port P [--options DIR]``,
  exactly as a user starts it. It execs Streamlit in place, so the process we hold is the
  server itself and :meth:`AppServer.kill` (SIGKILL) is a crash.

:meth:`AppServer.start` returns once ``/_stcore/health`` answers 200; a server that exits or
does not answer in time raises :class:`AppServerError` with the end of its log (stdout and
stderr both go to ``log``, appended to across restarts).
"""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from .ports import free_port

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "src" / "policybench" / "ui" / "app.py"
STARTUP_TIMEOUT = 90.0
STREAMLIT_FLAGS = [
    "--server.headless", "true",
    "--browser.gatherUsageStats", "false",
    "--server.fileWatcherType", "none",
    "--client.toolbarMode", "viewer",
    "--theme.base", "light",
]  # fmt: skip


class AppServerError(RuntimeError):
    """The app server did not start, or stopped answering; the message ends with its log."""


def log_tail(log: Path | None, chars: int = 3000) -> str:
    """The end of a log file ('' if there is none)."""
    if log is None or not log.exists():
        return ""
    return log.read_text(errors="replace")[-chars:].strip()


def wait_healthy(
    url: str,
    *,
    process: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
    timeout: float = STARTUP_TIMEOUT,
    interval: float = 0.1,
    context: ssl.SSLContext | None = None,
    what: str = "the app server",
) -> None:
    """Poll ``{url}/_stcore/health`` until it answers 200 (a Streamlit server, or a proxy in
    front of one). Raises :class:`AppServerError` if ``process`` exits first or ``timeout``
    seconds pass, with the end of ``log``."""
    deadline = time.monotonic() + timeout
    last: object = "no answer"
    while True:
        if process is not None and process.poll() is not None:
            raise AppServerError(
                f"{what} exited with {process.returncode} before answering {url}/_stcore/health"
                + _tail_note(log)
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2, context=context) as r:
                if r.status == 200:
                    return
                last = f"HTTP {r.status}"
        except OSError as exc:
            last = exc
        if time.monotonic() > deadline:
            raise AppServerError(
                f"{what} did not answer {url}/_stcore/health in {timeout:g} s ({last})"
                + _tail_note(log)
            )
        time.sleep(interval)


def _tail_note(log: Path | None) -> str:
    tail = log_tail(log)
    return f"; the end of {log}:\n{tail}" if tail else ""


class AppServer:
    """The app on 127.0.0.1: ``port``, ``url``, ``pid`` and ``process`` once launched.

    ``options``: the catalog folder (``None``: the app's default). ``db_url``: the store
    (``$POLICYBENCH_DATABASE_URL`` for the server; ``None``: whatever the environment says).
    ``env``: more environment for the server, on top of ``os.environ`` as it is at launch.
    ``port``: fixed (a restart keeps it anyway); default a free one.
    ``script``: what ``via="streamlit"`` runs (default the app; a benchmark runs a bare page).
    """

    def __init__(
        self,
        options: Path | None,
        log: Path,
        *,
        db_url: str | None = None,
        env: Mapping[str, str] | None = None,
        port: int | None = None,
        via: Literal["streamlit", "serve"] = "streamlit",
        script: Path = APP,
        startup_timeout: float = STARTUP_TIMEOUT,
        poll_interval: float = 0.1,
    ) -> None:
        self.options = options
        self.log = log
        self.db_url = db_url
        self.extra_env = dict(env or {})
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.via = via
        self.script = script
        self.startup_timeout = startup_timeout
        self.poll_interval = poll_interval
        self.process: subprocess.Popen[bytes] | None = None
        self.launched_at = 0.0

    @property
    def pid(self) -> int:
        if self.process is None:
            raise AppServerError("the app server has not been launched")
        return self.process.pid

    def command(self) -> list[str]:
        if self.via == "serve":
            extra = ["--options", str(self.options)] if self.options is not None else []
            return [sys.executable, "-m", "policybench.cli", "serve", "--host", "127.0.0.1",
                    "--port", str(self.port), *extra]  # fmt: skip
        return [sys.executable, "-m", "streamlit", "run", str(self.script), "--server.address",
                "127.0.0.1", "--server.port", str(self.port), *STREAMLIT_FLAGS]  # fmt: skip

    def launch(self) -> None:
        """Start the process and return at once (:meth:`wait_healthy` waits for it)."""
        if self.running:
            raise AppServerError(f"the app server on port {self.port} is already running")
        env = dict(os.environ)
        if self.options is not None and self.via == "streamlit":
            env["POLICYBENCH_OPTIONS"] = str(self.options)
        if self.db_url is not None:
            env["POLICYBENCH_DATABASE_URL"] = self.db_url
        env.update(self.extra_env)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:  # the child keeps its own copy of the descriptor
            self.launched_at = time.perf_counter()
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def wait_healthy(self) -> float:
        """Wait for ``/_stcore/health``; the seconds since :meth:`launch`. A server that does
        not answer in time is stopped before :class:`AppServerError` is raised."""
        assert self.process is not None, "launch() first"
        try:
            wait_healthy(
                self.url,
                process=self.process,
                log=self.log,
                timeout=self.startup_timeout,
                interval=self.poll_interval,
                what=f"the app server ({self.via}, port {self.port})",
            )
        except AppServerError:
            self.stop()
            raise
        return time.perf_counter() - self.launched_at

    def start(self) -> AppServer:
        """Launch the server (again, on the same port, after a kill or stop) and wait until it
        is healthy."""
        self.launch()
        self.wait_healthy()
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, as a crash or an out-of-memory kill."""
        if self.process is not None and self.running:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=15)

    def stop(self) -> None:
        """SIGTERM and wait (SIGKILL after 15 s). Safe to call twice."""
        if self.process is not None and self.running:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
