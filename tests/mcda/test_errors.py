"""Bad input gets a readable error (a ValueError subclass) that says what to fix."""

from __future__ import annotations

import numpy as np
import pytest

from policybench import mcda
from policybench.errors import InputError, PolicybenchError, WeightsError

X = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]
W = [1.0, 1.0, 1.0]
T = [1, -1, 1]
NAMES = ["security", "cost", "trust"]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_missing_or_infinite_scores_name_the_option_and_criterion(bad: float) -> None:
    x = np.array(X)
    x[2, 1] = bad
    with pytest.raises(InputError, match=r"option 3 on criterion 2 \('cost'\)"):
        mcda.score(x, W, T, criteria=NAMES)


def test_non_numeric_scores_are_rejected() -> None:
    with pytest.raises(InputError, match="numbers"):
        mcda.score([["a", "b"], ["c", "d"]], [1, 1], [1, 1])


@pytest.mark.parametrize(
    ("weights", "words"),
    [
        ([1.0, -0.5, 1.0], r"criterion 2 \('cost'\) is negative"),
        ([1.0, np.nan, 1.0], r"criterion 2 \('cost'\) is missing or infinite"),
        ([1.0, np.inf, 1.0], "missing or infinite"),
        ([0.0, 0.0, 0.0], "all weights are zero"),
        ([1.0, 1.0], "one number per criterion"),
        ([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]], r"all weights are zero \(weight set 2\)"),
        ([[1.0, 1.0, 1.0], [1.0, -1.0, 1.0]], "weight set 2"),
        (np.ones((2, 2, 3)), "one number per criterion"),
    ],
)
def test_bad_weights_raise_weights_error(weights: object, words: str) -> None:
    with pytest.raises(WeightsError, match=words) as info:
        mcda.score(X, weights, T, criteria=NAMES)
    assert isinstance(info.value, ValueError)


def test_check_weights_normalises_rows() -> None:
    w = mcda.check_weights([[1, 1, 2], [0, 0, 5]], 3)
    np.testing.assert_allclose(w, [[0.25, 0.25, 0.5], [0, 0, 1]])
    np.testing.assert_allclose(mcda.check_weights([2, 2], 2), [0.5, 0.5])


@pytest.mark.parametrize(
    ("matrix", "types", "words"),
    [
        ([[1.0, 2.0, 3.0]], T, "at least two options"),
        ([1.0, 2.0, 3.0], T, "table of options"),
        (X, [1, -1], "one direction per criterion"),
        (X, [1, 0, 1], r"criterion 2 \('cost'\) has direction 0"),
        (X, "benefit", "types should be a list"),
    ],
)
def test_shape_mismatches_and_a_single_option(matrix: object, types: object, words: str) -> None:
    with pytest.raises(InputError, match=words):
        mcda.score(matrix, W, types, criteria=NAMES)


def test_wrong_number_of_criterion_names() -> None:
    with pytest.raises(InputError, match="2 criterion names were given for 3 criteria"):
        mcda.score(X, W, T, criteria=["a", "b"])


def test_unknown_method_lists_the_valid_ones() -> None:
    with pytest.raises(InputError) as info:
        mcda.score(X, W, T, method="electre")
    message = str(info.value)
    assert "unknown method 'electre'" in message
    for name in mcda.METHODS:
        assert name in message


def test_unknown_normalisation_lists_the_valid_ones() -> None:
    with pytest.raises(InputError) as info:
        mcda.score(X, W, T, normalization="zscore")
    for name in mcda.NORMALIZATIONS:
        assert name in str(info.value)


def test_unknown_preference_function_lists_the_valid_ones() -> None:
    with pytest.raises(InputError) as info:
        mcda.score(X, W, T, "promethee2", preference="vshape_2")
    for name in mcda.PREFERENCES:
        assert name in str(info.value)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"preference": "ushape"}, r"needs the threshold\(s\) q .*missing: q"),
        ({"preference": "level", "q": 1.0}, "missing: p"),
        ({"preference": "linear", "p": 2.0}, "missing: q"),
        ({"preference": "gaussian"}, "missing: s"),
        ({"preference": "usual", "q": 1.0}, "does not use q"),
        ({"preference": "linear", "q": 3.0, "p": 1.0}, "q must be <= p"),
        ({"preference": "vshape", "p": 0.0}, "must be above 0"),
        ({"preference": "ushape", "q": [1.0, 2.0]}, "one number per criterion"),
        ({"preference": "ushape", "q": -1.0}, ">= 0"),
    ],
)
def test_promethee_threshold_problems(params: dict[str, object], words: str) -> None:
    with pytest.raises(InputError, match=words):
        mcda.score(X, W, T, "promethee2", **params)


def test_missing_threshold_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="threshold"):
        mcda.score(X, W, T, "promethee2", preference="vshape")


@pytest.mark.parametrize("v", [-0.1, 1.5, "half"])
def test_vikor_v_outside_zero_one(v: object) -> None:
    with pytest.raises(InputError, match="v must be"):
        mcda.score(X, W, T, "vikor", v=v)


def test_parameters_a_method_does_not_take() -> None:
    with pytest.raises(InputError, match="'wsm' with normalisation 'sum' does not take 'v'"):
        mcda.score(X, W, T, "wsm", v=0.5)


def test_wpm_refuses_negative_values() -> None:
    with pytest.raises(InputError, match="'wpm' multiplies"):
        mcda.score(X, W, T, "wpm", "none")


def test_score_paired_checks_shapes() -> None:
    stack = np.stack([np.array(X)] * 2)
    with pytest.raises(InputError, match="one weight set per matrix"):
        mcda.score_paired(stack, np.ones((3, 3)) / 3, T)
    with pytest.raises(InputError, match="stack of score matrices"):
        mcda.score_paired(np.array(X), np.ones((3, 3)) / 3, T)
    stack[1, 0, 0] = np.nan
    with pytest.raises(InputError, match=r"option 1 on criterion 1 .*\(matrix 2\)"):
        mcda.score_paired(stack, np.ones((2, 3)) / 3, T)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"preference": ["usual", "linear"]}, "2 preference functions were given for 3 criteria"),
        ({"preference": ["usual", "linear", "bogus"]}, "unknown PROMETHEE preference function"),
        ({"preference": ["usual", "ushape", "usual"]}, "missing: q"),
        ({"preference": ["usual", "ushape", "usual"], "q": [None, None, 1.0]}, "q for criterion 2"),
        ({"preference": ["usual", "usual", "usual"], "q": 1.0}, "does not use q"),
    ],
)
def test_per_criterion_preference_problems(params: dict[str, object], words: str) -> None:
    with pytest.raises(InputError, match=words):
        mcda.score(X, W, T, "promethee2", criteria=NAMES, **params)


def test_preference_matrix_takes_one_weight_set() -> None:
    with pytest.raises(InputError, match="one weight set"):
        mcda.preference_matrix(X, np.ones((2, 3)), T)


def test_value_matrix_names_the_criterion_of_a_missing_value() -> None:
    x = [[1.0, 2.0], [3.0, np.nan]]
    with pytest.raises(InputError, match=r"option 2 on criterion 2 \('cost'\)"):
        mcda.value_matrix(x, [1, -1], "scale", criteria=["reach", "cost"])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: mcda.scorer([[1.0, np.nan], [2.0, 3.0]], [1, 1], "wsm", criteria=["r", "cost"]),
            r"option 1 on criterion 2 \('cost'\)",
        ),
        (
            lambda: mcda.value_matrix([[1.0, 2.0], [2.0, 3.0]], [1, 2], criteria=["r", "cost"]),
            r"^criterion 2 \('cost'\) has direction 2; use \+1 for a benefit",
        ),
        (
            lambda: mcda.rank_order_centroid([0, 1]),
            r"^ranks must be numbers from 1 \(most important\) upwards$",
        ),
        (
            lambda: mcda.ahp([[1, 2, -1], [0.5, 1, 1], [-1, 1, 1]]),
            r"^judgement \(1, 3\) is -1\.0; every comparison must be a positive number",
        ),
    ],
)
def test_each_front_door_names_what_is_wrong(call: object, message: str) -> None:
    with pytest.raises(PolicybenchError, match=message):
        call()  # type: ignore[operator]
