"""Files from what :mod:`policybench.present` builds: CSV, XLSX, Markdown, JSON, self-contained
HTML, PNG and SVG, each stamped with the method, weights, catalog fingerprint and version.

:mod:`~policybench.export.report` gathers a :class:`~policybench.export.report.Report` once
(rankings, the comparison, quotes, the stamp, charts, and optional SMAA and workshop sections);
:func:`render` writes it in any of :data:`FORMATS` (one module per format in
:mod:`~policybench.export.formats`) and :func:`write` saves it atomically: a temporary file
beside the target, then a rename, so a failed export never leaves half a file. Apart from the
timestamp, the same report always gives the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from policybench.export.formats import csv, html, image, json, markdown, xlsx
from policybench.export.report import Report

RENDERERS: Mapping[str, Callable[[Report], str | bytes]] = {
    "csv": csv.render,
    "xlsx": xlsx.render,
    "markdown": markdown.render,
    "json": json.render,
    "html": html.render,
    "png": image.render_png,
    "svg": image.render_svg,
}
FORMATS = tuple(RENDERERS)
BINARY_FORMATS = frozenset({"xlsx", "png"})
EXTENSIONS: Mapping[str, str] = {
    "csv": ".csv",
    "xlsx": ".xlsx",
    "markdown": ".md",
    "json": ".json",
    "html": ".html",
    "png": ".png",
    "svg": ".svg",
}
MEDIA_TYPES: Mapping[str, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "markdown": "text/markdown",
    "json": "application/json",
    "html": "text/html",
    "png": "image/png",
    "svg": "image/svg+xml",
}


def render(fmt: str, report: Report) -> str | bytes:
    """The export's content in ``fmt`` (one of :data:`FORMATS`)."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}"
        ) from None
    return renderer(report)


def render_bytes(fmt: str, report: Report) -> bytes:
    """:func:`render`, text encoded as UTF-8 (what a file or a download holds)."""
    content = render(fmt, report)
    return content.encode("utf-8") if isinstance(content, str) else content


def write(fmt: str, path: str | os.PathLike[str], report: Report) -> Path:
    """Render ``report`` as ``fmt`` and save it at ``path`` atomically; return the path."""
    data = render_bytes(fmt, report)
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
