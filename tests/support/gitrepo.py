"""A throwaway git repository holding a copy of a catalog, and ``git apply`` on it: how the
catalog patch is checked (tests/export/test_patch.py, and ``policybench export --format
patch`` in tests/cli). Tests get :func:`make_repo` through the ``make_repo`` fixture of
tests/conftest.py, which skips (or fails under CI) when git is missing.

git runs isolated from the user's and the system's configuration: a committer, no signing, no
CRLF conversion (a test needs the bytes as written).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

GIT_CONFIG = (
    "user.name=test",
    "user.email=test@example.org",
    "core.autocrlf=false",
    "commit.gpgsign=false",
)


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """git in ``repo``, isolated from the user's configuration."""
    options = [part for setting in GIT_CONFIG for part in ("-c", setting)]
    return subprocess.run(
        ["git", *options, *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"},
    )


def make_repo(root: Path, src: Path, edit: Callable[[Path], None] | None = None) -> Path:
    """A git repository at ``root/repo`` holding a copy of ``src`` as ``options/`` (``edit``
    changes it first), committed; returns the repository's root."""
    repo = root / "repo"
    shutil.copytree(src, repo / "options")
    if edit is not None:
        edit(repo / "options")
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "catalog")):
        done = git(repo, *args)
        assert done.returncode == 0, done.stderr
    return repo


def apply(repo: Path, patch: str) -> None:
    """``git apply --check`` then ``git apply`` of ``patch`` at the repository's root."""
    (repo.parent / "room.patch").write_text(patch, encoding="utf-8")
    for args in (("apply", "--check", "../room.patch"), ("apply", "../room.patch")):
        done = git(repo, *args)
        assert done.returncode == 0, done.stderr
