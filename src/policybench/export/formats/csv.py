"""CSV: the comparison table alone, one row per option (DESIGN: "CSV holds the comparison
table alone"), for a spreadsheet: columns named as people read them
(:func:`~policybench.export.formats.common.header`; JSON keeps the ids), numbers rounded to
three decimals, yes/no for the status quo, formula-like text neutralised.

The stamp cannot go into the file without breaking the table, so it goes beside it: in the
file's name (:func:`policybench.export.file_name`) and in a small text file
(:func:`~policybench.export.formats.common.stamp_text`, written by ``policybench export`` and
offered by the app). A file on disk starts with a UTF-8 byte-order mark
(:data:`policybench.export.ENCODINGS`): without it Excel on Windows reads the file in the
machine's legacy code page and garbles every "Japan–ROK".
"""

from __future__ import annotations

import pandas as pd

from policybench.export.formats.common import format_value, headers
from policybench.export.report import Report
from policybench.present.text import cell


def render(report: Report) -> str:
    """The comparison table as CSV text (without the byte-order mark a file gets)."""
    df = report.comparison.copy()
    for col in df.columns:
        if pd.api.types.is_bool_dtype(df[col]) or pd.api.types.is_numeric_dtype(df[col]):
            # as every format writes them: yes/no, ranks whole, the catalog's 0–10 scores as
            # given ("7", not "7.0"), other numbers to DECIMALS places
            df[col] = [format_value(str(col), v) for v in df[col]]
        elif df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = [cell(v) for v in df[col]]
    df.columns = [cell(h) for h in headers(report, report.comparison.columns)]
    return str(df.to_csv(index=False, lineterminator="\n"))
