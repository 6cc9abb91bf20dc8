"""Exports of what a page shows (the current weights and method), for the app's download
buttons: the same Report and writers as ``policybench export``."""

from __future__ import annotations

from collections.abc import Mapping

from policybench.analysis import rank_catalog
from policybench.catalog import Catalog
from policybench.export.report import build_report
from policybench.export.writers import render

#: Formats offered as download buttons, with their file suffix and MIME type.
DOWNLOADS: Mapping[str, tuple[str, str]] = {
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "markdown": ("md", "text/markdown"),
    "html": ("html", "text/html"),
}


def current_export(
    catalog: Catalog, weights: Mapping[str, float], method: str, fmt: str, *, label: str = "weights set in the app"
) -> bytes:
    """The comparison under ``weights`` and ``method`` as a file in ``fmt`` (bytes)."""
    ranking = rank_catalog(catalog, dict(weights), method=method, label=label)
    report = build_report(catalog, [ranking], weights_given=dict(weights), charts=fmt == "html")
    data = render(fmt, report)
    return data.encode("utf-8") if isinstance(data, str) else data
