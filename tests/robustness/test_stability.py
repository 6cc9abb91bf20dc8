"""Stability intervals (src/policybench/robustness/stability.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from policybench import mcda
from policybench.robustness import stability_intervals
from policybench.robustness.sweep import path_weights


def _ranks_at(p: Any, c: int, t: float, method: str) -> np.ndarray:
    w = path_weights(p.weights, c, np.array([t]))[0]
    return mcda.rank(mcda.score(p.matrix, w, p.types, method=method))


def _top(ranks: np.ndarray) -> set[int]:
    return set(np.flatnonzero(ranks == 1).tolist())


def test_hand_worked_wsm_interval() -> None:
    # raw values, weights (t, 1 - t): A = 2t + 1(1-t), B = 1t + 3(1-t), C = 0 everywhere.
    # B leads until t = 2/3, where A overtakes it; C stays last, so both intervals agree.
    x = [[2.0, 1.0], [1.0, 3.0], [0.0, 0.0]]
    (first, second) = stability_intervals(x, [0.25, 0.75], [1, 1], normalization="none")
    assert first.top == (1,)
    assert first.top_interval == pytest.approx((0.0, 2.0 / 3.0))
    assert first.ranking_interval == pytest.approx((0.0, 2.0 / 3.0))
    # criterion 1 at 0.75: A overtakes B when its weight falls below 1/3
    assert second.top_interval == pytest.approx((1.0 / 3.0, 1.0))


def test_lower_crossings_end_the_ranking_interval_but_not_the_top_interval() -> None:
    # B = 2t and C = 2(1 - t) swap at t = 0.5; A (9 on both) leads throughout
    x = [[9.0, 9.0], [2.0, 0.0], [0.0, 2.0]]
    (s, _) = stability_intervals(x, [0.25, 0.75], [1, 1], normalization="none")
    assert s.top_interval == pytest.approx((0.0, 1.0))
    assert s.ranking_interval == pytest.approx((0.0, 0.5))


def test_a_tie_at_the_current_weights_gives_a_single_point() -> None:
    x = [[2.0, 0.0], [0.0, 2.0], [0.5, 0.5]]
    (s, _) = stability_intervals(x, [0.5, 0.5], [1, 1], normalization="none")
    assert s.top == (0, 1)
    assert s.top_interval == (0.5, 0.5)
    assert s.ranking_interval == (0.5, 0.5)


def test_one_criterion_is_trivially_stable() -> None:
    (s,) = stability_intervals([[1.0], [2.0]], None, [1])
    assert s.top == (1,) and s.top_interval == (1.0, 1.0)


@settings(max_examples=60)
@given(
    seed=st.integers(0, 10_000),
    method=st.sampled_from(["wsm", "promethee2", "topsis", "vikor"]),
    ties=st.booleans(),
)
def test_inside_the_interval_the_result_holds_and_just_outside_it_changes(
    make_problem: Callable[..., object], seed: int, method: str, ties: bool
) -> None:
    # ties: whole-number scores and a repeated option (vikor's -Q then jumps between levels)
    p = make_problem(seed, n=int(3 + seed % 6), duplicate=ties, integer=ties)
    now = mcda.rank(mcda.score(p.matrix, p.weights, p.types, method=method))
    eps = 1e-6
    for s in stability_intervals(p.matrix, p.weights, p.types, method=method):
        c = s.criterion
        assert s.top == tuple(sorted(_top(now)))
        lo, hi = s.top_interval
        assert lo <= s.weight <= hi
        for t in np.linspace(lo, hi, 7)[1:-1]:
            assert _top(_ranks_at(p, c, t, method)) == _top(now)
        if lo > eps:
            assert _top(_ranks_at(p, c, lo - eps, method)) != _top(now)
        if hi < 1 - eps:
            assert _top(_ranks_at(p, c, hi + eps, method)) != _top(now)
        lo, hi = s.ranking_interval
        assert s.top_interval[0] <= lo <= s.weight <= hi <= s.top_interval[1]
        for t in np.linspace(lo, hi, 5)[1:-1]:
            assert_array_equal(_ranks_at(p, c, t, method), now)
        if lo > eps:
            assert (_ranks_at(p, c, lo - eps, method) != now).any()
        if hi < 1 - eps:
            assert (_ranks_at(p, c, hi + eps, method) != now).any()
