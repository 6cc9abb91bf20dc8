"""policybench.analysis.rounds: a room that stands still, a room that converges (everyone moves
halfway to LEAD's weights, then all the way), movement worked out by hand, and relabelling or
reordering participants changing nothing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policybench import group
from policybench.analysis.rounds import convergence, latest_submitted
from policybench.analysis.workshop import group_result
from policybench.errors import InputError, WeightsError

CRITERIA = ["feasibility", "deterrence", "backlash"]
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}
CY = {"feasibility": 3.0, "deterrence": 3.0, "backlash": 3.0}
LEAD = {"feasibility": 2.0, "deterrence": 1.0, "backlash": 1.0}


def shares(w: dict[str, float]) -> np.ndarray:
    v = np.array([w[c] for c in CRITERIA])
    return v / v.sum()


def halfway(w: dict[str, float], to: dict[str, float]) -> dict[str, float]:
    return dict(zip(CRITERIA, (shares(w) + shares(to)) / 2, strict=True))


def test_a_room_that_does_not_move(cat) -> None:
    room = {"a": ANA, "b": BOB, "c": CY}
    conv = convergence(cat, OPTIONS, CRITERIA, {1: room, 2: dict(room)})
    one, two = conv.rounds
    assert (one.round, two.round, one.submissions, two.submissions) == (1, 2, 3, 3)
    expected = group_result(cat, OPTIONS, CRITERIA, list(room.values())).concordance
    assert expected is not None
    assert one.concordance == two.concordance == expected
    assert one.w == expected.w and one.p_value == expected.p_value
    np.testing.assert_array_equal(one.spread, two.spread)
    (move,) = conv.moves
    assert (move.before, move.after, move.participants) == (1, 2, ("a", "b", "c"))
    assert list(move.distance) == [0.0, 0.0, 0.0] and move.mean == 0.0
    assert conv.movement_into(2) is move and conv.movement_into(1) is None


def test_a_room_that_converges(cat) -> None:
    first = {"a": ANA, "b": BOB, "c": CY}
    second = {k: halfway(w, LEAD) for k, w in first.items()}
    third = {k: LEAD for k in first}
    conv = convergence(cat, OPTIONS, CRITERIA, {3: third, 1: first, 2: second})
    assert [r.round for r in conv.rounds] == [1, 2, 3]  # by number, whatever the mapping's order
    w = [r.w for r in conv.rounds]
    assert w[0] < w[1] < w[2] == 1.0  # identical rankings without ties agree completely
    # moving halfway to the same weights halves every interquartile range
    np.testing.assert_allclose(conv.rounds[1].spread, conv.rounds[0].spread / 2)
    np.testing.assert_array_equal(conv.rounds[2].spread, [0.0, 0.0, 0.0])
    np.testing.assert_allclose(conv.rounds[2].median, [0.5, 0.25, 0.25])
    # Ana: (10, 1, 2)/13 to (2, 1, 1)/4 moves |10/13 − 1/2| + |1/13 − 1/4| + |2/13 − 1/4|
    # = 7/26 + 9/52 + 5/52 = 7/13, half of it 7/26; halfway, half that
    ana = [float(m.distance[m.participants.index("a")]) for m in conv.moves]
    assert ana == pytest.approx([7 / 52, 7 / 52])
    means = [m.mean for m in conv.moves]
    assert means[0] == pytest.approx(means[1]) and means[0] > 0


def test_spread_follows_the_criteria_and_the_median_is_the_plain_median(cat) -> None:
    room = {"a": ANA, "b": BOB, "c": CY, "d": LEAD}
    (one,) = convergence(cat, OPTIONS, CRITERIA, {1: room}).rounds
    matrix = np.array([shares(w) for w in room.values()])
    q1, q3 = np.percentile(matrix, [25, 75], axis=0)
    np.testing.assert_allclose(one.spread, q3 - q1)  # criteria order, not most contested first
    # shares: Ana (10, 1, 2)/13, Bob (1, 10, 5)/16, Cy 1/3 each, Lead (2, 1, 1)/4; the median of
    # four is the mean of the middle two:
    # feasibility 1/16, 1/3, 1/2, 10/13 → (1/3 + 1/2)/2 = 5/12
    # deterrence 1/13, 1/4, 1/3, 10/16 → (1/4 + 1/3)/2 = 7/24
    # backlash 2/13, 1/4, 5/16, 1/3 → (1/4 + 5/16)/2 = 9/32
    np.testing.assert_allclose(one.median, [5 / 12, 7 / 24, 9 / 32])
    assert one.median.sum() == pytest.approx(95 / 96)  # not rescaled to sum to 1
    assert (q1 <= one.median).all() and (one.median <= q3).all()  # inside its own spread
    np.testing.assert_allclose(one.shares, matrix)


def test_a_room_whose_median_is_zero_everywhere_is_summarised_not_refused(cat) -> None:
    # each puts all the weight on a different criterion: every criterion's shares are 1, 0, 0,
    # so every median is 0 (the median rule of the group's weights would refuse this room) and
    # every interquartile range is 0.5 − 0 (the 75th percentile lies halfway from 0 to 1)
    alone = [dict.fromkeys(CRITERIA, 0.0) | {c: 5.0} for c in CRITERIA]
    room = dict(zip("abc", alone, strict=True))
    conv = convergence(cat, OPTIONS, CRITERIA, {1: room, 2: {**room, "a": ANA}})
    one, two = conv.rounds
    np.testing.assert_array_equal(one.median, [0.0, 0.0, 0.0])
    np.testing.assert_allclose(one.spread, [0.5, 0.5, 0.5])
    assert one.submissions == 3 and one.w is not None and 0 <= one.w <= 1
    # round 2: a moves to Ana's (10, 1, 2)/13; columns (10/13, 0, 0), (1/13, 1, 0), (2/13, 0, 1)
    np.testing.assert_allclose(two.median, [0.0, 1 / 13, 2 / 13])
    # a moved |1 − 10/13| + 1/13 + 2/13 = 6/13 of the weight, half of it 3/13
    assert conv.moves[0].distance[0] == pytest.approx(3 / 13)
    with pytest.raises(WeightsError, match=r"median .* use the mean instead"):
        group.combine_weights(one.shares, "median")


def test_moving_all_the_weight_is_one_and_only_those_in_both_rounds_count(cat) -> None:
    before = {"a": {"feasibility": 1.0, "deterrence": 0.0, "backlash": 0.0}, "gone": CY}
    after = {"new": BOB, "a": {"feasibility": 0.0, "deterrence": 3.0, "backlash": 0.0}}
    (move,) = convergence(cat, OPTIONS, CRITERIA, {1: before, 2: after}).moves
    assert move.participants == ("a",) and list(move.distance) == [1.0] and move.mean == 1.0


def test_rounds_with_too_few_submissions(cat) -> None:
    conv = convergence(cat, OPTIONS, CRITERIA, {1: {"a": ANA}, 2: {}, 3: {"a": ANA, "b": BOB}})
    one, empty, three = conv.rounds
    assert one.submissions == 1 and one.concordance is None and one.w is None
    assert one.p_value is None
    np.testing.assert_array_equal(one.spread, [0.0, 0.0, 0.0])
    assert empty.submissions == 0 and empty.w is None
    assert np.isnan(empty.spread).all() and np.isnan(empty.median).all()
    assert three.w is not None and math.isfinite(three.w)
    assert [m.mean for m in conv.moves] == [None, None]  # nobody in both of either pair


def test_adopted_scores_rank_as_in_the_group_result(cat) -> None:
    adopted = {"liaison": {"feasibility": 10.0, "deterrence": 10.0, "backlash": 0.0}}
    room = {"a": ANA, "b": BOB, "c": CY}
    plain = convergence(cat, OPTIONS, CRITERIA, {1: room}).rounds[0]
    adjusted = convergence(cat, OPTIONS, CRITERIA, {1: room}, overrides=adopted).rounds[0]
    expected = group_result(cat, OPTIONS, CRITERIA, list(room.values()), overrides=adopted)
    assert adjusted.concordance == expected.concordance and adjusted.w != plain.w
    topsis = convergence(cat, OPTIONS, CRITERIA, {1: room}, method="topsis")
    res = group_result(cat, OPTIONS, CRITERIA, list(room.values()), method="topsis")
    assert topsis.rounds[0].concordance == res.concordance and topsis.normalization == "minmax"


def test_bad_input_is_refused_with_the_round_named(cat) -> None:
    with pytest.raises(InputError, match="no rounds"):
        convergence(cat, OPTIONS, CRITERIA, {})
    zero = {"feasibility": 0.0, "deterrence": 0.0, "backlash": 0.0}
    with pytest.raises(WeightsError, match=r"^round 2: "):
        convergence(cat, OPTIONS, CRITERIA, {1: {"a": ANA}, 2: {"a": zero}})
    with pytest.raises(InputError, match="unknown method"):
        convergence(cat, OPTIONS, CRITERIA, {1: {"a": ANA}}, method="vote")


# ------------------------------------------------------------------------------ properties
weight_st = st.fixed_dictionaries({c: st.integers(1, 10).map(float) for c in CRITERIA})
rooms_st = st.dictionaries(
    st.integers(1, 4),
    st.dictionaries(st.sampled_from(["p0", "p1", "p2", "p3", "p4"]), weight_st, max_size=5),
    min_size=1,
    max_size=3,
)


@given(rooms=rooms_st, data=st.data())
def test_relabelling_and_reordering_participants_changes_nothing(cat, rooms, data) -> None:
    keys = sorted({k for room in rooms.values() for k in room})
    new = data.draw(
        st.lists(
            st.text(min_size=1, max_size=6), min_size=len(keys), max_size=len(keys), unique=True
        )
    )
    rename = dict(zip(keys, new, strict=True))
    relabelled = {}
    for number, room in rooms.items():
        order = data.draw(st.permutations(list(room)))
        relabelled[number] = {rename[k]: room[k] for k in order}
    a = convergence(cat, OPTIONS, CRITERIA, rooms)
    b = convergence(cat, OPTIONS, CRITERIA, relabelled)
    for x, y in zip(a.rounds, b.rounds, strict=True):
        assert (x.round, x.submissions) == (y.round, y.submissions)
        assert (x.w is None) == (y.w is None)
        if x.w is not None and y.w is not None:
            assert x.w == pytest.approx(y.w, nan_ok=True)
        np.testing.assert_allclose(x.spread, y.spread)
        np.testing.assert_allclose(x.median, y.median)
    for m, n in zip(a.moves, b.moves, strict=True):
        assert {rename[k] for k in m.participants} == set(n.participants)
        moved = dict(zip(m.participants, m.distance, strict=True))
        for k, d in zip(n.participants, n.distance, strict=True):
            assert d == pytest.approx(moved[next(o for o in keys if rename[o] == k)])
        assert (m.mean is None) == (n.mean is None)
        if m.mean is not None:
            assert m.mean == pytest.approx(n.mean)


def test_latest_submitted_is_the_latest_round_anyone_submitted_in() -> None:
    assert latest_submitted({}) is None
    assert latest_submitted({1: [], 2: []}) is None
    assert latest_submitted({1: ["a"], 2: []}) == 1
    assert latest_submitted({1: ["a"], 2: ["b"], 3: []}) == 2
    assert latest_submitted({3: ["c"], 1: ["a"], 2: []}) == 3, "whatever the mapping's order"
    assert latest_submitted({1: [], 2: ["b"]}) == 2
