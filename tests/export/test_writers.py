"""Export writers (src/policybench/export/writers.py): every format opens in the program it is
meant for, carries the stamp, and keeps hostile catalog text inert.

The golden Markdown export of the tiny catalog lives in tests/golden/; rewrite it on purpose
with ``POLICYBENCH_UPDATE_GOLDEN=1 pytest tests/export/test_writers.py``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from policybench import __version__
from policybench.catalog import Catalog
from policybench.export import writers
from policybench.export.report import Report, group_section, smaa_section

from .conftest import FIXED_TIME, HOSTILE

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE_GOLDEN = os.environ.get("POLICYBENCH_UPDATE_GOLDEN", "") == "1"
URL = re.compile(r"https?://", re.IGNORECASE)


class FakeSMAA:
    """A SMAA result with an option that is never first (NaN central weights)."""

    def __init__(self, n: int, m: int) -> None:
        import numpy as np

        self.rank_acceptability = np.eye(n)[::-1] * 0.5 + np.full((n, n), 0.5 / n)
        self.rank_acceptability[0] = [0.0] + [1.0 / (n - 1)] * (n - 1)
        self.central_weights = np.full((n, m), 1.0 / m)
        self.central_weights[0] = np.nan
        self.confidence = np.linspace(0.0, 1.0, n)


def full_report(cat: Catalog, make_report: Any, **kw: Any) -> Report:
    """Two methods, a preset, a SMAA section and a workshop section, at a fixed time."""
    smaa = smaa_section(
        FakeSMAA(len(cat.options), len(cat.criteria)),
        cat.option_ids,
        cat.criterion_ids,
        cat,
        method="wsm",
        normalization="scale",
        samples=1000,
        seed=0,
    )
    group, _ = group_section(
        cat,
        title="Seminar <script>alert('w')</script>",
        option_ids=cat.option_ids,
        criterion_ids=cat.criterion_ids,
        weights=[
            {"feasibility": 1, "deterrence": 5, "backlash": 1},
            {"feasibility": 4, "deterrence": 1, "backlash": 2},
        ],
        names=["=cmd|' /C calc'!A0", "<img src=x onerror=alert(2)>"],
        reasons=[{"deterrence": "[x](javascript:alert(3)) https://evil.example/"}, {}],
    )
    return make_report(cat, ("wsm", "topsis"), preset="hawk", sections=[smaa, group], **kw)


@pytest.fixture(scope="module")
def report(tiny: Catalog, make_report: Any) -> Report:
    return full_report(tiny, make_report)


@pytest.fixture(scope="module")
def hostile_report(hostile: Catalog, make_report: Any) -> Report:
    return full_report(hostile, make_report)


# ------------------------------------------------------------------------------------ CSV


def test_csv_is_the_comparison_table_alone_and_parses_back(report: Report) -> None:
    text = writers.render_csv(report)
    back = pd.read_csv(io.StringIO(text))
    assert list(back.columns) == list(report.comparison.columns)
    assert list(back["option"]) == list(report.comparison["option"])
    pd.testing.assert_frame_equal(back, report.comparison, check_dtype=False)
    assert "Relations are often cyclical" not in text  # no quotes in CSV
    assert "generated" not in text


def test_csv_neutralises_formula_starts(hostile_report: Report) -> None:
    rows = list(csv.reader(io.StringIO(writers.render_csv(hostile_report))))
    cells = [c for row in rows for c in row]
    for bad in (HOSTILE["formula_title"], HOSTILE["minus_title"], HOSTILE["plus_title"]):
        assert "'" + bad in cells
        assert bad not in cells
    assert not [c for c in cells if c[:1] in {"=", "+", "@", "\t", "\r"}]
    # numbers stay numbers, even negative ones
    assert writers.neutralise_cell(-0.5) == -0.5 and writers.neutralise_cell("@x") == "'@x"


# ----------------------------------------------------------------------------------- XLSX


def _workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_xlsx_has_one_formatted_sheet_per_part(report: Report) -> None:
    wb = _workbook(writers.render_xlsx(report))
    assert wb.sheetnames == [
        "Ranking",
        "Comparison",
        "Quotes",
        "Criteria",
        "SMAA",
        "SMAA central weights",
        "Group ranking",
        "Weight spread",
        "Disagreement drivers",
        "Participants",
        "Reasons",
        "Metadata",
    ]
    ranking = wb["Ranking"]
    assert ranking.freeze_panes == "A3"
    assert ranking["A1"].value == "wsm (scale)"
    assert [c.value for c in ranking[2]][:6] == [
        "rank",
        "option",
        "title",
        "group",
        "baseline",
        "score",
    ]
    assert ranking["A3"].value == 1 and ranking["A3"].number_format == "0"
    first = report.rankings[0].table.iloc[0]
    assert ranking["B3"].value == first["option"] and ranking["E3"].value is bool(first["baseline"])
    assert ranking["F3"].number_format == "0.0000"
    assert ranking["A2"].font.b

    comp = wb["Comparison"]
    assert comp.freeze_panes == "C3"
    headers = [c.value for c in comp[2]]
    assert headers == list(report.comparison.columns)
    assert comp["E1"].value == "Feasibility (benefit)"
    assert any(str(r) == "E1:G1" for r in comp.merged_cells.ranges)
    col = headers.index("score:feasibility") + 1
    assert comp.cell(3, col).value == report.comparison["score:feasibility"].iloc[0]
    assert comp.cell(3, col).number_format == "0.0#"
    total = headers.index("wsm:total") + 1
    assert comp.cell(3, total).value == pytest.approx(report.comparison["wsm:total"].iloc[0])
    assert comp.auto_filter.ref is not None
    assert comp.column_dimensions["B"].width > 8

    quotes = wb["Quotes"]
    assert quotes.freeze_panes == "A2"
    assert [c.value for c in quotes[1]] == list(report.quotes.columns)
    assert quotes.max_row == len(report.quotes) + 1
    qcol = list(report.quotes.columns).index("quote") + 1
    assert quotes.cell(2, qcol).value == report.quotes["quote"].iloc[0]
    assert quotes.cell(2, qcol).alignment.wrap_text
    assert quotes.column_dimensions["F"].width >= 60

    smaa = wb["SMAA"]
    assert smaa["C1"].value == "first" and smaa["C2"].number_format == "0.0%"
    central = wb["SMAA central weights"]
    assert any(
        c.value is None for row in central.iter_rows(min_row=2) for c in row[1:]
    )  # NaN -> blank

    meta = {r[0].value: r[1].value for r in wb["Metadata"].iter_rows(min_row=2)}
    assert meta["profile"] == "preset hawk"
    assert meta["catalog fingerprint"] == report.metadata["catalog_fingerprint"]
    assert re.fullmatch(r"[0-9a-f]{12}", meta["catalog fingerprint"])
    assert meta["policybench version"] == __version__
    assert meta["generated at"] == FIXED_TIME
    assert meta["method 1"].startswith("wsm (scale)") and meta["method 2"] == "topsis (minmax)"
    assert meta["weight: deterrence"] == pytest.approx(0.75)
    assert meta["smaa: samples"] == "1000"
    assert wb.properties.title == report.title


def test_xlsx_text_is_never_a_formula_or_a_link(hostile_report: Report) -> None:
    content = writers.render_xlsx(hostile_report)
    wb = _workbook(content)
    seen = {}
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None
                if isinstance(cell.value, str):
                    seen[cell.value] = cell
    for bad in (
        HOSTILE["formula_title"],
        HOSTILE["minus_title"],
        HOSTILE["plus_title"],
        "=cmd|' /C calc'!A0",
    ):
        assert bad in seen, bad  # kept intact...
        assert seen[bad].data_type == "s" and seen[bad].quotePrefix  # ...and inert
    assert not seen["equal weights" if "equal weights" in seen else "rank"].quotePrefix
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets and "hyperlink" not in sheets


# ----------------------------------------------------------------------------------- JSON


def test_json_parses_back_with_metadata_tables_and_quotes(report: Report) -> None:
    data = json.loads(writers.render_json(report))
    assert set(data) == {
        "metadata",
        "criteria",
        "rankings",
        "comparison",
        "quotes",
        "smaa",
        "group",
    }
    m = data["metadata"]
    assert m["profile"] == "preset hawk" and m["generated_at"] == FIXED_TIME
    assert m["policybench_version"] == __version__
    assert re.fullmatch(r"[0-9a-f]{12}", m["catalog_fingerprint"])
    assert [x["method"] for x in m["methods"]] == ["wsm", "topsis"]
    assert m["methods"][0]["params"] == {"bounds": [0.0, 10.0]}
    assert pd.DataFrame(data["comparison"]).equals(report.comparison)
    assert len(data["quotes"]) == len(report.quotes)
    assert data["quotes"][0].keys() == set(report.quotes.columns)
    assert [r["method"] for r in data["rankings"]] == ["wsm", "topsis"]
    assert data["rankings"][0]["table"][0]["rank"] == 1
    central = data["smaa"]["tables"]["SMAA central weights"]
    assert any(v is None for row in central for v in row.values())  # NaN became null
    assert data["group"]["about"]["participants"] == 2
    assert "NaN" not in writers.render_json(report)


# ------------------------------------------------------------------------------- Markdown


def test_markdown_has_tables_and_quotes_with_citations(report: Report) -> None:
    md = writers.render_markdown(report)
    assert md.startswith("# policybench comparison\n")
    assert f"from catalog `{report.metadata['catalog_fingerprint']}`" in md and FIXED_TIME in md
    assert (
        "## Ranking: wsm \\(scale\\)" in md
        and "## Comparison" in md
        and "## Quotes and citations" in md
    )
    assert "| rank |" in md.replace("   ", " ").replace("  ", " ") or re.search(
        r"\|\s+rank\s+\|", md
    )
    assert (
        "> Relations are often cyclical, however, and recently suspicions are again ascendant."
        in md
    )
    assert (
        "> — Brad Glosserman \\(2018\\), “Japan-South Korea: So Close, Yet So Far”, The Diplomat (supports)"
        in md
    )
    assert "### Preset `hawk`" in md
    assert "## Robustness \\(SMAA\\)" in md


def test_markdown_escapes_catalog_text_so_nothing_renders(hostile_report: Report) -> None:
    md = writers.render_markdown(hostile_report)
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(md)
    assert (
        "<script" not in rendered
        and "<img" not in rendered
        and "<a " not in rendered
        and "<b>" not in rendered
    )
    assert "javascript:" not in rendered.replace("javascript\\:", "") or "href" not in rendered
    assert "<table>" in rendered and "<blockquote>" in rendered
    # the text itself survives, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "[click](javascript:alert(1))" in rendered
    assert "=HYPERLINK(" in rendered
    # nothing in the source would be auto-linked by GitHub either
    assert not URL.search(md.replace("\\:\\/\\/", "")) and "www\\.evil" in md


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("1. not a list", "1\\. not a list"),
        ("- not a list", "\\- not a list"),
        ("# not a heading", "\\# not a heading"),
        ("a|b", "a\\|b"),
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
        ("line\nbreak", "line break"),
        ("1.5 stays", "1.5 stays"),
    ],
)
def test_md_escape(text: str, escaped: str) -> None:
    assert writers.md_escape(text) == escaped


# ----------------------------------------------------------------------------------- HTML


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_with_inline_svg_charts(report: Report) -> None:
    page = writers.render_html(report)
    assert page.startswith("<!DOCTYPE html>")
    parsed = _Collector()
    parsed.feed(page)
    assert parsed.tags.count("svg") == 4  # ranking, SMAA heat map, the workshop's two
    assert (
        "script" not in parsed.tags
        and "link" not in parsed.tags
        and "img" not in parsed.tags
        and "iframe" not in parsed.tags
    )
    assert "style" in parsed.tags
    assert not URL.search(page)  # no external address anywhere, not even an SVG namespace
    assert "@import" not in page and "@font-face" not in page
    assert not [v for k, v in parsed.attrs if k in {"src", "srcset", "action", "formaction"}]
    assert not [
        v for k, v in parsed.attrs if k in {"href", "xlink:href"} and v and not v.startswith("#")
    ]
    assert re.findall(r"url\(([^)]*)\)", page) == [
        u for u in re.findall(r"url\(([^)]*)\)", page) if u.startswith("#")
    ]
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # charts' clip paths do not collide
    text = "".join(parsed.text)
    assert (
        report.metadata["catalog_fingerprint"] in text
        and __version__ in text
        and FIXED_TIME in text
    )
    assert (
        "Relations are often cyclical, however, and recently suspicions are again ascendant."
        in text
    )
    assert "Brad Glosserman (2018), “Japan-South Korea: So Close, Yet So Far”, The Diplomat" in text
    assert "Regular summits" in text


def test_html_escapes_every_catalog_text(hostile_report: Report) -> None:
    page = writers.render_html(hostile_report)
    parsed = _Collector()
    parsed.feed(page)
    assert (
        "script" not in parsed.tags
        and "img" not in parsed.tags
        and "b" not in parsed.tags
        and "i" not in parsed.tags
    )
    assert not [k for k, _ in parsed.attrs if k.startswith("on")]
    assert not URL.search(page)
    text = "".join(parsed.text)
    for value in HOSTILE.values():
        if value not in {HOSTILE["source_title"]}:
            assert value in text, value  # shown faithfully, as text
    assert "Read https://evil.example/ & <i>more</i>" in text


# ------------------------------------------------------------------------------ PNG / SVG


def test_png_is_the_ranking_chart(report: Report) -> None:
    from PIL import Image

    png = writers.render_png(report)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    assert image.width > 600 and image.height > 400


def test_svg_is_the_stamped_ranking_chart(report: Report) -> None:
    svg = writers.render_svg(report)
    assert (
        svg.lstrip().startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    )  # standalone
    assert "Ranking" in svg and "Regular summits" in svg
    assert (
        report.metadata["catalog_fingerprint"] in svg
        and FIXED_TIME in svg
        and f"policybench {__version__}" in svg
    )
    assert "weights: feasibility 0.125, deterrence 0.750, backlash 0.125" in svg
    assert "wsm (scale)" in svg and "topsis (minmax)" in svg


def test_svg_of_another_chart_and_a_missing_one(
    report: Report, tiny: Catalog, make_report: Any
) -> None:
    assert "rank" in writers.render_svg(report, chart="smaa").lower()
    with pytest.raises(ValueError, match="no 'ranking' chart"):
        writers.render_svg(make_report(tiny, charts=False))


def test_charts_escape_catalog_text(hostile_report: Report) -> None:
    svg = writers.render_svg(hostile_report)
    assert "<script" not in svg and "<b>" not in svg
    assert "@SUM(1+1) &lt;b&gt;bold&lt;/b&gt;" in svg


# ------------------------------------------------------------------------ dispatch, files


@pytest.mark.parametrize("fmt", writers.FORMATS)
def test_write_saves_every_format_atomically(report: Report, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out{writers.EXTENSIONS[fmt]}"
    assert writers.write(fmt, path, report) == path
    data = path.read_bytes()
    assert data == (c.encode() if isinstance(c := writers.render(fmt, report), str) else c)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_write_refuses_an_unknown_format(report: Report, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format 'pdf'; choose one of: csv, xlsx"):
        writers.write("pdf", tmp_path / "x.pdf", report)
    assert not list(tmp_path.iterdir())


def test_failed_write_leaves_no_file(report: Report, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        writers.write("csv", tmp_path / "missing-folder" / "x.csv", report)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fmt", writers.FORMATS)
def test_exports_are_deterministic_apart_from_the_timestamp(
    tiny: Catalog, make_report: Any, fmt: str
) -> None:
    a = writers.render(fmt, full_report(tiny, make_report, timestamp="2025-01-01T00:00:00Z"))
    b = writers.render(fmt, full_report(tiny, make_report, timestamp="2025-01-01T00:00:00Z"))
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
        writers.render(fmt, report)
    for f, c in zip(frames, copies, strict=True):
        pd.testing.assert_frame_equal(f, c)
    assert json.dumps(report.metadata, sort_keys=True) == meta


# --------------------------------------------------------------------------------- golden


def _mask(text: str) -> str:
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<timestamp>", text)
    return re.sub(r"(policybench )\S+( at)", r"\1<version>\2", text).replace(
        f"policybench version:** {__version__}", "policybench version:** <version>"
    )


def test_golden_markdown_export_of_the_tiny_catalog(tiny: Catalog, make_report: Any) -> None:
    from datetime import UTC, datetime

    report = make_report(tiny, ("wsm", "topsis"), preset="hawk", timestamp=datetime.now(UTC))
    got = _mask(writers.render_markdown(report))
    path = GOLDEN / "tiny_export.md"
    if UPDATE_GOLDEN:
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), "golden file missing: run with POLICYBENCH_UPDATE_GOLDEN=1"
    assert got == path.read_text(encoding="utf-8")
