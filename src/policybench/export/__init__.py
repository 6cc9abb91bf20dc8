"""Files from what :mod:`policybench.present` builds: CSV, XLSX, Markdown, JSON, self-contained
HTML, PNG and SVG, each stamped with the perspective or profile, the weights, the method, the
options in play and what the screen set aside, the catalog fingerprint and the version.

:mod:`~policybench.export.report` gathers a :class:`~policybench.export.report.Report` once
(rankings, the comparison, quotes, the stamp, charts, and optional SMAA and workshop sections);
:func:`render` writes it in any of :data:`FORMATS` (one module per format in
:mod:`~policybench.export.formats`) and :func:`write` saves it atomically: a temporary file
beside the target, then a rename, so a failed export never leaves half a file. Apart from the
timestamp, the same report always gives the same bytes. :func:`file_name` names a file after
its stamp; a CSV, which holds the table alone, is sent with its stamp as a text file
(:func:`stamp_path`, :func:`~policybench.export.formats.common.stamp_text`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from policybench.export.formats import csv, html, image, json, markdown, xlsx
from policybench.export.formats.common import stamp_text
from policybench.export.report import Report, file_stem

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


#: How a text format is encoded in a file: UTF-8, and for CSV with a byte-order mark, which
#: Excel needs to read UTF-8 (without it, Excel on Windows garbles every non-ASCII letter).
ENCODINGS: Mapping[str, str] = {"csv": "utf-8-sig"}


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
    """:func:`render`, text encoded as a file holds it (UTF-8; :data:`ENCODINGS`)."""
    content = render(fmt, report)
    return content.encode(ENCODINGS.get(fmt, "utf-8")) if isinstance(content, str) else content


def file_name(report: Report, fmt: str) -> str:
    """The name a file of ``report`` gets: its stamp (:func:`~policybench.export.report.
    file_stem`) and the format's extension."""
    return file_stem(report) + EXTENSIONS[fmt]


def stamp_path(path: str | os.PathLike[str]) -> Path:
    """Where the stamp of a CSV at ``path`` goes: ``x.csv`` → ``x.stamp.txt``."""
    target = Path(path)
    return target.with_name(f"{target.stem}.stamp.txt")


def stamp_bytes(report: Report) -> bytes:
    """The stamp file's content (:func:`~policybench.export.formats.common.stamp_text`)."""
    return stamp_text(report).encode("utf-8")


def write(fmt: str, path: str | os.PathLike[str], report: Report) -> Path:
    """Render ``report`` as ``fmt`` and save it at ``path`` atomically; return the path."""
    return _save(render_bytes(fmt, report), Path(path))


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Save ``text`` (UTF-8) at ``path`` atomically, as :func:`write` saves a report (the
    catalog patch, :mod:`policybench.export.patch`); return the path."""
    return _save(text.encode("utf-8"), Path(path))


def write_stamp(csv_path: str | os.PathLike[str], report: Report) -> Path:
    """Save the stamp of a CSV written at ``csv_path`` beside it (:func:`stamp_path`)."""
    return _save(stamp_bytes(report), stamp_path(csv_path))


def _save(data: bytes, target: Path) -> Path:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
