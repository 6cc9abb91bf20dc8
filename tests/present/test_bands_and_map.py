"""Rank bands and the map as people read them (src/policybench/present/bands.py, frontier.py
and charts/map.py) and in files (src/policybench/export/bands.py and map.py)."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import jsonschema
import pandas as pd
import pytest
import vl_convert as vlc

from policybench.analysis.bands import bands_catalog
from policybench.analysis.frontier import frontier_catalog
from policybench.analysis.rank import rank_catalog
from policybench.analysis.screen import select
from policybench.catalog import Catalog, load
from policybench.export import render
from policybench.export.bands import bands_section, bands_table
from policybench.export.map import default_axes, map_image, map_section, map_spec
from policybench.export.report import build_report
from policybench.present.bands import (
    LIKELY,
    band_label,
    bands_sentence,
    likely,
    ordinal,
    with_bands,
)
from policybench.present.charts.map import BASELINE, OFF, ON, map_chart, map_data
from policybench.present.frontier import (
    axis_label,
    axis_title,
    frontier_records,
    frontier_sentence,
    frontier_table,
)
from policybench.present.tables import ranking_table

ROOT = Path(__file__).resolve().parents[2]
WHEN = "2025-01-31T09:30:00Z"


TINY = ROOT / "tests" / "fixtures" / "catalog"


@pytest.fixture(scope="module")
def tiny() -> Catalog:
    return load(TINY)


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load(ROOT / "options")


# ------------------------------------------------------------------------------ bands
@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_ordinals(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_a_band_reads_as_a_range_or_one_rank() -> None:
    assert band_label(3, 9) == "3rd–9th"
    assert band_label(1, 1) == "1st"
    assert likely(3, 9) == "likely 3rd–9th"
    assert likely(2, 2) == "always 2nd"


def test_bands_go_beside_the_rank_of_the_right_option(tiny: Catalog) -> None:
    ranking = rank_catalog(tiny)
    bands = bands_catalog(tiny, samples=500)
    table = with_bands(ranking_table(ranking, tiny), bands)
    assert list(table.columns[:4]) == ["rank", "rank_low", "rank_high", LIKELY]
    spans = bands.band_map()
    for oid, low, high, label in zip(
        table["option"], table["rank_low"], table["rank_high"], table[LIKELY], strict=True
    ):
        assert (low, high) == spans[oid] and label == band_label(*spans[oid])
    # an option the bands do not cover gets empty cells, not someone else's band
    extra = pd.DataFrame({"rank": [9], "option": ["elsewhere"]})
    out = with_bands(extra, bands, numbers=False)
    assert list(out.columns) == ["rank", LIKELY, "option"] and out[LIKELY][0] == ""


def test_the_sentence_names_the_draws() -> None:
    cat = load(TINY)
    text = bands_sentence(bands_catalog(cat, samples=1234, seed=7))
    assert "90.0\u00a0% of 1,234 draws" in text and "seed 7" in text


def test_the_bands_section_is_stamped_and_in_every_format(tiny: Catalog) -> None:
    bands = bands_catalog(tiny, samples=800, seed=3)
    section = bands_section(bands, tiny)
    assert section.about["samples"] == 800 and section.about["seed"] == 3
    table = bands_table(bands, tiny)
    assert list(table["rank"]) == sorted(table["rank"])
    report = build_report(tiny, [rank_catalog(tiny)], sections=[section], timestamp=WHEN)
    for fmt in ("markdown", "html", "json"):
        out = str(render(fmt, report))
        assert "800" in out and band_label(*bands.band_map()["summits"]) in out, fmt


# ------------------------------------------------------------------------------ frontier
def test_axis_names(tiny: Catalog) -> None:
    f = frontier_catalog(tiny, x="strategic", y="backlash")
    assert axis_label(f.x_axis, tiny) == "Strategic (cluster)"
    assert axis_label(f.y_axis, tiny) == "Chinese backlash (cost)"
    assert axis_title(f.y_axis, tiny) == "Chinese backlash (0–1, turned: less is better)"


def test_the_table_lists_the_frontier_first_then_the_rest(shipped: Catalog) -> None:
    f = frontier_catalog(shipped, options=select(shipped).options)
    table = frontier_table(f, shipped)
    k = int(f.efficient.sum())
    assert table["efficient"][:k].all() and not table["efficient"][k:].any()
    assert list(table["x"][:k]) == sorted(table["x"][:k])  # along the line
    assert table["label"][table["baseline"]].iloc[0].endswith("(baseline)")
    records = frontier_records(f, shipped)
    assert [r["option"] for r in records] == list(table["option"])
    sentence = frontier_sentence(f, shipped)
    first = shipped.options_by_id[f.option_ids[f.frontier()[0]]].title
    assert first in sentence and "dominated" in sentence


def test_one_option_best_on_both_is_said_so(tiny: Catalog) -> None:
    f = frontier_catalog(tiny, x="feasibility", y="risk")
    assert "no trade-off to make" in frontier_sentence(f, tiny)


# ------------------------------------------------------------------------------ the map chart
def test_the_map_is_valid_vega_lite_with_its_data(shipped: Catalog) -> None:
    f = frontier_catalog(shipped, options=select(shipped, everything=True).options)
    chart = map_chart(f, shipped, subtitle=["a stamp"])
    spec = chart.to_dict(width=760)
    jsonschema.validate(spec, alt.load_schema())
    data = map_data(f, shipped)
    points = data["points"]
    assert len(points) == len(f.option_ids)
    assert set(points["kind"]) <= {ON, OFF, BASELINE}
    assert (points["kind"] == BASELINE).sum() == 1
    assert points["kind"].iloc[-1] == BASELINE  # drawn last, on top of its place
    assert len(data["frontier"]) == int(f.efficient.sum())
    # a place shared by several options carries one name that says so, and each point the others
    shared = points[points["here"] > 1]
    if len(shared):
        assert (shared["also"] != "").all()
    assert data["names"]["name"].str.len().max() < 80  # wrapped and cut, never a paragraph


def test_catalog_text_is_data_never_markup(copy_catalog) -> None:  # type: ignore[no-untyped-def]
    root = copy_catalog(TINY)
    path = root / "policies" / "summits.yaml"
    text = path.read_text()
    path.write_text(text.replace("title: ", 'title: "<b>x</b> \'q\' \\" {datum.x} " # ', 1))
    cat = load(root)
    assert cat.options_by_id["summits"].title.startswith("<b>x</b> 'q' \" {datum.x}")
    f = frontier_catalog(cat, x="strategic", y="risk")
    assert "<b>x</b>" in "".join(map_data(f, cat)["names"]["name"])
    spec = map_chart(f, cat).to_dict()
    blob = str({k: v for k, v in spec.items() if k != "datasets"})
    assert "<b>x</b>" not in blob and "{datum.x}" not in blob  # only in the data


def test_the_map_renders_offline_with_its_stamp(tiny: Catalog) -> None:
    f = frontier_catalog(tiny, x="strategic", y="risk", label="preset hawk")
    svg = map_image(f, tiny, "svg", screen=["feasibility>=5"], timestamp=WHEN).decode()
    assert svg.startswith("<svg") or "<svg" in svg[:200]
    assert "preset hawk" in svg and "feasibility&gt;=5" in svg and tiny.short_fingerprint in svg
    png = map_image(f, tiny, "png", timestamp=WHEN)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="png, svg"):
        map_image(f, tiny, "gif")
    # the same map twice gives the same bytes (stable ids)
    assert map_image(f, tiny, "svg", timestamp=WHEN) == map_image(f, tiny, "svg", timestamp=WHEN)


def test_the_map_section_goes_into_the_html_report(shipped: Catalog) -> None:
    chosen = select(shipped)
    assert default_axes(shipped) == ("impact", "achievability")
    f = frontier_catalog(shipped, options=chosen.options)
    section = map_section(f, shipped, screen=chosen.expressions, timestamp=WHEN)
    report = build_report(
        shipped, [rank_catalog(shipped, options=chosen.options)], sections=[section], timestamp=WHEN
    )
    html = str(render("html", report))
    assert 'id="map"' in html and html.count("<svg") >= 2
    assert "Map: impact against achievability" in html
    spec = map_spec(f, shipped, timestamp=WHEN).spec
    assert vlc.vegalite_to_svg(spec).count("<path") > len(f.option_ids)
