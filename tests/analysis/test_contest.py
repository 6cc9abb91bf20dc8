"""policybench.analysis.contest: contested cells on hand-made rooms whose answers are worked out
below, the ranking "if the room is right", and properties (the order of participants and of
challenges changes nothing).

With the one participant LEAD (feasibility 2, deterrence 1, backlash 1: shares ½, ¼, ¼) the
weighted sum on the 0–10 scales is (2·feasibility + deterrence + 10 − backlash) / 40:
status quo 28, liaison 20, summits 25, 2+2 24 (×1/40), so the group ranks status quo 1st,
summits 2nd, 2+2 3rd, liaison 4th. Then:

- liaison feasibility 4 → 10 gives liaison 32: 1st, ahead of all three (3 pairs flip; rank
  changes 3 + 1 + 1 + 1 = 6);
- 2+2 deterrence 7 → 9 gives 2+2 26: past summits only (1 pair; shift 2);
- summits backlash 3 → 2 gives summits 26: still 2nd (nothing changes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policybench.analysis.contest import (
    ContestedCell,
    by_impact,
    contested,
    group_ranks_under,
    if_room_right,
    kendall_distance,
    overrides_from,
    top_changes,
    top_weighted_distance,
)
from policybench.analysis.workshop import COMBINATIONS, group_result
from policybench.errors import InputError
from policybench.robustness import kendall_tau_b

CRITERIA = ["feasibility", "deterrence", "backlash"]
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
LEAD = {"feasibility": 2.0, "deterrence": 1.0, "backlash": 1.0}
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}
CY = {"feasibility": 3.0, "deterrence": 3.0, "backlash": 3.0}


@dataclass(frozen=True)
class Proposed:
    option: str
    criterion: str
    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Decided:
    option: str
    criterion: str
    decision: str
    value: float | None


def ranks_of(ranks: np.ndarray) -> dict[str, int]:
    return {o: int(r) for o, r in zip(OPTIONS, ranks, strict=True)}


def test_a_median_outside_the_catalogs_range_is_flagged(cat) -> None:
    # liaison feasibility is 4 (3–5) in the catalog; the room says 8 and 9
    props = [Proposed("liaison", "feasibility", 8.0), Proposed("liaison", "feasibility", 9.0)]
    props += [Proposed("summits", "backlash", 4.0, low=3.0, high=4.5)]  # at the catalog's high
    cells = {(c.option, c.criterion): c for c in contested(cat, OPTIONS, CRITERIA, [LEAD], props)}
    out = cells[("liaison", "feasibility")]
    assert (out.value, out.low, out.high) == (4.0, 3.0, 5.0)
    assert (out.count, out.median, out.min, out.max) == (2, 8.5, 8.0, 9.0)
    assert out.iqr == pytest.approx(0.5) and out.outside
    inside = cells[("summits", "backlash")]
    assert (inside.high, inside.median, inside.outside) == (4.0, 4.0, False)
    assert (inside.room_low, inside.room_high) == (3.0, 4.5)  # the proposed range, not the value
    assert out.adopted is None and inside.adopted is None


def test_the_cell_that_moves_the_ranking_more_sorts_first(cat) -> None:
    base = group_ranks_under(cat, OPTIONS, CRITERIA, [LEAD])
    assert ranks_of(base) == {"status-quo": 1, "summits": 2, "two-plus-two": 3, "liaison": 4}
    props = [Proposed("summits", "backlash", 2.0)] * 3  # most challenged, changes nothing
    props += [Proposed("two-plus-two", "deterrence", v) for v in (8.0, 9.0, 10.0)]
    props += [Proposed("liaison", "feasibility", 10.0)]
    cells = contested(cat, OPTIONS, CRITERIA, [LEAD], props)
    assert [(c.option, c.criterion) for c in cells] == [
        ("liaison", "feasibility"),
        ("two-plus-two", "deterrence"),
        ("summits", "backlash"),
    ]
    first, second, third = cells
    assert (first.impact, first.shift, first.rank_before, first.rank_after) == (3.0, 6, 4, 1)
    assert first.rank_change == 3
    assert (second.median, second.impact, second.shift, second.rank_change) == (9.0, 1.0, 2, 1)
    assert (third.count, third.impact) == (3, 0.0)  # the most challenged sorts last


def test_a_median_that_changes_nothing_has_impact_zero(cat) -> None:
    (cell,) = contested(cat, OPTIONS, CRITERIA, [LEAD], [Proposed("summits", "backlash", 2.0)])
    assert (cell.impact, cell.shift, cell.rank_change) == (0.0, 0, 0)
    assert cell.rank_before == cell.rank_after == 2


def test_equal_impact_sorts_by_challenges_then_ids(cat) -> None:
    props = [Proposed("summits", "backlash", 2.0), Proposed("status-quo", "feasibility", 9.5)]
    props += [Proposed("summits", "feasibility", 7.5)] * 2
    cells = contested(cat, OPTIONS, CRITERIA, [LEAD], props)
    assert all(c.impact == 0 for c in cells)
    assert [(c.option, c.criterion) for c in cells] == [
        ("summits", "feasibility"),  # two challenges
        ("status-quo", "feasibility"),  # one each: by option id
        ("summits", "backlash"),
    ]


def test_adopted_scores_are_the_baseline(cat) -> None:
    adopted = {"liaison": {"feasibility": 10.0}}
    # with liaison at 10 it is 1st (32), status quo 2nd, summits 3rd (25), 2+2 4th (24)
    base = group_ranks_under(cat, OPTIONS, CRITERIA, [LEAD], adopted)
    assert ranks_of(base) == {"liaison": 1, "status-quo": 2, "summits": 3, "two-plus-two": 4}
    props = [Proposed("two-plus-two", "deterrence", 9.0), Proposed("liaison", "feasibility", 10.0)]
    cells = {
        (c.option, c.criterion): c
        for c in contested(cat, OPTIONS, CRITERIA, [LEAD], props, overrides=adopted)
    }
    moved = cells[("two-plus-two", "deterrence")]
    assert (moved.rank_before, moved.rank_after, moved.impact) == (4, 3, 1.0)
    same = cells[("liaison", "feasibility")]
    assert same.adopted == 10.0 and same.impact == 0.0 and same.value == 4.0  # catalog's value


def test_the_group_ranking_under_overrides_is_group_results(cat) -> None:
    adopted = {"liaison": {"feasibility": 9.0}, "summits": {"deterrence": 2.0}}
    room = [ANA, BOB, CY]
    for combination in COMBINATIONS:
        ranks = group_ranks_under(cat, OPTIONS, CRITERIA, room, adopted, combination=combination)
        res = group_result(cat, OPTIONS, CRITERIA, room, combination=combination, overrides=adopted)
        np.testing.assert_array_equal(ranks, res.group_ranking)
    topsis = group_ranks_under(cat, OPTIONS, CRITERIA, room, adopted, method="topsis")
    res = group_result(cat, OPTIONS, CRITERIA, room, method="topsis", overrides=adopted)
    np.testing.assert_array_equal(topsis, res.group_ranking)


def test_impact_on_a_combined_ranking_is_measured_on_that_ranking(cat) -> None:
    room = [ANA, BOB, CY]
    props = [Proposed("liaison", "feasibility", 10.0), Proposed("status-quo", "deterrence", 0.0)]
    for c in contested(cat, OPTIONS, CRITERIA, room, props, combination="borda"):
        before = group_ranks_under(cat, OPTIONS, CRITERIA, room, combination="borda")
        after = group_ranks_under(
            cat, OPTIONS, CRITERIA, room, {c.option: {c.criterion: c.median}}, combination="borda"
        )
        assert c.impact == kendall_distance(before, after)
        assert c.shift == int(np.abs(before - after).sum())


def test_kendall_distance_counts_flipped_pairs_and_half_a_tie() -> None:
    assert kendall_distance([1, 2, 3, 4], [1, 2, 3, 4]) == 0
    assert kendall_distance([1, 2, 3, 4], [4, 3, 2, 1]) == 6
    assert kendall_distance([1, 2, 3], [1, 3, 2]) == 1
    assert kendall_distance([1, 2, 3], [1, 2, 2]) == 0.5


def test_if_the_room_is_right_with_no_proposals_is_the_baseline(cat) -> None:
    adopted = {"liaison": {"feasibility": 10.0}}
    res = if_room_right(cat, OPTIONS, CRITERIA, [ANA, BOB, CY], [], overrides=adopted)
    expected = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB, CY], overrides=adopted)
    np.testing.assert_array_equal(res.baseline, expected.group_ranking)
    np.testing.assert_array_equal(res.room, res.baseline)
    assert res.tau == 1.0 and res.entering == () and res.leaving == () and not res.changed
    assert res.overrides == adopted


def test_if_the_room_is_right_every_median_is_in_place(cat) -> None:
    props = [Proposed("liaison", "feasibility", 10.0), Proposed("two-plus-two", "deterrence", 9.0)]
    props += [
        Proposed("two-plus-two", "deterrence", 8.0),
        Proposed("two-plus-two", "deterrence", 10.0),
    ]
    # liaison 32, status quo 28, 2+2 26, summits 25
    res = if_room_right(cat, OPTIONS, CRITERIA, [LEAD], props, top=2)
    assert ranks_of(res.room) == {"liaison": 1, "status-quo": 2, "two-plus-two": 3, "summits": 4}
    assert res.entering == ("liaison",) and res.leaving == ("summits",)
    # two pairs agree (status quo before 2+2 and before summits), four flip: (2 - 4) / 6
    assert res.tau == pytest.approx(-1 / 3)
    assert res.tau == pytest.approx(float(kendall_tau_b(res.baseline, res.room)))
    assert res.overrides == {"liaison": {"feasibility": 10.0}, "two-plus-two": {"deterrence": 9.0}}
    first = if_room_right(cat, OPTIONS, CRITERIA, [LEAD], props, top=1)
    assert (first.entering, first.leaving) == (("liaison",), ("status-quo",))
    everyone = if_room_right(cat, OPTIONS, CRITERIA, [LEAD], props)  # the top five: all four
    assert everyone.changed and everyone.entering == everyone.leaving == ()


def test_a_median_overrides_an_adopted_score_for_the_room(cat) -> None:
    adopted = {"liaison": {"feasibility": 10.0}}
    res = if_room_right(
        cat, OPTIONS, CRITERIA, [LEAD], [Proposed("liaison", "feasibility", 4.0)], overrides=adopted
    )
    assert res.overrides == {"liaison": {"feasibility": 4.0}}  # the median over the adopted 10
    assert ranks_of(res.baseline)["liaison"] == 1 and ranks_of(res.room)["liaison"] == 4


def test_overrides_from_keeps_the_adopted_values_only() -> None:
    decisions = [
        Decided("summits", "deterrence", "adopted", 5.5),
        Decided("liaison", "feasibility", "rejected", None),
        Decided("liaison", "backlash", "adopted", 7.0),
        Decided("status-quo", "feasibility", "rejected", 3.0),
    ]
    out = overrides_from(decisions)
    assert out == {"liaison": {"backlash": 7.0}, "summits": {"deterrence": 5.5}}
    assert list(out) == ["liaison", "summits"] and overrides_from([]) == {}


def test_rejected_cells_are_left_out_of_the_room_and_listed(cat) -> None:
    props = [Proposed("liaison", "feasibility", 10.0), Proposed("two-plus-two", "deterrence", 9.0)]
    decisions = [
        Decided("liaison", "feasibility", "rejected", None),
        Decided("summits", "backlash", "rejected", None),  # not challenged: not listed
    ]
    res = if_room_right(cat, OPTIONS, CRITERIA, [LEAD], props, top=2, decisions=decisions)
    # only 2+2 deterrence 9 is in place: 2+2 26 passes summits 25; liaison stays 4th at 20
    assert ranks_of(res.room) == {"status-quo": 1, "two-plus-two": 2, "summits": 3, "liaison": 4}
    assert res.rejected == (("liaison", "feasibility"),)
    assert res.entering == ("two-plus-two",) and res.leaving == ("summits",)
    assert res.overrides == {"two-plus-two": {"deterrence": 9.0}}
    kept = if_room_right(cat, OPTIONS, CRITERIA, [LEAD], props, top=2)  # no decisions: all in
    assert kept.rejected == () and ranks_of(kept.room)["liaison"] == 1


def test_contested_cells_carry_the_facilitators_decision(cat) -> None:
    props = [Proposed("liaison", "feasibility", 10.0), Proposed("two-plus-two", "deterrence", 9.0)]
    props += [Proposed("summits", "backlash", 2.0)]
    decisions = [
        Decided("liaison", "feasibility", "rejected", None),
        Decided("two-plus-two", "deterrence", "adopted", 9.0),
    ]
    cells = contested(cat, OPTIONS, CRITERIA, [LEAD], props, decisions=decisions)
    marks = {(c.option, c.criterion): c.decision for c in cells}
    assert marks == {
        ("liaison", "feasibility"): "rejected",
        ("two-plus-two", "deterrence"): "adopted",
        ("summits", "backlash"): None,
    }
    # the decisions mark, they do not reorder: the same order as without them
    plain = contested(cat, OPTIONS, CRITERIA, [LEAD], props)
    assert [(c.option, c.criterion) for c in cells] == [(c.option, c.criterion) for c in plain]


def _moved(n: int, before: int, after: int) -> tuple[np.ndarray, np.ndarray]:
    """Ranks 1..n, and the same with the option at ``before`` moved to ``after``."""
    order = list(range(n))  # option k at rank k + 1
    moved = order.pop(before - 1)
    order.insert(after - 1, moved)
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(1, n + 1)
    return np.arange(1, n + 1), ranks


def test_a_change_at_the_top_outweighs_a_longer_one_below() -> None:
    low = _moved(30, 17, 27)  # ten pairs flip, all below the top five
    high = _moved(30, 8, 2)  # six pairs flip; one option enters the top five, one leaves
    assert kendall_distance(*low) == 10 and kendall_distance(*high) == 6
    assert top_changes(*low) == 0 and top_changes(*high) == 2
    assert top_changes(*high, top=10) == 0  # 2nd..8th all stay within a top ten
    # each flip counts 1 / (the best rank either option of the pair holds in either ranking):
    # the moved option is 17th at best in ten flips, 2nd at best in six
    assert top_weighted_distance(*low) == pytest.approx(10 / 17)
    assert top_weighted_distance(*high) == pytest.approx(6 / 2)
    assert top_weighted_distance([1, 2, 3], [2, 1, 3]) == 1.0  # a swap for first counts one
    assert top_weighted_distance(*high) > top_weighted_distance(*low)
    assert top_weighted_distance(*low[:1], low[0]) == 0.0


def _cell(option: str, top: int, weighted: float, pairs: float, shift: int) -> ContestedCell:
    return ContestedCell(
        option=option, criterion="feasibility", value=5.0, low=4.0, high=6.0, count=1,
        median=8.0, min=8.0, max=8.0, iqr=0.0, room_low=8.0, room_high=8.0, outside=True,
        adopted=None, impact=pairs, shift=shift, rank_before=1, rank_after=1,
        top_changes=top, weighted=weighted,
    )  # fmt: skip


def test_the_cell_that_brings_an_option_into_the_top_sorts_first() -> None:
    below = _cell("a-below", top=0, weighted=10 / 17, pairs=10.0, shift=20)  # 17th → 27th
    into = _cell("b-into", top=2, weighted=3.0, pairs=6.0, shift=12)  # 8th → 2nd
    reshuffle = _cell("c-top", top=0, weighted=1.0, pairs=1.0, shift=2)  # 1st ↔ 2nd
    ordered = by_impact([below, reshuffle, into])
    assert [c.option for c in ordered] == ["b-into", "c-top", "a-below"]
    # with the top equal, the plain pair count breaks a tie of the weighted distance
    tie = _cell("d-tie", top=0, weighted=1.0, pairs=3.0, shift=2)
    assert [c.option for c in by_impact([reshuffle, tie])] == ["d-tie", "c-top"]


def test_what_cannot_be_measured_is_refused(cat) -> None:
    ok = [Proposed("liaison", "feasibility", 8.0)]
    with pytest.raises(InputError, match="no submissions"):
        contested(cat, OPTIONS, CRITERIA, [], ok)
    with pytest.raises(InputError, match="option 'nowhere', which is not in play"):
        contested(cat, OPTIONS, CRITERIA, [LEAD], [Proposed("nowhere", "feasibility", 1.0)])
    with pytest.raises(InputError, match="criterion 'backlash', which is not in play"):
        contested(cat, OPTIONS, CRITERIA[:2], [LEAD], [Proposed("liaison", "backlash", 1.0)])
    with pytest.raises(InputError, match=r"liaison/feasibility proposes value 11.0, off the 0–10"):
        contested(cat, OPTIONS, CRITERIA, [LEAD], [Proposed("liaison", "feasibility", 11.0)])
    with pytest.raises(InputError, match="proposes high nan"):
        if_room_right(
            cat, OPTIONS, CRITERIA, [LEAD], [Proposed("liaison", "feasibility", 1.0, 0.0, np.nan)]
        )
    with pytest.raises(InputError, match="top must be 1 or more"):
        if_room_right(cat, OPTIONS, CRITERIA, [LEAD], ok, top=0)
    with pytest.raises(InputError, match="unknown combination"):
        group_ranks_under(cat, OPTIONS, CRITERIA, [LEAD], combination="vote")
    with pytest.raises(InputError, match="off the 0–10 scale"):
        group_ranks_under(cat, OPTIONS, CRITERIA, [LEAD], {"liaison": {"feasibility": 12.0}})


# ------------------------------------------------------------------------------ properties
weights_st = st.lists(
    st.fixed_dictionaries({c: st.integers(1, 10).map(float) for c in CRITERIA}),
    min_size=1,
    max_size=5,
)
proposals_st = st.lists(
    st.builds(
        Proposed,
        st.sampled_from(OPTIONS),
        st.sampled_from(CRITERIA),
        st.integers(0, 20).map(lambda v: v / 2),
    ),
    max_size=8,
)


@given(
    weights=weights_st,
    proposals=proposals_st,
    combination=st.sampled_from(COMBINATIONS),
    data=st.data(),
)
def test_the_order_of_participants_and_challenges_changes_nothing(
    cat, weights, proposals, combination, data
) -> None:
    people = data.draw(st.permutations(weights))
    said = data.draw(st.permutations(proposals))
    args = {"combination": combination}
    assert contested(cat, OPTIONS, CRITERIA, weights, proposals, **args) == contested(
        cat, OPTIONS, CRITERIA, people, said, **args
    )
    a = if_room_right(cat, OPTIONS, CRITERIA, weights, proposals, **args)
    b = if_room_right(cat, OPTIONS, CRITERIA, people, said, **args)
    np.testing.assert_array_equal(a.room, b.room)
    np.testing.assert_array_equal(a.baseline, b.baseline)
    assert (a.entering, a.leaving, a.overrides) == (b.entering, b.leaving, b.overrides)
