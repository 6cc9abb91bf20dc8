"""policybench.analysis.camps and policybench.analysis.common_ground: camps found in hand-made
rooms where they are obvious, the properties that must always hold (order of participants and
scale of weights change nothing; a unanimous room is one camp whose common ground leads with
the group's first), common ground and dividing options, "you are here", and camps across
rounds."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policybench import catalog
from policybench.analysis.camps import (
    MIN_PARTICIPANTS,
    MIN_SILHOUETTE,
    Camp,
    Camps,
    find_camps,
    kendall_distances,
    place,
    silhouette,
)
from policybench.analysis.common_ground import (
    CommonGround,
    camps_across_rounds,
    common_ground,
)
from policybench.analysis.screen import select
from policybench.analysis.workshop import group_result
from policybench.errors import InputError, WeightsError
from policybench.robustness import kendall_tau_b

CRITERIA = ["feasibility", "deterrence", "backlash"]
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
# On the tiny catalog feasibility puts the status quo first (status quo, summits, 2+2,
# liaison) and deterrence puts liaison first, in exactly the reverse order.
DOVES = [(8, 1, 3), (9, 1, 2), (7, 2, 3), (10, 0, 4)]
HAWKS = [(1, 9, 0), (0, 8, 1), (2, 9, 0), (1, 10, 1)]
# Kendall distance 1/2 from both: 2+2 first, then status quo, liaison, summits.
LONER = (5, 4, 0)
SHIPPED = Path(__file__).resolve().parents[2] / "options"


def room(*rows: tuple[float, ...]) -> list[dict[str, float]]:
    return [dict(zip(CRITERIA, map(float, r), strict=True)) for r in rows]


def partition(camps: Camps) -> set[frozenset[int]]:
    return {frozenset(c.members) for c in camps.camps}


def same(a: Any, b: Any) -> bool:
    """Equal field by field (arrays by value), for frozen results holding arrays."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(
            same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
        )
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@pytest.fixture(scope="module")
def shipped() -> catalog.Catalog:
    return catalog.load(SHIPPED)


# ------------------------------------------------------------------------------ distances
@given(st.lists(st.lists(st.integers(1, 4), min_size=5, max_size=5), min_size=2, max_size=8))
def test_kendall_distance_is_half_of_one_minus_tau_b(rows: list[list[int]]) -> None:
    r = np.array(rows)
    d = kendall_distances(r)
    tau = kendall_tau_b(r[:, None, :], r[None, :, :])
    flat = np.isnan(tau)
    np.testing.assert_allclose(d[~flat], ((1 - tau) / 2)[~flat], atol=1e-12)
    np.testing.assert_array_equal(d, d.T)
    assert (np.diag(d) == 0).all()
    # a ranking that ties everything is 0 from another such, 1/2 from any other
    all_tied = np.ptp(r, axis=1) == 0
    both = all_tied[:, None] & all_tied[None, :]
    assert (d[both] == 0).all() and (d[flat & ~both] == 0.5).all()


def test_kendall_distance_of_the_reverse_is_one_and_of_equal_rankings_zero() -> None:
    d = kendall_distances([[1, 2, 3, 4], [4, 3, 2, 1], [1, 2, 3, 4]])
    assert d[0, 1] == 1.0 and d[0, 2] == 0.0 and d[1, 2] == 1.0


def test_silhouette_by_hand() -> None:
    # two pairs: 0.2 apart inside, 0.8 across: a = 0.2, b = 0.8, s = 0.6 / 0.8 for everyone
    d = np.array([[0, 0.2, 0.8, 0.8], [0.2, 0, 0.8, 0.8], [0.8, 0.8, 0, 0.2], [0.8, 0.8, 0.2, 0]])
    assert silhouette(d, np.array([0, 0, 1, 1])) == pytest.approx(0.75)
    # a fifth row that fits none counts 0, and is left out of the others' a and b
    d5 = np.pad(d, ((0, 1), (0, 1)), constant_values=0.1)
    assert silhouette(d5, np.array([0, 0, 1, 1, -1])) == pytest.approx(0.75 * 4 / 5)
    # a wrong split: each point's own group holds a far one
    assert silhouette(d, np.array([0, 1, 0, 1])) == pytest.approx((0.5 - 0.8) / 0.8)


# ------------------------------------------------------------------------------ hand-made rooms
def test_two_opposite_groups_are_two_camps_with_the_right_members(cat) -> None:
    weights = room(*[r for pair in zip(DOVES, HAWKS, strict=True) for r in pair])  # interleaved
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    assert camps.clear and camps.k == 2 and camps.unassigned == 0
    assert partition(camps) == {frozenset({0, 2, 4, 6}), frozenset({1, 3, 5, 7})}
    assert camps.silhouette == pytest.approx(1.0)
    assert camps.reason == "clear" and camps.split == 2
    doves, hawks = (c for c in sorted(camps.camps, key=lambda c: c.members[0]))
    assert doves.top == ("status-quo", "summits", "two-plus-two")
    assert hawks.top == ("liaison", "two-plus-two", "summits")
    np.testing.assert_allclose(doves.central.sum(), 1.0)
    # the doves' central weights are their median shares, rescaled
    shares = np.array(DOVES, float) / np.array(DOVES, float).sum(axis=1, keepdims=True)
    median = np.median(shares, axis=0)
    np.testing.assert_allclose(doves.central, median / median.sum())
    by = {d.criterion: d for d in hawks.distinctive}
    assert by["deterrence"].ratio > 5 and by["feasibility"].ratio < 0.2
    assert by["deterrence"].camp == pytest.approx(hawks.central[1])
    assert by["deterrence"].room == pytest.approx(doves.central[1])  # the rest is the doves
    assert doves.spread == 0.0  # every dove ranks the same way


def test_camps_are_numbered_by_size_then_by_ranking_not_by_who_joined_first(cat) -> None:
    weights = room(DOVES[0], *HAWKS, HAWKS[0], DOVES[1], DOVES[2])
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    assert camps.camps[0].members == (1, 2, 3, 4, 5) and camps.camps[1].members == (0, 6, 7)
    assert list(camps.labels) == [1, 0, 0, 0, 0, 0, 1, 1]
    # equal sizes: the camp whose ranking sorts first (the doves' [1, 4, 2, 3]) is camp 1
    swapped = find_camps(cat, OPTIONS, CRITERIA, room(*HAWKS, *DOVES))
    assert swapped.camps[0].members == (4, 5, 6, 7)


def test_a_lone_outlier_fits_none(cat) -> None:
    weights = room(*DOVES, LONER, *HAWKS)
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    assert camps.clear and len(camps.camps) == 2 and camps.k == 3
    assert camps.labels[4] == -1 and camps.unassigned == 1
    assert partition(camps) == {frozenset({0, 1, 2, 3}), frozenset({5, 6, 7, 8})}
    assert camps.reason == "clear" and camps.split == 2


def test_a_room_in_agreement_has_no_clear_camps(cat) -> None:
    # different weights, and three slightly different rankings, but no split
    weights = room((5, 4, 4), (6, 4, 3), (4, 4, 4), (5, 5, 4), (6, 3, 4), (5, 4, 3), (4, 5, 4))
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    assert len({tuple(r) for r in camps.ranks}) > 1
    assert not camps.clear and len(camps.camps) == 1 and camps.k == 1
    assert camps.camps[0].members == tuple(range(7)) and list(camps.labels) == [0] * 7
    assert camps.camps[0].distinctive == ()  # there is no rest of the room
    assert camps.reason == "too_small"  # no cut leaves two groups of three


def test_weights_that_change_nothing_do_not_split_the_room(cat) -> None:
    # doves in two flavours (feasibility alone, or with backlash): the same ranking
    weights = room((1, 0, 0), (1, 0, 0), (1, 0, 0), (8, 1, 3), (9, 1, 2), (7, 2, 3))
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    assert not camps.clear and len(camps.camps) == 1
    assert camps.reason == "same_ranking"
    assert camps.silhouette is None and camps.split == 0


def test_five_submissions_give_no_camps_and_say_why(cat) -> None:
    camps = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES[:3], *HAWKS[:2]))
    assert camps.camps == () and camps.k == 0 and not camps.clear
    assert camps.reason == "too_few" and camps.min_participants == MIN_PARTICIPANTS == 6
    assert list(camps.labels) == [-1] * 5 and camps.unassigned == 5
    nobody = find_camps(cat, OPTIONS, CRITERIA, [], min_participants=0)
    assert nobody.participants == 0 and nobody.camps == () and nobody.reason == "no_submissions"
    alone = find_camps(cat, OPTIONS, CRITERIA, room(LONER), min_participants=1)
    assert [c.members for c in alone.camps] == [(0,)] and not alone.clear
    assert alone.camps[0].spread == 0.0


def test_a_split_below_the_silhouette_threshold_is_no_clear_camps(cat) -> None:
    assert find_camps(cat, OPTIONS, CRITERIA, room(*DOVES, *HAWKS), min_silhouette=1.0).clear
    with_loner = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES, *HAWKS, LONER))
    assert with_loner.silhouette == pytest.approx(8 / 9)  # who fits none counts 0
    crowded = room(*DOVES, *HAWKS, LONER, LONER, LONER, (3, 4, 2), (2, 4, 3))
    camps = find_camps(cat, OPTIONS, CRITERIA, crowded)
    assert camps.silhouette is not None
    strict = find_camps(cat, OPTIONS, CRITERIA, crowded, min_silhouette=camps.silhouette + 0.01)
    assert not strict.clear and len(strict.camps) == 1
    assert strict.reason == "no_clear_split" and strict.split == len(camps.camps)
    assert strict.silhouette == camps.silhouette  # the rejected split's, kept to say by how much
    assert strict.min_silhouette == pytest.approx(camps.silhouette + 0.01)


def test_weights_as_rows_in_criterion_order_give_the_same_camps(cat) -> None:
    rows = [*DOVES, *HAWKS]
    a = find_camps(cat, OPTIONS, CRITERIA, room(*rows))
    b = find_camps(cat, OPTIONS, CRITERIA, np.array(rows, dtype=float))
    assert same(a, b)


def test_bad_settings_and_weights_are_named(cat) -> None:
    weights = room(*DOVES, *HAWKS)
    with pytest.raises(InputError, match="at least 3 members"):
        find_camps(cat, OPTIONS, CRITERIA, weights, min_size=2)
    with pytest.raises(InputError, match="max_camps"):
        find_camps(cat, OPTIONS, CRITERIA, weights, max_camps=1)
    with pytest.raises(InputError, match="silhouette lies between"):
        find_camps(cat, OPTIONS, CRITERIA, weights, min_silhouette=1.5)
    with pytest.raises(InputError, match="one weight per criterion"):
        find_camps(cat, OPTIONS, CRITERIA, np.ones((6, 2)))
    with pytest.raises(WeightsError, match="weight set 3"):
        find_camps(cat, OPTIONS, CRITERIA, [*weights[:2], dict.fromkeys(CRITERIA, 0.0)])


# ------------------------------------------------------------------------------ properties
weight_rows = st.tuples(st.integers(0, 10), st.integers(0, 10), st.integers(0, 10)).filter(any)


@st.composite
def rooms_and_orders(draw: st.DrawFn) -> tuple[list[tuple[int, ...]], list[int]]:
    rows = draw(st.lists(weight_rows, min_size=6, max_size=14))
    return rows, draw(st.permutations(range(len(rows))))


@given(rooms_and_orders())
def test_permuting_participants_permutes_labels_and_nothing_else(
    cat, case: tuple[list[tuple[int, ...]], list[int]]
) -> None:
    rows, perm = case
    a = find_camps(cat, OPTIONS, CRITERIA, room(*rows))
    b = find_camps(cat, OPTIONS, CRITERIA, room(*(rows[i] for i in perm)))
    np.testing.assert_array_equal(b.labels, a.labels[perm])
    assert (b.k, b.clear, b.reason, b.silhouette) == (a.k, a.clear, a.reason, a.silhouette)
    for ca, cb in zip(a.camps, b.camps, strict=True):
        assert sorted(perm[m] for m in cb.members) == list(ca.members)
        np.testing.assert_allclose(cb.central, ca.central, atol=1e-12)
        assert (cb.top, cb.distinctive) == (ca.top, ca.distinctive)
        assert cb.spread == pytest.approx(ca.spread, abs=1e-12)


@given(
    st.lists(weight_rows, min_size=6, max_size=12),
    st.data(),
    st.floats(0.01, 100.0),
)
def test_scaling_a_participants_weights_changes_nothing(
    cat, rows: list[tuple[int, ...]], data: st.DataObject, factor: float
) -> None:
    who = data.draw(st.integers(0, len(rows) - 1))
    scaled = [tuple(factor * v for v in r) if i == who else r for i, r in enumerate(rows)]
    a = find_camps(cat, OPTIONS, CRITERIA, room(*rows))
    b = find_camps(cat, OPTIONS, CRITERIA, room(*scaled))
    np.testing.assert_array_equal(a.labels, b.labels)
    assert partition(a) == partition(b) and a.reason == b.reason
    for ca, cb in zip(a.camps, b.camps, strict=True):
        np.testing.assert_allclose(ca.central, cb.central, atol=1e-12)


@given(weight_rows, st.lists(st.floats(0.1, 10.0), min_size=6, max_size=10), st.integers(1, 3))
def test_a_unanimous_room_is_one_camp_whose_common_ground_leads_with_the_groups_first(
    cat, row: tuple[int, ...], scales: list[float], k: int
) -> None:
    weights = room(*(tuple(s * v for v in row) for s in scales))
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    assert len(camps.camps) == 1 and not camps.clear and camps.unassigned == 0
    ground = common_ground(cat, OPTIONS, CRITERIA, camps, weights, top_k=k, samples=200)
    group = group_result(cat, OPTIONS, CRITERIA, weights)
    firsts = {OPTIONS[i] for i in np.flatnonzero(group.group_ranking == 1)}
    assert OPTIONS[ground.order[0]] in firsts
    assert ground.dividing == ()
    np.testing.assert_allclose(ground.floor, ground.chance[:, 0])


def test_same_input_twice_gives_equal_results(cat) -> None:
    weights = room(*DOVES, LONER, *HAWKS, (3, 4, 2))
    a = find_camps(cat, OPTIONS, CRITERIA, weights)
    b = find_camps(cat, OPTIONS, CRITERIA, weights)
    assert same(a, b)
    ga = common_ground(cat, OPTIONS, CRITERIA, a, weights, samples=500)
    gb = common_ground(cat, OPTIONS, CRITERIA, b, weights, samples=500)
    assert same(ga, gb)


# ------------------------------------------------------------------------------ common ground
def test_common_ground_and_dividing_in_a_two_camp_room(cat) -> None:
    weights = room(*DOVES, *HAWKS)
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    dove = int(camps.labels[0])
    hawk = 1 - dove
    ground = common_ground(cat, OPTIONS, CRITERIA, camps, weights, top_k=1)
    at = {o: i for i, o in enumerate(OPTIONS)}
    # each camp's favourite: first for itself, never for the other camp
    assert (
        ground.chance[at["status-quo"], dove] > 0.9 and ground.chance[at["status-quo"], hawk] == 0
    )
    assert ground.chance[at["liaison"], hawk] > 0.9 and ground.chance[at["liaison"], dove] == 0
    divided = {d.option: d for d in ground.dividing}
    assert set(divided) == {"status-quo", "liaison"}
    assert (divided["status-quo"].high_camp, divided["status-quo"].low_camp) == (dove, hawk)
    assert (divided["liaison"].high_camp, divided["liaison"].low_camp) == (hawk, dove)
    assert divided["liaison"].gap == pytest.approx(ground.chance[at["liaison"], hawk])
    # top 3: summits and 2+2 are in both camps' top three, so they lead by floor
    wide = common_ground(cat, OPTIONS, CRITERIA, camps, weights, top_k=3)
    assert {OPTIONS[i] for i in wide.order[:2]} == {"summits", "two-plus-two"}
    np.testing.assert_allclose(wide.floor, wide.chance.min(axis=1))
    assert [OPTIONS[i] for i in wide.common] == [OPTIONS[i] for i in wide.order[:2]]
    assert wide.floor[wide.order[0]] == pytest.approx(1.0)
    assert list(wide.floor[list(wide.order)]) == sorted(wide.floor, reverse=True)
    assert {d.option for d in wide.dividing} == {"status-quo", "liaison"}
    np.testing.assert_allclose(ground.chance.sum(axis=0), 1.0)  # one option per top-1 sample


def test_common_ground_without_camps_is_empty(cat) -> None:
    weights = room(*DOVES)
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    ground = common_ground(cat, OPTIONS, CRITERIA, camps, weights)
    assert ground.order == () and ground.chance.shape == (4, 0)
    assert ground.common == () and ground.dividing == ()


def test_common_ground_checks_what_it_is_given(cat) -> None:
    weights = room(*DOVES, *HAWKS)
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    with pytest.raises(InputError, match="top_k is 5"):
        common_ground(cat, OPTIONS, CRITERIA, camps, weights, top_k=5)
    with pytest.raises(InputError, match="same participants"):
        common_ground(cat, OPTIONS, CRITERIA, camps, weights[:-1])
    with pytest.raises(InputError, match="options and criteria"):
        common_ground(cat, OPTIONS[:3], CRITERIA, camps, weights)


def test_adopted_scores_are_ranked_by_camps_and_common_ground(cat) -> None:
    # adopt a 10 for liaison's feasibility: the doves now put it first too
    overrides = {"liaison": {"feasibility": 10.0}}
    weights = room(*DOVES, *HAWKS)
    camps = find_camps(cat, OPTIONS, CRITERIA, weights, overrides=overrides)
    assert camps.overrides == overrides
    assert all(c.top[0] == "liaison" for c in camps.camps)
    ground = common_ground(cat, OPTIONS, CRITERIA, camps, weights, top_k=1)
    assert OPTIONS[ground.order[0]] == "liaison"


def test_the_methods_parameters_reach_the_camps_common_ground_and_place(cat) -> None:
    # VIKOR with v = 0 (regret alone) ranks the loner and the two in between differently from
    # the default v = 0.5: the camps must cluster the rankings the group result shows
    weights = room(*DOVES, LONER, *HAWKS, (3, 4, 2), (2, 4, 3))
    v0 = {"v": 0.0}
    camps = find_camps(cat, OPTIONS, CRITERIA, weights, method="vikor", params=v0)
    result = group_result(cat, OPTIONS, CRITERIA, weights, method="vikor", params=v0)
    np.testing.assert_array_equal(camps.ranks, result.ranks)
    default = find_camps(cat, OPTIONS, CRITERIA, weights, method="vikor")
    assert not np.array_equal(default.ranks, camps.ranks)  # so the check above means something
    assert camps.params == v0 and default.params == {}
    # everyone is placed in their own camp under the camps' parameters; under VIKOR's default
    # the last two (who rank 2+2 first only when v = 0) would fit none
    assert [place(camps, w, cat) for w in weights] == [
        None if label < 0 else int(label) for label in camps.labels
    ]
    assert [place(camps, w, cat, params={}) for w in weights[-2:]] == [None, None]
    # each camp's SMAA uses the camps' parameters unless told otherwise
    ground = common_ground(cat, OPTIONS, CRITERIA, camps, weights, samples=500)
    same_v = common_ground(cat, OPTIONS, CRITERIA, camps, weights, samples=500, params=v0)
    other_v = common_ground(cat, OPTIONS, CRITERIA, camps, weights, samples=500, params={})
    np.testing.assert_array_equal(ground.chance, same_v.chance)
    assert not np.array_equal(ground.chance, other_v.chance)


# ------------------------------------------------------------------------------ you are here
def test_place_gives_members_their_own_camp_and_outsiders_the_nearest_within_reach(cat) -> None:
    weights = room(*DOVES, LONER, *HAWKS)
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    for p, w in enumerate(weights):
        expected = None if camps.labels[p] < 0 else int(camps.labels[p])
        assert place(camps, w, cat) == expected
    hawk = int(camps.labels[5])
    # deterrence with some backlash: liaison, 2+2, summits, status quo, as the hawks rank
    assert place(camps, {"feasibility": 0, "deterrence": 5, "backlash": 1}, cat) == hawk
    # a ranking that ties two options the hawks rank apart: farther from the hawks than any
    # hawk is from the others (they all rank alike), so none
    assert place(camps, np.array([0.0, 1.0, 1.0]), cat) is None
    no_camps = find_camps(cat, OPTIONS, CRITERIA, weights[:4])
    assert place(no_camps, weights[0], cat) is None


def test_place_reaches_as_far_as_a_camps_least_typical_member(cat) -> None:
    # the doves now include one a swap away from the rest: the camp reaches that far
    weights = room(*DOVES, (2, 1, 0), *HAWKS)
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    dove = int(camps.labels[0])
    assert camps.labels[4] == dove and camps.camps[dove].spread > 0
    # a newcomer with the odd dove's neighbour ranking (status quo, summits, liaison, 2+2)
    assert place(camps, {"feasibility": 0, "deterrence": 1, "backlash": 2}, cat) == dove


# ------------------------------------------------------------------------------ realistic rooms
SECURITY = {
    "deterrence": 10,
    "regional_order": 9,
    "escalation_risk": 2,
    "identity_reconciliation": 2,
}
RECONCILIATION = {
    "identity_reconciliation": 10,
    "escalation_risk": 9,
    "deterrence": 2,
    "regional_order": 2,
}


def test_a_security_camp_and_a_reconciliation_camp_in_the_shipped_catalog(shipped) -> None:
    rng = np.random.default_rng(7)
    crits = list(shipped.criterion_ids)
    opts = list(select(shipped).options)

    def member(profile: dict[str, int]) -> dict[str, float]:
        return {c: float(profile.get(c, 5)) * rng.uniform(0.7, 1.3) for c in crits}

    weights = [member(SECURITY) for _ in range(9)] + [member(RECONCILIATION) for _ in range(7)]
    weights.insert(5, {c: (10.0 if c == "economic" else 0.5) for c in crits})  # a lone economist
    camps = find_camps(shipped, opts, crits, weights)
    assert camps.clear and len(camps.camps) == 2 and camps.silhouette >= MIN_SILHOUETTE
    security, reconciliation = camps.camps  # by size
    assert set(security.members) == set(range(5)) | set(range(6, 10))
    assert set(reconciliation.members) == set(range(10, 17))
    assert camps.labels[5] == -1
    # each camp stands out by weighting its own concerns up and the other camp's down
    for camp, own, other in (
        (
            security,
            {"deterrence", "regional_order"},
            {"identity_reconciliation", "escalation_risk"},
        ),
        (
            reconciliation,
            {"identity_reconciliation", "escalation_risk"},
            {"deterrence", "regional_order"},
        ),
    ):
        ratios = {d.criterion: d.ratio for d in camp.distinctive}
        assert any(ratios.get(c, 0) >= 1.5 for c in own), ratios
        assert all(ratios[c] <= 1 / 1.5 for c in other & set(ratios)), ratios
        assert set(ratios) <= own | other, ratios
    ground = common_ground(shipped, opts, crits, camps, weights, top_k=5)
    assert ground.chance.shape == (len(opts), 2)
    assert all(len(set(c.top)) == 3 for c in camps.camps)


def test_a_room_in_agreement_in_the_shipped_catalog_has_no_clear_camps(shipped) -> None:
    rng = np.random.default_rng(11)
    crits = list(shipped.criterion_ids)
    weights = [{c: rng.uniform(0.6, 1.4) for c in crits} for _ in range(20)]
    camps = find_camps(shipped, list(select(shipped).options), crits, weights)
    assert len({tuple(r) for r in camps.ranks}) > 5  # they differ, but not in camps
    assert not camps.clear and [c.size for c in camps.camps] == [20]


# ------------------------------------------------------------------------------ across rounds
def hand(labels: list[int]) -> Camps:
    """Camps as a round's labels give them (only what the history reads)."""
    lab = np.array(labels, dtype=np.int64)
    count = int(lab.max()) + 1 if len(lab) >= 6 else 0
    camps = tuple(
        Camp(c, tuple(int(i) for i in np.flatnonzero(lab == c)), np.zeros(3), (), (), 0.0)
        for c in range(count)
    )
    return Camps(
        option_ids=tuple(OPTIONS),
        criterion_ids=tuple(CRITERIA),
        labels=lab,
        camps=camps,
        k=count,
        silhouette=None,
        clear=count > 1,
        reason="clear" if count > 1 else "no_clear_split" if count else "too_few",
        unassigned=int((lab < 0).sum()),
        ranks=np.zeros((len(lab), 4), dtype=np.int64),
        method="wsm",
        normalization="scale",
    )


def floors(values: list[float]) -> CommonGround:
    f = np.array(values)
    return CommonGround(
        tuple(OPTIONS), (0, 1), 3, 100, 0, np.c_[f, f], f, f, f, tuple(np.argsort(-f)), ()
    )


def test_camps_across_rounds_on_a_hand_made_history() -> None:
    # round 1: doves a–d (camp 0), hawks e–h (camp 1), x fits none
    # round 2: d has moved to the hawks, h left, i joined the doves and j the hawks, x still
    # fits none; the hawks are now the bigger camp, so the numbers swap
    r1 = (hand([0, 0, 0, 0, 1, 1, 1, 1, -1]), list("abcdefghx"))
    r2 = (hand([1, 0, 1, 1, 0, 0, 0, 1, 0, -1]), list("adbcefgijx"))
    history = camps_across_rounds({1: r1, 2: r2})
    (t,) = history.transitions
    # in both: a, b, c, d, e, f, g, x; stayed: a, b, c, e, f, g (matched camps) and x (none)
    assert (t.both, t.stayed, t.moved, t.joined, t.left) == (8, 7, 1, 2, 1)
    assert t.matched == ((0, 1), (1, 0))
    assert t.stability == pytest.approx(7 / 8)
    assert history.camps == (2, 2) and history.clear == (True, True)
    assert history.common == (None, None) and history.grew == (None,)


def test_camps_across_rounds_say_whether_common_ground_grew() -> None:
    keys = list("abcdef")
    by_round = {
        3: (hand([0, 0, 0, 1, 1, 1]), keys),
        1: (hand([0, 0, 0, 1, 1, 1]), keys),
        2: (hand([0, 0, 0, 1, 1]), keys[:5]),  # too few: no camps
    }
    common = {1: floors([0.9, 0.2, 0.1, 0.0]), 3: floors([0.9, 0.6, 0.5, 0.0])}
    history = camps_across_rounds(by_round, common)
    assert history.rounds == (1, 2, 3) and history.camps == (2, 0, 2)
    assert history.common == (1, None, 3) and history.grew == (None, None)
    first, second = history.transitions
    assert first.stayed is None and first.stability is None and (first.both, first.left) == (5, 1)
    assert first.unclear == ((2, "too_few"),) and second.unclear == ((2, "too_few"),)
    assert (second.joined, second.stayed) == (1, None)
    direct = camps_across_rounds({1: by_round[1], 3: by_round[3]}, common)
    assert direct.grew == (True,) and direct.transitions[0].stability == 1.0


def test_rounds_without_clear_camps_give_no_stability_figure(cat) -> None:
    # two rounds of a room in agreement: everyone is in "the room" both times, which says
    # nothing about camps, so there is no figure (it used to read "6 of 6 stayed (100 %)")
    agreeing = room((5, 4, 4), (6, 4, 3), (4, 4, 4), (5, 5, 4), (6, 3, 4), (5, 4, 3))
    keys = list("abcdef")
    one = find_camps(cat, OPTIONS, CRITERIA, agreeing)
    assert not one.clear and len(one.camps) == 1
    (t,) = camps_across_rounds({1: (one, keys), 2: (one, keys)}).transitions
    assert (t.both, t.stayed, t.moved, t.stability, t.matched) == (6, None, None, None, ())
    assert t.unclear == ((1, "too_small"), (2, "too_small"))
    # clear camps in one round only: still no figure, and the unclear round is named
    split = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES[:3], *HAWKS[:3]))
    assert split.clear
    (u,) = camps_across_rounds({1: (split, keys), 2: (one, keys)}).transitions
    assert (u.stayed, u.moved, u.stability) == (None, None, None)
    assert u.unclear == ((2, "too_small"),) and (u.joined, u.left) == (0, 0)
    # clear both times: the figure is there
    (v,) = camps_across_rounds({1: (split, keys), 2: (split, keys)}).transitions
    assert (v.stayed, v.moved, v.stability, v.unclear) == (6, 0, 1.0, ())


def test_camps_across_rounds_check_their_input() -> None:
    with pytest.raises(InputError, match="round 1: 5 participant keys for 6"):
        camps_across_rounds({1: (hand([0, 0, 0, 1, 1, 1]), list("abcde"))})
    with pytest.raises(InputError, match="appears twice"):
        camps_across_rounds({1: (hand([0, 0, 0, 1, 1, 1]), list("abcdea"))})
    other_k = dataclasses.replace(floors([1, 0, 0, 0]), top_k=5)
    with pytest.raises(InputError, match="same k"):
        camps_across_rounds(
            {1: (hand([0] * 6), list("abcdef")), 2: (hand([0] * 6), list("abcdef"))},
            {1: floors([1, 0, 0, 0]), 2: other_k},
        )


def test_a_round_nobody_has_submitted_in_yet_has_no_transition(cat) -> None:
    # round 2 has just opened: nobody has submitted, so nobody "left" the camps of round 1
    split = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES[:3], *HAWKS[:3]))
    empty = find_camps(cat, OPTIONS, CRITERIA, [])
    assert empty.participants == 0 and empty.reason == "no_submissions"
    history = camps_across_rounds({1: (split, list("abcdef")), 2: (empty, [])})
    assert history.transitions == () and history.empty == (2,)
    assert history.submissions == (6, 0) and history.rounds == (1, 2)
    # once someone submits, the transition is there again
    later = camps_across_rounds({1: (split, list("abcdef")), 2: (split, list("abcdef"))})
    assert len(later.transitions) == 1 and later.empty == ()
