"""Fault-test fixtures: a PostgreSQL that can be stopped and started, and the ``slow`` rule.

Tests marked ``slow`` (a server killed and restarted, a real browser) are skipped unless
``POLICYBENCH_SLOW=1`` is set; ``make bench-load`` sets it and runs ``tests/faults``. The quick
ones run in ``make test``. A PostgreSQL that cannot start skips the PostgreSQL tests with the
reason on a user's machine and fails them under CI=true (as tests/store/conftest.py does).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support import chromium
from support.ci import require
from support.pgserver import PgServer, PgUnavailable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TINY_OPTIONS = ROOT / "tests" / "fixtures" / "catalog"
RUN_SLOW = os.environ.get("POLICYBENCH_SLOW", "").lower() in {"1", "true", "yes"}


@pytest.fixture(autouse=True)
def _slow_only_when_asked(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("slow") and not RUN_SLOW:
        pytest.skip("slow fault test: runs under `make bench-load` (or POLICYBENCH_SLOW=1)")


@pytest.fixture(scope="module")
def pg_cluster() -> Iterator[PgServer]:
    """A PostgreSQL for this test module, running; a test may stop it (and must start it
    again: the fixture checks it is up before each use)."""
    try:
        server = PgServer(max_connections=100).start()
    except PgUnavailable as exc:
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


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's launch arguments, pointed at Debian's chromium (as tests/browser)."""
    require(chromium.CHROMIUM.exists(), f"{chromium.CHROMIUM} not found (apt-get install chromium)")
    return chromium.launch_args()


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": {"width": 1400, "height": 1000}, "locale": "en-GB"}
