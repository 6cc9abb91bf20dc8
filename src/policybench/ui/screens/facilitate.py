"""Facilitate (the facilitator's page): create a workshop, invite, watch the submissions
arrive, run the round, export.

- **Create** a workshop (title, the options and criteria in play, a passphrase typed twice)
  or **sign in** to one with its join code and passphrase (wrong passphrases are
  rate-limited by the store, per browser session and per workshop, so nobody else's mistakes
  lock the facilitator out). The handle that proves the passphrase was checked lives in this
  browser session; the store also remembers the sign-in on this browser (its ``pb_device``
  cookie, never in the address) for 12 hours, so a reload or a server restart keeps the
  facilitator in their workshop on that device. Signing out forgets it.
- **Invite** (:mod:`policybench.ui.components.facilitator_invite`): the join link
  (``<base URL>/workshop?code=...``) and a QR code large enough for a projector, with a
  warning when the link points at this computer alone (127.0.0.1).
- **Run the round**: lock (after a warning: participants' unsaved changes are discarded),
  reopen, reveal (participants see the group's result), close; after a reveal, **open the
  next round** (``pb.fac.next_round``, "Open round N"). A disabled button says why.
- **Monitor** (a fragment that refreshes every few seconds), from one read of the room per
  run (:class:`~policybench.ui.components.facilitator_room.Room`: every round's submissions,
  who joined, the challenges, the decisions):

  - how many have submitted in the current round, then the panels of
    :mod:`policybench.ui.components.facilitator_results` for the latest round with
    submissions: the group's ranking by the workshop's rule (``pb.fac.combination``, stored on
    the workshop with ``set_combination``, so that the participants' page and the export rank
    by it too), Kendall's W in words, the
    spread of each criterion's weights with the reasons given, each participant against the
    group (numbered as the export numbers them unless "show names" is ticked), and SMAA over
    the room's range of weights;
  - **contested scores** (:mod:`~policybench.ui.components.contested_panel`): the challenged
    cells, most consequential first, with the room's reasons and quotes, "if the room is
    right", adopt / reject / undo per cell and the catalog patch;
  - **rounds** (:mod:`~policybench.ui.components.rounds_panel`): per round, submissions,
    Kendall's W, the spread per criterion, each participant's movement, the convergence chart;
  - **camps and common ground** (:mod:`~policybench.ui.components.camps_panel`).

  Once a score is adopted, every result on the page ranks with it and says so ("1 score
  adjusted in this workshop"). Every computation is cached on what it reads (the weights and
  reasons submitted, the decisions, the combination, top k), so a refresh with nothing new
  recomputes nothing.
- **Export** the whole workshop as CSV, Excel, Markdown or HTML, built by
  :func:`policybench.export.workshop_report.workshop_report` from the same group result the
  monitor shows, with every round, the challenges, the decisions and the camps (top k as on
  screen); ``policybench export --workshop`` builds the same report.
"""

from __future__ import annotations

import streamlit as st

from policybench.analysis.workshop import COMBINATIONS
from policybench.catalog import Catalog
from policybench.errors import PolicybenchError
from policybench.export.workshop_report import missing_from_catalog
from policybench.present import workshop as words
from policybench.present.text import fold, streamlit_markdown
from policybench.store import Facilitator, Store, Workshop
from policybench.store.schema import TITLE_MAX
from policybench.store.workshops import PASSPHRASE_MIN, normalize_code
from policybench.ui import state
from policybench.ui.components import camps_panel, contested_panel, facilitator_export, rounds_panel
from policybench.ui.components import facilitator_invite as invite
from policybench.ui.components import facilitator_results as results
from policybench.ui.components import workshop_common as common
from policybench.ui.components.errors import guarded
from policybench.ui.components.facilitator_room import Room, read_room
from policybench.ui.components.text import note

HANDLE = "pb.fac.handle"
FLASH = "pb.fac.flash"
COMBINATION = "pb.fac.combination"
#: The workshop's stored rule the selectbox was last set from (or wrote).
SYNCED = "pb.fac.combination_synced"
#: A refusal of the rule's change, said once beside the selectbox.
FLASH_ERROR = "pb.fac.combination_error"
NAMES = "pb.fac.names"
CONFIRM_CLOSE = "pb.fac.confirm_close"
CONFIRM_LOCK = "pb.fac.confirm_lock"
EXPORT = facilitator_export.EXPORT
REFRESH_S = 3
PAGE = "facilitate"
ACTIONS = {
    "lock": ("Lock the round", frozenset({"open"}), "Submissions are frozen."),
    "reopen": ("Reopen", frozenset({"locked"}), "The round is open again."),
    "reveal": (
        "Reveal the result",
        frozenset({"locked"}),
        "Participants now see the group's result.",
    ),
}
#: Why "Open round N" is disabled, by state (it needs a revealed round).
NEXT_ROUND_WHY = {
    "open": "Lock and reveal this round first: the next round starts from its result.",
    "locked": "Reveal this round first: the next round starts from its result.",
    "closed": "The workshop is closed: nothing more can change.",
}


# ------------------------------------------------------------------------------ signed out
def _create(catalog: Catalog, s: Store) -> None:
    options = {o.id: fold(o.title) for o in catalog.options}
    criteria = {c.id: fold(c.name) for c in catalog.criteria}
    with st.form("pb.fac.create_form"):
        title = st.text_input("Title", max_chars=TITLE_MAX, placeholder="e.g. Trilateral seminar")
        chosen_options = st.multiselect(
            "Options in play",
            list(options),
            default=list(options),
            format_func=options.__getitem__,
            help="At least two. All of the catalog's options unless you remove some.",
        )
        chosen_criteria = st.multiselect(
            "Criteria in play",
            list(criteria),
            default=list(criteria),
            format_func=criteria.__getitem__,
            help="At least two. Participants weight these.",
        )
        first = st.text_input(
            "Passphrase",
            type="password",
            help=f"At least {PASSPHRASE_MIN} characters; you need it to sign in again. It is stored hashed.",
        )
        second = st.text_input("Passphrase again", type="password")
        go = st.form_submit_button("Create the workshop", type="primary")
    if not go:
        return
    if first != second:
        st.error("The two passphrases differ: type the same passphrase twice.")
        return
    if len(first) < PASSPHRASE_MIN:
        st.error(f"The passphrase is too short: use at least {PASSPHRASE_MIN} characters.")
        return
    handle, err = common.attempt(
        lambda: s.workshops.create(
            title,
            options=chosen_options,
            criteria=chosen_criteria,
            passphrase=first,
            catalog=catalog,
        )
    )
    if err is not None or handle is None:
        common.show_error(err or RuntimeError("not created"))
        return
    _signed_in(handle, "The workshop is open: invite the participants with the link below.", s)


def _sign_in(s: Store) -> None:
    with st.form("pb.fac.sign_in_form"):
        code = st.text_input(
            "Join code",
            value=str(st.query_params.get("code", "")),
            max_chars=64,
            placeholder="ABCD-EFGH-JKMNP",
        )
        passphrase = st.text_input("Passphrase", type="password")
        go = st.form_submit_button("Sign in", type="primary")
    if not go:
        return
    handle, err = common.attempt(
        lambda: s.workshops.verify_facilitator(
            code, passphrase, client=common.client(), session=common.session_id()
        )
    )
    if err is not None or handle is None:
        common.show_error(err or RuntimeError("not signed in"))
        return
    _signed_in(handle, "Signed in.", s)


def _signed_in(handle: Facilitator, message: str, s: Store | None = None) -> None:
    """Keep the handle in this session (and, with a device cookie, on this browser), then
    redraw signed in."""
    st.session_state[HANDLE] = handle
    device = common.device()
    if s is not None and device:
        # best effort: without it the facilitator is signed in until a reload, as before
        common.attempt(lambda: s.workshops.remember_facilitator(handle, device))
    st.session_state[FLASH] = message
    st.session_state.pop(EXPORT, None)
    st.query_params["code"] = handle.code
    st.rerun()


def _resume(s: Store) -> Facilitator | None:
    """The sign-in remembered on this browser (for the workshop in the address, if any)."""
    device = common.device()
    if not device:
        return None
    code = str(st.query_params.get("code", "")).strip() or None
    handle, err = common.attempt(lambda: s.workshops.resume_facilitator(device, code))
    if err is not None or handle is None:
        return None
    st.session_state[HANDLE] = handle
    st.query_params["code"] = handle.code
    return handle


def _sign_out(s: Store, handle: Facilitator) -> None:
    device = common.device()
    if device:
        _, err = common.attempt(lambda: s.workshops.forget_facilitator(handle, device))
        if err is not None:
            common.show_error(err)
            return
    for key in (HANDLE, EXPORT, CONFIRM_CLOSE, CONFIRM_LOCK):
        st.session_state.pop(key, None)
    st.rerun()


# ------------------------------------------------------------------------------ signed in
def _round(s: Store, handle: Facilitator, shop: Workshop) -> None:
    st.header("Run the round", anchor=False)
    note(f"**Round {shop.round}.** {streamlit_markdown(words.state_text(shop.state))}")
    if st.session_state.get(CONFIRM_LOCK) and shop.state == "open":
        _confirm_lock(s, handle)
        return
    st.session_state.pop(CONFIRM_LOCK, None)
    # two per row: at a projector's 1024 pixels four side by side cut their labels off
    top, bottom = st.columns(2), st.columns(2)
    cols = [top[0], top[1], bottom[0], bottom[1]]
    for col, (action, (label, allowed, done)) in zip(cols, ACTIONS.items(), strict=False):
        why = words.action_hint(action, shop.state)
        with col:
            if st.button(
                label,
                key=f"pb.fac.{action}",
                disabled=shop.state not in allowed,
                width="stretch",
                help=why,
            ):
                if action == "lock":
                    st.session_state[CONFIRM_LOCK] = True
                    st.rerun()
                _transition(s, handle, action, done)
            if why:
                note(streamlit_markdown(why))
    with cols[3]:
        sure = st.checkbox("Close for good", key=CONFIRM_CLOSE, disabled=shop.state == "closed")
        why = words.action_hint("close", shop.state, confirmed=bool(sure))
        if st.button(
            "Close the workshop",
            key="pb.fac.close",
            disabled=shop.state == "closed" or not sure,
            width="stretch",
            help=why,
        ):
            _transition(s, handle, "close", "The workshop is closed.")
        if why:
            note(streamlit_markdown(why))
    _next_round(s, handle, shop)


def _next_round(s: Store, handle: Facilitator, shop: Workshop) -> None:
    """Open the next round ("Open round N"), only after a reveal: the participants then
    revise, starting from their weights of this round."""
    why = NEXT_ROUND_WHY.get(shop.state)
    col, _ = st.columns(2)
    with col:
        if st.button(
            f"Open round {shop.round + 1}",
            key="pb.fac.next_round",
            type="primary" if why is None else "secondary",
            disabled=why is not None,
            width="stretch",
            help=why
            or "Participants see this round's result, start from their own weights and revise.",
        ):
            _transition(
                s,
                handle,
                "next_round",
                f"Round {shop.round + 1} is open: participants revise their weights, starting "
                "from their own of this round.",
            )
    if why:
        note(streamlit_markdown(why))


def _confirm_lock(s: Store, handle: Facilitator) -> None:
    """Lock only after saying what it discards."""
    people, err = common.attempt(lambda: s.workshops.participants(handle))
    if err is not None or people is None:
        common.show_error(err or RuntimeError("no participants"))
        return
    submitted = sum(1 for p in people if p.submitted)
    st.warning(streamlit_markdown(words.lock_warning(len(people), submitted)))
    go, back, _ = st.columns([1, 1, 2])
    if go.button("Lock now", key="pb.fac.lock_now", type="primary", width="stretch"):
        st.session_state.pop(CONFIRM_LOCK, None)
        _transition(s, handle, "lock", ACTIONS["lock"][2])
    if back.button("Not yet", key="pb.fac.lock_cancel", width="stretch"):
        st.session_state.pop(CONFIRM_LOCK, None)
        st.rerun()


def _transition(s: Store, handle: Facilitator, action: str, done: str) -> None:
    _, err = common.attempt(lambda: getattr(s.workshops, action)(handle))
    if err is not None:
        common.show_error(err)
        return
    st.session_state[FLASH] = done
    st.rerun()


def _decide(s: Store, handle: Facilitator) -> contested_panel.Decide:
    def decide(
        option: str,
        criterion: str,
        decision: str,
        value: float | None,
        low: float | None,
        high: float | None,
    ) -> object:
        return s.workshops.decide(
            handle, option, criterion, decision, value=value, low=low, high=high
        )

    return decide


def _undo(s: Store, handle: Facilitator) -> contested_panel.Undo:
    return lambda option, criterion: s.workshops.undo_decision(handle, option, criterion)


def _on_combination(s: Store, handle: Facilitator) -> None:
    """The rule chosen: stored on the workshop, so that the participants' page and the export
    rank the group by it too."""
    rule = str(st.session_state[COMBINATION])
    _, err = common.attempt(lambda: s.workshops.set_combination(handle, rule))
    if err is not None:
        st.session_state[COMBINATION] = st.session_state.get(SYNCED, COMBINATIONS[0])
        st.session_state[FLASH_ERROR] = err
        return
    st.session_state[SYNCED] = rule


def _room_controls(s: Store, handle: Facilitator, shop: Workshop) -> bool:
    """The workshop's rule for the group's ranking (stored on the workshop) and "show
    names"."""
    if st.session_state.get(SYNCED) != shop.combination:
        # first drawn, or changed elsewhere (another tab, the CLI): the stored rule wins
        st.session_state[COMBINATION] = st.session_state[SYNCED] = shop.combination
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    left.selectbox(
        "Group ranking by",
        list(COMBINATIONS),
        key=COMBINATION,
        format_func=words.COMBINATIONS.__getitem__,
        on_change=_on_combination,
        args=(s, handle),
        help="The workshop's rule: combine everyone's weights and rank under them, or combine "
        "everyone's own rankings. The participants' page and the export use it too.",
    )
    failed = st.session_state.pop(FLASH_ERROR, None)
    if failed is not None:
        common.show_error(failed)
    show_names = right.checkbox(
        "Show names",
        key=NAMES,
        help="Participants are numbered in the order they joined, as in the export; tick to "
        "show their display names instead (not on a shared screen without their consent).",
    )
    return bool(show_names)


def _deliberation(
    catalog: Catalog,
    s: Store,
    handle: Facilitator,
    shop: Workshop,
    room: Room,
    names: bool,
) -> None:
    """Contested scores, rounds, camps: each panel from the same read of the room."""
    st.divider()
    contested_panel.show(
        catalog,
        shop,
        room,
        names=names,
        decide=_decide(s, handle),
        undo=_undo(s, handle),
    )
    try:
        st.divider()
        rounds_panel.show(catalog, shop.options, shop.criteria, room, names=names)
        st.divider()
        camps_panel.show(catalog, shop.options, shop.criteria, room)
    except PolicybenchError as exc:
        common.show_error(exc)


@st.fragment(run_every=REFRESH_S)
def _monitor(catalog: Catalog, handle: Facilitator, shop: Workshop) -> None:
    """The room so far, redrawn every few seconds: counts, the group's result, the contested
    scores, the rounds and the camps."""
    s = common.store()
    st.header("The room so far", anchor=False)
    # the workshop read again: its rule for the group's ranking may have changed since
    fresh, err = common.attempt(lambda: s.workshops.get(handle.code))
    room, err2 = common.attempt(lambda: read_room(s.workshops, handle))
    if err is not None or err2 is not None or room is None or fresh is None:
        common.show_error(err or err2 or RuntimeError("no submissions"))
        return
    shop = fresh
    a, b, c = st.columns(3)
    a.metric("Submissions", len(room.current))
    b.metric("Joined", len(room.joined))
    c.metric("Round", room.round)
    note(f"Refreshes every {REFRESH_S} s.")
    names = _room_controls(s, handle, shop)
    try:
        results.show(catalog, shop.options, shop.criteria, room, shop.combination, names)
    except PolicybenchError as exc:
        common.show_error(exc)
    _deliberation(catalog, s, handle, shop, room, names)


def _dashboard(catalog: Catalog, s: Store, handle: Facilitator) -> None:
    shop, err = common.attempt(lambda: s.workshops.get(handle.code))
    if err is not None or shop is None:
        common.show_error(err or RuntimeError("no workshop"))
        return
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(streamlit_markdown(flash))
    st.subheader(streamlit_markdown(shop.title), anchor=False)
    missing = missing_from_catalog(catalog, shop)
    if missing:
        st.error(
            "This workshop uses options or criteria that this app's catalog does not have: "
            + streamlit_markdown(", ".join(missing))
            + ". Serve it with the catalog it was created on."
        )
        return
    if st.sidebar.button("Sign out of this workshop", key="pb.fac.sign_out"):
        _sign_out(s, handle)
    if common.device():
        st.sidebar.markdown(
            ":small[You stay signed in on this browser for 12 hours, also after a reload. "
            "On a shared computer, sign out when you are done.]"
        )
    else:
        st.sidebar.markdown(
            ":small[A reload signs you out: this server was not started with `policybench "
            "serve`, which remembers a sign-in on the browser.]"
        )
    invite.show(shop, page=PAGE)
    st.divider()
    _round(s, handle, shop)
    st.divider()
    _monitor(catalog, handle, shop)
    st.divider()
    facilitator_export.show(
        catalog,
        s,
        handle,
        shop,
        combination=str(st.session_state.get(SYNCED, shop.combination)),
        names=bool(st.session_state.get(NAMES, False)),
    )


@guarded
def body() -> None:
    catalog = state.catalog_or_rerun()
    s = common.store()
    handle = st.session_state.get(HANDLE)
    wanted = normalize_code(str(st.query_params.get("code", "")))
    if isinstance(handle, Facilitator) and wanted is not None and wanted != handle.code:
        handle = None  # another workshop's address: that one's sign-in, or its passphrase
        for key in (HANDLE, EXPORT, CONFIRM_CLOSE, CONFIRM_LOCK):
            st.session_state.pop(key, None)
    if not isinstance(handle, Facilitator):
        handle = _resume(s)
        if handle is not None:
            st.session_state[FLASH] = "Welcome back: you are still signed in on this browser."
    if isinstance(handle, Facilitator):
        _dashboard(catalog, s, handle)
        return
    note(
        "Create a workshop for the room, or sign in to one you created with its join code "
        "and passphrase."
    )
    create, sign_in = st.tabs(["Create a workshop", "Sign in"])
    with create:
        _create(catalog, s)
    with sign_in:
        _sign_in(s)


def main() -> None:
    st.title("Facilitate a workshop", anchor=False)
    body()


if __name__ == "__main__":
    main()
