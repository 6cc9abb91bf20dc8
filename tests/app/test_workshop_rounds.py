"""The participant's page for score challenges, rounds, adopted scores and "you are here"
(issues 19 §1, §4 and 20 §4), through streamlit.testing on a temporary SQLite store: the
participant acts on the page, the facilitator's moves go through the store directly."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from policybench import catalog, mcda
from policybench.store import Facilitator, RateLimitedError, Store, WorkshopError
from policybench.ui.components import challenge_form, sources, workshop_common

PASS = "correct horse battery"
HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(2))"
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
TINY = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
#: A passage of nishino-2017 as it stands (the fixture catalog quotes it too).
VERBATIM = (
    "China is sure to regard bilateral and trilateral cooperation among Japan, South Korea, "
    "and the United States as directed against it."
)
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}


# ------------------------------------------------------------------------------ helpers
def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def texts(at: AppTest) -> str:
    """Everything the page says in Markdown and alerts, unescaped."""
    parts = [m.value for m in at.markdown]
    for kind in ("info", "warning", "success", "error"):
        parts += [e.value for e in getattr(at, kind)]
    return unescape("\n".join(parts))


def frame(at: AppTest, columns: set[str]) -> pd.DataFrame:
    """The first data frame on the page holding ``columns``."""
    found = [df.value for df in at.dataframe if columns <= set(df.value.columns)]
    assert found, f"no table with {columns} on the page"
    return found[0]


def html_table(at: AppTest, columns: set[str]) -> pd.DataFrame:
    """The first HTML table (``st.table``, which wraps) holding ``columns``, its text cells
    unescaped; every text cell escaped on the page."""
    for table in at.table:
        if columns <= set(table.value.columns):
            raw = [v for v in table.value.to_numpy().ravel() if isinstance(v, str)]
            assert not [v for v in raw if re.search(r"(?<!\\)[<*\[(]", v)], "cells are escaped"
            return table.value.map(lambda v: unescape(v) if isinstance(v, str) else v)
    raise AssertionError(f"no HTML table with {columns} on the page")


def tables(at: AppTest, columns: set[str]) -> list[pd.DataFrame]:
    return [df.value for df in at.dataframe if columns <= set(df.value.columns)]


@pytest.fixture
def shop(store: Store) -> Facilitator:
    return store.workshops.create("Seminar", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)


@pytest.fixture
def participant(
    open_page: Callable[..., AppTest], store: Store, shop: Facilitator
) -> Callable[..., AppTest]:
    """``participant(name)``: join ``name`` through the store and open their own page."""

    def open_(name: str) -> AppTest:
        token = store.workshops.join(shop.code, name).token
        return open_page("workshop", code=shop.code, p=token)

    return open_


def fill(
    at: AppTest,
    option: str,
    criterion: str,
    value: float,
    reason: str,
    *,
    source: str | None = None,
    quote: str = "",
    low_high: tuple[float, float] | None = None,
) -> None:
    """Fill the challenge form as a participant does (the cell first: choosing it resets the
    value to the catalog's) and press "Save challenge"."""
    at.selectbox(key="pb.ws.ch.option").set_value(option)
    at.selectbox(key="pb.ws.ch.criterion").set_value(criterion)
    at.run()
    at.number_input(key="pb.ws.ch.value").set_value(value)
    if low_high is not None:
        at.checkbox(key="pb.ws.ch.use_range").check().run()
        # the range starts at the value proposed
        assert at.number_input(key="pb.ws.ch.low").value == value
        assert at.number_input(key="pb.ws.ch.high").value == value
        at.number_input(key="pb.ws.ch.low").set_value(low_high[0])
        at.number_input(key="pb.ws.ch.high").set_value(low_high[1])
    at.text_area(key="pb.ws.ch.reason").input(reason)
    at.selectbox(key="pb.ws.ch.source").set_value(source or challenge_form.NO_QUOTE)
    at.text_area(key="pb.ws.ch.quote").input(quote)
    save = at.button(key="pb.ws.ch.save")
    assert save.label == "Save challenge"
    save.click().run()
    assert not at.exception, at.exception


def mine(store: Store, shop: Facilitator, at: AppTest) -> dict[tuple[str, str], object]:
    found = store.workshops.my_challenges(shop.code, at.query_params["p"])
    return {(c.option, c.criterion): c for c in found}


def mean_ranks(weights: list[Mapping[str, float]], overrides=None) -> dict[str, int]:
    """The group's ranking under the mean of the shares, computed here from mcda."""
    cat = catalog.load(TINY)
    w = np.array([[row[c] for c in CRITERIA] for row in weights], dtype=float)
    w = (w / w.sum(axis=1, keepdims=True)).mean(axis=0)
    p = catalog.to_problem(cat, None, options=OPTIONS, criteria=CRITERIA, overrides=overrides)
    scores = mcda.score(p.matrix, w, p.types, "wsm", "scale")
    return dict(zip(p.option_ids, (int(r) for r in mcda.rank(scores)), strict=True))


# ------------------------------------------------------------------------------ challenges
def test_a_challenge_is_checked_saved_edited_and_withdrawn(
    participant, store: Store, shop: Facilitator, seeds_dir: Path, monkeypatch
) -> None:
    monkeypatch.setenv(sources.ENV, str(seeds_dir))
    at = participant("ana")
    cat = catalog.load(TINY)
    # nothing chosen yet, and the status quo (the reference level) is not offered
    option = at.selectbox(key="pb.ws.ch.option")
    assert option.value is None and option.placeholder == "Choose an option"
    assert option.options == ["Liaison officers", "Regular summits", "A 2+2 meeting"]
    assert not [w for w in at.number_input if w.key == "pb.ws.ch.value"], "no cell yet"
    at.selectbox(key="pb.ws.ch.option").set_value("liaison").run()
    assert "catalog: 4 (range 3–5)" in texts(at)
    # the evidence for the chosen cell is in view, and the value starts from the catalog's
    assert "Test rationale for liaison on feasibility." in texts(at)
    assert at.number_input(key="pb.ws.ch.value").value == 4.0
    assert at.text_area(key="pb.ws.ch.reason").max_chars == 500, "the counter shows the limit"

    fill(at, "liaison", "feasibility", 2.0, "   ")
    assert errors(at) == [challenge_form.NO_REASON], errors(at)
    assert mine(store, shop, at) == {}

    fill(at, "liaison", "feasibility", 2.0, "Tokyo cannot sell it", source="nishino-2017",
         quote=VERBATIM)  # fmt: skip
    assert "Challenge saved (1 in all)." in texts(at)
    saved = mine(store, shop, at)[("liaison", "feasibility")]
    assert (saved.value, saved.verified, saved.source) == (2.0, True, "nishino-2017")
    assert any(":green-badge[verified]" in m.value for m in at.markdown)
    nishino = cat.sources_by_id["nishino-2017"].citation
    assert f"Your quote: verified: found verbatim in {nishino}." in texts(at)
    assert f"Quote verified: found verbatim in {nishino}" in texts(at), "in the list too"

    fill(at, "liaison", "deterrence", 6.5, "It deters less", source="nishino-2017",
         quote="Words that no paper wrote.", low_high=(5.0, 7.0))  # fmt: skip
    assert "Challenge saved (2 in all)." in texts(at)
    said = texts(at)
    assert f"Your quote: not found in {nishino}." in said
    assert ".txt" not in said, "the paper is named, never its file"
    unverified = mine(store, shop, at)[("liaison", "deterrence")]
    assert (unverified.verified, unverified.low, unverified.high) == (False, 5.0, 7.0)
    assert any(":orange-badge[unverified]" in m.value for m in at.markdown)

    # edit: the challenge comes back into the form; saving replaces it
    at.button(key="pb.ws.ch.edit.liaison.feasibility").click().run()
    assert at.selectbox(key="pb.ws.ch.criterion").value == "feasibility"
    assert at.text_area(key="pb.ws.ch.reason").value == "Tokyo cannot sell it"
    assert at.text_area(key="pb.ws.ch.quote").value == VERBATIM
    at.number_input(key="pb.ws.ch.value").set_value(3.5)
    at.button(key="pb.ws.ch.save").click().run()
    assert "Challenge saved (2 in all)." in texts(at)
    revised = mine(store, shop, at)[("liaison", "feasibility")]
    assert (revised.value, revised.verified) == (3.5, True)

    at.button(key="pb.ws.ch.withdraw.liaison.deterrence").click().run()
    assert set(mine(store, shop, at)) == {("liaison", "feasibility")}
    assert "withdrawn" in texts(at)

    # once the round is locked: read-only, and it says so
    store.workshops.lock(shop)
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.key and b.key.startswith("pb.ws.ch.")]
    assert "The round is locked: challenges can no longer be made" in texts(at)
    assert "Tokyo cannot sell it" in texts(at)


def test_without_the_source_texts_a_quote_is_saved_unverified(
    participant, store: Store, shop: Facilitator, monkeypatch
) -> None:
    monkeypatch.delenv(sources.ENV, raising=False)
    at = participant("ana")
    at.selectbox(key="pb.ws.ch.option").set_value("summits").run()
    assert "does not have the source texts" in texts(at)
    fill(at, "summits", "backlash", 5.0, "Beijing minds", source="nishino-2017", quote=VERBATIM)
    assert "Your quote: not checked (the server has no source texts)." in texts(at)
    assert mine(store, shop, at)[("summits", "backlash")].verified is False


def test_a_quote_without_its_source_is_refused_and_a_lock_is_said(
    participant, store: Store, shop: Facilitator
) -> None:
    at = participant("ana")
    fill(at, "summits", "backlash", 5.0, "Beijing minds", quote="A quote from somewhere")
    assert errors(at) == [challenge_form.NO_SOURCE]
    # the facilitator locks while the form is on screen: the store's refusal, as a warning
    store.workshops.lock(shop)
    at.text_area(key="pb.ws.ch.quote").input("")
    at.button(key="pb.ws.ch.save").click().run()
    assert not at.exception
    assert "challenges can no longer be made" in unescape(" ".join(w.value for w in at.warning))
    assert mine(store, shop, at) == {}


@pytest.mark.parametrize(
    "refusal",
    [
        RateLimitedError("too many challenges from you: wait 40 s before the next", 40.0),
        WorkshopError("you already have 200 challenges, the most one person may hold (200)"),
    ],
)
def test_the_stores_refusals_are_said_beside_the_form(
    participant, store: Store, shop: Facilitator, monkeypatch, refusal: Exception
) -> None:
    at = participant("ana")

    def refuse(*args, **kwargs):
        raise refusal

    monkeypatch.setattr(type(workshop_common.store().workshops), "challenge", refuse)
    fill(at, "summits", "backlash", 5.0, "Beijing minds")
    assert [unescape(e) for e in errors(at)] == [str(refusal)]
    assert "Challenge saved" not in texts(at)


def test_a_bug_while_saving_a_challenge_is_a_message_not_a_traceback(
    participant, store: Store, shop: Facilitator, monkeypatch, caplog
) -> None:
    at = participant("ana")

    def broken(*args, **kwargs):
        raise KeyError("a bug in the challenge code")

    monkeypatch.setattr(type(workshop_common.store().workshops), "challenge", broken)
    fill(at, "summits", "backlash", 5.0, "Beijing minds")
    assert errors(at) == [challenge_form.SAVE_FAILED]
    assert "a bug in the challenge code" in caplog.text
    monkeypatch.undo()
    assert mine(store, shop, at) == {}


def test_the_room_sees_challenges_only_after_the_reveal_and_without_names(
    participant, store: Store, shop: Facilitator
) -> None:
    ana, bob = participant("Anastasia"), participant("Bob")
    fill(ana, "liaison", "feasibility", 1.0, HOSTILE)
    assert "Challenge saved (1 in all)." in texts(ana)
    assert "Your challenges (1)**, seen only by you until the reveal:" in texts(ana)
    # the hostile reason shows as typed in the participant's own list, never as markup
    assert HOSTILE in texts(ana)
    for md in [m.value for m in ana.markdown]:
        assert "<script>" not in md and "](javascript" not in md and "**bold**" not in md, md

    for who, weights in ((ana, ANA), (bob, BOB)):
        store.workshops.submit(shop.code, who.query_params["p"], weights)
    bob.run()
    assert "Contested scores" not in [h.value for h in bob.subheader]
    assert HOSTILE not in texts(bob) and "Anastasia" not in texts(bob)

    store.workshops.lock(shop)
    store.workshops.reveal(shop)
    bob.run()
    assert not bob.exception and not errors(bob), errors(bob)
    assert "Contested scores" in [h.value for h in bob.subheader]
    table = html_table(bob, {"Score challenged", "Catalog → median", "Decision"})
    assert list(table["Score challenged"]) == ["Liaison officers · Feasibility"]
    assert list(table["Catalog → median"]) == ["4 → 1 (outside 3–5)"]
    assert list(table["Proposals"]) == ["1 challenge: 1"]
    assert list(table["Decision"]) == ["open"]
    assert HOSTILE in texts(bob), "the reason, shown as typed"
    assert "Anastasia" not in texts(bob), "and without the name of who gave it"
    for md in [m.value for m in bob.markdown]:
        assert "<script>" not in md and "](javascript" not in md and "**bold**" not in md, md


def test_participants_see_a_rejected_score_as_rejected_and_an_adopted_one_as_adopted(
    participant: Callable[..., AppTest], store: Store, shop: Facilitator
) -> None:
    ana, bob = participant("ana"), participant("bob")
    fill(ana, "liaison", "feasibility", 6.0, "Tokyo can")
    fill(ana, "summits", "backlash", 8.0, "Beijing minds")
    fill(ana, "two-plus-two", "deterrence", 2.0, "Nobody notices")
    for who, weights in ((ana, ANA), (bob, BOB)):
        store.workshops.submit(shop.code, who.query_params["p"], weights)
    store.workshops.decide(shop, "liaison", "feasibility", "adopted", value=6.0)
    store.workshops.decide(shop, "summits", "backlash", "rejected")
    store.workshops.lock(shop)
    store.workshops.reveal(shop)
    bob.run()
    assert not bob.exception and not errors(bob), errors(bob)
    table = html_table(bob, {"Score challenged", "Decision"})
    decided = dict(zip(table["Score challenged"], table["Decision"], strict=True))
    assert decided == {
        "Liaison officers · Feasibility": "adopted 6",
        "Regular summits · Chinese backlash (cost)": "rejected",
        "A 2+2 meeting · Deterrence": "open",
    }
    assert table["Decision"].iloc[0] == "open", "open cells first, as on the facilitator's"
    assert "“rejected”: the facilitator kept the catalog's score" in texts(bob)
    # the rankings use the adopted score only: a rejected cell keeps the catalog's
    assert "1 score adjusted in this workshop" in texts(bob)


# ------------------------------------------------------------------------------ rounds
def test_round_two_starts_from_round_one_and_shows_its_result(
    participant, store: Store, shop: Facilitator
) -> None:
    ana, bob = participant("ana"), participant("bob")
    for who, weights in ((ana, ANA), (bob, BOB)):
        store.workshops.submit(shop.code, who.query_params["p"], weights, {"deterrence": "why"})
    store.workshops.challenge(
        shop.code, bob.query_params["p"], "summits", "backlash", 8.0, reason="Beijing minds"
    )
    store.workshops.lock(shop)
    store.workshops.reveal(shop)
    store.workshops.next_round(shop)
    ana.run()
    assert not ana.exception and not errors(ana), errors(ana)
    assert any(":blue-badge[Round 2]" in m.value for m in ana.markdown)
    headers = [h.value for h in ana.header]
    assert "Round 1's result" in headers
    # above the controls: the participant revises against it
    assert headers.index("Round 1's result") < headers.index("Your weights")
    # the controls start from round 1's weights, and say so
    assert {s.key.rsplit(".", 1)[1]: s.value for s in ana.slider} == ANA
    assert "start from your weights of round 1" in texts(ana)
    assert ana.text_input(key="pb.ws.why.deterrence").value == "why"

    # round 1's group result: median share and spread per criterion beside ana's own
    weights = frame(ana, {"criterion", "median", "iqr", "yours"})
    shares = np.array([[w[c] for c in CRITERIA] for w in (ANA, BOB)])
    shares /= shares.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(weights["median"], np.round(np.median(shares, axis=0), 3))
    np.testing.assert_allclose(weights["yours"], shares[0], atol=5e-4)
    group = frame(ana, {"rank", "option", "your_rank"})
    assert dict(zip(group["option"], map(int, group["rank"]), strict=True)) == mean_ranks(
        [ANA, BOB]
    )

    # and the room's contested scores of round 1, without names
    contested = html_table(ana, {"Score challenged", "Catalog → median"})
    assert contested[["Score challenged", "Proposals"]].values.tolist() == [
        ["Regular summits · Chinese backlash (cost)", "1 challenge: 8"]
    ]
    assert list(contested["Catalog → median"]) == ["3 → 8 (outside 2–4)"]
    assert "Beijing minds" in texts(ana) and "bob" not in texts(ana)

    ana.slider(key="pb.ws.w.backlash").set_value(9.0).run()
    ana.button(key="pb.ws.submit").click().run()
    assert any("Saved (revision 1)" in s.value for s in ana.success)
    token = ana.query_params["p"]
    second = store.workshops.my_submission(shop.code, token)
    first = store.workshops.my_submission(shop.code, token, round=1)
    assert second is not None and second.round == 2 and second.weights["backlash"] == 9.0
    assert first is not None and first.weights == ANA


def as_the_browser_shows(at: AppTest, before: Mapping[str, object]) -> dict[str, object]:
    """What a browser shows in each weight control (``{key: value}``) after ``at``'s last run,
    when it showed ``before``: Streamlit's frontend keeps the value on screen for a widget of
    the same id unless the page sends one to set (``set_value``)."""
    shown: dict[str, object] = {}
    for s in at.slider:
        key = str(s.key)
        shown[key] = float(s.proto.value[0]) if s.proto.set_value else before[key]
    for t in at.text_input:
        key = str(t.key)
        if key.startswith("pb.ws.why."):
            shown[key] = t.proto.value if t.proto.set_value else before[key]
    for r in at.radio:
        key = str(r.key)
        if key == "pb.ws.mode":
            shown[key] = r.proto.raw_value if r.proto.set_value else before[key]
    return shown


def own_ranks(at: AppTest) -> dict[str, int]:
    own = frame(at, {"rank", "option", "score"})
    return dict(zip(own["option"], map(int, own["rank"]), strict=True))


def test_a_round_opened_under_unsaved_changes_shows_its_start_in_the_browser(
    participant: Callable[..., AppTest], store: Store, shop: Facilitator
) -> None:
    """Lock, reveal and the next round within one watch: the page goes from round 1 to 2
    with the participant's unsaved slider positions and reason on screen. Every control, as
    the browser shows it, and the ranking are round 2's start (their round-1 submission)."""
    ana = participant("ana")
    store.workshops.submit(shop.code, ana.query_params["p"], ANA, {"deterrence": "why"})
    ana.run()
    assert mean_ranks([BOB]) != mean_ranks([ANA]), "the unsaved weights rank otherwise"
    for c, value in BOB.items():
        ana.slider(key=f"pb.ws.w.{c}").set_value(value)
    ana.text_input(key="pb.ws.why.deterrence").input("not saved")
    ana.run()
    assert own_ranks(ana) == mean_ranks([BOB])
    assert "These weights are not saved yet" in texts(ana)
    unsaved = {
        **{f"pb.ws.w.{c}": v for c, v in BOB.items()},
        **{f"pb.ws.why.{c}": "" for c in CRITERIA},
        "pb.ws.why.deterrence": "not saved",
        "pb.ws.mode": "Sliders",
    }
    assert as_the_browser_shows(ana, unsaved) == unsaved

    store.workshops.lock(shop)
    store.workshops.reveal(shop)
    store.workshops.next_round(shop)
    ana.run()  # the watch redraws the whole page: round 2
    assert not ana.exception and not errors(ana), errors(ana)
    assert any(":blue-badge[Round 2]" in m.value for m in ana.markdown)
    start = {
        **{f"pb.ws.w.{c}": v for c, v in ANA.items()},
        **{f"pb.ws.why.{c}": "" for c in CRITERIA},
        "pb.ws.why.deterrence": "why",
        "pb.ws.mode": "Sliders",
    }
    shown = as_the_browser_shows(ana, unsaved)
    assert shown == start, "the browser shows round 2's start, not the unsaved positions"
    assert {s.key: s.value for s in ana.slider} == {k: v for k, v in start.items() if ".w." in k}
    assert own_ranks(ana) == mean_ranks([ANA])
    assert "They start from your weights of round 1" in texts(ana)

    # the browser's next message carries what it shows: the page still ranks round 2's start
    for s in ana.slider:
        s.set_value(shown[str(s.key)])
    ana.text_input(key="pb.ws.why.deterrence").input(str(shown["pb.ws.why.deterrence"]))
    ana.run()
    assert own_ranks(ana) == mean_ranks([ANA])
    assert ana.text_input(key="pb.ws.why.deterrence").value == "why"
    assert as_the_browser_shows(ana, shown) == start


def test_a_round_opened_under_another_mode_shows_the_sliders_again(
    participant: Callable[..., AppTest], store: Store, shop: Facilitator
) -> None:
    """The participant was ranking the criteria (unsaved) when round 2 opened: the browser
    shows the sliders again, at round 2's start."""
    ana = participant("ana")
    store.workshops.submit(shop.code, ana.query_params["p"], ANA)
    ana.run()
    ana.radio(key="pb.ws.mode").set_value("rank").run()
    ana.selectbox(key="pb.ws.r.backlash").set_value(1).run()
    assert not ana.slider
    store.workshops.lock(shop)
    store.workshops.reveal(shop)
    store.workshops.next_round(shop)
    ana.run()
    mode = ana.radio(key="pb.ws.mode")
    assert mode.proto.set_value and mode.proto.raw_value == "Sliders"
    assert {s.key.rsplit(".", 1)[1]: s.value for s in ana.slider} == ANA
    assert all(s.proto.set_value for s in ana.slider)
    assert own_ranks(ana) == mean_ranks([ANA])


def test_adopted_scores_change_the_ranking_and_the_page_says_so(
    participant, store: Store, shop: Facilitator
) -> None:
    ana = participant("ana")
    ana.slider(key="pb.ws.w.feasibility").set_value(10.0)
    ana.slider(key="pb.ws.w.deterrence").set_value(1.0)
    ana.slider(key="pb.ws.w.backlash").set_value(2.0)
    ana.run()
    own = frame(ana, {"rank", "option", "score"})
    assert own["option"].iloc[0] == "status-quo"
    assert "adjusted in this workshop" not in texts(ana)

    # before any reveal the participants do not get adopted scores (the store gates them)
    store.workshops.decide(shop, "status-quo", "feasibility", "adopted", value=0.0)
    ana.run()
    assert frame(ana, {"rank", "option", "score"})["option"].iloc[0] == "status-quo"
    assert "adjusted in this workshop" not in texts(ana)

    # after the reveal, every ranking uses them, labelled
    store.workshops.submit(shop.code, ana.query_params["p"], ANA)
    store.workshops.lock(shop)
    store.workshops.reveal(shop)
    ana.run()
    adopted = {"status-quo": {"feasibility": 0.0}}
    want = mean_ranks([ANA], adopted)
    assert want["status-quo"] == 4
    group = frame(ana, {"rank", "option", "your_rank"})
    assert dict(zip(group["option"], map(int, group["rank"]), strict=True)) == want
    assert any("1 score adjusted in this workshop" in unescape(i.value) for i in ana.info)

    # in the next round, the participant's own ranking uses them too
    store.workshops.next_round(shop)
    ana.run()
    own = frame(ana, {"rank", "option", "score"})
    assert dict(zip(own["option"], map(int, own["rank"]), strict=True)) == want
    assert "1 score adjusted in this workshop" in texts(ana)


def test_a_score_is_challenged_from_the_ranking_and_an_adopted_one_says_so(
    participant: Callable[..., AppTest], store: Store, shop: Facilitator
) -> None:
    ana = participant("ana")
    store.workshops.submit(shop.code, ana.query_params["p"], ANA)
    store.workshops.decide(shop, "liaison", "feasibility", "adopted", value=6.0)
    store.workshops.lock(shop)
    store.workshops.reveal(shop)
    store.workshops.next_round(shop)
    ana.run()
    # the small control under the ranking puts the option in the form below
    pick = ana.selectbox(key="pb.ws.ch.from_ranking")
    assert pick.label == "Challenge a score of this option" and pick.value is None
    assert "Status quo" not in " ".join(pick.options), "the reference level is not offered"
    pick.set_value("liaison").run()
    assert not ana.exception and not errors(ana), errors(ana)
    assert ana.selectbox(key="pb.ws.ch.option").value == "liaison"
    assert ana.selectbox(key="pb.ws.ch.criterion").value == "feasibility"
    assert "adopted in this workshop: 6 (catalog 4)" in texts(ana)
    assert ana.number_input(key="pb.ws.ch.value").value == 4.0
    # the list's header says "seen only by you" only before the first reveal
    fill(ana, "liaison", "feasibility", 7.0, "Tokyo can")
    said = texts(ana)
    assert "Your challenges (1)" in said and "seen only by you until the reveal" not in said


# ------------------------------------------------------------------------------ you are here
#: Two camps the fixture catalog tells apart: feasibility first (the status quo leads) and
#: deterrence first (the liaison officers lead); small differences inside each.
FEASIBLE = [{"feasibility": 10.0, "deterrence": 1.0, "backlash": 1.0 + k} for k in range(3)]
DETERRENT = [{"feasibility": 1.0, "deterrence": 10.0, "backlash": 1.0 + k} for k in range(3)]


def test_you_are_here_places_each_participant_in_their_camp(
    open_page, store: Store, shop: Facilitator
) -> None:
    tokens = []
    for k, weights in enumerate(FEASIBLE + DETERRENT):
        token = store.workshops.join(shop.code, f"person {k}").token
        store.workshops.submit(shop.code, token, weights)
        tokens.append(token)
    store.workshops.lock(shop)
    store.workshops.reveal(shop)
    camps = {}
    for k in (0, 2, 3, 5):
        at = open_page("workshop", code=shop.code, p=tokens[k])
        assert not errors(at), errors(at)
        assert "You are here" in [h.value for h in at.subheader]
        said = re.search(r"Your weights fall in camp (\d) of 2 \(3 people\)", texts(at))
        assert said, texts(at)
        camps[k] = said.group(1)
        ground = frame(at, {"label", "camp 1", "camp 2", "floor"})
        assert len(ground) == 4
        np.testing.assert_allclose(ground["floor"], ground[["camp 1", "camp 2"]].min(axis=1))
        assert ground["floor"].is_monotonic_decreasing
        # nobody else's weights or names
        assert not any(
            "person" in unescape(m.value) for m in at.markdown if "part as" not in m.value
        )
    assert camps[0] == camps[2] != camps[3] == camps[5]


def test_fewer_than_six_submissions_say_why_there_are_no_camps(
    open_page, store: Store, shop: Facilitator
) -> None:
    tokens = []
    for k, weights in enumerate(FEASIBLE[:2] + DETERRENT[:1]):
        token = store.workshops.join(shop.code, f"person {k}").token
        store.workshops.submit(shop.code, token, weights)
        tokens.append(token)
    store.workshops.lock(shop)
    store.workshops.reveal(shop)
    at = open_page("workshop", code=shop.code, p=tokens[0])
    assert "You are here" in [h.value for h in at.subheader]
    assert (
        "Fewer than six submissions: camps need at least six (this round has 3), so the room "
        "is shown as one group." in texts(at)
    )
    assert not tables(at, {"floor"}), "no common ground without camps"
