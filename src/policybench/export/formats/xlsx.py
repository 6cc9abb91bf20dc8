"""XLSX: a workbook with one sheet per part — Summary (the verdict, the caveats and the stamp,
for a person opening the file), Ranking, Comparison, Quotes, Criteria, the SMAA and workshop
sections when present, and Metadata. Header rows are frozen, columns sized and named as people
read them, and numbers kept whole in the cells with display formats (ranks as integers, 0–10
scores as given, shares as percentages, other numbers to three decimals).

Text is never a formula or a link: every string is written as a string cell (the workbook is
told not to turn strings into formulas, numbers or URLs), and the formula-like ones carry
Excel's quote-prefix style, so the text stays intact and inert.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from policybench.export.formats.common import (
    about_items,
    bands,
    format_value,
    headers,
    is_missing,
    kind,
    metadata_items,
    part_title,
)
from policybench.export.report import Report
from policybench.present.text import is_formula_like

NUMBER_FORMATS = {
    "rank": "0",
    "raw": "0.0#",
    "scale": "0.0#",
    "share": "0.0%",
    "weight": "0.000",
    "float": "0.000",
}
#: Widths of the columns that hold long text (characters).
WIDE_TEXT = {"quote": 70, "rationale": 50, "citation": 45, "value": 70, "reason": 60}


class Formats:
    """The workbook's cell formats, each made once (xlsxwriter wants one object per look)."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.made: dict[tuple[tuple[str, Any], ...], Any] = {}

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.made:
            self.made[key] = self.workbook.add_format(
                {"font_name": "Calibri", "font_size": 11, "valign": "top", **props}
            )
        return self.made[key]

    def header(self, text: str) -> Any:
        if is_formula_like(text):
            return self.get(bold=True, quote_prefix=True)
        return self.get(bold=True, bg_color="#DDEBF7", bottom=1, text_wrap=True)

    def band(self, text: str) -> Any:
        if is_formula_like(text):
            return self.get(bold=True, align="center", quote_prefix=True)
        return self.get(bold=True, bg_color="#BDD7EE", align="center", bottom=1)


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of ``[]:*?/\\``)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip("'")[:31] or "Sheet"
    # the first of base, "base 2", "base 3", ... not taken: of len(used) + 1 distinct names
    # one is always free, so the search is bounded (no loop that could run on)
    tries = [base] + [_numbered(base, k) for k in range(2, len(used) + 2)]
    out = next(t for t in tries if t.lower() not in used)
    used.add(out.lower())
    return out


def _numbered(base: str, k: int) -> str:
    """``base`` cut to leave room for `` k`` within Excel's 31 characters, then `` k``."""
    suffix = f" {k}"
    return base[: 31 - len(suffix)] + suffix


def write_cell(
    ws: Any, row: int, col: int, column: str, value: Any, fmts: Formats, *, wrap: bool = False
) -> None:
    """Write one value with the right type and display format."""
    if is_missing(value) or value == "":
        ws.write_blank(row, col, None, fmts.get(text_wrap=wrap))
    elif isinstance(value, bool | np.bool_):
        ws.write_boolean(row, col, bool(value), fmts.get())
    elif isinstance(value, int | np.integer):
        ws.write_number(row, col, int(value), fmts.get(num_format=NUMBER_FORMATS["rank"]))
    elif isinstance(value, float | np.floating):
        ws.write_number(row, col, float(value), fmts.get(num_format=NUMBER_FORMATS[kind(column)]))
    else:
        text = str(value)
        props: dict[str, Any] = {"text_wrap": wrap}
        if is_formula_like(text):
            props["quote_prefix"] = True
        ws.write_string(row, col, text, fmts.get(**props))


def _width(column: str, values: Iterable[Any], header: str) -> float:
    if column in WIDE_TEXT:
        return WIDE_TEXT[column]
    longest = max([len(header), *(len(format_value(column, v)) for v in values)])
    return float(min(max(longest + 2, 6), 48))


def write_table(
    ws: Any,
    df: pd.DataFrame,
    fmts: Formats,
    *,
    row: int = 0,
    col: int = 0,
    headers: Sequence[str] | None = None,
) -> int:
    """Write ``df`` with its header at (row, col); set widths; return the next free row."""
    heads = list(headers) if headers is not None else [str(c) for c in df.columns]
    for j, (column, head) in enumerate(zip(df.columns, heads, strict=True)):
        ws.write_string(row, col + j, head, fmts.header(head))
        ws.set_column(col + j, col + j, _width(column, df[column], head))
    for i, values in enumerate(df.itertuples(index=False), start=1):
        for j, (column, v) in enumerate(zip(df.columns, values, strict=True)):
            write_cell(ws, row + i, col + j, column, v, fmts, wrap=column in WIDE_TEXT)
    return row + len(df) + 1


def band_row(ws: Any, row: int, col: int, spans: Sequence[tuple[str, int]], fmts: Formats) -> None:
    """Band labels over groups of columns, merged across each group."""
    start = col
    for label, n in spans:
        fmt = fmts.band(label)
        if n > 1:
            ws.merge_range(row, start, row, start + n - 1, "", fmt)
        ws.write_string(row, start, label, fmt)
        start += n


def _summary_sheet(wb: Any, report: Report, fmts: Formats, used: set[str]) -> None:
    """The first sheet: the title, the verdict or who leads, the caveats and the stamp, as
    wrapped text in one wide column."""
    ws = wb.add_worksheet(sheet_name("Summary", used))
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 100)
    row = 0
    write_cell(ws, row, 0, "title", report.title, fmts)
    row += 2
    for label, lines in (("In brief", report.summary), ("Caveats", report.caveats)):
        for k, line in enumerate(lines):
            write_cell(ws, row, 0, "field", label if k == 0 else "", fmts)
            write_cell(ws, row, 1, "value", line, fmts, wrap=True)
            row += 1
        row += 1 if lines else 0
    for field_name, text in metadata_items(report):
        write_cell(ws, row, 0, "field", field_name, fmts)
        write_cell(ws, row, 1, "value", text, fmts, wrap=True)
        row += 1


def _metadata_sheet(wb: Any, report: Report, fmts: Formats, used: set[str]) -> None:
    ws = wb.add_worksheet(sheet_name("Metadata", used))
    rows: list[tuple[str, Any]] = [
        (k, v) for k, v in metadata_items(report) if k != "weights" and not k.startswith("weights:")
    ]
    for p in report.metadata.get("perspectives") or [
        {"key": "", "weights": report.metadata["weights"]}
    ]:
        at = f" ({p['key']})" if p["key"] else ""
        rows += [(f"weight{at}: {c}", float(w)) for c, w in p["weights"].items()]
    for s in report.sections:
        rows += [(f"{s.key}: {k}", v) for k, v in about_items(s.about)]
    ws.write_string(0, 0, "field", fmts.header("field"))
    ws.write_string(0, 1, "value", fmts.header("value"))
    for i, (k, v) in enumerate(rows, start=1):
        write_cell(ws, i, 0, "field", k, fmts)
        write_cell(ws, i, 1, "weight" if k.startswith("weight") else "value", v, fmts, wrap=True)
    ws.set_column(0, 0, _width("field", [k for k, _ in rows], "field"))
    ws.set_column(1, 1, 70)
    ws.freeze_panes(1, 0)


def render(report: Report) -> bytes:
    """The report as an XLSX workbook."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    created = datetime.fromisoformat(
        str(report.metadata["generated_at"]).replace("Z", "+00:00")
    ).replace(tzinfo=None)
    wb.set_properties(
        {
            "title": report.title,
            "subject": "policybench export",
            "author": f"policybench {report.metadata['policybench_version']}",
            "comments": " | ".join(report.stamp_lines),
            "created": created,
        }
    )
    fmts = Formats(wb)
    used: set[str] = set()
    _summary_sheet(wb, report, fmts, used)

    ws = wb.add_worksheet(sheet_name("Ranking", used))
    col = 0
    for p in report.rankings:
        heads = headers(report, p.table.columns)
        band_row(ws, 0, col, [(part_title(report, p), len(heads))], fmts)
        write_table(ws, p.table, fmts, row=1, col=col, headers=heads)
        col += len(heads) + 1
    ws.freeze_panes(2, 0)

    ws = wb.add_worksheet(sheet_name("Comparison", used))
    banded = bands(report)
    band_row(ws, 0, 0, [(b, len(cols)) for b, cols in banded], fmts)
    short = [head for _, cols in banded for _, head in cols]
    end = write_table(ws, report.comparison, fmts, row=1, headers=short)
    ws.freeze_panes(2, 2)
    ws.autofilter(1, 0, end - 1, len(report.comparison.columns) - 1)

    ws = wb.add_worksheet(sheet_name("Quotes", used))
    end = write_table(ws, report.quotes, fmts, headers=headers(report, report.quotes.columns))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(end - 1, 0), len(report.quotes.columns) - 1)

    ws = wb.add_worksheet(sheet_name("Criteria", used))
    write_table(ws, report.criteria, fmts, headers=headers(report, report.criteria.columns))
    ws.freeze_panes(1, 0)

    for s in report.sections:
        for name, t in s.tables:
            ws = wb.add_worksheet(sheet_name(name, used))
            write_table(ws, t, fmts, headers=headers(report, t.columns))
            ws.freeze_panes(1, 1 if "option" in t.columns[:1] else 0)

    _metadata_sheet(wb, report, fmts, used)
    wb.close()
    return buffer.getvalue()
