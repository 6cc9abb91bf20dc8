"""Weight elicitation: direct points, rank-order centroid, rank sum, swing, AHP."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from policybench import mcda
from policybench.errors import InputError, WeightsError


def test_equal_and_direct_weights() -> None:
    assert_allclose(mcda.equal_weights(4), [0.25] * 4)
    assert_allclose(mcda.direct_weights([3, 0, 7]), [0.3, 0.0, 0.7])
    with pytest.raises(WeightsError, match="negative"):
        mcda.direct_weights([3, -1, 7])
    with pytest.raises(WeightsError, match="all weights are zero"):
        mcda.direct_weights([0, 0])


def test_rank_order_centroid_values() -> None:
    # Barron & Barrett (1996), Table 1, n = 4: .5208 .2708 .1458 .0625
    assert_allclose(
        mcda.rank_order_centroid([1, 2, 3, 4]), [0.5208, 0.2708, 0.1458, 0.0625], atol=5e-5
    )
    # The ranking gives each criterion's rank; order of the criteria does not matter.
    assert_allclose(mcda.rank_order_centroid([3, 1, 2]), [1 / 9, 11 / 18, 5 / 18])


def test_rank_order_centroid_averages_ties() -> None:
    roc = mcda.rank_order_centroid([1, 2, 3, 4])
    tied = mcda.rank_order_centroid([1, 2, 2, 4])
    assert_allclose(tied, [roc[0], (roc[1] + roc[2]) / 2, (roc[1] + roc[2]) / 2, roc[3]])
    assert_allclose(mcda.rank_order_centroid([1, 2, 2, 3]), tied)  # dense ranks mean the same
    assert_allclose(tied.sum(), 1.0)


def test_rank_sum_values_and_ties() -> None:
    assert_allclose(mcda.rank_sum([1, 2, 3, 4]), [0.4, 0.3, 0.2, 0.1])
    assert_allclose(mcda.rank_sum([2, 1, 1]), [1 / 6, 5 / 12, 5 / 12])


@pytest.mark.parametrize("bad", [[0, 1, 2], [1, np.nan], [[1, 2]], []])
def test_bad_rankings_are_rejected(bad: object) -> None:
    with pytest.raises(WeightsError):
        mcda.rank_order_centroid(bad)


def test_swing_weights() -> None:
    assert_allclose(mcda.swing_weights([100, 50, 50, 0]), [0.5, 0.25, 0.25, 0.0])
    with pytest.raises(WeightsError, match="worth 100"):
        mcda.swing_weights([80, 40])
    with pytest.raises(WeightsError, match="between 0 and 100"):
        mcda.swing_weights([100, 120])


def consistent(w: np.ndarray) -> np.ndarray:
    return w[:, None] / w[None, :]


def test_ahp_on_a_consistent_matrix_recovers_the_weights() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    res = mcda.ahp(consistent(w))
    assert_allclose(res.weights, w, atol=1e-12)
    assert res.lambda_max == pytest.approx(4.0, abs=1e-10)
    assert res.ci == pytest.approx(0.0, abs=1e-10)
    assert res.cr == pytest.approx(0.0, abs=1e-10)
    assert res.most_inconsistent is None


def test_ahp_two_criteria_have_zero_cr() -> None:
    res = mcda.ahp([[1, 3], [1 / 3, 1]])
    assert_allclose(res.weights, [0.75, 0.25])
    assert (res.ci, res.cr, res.most_inconsistent) == (0.0, 0.0, None)


def test_saaty_random_index_and_its_extension() -> None:
    saaty = [0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]
    assert [mcda.random_index(n) for n in range(1, 11)] == saaty
    # Alonso & Lamata (2006): RI(n) = (1.7699 n - 4.3513) / (n - 1) beyond Saaty's table.
    assert mcda.random_index(11) == pytest.approx((1.7699 * 11 - 4.3513) / 10)
    assert mcda.random_index(15) == pytest.approx(1.5855, abs=1e-4)


def test_ahp_cr_uses_the_random_index() -> None:
    a = np.array([[1, 3, 1 / 2], [1 / 3, 1, 4], [2, 1 / 4, 1]])
    res = mcda.ahp(a)
    n = 3
    assert res.ci == pytest.approx((res.lambda_max - n) / (n - 1))
    assert res.cr == pytest.approx(res.ci / 0.58)
    assert res.cr > 0.1


def brute_most_inconsistent(a: np.ndarray) -> tuple[int, int]:
    w = mcda.ahp(a).weights
    pairs = list(itertools.combinations(range(a.shape[0]), 2))
    crs = []
    for i, j in pairs:
        b = a.copy()
        b[i, j], b[j, i] = w[i] / w[j], w[j] / w[i]
        crs.append(mcda.ahp(b).cr)
    lowest = min(crs)
    # Near-ties (n = 3: every single repair gives the same CR) go to the first pair in order.
    return next(p for p, cr in zip(pairs, crs, strict=True) if cr <= lowest + 1e-9)


def test_most_inconsistent_is_the_judgement_whose_repair_lowers_cr_most() -> None:
    checked = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(3, 9))
        w = rng.dirichlet(np.full(n, 5.0))
        a = consistent(w)
        i, j = sorted(rng.choice(n, size=2, replace=False))
        a[i, j] *= 9.0 if rng.random() < 0.5 else 1 / 9  # one wild judgement
        a[j, i] = 1.0 / a[i, j]
        res = mcda.ahp(a)
        if res.cr <= 0.1:
            assert res.most_inconsistent is None
            continue
        k, m = res.most_inconsistent or (0, 0)
        assert (k, m) == brute_most_inconsistent(a)
        repaired = a.copy()
        repaired[k, m], repaired[m, k] = (
            res.weights[k] / res.weights[m],
            res.weights[m] / res.weights[k],
        )
        assert mcda.ahp(repaired).cr < res.cr
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize(
    ("matrix", "words"),
    [
        ([[1, 2, 3], [1 / 2, 1, 4]], "square"),
        ([[1, -2], [-1 / 2, 1]], "positive"),
        ([[1, 2], [2, 1]], "not reciprocal"),
        ([[2, 2], [1 / 2, 2]], "itself must be 1"),
        ([[1, np.nan], [1, 1]], "positive"),
    ],
)
def test_ahp_rejects_matrices_that_are_not_positive_reciprocal(matrix: object, words: str) -> None:
    with pytest.raises(InputError, match=words):
        mcda.ahp(matrix)


def test_ahp_accepts_rounded_reciprocals() -> None:
    res = mcda.ahp([[1, 3, 5], [0.333, 1, 2], [0.2, 0.5, 1]])
    assert res.weights.sum() == pytest.approx(1.0)
