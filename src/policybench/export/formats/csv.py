"""CSV: the comparison table alone, one row per option (DESIGN: "CSV holds the comparison
table alone"), numbers rounded to three decimals and formula-like text neutralised."""

from __future__ import annotations

import pandas as pd

from policybench.export.formats.common import DECIMALS
from policybench.export.report import Report
from policybench.present.text import cell


def render(report: Report) -> str:
    """The comparison table as CSV text."""
    df = report.comparison.copy()
    df.columns = [cell(c) for c in df.columns]
    for col in df.columns:
        if pd.api.types.is_float_dtype(df[col]):
            df[col] = df[col].round(DECIMALS) + 0.0  # + 0.0: no "-0.0"
        elif df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = [cell(v) for v in df[col]]
    return str(df.to_csv(index=False, lineterminator="\n"))
