"""The one conversion from catalog and weights to arrays, and weight parsing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from policybench.catalog import load, parse_weights, to_problem
from policybench.errors import WeightsError


@pytest.fixture
def cat(tiny_options: Path):
    return load(tiny_options)


def test_problem_arrays_follow_catalog_order(cat) -> None:
    p = to_problem(cat, {"feasibility": 1, "deterrence": 2, "backlash": 1})
    assert p.option_ids == ("status-quo", "liaison", "summits", "two-plus-two")
    assert p.criterion_ids == ("feasibility", "deterrence", "backlash")
    np.testing.assert_array_equal(p.types, [1, 1, -1])
    np.testing.assert_allclose(p.weights, [0.25, 0.5, 0.25])
    np.testing.assert_array_equal(p.matrix[1], [4, 8, 6])
    np.testing.assert_array_equal(p.low[1], [3, 7, 5])
    np.testing.assert_array_equal(p.high[1], [5, 9, 7])


def test_subsets_of_options_and_criteria(cat) -> None:
    p = to_problem(
        cat,
        {"deterrence": 1, "backlash": 3},
        options=["summits", "liaison"],
        criteria=["deterrence", "backlash"],
    )
    assert p.matrix.shape == (2, 2)
    np.testing.assert_array_equal(p.matrix, [[4, 3], [8, 6]])


def test_parse_weights(cat) -> None:
    assert parse_weights("feasibility=3, deterrence=7,backlash=0", cat) == {
        "feasibility": 3,
        "deterrence": 7,
        "backlash": 0,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feasibility=3,deterrence=7", "missing: backlash"),
        ("feasibility=3,deterrence=7,backlash=1,colour=2", "unknown criterion 'colour'"),
        ("feasibility=3,deterrence=x,backlash=1", "must be a number"),
        ("feasibility=-1,deterrence=1,backlash=1", "negative"),
        ("feasibility=0,deterrence=0,backlash=0", "all weights are zero"),
        ("feasibility=nan,deterrence=1,backlash=1", "finite"),
        ("feasibility 3", "write criterion=number"),
        ("feasibility=1,feasibility=2,deterrence=1,backlash=1", "given twice"),
    ],
)
def test_bad_weights_say_what_is_wrong(cat, text: str, message: str) -> None:
    with pytest.raises(WeightsError, match=message):
        parse_weights(text, cat)


def test_weights_saved_under_an_older_catalog_keep_what_still_exists(tiny_options: Path) -> None:
    from policybench.catalog import reconcile_weights

    cat = load(tiny_options)
    saved = {"feasibility": 3.0, "deterrence": 5.0, "australia_role": 9.0}
    got = reconcile_weights(cat, saved)
    assert got.kept == ("feasibility", "deterrence")
    assert got.gone == ("australia_role",)
    assert got.new == ("backlash",)
    assert got.weights == {"feasibility": 3.0, "deterrence": 5.0, "backlash": 0.0}
    assert got.changed


def test_weights_for_todays_criteria_are_unchanged(tiny_options: Path) -> None:
    from policybench.catalog import reconcile_weights

    cat = load(tiny_options)
    got = reconcile_weights(cat, {"feasibility": 1, "deterrence": 2, "backlash": 3})
    assert not got.changed
    assert got.weights == {"feasibility": 1.0, "deterrence": 2.0, "backlash": 3.0}


def test_weights_whose_criteria_are_all_gone_are_refused_with_the_reason(
    tiny_options: Path,
) -> None:
    from policybench.catalog import reconcile_weights
    from policybench.errors import WeightsError

    cat = load(tiny_options)
    with pytest.raises(WeightsError, match=r"no longer has .*public_support"):
        reconcile_weights(cat, {"public_support": 4.0, "deterrence": 0.0})
    with pytest.raises(WeightsError, match="negative"):
        reconcile_weights(cat, {"deterrence": -1.0, "feasibility": 2.0})


@pytest.mark.parametrize(
    ("text", "expression", "fails_at"),
    [("feasibility>=2", "feasibility>=2", 1.5), (" backlash <= 4.5 ", "backlash<=4.5", 5.0)],
)
def test_a_requirement_reads_as_the_command_line_writes_it(
    tiny_options: Path, text: str, expression: str, fails_at: float
) -> None:
    from policybench.catalog import parse_requirement

    req = parse_requirement(text, load(tiny_options))
    assert req.expression == expression
    assert req.failure(fails_at) is not None and req.failure(3.0) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vibes>=2", "unknown criterion 'vibes'"),
        ("feasibility>=11", "off the catalog's 0–10 scale"),
        ("feasibility>=x", "'x' is not a number"),
        ("feasibility=2", "write criterion>=value"),
        ("feasibility>=nan", "off the catalog"),
    ],
)
def test_a_bad_requirement_says_what_is_wrong(tiny_options: Path, text: str, message: str) -> None:
    from policybench.catalog import parse_requirement

    with pytest.raises(WeightsError, match=message):
        parse_requirement(text, load(tiny_options))


def test_a_requirement_is_met_exactly_at_its_bound() -> None:
    from policybench.catalog.models import Requirement

    floor = Requirement(criterion="achievability", at_least=3)
    assert floor.failure(3.0) is None  # ">= 3": a 3 passes
    assert floor.failure(2.5) == "achievability 2.5 < 3"
    ceiling = Requirement(criterion="escalation_risk", at_most=5)
    assert ceiling.failure(5.0) is None  # "<= 5": a 5 passes
    assert ceiling.failure(5.5) == "escalation_risk 5.5 > 5"
