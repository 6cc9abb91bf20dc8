"""SMAA-2 (src/policybench/robustness/smaa.py and _rankcount.py)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from policybench import mcda
from policybench.errors import InputError, WeightsError
from policybench.robustness import _rankcount, smaa
from policybench.robustness.smaa import _score_ranges, _weight_sampler
from support.smaa_reference import brute_force


@pytest.mark.parametrize("n", [6, 20])  # counted (N <= 12) and packed-key sorted (13 to 64)
@pytest.mark.parametrize("duplicate", [False, True])
def test_matches_ranking_every_sample_with_mcda_rank(
    make_problem: Callable[..., object], n: int, duplicate: bool
) -> None:
    p = make_problem(3, n=n, m=4, duplicate=duplicate, integer=duplicate)
    res = smaa(p.matrix, p.types, samples=3000, seed=11, chunk=1000)
    rng = np.random.default_rng(11)
    w = np.vstack([rng.dirichlet(np.ones(4), size=1000) for _ in range(3)])
    acc, central = brute_force(mcda.score(p.matrix, w, p.types), w)
    assert_allclose(res.rank_acceptability, acc, atol=1e-12)
    first = acc[:, 0]
    seen = first > 0
    assert_allclose(res.central_weights[seen], central[seen] / (first[seen, None] * 3000))
    assert np.isnan(res.central_weights[~seen]).all()
    if duplicate:  # the repeated option shares every rank with its twin
        assert_allclose(res.rank_acceptability[0], res.rank_acceptability[-1])


def test_score_ranges_match_ranking_every_sampled_matrix(
    make_problem: Callable[..., object],
) -> None:
    p = make_problem(5, n=5, m=3)
    low, high = p.matrix - 0.5, p.matrix + 0.5
    res = smaa(
        p.matrix,
        p.types,
        method="topsis",
        samples=2000,
        seed=2,
        low=low,
        high=high,
        chunk=500,
        confidence_samples=300,
    )
    rng = np.random.default_rng(2)
    scores, weights = [], []
    for _ in range(4):
        w = rng.dirichlet(np.ones(3), size=500)
        mats = low + (high - low) * rng.random((500, 5, 3))
        scores.append(mcda.score_paired(mats, w, p.types, method="topsis"))
        weights.append(w)
    acc, _ = brute_force(np.vstack(scores), np.vstack(weights))
    assert_allclose(res.rank_acceptability, acc, atol=1e-12)
    assert res.sampled == ("weights", "scores") and res.confidence_samples == 300


@settings(max_examples=30)
@given(
    seed=st.integers(0, 10_000),
    method=st.sampled_from(sorted(mcda.METHODS)),
    duplicate=st.booleans(),
    ranges=st.booleans(),
)
def test_acceptability_rows_and_columns_sum_to_one(
    make_problem: Callable[..., object], seed: int, method: str, duplicate: bool, ranges: bool
) -> None:
    p = make_problem(seed, duplicate=duplicate, integer=duplicate)
    kw = {"low": p.matrix * 0.9, "high": p.matrix * 1.1} if ranges else {}
    res = smaa(
        p.matrix,
        p.types,
        method=method,
        samples=700,
        seed=seed,
        chunk=300,
        confidence_samples=50,
        **kw,
    )
    a = res.rank_acceptability
    assert a.shape == (p.matrix.shape[0],) * 2
    assert (a >= 0).all()
    assert_allclose(a.sum(axis=0), 1.0, atol=1e-12)
    assert_allclose(a.sum(axis=1), 1.0, atol=1e-12)
    seen = a[:, 0] > 0
    assert_allclose(res.central_weights[seen].sum(axis=1), 1.0)
    assert np.isnan(res.central_weights[~seen]).all() and np.isnan(res.confidence[~seen]).all()
    assert ((res.confidence[seen] >= 0) & (res.confidence[seen] <= 1)).all()


def test_same_seed_same_result_and_chunking_does_not_matter() -> None:
    x = np.random.default_rng(0).uniform(1, 9, (7, 5))
    t = np.ones(5)
    a = smaa(x, t, samples=5000, seed=4)
    b = smaa(x, t, samples=5000, seed=4, chunk=777)
    c = smaa(x, t, samples=5000, seed=5)
    assert_array_equal(a.rank_acceptability, b.rank_acceptability)
    assert not np.array_equal(a.rank_acceptability, c.rank_acceptability)
    assert (a.seed, a.samples, a.method, a.normalization) == (4, 5000, "wsm", "sum")
    assert a.sampled == ("weights",) and a.weight_model == "simplex" and a.score_dist is None


@pytest.mark.parametrize("n", [6, 20])
@pytest.mark.parametrize("duplicate", [False, True])
def test_cache_blocks_do_not_change_the_result(
    make_problem: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, n: int, duplicate: bool
) -> None:
    p = make_problem(8, n=n, m=3, duplicate=duplicate, integer=duplicate)
    whole = smaa(p.matrix, p.types, samples=4000, seed=1)
    monkeypatch.setattr(_rankcount, "BLOCK", 37 * n)  # 37 samples a block: many, uneven
    blocked = smaa(p.matrix, p.types, samples=4000, seed=1)
    assert_allclose(blocked.rank_acceptability, whole.rank_acceptability, atol=1e-12)
    assert_allclose(blocked.central_weights, whole.central_weights, atol=1e-12)


def test_a_dominated_option_is_never_first() -> None:
    x = [[5.0, 5.0, 5.0], [4.0, 4.0, 4.0], [6.0, 1.0, 3.0]]
    res = smaa(x, [1, 1, 1], samples=2000)
    assert res.rank_acceptability[1, 0] == 0.0
    assert np.isnan(res.central_weights[1]).all()


def test_confidence_without_score_ranges_is_one_for_a_central_winner() -> None:
    x = np.random.default_rng(1).uniform(1, 9, (5, 3))
    res = smaa(x, [1, 1, 1], samples=20_000)
    seen = ~np.isnan(res.confidence)
    assert set(np.unique(res.confidence[seen])) <= {0.0, 1.0}
    ranks = mcda.rank(mcda.score(x, res.central_weights[seen], [1, 1, 1]))
    assert_array_equal(
        res.confidence[seen], ranks[np.arange(seen.sum()), np.flatnonzero(seen)] == 1
    )


def test_confidence_with_score_ranges_takes_as_many_score_samples_as_it_may() -> None:
    """Without ``confidence_samples``, the confidence pass draws as many score matrices as the
    run has samples, up to CONFIDENCE_SAMPLES."""
    x = np.array([[6.0, 6.0], [5.0, 5.0], [1.0, 9.0]])
    res = smaa(x, [1, 1], samples=400, low=x - 0.5, high=x + 0.5, seed=1)
    assert res.confidence_samples == 400
    assert res.confidence[1] == 0.0 or np.isnan(res.confidence[1])  # never first: dominated
    assert res.confidence[0] > 0.9  # first under its central weights in nearly every draw


def test_fixed_weights_and_no_ranges_reproduce_the_ranking() -> None:
    x = [[3.0, 1.0], [1.0, 3.0], [2.0, 2.0], [2.0, 2.0]]
    res = smaa(x, [1, 1], weights=[2, 1], samples=10)
    assert res.sampled == () and res.weight_model == "fixed"
    # scores (sum normalisation, w = 2/3, 1/3): 0.417, 0.25, 0.333, 0.333 -> ranks 1, 4, 2, 2
    assert_allclose(
        res.rank_acceptability, [[1, 0, 0, 0], [0, 0, 0, 1], [0, 0.5, 0.5, 0], [0, 0.5, 0.5, 0]]
    )


def test_progress_is_reported_up_to_one() -> None:
    seen: list[float] = []
    x = np.random.default_rng(2).uniform(1, 9, (4, 3))
    smaa(
        x,
        [1, 1, 1],
        samples=10_000,
        chunk=2_500,
        progress=seen.append,
        low=x - 0.5,
        high=x + 0.5,
        confidence_samples=100,
    )
    assert seen[-1] == 1.0 and len(seen) >= 5
    assert all(a <= b for a, b in pairwise(seen))


@pytest.mark.parametrize("proposal", ["simplex", "box"])
def test_bounded_weights_stay_in_bounds_and_are_uniform(proposal: str) -> None:
    sampler = _weight_sampler(4, [1, 1, 1, 1], 0.1, None, None, None)
    assert sampler.kind == "bounded"
    sampler.proposal = proposal  # both proposals are exact; check each
    w = sampler.draw(np.random.default_rng(0), 40_000)
    assert w.shape == (40_000, 4)
    assert_allclose(w.sum(axis=1), 1.0)
    assert (w >= 0.15 - 1e-12).all() and (w <= 0.35 + 1e-12).all()
    # the region is symmetric in the criteria, so every weight averages 1/4; its spread in
    # each coordinate must reach close to both bounds
    assert_allclose(w.mean(axis=0), 0.25, atol=2e-3)
    assert w.min() < 0.16 and w.max() > 0.34


def test_weight_bounds_combine_with_delta_and_are_respected_by_smaa() -> None:
    sampler = _weight_sampler(3, [1, 1, 2], 0.2, [0.3, 0, 0], None, None)
    assert_allclose(sampler.lo, [0.3, 0.05, 0.3])
    assert_allclose(sampler.hi, [0.45, 0.45, 0.7])
    res = smaa([[3.0, 1.0, 1.0], [1.0, 3.0, 1.0]], [1, 1, 1], samples=3000, weight_low=[0.6, 0, 0])
    assert res.weight_model == "bounded"
    assert res.rank_acceptability[0, 0] == 1.0  # a weight of 0.6 or more on criterion 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"weight_low": [0.5, 0.4, 0.3]}, WeightsError, "add up to 1.2"),
        ({"weight_high": [0.2, 0.2, 0.2]}, WeightsError, "add up to 0.6"),
        ({"weight_low": [0.5, 0, 0], "weight_high": [0.4, 1, 1]}, WeightsError, "empty"),
        ({"weight_low": 1.5}, WeightsError, "between 0 and 1"),
        ({"weight_high": [0.5, 0.5]}, InputError, r"^weight_high must be .* per criterion \(3\)"),
        ({"weight_low": [0.5, 0.5]}, InputError, r"^weight_low must be .* per criterion \(3\)"),
        ({"delta": 0.1}, InputError, "delta needs weights"),
        ({"weights": [1, 1, 1], "weight_low": 0.1}, InputError, "give delta"),
        ({"weights": [1, 1, 1], "delta": -0.1}, InputError, "negative"),
        ({"weights": [1, -1, 1], "delta": 0.1}, WeightsError, "negative"),
        ({"low": [[0, 0, 0], [0, 0, 0]]}, InputError, "both low and high"),
        ({"low": [[0, 0, 0]], "high": [[9, 9, 9]]}, InputError, "shape"),
        (
            {"low": [[2, 0, 0], [0, 0, 0]], "high": [[9] * 3] * 2},
            InputError,
            "option 1 on criterion 1",
        ),
        ({"score_dist": "normal"}, InputError, "uniform, triangular"),
        ({"low": [[0] * 3] * 2, "high": [[9] * 3]}, InputError, r"^high must have the matrix"),
        (
            {"low": [[0] * 3] * 2, "high": [[9, 9, 9], [9, 0.5, 9]]},
            InputError,
            r"option 2 on criterion 2 does not contain its score: high is below the score 2",
        ),
        ({"samples": 0}, InputError, "samples"),
        ({"seed": None}, InputError, "reproduced"),
        ({"method": "electre"}, InputError, "wsm"),
    ],
)
def test_bad_input_gets_a_readable_message(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        smaa([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]], [1, 1, 1], **kwargs)  # type: ignore[arg-type]


def test_too_thin_a_weight_region_says_so() -> None:
    with pytest.raises(InputError, match="almost no room"):
        smaa([[1.0] * 6, [2.0] * 6], [1] * 6, weight_high=[0.2, 0.2, 0.2, 0.2, 0.2, 1e-9])


@pytest.mark.parametrize("dist", ["uniform", "triangular"])
def test_score_draws_stay_in_range_with_the_right_mean(dist: str) -> None:
    x = np.array([[2.0, 5.0], [7.0, 5.0]])
    low = np.array([[1.0, 5.0], [4.0, 3.0]])
    high = np.array([[5.0, 5.0], [8.0, 9.0]])
    ranges = _score_ranges(x, low, high, dist, None)
    assert ranges is not None
    draws = ranges.draw(np.random.default_rng(0), 200_000)
    assert (draws >= low).all() and (draws <= high).all()
    assert (draws[:, 0, 1] == 5.0).all()  # a zero-width range keeps its value
    expected = (low + high) / 2 if dist == "uniform" else (low + x + high) / 3
    assert_allclose(draws.mean(axis=0), expected, atol=0.01)
    if dist == "triangular":  # the mode is at the value: the densest tenth of the range
        cell = draws[:, 1, 0]
        hist, edges = np.histogram(cell, bins=10, range=(4.0, 8.0))
        assert edges[np.argmax(hist)] <= 7.0 < edges[np.argmax(hist) + 1]
