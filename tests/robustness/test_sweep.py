"""One-way sweeps and break-even weights (src/policybench/robustness/sweep.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from policybench import mcda
from policybench.errors import InputError
from policybench.robustness import BreakEven, break_even, sweep
from policybench.robustness.sweep import path_weights

X = np.array(
    [
        [7.0, 2.0, 5.0],
        [3.0, 8.0, 4.0],
        [5.0, 5.0, 9.0],
        [6.0, 4.0, 2.0],
    ]
)
T = np.array([1.0, 1.0, -1.0])
W = np.array([1.0, 1.0, 2.0])  # normalised: 0.25, 0.25, 0.5


def test_sweep_shapes_and_end_points() -> None:
    s = sweep(X, W, T, criterion=0, points=101)
    assert s.scores.shape == (101, 4) and s.ranks.shape == (101, 4)
    assert s.t[0] == 0.0 and s.t[-1] == 1.0
    assert_allclose(s.weights.sum(axis=1), 1.0)
    assert_allclose(s.weights[-1], [1.0, 0.0, 0.0])
    assert s.weight == pytest.approx(0.25)
    assert (s.method, s.normalization) == ("wsm", "sum")


def test_sweep_passes_through_the_current_weights() -> None:
    s = sweep(X, W, T, criterion=0, points=101)  # t = 0.25 is grid point 25
    assert_allclose(s.weights[25], W / W.sum())
    assert_allclose(s.scores[25], mcda.score(X, W, T))


def test_other_criteria_keep_their_proportions() -> None:
    s = sweep(X, W, T, criterion=2, points=11)
    rest = s.weights[:-1, :2]
    assert_allclose(rest / rest.sum(axis=1, keepdims=True), np.full((10, 2), 0.5))


def test_all_weight_on_the_swept_criterion_shares_the_rest_equally() -> None:
    w = path_weights(np.array([0.0, 1.0, 0.0]), 1, np.array([0.4]))
    assert_allclose(w, [[0.3, 0.4, 0.3]])


def test_criterion_by_name_and_method_parameters() -> None:
    s = sweep(
        X,
        W,
        T,
        "cost",
        method="promethee2",
        criteria=["a", "b", "cost"],
        preference="vshape",
        p=3.0,
    )
    assert s.criterion == 2 and s.params == {"preference": "vshape", "p": 3.0}
    assert_allclose(
        s.scores[7],
        mcda.score(X, s.weights[7], T, method="promethee2", preference="vshape", p=3.0),
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"criterion": 3}, "does not exist"),
        ({"criterion": "nope"}, "unknown criterion"),
        ({"criterion": 0, "points": 1}, "at least 2"),
        ({"criterion": True}, "position"),
    ],
)
def test_bad_sweep_requests(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        sweep(X, W, T, **kwargs)  # type: ignore[arg-type]


def test_a_single_criterion_cannot_be_swept() -> None:
    with pytest.raises(InputError, match="at least two criteria"):
        sweep(X[:, :1], [1.0], [1.0], 0)


def test_bad_weights_are_reported_by_the_front_door() -> None:
    with pytest.raises(ValueError, match="negative"):
        sweep(X, [1.0, -1.0, 1.0], T, 0)


def test_wsm_break_even_matches_the_hand_solution() -> None:
    # Two options, weights (t, 1 - t) on raw values under "none": 2t + 1(1-t) = 1t + 3(1-t)
    # gives t = 2/3; the first option is behind below and ahead above.
    events = break_even([[2.0, 1.0], [1.0, 3.0]], [0.5, 0.5], [1, 1], 0, normalization="none")
    assert len(events) == 1
    e = events[0]
    assert e.weight == pytest.approx(2.0 / 3.0, abs=1e-15)
    assert (e.options, e.ahead_below, e.ahead_above) == ((0, 1), 1, 0)
    assert_allclose(e.weights, [2.0 / 3.0, 1.0 / 3.0])


def test_no_break_even_for_a_dominating_option_or_identical_options() -> None:
    m = [[5.0, 5.0], [1.0, 1.0], [1.0, 1.0]]
    assert break_even(m, None, [1, 1], 0, normalization="none") == ()


def _assert_each_event_flips(
    x: Any, w: Any, t: Any, c: int, method: str, events: list[BreakEven], eps: float
) -> None:
    for e in events:
        below = mcda.score(
            x,
            path_weights(np.asarray(w) / np.sum(w), c, np.array([e.weight - eps]))[0],
            t,
            method=method,
        )
        above = mcda.score(
            x,
            path_weights(np.asarray(w) / np.sum(w), c, np.array([e.weight + eps]))[0],
            t,
            method=method,
        )
        i, j = e.options
        for scores, lead in ((below, e.ahead_below), (above, e.ahead_above)):
            if lead is None:  # tied on this side (a stretch of exact ties under vikor)
                assert scores[i] == pytest.approx(scores[j], abs=1e-9)
            else:
                other = j if lead == i else i
                assert scores[lead] > scores[other]


@settings(max_examples=40)
@given(seed=st.integers(0, 10_000), method=st.sampled_from(["wsm", "wpm", "promethee2"]))
def test_exact_break_evens_flip_the_pair_just_past_them(
    make_problem: Callable[..., object], seed: int, method: str
) -> None:
    p = make_problem(seed)
    c = seed % p.matrix.shape[1]
    events = break_even(p.matrix, p.weights, p.types, c, method=method)
    assert list(events) == sorted(events, key=lambda e: e.weight)
    assert all(0.0 < e.weight < 1.0 for e in events)
    # just past each break-even weight the pair has swapped (1e-7 is far above round-off)
    _assert_each_event_flips(
        p.matrix,
        p.weights,
        p.types,
        c,
        method,
        [e for e in events if 1e-6 < e.weight < 1 - 1e-6],
        1e-7,
    )


@settings(max_examples=25)
@given(seed=st.integers(0, 10_000), method=st.sampled_from(["wsm", "wpm", "promethee2"]))
def test_exact_break_evens_are_all_the_swaps_on_a_fine_grid(
    make_problem: Callable[..., object], seed: int, method: str
) -> None:
    p = make_problem(seed)
    c = seed % p.matrix.shape[1]
    events = break_even(p.matrix, p.weights, p.types, c, method=method)
    s = sweep(p.matrix, p.weights, p.types, c, method=method, points=4001)
    flips = set()
    n = p.matrix.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            d = s.scores[:, i] - s.scores[:, j]
            sign = np.sign(np.where(np.abs(d) < 1e-9, 0.0, d))
            nz = sign[sign != 0]
            if nz.size and (nz != nz[0]).any():
                flips.add((i, j))
    found = {e.options for e in events}
    assert all(e.ahead_below is not None and e.ahead_above is not None for e in events)
    assert flips <= found  # a grid can miss a swap squeezed at an end, never invent one


@settings(max_examples=15)
@given(seed=st.integers(0, 10_000), method=st.sampled_from(["topsis", "vikor"]))
def test_grid_break_evens_flip_the_pair_and_agree_with_a_finer_grid(
    make_problem: Callable[..., object], seed: int, method: str
) -> None:
    p = make_problem(seed, n=int(3 + seed % 5))
    c = seed % p.matrix.shape[1]
    events = break_even(p.matrix, p.weights, p.types, c, method=method)
    finer = break_even(p.matrix, p.weights, p.types, c, method=method, grid=8001)
    _assert_each_event_flips(
        p.matrix,
        p.weights,
        p.types,
        c,
        method,
        [e for e in events if 1e-5 < e.weight < 1 - 1e-5],
        1e-6,
    )
    # every crossing found on the default grid is found, at the same weight, on a finer one
    for e in events:
        assert any(
            abs(f.weight - e.weight) < 1e-9
            and (f.options, f.ahead_below, f.ahead_above)
            == (e.options, e.ahead_below, e.ahead_above)
            for f in finer
        )


def test_a_stretch_of_vikor_ties_is_reported_at_both_ends() -> None:
    # Options 0 and 2 are identical, so -Q takes only two values and jumps: for criterion 1
    # between about 0.438 and 0.471, option 1 ties with them (both Q terms swap at different
    # weights); below it option 1 leads, above it options 0 and 2 lead.
    x = np.array([[5.0, 9.0, 5.0], [7.0, 6.0, 6.0], [5.0, 9.0, 5.0]])
    t = np.array([-1.0, 1.0, 1.0])
    w = np.array([0.50353044, 0.0547129, 0.44175666])
    events = [e for e in break_even(x, w, t, 0, method="vikor") if e.options == (0, 1)]
    assert [(e.ahead_below, e.ahead_above) for e in events] == [(1, None), (None, 0)]
    start, end = (e.weight for e in events)
    assert 0.43 < start < end < 0.48
    s = sweep(x, w, t, 0, method="vikor", points=2001)
    tied = np.isclose(s.scores[:, 0], s.scores[:, 1], atol=1e-12, rtol=0)
    assert_allclose([s.t[tied].min(), s.t[tied].max()], [start, end], atol=1e-3)


def test_linear_form_matches_the_method_for_wsm_wpm_promethee2() -> None:
    """The exact solvers assume scores are (log-)linear in the weights: lock that here."""
    rng = np.random.default_rng(7)
    x = rng.uniform(1, 10, (6, 4))
    t = np.array([1.0, -1.0, 1.0, 1.0])
    w = rng.dirichlet(np.ones(4), size=20)
    for method, f in [("wsm", lambda s: s), ("promethee2", lambda s: s), ("wpm", np.log)]:
        cols = mcda.score(x, np.eye(4), t, method=method).T
        assert_allclose(f(mcda.score(x, w, t, method=method)), w @ f(cols).T, atol=1e-12)


def test_break_even_weights_are_where_sweep_ranks_change() -> None:
    events = break_even(X, W, T, 1)
    s = sweep(X, W, T, 1, points=2001)
    changes = np.flatnonzero((np.diff(s.ranks, axis=0) != 0).any(axis=1))
    assert changes.size == len(events)
    assert_array_equal(np.floor(np.array([e.weight for e in events]) * 2000), changes)
