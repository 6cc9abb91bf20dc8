"""The workshop pages through streamlit.testing: a facilitator and two participants end to end
(each an AppTest session of its own, on a temporary SQLite store), the round's states, refusals
of tampered links and other workshops' codes, hostile names, and store failures."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from policybench import catalog, group, mcda
from policybench.store import Store, StoreUnavailableError
from policybench.store.workshops import normalize_code
from policybench.ui.components import workshop_common
from policybench.ui.screens import workshop as workshop_screen

PASS = "correct horse battery"
HOSTILE = "<script>alert(1)</script> [x](javascript:alert(2)) **b**"
OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def texts(at: AppTest) -> str:
    """Everything the page says in Markdown, infos, warnings and successes, unescaped."""
    parts = [m.value for m in at.markdown]
    for kind in ("info", "warning", "success", "error"):
        parts += [e.value for e in getattr(at, kind)]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def frame(at: AppTest, key: str) -> pd.DataFrame:
    """A data frame on the page by its columns' signature (AppTest cannot look them up by key)."""
    want = {
        "ranking": {"rank", "option", "value"},
        "own": {"rank", "option", "score"},
        "group": {"rank", "option", "your_rank"},
        "versus": {"participant", "tau", "first_choice"},
        "spread": {"criterion", "std", "reasons"},
        "smaa": {"option", "first", "top3"},
    }[key]
    found = [df.value for df in at.dataframe if want <= set(df.value.columns)]
    assert found, f"no {key} table on the page"
    return found[0]


def create_in_app(open_page: Callable[..., AppTest], title: str = "Seminar") -> tuple[AppTest, str]:
    at = open_page("facilitate")
    assert at.title[0].value == "Facilitate a workshop"
    inputs = {t.label: t for t in at.text_input}
    inputs["Title"].input(title)
    boxes = [t for t in at.text_input if t.label.startswith("Passphrase")]
    boxes[0].input(PASS)
    boxes[1].input(PASS)
    next(b for b in at.button if b.label == "Create the workshop").click().run()
    assert not at.exception, at.exception
    assert not errors(at), errors(at)
    link = at.code[0].value
    code = link.split("code=", 1)[1]
    assert normalize_code(code) == code
    return at, code


def join(open_page: Callable[..., AppTest], code: str, name: str) -> AppTest:
    at = open_page("workshop", code=code)
    assert at.title[0].value == "Workshop"
    assert not errors(at), errors(at)
    at.text_input[0].input(name)
    next(b for b in at.button if b.label == "Join the workshop").click().run()
    assert not at.exception, at.exception
    assert not errors(at), errors(at)
    assert at.query_params["p"], "joining puts the participant's token in their own URL"
    return at


def set_sliders(at: AppTest, values: dict[str, float]) -> None:
    cat = catalog.load(Path(__file__).resolve().parents[1] / "fixtures" / "catalog")
    for cid, value in values.items():
        at.slider(key=f"pb.ws.w.{cid}").set_value(value)
    at.run()
    assert [re.sub(r"\\(.)", r"\1", s.label) for s in at.slider] == [
        cat.criteria_by_id[c].name
        + (" (cost)" if cat.criteria_by_id[c].direction == "cost" else "")
        for c in CRITERIA
    ]


def lock(fac: AppTest, *, says: str = "") -> None:
    """Lock the round as a facilitator does: the button, the warning (which ``says`` what is
    given), then "Lock now"."""
    fac.button(key="pb.fac.lock").click().run()
    assert not fac.exception, fac.exception
    warning = re.sub(r"\\(.)", r"\1", " ".join(w.value for w in fac.warning))
    assert "Locking freezes every submission" in warning and "not saved" in warning, warning
    assert says in warning, warning
    fac.button(key="pb.fac.lock_now").click().run()
    assert not fac.exception, fac.exception


def submit(at: AppTest) -> None:
    at.button(key="pb.ws.submit").click().run()
    assert not at.exception, at.exception


def group_mean_ranks(tiny: Path, weights: list[dict[str, float]]) -> dict[str, int]:
    """The group's ranking as policybench.group and mcda compute it (mean weights, wsm/scale)."""
    cat = catalog.load(tiny)
    w = np.array([[row[c] for c in CRITERIA] for row in weights], dtype=float)
    combined = group.combine_weights(w, "mean")
    p = catalog.to_problem(
        cat, dict(zip(CRITERIA, combined, strict=True)), options=OPTIONS, criteria=CRITERIA
    )
    scores = mcda.score(p.matrix, p.weights, p.types, "wsm", "scale")
    return dict(zip(p.option_ids, (int(r) for r in mcda.rank(scores)), strict=True))


def group_borda_ranks(tiny: Path, weights: list[dict[str, float]]) -> dict[str, int]:
    cat = catalog.load(tiny)
    p = catalog.to_problem(cat, None, options=OPTIONS, criteria=CRITERIA)
    w = np.array([[row[c] for c in CRITERIA] for row in weights], dtype=float)
    ranks = mcda.rank(mcda.score(p.matrix, w, p.types, "wsm", "scale"))
    combined = group.combine_rankings(ranks, "borda")
    return dict(zip(p.option_ids, (int(r) for r in combined.ranks), strict=True))


# ------------------------------------------------------------------------------ end to end
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}


def test_facilitator_and_two_participants_end_to_end(open_page, store: Store, tiny_options) -> None:
    fac, code = create_in_app(open_page)
    assert "Invite the participants" in [h.value for h in fac.header]
    assert [m.value for m in fac.metric][:2] == ["0", "0"]
    assert len(fac.get("image")) == 1, "the join link is shown as a QR code"

    ana = join(open_page, code, "ana")
    set_sliders(ana, ANA)
    # the participant's own ranking is there before submitting, and follows the sliders
    own = frame(ana, "own")
    assert own["label"].iloc[0] == "Status quo (baseline)"
    submit(ana)
    assert any("Saved (revision 1)" in s.value for s in ana.success)

    bob = join(open_page, code, "bob")
    set_sliders(bob, BOB)
    submit(bob)

    # neither sees the group before the reveal
    for who in (ana, bob):
        who.run()
        assert "appears here once the facilitator reveals it" in texts(who)
        with pytest.raises(AssertionError):
            frame(who, "group")

    fac.run()
    assert [m.value for m in fac.metric][:2] == ["2", "2"]
    ranking = frame(fac, "ranking")
    want = group_mean_ranks(tiny_options, [ANA, BOB])
    assert dict(zip(ranking["option"], map(int, ranking["rank"]), strict=True)) == want
    assert ranking.loc[ranking["option"] == "status-quo", "label"].item() == "Status quo (baseline)"
    assert "Kendall's W = " in texts(fac)
    versus = frame(fac, "versus")
    assert list(versus["participant"]) == ["Participant 1", "Participant 2"], "anonymous by default"
    spread = frame(fac, "spread")
    assert len(spread) == 3 and spread["std"].is_monotonic_decreasing
    assert len(frame(fac, "smaa")) == 4

    # Borda over the individual rankings, as policybench.group computes it
    fac.selectbox(key="pb.fac.combination").set_value("borda").run()
    ranking = frame(fac, "ranking")
    got = dict(zip(ranking["option"], map(int, ranking["rank"]), strict=True))
    assert got == group_borda_ranks(tiny_options, [ANA, BOB])

    # lock, after a warning that says what it discards: revision stops
    lock(fac)
    assert any("frozen" in s.value for s in fac.success)
    ana.run()
    assert not ana.slider and not any(b.label.startswith(("Submit", "Save")) for b in ana.button)
    assert "The facilitator has locked the round" in texts(ana)
    mine = next(df.value for df in ana.dataframe if "share" in df.value.columns)
    np.testing.assert_allclose(mine["share"].sum(), 1.0)
    sub = store.workshops.my_submission(code, ana.query_params["p"])
    assert sub is not None and sub.weights == ANA and sub.revision == 1

    # reveal: participants see the group's ranking beside their own
    fac.button(key="pb.fac.reveal").click().run()
    bob.run()
    table = frame(bob, "group")
    assert len(table) == 4 and table["rank"].is_monotonic_increasing
    assert "Kendall's W = " in texts(bob)

    # export: the four download buttons appear once prepared
    fac.button(key="pb.fac.prepare").click().run()
    assert not fac.exception and not errors(fac), errors(fac)
    assert len([b for b in fac.get("download_button") if b.key.startswith("pb.fac.download.")]) == 4


def test_participant_can_revise_until_locked_and_reload_restores(open_page, store: Store) -> None:
    _, code = create_in_app(open_page)
    ana = join(open_page, code, "ana")
    set_sliders(ana, ANA)
    submit(ana)
    ana.slider(key="pb.ws.w.backlash").set_value(9.0).run()
    assert ana.button(key="pb.ws.submit").label == "Save my revised weights"
    submit(ana)
    token = ana.query_params["p"]
    sub = store.workshops.my_submission(code, token)
    assert sub is not None and sub.revision == 2 and sub.weights["backlash"] == 9.0

    # a reload (or a server restart: caches emptied, a new store handle) carries on
    again = open_page("workshop", code=code, p=token)
    assert not errors(again)
    assert {s.key.rsplit(".", 1)[1]: s.value for s in again.slider} == {**ANA, "backlash": 9.0}
    assert "You have submitted your weights (revision 2)" in texts(again)


def test_locked_workshop_takes_no_new_participants(open_page, store: Store) -> None:
    f = store.workshops.create("Locked", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    store.workshops.lock(f)
    at = open_page("workshop", code=f.code)
    assert "not taking new participants" in texts(at)
    assert not any(b.label == "Join the workshop" for b in at.button)


# ------------------------------------------------------------------------------ refusals
def test_tampered_token_and_other_workshops_code_are_refused(open_page, store: Store) -> None:
    a = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    b = store.workshops.create("B", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(a.code, "ana")
    store.workshops.submit(a.code, ana.token, ANA, {"feasibility": "secret reason"})
    tampered = ana.token[:-2] + ("AA" if not ana.token.endswith("AA") else "BB")
    for params in (
        {"code": a.code, "p": tampered},
        {"code": b.code, "p": ana.token},  # another workshop's code with a valid token
        {"code": "ZZZZ-ZZZZ-ZZZZZ", "p": ana.token},  # an unknown code
        {"code": "not a code"},
    ):
        at = open_page("workshop", **params)
        assert errors(at) == [workshop_common.REFUSAL], params
        assert not at.slider, "nothing of anyone's weights is shown"
        assert "secret reason" not in texts(at) and "ana" not in texts(at).split()
    # the real link still works
    at = open_page("workshop", code=a.code, p=ana.token)
    assert not errors(at) and len(at.slider) == 3


def test_bad_links_are_rate_limited(open_page, store: Store) -> None:
    a = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    for k in range(10):
        at = open_page("workshop", code=a.code, p=f"guess-{k}")
        assert errors(at) == [workshop_common.REFUSAL]
    at = open_page("workshop", code=a.code, p="guess-11")
    assert len(errors(at)) == 1 and "too many" in errors(at)[0]


def test_group_result_is_not_readable_before_the_reveal(open_page, store: Store) -> None:
    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(f.code, "ana")
    bob = store.workshops.join(f.code, "bob")
    store.workshops.submit(f.code, ana.token, ANA)
    store.workshops.submit(f.code, bob.token, BOB)
    store.workshops.lock(f)
    at = open_page("workshop", code=f.code, p=ana.token)
    assert "appears here once the facilitator reveals it" in texts(at)
    with pytest.raises(AssertionError):
        frame(at, "group")
    store.workshops.reveal(f)
    at.run()
    assert len(frame(at, "group")) == 4


def test_wrong_passphrase_is_refused_and_sign_in_works(open_page, store: Store) -> None:
    f = store.workshops.create("Seminar", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    at = open_page("facilitate", code=f.code)
    code_box = next(t for t in at.text_input if t.label == "Join code")
    assert code_box.value == f.code, "the code in the address fills the sign-in form"
    secret = [t for t in at.text_input if t.label == "Passphrase"][-1]
    secret.input("wrong passphrase")
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert len(errors(at)) == 1 and errors(at)[0].startswith("wrong passphrase")
    assert "Run the round" not in [h.value for h in at.header]
    secret = [t for t in at.text_input if t.label == "Passphrase"][-1]
    secret.input(PASS)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not errors(at)
    assert "Run the round" in [h.value for h in at.header]


def test_create_checks_the_passphrases(open_page, store: Store) -> None:
    at = open_page("facilitate")
    next(t for t in at.text_input if t.label == "Title").input("Seminar")
    boxes = [t for t in at.text_input if t.label.startswith("Passphrase")]
    boxes[0].input(PASS)
    boxes[1].input(PASS + "x")
    next(b for b in at.button if b.label == "Create the workshop").click().run()
    assert errors(at) == ["The two passphrases differ: type the same passphrase twice."]
    boxes = [t for t in at.text_input if t.label.startswith("Passphrase")]
    boxes[0].input("short")
    boxes[1].input("short")
    next(b for b in at.button if b.label == "Create the workshop").click().run()
    assert "too short" in errors(at)[0]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from workshops").scalar() == 0


# ------------------------------------------------------------------------------ hostile text
def test_script_display_name_and_title_show_as_text(open_page, store: Store) -> None:
    f = store.workshops.create(HOSTILE, options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    at = join(open_page, f.code, HOSTILE)
    at.text_input(key="pb.ws.why.deterrence").input(HOSTILE + " " + "x" * 150)
    at.run()
    submit(at)
    assert not errors(at), errors(at)
    for md in [m.value for m in at.markdown] + [h.value for h in at.subheader]:
        assert "<script>" not in md and "](javascript" not in md, md
    assert HOSTILE in texts(at), "the name and title are shown, as text"

    fac = open_page("facilitate", code=f.code)
    [t for t in fac.text_input if t.label == "Passphrase"][-1].input(PASS)
    next(b for b in fac.button if b.label == "Sign in").click().run()
    fac.checkbox(key="pb.fac.names").check().run()
    assert list(frame(fac, "versus")["participant"]) == [HOSTILE]
    spread = frame(fac, "spread")
    preview = spread.loc[spread["criterion"] == "Deterrence", "reasons"].iloc[0]
    assert len(preview) <= 80 and preview.endswith("…"), "long reasons are cut in the table"
    assert HOSTILE + " " + "x" * 150 in texts(fac), "and given in full below it"
    for md in [m.value for m in fac.markdown] + [h.value for h in fac.subheader]:
        assert "<script>" not in md and "](javascript" not in md, md


# ------------------------------------------------------------------------------ failures
def test_store_failure_on_submit_is_a_message(open_page, store: Store, monkeypatch) -> None:
    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(f.code, "ana")
    at = open_page("workshop", code=f.code, p=ana.token)

    def down(*args, **kwargs):
        raise StoreUnavailableError(
            "could not save your weights, try again: cannot reach db.example:5432 (refused)"
        )

    monkeypatch.setattr(type(workshop_common.store().workshops), "submit", down)
    submit(at)
    assert [e.replace("\\", "") for e in errors(at)] == ["Could not save your weights, try again."]
    assert not at.exception
    monkeypatch.undo()


def test_a_bug_while_submitting_is_a_message_not_a_traceback(
    open_page, store: Store, monkeypatch, caplog
) -> None:
    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(f.code, "ana")
    at = open_page("workshop", code=f.code, p=ana.token)

    def broken(*args, **kwargs):
        raise KeyError("a bug in the store layer")

    monkeypatch.setattr(type(workshop_common.store().workshops), "submit", broken)
    submit(at)
    assert not at.exception
    assert [e.value for e in at.error] == [workshop_screen.SUBMIT_FAILED]
    assert "a bug in the store layer" in caplog.text  # the details go to the server log
    monkeypatch.undo()
    assert store.workshops.my_submission(f.code, ana.token) is None


def test_participant_can_rank_the_criteria_or_compare_pairs(open_page, store: Store) -> None:
    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(f.code, "ana")
    at = open_page("workshop", code=f.code, p=ana.token)
    at.radio(key="pb.ws.mode").set_value("rank").run()
    at.selectbox(key="pb.ws.r.feasibility").set_value(1)
    at.selectbox(key="pb.ws.r.deterrence").set_value(2)
    at.selectbox(key="pb.ws.r.backlash").set_value(3)
    at.run()
    submit(at)
    stored = store.workshops.my_submission(f.code, ana.token)
    roc = mcda.rank_order_centroid([1, 2, 3])
    assert stored is not None
    np.testing.assert_allclose([stored.weights[c] for c in CRITERIA], roc)

    at.radio(key="pb.ws.mode").set_value("ahp").run()
    # feasibility ≫ deterrence, deterrence ≫ backlash, yet backlash ≫ feasibility: inconsistent
    at.select_slider(key="pb.ws.ahp.feasibility.deterrence").set_value(4)
    at.select_slider(key="pb.ws.ahp.deterrence.backlash").set_value(4)
    at.select_slider(key="pb.ws.ahp.feasibility.backlash").set_value(-4)
    at.run()
    warning = " ".join(w.value for w in at.warning)
    assert "Consistency ratio" in warning and "Revisit first" in warning
    at.select_slider(key="pb.ws.ahp.feasibility.deterrence").set_value(2)
    at.select_slider(key="pb.ws.ahp.deterrence.backlash").set_value(2)
    at.select_slider(key="pb.ws.ahp.feasibility.backlash").set_value(6)
    at.run()
    assert any("consistent enough" in s.value for s in at.success)
    submit(at)
    stored = store.workshops.my_submission(f.code, ana.token)
    assert stored is not None and stored.revision == 2
    assert stored.weights["feasibility"] > stored.weights["deterrence"] > stored.weights["backlash"]


def test_switching_modes_and_a_reopened_round_keep_the_weights(open_page, store: Store) -> None:
    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(f.code, "ana")
    at = open_page("workshop", code=f.code, p=ana.token)
    set_sliders(at, ANA)
    at.radio(key="pb.ws.mode").set_value("rank").run()
    assert not at.slider
    at.radio(key="pb.ws.mode").set_value("sliders").run()
    assert {s.key.rsplit(".", 1)[1]: s.value for s in at.slider} == ANA
    submit(at)
    store.workshops.lock(f)
    at.run()
    assert not at.slider
    store.workshops.reopen(f)
    at.run()
    assert {s.key.rsplit(".", 1)[1]: s.value for s in at.slider} == ANA
    assert at.button(key="pb.ws.submit").label == "Save my revised weights"


@pytest.mark.parametrize("which", ["shipped", "tiny"])
@pytest.mark.parametrize("name", ["workshop", "facilitate"])
def test_workshop_pages_draw_without_a_code(make_app, db_url, tiny_options, which, name) -> None:
    options = (
        Path(__file__).resolve().parents[2] / "options" if which == "shipped" else tiny_options
    )
    at = make_app(options=options, params={"page": name}).run()
    assert not at.exception, at.exception
    assert not at.error, errors(at)
    assert (
        at.title[0].value == {"workshop": "Workshop", "facilitate": "Facilitate a workshop"}[name]
    )


def test_a_full_room_on_the_shipped_catalog(make_app, db_url, store: Store) -> None:
    """Thirty participants on the shipped catalog: the monitor draws every section."""
    root = Path(__file__).resolve().parents[2] / "options"
    cat = catalog.load(root)
    f = store.workshops.create(
        "Room", options=cat.option_ids, criteria=cat.criterion_ids, passphrase=PASS, catalog=cat
    )
    rng = np.random.default_rng(1)
    for k in range(30):
        p = store.workshops.join(f.code, f"person {k}")
        w = rng.integers(0, 11, size=len(cat.criterion_ids)).astype(float)
        w[k % len(w)] += 1
        reasons = {cat.criterion_ids[k % len(w)]: f"reason {k}"}
        store.workshops.submit(
            f.code, p.token, dict(zip(cat.criterion_ids, w, strict=True)), reasons
        )
    at = make_app(options=root, params={"page": "facilitate", "code": f.code}).run()
    [t for t in at.text_input if t.label == "Passphrase"][-1].input(PASS)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception and not errors(at), errors(at)
    assert [m.value for m in at.metric][:2] == ["30", "30"]
    assert len(frame(at, "ranking")) == len(cat.option_ids)
    assert len(frame(at, "versus")) == 30
    assert len(frame(at, "spread")) == len(cat.criterion_ids)
    for combination in ("median", "geometric", "copeland"):
        at.selectbox(key="pb.fac.combination").set_value(combination).run()
        assert not at.exception
        assert not errors(at) or combination == "geometric", errors(at)


def test_back_from_another_page_the_participant_is_still_in(open_page, store: Store) -> None:
    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(f.code, "ana")
    at = open_page("workshop", code=f.code, p=ana.token)
    assert len(at.slider) == 3
    at.switch_page("screens/rank.py").run()
    for key in list(at.query_params):
        del at.query_params[key]
    at.switch_page("screens/workshop.py").run()
    assert not errors(at)
    assert at.query_params["p"] == ana.token and len(at.slider) == 3


@pytest.mark.parametrize("name", ["workshop", "facilitate"])
def test_a_store_that_cannot_be_opened_is_a_message(make_app, monkeypatch, tmp_path, name) -> None:
    monkeypatch.setenv("POLICYBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    at = make_app(params={"page": name, "code": "ABCD-EFGH-JKMNP"}).run()
    assert not at.exception, at.exception
    assert len(at.error) == 1 and "could not" in at.error[0].value.lower()


def test_opening_the_join_link_again_does_not_join_twice(open_page, store: Store) -> None:
    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    at = join(open_page, f.code, "ana")
    token = at.query_params["p"]
    del at.query_params["p"]
    at.run()
    assert at.query_params["p"] == token and len(at.slider) == 3
    assert not any(b.label == "Join the workshop" for b in at.button)


def test_wrong_passphrases_are_rate_limited(open_page, store: Store) -> None:
    f = store.workshops.create("Seminar", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    at = open_page("facilitate", code=f.code)
    for _ in range(6):
        [t for t in at.text_input if t.label == "Passphrase"][-1].input("not the passphrase")
        next(b for b in at.button if b.label == "Sign in").click().run()
    assert len(errors(at)) == 1 and errors(at)[0].startswith("too many wrong passphrases")
    [t for t in at.text_input if t.label == "Passphrase"][-1].input(PASS)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert errors(at)[0].startswith("too many"), "even the right one waits out the limit"


@pytest.mark.parametrize("combination", ["mean", "borda"])
def test_the_facilitators_page_and_its_export_show_the_same_numbers(
    open_page, store: Store, tiny_options, combination: str
) -> None:
    """One group result, two formats: the ranking on the monitor and the one in the file the
    facilitator downloads (and the command line's export of the same workshop) agree."""
    import io

    import openpyxl

    from policybench.export.workshop_report import workshop_report

    f = store.workshops.create("Seminar", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    for name, weights in (
        ("ana", ANA),
        ("bob", BOB),
        ("cy", {"feasibility": 3.0, "deterrence": 3.0, "backlash": 9.0}),
    ):
        p = store.workshops.join(f.code, name)
        store.workshops.submit(f.code, p.token, weights, {"deterrence": f"{name}'s reason"})
    at = open_page("facilitate", code=f.code)
    [t for t in at.text_input if t.label == "Passphrase"][-1].input(PASS)
    next(b for b in at.button if b.label == "Sign in").click().run()
    at.selectbox(key="pb.fac.combination").set_value(combination).run()
    shown = frame(at, "ranking")
    at.button(key="pb.fac.prepare").click().run()
    assert not at.exception and not errors(at), errors(at)
    _, _, files = at.session_state["pb.fac.export"]
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))["Group ranking"]
    rows = list(sheet.iter_rows(values_only=True))
    exported = pd.DataFrame(rows[1:], columns=rows[0])
    rank, value = (
        ("group weights rank", "group weights score")
        if combination == "mean"
        else ("borda rank", "borda points")
    )
    # the workbook names its columns for people ("Option id", "Borda rank"); the table, by id
    people = {"Option id": "option", rank.capitalize(): rank, value.capitalize(): value}
    exported = exported.rename(columns=people)
    assert list(exported["option"]) == list(shown["option"])  # the same order
    assert list(exported[rank]) == list(shown["rank"])
    np.testing.assert_allclose(exported[value], shown["value"], rtol=1e-12)
    cat = catalog.load(tiny_options)
    subs = store.workshops.submissions(store.workshops.verify_facilitator(f.code, PASS))
    cli = workshop_report(cat, store.workshops.get(f.code), subs)  # the command's defaults
    table = dict(cli.section("group").tables)["Group ranking"].set_index("option")
    np.testing.assert_allclose(table.loc[list(shown["option"]), value], shown["value"], rtol=1e-12)


# ------------------------------------------------------------------------------ devices
LAPTOP = "laptop-device-id-" + "L" * 30
PHONE = "phone-device-id-" + "P" * 30


@pytest.fixture
def on_device(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """``on_device(id)``: the next sessions come from a browser with that ``pb_device`` cookie
    ("" for none). AppTest cannot send cookies; the app's one reader of it is patched."""

    def use(device: str) -> None:
        monkeypatch.setattr(workshop_common, "device", lambda: device)

    return use


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


def sidebar_text(at: AppTest) -> str:
    return " ".join(m.value for m in at.sidebar.markdown)


def test_a_facilitator_who_reloads_stays_in_their_workshop_on_that_browser(
    open_page, store: Store, on_device
) -> None:
    on_device(LAPTOP)
    fac, code = create_in_app(open_page)
    assert "You stay signed in on this browser for 12 hours" in sidebar_text(fac)

    again = open_page("facilitate", code=code)  # a reload: a new session, the same browser
    assert "Run the round" in headers(again) and not errors(again)
    assert any("still signed in on this browser" in s.value for s in again.success)
    bare = open_page("facilitate")  # the page opened without the code: the last workshop
    assert "Run the round" in headers(bare) and bare.query_params["code"] == code

    on_device(PHONE)  # another browser: the passphrase, as before
    other = open_page("facilitate", code=code)
    assert "Run the round" not in headers(other)
    assert any(t.label == "Passphrase" for t in other.text_input)

    on_device(LAPTOP)  # signing out forgets the browser
    again.sidebar.button(key="pb.fac.sign_out").click().run()
    assert "Run the round" not in headers(again)
    after = open_page("facilitate", code=code)
    assert "Run the round" not in headers(after)


def test_without_a_device_cookie_a_reload_asks_for_the_passphrase_and_says_so(
    open_page, store: Store, on_device
) -> None:
    on_device("")  # served by `streamlit run app.py`: no HTTP layer, no cookie
    fac, code = create_in_app(open_page)
    assert "A reload signs you out" in sidebar_text(fac)
    again = open_page("facilitate", code=code)
    assert "Run the round" not in headers(again)


def test_someone_elses_wrong_passphrases_do_not_lock_the_facilitator_out(
    open_page, store: Store, monkeypatch
) -> None:
    """Everyone in the room comes from one address here (AppTest is one client, "local"):
    wrong passphrases count per browser session (Streamlit's session id, which AppTest gives
    every session alike, so it is set here), so the facilitator's own session signs in."""
    f = store.workshops.create("Seminar", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    monkeypatch.setattr(workshop_common, "session_id", lambda: "someone else's tab")
    other = open_page("facilitate", code=f.code)
    for _ in range(6):
        [t for t in other.text_input if t.label == "Passphrase"][-1].input("not the passphrase")
        next(b for b in other.button if b.label == "Sign in").click().run()
    assert errors(other)[0].startswith("too many wrong passphrases")
    monkeypatch.setattr(workshop_common, "session_id", lambda: "the facilitator's tab")
    mine = open_page("facilitate", code=f.code)
    [t for t in mine.text_input if t.label == "Passphrase"][-1].input(PASS)
    next(b for b in mine.button if b.label == "Sign in").click().run()
    assert not errors(mine), errors(mine)
    assert "Run the round" in headers(mine)


def test_round_buttons_say_why_they_are_disabled_and_lock_can_wait(open_page, store: Store) -> None:
    fac, code = create_in_app(open_page)
    ana = store.workshops.join(code, "ana")
    store.workshops.join(code, "bob")
    store.workshops.submit(code, ana.token, ANA)
    fac.run()

    def hint(key: str) -> str | None:
        return fac.button(key=key).help

    assert fac.button(key="pb.fac.reveal").disabled
    assert (
        hint("pb.fac.reveal")
        == "Lock the round first: the result is revealed from frozen submissions."
    )
    assert "Lock the round first" in texts(fac), "said under the button, not only on hover"
    assert (
        fac.button(key="pb.fac.reopen").disabled and hint("pb.fac.reopen") == "The round is open."
    )
    assert fac.button(key="pb.fac.close").disabled and "Close for good" in (
        hint("pb.fac.close") or ""
    )
    assert not fac.button(key="pb.fac.lock").disabled and not hint("pb.fac.lock")

    fac.button(key="pb.fac.lock").click().run()
    said = re.sub(r"\\(.)", r"\1", " ".join(w.value for w in fac.warning))
    assert "1 of the 2 who joined has submitted; the 1 who has not is left out" in said, said
    fac.button(key="pb.fac.lock_cancel").click().run()
    assert store.workshops.get(code).state == "open", "nothing is locked until confirmed"
    assert not fac.button(key="pb.fac.lock").disabled

    lock(fac, says="1 of the 2 who joined has submitted")
    assert store.workshops.get(code).state == "locked"
    assert fac.button(key="pb.fac.lock").disabled and hint("pb.fac.lock") == "Already locked."
    assert not fac.button(key="pb.fac.reveal").disabled
    fac.button(key="pb.fac.reveal").click().run()
    assert hint("pb.fac.reopen") == "Not after the reveal: participants have seen the result."
    fac.checkbox(key="pb.fac.confirm_close").check().run()
    assert not fac.button(key="pb.fac.close").disabled


def test_the_join_link_opened_again_leads_back_to_the_same_participant(
    open_page, store: Store, on_device
) -> None:
    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    on_device(LAPTOP)
    ana = join(open_page, f.code, "ana")
    set_sliders(ana, ANA)
    submit(ana)
    token = ana.query_params["p"]

    tab = open_page("workshop", code=f.code)  # another tab, or after a restart
    assert tab.query_params["p"] == token
    assert not any(b.label == "Join the workshop" for b in tab.button)
    assert "Welcome back, ana" in texts(tab)
    assert {s.key.rsplit(".", 1)[1]: s.value for s in tab.slider} == ANA

    # "Not you?" on a shared laptop: the join form, and the new person from then on
    tab.button(key="pb.ws.not_me").click().run()
    assert "p" not in tab.query_params
    tab.text_input[0].input("bob")
    next(b for b in tab.button if b.label == "Join the workshop").click().run()
    bob_token = tab.query_params["p"]
    assert bob_token != token
    assert open_page("workshop", code=f.code).query_params["p"] == bob_token

    on_device(PHONE)  # another browser that never joined: the join form
    phone = open_page("workshop", code=f.code)
    assert "p" not in phone.query_params
    assert any(b.label == "Join the workshop" for b in phone.button)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from workshop_participants").scalar() == 2


def test_a_taken_name_says_how_to_get_back_in(open_page, store: Store, on_device) -> None:
    on_device("")
    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    join(open_page, f.code, "Ana")
    again = open_page("workshop", code=f.code)
    again.text_input[0].input("ANA ")
    next(b for b in again.button if b.label == "Join the workshop").click().run()
    assert any("already taken" in e for e in errors(again))
    assert workshop_screen.TAKEN_HINT in texts(again)


def test_rank_mode_starts_unranked_and_names_what_is_unplaced(open_page, store: Store) -> None:
    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(f.code, "ana")
    at = open_page("workshop", code=f.code, p=ana.token)
    at.radio(key="pb.ws.mode").set_value("rank").run()
    assert [at.selectbox(key=f"pb.ws.r.{c}").value for c in CRITERIA] == [None, None, None]
    assert "none is placed yet" in " ".join(w.value for w in at.warning)
    at.selectbox(key="pb.ws.r.feasibility").set_value(1).run()
    warning = re.sub(r"\\(.)", r"\1", " ".join(w.value for w in at.warning))
    assert "Still to place (2 of 3)" in warning
    assert "Deterrence" in warning and "Feasibility" not in warning
    submit(at)
    assert "Still to place" in " ".join(w.value for w in at.warning)
    assert store.workshops.my_submission(f.code, ana.token) is None, "nothing half-ranked saved"
    at.selectbox(key="pb.ws.r.deterrence").set_value(2)
    at.selectbox(key="pb.ws.r.backlash").set_value(2).run()
    submit(at)
    stored = store.workshops.my_submission(f.code, ana.token)
    assert stored is not None
    np.testing.assert_allclose(
        [stored.weights[c] for c in CRITERIA], mcda.rank_order_centroid([1, 2, 2])
    )


def test_participants_weigh_on_the_rank_pages_scale(open_page, store: Store) -> None:
    from policybench.ui import state

    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(f.code, "ana")
    at = open_page("workshop", code=f.code, p=ana.token)
    cat = catalog.load(Path(__file__).resolve().parents[1] / "fixtures" / "catalog")
    assert {s.max for s in at.slider} == {state.slider_max(cat)}
    assert {s.step for s in at.slider} == {state.slider_step(cat)}
    assert {s.value for s in at.slider} == {state.default_weights(cat)["feasibility"]}


def test_unsaved_changes_are_said_and_a_lock_says_what_it_discarded(
    open_page, store: Store
) -> None:
    fac, code = create_in_app(open_page)
    ana = join(open_page, code, "ana")
    set_sliders(ana, ANA)
    assert any("not saved yet" in w.value for w in ana.warning), "before the first save"
    submit(ana)
    assert not any("not saved yet" in w.value for w in ana.warning)
    ana.slider(key="pb.ws.w.backlash").set_value(9.0).run()
    assert any("not saved yet" in w.value for w in ana.warning)
    ana.text_input(key="pb.ws.why.deterrence").input("because").run()
    assert "Your reasons have changes that are not saved yet" in texts(ana)

    lock(fac, says="Everyone who joined (1) has submitted")
    ana.run()
    said = " ".join(w.value for w in ana.warning)
    assert "locked the round before you saved your latest weights and reasons" in said, said
    assert "your last saved weights count" in said
    sub = store.workshops.my_submission(code, ana.query_params["p"])
    assert sub is not None and sub.weights == ANA and sub.revision == 1
    ana.run()
    assert not any("before you saved" in w.value for w in ana.warning), "said once"


def test_the_facilitator_is_told_when_the_link_is_this_computers_only(
    open_page, store: Store, monkeypatch
) -> None:
    monkeypatch.setattr(workshop_common, "listens_to_the_room", lambda: False)
    fac, _ = create_in_app(open_page)
    assert fac.code[0].value.startswith("http://127.0.0.1:")
    warning = " ".join(w.value for w in fac.warning)
    assert "nobody else in the room can open it" in warning
    assert "policybench serve --host 0.0.0.0" in warning

    monkeypatch.setattr(workshop_common, "listens_to_the_room", lambda: True)
    monkeypatch.setattr(workshop_common, "room_addresses", lambda: ["192.168.1.20"])
    fac.run()
    use = next(b for b in fac.button if b.label.startswith("Use http://192.168.1.20:"))
    use.click().run()
    assert fac.code[0].value.startswith("http://192.168.1.20:")
    assert not any("127.0.0.1" in w.value for w in fac.warning)


def test_a_valid_link_is_never_refused_after_bad_ones_from_the_same_address(
    open_page, store: Store
) -> None:
    """One person behind the room's shared address mistypes links and codes until refused;
    everyone else's valid personal link, their page's refreshes and the valid join code still
    work (AppTest sessions all come from one client here)."""
    f = store.workshops.create("A", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    ana = store.workshops.join(f.code, "ana")
    page = open_page("workshop", code=f.code, p=ana.token)
    for k in range(11):
        bad = open_page("workshop", code=f.code, p=f"guess-{k}")
    assert "too many" in errors(bad)[0]
    for k in range(11):
        wrong = open_page("workshop", code=f"ZZZZ-ZZZZ-ZZZ{k:02d}")
    assert "too many" in " ".join(errors(wrong))
    mine = open_page("workshop", code=f.code, p=ana.token)
    assert not errors(mine) and len(mine.slider) == 3
    page.run()  # the open page's own refresh
    assert not errors(page) and len(page.slider) == 3
    newcomer = open_page("workshop", code=f.code)
    assert not errors(newcomer) and any(b.label == "Join the workshop" for b in newcomer.button)


# ------------------------------------------------------------------------------ plain text
EVIL = (
    "see https://evil.example/x and www.evil.example, [a](b) \u202eevil\u202c Ai\u200bko \ufeffend"
)
STRIPPED = "see https://evil.example/x and www.evil.example, [a](b) evil Aiko end"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [v or "" for k, v in attrs if k in {"href", "src"}]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_reasons_with_addresses_and_invisible_characters_stay_plain_text(
    open_page, store: Store
) -> None:
    """A reason with bare addresses, a Markdown link, a right-to-left override and invisible
    characters: stored without the invisible ones, shown on the facilitator's page as text (no
    link can form: escaped, with a word joiner before each address), and written into the
    Markdown, HTML, Excel and JSON exports as the same plain text, with no link."""
    import io
    import json

    import openpyxl
    from markdown_it import MarkdownIt

    from policybench.export import render_bytes
    from policybench.export.workshop_report import workshop_report
    from policybench.present.text import WORD_JOINER

    f = store.workshops.create("Seminar", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    for name, weights in (("ana", ANA), ("bob", BOB)):
        p = store.workshops.join(f.code, name)
        store.workshops.submit(f.code, p.token, weights, {"deterrence": EVIL})
    subs = store.workshops.submissions(f)
    assert {s.reasons["deterrence"] for s in subs} == {STRIPPED}

    fac = open_page("facilitate", code=f.code)
    [t for t in fac.text_input if t.label == "Passphrase"][-1].input(PASS)
    next(b for b in fac.button if b.label == "Sign in").click().run()
    fac.checkbox(key="pb.fac.names").check().run()
    shown = [m.value for m in fac.markdown if "evil" in m.value]
    assert shown, "the reasons are listed in full"
    for source in shown:
        assert f"{WORD_JOINER}https\\:\\/\\/evil" in source
        assert f"{WORD_JOINER}www\\.evil" in source and "\\[a\\]\\(b\\)" in source
        assert "\u202e" not in source and "\u200b" not in source
    spread = frame(fac, "spread")
    assert STRIPPED[:40] in spread.loc[spread["criterion"] == "Deterrence", "reasons"].iloc[0]

    fac.button(key="pb.fac.prepare").click().run()
    assert not fac.exception and not errors(fac), errors(fac)
    _, _, files = fac.session_state["pb.fac.export"]

    markdown = files["markdown"].decode("utf-8")
    rendered = _Links()
    rendered.feed(MarkdownIt("gfm-like").render(markdown))  # GitHub-like, bare domains linked
    assert not [h for h in rendered.hrefs if "evil" in h or h == "b"], rendered.hrefs
    assert STRIPPED in " ".join("".join(rendered.text).split())

    page = _Links()
    page.feed(files["html"].decode("utf-8"))
    assert not [h for h in page.hrefs if "evil" in h or h == "b"], page.hrefs
    assert STRIPPED in " ".join("".join(page.text).split())

    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    reasons = [c for c in cells if isinstance(c.value, str) and "evil.example/x" in c.value]
    assert reasons and all(c.value == STRIPPED and c.hyperlink is None for c in reasons)
    assert all(c.data_type == "s" for c in reasons)

    cat = catalog.load(Path(__file__).resolve().parents[1] / "fixtures" / "catalog")
    report = workshop_report(cat, store.workshops.get(f.code), subs, names=True)
    exported = _strings(json.loads(render_bytes("json", report)))
    assert STRIPPED in exported
    assert not [s for s in exported if "\u202e" in s or "\u200b" in s or "\ufeff" in s]
