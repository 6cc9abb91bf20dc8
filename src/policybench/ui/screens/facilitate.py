"""Facilitate (the facilitator's page): create a workshop, invite, watch the submissions
arrive, run the round, export.

- **Create** a workshop (title, the options and criteria in play, a passphrase typed twice)
  or **sign in** to one with its join code and passphrase (wrong passphrases are
  rate-limited by the store, per browser session and per workshop, so nobody else's mistakes
  lock the facilitator out). The handle that proves the passphrase was checked lives in this
  browser session; the store also remembers the sign-in on this browser (its ``pb_device``
  cookie, never in the address) for 12 hours, so a reload or a server restart keeps the
  facilitator in their workshop on that device. Signing out forgets it.
- **Invite**: the join link (``<base URL>/workshop?code=...``) and a QR code large enough for
  a projector, with a warning when the link points at this computer alone (127.0.0.1).
- **Run the round**: lock (after a warning: participants' unsaved changes are discarded),
  reopen, reveal (participants see the group's result), close; a disabled button says why.
- **Monitor** (a fragment that refreshes every few seconds): how many have submitted, the
  group's ranking by the chosen combination, Kendall's W in words, the spread of each
  criterion's weights with the reasons given (most contested first), the criterion that
  drives the disagreement, each participant against the group (anonymous unless "show
  names" is ticked), and SMAA over the room's range of weights: one
  :class:`~policybench.analysis.workshop.GroupResult`, formatted by
  :mod:`policybench.present.workshop`.
- **Export** the whole workshop as CSV, Excel, Markdown or HTML, built by
  :func:`policybench.export.report.workshop_report` from the same group result the monitor
  shows (``policybench export --workshop`` builds the same report).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from policybench.analysis.workshop import COMBINATIONS, ROOM_SMAA_SAMPLES, GroupResult, group_result
from policybench.catalog import Catalog
from policybench.errors import PolicybenchError
from policybench.export import EXTENSIONS, MEDIA_TYPES, render_bytes
from policybench.export.report import missing_from_catalog, utc_timestamp, workshop_report
from policybench.present import workshop as words
from policybench.present.text import fold, streamlit_markdown
from policybench.store import Facilitator, Store, Workshop
from policybench.store.schema import TITLE_MAX
from policybench.store.workshops import PASSPHRASE_MIN, format_code, normalize_code
from policybench.ui import state
from policybench.ui.components import workshop_common as common
from policybench.ui.components.errors import guarded, show_exception
from policybench.ui.components.text import note

HANDLE = "pb.fac.handle"
FLASH = "pb.fac.flash"
COMBINATION = "pb.fac.combination"
NAMES = "pb.fac.names"
BASE = "pb.fac.base"
CONFIRM_CLOSE = "pb.fac.confirm_close"
CONFIRM_LOCK = "pb.fac.confirm_lock"
EXPORT = "pb.fac.export"
REFRESH_S = 3
PAGE = "facilitate"
#: The export formats offered, with their button labels.
FORMATS = {"csv": "CSV", "xlsx": "Excel", "markdown": "Markdown", "html": "HTML report"}
ACTIONS = {
    "lock": ("Lock the round", frozenset({"open"}), "Submissions are frozen."),
    "reopen": ("Reopen", frozenset({"locked"}), "The round is open again."),
    "reveal": (
        "Reveal the result",
        frozenset({"locked"}),
        "Participants now see the group's result.",
    ),
}


# ------------------------------------------------------------------------------ cached maths
@st.cache_data(max_entries=64, show_spinner=False)
def _result(
    _catalog: Catalog,
    fingerprint: str,
    options: tuple[str, ...],
    criteria: tuple[str, ...],
    weights: tuple[tuple[tuple[str, float], ...], ...],
    combination: str,
) -> GroupResult:
    """The group result the monitor shows and the export writes (cached on its inputs)."""
    return group_result(
        _catalog,
        options,
        criteria,
        [dict(w) for w in weights],
        combination=combination,
        smaa_samples=ROOM_SMAA_SAMPLES,
    )


def room_result(catalog: Catalog, shop: Workshop, subs: list[Any], combination: str) -> GroupResult:
    """:func:`_result` for these submissions."""
    key = common.submissions_key(
        [x.weights for x in subs], [x.display_name for x in subs], [x.reasons for x in subs]
    )
    weights = tuple(w for _, w, _ in key)
    return _result(catalog, catalog.fingerprint, shop.options, shop.criteria, weights, combination)


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
def _invite(shop: Workshop) -> None:
    st.header("Invite the participants", anchor=False)
    st.session_state.setdefault(BASE, common.app_base(common.page_url(), PAGE))
    left, right = st.columns([3, 2])
    with left:
        st.subheader(f"Join code: {streamlit_markdown(format_code(shop.code))}", anchor=False)
        base = st.text_input(
            "The app's address, as participants reach it",
            key=BASE,
            help="Change it when participants reach this server by another name or address "
            "(e.g. the laptop's address on the room's network).",
        )
        link = common.join_link(base, shop.code)
        st.code(link, language=None, wrap_lines=True)
        if common.only_this_computer(base):
            _local_warning()
        note(
            "Anyone with this link or code can join while the round is open: share it with "
            "the room only. Each participant then gets a personal link of their own."
        )
    with right:
        st.image(
            common.qr_png(link),
            width=370,
            output_format="PNG",
            alt="QR code of the join link shown beside it",
        )
        note("Scan to join: the QR code holds the join link.")


def _use_base(address: str) -> None:
    st.session_state[BASE] = address


def _local_warning() -> None:
    """The join link points at 127.0.0.1: say so, and how to serve for the room."""
    port = common.server_port()
    found = common.room_addresses() if common.listens_to_the_room() else []
    if found:
        st.warning(
            "This link points at 127.0.0.1, which means “this computer”: on anyone else's "
            "device it opens nothing. This server also listens on the room's network: use "
            "this computer's address there instead (participants must be on the same network)."
        )
        for address in found[:3]:
            url = f"http://{address}:{port}"
            st.button(
                f"Use {url}",
                key=f"pb.fac.use.{address}",
                on_click=_use_base,
                args=(url,),
            )
        return
    st.warning(
        "This link points at 127.0.0.1, which means “this computer”: nobody else in the room "
        "can open it, and this server listens to this computer only. To serve the room, stop "
        "the app and start it with `policybench serve --host 0.0.0.0` (or `make run "
        "HOST=0.0.0.0`), then open this page at this computer's address on the room's "
        "network (e.g. `http://192.168.1.20:8501`; `hostname -I` on Linux or `ipconfig` "
        "on Windows shows it), or type that address in the box above. "
        "docs/OPERATIONS.md has more, including several servers for a large room."
    )


def _round(s: Store, handle: Facilitator, shop: Workshop) -> None:
    st.header("Run the round", anchor=False)
    note(streamlit_markdown(words.state_text(shop.state)))
    if st.session_state.get(CONFIRM_LOCK) and shop.state == "open":
        _confirm_lock(s, handle)
        return
    st.session_state.pop(CONFIRM_LOCK, None)
    cols = st.columns(4, vertical_alignment="top")
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


def _percent(label: str, help: str | None = None) -> Any:
    return st.column_config.NumberColumn(label, format="percent", help=help)


@st.fragment(run_every=REFRESH_S)
def _monitor(catalog: Catalog, handle: Facilitator, shop: Workshop) -> None:
    """The room so far, redrawn every few seconds: counts, then the group's result."""
    s = common.store()
    st.header("The room so far", anchor=False)
    subs, err = common.attempt(lambda: s.workshops.submissions(handle))
    people, err2 = common.attempt(lambda: s.workshops.participants(handle))
    if err is not None or err2 is not None or subs is None or people is None:
        common.show_error(err or err2 or RuntimeError("no submissions"))
        return
    a, b, c = st.columns(3)
    a.metric("Submissions", len(subs))
    b.metric("Joined", len(people))
    c.metric("Refreshes every", f"{REFRESH_S} s")
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    combination = left.selectbox(
        "Group ranking by",
        list(COMBINATIONS),
        key=COMBINATION,
        format_func=words.COMBINATIONS.__getitem__,
        help="Combine everyone's weights and rank under them, or combine everyone's own rankings.",
    )
    show_names = right.checkbox(
        "Show names",
        key=NAMES,
        help="Participants are numbered in the order they joined; tick to show their display "
        "names instead (not on a shared screen without their consent).",
    )
    if not subs:
        st.info("No submissions yet: the results appear here as they arrive.")
        return
    try:
        result = room_result(catalog, shop, subs, str(combination))
    except PolicybenchError as exc:
        common.show_error(exc)
        return
    names = [x.display_name for x in subs] if show_names else None
    labels = words.participant_labels(names, len(subs))
    _group_ranking(catalog, result)
    _disagreement(catalog, result, labels, [x.reasons for x in subs])
    _participants(catalog, result, labels)
    _room_smaa(catalog, result)


def _group_ranking(catalog: Catalog, result: GroupResult) -> None:
    st.subheader("Group ranking", anchor=False)
    st.markdown(f"**{streamlit_markdown(words.headline(catalog, result))}**")
    n = result.participants
    note(
        f"{streamlit_markdown(words.COMBINATIONS[result.combination])}, over {n} "
        f"submission{'s' if n != 1 else ''}; each person's ranking is the "
        "weighted sum on the criteria's 0–10 scales."
    )
    table = words.group_ranking(catalog, result)
    st.dataframe(
        table,
        hide_index=True,
        column_order=["rank", "label", "value"],
        column_config={
            "rank": st.column_config.NumberColumn("Rank", format="%d", width="small"),
            "label": st.column_config.TextColumn("Option", width="large"),
            "value": st.column_config.NumberColumn(words.value_label(result), format="%.3f"),
        },
        height=min(35 * (len(table) + 1) + 3, 600),
        key="pb.fac.ranking",
    )
    st.subheader("Agreement", anchor=False)
    st.markdown(streamlit_markdown(words.agreement_words(result.concordance)))
    driver = words.driver_sentence(catalog, result)
    if driver:
        st.markdown(streamlit_markdown(driver))


def _disagreement(
    catalog: Catalog, result: GroupResult, labels: list[str], reasons: list[Any]
) -> None:
    st.subheader("Where the room disagrees", anchor=False)
    note(
        "Each criterion's weight across the participants (shares of each one's total), most contested first."
    )
    st.dataframe(
        words.spread_table(catalog, result, labels, reasons),
        hide_index=True,
        column_order=["criterion", "group_weight", "mean", "std", "min", "max", "reasons"],
        column_config={
            "criterion": st.column_config.TextColumn("Criterion", width="medium"),
            "group_weight": _percent("Group weight"),
            "mean": _percent("Mean"),
            "std": _percent("Spread (sd)", "Standard deviation of the participants' weights"),
            "min": _percent("Lowest"),
            "max": _percent("Highest"),
            "reasons": st.column_config.TextColumn(
                "Reasons given (first words)", width="large", help="Every reason in full below"
            ),
        },
        key="pb.fac.spread",
    )
    every = words.reason_list(catalog, result, labels, reasons)
    if every:
        with st.expander(f"Every reason in full ({len(every)})"):
            current = None
            for criterion, who, text in every:
                if criterion != current:
                    st.markdown(f"**{streamlit_markdown(criterion)}**")
                    current = criterion
                st.markdown(f"- {streamlit_markdown(who)}: {streamlit_markdown(text)}")


def _participants(catalog: Catalog, result: GroupResult, labels: list[str]) -> None:
    st.subheader("Each participant against the group", anchor=False)
    note(
        "Kendall's tau between each participant's ranking and the group's (1 the same order, "
        "−1 the reverse), their first choice, and where they put the group's first."
    )
    st.dataframe(
        words.versus_table(catalog, result, labels),
        hide_index=True,
        column_config={
            "participant": st.column_config.TextColumn("Participant", width="medium"),
            "tau": st.column_config.NumberColumn("Agreement with the group (τ)", format="%.2f"),
            "first_choice": st.column_config.TextColumn("Their first choice", width="large"),
            "group_first_at": st.column_config.NumberColumn(
                "Group's first is their no.", format="%d"
            ),
        },
        key="pb.fac.versus",
    )
    with st.expander("Every participant's rank of every option"):
        st.dataframe(
            words.ranks_table(catalog, result, labels),
            hide_index=True,
            column_config={
                "option": st.column_config.TextColumn("Option", width="large"),
                "group": st.column_config.NumberColumn("Group", format="%d"),
            },
            key="pb.fac.ranks",
        )


def _room_smaa(catalog: Catalog, result: GroupResult) -> None:
    table = words.room_smaa_table(catalog, result)
    if table is None:
        return
    st.subheader("Which options stay on top across the room's weights (SMAA)", anchor=False)
    note(streamlit_markdown(words.smaa_note(result)))
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "option": st.column_config.TextColumn("Option", width="large"),
            "first": st.column_config.ProgressColumn(
                "Ranked first", format="percent", min_value=0.0, max_value=1.0
            ),
            "top3": st.column_config.ProgressColumn(
                "In the top 3", format="percent", min_value=0.0, max_value=1.0
            ),
            "expected_rank": st.column_config.NumberColumn("Expected rank", format="%.1f"),
        },
        height=min(35 * (len(table) + 1) + 3, 600),
        key="pb.fac.smaa",
    )


def _export(catalog: Catalog, s: Store, handle: Facilitator, shop: Workshop) -> None:
    st.header("Export the results", anchor=False)
    combination = str(st.session_state.get(COMBINATION, COMBINATIONS[0]))
    names = bool(st.session_state.get(NAMES, False))
    note(
        f"The whole workshop, with the group's ranking by "
        f"{streamlit_markdown(words.COMBINATIONS[combination].lower())} as on screen; "
        f"participants are {'named' if names else 'numbered'} as on screen. "
        "CSV holds the comparison table alone; Excel, Markdown and HTML add the group's "
        "result, the quotes and the stamp."
    )
    if st.button("Prepare the export files", key="pb.fac.prepare"):
        subs, err = common.attempt(lambda: s.workshops.submissions(handle))
        if err is not None or subs is None:
            common.show_error(err or RuntimeError("no submissions"))
            return
        try:
            with st.spinner("Preparing the files…"):
                result = room_result(catalog, shop, subs, combination) if subs else None
                report = workshop_report(catalog, shop, subs, result=result, names=names)
                files = {fmt: render_bytes(fmt, report) for fmt in FORMATS}
        except Exception as exc:  # a message beside the button, never a traceback
            show_exception(exc, "workshop export")
            return
        st.session_state[EXPORT] = (utc_timestamp(), len(subs), files)
    prepared = st.session_state.get(EXPORT)
    if not prepared:
        return
    stamp, count, files = prepared
    note(
        f"Prepared at {streamlit_markdown(stamp)} from {count} submission{'s' if count != 1 else ''}."
    )
    day = stamp[:10]
    cols = st.columns(len(FORMATS))
    for col, (fmt, label) in zip(cols, FORMATS.items(), strict=True):
        col.download_button(
            f"Download {label}",
            data=files[fmt],
            file_name=f"policybench-workshop-{day}{EXTENSIONS[fmt]}",
            mime=MEDIA_TYPES[fmt],
            key=f"pb.fac.download.{fmt}",
            on_click="ignore",
        )


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
    _invite(shop)
    st.divider()
    _round(s, handle, shop)
    st.divider()
    _monitor(catalog, handle, shop)
    st.divider()
    _export(catalog, s, handle, shop)


@guarded
def body() -> None:
    loaded = state.load_catalog()
    if loaded.catalog is None:
        st.rerun(scope="app")
    catalog = loaded.catalog
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
