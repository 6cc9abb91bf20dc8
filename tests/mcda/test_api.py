"""The public surface of policybench.mcda: registries, defaults and documented names."""

from __future__ import annotations

import numpy as np
import pytest

from policybench import mcda
from policybench.mcda import methods, normalization


def test_public_names_exist() -> None:
    for name in mcda.__all__:
        assert hasattr(mcda, name), name


def test_method_names_are_the_contract() -> None:
    assert list(mcda.METHODS) == ["wsm", "wpm", "topsis", "vikor", "promethee2"]
    assert list(mcda.NORMALIZATIONS) == ["scale", "minmax", "linear", "sum", "vector", "none"]
    assert list(mcda.PREFERENCES) == ["usual", "ushape", "vshape", "level", "linear", "gaussian"]


def test_default_normalisations_are_pymcdms() -> None:
    assert {k: mcda.default_normalization(k) for k in mcda.METHODS} == {
        "wsm": "sum",
        "wpm": "sum",
        "topsis": "minmax",
        "vikor": "none",
        "promethee2": "none",
    }


def test_registries_are_read_only() -> None:
    with pytest.raises(TypeError):
        mcda.METHODS["mine"] = mcda.METHODS["wsm"]  # type: ignore[index]
    with pytest.raises(TypeError):
        mcda.NORMALIZATIONS["mine"] = normalization.none  # type: ignore[index]


@pytest.mark.parametrize("name", list(mcda.METHODS))
def test_every_method_is_documented(name: str) -> None:
    assert name in (mcda.score.__doc__ or "")
    assert mcda.METHODS[name].summary
    assert mcda.METHODS[name].prepare.__doc__


@pytest.mark.parametrize("name", list(mcda.NORMALIZATIONS))
def test_every_normalisation_is_documented(name: str) -> None:
    assert f"``{name}``" in (normalization.__doc__ or "")
    assert mcda.NORMALIZATIONS[name].__doc__


@pytest.mark.parametrize("name", list(mcda.PREFERENCES))
def test_every_preference_function_is_documented(name: str) -> None:
    pref = methods.PREFERENCES[name]
    assert pref.label.startswith("type ")
    if pref.thresholds:
        assert all(t in pref.label for t in pref.thresholds)


def test_conventions_are_written_down() -> None:
    assert "v = 0.5" in (methods.prepare_vikor.__doc__ or "")
    assert "-Q" in (methods.prepare_vikor.__doc__ or "")
    assert "1/(N-1)" in (methods.prepare_promethee2.__doc__ or "")
    assert "1e-9" in (mcda.rank.__doc__ or "")
    assert "0.58" in (mcda.random_index.__doc__ or "")
    assert "Alonso & Lamata" in (mcda.random_index.__doc__ or "")


def test_method_summaries_feed_a_ui() -> None:
    assert all(isinstance(m.summary, str) and m.summary for m in mcda.METHODS.values())
    assert mcda.METHODS["vikor"].parameters == ("v",)


def test_method_properties_live_on_the_registry() -> None:
    """What front ends ask of a method is read from its registry entry, and holds."""
    spec = mcda.METHODS
    assert {m for m, s in spec.items() if s.additive} == {"wsm"}
    linear = {m for m, s in spec.items() if s.linear_in_weights}
    assert linear == set(mcda.LINEAR_IN_WEIGHTS) == {"wsm", "wpm", "promethee2"}
    assert {m for m, s in spec.items() if s.log_scores} == {"wpm"}
    assert {m: s.catalog_normalization for m, s in spec.items()} == {
        "wsm": "scale",
        "wpm": "scale",
        "topsis": "minmax",
        "vikor": "none",
        "promethee2": "none",
    }
    assert [s.title for s in spec.values()] == [
        "Weighted sum",
        "Weighted product",
        "TOPSIS",
        "VIKOR",
        "PROMETHEE II",
    ]
    rng = np.random.default_rng(0)
    x, w = rng.uniform(1, 10, (5, 3)), rng.dirichlet(np.ones(3))
    for name, s in spec.items():
        if s.additive:  # the contributions add up to the score
            v = mcda.value_matrix(x, [1, 1, -1], s.catalog_normalization)
            np.testing.assert_allclose(
                v @ w, mcda.score(x, w, [1, 1, -1], name, s.catalog_normalization)
            )
        if s.linear_in_weights:  # s = L @ w, or log s = L @ w
            f = mcda.scorer(
                x, [1, 1, -1], name, "minmax" if name == "promethee2" else s.catalog_normalization
            )
            lin = np.log(f(np.eye(3))) if s.log_scores else f(np.eye(3))
            got = np.log(f(w)) if s.log_scores else f(w)
            np.testing.assert_allclose(got, w @ lin, atol=1e-12)


def test_score_accepts_lists_and_returns_float_arrays() -> None:
    out = mcda.score([[1, 2], [3, 4]], [1, 1], [1, -1])
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == (2,)
