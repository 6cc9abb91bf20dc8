"""A profile's thresholds (format version 2): kept by the store, written to and read from the
file's ``require``, checked against the catalog, and applied by the commands that take a
profile (src/policybench/store/profile_io.py, src/policybench/cli/weights.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from policybench.cli import app
from policybench.store import ProfileFileError, Store
from policybench.store.profile_io import (
    FORMAT_VERSION,
    REQUIRE,
    export_document,
    import_profile,
    parse_document,
    split_require,
    write_document,
)

W = {"feasibility": 1.0, "deterrence": 3.0, "backlash": 2.0}
METHODS = ["wsm", "wpm", "topsis", "vikor", "promethee2"]


def test_thresholds_leave_the_params_for_the_files_require_and_come_back(
    store: Store, tiny_catalog: Any, tmp_path: Path
) -> None:
    saved = store.profiles.save(
        "hawk",
        W,
        method="vikor",
        params={"v": 0.5, REQUIRE: ["feasibility>=5", "backlash<=4"]},
        catalog_fingerprint=tiny_catalog.fingerprint,
    )
    doc = export_document(saved)
    assert doc["format_version"] == FORMAT_VERSION == 2
    assert doc["require"] == ["feasibility>=5", "backlash<=4"]
    assert doc["params"] == {"v": 0.5}  # the method's parameters alone
    path = tmp_path / "hawk.json"
    write_document(doc, path)
    again = import_profile(store.profiles, path.read_bytes(), tiny_catalog, methods=METHODS)
    assert again.version == 2
    assert split_require(again.params) == ({"v": 0.5}, ("feasibility>=5", "backlash<=4"))


def test_a_version_1_file_without_thresholds_still_imports(store: Store, tiny_catalog: Any) -> None:
    old = {
        "format": "policybench-profile",
        "format_version": 1,
        "name": "old",
        "weights": W,
        "catalog": {"fingerprint": tiny_catalog.fingerprint},
    }
    got = import_profile(store.profiles, json.dumps(old), tiny_catalog, methods=METHODS)
    assert got.params == {} and split_require(got.params) == ({}, ())


@pytest.mark.parametrize(
    ("require", "message"),
    [
        (["nothing>=1"], "unknown criterion 'nothing'"),
        (["feasibility>=11"], "off the catalog's 0–10 scale"),
    ],
)
def test_thresholds_that_do_not_fit_the_catalog_are_refused_and_nothing_is_written(
    store: Store, tiny_catalog: Any, require: list[str], message: str
) -> None:
    doc = {
        "format": "policybench-profile",
        "format_version": 2,
        "name": "bad",
        "weights": W,
        "require": require,
    }
    with pytest.raises(ProfileFileError, match=message) as err:
        import_profile(store.profiles, json.dumps(doc), tiny_catalog, methods=METHODS)
    assert "require:" in str(err.value) and "Nothing was imported" in str(err.value)
    assert store.profiles.list() == []


def test_a_forced_import_drops_thresholds_on_criteria_that_are_gone(
    store: Store, tiny_catalog: Any
) -> None:
    doc = {
        "format": "policybench-profile",
        "format_version": 2,
        "name": "older",
        "weights": {**W, "gone": 1.0},
        "require": ["gone>=2", "backlash<=6"],
        "catalog": {"fingerprint": "a" * 64},
    }
    got = import_profile(store.profiles, json.dumps(doc), tiny_catalog, force=True, methods=METHODS)
    assert split_require(got.params)[1] == ("backlash<=6",)


def test_the_schema_rejects_a_threshold_that_is_not_an_expression() -> None:
    doc = {
        "format": "policybench-profile",
        "format_version": 2,
        "name": "x",
        "weights": W,
        "require": ["<script>"],
    }
    with pytest.raises(ProfileFileError, match=r"require\[0\]"):
        parse_document(json.dumps(doc))


def test_rank_and_frontier_apply_a_profile_files_thresholds_with_require(
    tiny_options_dir: Path, tiny_catalog: Any, tmp_path: Path
) -> None:
    path = tmp_path / "screened.json"
    path.write_text(
        json.dumps(
            {
                "format": "policybench-profile",
                "format_version": 2,
                "name": "screened",
                "weights": W,
                "require": ["backlash<=5"],
                "catalog": {"fingerprint": tiny_catalog.fingerprint},
            }
        )
    )
    runner = CliRunner()
    common = ["--profile", str(path), "--all", "--options", str(tiny_options_dir)]
    ranked = runner.invoke(app, ["rank", "--format", "json", *common])
    assert ranked.exit_code == 0, ranked.output
    data = json.loads(ranked.stdout)
    assert data["screen"] == ["backlash<=5"]
    assert [s["option"] for s in data["screened_out"]] == ["liaison"]
    # --require adds to the profile's thresholds
    both = runner.invoke(app, ["rank", "--format", "json", "--require", "feasibility>=7", *common])
    data = json.loads(both.stdout)
    assert data["screen"] == ["backlash<=5", "feasibility>=7"]
    assert {r["option"] for r in data["ranking"]} == {"status-quo", "summits"}
    mapped = runner.invoke(
        app, ["frontier", "--x", "strategic", "--y", "risk", "--format", "json", *common]
    )
    assert mapped.exit_code == 0, mapped.output
    assert {r["option"] for r in json.loads(mapped.stdout)["options"]} == {
        "status-quo",
        "summits",
        "two-plus-two",
    }
