"""Workshop (participant): join with the facilitator's link, set weights, submit, revise.

The page is driven by its address. ``?code=CODE`` (the join link) opens the workshop and asks
for a display name; joining adds ``&p=<token>``, the participant's own secret, so a reload, a
server restart or another device with the same link carries on where they were. Every read
and write goes through the store with (code, token), so a participant sees and changes only
their own submission, and the group's result only once the facilitator reveals it. An
unknown code, another workshop's code or a tampered token gets the same plain refusal; only
those are counted, and too many of them from one client are refused for a while (the store's
rate limiter), while a valid link is looked up first and never refused.

The join link opened again never makes a second identity: in the same browser session the
page remembers the participant; in another tab or after a restart, the store remembers the
participants who used this browser (its ``pb_device`` cookie) and the page leads back to the
last of them, with a "Not you?" way to join under another name on a shared computer.

Changes not yet saved are said so beside the controls; if the facilitator locks the round
before they are saved, the page says what was lost and that the last saved weights count.

Rounds: from round 2 the page says which round it is, the controls start from the
participant's weights of the round before (until they change them) and the previous round's
group result (its weights beside their own, and its ranking) is shown above the controls, to
revise against (:mod:`policybench.ui.components.workshop_room`, which also shows the room's
contested scores and "you are here" after a reveal, below them). Every ranking uses
the scores the workshop adopted, and says so. Score challenges are
:mod:`policybench.ui.components.challenge_form`'s.

Fragments keep reruns cheap, as a workshop puts thirty people on one server: the weight
controls with the participant's own ranking (a slider move reruns only them, and touches no
store: the workshop and the participant were read when the page was drawn), the reasons (a
reason typed reruns only them), the submit button (a submit writes, then redraws only
itself), the challenges, and a watch that checks every few seconds for the facilitator's
moves and redraws the page when the round's state or number changes (locked, reopened,
revealed, another round opened) or when the score decisions do (adopted, rejected or undone,
in any state; the store gives participants the decisions only once a round was revealed, and
they make both the adopted scores every ranking uses and each contested cell's "adopted 6",
"rejected" or "open").
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from policybench.analysis.contest import overrides_from
from policybench.analysis.weights import same_proportions, shares
from policybench.catalog import Catalog
from policybench.export.workshop_report import missing_from_catalog
from policybench.present import workshop as words
from policybench.present.contest import adjusted_label
from policybench.present.deliberation_ui import decided_cells
from policybench.present.text import streamlit_markdown
from policybench.store import (
    Participant,
    ParticipantTokenError,
    RateLimitedError,
    Store,
    Submission,
    Workshop,
    WorkshopError,
    WorkshopNotFound,
)
from policybench.store.schema import DISPLAY_NAME_MAX
from policybench.store.workshops import normalize_code
from policybench.ui import state
from policybench.ui.components import challenge_form, workshop_room, workshop_weights
from policybench.ui.components import workshop_common as common
from policybench.ui.components.errors import guarded, log
from policybench.ui.components.text import note

KEY = "pb.ws"
SEEDED = "pb.ws.seeded"
SEEN_STATE = "pb.ws.seen_state"
SEEN_ROUND = "pb.ws.seen_round"
#: The earlier round whose weights the controls started from (None: this round's, or none).
STARTED_FROM = "pb.ws.started_from"
#: The score decisions the page was drawn with, as ``decided_cells`` (the watch redraws it
#: when they change).
DECIDED = "pb.ws.decided"
REVISION = "pb.ws.revision"
SUBMIT_OUTCOME = "pb.ws.submit_outcome"
#: What a submit that failed for an unexpected reason (a bug, not the store) says.
SUBMIT_FAILED = (
    "Something went wrong while saving your weights; they were not saved. Try again; the "
    "details are in the server log."
)
IDENTITY = "pb.ws.identity"
#: The last weights and reasons the store holds for this participant (what "unsaved" means).
SAVED = "pb.ws.saved"
#: Set when the round closed under unsaved changes: what the locked page says.
LOCK_NOTICE = "pb.ws.lock_notice"
#: (code, token) when this page was reached through the device, not the participant's link.
REJOINED = "pb.ws.rejoined"
#: A code for which this session chose "Not you?": show the join form, not the device's person.
NEW_IDENTITY = "pb.ws.new_identity"
#: (code, token) already remembered on this browser in this session.
DEVICE_SEEN = "pb.ws.device_seen"
WELCOME = "pb.ws.welcome"
TAKEN_HINT = (
    "If that name is yours, you have joined already: open your personal link (your page's "
    "address after you joined), or this join link in the browser you joined with."
)
REFRESH_S = 5
PAGE = "workshop"


Overrides = Mapping[str, Mapping[str, float]]


def _code_form() -> None:
    note("Open the link the facilitator gave you, or type the workshop's join code here.")
    with st.form("pb.ws.code_form"):
        typed = st.text_input("Join code", placeholder="ABCD-EFGH-JKMNP", max_chars=64)
        go = st.form_submit_button("Open the workshop")
    if go and typed.strip():
        st.query_params.clear()
        st.query_params["code"] = typed.strip()
        st.rerun()


def _join(s: Store, shop: Workshop) -> None:
    if shop.state != "open":
        st.warning(f"This workshop is {shop.state} and is not taking new participants.")
        return
    note(
        "Pick the name the facilitator will see beside your weights (on the shared screen "
        "participants are shown as numbers unless the facilitator chooses otherwise)."
    )
    with st.form("pb.ws.join_form"):
        name = st.text_input("Your display name", max_chars=DISPLAY_NAME_MAX)
        go = st.form_submit_button("Join the workshop", type="primary")
    if not go:
        return
    passed, err = common.attempt(
        lambda: s.workshops.join(shop.code, name, client=common.client(), device=common.device())
    )
    if err is not None or passed is None:
        common.show_error(err or RuntimeError("join failed"))
        if type(err) is WorkshopError:  # the name is taken (the only plain WorkshopError)
            note(TAKEN_HINT)
        return
    st.session_state.pop(NEW_IDENTITY, None)
    st.session_state[DEVICE_SEEN] = (shop.code, passed.token)  # remembered by the join
    st.query_params["code"] = shop.code
    st.query_params["p"] = passed.token
    st.rerun()


def _on_submit(s: Store, code: str, token: str, criteria: tuple[str, ...]) -> None:
    """The submit button's callback: save, and leave what happened for the fragment to say."""
    entry = workshop_weights.current(criteria, key=KEY)
    if entry.weights is None:
        st.session_state[SUBMIT_OUTCOME] = entry.problem or workshop_weights.ZERO
        return
    try:
        saved, err = common.attempt(
            lambda: s.workshops.submit(code, token, entry.weights or {}, entry.reasons)
        )
    except Exception as exc:  # a callback's exception would reach the page as a traceback
        log.error("unexpected error saving a participant's weights", exc_info=exc)
        st.session_state[SUBMIT_OUTCOME] = ("error", SUBMIT_FAILED)
        return
    if err is not None or saved is None:
        st.session_state[SUBMIT_OUTCOME] = err or RuntimeError("not saved")
        return
    st.session_state[SUBMIT_OUTCOME] = saved.revision
    st.session_state[REVISION] = saved.revision
    _keep_saved(saved)


def _keep_saved(saved: Submission | None) -> None:
    st.session_state[SAVED] = None if saved is None else (dict(saved.weights), dict(saved.reasons))


def _unsaved(criteria: tuple[str, ...], catalog: Catalog | None = None) -> tuple[bool, bool]:
    """Whether the weights, and whether the reasons, on screen differ from the saved ones
    (weights compared as shares: the same proportions are the same weights)."""
    entry = workshop_weights.current(criteria, key=KEY, catalog=catalog)
    saved = st.session_state.get(SAVED)
    if not isinstance(saved, tuple):
        return entry.weights is not None, bool(entry.reasons)
    weights, reasons = saved
    moved = entry.weights is not None and not same_proportions(entry.weights, weights, criteria)
    return moved, entry.reasons != reasons


@st.fragment
@guarded
def _submit(s: Store, code: str, token: str, shop: Workshop, me: Participant) -> None:
    """The submit button, and what became of the last submit."""
    revision = int(st.session_state.get(REVISION, me.revision if me.submitted else 0))
    st.button(
        "Save my revised weights" if revision else "Submit my weights",
        type="primary",
        key="pb.ws.submit",
        on_click=_on_submit,
        args=(s, code, token, tuple(shop.criteria)),
    )
    outcome = st.session_state.pop(SUBMIT_OUTCOME, None)
    if isinstance(outcome, tuple):  # (not a class of this script: it is re-executed each run)
        st.error(outcome[1])
    elif isinstance(outcome, Exception):
        common.show_error(outcome)
    elif isinstance(outcome, str):
        st.warning(streamlit_markdown(outcome))
    elif isinstance(outcome, int):
        st.success(
            f"Saved (revision {outcome}). You can revise your weights until the facilitator "
            "locks the round."
        )
        return
    if revision:
        note(f"You have submitted your weights (revision {revision}).")
    else:
        note("You have not submitted your weights yet.")


@st.fragment
@guarded
def _controls(catalog: Catalog, shop: Workshop, adopted: Overrides) -> None:
    """The weight controls beside the participant's own ranking under them."""
    left, right = st.columns([4, 5], gap="large")  # side by side on a laptop, stacked on a phone
    with left:
        st.header("Your weights", anchor=False)
        started = st.session_state.get(STARTED_FROM)
        if started and not isinstance(st.session_state.get(SAVED), tuple):
            note(
                f"They start from your weights of round {started}: change them, or submit "
                f"them as they are, to take part in round {shop.round}."
            )
        entry = workshop_weights.show(catalog, shop.criteria, key=KEY)
        if entry.problem:
            st.warning(streamlit_markdown(entry.problem))
        elif _unsaved(shop.criteria, catalog)[0]:
            st.warning(
                "These weights are not saved yet: press the button below the reasons to save "
                "them. Only saved weights count when the facilitator locks the round."
            )
    with right:
        st.header("Your ranking", anchor=False)
        if entry.weights is None:
            note("Your ranking appears here once at least one criterion has some weight.")
            return
        note(
            "The options under the weights beside it (weighted sum on the criteria's 0–10 "
            "scales), whether or not you have submitted them yet."
        )
        _adjusted_label(adopted)
        workshop_room.ranking_table(
            workshop_room.own_ranking(catalog, shop, entry.weights, adopted),
            ("rank", "label", "score"),
            "pb.ws.own",
        )
        challenge_form.from_ranking(catalog, shop)


def _adjusted_label(adopted: Overrides) -> None:
    label = adjusted_label(adopted)
    if label:
        note(f"**{label}**: ranked with the scores the facilitator adopted.")


@st.fragment
@guarded
def _reasons(catalog: Catalog, shop: Workshop) -> None:
    workshop_weights.show_reasons(catalog, shop.criteria, key=KEY)
    if _unsaved(shop.criteria, catalog)[1]:
        note("Your reasons have changes that are not saved yet: save them with your weights.")


def _submitted(
    catalog: Catalog, s: Store, code: str, token: str, shop: Workshop
) -> dict[str, float] | None:
    """The round is not open: the weights that count, read-only."""
    st.session_state.pop(SEEDED, None)  # if the round reopens, fill the controls again
    mine, err = common.attempt(lambda: s.workshops.my_submission(code, token))
    if err is not None:
        common.show_error(err)
        return None
    if shop.state == "locked":
        st.info(
            "The facilitator has locked the round: weights can no longer be changed unless "
            "they reopen it. Your last submitted weights count."
        )
    else:
        st.info(f"The round is {shop.state}: weights can no longer be changed.")
    lost = st.session_state.pop(LOCK_NOTICE, None)
    if lost:
        st.warning(streamlit_markdown(lost))
    if mine is None:
        note("You did not submit weights in this round.")
        return None
    table = words.shares_table(catalog, shop.criteria, shares(mine.weights, shop.criteria))
    table["reason"] = [mine.reasons.get(c, "") for c in table["criterion_id"]]
    st.dataframe(
        table,
        hide_index=True,
        column_order=["criterion", "share", "reason"],
        column_config={
            "criterion": st.column_config.TextColumn("Criterion", width="medium"),
            "share": st.column_config.NumberColumn("Your weight", format="percent"),
            "reason": st.column_config.TextColumn("Your reason", width="large"),
        },
        key="pb.ws.mine",
    )
    note(f"Submitted weights, revision {mine.revision}.")
    return dict(mine.weights)


def _editor(
    catalog: Catalog,
    s: Store,
    token: str,
    shop: Workshop,
    me: Participant,
    adopted: Overrides,
) -> None:
    """An open round: the controls, the reasons and the submit button; else the weights
    that count, read-only, and the ranking under them."""
    if st.session_state.get(SEEN_STATE) == "open" and shop.state != "open":
        # the round closed under this page: say what it discarded (the widgets still hold it)
        st.session_state[LOCK_NOTICE] = _lost_changes(catalog, shop)
    st.session_state[SEEN_STATE] = shop.state
    st.session_state[SEEN_ROUND] = shop.round
    if shop.state == "open":
        _controls(catalog, shop, adopted)
        _reasons(catalog, shop)
        _submit(s, shop.code, token, shop, me)
        return
    st.header("Your weights", anchor=False)
    weights = _submitted(catalog, s, shop.code, token, shop)
    if weights is None:
        return
    st.header("Your ranking", anchor=False)
    note("The options under the weights above (weighted sum on the criteria's 0–10 scales).")
    _adjusted_label(adopted)
    workshop_room.ranking_table(
        workshop_room.own_ranking(catalog, shop, weights, adopted),
        ("rank", "label", "score"),
        "pb.ws.own",
    )


@st.fragment(run_every=REFRESH_S)
def _watch(code: str, token: str) -> None:
    """Every few seconds: redraw the page when the facilitator has moved the workshop on
    (state, round) or, once a result was visible, changed a score decision; say that the
    current round's result is still to come."""
    s = common.store()
    shop, err = common.attempt(lambda: s.workshops.get(code, client=common.client()))
    if err is not None or shop is None:
        common.show_error(err or RuntimeError("no workshop"))
        return
    seen = (st.session_state.get(SEEN_STATE), st.session_state.get(SEEN_ROUND))
    if seen != (None, None) and seen != (shop.state, shop.round):
        st.rerun(scope="app")  # locked, reopened, revealed, next round: redraw it all
    # in any state: the store gives the decisions only once a round was revealed, and a
    # decision made while a round is open changes every ranking or the contested scores
    decisions, err = common.attempt(lambda: s.workshops.room_decisions(code, token))
    if err is None and decided_cells(decisions or ()) != st.session_state.get(DECIDED):
        st.rerun(scope="app")  # the facilitator adopted, rejected or undid a score
    if shop.results_visible:
        return
    if shop.round == 1:
        st.header("The group's result", anchor=False)
        st.info(
            "The group's result appears here once the facilitator reveals it "
            f"(this part of the page checks every {REFRESH_S} seconds)."
        )
    else:
        note(
            f"Round {shop.round}'s group result appears here once the facilitator reveals it "
            f"(this part of the page checks every {REFRESH_S} seconds)."
        )


def _lost_changes(catalog: Catalog, shop: Workshop) -> str | None:
    """What the round closing under this page discarded, in a sentence (None: nothing)."""
    moved, rewritten = _unsaved(shop.criteria, catalog)
    if not (moved or rewritten):
        return None
    what = " and ".join(
        part for part, changed in (("weights", moved), ("reasons", rewritten)) if changed
    )
    saved = st.session_state.get(SAVED)
    counts = (
        "your last saved weights count (shown below)"
        if isinstance(saved, tuple)
        else "you had not saved any weights, so you are not in this round's result"
    )
    done = "locked the round" if shop.state == "locked" else f"made the workshop {shop.state}"
    return (
        f"The facilitator {done} before you saved your latest {what}: those changes were not "
        f"saved, and {counts}. Ask the facilitator to reopen the round if they should count."
    )


def _participant(catalog: Catalog, s: Store, shop: Workshop, token: str) -> None:
    me, err = common.attempt(lambda: s.workshops.participant(shop.code, token))
    if err is not None or me is None:
        st.session_state.pop(IDENTITY, None)
        if isinstance(err, (ParticipantTokenError, WorkshopNotFound)):
            # counted only now that it is known to be bad: a valid link is never refused
            _, limited = common.attempt(lambda: common.count_bad_token(s))
            if isinstance(limited, RateLimitedError):
                err = limited
        common.show_error(err or RuntimeError("no participant"))
        return
    st.session_state[IDENTITY] = (shop.code, token)
    device = common.device()
    if device and st.session_state.get(DEVICE_SEEN) != (shop.code, token):
        # best effort: remembered, the join link opened again on this browser finds them
        common.attempt(lambda: s.workshops.remember_device(shop.code, token, device))
        st.session_state[DEVICE_SEEN] = (shop.code, token)
    welcome = st.session_state.pop(WELCOME, None)
    if welcome:
        st.success(streamlit_markdown(welcome))
    st.markdown(f"You are taking part as **{streamlit_markdown(me.display_name)}**.")
    if st.session_state.get(REJOINED) == (shop.code, token):
        st.button(
            "Not you? Join under another name",
            key="pb.ws.not_me",
            on_click=_not_me,
            args=(shop.code,),
            help="On a shared computer: leave this participant's page and join as yourself.",
        )
    st.info(
        "This page's address is your personal link: bookmark it to come back to your weights "
        "after a reload or on another device. Do not share it: anyone who has it can change "
        "your weights."
    )
    with st.expander("Your personal link"):
        base = common.app_base(common.page_url(), PAGE)
        st.code(common.personal_link(base, shop.code, token), language=None, wrap_lines=True)
    if not _seed(catalog, s, shop, token):
        return
    decisions, err = common.attempt(lambda: s.workshops.room_decisions(shop.code, token))
    if err is not None or decisions is None:
        common.show_error(err or RuntimeError("no score decisions"))
        return
    adopted, decided = overrides_from(decisions), decided_cells(decisions)
    st.session_state[DECIDED] = decided
    st.session_state[REVISION] = me.revision if me.submitted else 0
    # from round 2: the previous round's result above the controls, to revise against
    workshop_room.show(catalog, s, shop, token, adopted, decided=decided, above=True)
    _editor(catalog, s, token, shop, me, adopted)
    st.divider()
    _watch(shop.code, token)
    workshop_room.show(catalog, s, shop, token, adopted, decided=decided)
    st.divider()
    challenge_form.show(catalog, shop, shop.code, token, adopted)


def _seed(catalog: Catalog, s: Store, shop: Workshop, token: str) -> bool:
    """Fill the controls once per participant and round: from their submission in this
    round, else (round 2 on) from their latest earlier one. False when the store failed."""
    if st.session_state.get(SEEDED) == (shop.code, token, shop.round):
        return True
    mine, err = common.attempt(lambda: s.workshops.my_submission(shop.code, token))
    start = mine
    if err is None and mine is None and shop.round > 1:
        start, err = common.attempt(lambda: s.workshops.my_previous(shop.code, token))
    if err is not None:
        common.show_error(err)
        return False
    top, step = workshop_weights.scale(catalog)
    workshop_weights.seed(
        KEY,
        shop.criteria,
        start.weights if start is not None else None,
        start.reasons if start is not None else None,
        maximum=top,
        step=step,
    )
    _keep_saved(mine)  # saved means saved in this round: an earlier round's are a start
    st.session_state[STARTED_FROM] = start.round if start is not None and mine is None else None
    st.session_state[SEEDED] = (shop.code, token, shop.round)
    return True


def _not_me(code: str) -> None:
    """ "Not you?": forget the participant found through this browser, show the join form."""
    for key in (IDENTITY, REJOINED, SEEDED, SAVED, DEVICE_SEEN):
        st.session_state.pop(key, None)
    st.session_state[NEW_IDENTITY] = code
    st.query_params.clear()
    st.query_params["code"] = code


def _rejoin(s: Store, code: str) -> tuple[str, str] | None:
    """The participant this browser last took part as in the workshop ``code``, if any."""
    canonical = normalize_code(code)
    device = common.device()
    if canonical is None or not device or st.session_state.get(NEW_IDENTITY) == canonical:
        return None
    found, err = common.attempt(lambda: s.workshops.rejoin(canonical, device))
    if err is not None or found is None:
        return None
    st.session_state[REJOINED] = (found.code, found.token)
    st.session_state[WELCOME] = (
        f"Welcome back, {found.display_name}: this browser joined this workshop before, so "
        "this is your own page, with your weights."
    )
    return found.code, found.token


@guarded
def body() -> None:
    loaded = state.load_catalog()
    if loaded.catalog is None:
        st.rerun(scope="app")
    catalog = loaded.catalog
    code = str(st.query_params.get("code", "")).strip()
    token = str(st.query_params.get("p", ""))
    remembered = st.session_state.get(IDENTITY)
    if remembered and not token and (not code or normalize_code(code) == remembered[0]):
        # back from another page of the app, or the join link opened again in this session:
        # carry on as the same participant rather than join twice
        code, token = remembered
        st.query_params["code"] = code
        st.query_params["p"] = token
    if not code:
        _code_form()
        return
    s = common.store()
    if not token:
        # the join link opened again in another tab, or after a restart, on a browser that
        # has joined before: the same participant again
        found = _rejoin(s, code)
        if found is not None:
            code, token = found
            st.query_params["code"] = code
            st.query_params["p"] = token
    shop, err = common.attempt(lambda: s.workshops.get(code, client=common.client()))
    if err is not None or shop is None:
        common.show_error(err or RuntimeError("no workshop"))
        _code_form()
        return
    missing = missing_from_catalog(catalog, shop)
    if missing:
        st.error(
            "This workshop uses options or criteria that this app's catalog does not have, so "
            "it cannot be shown here. Tell the facilitator."
        )
        return
    st.subheader(streamlit_markdown(shop.title), anchor=False)
    when = f":blue-badge[Round {shop.round}] " if shop.round > 1 else ""
    note(when + streamlit_markdown(words.state_text(shop.state)))
    if not token:
        _join(s, shop)
        return
    _participant(catalog, s, shop, token)


def main() -> None:
    st.title("Workshop", anchor=False)
    body()


if __name__ == "__main__":
    main()
