"""policybench.ui.cache: one keyed cache for the app's computations on a catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import streamlit as st

from policybench import catalog as catalogs
from policybench.catalog import Catalog, parse_requirement
from policybench.ui.cache import by_catalog, freeze


@pytest.fixture
def tiny(tiny_options: Path) -> Catalog:
    return catalogs.load(tiny_options)


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    st.cache_data.clear()


@dataclass(frozen=True)
class Side:
    name: str
    weights: Mapping[str, float]


def test_weights_in_any_order_and_as_ints_or_floats_are_one_key() -> None:
    assert freeze({"b": 2, "a": 1}) == freeze({"a": 1.0, "b": np.float64(2.0)})
    assert freeze({"a": 1, "b": 2}) != freeze({"a": 2, "b": 1})
    assert freeze([{"b": 1}, {"a": 1}]) != freeze([{"a": 1}, {"b": 1}])  # a sequence keeps order
    assert freeze(("x", None, True, [1, 2])) == ("x", None, True, (1.0, 2.0))


def test_dataclasses_and_catalog_models_are_keyed_by_their_fields(tiny: Catalog) -> None:
    assert freeze(Side("a", {"x": 1, "y": 2})) == freeze(Side("a", {"y": 2.0, "x": 1.0}))
    assert freeze(Side("a", {"x": 1})) != freeze(Side("b", {"x": 1}))
    low, high = (parse_requirement(t, tiny) for t in ("backlash<=5", "backlash<=6"))
    assert freeze(low) == freeze(parse_requirement("backlash<=5", tiny)) != freeze(high)


def test_a_value_is_computed_once_per_catalog_and_arguments(
    tiny: Catalog, copy_catalog, tiny_options: Path
) -> None:
    calls: list[tuple[str, dict[str, float], str]] = []

    @by_catalog(max_entries=8)
    def total(catalog: Catalog, weights: Mapping[str, float], method: str = "wsm") -> float:
        calls.append((catalog.fingerprint, dict(weights), method))
        return sum(weights.values()) + len(catalog.option_ids)

    assert total(tiny, {"a": 1, "b": 2}) == 7.0
    assert total(tiny, {"b": 2.0, "a": 1.0}) == 7.0  # the same weights: no second call
    assert calls == [(tiny.fingerprint, {"a": 1, "b": 2}, "wsm")]  # computed as given
    assert total(tiny, {"a": 1, "b": 2}, method="topsis") == 7.0
    assert len(calls) == 2
    root = copy_catalog(tiny_options)
    edited = root / "policies" / "liaison.yaml"
    edited.write_text(edited.read_text() + "\n")
    other = catalogs.load(root)
    assert other.fingerprint != tiny.fingerprint
    total(other, {"a": 1, "b": 2})
    assert len(calls) == 3 and calls[-1][0] == other.fingerprint


def test_two_wrapped_functions_keep_their_values_apart(tiny: Catalog) -> None:
    @by_catalog(max_entries=8)
    def first(catalog: Catalog, x: int) -> str:
        return f"first {x}"

    @by_catalog(max_entries=8)
    def second(catalog: Catalog, x: int) -> str:
        return f"second {x}"

    assert (first(tiny, 1), second(tiny, 1)) == ("first 1", "second 1")
    assert first.__name__ == "first" and first.__qualname__.endswith("first")
