"""policybench.analysis.rank: a catalog ranked and sampled, checked against the engine."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from policybench import catalog, mcda, robustness
from policybench.analysis.rank import (
    compare_methods,
    rank_catalog,
    recorded_caveats,
    resolve_normalization,
    smaa_catalog,
)
from policybench.errors import InputError, PolicybenchWarning, WeightsError

from .conftest import HAWK, engine


def test_the_normalisation_is_decided_once_from_the_registry() -> None:
    assert resolve_normalization("wsm", None) == "scale"
    assert resolve_normalization("wpm", None) == "scale"
    for m in ("topsis", "vikor", "promethee2"):
        assert resolve_normalization(m, None) == mcda.default_normalization(m)
    assert resolve_normalization("topsis", "vector") == "vector"
    with pytest.raises(InputError, match="unknown method 'x'; choose one of: wsm"):
        resolve_normalization("x", None)
    with pytest.raises(InputError, match="unknown normalization"):
        resolve_normalization("wsm", "cubic")


@pytest.mark.parametrize("method", list(mcda.METHODS))
def test_rank_catalog_matches_the_engine(cat, method: str) -> None:
    ranking = rank_catalog(cat, HAWK, method=method)
    scores, ranks = engine(cat, HAWK, method)
    assert ranking.rank_map == ranks
    np.testing.assert_allclose(ranking.scores, [scores[o] for o in ranking.option_ids], atol=1e-12)
    assert (ranking.contributions is not None) == mcda.METHODS[method].additive
    assert ranking.catalog_fingerprint == cat.fingerprint
    assert ranking.weight_map == pytest.approx(
        {"feasibility": 1 / 8, "deterrence": 6 / 8, "backlash": 1 / 8}
    )


def test_contributions_add_up_to_the_score_and_keep_each_value(cat) -> None:
    ranking = rank_catalog(cat, {"feasibility": 1, "deterrence": 0, "backlash": 1})
    assert ranking.contributions is not None and ranking.values is not None
    np.testing.assert_allclose(ranking.contributions.sum(axis=1), ranking.scores, atol=1e-12)
    i = ranking.option_ids.index("liaison")
    j = ranking.criterion_ids.index("deterrence")
    assert ranking.contributions[i, j] == 0 and ranking.values[i, j] == pytest.approx(0.8)
    k = ranking.criterion_ids.index("backlash")
    assert ranking.values[ranking.option_ids.index("summits"), k] == pytest.approx(1 - 3 / 10)


def test_order_is_best_first_with_ties_in_catalog_order(cat) -> None:
    ranking = rank_catalog(cat, HAWK)
    ranks = [int(ranking.ranks[i]) for i in ranking.order()]
    assert ranks == sorted(ranks)


def test_all_zero_weights_raise_a_readable_error(cat) -> None:
    with pytest.raises(WeightsError, match="zero"):
        rank_catalog(cat, {"feasibility": 0, "deterrence": 0, "backlash": 0})


def test_overrides_are_marked_in_the_label(cat) -> None:
    ranking = rank_catalog(cat, HAWK, label="mine", overrides={"summits": {"deterrence": 10}})
    assert ranking.label == "mine (WHAT-IF: 1 score overridden)"


def test_the_engines_caveats_become_notes_once_each() -> None:
    with recorded_caveats() as notes:
        warnings.warn("floor applied", PolicybenchWarning, stacklevel=1)
        warnings.warn("floor applied", PolicybenchWarning, stacklevel=1)
    assert notes == ["floor applied"]
    with pytest.warns(UserWarning, match="other"), recorded_caveats() as notes:
        warnings.warn("other", UserWarning, stacklevel=1)
    assert notes == []


def test_a_weighted_product_at_the_bottom_of_a_scale_notes_its_floor(copy_catalog) -> None:
    root = copy_catalog()
    path = root / "policies" / "summits.yaml"
    text = path.read_text()
    old = "value: 7\n    range: [6, 8]"
    assert old in text
    path.write_text(text.replace(old, "value: 0\n    range: [0, 8]", 1))
    ranking = rank_catalog(catalog.load(root), method="wpm")
    assert len(ranking.notes) == 1 and "wpm multiplies" in ranking.notes[0]


def test_smaa_catalog_is_robustness_smaa_with_the_catalogs_defaults(cat) -> None:
    got = smaa_catalog(cat, HAWK, samples=2_000, seed=3, delta=0.1, uncertain_scores=True)
    p = catalog.to_problem(cat, HAWK)
    want = robustness.smaa(
        p.matrix, p.types, "wsm", "scale", samples=2_000, seed=3, weights=p.weights, delta=0.1,
        low=p.low, high=p.high, criteria=p.criterion_ids, bounds=p.bounds,
    )  # fmt: skip
    np.testing.assert_array_equal(got.rank_acceptability, want.rank_acceptability)
    np.testing.assert_array_equal(got.confidence, want.confidence)
    assert got.option_ids == p.option_ids and got.result.weight_model == "bounded"
    assert got.delta == 0.1 and got.uncertain_scores
    expected = got.rank_acceptability @ np.arange(1, len(p.option_ids) + 1)
    np.testing.assert_allclose(got.expected_rank, expected)
    assert list(got.expected_rank[got.order()]) == sorted(expected)


def test_smaa_catalog_samples_the_whole_simplex_without_delta(cat) -> None:
    got = smaa_catalog(cat, HAWK, samples=1_000)
    assert got.result.weight_model == "simplex" and got.result.samples == 1_000
    np.testing.assert_allclose(got.rank_acceptability.sum(axis=1), 1.0)


def test_compare_methods_ranks_with_every_method(cat) -> None:
    agreement = compare_methods(cat, HAWK)
    assert agreement.methods == tuple(mcda.METHODS)
    for k, method in enumerate(agreement.methods):
        _, ranks = engine(cat, HAWK, method)
        assert dict(zip(agreement.option_ids, agreement.ranks[k], strict=True)) == ranks
    np.testing.assert_allclose(np.diag(agreement.tau), 1.0)
