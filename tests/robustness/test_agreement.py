"""Method agreement and Kendall's tau-b (src/policybench/robustness/agreement.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import kendalltau

from policybench import mcda
from policybench.errors import InputError, WeightsError
from policybench.robustness import agreement, kendall_tau_b


@settings(max_examples=80)
@given(
    st.integers(2, 12).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(1, 4), min_size=n, max_size=n),
            st.lists(st.integers(1, 6), min_size=n, max_size=n),
        )
    )
)
def test_tau_b_matches_scipy_with_ties(pair: tuple[list[int], list[int]]) -> None:
    x, y = pair
    ours = float(kendall_tau_b(x, y))
    ref = kendalltau(x, y, variant="b").statistic
    if np.isnan(ref):
        assert np.isnan(ours)
    else:
        assert ours == pytest.approx(ref, abs=1e-12)


def test_tau_b_is_batch_aware() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.integers(1, 5, (6, 9)), rng.integers(1, 5, (6, 9))
    assert_allclose(
        kendall_tau_b(a, b), [kendalltau(u, v).statistic for u, v in zip(a, b, strict=True)]
    )


def test_tau_b_of_a_ranking_with_itself_and_its_reverse() -> None:
    assert kendall_tau_b([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    assert np.isnan(kendall_tau_b([1, 1, 1], [1, 2, 3]))


def test_agreement_lists_every_method_with_its_own_ranking() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(1, 9, (6, 4))
    t = np.array([1, -1, 1, 1])
    w = np.array([1.0, 2.0, 3.0, 4.0])
    a = agreement(x, w, t, params={"promethee2": {"preference": "vshape", "p": 2.0}})
    assert a.methods == tuple(mcda.METHODS)
    assert a.normalizations == ("sum", "sum", "minmax", "none", "none")
    for k, method in enumerate(a.methods):
        kw = {"preference": "vshape", "p": 2.0} if method == "promethee2" else {}
        assert_allclose(a.scores[k], mcda.score(x, w, t, method=method, **kw))
        assert_array_equal(a.ranks[k], mcda.rank(a.scores[k]))
    assert_allclose(np.diag(a.tau), 1.0)
    assert_allclose(a.tau, a.tau.T)
    assert a.tau[0, 2] == pytest.approx(kendalltau(a.ranks[0], a.ranks[2]).statistic)


def test_agreement_with_chosen_methods_and_normalisations() -> None:
    x = [[1.0, 9.0], [5.0, 5.0], [9.0, 2.0]]
    a = agreement(x, None, [1, 1], ["wsm", "topsis"], {"wsm": "scale", "topsis": None})
    assert a.methods == ("wsm", "topsis") and a.normalizations == ("scale", "minmax")
    # each method's scores are under the normalisation named (wsm's own default is "sum")
    assert_allclose(a.scores[0], mcda.score(x, [0.5, 0.5], [1, 1], "wsm", "scale"))
    assert_allclose(a.scores[0], [0.5, 0.5, 0.55])
    a = agreement(x, None, [1, 1], ["wsm", "wpm"], "minmax")
    assert a.normalizations == ("minmax", "minmax")
    assert_allclose(a.scores[0], mcda.score(x, [0.5, 0.5], [1, 1], "wsm", "minmax"))
    assert_allclose(a.scores[1], mcda.score(x, [0.5, 0.5], [1, 1], "wpm", "minmax"))


def test_bad_agreement_weights_name_the_criterion() -> None:
    with pytest.raises(WeightsError, match=r"criterion 2 \('cost'\) is negative"):
        agreement([[1.0, 2.0], [2.0, 1.0]], [1, -1], [1, 1], criteria=["reach", "cost"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"methods": ["wsm", "ahp"]}, "unknown method 'ahp'"),
        ({"methods": []}, "at least one method"),
        ({"methods": ["wsm"], "params": {"vikor": {"v": 0.3}}}, "not being compared"),
    ],
)
def test_bad_agreement_requests(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        agreement([[1.0, 2.0], [2.0, 1.0]], None, [1, 1], **kwargs)  # type: ignore[arg-type]
