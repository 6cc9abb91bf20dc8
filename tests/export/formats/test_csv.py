"""CSV (src/policybench/export/formats/csv.py): the comparison table alone, columns named for
people, rounded, yes/no for the status quo, formula-like text neutralised; a file that Excel
reads as UTF-8 (a byte-order mark), and its stamp in a text file beside it."""

from __future__ import annotations

import csv
import dataclasses
import io

import pandas as pd

from policybench import export
from policybench.export.formats import csv as csv_format
from policybench.export.formats.common import header, kind, stamp_text
from policybench.export.report import Report

from ..conftest import FIXED_TIME, HOSTILE


def test_csv_is_the_comparison_table_alone_and_parses_back(report: Report) -> None:
    text = csv_format.render(report)
    back = pd.read_csv(io.StringIO(text))
    ids = list(report.comparison.columns)
    assert list(back.columns) == [header(report, c) for c in ids]
    assert list(back.columns[:5]) == [
        "Option id",
        "Option",
        "Group",
        "Status quo",
        "Feasibility: score",
    ]
    assert {"Weighted sum: Deterrence adds", "Weighted sum: score", "TOPSIS: rank"} <= set(
        back.columns
    )
    back.columns = pd.Index(ids)
    assert list(back["option"]) == list(report.comparison["option"])
    assert set(back["baseline"]) == {"yes", "no"}
    back["baseline"] = back["baseline"] == "yes"
    pd.testing.assert_frame_equal(back, report.comparison, check_dtype=False, atol=6e-4, rtol=0)
    assert "Relations are often cyclical" not in text  # no quotes in CSV
    assert "generated" not in text


def test_a_csv_file_is_utf8_that_excel_reads(report: Report) -> None:
    data = export.render_bytes("csv", report)
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs ...
    assert data.decode("utf-8-sig") == csv_format.render(report)  # ... once, before the text
    assert not csv_format.render(report).startswith("\ufeff")  # standard output gets none
    assert "Status quo" in data.decode("utf-8-sig")


def test_the_csv_stamp_goes_beside_it(report: Report, tmp_path) -> None:
    stamp = stamp_text(report)
    lines = dict(line.split(": ", 1) for line in stamp.splitlines()[2:])
    assert lines["weights from"] == "Deterrence first (preset)"
    assert lines["weights"] == "feasibility=0.125, deterrence=0.750, backlash=0.125"
    assert lines["options in play"].startswith("4: the default set")
    assert lines["screen"] == "none" and lines["set aside by the screen"] == "none"
    assert lines["catalog fingerprint"] == report.metadata["catalog_fingerprint"]
    assert lines["generated at"] == FIXED_TIME
    path = export.write("csv", tmp_path / "brief.csv", report)
    beside = export.write_stamp(path, report)
    assert beside == tmp_path / "brief.stamp.txt"
    assert beside.read_text(encoding="utf-8") == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.csv", "brief.stamp.txt"]


def test_csv_numbers_carry_no_float_noise(report: Report) -> None:
    numbers = [c for row in csv.reader(io.StringIO(csv_format.render(report))) for c in row[4:]]
    decimals = [len(n.split(".", 1)[1]) for n in numbers if "." in n and n[0].isdigit()]
    assert decimals and max(decimals) <= 3


def test_csv_neutralises_formula_starts(hostile_report: Report) -> None:
    rows = list(csv.reader(io.StringIO(csv_format.render(hostile_report))))
    cells = [c for row in rows for c in row]
    for bad in (
        HOSTILE["formula_title"],
        HOSTILE["minus_title"],
        HOSTILE["plus_title"],
        HOSTILE["at_title"],
    ):
        assert "'" + bad in cells, bad  # kept whole, behind the quote...
        assert bad not in cells, bad  # ...never bare
    assert not [c for c in cells if c[:1] in {"=", "+", "-", "@", "\t", "\r", "\n"}]


def test_csv_never_writes_a_negative_zero(report: Report) -> None:
    """A tiny negative (a VIKOR score, float noise in a contribution) is "0.000", never
    "-0.000", and a negative zero is "0.000" too."""
    comparison = report.comparison.copy()
    floats = [c for c in comparison.columns if kind(c) == "float"]
    assert len(floats) >= 2
    comparison[floats[0]] = -1e-9
    comparison[floats[1]] = -0.0
    text = csv_format.render(dataclasses.replace(report, comparison=comparison))
    rows = list(csv.DictReader(io.StringIO(text)))
    for col in floats[:2]:
        assert {row[header(report, col)] for row in rows} == {"0.000"}, col
    assert not [c for row in rows for c in row.values() if c.startswith("-0.0")]


def test_csv_writes_the_catalog_scores_as_given(report: Report) -> None:
    """A 0-10 score is "7" or "6.5" as in the catalog, not "7.000"; ranks are whole."""
    rows = list(csv.DictReader(io.StringIO(csv_format.render(report))))
    scores = [row[header(report, "score:feasibility")] for row in rows]
    assert scores == [format(float(s), "g") for s in scores] and "." not in "".join(scores)
    assert all(row[header(report, "wsm:rank")].isdigit() for row in rows)
