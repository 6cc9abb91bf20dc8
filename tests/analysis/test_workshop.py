"""policybench.analysis.workshop: a workshop's group result, computed once, checked against
policybench.group and policybench.mcda."""

from __future__ import annotations

import numpy as np
import pytest

from policybench import catalog, group, mcda
from policybench.analysis.rank import smaa_catalog
from policybench.analysis.workshop import group_result, room_model, rules_for
from policybench.errors import InputError, WeightsError
from policybench.robustness import kendall_tau_b

CRITERIA = ["feasibility", "deterrence", "backlash"]
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}
CY = {"feasibility": 3.0, "deterrence": 3.0, "backlash": 3.0}


def shares(weights: list[dict[str, float]]) -> np.ndarray:
    w = np.array([[row[c] for c in CRITERIA] for row in weights], dtype=float)
    return w / w.sum(axis=1, keepdims=True)


def individual_ranks(cat: catalog.Catalog, weights: list[dict[str, float]]) -> np.ndarray:
    p = catalog.to_problem(cat, None, options=OPTIONS, criteria=CRITERIA)
    return mcda.rank(mcda.score(p.matrix, shares(weights), p.types, "wsm", "scale"))


@pytest.mark.parametrize("rule", ["mean", "median", "geometric"])
def test_the_group_ranking_by_combined_weights_is_policybench_group(cat, rule: str) -> None:
    res = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB, CY], combination=rule)
    combined = group.combine_weights(shares([ANA, BOB, CY]), rule)
    p = catalog.to_problem(
        cat, dict(zip(CRITERIA, combined, strict=True)), options=OPTIONS, criteria=CRITERIA
    )
    scores = mcda.score(p.matrix, p.weights, p.types, "wsm", "scale")
    np.testing.assert_allclose(res.group_weights, combined)
    np.testing.assert_allclose(res.group_values, scores, atol=1e-12)
    np.testing.assert_array_equal(res.group_ranking, mcda.rank(scores))
    assert res.by_weights and res.weight_rule == rule and res.ranking_rule == "borda"
    assert [int(res.group_ranking[i]) for i in res.order()] == sorted(res.group_ranking)


@pytest.mark.parametrize("rule", ["borda", "copeland"])
def test_the_group_ranking_by_combined_rankings_is_policybench_group(cat, rule: str) -> None:
    res = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB, CY], combination=rule)
    combined = group.combine_rankings(individual_ranks(cat, [ANA, BOB, CY]), rule)
    np.testing.assert_array_equal(res.group_ranking, combined.ranks)
    np.testing.assert_allclose(res.group_values, combined.points)
    assert not res.by_weights and res.weight_rule == "mean"


def test_agreement_spread_drivers_and_each_participant(cat) -> None:
    weights = [ANA, BOB, CY]
    res = group_result(cat, OPTIONS, CRITERIA, weights)
    ranks = individual_ranks(cat, weights)
    np.testing.assert_array_equal(res.ranks, ranks)
    np.testing.assert_allclose(res.shares, shares(weights))
    assert res.concordance == group.kendall_w(ranks)
    assert [s.criterion for s in res.spread] == [
        s.criterion for s in group.weight_spread(shares(weights))
    ]
    p = catalog.to_problem(cat, None, options=OPTIONS, criteria=CRITERIA)
    drivers = group.disagreement_drivers(
        p.matrix, shares(weights), p.types, "wsm", "scale", bounds=p.bounds
    )
    assert [d.criterion for d in res.drivers] == [d.criterion for d in drivers]
    np.testing.assert_allclose(res.tau, kendall_tau_b(ranks, res.group_ranking[None, :]))
    assert list(res.first_for) == list((ranks == 1).sum(axis=0))
    firsts = np.flatnonzero(res.group_ranking == 1)
    assert list(res.group_first_at) == [int(row[firsts].min()) for row in ranks]
    assert res.participants == 3 and res.smaa is None


def test_smaa_samples_within_the_rooms_range_of_weights(cat) -> None:
    res = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB], smaa_samples=2_000)
    assert res.smaa is not None and res.smaa.result.weight_model == "bounded"
    np.testing.assert_allclose(res.smaa.rank_acceptability[:, 0].sum(), 1.0)
    same = group_result(cat, OPTIONS, CRITERIA, [ANA, ANA], smaa_samples=500)
    assert same.smaa is not None and same.smaa.result.weight_model == "fixed"


def test_one_submission_has_no_agreement_yet(cat) -> None:
    res = group_result(cat, OPTIONS, CRITERIA, [ANA])
    assert res.concordance is None and res.drivers == ()


def test_what_cannot_be_computed_is_refused(cat) -> None:
    with pytest.raises(InputError, match="no submissions"):
        group_result(cat, OPTIONS, CRITERIA, [])
    with pytest.raises(InputError, match="unknown combination"):
        group_result(cat, OPTIONS, CRITERIA, [ANA], combination="vote")
    with pytest.raises(InputError, match="must be one of the two rules"):
        group_result(cat, OPTIONS, CRITERIA, [ANA], combination="mean", weight_rule="median")
    zeros = [
        {"feasibility": 0.0, "deterrence": 1.0, "backlash": 1.0},
        {"feasibility": 1.0, "deterrence": 0.0, "backlash": 0.0},
    ]
    with pytest.raises(WeightsError, match="geometric"):
        group_result(cat, OPTIONS, CRITERIA, zeros, combination="geometric")
    assert rules_for("copeland") == ("mean", "copeland") and rules_for("median") == (
        "median",
        "borda",
    )


ADOPTED = {"summits": {"deterrence": 9.0}, "liaison": {"feasibility": 8.5, "backlash": 1.0}}


def test_adopted_scores_rank_as_to_problem_overrides_would(cat) -> None:
    weights = [ANA, BOB, CY]
    res = group_result(cat, OPTIONS, CRITERIA, weights, overrides=ADOPTED, smaa_samples=2_000)
    p = catalog.to_problem(cat, None, options=OPTIONS, criteria=CRITERIA, overrides=ADOPTED)
    assert p.matrix[OPTIONS.index("summits"), CRITERIA.index("deterrence")] == 9.0
    scores = mcda.score(p.matrix, shares(weights), p.types, "wsm", "scale")
    np.testing.assert_allclose(res.scores, scores, atol=1e-12)
    np.testing.assert_array_equal(res.ranks, mcda.rank(scores))
    group_scores = mcda.score(p.matrix, res.group_weights, p.types, "wsm", "scale")
    np.testing.assert_allclose(res.group_scores, group_scores, atol=1e-12)
    drivers = group.disagreement_drivers(
        p.matrix, shares(weights), p.types, "wsm", "scale", bounds=p.bounds
    )
    assert [(d.criterion, d.w_after) for d in res.drivers] == [
        (d.criterion, d.w_after) for d in drivers
    ]
    assert res.concordance == group.kendall_w(mcda.rank(scores))
    smaa = smaa_catalog(
        cat,
        None,
        samples=2_000,
        weight_low=res.shares.min(axis=0),
        weight_high=res.shares.max(axis=0),
        options=OPTIONS,
        criteria=CRITERIA,
        overrides=ADOPTED,
    )
    assert res.smaa is not None
    np.testing.assert_allclose(res.smaa.rank_acceptability, smaa.rank_acceptability)
    assert res.adjusted == (
        ("liaison", "backlash"),
        ("liaison", "feasibility"),
        ("summits", "deterrence"),
    )


def test_overrides_change_the_ranking_and_none_changes_nothing(cat) -> None:
    plain = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB, CY], smaa_samples=500)
    same = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB, CY], smaa_samples=500, overrides={})
    for res in (plain, same):
        assert res.adjusted == ()
    np.testing.assert_array_equal(plain.ranks, same.ranks)
    np.testing.assert_array_equal(plain.group_scores, same.group_scores)
    assert plain.smaa is not None and same.smaa is not None
    np.testing.assert_array_equal(plain.smaa.rank_acceptability, same.smaa.rank_acceptability)
    # liaison last under everyone's mean weights; top marks everywhere put it first
    best = {"liaison": {"feasibility": 10.0, "deterrence": 10.0, "backlash": 0.0}}
    adjusted = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB, CY], overrides=best)
    liaison = OPTIONS.index("liaison")
    assert plain.group_ranking[liaison] > 1 and adjusted.group_ranking[liaison] == 1
    assert (adjusted.ranks[:, liaison] == 1).all()


def test_an_override_outside_the_workshop_is_refused(cat) -> None:
    with pytest.raises(WeightsError, match="unknown option 'nowhere'"):
        group_result(cat, OPTIONS, CRITERIA, [ANA], overrides={"nowhere": {"feasibility": 1.0}})
    with pytest.raises(WeightsError, match="off the 0–10 scale"):
        group_result(cat, OPTIONS, CRITERIA, [ANA], overrides={"liaison": {"feasibility": 11.0}})


# ------------------------------------------------------------------------------ the room model
LEAD = {"feasibility": 2.0, "deterrence": 1.0, "backlash": 1.0}


def test_the_room_model_scores_by_hand_with_cells_laid_over(cat) -> None:
    # LEAD's shares (1/2, 1/4, 1/4) on the 0–10 scales, backlash a cost: the weighted sum is
    # (2·feasibility + deterrence + 10 − backlash) / 40: status quo 28, liaison 20, summits 25,
    # 2+2 24 (×1/40)
    model = room_model(cat, OPTIONS, CRITERIA)
    assert (model.method, model.normalization, dict(model.params)) == ("wsm", "scale", {})
    assert model.extra["bounds"] == (0.0, 10.0) and model.notes == ()
    lead = model.shares([LEAD])
    np.testing.assert_allclose(lead, [[0.5, 0.25, 0.25]])
    np.testing.assert_allclose(model.scores(lead[0]), np.array([28, 20, 25, 24]) / 40)
    np.testing.assert_array_equal(model.ranks(lead), [[1, 4, 2, 3]])
    # liaison's feasibility 4 → 10 for one call: 32/40, first; the model itself is unchanged
    cell = {("liaison", "feasibility"): 10.0}
    np.testing.assert_allclose(model.scores(lead, cell), [np.array([28, 32, 25, 24]) / 40])
    np.testing.assert_array_equal(model.ranks(lead[0], cell), [2, 1, 3, 4])
    assert model.matrix()[1, 0] == 4.0 and model.matrix(cell)[1, 0] == 10.0
    assert model.scorer() is model.base
    # the same cell adopted as an override is the model's baseline
    adopted = room_model(cat, OPTIONS, CRITERIA, overrides={"liaison": {"feasibility": 10.0}})
    np.testing.assert_allclose(adopted.scores(lead), model.scores(lead, cell))
    assert adopted.overrides == {"liaison": {"feasibility": 10.0}}
    # a room of nobody scores to nothing, and each row is one participant
    assert (
        model.scores(np.zeros((0, 3))).shape == (0, 4) and model.ranks(np.zeros((0, 3))).size == 0
    )
    two = model.shares([LEAD, ANA])
    np.testing.assert_allclose(model.scores(two)[1], model.scores(two[1]))


def test_the_room_model_is_the_group_results(cat) -> None:
    params = {"v": 0.0}
    model = room_model(cat, OPTIONS, CRITERIA, method="vikor", params=params, overrides=ADOPTED)
    res = group_result(
        cat, OPTIONS, CRITERIA, [ANA, BOB, CY], method="vikor", params=params, overrides=ADOPTED
    )
    assert model.normalization == res.normalization == "none" and model.params == params
    np.testing.assert_array_equal(model.ranks(model.shares([ANA, BOB, CY])), res.ranks)
    with pytest.raises(InputError, match="unknown method"):
        room_model(cat, OPTIONS, CRITERIA, method="vote")
