"""policybench.present.contest and present.charts.rounds: the contested-scores, reasons,
if-the-room-is-right and rounds tables (their columns and rounded numbers), the sentences and
labels, and the convergence chart (valid Vega-Lite, projector-size, colour-blind-safe)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

import altair as alt
import jsonschema
import numpy as np
import pandas as pd
import pytest

from policybench.analysis.contest import ContestedCell, contested, if_room_right
from policybench.analysis.rounds import Convergence, Movement, convergence
from policybench.present import charts
from policybench.present import contest as words
from policybench.present.charts.rounds import convergence_chart
from policybench.present.workshop import agreement_words

CRITERIA = ["feasibility", "deterrence", "backlash"]
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
LEAD = {"feasibility": 2.0, "deterrence": 1.0, "backlash": 1.0}
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}
CY = {"feasibility": 3.0, "deterrence": 3.0, "backlash": 3.0}
HOSTILE = "[click](javascript:alert(1)) **now** <b>x</b> =1+1"


@dataclass(frozen=True)
class Challenged:
    option: str
    criterion: str
    value: float
    low: float | None = None
    high: float | None = None
    display_name: str = ""
    reason: str = "Because."
    quote: str | None = None
    source: str | None = None
    verified: bool = False
    round: int = 1


@dataclass(frozen=True)
class Decided:
    option: str
    criterion: str
    decision: str
    value: float | None = None


CELL = ContestedCell(
    option="liaison",
    criterion="feasibility",
    value=4.0,
    low=3.0,
    high=5.0,
    count=3,
    median=8.333333,
    min=7.25,
    max=9.0,
    iqr=0.874999,
    room_low=6.0,
    room_high=9.5,
    outside=True,
    adopted=None,
    impact=3.0,
    shift=6,
    rank_before=4,
    rank_after=1,
)


def test_ordinals_and_scores_read_as_a_room_reads_them() -> None:
    got = [words.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112)]
    assert got == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st",
        "111th", "112th",
    ]  # fmt: skip
    assert (words.score_text(6.0), words.score_text(6.46), words.score_text(0.04)) == (
        "6",
        "6.5",
        "0",
    )
    assert words.range_text(5.0, 7.25) == "5–7.2" and words.range_text(None, None) == ""


def test_impact_in_words_puts_the_top_first(cat) -> None:
    # 4th → 1st with a top five: inside the top both times, so a move
    assert words.impact_words(CELL) == (
        "Moves the option from 4th to 1st; 3 pairs of options change order"
    )
    assert words.impact_words(CELL, cat) == (
        "Moves “Liaison officers” from 4th to 1st; 3 pairs of options change order"
    )
    into = replace(CELL, rank_before=8, rank_after=2, impact=6.0, top_changes=2)
    assert words.impact_words(into, cat) == (
        "Brings “Liaison officers” into the top five (from 8th to 2nd); 6 pairs of options "
        "change order"
    )
    out = replace(CELL, rank_before=3, rank_after=7, impact=4.0, top_changes=2)
    assert words.impact_words(out, cat) == (
        "Takes “Liaison officers” out of the top five (from 3rd to 7th); 4 pairs of options "
        "change order"
    )
    below = replace(CELL, rank_before=17, rank_after=27, impact=10.0)
    assert words.impact_words(below, cat) == (
        "Moves “Liaison officers” from 17th to 27th; 10 pairs of options change order"
    )
    stays = replace(CELL, rank_before=2, rank_after=2, impact=1.0)
    assert words.impact_words(stays) == "Leaves the option 2nd; 1 pair of options changes order"
    pushed = replace(stays, rank_before=6, rank_after=6, top_changes=2)  # others cross the top
    assert words.impact_words(pushed) == (
        "Leaves the option 6th; 2 options enter or leave the top five; 1 pair of options "
        "changes order"
    )
    half = replace(CELL, impact=0.5, rank_after=3)
    assert words.impact_words(half).endswith("0.5 pairs of options change order")
    nothing = replace(CELL, impact=0.0, shift=0, rank_after=4)
    assert words.impact_words(nothing) == "No change to the group's ranking"


def test_the_proposals_in_words() -> None:
    one = replace(CELL, count=1, min=2.0, max=2.0, proposals=((2.0, None, None),))
    assert words.proposed_text(one) == "1 proposal: 2"
    three = replace(
        CELL, count=3, min=3.0, max=8.0,
        proposals=((3.0, None, None), (7.0, 6.0, 9.0), (8.0, None, None)),
    )  # fmt: skip
    assert words.proposed_text(three) == "3 proposals: 3, 7, 8 (one with range 6–9)"
    two_ranges = replace(three, proposals=((3.0, 2.5, 4.0), (7.0, 6.0, 9.0), (8.0, None, None)))
    assert words.proposed_text(two_ranges) == ("3 proposals: 3, 7, 8 (two with ranges 2.5–4, 6–9)")
    many = replace(
        CELL, count=6, min=2.0, max=9.0,
        proposals=tuple((v, None, None) for v in (2.0, 3.0, 4.0, 5.0, 8.0, 9.0)),
    )  # fmt: skip
    assert words.proposed_text(many) == "6 proposals: 2–9"
    ranged = replace(many, proposals=((2.0, 1.0, 3.0), *many.proposals[1:]))
    assert words.proposed_text(ranged) == "6 proposals: 2–9 (1 with range)"
    # a cell made without its proposals (an older caller) still reads
    assert words.proposed_text(CELL) == "3 proposals: 7.2–9"


def test_an_adopted_cell_says_so_in_its_impact() -> None:
    # the median adopted: the results already use it, whatever the impact was measured as
    in_place = replace(CELL, adopted=8.333333, impact=0.0, shift=0, rank_after=4)
    assert words.impact_words(in_place) == words.IN_PLACE == "In place: the results use it"
    assert words.impact_words(replace(in_place, impact=3.0)) == words.IN_PLACE
    # another value adopted: the change is measured from it, and says so
    other = replace(CELL, adopted=6.0)
    assert words.impact_words(other) == (
        "Against the adopted 6: moves the option from 4th to 1st; 3 pairs of options change order"
    )
    still = replace(CELL, adopted=6.04, impact=0.0, shift=0, rank_after=4)
    assert words.impact_words(still) == "Against the adopted 6: no change to the group's ranking"


def test_the_contested_table_has_its_columns_and_rounded_numbers(cat) -> None:
    adopted = replace(
        CELL, option="summits", criterion="backlash", adopted=2.46, outside=False,
        decision="adopted",
    )  # fmt: skip
    table = words.contested_table(cat, [CELL, adopted])
    assert list(table.columns) == [
        "option", "label", "criterion_id", "criterion", "catalog", "range", "challenges",
        "median", "spread", "proposed", "outside", "adopted", "impact", "decision",
    ]  # fmt: skip
    first = table.iloc[0].to_dict()
    assert first["label"] == "Liaison officers" and first["criterion"] == "Feasibility"
    assert (first["catalog"], first["range"], first["challenges"]) == (4.0, "3–5", 3)
    assert (first["median"], first["spread"]) == (8.3, 0.9)
    assert first["proposed"] == "3 proposals: 7.2–9"
    assert first["outside"] == "yes" and math.isnan(first["adopted"]) and first["decision"] == ""
    assert first["impact"] == (
        "Moves “Liaison officers” from 4th to 1st; 3 pairs of options change order"
    )
    second = table.iloc[1].to_dict()
    assert second["criterion"] == "Chinese backlash (cost)" and second["outside"] == "no"
    assert second["adopted"] == 2.5 and second["decision"] == "adopted"
    assert second["impact"] == (
        "Against the adopted 2.5: moves “Regular summits” from 4th to 1st; 3 pairs of options "
        "change order"
    )
    assert set(table.columns) <= set(words.HEADERS) | {"option", "criterion_id"}
    assert list(words.contested_table(cat, []).columns) == list(table.columns)


def test_the_contested_table_follows_the_analysis_order(cat) -> None:
    props = [Challenged("summits", "backlash", 2.0)] * 2 + [
        Challenged("liaison", "feasibility", 10)
    ]
    cells = contested(cat, OPTIONS, CRITERIA, [LEAD], props)
    table = words.contested_table(cat, cells)
    assert list(zip(table["option"], table["criterion_id"], strict=True)) == [
        ("liaison", "feasibility"),
        ("summits", "backlash"),
    ]
    assert list(table["impact"]) == [
        "Moves “Liaison officers” from 4th to 1st; 3 pairs of options change order",
        "No change to the group's ranking",
    ]
    assert list(table["proposed"]) == ["1 proposal: 10", "2 proposals: 2, 2"]
    # liaison's median adopted: the page and the exports both read it as in place
    adopted = {"liaison": {"feasibility": 10.0}}
    cells = contested(cat, OPTIONS, CRITERIA, [LEAD], props, overrides=adopted)
    table = words.contested_table(cat, cells).set_index("option")
    assert table.loc["liaison", "impact"] == "In place: the results use it"
    assert table.loc["summits", "impact"] == "No change to the group's ranking"


def test_reasons_and_quotes_are_data_marked_verified_or_not(cat) -> None:
    challenges = [
        Challenged("summits", "backlash", 2.0, display_name="", reason=HOSTILE),
        Challenged(
            "liaison",
            "feasibility",
            8.0,
            low=7.0,
            high=9.0,
            display_name="Ana\nKim",
            quote=HOSTILE,
            source="nishino-2017",
            verified=True,
        ),
        Challenged("liaison", "feasibility", 9.04, quote="Said somewhere.", source="unknown-id"),
    ]
    cells = contested(cat, OPTIONS, CRITERIA, [LEAD], challenges)
    table = words.reasons_table(cat, challenges, cells)
    assert list(table.columns) == [
        "option", "label", "criterion_id", "criterion", "participant", "value", "range",
        "reason", "quote", "source", "quote_status",
    ]  # fmt: skip
    # grouped by cell in the contested order (liaison's moves the ranking more), then as given
    assert list(table["option"]) == ["liaison", "liaison", "summits"]
    assert list(table["participant"]) == ["Ana Kim", "A participant", "A participant"]
    assert list(table["value"]) == [8.0, 9.0, 2.0] and list(table["range"]) == ["7–9", "", ""]
    assert list(table["quote_status"]) == ["verified", "unverified", ""]
    assert (
        table["source"][0].startswith("Junya Nishino (2017)") and table["source"][1] == "unknown-id"
    )
    # participants' text goes out exactly as written: escaping is the renderer's job
    assert table["quote"][0] == HOSTILE and table["reason"][2] == HOSTILE
    assert table["quote"][2] == ""
    by_catalog = words.reasons_table(cat, challenges)  # no cells: catalog order
    assert list(by_catalog["option"]) == ["liaison", "liaison", "summits"]


def test_if_the_room_is_right_table_and_sentence(cat) -> None:
    props = [
        Challenged("liaison", "feasibility", 10.0),
        Challenged("two-plus-two", "deterrence", 9),
    ]
    res = if_room_right(cat, OPTIONS, CRITERIA, [LEAD], props, top=2)
    table = words.room_right_table(cat, res)
    assert list(table.columns) == [
        "option", "label", "catalog_rank", "room_rank", "change", "moves",
    ]  # fmt: skip
    # largest change first (liaison 3 places, summits 2, status quo 1), the unmoved last
    assert list(table["option"]) == ["liaison", "summits", "status-quo", "two-plus-two"]
    assert list(table["catalog_rank"]) == [4, 2, 1, 3] and list(table["room_rank"]) == [1, 4, 2, 3]
    assert list(table["change"]) == ["▲ 3", "▼ 2", "▼ 1", "="]
    assert list(table["moves"]) == [True, True, True, False]
    tau = "Kendall's τ -0.33 (1 = the same order, −1 = the reverse)"
    assert words.room_right_sentence(cat, res) == (
        f"If the room is right, {tau}: “Liaison officers” enters the top two, "
        "“Regular summits” leaves it."
    )
    # a rejected cell is left out of the room's ranking, and the sentence says so
    rejected = if_room_right(
        cat, OPTIONS, CRITERIA, [LEAD], props, top=2,
        decisions=[Decided("liaison", "feasibility", "rejected")],
    )  # fmt: skip
    assert words.room_right_sentence(cat, rejected).startswith(
        "If the room is right (1 rejected cell left out), Kendall's τ 0.67 (1 = the same order"
    )
    assert "“A 2+2 meeting” enters the top two" in words.room_right_sentence(cat, rejected)
    # a top five of four options in play is all four: it is named by what it holds
    five = if_room_right(cat, OPTIONS, CRITERIA, [LEAD], props)
    assert five.top == 5 and len(five.option_ids) == 4
    assert words.room_right_sentence(cat, five) == (
        f"If the room is right, {tau}: the top four stays the same."
    )
    three = if_room_right(cat, OPTIONS[:3], CRITERIA, [LEAD], props[:1])
    assert words.room_right_sentence(cat, three).endswith(": the top three stays the same.")
    none = if_room_right(cat, OPTIONS, CRITERIA, [LEAD], [])
    assert words.room_right_sentence(cat, none) == (
        "If the room is right, Kendall's τ 1.00 (1 = the same order, −1 = the reverse): the "
        "ranking stays the same."
    )
    assert not words.room_right_table(cat, none)["moves"].any()


def test_the_sentence_names_several_and_a_lone_leaver(cat) -> None:
    res = if_room_right(cat, OPTIONS, CRITERIA, [LEAD], [], top=2)
    two_in = replace(res, entering=("liaison", "two-plus-two"), leaving=("status-quo", "summits"))
    assert words.room_right_sentence(cat, two_in) == (
        "If the room is right, Kendall's τ 1.00 (1 = the same order, −1 = the reverse): "
        "“Liaison officers” and “A 2+2 meeting” enter the top two, “Status quo (baseline)” and "
        "“Regular summits” leave it."
    )
    out = replace(res, entering=(), leaving=("summits",), top=1, tau=float("nan"))
    assert words.room_right_sentence(cat, out) == (
        "If the room is right, Kendall's τ undefined (one ranking ties every option): "
        "“Regular summits” leaves first place."
    )
    assert words.top_words(12) == "the top 12" and words.top_words(3) == "the top three"


@pytest.mark.parametrize(
    ("adjusted", "label"),
    [
        (0, ""),
        ((), ""),
        (1, "1 score adjusted in this workshop"),
        ((("liaison", "feasibility"),), "1 score adjusted in this workshop"),
        (2, "2 scores adjusted in this workshop"),
        ((("a", "b"), ("c", "d")), "2 scores adjusted in this workshop"),
        ({}, ""),
        ({"liaison": {}}, ""),
        (
            {"liaison": {"feasibility": 8.5, "backlash": 1.0}, "summits": {"deterrence": 9.0}},
            "3 scores adjusted in this workshop",
        ),
    ],
)
def test_the_adjusted_label(adjusted: Any, label: str) -> None:
    assert words.adjusted_label(adjusted) == label


def _converging(cat):  # type: ignore[no-untyped-def]
    second = {"a": ANA, "b": LEAD, "c": LEAD, "d": LEAD}
    return convergence(cat, OPTIONS, CRITERIA, {1: {"a": ANA, "b": BOB, "c": CY}, 2: second, 3: {}})


def test_the_rounds_table(cat) -> None:
    conv = _converging(cat)
    table = words.rounds_table(conv)
    assert list(table.columns) == [
        "round",
        "submissions",
        "kendall_w",
        "agreement",
        "mean_movement",
        "movement",
    ]
    assert list(table["round"]) == [1, 2, 3] and list(table["submissions"]) == [3, 4, 0]
    one, two, _ = conv.rounds
    assert one.w is not None and two.w is not None
    assert table["kendall_w"][0] == one.w and table["kendall_w"][1] == two.w  # full values
    assert math.isnan(table["kendall_w"][2])
    assert table["agreement"][0] == agreement_words(one.concordance)
    assert table["agreement"][2] == "Nobody has submitted in this round yet."
    moved = conv.movement_into(2)
    assert moved is not None and moved.mean is not None
    assert math.isnan(table["mean_movement"][0]) and math.isnan(table["mean_movement"][2])
    assert table["mean_movement"][1] == moved.mean  # rounded where it is shown, not here
    assert table["movement"][1] == f"{100 * moved.mean:.1f}\u00a0%"
    assert list(table["movement"][[0, 2]]) == ["", ""]


def test_a_small_movement_is_not_rounded_twice() -> None:
    # 1.63 % rounded to two decimals of a share (0.02) and shown with one read "2.0 %"
    conv = Convergence(
        criterion_ids=("a", "b"),
        method="wsm",
        normalization="scale",
        rounds=(),
        moves=(Movement(1, 2, ("p", "q"), np.array([0.0163, 0.0257])),),
    )
    moved = words.movement_table(conv)
    assert list(moved["moved"]) == [0.0163, 0.0257]
    assert list(moved["moved_text"]) == ["1.6\u00a0%", "2.6\u00a0%"]


def test_the_spread_per_round_is_long_form_with_full_values(cat) -> None:
    conv = _converging(cat)
    table = words.spread_by_round(cat, conv)
    assert list(table.columns) == ["round", "criterion_id", "criterion", "spread", "median"]
    assert len(table) == 2 * 3  # the empty third round is left out
    assert list(table["criterion_id"][:3]) == CRITERIA
    assert list(table["criterion"][:3]) == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    np.testing.assert_array_equal(table["spread"][:3], conv.rounds[0].spread)
    assert all(0 <= v <= 1 for v in table["spread"])
    movement = words.movement_table(conv)
    assert list(movement.columns) == [
        "from_round", "to_round", "participant", "moved", "moved_text",
    ]  # fmt: skip
    # round 1 → 2: a kept their weights, b and c moved; round 2 → 3: nobody in both
    assert list(movement["participant"]) == ["a", "b", "c"] and movement["moved"][0] == 0.0
    assert list(movement["from_round"]) == [1, 1, 1] and (movement["moved"][1:] > 0).all()


def test_a_room_whose_median_is_zero_everywhere_is_tabled(cat) -> None:
    # each participant puts everything on a different criterion: the rounds table and the
    # spread table show it (medians of 0) instead of failing
    alone = {c: dict.fromkeys(CRITERIA, 0.0) | {c: 1.0} for c in CRITERIA}
    conv = convergence(cat, OPTIONS, CRITERIA, {1: alone})
    spread = words.spread_by_round(cat, conv)
    assert list(spread["median"]) == [0.0, 0.0, 0.0] and list(spread["spread"]) == [0.5] * 3
    assert list(words.rounds_table(conv)["submissions"]) == [3]


# ------------------------------------------------------------------------------ the chart
def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


@pytest.fixture
def chart(cat) -> charts.Chart:
    return convergence_chart(words.spread_by_round(cat, _converging(cat)))


def test_the_convergence_chart_is_valid_vega_lite_on_screen_and_in_a_file(chart) -> None:
    schema = alt.load_schema()
    jsonschema.validate(chart.to_dict(), schema)
    in_a_file = chart.to_dict(width=charts.EXPORT_WIDTH)
    jsonschema.validate(in_a_file, schema)
    exprs = [v for k, v in _walk(in_a_file) if k in {"expr", "labelExpr"} and isinstance(v, str)]
    assert not [e for e in exprs if re.search(r"\bwidth\b", e)]
    assert set(in_a_file["datasets"]) == {"spread"} and len(in_a_file["datasets"]["spread"]) == 6


def test_the_convergence_chart_is_projector_size_and_colour_blind_safe(chart) -> None:
    sizes = [v for k, v in _walk(chart.spec) if k.lower().endswith("fontsize")]
    assert sizes and min(sizes) >= 13
    layer = chart.spec["layer"][0]
    scale = layer["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    assert scale["range"] == list(charts.CRITERION_PALETTE[:3])  # the criteria's own colours
    assert layer["encoding"]["color"]["legend"]["orient"] == "top"
    assert (
        layer["encoding"]["y"]["field"] == "spread" and layer["encoding"]["x"]["field"] == "round"
    )
    points = chart.spec["layer"][1]
    assert points["encoding"]["shape"]["scale"]["range"][:3] == ["circle", "square", "diamond"]
    assert chart.spec["title"]["text"].startswith("How far apart")


def test_the_convergence_chart_renders_at_projector_width(chart) -> None:
    vlc = pytest.importorskip("vl_convert")
    svg = vlc.vegalite_to_svg(chart.to_dict(width=1024))
    for text in ("Feasibility", "Chinese backlash (cost)", "Round"):
        assert text in svg
    assert 'width="1024"' in svg


def test_one_round_is_still_drawn(cat) -> None:
    one = convergence(cat, OPTIONS, CRITERIA, {1: {"a": ANA, "b": BOB}})
    table = words.spread_by_round(cat, one)
    spec = convergence_chart(table).to_dict(width=600)
    jsonschema.validate(spec, alt.load_schema())
    assert pd.DataFrame(spec["datasets"]["spread"])["round"].unique().tolist() == [1]
