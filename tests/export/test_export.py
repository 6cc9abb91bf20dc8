"""policybench.export: every format by name, saved atomically, the same bytes each time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policybench import export
from policybench.catalog import Catalog
from policybench.export.report import Report

from .conftest import full_report


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_write_saves_every_format_atomically(report: Report, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out{export.EXTENSIONS[fmt]}"
    assert export.write(fmt, path, report) == path
    assert path.read_bytes() == export.render_bytes(fmt, report)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    assert isinstance(export.render(fmt, report), bytes) == (fmt in export.BINARY_FORMATS)
    assert fmt in export.MEDIA_TYPES


def test_write_refuses_an_unknown_format(report: Report, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format 'pdf'; choose one of: csv, xlsx"):
        export.write("pdf", tmp_path / "x.pdf", report)
    assert not list(tmp_path.iterdir())


def test_failed_write_leaves_no_file(report: Report, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        export.write("csv", tmp_path / "missing-folder" / "x.csv", report)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_exports_are_deterministic_apart_from_the_timestamp(
    tiny: Catalog, make_report: Any, fmt: str
) -> None:
    a = export.render(fmt, full_report(tiny, make_report, timestamp="2025-01-01T00:00:00Z"))
    b = export.render(fmt, full_report(tiny, make_report, timestamp="2025-01-01T00:00:00Z"))
    assert a == b


def test_rendering_mutates_no_table(report: Report) -> None:
    frames = [
        report.comparison,
        report.quotes,
        report.criteria,
        *(p.table for p in report.rankings),
        *(t for s in report.sections for _, t in s.tables),
    ]
    copies = [f.copy(deep=True) for f in frames]
    meta = json.dumps(report.metadata, sort_keys=True)
    for fmt in ("csv", "xlsx", "markdown", "json", "html"):
        export.render(fmt, report)
    for f, c in zip(frames, copies, strict=True):
        pd.testing.assert_frame_equal(f, c)
    assert json.dumps(report.metadata, sort_keys=True) == meta
