"""Evidence: a card per option with its summary, sources, scores, rationales and quotes.

Search runs over quotes and rationales (and titles and summaries): every word (or "quoted
phrase") must occur, the most relevant options come first, and the matches are marked in the
cards. Filters keep options by the sources they cite and by group. The search, the filters and
the open card live in the address (``?q=…&source=…&group=…&option=<id>``;
:data:`policybench.ui.state.EVIDENCE_PARAMS`), so ``evidence?option=<id>`` (the Rank page's
links) opens that option's card, first in the list, and a copied address reopens the same view.
Cards open lazily: a card's content is drawn only while it is open, so the page stays quick
with the whole catalog listed.
"""

from __future__ import annotations

import streamlit as st

from policybench.catalog import Catalog
from policybench.present.evidence import search_evidence, terms
from policybench.present.text import streamlit_markdown
from policybench.ui import state
from policybench.ui.components import evidence
from policybench.ui.components.errors import guarded
from policybench.ui.components.text import note

SEARCH_KEY = "pb.evidence.search"
SOURCES_KEY = "pb.evidence.sources"
GROUPS_KEY = "pb.evidence.groups"
CARD = "pb.evidence.card."
#: The option a link opened (shown first), the cards in the order they were opened, and the
#: link parameters last read from or written to the address.
PINNED = "pb.evidence.pinned"
OPENED = "pb.evidence.opened"
SEEN = "pb.evidence.url"


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _from_link(catalog: Catalog) -> list[str]:
    """Apply the address's parameters when they are new (a link was opened, or the browser
    went back); return notes on what in them could not be used."""
    qp = st.query_params
    now = {k: str(qp.get(k) or "") for k in state.EVIDENCE_PARAMS}
    if st.session_state.get(SEEN) == now:
        return []
    notes: list[str] = []
    sources = _split(now["source"])
    groups = _split(now["group"])
    for name, given, known in (
        ("source", sources, catalog.sources_by_id),
        ("group", groups, catalog.groups_by_id),
    ):
        notes += [f"{name}: unknown “{x}”" for x in given if x not in known]
    st.session_state[SEARCH_KEY] = now["q"]
    st.session_state[SOURCES_KEY] = [x for x in sources if x in catalog.sources_by_id]
    st.session_state[GROUPS_KEY] = [x for x in groups if x in catalog.groups_by_id]
    option = now["option"]
    st.session_state[PINNED] = None
    if option in catalog.options_by_id:
        st.session_state[PINNED] = option
        st.session_state[CARD + option] = True
        st.session_state[OPENED] = [option]
    elif option:
        notes.append(f"option: unknown “{option}”")
    st.session_state[SEEN] = now
    return notes


def _to_link(query: str, sources: list[str], groups: list[str], opened: str | None) -> None:
    """Write the view into the address (only what differs), and remember it as seen."""
    want = {
        "q": query.strip(),
        "option": opened or "",
        "source": ",".join(sources),
        "group": ",".join(groups),
    }
    qp = st.query_params
    for key, value in want.items():
        if value:
            if qp.get(key) != value:
                qp[key] = value
        elif key in qp:
            del qp[key]
    st.session_state[SEEN] = want


def _opened(shown: list[str]) -> str | None:
    """The card opened last among those still open (the one the address names)."""
    order = [o for o in st.session_state.get(OPENED, []) if st.session_state.get(CARD + o)]
    for o in shown:
        if st.session_state.get(CARD + o) and o not in order:
            order.append(o)
    st.session_state[OPENED] = order
    return order[-1] if order else None


@st.fragment
@guarded
def body() -> None:
    catalog = state.catalog_or_rerun()
    notes = _from_link(catalog)
    if notes:
        st.warning(
            "Some settings in the link could not be used, so they were ignored:\n\n"
            + "\n".join(f"- {streamlit_markdown(n)}" for n in notes)
        )
    c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="bottom")
    query = c1.text_input(
        "Search quotes and rationales",
        key=SEARCH_KEY,
        placeholder='e.g. comfort women, deterrence, "two-track approach"',
        help="Every word must occur somewhere in an option's evidence (put a phrase in double "
        "quotes); the most relevant options come first, and the matches are marked.",
    )
    source_names = {s.id: s.citation for s in catalog.sources}
    sources = c2.multiselect(
        "Cited sources",
        list(source_names),
        key=SOURCES_KEY,
        format_func=lambda s: source_names[s],
        placeholder="All sources",
    )
    group_names = {g.id: g.name for g in catalog.groups}
    groups = c3.multiselect(
        "Groups",
        list(group_names),
        key=GROUPS_KEY,
        format_func=lambda g: group_names[g],
        placeholder="All groups",
    )
    found = terms(query or "")
    matches = search_evidence(catalog, query or "", sources=sources or None, groups=groups or None)
    pinned = st.session_state.get(PINNED)
    shown = [m.option_id for m in matches]
    if pinned in catalog.options_by_id and pinned not in shown:
        shown.insert(0, pinned)  # the linked option stays in view, whatever the filters
    elif pinned in shown:
        shown.insert(0, shown.pop(shown.index(pinned)))
    total = len(catalog.options)
    order = "most relevant first" if found else "in catalog order"
    linked = (
        f" The option the link opened, {streamlit_markdown(catalog.options_by_id[pinned].title)}, "
        "comes first."
        if pinned in catalog.options_by_id
        else ""
    )
    note(
        f"{len(matches)} of {total} options shown, {order}.{linked} Open a card to read its "
        "evidence."
    )
    _to_link(query or "", sources, groups, _opened(shown))
    if not shown:
        st.info("No option matches: try fewer words or clear a filter.")
        return
    by_id = {m.option_id: m for m in matches}
    for oid in shown:
        option = catalog.options_by_id[oid]
        match = by_id.get(oid)
        card = st.expander(
            evidence.card_label(catalog, option, found=found),
            key=CARD + option.id,
            on_change="rerun",
        )
        if card.open:
            with card:
                evidence.show_body(
                    catalog,
                    option,
                    matched=match.criteria if match is not None else (),
                    found=found,
                )


def main() -> None:
    st.title("Evidence behind every score", anchor=False)
    note(
        "Every score carries its rationale and verbatim quotes from the sources, each with its "
        "citation. Labels say whether a quote supports the option or cautions against it."
    )
    body()


if __name__ == "__main__":
    main()
