"""policybench.analysis.weights: shares, slider points, rank-order centroid and AHP weights."""

from __future__ import annotations

import numpy as np
import pytest

from policybench import mcda
from policybench.analysis.weights import (
    ahp_matrix,
    ahp_weights,
    roc_weights,
    same_proportions,
    shares,
    slider_points,
    to_slider_points,
    weight_matrix,
)
from policybench.errors import InputError, WeightsError

CRITERIA = ["feasibility", "deterrence", "backlash"]
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}


def test_shares_once_say_both_the_shares_and_whether_there_are_any() -> None:
    assert shares({"a": 1, "b": 3}, ["a", "b"]) == {"a": 0.25, "b": 0.75}
    assert shares({"a": 0, "b": 0.0}, ["a", "b"]) is None
    assert shares({"a": -1, "b": 1}, ["a", "b"]) == {"a": 0.0, "b": 1.0}
    assert shares({"a": 2}, ["a", "b"]) == {"a": 1.0, "b": 0.0}
    assert same_proportions({"a": 1, "b": 2}, {"a": 2, "b": 4}, ["a", "b"])
    assert not same_proportions({"a": 1, "b": 2}, {"a": 2, "b": 2}, ["a", "b"])


def test_weight_matrix_follows_the_criteria() -> None:
    w = weight_matrix([ANA, {"deterrence": 4.0}], CRITERIA)
    np.testing.assert_array_equal(w, [[10, 1, 2], [0, 4, 0]])
    assert weight_matrix([], CRITERIA).shape == (0, 3)


def test_slider_points_keep_the_total_and_the_step() -> None:
    pts = to_slider_points(
        {"a": 0.5, "b": 0.3, "c": 0.2}, ["a", "b", "c"], total=30, maximum=20, step=1
    )
    assert pts == {"a": 15, "b": 9, "c": 6}
    capped = to_slider_points({"a": 0.9, "b": 0.1}, ["a", "b"], total=30, maximum=20, step=1)
    assert capped["a"] == 20 and capped["b"] == 2
    with pytest.raises(WeightsError):
        to_slider_points({"a": 0, "b": 0}, ["a", "b"], total=10, maximum=20, step=1)


def test_slider_points_restore_stored_weights() -> None:
    assert slider_points(ANA, CRITERIA, maximum=10, step=1) == ANA
    scaled = slider_points(
        {"feasibility": 0.5, "deterrence": 0.3, "backlash": 0.2}, CRITERIA, maximum=10, step=1
    )
    assert scaled == {"feasibility": 10.0, "deterrence": 6.0, "backlash": 4.0}
    small = slider_points(
        {"feasibility": 0.01, "deterrence": 1.0, "backlash": 0.0}, CRITERIA, maximum=10, step=1
    )
    assert small == {"feasibility": 1.0, "deterrence": 10.0, "backlash": 0.0}  # stays positive


def test_rank_order_centroid_and_ahp_are_mcdas() -> None:
    roc = roc_weights(CRITERIA, {"feasibility": 2, "deterrence": 1, "backlash": 3})
    np.testing.assert_allclose([roc[c] for c in CRITERIA], mcda.rank_order_centroid([2, 1, 3]))
    ok = ahp_weights(
        CRITERIA,
        {
            ("feasibility", "deterrence"): 2,
            ("deterrence", "backlash"): 2,
            ("feasibility", "backlash"): 8,
        },
    )  # consistent: 3 × 3 = 9
    assert ok.consistent and ok.worst is None
    want = mcda.ahp([[1, 3, 9], [1 / 3, 1, 3], [1 / 9, 1 / 3, 1]])
    np.testing.assert_allclose([ok.weights[c] for c in CRITERIA], want.weights)
    bad = ahp_weights(
        CRITERIA,
        {
            ("feasibility", "deterrence"): 4,
            ("deterrence", "backlash"): 4,
            ("feasibility", "backlash"): -4,
        },
    )
    assert not bad.consistent and bad.cr > 0.1 and bad.worst is not None
    assert ahp_matrix(CRITERIA, {("feasibility", "backlash"): -2})[0, 2] == pytest.approx(1 / 3)
    with pytest.raises(InputError):
        ahp_matrix(CRITERIA, {("feasibility", "backlash"): 9})
