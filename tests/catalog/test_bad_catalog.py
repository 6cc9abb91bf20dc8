"""Every kind of catalog mistake gets its own fixture in tests/bad_catalog/, and the loader
must report exactly the expected ``path:line: message`` lines, all in one pass."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from policybench.catalog import load
from policybench.errors import CatalogError

BAD = Path(__file__).resolve().parents[1] / "bad_catalog"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())


def build(case: str, tiny_options: Path, tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(tiny_options, root)
    case_dir = BAD / case
    for f in case_dir.rglob("*"):
        if f.is_file() and f.name not in {"expected.txt", "DELETE"}:
            dst = root / f.relative_to(case_dir)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dst)
    if (case_dir / "DELETE").exists():
        for rel in (case_dir / "DELETE").read_text().split():
            (root / rel).unlink()
    return root


def test_there_is_a_case_for_each_kind_of_mistake() -> None:
    assert len(CASES) >= 20
    assert "several" in CASES


@pytest.mark.parametrize("case", CASES)
def test_bad_catalog_reports_each_problem_with_file_and_line(
    case: str, tiny_options: Path, tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build(case, tiny_options, tmp_path)
    monkeypatch.chdir(root)  # problems are reported relative to the working directory
    with pytest.raises(CatalogError) as info:
        load(".", seeds_dir)
    got = info.value.problems
    expected = (BAD / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert len(got) == len(expected), "\n".join(got)
    for want, line in zip(expected, got, strict=True):
        assert line.startswith(want), f"expected {want!r}, got {line!r}"


def test_the_fixture_catalog_itself_is_valid(tiny_options: Path, seeds_dir: Path) -> None:
    cat = load(tiny_options, seeds_dir)
    assert cat.option_ids[0] == "status-quo"  # the baseline comes first
    assert len(cat.options) == 4


def test_problems_are_relative_to_the_working_directory(tiny_options: Path, tmp_path: Path) -> None:
    root = build("unknown-key", tiny_options, tmp_path)
    with pytest.raises(CatalogError) as info:
        load(root)
    (line,) = info.value.problems
    assert line.split(":")[0] == os.path.relpath(root / "policies" / "summits.yaml")
