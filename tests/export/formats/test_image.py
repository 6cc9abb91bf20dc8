"""PNG and SVG (src/policybench/export/formats/image.py): the stamped ranking chart, or another
chart of the report."""

from __future__ import annotations

import io
from typing import Any

import pytest

from policybench import __version__
from policybench.catalog import Catalog
from policybench.export.formats import image
from policybench.export.report import Report

from ..conftest import FIXED_TIME


def test_png_is_the_ranking_chart(report: Report) -> None:
    from PIL import Image

    png = image.render_png(report)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    shown = Image.open(io.BytesIO(png))
    assert shown.width > 600 and shown.height > 400


def test_svg_is_the_stamped_ranking_chart(report: Report) -> None:
    svg = image.render_svg(report)
    assert svg.lstrip().startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "Ranking" in svg and "Regular summits" in svg
    assert report.metadata["catalog_fingerprint"] in svg and FIXED_TIME in svg
    assert f"policybench {__version__}" in svg
    assert "weights: feasibility 0.125, deterrence 0.750, backlash 0.125" in svg
    assert "wsm (scale)" in svg and "topsis (minmax)" in svg


def test_svg_of_another_chart_and_a_missing_one(
    report: Report, tiny: Catalog, make_report: Any
) -> None:
    assert "rank" in image.render_svg(report, name="smaa").lower()
    with pytest.raises(ValueError, match="no 'ranking' chart"):
        image.render_svg(make_report(tiny, charts=False))


def test_charts_escape_catalog_text(hostile_report: Report) -> None:
    svg = image.render_svg(hostile_report)
    assert "<script" not in svg and "<b>" not in svg
    assert "@SUM(1+1) &lt;b&gt;bold&lt;/b&gt;" in svg


def test_the_png_bars_take_the_width(report: Report) -> None:
    """What a person sees in the PNG: the stacked bars (the criteria's colours) reach well
    across the image, which is the export's width at twice the pixels."""
    import numpy as np
    from PIL import Image

    from policybench.present.charts import CRITERION_PALETTE, EXPORT_WIDTH

    shown = Image.open(io.BytesIO(image.render_png(report))).convert("RGB")
    assert shown.width == 2 * EXPORT_WIDTH
    pixels = np.asarray(shown).reshape(-1, 3).astype(int)
    colours = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in CRITERION_PALETTE[:3]])
    near = (np.abs(pixels[:, None, :] - colours[None, :, :]).sum(axis=2) <= 6).any(axis=1)
    columns = np.flatnonzero(near.reshape(shown.height, shown.width).any(axis=0))
    assert columns.size and (columns.max() - columns.min()) / shown.width >= 0.6
