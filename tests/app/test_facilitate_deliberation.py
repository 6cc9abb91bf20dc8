"""The facilitator's page for contested scores, rounds and camps (issues 19 §2–4, 20 §2–5),
through streamlit.testing on a temporary SQLite store: the participants act through the store
API, the facilitator on the page.

Expected values are computed here from the engine (mcda, group) or by hand, not read back
from the page's own helpers: the group ranking with an adopted score, the movement between
rounds (half the L1 distance between a participant's two share vectors), Kendall's W, and
rooms whose camps are obvious by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from policybench import catalog, group, mcda
from policybench.export.workshop_report import patch_label, workshop_patch
from policybench.store import Facilitator, Store

PASS = "correct horse battery"
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
TINY = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(2))"
#: A passage of nishino-2017 as it stands (the fixture catalog quotes it too).
VERBATIM = (
    "China is sure to regard bilateral and trilateral cooperation among Japan, South Korea, "
    "and the United States as directed against it."
)
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}
CY = {"feasibility": 3.0, "deterrence": 3.0, "backlash": 9.0}
#: Two camps whose rankings are exact opposites on the fixture catalog: feasibility first
#: (status quo, summits, 2+2, liaison) and deterrence first (liaison, 2+2, summits, status quo).
FEASIBLE = [
    {"feasibility": 10.0, "deterrence": 1.0, "backlash": 1.0},
    {"feasibility": 9.0, "deterrence": 1.0, "backlash": 1.0},
    {"feasibility": 10.0, "deterrence": 1.5, "backlash": 1.0},
]
DETER = [
    {"feasibility": 1.0, "deterrence": 10.0, "backlash": 1.0},
    {"feasibility": 1.0, "deterrence": 9.0, "backlash": 1.0},
    {"feasibility": 1.5, "deterrence": 10.0, "backlash": 1.0},
]


#: The fixtures' callables: ``room([(name, weights), ...])`` and ``facilitator()``.
Room = Callable[[Sequence[tuple[str, Mapping[str, float]]]], dict[str, str]]
Page = Callable[[], AppTest]
Media = list[MemoryMediaFileStorage]


# ------------------------------------------------------------------------------ helpers
def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def texts(at: AppTest) -> str:
    """Everything the page says in Markdown and alerts, unescaped."""
    parts = [m.value for m in at.markdown]
    for kind in ("info", "warning", "success", "error"):
        parts += [e.value for e in getattr(at, kind)]
    return unescape("\n".join(parts))


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def frame(at: AppTest, columns: set[str]) -> pd.DataFrame:
    """The first data frame or table on the page holding ``columns``; a table's text cells
    (Markdown, escaped) as they read."""
    found = [df.value for df in at.dataframe if columns <= set(df.value.columns)]
    for table in at.table:
        if columns <= set(table.value.columns):
            raw = [v for v in table.value.to_numpy().ravel() if isinstance(v, str)]
            assert not [v for v in raw if re.search(r"(?<!\\)[<*\[(]", v)], "cells are escaped"
            found.append(table.value.map(lambda v: unescape(v) if isinstance(v, str) else v))
    assert found, f"no table with {columns} on the page"
    return found[0]


def shares(weights: Mapping[str, float]) -> np.ndarray:
    w = np.array([weights[c] for c in CRITERIA], dtype=float)
    out: np.ndarray = w / w.sum()
    return out


def mean_ranks(weights: list[Mapping[str, float]], overrides: Any = None) -> dict[str, int]:
    """The group's ranking (mean of the shares, weighted sum on the 0–10 scales) from mcda."""
    cat = catalog.load(TINY)
    combined = group.combine_weights(np.vstack([shares(w) for w in weights]), "mean")
    p = catalog.to_problem(cat, None, options=OPTIONS, criteria=CRITERIA, overrides=overrides)
    ranks = mcda.rank(mcda.score(p.matrix, combined, p.types, "wsm", "scale"))
    return dict(zip(p.option_ids, (int(r) for r in ranks), strict=True))


@pytest.fixture
def shop(store: Store) -> Facilitator:
    return store.workshops.create("Seminar", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)


@pytest.fixture
def room(store: Store, shop: Facilitator) -> Callable[..., dict[str, str]]:
    """``room([(name, weights), ...])``: join and submit each; their tokens by name."""

    def make(people: Sequence[tuple[str, Mapping[str, float]]]) -> dict[str, str]:
        tokens = {}
        for name, weights in people:
            tokens[name] = store.workshops.join(shop.code, name).token
            store.workshops.submit(
                shop.code, tokens[name], dict(weights), {"deterrence": f"{name} says so"}
            )
        return tokens

    return make


@pytest.fixture
def facilitator(
    make_app: Callable[..., AppTest], db_url: str, shop: Facilitator
) -> Callable[[], AppTest]:
    """``facilitator()``: the facilitator's page, signed in (the handle in the session, as
    signing in leaves it), run once."""

    def open_() -> AppTest:
        at = make_app(params={"page": "facilitate", "code": shop.code})
        at.session_state["pb.fac.handle"] = shop
        at.run()
        assert not at.exception, at.exception
        assert not errors(at), errors(at)
        assert not [x for x in at.warning if "Session State" in x.value], "widget state misused"
        return at

    return open_


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MemoryMediaFileStorage]]:
    """The media storages AppTest's runs put download files in (one per run)."""
    made: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, endpoint: str) -> None:
            super().__init__(endpoint)
            made.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    yield made


def downloaded(at: AppTest, key: str, media: list[MemoryMediaFileStorage]) -> bytes:
    """The bytes the download button ``key`` serves, as the last run stored them."""
    button = at.get("download_button")
    found = [b for b in button if b.proto.id.endswith(f"-{key}")]
    assert found, f"no download button {key}"
    name = found[0].proto.url.rsplit("/", 1)[1]
    return bytes(media[-1].get_file(name).content)


def click(at: AppTest, key: str) -> None:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    assert not errors(at), errors(at)


# ------------------------------------------------------------------------------ contested
def reasons_said(at: AppTest) -> None:
    """The contested panel's reasons and quotes for the two cells the first test challenges:
    as typed, without authors, each quote with what the server's check found."""
    said = texts(at)
    assert "Tokyo " + HOSTILE in said, "a reason is shown as typed"
    cat = catalog.load(TINY)
    nishino = cat.sources_by_id["nishino-2017"].citation
    assert f"“{VERBATIM}”" in said and f"Quote verified: found verbatim in {nishino}" in said
    assert "“Seoul will never accept this **at all**”" in said, "a quote is text, never bold"
    assert "Quote not checked (the server has no source texts)" in said
    assert "Proposes 9: Tokyo" in said, "no author on a shared screen unless names are shown"
    assert "**Participant" not in said and "**ana**" not in said and "**bob**" not in said
    assert not [m.value for m in at.markdown if "<script>" in m.value], "never as live HTML"
    assert "If the room is right, Kendall's τ 0.00" in said
    assert "adjusted in this workshop" not in said


def test_contested_scores_adopt_reject_undo_and_the_patch(
    store: Store, shop: Facilitator, room: Room, facilitator: Page, media: Media
) -> None:
    tokens = room([("ana", ANA), ("bob", BOB), ("cy", CY)])
    w = store.workshops
    w.challenge(
        shop.code,
        tokens["ana"],
        "liaison",
        "feasibility",
        9.0,
        reason="Tokyo " + HOSTILE,
        quote=VERBATIM,
        source="nishino-2017",
        check="verified",
    )
    w.challenge(
        shop.code,
        tokens["bob"],
        "liaison",
        "feasibility",
        8.0,
        low=7.5,
        high=9.5,
        reason="Seoul agrees",
        quote="Seoul will never accept this **at all**",
        source="glosserman-2018",
    )
    w.challenge(
        shop.code, tokens["cy"], "status-quo", "deterrence", 1.0, reason="THAAD is another matter"
    )
    at = facilitator()

    # the table, most consequential first: adopting 8.5 lifts liaison from 4th to 1st; the
    # status quo's deterrence at 1 changes nothing
    table = frame(at, {"Score challenged", "Catalog → median", "If the median were adopted"})
    assert list(table["Score challenged"]) == [
        "Liaison officers · Feasibility",
        "Status quo (baseline) · Deterrence",
    ]
    assert table["Catalog → median"][0] == "4 → 8.5 (outside 3–5)"
    assert table["Proposals"][0] == "2 challenges: 8–9"
    assert list(table["Decision"]) == ["open", "open"]
    assert table["If the median were adopted"][0].startswith("4th → 1st, ")
    assert table["If the median were adopted"][1] == "no change"
    reasons_said(at)

    # before: the group's ranking with the catalog's scores
    before = frame(at, {"rank", "option", "value"})
    assert dict(zip(before["option"], before["rank"], strict=True)) == mean_ranks([ANA, BOB, CY])

    cell = at.selectbox(key="pb.fac.cell")
    assert cell.options[0].startswith("Liaison"), "most impact first"
    cell.set_value(("liaison", "feasibility")).run()
    # the value to adopt starts at the median, the range at the proposals' span (ranges
    # included) since 8.5 lies outside 3–5
    assert at.number_input(key="pb.fac.adopt_value").value == 8.5
    assert at.checkbox(key="pb.fac.adopt_range").value
    assert at.number_input(key="pb.fac.adopt_low").value == 7.5
    assert at.number_input(key="pb.fac.adopt_high").value == 9.5
    assert at.button(key="pb.fac.adopt").label == "Adopt the median"
    click(at, "pb.fac.adopt")
    [adopted] = w.decisions(shop)
    assert (adopted.decision, adopted.value, adopted.low, adopted.high) == (
        "adopted",
        8.5,
        7.5,
        9.5,
    )
    assert "1 score adjusted in this workshop" in texts(at)
    assert "Adopted 8.5, range 7.5–9.5 on " in texts(at), "the record, with its time"
    button = at.button(key="pb.fac.adopt")
    assert button.label == f"Adopted ✓ 8.5 at {adopted.decided_at:%H:%M} UTC" and button.disabled
    confirmed = "Adopted 8.5, range 7.5–9.5 for Liaison officers · Feasibility."
    assert confirmed in texts(at)
    at.run()  # the monitor's refresh: the confirmation stays while the cell is on view
    assert confirmed in texts(at)
    after = frame(at, {"rank", "option", "value"})
    want = mean_ranks([ANA, BOB, CY], {"liaison": {"feasibility": 8.5}})
    assert dict(zip(after["option"], after["rank"], strict=True)) == want
    assert want["liaison"] == 1 and want != mean_ranks([ANA, BOB, CY]), "the ranking changed"
    at.selectbox(key="pb.fac.cell").set_value(("status-quo", "deterrence")).run()
    click(at, "pb.fac.reject")
    assert {(d.option, d.decision) for d in w.decisions(shop)} == {
        ("liaison", "adopted"),
        ("status-quo", "rejected"),
    }
    table = frame(at, {"Score challenged", "Decision"})
    assert list(table["Decision"]) == ["adopted 8.5", "rejected"]
    assert "Rejected on " in texts(at) and "the catalog's score stands" in texts(at)
    assert "1 score adjusted in this workshop" in texts(at), "a rejection adjusts nothing"

    # the patch: exactly export.patch's, with the room's reasons
    data = downloaded(at, "pb.fac.patch", media)
    cat = catalog.load(TINY)
    patch = workshop_patch(TINY, cat, w.get(shop.code), w.decisions(shop), w.challenges(shop))
    assert data == patch.encode(), "what `policybench export --format patch` writes"
    text = data.decode()
    assert "+    value: 8.5" in text and shop.code not in text
    assert patch_label(w.get(shop.code)) in text
    assert "proposed 9: Tokyo" in text and "proposed 8: Seoul agrees" in text

    # the export carries the adopted score, as the page does
    click(at, "pb.fac.prepare")
    _, _, files = at.session_state["pb.fac.export"]
    assert "1 score adjusted in this workshop" in files["markdown"].decode()

    # undo: the catalog's score again, and nothing to patch
    at.selectbox(key="pb.fac.cell").set_value(("liaison", "feasibility")).run()
    click(at, "pb.fac.undo")
    assert [d.option for d in w.decisions(shop)] == ["status-quo"]
    assert "adjusted in this workshop" not in texts(at)
    assert at.get("download_button")[0].proto.disabled
    assert "Nothing is adopted yet" in texts(at)

    # names only when the facilitator asks for them
    at.checkbox(key="pb.fac.names").check().run()
    assert "**ana** proposes 9: Tokyo" in texts(at)


def test_an_adopted_score_comes_after_the_open_ones_and_its_value_can_change(
    store: Store, shop: Facilitator, room: Room, facilitator: Page
) -> None:
    tokens = room([("ana", ANA), ("bob", BOB), ("cy", CY)])
    w = store.workshops
    w.challenge(shop.code, tokens["ana"], "liaison", "feasibility", 9.0, reason="Tokyo")
    w.challenge(
        shop.code, tokens["bob"], "liaison", "feasibility", 8.0, low=7.5, high=9.5, reason="Seoul"
    )
    w.challenge(shop.code, tokens["cy"], "status-quo", "deterrence", 1.0, reason="THAAD")
    at = facilitator()
    at.selectbox(key="pb.fac.cell").set_value(("liaison", "feasibility")).run()
    click(at, "pb.fac.adopt")
    # undecided first, the decided row after it
    table = frame(at, {"Score challenged", "Decision"})
    assert [c.split(" · ")[0] for c in table["Score challenged"]] == [
        "Status quo (baseline)",
        "Liaison officers",
    ]
    assert list(table["Decision"]) == ["open", "adopted 8.5"]
    assert at.selectbox(key="pb.fac.cell").options[0].startswith("Status quo")

    # change: another value, without a range
    click(at, "pb.fac.change")
    at.number_input(key="pb.fac.adopt_value").set_value(9.0)
    at.checkbox(key="pb.fac.adopt_range").uncheck().run()
    assert at.button(key="pb.fac.adopt").label == "Adopt 9"
    click(at, "pb.fac.adopt")
    [changed] = w.decisions(shop)
    assert (changed.value, changed.low, changed.high) == (9.0, 9.0, 9.0), "no range: the value"
    assert at.button(key="pb.fac.adopt").label.startswith("Adopted ✓ 9 at ")
    click(at, "pb.fac.change")
    at.number_input(key="pb.fac.adopt_value").set_value(8.5)
    at.checkbox(key="pb.fac.adopt_range").check().run()
    at.number_input(key="pb.fac.adopt_low").set_value(7.5)
    at.number_input(key="pb.fac.adopt_high").set_value(9.5).run()
    click(at, "pb.fac.adopt")
    [again] = w.decisions(shop)
    assert (again.value, again.low, again.high) == (8.5, 7.5, 9.5)


def test_challenges_before_any_submission_are_measured_on_equal_weights(
    store: Store, shop: Facilitator, facilitator: Page
) -> None:
    token = store.workshops.join(shop.code, "ana").token
    store.workshops.challenge(shop.code, token, "summits", "backlash", 9.0, reason="China reacts")
    at = facilitator()
    assert "Impact measured with equal weights until the first submission." in texts(at)
    table = frame(at, {"Score challenged", "Catalog → median"})
    assert list(table["Score challenged"]) == ["Regular summits · Chinese backlash (cost)"]
    assert list(table["Catalog → median"]) == ["3 → 9 (outside 2–4)"]
    # nothing adopted: the download is there, disabled, and says why
    patch = at.get("download_button")[0]
    assert patch.proto.label == "Download catalog patch (.patch)" and patch.proto.disabled


# ------------------------------------------------------------------------------ rounds
ROUND_TWO = {
    "ana": {"feasibility": 6.0, "deterrence": 3.0, "backlash": 3.0},
    "bob": {"feasibility": 3.0, "deterrence": 6.0, "backlash": 5.0},
    "cy": CY,  # unmoved
}


def test_a_second_round_shows_movement_and_convergence(
    store: Store, shop: Facilitator, room: Room, facilitator: Page
) -> None:
    tokens = room([("ana", ANA), ("bob", BOB), ("cy", CY)])
    w = store.workshops
    at = facilitator()
    button = at.button(key="pb.fac.next_round")
    assert button.label == "Open round 2" and button.disabled, "only after a reveal"
    assert "Lock and reveal this round first" in texts(at)
    w.lock(shop)
    w.reveal(shop)
    at = facilitator()
    click(at, "pb.fac.next_round")
    shop_now = w.get(shop.code)
    assert (shop_now.round, shop_now.state) == (2, "open")
    assert "Round 2 is open" in texts(at)
    for name, weights in ROUND_TWO.items():
        w.submit(shop.code, tokens[name], weights, {})
    at = facilitator()

    rounds = frame(at, {"Round", "Submissions", "Kendall's W"})
    assert "Agreement" not in rounds.columns, "W in words once, not per row"
    assert list(rounds["Round"]) == ["1", "2"] and list(rounds["Submissions"]) == ["3", "3"]
    cat = catalog.load(TINY)
    p = catalog.to_problem(cat, None, options=OPTIONS, criteria=CRITERIA)
    for k, people in enumerate(([ANA, BOB, CY], list(ROUND_TWO.values()))):
        ranks = mcda.rank(
            mcda.score(p.matrix, np.vstack([shares(x) for x in people]), p.types, "wsm", "scale")
        )
        want = group.kendall_w(ranks).w
        assert rounds["Kendall's W"][k] == f"{want:.2f}"
    assert f"Latest round: Kendall's W = {want:.2f}" in texts(at)
    assert texts(at).count("Kendall's W measures how far") == 1

    moved = frame(at, {"participant", "Round 1 → 2"})
    assert list(moved["participant"]) == ["Participant 1", "Participant 2", "Participant 3"]
    by_hand = [
        0.5 * np.abs(shares(ROUND_TWO[n]) - shares(first)).sum()
        for n, first in (("ana", ANA), ("bob", BOB), ("cy", CY))
    ]
    np.testing.assert_allclose(moved["Round 1 → 2"], by_hand)
    assert moved["Round 1 → 2"][2] == 0.0 and moved["Round 1 → 2"][0] > 0.25

    history = frame(at, {"Round", "Camps", "Stayed / moved / joined / left", "Stability"})
    assert list(history["Camps"]) == ["none (too few)"] * 2
    assert list(history["Stayed / moved / joined / left"]) == ["—"] * 2
    assert "had too few submissions for camps" in texts(at)

    spread = frame(at, {"criterion", "Round 1", "Round 2"})
    assert list(spread["criterion"]) == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    feas = [
        np.subtract(*np.percentile([shares(x)[0] for x in r], [75, 25]))
        for r in ([ANA, BOB, CY], list(ROUND_TWO.values()))
    ]
    np.testing.assert_allclose(spread.iloc[0, 1:].astype(float), feas)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"), "the convergence chart"
    # the same person has the same number in every panel
    assert list(frame(at, {"participant", "tau"})["participant"]) == list(moved["participant"])


# ------------------------------------------------------------------------------ camps
def test_two_obvious_camps_have_cards_common_ground_and_a_top_k(
    shop: Facilitator, room: Room, facilitator: Page
) -> None:
    room(
        [(f"f{k}", x) for k, x in enumerate(FEASIBLE)] + [(f"d{k}", x) for k, x in enumerate(DETER)]
    )
    at = facilitator()
    said = texts(at)
    assert "The room splits into two camps" in said
    assert "fit none" not in said.split("The room splits into two camps", 1)[1].split("\n", 1)[0]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Camps"] == "2" and metrics["Fit none"] == "0"
    assert said.count("· 3 people") == 2, "a card per camp, three each"
    assert "Top options: Status quo (baseline), Regular summits and A 2+2 meeting" in said
    assert "Top options: Liaison officers, A 2+2 meeting and Regular summits" in said

    # top 3: summits and two-plus-two are in both camps' top three whatever their weights
    common = frame(at, {"label", "floor"})
    assert set(common["label"][:2]) == {"Regular summits", "A 2+2 meeting"}
    assert (common["floor"][:2] == 1.0).all() and (common["floor"][2:] == 0.0).all()
    assert "Every camp puts" in said and "in its top 3 at least half the time" in said

    # top 1: the camps want opposite firsts: nothing in common, the two firsts divide them
    at.number_input(key="pb.fac.topk").set_value(1).run()
    assert not at.exception, at.exception
    said = texts(at)
    assert "No option is in every camp's top 1 at least half the time." in said
    dividing = frame(at, {"Option", "Keenest camp", "Least keen camp", "Gap"})
    assert set(dividing["Option"]) == {"Status quo (baseline)", "Liaison officers"}
    assert list(dividing["Gap"]) == ["100.0\u00a0%", "100.0\u00a0%"]


def test_fewer_than_six_submissions_show_the_group_view_and_say_why(
    room: Room, facilitator: Page
) -> None:
    room([("ana", ANA), ("bob", BOB), ("cy", CY)])
    at = facilitator()
    said = texts(at)
    assert (
        "Fewer than six submissions: camps need at least six (this round has 3), so the room "
        "is shown as one group." in said
    )
    assert "The group's ranking above is the room's view for this round." in said
    assert not [df for df in at.dataframe if "floor" in df.value.columns], "no common ground"
    assert frame(at, {"rank", "option", "value"}) is not None, "the group view stands"


def test_camps_across_rounds_count_who_moved(
    store: Store, shop: Facilitator, room: Room, facilitator: Page
) -> None:
    """Four people put feasibility first and three deterrence; in round 2 one of the four
    crosses over: six of seven stayed in their camp, one moved."""
    first = [*FEASIBLE, {"feasibility": 9.0, "deterrence": 1.5, "backlash": 1.0}]
    tokens = room(
        [(f"f{k}", x) for k, x in enumerate(first)] + [(f"d{k}", x) for k, x in enumerate(DETER)]
    )
    w = store.workshops
    w.lock(shop)
    w.reveal(shop)
    w.next_round(shop)
    for k, weights in enumerate(first):
        w.submit(shop.code, tokens[f"f{k}"], DETER[0] if k == 3 else weights, {})
    for k, weights in enumerate(DETER):
        w.submit(shop.code, tokens[f"d{k}"], weights, {})
    at = facilitator()
    assert at.selectbox(key="pb.fac.camps_round").value == 2, "the current round on view"
    assert "· 4 people" in texts(at) and "· 3 people" in texts(at)
    history = frame(at, {"Round", "Camps", "Stayed / moved / joined / left", "Stability", "Grew"})
    assert list(history["Camps"]) == ["2", "2"]
    assert list(history["Stayed / moved / joined / left"]) == ["—", "6 / 1 / 0 / 0"]
    assert list(history["Stability"]) == ["—", "85.7\u00a0%"]
    assert (
        "From round 1 to round 2, 6 of the 7 in both stayed in their camp (85.7 %); 1 moved; "
        "nobody joined and none left." in texts(at)
    )
    # round 1 on view: the camps as they were, four and three the other way round
    at.selectbox(key="pb.fac.camps_round").set_value(1).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Camps"] == "2" and metrics["Fit none"] == "0"


def test_a_rerun_with_nothing_new_recomputes_nothing(
    store: Store, shop: Facilitator, room: Room, facilitator: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every computation of the page is cached on what it reads: a refresh with the same
    submissions, challenges, decisions and top k calls no analysis at all; a new top k
    recomputes the common ground alone."""
    from policybench.ui.components import (
        camps_panel,
        contested_panel,
        facilitator_results,
        rounds_panel,
    )

    people = [(f"f{k}", x) for k, x in enumerate(FEASIBLE)]
    tokens = room(people + [(f"d{k}", x) for k, x in enumerate(DETER)])
    w = store.workshops
    w.challenge(shop.code, tokens["f0"], "liaison", "feasibility", 9.0, reason="Tokyo")
    w.decide(shop, "liaison", "feasibility", "adopted", value=9.0)
    w.lock(shop)
    w.reveal(shop)
    w.next_round(shop)
    w.submit(shop.code, tokens["f1"], FEASIBLE[0], {})
    calls: dict[str, int] = {}
    for module, name in (
        (facilitator_results, "group_result"),
        (contested_panel, "contested"),
        (contested_panel, "if_room_right"),
        (contested_panel, "workshop_patch"),
        (rounds_panel, "convergence"),
        (camps_panel, "find_camps"),
        (camps_panel, "common_ground"),
    ):
        real = getattr(module, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls[_name] = calls.get(_name, 0) + 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    at = facilitator()
    assert set(calls) == {
        "group_result",
        "contested",
        "if_room_right",
        "workshop_patch",
        "convergence",
        "find_camps",
        "common_ground",
    }, "the first run computes every panel"
    calls.clear()
    at.run()
    assert not at.exception and calls == {}, calls
    at.number_input(key="pb.fac.topk").set_value(2).run()
    assert not at.exception
    assert set(calls) == {"common_ground"}, calls  # each round's camps are kept
    calls.clear()
    w.submit(shop.code, tokens["f2"], FEASIBLE[1], {})  # a new submission in round 2
    at.run()
    assert {"group_result", "contested", "convergence", "find_camps"} <= set(calls), calls
    assert "workshop_patch" not in calls, "the patch depends on the decisions alone"
