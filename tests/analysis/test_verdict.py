"""policybench.analysis.verdict: the rules for the word, the smallest shift of weight (exact
and searched), and the verdict on hand-made cases of the tiny catalog."""

from __future__ import annotations

import math

import numpy as np
import pytest

from policybench import mcda, robustness
from policybench.analysis import verdict as v
from policybench.analysis.verdict import judge, linear_form, searched_shift, smallest_shift

from .conftest import EQUAL, HAWK

OK = {"tied": False, "margin": 0.3, "spread": 1.0, "shift": 0.2, "dissenting": 0, "smaa_first": 0.9}


@pytest.mark.parametrize(
    ("change", "word", "reasons"),
    [
        ({}, v.SOLID, ()),
        ({"tied": True, "margin": 0.0, "shift": 0.0}, v.NEAR_TIE, (v.TIE, v.SHIFT)),
        ({"tied": True, "margin": 0.0}, v.NEAR_TIE, (v.TIE,)),
        ({"margin": 0.0099}, v.NEAR_TIE, (v.MARGIN,)),
        ({"margin": 0.01}, v.SOLID, ()),  # 1 % of the spread is not under 1 %
        ({"margin": 0.02, "spread": 3.0}, v.NEAR_TIE, (v.MARGIN,)),  # relative to the spread
        ({"shift": 0.0099}, v.NEAR_TIE, (v.SHIFT,)),
        ({"shift": 0.01}, v.FRAGILE, (v.SHIFT,)),
        ({"shift": 0.0499}, v.FRAGILE, (v.SHIFT,)),
        ({"shift": 0.05}, v.SOLID, ()),
        ({"shift": math.inf}, v.SOLID, ()),  # no weights unseat it
        ({"dissenting": 1}, v.FRAGILE, (v.METHODS,)),
        ({"smaa_first": 0.4999}, v.FRAGILE, (v.SMAA,)),
        ({"smaa_first": 0.5}, v.SOLID, ()),
        ({"smaa_first": math.nan}, v.SOLID, ()),  # not computed is not a failure
        (
            {"shift": 0.03, "dissenting": 2, "smaa_first": 0.2},
            v.FRAGILE,
            (v.SHIFT, v.METHODS, v.SMAA),
        ),
        # a near-tie says so even when other methods disagree too
        ({"shift": 0.001, "dissenting": 3, "smaa_first": 0.1}, v.NEAR_TIE, (v.SHIFT,)),
    ],
)
def test_the_rules_for_the_word(change: dict, word: str, reasons: tuple[str, ...]) -> None:
    assert judge(**{**OK, **change}) == (word, reasons)


def test_smallest_shift_by_hand() -> None:
    # Two criteria: the leader scores 1 on the first, the rival 1 on the second. At weights
    # (0.6, 0.4) the gap is 0.2 and each point moved from the first to the second closes 2.
    shift = smallest_shift(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0.6, 0.4]), 0)
    assert shift.to == 1 and shift.exact
    assert shift.share == pytest.approx(0.1)
    # Three criteria where the best criterion to take weight from runs dry: the gap is 0.25;
    # the first criterion gives all its 0.1 (closing 0.2), the second the rest at 1.5 a point.
    linear = np.array([[1.0, 0.5, 0.0], [0.0, 0.0, 1.0]])
    shift = smallest_shift(linear, np.array([0.1, 0.7, 0.2]), 0)
    assert shift.share == pytest.approx(0.1 + 0.05 / 1.5)
    # weights need not sum to 1
    assert smallest_shift(linear, np.array([1.0, 7.0, 2.0]), 0).share == pytest.approx(shift.share)
    # a leader that beats the rival on every criterion cannot be caught
    dominated = smallest_shift(np.array([[1.0, 1.0], [0.5, 0.2]]), np.array([0.5, 0.5]), 0)
    assert math.isinf(dominated.share) and dominated.to is None


def _random_problem(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    matrix = rng.uniform(0, 10, (6, 4))
    return matrix, np.array([1.0, 1.0, -1.0, 1.0]), rng.dirichlet(np.ones(4))


@pytest.mark.parametrize("seed", range(12))
def test_the_exact_shift_is_what_it_takes_for_the_nearest_rival(seed: int) -> None:
    """The smallest shift that unseats the leader is the smallest, over the rivals, of what it
    takes to put each first (robustness.what_it_takes, an LP): a half of its l1 distance."""
    matrix, types, w = _random_problem(seed)
    bounds = {"bounds": (0, 10)}
    linear = linear_form(matrix, types, "wsm", "scale", ["a", "b", "c", "d"], bounds)
    assert linear is not None
    lead = int(np.argmax(mcda.score(matrix, w, types, "wsm", "scale", **bounds)))
    shift = smallest_shift(linear, w, lead)
    takes = {
        j: robustness.what_it_takes(matrix, w, types, j, "l1", "wsm", "scale", **bounds).distance
        / 2
        for j in range(6)
        if j != lead
    }
    nearest = min(takes.values())
    if math.isinf(nearest):
        assert math.isinf(shift.share)
    else:
        assert shift.share == pytest.approx(nearest, abs=1e-7)
        assert takes[shift.to] == pytest.approx(nearest, abs=1e-7)


@pytest.mark.parametrize("seed", range(8))
def test_the_search_finds_an_upper_bound_close_to_the_exact_shift(seed: int) -> None:
    matrix, types, w = _random_problem(seed)
    bounds = {"bounds": (0, 10)}
    linear = linear_form(matrix, types, "wsm", "scale", ["a", "b", "c", "d"], bounds)
    assert linear is not None
    score = mcda.scorer(matrix, types, "wsm", "scale", **bounds)
    lead = int(np.argmax(score(w[None, :])[0]))
    exact, found = smallest_shift(linear, w, lead), searched_shift(score, w, lead)
    assert not found.exact
    if math.isinf(exact.share):
        assert math.isinf(found.share)
        return
    # the linearised moves are the exact greedy move on a linear method's own slopes
    assert exact.share - 1e-6 <= found.share <= exact.share + 1e-4
    assert found.to is not None and found.to != lead


@pytest.mark.parametrize(("method", "normalization"), [("topsis", "minmax"), ("vikor", "none")])
@pytest.mark.parametrize("seed", range(2))
def test_the_search_agrees_with_what_it_takes_on_non_linear_methods(
    method: str, normalization: str, seed: int
) -> None:
    """robustness.what_it_takes searches each rival separately and harder (36,000 weights,
    local rounds, SLSQP): the verdict's single search finds a shift as small, give or take."""
    matrix, types, w = _random_problem(100 + seed)
    score = mcda.scorer(matrix, types, method, normalization)
    lead = int(np.argmax(score(w[None, :])[0]))
    found = searched_shift(score, w, lead)
    takes = min(
        robustness.what_it_takes(matrix, w, types, j, "l1", method, normalization).distance / 2
        for j in range(6)
        if j != lead
    )
    assert found.share <= takes + 0.02


def test_a_dominating_leader_is_never_unseated_by_search() -> None:
    matrix = np.array([[9.0, 9.0, 9.0], [1.0, 2.0, 3.0], [3.0, 1.0, 2.0]])
    score = mcda.scorer(matrix, np.ones(3), "topsis", "minmax")
    found = searched_shift(score, np.full(3, 1 / 3), 0)
    assert math.isinf(found.share) and found.to is None


def test_the_verdict_under_equal_weights_by_hand(cat) -> None:
    """Equal weights on the tiny catalog, values on the 0–10 scales (backlash a cost):
    status quo (0.9, 0.2, 0.8) 0.633; summits (0.7, 0.4, 0.7) and 2+2 (0.6, 0.7, 0.5) 0.600;
    liaison (0.4, 0.8, 0.4) 0.533. 2+2 gains 0.8 on the status quo for each point of weight
    moved from feasibility to deterrence and is 1/30 behind: a shift of 1/24."""
    got = v.verdict(cat, EQUAL, "wsm")
    assert got.leaders == ("status-quo",) and got.runner_up == "summits"
    assert got.margin == pytest.approx(1 / 30) and got.spread == pytest.approx(0.1)
    assert got.shift == pytest.approx(1 / 24) and got.shift_to == "two-plus-two"
    assert got.shift_exact
    assert got.firsts["wpm"] == ("two-plus-two",) and got.firsts["vikor"] == ("summits",)
    assert got.dissenting == ("wpm", "vikor")
    assert got.agreeing == ("wsm", "topsis", "promethee2")
    assert (got.word, got.reasons) == (v.FRAGILE, (v.SHIFT, v.METHODS))
    assert 0 < got.smaa_first < 1


def test_the_verdict_under_the_hawk_preset_by_hand(cat) -> None:
    """(1, 6, 1): liaison 0.700, 2+2 0.6625; 2+2 closes 0.3 for each point moved from
    deterrence to feasibility and is 0.0375 behind: a shift of 0.125. Every method puts
    liaison first, and so does every weighting within ±0.1."""
    got = v.verdict(cat, HAWK, "wsm")
    assert got.leaders == ("liaison",) and got.runner_up == "two-plus-two"
    assert got.margin == pytest.approx(0.0375)
    assert got.shift == pytest.approx(0.125) and got.shift_to == "two-plus-two"
    assert got.dissenting == ()
    assert got.smaa_first == 1.0
    assert (got.word, got.reasons) == (v.SOLID, ())


def test_a_tie_for_first_is_a_near_tie(cat) -> None:
    # (1, 3, 1): liaison (0.4 + 2.4 + 0.4) / 5 = 0.64 = 2+2 (0.6 + 2.1 + 0.5) / 5
    got = v.verdict(cat, {"feasibility": 1, "deterrence": 3, "backlash": 1}, "wsm")
    assert got.leaders == ("liaison", "two-plus-two")
    assert got.margin == 0.0 and got.shift == 0.0 and got.shift_to == "two-plus-two"
    assert got.word == v.NEAR_TIE and v.TIE in got.reasons


def test_a_method_not_linear_in_the_weights_gets_a_searched_shift(cat) -> None:
    got = v.verdict(cat, HAWK, "topsis", smaa_samples=0)
    assert not got.shift_exact and 0 < got.shift < 1 and got.shift_to == "two-plus-two"
    assert math.isnan(got.smaa_first) and v.SMAA not in got.reasons


def test_options_restrict_the_verdict(cat) -> None:
    got = v.verdict(cat, HAWK, "wsm", options=["status-quo", "summits"], smaa_samples=500)
    assert set(got.firsts["wsm"]) <= {"status-quo", "summits"}
    assert got.leaders == ("summits",) and got.runner_up == "status-quo"
