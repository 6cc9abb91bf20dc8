"""Scores to ranks: 1 is best, ties share the lower rank, float noise does not split a tie."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from policybench import mcda
from policybench.errors import InputError


def test_competition_ranking_with_ties() -> None:
    assert_array_equal(mcda.rank([9.0, 7.0, 7.0, 5.0]), [1, 2, 2, 4])
    assert_array_equal(mcda.rank([1.0, 3.0, 3.0, 3.0, 0.0]), [4, 1, 1, 1, 5])


def test_ranks_are_integers() -> None:
    assert mcda.rank([0.3, 0.1]).dtype == np.int64


def test_float_noise_does_not_split_a_tie() -> None:
    assert 0.1 + 0.2 != 0.3
    assert_array_equal(mcda.rank([0.1 + 0.2, 0.3, 0.2]), [1, 1, 3])


def test_tie_tolerance_is_relative_for_large_scores() -> None:
    big = 1e12
    assert_array_equal(mcda.rank([big, big + 1e2, big - 1e4]), [1, 1, 3])  # 1e2 <= 1e-9 * 1e12
    assert_array_equal(mcda.rank([1.0, 1.0 + 2e-9]), [2, 1])  # absolute 1e-9 below |1|


def test_ties_are_grouped_along_the_sorted_order() -> None:
    # Each neighbour is within the tolerance, the ends are not: one group all the same.
    step = 0.9e-9
    assert_array_equal(mcda.rank([0.0, step, 2 * step, 3 * step]), [1, 1, 1, 1])


def test_batch_rows_are_ranked_independently() -> None:
    scores = np.array([[1.0, 2.0, 3.0], [3.0, 3.0, 1.0]])
    assert_array_equal(mcda.rank(scores), [[3, 2, 1], [1, 1, 3]])
    for i in range(2):
        assert_array_equal(mcda.rank(scores)[i], mcda.rank(scores[i]))


def test_infinities_rank_at_the_ends() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # inf - inf is no "invalid value" warning either
        assert_array_equal(mcda.rank([-np.inf, 1.0, np.inf, np.inf]), [4, 3, 1, 1])
        assert_array_equal(mcda.rank([[np.inf, np.inf], [-np.inf, -np.inf]]), [[1, 1], [1, 1]])


def test_tie_tolerance_is_relative_for_large_negative_scores_too() -> None:
    # VIKOR's -Q and sums of costs are negative: |b| is the larger magnitude there
    assert_array_equal(mcda.rank([-1e9, -1e9 - 0.5, -2e9]), [1, 1, 3])
    assert_array_equal(mcda.rank([-1e9, -1e9 - 5.0]), [1, 2])


def test_a_gap_of_exactly_the_tolerance_ties() -> None:
    # DESIGN: a and b tie when |a - b| <= 1e-9 * max(1, |a|, |b|); these gaps are exact floats
    assert_array_equal(mcda.rank([0.0, -1e-9]), [1, 1])
    assert_array_equal(mcda.rank([0.0, -2e-9]), [1, 2])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ([1.0, np.nan], r"^scores contain NaN, so they cannot be ranked$"),
        (
            np.zeros((2, 2, 2)),
            r"^scores must be \(options,\) or \(samples, options\); got shape \(2, 2, 2\)$",
        ),
        (7.0, r"got shape \(\)$"),
    ],
)
def test_nan_and_wrong_shapes_are_rejected(bad: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        mcda.rank(bad)


def test_one_option_is_first_and_no_options_give_no_ranks() -> None:
    assert_array_equal(mcda.rank([5.0]), [1])
    assert_array_equal(mcda.rank([[5.0], [-1.0]]), [[1], [1]])
    for empty in ([], np.empty((2, 0))):
        out = mcda.rank(empty)
        assert out.shape == np.shape(empty) and out.dtype == np.int64


def test_scores_of_any_numeric_type_rank_as_numbers() -> None:
    # unsigned integers would wrap when negated, and Python integers beyond int64 would be
    # objects: both rank as the numbers they are
    assert_array_equal(mcda.rank(np.array([0, 1, 255], dtype=np.uint8)), [3, 2, 1])
    assert_array_equal(mcda.rank([10**20, 1, 10**20]), [1, 3, 1])
    assert_array_equal(mcda.rank([True, False]), [1, 2])
    assert mcda.rank(np.array([[2, 1]], dtype=np.int8)).dtype == np.int64


def test_rank_agrees_with_a_slow_reference_on_random_ties() -> None:
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, size=(200, 9)).astype(float)
    ranks = mcda.rank(scores)
    slow = 1 + (scores[:, None, :] > scores[:, :, None]).sum(axis=2)
    assert_array_equal(ranks, slow)


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e6])
@pytest.mark.parametrize(
    ("gap", "tied"),
    [(0.5e-9, True), (0.9e-9, True), (1e-8, False), (1e-6, False), (1e-3, False)],
)
def test_the_tie_tolerance_sits_at_one_part_in_a_billion(
    scale: float, gap: float, tied: bool
) -> None:
    # a relative gap of 1e-6 is a real difference (a lead of 0.000001 on a 0-1 score is
    # still a lead); only float noise, at 1e-9 of the larger score or of 1, ties.
    base = max(scale, 1.0)
    ranks = mcda.rank([scale, scale + gap * base, 0.0 if scale > 0 else -1.0])
    assert_array_equal(ranks[:2], [1, 1] if tied else [2, 1])
    assert mcda.TIE_RTOL == 1e-9
