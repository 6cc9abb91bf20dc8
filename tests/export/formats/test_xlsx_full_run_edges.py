"""Edges of the XLSX workbook (src/policybench/export/formats/xlsx.py) that the full mutation
run of session 8 found unguarded (docs/TESTING.md): the look of headers and bands (shading,
wrap, border, and the bold, centred, inert band over a column named like a formula), the
merged band cells, the booleans, which cells wrap, the widest column, the Summary and
Metadata sheets' columns and rows, the document's date, subject and comments, SMAA's shares
as percentages, and :func:`~policybench.export.formats.xlsx.write_table`'s own headers. Each
test names the mutants it kills (mutmut's names, under ``policybench.export.formats.xlsx.``,
or ``common.`` where a mutant of the shared module shows only in the workbook).

Some of these look at the workbook's XML: openpyxl rebuilds the cells of a merged range from
its first cell when it reads a file, so the formats xlsxwriter gave them are seen only there.
"""

from __future__ import annotations

import dataclasses
import io
import re
import warnings
import zipfile
from datetime import datetime

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from openpyxl.utils import get_column_letter

from policybench.catalog import Catalog
from policybench.export.compare import compare_report, perspective
from policybench.export.formats import xlsx
from policybench.export.formats.common import bands, metadata_items
from policybench.export.formats.xlsx import Formats, write_table
from policybench.export.report import Report

from ..conftest import FIXED_TIME, HOSTILE


def _workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def _sheet_xml(content: bytes, name: str) -> str:
    """The XML of a sheet (xlsxwriter numbers the files in the order the sheets were made)."""
    number = _workbook(content).sheetnames.index(name) + 1
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read(f"xl/worksheets/sheet{number}.xml").decode()


def _widths(xml: str) -> list[tuple[int, int, int]]:
    """``(first column, last column, width)`` of each column range given a width, from 1."""
    cols = re.findall(r'<col min="([0-9]+)" max="([0-9]+)" width="([0-9.]+)"', xml)
    return [(int(a), int(b), int(float(w))) for a, b, w in cols]  # int: xlsxwriter pads


def _styles(xml: str) -> dict[str, int]:
    """``{cell: style index}`` of every cell written, blank ones too."""
    return {
        ref: int(style)
        for ref, style in re.findall(r'<c r="([A-Z]+[0-9]+)"[^>]*? s="([0-9]+)"', xml)
    }


def test_headers_are_shaded_wrapped_and_underlined(report: Report) -> None:
    """``Formats.header`` 11, 15, 20 (the wrap: a long header breaks into lines instead of
    widening its column) and 13 (the light blue shading), on every sheet's header row."""
    wb = _workbook(xlsx.render(report))
    cells = [wb["Comparison"]["A2"], wb["Ranking"]["F2"], wb["Quotes"]["A1"], wb["SMAA"]["C1"]]
    assert [c.value for c in cells] == ["Option id", "Score", "Where", "Ranked first (share)"]
    for c in cells:
        assert c.font.b and c.alignment.wrap_text, c.coordinate
        assert (c.fill.fill_type, c.fill.fgColor.rgb) == ("solid", "FFDDEBF7"), c.coordinate
        assert c.border.bottom.style == "thin", c.coordinate


def test_bands_are_shaded_centred_and_underlined(report: Report) -> None:
    """``Formats.band`` 17 (the darker blue shading that sets the bands apart from the headers
    below), 15, 19 (the thin line under a band dropped) and 25 (a medium line for the thin)."""
    wb = _workbook(xlsx.render(report))
    for c in (wb["Comparison"]["A1"], wb["Comparison"]["E1"], wb["Ranking"]["A1"]):
        assert c.value in {"Option", "Feasibility (benefit)", "Weighted sum — wsm (scale)"}
        assert c.font.b and c.alignment.horizontal == "center", c.coordinate
        assert (c.fill.fill_type, c.fill.fgColor.rgb) == ("solid", "FFBDD7EE"), c.coordinate
        assert c.border.bottom.style == "thin", c.coordinate


def test_a_band_named_like_a_formula_is_bold_centred_and_inert(hostile_report: Report) -> None:
    """``Formats.band`` 2, 5, 8 (bold), 6, 9 (centred), 4, 7, 11 (the quote prefix) of a band
    whose criterion's name starts with ``@``. The same text is a header and a data cell on
    other sheets, so each cell that starts like a formula is checked where it is, not by its
    text."""
    content = xlsx.render(hostile_report)
    wb = _workbook(content)
    band = wb["Comparison"]["K1"]
    assert band.value == HOSTILE["at_name"] + " (cost)"
    assert band.data_type == "s" and band.quotePrefix
    assert band.font.b and band.alignment.horizontal == "center"
    assert "K1:M1" in {str(r) for r in wb["Comparison"].merged_cells.ranges}
    unguarded = [
        (ws.title, c.coordinate)
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r\n" and not c.quotePrefix
    ]
    assert unguarded == []


def test_each_band_is_merged_over_exactly_its_columns(report: Report) -> None:
    """``band_row`` 5: a band over two columns (TOPSIS: score and rank) is merged too, as
    every band of more than one column is, and no other cells are."""
    wb = _workbook(xlsx.render(report))
    spans, start = [], 1
    for _, cols in bands(report):
        if len(cols) > 1:
            spans.append(f"{get_column_letter(start)}1:{get_column_letter(start + len(cols) - 1)}1")
        start += len(cols)
    assert ("TOPSIS", 2) in [(label, len(cols)) for label, cols in bands(report)]
    assert sorted(str(r) for r in wb["Comparison"].merged_cells.ranges) == sorted(spans)


def test_every_cell_under_a_band_carries_its_format(report: Report) -> None:
    """``band_row`` 11, 17: the merged cells after a band's first carry the band's format
    (Excel draws a merged range's border cell by cell: without it the line under a band
    stops after its first column)."""
    content = xlsx.render(report)
    styles = _styles(_sheet_xml(content, "Comparison"))
    start = 1
    for label, cols in bands(report):
        refs = [f"{get_column_letter(start + j)}1" for j in range(len(cols))]
        assert {styles.get(ref) for ref in refs} == {styles[refs[0]]}, label
        start += len(cols)
    ranking = _styles(_sheet_xml(content, "Ranking"))
    width = len(report.rankings[0].table.columns)
    assert {ranking.get(f"{get_column_letter(j + 1)}1") for j in range(width)} == {ranking["A1"]}


def test_a_band_of_one_column_is_a_plain_cell(report: Report) -> None:
    """``band_row`` 4: a band over one column is written, not merged (xlsxwriter refuses to
    merge a single cell and warns)."""
    one = dataclasses.replace(report, comparison=report.comparison.drop(columns=["topsis:rank"]))
    assert [len(cols) for label, cols in bands(one) if label == "TOPSIS"] == [1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = _workbook(xlsx.render(one))
    assert [str(w.message) for w in caught] == []
    ws = wb["Comparison"]
    last = get_column_letter(len(one.comparison.columns))
    assert ws[f"{last}1"].value == "TOPSIS" and ws[f"{last}1"].font.b
    assert not [r for r in ws.merged_cells.ranges if str(r).startswith(f"{last}1")]


def test_a_status_quo_is_a_true_cell_in_the_cells_font(report: Report) -> None:
    """``write_cell`` 16, 22 (every boolean written FALSE) and 17, 21 (a boolean written
    without the workbook's format: bottom-aligned beside its row's top-aligned text)."""
    ws = _workbook(xlsx.render(report))["Ranking"]
    table = report.rankings[0].table
    assert ws["E2"].value == "Status quo"
    cells = [ws.cell(i + 3, 5) for i in range(len(table))]
    assert [c.value for c in cells] == [bool(b) for b in table["baseline"]]
    assert True in [c.value for c in cells] and False in [c.value for c in cells]
    assert {(c.data_type, c.font.name, c.alignment.vertical) for c in cells} == {
        ("b", "Calibri", "top")
    }


def test_only_long_text_wraps_and_a_blank_in_its_column_wraps_too(report: Report) -> None:
    """``write_cell`` 1 (every text cell wrapped unless told not to: a title or an option's
    name would break into lines in a narrow column) and 13 (a blank cell in a wrapped column
    loses the wrap, so a note typed there later runs over its neighbours)."""
    wb = _workbook(xlsx.render(report))
    assert not wb["Summary"]["A1"].alignment.wrap_text  # the title
    assert not wb["Summary"]["A3"].alignment.wrap_text  # "In brief"
    assert wb["Comparison"]["B2"].value == "Option"
    assert not wb["Comparison"]["B3"].alignment.wrap_text
    quotes = wb["Quotes"]
    col = [c.value for c in quotes[1]].index("Rationale") + 1
    blank = [quotes.cell(r, col) for r in range(2, quotes.max_row + 1)]
    blank = [c for c in blank if c.value is None]
    assert blank  # the presets' quotes have no rationale
    assert all(c.alignment.wrap_text for c in blank)


def test_a_column_of_long_text_stops_at_48_characters(hostile_report: Report) -> None:
    """``_width`` 16: the option's title column, whose longest title is 49 characters, is
    48 wide (the cap), not 49."""
    ws = _workbook(xlsx.render(hostile_report))["Comparison"]
    assert ws["B2"].value == "Option"
    assert max(len(t) for t in hostile_report.comparison["title"]) + 2 > 49
    assert int(ws.column_dimensions["B"].width) == 48  # xlsxwriter adds its padding


def test_the_summary_sheet_has_a_label_column_and_a_wide_text_column(report: Report) -> None:
    """``_summary_sheet`` 12-15, 18 (the labels' column 28 wide) and 21-27 (the text column
    100 wide, and only that one: a third column keeps Excel's width)."""
    assert _widths(_sheet_xml(xlsx.render(report), "Summary")) == [(1, 1, 28), (2, 2, 100)]


def test_a_table_written_without_headers_is_headed_by_its_column_ids() -> None:
    """``write_table`` 5, 8 (the default headers: the columns' own names) and 12, 15, 16 (a
    header list of the wrong length is refused, not written with a column left unnamed)."""
    df = pd.DataFrame({"option": ["liaison", "summits"], "score": [0.25, 0.5]})
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fmts = Formats(wb)
    ws = wb.add_worksheet("t")
    assert write_table(ws, df, fmts, row=1, col=1) == 4
    with pytest.raises(ValueError, match="zip"):
        write_table(wb.add_worksheet("u"), df, fmts, headers=["Option id"])
    wb.close()
    sheet = _workbook(buffer.getvalue())["t"]
    assert [[c.value for c in row] for row in sheet["B2:C4"]] == [
        ["option", "score"],
        ["liaison", 0.25],
        ["summits", 0.5],
    ]


@pytest.fixture(scope="module")
def compared(tiny: Catalog) -> Report:
    hawk = perspective(tiny, tiny.presets_by_id["hawk"].weights, "hawk")
    equal = perspective(tiny, tiny.presets_by_id["equal"].weights, "equal")
    return compare_report(tiny, [hawk, equal], timestamp=FIXED_TIME, charts=False)


def test_the_metadata_sheet_lists_each_weight_once_on_its_own_row(
    report: Report, compared: Report
) -> None:
    """``_metadata_sheet`` 12, 14, 15 (the weights' one-line summary kept beside the rows
    that hold them one by one), 18, 19 (a perspective's one-line summary kept), 21-23 (the
    perspectives' weights not read: the first perspective's alone, unnamed), 32 (each
    perspective's weights not named after it: every criterion's weight twice under one name)
    and 50, 54, 65, 69 (the "field" and "value" headers without the header's look); 146, 147
    (the value column's width of 70 given to the empty third column too)."""
    content = xlsx.render(compared)
    longest = len("weight (equal): feasibility")  # the longest field
    assert _widths(_sheet_xml(content, "Metadata")) == [(1, 1, longest + 2), (2, 2, 70)]
    ws = _workbook(content)["Metadata"]
    assert [(c.value, c.font.b) for c in ws[1]] == [("field", True), ("value", True)]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]
    assert [k for k, _ in rows] == [
        "perspectives",
        "method",
        "options",
        "catalog fingerprint",
        "policybench version",
        "generated at",
        "weight (hawk): feasibility",
        "weight (hawk): deterrence",
        "weight (hawk): backlash",
        "weight (equal): feasibility",
        "weight (equal): deterrence",
        "weight (equal): backlash",
    ]
    assert [v for _, v in rows[-6:]] == pytest.approx([0.125, 0.75, 0.125, *[1 / 3] * 3])
    fields = [c.value for c in _workbook(xlsx.render(report))["Metadata"]["A"]]
    assert "weights" not in fields
    assert [f for f in fields if f.startswith("weight")] == [
        "weights from",
        "weights as given",
        "weight: feasibility",
        "weight: deterrence",
        "weight: backlash",
    ]


def test_the_summary_sheet_runs_its_blocks_one_under_the_other(report: Report) -> None:
    """``_summary_sheet`` 99, 101 (a blank row left for a block with no lines: here no
    caveats), 138 (a blank row between the stamp's lines) and 81, 88, 92, 124, 131, 135
    (the text column's lines not wrapped: a long verdict would run off the screen)."""
    quiet = dataclasses.replace(report, caveats=())
    ws = _workbook(xlsx.render(quiet))["Summary"]
    n, stamp = len(report.summary), metadata_items(report)
    rows = [(c.value, d.value) for c, d in ws.iter_rows(max_col=2)]
    assert rows == [
        (report.title, None),
        (None, None),
        ("In brief", report.summary[0]),
        *[(None, line) for line in report.summary[1:]],
        (None, None),
        *stamp,
    ]
    text = [d for _, d in ws.iter_rows(max_col=2) if d.value is not None]
    assert len(text) == n + len(stamp)
    assert all(d.alignment.wrap_text for d in text)


def test_the_workbook_is_described_and_dated_by_its_stamp(report: Report) -> None:
    """``render`` 19, 46, 47 (the document's date: the report's, not the moment it was
    written), 34-37 (its subject) and 42, 43, 45 (its comments: the stamp's lines)."""
    props = _workbook(xlsx.render(report)).properties
    assert props.created == datetime(2025, 1, 31, 9, 30)  # FIXED_TIME, "...Z"
    assert props.subject == "policybench export"
    assert props.description == " | ".join(report.stamp_lines)
    assert props.description.count(" | ") == len(report.stamp_lines) - 1 >= 1


def test_smaa_shares_are_percentages(report: Report) -> None:
    """``common.kind`` 30, 31 (the confidence) and 35, 36 (the share of each rank, "rank 1",
    "rank 2", ...) shown as "0.000" instead of as percentages, beside "Ranked first"."""
    ws = _workbook(xlsx.render(report))["SMAA"]
    heads = [c.value for c in ws[1]]
    shares = [h for h in heads if h == "Confidence" or h.startswith(("Rank ", "Ranked first"))]
    n = len(report.comparison)
    assert sorted(shares) == sorted(
        ["Ranked first (share)", "Confidence", *[f"Rank {k} (share)" for k in range(1, n + 1)]]
    )
    for h in shares:
        col = heads.index(h) + 1
        assert {ws.cell(r, col).number_format for r in range(2, ws.max_row + 1)} == {"0.0%"}, h


def test_an_empty_quotes_table_is_filtered_on_its_header_row_alone(report: Report) -> None:
    """``render`` 213: with no quotes, the filter covers the header row, not an empty row
    under it too."""
    none = dataclasses.replace(report, quotes=report.quotes.iloc[:0])
    ws = _workbook(xlsx.render(none))["Quotes"]
    last = get_column_letter(len(report.quotes.columns))
    assert (ws.max_row, ws.auto_filter.ref) == (1, f"A1:{last}1")


def test_only_a_table_that_starts_with_the_option_keeps_its_column_in_view(
    hostile_report: Report,
) -> None:
    """``render`` 272: a table whose option comes second (the challenges the room saw, after
    the round) freezes its header row alone, not its first two columns."""
    wb = _workbook(xlsx.render(hostile_report))
    seen = wb["Challenges the room saw, by rou"]
    assert [c.value for c in seen[1]][:2] == ["Seen in round", "Option id"]
    assert seen.freeze_panes == "A2"
    assert wb["SMAA"].freeze_panes == "B2"  # the option first: its column stays too
