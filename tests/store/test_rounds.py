"""Rounds on SQLite and PostgreSQL: the facilitator opens the next round only after a reveal;
a submission belongs to the round it was made in (round 2 never touches round 1, whose weights
stay readable); a participant starts a round from their previous weights; participants see a
round's weights (without names) only once it is over or revealed."""

from __future__ import annotations

import pytest

from policybench.store import (
    Facilitator,
    InvalidValueError,
    ParticipantTokenError,
    Store,
    WorkshopStateError,
    WrongPassphraseError,
)

OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
PASS = "correct horse battery"


def _w(a: float, b: float = 1.0, c: float = 1.0) -> dict[str, float]:
    return {"feasibility": float(a), "deterrence": float(b), "backlash": float(c)}


@pytest.fixture
def f(store: Store) -> Facilitator:
    return store.workshops.create("Rounds", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)


def _close_round(store: Store, f: Facilitator) -> None:
    store.workshops.lock(f)
    store.workshops.reveal(f)


def test_the_next_round_opens_only_after_a_reveal(store: Store, f: Facilitator) -> None:
    w = store.workshops
    assert w.get(f.code).round == 1
    with pytest.raises(WorkshopStateError, match="it is open; lock and reveal this round first"):
        w.next_round(f)
    w.lock(f)
    with pytest.raises(WorkshopStateError, match="it is locked; reveal this round first"):
        w.next_round(f)
    revealed = w.reveal(f)
    assert (revealed.round, revealed.results_visible) == (1, True)
    second = w.next_round(f)
    assert (second.state, second.round, second.revealed_at, second.results_visible) == (
        "open",
        2,
        None,
        False,
    )
    assert w.get(f.code) == second
    w.lock(f)
    assert w.reopen(f).round == 2, "reopening stays in the round"
    _close_round(store, f)
    assert w.next_round(f).round == 3
    w.close(f)
    with pytest.raises(
        WorkshopStateError, match="cannot open another round of the workshop: it is closed"
    ):
        w.next_round(f)
    assert w.get(f.code).round == 3


def test_only_the_facilitator_opens_a_round_or_reads_the_rounds(
    store: Store, f: Facilitator
) -> None:
    forged = Facilitator(f.code, f.workshop_id, object())
    for call in (
        lambda: store.workshops.next_round(forged),
        lambda: store.workshops.rounds(forged),
        lambda: store.workshops.submissions(forged, 1),
    ):
        with pytest.raises(WrongPassphraseError, match="only the facilitator"):
            call()
    assert store.workshops.get(f.code).round == 1


def test_a_submission_in_round_2_does_not_touch_round_1(store: Store, f: Facilitator) -> None:
    w = store.workshops
    ana = w.join(f.code, "Ana")
    w.submit(f.code, ana.token, _w(1), {"feasibility": "first thought"})
    first = w.submit(f.code, ana.token, _w(2), {"feasibility": "second thought"})
    assert (first.round, first.revision) == (1, 2)
    _close_round(store, f)
    w.next_round(f)

    assert w.my_submission(f.code, ana.token) is None, "round 2 starts empty"
    assert w.participant(f.code, ana.token).submitted is False
    assert w.my_previous(f.code, ana.token) == first, "...from round 1's weights"
    second = w.submit(f.code, ana.token, _w(7))
    assert (second.round, second.revision, second.weights, second.reasons) == (2, 1, _w(7), {})
    assert second.submitted_at > first.submitted_at
    revised = w.submit(f.code, ana.token, _w(8))
    assert (revised.round, revised.revision, revised.submitted_at) == (2, 2, second.submitted_at)

    assert w.my_submission(f.code, ana.token, 1) == first, "round 1 exactly as it was"
    assert w.my_submission(f.code, ana.token) == revised
    assert w.my_submission(f.code, ana.token, round=2) == revised
    assert w.submissions(f, 1) == [first]
    assert w.submissions(f) == [revised] == w.submissions(f, 2)
    assert w.rounds(f) == {1: [first], 2: [revised]}
    assert w.my_previous(f.code, ana.token) == first


def test_my_previous_is_the_latest_earlier_round_i_submitted_in(
    store: Store, f: Facilitator
) -> None:
    w = store.workshops
    ana, bo = w.join(f.code, "Ana"), w.join(f.code, "Bo")
    assert w.my_previous(f.code, ana.token) is None, "round 1 has no earlier round"
    w.submit(f.code, ana.token, _w(1))
    w.submit(f.code, bo.token, _w(2))
    _close_round(store, f)
    w.next_round(f)
    w.submit(f.code, bo.token, _w(3))  # Ana sits round 2 out
    _close_round(store, f)
    w.next_round(f)
    ana_prev, bo_prev = w.my_previous(f.code, ana.token), w.my_previous(f.code, bo.token)
    assert ana_prev is not None and (ana_prev.round, ana_prev.weights) == (1, _w(1))
    assert bo_prev is not None and (bo_prev.round, bo_prev.weights) == (2, _w(3))
    rounds = w.rounds(f)
    assert [[s.display_name for s in rounds[r]] for r in (1, 2, 3)] == [["Ana", "Bo"], ["Bo"], []]


def test_who_submitted_means_in_the_current_round(store: Store, f: Facilitator) -> None:
    w = store.workshops
    ana, bo = w.join(f.code, "Ana"), w.join(f.code, "Bo")
    w.submit(f.code, ana.token, _w(1))
    w.submit(f.code, ana.token, _w(2))
    w.submit(f.code, bo.token, _w(1))
    assert [(p.submitted, p.revision) for p in w.participants(f)] == [(True, 2), (True, 1)]
    _close_round(store, f)
    w.next_round(f)
    assert [(p.submitted, p.revision) for p in w.participants(f)] == [(False, 0), (False, 0)]
    w.submit(f.code, bo.token, _w(5))
    late = w.join(f.code, "Late")  # a round is open: newcomers may join
    people = w.participants(f)
    assert [(p.display_name, p.submitted, p.revision) for p in people] == [
        ("Ana", False, 0),
        ("Bo", True, 1),
        ("Late", False, 0),
    ]
    assert w.participant(f.code, bo.token).submitted
    assert not w.participant(f.code, late.token).submitted
    assert w.my_previous(f.code, late.token) is None


def test_participants_see_a_rounds_weights_once_it_is_over_or_revealed(
    store: Store, f: Facilitator
) -> None:
    w = store.workshops
    ana, bo = w.join(f.code, "Ana"), w.join(f.code, "Bo")
    w.submit(f.code, ana.token, _w(1))
    w.submit(f.code, bo.token, _w(2))
    with pytest.raises(WorkshopStateError, match="not revealed"):
        w.group_weights(f.code, ana.token)
    with pytest.raises(WorkshopStateError, match="not revealed the group's result of round 1"):
        w.group_weights(f.code, ana.token, 1)
    _close_round(store, f)
    assert w.group_weights(f.code, ana.token) == [_w(1), _w(2)]

    w.next_round(f)
    w.submit(f.code, bo.token, _w(9))
    assert w.group_weights(f.code, ana.token) == [_w(1), _w(2)], "the latest visible: round 1"
    assert w.group_weights(f.code, bo.token, 1) == [_w(1), _w(2)]
    with pytest.raises(WorkshopStateError, match="round 2"):
        w.group_weights(f.code, ana.token, 2)
    w.lock(f)
    with pytest.raises(WorkshopStateError, match="round 2"):
        w.group_weights(f.code, ana.token, 2)
    w.reveal(f)
    assert w.group_weights(f.code, ana.token) == [_w(9)]
    assert w.group_weights(f.code, ana.token, 2) == [_w(9)]
    assert w.group_weights(f.code, ana.token, 1) == [_w(1), _w(2)], "round 1 stays readable"
    w.close(f)
    assert w.group_weights(f.code, ana.token) == [_w(9)]


def test_a_workshop_closed_before_its_first_reveal_shows_no_weights(
    store: Store, f: Facilitator
) -> None:
    ana = store.workshops.join(f.code, "Ana")
    store.workshops.submit(f.code, ana.token, _w(1))
    store.workshops.close(f)
    with pytest.raises(WorkshopStateError, match="not revealed"):
        store.workshops.group_weights(f.code, ana.token)


@pytest.mark.parametrize("bad", [0, 3, -1, True, "1", 1.0, None])
def test_a_round_that_does_not_exist_is_refused_by_name(
    store: Store, f: Facilitator, bad: object
) -> None:
    w = store.workshops
    ana = w.join(f.code, "Ana")
    w.submit(f.code, ana.token, _w(1))
    _close_round(store, f)
    w.next_round(f)
    calls = [
        lambda: w.my_submission(f.code, ana.token, bad),  # type: ignore[arg-type]
        lambda: w.group_weights(f.code, ana.token, bad),  # type: ignore[arg-type]
        lambda: w.submissions(f, bad),  # type: ignore[arg-type]
    ]
    for call in calls:
        if bad is None:  # None is "the default round", not a bad one
            call()
            continue
        with pytest.raises(InvalidValueError, match=r"there is no round .* its rounds are 1 to 2"):
            call()


def test_a_wrong_token_reads_no_round(store: Store, f: Facilitator) -> None:
    other = store.workshops.create("Other", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    stranger = store.workshops.join(other.code, "Ana")
    store.workshops.submit(other.code, stranger.token, _w(1))
    for call in (
        lambda: store.workshops.my_previous(f.code, stranger.token),
        lambda: store.workshops.my_submission(f.code, stranger.token, 1),
        lambda: store.workshops.group_weights(f.code, stranger.token, 1),
        lambda: store.workshops.my_previous(f.code, ""),
    ):
        with pytest.raises(ParticipantTokenError, match="not valid for this workshop"):
            call()


def test_the_visible_round_is_the_latest_participants_may_see(store: Store, f: Facilitator) -> None:
    w = store.workshops
    seen = [w.get(f.code).visible_round]
    w.lock(f)
    seen.append(w.get(f.code).visible_round)
    seen.append(w.reveal(f).visible_round)
    seen.append(w.next_round(f).visible_round)
    w.lock(f)
    seen.append(w.reveal(f).visible_round)
    seen.append(w.close(f).visible_round)
    assert seen == [0, 0, 1, 1, 2, 2]


def test_the_group_ranking_rule_is_stored_once_for_the_workshop(
    store: Store, f: Facilitator
) -> None:
    w = store.workshops
    assert w.get(f.code).combination == "mean", "the default"
    assert w.set_combination(f, "borda").combination == "borda"
    assert w.get(f.code).combination == "borda"
    with pytest.raises(InvalidValueError, match=r"unknown group ranking rule 'vote'.*copeland"):
        w.set_combination(f, "vote")
    assert w.get(f.code).combination == "borda", "a refused rule changes nothing"
    _close_round(store, f)
    w.close(f)
    assert w.set_combination(f, "median").combination == "median", "allowed in any state"
    with pytest.raises(WrongPassphraseError):
        w.set_combination(object(), "mean")  # type: ignore[arg-type]


def test_the_store_accepts_exactly_the_analysis_layers_rules(store: Store, f: Facilitator) -> None:
    from policybench.analysis.workshop import COMBINATIONS

    for rule in COMBINATIONS:
        assert store.workshops.set_combination(f, rule).combination == rule
