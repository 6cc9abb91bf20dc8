"""``policybench export`` (src/policybench/cli/export.py): exit codes, files, and a workshop's
group result read from a SQLite store.

The command is registered on a Typer app of its own here, exactly as ``policybench.cli``
registers it, so these tests do not depend on the rest of the command line.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, get_args

import openpyxl
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from policybench import __version__, catalog
from policybench import export as exporters
from policybench.cli.export import PASSPHRASE_ENV, Format, export

from .conftest import HOSTILE

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
app.command("export")(export)


@app.callback()
def _root() -> None:
    """Keep ``export`` a subcommand, as in the real CLI."""


runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Any:
    return runner.invoke(app, ["export", *args], env=env, input=input)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "markdown", "json", "html", "png", "svg"])
def test_every_format_is_written(tiny_options: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"export.{fmt}"
    result = run("--format", fmt, "--out", str(out), "--options", str(tiny_options))
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    assert f"wrote {out}" in result.stderr and "catalog " in result.stderr
    assert result.stdout == ""


def test_csv_holds_the_comparison_table(tiny_options: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    result = run(
        "--format",
        "csv",
        "--out",
        str(out),
        "--options",
        str(tiny_options),
        "--preset",
        "hawk",
        "--method",
        "wsm",
        "--method",
        "topsis",
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 that Excel reads
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert len(table) == 4 and table["Weighted sum: rank"].iloc[0] == 1
    assert {
        "Deterrence: score",
        "Weighted sum: Deterrence adds",
        "Weighted sum: score",
        "TOPSIS: score",
        "TOPSIS: rank",
    } <= set(table.columns)
    # the table alone in the file; its stamp beside it, and said where
    stamp = (tmp_path / "c.stamp.txt").read_text(encoding="utf-8")
    assert "weights from: Deterrence first (preset)" in stamp
    assert f"and its stamp {tmp_path / 'c.stamp.txt'}" in result.stderr


def test_json_to_stdout_with_several_methods(tiny_options: Path) -> None:
    result = run(
        "--format",
        "json",
        "--out",
        "-",
        "--options",
        str(tiny_options),
        "--weights",
        "feasibility=3,deterrence=7,backlash=0",
        "--method",
        "wsm",
        "--method",
        "promethee2",
        "--param",
        "preference=usual",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    m = data["metadata"]
    assert m["profile"] == "custom weights"
    assert m["weights_given"] == {"feasibility": 3.0, "deterrence": 7.0, "backlash": 0.0}
    assert m["weights"]["deterrence"] == pytest.approx(0.7)
    assert [x["method"] for x in m["methods"]] == ["wsm", "promethee2"]
    assert m["methods"][1]["params"] == {"preference": "usual"}
    assert m["policybench_version"] == __version__
    assert m["catalog_fingerprint"] == catalog.load(tiny_options).short_fingerprint
    assert "wrote standard output" in result.stderr


def test_xlsx_to_a_file_opens_with_openpyxl(tiny_options: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.xlsx"
    assert (
        run(
            "--format",
            "xlsx",
            "--out",
            str(out),
            "--options",
            str(tiny_options),
            "--smaa-samples",
            "500",
        ).exit_code
        == 0
    )
    wb = openpyxl.load_workbook(out)
    assert {"Ranking", "Comparison", "Quotes", "Metadata", "SMAA"} <= set(wb.sheetnames)


def test_png_to_stdout_is_binary(tiny_options: Path) -> None:
    result = run("--format", "png", "--out", "-", "--options", str(tiny_options))
    assert result.exit_code == 0
    assert result.stdout_bytes[:8] == b"\x89PNG\r\n\x1a\n"


def test_smaa_section_is_seeded(tiny_options: Path) -> None:
    args = (
        "--format",
        "json",
        "--out",
        "-",
        "--options",
        str(tiny_options),
        "--smaa-samples",
        "800",
        "--seed",
        "5",
    )
    a, b = run(*args), run(*args)
    assert a.exit_code == 0, a.output
    sa, sb = json.loads(a.stdout)["smaa"], json.loads(b.stdout)["smaa"]
    assert sa["about"]["samples"] == 800 and sa["about"]["seed"] == 5
    assert sa["tables"] == sb["tables"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weights", "feasibility=1"], "weights must name every criterion"),
        (["--method", "nope"], "unknown method 'nope'"),
        (["--preset", "mars"], "unknown preset 'mars'"),
        (["--param", "novalue"], "cannot read --param"),
        (["--method", "wsm", "--method", "topsis", "--param", "q=1"], "no chosen method takes 'q'"),
        (
            ["--preset", "hawk", "--weights", "feasibility=1,deterrence=1,backlash=1"],
            "give only one of",
        ),
    ],
)
def test_bad_input_is_exit_1_with_a_message(
    tiny_options: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "x.csv"
    result = run("--format", "csv", "--out", str(out), "--options", str(tiny_options), *args)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_unwritable_path_is_exit_1(tiny_options: Path, tmp_path: Path) -> None:
    result = run(
        "--format",
        "csv",
        "--out",
        str(tmp_path / "no" / "such" / "x.csv"),
        "--options",
        str(tiny_options),
    )
    assert result.exit_code == 1
    assert "cannot write" in result.stderr


def test_broken_catalog_is_exit_1(copy_catalog: Any, tmp_path: Path) -> None:
    root = copy_catalog()
    (root / "criteria.yaml").write_text("criteria: [\n")
    result = run("--format", "csv", "--out", str(tmp_path / "x.csv"), "--options", str(root))
    assert result.exit_code == 1 and "criteria.yaml:" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "pdf", "--out", "x.pdf"],
        ["--format", "csv"],
        ["--out", "x.csv"],
        ["--format", "csv", "--out", "x.csv", "--workshop", "ABCD", "--weights", "a=1"],
        ["--format", "csv", "--out", "x.csv", "--combine", "mode"],
        ["--format", "csv", "--out", "x.csv", "--smaa-samples", "5"],
    ],
)
def test_usage_errors_are_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_help_names_every_option() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for flag in (
        "--format",
        "--out",
        "--profile",
        "--preset",
        "--weights",
        "--method",
        "--normalization",
        "--workshop",
        "--top-k",
        "--options",
        "--db",
    ):
        assert flag in result.stdout
    assert "patch" in result.stdout  # a format of its own


#: A cell's first character that a spreadsheet reads as the start of a formula.
FORMULA_STARTS = {"=", "+", "-", "@"}


def _text_cells(fmt: str, path: Path) -> list[tuple[str, bool]]:
    """Every text cell of an exported file as a spreadsheet shows it, and whether it is inert:
    in a CSV, a formula start behind the quote that keeps it text (``'=...``); in an XLSX, a
    string cell with the quote prefix."""
    if fmt == "csv":
        text = path.read_text(encoding="utf-8")
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        return [
            (c[1:], True) if c[:1] == "'" and c[1:2] in FORMULA_STARTS else (c, False)
            for c in cells
        ]
    wb = openpyxl.load_workbook(path)
    return [
        (c.value, c.data_type == "s" and bool(c.quotePrefix))
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_hostile_catalog_text_is_kept_whole_and_inert(
    hostile_options: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"h.{fmt}"
    result = run("--format", fmt, "--out", str(out), "--options", str(hostile_options))
    assert result.exit_code == 0, result.output
    cells = _text_cells(fmt, out)
    for bad in HOSTILE.values():
        found = [inert for text, inert in cells if text == bad]
        assert found, bad  # the title kept whole, on every sheet that lists the options ...
        assert all(found), bad  # ... and never a formula
    assert not [text for text, inert in cells if text[:1] in FORMULA_STARTS and not inert]


# ------------------------------------------------------------------------------ workshops

PASS = "correct horse battery"


@pytest.fixture
def workshop(tmp_path: Path, tiny_options: Path) -> dict[str, str]:
    """A workshop on a fresh SQLite store with two submissions (one with a hostile name)."""
    from policybench.store import open_store

    cat = catalog.load(tiny_options)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(url) as store:
        f = store.workshops.create(
            "Seminar <b>",
            options=list(cat.option_ids),
            criteria=list(cat.criterion_ids),
            passphrase=PASS,
            catalog=cat,
        )
        ana = store.workshops.join(f.code, "=ana")
        bob = store.workshops.join(f.code, "bob")
        store.workshops.submit(
            f.code,
            ana.token,
            {"feasibility": 1, "deterrence": 5, "backlash": 1},
            {"deterrence": "North Korea first"},
        )
        store.workshops.submit(
            f.code, bob.token, {"feasibility": 4, "deterrence": 1, "backlash": 2}
        )
        empty = store.workshops.create(
            "Empty",
            options=list(cat.option_ids),
            criteria=list(cat.criterion_ids),
            passphrase=PASS,
            catalog=cat,
        )
    return {"db": url, "code": f.code, "empty": empty.code}


def test_workshop_export_holds_the_group_result(
    workshop: dict[str, str], tiny_options: Path
) -> None:
    result = run(
        "--format",
        "json",
        "--out",
        "-",
        "--options",
        str(tiny_options),
        "--workshop",
        workshop["code"],
        "--db",
        workshop["db"],
        env={PASSPHRASE_ENV: PASS},
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    m = data["metadata"]
    assert (
        m["title"] == "Workshop: Seminar <b>"
        and m["workshop"] == "Seminar <b>"
        and m["participants"] == 2
    )
    assert m["profile"] == "workshop group weights (mean of 2 participants)"
    expected = [(1 / 7 + 4 / 7) / 2, (5 / 7 + 1 / 7) / 2, (1 / 7 + 2 / 7) / 2]
    assert list(m["weights"].values()) == pytest.approx(expected)
    group = data["group"]
    assert group["about"]["participants"] == 2 and group["about"]["state"] == "open"
    assert [r["participant"] for r in group["tables"]["Participants"]] == [
        "Participant 1",
        "Participant 2",
    ]
    assert group["tables"]["Reasons"] == [
        {"participant": "Participant 1", "criterion": "deterrence", "reason": "North Korea first"}
    ]
    assert "=ana" not in result.stdout and "bob" not in result.stdout  # anonymous unless --names
    assert workshop["code"] not in result.stdout  # the join code is a bearer secret


def test_workshop_export_names_participants_when_asked(
    workshop: dict[str, str], tiny_options: Path, tmp_path: Path
) -> None:
    out = tmp_path / "w.xlsx"
    result = run(
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--options",
        str(tiny_options),
        "--workshop",
        workshop["code"],
        "--db",
        workshop["db"],
        "--names",
        "--combine",
        "median",
        "--group-ranking",
        "copeland",
        "--method",
        "wsm",
        "--method",
        "topsis",
        env={PASSPHRASE_ENV: PASS},
    )
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    participants = wb["Participants"]
    assert [participants.cell(r, 1).value for r in (2, 3)] == ["=ana", "bob"]
    assert participants.cell(2, 1).quotePrefix and participants.cell(2, 1).data_type == "s"
    assert wb["Group ranking"]["C1"].value == "Copeland rank"


def test_workshop_passphrase_can_be_typed(workshop: dict[str, str], tiny_options: Path) -> None:
    result = run(
        "--format",
        "csv",
        "--out",
        "-",
        "--options",
        str(tiny_options),
        "--workshop",
        workshop["code"],
        "--db",
        workshop["db"],
        input=PASS + "\n",
    )
    assert result.exit_code == 0, result.output
    assert PASS not in result.output


def test_workshop_wrong_passphrase_is_refused(
    workshop: dict[str, str], tiny_options: Path, tmp_path: Path
) -> None:
    out = tmp_path / "w.json"
    result = run(
        "--format",
        "json",
        "--out",
        str(out),
        "--options",
        str(tiny_options),
        "--workshop",
        workshop["code"],
        "--db",
        workshop["db"],
        env={PASSPHRASE_ENV: "wrong passphrase"},
    )
    assert result.exit_code == 1 and "wrong passphrase" in result.stderr
    assert not out.exists()


def test_workshop_unknown_code_is_refused_before_asking(
    workshop: dict[str, str], tiny_options: Path
) -> None:
    result = run(
        "--format",
        "json",
        "--out",
        "-",
        "--options",
        str(tiny_options),
        "--workshop",
        "ZZZZ-ZZZZ-ZZZZZ",
        "--db",
        workshop["db"],
    )
    assert result.exit_code == 1
    assert "passphrase" not in result.output.lower() and "code" in result.stderr


def test_workshop_without_submissions_is_refused(
    workshop: dict[str, str], tiny_options: Path
) -> None:
    result = run(
        "--format",
        "json",
        "--out",
        "-",
        "--options",
        str(tiny_options),
        "--workshop",
        workshop["empty"],
        "--db",
        workshop["db"],
        env={PASSPHRASE_ENV: PASS},
    )
    assert result.exit_code == 1 and "no submissions" in result.stderr


def test_workshop_html_report_keeps_names_inert(
    workshop: dict[str, str], tiny_options: Path
) -> None:
    result = run(
        "--format",
        "html",
        "--out",
        "-",
        "--options",
        str(tiny_options),
        "--workshop",
        workshop["code"],
        "--db",
        workshop["db"],
        "--names",
        env={PASSPHRASE_ENV: PASS},
    )
    assert result.exit_code == 0, result.output
    assert "Seminar &lt;b&gt;" in result.stdout and "<b>" not in result.stdout
    # ranking (at the page's width and a phone's), weights spread, ranks against the group,
    # the convergence across rounds
    assert result.stdout.count("<svg") == 5
    assert "http://" not in result.stdout and "https://" not in result.stdout


def test_binary_to_stdout_is_raw_bytes(tiny_options: Path) -> None:
    result = run("--format", "xlsx", "--out", "-", "--options", str(tiny_options))
    assert result.exit_code == 0
    assert openpyxl.load_workbook(io.BytesIO(result.stdout_bytes)).sheetnames[:2] == [
        "Summary",
        "Ranking",
    ]


def test_the_command_offers_exactly_the_exporters_formats_and_the_patch() -> None:
    assert get_args(Format) == (*exporters.FORMATS, "patch")


def test_the_options_in_play_are_ranks_and_the_stamp_says_so(tiny_options: Path) -> None:
    args = ("--format", "json", "--out", "-", "--options", str(tiny_options))
    default = json.loads(run(*args).stdout)["metadata"]
    assert (default["all"], default["screen"], default["screened_out"]) == (False, [], [])
    result = run(*args, "--all", "--require", "backlash<=5", "--preset", "hawk")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    m = data["metadata"]
    assert m["all"] is True and m["screen"] == ["backlash<=5"]
    assert m["screened_out"] == [
        {"option": "liaison", "title": "Liaison officers", "failed": ["backlash 6 > 5"]}
    ]
    assert [r["option"] for r in data["comparison"]] == ["two-plus-two", "summits", "status-quo"]
    assert m["profile"] == "Deterrence first (preset)"
    assert "every option, screen backlash<=5 (1 set aside)" in result.stderr
    empty = run(*args, "--require", "deterrence>=9")
    assert empty.exit_code == 1 and "leaves no option to rank" in empty.stderr


def test_a_folder_gets_a_file_named_after_the_stamp(tiny_options: Path, tmp_path: Path) -> None:
    result = run(
        "--format",
        "csv",
        "--out",
        str(tmp_path),
        "--options",
        str(tiny_options),
        "--preset",
        "hawk",
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    fp = catalog.load(tiny_options).short_fingerprint
    assert len(names) == 2 and names[0].startswith(
        f"policybench-hawk-wsm-default-set-unscreened-{fp}-"
    )
    assert names[0].endswith("Z.csv") and names[1] == names[0].replace(".csv", ".stamp.txt")


def test_top_sets_how_many_options_the_chart_shows(tiny_options: Path, tmp_path: Path) -> None:
    def options_in_svg(*extra: str) -> int:
        out = tmp_path / "c.svg"
        result = run("--format", "svg", "--out", str(out), "--options", str(tiny_options), *extra)
        assert result.exit_code == 0, result.output
        return out.read_text().count('aria-label="label: ')

    assert options_in_svg("--top", "2") == 2
    assert options_in_svg("--top", "0") == 4  # 0: all
    assert options_in_svg() == 4  # the default, 10, is more than the tiny catalog has


def test_a_workshop_takes_no_option_set(workshop: dict[str, str], tiny_options: Path) -> None:
    result = run(
        "--format",
        "json",
        "--out",
        "-",
        "--options",
        str(tiny_options),
        "--workshop",
        workshop["code"],
        "--db",
        workshop["db"],
        "--all",
        env={PASSPHRASE_ENV: PASS},
    )
    assert result.exit_code == 2 and "ranks the options it was run on" in result.output
