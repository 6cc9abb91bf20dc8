"""policybench.present.charts: valid Vega-Lite, projector-size fonts, colour-blind-safe colours,
plain-word titles, and data kept beside the spec."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import altair as alt
import jsonschema
import pandas as pd
import pytest

from policybench.analysis.rank import compare_methods, rank_catalog
from policybench.analysis.whatif import sensitivity
from policybench.analysis.workshop import group_result
from policybench.present import charts, compare, robustness
from policybench.present.charts.compare import head_to_head_chart, slope_chart, tau_chart
from policybench.present.charts.ranking import ranking_chart, rankings_chart
from policybench.present.charts.robustness import (
    acceptability_chart,
    first_rank_chart,
    sensitivity_chart,
)
from policybench.present.charts.workshop import workshop_charts
from policybench.present.labels import BASELINE_MARK, option_label

from .conftest import EQUAL, HAWK

SAFE = (
    set(charts.CRITERION_PALETTE)
    | set(charts.OKABE_ITO)
    | set(charts.DIRECTION_COLOURS.values())
    | {"#000000", "#555555", "#FFFFFF", "#222222", charts.INK}
)
NAMES = [
    "contribution",
    "score",
    "slope",
    "h2h",
    "tau",
    "sensitivity",
    "acceptability",
    "first",
    "weights",
    "ranks",
]


@pytest.fixture(scope="module")
def built(cat) -> dict[str, charts.Chart]:
    ranking = rank_catalog(cat, HAWK)
    labels = [option_label(cat.options_by_id[ranking.option_ids[i]]) for i in ranking.order()]
    sens = sensitivity(cat, EQUAL, "wsm", "deterrence")
    acc = pd.DataFrame(
        [{"option": o, "rank": r, "share": 0.25} for o in labels for r in range(1, 5)]
    )
    first = pd.DataFrame({"option": labels, "share": [0.5, 0.3, 0.2, 0.0]})
    room = group_result(cat, cat.option_ids, cat.criterion_ids, [HAWK, EQUAL])
    weights, ranks = workshop_charts(cat, room)
    return {
        "contribution": ranking_chart(ranking, cat),
        "score": ranking_chart(rank_catalog(cat, HAWK, method="topsis"), cat),
        "slope": slope_chart(compare.rank_shift(cat, [("Hawk", HAWK), ("Equal", EQUAL)])),
        "h2h": head_to_head_chart(compare.head_to_head(cat, ["summits", "liaison", "status-quo"])),
        "tau": tau_chart(compare.tau_matrix(compare_methods(cat, HAWK))),
        "sensitivity": sensitivity_chart(
            robustness.sweep_lines(cat, sens),
            criterion="Deterrence",
            current=sens.current,
            break_even=robustness.first_place_changes(cat, sens),
        ),
        "acceptability": acceptability_chart(acc, labels),
        "first": first_rank_chart(first),
        "weights": weights,
        "ranks": ranks,
    }


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def test_axis_titles_are_plain_words(built) -> None:
    spec = built["contribution"].spec
    assert spec["layer"][0]["encoding"]["x"]["title"].startswith("Score")
    assert (
        spec["layer"][0]["encoding"]["y"]["title"] is None
    )  # the option names speak for themselves
    assert "0–10" in built["h2h"].spec["layer"][0]["encoding"]["x"]["title"]
    assert "Weighted product" not in built["score"].spec["encoding"]["x"]["title"]
    assert "TOPSIS (topsis)" in built["score"].spec["encoding"]["x"]["title"]


def test_criterion_colours_follow_the_catalog_order(built) -> None:
    scale = built["contribution"].spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    assert scale["range"] == list(charts.CRITERION_PALETTE[:3])


def test_the_baseline_is_bold_and_ruled(built, cat) -> None:
    spec = built["contribution"].spec
    weight = spec["layer"][0]["encoding"]["y"]["axis"]["labelFontWeight"]
    assert charts.BASELINE_TEXT in weight["expr"] and BASELINE_MARK.strip() == charts.BASELINE_TEXT
    ranking = rank_catalog(cat, HAWK)
    baseline = ranking.scores[ranking.option_ids.index("status-quo")]
    assert list(built["contribution"].datasets["baseline"]["score"]) == [baseline]


def test_contributions_are_the_rankings_own(built, cat) -> None:
    ranking = rank_catalog(cat, HAWK)
    data = built["contribution"].datasets["contributions"]
    totals = data.groupby("option", sort=False)["contribution"].sum()
    labels = {
        option_label(cat.options_by_id[o]): s
        for o, s in zip(ranking.option_ids, ranking.scores, strict=True)
    }
    for label, total in totals.items():
        assert total == pytest.approx(labels[label], abs=1e-12)


def test_slope_gives_tied_options_a_row_each(built) -> None:
    for _, rows in built["slope"].datasets["shift"].groupby("position"):
        assert sorted(rows["slot"]) == list(range(1, len(rows) + 1))
        assert list(rows.sort_values("slot")["rank"]) == sorted(rows["rank"])


def test_first_rank_leaves_out_options_never_first(built) -> None:
    assert len(built["first"].datasets["first"]) == 3


def test_rankings_of_several_methods_stack_with_their_own_data(cat) -> None:
    parts = [
        ("wsm (scale)", rank_catalog(cat, HAWK)),
        ("topsis (minmax)", rank_catalog(cat, HAWK, method="topsis")),
    ]
    spec = rankings_chart(parts, cat, subtitle=["stamp"]).to_dict()
    jsonschema.validate(spec, alt.load_schema())
    assert len(spec["vconcat"]) == 2 and spec["title"]["subtitle"] == ["stamp"]
    assert {"p0-contributions", "p1-scores"} <= set(spec["datasets"])
    labels = [row["option"] for row in spec["datasets"]["p1-scores"]]
    assert all(label.split(". ", 1)[0].isdigit() for label in labels)  # numbered by rank


def test_a_chart_renders_to_png_offline(built) -> None:
    vlc = pytest.importorskip("vl_convert")
    png = vlc.vegalite_to_png(built["contribution"].to_dict())
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000


@pytest.mark.parametrize(
    ("largest", "top"), [(0.17, 0.2), (0.2, 0.2), (0.01, 0.05), (0.97, 1.0), (1.0, 1.0)]
)
def test_the_heat_map_scale_is_fitted_to_the_shares_shown(largest: float, top: float) -> None:
    import pandas as pd

    from policybench.present.charts.robustness import heat_top

    assert heat_top(pd.Series([0.0, largest / 2, largest])) == pytest.approx(top)
