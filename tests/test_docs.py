"""The README is part of the interface: it must name every command and the two first commands."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from policybench.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    names = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        names.extend(f"{name} {s}" for s in sub) if sub else names.append(name)
    return names


def test_readme_opens_with_make_run_and_make_test() -> None:
    first = re.findall(r"^\s*(?:\$ )?(make [a-z-]+)", README, flags=re.MULTILINE)[:2]
    assert first == ["make run", "make test"]


def test_every_command_is_in_the_readme() -> None:
    commands = _commands()
    assert {"validate", "catalog", "rank", "smaa", "export", "serve", "profiles save"} <= set(
        commands
    )
    for command in commands:
        top, _, sub = command.partition(" ")
        if sub:
            assert re.search(rf"policybench {top}\b.*\b{re.escape(sub)}\b", README), command
        else:
            assert f"policybench {top}" in README, command


def test_every_dependency_is_explained() -> None:
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    deps = re.findall(
        r'^\s*"([A-Za-z0-9_.-]+)',
        pyproject.split("[project.optional-dependencies]")[0].split("dependencies = [")[1],
        flags=re.MULTILINE,
    )
    table = README.split("## Dependencies and what each is for")[1].lower()
    for dep in deps:
        assert dep.lower().replace("-python", "") in table, dep
