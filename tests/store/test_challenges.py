"""Score challenges and the facilitator's decisions on SQLite and PostgreSQL: the happy paths,
every refusal (state, not in play, off the scale, a range that does not hold the score, no
reason, too long, invisible characters, a wrong token, a wrong facilitator, the rate limit, the
cap), and who may see whose challenges (never a name to a participant, nothing before a
reveal)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from policybench.store import (
    Challenge,
    Facilitator,
    InvalidValueError,
    ParticipantTokenError,
    RateLimitedError,
    ScoreDecision,
    Store,
    WorkshopError,
    WorkshopNotFound,
    WorkshopStateError,
    WrongPassphraseError,
)
from policybench.store import schema as schema_module
from policybench.store.challenges import CHALLENGES_MAX
from policybench.store.ratelimit import CHALLENGE_WRITES

OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
PASS = "correct horse battery"
W = {"feasibility": 1.0, "deterrence": 2.0, "backlash": 3.0}


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def f(store: Store) -> Facilitator:
    return store.workshops.create("Scores", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)


def _count(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _reveal(store: Store, f: Facilitator) -> None:
    store.workshops.lock(f)
    store.workshops.reveal(f)


# -- challenges: the happy path ------------------------------------------------------------------


def test_challenge_revise_and_withdraw(store: Store, f: Facilitator) -> None:
    w = store.workshops
    ana = w.join(f.code, "Ana")
    first = w.challenge(
        f.code,
        ana.token,
        "summits",
        "feasibility",
        3,
        reason="  Tokyo cannot sell it at home.\nNot this decade.  ",
        low=2,
        high=4.5,
        quote="nothing Tokyo cannot sell at home",
        source="glosserman-2018",
        check="verified",
    )
    assert isinstance(first, Challenge)
    assert (first.display_name, first.option, first.criterion) == ("Ana", "summits", "feasibility")
    assert (first.value, first.low, first.high, first.round) == (3.0, 2.0, 4.5, 1)
    assert first.reason == "Tokyo cannot sell it at home.\nNot this decade."
    assert (first.quote, first.source, first.check, first.verified) == (
        "nothing Tokyo cannot sell at home",
        "glosserman-2018",
        "verified",
        True,
    )
    assert first.created_at == first.updated_at and first.created_at.tzinfo is not None
    assert w.my_challenges(f.code, ana.token) == [first]

    revised = w.challenge(f.code, ana.token, "summits", "feasibility", 0, reason="It is 0.")
    assert (revised.value, revised.low, revised.high, revised.quote, revised.check) == (
        0.0,
        None,
        None,
        None,
        "not_checked",
    )
    assert revised.created_at == first.created_at and revised.updated_at > first.updated_at
    assert w.my_challenges(f.code, ana.token) == [revised], "one live challenge per cell"
    assert _count(store, schema_module.challenges) == 1

    assert w.withdraw(f.code, ana.token, "summits", "feasibility") is True
    assert w.withdraw(f.code, ana.token, "summits", "feasibility") is False
    assert w.my_challenges(f.code, ana.token) == []
    assert _count(store, schema_module.challenges) == 0, "withdrawn in the round it was made"


def test_the_ends_of_the_scale_and_of_each_limit_are_accepted(store: Store, f: Facilitator) -> None:
    w = store.workshops
    ana = w.join(f.code, "Ana")
    zero = w.challenge(f.code, ana.token, "liaison", "feasibility", 0, reason="r", low=0)
    ten = w.challenge(f.code, ana.token, "liaison", "backlash", 10.0, reason="r", high=10)
    only_low = w.challenge(f.code, ana.token, "summits", "backlash", 5, reason="r", low=5)
    longest = w.challenge(
        f.code,
        ana.token,
        "status-quo",
        "deterrence",
        7.25,
        reason="x" * 500,
        quote="q" * 1000,
        source="a" * 64,
    )
    assert (zero.value, zero.low, ten.value, ten.high) == (0.0, 0.0, 10.0, 10.0)
    assert (only_low.low, only_low.high) == (5.0, None)
    assert (len(longest.reason), len(longest.quote or ""), longest.verified) == (500, 1000, False)
    mine = w.my_challenges(f.code, ana.token)
    assert [(c.option, c.criterion) for c in mine] == [
        ("status-quo", "deterrence"),
        ("liaison", "feasibility"),
        ("liaison", "backlash"),
        ("summits", "backlash"),
    ], "in the workshop's order of options, then criteria"


def test_text_is_kept_as_written(store: Store, f: Facilitator) -> None:
    """Markup, quotes and right-to-left scripts are stored as typed (escaping is the UI's)."""
    ana = store.workshops.join(f.code, "Ana")
    reason = "<script>alert(1)</script> **bold** | a,b \"q\" 'q' رؤية 世論 🙂"
    c = store.workshops.challenge(f.code, ana.token, "summits", "backlash", 4, reason=reason)
    assert store.workshops.my_challenges(f.code, ana.token)[0].reason == reason == c.reason


# -- challenges: refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("summits", "feasibility", 10.5), {}, r"proposed score is 10\.5, off .* 0–10 scale"),
        (("summits", "feasibility", -1), {}, "off the criterion's 0–10 scale"),
        (("summits", "feasibility", float("nan")), {}, "proposed score must be a finite number"),
        (("summits", "feasibility", float("inf")), {}, "finite"),
        (("summits", "feasibility", True), {}, "proposed score must be a number"),
        (("summits", "feasibility", "5"), {}, "proposed score must be a number"),
        (("summits", "feasibility", 5), {"low": 6}, r"low end .* \(6\) is above .* \(5\)"),
        (("summits", "feasibility", 5), {"high": 4}, r"high end .* \(4\) is below"),
        (("summits", "feasibility", 5), {"low": -1}, "low end of the range is -1, off"),
        (("summits", "feasibility", 5), {"high": 11}, "high end of the range is 11, off"),
        (("summits", "feasibility", 5), {"reason": ""}, "the reason is required"),
        (("summits", "feasibility", 5), {"reason": " \n\t "}, "the reason is required"),
        (("summits", "feasibility", 5), {"reason": None}, "the reason must be text"),
        (("summits", "feasibility", 5), {"reason": "x" * 501}, r"501 characters; at most 500\)"),
        (("summits", "feasibility", 5), {"quote": "q" * 1001}, r"quote is too long .*1000"),
        (("summits", "feasibility", 5), {"reason": "a\u200bb"}, r"reason .*invisible.*U\+200B"),
        (("summits", "feasibility", 5), {"quote": "\u202eevil"}, r"quote .*invisible.*U\+202E"),
        (("summits", "feasibility", 5), {"reason": "nul\x00"}, "NUL"),
        (("summits", "feasibility", 5), {"reason": "bell\x07"}, "control characters"),
        (("summits", "feasibility", 5), {"quote": "q", "source": "Not A Slug"}, "source id"),
        (("summits", "feasibility", 5), {"quote": "q", "source": "../etc"}, "source id"),
        (("summits", "feasibility", 5), {"quote": "q", "source": "a" * 65}, "too long"),
        (("summits", "feasibility", 5), {"source": "sheen-2003"}, "give the quote too"),
        (("summits", "feasibility", 5), {"check": "verified"}, "only a quote with its source"),
        (("summits", "feasibility", 5), {"quote": "q", "check": "near_match"}, "with its source"),
        (("summits", "feasibility", 5), {"check": "yes"}, r"quote check is one of.*'yes'"),
        (("summits", "feasibility", 5), {"check": True}, r"quote check is one of.*True"),
        (("moon-base", "feasibility", 5), {}, r"option 'moon-base' is not in play.*status-quo"),
        (("summits", "vibes", 5), {}, r"criterion 'vibes' is not in play.*feasibility"),
        ((None, "feasibility", 5), {}, "the option must be text"),
    ],
)
def test_bad_challenges_are_refused_by_name_and_write_nothing(
    store: Store, f: Facilitator, args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    ana = store.workshops.join(f.code, "Ana")
    kept = store.workshops.challenge(f.code, ana.token, "summits", "feasibility", 1, reason="old")
    with pytest.raises(InvalidValueError, match=message):
        store.workshops.challenge(f.code, ana.token, *args, **{"reason": "why", **kwargs})
    assert store.workshops.my_challenges(f.code, ana.token) == [kept]


def test_challenges_are_made_only_while_the_round_is_open(store: Store, f: Facilitator) -> None:
    w = store.workshops
    ana = w.join(f.code, "Ana")
    kept = w.challenge(f.code, ana.token, "summits", "backlash", 4, reason="r")
    w.lock(f)
    with pytest.raises(WorkshopStateError, match=r"locked: challenges can no longer .* reopens"):
        w.challenge(f.code, ana.token, "summits", "backlash", 9, reason="r")
    with pytest.raises(WorkshopStateError, match="locked"):
        w.withdraw(f.code, ana.token, "summits", "backlash")
    w.reopen(f)
    kept = w.challenge(f.code, ana.token, "summits", "backlash", 5, reason="r")
    _reveal(store, f)
    for state in ("revealed", "closed"):
        with pytest.raises(WorkshopStateError, match=f"the round is {state}"):
            w.challenge(f.code, ana.token, "liaison", "backlash", 9, reason="r")
        with pytest.raises(WorkshopStateError, match=f"the round is {state}"):
            w.withdraw(f.code, ana.token, "summits", "backlash")
        if state == "revealed":
            w.close(f)
    assert w.my_challenges(f.code, ana.token) == [kept], "read-only, still there"


def test_a_wrong_token_or_code_is_refused_for_every_challenge_call(
    store: Store, f: Facilitator
) -> None:
    w = store.workshops
    other = w.create("Other", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    stranger = w.join(other.code, "Mallory")
    w.challenge(other.code, stranger.token, "summits", "backlash", 4, reason="r")
    _reveal(store, f)
    calls: list[Callable[[str], object]] = [
        lambda t: w.challenge(f.code, t, "summits", "backlash", 4, reason="r"),
        lambda t: w.withdraw(f.code, t, "summits", "backlash"),
        lambda t: w.my_challenges(f.code, t),
        lambda t: w.room_challenges(f.code, t),
        lambda t: w.adopted_scores(f.code, t),
        lambda t: w.room_decisions(f.code, t),
    ]
    for call in calls:
        for token in (stranger.token, "made-up", "", "x" * 1000):
            with pytest.raises(ParticipantTokenError, match="not valid for this workshop"):
                call(token)
    with pytest.raises(WorkshopNotFound, match="no workshop has that code"):
        w.my_challenges("ZZZZZZZZZZZZZ", stranger.token)
    assert _count(store, schema_module.challenges) == 1


def test_unknown_codes_in_challenges_count_against_the_client(store: Store, f: Facilitator) -> None:
    ana = store.workshops.join(f.code, "Ana")
    for guess in ["AAAAAAAAAAAAA", "not a code"] * 5:
        with pytest.raises(WorkshopNotFound):
            store.workshops.challenge(
                guess, ana.token, "summits", "backlash", 4, reason="r", client="scan"
            )
    with pytest.raises(RateLimitedError, match="too many unknown workshop codes"):
        store.workshops.challenge(
            "BBBBBBBBBBBBB", ana.token, "summits", "backlash", 4, reason="r", client="scan"
        )
    # the participant's own valid code is never throttled, whatever the address did
    saved = store.workshops.challenge(
        f.code, ana.token, "summits", "backlash", 4, reason="r", client="scan"
    )
    assert saved.value == 4.0


def test_challenge_writes_are_rate_limited_per_participant(
    make_store: Callable[..., Store],
) -> None:
    clock = Clock()
    store = make_store(clock=clock)
    f = store.workshops.create("S", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana, bo = store.workshops.join(f.code, "Ana"), store.workshops.join(f.code, "Bo")
    assert (CHALLENGE_WRITES.max_failures, CHALLENGE_WRITES.window_s) == (60, 600)
    for i in range(30):  # 30 challenges, 29 of them revisions, and 30 withdrawals-and-back
        store.workshops.challenge(f.code, ana.token, "summits", "backlash", i % 11, reason="r")
        clock.now += 1
    for _ in range(5):  # refused writes and withdrawals of nothing do not count
        with pytest.raises(InvalidValueError):
            store.workshops.challenge(f.code, ana.token, "summits", "backlash", 99, reason="r")
        assert store.workshops.withdraw(f.code, ana.token, "liaison", "backlash") is False
    for i in range(15):
        assert store.workshops.withdraw(f.code, ana.token, "summits", "backlash")
        store.workshops.challenge(f.code, ana.token, "summits", "backlash", 5, reason=f"r{i}")
    with pytest.raises(
        RateLimitedError, match=r"changed your challenges very often.*try again in"
    ) as info:
        store.workshops.challenge(f.code, ana.token, "summits", "backlash", 6, reason="refused")
    assert 0 < info.value.retry_after <= 600
    with pytest.raises(RateLimitedError):
        store.workshops.withdraw(f.code, ana.token, "summits", "backlash")
    mine = store.workshops.my_challenges(f.code, ana.token)
    assert [(c.value, c.reason) for c in mine] == [(5.0, "r14")], "the refused writes wrote nothing"
    assert store.workshops.challenge(f.code, bo.token, "summits", "backlash", 6, reason="mine")
    clock.now += 600
    assert store.workshops.challenge(f.code, ana.token, "summits", "backlash", 6, reason="later")


def test_live_challenges_are_capped_per_participant(store: Store, f: Facilitator) -> None:
    many = [f"option-{i:03d}" for i in range(70)]  # 70 × 3 = 210 cells
    shop = store.workshops.create("Big", options=many, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(shop.code, "Ana")
    first = store.workshops.challenge(shop.code, ana.token, many[0], "feasibility", 1, reason="r")
    now = datetime.now(UTC)
    with store.engine.begin() as conn:  # 199 more, written directly: the cap is what is tested
        pid = conn.execute(sa.select(schema_module.participants.c.id)).scalar_one()
        cells = [(o, c) for o in many for c in CRITERIA][1:CHALLENGES_MAX]
        conn.execute(
            sa.insert(schema_module.challenges),
            [
                {"participant_id": pid, "option": o, "criterion": c, "value": 5.0, "reason": "r",
                 "quote_check": "not_checked", "withdrawn": False, "round": 1,
                 "created_at": now, "updated_at": now}
                for o, c in cells
            ],
        )  # fmt: skip
    assert len(store.workshops.my_challenges(shop.code, ana.token)) == CHALLENGES_MAX == 200
    with pytest.raises(WorkshopError, match=r"already have 200 challenges.*withdraw one"):
        store.workshops.challenge(shop.code, ana.token, many[-1], "backlash", 2, reason="r")
    revised = store.workshops.challenge(shop.code, ana.token, many[0], "feasibility", 9, reason="r")
    assert revised.value == 9.0 and revised.created_at == first.created_at, "revising is fine"
    assert store.workshops.withdraw(shop.code, ana.token, many[1], "feasibility")
    assert store.workshops.challenge(shop.code, ana.token, many[-1], "backlash", 2, reason="r")
    assert len(store.workshops.my_challenges(shop.code, ana.token)) == 200


# -- who sees what -------------------------------------------------------------------------------


def test_participants_see_only_their_own_until_a_reveal_and_never_a_name(
    store: Store, f: Facilitator
) -> None:
    w = store.workshops
    ana, bo, cy = (w.join(f.code, n) for n in ("Ana", "Bo", "Cy"))
    w.challenge(f.code, ana.token, "summits", "backlash", 7, reason="Ana's reason")
    w.challenge(f.code, bo.token, "summits", "backlash", 2, reason="Bo's reason")
    w.challenge(f.code, bo.token, "liaison", "feasibility", 4, reason="Bo again")
    assert [c.reason for c in w.my_challenges(f.code, ana.token)] == ["Ana's reason"]
    assert [c.reason for c in w.my_challenges(f.code, cy.token)] == []
    for state in ("open", "locked"):
        with pytest.raises(WorkshopStateError, match="once the facilitator reveals"):
            w.room_challenges(f.code, cy.token)
        if state == "open":
            w.lock(f)
    w.reveal(f)

    room = w.room_challenges(f.code, cy.token)
    assert [(c.option, c.criterion, c.value) for c in room] == [
        ("liaison", "feasibility", 4.0),
        ("summits", "backlash", 2.0),  # within a cell by the proposal, not by who made it
        ("summits", "backlash", 7.0),
    ]
    assert {c.display_name for c in room} == {""}
    for c in room:
        assert not {"Ana", "Bo", "Cy"} & {str(v) for v in asdict(c).values()}
    assert w.room_challenges(f.code, ana.token) == room, "the same for everyone"
    named = w.challenges(f)
    assert [(c.display_name, c.option, c.value) for c in named] == [
        ("Bo", "liaison", 4.0),
        ("Ana", "summits", 7.0),  # the facilitator's view: in join order within a cell
        ("Bo", "summits", 2.0),
    ]


def test_the_room_sees_what_was_revealed_not_what_is_new(store: Store, f: Facilitator) -> None:
    w = store.workshops
    ana, bo = w.join(f.code, "Ana"), w.join(f.code, "Bo")
    w.challenge(f.code, ana.token, "summits", "backlash", 7, reason="round one")
    w.challenge(f.code, ana.token, "liaison", "backlash", 3, reason="kept")
    _reveal(store, f)
    w.next_round(f)
    w.challenge(f.code, bo.token, "summits", "feasibility", 1, reason="new in round two")
    w.challenge(f.code, ana.token, "summits", "backlash", 8, reason="revised in round two")
    room = w.room_challenges(f.code, bo.token)
    assert sorted((c.reason, c.value, c.round) for c in room) == [
        ("kept", 3.0, 1),
        ("round one", 7.0, 1),
    ], "round 1's reveal as it was, whatever round 2 is writing"
    assert {c.reason: c.round for c in w.challenges(f)} == {
        "kept": 1,
        "revised in round two": 2,
        "new in round two": 2,
    }
    _reveal(store, f)
    room = w.room_challenges(f.code, bo.token)
    assert sorted(c.reason for c in room) == ["kept", "new in round two", "revised in round two"]
    assert sorted(c.reason for c in w.room_challenges(f.code, bo.token, round=1)) == [
        "kept",
        "round one",
    ], "round 1's view stays what the room saw at its reveal"


def test_a_revision_in_a_later_round_leaves_the_earlier_rounds_view(
    store: Store, f: Facilitator
) -> None:
    w = store.workshops
    ana, bo = w.join(f.code, "Ana"), w.join(f.code, "Bo")
    w.challenge(f.code, ana.token, "summits", "backlash", 7, reason="first", low=6, high=8)
    _reveal(store, f)
    w.next_round(f)
    w.challenge(f.code, ana.token, "summits", "backlash", 4, reason="second")
    w.challenge(f.code, ana.token, "summits", "backlash", 5, reason="second, revised")
    assert _count(store, schema_module.challenges) == 2, "one row per round, revised in place"
    one = w.room_challenges(f.code, bo.token, round=1)
    assert [(c.value, c.low, c.high, c.reason, c.round) for c in one] == [
        (7.0, 6.0, 8.0, "first", 1)
    ]
    assert [(c.value, c.round) for c in w.my_challenges(f.code, ana.token)] == [(5.0, 2)]
    assert [(c.value, c.round) for c in w.challenges(f)] == [(5.0, 2)]
    assert [(c.value, c.round) for c in w.challenges(f, round=1)] == [(7.0, 1)]
    with pytest.raises(WorkshopStateError, match="round 2 are shown once the facilitator"):
        w.room_challenges(f.code, bo.token, round=2)
    with pytest.raises(InvalidValueError, match="no round 3"):
        w.room_challenges(f.code, bo.token, round=3)
    _reveal(store, f)
    assert [c.value for c in w.room_challenges(f.code, bo.token)] == [5.0]
    assert [c.value for c in w.room_challenges(f.code, bo.token, round=1)] == [7.0]


def test_a_withdrawal_in_a_later_round_leaves_the_earlier_rounds_view(
    store: Store, f: Facilitator
) -> None:
    w = store.workshops
    ana, bo = w.join(f.code, "Ana"), w.join(f.code, "Bo")
    w.challenge(f.code, ana.token, "summits", "backlash", 7, reason="first")
    w.challenge(f.code, ana.token, "liaison", "backlash", 2, reason="other")
    _reveal(store, f)
    w.next_round(f)
    assert w.withdraw(f.code, ana.token, "summits", "backlash") is True
    assert w.withdraw(f.code, ana.token, "summits", "backlash") is False, "already withdrawn"
    w.challenge(f.code, ana.token, "liaison", "backlash", 3, reason="revised in two")
    assert w.withdraw(f.code, ana.token, "liaison", "backlash") is True
    assert w.my_challenges(f.code, ana.token) == [] and w.challenges(f) == []
    assert sorted(c.reason for c in w.room_challenges(f.code, bo.token, round=1)) == [
        "first",
        "other",
    ]
    _reveal(store, f)
    assert w.room_challenges(f.code, bo.token, round=2) == []
    assert sorted(c.reason for c in w.room_challenges(f.code, bo.token, round=1)) == [
        "first",
        "other",
    ]
    w.next_round(f)
    again = w.challenge(f.code, ana.token, "summits", "backlash", 1, reason="back in three")
    assert (again.round, again.value) == (3, 1.0)
    assert [c.reason for c in w.my_challenges(f.code, ana.token)] == ["back in three"]
    assert [c.reason for c in w.challenges(f, round=2)] == []


# -- decisions -------------------------------------------------------------------------------------


def test_adopt_reject_replace_and_undo(store: Store, f: Facilitator) -> None:
    w = store.workshops
    ana = w.join(f.code, "Ana")
    adopted = w.decide(f, "summits", "feasibility", "adopted", value=2)
    assert isinstance(adopted, ScoreDecision)
    assert (adopted.decision, adopted.value, adopted.low, adopted.high, adopted.round) == (
        "adopted",
        2.0,
        2.0,
        2.0,
        1,
    )
    ranged = w.decide(f, "liaison", "backlash", "adopted", value=6, low=5, high=8.5)
    assert (ranged.low, ranged.high) == (5.0, 8.5)
    rejected = w.decide(f, "status-quo", "deterrence", "rejected")
    assert (rejected.value, rejected.low, rejected.high) == (None, None, None)
    assert w.decisions(f) == [rejected, ranged, adopted], "in the workshop's order"
    assert w.adopted_scores(f.code, ana.token) == {}, "nothing before a round is revealed"
    _reveal(store, f)
    assert w.adopted_scores(f.code, ana.token) == {
        "liaison": {"backlash": 6.0},
        "summits": {"feasibility": 2.0},
    }

    changed = w.decide(f, "summits", "feasibility", "rejected")
    assert changed.decided_at >= adopted.decided_at
    assert w.adopted_scores(f.code, ana.token) == {"liaison": {"backlash": 6.0}}
    assert _count(store, schema_module.score_decisions) == 3, "replaced, not added"
    assert w.undo_decision(f, "liaison", "backlash") is True
    assert w.undo_decision(f, "liaison", "backlash") is False
    assert w.adopted_scores(f.code, ana.token) == {}
    assert [d.option for d in w.decisions(f)] == ["status-quo", "summits"]


def test_participants_see_every_decision_once_a_round_is_revealed(
    store: Store, f: Facilitator
) -> None:
    """A rejected score is a decision participants see (not "open"), under the rule of the
    adopted scores: nothing before the first reveal, then every decision as it stands."""
    w = store.workshops
    ana = w.join(f.code, "Ana")
    w.challenge(f.code, ana.token, "summits", "backlash", 8, reason="Beijing minds")
    w.challenge(f.code, ana.token, "liaison", "feasibility", 6, reason="Tokyo can")
    rejected = w.decide(f, "summits", "backlash", "rejected")
    adopted = w.decide(f, "liaison", "feasibility", "adopted", value=6, low=5, high=7)
    assert w.room_decisions(f.code, ana.token) == [], "nothing before a round is revealed"
    w.lock(f)
    assert w.room_decisions(f.code, ana.token) == [], "nor while it is only locked"
    w.reveal(f)
    seen = w.room_decisions(f.code, ana.token)
    assert seen == [adopted, rejected] == w.decisions(f), "the facilitator's, in order"
    assert [(d.decision, d.value, d.low, d.high) for d in seen] == [
        ("adopted", 6.0, 5.0, 7.0),
        ("rejected", None, None, None),
    ]
    assert w.adopted_scores(f.code, ana.token) == {"liaison": {"feasibility": 6.0}}

    # decisions taken after the latest reveal are seen at once, as the rankings use them
    w.next_round(f)
    later = w.decide(f, "status-quo", "deterrence", "rejected")
    changed = w.decide(f, "liaison", "feasibility", "rejected")
    assert later.round == changed.round == 2
    seen = w.room_decisions(f.code, ana.token)
    assert [(d.option, d.criterion, d.decision, d.round) for d in seen] == [
        ("status-quo", "deterrence", "rejected", 2),
        ("liaison", "feasibility", "rejected", 2),
        ("summits", "backlash", "rejected", 1),
    ]
    assert w.adopted_scores(f.code, ana.token) == {}, "rejected now: the catalog's stands"
    assert w.undo_decision(f, "summits", "backlash") is True
    assert ("summits", "backlash") not in {
        (d.option, d.criterion) for d in w.room_decisions(f.code, ana.token)
    }
    with pytest.raises(WorkshopNotFound, match="no workshop has that code"):
        w.room_decisions("ZZZZZZZZZZZZZ", ana.token)


def test_decisions_are_taken_in_any_state_but_closed_and_remember_the_round(
    store: Store, f: Facilitator
) -> None:
    w = store.workshops
    w.decide(f, "summits", "backlash", "adopted", value=1)
    w.lock(f)
    w.decide(f, "summits", "backlash", "adopted", value=2)
    w.reveal(f)
    w.decide(f, "summits", "backlash", "adopted", value=3)
    w.next_round(f)
    assert w.decide(f, "summits", "backlash", "adopted", value=4).round == 2
    w.close(f)
    with pytest.raises(WorkshopStateError, match="closed: its score decisions can no longer"):
        w.decide(f, "summits", "backlash", "adopted", value=5)
    with pytest.raises(WorkshopStateError, match="closed"):
        w.undo_decision(f, "summits", "backlash")
    assert [(d.value, d.round) for d in w.decisions(f)] == [(4.0, 2)]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("summits", "backlash", "maybe"), {}, r"'adopted' or 'rejected', not 'maybe'"),
        (("summits", "backlash", "adopted"), {}, "needs the value to adopt"),
        (("summits", "backlash", "adopted"), {"value": 11}, "adopted score is 11, off"),
        (("summits", "backlash", "adopted"), {"value": 5, "low": 6}, r"low end .* above"),
        (("summits", "backlash", "adopted"), {"value": 5, "high": 4}, r"high end .* below"),
        (("summits", "backlash", "adopted"), {"value": float("nan")}, "finite"),
        (("summits", "backlash", "rejected"), {"value": 5}, "give no value, low or high"),
        (("summits", "backlash", "rejected"), {"low": 5}, "give no value"),
        (("moon-base", "backlash", "adopted"), {"value": 5}, "option 'moon-base' is not in play"),
        (("summits", "vibes", "rejected"), {}, "criterion 'vibes' is not in play"),
    ],
)
def test_bad_decisions_are_refused_by_name_and_write_nothing(
    store: Store, f: Facilitator, args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    kept = store.workshops.decide(f, "summits", "backlash", "adopted", value=1)
    with pytest.raises(InvalidValueError, match=message):
        store.workshops.decide(f, *args, **kwargs)
    assert store.workshops.decisions(f) == [kept]


def test_only_the_facilitator_decides_or_sees_names(store: Store, f: Facilitator) -> None:
    forged = Facilitator(f.code, f.workshop_id, object())
    calls: list[Callable[[], object]] = [
        lambda: store.workshops.decide(forged, "summits", "backlash", "rejected"),
        lambda: store.workshops.undo_decision(forged, "summits", "backlash"),
        lambda: store.workshops.decisions(forged),
        lambda: store.workshops.challenges(forged),
        lambda: store.workshops.decide("facilitator", "summits", "backlash", "rejected"),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(WrongPassphraseError, match="only the facilitator"):
            call()
    assert _count(store, schema_module.score_decisions) == 0
