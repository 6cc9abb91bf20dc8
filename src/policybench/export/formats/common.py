"""What the formats share: how each column's numbers are written, the comparison table's
banded headers, and the report's stamp as ``(label, text)`` pairs."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from policybench.export.report import Report

#: Decimals of every non-integer number people read in an export (scores, weights, shares).
DECIMALS = 3


def kind(column: str) -> str:
    """How a column's numbers are shown: ``rank``, ``raw`` (the catalog's 0–10 scores),
    ``share``, ``weight`` or ``float``."""
    if column == "rank" or column.endswith(":rank") or column.endswith(" rank"):
        return "rank"
    if column.startswith(("score:", "low:", "high:")):
        return "raw"
    if column in {"first", "confidence", "agreement"} or column.startswith("rank "):
        return "share"
    if column == "weight" or column.startswith("weight:") or column.endswith(":weight"):
        return "weight"
    return "float"


def is_missing(value: Any) -> bool:
    """None, NaN, ``pd.NA`` or ``pd.NaT``."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(float(value))
    return value is pd.NA or value is pd.NaT


def format_value(column: str, value: Any) -> str:
    """A cell as text for Markdown and HTML: ranks as integers, 0–10 scores as given, every
    other number to :data:`DECIMALS` decimals; booleans as yes/no; missing as empty."""
    if is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value) + 0.0  # + 0.0: no "-0.000"
        shown = kind(column)
        if shown == "rank" and v.is_integer():
            return str(int(v))
        if shown == "raw":
            return f"{v:g}"
        return f"{v:.{DECIMALS}f}"
    return str(value)


def jsonable(value: Any) -> Any:
    """Plain JSON values: NaN becomes null, numpy scalars and arrays become Python values."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA:
        return None
    return value


def criterion_names(report: Report) -> dict[str, str]:
    """``{criterion id: name}`` of the criteria in the report."""
    return dict(zip(report.criteria["criterion"], report.criteria["name"], strict=True))


def contribution_headers(report: Report, columns: Any, *, template: str) -> list[str]:
    """A ranking table's headers with ``contribution:<c>`` written with the criterion's name
    (``template`` has ``{name}``)."""
    names = criterion_names(report)
    return [
        template.format(name=names.get(c.split(":", 1)[1], c))
        if c.startswith("contribution:")
        else c
        for c in columns
    ]


def bands(report: Report) -> list[tuple[str, list[tuple[str, str]]]]:
    """The comparison table's columns grouped under a band label, each with a short header:
    ``[("Option", [("option", "option"), ...]), ("Feasibility (benefit)", [("score:feasibility",
    "score"), ...]), ("wsm (scale)", [...])]``."""
    names = criterion_names(report)
    directions = dict(zip(report.criteria["criterion"], report.criteria["direction"], strict=True))
    titles = {p.label: p.title for p in report.rankings}
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for col in report.comparison.columns:
        parts = col.split(":")
        if len(parts) == 1:
            band, short = "Option", col
        elif parts[0] in {"score", "low", "high"}:
            band = f"{names.get(parts[1], parts[1])} ({directions.get(parts[1], '')})"
            short = parts[0]
        else:
            band = titles.get(parts[0], parts[0])
            short = names.get(parts[2], parts[2]) if parts[1] == "contribution" else parts[1]
        if out and out[-1][0] == band:
            out[-1][1].append((col, short))
        else:
            out.append((band, [(col, short)]))
    return out


def about_text(value: Any) -> str:
    """A section's stamp value as short text: a statistic (Kendall's W, a p-value) to three
    significant digits, a mapping of numbers (weights) as ``k=v`` pairs to :data:`DECIMALS`
    decimals, nothing as ``n/a``."""
    value = jsonable(value)
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, dict) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
    ):
        return ", ".join(f"{k}={v:.{DECIMALS}f}" for k, v in value.items())
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def about_items(about: dict[str, Any]) -> list[tuple[str, str]]:
    """A section's stamp as ``(label, text)`` pairs."""
    return [(str(k), about_text(v)) for k, v in about.items()]


_STAMP_KEYS = {
    "title",
    "profile",
    "methods",
    "weights",
    "weights_given",
    "options",
    "criteria",
    "catalog_fingerprint",
    "policybench_version",
    "generated_at",
}


def metadata_items(report: Report) -> list[tuple[str, str]]:
    """The stamp as ``(label, text)`` pairs, in a fixed order, for Markdown, HTML and XLSX."""
    m = report.metadata
    items: list[tuple[str, str]] = [("profile", str(m["profile"]))]
    for i, meth in enumerate(m["methods"], start=1):
        params = ", ".join(f"{k}={json.dumps(jsonable(v))}" for k, v in meth["params"].items())
        items.append(
            (
                f"method {i}" if len(m["methods"]) > 1 else "method",
                f"{meth['title']}" + (f"; parameters: {params}" if params else ""),
            )
        )
    items.append(("weights", ", ".join(f"{k}={v:.{DECIMALS}f}" for k, v in m["weights"].items())))
    if "weights_given" in m:
        given = ", ".join(f"{k}={v:g}" for k, v in m["weights_given"].items())
        items.append(("weights as given", given))
    items += [(k, about_text(v)) for k, v in m.items() if k not in _STAMP_KEYS]
    items += [
        ("options", str(len(m["options"]))),
        ("catalog fingerprint", str(m["catalog_fingerprint"])),
        ("policybench version", str(m["policybench_version"])),
        ("generated at", str(m["generated_at"])),
    ]
    return items


def option_quote_rows(quotes: pd.DataFrame) -> pd.DataFrame:
    """An option's own quotes in a quotes table: the one that makes it a recommendation, then
    the others."""
    return quotes[quotes["where"].isin(["recommendation", "option"])]
