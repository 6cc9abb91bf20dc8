"""`policybench profiles ...` (DESIGN.md's contract): every command through CliRunner, exit
codes 0/1/2/3, messages on stderr, and the --json schemas."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from policybench.cli.profiles import profiles_app

runner = CliRunner()
W = "feasibility=1,deterrence=3,backlash=2"
SHOW_KEYS = {
    "name",
    "version",
    "weights",
    "method",
    "params",
    "description",
    "author",
    "overrides",
    "created_at",
    "history",
}
COMMANDS = [
    "save",
    "list",
    "show",
    "history",
    "rename",
    "delete",
    "undelete",
    "restore",
    "export",
    "import",
]


@pytest.fixture
def cli(tmp_path: Path, tiny_options: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run ``profiles ...`` against a fresh SQLite store and the tiny catalog."""
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.delenv("POLICYBENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("POLICYBENCH_AUTHOR", "tester")

    def run(*args: str, db_url: str | None = db, options: Path | None = tiny_options) -> Any:
        extra: list[str] = []
        if db_url is not None:
            extra += ["--db", db_url]
        if options is not None:
            extra += ["--options", str(options)]
        result = runner.invoke(profiles_app, [*args, *extra])
        assert "Traceback" not in result.output + result.stderr, result.stderr
        return result

    return run


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_command_has_help() -> None:
    for command in COMMANDS:
        result = runner.invoke(profiles_app, [command, "--help"])
        assert result.exit_code == 0, command
        assert "--db" in result.stdout and "--options" in result.stdout


def test_save_appends_versions(cli) -> None:  # type: ignore[no-untyped-def]
    first = cli(
        "save",
        "tokyo",
        "--weights",
        W,
        "--method",
        "topsis",
        "--description",
        "Tokyo's view",
        "--author",
        "ana",
    )
    assert first.exit_code == 0, first.stderr
    assert first.stdout.strip() == "saved 'tokyo' version 1"
    second = cli("save", "tokyo", "--weights", "feasibility=2,deterrence=3,backlash=2")
    assert second.stdout.strip() == "saved 'tokyo' version 2"
    shown = _json(cli("show", "tokyo", "--json"))
    assert shown["version"] == 2 and shown["author"] == "tester"  # $POLICYBENCH_AUTHOR


def test_stale_expect_version_exits_3_naming_the_latest(cli) -> None:  # type: ignore[no-untyped-def]
    cli("save", "tokyo", "--weights", W, "--author", "ana")
    ok = cli("save", "tokyo", "--weights", W, "--expect-version", "1", "--author", "bo")
    assert ok.exit_code == 0
    stale = cli("save", "tokyo", "--weights", W, "--expect-version", "1", "--author", "cy")
    assert stale.exit_code == 3
    assert stale.stdout == ""
    assert "conflict" in stale.stderr and "version 2" in stale.stderr and "bo" in stale.stderr
    assert "--expect-version 2" in stale.stderr
    assert [h["version"] for h in _json(cli("history", "tokyo", "--json"))] == [1, 2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weights", "feasibility=1,deterrence=3"], "missing: backlash"),
        (["--weights", W + ",vibes=2"], "unknown criterion 'vibes'"),
        (["--weights", "feasibility=1,deterrence=x,backlash=2"], "must be a number"),
        (["--weights", "feasibility=-1,deterrence=3,backlash=2"], "negative"),
        (["--weights", "feasibility=nan,deterrence=3,backlash=2"], "finite"),
        (["--weights", W, "--method", "magic"], "unknown method 'magic'; choose one of: wsm"),
        (["--weights", W, "--description", "bell\x07"], "control"),
    ],
)
def test_bad_saves_exit_1_with_a_message_and_write_nothing(
    cli, args: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    result = cli("save", "tokyo", *args)
    assert result.exit_code == 1
    assert message in result.stderr and result.stdout == ""
    assert _json(cli("list", "--json", "--all")) == []


def test_a_nul_in_a_name_is_refused_clearly(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("save", "to\x00kyo", "--weights", W)
    assert result.exit_code == 1 and "NUL" in result.stderr


def test_a_broken_catalog_exits_1(cli, copy_catalog) -> None:  # type: ignore[no-untyped-def]
    root = copy_catalog()
    (root / "criteria.yaml").write_text("criteria: [\n")
    result = cli("save", "tokyo", "--weights", W, options=root)
    assert result.exit_code == 1 and "criteria.yaml:" in result.stderr


def test_usage_errors_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("save", "tokyo").exit_code == 2  # --weights is required
    assert cli("restore", "tokyo").exit_code == 2  # --version is required
    assert cli("show", "tokyo", "--version", "two").exit_code == 2


def test_list_text_and_json(cli) -> None:  # type: ignore[no-untyped-def]
    assert "no saved profiles" in cli("list").stdout
    cli("save", "seoul", "--weights", W, "--method", "vikor", "--author", "min")
    cli("save", "canberra", "--weights", W)
    text = cli("list").stdout.splitlines()
    assert [line.split()[0] for line in text] == ["canberra", "seoul"]
    rows = _json(cli("list", "--json"))
    assert [r["name"] for r in rows] == ["canberra", "seoul"]
    assert set(rows[0]) == {
        "name",
        "version",
        "method",
        "description",
        "author",
        "created_at",
        "updated_at",
        "deleted",
        "has_overrides",
    }
    assert rows[1]["method"] == "vikor" and rows[1]["author"] == "min" and rows[1]["version"] == 1


def test_show_json_follows_the_design_schema_exactly(cli) -> None:  # type: ignore[no-untyped-def]
    cli("save", "tokyo", "--weights", W, "--method", "wpm", "--description", "d", "--author", "ana")
    cli("save", "tokyo", "--weights", "feasibility=4,deterrence=3,backlash=2", "--author", "bo")
    data = _json(cli("show", "tokyo", "--json"))
    assert set(data) == SHOW_KEYS
    assert data["name"] == "tokyo" and data["version"] == 2 and data["author"] == "bo"
    assert data["weights"] == {"feasibility": 4, "deterrence": 3, "backlash": 2}
    assert (
        isinstance(data["params"], dict) and data["overrides"] is None and data["description"] == ""
    )
    assert data["created_at"].endswith("+00:00")
    assert [set(h) for h in data["history"]] == [{"version", "created_at", "author"}] * 2
    assert [(h["version"], h["author"]) for h in data["history"]] == [(1, "ana"), (2, "bo")]
    old = _json(cli("show", "tokyo", "--version", "1", "--json"))
    assert (
        old["version"] == 1
        and old["method"] == "wpm"
        and old["description"] == "d"
        and len(old["history"]) == 2
    )


def test_show_text_and_unknown_names(cli) -> None:  # type: ignore[no-untyped-def]
    cli("save", "Tokyo view", "--weights", W)
    text = cli("show", "Tokyo view").stdout
    assert "Tokyo view: version 1 (latest)" in text and "deterrence" in text and "50%" in text
    missing = cli("show", "tokyo view")
    assert (
        missing.exit_code == 1
        and "no profile named 'tokyo view'" in missing.stderr
        and "'Tokyo view'" in missing.stderr
    )
    no_version = cli("show", "Tokyo view", "--version", "5")
    assert no_version.exit_code == 1 and "no version 5" in no_version.stderr


def test_history_json(cli) -> None:  # type: ignore[no-untyped-def]
    cli("save", "p", "--weights", W, "--author", "ana")
    cli("save", "p", "--weights", W, "--author", "bo")
    cli("restore", "p", "--version", "1", "--author", "cy")
    entries = _json(cli("history", "p", "--json"))
    assert [(e["version"], e["author"], e["restored_from"]) for e in entries] == [
        (1, "ana", None),
        (2, "bo", None),
        (3, "cy", 1),
    ]
    assert all({"version", "created_at", "author"} <= set(e) for e in entries)
    assert "restored from v1" in cli("history", "p").stdout


def test_rename_delete_undelete_restore(cli) -> None:  # type: ignore[no-untyped-def]
    cli("save", "a", "--weights", W)
    cli("save", "b", "--weights", W)
    taken = cli("rename", "a", "b")
    assert taken.exit_code == 1 and "already exists" in taken.stderr
    assert cli("rename", "a", "c").stdout.strip() == "renamed 'a' to 'c'"
    deleted = cli("delete", "c")
    assert deleted.exit_code == 0 and "undelete" in deleted.stdout
    assert [r["name"] for r in _json(cli("list", "--json"))] == ["b"]
    assert [r["name"] for r in _json(cli("list", "--json", "--all"))] == ["b", "c"]
    gone = cli("show", "c")
    assert gone.exit_code == 1 and "deleted" in gone.stderr and "undelete" in gone.stderr
    assert cli("undelete", "c").exit_code == 0
    assert cli("undelete", "c").exit_code == 1
    cli("save", "c", "--weights", "feasibility=9,deterrence=3,backlash=2")
    restored = cli("restore", "c", "--version", "1")
    assert restored.stdout.strip() == "restored 'c' version 1 as version 3"
    assert _json(cli("show", "c", "--json"))["weights"]["feasibility"] == 1
    stale = cli("restore", "c", "--version", "1", "--expect-version", "2")
    assert stale.exit_code == 3 and "conflict" in stale.stderr


def test_awkward_names_round_trip_through_the_cli(cli) -> None:  # type: ignore[no-untyped-def]
    name = "../evil'; DROP TABLE profiles;-- رؤية"
    assert cli("save", name, "--weights", W).exit_code == 0
    assert _json(cli("show", name, "--json"))["name"] == name
    assert name in cli("list").stdout
    assert [r["name"] for r in _json(cli("list", "--json"))] == [name]


def test_export_and_import(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("save", "tokyo", "--weights", W, "--method", "topsis", "--author", "ana")
    out = tmp_path / "tokyo.json"
    result = cli("export", "tokyo", "--out", str(out))
    assert result.exit_code == 0 and out.is_file()
    doc = json.loads(out.read_text())
    assert doc["format"] == "policybench-profile" and doc["weights"]["deterrence"] == 3
    stdout_doc = json.loads(cli("export", "tokyo", "--out", "-").stdout)
    assert stdout_doc["weights"] == doc["weights"]
    imported = cli("import", str(out))
    assert imported.exit_code == 0 and imported.stdout.strip() == "imported 'tokyo' as version 2"
    renamed = cli("import", str(out), "--name", "tokyo copy")
    assert renamed.stdout.strip() == "imported 'tokyo copy' as version 1"


def test_import_refusals_exit_1_and_write_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("save", "tokyo", "--weights", W)
    out = tmp_path / "tokyo.json"
    cli("export", "tokyo", "--out", str(out))
    cli("delete", "tokyo")
    cli("undelete", "tokyo")
    doc = json.loads(out.read_text())

    other = tmp_path / "other-catalog.json"
    other.write_text(json.dumps({**doc, "name": "other", "catalog": {"fingerprint": "f" * 64}}))
    refused = cli("import", str(other))
    assert (
        refused.exit_code == 1
        and "different catalog" in refused.stderr
        and "--force" in refused.stderr
    )
    unknown = tmp_path / "unknown.json"
    unknown.write_text(
        json.dumps({**doc, "name": "unknown", "weights": {**doc["weights"], "vibes": 1}})
    )
    assert "unknown criterion 'vibes'" in cli("import", str(unknown)).stderr
    big = tmp_path / "big.json"
    big.write_text(json.dumps({**doc, "name": "big"}) + " " * (300 * 1024))
    assert "too large" in cli("import", str(big)).stderr
    assert "no such file" in cli("import", str(tmp_path / "nope.json")).stderr
    assert [r["name"] for r in _json(cli("list", "--json", "--all"))] == ["tokyo"]
    assert _json(cli("show", "tokyo", "--json"))["version"] == 1

    forced = cli("import", str(other), "--force")
    assert forced.exit_code == 0 and "imported 'other' as version 1" in forced.stdout


def test_the_database_url_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_options: Path
) -> None:
    monkeypatch.setenv("POLICYBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    result = runner.invoke(
        profiles_app, ["save", "p", "--weights", W, "--options", str(tiny_options)]
    )
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "env.db").is_file()


def test_an_unreachable_database_is_exit_1_try_again(cli) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = cli("list", db_url=f"postgresql+psycopg://ana:hunter2@127.0.0.1:{port}/pb")
    assert result.exit_code == 1
    assert "try again" in result.stderr and "cannot reach" in result.stderr
    assert "hunter2" not in result.stderr and "ana:***@" in result.stderr


def test_a_read_only_store_is_exit_1_with_nothing_lost(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("save", "p", "--weights", W)
    ro = f"sqlite:///file:{tmp_path / 'cli.db'}?mode=ro&uri=true"
    assert _json(cli("show", "p", "--json", db_url=ro))["version"] == 1
    result = cli("save", "p", "--weights", W, db_url=ro)
    assert result.exit_code == 1 and "read-only" in result.stderr
    assert _json(cli("show", "p", "--json"))["version"] == 1


def test_mounted_under_a_parent_app_the_exit_codes_hold(
    cli, tmp_path: Path, tiny_options: Path
) -> None:  # type: ignore[no-untyped-def]
    """As cli.py mounts it: `app.add_typer(profiles_app, name="profiles")`."""
    import typer

    parent = typer.Typer()

    @parent.callback()
    def _root() -> None:
        """policybench"""

    parent.add_typer(profiles_app, name="profiles")
    common = ["--db", f"sqlite:///{tmp_path / 'mounted.db'}", "--options", str(tiny_options)]
    assert runner.invoke(parent, ["profiles", "save", "p", "--weights", W, *common]).exit_code == 0
    assert runner.invoke(parent, ["profiles", "save", "p", "--weights", W, *common]).exit_code == 0
    stale = runner.invoke(
        parent, ["profiles", "save", "p", "--weights", W, "--expect-version", "1", *common]
    )
    assert stale.exit_code == 3 and "conflict" in stale.stderr
    assert runner.invoke(parent, ["profiles", "show", "nope", *common]).exit_code == 1
    assert runner.invoke(parent, ["profiles", "show", *common]).exit_code == 2
