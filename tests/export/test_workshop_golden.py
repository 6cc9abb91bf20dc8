"""Golden exports of a workshop (tests/golden/workshop_two_rounds.*), in every format: the
two-round room of tests/export/conftest.py (seven people in two camps, four challenges on two
cells, one score adopted and one rejected), stamped with a fixed time and version so that every
byte is the report's own. A change to any format, table or sentence of a workshop's export shows
here as a diff to review; rewrite the files on purpose with
``POLICYBENCH_UPDATE_GOLDEN=1 pytest tests/export/test_workshop_golden.py``.

Binary formats are kept as text a reviewer can read: the workbook as its sheets' cells (value,
and the quote prefix that keeps text inert), the PNG as its size and a digest of its pixels.
Numbers kept at full precision (JSON, the workbook's cells) are compared to twelve significant
digits: the last bits of a float may differ between machines' numpy builds, its first twelve
may not.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PIL import Image

from policybench import export
from policybench.catalog import Catalog
from policybench.export.report import Report
from policybench.export.workshop_report import workshop_report

from .conftest import FIXED_TIME, two_round_room

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE_GOLDEN = os.environ.get("POLICYBENCH_UPDATE_GOLDEN", "") == "1"
#: A version of its own, so that a release does not rewrite the files.
VERSION = "0.0.0-golden"
NAMES = {fmt: f"workshop_two_rounds{ext}" for fmt, ext in export.EXTENSIONS.items()}
NAMES.update({"xlsx": "workshop_two_rounds.xlsx.txt", "png": "workshop_two_rounds.png.txt"})


@pytest.fixture(scope="module")
def golden_report(tiny: Catalog) -> Report:
    room = two_round_room(tiny)
    return workshop_report(
        tiny,
        room.shop,
        room.rounds[2],
        rounds=room.rounds,
        challenges=room.challenges,
        seen=room.seen,
        decisions=room.decisions,
        timestamp=FIXED_TIME,
        version=VERSION,
    )


def workbook_text(content: bytes) -> str:
    """Every sheet's cells, a row a line (tab-separated; a quote-prefixed cell marked ``'``)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    lines: list[str] = []
    for ws in book.worksheets:
        lines.append(f"== {ws.title}")
        for row in ws.iter_rows():
            cells = [("'" if c.quotePrefix else "") + _cell(c.value) for c in row]
            lines.append("\t".join(cells).rstrip("\t"))
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    if value is None:
        return ""
    return format(value, ".12g") if isinstance(value, float) else repr(value)


def _digits(data: Any) -> Any:
    """JSON data with every float to twelve significant digits."""
    if isinstance(data, dict):
        return {k: _digits(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_digits(v) for v in data]
    return float(format(data, ".12g")) if isinstance(data, float) else data


def png_text(content: bytes) -> str:
    """The image's size and mode, and a digest of its pixels."""
    image = Image.open(io.BytesIO(content))
    pixels = hashlib.sha256(image.convert("RGBA").tobytes()).hexdigest()
    return f"{image.width}x{image.height} {image.mode}\npixels sha256 {pixels}\n"


def as_text(fmt: str, report: Report) -> str:
    content = export.render(fmt, report)
    if fmt == "xlsx":
        assert isinstance(content, bytes)
        return workbook_text(content)
    if fmt == "png":
        assert isinstance(content, bytes)
        return png_text(content)
    assert isinstance(content, str)
    return content


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_golden_workshop_export(golden_report: Report, fmt: str) -> None:
    got = as_text(fmt, golden_report)
    path = GOLDEN / NAMES[fmt]
    if UPDATE_GOLDEN:
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), f"golden file missing: run with POLICYBENCH_UPDATE_GOLDEN=1 ({path})"
    want = path.read_text(encoding="utf-8")
    if fmt == "json":
        assert _digits(json.loads(got)) == _digits(json.loads(want)), "json export changed"
    else:
        assert got == want, f"{fmt} export changed: review, then rewrite"


def test_the_golden_files_hold_every_part_of_the_workshop() -> None:
    """What the golden files must hold, so that rewriting them cannot drop a part unseen."""
    md = (GOLDEN / NAMES["markdown"]).read_text(encoding="utf-8")
    for heading in (
        "## Workshop: Seoul seminar",
        "## Rounds",
        "### Group ranking by round",
        "## Contested scores",
        "### Challenges",
        "## Decisions on contested scores",
        "## Camps and common ground",
        "### Round 2 common ground",
        "### Camps across rounds",
    ):
        assert f"\n{heading}\n" in md, heading
    assert "1 score adjusted in this workshop" in md and "Participant 7" in md
    sheets = (GOLDEN / NAMES["xlsx"]).read_text(encoding="utf-8")
    assert "== Challenged scores" in sheets and "== Round 1 camps" in sheets
    svg = (GOLDEN / NAMES["svg"]).read_text(encoding="utf-8")
    assert "1 score adjusted in this workshop" in svg  # the chart's stamp says so too
