"""policybench.present.charts: valid Vega-Lite, projector-size fonts, colour-blind-safe colours,
plain-word titles, data kept beside the spec, and legible at every width: option rows that leave
the marks the chart's whole width, names wrapped to it, scores on the bars, the status quo
marked and labelled, a top-N view, and titles wrapped to a file's width."""

from __future__ import annotations

import re
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
from policybench.present.charts.ranking import contribution_chart, ranking_chart, rankings_chart
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


def layers(chart: charts.Chart) -> list[dict[str, Any]]:
    return list(chart.spec.get("layer", [chart.spec]))


def layer_of(chart: charts.Chart, mark: str, data: str | None = None) -> dict[str, Any]:
    """The first layer drawing ``mark`` (from the dataset ``data`` when given)."""
    for layer in layers(chart):
        kind = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        if kind == mark and (data is None or layer["data"]["name"] == data):
            return layer
    raise AssertionError(f"no {mark} layer reading {data}")


def expressions(node: Any) -> list[str]:
    keys = {"expr", "calculate", "filter", "labelExpr", "test"}
    return [v for k, v in walk(node) if k in keys and isinstance(v, str)]


@pytest.mark.parametrize("name", NAMES)
def test_every_chart_is_valid_vega_lite_on_screen_and_in_a_file(built, name: str) -> None:
    chart = built[name]
    schema = alt.load_schema()
    jsonschema.validate(chart.to_dict(), schema)
    in_a_file = chart.to_dict(width=charts.EXPORT_WIDTH)
    jsonschema.validate(in_a_file, schema)
    # A file has no container: every expression that read the chart's width gets a number.
    assert not [e for e in expressions(in_a_file) if re.search(r"\bwidth\b", e)]
    assert set(in_a_file["datasets"]) == set(chart.datasets)


@pytest.mark.parametrize("name", NAMES)
def test_fonts_are_projector_size_and_colours_colour_blind_safe(built, name: str) -> None:
    spec = built[name].spec
    sizes = [
        v for k, v in walk(spec) if k.lower().endswith("fontsize") and isinstance(v, int | float)
    ]
    assert sizes and min(sizes) >= 13
    colours = {
        v.upper()
        for k, v in walk(spec)
        if k in {"color", "range"} and isinstance(v, str) and v.startswith("#")
    } | {
        c.upper()
        for k, v in walk(spec)
        if k == "range" and isinstance(v, list)
        for c in v
        if isinstance(c, str) and c.startswith("#")
    }
    assert colours <= {c.upper() for c in SAFE}, colours - {c.upper() for c in SAFE}


def test_plain_words_say_what_the_bars_show(built) -> None:
    title = built["contribution"].spec["title"]
    assert title["text"] == "Score of each option, split by what each criterion adds"
    assert "weighted sum" in title["subtitle"][0] and "1 = best" in title["subtitle"][0]
    assert "TOPSIS (topsis)" in built["score"].spec["title"]["subtitle"][0]
    assert "0–10" in layer_of(built["h2h"], "bar")["encoding"]["x"]["title"]


@pytest.mark.parametrize(
    "name", ["contribution", "score", "slope", "acceptability", "first", "weights", "ranks"]
)
def test_option_rows_leave_the_marks_the_whole_width(built, name: str) -> None:
    """The names are drawn inside the rows, above the marks, not on an axis beside them:
    no y axis takes width from the plot, and the names are limited to the chart's width."""
    chart = built[name]
    ys = [
        layer["encoding"]["y"]
        for layer in layers(chart)
        if "y" in layer.get("encoding", {}) and "field" in layer["encoding"]["y"]
    ]
    assert ys and all(y.get("axis", "missing") is None for y in ys)
    names = [
        layer
        for layer in layers(chart)
        if layer["mark"].get("type") == "text" and layer["mark"].get("lineBreak") == "\n"
    ]
    assert len(names) == 1
    assert names[0]["mark"]["limit"] == {"expr": "width"}
    rows = chart.datasets[names[0]["data"]["name"]]
    assert {f"w{c}" for c in charts.WRAPS} <= set(rows.columns)


def test_names_wrap_to_two_lines_and_shorten_with_an_ellipsis() -> None:
    title = 'Japan–ROK "2+2" strategic dialogue on North Korea, contingencies and inter-alliance cooperation'
    assert charts.wrap(title, 200) == [title]
    two = charts.wrap(title, 40)
    assert len(two) == 2 and all(len(line) <= 40 for line in two) and two[1].endswith("…")
    assert " ".join(charts.wrap("Short name", 40)) == "Short name"
    cols = charts.wrap_columns([title])
    assert cols["w130"] == [title] and cols["w16"][0].count("\n") == 1


def test_a_long_name_takes_two_lines_on_a_phone_and_one_on_a_wide_screen() -> None:
    """End to end in Vega (vl-convert): the wrapping is chosen from the chart's own width."""
    vlc = pytest.importorskip("vl_convert")
    long = "A very long option title that certainly needs two lines on a narrow phone screen"
    labels = [long, "Short one"]
    contrib = pd.DataFrame(
        {
            "option": labels,
            "criterion": ["C", "C"],
            "criterion_order": [0, 0],
            "contribution": [0.6, 0.3],
            "weight_share": [1.0, 1.0],
            "value": [0.6, 0.3],
        }
    )
    chart = contribution_chart(contrib, labels, ["C"])

    def shown(width: int) -> str:
        svg = vlc.vegalite_to_svg(chart.to_dict(width=width))
        found = re.search(r'<text aria-label="label: A very long[^>]*>(.*?)</text>', svg)
        assert found is not None
        return found.group(1)

    narrow, wide = shown(300), shown(900)
    assert narrow.count("<tspan") == 2 and "A very long option title" in narrow
    assert "<tspan" not in wide and wide == long


def test_the_top_n_view_keeps_the_best_and_says_so(cat) -> None:
    ranking = rank_catalog(cat, HAWK)
    chart = ranking_chart(ranking, cat, top=2)
    rows = chart.datasets["rows"]
    best = [option_label(cat.options_by_id[ranking.option_ids[i]]) for i in ranking.order()[:2]]
    assert list(rows["label"]) == best and list(rows["rank"]) == [1, 2]
    assert "The best 2 of 4 options." in chart.spec["title"]["subtitle"]
    # the status quo is not among the best two, yet its mark and label stay
    baseline = ranking.scores[ranking.option_ids.index("status-quo")]
    assert list(chart.datasets["baseline"]["score"]) == [pytest.approx(baseline)]
    assert not rows["baseline"].any()
    everything = ranking_chart(ranking, cat)
    assert len(everything.datasets["rows"]) == 4
    assert all("The best" not in line for line in everything.spec["title"]["subtitle"])


def test_scores_are_printed_at_the_end_of_the_bars(built, cat) -> None:
    ranking = rank_catalog(cat, HAWK)
    text = next(
        layer
        for layer in layers(built["contribution"])
        if layer["mark"].get("type") == "text"
        and layer["encoding"].get("text", {}).get("field") == "score"
    )
    assert text["encoding"]["text"]["format"] == ".3f" and text["encoding"]["x"]["field"] == "score"
    rows = built["contribution"].datasets["rows"]
    assert list(rows["score"]) == pytest.approx([ranking.scores[i] for i in ranking.order()])
    # the bars end short of the right edge, leaving room for the number
    x = layer_of(built["contribution"], "bar")["encoding"]["x"]["scale"]
    assert x["range"] == [0, {"expr": f"width - {charts.SCORE_ROOM}"}]


def test_the_status_quo_is_bold_marked_on_every_bar_and_labelled(built, cat) -> None:
    chart = built["contribution"]
    ranking = rank_catalog(cat, HAWK)
    baseline = ranking.scores[ranking.option_ids.index("status-quo")]
    rows = chart.datasets["rows"]
    assert list(rows.loc[rows["baseline"], "label"]) == ["Status quo" + BASELINE_MARK]
    names = next(layer for layer in layers(chart) if layer["mark"].get("lineBreak") == "\n")
    assert names["mark"]["fontWeight"] == {"expr": "datum.baseline ? 'bold' : 'normal'"}
    tick = layer_of(chart, "tick", "rows")
    assert tick["encoding"]["x"]["field"] == "sq"
    assert list(rows["sq"]) == pytest.approx([baseline] * len(rows))  # a mark on every bar
    label = layer_of(chart, "text", "baseline")
    assert label["encoding"]["text"]["field"] == "label"
    assert list(chart.datasets["baseline"]["label"]) == [f"Status quo {baseline:.3f}"]


def test_vikor_bars_grow_with_quality(cat) -> None:
    ranking = rank_catalog(cat, HAWK, method="vikor")
    rows = ranking_chart(ranking, cat).datasets["rows"]
    assert (rows["score"] >= 0).all() and (ranking.scores <= 0).all()
    assert list(rows["score"]) == pytest.approx([1 + ranking.scores[i] for i in ranking.order()])
    assert rows["score"].iloc[0] == rows["score"].max()  # the best has the longest bar
    subtitle = ranking_chart(ranking, cat).spec["title"]["subtitle"][0]
    assert "1 − Q" in subtitle and "longer bar is better" in subtitle


def test_negative_scores_get_room_on_the_left(cat) -> None:
    ranking = rank_catalog(cat, HAWK, method="promethee2")
    chart = ranking_chart(ranking, cat)
    assert ranking.scores.min() < 0
    scale = layer_of(chart, "bar")["encoding"]["x"]["scale"]
    assert scale["range"][0] == charts.SCORE_ROOM and scale["zero"] is True
    assert min(chart.datasets["rows"]["score"]) == pytest.approx(ranking.scores.min())
    assert layer_of(chart, "rule", "rows")["encoding"]["x"]["field"] == "zero"  # a zero line
    positive = ranking_chart(rank_catalog(cat, HAWK, method="topsis"), cat)
    assert layer_of(positive, "bar")["encoding"]["x"]["scale"]["range"][0] == 0


def test_legends_sit_above_the_plot(built) -> None:
    legend = layer_of(built["contribution"], "bar")["encoding"]["color"]["legend"]
    assert legend["orient"] == "top" and legend["columns"] == {"expr": "max(1, floor(width / 310))"}


def test_criterion_colours_follow_the_catalog_order(built) -> None:
    scale = layer_of(built["contribution"], "bar")["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    assert scale["range"] == list(charts.CRITERION_PALETTE[:3])


def test_contributions_are_the_rankings_own(built, cat) -> None:
    ranking = rank_catalog(cat, HAWK)
    data = built["contribution"].datasets["contributions"]
    totals = data.groupby("label", sort=False)["contribution"].sum()
    labels = {
        option_label(cat.options_by_id[o]): s
        for o, s in zip(ranking.option_ids, ranking.scores, strict=True)
    }
    assert len(totals) == 4
    for label, total in totals.items():
        assert total == pytest.approx(labels[label], abs=1e-12)


def test_the_shift_is_a_row_per_option_with_its_two_ranks(built, cat) -> None:
    rows = built["slope"].datasets["rows"]
    hawk = rank_catalog(cat, HAWK).rank_map
    equal = rank_catalog(cat, EQUAL).rank_map
    assert len(rows) == len(cat.options)
    assert list(rows["from"]) == sorted(hawk.values())  # in the first profile's order
    for row in rows.itertuples():
        oid = next(o.id for o in cat.options if row.option == option_label(o))
        assert (row._3, row.to) == (hawk[oid], equal[oid])  # from, to
        assert row.label.startswith(f"{hawk[oid]} → {equal[oid]} · ")  # ranks survive a cut
        assert row.direction == (
            "up" if hawk[oid] > equal[oid] else "down" if hawk[oid] < equal[oid] else "same"
        )


def test_first_rank_leaves_out_options_never_first(built) -> None:
    assert list(built["first"].datasets["first"]["share"]) == [0.5, 0.3, 0.2]


def test_rankings_of_several_methods_stack_with_their_own_data(cat) -> None:
    parts = [
        ("wsm (scale)", rank_catalog(cat, HAWK)),
        ("topsis (minmax)", rank_catalog(cat, HAWK, method="topsis")),
    ]
    chart = rankings_chart(parts, cat, subtitle=["stamp"], top=3)
    spec = chart.to_dict(width=600)
    jsonschema.validate(spec, alt.load_schema())
    assert len(spec["vconcat"]) == 2 and spec["title"]["subtitle"] == ["stamp"]
    assert all(part["width"] == 590 for part in spec["vconcat"])
    assert {"p0-contributions", "p1-rows"} <= set(spec["datasets"])
    labels = [row["label"] for row in spec["datasets"]["p1-rows"]]
    assert len(labels) == 3 and all(label.split(". ", 1)[0].isdigit() for label in labels)


def test_a_file_wraps_the_title_and_the_stamp_to_its_width(cat) -> None:
    stamp = ["weights: " + ", ".join(f"criterion_{k} 0.125" for k in range(8))]
    chart = rankings_chart([("Weighted sum", rank_catalog(cat, HAWK))], cat, subtitle=stamp)
    title = chart.to_dict(width=400)["title"]
    chars = int(400 / (charts.FONT_SIZE * charts.CHAR_EM))
    assert len(title["subtitle"]) > len(stamp) + 1  # the long stamp line is broken up ...
    assert all(len(line) <= chars for line in title["subtitle"])  # ... to fit the width
    assert " ".join(title["subtitle"]).endswith("criterion_7 0.125")  # ... and nothing lost


def test_a_chart_renders_to_png_offline(built) -> None:
    vlc = pytest.importorskip("vl_convert")
    png = vlc.vegalite_to_png(built["contribution"].to_dict(width=charts.EXPORT_WIDTH))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000


@pytest.mark.parametrize(
    ("largest", "top"), [(0.17, 0.2), (0.2, 0.2), (0.01, 0.05), (0.97, 1.0), (1.0, 1.0)]
)
def test_the_heat_map_scale_is_fitted_to_the_shares_shown(largest: float, top: float) -> None:
    from policybench.present.charts.robustness import heat_top

    assert heat_top(pd.Series([0.0, largest / 2, largest])) == pytest.approx(top)


def test_a_chart_of_the_same_shape_is_built_once_and_never_shared(cat) -> None:
    """The spec is cached by the chart's structure (a slider move changes only the data);
    each chart gets its own copy, so that drawing one never changes another."""
    a = ranking_chart(rank_catalog(cat, HAWK), cat)
    b = ranking_chart(rank_catalog(cat, EQUAL), cat)
    assert a.spec == b.spec and a.spec is not b.spec
    assert list(a.datasets["rows"]["score"]) != list(b.datasets["rows"]["score"])
    a.spec["title"]["text"] = "changed"  # type: ignore[index]
    assert ranking_chart(rank_catalog(cat, HAWK), cat).spec["title"]["text"] != "changed"
