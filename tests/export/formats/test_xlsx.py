"""XLSX (src/policybench/export/formats/xlsx.py): one formatted sheet per part, numbers whole
with display formats, text never a formula or a link."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import openpyxl
import pytest

from policybench import __version__
from policybench.export.formats import xlsx
from policybench.export.report import Report

from ..conftest import FIXED_TIME, HOSTILE


def _workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_xlsx_has_one_formatted_sheet_per_part(report: Report) -> None:
    wb = _workbook(xlsx.render(report))
    assert wb.sheetnames == [
        "Summary",
        "Ranking",
        "Comparison",
        "Quotes",
        "Criteria",
        "SMAA",
        "SMAA central weights",
        "Group ranking",
        "Weight spread",
        "Disagreement drivers",
        "Participants",
        "Reasons",
        "Metadata",
    ]
    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows(min_row=2) if r[0].value}
    assert wb["Summary"]["A1"].value == report.title
    assert summary["In brief"] == report.summary[0] and summary["Caveats"] == report.caveats[0]
    assert summary["weights from"] == "Deterrence first (preset)"
    assert summary["options in play"].startswith("4: the default set")
    ranking = wb["Ranking"]
    assert ranking.freeze_panes == "A3"
    assert ranking["A1"].value == "Weighted sum — wsm (scale)"
    assert [c.value for c in ranking[2]][:7] == [
        "Rank",
        "Option id",
        "Option",
        "Group",
        "Status quo",
        "Score",
        "Feasibility adds",
    ]
    assert ranking["A3"].value == 1 and ranking["A3"].number_format == "0"
    first = report.rankings[0].table.iloc[0]
    assert ranking["B3"].value == first["option"] and ranking["E3"].value is bool(first["baseline"])
    assert ranking["F3"].number_format == "0.000"  # shown to three decimals ...
    assert ranking["F3"].value == first["score"]  # ... kept whole

    comp = wb["Comparison"]
    assert comp.freeze_panes == "C3"
    headers = [c.value for c in comp[2]]
    assert headers[:7] == ["Option id", "Option", "Group", "Status quo", "Score", "Low", "High"]
    assert comp["E1"].value == "Feasibility (benefit)"
    assert any(str(r) == "E1:G1" for r in comp.merged_cells.ranges)
    bands = {c.value for c in comp[1] if c.value}
    assert {"Weighted sum", "TOPSIS"} <= bands
    headers = list(report.comparison.columns)  # the same order, named for people above
    col = headers.index("score:feasibility") + 1
    assert comp.cell(3, col).value == report.comparison["score:feasibility"].iloc[0]
    assert comp.cell(3, col).number_format == "0.0#"
    total = headers.index("wsm:total") + 1
    assert comp.cell(3, total).value == pytest.approx(report.comparison["wsm:total"].iloc[0])
    assert comp.auto_filter.ref is not None
    assert comp.column_dimensions["B"].width > 8

    quotes = wb["Quotes"]
    assert quotes.freeze_panes == "A2"
    assert [c.value for c in quotes[1]][:6] == [
        "Where",
        "Option id",
        "Criterion id",
        "Preset",
        "Stance",
        "Quote",
    ]
    assert quotes.max_row == len(report.quotes) + 1
    qcol = list(report.quotes.columns).index("quote") + 1
    assert quotes.cell(2, qcol).value == report.quotes["quote"].iloc[0]
    assert quotes.cell(2, qcol).alignment.wrap_text
    assert quotes.column_dimensions["F"].width >= 60

    smaa = wb["SMAA"]
    assert smaa["C1"].value == "Ranked first (share)" and smaa["C2"].number_format == "0.0%"
    central = wb["SMAA central weights"]
    assert any(
        c.value is None for row in central.iter_rows(min_row=2) for c in row[1:]
    )  # NaN: blank

    meta = {r[0].value: r[1].value for r in wb["Metadata"].iter_rows(min_row=2)}
    assert meta["weights from"] == "Deterrence first (preset)"
    assert meta["catalog fingerprint"] == report.metadata["catalog_fingerprint"]
    assert re.fullmatch(r"[0-9a-f]{12}", meta["catalog fingerprint"])
    assert meta["policybench version"] == __version__
    assert meta["generated at"] == FIXED_TIME
    assert meta["method 1"].startswith("Weighted sum, wsm (scale)")
    assert meta["method 2"] == "TOPSIS, topsis (minmax)"
    assert meta["weight: deterrence"] == pytest.approx(0.75)
    assert meta["smaa: samples"] == "1000"
    assert wb.properties.title == report.title


def test_xlsx_text_is_never_a_formula_or_a_link(hostile_report: Report) -> None:
    content = xlsx.render(hostile_report)
    wb = _workbook(content)
    # every cell of each text, wherever it stands: a text shown as a band on one sheet and as
    # a header on another must be inert in both places
    seen: dict[str, list[Any]] = {}
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None
                if isinstance(cell.value, str):
                    seen.setdefault(cell.value, []).append(cell)
    for bad in (
        HOSTILE["formula_title"],
        HOSTILE["minus_title"],
        HOSTILE["plus_title"],
        HOSTILE["at_title"],  # an option's title: a data cell
        HOSTILE["at_name"],  # a criterion's name: a data cell on the Criteria sheet ...
        HOSTILE["at_name"] + " (cost)",  # ... a band over the Comparison's columns ...
        HOSTILE["at_name"] + " adds",  # ... and a header on the Ranking sheet
        "=cmd|' /C calc'!A0",  # a participant's name
        HOSTILE["challenge_reason"],  # a challenge's reason and quote (the workshop's rounds)
        HOSTILE["challenge_quote"],
    ):
        assert bad in seen, bad  # kept intact...
        for cell in seen[bad]:  # ...and inert
            assert cell.data_type == "s" and cell.quotePrefix, (bad, cell.coordinate)
    # every text cell that starts like a formula carries the prefix, wherever it is
    formula_like = [v for v in seen if v[:1] in {"=", "+", "-", "@", "\t", "\r", "\n"}]
    assert len(formula_like) >= 8
    bare = [
        (c.parent.title, c.coordinate, v)
        for v in formula_like
        for c in seen[v]
        if not c.quotePrefix
    ]
    assert not bare
    assert not any(c.quotePrefix for c in seen["Rank"] + seen["Option id"])
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets and "hyperlink" not in sheets
