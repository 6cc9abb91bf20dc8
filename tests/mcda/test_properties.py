"""Properties that must hold for every problem (hypothesis, bounded sizes, no deadline)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from policybench import mcda
from policybench.errors import PolicybenchWarning

METHODS = list(mcda.METHODS)
# Scores on a 0-10 scale in quarter points: ties happen, float noise is small.
values = st.integers(0, 40).map(lambda k: k / 4.0)


@dataclass(frozen=True)
class P:
    matrix: np.ndarray
    weights: np.ndarray
    types: np.ndarray


@st.composite
def problems(draw: st.DrawFn, *, min_n: int = 2, positive: bool = True) -> P:
    n = draw(st.integers(min_n, 8))
    m = draw(st.integers(1, 5))
    elements = st.integers(1, 40).map(lambda k: k / 4.0) if positive else values
    matrix = draw(arrays(np.float64, (n, m), elements=elements))
    weights = draw(arrays(np.float64, (m,), elements=st.integers(0, 10).map(float)))
    if weights.sum() == 0:
        weights[0] = 1.0
    types = draw(arrays(np.float64, (m,), elements=st.sampled_from([1.0, -1.0])))
    return P(matrix, weights, types)


@settings(deadline=None, max_examples=80)
@given(problems(), st.floats(0.01, 100.0), st.sampled_from(METHODS))
def test_scaling_all_weights_changes_nothing(p: P, k: float, method: str) -> None:
    a = mcda.score(p.matrix, p.weights, p.types, method)
    b = mcda.score(p.matrix, k * p.weights, p.types, method)
    assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert_array_equal(mcda.rank(a), mcda.rank(b))


@settings(deadline=None, max_examples=80)
@given(problems(), st.randoms(use_true_random=False), st.sampled_from(METHODS))
def test_permuting_options_permutes_scores(p: P, rnd, method: str) -> None:
    perm = np.array(rnd.sample(range(p.matrix.shape[0]), p.matrix.shape[0]))
    a = mcda.score(p.matrix, p.weights, p.types, method)
    b = mcda.score(p.matrix[perm], p.weights, p.types, method)
    assert_allclose(b, a[perm], rtol=1e-12, atol=1e-12)
    assert_array_equal(mcda.rank(b), mcda.rank(a)[perm])


@settings(deadline=None, max_examples=60)
@given(problems(), st.integers(1, 6), st.sampled_from(METHODS), st.data())
def test_batch_row_equals_the_single_call(p: P, s: int, method: str, data: st.DataObject) -> None:
    m = p.matrix.shape[1]
    batch = data.draw(arrays(np.float64, (s, m), elements=st.integers(0, 9).map(float)))
    batch[batch.sum(axis=1) == 0, 0] = 1.0
    scores = mcda.score(p.matrix, batch, p.types, method)
    assert scores.shape == (s, p.matrix.shape[0])
    for i in range(s):
        assert_allclose(scores[i], mcda.score(p.matrix, batch[i], p.types, method), atol=1e-12)
        assert_array_equal(mcda.rank(scores)[i], mcda.rank(scores[i]))


def _dominating_pair(p: P, gain: np.ndarray) -> np.ndarray:
    """Option 0 made at least as good as option 1 on every criterion (better by ``gain``)."""
    x = p.matrix.copy()
    x[0] = x[1] + p.types * gain  # better or equal on every criterion, in its direction
    return x


@settings(deadline=None, max_examples=80)
@given(
    problems(min_n=2),
    st.sampled_from(["wsm", "wpm", "topsis"]),
    st.sampled_from(["minmax", "vector", "linear", "sum", "scale"]),
    st.data(),
)
def test_a_dominating_option_never_ranks_below_the_dominated(
    p: P, method: str, normalization: str, data: st.DataObject
) -> None:
    m = p.matrix.shape[1]
    gain = data.draw(arrays(np.float64, (m,), elements=st.integers(0, 4).map(lambda k: k / 4.0)))
    x = _dominating_pair(p, gain)
    x = np.clip(x, 0.25, 10.0)  # stay positive and on the 0-10 scale
    x[0] = np.where(p.types > 0, np.maximum(x[0], x[1]), np.minimum(x[0], x[1]))
    with warnings.catch_warnings():  # wpm on scale floors a cost at 10: said, and fine here
        warnings.simplefilter("ignore", PolicybenchWarning)
        ranks = mcda.rank(mcda.score(x, p.weights, p.types, method, normalization))
    assert ranks[0] <= ranks[1]


@settings(deadline=None, max_examples=80)
@given(problems(), st.integers(0, 7), st.integers(0, 4), st.floats(0.25, 5.0))
def test_raising_a_benefit_score_never_lowers_the_wsm_rank(
    p: P, i: int, j: int, delta: float
) -> None:
    n, m = p.matrix.shape
    i, j = i % n, j % m
    types = p.types.copy()
    types[j] = 1.0
    x = p.matrix.copy()
    for normalization in ("scale", "minmax", "sum", "linear", "vector"):
        x_up = x.copy()
        x_up[i, j] = min(x[i, j] + delta, 10.0)
        before = mcda.rank(mcda.score(x, p.weights, types, "wsm", normalization))[i]
        after = mcda.rank(mcda.score(x_up, p.weights, types, "wsm", normalization))[i]
        assert after <= before, normalization


@settings(deadline=None, max_examples=40)
@given(problems(), st.sampled_from(METHODS))
def test_scores_are_finite_and_ranks_a_competition_ranking(p: P, method: str) -> None:
    scores = mcda.score(p.matrix, p.weights, p.types, method)
    assert np.all(np.isfinite(scores))
    ranks = mcda.rank(scores)
    n = len(ranks)
    assert ranks.min() == 1
    for r in np.unique(ranks):  # a group of k sharing rank r leaves r+1 … r+k-1 empty
        k = int((ranks == r).sum())
        assert not np.any((ranks > r) & (ranks < r + k))
    assert ranks.max() <= n
