"""``policybench serve --sources DIR`` (and ``$POLICYBENCH_SOURCES``), src/policybench/cli/serve.py:
the folder of source texts the app checks challenge quotes against is checked before the server
starts (it exists, and holds every source file the catalog cites, the missing ones named), then
handed to the app as ``$POLICYBENCH_SOURCES``; ``make run`` passes ``../shared/seeds`` when it
is there."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from policybench import catalog
from policybench.cli import app
from policybench.cli.serve import SOURCES_ENV

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The Streamlit runs ``serve`` would start (none is), with the variables it sets restored
    after the test."""
    from policybench.ui import launch

    runs: list[list[str]] = []
    monkeypatch.setattr(launch, "limit_blas_threads", lambda: None)
    monkeypatch.setattr(launch, "main", runs.append)
    for name in (SOURCES_ENV, "POLICYBENCH_OPTIONS"):
        monkeypatch.setenv(name, "")  # recorded, so the test's value is undone afterwards
        monkeypatch.delenv(name)
    return runs


@pytest.fixture
def texts(tmp_path: Path, tiny_options: Path, seeds_dir: Path) -> Path:
    """A folder with the tiny catalog's two source texts."""
    folder = tmp_path / "texts"
    folder.mkdir()
    for source in catalog.load(tiny_options).sources:
        shutil.copy(seeds_dir / source.file, folder / source.file)
    return folder


def serve(tiny_options: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, ["serve", "--options", str(tiny_options), *args], env=env)


def test_sources_are_handed_to_the_app(
    started: list[list[str]], tiny_options: Path, texts: Path
) -> None:
    import os

    result = serve(tiny_options, "--sources", str(texts))
    assert result.exit_code == 0, result.output
    assert len(started) == 1 and os.environ[SOURCES_ENV] == str(texts.resolve())
    assert f"source texts: {texts.resolve()}" in result.output


def test_a_missing_folder_is_refused_before_the_server_starts(
    started: list[list[str]], tiny_options: Path, tmp_path: Path
) -> None:
    result = serve(tiny_options, "--sources", str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and started == []
    assert "nowhere: no such folder" in result.output


def test_missing_texts_are_named(started: list[list[str]], tiny_options: Path, texts: Path) -> None:
    gone = catalog.load(tiny_options).sources[1]
    (texts / gone.file).unlink()
    result = serve(tiny_options, "--sources", str(texts))
    assert result.exit_code == 1 and started == []
    assert f"1 of the catalog's 2 source texts are not there: {gone.file} ({gone.id})" in (
        result.output
    )


def test_the_environment_variable_is_checked_as_the_option_is(
    started: list[list[str]], tiny_options: Path, tmp_path: Path, texts: Path
) -> None:
    bad = serve(tiny_options, env={SOURCES_ENV: str(tmp_path / "nowhere")})
    assert bad.exit_code == 1 and started == [] and "no such folder" in bad.output
    good = serve(tiny_options, env={SOURCES_ENV: str(texts)})
    assert good.exit_code == 0, good.output
    assert len(started) == 1


def test_without_sources_the_server_starts_and_says_nothing_of_them(
    started: list[list[str]], tiny_options: Path
) -> None:
    import os

    result = serve(tiny_options)
    assert result.exit_code == 0, result.output
    assert len(started) == 1 and SOURCES_ENV not in os.environ
    assert "source texts" not in result.output
    assert serve(tiny_options, env={SOURCES_ENV: ""}).exit_code == 0  # empty: unset


def _make_run(*args: str) -> str:
    """The command ``make run`` would start (``make -n``: shown, not run)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shown = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return next(x for x in shown.splitlines() if "policybench serve" in x).rstrip()


def test_make_run_passes_the_source_texts_when_they_are_there(tmp_path: Path) -> None:
    beside = ROOT.parent / "shared" / "seeds"
    default = _make_run()
    assert default.endswith("--sources ../shared/seeds") == beside.is_dir(), default
    assert _make_run(f"SOURCES={tmp_path}").endswith(f"--sources {tmp_path}")
    assert "--sources" not in _make_run("SOURCES=")  # none there: the app still runs
