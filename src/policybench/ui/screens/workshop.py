"""Workshop (participant): join with the facilitator's link, set weights, submit, revise.

The page is driven by its address. ``?code=CODE`` (the join link) opens the workshop and asks
for a display name; joining adds ``&p=<token>``, the participant's own secret, so a reload, a
server restart or another device with the same link carries on where they were. Every read
and write goes through the store with (code, token), so a participant sees and changes only
their own submission, and the group's result only once the facilitator reveals it. An
unknown code, another workshop's code or a tampered token gets the same plain refusal, and
too many of them from one client are refused for a while (the store's rate limiter).

Fragments keep reruns cheap, as a workshop puts thirty people on one server: the weight
controls with the participant's own ranking (a slider move reruns only them, and touches no
store: the workshop and the participant were read when the page was drawn), the reasons (a
reason typed reruns only them), the submit button (a submit writes, then redraws only
itself), and the group's result, which checks every few seconds for the facilitator's
reveal (and redraws the page when the round's state changes: locked, reopened, revealed).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from policybench.analysis.rank import rank_catalog
from policybench.analysis.weights import shares
from policybench.analysis.workshop import GroupResult, group_result
from policybench.catalog import Catalog
from policybench.export.report import missing_from_catalog
from policybench.present import workshop as words
from policybench.present.text import streamlit_markdown
from policybench.store import (
    Participant,
    ParticipantTokenError,
    RateLimitedError,
    Store,
    Workshop,
    WorkshopNotFound,
)
from policybench.store.schema import DISPLAY_NAME_MAX
from policybench.store.workshops import normalize_code
from policybench.ui import state
from policybench.ui.components import workshop_common as common
from policybench.ui.components import workshop_weights
from policybench.ui.components.errors import guarded, log
from policybench.ui.components.text import note

KEY = "pb.ws"
SEEDED = "pb.ws.seeded"
SEEN_STATE = "pb.ws.seen_state"
REVISION = "pb.ws.revision"
SUBMIT_OUTCOME = "pb.ws.submit_outcome"
#: What a submit that failed for an unexpected reason (a bug, not the store) says.
SUBMIT_FAILED = (
    "Something went wrong while saving your weights; they were not saved. Try again; the "
    "details are in the server log."
)
IDENTITY = "pb.ws.identity"
REFRESH_S = 5
PAGE = "workshop"


@st.cache_data(max_entries=64, show_spinner=False)
def _group(
    _catalog: Catalog,
    fingerprint: str,
    options: tuple[str, ...],
    criteria: tuple[str, ...],
    weights: tuple[tuple[tuple[str, float], ...], ...],
) -> GroupResult:
    """The group's result as participants see it: under the mean of everyone's weights."""
    return group_result(_catalog, options, criteria, [dict(w) for w in weights])


def _key(weights: dict[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple((str(c), float(v)) for c, v in weights.items())


def _own_ranking(catalog: Catalog, shop: Workshop, weights: dict[str, float]) -> pd.DataFrame:
    # not cached: cheaper to compute than hashing the inputs would be
    ranking = rank_catalog(catalog, weights, options=shop.options, criteria=shop.criteria)
    return words.own_ranking(catalog, ranking)


def _ranking_table(table: pd.DataFrame, columns: Sequence[str], key: str) -> None:
    config = {
        "rank": st.column_config.NumberColumn("Rank", format="%d", width="small"),
        "label": st.column_config.TextColumn("Option", width="large"),
        "score": st.column_config.NumberColumn(
            "Score", format="%.3f", help="Weighted sum on the 0–10 scales; higher is better"
        ),
        "your_rank": st.column_config.NumberColumn("Your rank", format="%d", width="small"),
    }
    st.dataframe(
        table,
        hide_index=True,
        column_order=list(columns),
        column_config={k: v for k, v in config.items() if k in columns},
        height=min(35 * (len(table) + 1) + 3, 800),
        key=key,
    )


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
    passed, err = common.attempt(lambda: s.workshops.join(shop.code, name, client=common.client()))
    if err is not None or passed is None:
        common.show_error(err or RuntimeError("join failed"))
        return
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
def _controls(catalog: Catalog, shop: Workshop) -> None:
    """The weight controls beside the participant's own ranking under them."""
    left, right = st.columns([4, 5], gap="large")  # side by side on a laptop, stacked on a phone
    with left:
        st.header("Your weights", anchor=False)
        entry = workshop_weights.show(catalog, shop.criteria, key=KEY)
        if entry.problem:
            st.warning(streamlit_markdown(entry.problem))
    with right:
        st.header("Your ranking", anchor=False)
        if entry.weights is None:
            note("Your ranking appears here once at least one criterion has some weight.")
            return
        note(
            "The options under the weights beside it (weighted sum on the criteria's 0–10 "
            "scales), whether or not you have submitted them yet."
        )
        _ranking_table(
            _own_ranking(catalog, shop, entry.weights), ("rank", "label", "score"), "pb.ws.own"
        )


@st.fragment
@guarded
def _reasons(catalog: Catalog, shop: Workshop) -> None:
    workshop_weights.show_reasons(catalog, shop.criteria, key=KEY)


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
    catalog: Catalog, s: Store, code: str, token: str, shop: Workshop, me: Participant
) -> None:
    """An open round: the controls, the reasons and the submit button; else the weights
    that count, read-only, and the ranking under them."""
    st.session_state[SEEN_STATE] = shop.state
    if shop.state == "open":
        _controls(catalog, shop)
        _reasons(catalog, shop)
        _submit(s, code, token, shop, me)
        return
    st.header("Your weights", anchor=False)
    weights = _submitted(catalog, s, code, token, shop)
    if weights is None:
        return
    st.header("Your ranking", anchor=False)
    note("The options under the weights above (weighted sum on the criteria's 0–10 scales).")
    _ranking_table(_own_ranking(catalog, shop, weights), ("rank", "label", "score"), "pb.ws.own")


@st.fragment(run_every=REFRESH_S)
def _group_result(catalog: Catalog, code: str, token: str) -> None:
    s = common.store()
    shop, err = common.attempt(lambda: s.workshops.get(code, client=common.client()))
    if err is not None or shop is None:
        common.show_error(err or RuntimeError("no workshop"))
        return
    if shop.state != st.session_state.get(SEEN_STATE, shop.state):
        st.rerun(scope="app")  # the facilitator locked, reopened or revealed: redraw it all
    st.header("The group's result", anchor=False)
    if not shop.results_visible:
        st.info(
            "The group's result appears here once the facilitator reveals it "
            f"(this part of the page checks every {REFRESH_S} seconds)."
        )
        return
    weights, err = common.attempt(lambda: s.workshops.group_weights(code, token))
    mine, err2 = common.attempt(lambda: s.workshops.my_submission(code, token))
    if err is not None or err2 is not None or not weights:
        common.show_error(err or err2 or RuntimeError("no group result"))
        return
    result = _group(
        catalog,
        catalog.fingerprint,
        shop.options,
        shop.criteria,
        tuple(_key({c: float(w.get(c, 0.0)) for c in shop.criteria}) for w in weights),
    )
    n = result.participants
    st.markdown(
        f"{n} participant{'s' if n != 1 else ''} submitted; "
        "the group's ranking is under the mean of everyone's weights."
    )
    st.markdown(streamlit_markdown(words.agreement_words(result.concordance)))
    ranking = words.group_ranking(catalog, result)
    if mine is not None:
        table = words.versus_group(_own_ranking(catalog, shop, mine.weights), ranking)
        _ranking_table(table, ("rank", "label", "your_rank"), "pb.ws.group")
    else:
        _ranking_table(ranking, ("rank", "label"), "pb.ws.group")


def _participant(catalog: Catalog, s: Store, shop: Workshop, token: str) -> None:
    try:
        common.check_token_limit(s)
    except RateLimitedError as exc:
        common.show_error(exc)
        return
    me, err = common.attempt(lambda: s.workshops.participant(shop.code, token))
    if err is not None or me is None:
        if isinstance(err, (ParticipantTokenError, WorkshopNotFound)):
            common.count_bad_token(s)
        st.session_state.pop(IDENTITY, None)
        common.show_error(err or RuntimeError("no participant"))
        return
    st.session_state[IDENTITY] = (shop.code, token)
    st.markdown(f"You are taking part as **{streamlit_markdown(me.display_name)}**.")
    st.info(
        "This page's address is your personal link: bookmark it to come back to your weights "
        "after a reload or on another device. Do not share it: anyone who has it can change "
        "your weights."
    )
    with st.expander("Your personal link"):
        base = common.app_base(common.page_url(), PAGE)
        st.code(common.personal_link(base, shop.code, token), language=None, wrap_lines=True)
    if st.session_state.get(SEEDED) != (shop.code, token):
        mine, err = common.attempt(lambda: s.workshops.my_submission(shop.code, token))
        if err is not None:
            common.show_error(err)
            return
        workshop_weights.seed(
            KEY,
            shop.criteria,
            mine.weights if mine is not None else None,
            mine.reasons if mine is not None else None,
        )
        st.session_state[SEEDED] = (shop.code, token)
    st.session_state[REVISION] = me.revision if me.submitted else 0
    _editor(catalog, s, shop.code, token, shop, me)
    st.divider()
    _group_result(catalog, shop.code, token)


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
    note(streamlit_markdown(words.state_text(shop.state)))
    if not token:
        _join(s, shop)
        return
    _participant(catalog, s, shop, token)


def main() -> None:
    st.title("Workshop", anchor=False)
    body()


if __name__ == "__main__":
    main()
