"""``policybench rank --bands`` and ``policybench frontier`` (src/policybench/cli/rank.py and
frontier.py): the JSON shapes of DESIGN.md's contract, the other formats and the exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policybench import __version__, catalog
from policybench.analysis.bands import bands_catalog
from policybench.analysis.frontier import frontier_catalog
from policybench.present.bands import band_label

from .conftest import ok_json

FRONTIER_KEYS = {
    "x",
    "y",
    "weights",
    "options",
    "axes",
    "profile",
    "all",
    "screen",
    "screened_out",
    "catalog_fingerprint",
    "policybench_version",
}


# ------------------------------------------------------------------------------ rank --bands
def test_bands_add_rank_low_and_rank_high_to_every_json_row(pb: Any, tiny_options: Path) -> None:
    data = ok_json(pb("rank", "--bands", "--format", "json", "--all", "--seed", "3"))
    cat = catalog.load(tiny_options)
    want = bands_catalog(cat, seed=3).band_map()
    rows = data["ranking"]
    assert [r["option"] for r in rows] and all(
        (r["rank_low"], r["rank_high"]) == want[r["option"]] for r in rows
    )
    assert all(
        set(r) == {"rank", "rank_low", "rank_high", "option", "title", "group", "baseline", "score"}
        for r in rows
    )
    assert data["bands"] == {
        "samples": 10_000,
        "seed": 3,
        "percentiles": [5.0, 95.0],
        "score_draws": "uniform within each score's range, weights fixed (wsm)",
    }


def test_without_bands_the_rows_are_as_before(pb: Any) -> None:
    data = ok_json(pb("rank", "--format", "json"))
    assert "bands" not in data and "rank_low" not in data["ranking"][0]


def test_bands_in_the_table_csv_and_markdown(pb: Any) -> None:
    table = pb("rank", "--bands", "--samples", "500")
    assert table.exit_code == 0
    assert "likely ranks" in table.stdout.splitlines()[1]
    from policybench.present.labels import share_label

    ninety = share_label(0.9)  # the present layer's way of writing a share
    assert f"Likely ranks: the range of ranks an option takes in {ninety} of 500 draws" in (
        table.stdout
    )
    csv = pb("rank", "--bands", "--format", "csv")
    frame = pd.read_csv(io.StringIO(csv.stdout))
    assert list(frame.columns[:4]) == ["rank", "rank_low", "rank_high", "likely ranks"]
    want = [
        band_label(lo, hi) for lo, hi in zip(frame["rank_low"], frame["rank_high"], strict=True)
    ]
    assert list(frame["likely ranks"]) == want
    assert any("–" in label for label in want)  # the ranges of the tiny catalog move some ranks
    assert (frame["rank_low"] <= frame["rank_high"]).all()
    assert "note: Likely ranks" in csv.stderr
    md = pb("rank", "--bands", "--format", "markdown")
    header = md.stdout.splitlines()[0]
    assert "likely ranks" in header and "rank_low" not in header


def test_samples_and_seed_without_bands_is_an_error_that_says_what_to_add(pb: Any) -> None:
    result = pb("rank", "--seed", "4")
    assert result.exit_code == 1
    assert "add --bands" in result.stderr


def test_same_seed_same_bands_on_the_command_line(pb: Any) -> None:
    a = ok_json(pb("rank", "--bands", "--format", "json", "--seed", "9", "--samples", "300"))
    b = ok_json(pb("rank", "--bands", "--format", "json", "--seed", "9", "--samples", "300"))
    assert a["ranking"] == b["ranking"]


# ------------------------------------------------------------------------------ frontier
def test_frontier_json_has_the_shape_of_design_md(pb: Any, tiny_options: Path) -> None:
    data = ok_json(pb("frontier", "--x", "strategic", "--y", "risk", "--format", "json", "--all"))
    assert set(data) == FRONTIER_KEYS
    assert (data["x"], data["y"]) == ("strategic", "risk")
    assert data["catalog_fingerprint"] == catalog.load(tiny_options).short_fingerprint
    assert data["policybench_version"] == __version__
    assert data["profile"] == "equal weights"
    rows = {r["option"]: r for r in data["options"]}
    assert all(set(r) == {"option", "title", "x", "y", "efficient"} for r in rows.values())
    assert rows["status-quo"]["x"] == pytest.approx(0.2)
    assert rows["status-quo"]["y"] == pytest.approx(0.8)
    assert rows["status-quo"]["title"].startswith("Status quo")
    assert all(r["efficient"] for r in rows.values())
    assert data["axes"]["x"] == {
        "id": "strategic",
        "kind": "cluster",
        "label": "Strategic (cluster)",
        "weights": {"deterrence": 1.0},
    }


def test_frontier_follows_the_weights_the_screen_and_the_option_set(
    pb: Any, tiny_options: Path
) -> None:
    data = ok_json(
        pb(
            "frontier",
            "--x",
            "feasibility",
            "--y",
            "risk",
            "--format",
            "json",
            "--all",
            "--require",
            "feasibility<=8",
            "--weights",
            "feasibility=1,deterrence=2,backlash=3",
        )
    )
    assert data["screen"] == ["feasibility<=8"]
    assert [s["option"] for s in data["screened_out"]] == ["status-quo"]
    assert {r["option"]: r["efficient"] for r in data["options"]} == {
        "summits": True,
        "two-plus-two": False,
        "liaison": False,
    }
    assert data["weights"]["backlash"] == pytest.approx(0.5)
    cat = catalog.load(tiny_options)
    want = frontier_catalog(
        cat, {"feasibility": 1, "deterrence": 2, "backlash": 3}, x="feasibility", y="risk"
    )
    got = {r["option"]: (r["x"], r["y"]) for r in data["options"]}
    for i, oid in enumerate(want.option_ids):
        if oid in got:
            assert got[oid] == pytest.approx((want.x[i], want.y[i]))


def test_frontier_table_and_csv(pb: Any) -> None:
    table = pb("frontier", "--x", "criterion:feasibility", "--y", "backlash", "--all")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert "x: Feasibility" in lines[0] and "y: Chinese backlash (cost)" in lines[0]
    assert "Status quo" in table.stdout and "The frontier" not in table.stdout.splitlines()[1]
    assert "is at least as good as every other option" in table.stdout
    csv = pb("frontier", "--x", "strategic", "--y", "risk", "--format", "csv", "--all")
    frame = pd.read_csv(io.StringIO(csv.stdout))
    assert list(frame.columns) == ["option", "title", "x", "y", "efficient"]
    assert len(frame) == 4 and frame["efficient"].all()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--x", "nowhere", "--y", "risk"], "unknown axis 'nowhere'"),
        (["--x", "risk", "--y", "risk"], "two different axes"),
        (
            [
                "--x",
                "risk",
                "--y",
                "strategic",
                "--weights",
                "feasibility=1,deterrence=0,backlash=1",
            ],
            "weight 0",
        ),
        (["--x", "risk", "--y", "strategic", "--require", "feasibility>=11"], "off the catalog"),
        (["--x", "risk", "--y", "strategic", "--require", "nothing>=1"], "unknown criterion"),
        (
            ["--x", "risk", "--y", "strategic", "--require", "feasibility>=10"],
            "relax a requirement",
        ),
    ],
)
def test_frontier_bad_input_is_exit_1_with_a_message(
    pb: Any, args: list[str], message: str
) -> None:
    result = pb("frontier", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""


def test_frontier_without_axes_is_a_usage_error(pb: Any) -> None:
    assert pb("frontier", "--x", "risk").exit_code == 2


# ------------------------------------------------------------------------------ export
def test_export_carries_the_bands_with_their_seed_and_samples(pb: Any, tiny_options: Path) -> None:
    result = pb("export", "--format", "json", "--out", "-", "--bands", "--seed", "4", "--all")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    section = data["bands"]  # a section, under its key
    assert section["about"]["samples"] == 10_000 and section["about"]["seed"] == 4
    cat = catalog.load(tiny_options)
    want = bands_catalog(cat, seed=4).band_map()
    rows = section["tables"]["Likely ranks"]
    got = {r["option"]: (r["rank_low"], r["rank_high"]) for r in rows}
    assert got == want


def test_the_html_report_holds_the_map(pb: Any, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = pb("export", "--format", "html", "--out", str(out), "--all")
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert 'id="map"' in html and "Map: feasibility against strategic" in html
    without = pb("export", "--format", "markdown", "--out", "-", "--all")
    assert "Map: " not in without.stdout  # the other files keep to what they held


def test_export_applies_require_and_a_profiles_thresholds(pb: Any, careful_profile: Path) -> None:
    result = pb(
        "export",
        "--format",
        "json",
        "--out",
        "-",
        "--all",
        "--profile",
        str(careful_profile),
        "--require",
        "feasibility>=5",
    )
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)["metadata"]
    assert meta["screen"] == ["backlash<=5", "feasibility>=5"]
    assert sorted(meta["options"]) == ["status-quo", "summits", "two-plus-two"]


def test_bands_are_for_a_profiles_ranking_not_a_workshops(pb: Any) -> None:
    result = pb("export", "--format", "csv", "--out", "-", "--workshop", "ABC", "--bands")
    assert result.exit_code == 2 and "--bands" in result.output
