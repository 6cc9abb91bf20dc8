"""``policybench validate`` and ``policybench catalog`` (src/policybench/cli/catalog.py): exit
codes, stderr lines, and the JSON schema of DESIGN.md's contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policybench.cli import app

runner = CliRunner()


def test_validate_ok(tiny_options: Path, seeds_dir: Path) -> None:
    result = runner.invoke(
        app, ["validate", "--options", str(tiny_options), "--sources", str(seeds_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "ok: 4 options, 3 criteria" in result.stdout
    assert "every quote" in result.stdout


def test_validate_broken_catalog_exits_1_with_every_problem(
    copy_catalog, tiny_options: Path
) -> None:
    root = copy_catalog(tiny_options)
    summits = root / "policies" / "summits.yaml"
    summits.write_text(
        summits.read_text()
        .replace("group: dialogue", "group: dialog")
        .replace("  deterrence:", "  deterence:")
    )
    result = runner.invoke(app, ["validate", "--options", str(root)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert all(
        line.split(":")[0].endswith("summits.yaml") and line.split(":")[1].isdigit()
        for line in lines
    )
    assert "Traceback" not in result.stderr


def test_validate_as_a_real_process_prints_no_traceback(copy_catalog, tiny_options: Path) -> None:
    root = copy_catalog(tiny_options)
    (root / "criteria.yaml").write_text("criteria: [\n")
    proc = subprocess.run(
        [sys.executable, "-m", "policybench.cli", "validate", "--options", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "criteria.yaml:" in proc.stderr and "YAML syntax error" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_catalog_json_follows_the_contract(tiny_options: Path) -> None:
    result = runner.invoke(app, ["catalog", "--json", "--options", str(tiny_options)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"criteria", "sources", "options", "presets", "fingerprint"} <= set(data)
    crit = data["criteria"][0]
    assert {
        "id",
        "name",
        "description",
        "direction",
        "cluster",
        "scale_min",
        "scale_max",
        "levels",
        "quotes",
    } <= set(crit)
    assert crit["scale_min"] == 0 and crit["scale_max"] == 10
    assert {"0", "5", "10"} <= set(crit["levels"])
    src = data["sources"][0]
    assert {"id", "file", "authors", "title", "year", "publisher"} <= set(src)
    assert isinstance(src["authors"], list)
    opt = next(o for o in data["options"] if o["id"] == "liaison")
    assert {"id", "title", "group", "summary", "baseline", "sources", "quotes", "scores"} <= set(
        opt
    )
    assert opt["baseline"] is False
    score = opt["scores"]["deterrence"]
    assert {"value", "low", "high", "rationale", "quotes"} <= set(score)
    assert (score["value"], score["low"], score["high"]) == (8, 7, 9)
    assert set(score["quotes"][0]) == {"source", "text", "stance"}
    assert score["quotes"][0]["stance"] in {"supports", "cautions", None}
    preset = data["presets"][0]
    assert {"id", "name", "weights", "quotes"} <= set(preset)
    assert len(data["fingerprint"]) == 64


def test_catalog_json_on_a_broken_catalog_prints_nothing_on_stdout(
    copy_catalog, tiny_options: Path
) -> None:
    root = copy_catalog(tiny_options)
    (root / "groups.yaml").unlink()
    result = runner.invoke(app, ["catalog", "--json", "--options", str(root)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "groups.yaml" in result.stderr


def test_catalog_listing_names_every_option_under_its_group(tiny_options: Path) -> None:
    result = runner.invoke(app, ["catalog", "--options", str(tiny_options)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Dialogue" in lines
    assert any(line.split()[0] == "summits" for line in lines if line.startswith("  "))


def test_options_default_comes_from_the_environment(
    tiny_options: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYBENCH_OPTIONS", str(tiny_options))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert "4 options" in result.stdout
