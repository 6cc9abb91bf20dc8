"""Markdown (src/policybench/export/formats/markdown.py): tables and quotes with citations,
numbers rounded, catalog text inert. The golden export of the tiny catalog lives in
tests/golden/; rewrite it on purpose with
``POLICYBENCH_UPDATE_GOLDEN=1 pytest tests/export/formats/test_markdown.py``."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from policybench import __version__
from policybench.catalog import Catalog
from policybench.export.formats import markdown
from policybench.export.report import Report

from ..conftest import FIXED_TIME

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
UPDATE_GOLDEN = os.environ.get("POLICYBENCH_UPDATE_GOLDEN", "") == "1"
URL = re.compile(r"https?://", re.IGNORECASE)


def test_markdown_has_tables_and_quotes_with_citations(report: Report) -> None:
    md = markdown.render(report)
    assert md.startswith("# policybench comparison\n")
    assert f"from catalog `{report.metadata['catalog_fingerprint']}`" in md and FIXED_TIME in md
    assert "## Ranking: Weighted sum — wsm \\(scale\\)" in md and "## Comparison" in md
    assert "## Appendix: quotes and citations" in md and re.search(r"\|\s+Rank\s+\|", md)
    # columns named as people read them, the verdict and the caveats first
    assert "Weighted sum: Deterrence adds" in md and "Deterrence: score" in md
    assert "score:feasibility" not in md and "wsm:total" not in md
    assert md.index("## In brief") < md.index("## Caveats") < md.index("## About this export")
    assert f"\n{markdown.escape(report.summary[0])}\n" in md
    assert "- **weights from:** Deterrence first \\(preset\\)" in md
    assert "- **options in play:** 4: the default set" in md
    assert (
        "> Relations are often cyclical, however, and recently suspicions are again ascendant."
        in md
    )
    assert (
        "> — Brad Glosserman \\(2018\\), “Japan-South Korea: So Close, Yet So Far”, The Diplomat (supports)"
        in md
    )
    assert "### Preset `hawk`" in md and "## Robustness \\(SMAA\\)" in md


def test_markdown_numbers_are_rounded_for_people(report: Report) -> None:
    md = markdown.render(report)
    assert "- **weights:** feasibility=0.125, deterrence=0.750, backlash=0.125" in md
    assert not re.search(r"\d\.\d{4,}", md.split("## Appendix: quotes and citations")[0])


def test_markdown_escapes_catalog_text_so_nothing_renders(hostile_report: Report) -> None:
    md = markdown.render(hostile_report)
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(md)
    for tag in ("<script", "<img", "<a ", "<b>"):
        assert tag not in rendered, tag
    assert "<table>" in rendered and "<blockquote>" in rendered
    # the text itself survives, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "[click](javascript:alert(1))" in rendered
    assert "=HYPERLINK(" in rendered
    # a challenge's reason and quote (the workshop's rounds) too
    assert "[why](javascript:alert(5)) **bold**" in rendered  # as text: no link, no bold
    assert "![q](https:" not in md and "@SUM(9) &lt;img src=x onerror=alert(6)&gt;" in rendered
    # nothing in the source would be auto-linked by GitHub either
    assert not URL.search(md.replace("\\:\\/\\/", "")) and "www\\.evil" in md


def _mask(text: str) -> str:
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<timestamp>", text)
    return re.sub(r"(policybench )\S+( at)", r"\1<version>\2", text).replace(
        f"policybench version:** {__version__}", "policybench version:** <version>"
    )


def test_golden_markdown_export_of_the_tiny_catalog(tiny: Catalog, make_report: Any) -> None:
    # The opening lines are the verdict's (tested with it); here a fixed one, so that the
    # golden file holds the format, not the verdict's wording.
    report = make_report(
        tiny,
        ("wsm", "topsis"),
        preset="hawk",
        timestamp=datetime.now(UTC),
        summary=["Solid: Liaison officers leads clearly.", "A line behind the verdict."],
    )
    got = _mask(markdown.render(report))
    path = GOLDEN / "tiny_export.md"
    if UPDATE_GOLDEN:
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), "golden file missing: run with POLICYBENCH_UPDATE_GOLDEN=1"
    assert got == path.read_text(encoding="utf-8")
