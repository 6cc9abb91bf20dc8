"""The shared options (src/policybench/cli/options.py): the help lists exactly the engine's
methods and normalisations, and ``--param`` values are read as numbers where they are."""

from __future__ import annotations

import pytest

from policybench import mcda
from policybench.cli import options
from policybench.errors import InputError


def test_the_help_lists_the_engine_registries() -> None:
    assert tuple(mcda.METHODS) == options.METHOD_NAMES
    assert tuple(mcda.NORMALIZATIONS) == options.NORMALIZATION_NAMES


def test_params_are_numbers_where_they_read_as_numbers() -> None:
    parsed = options.parse_params(["p=2", " preference = vshape", "q=0.5"])
    assert parsed == {"p": 2.0, "preference": "vshape", "q": 0.5}
    assert options.parse_params(None) == {}


@pytest.mark.parametrize("item", ["novalue", "=3", " =x"])
def test_a_param_without_a_name_is_refused(item: str) -> None:
    with pytest.raises(InputError, match="write name=value"):
        options.parse_params([item])
