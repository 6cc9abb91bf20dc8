"""Edges of what the formats share (src/policybench/export/formats/common.py) that the full
mutation run of session 8 found unguarded (docs/TESTING.md): a method that comes twice
headed by its title alone, columns the names do not know (or a camp's) kept as their ids,
no negative zero, a room's 0–10 scores to two decimals, ``None`` as missing, numpy values in
JSON, and a stamp's extra values (a workshop's code, a count, a statistic). Each test names
the mutants it kills (mutmut's names, under ``policybench.export.formats.common.``).
"""

from __future__ import annotations

import numpy as np

from policybench.analysis.rank import rank_catalog
from policybench.catalog import Catalog
from policybench.export.compare import compare_report, perspective
from policybench.export.formats import markdown
from policybench.export.formats.common import (
    about_items,
    about_text,
    bands,
    format_value,
    header,
    is_missing,
    jsonable,
    metadata_items,
    part_title,
)
from policybench.export.report import Report, build_report

from ..conftest import FIXED_TIME


def test_a_method_that_comes_twice_is_headed_by_its_title_alone(tiny: Catalog) -> None:
    """``part_title`` 10: two weighted sums are each named by their own title, which already
    says the method; not "wsm (scale) — wsm (scale)"."""
    rankings = [rank_catalog(tiny, method="wsm", normalization=n) for n in ("scale", "minmax")]
    rep = build_report(tiny, rankings, timestamp=FIXED_TIME, charts=False)
    assert [part_title(rep, p) for p in rep.rankings] == ["wsm (scale)", "wsm (minmax)"]
    headings = [line for line in markdown.render(rep).splitlines() if line.startswith("## Rank")]
    assert headings == ["## Ranking: wsm \\(scale\\)", "## Ranking: wsm \\(minmax\\)"]


def test_a_column_the_names_do_not_know_is_not_called_a_rank(report: Report) -> None:
    """``header`` 56, 61: a column of a method's that is neither its score nor its rank, or a
    ``:rank`` column of something that is not a method, is named from its id, never
    "Weighted sum: rank" (nor a crash looking up a method that is not there)."""
    assert header(report, "wsm:rank") == "Weighted sum: rank"
    assert header(report, "wsm:spread") == "Wsm:spread"
    assert header(report, "camp:rank") == "Camp:rank"


def test_a_value_added_to_the_stamp_is_shown_as_text(tiny: Catalog) -> None:
    """``metadata_items`` 81: a stamp's own values (a workshop's code, a count, a statistic
    to three significant digits) are listed after the weights, each with its value."""
    rep = build_report(
        tiny,
        [rank_catalog(tiny)],
        timestamp=FIXED_TIME,
        charts=False,
        extra_metadata={"workshop": "K7Q2M9XW", "rounds": 2, "kendall_w": 0.41234},
    )
    items = metadata_items(rep)
    labels = [k for k, _ in items]
    extra = labels.index("workshop")
    assert labels[extra - 1] == "weights"
    assert items[extra : extra + 3] == [
        ("workshop", "K7Q2M9XW"),
        ("rounds", "2"),
        ("kendall_w", "0.412"),
    ]


def test_no_number_reads_as_negative_zero() -> None:
    """``format_value`` 12 (a catalog's 0–10 score, shown as given with "%g"), 29 (a 0–10
    score that is not the catalog's, rounded to two decimals) and 35 (every other number, to
    three): a value of -0.0 (a value negated, a product with a negative) or one that rounds
    to zero from below reads "0" / "0.000", never "-0" / "-0.000"."""
    assert [format_value(c, -0.0) for c in ("score:backlash", "low:backlash", "high:x")] == [
        "0",
        "0",
        "0",
    ]
    assert format_value("median proposal", -0.001) == "0"
    assert format_value("median proposal", -0.0) == "0"
    assert format_value("wsm:total", -0.0001) == "0.000"
    assert format_value("wsm:total", -0.0) == "0.000"
    assert format_value("wsm:total", -0.0006) == "-0.001"  # a real negative keeps its sign


def test_nothing_is_a_blank_cell_not_the_word_none() -> None:
    """``is_missing`` 2: ``None`` (a quote without an option, a range not given) is missing:
    an empty cell, not "None"."""
    assert is_missing(None)
    assert [format_value(c, None) for c in ("quote", "score:backlash", "rank")] == ["", "", ""]


def test_numpy_values_in_a_stamp_become_plain_json() -> None:
    """``jsonable`` 4 (an array's values) and 5 (a numpy scalar): a SMAA stamp's seed and
    samples, or a weight vector, reach the JSON export as the numbers they are."""
    assert jsonable(np.array([0.5, np.nan, 2.0])) == [0.5, None, 2.0]
    assert jsonable({"samples": np.int64(1000), "w": np.float64(0.25)}) == {
        "samples": 1000,
        "w": 0.25,
    }
    assert type(jsonable(np.int64(3))) is int
    assert about_text(np.float64(0.41234)) == "0.412"


def test_a_rooms_score_reads_to_two_decimals_at_most(hostile_report: Report) -> None:
    """``format_value`` 27, 28 (the workshop's 0–10 scores shown to three decimals, "6.250"),
    30-33 (rounded to a whole number, or not at all) and 34 (one added): a median of
    proposals, an adopted value, as a room reads a score."""
    cases = {6.25: "6.25", 19 / 3: "6.33", 2.0: "2", 2.5: "2.5", 0.004: "0", 9.999: "10"}
    for column in ("median proposal", "adopted score", "proposed low", "catalog high"):
        assert {v: format_value(column, v) for v in cases} == cases, column
    table = dict(hostile_report.section("challenges").tables)["Challenged scores"]  # type: ignore[union-attr]
    medians = table["median proposal"].dropna().tolist()  # the column the exports show
    assert [format_value("median proposal", v) for v in medians] == ["2.5", "5.5"]


def test_a_camps_column_is_named_after_the_camp_not_a_rank(hostile_report: Report) -> None:
    """``header`` 78: the common-ground table's "camp 1", "camp 2" columns (a number after
    five characters, but no "rank ") are the camps, not "Rank 1 (share)"."""
    camps = dict(hostile_report.section("camps").tables)["Round 1 common ground"]  # type: ignore[union-attr]
    named = [header(hostile_report, c) for c in camps.columns if str(c).startswith("camp ")]
    assert named == ["Camp 1", "Camp 2"]
    assert header(hostile_report, "rank 1") == "Rank 1 (share)"


def test_each_contribution_column_is_headed_by_its_criterions_name(report: Report) -> None:
    """``bands`` 64, 65 (a contribution headed "Contribution") and 67 (by the criterion's id):
    under the method's band, "Feasibility adds", "Chinese backlash adds"."""
    banded = dict(bands(report))
    assert banded["Weighted sum"][:3] == [
        ("wsm:contribution:feasibility", "Feasibility adds"),
        ("wsm:contribution:deterrence", "Deterrence adds"),
        ("wsm:contribution:backlash", "Chinese backlash adds"),
    ]


def test_a_rank_of_an_option_not_in_the_comparison_is_named_from_its_id(report: Report) -> None:
    """``header`` 44: ``rank:<option>`` of an option the comparison does not hold (one the
    screen set aside) is named from its id, not looked up and crashed on."""
    assert header(report, "rank:liaison") == "Liaison officers: rank"
    assert header(report, "rank:set-aside") == "Rank:set-aside"


def test_a_comparisons_stamp_gives_each_perspectives_weights(tiny: Catalog) -> None:
    """``metadata_items`` 50, 51: a comparison's stamp lists each perspective's weights under
    its name, not one line of the first perspective's weights."""
    hawk = perspective(tiny, tiny.presets_by_id["hawk"].weights, "hawk")
    equal = perspective(tiny, tiny.presets_by_id["equal"].weights, "equal")
    compared = compare_report(tiny, [hawk, equal], timestamp=FIXED_TIME, charts=False)
    items = metadata_items(compared)
    weights = [(k, v) for k, v in items if k.startswith("weights")]
    assert weights == [
        (
            "weights: Deterrence first (preset)",
            "feasibility=0.125, deterrence=0.750, backlash=0.125",
        ),
        ("weights: Equal weights (preset)", "feasibility=0.333, deterrence=0.333, backlash=0.333"),
    ]


def test_a_yes_or_no_in_a_sections_stamp_reads_yes_or_no() -> None:
    """``about_text`` 6, 8: a section's flag (whether camps were found, say) reads "yes" when
    true, numpy's bool alike, and "no" when false."""
    assert [about_text(v) for v in (True, np.bool_(True), False, np.bool_(False))] == [
        "yes",
        "yes",
        "no",
        "no",
    ]
    assert about_items({"camps found": True, "split": False}) == [
        ("camps found", "yes"),
        ("split", "no"),
    ]
