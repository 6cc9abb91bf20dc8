"""Combining a group's weights and rankings (src/policybench/group.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import friedmanchisquare

from policybench import mcda
from policybench.errors import InputError, WeightsError
from policybench.group import (
    average_ranks,
    borda,
    combine_rankings,
    combine_weights,
    copeland,
    disagreement_drivers,
    kendall_w,
    weight_spread,
)

# The example data of NAG's G08DAF (3 comparisons of 10 objects, already ranked with average
# ranks for ties), the tied-ranks example of Siegel (1956), "Nonparametric Statistics".
SIEGEL = np.array(
    [
        [1.0, 4.5, 2.0, 4.5, 3.0, 7.5, 6.0, 9.0, 7.5, 10.0],
        [2.5, 1.0, 2.5, 4.5, 4.5, 8.0, 9.0, 6.5, 10.0, 6.5],
        [2.0, 1.0, 4.5, 4.5, 4.5, 4.5, 8.0, 8.0, 8.0, 10.0],
    ]
)


def test_kendall_w_on_the_textbook_case_by_hand() -> None:
    """By hand: rank sums 5.5, 6.5, 9, 13.5, 12, 20, 23, 23.5, 25.5, 26.5 (mean 16.5), so
    S = 121 + 100 + 56.25 + 9 + 20.25 + 12.25 + 42.25 + 49 + 81 + 100 = 591. Ties:
    judge 1 has two pairs (6 + 6), judge 2 three pairs (18), judge 3 a four and a three
    (60 + 24), so sum T = 114. W = 12 * 591 / (3^2 (10^3 - 10) - 3 * 114) = 7092 / 8568
    = 0.8277 (0.796 without the correction); chi2 = 3 * 9 * W = 22.349 on 9 df, p = 0.0078."""
    c = kendall_w(SIEGEL)
    assert c.w == pytest.approx(7092 / 8568, abs=1e-12)
    assert round(c.w, 3) == 0.828
    assert c.chi2 == pytest.approx(27 * 7092 / 8568, abs=1e-12)
    assert c.df == 9 and (c.participants, c.options) == (3, 10)
    assert c.p_value == pytest.approx(0.00784, abs=5e-6)


def test_kendall_w_is_unchanged_by_the_tie_convention() -> None:
    competition = np.array([mcda.rank(-row) for row in SIEGEL])  # (1, 2, 2, 4) style ranks
    assert kendall_w(competition).w == pytest.approx(kendall_w(SIEGEL).w, abs=1e-12)
    assert_allclose(average_ranks(competition), SIEGEL)


@settings(max_examples=50)
@given(
    st.integers(3, 8).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(1, 5), min_size=n, max_size=n), min_size=2, max_size=7
        )
    )
)
def test_chi_square_equals_the_tie_corrected_friedman_statistic(rows: list[list[int]]) -> None:
    r = np.array(rows, dtype=float)
    if (r == r[:, :1]).all(axis=1).any():
        return  # a participant with no order at all: scipy divides by zero
    ref = friedmanchisquare(*r.T).statistic
    assert kendall_w(r).chi2 == pytest.approx(ref, rel=1e-9)


def test_kendall_w_extremes() -> None:
    assert kendall_w([[1, 2, 3, 4]] * 5).w == pytest.approx(1.0)
    assert kendall_w([[1, 2, 3, 4], [4, 3, 2, 1]]).w == pytest.approx(0.0)
    assert np.isnan(kendall_w([[1, 1, 1], [2, 2, 2]]).w)


def test_borda_gives_tied_options_the_average_points() -> None:
    # N = 4: positions give 3, 2, 1, 0 points; ranks (1, 2, 2, 4) -> 3, 1.5, 1.5, 0
    assert_allclose(borda([[1, 2, 2, 4]]), [3, 1.5, 1.5, 0])
    assert_allclose(borda([[1, 2, 2, 4], [4, 1, 2, 3]]), [3, 4.5, 3.5, 1])
    g = combine_rankings([[1, 2, 2, 4], [4, 1, 2, 3]])
    assert g.rule == "borda"
    assert_array_equal(g.ranks, [3, 1, 2, 4])


def test_copeland_counts_pairwise_majorities() -> None:
    # three voters: a > b > c, b > c > a, a > c > b. a beats b (2-1) and c (2-1);
    # b vs c: 2-1 for b. Scores: a +2, b 0, c -2.
    r = [[1, 2, 3], [3, 1, 2], [1, 3, 2]]
    assert_allclose(copeland(r), [2, 0, -2])
    # an even split counts for neither side
    assert_allclose(copeland([[1, 2], [2, 1]]), [0, 0])
    assert_array_equal(combine_rankings(r, "copeland").ranks, [1, 2, 3])


def test_combined_weights() -> None:
    w = np.array([[1.0, 1.0, 2.0], [2.0, 1.0, 1.0], [0.0, 1.0, 3.0]])  # rows normalised first
    rows = w / w.sum(axis=1, keepdims=True)
    assert_allclose(combine_weights(w), rows.mean(axis=0))
    med = np.median(rows, axis=0)
    assert_allclose(combine_weights(w, "median"), med / med.sum())
    geo = combine_weights(w, "geometric")
    assert geo[0] == 0.0  # one participant gives criterion 1 no weight
    g = np.exp(np.log(rows[:, 1:]).mean(axis=0))
    assert_allclose(geo[1:], g / g.sum())


def test_combined_weights_errors() -> None:
    with pytest.raises(WeightsError, match=r"geometric mean .* zero on every criterion") as geo:
        combine_weights([[1.0, 0.0], [0.0, 1.0]], "geometric")
    assert str(geo.value).endswith("use the mean instead, which never is")
    # each puts everything on a different criterion: every median is 0 (the mean is 1/3 each)
    alone = np.eye(3)
    with pytest.raises(WeightsError, match=r"the median .* more than half the group") as med:
        combine_weights(alone, "median")
    assert "use the mean instead" in str(med.value) and "or the median" not in str(med.value)
    assert_allclose(combine_weights(alone, "mean"), [1 / 3, 1 / 3, 1 / 3])
    with pytest.raises(InputError, match="mean, geometric, median"):
        combine_weights([[1.0, 1.0]], "mode")  # type: ignore[arg-type]
    with pytest.raises(WeightsError, match="negative"):
        combine_weights([[1.0, -1.0]])
    with pytest.raises(WeightsError, match="one row per participant"):
        combine_weights([1.0, 1.0])


def test_weight_spread_lists_the_most_contested_criterion_first() -> None:
    w = [[0.5, 0.3, 0.2], [0.1, 0.3, 0.6], [0.3, 0.3, 0.4]]
    spread = weight_spread(w, criteria=["a", "b", "c"])
    assert [s.name for s in spread] == ["a", "c", "b"]
    a = spread[0]
    assert a.std == pytest.approx(np.std([0.5, 0.1, 0.3]))
    assert (a.min, a.max, a.mean) == pytest.approx((0.1, 0.5, 0.3))
    assert a.iqr == pytest.approx(0.2)  # quartiles 0.2 and 0.4
    assert spread[2].std == pytest.approx(0.0)


def test_the_criterion_people_disagree_on_drives_the_disagreement() -> None:
    # everyone agrees on criteria 2 and 3; they split on 1, which decides between A and B
    x = [[9.0, 1.0, 5.0], [1.0, 9.0, 5.0], [5.0, 5.0, 1.0]]
    w = [[0.6, 0.2, 0.2], [0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.6, 0.2]]
    drivers = disagreement_drivers(x, w, [1, 1, 1], normalization="none", criteria=list("abc"))
    before = kendall_w(
        [mcda.rank(mcda.score(x, row, [1, 1, 1], normalization="none")) for row in w]
    ).w
    assert drivers[0].name in {"a", "b"} and drivers[0].rise > 0
    assert drivers[0].w_after == pytest.approx(before + drivers[0].rise)
    c = next(d for d in drivers if d.name == "c")
    assert c.rise == pytest.approx(0.0) and c.group_weight == pytest.approx(0.2)


def test_drivers_recompute_rankings_with_the_group_weight() -> None:
    rng = np.random.default_rng(4)
    x = rng.uniform(1, 9, (6, 3))
    w = rng.dirichlet(np.ones(3), size=5)
    group = combine_weights(w)
    for d in disagreement_drivers(x, w, [1, -1, 1], method="topsis"):
        c = d.criterion
        moved = w * ((1 - group[c]) / (1 - w[:, [c]]))
        moved[:, c] = group[c]
        ranks = mcda.rank(mcda.score(x, moved, [1, -1, 1], method="topsis"))
        assert d.w_after == pytest.approx(kendall_w(ranks).w)


@pytest.mark.parametrize("bad", [[[1.0, np.nan]], [1, 2, 3], [[1]]])
def test_bad_rankings(bad: object) -> None:
    with pytest.raises(InputError):
        kendall_w(bad)  # type: ignore[arg-type]
