"""Edges of the XLSX workbook (src/policybench/export/formats/xlsx.py) that mutation testing
found unguarded (docs/TESTING.md): the cells' font and alignment, the header and band formats,
the characters a sheet name may not hold and how a repeated name is numbered, the autofilters,
the frozen panes, where each ranking starts, the layout of the Summary and Metadata sheets and
the document's author. Each test names the mutant it kills (mutmut's names, under
``policybench.export.formats.xlsx.``)."""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from policybench import __version__
from policybench.analysis.rank import rank_catalog
from policybench.catalog import Catalog
from policybench.export.formats import xlsx
from policybench.export.formats.xlsx import sheet_name
from policybench.export.report import Report, Section, build_report

from ..conftest import FIXED_TIME


def _workbook(report: Report) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx.render(report)))


def test_every_cell_is_set_in_calibri(report: Report) -> None:
    """``Formats.get`` 9: the font every format is made with."""
    wb = _workbook(report)
    cells = [
        wb["Summary"]["A1"],  # the title
        wb["Comparison"]["A1"],  # a band
        wb["Comparison"]["A2"],  # a header
        wb["Comparison"]["B3"],  # text
        wb["Ranking"]["A3"],  # a number
    ]
    assert [c.font.name for c in cells] == ["Calibri"] * 5
    assert {c.font.sz for c in cells} == {11}


def test_every_cell_is_aligned_to_the_top(report: Report) -> None:
    """``Formats.get`` 17: wrapped text beside a short cell reads from the top of its row."""
    wb = _workbook(report)
    cells = [wb["Summary"]["A1"], wb["Comparison"]["A2"], wb["Quotes"]["B2"], wb["Ranking"]["A3"]]
    assert [c.alignment.vertical for c in cells] == ["top"] * 4


def test_the_criteria_sheet_is_headed_as_people_read_it(report: Report) -> None:
    """``render`` 232: the Criteria sheet's headers, not the machine ids."""
    ws = _workbook(report)["Criteria"]
    assert [c.value for c in ws[1]] == [
        "Criterion id",
        "Criterion",
        "Cluster",
        "Direction",
        "Weight (share)",
    ]


def test_a_narrow_column_is_six_characters_wide(report: Report) -> None:
    """``_width`` 15: the least width, for a column of one-digit numbers under "Low"."""
    ws = _workbook(report)["Comparison"]
    assert ws["F2"].value == "Low"
    assert int(ws.column_dimensions["F"].width) == 6
    assert int(ws.column_dimensions["E"].width) == 7  # "Score" + 2


def test_a_sheet_name_never_holds_a_character_excel_refuses() -> None:
    """``sheet_name`` 10: each of ``[ ] : * ? / \\`` becomes a space."""
    assert sheet_name("a[b]c:d*e?f/g\\h", set()) == "a b c d e f g h"
    assert sheet_name("Tokyo/Seoul: draft?", set()) == "Tokyo Seoul  draft "


def test_a_sheet_name_loses_only_its_outer_apostrophes() -> None:
    """``sheet_name`` 12: Excel refuses a name that starts or ends with ``'``; nothing else
    is stripped (a name starting with X keeps it)."""
    assert sheet_name("'Xi's visit'", set()) == "Xi's visit"
    assert sheet_name("Xi–Yoon summit", set()) == "Xi–Yoon summit"
    assert sheet_name("''", set()) == "Sheet"


def test_names_that_come_again_are_numbered_within_31_characters() -> None:
    """``sheet_name`` 25 (the cut before the number) and 26 (the numbers count up): a name
    used before, in any case, gets " 2", then " 3", cut so that the whole stays at 31."""
    used: set[str] = set()
    assert [sheet_name(n, used) for n in ("Scores", "scores", "SCORES")] == [
        "Scores",
        "scores 2",
        "SCORES 3",
    ]
    long = "Agreement between methods (Kendall's tau)"
    used = set()
    got = [sheet_name(long, used) for _ in range(3)]
    assert got == [
        "Agreement between methods (Kend",
        "Agreement between methods (Ke 2",
        "Agreement between methods (Ke 3",
    ]
    assert {len(n) for n in got} == {31}


def test_a_section_table_with_refused_characters_gets_a_sheet(report: Report) -> None:
    """``sheet_name`` 10 and 12 through a workbook: a table named with characters Excel
    refuses, and one starting with X, each get a sheet named as near as Excel allows."""
    table = pd.DataFrame({"option": ["liaison"], "first": [0.5]})
    extra = Section(
        "extra",
        "Extra",
        {},
        (("Tokyo/Seoul: [draft]?", table), ("Xi–Yoon summit", table)),
    )
    wb = _workbook(dataclasses.replace(report, sections=(*report.sections, extra)))
    assert wb.sheetnames[-3:] == ["Tokyo Seoul   draft  ", "Xi–Yoon summit", "Metadata"]


def test_the_autofilters_cover_each_table_from_its_header_row(report: Report) -> None:
    """``render`` 163, 164 (the comparison's filter starts at its header row, row 2 under the
    bands, and at column A) and 215 (the quotes' filter takes every column)."""
    wb = _workbook(report)
    n, k = report.comparison.shape
    assert wb["Comparison"].auto_filter.ref == f"A2:{get_column_letter(k)}{n + 2}"
    q, j = report.quotes.shape
    assert wb["Quotes"].auto_filter.ref == f"A1:{get_column_letter(j)}{q + 1}"


def test_headers_and_bands_are_bold_and_headers_underlined(
    report: Report, hostile_report: Report
) -> None:
    """``Formats.band`` 16, ``Formats.header`` 14 and 4 (a header that starts like a formula
    keeps its bold beside its quote prefix)."""
    ws = _workbook(report)["Comparison"]
    assert (ws["A1"].value, ws["A1"].font.b) == ("Option", True)
    assert ws["A1"].alignment.horizontal == "center"  # ``Formats.band`` 23
    assert (ws["A2"].value, ws["A2"].font.b, ws["A2"].border.bottom.style) == (
        "Option id",
        True,
        "thin",
    )
    ranking = _workbook(hostile_report)["Ranking"]
    formula_like = [c for c in ranking[2] if str(c.value or "").startswith("@")]
    assert [c.value for c in formula_like] == ["@SUM(1+1) <b>bold</b> adds"]
    assert all(c.font.b and c.quotePrefix for c in formula_like)


def test_each_ranking_starts_one_column_after_the_one_before(tiny: Catalog) -> None:
    """``render`` 103: with three methods the third ranking has its own columns."""
    rankings = [rank_catalog(tiny, method=m) for m in ("wsm", "topsis", "vikor")]
    rep = build_report(tiny, rankings, timestamp=FIXED_TIME, charts=False)
    ws = _workbook(rep)["Ranking"]
    starts = [0]
    for p in rep.rankings[:-1]:
        starts.append(starts[-1] + len(p.table.columns) + 1)
    assert [(c.column - 1, c.value) for c in ws[1] if c.value] == list(
        zip(
            starts,
            ["Weighted sum — wsm (scale)", "TOPSIS — topsis (minmax)", "VIKOR — vikor (none)"],
            strict=True,
        )
    )


def test_the_workbook_says_who_made_it(report: Report) -> None:
    """``render`` 38: the document's author."""
    assert _workbook(report).properties.creator == f"policybench {__version__}"


def test_the_metadata_sheet_has_its_header_and_a_wide_value_column(report: Report) -> None:
    """``_metadata_sheet`` 55 (the header row) and 143 (the value column's width)."""
    ws = _workbook(report)["Metadata"]
    assert (ws["A1"].value, ws["B1"].value) == ("field", "value")
    assert ws["A2"].value == "weights from"
    assert int(ws.column_dimensions["B"].width) == 70
    assert ws["B2"].alignment.wrap_text  # ``_metadata_sheet`` 103: long values wrap
    # ``_metadata_sheet`` 124: the field column fits its longest label (at most 48)
    longest = max(len(str(c.value)) for c in ws["A"])
    assert int(ws.column_dimensions["A"].width) == min(longest + 2, 48)


def test_each_table_keeps_its_header_row_in_view(report: Report) -> None:
    """``render`` 242 and the other panes: the header rows stay, and the option's column
    where a table starts with it."""
    wb = _workbook(report)
    panes = {ws.title: ws.freeze_panes for ws in wb}
    assert (panes["Ranking"], panes["Comparison"], panes["Quotes"], panes["Criteria"]) == (
        "A3",
        "C3",
        "A2",
        "A2",
    )
    assert (panes["SMAA"], panes["Weight spread"], panes["Metadata"]) == ("B2", "A2", "A2")


def test_an_empty_text_is_a_blank_cell(report: Report) -> None:
    """``write_cell`` 5: an empty field (a preset's quote has no option) is a blank cell, not
    an empty string, which Excel's COUNTA and Go To Blanks would treat as filled."""
    ws = _workbook(report)["Quotes"]
    heads = [c.value for c in ws[1]]
    col = heads.index("Option id") + 1
    empty = [r for r in range(2, ws.max_row + 1) if not report.quotes["option"].iloc[r - 2]]
    assert empty  # the presets' quotes
    assert {ws.cell(r, col).value for r in empty} == {None}


def test_the_summary_sheet_leaves_a_blank_row_after_each_block(report: Report) -> None:
    """``_summary_sheet`` 98: the title, then "In brief", "Caveats" and the stamp, each
    block followed by a blank row."""
    ws = _workbook(report)["Summary"]
    n, k = len(report.summary), len(report.caveats)
    column_a = [ws.cell(r, 1).value for r in range(1, 2 + 1 + n + 1 + k + 1 + 1)]
    assert column_a == [
        report.title,
        None,
        "In brief",
        *[None] * (n - 1),
        None,
        "Caveats",
        *[None] * (k - 1),
        None,
        "weights from",
    ]
    assert ws.cell(3, 2).value == report.summary[0]
    assert ws.cell(3 + n + 1, 2).value == report.caveats[0]
