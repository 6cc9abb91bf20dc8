"""Fault-test fixtures: a PostgreSQL that can be stopped and started, and the ``slow`` rule.

Tests marked ``slow`` (a server killed and restarted, a real browser) are skipped unless
``POLICYBENCH_SLOW=1`` is set; ``make bench-load`` sets it and runs ``tests/faults``. The quick
ones run in ``make test``. A PostgreSQL that cannot start skips the PostgreSQL tests with the
reason on a user's machine and fails them under CI=true (as tests/store/conftest.py does).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TINY_OPTIONS = ROOT / "tests" / "fixtures" / "catalog"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
RUN_SLOW = os.environ.get("POLICYBENCH_SLOW", "").lower() in {"1", "true", "yes"}


def load_by_path(name: str, path: Path) -> ModuleType:
    """Import a helper module by its path (tests/ is not a package under importlib mode)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


pgserver = load_by_path("pb_faults_pgserver", HERE / "pgserver.py")


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when ``condition`` is false, or fail under CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _slow_only_when_asked(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("slow") and not RUN_SLOW:
        pytest.skip("slow fault test: runs under `make bench-load` (or POLICYBENCH_SLOW=1)")


@pytest.fixture(scope="module")
def pg_cluster() -> Iterator[Any]:
    """A PostgreSQL for this test module, running; a test may stop it (and must start it
    again: the fixture checks it is up before each use)."""
    try:
        server = pgserver.PgServer(max_connections=100)
    except pgserver.PgUnavailable as exc:
        require(False, str(exc))
        raise
    try:
        server.start()
    except pgserver.PgUnavailable as exc:
        server.close()
        require(False, str(exc))
        raise
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(autouse=True)
def fast_argon2(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id, but cheap (1 MiB, one pass): the faults are not about hashing."""
    from argon2 import PasswordHasher, Type

    from policybench.store import workshops

    monkeypatch.setattr(
        workshops,
        "_hasher",
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID),
    )


@pytest.fixture
def tiny_options_dir() -> Path:
    return TINY_OPTIONS


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's launch arguments, pointed at Debian's chromium (as tests/browser)."""
    require(CHROMIUM.exists(), f"{CHROMIUM} not found (apt-get install chromium)")
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
    return {"viewport": {"width": 1400, "height": 1000}, "locale": "en-GB"}
