"""The mutation report (`make mutation-report`): scores per module, timeouts counted as not
killed, and known equivalent mutants recognised by their change, not by mutmut's number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support import mutation_report as report

F = "pkg.mod.xǁThingǁrun"
DIFFS = {
    # the equivalent change, as mutmut renders it (a dropped argument leaves ", )")
    f"{F}__mutmut_7": (
        "--- mutants/src/pkg/mod.py\n+++ mutants/src/pkg/mod.py\n@@ -1,3 +1,3 @@\n"
        " def run(self):\n-    return close(name, cutoff=0.6)\n+    return close(name, )\n"
    ),
    # a timeout counts as not killed, and is listed with the open survivors
    f"{F}__mutmut_8": "--- a\n+++ b\n-    while i < n:\n+    while i <= n:\n",
    # the same function, another change: open
    f"{F}__mutmut_9": (
        "--- a\n+++ b\n@@ -1,3 +1,3 @@\n def run(self):\n-    return close(name, cutoff=0.6)\n"
        "+    return close(name, cutoff=1.6)\n"
    ),
}


def _meta(root: Path, module: str, codes: dict[str, int | None]) -> None:
    path = root / "src" / Path(*module.split(".")).with_suffix(".py.meta")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")


@pytest.fixture
def found(tmp_path: Path) -> dict[str, dict[str, str]]:
    _meta(
        tmp_path,
        "pkg.mod",
        {f"{F}__mutmut_{i}": 1 for i in range(1, 7)}
        | {f"{F}__mutmut_7": 0, f"{F}__mutmut_8": 36, f"{F}__mutmut_9": 0, f"{F}__mutmut_10": None},
    )
    _meta(tmp_path, "pkg.other", {"pkg.other.x_f__mutmut_1": 5, "pkg.other.x_f__mutmut_2": 1})
    return report.results(tmp_path)


def _equivalents(tmp_path: Path, text: str) -> list[report.Equivalent]:
    path = tmp_path / "eq.yaml"
    path.write_text(text, encoding="utf-8")
    return report.load_equivalents(path)


def test_an_equivalent_is_matched_by_its_change_and_scored_apart(
    found: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    known = _equivalents(
        tmp_path,
        f"- function: {F}\n  removed: 'return close(name,   cutoff=0.6)'\n"
        "  added: 'return close(name, )'\n  why: cutoff=0.6 is the default\n",
    )
    same = report.classify(found, known, DIFFS.__getitem__)
    assert list(same) == [f"{F}__mutmut_7"]
    lines = report.table(found, same)
    # 9 run (one not run), 6 killed, 2 survived (one equivalent), 1 timeout: 6/9 and 6/8
    assert lines[2] == "| pkg.mod | 10 | 9 | 6 | 2 | 1 | 1 | 0 | 66.7% | 75.0% |"
    assert lines[3] == "| pkg.other | 2 | 1 | 1 | 0 | 0 | 0 | 1 | 100.0% | 100.0% |"
    listed = report.survivors(found, same, DIFFS.__getitem__)
    assert listed[:2] == [
        f"timeout: {F}__mutmut_8\n  - while i < n:\n  + while i <= n:",
        f"survived: {F}__mutmut_9\n  - return close(name, cutoff=0.6)\n"
        "  + return close(name, cutoff=1.6)",
    ]
    assert listed[2] == f"equivalent: {F}__mutmut_7: cutoff=0.6 is the default"


def test_an_entry_for_another_change_or_function_matches_nothing(
    found: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    known = _equivalents(
        tmp_path,
        f"- function: {F}\n  removed: 'return close(name, cutoff=0.6)'\n"
        "  added: 'return close(name, cutoff=0.7)'\n  why: a different change\n"
        f"- function: {F}x\n  removed: 'return close(name, cutoff=0.6)'\n"
        "  added: 'return close(name, )'\n  why: another function\n",
    )
    assert report.classify(found, known, DIFFS.__getitem__) == {}
    assert report.table(found)[2].endswith("| 66.7% | 66.7% |")


def test_a_malformed_entry_is_named_by_its_place(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"eq.yaml: entry 2 needs the text fields function, "):
        _equivalents(
            tmp_path,
            f"- {{function: {F}, removed: a, added: b, why: c}}\n- {{function: {F}, why: c}}\n",
        )


def test_the_shipped_equivalents_file_is_well_formed() -> None:
    known = report.load_equivalents()
    assert known, "docs/mutation-equivalents.yaml lists the equivalent survivors"
    assert all(e.function.startswith("policybench.") and e.why for e in known)
    assert len({(e.function, e.removed, e.added) for e in known}) == len(known)
