"""The workshop pages' pure builders (src/policybench/workshop_views.py) and the shared
workshop export (src/policybench/export/workshop.py), on the tiny catalog."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from policybench import catalog, group, mcda
from policybench import workshop_views as wv
from policybench.errors import InputError, WeightsError
from policybench.robustness import kendall_tau_b

CRITERIA = ["feasibility", "deterrence", "backlash"]
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}
CAT = {"feasibility": 3.0, "deterrence": 3.0, "backlash": 3.0}


@pytest.fixture(scope="module")
def cat() -> catalog.Catalog:
    return catalog.load(Path(__file__).resolve().parent / "fixtures" / "catalog")


def individual_ranks(cat: catalog.Catalog, weights: list[dict[str, float]]) -> np.ndarray:
    p = catalog.to_problem(cat, None, options=OPTIONS, criteria=CRITERIA)
    w = np.array([[row[c] for c in CRITERIA] for row in weights], dtype=float)
    return mcda.rank(mcda.score(p.matrix, w, p.types, "wsm", "scale"))


def by_option(table: pd.DataFrame, column: str = "rank") -> dict[str, int]:
    return {str(o): int(r) for o, r in zip(table["option_id"], table[column], strict=True)}


# ------------------------------------------------------------------------------ the group
@pytest.mark.parametrize("rule", ["mean", "median", "geometric"])
def test_group_ranking_by_combined_weights_is_policybench_group(cat, rule: str) -> None:
    view = wv.group_view(cat, OPTIONS, CRITERIA, [ANA, BOB, CAT], combination=rule)
    w = np.array([[row[c] for c in CRITERIA] for row in (ANA, BOB, CAT)], dtype=float)
    combined = group.combine_weights(w, rule)
    p = catalog.to_problem(
        cat, dict(zip(CRITERIA, combined, strict=True)), options=OPTIONS, criteria=CRITERIA
    )
    scores = mcda.score(p.matrix, p.weights, p.types, "wsm", "scale")
    assert by_option(view.ranking) == dict(zip(OPTIONS, map(int, mcda.rank(scores)), strict=True))
    np.testing.assert_allclose(
        view.ranking.set_index("option_id").loc[OPTIONS, "value"], scores, atol=1e-12
    )
    assert view.group_weights == pytest.approx(dict(zip(CRITERIA, combined, strict=True)))
    assert view.ranking["rank"].is_monotonic_increasing


@pytest.mark.parametrize("rule", ["borda", "copeland"])
def test_group_ranking_by_combined_rankings_is_policybench_group(cat, rule: str) -> None:
    view = wv.group_view(cat, OPTIONS, CRITERIA, [ANA, BOB, CAT], combination=rule)
    combined = group.combine_rankings(individual_ranks(cat, [ANA, BOB, CAT]), rule)
    assert by_option(view.ranking) == dict(zip(OPTIONS, map(int, combined.ranks), strict=True))
    np.testing.assert_allclose(
        view.ranking.set_index("option_id").loc[OPTIONS, "value"], combined.points
    )


def test_agreement_spread_drivers_and_participants(cat) -> None:
    weights = [ANA, BOB, CAT]
    view = wv.group_view(
        cat,
        OPTIONS,
        CRITERIA,
        weights,
        names=["ana", "bob", "cat"],
        reasons=[{"deterrence": "a" * 200}, {}, {"feasibility": "cheap"}],
    )
    ranks = individual_ranks(cat, weights)
    conc = group.kendall_w(ranks)
    assert view.concordance == conc
    assert view.agreement.startswith(f"Kendall's W = {conc.w:.2f}")
    # spread: most contested first, as policybench.group says
    spread = group.weight_spread(
        np.array([[r[c] for c in CRITERIA] for r in weights]), criteria=CRITERIA
    )
    assert list(view.spread["criterion_id"]) == [CRITERIA[s.criterion] for s in spread]
    assert view.spread["std"].is_monotonic_decreasing
    # reasons: anonymous labels, cut in the table, whole in the list
    row = view.spread.set_index("criterion_id").loc["deterrence"]
    assert row["reasons"].startswith("Participant 1: aaa") and row["reasons"].endswith("…")
    assert len(row["reasons"]) == wv.PREVIEW and row["n_reasons"] == 1
    assert ("Deterrence", "Participant 1", "a" * 200) in view.reasons
    # the driver is the first of policybench.group's list
    p = wv.workshop_problem(cat, OPTIONS, CRITERIA)
    shares = np.array([[r[c] for c in CRITERIA] for r in weights], dtype=float)
    drivers = group.disagreement_drivers(
        p.matrix, shares, p.types, "wsm", "scale", criteria=CRITERIA, bounds=p.bounds
    )
    assert list(view.drivers["criterion_id"]) == [CRITERIA[d.criterion] for d in drivers]
    assert view.driver is not None
    if drivers[0].rise > 1e-9:
        assert view.driver.startswith(cat.criteria_by_id[CRITERIA[drivers[0].criterion]].name)
    # each participant against the group
    assert list(view.versus["participant"]) == ["Participant 1", "Participant 2", "Participant 3"]
    group_ranks = view.ranking.set_index("option_id").loc[OPTIONS, "rank"].to_numpy()
    np.testing.assert_allclose(view.versus["tau"], kendall_tau_b(ranks, group_ranks[None, :]))
    assert list(view.ranks.columns) == ["option", "group", *view.labels]
    # names only when asked
    named = wv.group_view(
        cat, OPTIONS, CRITERIA, weights, names=["ana", "bob", "cat"], show_names=True
    )
    assert list(named.versus["participant"]) == ["ana", "bob", "cat"]


def test_smaa_samples_within_the_rooms_range_of_weights(cat) -> None:
    view = wv.group_view(cat, OPTIONS, CRITERIA, [ANA, BOB])
    assert view.smaa is not None and len(view.smaa) == len(OPTIONS)
    np.testing.assert_allclose(view.smaa["first"].sum(), 1.0)
    assert view.smaa["expected_rank"].is_monotonic_increasing
    assert "between the lowest and the highest" in view.smaa_note
    # the same weights twice: a single weighting, said so
    same = wv.group_view(cat, OPTIONS, CRITERIA, [ANA, ANA])
    assert same.smaa is not None and "no cloud to sample" in same.smaa_note
    assert set(np.round(same.smaa["first"], 9)) <= {0.0, 1.0}


def test_one_submission_has_no_agreement_yet(cat) -> None:
    view = wv.group_view(cat, OPTIONS, CRITERIA, [ANA])
    assert view.concordance is None and view.driver is None
    assert view.agreement == "Agreement needs at least two submissions."
    assert view.drivers.empty


def test_group_view_refuses_what_it_cannot_compute(cat) -> None:
    with pytest.raises(InputError, match="no submissions"):
        wv.group_view(cat, OPTIONS, CRITERIA, [])
    with pytest.raises(InputError, match="unknown combination"):
        wv.group_view(cat, OPTIONS, CRITERIA, [ANA], combination="vote")
    zeros = [
        {"feasibility": 0.0, "deterrence": 1.0, "backlash": 1.0},
        {"feasibility": 1.0, "deterrence": 0.0, "backlash": 0.0},
    ]
    with pytest.raises(WeightsError, match="geometric"):
        wv.group_view(cat, OPTIONS, CRITERIA, zeros, combination="geometric")


def test_headline_names_the_first_or_the_tie(cat) -> None:
    view = wv.group_view(cat, OPTIONS, CRITERIA, [ANA, BOB], combination="copeland")
    first = list(view.ranking.loc[view.ranking["rank"] == 1, "option"])
    if len(first) == 1:
        assert view.headline == f"The group ranks {first[0]} first."
    else:
        assert view.headline.startswith("The group ties for first place: ")


# ------------------------------------------------------------------------------ one person
def test_own_ranking_is_mcda_on_the_workshops_options(cat) -> None:
    table = wv.own_ranking(cat, OPTIONS[:3], CRITERIA, ANA)
    p = catalog.to_problem(cat, ANA, options=OPTIONS[:3], criteria=CRITERIA)
    scores = mcda.score(p.matrix, p.weights, p.types, "wsm", "scale")
    assert by_option(table) == dict(zip(OPTIONS[:3], map(int, mcda.rank(scores)), strict=True))
    assert table["rank"].is_monotonic_increasing
    with pytest.raises(WeightsError):
        wv.own_ranking(cat, OPTIONS, CRITERIA, dict.fromkeys(CRITERIA, 0.0))


def test_versus_group_puts_your_rank_beside_the_groups(cat) -> None:
    view = wv.group_view(cat, OPTIONS, CRITERIA, [ANA, BOB], smaa_samples=0)
    mine = wv.own_ranking(cat, OPTIONS, CRITERIA, ANA)
    table = wv.versus_group(mine, view.ranking)
    assert list(table["option"]) == list(view.ranking["option"])
    assert dict(zip(table["option"], table["your_rank"], strict=True)) == dict(
        zip(mine["option"], mine["rank"], strict=True)
    )


def test_rank_order_centroid_and_ahp_are_mcdas(cat) -> None:
    roc = wv.roc_weights(CRITERIA, {"feasibility": 2, "deterrence": 1, "backlash": 3})
    np.testing.assert_allclose([roc[c] for c in CRITERIA], mcda.rank_order_centroid([2, 1, 3]))
    # consistent judgements: 3 × 3 = 9
    ok = wv.ahp_weights(
        CRITERIA,
        {
            ("feasibility", "deterrence"): 2,
            ("deterrence", "backlash"): 2,
            ("feasibility", "backlash"): 8,
        },
    )
    assert ok.consistent and ok.worst is None
    want = mcda.ahp([[1, 3, 9], [1 / 3, 1, 3], [1 / 9, 1 / 3, 1]])
    np.testing.assert_allclose([ok.weights[c] for c in CRITERIA], want.weights)
    # contradictory ones name the judgement to revisit
    bad = wv.ahp_weights(
        CRITERIA,
        {
            ("feasibility", "deterrence"): 4,
            ("deterrence", "backlash"): 4,
            ("feasibility", "backlash"): -4,
        },
    )
    assert not bad.consistent and bad.cr > 0.1 and bad.worst is not None
    assert wv.ahp_matrix(CRITERIA, {("feasibility", "backlash"): -2})[0, 2] == pytest.approx(1 / 3)
    with pytest.raises(InputError):
        wv.ahp_matrix(CRITERIA, {("feasibility", "backlash"): 9})
    assert wv.judgement_label(0, "A", "B") == "equally important"
    assert wv.judgement_label(2, "A", "B") == "A 3× as important as B"
    assert wv.judgement_label(-8, "A", "B") == "B 9× as important as A"


def test_slider_points_restore_stored_weights() -> None:
    assert wv.slider_points(ANA, CRITERIA, maximum=10, step=1) == ANA
    shares = wv.slider_points(
        {"feasibility": 0.5, "deterrence": 0.3, "backlash": 0.2}, CRITERIA, maximum=10, step=1
    )
    assert shares == {"feasibility": 10.0, "deterrence": 6.0, "backlash": 4.0}
    assert wv.slider_points(
        {"feasibility": 0.01, "deterrence": 1.0, "backlash": 0.0}, CRITERIA, maximum=10, step=1
    ) == {
        "feasibility": 1.0,  # a small positive weight stays positive
        "deterrence": 10.0,
        "backlash": 0.0,
    }


def test_shares_table(cat) -> None:
    table = wv.shares_table(cat, CRITERIA, ANA)
    np.testing.assert_allclose(table["share"], [10 / 13, 1 / 13, 2 / 13])
    assert list(table["criterion"]) == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    assert wv.shares_table(cat, CRITERIA, dict.fromkeys(CRITERIA, 0.0))["share"].isna().all()


# ------------------------------------------------------------------------------ text and links
def test_text_helpers_keep_user_text_on_one_bounded_line() -> None:
    assert wv.fold("a\n\n b\tc") == "a b c"
    assert wv.truncate("x" * 100, 10) == "x" * 9 + "…"
    assert wv.truncate("short", 10) == "short"
    assert wv.participant_labels(["<b>", "bob"], False) == ["Participant 1", "Participant 2"]
    assert wv.participant_labels(["<b>\nx", "bob"], True) == ["<b> x", "bob"]
    headers = wv.unique_headers(
        ["option", "Group", "y" * 40, "y" * 40, ""], reserved=("option", "group")
    )
    assert headers[0] == "option (2)" and headers[1] == "Group (2)"
    assert len(set(headers)) == 5 and all(len(h) <= wv.HEADER + 4 for h in headers)
    assert headers[4] == "(blank)"


@pytest.mark.parametrize(
    ("p", "words"),
    [
        (0.0001, "very unlikely to be chance (p < 0.001)"),
        (0.02, "unlikely to be chance (p = 0.020)"),
        (0.4, "could well be chance (p = 0.400)"),
    ],
)
def test_p_value_in_words(p: float, words: str) -> None:
    assert wv.p_value_words(p).endswith(words)


def test_agreement_words_for_undefined_w() -> None:
    conc = group.Concordance(math.nan, math.nan, 3, math.nan, 2, 4)
    assert "undefined" in wv.agreement_words(conc)


def test_links() -> None:
    assert wv.app_base(None) == wv.DEFAULT_BASE_URL
    assert wv.app_base("http://10.0.0.5:8501/facilitate", "facilitate") == "http://10.0.0.5:8501"
    assert wv.app_base("https://x.org/pb/facilitate?code=1#a", "facilitate") == "https://x.org/pb"
    assert wv.join_link("http://h:1/", "ABC") == "http://h:1/workshop?code=ABC"
    assert wv.join_link("  ", "ABC") == "http://127.0.0.1:8501/workshop?code=ABC"
    assert (
        wv.personal_link("http://h:1", "ABC", "t/+=") == "http://h:1/workshop?code=ABC&p=t%2F%2B%3D"
    )
    assert wv.state_text("locked").startswith("Locked")


# ------------------------------------------------------------------------------ the export
@dataclass(frozen=True)
class Shop:
    title: str = "Seminar <b>"
    options: tuple[str, ...] = tuple(OPTIONS)
    criteria: tuple[str, ...] = tuple(CRITERIA)
    state: str = "locked"
    catalog_fingerprint: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime(2025, 1, 1, tzinfo=UTC))


@dataclass(frozen=True)
class Sub:
    display_name: str
    weights: dict[str, float]
    reasons: dict[str, str] = field(default_factory=dict)


def test_workshop_report_holds_the_same_group_result_as_the_screen(cat) -> None:
    from policybench.export.workshop import workshop_report

    subs = [Sub("=ana", ANA, {"deterrence": "because"}), Sub("bob", BOB)]
    report = workshop_report(cat, Shop(), subs, combine="mean", ranking_rule="borda", charts=False)
    section = report.section("group")
    assert section is not None
    tables = dict(section.tables)
    view = wv.group_view(cat, OPTIONS, CRITERIA, [ANA, BOB], combination="borda", smaa_samples=0)
    got = dict(
        zip(tables["Group ranking"]["option"], tables["Group ranking"]["borda rank"], strict=True)
    )
    assert got == by_option(view.ranking)
    assert list(tables["Participants"]["participant"]) == ["participant 1", "participant 2"]
    assert report.metadata["profile"] == "workshop group weights (mean of 2 participants)"
    named = workshop_report(cat, Shop(), subs, names=True, charts=False)
    assert list(dict(named.section("group").tables)["Participants"]["participant"]) == [
        "=ana",
        "bob",
    ]


def test_workshop_report_refuses_empty_or_foreign_workshops(cat) -> None:
    from policybench.export.workshop import catalog_note, missing_from_catalog, workshop_report

    with pytest.raises(InputError, match="no submissions"):
        workshop_report(cat, Shop(), [])
    foreign = Shop(options=(*OPTIONS, "elsewhere"))
    assert missing_from_catalog(cat, foreign) == ["elsewhere"]
    with pytest.raises(InputError, match="elsewhere"):
        workshop_report(cat, foreign, [Sub("a", ANA)])
    assert catalog_note(cat, Shop()) is None
    note = catalog_note(cat, Shop(catalog_fingerprint="f" * 64))
    assert note is not None and "ffffffffffff" in note
