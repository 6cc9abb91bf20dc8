"""policybench.present.deliberation_ui: the workshop pages' compact contested table, decision
and quote-check words, which weights an impact is measured on, participant numbering by join
order, and the participant's view of a round's weights. Hand-made cells with known answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from policybench import catalog
from policybench.analysis.contest import ContestedCell
from policybench.analysis.workshop import group_result
from policybench.present import deliberation_ui as ui

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
CRITERIA = ["feasibility", "deterrence", "backlash"]
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CELL = ContestedCell(
    option="liaison",
    criterion="feasibility",
    value=4.0,
    low=3.0,
    high=5.0,
    count=3,
    median=8.5,
    min=2.0,
    max=9.0,
    iqr=1.0,
    room_low=2.0,
    room_high=9.5,
    outside=True,
    adopted=None,
    impact=3.0,
    shift=6,
    rank_before=17,
    rank_after=2,
)


@pytest.fixture(scope="module")
def cat() -> catalog.Catalog:
    return catalog.load(TINY)


def test_the_contested_cell_is_said_compactly() -> None:
    assert ui.catalog_to_median(CELL) == "4 → 8.5 (outside 3–5)"
    inside = replace(CELL, median=4.5, outside=False)
    assert ui.catalog_to_median(inside) == "4 → 4.5 (range 3–5)"
    assert ui.proposals_words(CELL) == "3 challenges: 2–9"
    assert ui.proposals_words(replace(CELL, count=1, max=2.0)) == "1 challenge: 2"
    assert ui.impact_short(CELL) == "17th → 2nd, 3 pairs swap"
    assert ui.impact_short(replace(CELL, rank_after=17, impact=1.0)) == "stays 17th, 1 pair swaps"
    assert ui.impact_short(replace(CELL, impact=0.0)) == "no change"
    assert ui.impact_short(replace(CELL, adopted=8.5)) == "in place"


def test_decisions_in_words_and_open_cells_first(cat: catalog.Catalog) -> None:
    assert ui.decision_words(None) == "open"
    assert ui.decision_words(("adopted", 6.0)) == "adopted 6"
    assert ui.decision_words(("rejected", None)) == "rejected"
    other = replace(CELL, option="summits", criterion="backlash", impact=0.0)
    decided = {("liaison", "feasibility"): ("adopted", 8.5)}
    assert ui.ordered([CELL, other], decided) == [other, CELL]
    table = ui.contested_rows(cat, [CELL, other], decided)
    assert list(table.columns) == [*ui.CONTESTED_COLUMNS, "decided"]
    assert list(table["Decision"]) == ["open", "adopted 8.5"]
    assert list(table["decided"]) == [False, True]
    assert list(table["Score challenged"]) == [
        "Regular summits · Chinese backlash (cost)",
        "Liaison officers · Feasibility",
    ]


def test_the_adopt_control_starts_from_the_median_and_the_span_outside_the_range() -> None:
    assert ui.adopt_defaults(CELL) == (8.5, 2.0, 9.5)
    assert ui.adopt_defaults(replace(CELL, median=4.5, outside=False)) == (4.5, None, None)
    when = datetime(2026, 3, 1, 14, 2, tzinfo=UTC)
    assert ui.adopted_button(6.0, when) == "Adopted ✓ 6 at 14:02 UTC"


def test_quote_checks_name_the_paper_never_a_file() -> None:
    paper = "Nishino (2017)"
    assert ui.quote_check_words("verified", paper) == f"verified: found verbatim in {paper}"
    assert ui.quote_check_words("not_found", paper) == f"not found in {paper}"
    assert ui.quote_check_words("near_match", paper, "the source has ’ where the quote has '") == (
        f"near match: the source has ’ where the quote has ' ({paper})"
    )
    assert ui.quote_check_words("not_checked", paper) == (
        "not checked (the server has no source texts)"
    )


def test_impact_is_measured_on_the_latest_round_with_submissions() -> None:
    none = ui.impact_basis(None, 1, CRITERIA, [])
    assert none.round is None and "equal weights" in none.note
    np.testing.assert_array_equal(none.weights, np.ones((1, 3)))
    earlier = ui.impact_basis(1, 2, CRITERIA, [{"feasibility": 2, "deterrence": 1, "backlash": 1}])
    assert earlier.round == 1 and "round 1's weights" in earlier.note
    np.testing.assert_array_equal(earlier.weights, [[2.0, 1.0, 1.0]])
    assert (
        ui.impact_basis(2, 2, CRITERIA, [{"feasibility": 1, "deterrence": 1, "backlash": 1}]).note
        == ""
    )


def test_numbers_follow_the_join_order_whoever_submits_first() -> None:
    joined = ["Aiko", "Bo", "Cy"]
    assert ui.numbering(joined, ["Bo"], names=False) == {"Bo": "Participant 2"}
    assert ui.numbering(joined, ["Cy", "Aiko"], names=False) == {
        "Cy": "Participant 3",
        "Aiko": "Participant 1",
    }
    assert ui.numbering(joined, ["Bo\nB"], names=True) == {"Bo\nB": "Bo B"}


def test_the_status_quo_is_not_challengeable_and_an_adopted_cell_says_so(
    cat: catalog.Catalog,
) -> None:
    assert ui.challengeable(cat, OPTIONS) == ["liaison", "summits", "two-plus-two"]
    adopted = {"liaison": {"feasibility": 6.0}}
    assert ui.cell_score_words(cat, ("liaison", "feasibility"), adopted) == (
        "adopted in this workshop: 6 (catalog 4)"
    )
    assert ui.cell_score_words(cat, ("liaison", "feasibility"), {}) == "catalog: 4 (range 3–5)"


def test_a_rounds_weights_beside_the_participants_own(cat: catalog.Catalog) -> None:
    room = [
        {"feasibility": 2.0, "deterrence": 1.0, "backlash": 1.0},
        {"feasibility": 1.0, "deterrence": 1.0, "backlash": 2.0},
        {"feasibility": 1.0, "deterrence": 2.0, "backlash": 1.0},
    ]
    result = group_result(cat, OPTIONS, CRITERIA, room)
    table = ui.room_weights(cat, result, room[0])
    assert list(table["criterion_id"]) == CRITERIA
    # shares: (.5, .25, .25), (.25, .25, .5), (.25, .5, .25): medians .25, .25, .25
    np.testing.assert_allclose(table["median"], [0.25, 0.25, 0.25])
    np.testing.assert_allclose(table["yours"], [0.5, 0.25, 0.25])
    # the middle half: the 75th minus the 25th percentile of (.5, .25, .25) etc.
    np.testing.assert_allclose(table["iqr"], [0.125, 0.125, 0.125])
    assert ui.room_weights(cat, result, None)["yours"].isna().all()
