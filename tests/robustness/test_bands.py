"""Rank bands under score uncertainty (src/policybench/robustness/bands.py)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from policybench import mcda
from policybench.errors import InputError, WeightsError
from policybench.robustness import _rankcount, bands
from policybench.robustness.bands import percentile_ranks

# the module, which the package's `bands` function shadows as an attribute
bands_module = importlib.import_module("policybench.robustness.bands")

#: Each method with the normalisation it is tested under (wsm on fixed scales takes the
#: closed form; wsm on sum takes the general path, so both are checked).
METHODS = [
    ("wsm", "scale"),
    ("wsm", "sum"),
    ("wpm", "sum"),
    ("topsis", None),
    ("vikor", None),
    ("promethee2", None),
]


def brute_force(
    matrix: np.ndarray,
    weights: np.ndarray,
    types: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    method: str,
    normalization: str | None,
    samples: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A plain loop over samples: draw each matrix, score it with mcda.score, rank it with
    mcda.rank; the 5th and 95th percentiles by numpy, and the share first."""
    u = np.random.default_rng(seed).random((samples, *matrix.shape))
    ranks = np.empty((samples, matrix.shape[0]), dtype=np.int64)
    for s in range(samples):
        x = low + u[s] * (high - low)
        ranks[s] = mcda.rank(mcda.score(x, weights, types, method, normalization))
    lo = np.percentile(ranks, 5, axis=0, method="inverted_cdf").astype(int)
    hi = np.percentile(ranks, 95, axis=0, method="inverted_cdf").astype(int)
    return lo, hi, (ranks == 1).mean(axis=0)


@pytest.mark.parametrize(("method", "normalization"), METHODS)
def test_matches_a_plain_loop_over_samples(
    make_problem: Callable[..., Any], method: str, normalization: str | None
) -> None:
    p = make_problem(21, n=7, m=4)
    low, high = np.maximum(p.matrix - 2.5, 0.5), np.minimum(p.matrix + 2.0, 10.0)
    got = bands(
        p.matrix,
        p.weights,
        p.types,
        low,
        high,
        method,
        normalization,
        samples=600,
        seed=3,
        chunk=97,
    )
    lo, hi, first = brute_force(
        p.matrix, p.weights, p.types, low, high, method, normalization, 600, 3
    )
    assert_array_equal(got.rank_low, lo)
    assert_array_equal(got.rank_high, hi)
    assert_allclose(got.first, first, atol=1e-12)
    assert_array_equal(
        got.rank, mcda.rank(mcda.score(p.matrix, p.weights, p.types, method, normalization))
    )
    assert (got.rank_low < got.rank_high).any()  # the ranges are wide enough to move ranks


def test_ties_share_the_lower_rank_as_everywhere_else() -> None:
    # options 0 and 2 are the same option twice, with no range: they tie in every sample
    x = np.array([[6.0, 4.0], [5.0, 5.0], [6.0, 4.0], [1.0, 2.0]])
    low, high = x.copy(), x.copy()
    low[1], high[1] = [0.0, 0.0], [10.0, 10.0]  # option 1 anywhere on the scale
    got = bands(x, [1, 1], [1, 1], low, high, "wsm", "scale", samples=2000, seed=0)
    assert got.rank_low[0] == got.rank_low[2] and got.rank_high[0] == got.rank_high[2]
    assert_allclose(got.first[0], got.first[2])
    # when option 1 is below both twins, the twins share first place: each counts it
    assert got.first[0] > 0 and got.first[0] + got.first[1] + got.first[2] > 1
    # rank 2 never happens to a twin (they are 1 and 1, or 2 and 2 behind option 1: never 3)
    assert got.rank_shares[0, 2] == 0.0
    assert got.rank_high[3] == got.rank_low[3] == 4  # always last, after a shared place or not


def test_a_degenerate_range_gives_a_zero_width_band_at_the_point_rank(
    make_problem: Callable[..., Any],
) -> None:
    p = make_problem(4, n=9, m=3, duplicate=True, integer=True)  # ties in the point ranking
    got = bands(p.matrix, p.weights, p.types, p.matrix, p.matrix, samples=50)
    point = mcda.rank(mcda.score(p.matrix, p.weights, p.types))
    assert_array_equal(got.rank_low, point)
    assert_array_equal(got.rank_high, point)
    assert_array_equal(got.first, (point == 1).astype(float))


@settings(max_examples=40)
@given(
    seed=st.integers(0, 10_000),
    method_norm=st.sampled_from(METHODS),
    integer=st.booleans(),
    scale=st.floats(0.01, 1000.0),
)
def test_properties(
    make_problem: Callable[..., Any],
    seed: int,
    method_norm: tuple[str, str | None],
    integer: bool,
    scale: float,
) -> None:
    method, normalization = method_norm
    p = make_problem(seed, duplicate=integer, integer=integer)
    kw: dict[str, Any] = {"bounds": (0, 11)} if normalization == "scale" else {}
    # degenerate ranges: a zero-width band at the point rank, whatever the method
    flat = bands(
        p.matrix, p.weights, p.types, p.matrix, p.matrix, method, normalization, 40, seed, **kw
    )
    point = mcda.rank(mcda.score(p.matrix, p.weights, p.types, method, normalization, **kw))
    assert_array_equal(flat.rank_low, point)
    assert_array_equal(flat.rank_high, point)
    # with ranges: bands are ranks 1..N, low <= high, nested for a narrower percentile pair
    low, high = p.matrix * 0.8, np.minimum(p.matrix * 1.1, 11)
    args = (p.matrix, p.weights, p.types, low, high, method, normalization, 300, seed)
    wide = bands(*args, **kw)
    n = p.matrix.shape[0]
    assert (wide.rank_low >= 1).all() and (wide.rank_high <= n).all()
    assert (wide.rank_low <= wide.rank_high).all()
    narrow = bands(*args, percentiles=(25, 75), **kw)
    assert (wide.rank_low <= narrow.rank_low).all() and (narrow.rank_high <= wide.rank_high).all()
    assert_allclose(wide.rank_shares.sum(axis=1), 1.0)
    # the share first is the share of rank 1; an option never first has a band below 1
    assert_allclose(wide.first, wide.rank_shares[:, 0])
    assert (wide.rank_low[wide.first == 0] > 1).all()
    # rescaling all weights changes nothing
    rescaled = bands(
        p.matrix, p.weights * scale, p.types, low, high, method, normalization, 300, seed, **kw
    )
    assert_array_equal(rescaled.rank_low, wide.rank_low)
    assert_array_equal(rescaled.rank_high, wide.rank_high)
    assert_array_equal(rescaled.first, wide.first)


def test_the_closed_form_gives_the_general_paths_bands(
    make_problem: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    p = make_problem(9, n=30, m=5)  # 30 options: the packed-key counting path
    low, high = p.matrix - 1.0, p.matrix + 1.5
    fast = bands(p.matrix, p.weights, p.types, low, high, "wsm", "scale", 3000, 2, bounds=(0, 12))
    monkeypatch.setattr(bands_module, "_additive", lambda *a, **k: None)
    slow = bands(p.matrix, p.weights, p.types, low, high, "wsm", "scale", 3000, 2, bounds=(0, 12))
    assert_array_equal(fast.rank_shares, slow.rank_shares)
    assert_array_equal(fast.rank_low, slow.rank_low)


@pytest.mark.parametrize("n", [6, 20, 70])  # counted, packed-key sorted, argsorted
def test_same_seed_same_bands_and_chunks_and_blocks_do_not_matter(
    make_problem: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    p = make_problem(5, n=n, m=3, duplicate=True)
    low, high = p.matrix - 1, p.matrix + 1
    a = bands(p.matrix, p.weights, p.types, low, high, "topsis", samples=1500, seed=7)
    b = bands(p.matrix, p.weights, p.types, low, high, "topsis", samples=1500, seed=7, chunk=111)
    monkeypatch.setattr(_rankcount, "BLOCK", 13 * n)
    c = bands(p.matrix, p.weights, p.types, low, high, "topsis", samples=1500, seed=7)
    d = bands(p.matrix, p.weights, p.types, low, high, "topsis", samples=1500, seed=8)
    assert_array_equal(a.rank_shares, b.rank_shares)
    assert_array_equal(a.rank_shares, c.rank_shares)
    assert not np.array_equal(a.rank_shares, d.rank_shares)
    assert (a.samples, a.seed, a.method, a.normalization, a.percentiles) == (
        1500,
        7,
        "topsis",
        "minmax",
        (5.0, 95.0),
    )


def test_progress_reaches_one() -> None:
    x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]])
    seen: list[float] = []
    bands(x, [1, 1], [1, 1], x - 0.5, x + 0.5, samples=1000, chunk=300, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 4


@given(
    counts=st.lists(st.integers(0, 30), min_size=2, max_size=8).filter(lambda c: sum(c) > 0),
    pct=st.sampled_from([1, 5, 10, 25, 50, 75, 90, 95, 99, 2.5, 97.5]),
)
def test_percentile_ranks_are_numpys_inverted_cdf(counts: list[int], pct: float) -> None:
    ranks = np.repeat(np.arange(1, len(counts) + 1), counts)
    want = int(np.percentile(ranks, pct, method="inverted_cdf"))
    assert percentile_ranks(np.array([counts]), pct)[0] == want


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"percentiles": (95, 5)}, "0 < lower <= upper < 100"),
        ({"percentiles": (0, 95)}, "0 < lower <= upper < 100"),
        ({"percentiles": 5}, "two numbers"),
        ({"seed": -1}, "seed must be a whole number"),
        ({"samples": 0}, "samples must be a whole number"),
        ({"score_dist": "normal"}, "unknown score_dist"),
    ],
)
def test_bad_input_says_what_to_do(kwargs: dict[str, Any], message: str) -> None:
    x = np.array([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(InputError, match=message):
        bands(x, [1, 1], [1, 1], x, x, **kwargs)


def test_ranges_must_contain_the_scores_and_weights_must_be_one_profile() -> None:
    x = np.array([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(InputError, match="does not contain its score"):
        bands(x, [1, 1], [1, 1], x + 0.5, x + 1)
    with pytest.raises(InputError, match="not a batch"):
        bands(x, [[1, 1], [1, 2]], [1, 1], x, x)
    with pytest.raises(WeightsError):
        bands(x, [0, 0], [1, 1], x, x)


def test_a_range_past_the_top_of_the_scale_names_the_criterion() -> None:
    x = np.array([[1.0, 9.5], [2.0, 1.0]])
    high = x + np.array([[0.5, 1.0], [0.5, 0.5]])  # 10.5 on a 0-10 scale
    with pytest.raises(InputError, match=r"scores 10\.5 on criterion 2 \('cost'\), outside"):
        bands(x, [1, 1], [1, 1], x, high, normalization="scale", criteria=["reach", "cost"])
