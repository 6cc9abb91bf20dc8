"""``policybench serve`` (src/policybench/cli/serve.py): Streamlit gets its options in this
process, after the BLAS thread limit, and a broken catalog stops it before it starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policybench.cli import app

runner = CliRunner()


def test_serve_hands_streamlit_its_options_in_this_process(
    tiny_options: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policybench.ui import launch

    seen: list[list[str]] = []
    order: list[str] = []
    monkeypatch.setattr(launch, "limit_blas_threads", lambda: order.append("blas"))
    monkeypatch.setattr(launch, "main", lambda argv: (order.append("main"), seen.append(argv)))
    monkeypatch.setenv("POLICYBENCH_OPTIONS", "")
    result = runner.invoke(app, ["serve", "--port", "8765", "--options", str(tiny_options)])
    assert result.exit_code == 0, result.output
    assert order == ["blas", "main"]
    assert "serving on http://127.0.0.1:8765" in result.output
    (argv,) = seen
    flags = dict(zip(argv[::2], argv[1::2], strict=True))
    assert flags["--server.port"] == "8765" and flags["--server.address"] == "127.0.0.1"
    assert flags["--runner.postScriptGC"] == "false" and flags["--runner.magicEnabled"] == "false"
    import os

    assert os.environ["POLICYBENCH_OPTIONS"] == str(tiny_options.resolve())


def test_serve_refuses_a_broken_catalog_before_starting(
    copy_catalog, tiny_options: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policybench.ui import launch

    broken = copy_catalog(tiny_options)
    (broken / "criteria.yaml").write_text("criteria: [\n")
    started: list[list[str]] = []
    monkeypatch.setattr(launch, "limit_blas_threads", lambda: None)
    monkeypatch.setattr(launch, "main", started.append)
    result = runner.invoke(app, ["serve", "--options", str(broken)])
    assert result.exit_code == 1 and started == []
    assert "criteria.yaml" in result.output


def test_the_thread_limit_can_still_take_effect_when_serve_runs() -> None:
    """``serve`` runs the server in the command's own process, and numpy reads its BLAS thread
    setting once, when it loads: the command line must not have loaded it by then."""
    code = "import sys, policybench.cli; assert 'numpy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
