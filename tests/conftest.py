"""Shared fixtures: paths to the shipped catalog, the tiny test catalog and the source texts.

Tests that need something outside the project (the source texts, chromium, PostgreSQL) skip
with a reason on a user's machine, and fail under CI=true, where it must be present.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from support import gitrepo
from support.ci import require

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_OPTIONS = ROOT / "options"
TINY_OPTIONS = Path(__file__).resolve().parent / "fixtures" / "catalog"
# POLICYBENCH_TEST_SEEDS: where `make mutation` says the texts are, since mutmut runs the tests
# from a copy of the tree (mutants/) that has no ../shared beside it.
SEEDS = Path(os.environ.get("POLICYBENCH_TEST_SEEDS") or ROOT.parent / "shared" / "seeds")
# Hypothesis' default 200 ms deadline is a timed assertion on a shared machine: bound the
# work by sizes instead. `make test` and CI run the derandomised profile, so a property test
# is either green or red for a given commit, never red one run in twenty; no example database
# either, so a failure found on one machine does not replay forever on it. `make test-random`
# (HYPOTHESIS_PROFILE=random) explores with fresh seeds and more examples; turn what it finds
# into an explicit @example in the suite.
settings.register_profile(
    "policybench", deadline=None, max_examples=60, derandomize=True, database=None
)
settings.register_profile("random", deadline=None, max_examples=400)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "policybench"))


@pytest.fixture
def seeds_dir() -> Path:
    require(
        SEEDS.is_dir(), f"source texts not found at {SEEDS} (../shared/seeds beside the checkout)"
    )
    return SEEDS


@pytest.fixture
def tiny_options() -> Path:
    return TINY_OPTIONS


@pytest.fixture
def copy_catalog(tmp_path: Path) -> Callable[..., Path]:
    """Copy a catalog directory into tmp_path so a test can edit it."""

    def copy(src: Path = TINY_OPTIONS, name: str = "catalog") -> Path:
        dst = tmp_path / name
        shutil.copytree(src, dst)
        return dst

    return copy


@pytest.fixture
def packaged_catalog(copy_catalog: Callable[..., Path], tiny_options: Path) -> Path:
    """The tiny catalog with a package and a screen: two-plus-two a component of summits, and
    a default screen feasibility>=5 (which liaison, at 4, fails; reason "Test.")."""
    root = copy_catalog(tiny_options)
    path = root / "policies" / "two-plus-two.yaml"
    path.write_text(path.read_text().replace("group: ", "part_of: summits\ngroup: ", 1))
    crit = root / "criteria.yaml"
    crit.write_text(
        crit.read_text()
        + "default_screen:\n  - criterion: feasibility\n    at_least: 5\n    reason: Test.\n"
    )
    return root


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """``make_repo(src=options/, edit=None)``: a git repository holding a copy of ``src`` as
    ``options/``, committed (:func:`support.gitrepo.make_repo`); skips without git."""
    require(shutil.which("git") is not None, "git is not installed: the patch tests apply with it")

    def make(src: Path = SHIPPED_OPTIONS, edit: Callable[[Path], None] | None = None) -> Path:
        return gitrepo.make_repo(tmp_path, src, edit)

    return make
