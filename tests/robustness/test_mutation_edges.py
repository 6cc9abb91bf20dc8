"""Edges of the robustness tools that mutation testing found unguarded (docs/TESTING.md).

Each test pins a value a user sees: a message, an interval, an event list, a share. The
mutant each one kills is named in its docstring (mutmut's names, under
``policybench.robustness.``).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import kendalltau

from policybench import mcda
from policybench.errors import InputError
from policybench.robustness import (
    Stability,
    agreement,
    bands,
    break_even,
    kendall_tau_b,
    smaa,
    stability_intervals,
    what_it_takes,
)

# the module, which the package's `sweep` function shadows as an attribute
sweep_module = importlib.import_module("policybench.robustness.sweep")

THREE = np.array([[1.0, 2.0, 3.0], [3.0, 1.0, 2.0], [2.0, 3.0, 1.0]])


# ------------------------------------------------------------------------- agreement
def test_tau_b_reads_unsigned_ranks_as_numbers() -> None:
    """``agreement.kendall_tau_b`` 5: ranks held as unsigned integers (as a ``uint8`` column
    of ranks is) must not wrap around when subtracted."""
    ranks = np.array([1, 2, 3, 4], dtype=np.uint8)
    assert kendall_tau_b(ranks, [1, 2, 3, 4]) == 1.0
    assert kendall_tau_b(ranks, [4, 3, 2, 1]) == -1.0
    assert kendall_tau_b(ranks[::-1], np.array([1, 2, 3, 4], dtype=np.uint16)) == -1.0


def test_tau_b_orders_infinite_scores_as_scipy_does() -> None:
    """``agreement.kendall_tau_b`` 29: comparing an option with itself (``k=0``) would give
    ``inf - inf`` for an infinite score and turn tau into NaN."""
    for x, y in (
        ([np.inf, 2.0, 1.0, -np.inf], [4, 3, 2, 1]),
        ([np.inf, 2.0, 2.0, -np.inf], [4, 3, 2, 2]),
        ([-np.inf, 5.0, np.inf], [1, 2, 3]),
    ):
        got = kendall_tau_b(x, y)
        assert got == pytest.approx(kendalltau(x, y).statistic, abs=1e-12)
    assert kendall_tau_b([np.inf, 2.0, 1.0, -np.inf], [4, 3, 2, 1]) == 1.0


@pytest.mark.parametrize("x, y", [([1.0], [1.0]), ([1.0, 2.0], [1.0, 2.0, 3.0])])
def test_tau_b_says_what_it_needs(x: list[float], y: list[float]) -> None:
    """``agreement.kendall_tau_b`` 21: the message."""
    with pytest.raises(InputError) as info:
        kendall_tau_b(x, y)
    assert str(info.value) == "tau-b needs two rankings of the same N >= 2 options"


def test_agreement_names_the_unknown_method_and_its_choices() -> None:
    """``agreement.agreement`` 11: agreement's own check (the engine's would say "choose one
    of" and only when it reaches that method)."""
    with pytest.raises(InputError) as info:
        agreement(THREE, None, [1, 1, 1], methods=["wsm", "electre"])
    assert str(info.value) == (
        "unknown method 'electre'; choose from: wsm, wpm, topsis, vikor, promethee2"
    )


def test_agreement_needs_at_least_one_method() -> None:
    """``agreement.agreement`` 9: the message."""
    with pytest.raises(InputError) as info:
        agreement(THREE, None, [1, 1, 1], methods=[])
    assert str(info.value) == "give at least one method to compare"


# ------------------------------------------------------------------------ _problem
def test_a_criterion_named_without_names_says_no_names_were_given() -> None:
    """``_problem.criterion_index`` 10."""
    with pytest.raises(InputError) as info:
        break_even(THREE, None, [1, 1, 1], "cost")
    assert str(info.value) == "unknown criterion 'cost'; the criteria are: no names were given"
    with pytest.raises(InputError) as info:
        break_even(THREE, None, [1, 1, 1], "cost", criteria=["a", "b", "c"])
    assert str(info.value) == "unknown criterion 'cost'; the criteria are: a, b, c"


# --------------------------------------------------------------------------- bands
def test_equal_percentiles_give_a_band_of_one_rank() -> None:
    """``bands._percentiles`` 8: ``lower == upper`` is allowed (``0 < lower <= upper <
    100``): the band is then the median rank, as counted by hand from the rank shares."""
    x = np.array([[5.0, 5.0], [4.0, 6.0], [6.0, 3.0]])
    res = bands(x, [1, 1], [1, 1], x - 2.0, x + 2.0, samples=2000, seed=3, percentiles=(50, 50))
    assert res.percentiles == (50.0, 50.0)
    assert_array_equal(res.rank_low, res.rank_high)
    reached = np.cumsum(np.rint(res.rank_shares * 2000), axis=1) >= 1000
    assert_array_equal(res.rank_low, np.argmax(reached, axis=1) + 1)
    with pytest.raises(InputError, match=re.escape("got (60, 40)")):
        bands(x, [1, 1], [1, 1], x - 2.0, x + 2.0, samples=10, percentiles=(60, 40))


@pytest.mark.parametrize("seed", [True, 2.5, -1])
def test_bands_take_only_a_whole_seed(seed: object) -> None:
    """``bands.bands`` 21: ``True`` is not a seed (nor a fraction, nor a negative number),
    so that a result can be reproduced from what the stamp says."""
    x = np.array([[5.0, 5.0], [4.0, 6.0]])
    with pytest.raises(InputError) as info:
        bands(x, [1, 1], [1, 1], x - 1.0, x + 1.0, samples=10, seed=seed)  # type: ignore[arg-type]
    assert str(info.value) == (
        f"seed must be a whole number, 0 or more (got {seed!r}), so that a result can be reproduced"
    )


# ---------------------------------------------------------------------------- smaa
def test_a_delta_of_zero_holds_the_weights_at_the_profile() -> None:
    """``smaa._weight_sampler`` 83: ``delta=0`` is not negative. With it the weights are
    the profile's: every sample ranks as the profile does. With a zero for one criterion
    only, that weight stays at the profile's in every sample."""
    w = np.array([0.5, 0.3, 0.2])
    res = smaa(THREE, [1, 1, 1], samples=500, weights=w, delta=0)
    assert res.weight_model == "fixed" and res.sampled == ()
    ranks = mcda.rank(mcda.score(THREE, w, [1, 1, 1]))
    assert_array_equal(res.rank_acceptability, np.eye(3)[ranks - 1])

    one = smaa(THREE, [1, 1, 1], samples=2000, weights=w, delta=[0.0, 0.2, 0.2])
    assert one.weight_model == "bounded"
    seen = ~np.isnan(one.central_weights[:, 0])
    assert seen.sum() >= 2  # the other two weights do move the ranking
    assert_allclose(one.central_weights[seen, 0], 0.5, atol=1e-12)


def test_weights_with_lower_bounds_are_drawn_on_the_simplex_within_them() -> None:
    """``smaa._WeightSampler.__init__`` 8 (what the shifted simplex may still take up) and
    ``smaa._WeightSampler.calibrate`` 22 (a proposal that always fits is no error). Lower
    bounds of 0.2 leave every draw of the shifted simplex inside the region; the shares
    match a reference drawn by rejection from the whole simplex."""
    x = np.array([[9.0, 1.0, 4.0], [1.0, 9.0, 4.0], [4.0, 4.0, 5.0]])
    res = smaa(x, [1, 1, 1], samples=20_000, seed=5, weight_low=0.2)
    assert res.weight_model == "bounded"
    seen = ~np.isnan(res.central_weights[:, 0])
    assert seen.all()
    assert_allclose(res.central_weights.sum(axis=1), 1.0, atol=1e-12)
    assert (res.central_weights >= 0.2).all()
    ref = np.random.default_rng(6).dirichlet(np.ones(3), size=200_000)
    ref = ref[(ref >= 0.2).all(axis=1)]
    first = (mcda.rank(mcda.score(x, ref, [1, 1, 1])) == 1).mean(axis=0)
    assert_allclose(res.rank_acceptability[:, 0], first, atol=0.02)


def test_smaa_names_a_criterion_by_its_place_from_one_and_its_name() -> None:
    """``_problem.label`` 5: "criterion 1 ('cost')" is the first criterion, in both of
    SMAA's messages that name one."""
    names = ["cost", "risk", "speed"]
    with pytest.raises(InputError) as info:
        smaa(THREE, [1, 1, 1], weight_low=[0.5, 0, 0], weight_high=[0.4, 1, 1], criteria=names)
    assert str(info.value) == (
        "the weight bounds of criterion 1 ('cost') are empty: at least 0.5 but at most 0.4"
    )
    high = THREE + [[1.0, -0.5, 1.0]] * 3  # the second criterion's ranges end below the score
    with pytest.raises(InputError) as info:
        smaa(THREE, [1, 1, 1], low=THREE - 1.0, high=high, criteria=names)
    assert str(info.value).startswith(
        "the score range of option 1 on criterion 2 ('risk') does not contain its score"
    )


# ----------------------------------------------------------------------- stability
def test_stability_names_the_criterion_whose_weight_is_wrong() -> None:
    """``stability.stability_intervals`` 10: the criteria's names reach the weights' check."""
    with pytest.raises(InputError) as info:
        stability_intervals(THREE, [1, -1, 1], [1, 1, 1], criteria=["cost", "risk", "speed"])
    assert str(info.value).startswith("the weight for criterion 2 ('risk') is negative (-1)")


def test_one_criterion_is_criterion_zero() -> None:
    """``stability.stability_intervals`` 31: with one criterion its weight is 1 and can go
    nowhere; the answer is about criterion 0."""
    got = stability_intervals([[1.0], [3.0], [2.0]], None, [1])
    assert got == (Stability(0, 1.0, (1,), (1.0, 1.0), (1.0, 1.0)),)


def test_at_a_jump_of_vikor_the_interval_extends_to_the_side_that_keeps_the_result() -> None:
    """``stability._grow`` 20 and 5. VIKOR's scores jump where its best and worst regrets change
    hands; at equal weights this problem sits on such a jump for criterion 0: lowering that
    weight keeps the top (option 1) down to 0 and the whole ranking down to 3/11, raising it
    by any amount hands first place to option 2. The intervals end at the current weight on
    that side only, not at a single point."""
    x = np.array([[2.0, 5.0, 3.0], [1.0, 5.0, 5.0], [4.0, 1.0, 4.0]])
    t = np.array([0.0, 0.2, 1 / 3, 1 / 3 + 1e-6, 0.5])
    w = np.column_stack([t, (1 - t) / 2, (1 - t) / 2])
    ranks = mcda.rank(mcda.score(x, w, [1, 1, 1], "vikor"))
    assert [tuple(r) for r in ranks[:3]] == [(2, 1, 3), (2, 1, 3), (3, 1, 2)]
    assert ranks[3, 2] == 1 and ranks[4, 2] == 1  # just above: option 2 is first
    first, _, third = stability_intervals(x, None, [1, 1, 1], "vikor")
    assert first.top == (1,)
    assert first.top_interval == pytest.approx((0.0, 1 / 3), abs=1e-9)
    assert first.ranking_interval == pytest.approx((3 / 11, 1 / 3), abs=1e-9)
    # ``stability._grow`` 5: criterion 2's jump at 1/3 is its last break-even; raising its
    # weight keeps the top and the ranking up to 1, lowering it ties options 0 and 1 first
    t = np.array([1 / 3 - 1e-6, 1 / 3, 1.0])
    w = np.column_stack([(1 - t) / 2, (1 - t) / 2, t])
    ranks = mcda.rank(mcda.score(x, w, [1, 1, 1], "vikor"))
    assert [tuple(r) for r in ranks] == [(1, 1, 3), (3, 1, 2), (3, 1, 2)]
    assert third.top == (1,)
    assert third.top_interval == pytest.approx((1 / 3, 1.0), abs=1e-9)
    assert third.ranking_interval == pytest.approx((1 / 3, 1.0), abs=1e-9)


@pytest.mark.parametrize("method", ["wsm", "topsis"])
def test_a_criterion_with_all_or_none_of_the_weight_is_stable_to_the_end_of_the_scale(
    method: str,
) -> None:
    """``stability._grow`` 44. The current weight may be either end of [0, 1]: criterion 0
    holding all the weight keeps option 1 first from 1/3 up to 1, and holding none keeps
    option 0 first from 0 up to 1/2 (the break-evens of this problem under both methods)."""
    x = [[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [2.0, 2.0, 2.0]]
    all_of_it = stability_intervals(x, [1, 0, 0], [1, 1, 1], method)[0]
    assert (all_of_it.weight, all_of_it.top) == (1.0, (1,))
    assert all_of_it.top_interval == pytest.approx((1 / 3, 1.0), abs=1e-6)
    assert all_of_it.ranking_interval == pytest.approx((1 / 3, 1.0), abs=1e-6)
    none_of_it = stability_intervals(x, [0, 0, 1], [1, 1, 1], method)[0]
    assert (none_of_it.weight, none_of_it.top) == (0.0, (0,))
    assert none_of_it.top_interval == pytest.approx((0.0, 0.5), abs=1e-6)


# --------------------------------------------------------------------------- sweep
def test_a_grid_of_three_points_is_enough_to_bracket_a_crossing() -> None:
    """``sweep.crossings`` 12: the least grid is 3 (both ends and the middle)."""
    x = [[9.0, 2.0], [2.0, 9.0]]  # mirror images: they swap at equal weights
    (event,) = break_even(x, None, [1, 1], 0, "topsis", grid=3)
    assert event.weight == pytest.approx(0.5, abs=1e-8)
    assert (event.options, event.ahead_below, event.ahead_above) == ((0, 1), 1, 0)
    with pytest.raises(InputError) as info:
        break_even(x, None, [1, 1], 0, "topsis", grid=2)
    assert str(info.value) == "grid must be a whole number of at least 3, got 2"


def test_a_swap_on_a_grid_point_in_a_later_pair_is_one_swap() -> None:
    """``sweep._merge_thin_ties`` 11 (the pairs compared by their second option) and 43 (the
    wrong event dropped). Options 1 and 2 are mirror images, so they tie exactly at the grid
    point 0.5 and swap there: one swap, not "enter a tie" and "leave it", although pair
    (0, 1) has events before it."""
    x = [[5.0, 5.0], [9.0, 2.0], [2.0, 9.0]]
    got = break_even(x, [1, 1], [1, 1], 0, "topsis")
    assert [(e.options, e.ahead_below, e.ahead_above) for e in got] == [
        ((0, 1), 0, 1),
        ((1, 2), 2, 1),
        ((0, 2), 2, 0),
    ]
    assert [e.weight for e in got] == pytest.approx([3 / 7, 0.5, 4 / 7], abs=1e-8)


def test_the_crossings_do_not_depend_on_how_the_pairs_are_blocked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``sweep._grid_crossings`` 34: pairs are bracketed in blocks of ``PAIR_BLOCK`` (4,096,
    so only with more than 91 options in production); with blocks of 5 pairs the 36 pairs of
    nine options take eight blocks, and every crossing must come out the same."""
    x = np.random.default_rng(4).uniform(1.0, 10.0, size=(9, 3))
    whole = break_even(x, None, [1, -1, 1], 0, "topsis", grid=201)
    assert len(whole) >= 10
    monkeypatch.setattr(sweep_module, "PAIR_BLOCK", 5)
    blocked = break_even(x, None, [1, -1, 1], 0, "topsis", grid=201)
    key = [(e.weight, e.options, e.ahead_below, e.ahead_above) for e in whole]
    assert [(e.weight, e.options, e.ahead_below, e.ahead_above) for e in blocked] == key


@pytest.mark.parametrize(("seed", "method"), [(1692, "topsis"), (1817, "vikor"), (21, "vikor")])
def test_a_searched_answer_is_a_weight_vector(
    make_problem: Callable[..., Any], seed: int, method: str
) -> None:
    """``what_it_takes._jitter`` 18: the search's steps are renormalised, so the answer is a
    weight vector (non-negative, summing to 1) and its distance is measured from the current
    weights to it."""
    p = make_problem(seed, n=int(3 + seed % 5))
    o = seed % p.matrix.shape[0]
    r = what_it_takes(p.matrix, p.weights, p.types, o, "l1", method=method)
    assert r.feasible and r.weights is not None and not r.exact
    assert r.weights.min() >= 0.0
    assert r.weights.sum() == pytest.approx(1.0, abs=1e-9)
    assert r.distance == pytest.approx(float(np.abs(r.weights - r.current).sum()), abs=1e-12)


def test_bounded_sampling_that_stops_finding_room_ends_in_an_error_not_a_hang() -> None:
    # A region the pilot found (a rate above zero) but that later proposals all miss: the
    # loop must end with an error naming the cause, after EMPTY_BATCHES empty batches.
    smaa = importlib.import_module("policybench.robustness.smaa")
    lo, hi = np.array([0.2, 0.2, 0.2]), np.array([0.6, 0.6, 0.6])
    sampler = smaa._WeightSampler(3, "bounded", lo, hi)
    sampler.rate = 0.5
    calls = []

    def starved(rng: np.random.Generator, batch: int) -> np.ndarray:
        calls.append(batch)
        return np.empty((0, 3))

    sampler._propose = starved
    with pytest.raises(InputError, match=r"50 batches in a row held no weight vector"):
        sampler.draw(np.random.default_rng(0), 10)
    assert len(calls) == smaa.EMPTY_BATCHES == 50


def test_bounded_sampling_with_room_draws_exactly_what_was_asked() -> None:
    smaa = importlib.import_module("policybench.robustness.smaa")
    lo, hi = np.array([0.2, 0.2, 0.2]), np.array([0.6, 0.6, 0.6])
    sampler = smaa._WeightSampler(3, "bounded", lo, hi)
    sampler.calibrate(np.random.default_rng(1))
    w = sampler.draw(np.random.default_rng(2), 1000)
    assert w.shape == (1000, 3)
    assert_allclose(w.sum(axis=1), 1.0)
    assert ((w >= lo - 1e-12) & (w <= hi + 1e-12)).all()
