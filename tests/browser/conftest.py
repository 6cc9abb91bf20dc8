"""Browser tests: the app served by ``streamlit run`` on 127.0.0.1, driven by Playwright with
Debian's chromium (``/usr/bin/chromium``; Playwright's own browser download is not possible
here). Missing chromium or axe-core skips these tests on a user's machine and fails them under
CI=true, as tests/conftest.py's ``require`` does.

``--screenshots-to DIR`` (``make screenshots``) writes the page screenshots into DIR (e.g.
``docs``) instead of the git-ignored ``tests/artifacts``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from support import chromium
from support.appserver import AppServer
from support.ci import require
from support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
STARTUP_TIMEOUT = 60.0


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
    require(
        chromium.CHROMIUM.exists(),
        f"{chromium.CHROMIUM} not found (apt-get install chromium; `make test` does it as root)",
    )
    return chromium.launch_args()


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": {"width": 1600, "height": 1000}, "locale": "en-GB"}


class Server(AppServer):
    """``streamlit run`` on 127.0.0.1 and a free port, serving one catalog; launched as soon as
    it is made (:meth:`wait_healthy` waits for it). The restart test in
    test_workshop_browser.py makes one with ``type(server)(options, log)`` and fixes its port
    by patching this module's ``free_port``."""

    def __init__(self, options: Path, log: Path) -> None:
        super().__init__(options, log, port=free_port(), startup_timeout=STARTUP_TIMEOUT)
        self.launch()


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
    require(
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
