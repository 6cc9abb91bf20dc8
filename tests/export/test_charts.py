"""policybench.export.charts: valid Vega-Lite, projector-size fonts, colour-blind-safe colours,
plain-word titles, and structure separate from data."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from policybench import catalog, views
from policybench.export import charts

W = {"feasibility": 1.0, "deterrence": 6.0, "backlash": 1.0}
SAFE = (
    set(charts.CRITERION_PALETTE)
    | set(charts.OKABE_ITO)
    | set(charts.DIRECTION_COLOURS.values())
    | {"#000000", "#555555", "#FFFFFF", "#222222", charts.INK}
)


@pytest.fixture(scope="module")
def prepared() -> dict[str, charts.Prepared]:
    from pathlib import Path

    cat = catalog.load(Path(__file__).resolve().parents[1] / "fixtures" / "catalog")
    ranked = views.rank_catalog(cat, W)
    crit = [views.criterion_label(cat, c) for c in cat.criterion_ids]
    sens = views.sensitivity(
        cat, {"feasibility": 1, "deterrence": 1, "backlash": 1}, "wsm", "deterrence"
    )
    acc = pd.DataFrame(
        [{"option": o, "rank": r, "share": 0.25} for o in ranked.order for r in range(1, 5)]
    )
    first = pd.DataFrame(
        {
            "option": ranked.order,
            "share": [0.5, 0.3, 0.2, 0.0],
            "confidence": [1, 1, 1, float("nan")],
        }
    )
    return {
        "contribution": charts.contribution_data(
            ranked.contributions, ranked.order, crit, baseline_score=0.3
        ),
        "score": charts.score_data(views.rank_catalog(cat, W, "topsis").table, method="TOPSIS"),
        "slope": charts.slope_data(
            views.rank_shift(
                cat, [("Hawk", W), ("Equal", {"feasibility": 1, "deterrence": 1, "backlash": 1})]
            )
        ),
        "h2h": charts.head_to_head_data(
            views.head_to_head(cat, ["summits", "liaison", "status-quo"])
        ),
        "tau": charts.tau_data(views.method_agreement(cat, W)[1]),
        "sensitivity": charts.sensitivity_data(
            sens.lines,
            criterion=sens.criterion,
            current=sens.current,
            break_even=sens.first_changes,
        ),
        "acceptability": charts.acceptability_data(acc, ranked.order),
        "first": charts.first_rank_data(first),
    }


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def test_charts_module_does_not_import_streamlit() -> None:
    code = "import sys, policybench.export.charts; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "name",
    ["contribution", "score", "slope", "h2h", "tau", "sensitivity", "acceptability", "first"],
)
def test_each_chart_is_valid_readable_and_safe(prepared, name: str) -> None:
    p = prepared[name]
    spec = p.chart().to_dict()  # validates against the Vega-Lite schema
    json.dumps(spec)
    # fonts readable at projector size
    sizes = [
        v for k, v in walk(spec) if k.lower().endswith("fontsize") and isinstance(v, int | float)
    ]
    assert sizes and min(sizes) >= 13, sizes
    assert spec["config"]["axis"]["labelFontSize"] >= 13
    # a title in plain words
    assert isinstance(spec.get("title"), str) and len(spec["title"].split()) >= 3
    # colours only from the colour-blind-safe palettes (or black/white/greys for ink)
    colours = [v for k, v in walk(spec) if k in {"color", "range"} and v is not None]
    flat = [
        c
        for v in colours
        for c in (v if isinstance(v, list) else [v])
        if isinstance(c, str) and c.startswith("#")
    ]
    assert set(flat) <= SAFE, set(flat) - SAFE
    # structure and data are separate: every named dataset the spec reads is attached
    names = {
        v["name"] for k, v in walk(spec) if k == "data" and isinstance(v, dict) and "name" in v
    }
    assert names and names <= set(spec["datasets"])
    assert set(p.datasets) == set(spec["datasets"])
    hash(p.args)  # the app caches the compiled structure on these


def test_spec_alone_carries_no_data(prepared) -> None:
    p = prepared["contribution"]
    spec = p.structure().to_dict()
    assert "datasets" not in spec
    text = json.dumps(spec)
    assert "Liaison officers" not in text


def test_axis_titles_are_plain_words(prepared) -> None:
    spec = prepared["contribution"].chart().to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["title"].startswith("Score")
    assert (
        spec["layer"][0]["encoding"]["y"]["title"] is None
    )  # the option names speak for themselves
    h2h = prepared["h2h"].chart().to_dict()
    assert "0–10" in h2h["layer"][0]["encoding"]["x"]["title"]


def test_criterion_colours_follow_the_catalog_order(prepared) -> None:
    spec = prepared["contribution"].chart().to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    assert scale["range"] == list(charts.CRITERION_PALETTE[:3])


def test_baseline_is_bold_and_ruled(prepared) -> None:
    spec = prepared["contribution"].chart().to_dict()
    weight = spec["layer"][0]["encoding"]["y"]["axis"]["labelFontWeight"]
    assert charts.BASELINE_TEXT in weight["expr"]
    assert views.BASELINE_MARK.strip() == charts.BASELINE_TEXT
    assert spec["datasets"]["baseline"] == [{"score": 0.3}]


def test_slope_gives_tied_options_a_row_each(prepared) -> None:
    data = prepared["slope"].datasets["shift"]
    for _, group in data.groupby("position"):
        assert sorted(group["slot"]) == list(range(1, len(group) + 1))
        assert list(group.sort_values("slot")["rank"]) == sorted(group["rank"])


def test_first_rank_leaves_out_options_never_first(prepared) -> None:
    assert len(prepared["first"].datasets["first"]) == 3


def test_a_chart_renders_to_png_offline(prepared) -> None:
    vlc = pytest.importorskip("vl_convert")
    png = vlc.vegalite_to_png(prepared["contribution"].chart().to_dict())
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
