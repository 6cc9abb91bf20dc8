"""policybench.present.workshop: the facilitator's tables and sentences, the participant's, and
the export's group section, all from one group result."""

from __future__ import annotations

import math

import numpy as np
import pytest

from policybench import group
from policybench.analysis.rank import rank_catalog
from policybench.analysis.workshop import group_result
from policybench.present import workshop as words

CRITERIA = ["feasibility", "deterrence", "backlash"]
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}
CY = {"feasibility": 3.0, "deterrence": 3.0, "backlash": 3.0}


@pytest.mark.parametrize("combination", ["mean", "median", "geometric", "borda", "copeland"])
def test_the_room_and_the_export_show_the_same_numbers(cat, combination: str) -> None:
    res = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB, CY], combination=combination)
    shown = words.group_ranking(cat, res)
    exported = dict(words.export_tables(cat, res, ["a", "b", "c"], [{}, {}, {}]))["Group ranking"]
    assert list(exported["option"]) == list(shown["option"])
    if res.by_weights:
        rank, value = "group weights rank", "group weights score"
    else:
        rank, value = f"{combination} rank", f"{combination} points"
    assert list(exported[rank]) == list(shown["rank"])
    np.testing.assert_array_equal(exported[value], shown["value"])
    spread = dict(words.export_tables(cat, res, ["a", "b", "c"], [{}, {}, {}]))["Weight spread"]
    np.testing.assert_array_equal(
        spread["group weight"],
        words.spread_table(cat, res, ["a", "b", "c"], [{}, {}, {}])["group_weight"],
    )


def test_the_facilitators_tables(cat) -> None:
    res = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB, CY])
    labels = words.participant_labels(None, 3)
    assert labels == ["Participant 1", "Participant 2", "Participant 3"]
    reasons = [{"deterrence": "a" * 200}, {}, {"feasibility": "cheap"}]
    spread = words.spread_table(cat, res, labels, reasons)
    assert spread["std"].is_monotonic_decreasing
    row = spread.set_index("criterion_id").loc["deterrence"]
    assert row["reasons"].startswith("Participant 1: aaa") and row["reasons"].endswith("…")
    assert len(row["reasons"]) == 80 and row["n_reasons"] == 1
    assert ("Deterrence", "Participant 1", "a" * 200) in words.reason_list(
        cat, res, labels, reasons
    )
    versus = words.versus_table(cat, res, labels)
    assert list(versus["participant"]) == labels
    np.testing.assert_allclose(versus["tau"], res.tau)
    ranks = words.ranks_table(cat, res, labels)
    assert list(ranks.columns) == ["option", "group", *labels]
    assert words.room_smaa_table(cat, res) is None
    with_smaa = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB], smaa_samples=1_000)
    smaa = words.room_smaa_table(cat, with_smaa)
    assert smaa is not None and smaa["expected_rank"].is_monotonic_increasing
    assert "between the lowest and the highest" in words.smaa_note(with_smaa)


def test_sentences(cat) -> None:
    res = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB, CY])
    assert words.agreement_words(res.concordance).startswith(
        f"Kendall's W = {res.concordance.w:.2f}"
    )
    driver = words.driver_sentence(cat, res)
    assert driver is not None
    first = words.group_ranking(cat, res)
    if (first["rank"] == 1).sum() == 1:
        assert words.headline(cat, res) == f"The group ranks “{first['label'].iloc[0]}” first."
    one = group_result(cat, OPTIONS, CRITERIA, [ANA])
    assert words.agreement_words(one.concordance) == "Agreement needs at least two submissions."
    assert words.driver_sentence(cat, one) is None
    assert "undefined" in words.agreement_words(
        group.Concordance(math.nan, math.nan, 3, math.nan, 2, 4)
    )
    assert words.value_label(
        group_result(cat, OPTIONS, CRITERIA, [ANA], combination="copeland")
    ).startswith("Copeland")
    assert words.state_text("locked").startswith("Locked")
    assert words.judgement_label(0, "A", "B") == "equally important"
    assert words.judgement_label(2, "A", "B") == "A 3× as important as B"
    assert words.judgement_label(-8, "A", "B") == "B 9× as important as A"


@pytest.mark.parametrize(
    ("p", "said"),
    [
        (0.0001, "very unlikely to be chance (p < 0.001)"),
        (0.02, "unlikely to be chance (p = 0.020)"),
        (0.4, "could well be chance (p = 0.400)"),
    ],
)
def test_p_value_in_words(p: float, said: str) -> None:
    assert words.p_value_words(p).endswith(said)


def test_labels_and_headers_stay_on_one_bounded_line() -> None:
    assert words.participant_labels(["<b>\nx", "bob"], 2) == ["<b> x", "bob"]
    headers = words.unique_headers(
        ["option", "Group", "y" * 40, "y" * 40, ""], reserved=("option", "group")
    )
    assert headers[0] == "option (2)" and headers[1] == "Group (2)"
    assert len(set(headers)) == 5 and all(len(h) <= words.HEADER + 4 for h in headers)
    assert headers[4] == "(blank)"


def test_the_participants_view(cat) -> None:
    mine = words.own_ranking(cat, rank_catalog(cat, ANA, options=OPTIONS, criteria=CRITERIA))
    assert list(mine.columns) == ["rank", "option", "label", "title", "group", "baseline", "score"]
    assert mine["rank"].is_monotonic_increasing
    res = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB])
    table = words.versus_group(mine, words.group_ranking(cat, res))
    assert dict(zip(table["option"], table["your_rank"], strict=True)) == dict(
        zip(mine["option"], mine["rank"], strict=True)
    )
    shares = words.shares_table(
        cat, CRITERIA, {"feasibility": 0.5, "deterrence": 0.25, "backlash": 0.25}
    )
    assert list(shares["criterion"]) == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    assert words.shares_table(cat, CRITERIA, None)["share"].isna().all()


def test_export_tables_name_participants_only_when_given(cat) -> None:
    res = group_result(cat, OPTIONS, CRITERIA, [ANA, BOB, CY], combination="borda")
    labels = words.participant_labels(None, 3)
    parts = dict(
        words.export_tables(cat, res, labels, [{"deterrence": "North Korea first"}, {}, {}])
    )
    assert set(parts) == {
        "Group ranking",
        "Weight spread",
        "Disagreement drivers",
        "Participants",
        "Reasons",
    }
    assert list(parts["Participants"]["participant"]) == labels
    assert parts["Reasons"].to_dict(orient="records") == [
        {"participant": "Participant 1", "criterion": "deterrence", "reason": "North Korea first"}
    ]
    assert parts["Group ranking"]["first for"].sum() >= 3
    about = words.export_about(res)
    assert about["participants"] == 3 and 0 <= about["kendall_w"] <= 1
    one = group_result(cat, OPTIONS, CRITERIA, [ANA])
    assert "Disagreement drivers" not in dict(words.export_tables(cat, one, ["x"], [{}]))


# ------------------------------------------------------------------------------ the round
ACTIONS = ("lock", "reopen", "reveal")


@pytest.mark.parametrize(
    ("state", "usable"),
    [("open", {"lock"}), ("locked", {"reopen", "reveal"}), ("revealed", set()), ("closed", set())],
)
def test_every_disabled_round_button_says_why(state: str, usable: set[str]) -> None:
    """The buttons the page disables in a state (facilitate.ACTIONS) each have a reason, and
    the ones it enables have none."""
    for action in ACTIONS:
        hint = words.action_hint(action, state)
        assert (hint is None) == (action in usable), (action, state, hint)
        assert hint is None or hint.endswith(".")
    assert words.action_hint("reveal", "open") == (
        "Lock the round first: the result is revealed from frozen submissions."
    )
    closing = words.action_hint("close", state, confirmed=False)
    assert closing is not None and ("Close for good" in closing or state == "closed")
    assert (words.action_hint("close", state, confirmed=True) is None) == (state != "closed")


@pytest.mark.parametrize(
    ("joined", "submitted", "says"),
    [
        (0, 0, "Nobody has joined yet."),
        (3, 3, "Everyone who joined (3) has submitted."),
        (2, 1, "1 of the 2 who joined has submitted; the 1 who has not is left out"),
        (5, 2, "2 of the 5 who joined have submitted; the 3 who have not are left out"),
    ],
)
def test_the_lock_warning_says_who_has_submitted_and_what_is_lost(
    joined: int, submitted: int, says: str
) -> None:
    text = words.lock_warning(joined, submitted)
    assert says in text
    assert text.startswith("Locking freezes every submission.")
    assert "not saved are discarded" in text
