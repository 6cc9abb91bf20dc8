"""Normalisation kernels: the definitions of DESIGN.md, cost handling, constant columns, and the
cases that cannot be computed (a clear error naming the criterion, never NaN)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from policybench import mcda
from policybench.errors import InputError, PolicybenchError
from policybench.mcda import normalization as nz

X = np.array([[2.0, 10.0], [4.0, 20.0], [6.0, 40.0]])
BENEFIT = np.array([1.0, 1.0])
MIXED = np.array([1.0, -1.0])


def test_scale_uses_fixed_bounds_and_flips_costs() -> None:
    v = mcda.value_matrix([[0, 10], [5, 2.5], [10, 0]], [1, -1])  # default bounds (0, 10)
    assert_allclose(v, [[0.0, 0.0], [0.5, 0.75], [1.0, 1.0]])


def test_scale_takes_per_criterion_bounds() -> None:
    v = mcda.value_matrix([[1, 50], [3, 100]], [1, -1], bounds=([1, 0], [5, 100]))
    assert_allclose(v, [[0.0, 0.5], [0.5, 0.0]])


def test_scale_keeps_other_options_values_when_one_is_added() -> None:
    small = mcda.value_matrix(X, MIXED, bounds=(0, 50))
    bigger = mcda.value_matrix(np.vstack([X, [[50.0, 0.0]]]), MIXED, bounds=(0, 50))
    assert_array_equal(small, bigger[:3])


def test_minmax_definition_with_cost() -> None:
    assert_allclose(nz.minmax(X, MIXED), [[0.0, 1.0], [0.5, 2 / 3], [1.0, 0.0]])


@pytest.mark.parametrize("types", [BENEFIT, MIXED])
def test_minmax_maps_a_constant_column_to_one(types: np.ndarray) -> None:
    x = np.array([[3.0, 1.0], [3.0, 2.0]])
    assert_array_equal(nz.minmax(x, types)[:, 0], [1.0, 1.0])


def test_minmax_on_a_stack_treats_each_matrix_alone() -> None:
    stack = np.stack([X, X * 3 + 1, np.full_like(X, 2.0)])
    out = nz.minmax(stack, MIXED)
    for k in range(3):
        assert_allclose(out[k], nz.minmax(stack[k], MIXED))
    assert_array_equal(out[2], np.ones_like(X))


def test_linear_definition_and_zero_in_a_benefit_column() -> None:
    x = np.array([[0.0, 10.0], [4.0, 20.0], [8.0, 40.0]])
    assert_allclose(nz.linear(x, MIXED), [[0.0, 1.0], [0.5, 0.5], [1.0, 0.25]])
    assert np.all(np.isfinite(mcda.value_matrix(x, MIXED, "linear")))


def test_sum_definition_with_cost() -> None:
    out = nz.sum_(X, MIXED)
    assert_allclose(out[:, 0], X[:, 0] / 12.0)
    inv = 1.0 / X[:, 1]
    assert_allclose(out[:, 1], inv / inv.sum())
    assert_allclose(out.sum(axis=0), [1.0, 1.0])


def test_vector_definition_with_cost() -> None:
    out = nz.vector(X, MIXED)
    assert_allclose(out[:, 0], X[:, 0] / np.sqrt(4 + 16 + 36))
    assert_allclose(out[:, 1], 1 - X[:, 1] / np.sqrt(100 + 400 + 1600))


def test_none_only_orients_costs() -> None:
    assert_array_equal(nz.none(X, MIXED), np.column_stack([X[:, 0], -X[:, 1]]))


@pytest.mark.parametrize("name", ["scale", "minmax", "linear", "sum", "vector", "none"])
def test_every_normalisation_makes_higher_better(name: str) -> None:
    x = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    v = mcda.value_matrix(x, MIXED, name)
    assert np.all(np.diff(v[:, 0]) > 0)  # benefit: larger raw value, larger normalised value
    assert np.all(np.diff(v[:, 1]) < 0)  # cost: larger raw value, smaller normalised value


@pytest.mark.parametrize(
    ("name", "matrix", "types", "words"),
    [
        ("sum", [[1.0, 0.0], [2.0, 3.0]], [1, 1], "'sum'"),
        ("sum", [[1.0, -1.0], [2.0, 3.0]], [1, -1], "'sum'"),
        ("linear", [[1.0, 0.0], [2.0, 3.0]], [1, -1], "zero or negative"),
        ("linear", [[1.0, -2.0], [2.0, 3.0]], [1, 1], "negative"),
        ("linear", [[1.0, 0.0], [2.0, 0.0]], [1, 1], "zero for every option"),
        ("vector", [[1.0, 0.0], [2.0, 0.0]], [1, -1], "zero for every option"),
        ("scale", [[1.0, 11.0], [2.0, 3.0]], [1, 1], "outside its scale"),
    ],
)
def test_what_cannot_be_computed_is_an_error_naming_the_criterion(
    name: str, matrix: list[list[float]], types: list[int], words: str
) -> None:
    with pytest.raises(InputError, match="criterion 2 \\('cost'\\)") as info:
        mcda.score(matrix, [1, 1], types, "wsm", name, criteria=["quality", "cost"])
    assert words in str(info.value)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, PolicybenchError)


@pytest.mark.parametrize("bounds", [(10, 0), (5, 5), (0, float("nan")), (0,), "0-10"])
def test_bad_bounds_are_rejected(bounds: object) -> None:
    with pytest.raises(InputError):
        mcda.value_matrix([[1, 2], [3, 4]], [1, 1], bounds=bounds)


def test_bounds_only_go_with_scale() -> None:
    with pytest.raises(InputError, match="does not take 'bounds'"):
        mcda.score([[1, 2], [3, 4]], [1, 1], [1, 1], "wsm", "minmax", bounds=(0, 10))


def test_value_matrix_is_what_wsm_multiplies() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 10, (6, 4))
    types = np.array([1.0, -1.0, 1.0, -1.0])
    w = rng.dirichlet(np.ones(4), size=5)
    for name in ("scale", "minmax", "sum", "vector", "linear", "none"):
        v = mcda.value_matrix(x, types, name)
        assert_allclose(mcda.score(x, w, types, "wsm", name), w @ v.T, atol=1e-12)


def test_normalisation_does_not_touch_the_input() -> None:
    x = X.copy()
    for name in mcda.NORMALIZATIONS:
        mcda.value_matrix(x, MIXED, name, **({"bounds": (0, 50)} if name == "scale" else {}))
    assert_array_equal(x, X)
