"""Browser tests: the app served by ``streamlit run`` on 127.0.0.1, driven by Playwright with
Debian's chromium (``/usr/bin/chromium``; Playwright's own browser download is not possible
here). Missing chromium or axe-core skips these tests on a user's machine and fails them under
CI=true, as tests/conftest.py's ``require`` does.

``--screenshots-to DIR`` (``make screenshots``) writes the page screenshots into DIR (e.g.
``docs``) instead of the git-ignored ``tests/artifacts``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "src" / "policybench" / "ui" / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
STARTUP_TIMEOUT = 60.0


def _require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when ``condition`` is false, or fail under CI (as tests/conftest.py)."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots-to",
        action="store",
        default=None,
        metavar="DIR",
        help="write the browser tests' page screenshots into DIR (e.g. docs) instead of tests/artifacts",
    )


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's launch arguments, pointed at Debian's chromium."""
    _require(
        CHROMIUM.exists(),
        f"{CHROMIUM} not found (apt-get install chromium; `make test` does it as root)",
    )
    return {
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": {"width": 1600, "height": 1000}, "locale": "en-GB"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``streamlit run`` on 127.0.0.1 and a free port, serving one catalog."""

    def __init__(self, options: Path, log: Path) -> None:
        self.options = options
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.started = time.perf_counter()
        env = {**os.environ, "POLICYBENCH_OPTIONS": str(options)}
        self._out = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(APP),
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                "--client.toolbarMode",
                "viewer",
                "--theme.base",
                "light",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self) -> float:
        """Poll ``/_stcore/health``; return seconds since the process started."""
        deadline = time.perf_counter() + STARTUP_TIMEOUT
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with {self.process.returncode}:\n{self.log.read_text()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(
            f"streamlit did not become healthy in {STARTUP_TIMEOUT} s:\n{self.log.read_text()}"
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._out.close()


@pytest.fixture(scope="session")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Path], Server]]:
    """``start_server(options_dir)``: a running, healthy server (stopped at the end)."""
    servers: list[Server] = []

    def start(options: Path) -> Server:
        log = tmp_path_factory.mktemp("streamlit") / "server.log"
        server = Server(options, log)
        servers.append(server)
        server.wait_healthy()
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def server(start_server: Callable[[Path], Server]) -> Server:
    """The app serving the shipped catalog."""
    return start_server(ROOT / "options")


@pytest.fixture(scope="session")
def shots_dir(pytestconfig: pytest.Config) -> Path:
    target = pytestconfig.getoption("--screenshots-to", default=None)
    out = (
        (ROOT / target)
        if target and not Path(target).is_absolute()
        else Path(target)
        if target
        else ARTIFACTS
    )
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="session")
def axe_script() -> Path:
    _require(
        AXE.is_file(), f"{AXE} not found (npm install axe-core; scripts/system-deps.sh does it)"
    )
    return AXE


@pytest.fixture(scope="session")
def copy_shipped(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    def copy() -> Path:
        dst = tmp_path_factory.mktemp("catalog") / "options"
        shutil.copytree(ROOT / "options", dst)
        return dst

    return copy
