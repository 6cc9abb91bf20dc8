"""Aggregation kernels: definitions not covered by pymcdm (Gaussian PROMETHEE, VIKOR's constant
criterion, WPM's floor), batch and paired shapes, and the blocked PROMETHEE paths."""

from __future__ import annotations

import os

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from policybench import mcda
from policybench.errors import PolicybenchWarning
from policybench.mcda import methods


def brute_promethee2(x: np.ndarray, w: np.ndarray, types: np.ndarray, pref) -> np.ndarray:
    """PROMETHEE II straight from its definition, with explicit loops (small N only)."""
    n, m = x.shape
    pi = np.zeros((n, n))
    for a in range(n):
        for b in range(n):
            for j in range(m):
                d = (x[a, j] - x[b, j]) * types[j]
                pi[a, b] += w[j] * pref(d, j)
    return (pi.sum(axis=1) - pi.sum(axis=0)) / (n - 1)


def test_gaussian_promethee_follows_brans_formula() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, (9, 4))
    w = rng.dirichlet(np.ones(4))
    types = np.array([1.0, -1.0, 1.0, -1.0])
    s = np.array([0.5, 1.0, 2.0, 4.0])

    def gaussian(d: float, j: int) -> float:
        return 1.0 - np.exp(-(d**2) / (2 * s[j] ** 2)) if d > 0 else 0.0

    expected = brute_promethee2(x, w, types, gaussian)
    ours = mcda.score(x, w, types, "promethee2", preference="gaussian", s=s)
    assert_allclose(ours, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("preference", "params", "p_of_d"),
    [
        ("level", {"q": 1.0, "p": 3.0}, lambda d: 0.0 if d <= 1 else 0.5 if d <= 3 else 1.0),
        ("linear", {"q": 1.0, "p": 3.0}, lambda d: min(max((d - 1) / 2, 0.0), 1.0)),
        ("vshape", {"p": 2.0}, lambda d: min(max(d / 2, 0.0), 1.0)),
        ("ushape", {"q": 2.0}, lambda d: float(d > 2)),
        ("usual", {}, lambda d: float(d > 0)),
    ],
)
def test_preference_functions_follow_their_definitions_at_the_thresholds(
    preference: str, params: dict[str, float], p_of_d
) -> None:
    x = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [6.0]])  # differences hit q and p exactly
    expected = brute_promethee2(x, np.ones(1), np.ones(1), lambda d, j: p_of_d(d))
    ours = mcda.score(x, [1.0], [1], "promethee2", preference=preference, **params)
    assert_allclose(ours, expected, rtol=0, atol=1e-12)


def test_promethee_net_flows_sum_to_zero_and_lie_in_range() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 5))
    w = rng.dirichlet(np.ones(5), size=7)
    phi = mcda.score(x, w, np.ones(5), "promethee2", preference="vshape", p=1.0)
    assert_allclose(phi.sum(axis=1), 0.0, atol=1e-12)
    assert np.all(np.abs(phi) <= 1.0)


@pytest.mark.parametrize("preference", ["usual", "ushape", "linear", "gaussian"])
def test_promethee_blocked_path_equals_small_path(preference: str) -> None:
    """N > 1024 uses triangular blocks; the same column embedded in a stack of small problems
    must give the same flows as the direct small-N computation."""
    rng = np.random.default_rng(11)
    col = rng.integers(0, 50, size=1500).astype(float)
    params = {"usual": {}, "ushape": {"q": 3.0}, "linear": {"q": 2.0, "p": 9.0}}.get(
        preference, {"s": 4.0}
    )
    th = {k: np.array([v]) for k, v in params.items()}
    big = methods.unicriterion_net_flows(col[:, None], preference, **th)
    # The same flows from the definition, summing pairwise rows in chunks of 100 options.
    pref = methods.PREFERENCES[preference].odd
    q, p, s = (float(params.get(k, 0.0)) for k in ("q", "p", "s"))
    expected = (
        np.concatenate(
            [
                pref(col[i : i + 100, None] - col[None, :], q, p, s).sum(axis=1)
                for i in range(0, 1500, 100)
            ]
        )
        / 1499
    )
    assert_allclose(big[:, 0], expected, rtol=0, atol=1e-12)


def test_promethee_memory_block_is_bounded() -> None:
    assert methods.BLOCK_ELEMENTS * 8 <= 64 * 2**20  # one block of differences is at most 64 MB


def test_vikor_constant_criterion_contributes_zero_regret() -> None:
    x = np.array([[1.0, 5.0, 7.0], [2.0, 5.0, 3.0], [3.0, 5.0, 1.0]])
    w = np.array([0.3, 0.4, 0.3])
    with_constant = mcda.score(x, w, [1, 1, -1], "vikor")
    # Zero regret on the constant column: the same S and R as without it, same weights.
    kernel = methods.prepare_vikor(mcda.value_matrix(x[:, [0, 2]], [1, -1], "none"))
    assert_allclose(with_constant, kernel(w[[0, 2]]), atol=1e-15)


def test_vikor_returns_minus_q_in_minus_one_to_zero() -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 1, (12, 4))
    w = rng.dirichlet(np.ones(4), 9)
    q = mcda.score(x, w, [1, -1, 1, 1], "vikor")
    assert np.all(q <= 0) and np.all(q >= -1)
    assert np.any(q.max(axis=1) < -1e-6)  # the best S and the best R need not be one option
    group_only = mcda.score(x, w, [1, -1, 1, 1], "vikor", v=1.0)
    assert_allclose(group_only.max(axis=1), 0.0, atol=1e-12)  # the best S has Q = 0
    assert_allclose(group_only.min(axis=1), -1.0, atol=1e-12)  # the worst S has Q = 1


def test_vikor_v_one_is_group_utility_alone() -> None:
    x = np.array([[1.0, 9.0], [5.0, 5.0], [9.0, 1.0], [4.0, 4.0]])
    w = np.array([0.5, 0.5])
    s_utility = (x.max(0) - x) / (x.max(0) - x.min(0)) @ w
    expected = -(s_utility - s_utility.min()) / (s_utility.max() - s_utility.min())
    assert_allclose(mcda.score(x, w, [1, 1], "vikor", v=1.0), expected, atol=1e-12)


def test_topsis_scores_half_when_nothing_separates_the_options() -> None:
    x = np.array([[1.0, 4.0], [2.0, 4.0], [3.0, 4.0]])
    scores = mcda.score(x, [[0.0, 1.0], [0.5, 0.5]], [1, 1], "topsis")
    assert_array_equal(scores[0], [0.5, 0.5, 0.5])
    assert_allclose(scores[1], [0.0, 0.5, 1.0])


def test_wpm_zero_value_gives_zero_unless_weight_is_zero() -> None:
    x = np.array([[0.0, 2.0], [1.0, 1.0]])
    norm_minmax = mcda.value_matrix(x, [1, 1], "minmax")
    assert norm_minmax[0, 0] == 0.0
    assert_allclose(mcda.score(x, [0.5, 0.5], [1, 1], "wpm", "minmax"), [0.0, 0.0])
    assert_allclose(mcda.score(x, [0.0, 1.0], [1, 1], "wpm", "minmax"), [1.0, 0.0])


def test_wpm_on_scale_floors_the_bottom_of_the_scale_and_says_so() -> None:
    x = np.array([[0.0, 8.0], [5.0, 5.0]])
    with pytest.warns(PolicybenchWarning, match=r"criterion 1 \('reach'\).*0\.01") as record:
        scores = mcda.score(x, [0.5, 0.5], [1, 1], "wpm", "scale", criteria=["reach", "cost"])
    # the warning points at the caller's line; under `make mutation` mutmut's trampolines stand
    # between the caller and the library, so the line is checked only outside a mutation run
    if "MUTANT_UNDER_TEST" not in os.environ:
        assert record[0].filename == __file__
    assert_allclose(scores, [np.sqrt(mcda.WPM_FLOOR * 0.8), 0.5])
    assert scores[0] > 0


def test_wpm_on_scale_without_zeros_does_not_warn() -> None:
    x = np.array([[1.0, 8.0], [5.0, 5.0]])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mcda.score(x, [0.5, 0.5], [1, 1], "wpm", "scale")


def by_definition(method: str, x: np.ndarray, w: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Each method with its default normalisation, for one weight vector, written out from its
    textbook definition (loops and all), independent of policybench's kernels."""
    n, m = x.shape
    if method in {"wsm", "wpm"}:  # "sum": x / Σx, a cost (1/x) / Σ(1/x)
        v = np.array(
            [[x[i, j] if types[j] > 0 else 1 / x[i, j] for j in range(m)] for i in range(n)]
        )
        v = v / v.sum(axis=0)
        if method == "wsm":
            return np.array([sum(w[j] * v[i, j] for j in range(m)) for i in range(n)])
        return np.array([np.prod([v[i, j] ** w[j] for j in range(m)]) for i in range(n)])
    if method == "topsis":  # min-max, weighted; closeness to the ideal
        lo, hi = x.min(axis=0), x.max(axis=0)
        v = np.where(types > 0, (x - lo) / (hi - lo), (hi - x) / (hi - lo)) * w
        best, worst = v.max(axis=0), v.min(axis=0)
        d_best = np.sqrt(((v - best) ** 2).sum(axis=1))
        d_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
        return d_worst / (d_best + d_worst)
    if method == "vikor":  # v = 0.5 on the raw values, returned as -Q
        best = np.where(types > 0, x.max(axis=0), x.min(axis=0))
        worst = np.where(types > 0, x.min(axis=0), x.max(axis=0))
        regret = w * (best - x) / (best - worst)
        s_, r_ = regret.sum(axis=1), regret.max(axis=1)
        q = 0.5 * (s_ - s_.min()) / (s_.max() - s_.min()) + 0.5 * (r_ - r_.min()) / (
            r_.max() - r_.min()
        )
        return -q
    return brute_promethee2(x, w, types, lambda d, j: float(d > 0))  # "usual"


@pytest.mark.parametrize("method", list(mcda.METHODS))
def test_batch_and_paired_scores_are_each_methods_definition(method: str) -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(1, 10, (6, 3))
    types = np.array([1.0, -1.0, 1.0])
    w = rng.dirichlet(np.ones(3), size=4)
    batch = mcda.score(x, w, types, method)
    assert batch.shape == (4, 6)
    for k in range(4):
        assert_allclose(batch[k], by_definition(method, x, w[k], types), rtol=1e-10, atol=1e-12)
    assert_allclose(mcda.score(x, w[0], types, method), batch[0], rtol=0, atol=1e-15)
    paired = mcda.score_paired(np.stack([x] * 4), w, types, method)
    assert_allclose(paired, batch, atol=1e-12)


@pytest.mark.parametrize("method", list(mcda.METHODS))
def test_paired_row_scores_its_own_matrix(method: str) -> None:
    rng = np.random.default_rng(4)
    stack = rng.uniform(1, 10, (5, 7, 3))
    stack[2, :, 1] = 4.0  # a constant column in one sample only
    types = np.array([1.0, -1.0, 1.0])
    w = rng.dirichlet(np.ones(3), size=5)
    paired = mcda.score_paired(stack, w, types, method)
    for s in range(5):
        assert_allclose(paired[s], mcda.score(stack[s], w[s], types, method), atol=1e-12)


def test_scorer_matches_score_and_skips_no_work() -> None:
    rng = np.random.default_rng(8)
    x = rng.uniform(1, 10, (8, 5))
    types = np.array([1.0, -1.0, 1.0, 1.0, -1.0])
    w = rng.dirichlet(np.ones(5), size=10)
    for method in mcda.METHODS:
        f = mcda.scorer(x, types, method)
        assert_allclose(f(w), mcda.score(x, w, types, method), atol=1e-15)
        assert_allclose(f(w[3]), f(w)[3], atol=1e-15)


def test_scorer_does_not_see_later_changes_to_the_matrix() -> None:
    x = np.array([[1.0, 2.0], [3.0, 1.0]])
    f = mcda.scorer(x, [1, 1], "wsm", "scale")
    before = f(np.array([0.5, 0.5]))
    x[0, 0] = 9.0
    assert_array_equal(f(np.array([0.5, 0.5])), before)


def test_one_preference_function_per_criterion() -> None:
    rng = np.random.default_rng(12)
    x = rng.uniform(0, 10, (7, 3))
    w = np.array([0.2, 0.5, 0.3])
    types = np.array([1.0, -1.0, 1.0])
    mixed = mcda.score(
        x,
        w,
        types,
        "promethee2",
        preference=["usual", "linear", "gaussian"],
        q=[None, 1.0, None],
        p=[None, 4.0, None],
        s=[None, None, 2.0],
    )
    by_parts = (
        w[0] * mcda.score(x[:, [0]], [1.0], types[[0]], "promethee2")
        + w[1]
        * mcda.score(x[:, [1]], [1.0], types[[1]], "promethee2", preference="linear", q=1, p=4)
        + w[2] * mcda.score(x[:, [2]], [1.0], types[[2]], "promethee2", preference="gaussian", s=2)
    )
    assert_allclose(mixed, by_parts, atol=1e-12)


def test_preference_matrix_gives_the_net_flows() -> None:
    rng = np.random.default_rng(13)
    x = rng.uniform(0, 10, (8, 4))
    w = rng.dirichlet(np.ones(4))
    types = np.array([1.0, -1.0, -1.0, 1.0])
    params = {"preference": "level", "q": 0.5, "p": 2.0}
    pi = mcda.preference_matrix(x, w, types, **params)
    assert_array_equal(np.diag(pi), 0.0)
    assert np.all((pi >= 0) & (pi + pi.T <= 1 + 1e-12))
    phi = mcda.score(x, w, types, "promethee2", **params)
    assert_allclose((pi.sum(axis=1) - pi.sum(axis=0)) / 7, phi, atol=1e-12)


def test_score_paired_defaults_to_the_weighted_sum() -> None:
    x = np.array([[1.0, 2.0], [3.0, 4.0], [2.0, 9.0]])
    w = np.array([[0.5, 0.5], [0.2, 0.8]])
    paired = mcda.score_paired(np.stack([x, x]), w, [1, 1])
    assert_allclose(paired, mcda.score(x, w, [1, 1], "wsm"), rtol=1e-12)
    assert_allclose(paired[0], [0.15, 23 / 60, 7 / 15], rtol=1e-12)  # "sum": x / column total


def test_preference_matrix_uses_the_normalisation_it_is_given() -> None:
    x = np.array([[1.0, 2.0], [3.0, 4.0], [2.0, 9.0]])
    kw = {"preference": "linear", "q": 0.0, "p": 0.5}
    raw = mcda.preference_matrix(x, [0.5, 0.5], [1, 1], **kw)
    minmax = mcda.preference_matrix(x, [0.5, 0.5], [1, 1], normalization="minmax", **kw)
    assert_allclose(raw[1], [1.0, 0.0, 0.5])  # differences in raw units, all past p
    assert_allclose(minmax[1], [0.5 + 0.5 * (2 / 7) / 0.5, 0.0, 0.5])  # in 0-1 units
