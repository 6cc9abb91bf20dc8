"""policybench.present.camps: camp cards, the common-ground and dividing tables, "you are
here", the across-rounds table, and the sentence when there are no camps."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from policybench import catalog
from policybench.analysis.camps import Camp, Camps, Distinctive, find_camps
from policybench.analysis.common_ground import Transition, camps_across_rounds, common_ground
from policybench.errors import InputError
from policybench.present import camps as words

CRITERIA = ["feasibility", "deterrence", "backlash"]
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
DOVES = [(8, 1, 3), (9, 1, 2), (7, 2, 3), (10, 0, 4)]
HAWKS = [(1, 9, 0), (0, 8, 1), (2, 9, 0), (1, 10, 1)]
LONER = (5, 4, 0)
SHIPPED = Path(__file__).resolve().parents[2] / "options"


@pytest.fixture(scope="module")
def shipped() -> catalog.Catalog:
    return catalog.load(SHIPPED)


def room(*rows: tuple[float, ...]) -> list[dict[str, float]]:
    return [dict(zip(CRITERIA, map(float, r), strict=True)) for r in rows]


# ------------------------------------------------------------------------------ words
@pytest.mark.parametrize(
    ("ratio", "text"),
    [
        (2.0, "twice"),
        (2.1, "twice"),
        (1.5, "one and a half times"),
        (3.2, "three times"),
        (5.6, "5.6 times"),
        (12.4, "12 times"),
    ],
)
def test_multiples_in_words(ratio: float, text: str) -> None:
    assert words.times_words(ratio) == text


@pytest.mark.parametrize(
    ("ratio", "text"),
    [
        (0.5, "half"),
        (0.34, "a third of"),
        (0.26, "a quarter of"),
        (0.6, "two thirds of"),
        (0.11, "a tenth of"),
        (0.15, "a sixth of"),
        (0.13, "an eighth of"),
        (0.05, "less than a tenth of"),
    ],
)
def test_fractions_in_words(ratio: float, text: str) -> None:
    assert words.fraction_words(ratio) == text


def test_what_sets_a_camp_apart_in_words(cat) -> None:
    up = Distinctive("deterrence", 0.4, 0.2, 2.0)
    assert words.distinctive_words(cat, up) == (
        "weights “Deterrence” twice the rest of the room's median (40.0\u00a0% against 20.0\u00a0%)"
    )
    down = Distinctive("feasibility", 0.05, 0.15, 1 / 3)
    assert words.distinctive_words(cat, down) == (
        "gives “Feasibility” a third of the rest of the room's median weight (5.0\u00a0% against 15.0\u00a0%)"
    )
    alone = Distinctive("backlash", 0.2, 0.0, float("inf"))
    assert words.distinctive_words(cat, alone) == (
        "weights “Chinese backlash” (20.0\u00a0%) where the rest of the room's median gives it nothing"
    )
    none = Distinctive("backlash", 0.0, 0.3, 0.0)
    assert words.distinctive_words(cat, none) == (
        "gives “Chinese backlash” no weight, where the rest of the room's median gives it 30.0\u00a0%"
    )


def test_criterion_names_in_sentences_are_the_catalogs_as_written(shipped) -> None:
    # no list of proper nouns decides the case: the name goes in as written, in quotes
    three = Distinctive("deterrence", 0.17, 0.0588, 0.17 / 0.0588)
    assert words.distinctive_words(shipped, three) == (
        "weights “Deterrence and crisis readiness” three times the rest of the room's median "
        "(17.0\u00a0% against 5.9\u00a0%)"
    )
    names = {c.id: c.name for c in shipped.criteria}
    for cid, name in names.items():
        assert words.criterion_in_sentence(shipped, cid) == f"“{name}”"
    assert words.criterion_in_sentence(shipped, "escalation_risk") == (
        "“Risk of provoking Beijing or Pyongyang”"
    )


def test_lists_and_people() -> None:
    assert words.listing(["A"]) == "A" and words.listing(["A", "B"]) == "A and B"
    assert words.listing(["A", "B", "C"]) == "A, B and C" and words.listing([]) == ""
    assert words.people(1) == "1 person" and words.people(7) == "7 people"


# ------------------------------------------------------------------------------ cards
def test_a_card_per_camp_with_its_weights_top_options_and_what_sets_it_apart(cat) -> None:
    weights = room(*DOVES, *HAWKS, HAWKS[0])  # five hawks: camp 1
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    hawks, doves = words.camp_cards(cat, camps)
    assert (hawks.number, hawks.title, hawks.size, hawks.size_text) == (1, "Camp 1", 5, "5 people")
    assert (doves.title, doves.size_text) == ("Camp 2", "4 people")
    assert [w[0] for w in hawks.weights] == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    central = camps.camps[0].central
    assert [w[1] for w in hawks.weights] == pytest.approx(list(central))
    assert hawks.weights[1][2] == f"{100 * central[1]:.1f}\u00a0%"
    assert hawks.top == ("Liaison officers", "A 2+2 meeting", "Regular summits")
    assert doves.top[0] == "Status quo (baseline)"
    # the hawks' median gives backlash nothing: that sets them apart most, then deterrence
    assert [p.split(" (")[0].split(" no weight")[0] for p in hawks.distinctive] == [
        "gives “Chinese backlash”",
        "weights “Deterrence” 11 times the rest of the room's median",
        "gives “Feasibility” a sixth of the rest of the room's median weight",  # 10.1 against 67.4
    ]
    assert doves.distinctive[0].startswith("weights “Chinese backlash” (24.4\u00a0%) where")
    assert doves.distinctive[1].startswith("gives “Deterrence” a tenth of")  # 8.1 against 89.9
    assert hawks.summary == (
        "Camp 1: 5 people; top options “Liaison officers”, “A 2+2 meeting” and “Regular summits”. "
        "It " + "; it ".join(hawks.distinctive) + "."
    )
    assert hawks.reasons == () and doves.reasons == ()  # none given


def test_a_camps_reasons_are_its_members_anonymous_and_not_in_joining_order(cat) -> None:
    weights = room(*DOVES, *HAWKS)
    reasons: list[dict[str, str]] = [{} for _ in weights]
    reasons[0] = {"feasibility": "Tokyo\n can   sell it", "deterrence": "  "}
    reasons[2] = {"backlash": "Beijing watches", "feasibility": "Cheap"}
    reasons[5] = {"deterrence": "Missiles first"}
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    cards = {c.top[0]: c for c in words.camp_cards(cat, camps, reasons)}
    assert cards["Status quo (baseline)"].reasons == (
        ("Feasibility", "Cheap"),
        ("Feasibility", "Tokyo can sell it"),
        ("Chinese backlash (cost)", "Beijing watches"),
    )
    assert cards["Liaison officers"].reasons == (("Deterrence", "Missiles first"),)
    # the same people in another order: the same card
    order = [3, 1, 0, 2, 7, 5, 6, 4]
    again = find_camps(cat, OPTIONS, CRITERIA, [weights[i] for i in order])
    cards_again = words.camp_cards(cat, again, [reasons[i] for i in order])
    assert {c.top[0]: c for c in cards_again} == cards
    with pytest.raises(InputError, match="one mapping per participant"):
        words.camp_cards(cat, camps, reasons[:-1])


def test_no_reasons_are_shown_from_a_camp_of_fewer_than_three(cat) -> None:
    camps = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES, *HAWKS))
    small = dataclasses.replace(camps.camps[1], members=camps.camps[1].members[:2])
    pair = dataclasses.replace(camps, camps=(camps.camps[0], small))
    reasons = [{"deterrence": "Because"} for _ in range(8)]
    big, two = words.camp_cards(cat, pair, reasons)
    assert big.reasons == (("Deterrence", "Because"),) and two.reasons == ()
    assert two.size_text == "2 people"


def test_a_room_without_clear_camps_is_one_card_titled_the_room(cat) -> None:
    weights = room((5, 4, 4), (6, 4, 3), (4, 4, 4), (5, 5, 4), (6, 3, 4), (5, 4, 3))
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    (card,) = words.camp_cards(cat, camps)
    assert card.title == "The room" and card.size == 6 and card.distinctive == ()
    assert words.camp_cards(cat, find_camps(cat, OPTIONS, CRITERIA, weights[:5])) == ()


# ------------------------------------------------------------------------------ sentences
def test_the_rooms_camps_in_a_sentence(cat) -> None:
    clear = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES, LONER, *HAWKS))
    assert words.camps_sentence(clear) == (
        f"The room splits into two camps, strongly separated (silhouette {clear.silhouette:.2f} "
        "of 1); 1 person fits none of them."
    )
    same = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES, (1, 0, 0), (1, 0, 0)))
    assert words.camps_sentence(same) == (
        "The room has no clear camps: everyone's weights give the same ranking."
    )
    few = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES, HAWKS[0]))
    assert words.camps_sentence(few) == (
        "Fewer than six submissions: camps need at least six (this round has 5), so the room "
        "is shown as one group."
    )


def test_why_a_room_has_camps_or_not_is_worded_here_from_codes_and_numbers(cat) -> None:
    clear = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES, LONER, *HAWKS))
    assert clear.reason == "clear"
    assert words.reason_text(clear) == (
        f"2 camps, strongly separated (silhouette {clear.silhouette:.2f} of 1; a clear split "
        "needs 0.50); 1 person fits none"
    )
    strict = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES, LONER, *HAWKS), min_silhouette=0.95)
    assert words.reason_text(strict) == (
        f"the best split (2 camps) is strongly separated (silhouette {clear.silhouette:.2f} of "
        "1), below the 0.95 a clear split needs"
    )
    agreeing = room((5, 4, 4), (6, 4, 3), (4, 4, 4), (5, 5, 4), (6, 3, 4), (5, 4, 3), (4, 5, 4))
    small = find_camps(cat, OPTIONS, CRITERIA, agreeing)
    assert words.reason_text(small) == "no split leaves two camps of at least three"
    assert words.camps_sentence(small) == (
        "The room has no clear camps: no split leaves two camps of at least three."
    )
    few = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES), min_participants=8)
    assert words.reason_text(few) == "fewer than eight submissions: camps need at least eight"
    nobody = find_camps(cat, OPTIONS, CRITERIA, [])
    assert words.camps_sentence(nobody) == (
        "No submissions yet (this round has 0), so the room is shown as one group."
    )


def test_you_are_here(cat) -> None:
    weights = room(*DOVES, LONER, *HAWKS, HAWKS[1])
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    ground = common_ground(cat, OPTIONS, CRITERIA, camps, weights, top_k=3, samples=500)
    hawk = int(camps.labels[5])
    assert words.you_are_here(cat, camps, hawk) == "Your weights fall in camp 1 of 2 (5 people)."
    assert words.you_are_here(cat, camps, None) == "Your weights fit none of the two camps."
    shared = [OPTIONS[i] for i in ground.common]
    assert set(shared) == {"summits", "two-plus-two"}
    titles = {"summits": "Regular summits", "two-plus-two": "A 2+2 meeting"}
    assert words.you_are_here(cat, camps, 1, ground) == (
        "Your weights fall in camp 2 of 2 (4 people). Every camp puts "
        f"“{titles[shared[0]]}” and “{titles[shared[1]]}” in its top 3 at least half the time."
    )
    strict = common_ground(cat, OPTIONS, CRITERIA, camps, weights, top_k=1, samples=500)
    assert words.you_are_here(cat, camps, None, strict) == (
        "Your weights fit none of the two camps. No option is in every camp's top 1 at least "
        "half the time."
    )
    one = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES, *DOVES))
    assert words.you_are_here(cat, one, 0).startswith("The room has no clear camps")
    few = find_camps(cat, OPTIONS, CRITERIA, weights[:3])
    assert words.you_are_here(cat, few, None) == words.camps_sentence(few)


# ------------------------------------------------------------------------------ tables
def test_the_common_ground_and_dividing_tables(cat) -> None:
    weights = room(*DOVES, *HAWKS, HAWKS[0])
    camps = find_camps(cat, OPTIONS, CRITERIA, weights)
    ground = common_ground(cat, OPTIONS, CRITERIA, camps, weights, top_k=3, samples=500)
    table = words.common_ground_table(cat, ground, camps)
    assert list(table.columns) == ["option", "label", "camp 1", "camp 2", "floor"]
    assert list(table["option"]) == [OPTIONS[i] for i in ground.order]
    np.testing.assert_allclose(table["floor"], table[["camp 1", "camp 2"]].min(axis=1))
    assert table["floor"].is_monotonic_decreasing
    divided = words.dividing_table(cat, ground).set_index("option")
    assert set(divided.index) == {"status-quo", "liaison"}
    assert divided.loc["liaison", ["label", "high_camp", "low_camp"]].tolist() == [
        "Liaison officers",
        "Camp 1",
        "Camp 2",
    ]
    assert divided.loc["liaison", "gap"] == pytest.approx(
        divided.loc["liaison", "high"] - divided.loc["liaison", "low"]
    )


def test_tables_for_the_room_as_one_camp_and_without_camps(cat) -> None:
    weights = room(*DOVES, *DOVES)
    one = find_camps(cat, OPTIONS, CRITERIA, weights)
    ground = common_ground(cat, OPTIONS, CRITERIA, one, weights, samples=200)
    table = words.common_ground_table(cat, ground, one)
    assert list(table.columns) == ["option", "label", "room", "floor"]
    assert table["label"].iloc[0] == "Status quo (baseline)"
    assert words.dividing_table(cat, ground).empty
    few = find_camps(cat, OPTIONS, CRITERIA, weights[:4])
    empty = common_ground(cat, OPTIONS, CRITERIA, few, weights[:4])
    assert words.common_ground_table(cat, empty, few).empty


def hand(labels: list[int]) -> Camps:
    lab = np.array(labels, dtype=np.int64)
    count = int(lab.max()) + 1
    return Camps(
        option_ids=tuple(OPTIONS),
        criterion_ids=tuple(CRITERIA),
        labels=lab,
        camps=tuple(
            Camp(c, tuple(int(i) for i in np.flatnonzero(lab == c)), np.zeros(3), (), (), 0.0)
            for c in range(count)
        ),
        k=count,
        silhouette=None,
        clear=count > 1,
        reason="clear" if count > 1 else "no_clear_split",
        unassigned=int((lab < 0).sum()),
        ranks=np.zeros((len(lab), 4), dtype=np.int64),
        method="wsm",
        normalization="scale",
    )


@pytest.mark.parametrize(
    ("value", "threshold", "said"),
    [
        (0.75, None, "strongly separated (silhouette 0.75 of 1)"),
        (0.55, 0.5, "clearly separated (silhouette 0.55 of 1; a clear split needs 0.50)"),
        (0.31, 0.5, "weakly separated (silhouette 0.31 of 1; a clear split needs 0.50)"),
        (-0.1, None, "not separated (silhouette -0.10 of 1)"),
        (None, None, "not measured (no split could be tried)"),
    ],
)
def test_the_silhouette_in_words(value: float | None, threshold: float | None, said: str) -> None:
    assert words.silhouette_words(value, threshold) == said


def test_a_round_just_opened_says_it_has_no_submissions_yet(cat) -> None:
    split = find_camps(cat, OPTIONS, CRITERIA, room(*DOVES[:3], *HAWKS[:3]))
    empty = find_camps(cat, OPTIONS, CRITERIA, [])
    history = camps_across_rounds({1: (split, list("abcdef")), 2: (empty, [])})
    assert words.history_sentences(history) == ("Round 2 has no submissions yet.",)
    # a transition into an empty round, built by hand, says the same rather than "6 left"
    assert words.transition_sentence(Transition(1, 2, 0, None, None, 0, 6, ())) == (
        "Round 2 has no submissions yet."
    )
    both = camps_across_rounds({1: (split, list("abcdef")), 2: (split, list("abcdef"))})
    (said,) = words.history_sentences(both)
    assert said == words.transition_sentence(both.transitions[0]) and said.startswith("From")


def test_the_across_rounds_table_and_sentences() -> None:
    history = camps_across_rounds(
        {
            1: (hand([0, 0, 0, 1, 1, 1, -1]), list("abcdefx")),
            2: (hand([1, 1, 1, 0, 0, 0, 0]), list("abcdefy")),  # camp numbers swap; x left
        }
    )
    table = words.history_table(history)
    assert list(table.columns) == [
        "round", "camps", "clear", "stayed", "moved", "joined", "left", "stability", "common",
        "grew",
    ]  # fmt: skip
    first, second = table.to_dict("records")
    assert first["round"] == 1 and pd.isna(first["stayed"]) and np.isnan(first["stability"])
    assert (second["stayed"], second["moved"], second["joined"], second["left"]) == (6, 0, 1, 1)
    assert second["stability"] == 1.0 and second["grew"] == ""
    (t,) = history.transitions
    assert words.transition_sentence(t) == (
        "From round 1 to round 2, 6 of the 6 in both stayed in their camp (100.0\u00a0%); 0 moved; "
        "1 joined and 1 left."
    )
    blank = Transition(2, 3, 4, None, None, 0, 2, ())
    assert words.transition_sentence(blank) == (
        "From round 2 to round 3: no camps to compare; nobody joined and 2 left."
    )
    few = Transition(2, 3, 4, None, None, 0, 2, (), ((3, "too_few"),))
    assert words.transition_sentence(few) == (
        "From round 2 to round 3: no figure for who stayed in their camp, since round 3 had too "
        "few submissions for camps; nobody joined and 2 left."
    )
    both = Transition(1, 2, 6, None, None, 1, 0, (), ((1, "same_ranking"), (2, "no_clear_split")))
    assert words.transition_sentence(both) == (
        "From round 1 to round 2: no figure for who stayed in their camp, since rounds 1 and 2 "
        "had no clear camps; 1 joined and none left."
    )
    mixed = Transition(1, 2, 6, None, None, 0, 0, (), ((1, "no_submissions"), (2, "too_small")))
    assert words.transition_sentence(mixed) == (
        "From round 1 to round 2: no figure for who stayed in their camp, since round 1 had too "
        "few submissions for camps and round 2 had no clear camps; nobody joined and none left."
    )


def test_two_agreeing_rounds_have_no_stability_figure(cat) -> None:
    agreeing = room((5, 4, 4), (6, 4, 3), (4, 4, 4), (5, 5, 4), (6, 3, 4), (5, 4, 3))
    one = find_camps(cat, OPTIONS, CRITERIA, agreeing)
    keys = list("abcdef")
    history = camps_across_rounds({1: (one, keys), 2: (one, keys)})
    (row,) = words.history_table(history).to_dict("records")[1:]
    assert pd.isna(row["stayed"]) and pd.isna(row["moved"]) and np.isnan(row["stability"])
    (t,) = history.transitions
    said = words.transition_sentence(t)
    assert "100" not in said and "stayed in their camp (" not in said
    assert said == (
        "From round 1 to round 2: no figure for who stayed in their camp, since rounds 1 and 2 "
        "had no clear camps; nobody joined and none left."
    )
