"""CSV (src/policybench/export/formats/csv.py): the comparison table alone, rounded for
people, formula-like text neutralised."""

from __future__ import annotations

import csv
import io

import pandas as pd

from policybench.export.formats import csv as csv_format
from policybench.export.report import Report

from ..conftest import HOSTILE


def test_csv_is_the_comparison_table_alone_and_parses_back(report: Report) -> None:
    text = csv_format.render(report)
    back = pd.read_csv(io.StringIO(text))
    assert list(back.columns) == list(report.comparison.columns)
    assert list(back["option"]) == list(report.comparison["option"])
    pd.testing.assert_frame_equal(back, report.comparison, check_dtype=False, atol=6e-4, rtol=0)
    assert "Relations are often cyclical" not in text  # no quotes in CSV
    assert "generated" not in text


def test_csv_numbers_carry_no_float_noise(report: Report) -> None:
    numbers = [c for row in csv.reader(io.StringIO(csv_format.render(report))) for c in row[4:]]
    decimals = [len(n.split(".", 1)[1]) for n in numbers if "." in n and n[0].isdigit()]
    assert decimals and max(decimals) <= 3


def test_csv_neutralises_formula_starts(hostile_report: Report) -> None:
    rows = list(csv.reader(io.StringIO(csv_format.render(hostile_report))))
    cells = [c for row in rows for c in row]
    for bad in (HOSTILE["formula_title"], HOSTILE["minus_title"], HOSTILE["plus_title"]):
        assert "'" + bad in cells
        assert bad not in cells
    assert not [c for c in cells if c[:1] in {"=", "+", "@", "\t", "\r"}]
