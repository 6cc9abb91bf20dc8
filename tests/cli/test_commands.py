"""The ``policybench`` command as a whole (src/policybench/cli/__init__.py): every command is
registered and has help, usage errors are click's exit 2, and importing the command line
loads none of the heavy libraries its commands use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from policybench.cli import app

runner = CliRunner()


def _commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_the_commands_of_design_md_are_registered() -> None:
    assert set(_commands()) == {
        "validate",
        "catalog",
        "rank",
        "smaa",
        "frontier",
        "serve",
        "export",
        "profiles",
        "workshop",
    }


@pytest.mark.parametrize(
    "command", ["validate", "catalog", "rank", "smaa", "frontier", "serve", "export"]
)
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--options" in result.stdout
    assert _commands()[command].help  # type: ignore[attr-defined]


def test_usage_error_is_exit_2() -> None:
    result = runner.invoke(app, ["validate", "--no-such-flag"])
    assert result.exit_code == 2


def test_console_script_and_module_run_the_same_app() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "policybench.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and "profiles" in proc.stdout


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    code = (
        "import sys, policybench.cli; "
        "bad = {'numpy', 'pandas', 'altair', 'sqlalchemy', 'streamlit'} & set(sys.modules); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_workshop_unlock_lets_the_facilitator_back_in(tmp_path: Path) -> None:
    from policybench.store import RateLimitedError, WrongPassphraseError, open_store

    url = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(url) as store:
        shop = store.workshops.create(
            "t", options=["a", "b"], criteria=["x", "y"], passphrase="a long passphrase"
        )
        for i in range(30):
            with pytest.raises(WrongPassphraseError):
                store.workshops.verify_facilitator(shop.code, "wrong one!", session=f"s{i}")
        with pytest.raises(RateLimitedError):
            store.workshops.verify_facilitator(shop.code, "a long passphrase", session="me")
    result = CliRunner().invoke(app, ["workshop", "unlock", shop.code, "--db", url])
    assert result.exit_code == 0 and "wrong-passphrase counts cleared" in result.stdout
    with open_store(url) as store:
        assert store.workshops.verify_facilitator(shop.code, "a long passphrase", session="me")
    unknown = CliRunner().invoke(app, ["workshop", "unlock", "ZZZZZZZZZZZZZ", "--db", url])
    assert unknown.exit_code == 1 and "no workshop has that code" in unknown.stderr
