"""A participant's score challenges: the form that proposes another score for one option ×
criterion, with the catalog's evidence for that score in view, and the participant's own
challenges listed with edit and withdraw.

The form (plain widgets, no ``st.form``; the keys are the UI contract's, under ``pb.ws.ch``):
pick an option in play and a criterion; the catalog's value, range, rationale and quotes for
that cell are drawn beside it (:func:`policybench.ui.components.evidence.show_score`); then a
proposed value (0–10 in steps of 0.5), optionally a range, a reason (required; the counter
shows the limit), optionally a source and a verbatim quote from it. Saving checks the quote
against the server's source texts (:mod:`policybench.ui.components.sources`): verified, or
saved unverified with the check's own message; a quote is never refused for that alone.
Choosing a cell already challenged loads that challenge, so saving replaces it (the store keeps
one challenge per participant and cell).

Only while the round is open; afterwards the list is read-only and says why. Everything a
participant wrote is shown as text (:func:`~policybench.present.text.streamlit_markdown`).
The whole section is a fragment: typing or saving a challenge reruns only it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from policybench.catalog import Catalog
from policybench.errors import PolicybenchError
from policybench.present import deliberation_ui as deliberation
from policybench.present.labels import criterion_label, option_label
from policybench.present.text import streamlit_markdown
from policybench.store import Challenge, Workshop
from policybench.store.checks import CHALLENGE_REASON_MAX, QUOTE_MAX
from policybench.ui.components import sources
from policybench.ui.components import workshop_common as common
from policybench.ui.components.errors import guarded, log
from policybench.ui.components.evidence import show_score
from policybench.ui.components.text import note

KEY = "pb.ws.ch"
OPTION = f"{KEY}.option"
CRITERION = f"{KEY}.criterion"
VALUE = f"{KEY}.value"
USE_RANGE = f"{KEY}.use_range"
LOW = f"{KEY}.low"
HIGH = f"{KEY}.high"
REASON = f"{KEY}.reason"
SOURCE = f"{KEY}.source"
QUOTE = f"{KEY}.quote"
#: What the last save, withdrawal or edit came to, for the section to say once.
OUTCOME = f"{KEY}.outcome"
#: The (option, criterion) of the participant's own challenge now in the form, if any.
LOADED = f"{KEY}.loaded"
#: The participant's own challenges as last read, by (option, criterion).
MINE = f"{KEY}.mine"
#: The source selectbox's first choice.
NO_QUOTE = "no quote"
#: The store's limits, which the text areas' counters show.
REASON_MAX = CHALLENGE_REASON_MAX
STEP = 0.5
SAVE_FAILED = (
    "Something went wrong while saving your challenge; it was not saved. Try again; the "
    "details are in the server log."
)
WITHDRAW_FAILED = (
    "Something went wrong while withdrawing your challenge; it still stands. Try again; the "
    "details are in the server log."
)
NO_REASON = (
    "Give a reason for your challenge: say why the score should be different (at most "
    f"{REASON_MAX} characters). Nothing was saved."
)
NO_SOURCE = (
    "Choose the source your quote is from (or clear the quote): a quote is checked against "
    "its source. Nothing was saved."
)
Cell = tuple[str, str]
Overrides = Mapping[str, Mapping[str, float]]
#: The "Challenge a score of this option" control under the participant's ranking.
FROM_RANKING = f"{KEY}.from_ranking"
#: Set when an option was picked there: the page redraws with it in the form.
PICKED = f"{KEY}.picked"


def _mine() -> dict[Cell, Challenge]:
    found = st.session_state.get(MINE)
    return found if isinstance(found, dict) else {}


def _catalog_value(catalog: Catalog, cell: Cell) -> float:
    return float(catalog.options_by_id[cell[0]].scores[cell[1]].value)


def _fill(catalog: Catalog, cell: Cell, mine: Challenge | None, *, blank: bool) -> None:
    """Set the form's widgets (before they are drawn) for ``cell``: from the participant's own
    challenge ``mine`` when there is one, else the catalog's value (texts cleared if
    ``blank``: they belonged to another challenge)."""
    state = st.session_state
    if mine is not None:
        state[VALUE] = float(mine.value)
        state[USE_RANGE] = mine.low is not None or mine.high is not None
        state[LOW] = float(mine.low if mine.low is not None else mine.value)
        state[HIGH] = float(mine.high if mine.high is not None else mine.value)
        state[REASON] = mine.reason
        # a source the catalog does not list (written through the store's API) is not offered
        state[SOURCE] = mine.source if mine.source in catalog.sources_by_id else NO_QUOTE
        state[QUOTE] = mine.quote or ""
        state[LOADED] = cell
        return
    state[VALUE] = _catalog_value(catalog, cell)
    state[USE_RANGE] = False
    state.pop(LOW, None)  # a range, when asked for, starts at the value proposed then
    state.pop(HIGH, None)
    if blank:
        state[REASON], state[SOURCE], state[QUOTE] = "", NO_QUOTE, ""
    state.pop(LOADED, None)


def _on_pick(catalog: Catalog) -> None:
    """An option picked under the ranking: put it in the form (the page then redraws)."""
    picked = st.session_state.get(FROM_RANKING)
    if picked is None:
        return
    st.session_state[OPTION] = picked
    _on_cell(catalog)
    st.session_state[FROM_RANKING] = None
    st.session_state[PICKED] = True


def from_ranking(catalog: Catalog, shop: Workshop) -> None:
    """ "Challenge a score of this option": a small control under the participant's ranking
    that puts the option in the challenge form below (while the round is open)."""
    if shop.state != "open":
        return
    options = deliberation.challengeable(catalog, shop.options)
    titles = {o: option_label(catalog.options_by_id[o]) for o in options}
    st.session_state.setdefault(FROM_RANKING, None)
    st.selectbox(
        "Challenge a score of this option",
        options,
        key=FROM_RANKING,
        placeholder="Choose an option",
        format_func=titles.__getitem__,
        on_change=_on_pick,
        args=(catalog,),
        help="Opens the option in the challenge form below, with the catalog's evidence.",
    )
    if st.session_state.pop(PICKED, False):
        st.rerun(scope="app")  # the form is another part of the page: redraw it with the option


def _on_cell(catalog: Catalog) -> None:
    """Another option or criterion chosen: load that cell's own challenge, or its catalog value."""
    if st.session_state.get(OPTION) is None:
        return
    cell = (str(st.session_state[OPTION]), str(st.session_state[CRITERION]))
    _fill(catalog, cell, _mine().get(cell), blank=st.session_state.get(LOADED) is not None)


def _on_range() -> None:
    """The range switched on: it starts at the value proposed."""
    if st.session_state.get(USE_RANGE):
        st.session_state[LOW] = st.session_state[HIGH] = st.session_state[VALUE]


def _on_edit(catalog: Catalog, cell: Cell) -> None:
    mine = _mine().get(cell)
    if mine is None:
        return
    st.session_state[OPTION], st.session_state[CRITERION] = cell
    _fill(catalog, cell, mine, blank=True)
    st.session_state[OUTCOME] = ("editing", cell)


def _on_withdraw(catalog: Catalog, code: str, token: str, cell: Cell) -> None:
    try:
        gone, err = common.attempt(lambda: common.store().workshops.withdraw(code, token, *cell))
    except Exception as exc:  # a callback's exception would reach the page as a traceback
        log.error("unexpected error withdrawing a challenge", exc_info=exc)
        st.session_state[OUTCOME] = ("failed", WITHDRAW_FAILED)
        return
    if err is not None:
        st.session_state[OUTCOME] = err
        return
    st.session_state[OUTCOME] = ("withdrawn", cell) if gone else ("gone", cell)
    if st.session_state.get(LOADED) == cell:
        _fill(catalog, cell, None, blank=True)


def _proposal() -> dict[str, Any] | str:
    """What the form proposes, as the store's ``challenge`` takes it, or what is missing."""
    state = st.session_state
    reason = str(state.get(REASON) or "").strip()
    quote = str(state.get(QUOTE) or "").strip()
    source = str(state.get(SOURCE) or NO_QUOTE)
    if not reason:
        return NO_REASON
    if quote and source == NO_QUOTE:
        return NO_SOURCE
    ranged = bool(state.get(USE_RANGE))
    return {
        "value": float(state[VALUE]),
        "low": float(state[LOW]) if ranged else None,
        "high": float(state[HIGH]) if ranged else None,
        "reason": reason,
        "quote": quote or None,
        "source": source if quote else None,
    }


def _on_save(catalog: Catalog, code: str, token: str) -> None:
    """The save button's callback: check the quote, save, and leave what happened to say."""
    cell = (str(st.session_state[OPTION]), str(st.session_state[CRITERION]))
    proposal = _proposal()
    if isinstance(proposal, str):
        st.session_state[OUTCOME] = ("refused", proposal)
        return
    check = sources.QuoteCheck(False)
    if proposal["quote"]:
        check = sources.check(catalog, proposal["source"], proposal["quote"])
    value = proposal.pop("value")
    try:
        _, err = common.attempt(
            lambda: common.store().workshops.challenge(
                code,
                token,
                *cell,
                value,
                **proposal,
                check=check.status,
                client=common.client(),
            )
        )
    except Exception as exc:  # a callback's exception would reach the page as a traceback
        log.error("unexpected error saving a challenge", exc_info=exc)
        st.session_state[OUTCOME] = ("failed", SAVE_FAILED)
        return
    if err is not None:
        st.session_state[OUTCOME] = err
        return
    st.session_state[LOADED] = cell
    st.session_state[OUTCOME] = ("saved", check if proposal["quote"] else None)


def _say_outcome(catalog: Catalog, count: int) -> None:
    outcome = st.session_state.pop(OUTCOME, None)
    if isinstance(outcome, PolicybenchError):
        common.show_error(outcome)
    elif not isinstance(outcome, tuple):
        return
    elif outcome[0] == "saved":
        st.success(f"Challenge saved ({count} in all).")
        said = _quote_said(catalog, outcome[1])
        if said is not None:
            verified, text = said
            (st.success if verified else st.warning)(f"Your quote: {streamlit_markdown(text)}.")
    elif outcome[0] in ("refused", "failed"):
        st.error(outcome[1])  # the app's own words
    elif outcome[0] == "withdrawn":
        st.success(f"Challenge to {_cell_words(catalog, outcome[1])} withdrawn.")
    elif outcome[0] == "gone":
        st.info(f"There was no challenge to {_cell_words(catalog, outcome[1])} to withdraw.")
    elif outcome[0] == "editing":
        note(f"Editing your challenge to {_cell_words(catalog, outcome[1])}: save to replace it.")


def _quote_said(catalog: Catalog, found: object) -> tuple[bool, str] | None:
    """What the save's quote check found, in words naming the paper (never a file): (verified,
    text), or None when no quote was checked. ``found`` is what the save left: the check's
    ``(check, message)`` or a :class:`~policybench.ui.components.sources.QuoteCheck`."""
    cited = catalog.sources_by_id.get(str(st.session_state.get(SOURCE) or ""))
    citation = cited.citation if cited is not None else "the source named"
    if isinstance(found, tuple) and len(found) == 2:
        check, message = str(found[0]), str(found[1] or "")
    elif isinstance(found, sources.QuoteCheck):
        message = found.message or ""
        check = (
            "verified"
            if found.verified
            else "not_checked"
            if message.startswith("not checked")
            else "not_found"
        )
        message = ""  # the check's own words name the file: the paper is named instead
    else:
        return None
    return check == "verified", deliberation.quote_check_words(check, citation, message)


def _cell_words(catalog: Catalog, cell: Cell) -> str:
    option = option_label(catalog.options_by_id[cell[0]])
    return streamlit_markdown(f"{option} · {criterion_label(catalog, cell[1])}")


def _form(catalog: Catalog, shop: Workshop, code: str, token: str, adopted: Overrides) -> None:
    """The challenge form for an open round."""
    state = st.session_state
    options = deliberation.challengeable(catalog, shop.options)
    if state.get(OPTION) not in options:
        state[OPTION] = None  # nothing chosen: "Choose an option"
    if state.get(CRITERION) not in shop.criteria:
        state[CRITERION] = shop.criteria[0]
    titles = {o: option_label(catalog.options_by_id[o]) for o in options}
    left, right = st.columns(2)
    left.selectbox(
        "Option",
        options,
        key=OPTION,  # None in the state: nothing chosen yet
        placeholder="Choose an option",
        format_func=titles.__getitem__,
        on_change=_on_cell,
        args=(catalog,),
        help="The status quo is not offered: its scores are the reference level the other "
        "options are scored against.",
    )
    right.selectbox(
        "Criterion",
        shop.criteria,
        key=CRITERION,
        format_func=lambda c: criterion_label(catalog, c),
        on_change=_on_cell,
        args=(catalog,),
    )
    if state.get(OPTION) is None:
        note("Choose the option whose score you challenge.")
        return
    cell = (str(state[OPTION]), str(state[CRITERION]))
    if VALUE not in state:
        _on_cell(catalog)
    with st.container(border=True):
        st.markdown(
            f"**{streamlit_markdown(deliberation.cell_score_words(catalog, cell, adopted))}**"
        )
        note("The catalog's score and the evidence behind it:")
        show_score(catalog, catalog.options_by_id[cell[0]], cell[1])
    if cell in _mine():
        note("You have challenged this score already: saving replaces that challenge.")
    st.number_input(
        "The score you propose (0–10)",
        min_value=0.0,
        max_value=10.0,
        step=STEP,
        key=VALUE,
        format="%g",
    )
    if st.checkbox("Propose a range too", key=USE_RANGE, on_change=_on_range):
        for bound in (LOW, HIGH):  # its widgets were not drawn: start at the value
            state.setdefault(bound, state[VALUE])
        low, high = st.columns(2)
        low.number_input("Lowest plausible", 0.0, 10.0, step=STEP, key=LOW, format="%g")
        high.number_input("Highest plausible", 0.0, 10.0, step=STEP, key=HIGH, format="%g")
    st.text_area(
        f"Your reason (required, at most {REASON_MAX} characters)",
        key=REASON,
        max_chars=REASON_MAX,
        placeholder="Why should the score be different? The room sees it after the reveal.",
    )
    _quote_fields(catalog)
    st.button(
        "Save challenge",
        key=f"{KEY}.save",
        type="primary",
        on_click=_on_save,
        args=(catalog, code, token),
    )


def _quote_fields(catalog: Catalog) -> None:
    citations = {s.id: s.citation for s in catalog.sources}
    st.selectbox(
        "Source of a quote (optional)",
        [NO_QUOTE, *citations],
        key=SOURCE,
        format_func=lambda s: citations.get(s, s),
    )
    st.text_area(
        f"Quote (optional, at most {QUOTE_MAX} characters): copy the passage as it stands",
        key=QUOTE,
        max_chars=QUOTE_MAX,
    )
    if sources.texts(catalog) is None:
        note("This server does not have the source texts: a quote is saved unverified.")
    else:
        note(
            "A quote is checked against the source's text: found verbatim (spacing aside), it "
            "is marked verified; otherwise it is saved unverified."
        )


def _challenge_lines(catalog: Catalog, c: Challenge, current_round: int) -> list[str]:
    """One own challenge as inert Markdown lines."""
    score = catalog.options_by_id[c.option].scores[c.criterion]
    proposed = f"{c.value:g}"
    if c.low is not None and c.high is not None:
        proposed += f" (range {c.low:g}–{c.high:g})"
    when = f" · round {c.round}" if current_round > 1 else ""
    lines = [
        f"**{_cell_words(catalog, (c.option, c.criterion))}**: you propose **{proposed}**; "
        f"the catalog says {score.value:g} (range {score.low:g}–{score.high:g}){when}",
        f"Your reason: {streamlit_markdown(c.reason)}",
    ]
    if c.quote:
        cited = catalog.sources_by_id.get(c.source or "")
        citation = cited.citation if cited is not None else "the source named"
        said = deliberation.quote_check_words(c.check, citation)
        mark = ":green-badge[verified]" if c.check == "verified" else ":orange-badge[unverified]"
        lines.append(
            f"{mark} “{streamlit_markdown(c.quote)}”  \n:small[Quote {streamlit_markdown(said)}]"
        )
    return lines


def _listing(
    catalog: Catalog,
    shop: Workshop,
    mine: Mapping[Cell, Challenge],
    code: str,
    token: str,
) -> None:
    """The participant's own challenges, in the workshop's order; edit and withdraw while open."""
    if not mine:
        note("You have not challenged any score.")
        return
    seen = ", seen only by you until the reveal" if shop.visible_round < 1 else ""
    st.markdown(f"**Your challenges ({len(mine)})**{seen}:")
    place = {o: i for i, o in enumerate(shop.options)}
    crit = {c: i for i, c in enumerate(shop.criteria)}
    for cell in sorted(mine, key=lambda k: (place.get(k[0], 0), crit.get(k[1], 0))):
        with st.container(border=True):
            for line in _challenge_lines(catalog, mine[cell], shop.round):
                st.markdown(line)
            if shop.state != "open":
                continue
            edit, withdraw, _ = st.columns([1, 1, 3])
            edit.button(
                "Edit",
                key=f"{KEY}.edit.{cell[0]}.{cell[1]}",
                on_click=_on_edit,
                args=(catalog, cell),
            )
            withdraw.button(
                "Withdraw",
                key=f"{KEY}.withdraw.{cell[0]}.{cell[1]}",
                on_click=_on_withdraw,
                args=(catalog, code, token, cell),
            )


@st.fragment
@guarded
def show(
    catalog: Catalog, shop: Workshop, code: str, token: str, adopted: Overrides | None = None
) -> None:
    """The challenge section: the form while the round is open, and the participant's own
    challenges (read-only, with the round's state said, once it is not)."""
    st.header("Challenge a score", anchor=False)
    found, err = common.attempt(lambda: common.store().workshops.my_challenges(code, token))
    if err is not None or found is None:
        common.show_error(err or RuntimeError("no challenges"))
        return
    mine = {(c.option, c.criterion): c for c in found}
    st.session_state[MINE] = mine
    if shop.state == "open":
        note(
            "Think a score is wrong? Propose another, with your reason and, if you can, a "
            "verbatim quote. Only you see your challenges until the facilitator reveals the "
            "round; then the room sees them, without your name."
        )
        _form(catalog, shop, code, token, adopted or {})
    else:
        until = {
            "locked": "unless the facilitator reopens it",
            "revealed": "until the facilitator opens another round",
        }.get(shop.state, "for good")
        st.info(
            f"The round is {shop.state}: challenges can no longer be made, changed or "
            f"withdrawn, {until}."
        )
    _say_outcome(catalog, len(mine))  # a save the round's closing refused is said here too
    _listing(catalog, shop, mine, code, token)
