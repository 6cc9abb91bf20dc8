"""A workshop's report (src/policybench/export/workshop_report.py and
src/policybench/export/deliberation.py): the group result, every round, the contested scores,
the decisions and the camps, every ranking with the adopted scores and saying so; the patch of
the adopted scores. Hand-worked numbers on the two-round room of tests/export/conftest.py:
two camps whose rankings are each other's reverse, one participant who moves between them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np
import pytest

from policybench.analysis.workshop import group_result
from policybench.catalog import Catalog
from policybench.errors import InputError
from policybench.export import render
from policybench.export.deliberation import participant_names
from policybench.export.report import Report
from policybench.export.workshop_report import (
    catalog_note,
    group_section,
    missing_from_catalog,
    patch_label,
    workshop_patch,
    workshop_report,
)

from .conftest import (
    CAUTION,
    DAN_ROUND_2,
    FIXED_TIME,
    HOSTILE,
    TINY_OPTIONS,
    TwoRoundRoom,
    two_round_room,
)

OPTIONS = ("status-quo", "liaison", "summits", "two-plus-two")
CRITERIA = ("feasibility", "deterrence", "backlash")
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}
ADJUSTED = "1 score adjusted in this workshop"


def shares(weights: dict[str, float]) -> np.ndarray:
    v = np.array([weights[c] for c in CRITERIA])
    return v / v.sum()


def report_of(cat: Catalog, room: TwoRoundRoom, **kw: object) -> Report:
    """The room's report, as `policybench export --workshop` builds it."""
    kw.setdefault("charts", False)
    return workshop_report(
        cat,
        room.shop,
        room.rounds[max(room.rounds)],
        rounds=room.rounds,
        challenges=room.challenges,
        seen=room.seen,
        decisions=room.decisions,
        timestamp=FIXED_TIME,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def room(tiny: Catalog) -> TwoRoundRoom:
    return two_round_room(tiny)


@pytest.fixture(scope="module")
def room_report(tiny: Catalog, room: TwoRoundRoom) -> Report:
    return report_of(tiny, room)


def tables(report: Report, key: str) -> dict:
    section = report.section(key)
    assert section is not None, key
    return dict(section.tables)


# ------------------------------------------------------------------------------ the group part
def test_group_section_is_the_group_result_with_its_stamp(tiny: Catalog) -> None:
    result = group_result(tiny, OPTIONS, CRITERIA, [ANA, BOB], combination="borda")
    section = group_section(tiny, result, title="Seminar", reasons=[{"deterrence": "why"}, {}])
    assert section.key == "group" and section.title == "Workshop: Seminar"
    assert section.about["workshop"] == "Seminar" and section.about["participants"] == 2
    assert section.about["rankings combined by"] == "borda"
    parts = dict(section.tables)
    assert list(parts["Participants"]["participant"]) == ["Participant 1", "Participant 2"]
    assert [c.name for c in section.charts] == ["group-weights", "group-ranks"]
    named = group_section(tiny, result, title="S", names=["ana", "bob"], charts=False)
    assert list(dict(named.tables)["Participants"]["participant"]) == ["ana", "bob"]
    assert named.charts == ()


@dataclass(frozen=True)
class Shop:
    title: str = "Seminar <b>"
    options: tuple[str, ...] = OPTIONS
    criteria: tuple[str, ...] = CRITERIA
    state: str = "locked"
    catalog_fingerprint: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime(2025, 1, 1, tzinfo=UTC))
    combination: str = "borda"


@dataclass(frozen=True)
class Sub:
    display_name: str
    weights: dict[str, float]
    reasons: dict[str, str] = field(default_factory=dict)


def test_workshop_report_ranks_under_the_groups_weights(tiny: Catalog) -> None:
    subs = [Sub("=ana", ANA, {"deterrence": "because"}), Sub("bob", BOB)]
    report = workshop_report(tiny, Shop(), subs, charts=False)
    section = report.section("group")
    assert section is not None
    ranking = dict(section.tables)["Group ranking"]
    result = group_result(tiny, OPTIONS, CRITERIA, [ANA, BOB], combination="borda")
    assert list(ranking["borda rank"]) == [int(result.combined.ranks[i]) for i in result.order()]
    assert list(dict(section.tables)["Participants"]["participant"]) == [
        "Participant 1",
        "Participant 2",
    ]
    assert report.metadata["profile"] == "workshop group weights (mean of 2 participants)"
    assert report.metadata["weights"] == pytest.approx(
        dict(zip(CRITERIA, result.group_weights, strict=True))
    )
    named = workshop_report(tiny, Shop(), subs, names=True, result=result, charts=False)
    people = dict(named.section("group").tables)["Participants"]["participant"]
    assert list(people) == ["=ana", "bob"]
    # a workshop of one round, nothing challenged: the sections are there, and empty
    assert report.metadata["rounds"] == 1 and "adjusted" not in report.metadata
    assert tables(report, "challenges")["Challenged scores"].empty
    assert tables(report, "decisions")["Decisions"].empty
    assert list(tables(report, "rounds")["Rounds"]["submissions"]) == [2]
    assert "fewer than six submissions" in report.section("camps").about["round 1"].lower()


def test_workshop_report_refuses_empty_or_foreign_workshops(tiny: Catalog) -> None:
    with pytest.raises(InputError, match="no submissions"):
        workshop_report(tiny, Shop(), [])
    foreign = Shop(options=(*OPTIONS, "elsewhere"))
    assert missing_from_catalog(tiny, foreign) == ["elsewhere"]
    with pytest.raises(InputError, match="elsewhere"):
        workshop_report(tiny, foreign, [Sub("a", ANA)])
    assert catalog_note(tiny, Shop()) is None
    note = catalog_note(tiny, Shop(catalog_fingerprint="f" * 64))
    assert note is not None and "ffffffffffff" in note


# ------------------------------------------------------------------------------ rounds
def test_every_round_carries_its_submissions_agreement_spread_and_movement(
    room_report: Report, room: TwoRoundRoom
) -> None:
    parts = tables(room_report, "rounds")
    summary = parts["Rounds"]
    assert list(summary["round"]) == [1, 2] and list(summary["submissions"]) == [6, 7]
    # only dan moved: from (5, 1, 5) to (1, 6, 2), half the L1 distance of the shares
    dan = 0.5 * np.abs(shares(DAN_ROUND_2) - shares(CAUTION[0])).sum()
    assert dan == pytest.approx(0.5757575757575757)
    moved = parts["Movement between rounds"]
    assert list(moved["participant"]) == [f"Participant {k}" for k in range(1, 7)]
    assert list(moved["moved"]) == pytest.approx([0, 0, 0, dan, 0, 0], abs=1e-15)
    assert math.isnan(summary["mean movement"][0])
    assert summary["mean movement"][1] == pytest.approx(dan / 6, rel=1e-12)
    # each criterion's spread: the interquartile range of the round's shares
    spread = parts["Spread by round"]
    for r, subs in room.rounds.items():
        rows = np.array([shares(s.weights) for s in subs])
        iqr = np.percentile(rows, 75, axis=0) - np.percentile(rows, 25, axis=0)
        got = spread[spread["round"] == r].set_index("criterion").loc[list(CRITERIA), "spread"]
        np.testing.assert_allclose(got, iqr, rtol=1e-12)
    assert summary["kendall w"].min() >= 0 and summary["kendall w"].max() <= 1


def test_the_group_ranking_of_every_round_is_the_group_results_with_the_adopted_score(
    tiny: Catalog, room_report: Report, room: TwoRoundRoom
) -> None:
    by_round = tables(room_report, "rounds")["Group ranking by round"].set_index("option")
    for r, subs in room.rounds.items():
        result = group_result(
            tiny, OPTIONS, CRITERIA, [s.weights for s in subs], combination="borda",
            overrides=room.overrides,
        )  # fmt: skip
        expected = dict(zip(result.option_ids, map(int, result.combined.ranks), strict=True))
        assert by_round[f"round {r} rank"].to_dict() == expected
    # round 2's group ranking is the group section's
    group = tables(room_report, "group")["Group ranking"].set_index("option")["borda rank"]
    assert group.to_dict() == by_round["round 2 rank"].to_dict()


# ------------------------------------------------------------------------------ challenges
def test_each_challenged_cell_with_its_catalog_range_proposals_and_decision(
    room_report: Report,
) -> None:
    cells = tables(room_report, "challenges")["Challenged scores"]
    assert list(zip(cells["option"], cells["criterion"], strict=True)) == [
        ("liaison", "feasibility"),
        ("summits", "deterrence"),
    ]
    liaison, summits = cells.to_dict("records")
    # liaison's feasibility: the catalog's 4 in [3, 5]; proposals 2 and 3 (median 2.5, IQR
    # 2.75 - 2.25), outside the range, adopted at 2.5
    assert (liaison["catalog score"], liaison["catalog low"], liaison["catalog high"]) == (4, 3, 5)
    assert liaison["catalog range"] == "3–5" and liaison["challenges"] == 2
    assert (liaison["median proposal"], liaison["spread of proposals (IQR)"]) == (2.5, 0.5)
    assert (liaison["lowest proposal"], liaison["highest proposal"]) == (2, 3)
    assert liaison["outside"] is True and liaison["adopted score"] == 2.5
    # summits' deterrence: 4 in [3, 5]; proposals 6 and 5: median 5.5, outside; rejected
    assert (summits["median proposal"], summits["outside"]) == (5.5, True)
    assert math.isnan(summits["adopted score"])


def test_every_challenge_with_its_reason_quote_and_verified_mark_anonymous(
    tiny: Catalog, room: TwoRoundRoom, room_report: Report
) -> None:
    rows = tables(room_report, "challenges")["Challenges"]
    assert list(rows["participant"]) == [
        "Participant 1",  # ana
        "Participant 4",  # dan
        "Participant 5",  # eve
        "Participant 6",  # fay
    ]
    assert list(rows["quote check"]) == ["verified", "", "not found", ""]
    assert rows["reason"][0] == "Tokyo cannot staff liaison posts this year."
    assert rows["citation"][0].startswith("Junya Nishino (2017)")
    assert list(rows["source"]) == ["nishino-2017", "", "glosserman-2018", ""]
    assert list(rows["proposed score"]) == [2, 3, 6, 5] and list(rows["round"]) == [1, 2, 1, 2]
    assert np.isnan(rows["proposed low"][1]) and rows["proposed high"][3] == 6
    names = {s.display_name for subs in room.rounds.values() for s in subs}
    assert not names & set(rows["participant"])  # nobody by name
    named = tables(report_of(tiny, room, names=True), "challenges")["Challenges"]
    assert list(named["participant"]) == ["ana", "dan", "eve", "fay"]


def test_the_export_lists_what_the_room_saw_at_each_reveal(room_report: Report) -> None:
    seen = tables(room_report, "challenges")["Challenges the room saw, by round"]
    assert list(seen["seen in round"]) == [1, 1, 2, 2, 2, 2]
    first = seen[seen["seen in round"] == 1]
    assert list(zip(first["participant"], first["proposed score"], strict=True)) == [
        ("Participant 1", 2.0),  # ana's, made in round 1
        ("Participant 5", 6.0),  # eve's
    ], "round 1's reveal showed only what was written by then"
    assert list(seen[seen["seen in round"] == 2]["participant"]) == [
        "Participant 1", "Participant 4", "Participant 5", "Participant 6",
    ]  # fmt: skip


def test_challenge_rows_come_from_the_challenges_even_when_labels_repeat(
    tiny: Catalog, room: TwoRoundRoom
) -> None:
    """Two challengers the labels do not know both read "A participant"; each keeps its own
    proposal and reason (a join on the label would give both rows one challenge)."""
    from policybench.export.deliberation import Room, challenges_section

    section = challenges_section(
        tiny, OPTIONS, CRITERIA, room.rounds, 2, room.challenges, {}, Room("wsm")
    )
    rows = dict(section.tables)["Challenges"]
    assert set(rows["participant"]) == {"A participant"}
    assert sorted(zip(rows["proposed score"], rows["reason"], strict=True)) == sorted(
        (c.value, c.reason) for c in room.challenges
    )


def test_every_impact_says_which_group_ranking_it_is_measured_on(
    tiny: Catalog, room: TwoRoundRoom, room_report: Report
) -> None:
    from policybench.analysis.contest import contested
    from policybench.present.contest import impact_words

    section = room_report.section("challenges")
    assert section is not None
    basis = "measured on the group's ranking (borda count over everyone's rankings)"
    assert section.about["impact"] == basis, "the workshop's stored rule, not a default"
    cells = contested(
        tiny, OPTIONS, CRITERIA, [s.weights for s in room.rounds[2]], room.challenges,
        overrides=room.overrides, combination="borda", method="wsm",
    )  # fmt: skip
    shown = dict(section.tables)["Challenged scores"]
    assert list(shown["impact"]) == [f"{impact_words(c)} ({basis})" for c in cells]
    by_mean = report_of(tiny, room, combination="mean").section("challenges")
    assert by_mean is not None and by_mean.about["impact"].endswith("(mean of everyone's weights)")


def test_participants_are_numbered_once_for_the_whole_report(
    room_report: Report, room: TwoRoundRoom
) -> None:
    labels = participant_names(room.rounds, room.challenges, names=False)
    assert labels["ana"] == "Participant 1" and labels["gus"] == "Participant 7"
    people = tables(room_report, "group")["Participants"]["participant"]
    assert list(people) == [labels[s.display_name] for s in room.rounds[2]]
    reasons = tables(room_report, "group")["Reasons"]
    assert set(reasons["participant"]) == {"Participant 1", "Participant 4"}  # ana, dan


def test_the_decisions_with_value_range_and_time(room_report: Report) -> None:
    decided = tables(room_report, "decisions")["Decisions"].to_dict("records")
    assert [d["decision"] for d in decided] == ["adopted", "rejected"]
    adopted, rejected = decided
    assert (adopted["adopted score"], adopted["adopted low"], adopted["adopted high"]) == (
        2.5,
        2,
        3,
    )
    assert adopted["decided at"] == "2025-01-31T09:30:00Z" and adopted["challenges"] == 2
    assert math.isnan(rejected["adopted score"]) and rejected["catalog score"] == 4
    about = room_report.section("decisions").about
    assert (about["adopted"], about["rejected"], about["adjusted"]) == (1, 1, ADJUSTED)


# ------------------------------------------------------------------------------ adopted scores
def test_every_ranking_uses_the_adopted_score_and_says_so(
    tiny: Catalog, room_report: Report, room: TwoRoundRoom
) -> None:
    weights = room_report.metadata["weights"]
    table = room_report.rankings[0].table.set_index("option")
    # liaison under the group's weights with its feasibility at 2.5, not the catalog's 4:
    # values on the 0–10 scale, backlash a cost
    liaison = (
        weights["feasibility"] * 0.25 + weights["deterrence"] * 0.8 + weights["backlash"] * 0.4
    )
    assert table.loc["liaison", "score"] == pytest.approx(liaison, rel=1e-12)
    assert ADJUSTED in room_report.metadata["profile"] and room_report.caveats[0].startswith(
        ADJUSTED
    )
    assert "Liaison officers × Feasibility: 2.5 (the catalog's 4)" in room_report.caveats[0]
    for key in ("group", "rounds", "challenges", "decisions", "camps"):
        assert room_report.section(key).about["adjusted"] == ADJUSTED, key
    # the comparison shows the adopted score (its range widened to hold 2–3); the evidence,
    # the catalog's
    adjusted = room_report.comparison.set_index("option").loc["liaison"]
    assert (adjusted["score:feasibility"], adjusted["low:feasibility"]) == (2.5, 2.0)
    assert adjusted["high:feasibility"] == 5.0
    assert room_report.score_table.set_index("option").loc["liaison", "score:feasibility"] == 4
    # with the decisions undone, the catalog's scores and no label
    plain = report_of(tiny, replace(room, decisions=[]))
    plain_table = plain.rankings[0].table.set_index("option")
    assert plain_table.loc["liaison", "score"] == pytest.approx(
        liaison + weights["feasibility"] * 0.15, rel=1e-12
    )
    assert ADJUSTED not in render("json", plain) and plain.caveats == room_report.caveats[1:]
    assert plain.comparison.equals(plain.score_table)


# ------------------------------------------------------------------------------ camps
def test_the_camps_of_each_round_their_common_ground_and_stability(room_report: Report) -> None:
    camps = room_report.section("camps")
    parts = dict(camps.tables)
    assert list(parts["Round 1 camps"]["size"]) == [3, 3]
    assert list(parts["Round 2 camps"]["size"]) == [4, 3]  # dan joined deterrence first
    weights = parts["Round 2 camps"][[f"weight:{c}" for c in CRITERIA]]
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    # both camps have the 2+2 meeting and summits in their top three, every time
    for r in (1, 2):
        ground = parts[f"Round {r} common ground"].set_index("option")["floor"]
        assert ground.to_dict() == {
            "two-plus-two": 1.0,
            "summits": 1.0,
            "status-quo": 0.0,
            "liaison": 0.0,
        }
        assert set(parts[f"Round {r} dividing"]["option"]) == {"liaison", "status-quo"}
    history = parts["Camps across rounds"].set_index("round").loc[2]
    assert (history["stayed"], history["moved"], history["joined"], history["left"]) == (
        5,
        1,
        1,
        0,
    )
    assert history["stability"] == pytest.approx(5 / 6)
    assert "5 of the 6 in both stayed" in camps.about["round 1 to round 2"]
    reasons = parts["Round 1 camp reasons"]
    assert "North Korea's missiles come first." in set(reasons["reason"])
    assert "participant" not in reasons.columns  # a camp's reasons are anonymous


def test_top_k_is_the_facilitators_and_a_small_round_says_why_it_has_no_camps(
    tiny: Catalog, room: TwoRoundRoom
) -> None:
    first = report_of(tiny, room, top_k=1).section("camps")
    ground = dict(first.tables)["Round 2 common ground"]
    assert first.about["top k"] == 1 and set(ground["floor"]) == {0.0}  # no first in common
    small = replace(room, rounds={1: room.rounds[1][:5], 2: room.rounds[2]})
    camps = report_of(tiny, small, top_k=99).section("camps")
    assert camps.about["top k"] == 4  # cut to the options in play
    assert "fewer than six submissions" in camps.about["round 1"].lower()
    assert not [name for name, _ in camps.tables if name.startswith("Round 1")]


def test_a_new_round_without_submissions_exports_the_one_before(
    tiny: Catalog, room: TwoRoundRoom
) -> None:
    opened = replace(room, rounds={1: room.rounds[1], 2: []})
    report = workshop_report(
        tiny, room.shop, room.rounds[1], rounds=opened.rounds, challenges=room.challenges,
        decisions=room.decisions, charts=False,
    )  # fmt: skip
    assert report.section("group").about["round"] == 1
    summary = tables(report, "rounds")["Rounds"]
    assert list(summary["submissions"]) == [6, 0] and math.isnan(summary["kendall w"][1])
    assert list(tables(report, "rounds")["Group ranking by round"].columns) == [
        "option",
        "title",
        "round 1 rank",
    ]
    assert "no submissions yet" in report.section("camps").about["round 2"].lower()


# ------------------------------------------------------------------------------ JSON
def test_json_has_every_round_the_challenges_and_decisions_at_full_precision(
    room_report: Report,
) -> None:
    data = json.loads(render("json", room_report))
    assert {"group", "rounds", "challenges", "decisions", "camps"} <= set(data)
    rounds = data["rounds"]["tables"]["Rounds"]
    assert [r["round"] for r in rounds] == [1, 2]
    assert rounds[0]["mean movement"] is None
    dan = 0.5 * np.abs(shares(DAN_ROUND_2) - shares(CAUTION[0])).sum()
    assert rounds[1]["mean movement"] == pytest.approx(dan / 6, rel=1e-15)
    assert len(str(rounds[1]["mean movement"])) > 8  # every digit, not a rounded 0.096
    moved = data["rounds"]["tables"]["Movement between rounds"]
    assert moved[3]["moved"] == pytest.approx(dan, rel=1e-15)
    cells = data["challenges"]["tables"]["Challenged scores"]
    assert [c["median proposal"] for c in cells] == [2.5, 5.5]
    assert cells[1]["adopted score"] is None  # NaN is null
    assert len(data["challenges"]["tables"]["Challenges"]) == 4
    decided = data["decisions"]["tables"]["Decisions"]
    assert [(d["decision"], d["adopted score"]) for d in decided] == [
        ("adopted", 2.5),
        ("rejected", None),
    ]
    # a person's formats round what JSON keeps whole
    md = render("markdown", room_report)
    assert f"{dan / 6:.3f}" in md and f"{dan / 6:.5f}" not in md


def test_json_carries_a_hostile_challenge_as_plain_text(hostile_report: Report) -> None:
    data = json.loads(render("json", hostile_report))
    rows = data["challenges"]["tables"]["Challenges"]
    assert rows[0]["reason"] == HOSTILE["challenge_reason"]
    assert rows[0]["quote"] == HOSTILE["challenge_quote"]
    assert rows[0]["participant"] == "=cmd|' /C calc'!A0"


# ------------------------------------------------------------------------------ the patch
def test_the_patch_carries_the_adopted_score_and_its_reasons_never_the_code(
    tiny: Catalog, room: TwoRoundRoom
) -> None:
    assert patch_label(room.shop) == "Seoul seminar (2025-01-31)"
    doubled = [*room.challenges, replace(room.challenges[1], display_name="gus")]
    patch = workshop_patch(
        TINY_OPTIONS, tiny, room.shop, room.decisions, doubled, repo_path="tests/fixtures/catalog"
    )
    assert "diff --git a/tests/fixtures/catalog/policies/liaison.yaml" in patch
    assert "summits.yaml" not in patch  # rejected: nothing to patch
    assert "\n-    value: 4\n" in patch and "\n+    value: 2.5\n+    range: [2, 5]\n" in patch
    prefix = "# workshop Seoul seminar (2025-01-31):"
    comments = [line[1:].strip() for line in patch.splitlines() if line.startswith("+    #")]
    assert [c for c in comments if prefix in c] == [
        f"{prefix} adopted 2.5 (catalog 4); range widened from [3, 5] to"
    ], "the prefix once per cell"
    # then what each challenge proposed and why; the verified quote with its source; a
    # challenge two people made alike once; every line folded with a hanging indent
    assert comments[1:] == [
        "#     [2, 5]; the room's reasons:",
        "#   proposed 2: Tokyo cannot staff liaison posts this year.",
        "#   “Policy consultations between Japan and South Korea should be institutionalized and",
        "#     strengthened.” (Nishino 2017)",
        "#   proposed 3: Both defence ministries must agree first.",
    ]
    assert room.shop.code not in patch and "K7Q2" not in patch  # the join code lets people in
    rejected = [d for d in room.decisions if d.decision == "rejected"]
    assert workshop_patch(TINY_OPTIONS, tiny, room.shop, rejected, room.challenges) == ""


def test_the_markdown_puts_the_workshop_first_and_the_evidence_last(room_report: Report) -> None:
    from policybench.export.formats.markdown import render

    md = render(room_report)
    order = [
        "## About this export", "### Criteria and weights", "## Workshop: Seoul seminar",
        "## Rounds", "## Contested scores", "## Decisions on contested scores", "## Camps",
        "## Ranking: ", "## Comparison", "## Appendix: quotes and citations",
    ]  # fmt: skip
    at = [md.index(heading) for heading in order]
    assert at == sorted(at), [h for h, _ in sorted(zip(order, at, strict=True), key=lambda x: x[1])]
    assert md.count("## Appendix: quotes and citations") == 1


def test_participants_are_numbered_by_join_order_whoever_submitted(tiny: Catalog) -> None:
    """With round 1 = [Bo], Bo is "Participant 2" when Aiko joined first, before and after
    Aiko submits: the same numbers the pages give."""
    from policybench.present.labels import participant_numbers

    bo_only = [Sub("Bo", BOB)]
    before = workshop_report(tiny, Shop(), bo_only, joined=["Aiko", "Bo"], charts=False)
    people = tables(before, "group")["Participants"]["participant"]
    assert list(people) == ["Participant 2"]
    both = [Sub("Aiko", ANA), Sub("Bo", BOB)]
    after = workshop_report(tiny, Shop(), both, joined=["Aiko", "Bo"], charts=False)
    assert list(tables(after, "group")["Participants"]["participant"]) == [
        "Participant 1",
        "Participant 2",
    ]
    assert participant_numbers(["Aiko", "Bo"], ["Bo"]) == {"Bo": "Participant 2"}
    late = workshop_report(tiny, Shop(), both, joined=["Bo"], charts=False)
    assert list(tables(late, "group")["Participants"]["participant"]) == [
        "Participant 2",  # Aiko, missing from the join list read: after everyone in it
        "Participant 1",
    ]
