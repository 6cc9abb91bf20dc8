"""JSON: metadata, the summary and caveats, criteria, every ranking, the comparison table,
quotes and sections, at full precision and with the tables' own column ids (machines read it;
NaN becomes null)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from policybench.export.formats.common import jsonable
from policybench.export.report import Report


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [jsonable(r) for r in df.to_dict(orient="records")]


def render(report: Report) -> str:
    """The report as one JSON object."""
    data: dict[str, Any] = {
        "kind": report.kind,
        "metadata": jsonable(report.metadata),
        "summary": list(report.summary),
        "caveats": list(report.caveats),
        "criteria": _records(report.criteria),
        "rankings": [
            {
                "label": p.label,
                "title": p.title,
                "method": p.method,
                "normalization": p.normalization,
                "params": jsonable(p.params),
                "table": _records(p.table),
            }
            for p in report.rankings
        ],
        "comparison": _records(report.comparison),
        "quotes": _records(report.quotes),
    }
    for s in report.sections:
        data[s.key] = {
            "title": s.title,
            "about": jsonable(s.about),
            "tables": {name: _records(t) for name, t in s.tables},
        }
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
