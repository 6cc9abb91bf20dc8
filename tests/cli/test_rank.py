"""``policybench rank`` and ``policybench smaa`` (src/policybench/cli/rank.py): the JSON shapes,
the other formats, the weight options and the exit codes of DESIGN.md's contract."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policybench import __version__, catalog
from policybench.cli import app

from .conftest import ok_json, runner

RANK_KEYS = {
    "profile",
    "method",
    "normalization",
    "params",
    "weights",
    "catalog_fingerprint",
    "policybench_version",
    "ranking",
    "all",
    "screen",
    "screened_out",
}
SMAA_KEYS = {
    "method",
    "samples",
    "seed",
    "uncertain_scores",
    "weights",
    "catalog_fingerprint",
    "policybench_version",
    "options",
    "sampled",
    "all",
    "screen",
    "screened_out",
}


def test_rank_json_is_stamped_and_best_first(pb: Any, tiny_options: Path) -> None:
    data = ok_json(pb("rank", "--format", "json"))
    assert set(data) == RANK_KEYS
    assert (data["profile"], data["method"], data["normalization"]) == (
        "equal weights",
        "wsm",
        "scale",
    )
    assert data["catalog_fingerprint"] == catalog.load(tiny_options).short_fingerprint
    assert data["policybench_version"] == __version__
    assert sum(data["weights"].values()) == pytest.approx(1.0)
    rows = data["ranking"]
    assert set(rows[0]) == {"rank", "option", "title", "group", "baseline", "score"}
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert len(rows) == 4


def test_rank_formats_hold_the_same_ranking(pb: Any) -> None:
    options = [r["option"] for r in ok_json(pb("rank", "--format", "json"))["ranking"]]
    csv = pd.read_csv(io.StringIO(pb("rank", "--format", "csv").stdout))
    assert list(csv["option"]) == options
    markdown = pb("rank", "--format", "markdown").stdout
    assert markdown.splitlines()[0].startswith("|") and all(o in markdown for o in options)
    table = pb("rank").stdout.splitlines()
    assert table[0].startswith("equal weights · wsm (scale) · catalog ")
    assert [line.split()[1] for line in table[2:]] == options


def test_rank_with_a_preset_and_a_method_of_its_own_normalisation(pb: Any) -> None:
    data = ok_json(pb("rank", "--preset", "hawk", "--method", "topsis", "--format", "json"))
    assert (data["profile"], data["method"], data["normalization"]) == (
        "preset hawk",
        "topsis",
        "minmax",
    )
    assert data["weights"]["deterrence"] == pytest.approx(6 / 8)


def test_rank_passes_method_parameters(pb: Any) -> None:
    args = (
        "--method",
        "promethee2",
        "--param",
        "preference=linear",
        "--param",
        "q=1",
        "--param",
        "p=3",
    )
    data = ok_json(pb("rank", *args, "--format", "json"))
    assert data["params"] == {"preference": "linear", "q": 1.0, "p": 3.0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weights", "feasibility=1"], "weights must name every criterion"),
        (["--method", "nope"], "unknown method 'nope'; choose one of: wsm"),
        (
            ["--preset", "hawk", "--weights", "feasibility=1,deterrence=2,backlash=3"],
            "give only one of",
        ),
        (["--param", "nothing"], "cannot read --param 'nothing'"),
        (["--profile", "nobody", "--db", "sqlite:///:memory:"], "no profile named 'nobody'"),
    ],
)
def test_rank_bad_input_is_exit_1_with_the_message_on_stderr(
    pb: Any, args: list[str], message: str
) -> None:
    result = pb("rank", *args)
    assert result.exit_code == 1
    assert message in result.stderr and result.stdout == ""


@pytest.mark.parametrize("command", ["rank", "smaa"])
def test_an_unknown_format_is_a_usage_error(pb: Any, command: str) -> None:
    assert pb(command, "--format", "pdf").exit_code == 2


def test_smaa_json_samples_the_whole_simplex_by_default(pb: Any) -> None:
    data = ok_json(pb("smaa", "--samples", "2000", "--format", "json"))
    assert set(data) == SMAA_KEYS
    assert data["weights"] == "simplex" and (data["samples"], data["seed"]) == (2000, 0)
    rows = data["options"]
    assert set(rows[0]) == {"option", "title", "first", "confidence"} | {
        f"rank {r}" for r in range(1, 5)
    }
    for row in rows:
        assert sum(row[f"rank {r}"] for r in range(1, 5)) == pytest.approx(1.0)
    assert [r["first"] for r in rows] == sorted((r["first"] for r in rows), reverse=True)


def test_smaa_around_a_preset_says_so_and_is_seeded(pb: Any) -> None:
    args = (
        "smaa",
        "--samples",
        "2000",
        "--preset",
        "hawk",
        "--delta",
        "0.1",
        "--seed",
        "3",
        "--format",
        "json",
    )
    first, again = ok_json(pb(*args)), ok_json(pb(*args))
    assert first["weights"] == {"around": "preset hawk", "delta": 0.1}
    assert first == again


def test_smaa_with_uncertain_scores_and_another_method(pb: Any) -> None:
    args = (
        "smaa",
        "--samples",
        "2000",
        "--uncertain-scores",
        "--method",
        "topsis",
        "--format",
        "json",
    )
    data = ok_json(pb(*args))
    assert data["uncertain_scores"] is True and data["method"] == "topsis"


def test_smaa_text_and_csv(pb: Any) -> None:
    text = pb("smaa", "--samples", "2000").stdout.splitlines()
    assert text[0].startswith("SMAA · wsm · 2,000 samples · seed 0 · catalog ")
    assert text[1] == "Weights sampled from the whole weight space (every possible weighting)."
    assert text[2].split() == [
        "option",
        "first",
        "rank",
        "1",
        "rank",
        "2",
        "rank",
        "3",
        "rank",
        "4",
        "confidence",
    ]
    csv = pd.read_csv(io.StringIO(pb("smaa", "--samples", "2000", "--format", "csv").stdout))
    assert len(csv) == 4 and "confidence" in csv.columns


def test_smaa_delta_needs_weights_to_sample_around(pb: Any) -> None:
    result = pb("smaa", "--samples", "2000", "--delta", "0.1")
    assert result.exit_code == 1
    assert "--delta needs a profile, preset or weights" in result.stderr


def test_rank_ranks_the_default_set_screened_and_says_what_it_set_aside(
    packaged_catalog: Path,
) -> None:
    root = packaged_catalog
    data = ok_json(runner.invoke(app, ["rank", "--format", "json", "--options", str(root)]))
    assert {r["option"] for r in data["ranking"]} == {"status-quo", "summits"}
    assert data["screen"] == ["feasibility>=5"] and data["all"] is False
    assert data["screened_out"] == [
        {"option": "liaison", "title": "Liaison officers", "failed": ["feasibility 4 < 5"]}
    ]
    text = runner.invoke(app, ["rank", "--options", str(root)]).stdout
    assert "Set aside by the screen (feasibility>=5), whatever the weights:" in text
    assert "[liaison]: feasibility 4 < 5" in text and "Why feasibility>=5: Test." in text
    every = ok_json(
        runner.invoke(
            app,
            ["rank", "--all", "--no-default-screen", "--format", "json", "--options", str(root)],
        )
    )
    assert {r["option"] for r in every["ranking"]} == {
        "status-quo",
        "summits",
        "liaison",
        "two-plus-two",
    }
    assert every["screened_out"] == [] and every["all"] is True


def test_rank_require_screens_by_the_catalogs_scale(pb: Any) -> None:
    data = ok_json(
        pb("rank", "--require", "backlash<=4", "--require", "feasibility>=5", "--format", "json")
    )
    assert {r["option"] for r in data["ranking"]} == {"summits", "status-quo"}
    failed = {s["option"]: s["failed"] for s in data["screened_out"]}
    assert failed == {
        "liaison": ["backlash 6 > 4", "feasibility 4 < 5"],  # in the order required
        "two-plus-two": ["backlash 5 > 4"],
    }


@pytest.mark.parametrize(
    ("requirement", "message"),
    [
        ("vibes>=1", "unknown criterion 'vibes'"),
        ("feasibility>=12", "off the catalog's 0–10 scale"),
        ("feasibility=>3", "write criterion>=value"),
        ("feasibility>=8", "leaves only 'status-quo' to rank"),
    ],
)
def test_a_bad_or_emptying_requirement_is_exit_1_naming_it(
    pb: Any, requirement: str, message: str
) -> None:
    result = pb("rank", "--require", requirement)
    assert result.exit_code == 1 and message in result.stderr and result.stdout == ""


def test_smaa_around_given_weights_by_default_and_the_whole_space_on_request(pb: Any) -> None:
    around = ok_json(pb("smaa", "--samples", "2000", "--preset", "hawk", "--format", "json"))
    assert around["weights"] == {"around": "preset hawk", "delta": 0.1}
    assert around["sampled"] == "Weights sampled within ±0.1 of preset hawk."
    whole = ok_json(
        pb("smaa", "--samples", "2000", "--preset", "hawk", "--whole-simplex", "--format", "json")
    )
    assert whole["weights"] == "simplex" and "whole weight space" in whole["sampled"]
    assert [r["first"] for r in around["options"]] != [r["first"] for r in whole["options"]]
    both = pb("smaa", "--preset", "hawk", "--delta", "0.2", "--whole-simplex")
    assert both.exit_code == 1 and "contradict" in both.stderr
