"""The fast paths of mcda.score: WPM under ``sum`` on the logarithms (no normalised matrix),
the blocked cost inversion of ``sum``, the one-pass finiteness and positivity checks. Each must
give what the plain definition gives, and keep every error message."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from policybench import mcda
from policybench.errors import InputError
from policybench.mcda import methods
from policybench.mcda import normalization as nz


def _plain_wpm(x: np.ndarray, w: np.ndarray, types: np.ndarray) -> np.ndarray:
    """WPM on the materialised ``sum`` normalisation, straight from the definition."""
    v = np.where(types < 0, 1.0 / x, x)
    v = v / v.sum(axis=-2, keepdims=True)
    return np.exp(np.log(v) @ w.T).T if w.ndim == 2 else np.exp(np.log(v) @ w)


@pytest.mark.parametrize("types", [[1, 1, 1, 1], [1, -1, 1, -1], [-1, -1, -1, -1]])
def test_wpm_under_sum_on_logs_equals_the_definition(types: list[int]) -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0.5, 20.0, (300, 4))
    t = np.asarray(types, dtype=float)
    w = rng.dirichlet(np.ones(4))
    batch = rng.dirichlet(np.ones(4), size=7)
    assert_allclose(mcda.score(x, w, t, "wpm"), _plain_wpm(x, w, t), rtol=1e-12)
    assert_allclose(mcda.score(x, batch, t, "wpm"), _plain_wpm(x, batch, t), rtol=1e-12)
    assert_allclose(mcda.score(x, w, t, "wpm", "sum"), mcda.score(x, w, t, "wpm"), rtol=0)
    # the same as the general kernel on the normalised matrix
    general = methods.prepare_wpm(nz.sum_(x, t))(batch)
    assert_allclose(mcda.score(x, batch, t, "wpm"), general, rtol=1e-12)


def test_wpm_under_sum_keeps_the_ranking_of_the_definition_with_ties() -> None:
    x = np.array([[2.0, 3.0, 4.0], [2.0, 3.0, 4.0], [4.0, 1.0, 2.0], [1.0, 5.0, 3.0]])
    t = np.array([1.0, -1.0, 1.0])
    w = np.array([0.2, 0.5, 0.3])
    ranks = mcda.rank(mcda.score(x, w, t, "wpm"))
    assert ranks[0] == ranks[1]  # identical options tie
    assert_array_equal(ranks, mcda.rank(_plain_wpm(x, w, t)))


def test_wpm_under_sum_on_stacks_and_several_weight_sets() -> None:
    rng = np.random.default_rng(2)
    mats = rng.uniform(1.0, 9.0, (5, 6, 3))
    t = np.array([1.0, -1.0, 1.0])
    w = rng.dirichlet(np.ones(3), size=5)
    paired = mcda.score_paired(mats, w, t, "wpm")
    for s in range(5):
        assert_allclose(paired[s], _plain_wpm(mats[s], w[s], t), rtol=1e-12)
    several = rng.dirichlet(np.ones(3), size=(5, 4))  # (S, K, M)
    out = mcda.score_paired(mats, several, t, "wpm")
    assert out.shape == (5, 4, 6)
    for s in range(5):
        assert_allclose(out[s], _plain_wpm(mats[s], several[s], t), rtol=1e-12)


def test_wpm_under_sum_unit_weights_give_the_normalised_values() -> None:
    """robustness builds WPM's log-linear form from f(e_j): it must be the normalised value."""
    rng = np.random.default_rng(3)
    x = rng.uniform(1.0, 9.0, (8, 3))
    t = np.array([1.0, -1.0, -1.0])
    f = mcda.scorer(x, t, "wpm")
    assert_allclose(f(np.eye(3)).T, nz.sum_(x, t), rtol=1e-12)


def test_wpm_under_sum_falls_back_when_a_column_total_overflows() -> None:
    x = np.array([[1e308, 1.0], [1e308, 2.0], [5e307, 4.0]])  # column 1's total is inf
    t = np.array([1.0, 1.0])
    assert nz.sum_logs(x, t) is None
    # the plain way: column 1's total is inf, so its shares are 0, and 0 ** 0 is 1
    for w, expected in (([0.0, 1.0], [1 / 7, 2 / 7, 4 / 7]), ([0.5, 0.5], [0.0, 0.0, 0.0])):
        with np.errstate(over="ignore"):  # the plain way overflows the total, as it always did
            out = mcda.score(x, w, t, "wpm")
        assert np.isfinite(out).all()
        assert_allclose(out, expected, rtol=1e-15, atol=0)


def test_wpm_under_sum_keeps_the_sum_error_message() -> None:
    with pytest.raises(InputError, match="criterion 2 \\('cost'\\) has a value of zero") as info:
        mcda.score([[1.0, 0.0], [2.0, 3.0]], [1, 1], [1, -1], "wpm", criteria=["q", "cost"])
    assert "'sum' normalisation" in str(info.value)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_wpm_under_sum_keeps_the_missing_value_message(bad: float) -> None:
    x = np.array([[1.0, 2.0], [3.0, bad], [5.0, 6.0]])
    with pytest.raises(InputError, match="option 2 on criterion 2"):
        mcda.score(x, [1, 1], [1, -1], "wpm")


def test_finite_values_whose_total_overflows_are_accepted() -> None:
    """The finiteness check reads the total first; an overflowing total of finite values must
    fall through to the value-by-value check, not be taken for a missing value."""
    x = np.array([[1e308, 1e308], [1e308, 1.0], [2.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the overflowing total is the check's own business
        out = mcda.score(x, [1, 1], [1, 1], "wsm", "minmax")
    assert np.isfinite(out).all()
    with pytest.raises(InputError, match="option 3 on criterion 1"):
        mcda.score([[1e308, 1e308], [1e308, 1.0], [np.nan, 3.0]], [1, 1], [1, 1], "wsm", "minmax")


@pytest.mark.parametrize("shape", [(5000, 3), (3, 4000, 2), (nz.ROWS + 1, 5)])
def test_blocked_sum_equals_the_definition_exactly(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(4)
    x = rng.uniform(0.1, 50.0, shape)
    t = np.where(np.arange(shape[-1]) % 2 == 1, -1.0, 1.0)
    y = np.where(t < 0, 1.0 / x, x)
    assert_array_equal(nz.sum_(x, t), y / y.sum(axis=-2, keepdims=True))
    assert_array_equal(nz.sum_(x, np.ones(shape[-1])), x / x.sum(axis=-2, keepdims=True))
    # a column-major (or otherwise non-C) input gives the same values
    assert_array_equal(nz.sum_(np.asfortranarray(x), t), y / y.sum(axis=-2, keepdims=True))
    assert_array_equal(nz.sum_(x[..., ::-1], t[::-1]), nz.sum_(x, t)[..., ::-1])


def test_wpm_zero_after_normalisation_still_counts_as_zero() -> None:
    """The general WPM kernel takes logs in one pass; a zero still gives 0 ** w (0, or 1 for
    w = 0), as prod(v ** w) does."""
    norm = np.array([[0.0, 0.5], [1.0, 0.25], [0.5, 0.0]])
    f = methods.prepare_wpm(norm)
    w = np.array([[0.5, 0.5], [0.0, 1.0], [1.0, 0.0]])
    expected = np.prod(norm[None, :, :] ** w[:, None, :], axis=-1)
    assert_allclose(f(w), expected, rtol=1e-12, atol=0)
    assert (f(w)[0, [0, 2]] == 0.0).all()


def test_wpm_from_logs_applies_the_signs_and_the_offset_each_alone() -> None:
    logs = np.log(np.array([[2.0, 4.0], [8.0, 1.0]]))
    w = np.array([0.25, 0.75])
    signs = np.array([1.0, -1.0])
    offset = np.log(np.array([[[2.0, 2.0]]]))[0]  # (1, M)
    plain = np.exp(logs @ w)
    assert_allclose(methods.prepare_wpm_logs(logs)(w), plain, rtol=1e-12)
    assert_allclose(methods.prepare_wpm_logs(logs, signs)(w), np.exp((logs * signs) @ w))
    assert_allclose(methods.prepare_wpm_logs(logs, None, offset)(w), plain / 2.0, rtol=1e-12)
