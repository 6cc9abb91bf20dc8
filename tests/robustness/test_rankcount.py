"""Positions in SMAA's hot path (src/policybench/robustness/_rankcount.py): the packed-key sort
used for 17 to 64 options must count exactly what ranking every sample with mcda.rank counts,
ties, near-ties and float noise included."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from policybench import mcda
from policybench.robustness import _rankcount, smaa
from policybench.robustness._rankcount import RankCounter
from support.smaa_reference import brute_force


def _count(scores: np.ndarray, weights: np.ndarray, chunk: int = 500) -> RankCounter:
    counter = RankCounter(scores.shape[1], weights.shape[1])
    for i in range(0, scores.shape[0], chunk):
        counter.add(scores[i : i + chunk], weights[i : i + chunk])
    return counter


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Count the calls of each way of finding positions."""
    calls = {"counted": 0, "packed": 0, "sorted": 0}
    for name in calls:
        original = getattr(RankCounter, f"_add_{name}")

        def spy(
            self: RankCounter, *args: object, _f: Callable = original, _n: str = name
        ) -> object:
            calls[_n] += 1
            return _f(self, *args)

        monkeypatch.setattr(RankCounter, f"_add_{name}", spy)
    yield calls


def _near_ties(n: int, rows: int, seed: int, scale: float = 1.0) -> np.ndarray:
    """Score rows of mixed signs, each with planted exact ties, near-ties on both sides of the
    tolerance, chains, float noise below the packed keys' resolution, and +0 / -0."""
    rng = np.random.default_rng(seed)
    s = rng.uniform(-3.0, 3.0, (rows, n)) * scale
    big = np.maximum(1.0, np.abs(s[:, 0]))
    tol = mcda.TIE_RTOL * big
    kind = np.arange(rows) % 8  # one kind of planted pair per row, so that none rides along
    s[kind == 7, 1] = s[kind == 7, 0]  # an exact tie
    s[kind == 0, 2] = s[kind == 0, 0] + 0.9 * tol[kind == 0]  # a tie by the rule
    s[kind == 1, 2] = s[kind == 1, 0] + 1.1 * tol[kind == 1]  # just not a tie
    s[kind == 2, 2] = s[kind == 2, 0] + (1 + 1e-6) * tol[kind == 2]  # inside the widened band
    s[kind == 3, 2] = s[kind == 3, 0] * (1 + 2.0**-50)  # same packed key, distinct floats
    s[kind == 3, 3] = np.nextafter(s[kind == 3, 0], np.inf)  # one unit in the last place
    chain = kind == 4  # a chain: each step a tie, the ends more than tol apart
    s[chain, 2] = s[chain, 0] + 0.7 * tol[chain]
    s[chain, 3] = s[chain, 0] + 1.4 * tol[chain]
    s[kind == 5, 4] = 0.0
    s[kind == 5, 5] = -0.0
    s[kind == 6, 1] = s[kind == 6, 0] - 5.0 * scale  # no planted tie at all in these rows
    return s


@pytest.mark.parametrize("n", [17, 24, 40, 64])
@pytest.mark.parametrize("scale", [1.0, 1e-3, 1e6])
def test_packed_keys_count_what_mcda_rank_counts_near_ties_included(
    paths: dict[str, int], n: int, scale: float
) -> None:
    scores = _near_ties(n, 800, seed=n, scale=scale)
    weights = np.random.default_rng(n).dirichlet(np.ones(4), size=scores.shape[0])
    counter = _count(scores, weights)
    assert paths["packed"] > 0 and paths["sorted"] == 0 and paths["counted"] == 0
    acc, central = brute_force(scores, weights)
    assert_allclose(counter.acceptability(), acc, atol=1e-12)
    assert_allclose(counter.weight_sums, central, atol=1e-12)
    # the planted ties were really shared (1/k of a sample), not put in a strict order
    assert not np.allclose(acc * 800, np.round(acc * 800))


@pytest.mark.parametrize("n", [20, 40, 64])
def test_packed_keys_equal_argsort_exactly(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    scores = _near_ties(n, 1200, seed=100 + n)
    scores[::3] = np.random.default_rng(n).random((400, n))  # and plain rows without ties
    weights = np.random.default_rng(n).dirichlet(np.ones(6), size=scores.shape[0])
    packed = _count(scores, weights)
    monkeypatch.setattr(_rankcount, "PACK_MAX_OPTIONS", 0)  # argsort for the same rows
    sorted_ = _count(scores, weights)
    assert_array_equal(packed.acceptability(), sorted_.acceptability())
    assert_array_equal(packed.weight_sums, sorted_.weight_sums)


def test_infinite_scores_fall_back_to_argsort(paths: dict[str, int]) -> None:
    rng = np.random.default_rng(7)
    scores = rng.random((300, 30))
    scores[5, 3] = np.inf
    scores[9, 4] = -np.inf
    weights = rng.dirichlet(np.ones(3), size=300)
    counter = _count(scores, weights, chunk=100)
    assert paths["packed"] == 3 and paths["sorted"] == 1  # the first block fell back
    acc, central = brute_force(scores, weights)
    assert_allclose(counter.acceptability(), acc, atol=1e-12)
    assert_allclose(counter.weight_sums, central, atol=1e-12)
    assert counter.acceptability()[3, 0] > 0  # the infinite score was first in its sample


def test_scoring_block_by_block_equals_scoring_the_chunk() -> None:
    rng = np.random.default_rng(8)
    x = rng.uniform(1.0, 9.0, (40, 10))
    f = mcda.scorer(x, np.ones(10), "wsm", "scale")
    w = rng.dirichlet(np.ones(10), size=5000)
    whole = RankCounter(40, 10)
    whole.add(f(w), w)
    blocks = RankCounter(40, 10)
    blocks.add_scored(f, w)
    assert blocks.samples == whole.samples == 5000
    assert_allclose(blocks.acceptability(), whole.acceptability(), atol=0)
    assert_allclose(blocks.weight_sums, whole.weight_sums, rtol=1e-14)


@pytest.mark.parametrize(
    ("n", "path"), [(12, "counted"), (13, "packed"), (40, "packed"), (64, "packed"), (65, "sorted")]
)
def test_each_size_takes_its_path_and_matches_mcda_rank(
    make_problem: Callable[..., object], paths: dict[str, int], n: int, path: str
) -> None:
    p = make_problem(n, n=n, m=3, duplicate=True, integer=True)
    res = smaa(p.matrix, p.types, samples=600, seed=3, chunk=250)
    assert paths[path] > 0 and sum(paths.values()) == paths[path]
    rng = np.random.default_rng(3)
    w = np.vstack([rng.dirichlet(np.ones(3), size=k) for k in (250, 250, 100)])
    acc, _ = brute_force(mcda.score(p.matrix, w, p.types), w)
    assert_allclose(res.rank_acceptability, acc, atol=1e-12)
    assert_allclose(res.rank_acceptability[0], res.rank_acceptability[-1])  # twins share


@pytest.mark.parametrize("method", ["promethee2", "vikor", "topsis"])
def test_packed_keys_with_other_methods_scores(method: str) -> None:
    """Negative scores (PROMETHEE's net flows, VIKOR's -Q) and ties (integer scores)."""
    rng = np.random.default_rng(9)
    x = np.round(rng.uniform(1.0, 6.0, (30, 4)))
    t = np.array([1.0, -1.0, 1.0, 1.0])
    res = smaa(x, t, method, samples=900, seed=5, chunk=300)
    rng5 = np.random.default_rng(5)
    w = np.vstack([rng5.dirichlet(np.ones(4), size=300) for _ in range(3)])
    acc, central = brute_force(mcda.score(x, w, t, method), w)
    assert_allclose(res.rank_acceptability, acc, atol=1e-12)
    first = acc[:, 0]
    seen = first > 0
    assert_allclose(res.central_weights[seen], central[seen] / (first[seen, None] * 900))


def _edge_pair() -> tuple[float, float]:
    """``a < b`` that tie by exactly the tolerance (``b - a <= 1e-9``, as wide as floats allow),
    with ``a``'s low 6 bits all ones and ``b``'s all zeros: the packed keys clear ``a``'s and not
    ``b``'s, so the keys' gap is 63 units in the last place wider than the true one."""
    b = 0.75  # low bits zero
    a = b - 1e-9
    while b - np.nextafter(a, -np.inf) <= 1e-9:  # the widest gap that still ties
        a = np.nextafter(a, -np.inf)
    while b - a > 1e-9:
        a = np.nextafter(a, np.inf)
    bits = np.array(a).view(np.uint64) | np.uint64(63)  # moves a up: still a tie
    return float(bits.view(np.float64)), b


def test_a_tie_at_the_edge_of_the_tolerance_survives_the_keys_error() -> None:
    a, b = _edge_pair()
    assert b - a <= mcda.TIE_RTOL  # a tie by mcda.rank's rule ...
    assert mcda.rank([b, a, 0.1]).tolist() == [1, 1, 3]
    lo_key = np.array(a).view(np.uint64) & ~np.uint64(63)
    assert b - float(lo_key.view(np.float64)) > mcda.TIE_RTOL  # ... that the keys alone would miss
    rng = np.random.default_rng(12)
    scores = rng.uniform(-0.9, 0.5, (50, 40))  # all below b, so the pair is first
    scores[:, 0], scores[:, 39] = a, b  # a gets index 0, b index 39: the keys' gap widens
    weights = rng.dirichlet(np.ones(3), size=50)
    counter = _count(scores, weights)
    assert_allclose(counter.acceptability()[[0, 39], 0], [0.5, 0.5], atol=1e-12)
    acc, central = brute_force(scores, weights)
    assert_allclose(counter.acceptability(), acc, atol=1e-12)
    assert_allclose(counter.weight_sums, central, atol=1e-12)


def test_shared_ranks_never_leave_a_negative_acceptability(
    make_problem: Callable[..., object],
) -> None:
    """+1/k and -1/k used to cancel to -4e-17 on this problem (found by hypothesis)."""
    p = make_problem(136, duplicate=True, integer=True)
    res = smaa(p.matrix, p.types, "topsis", samples=700, seed=136, chunk=300)
    a = res.rank_acceptability
    assert (a >= 0).all()
    assert (a == 0).any() and (a[a > 0] >= 1.0 / 700 / a.shape[0]).all()
    assert_allclose(a.sum(axis=0), 1.0, atol=1e-12)
    assert_allclose(a.sum(axis=1), 1.0, atol=1e-12)
