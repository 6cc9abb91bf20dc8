"""The verdict box on Rank and Robustness: "Solid", "Near-tie" or "Fragile" with the reason, and
one line per number behind it, each linked to the section that shows it.

A section on the same page is an in-page link; a section on another page opens that page in a
new tab (Streamlit opens every link to another address in a new tab), reopening the same
weights, method and options there (:func:`policybench.ui.state.link`), so the page the link
came from is kept as it was.
"""

from __future__ import annotations

import streamlit as st

from policybench.analysis.verdict import FRAGILE, NEAR_TIE, SOLID, Verdict
from policybench.catalog import Catalog
from policybench.present import verdict as words
from policybench.present.glossary import define
from policybench.present.text import streamlit_markdown
from policybench.ui import state

#: The section that shows each number: (page slug, anchor, what the link says).
TARGETS = {
    words.MARGIN: ("rank", "ranking", "the ranking"),
    words.SHIFT: ("robustness", "what-would-it-take", "What would it take?"),
    words.METHODS: ("compare", "every-method", "every method side by side"),
    words.SMAA: ("robustness", "smaa", "SMAA"),
}
#: The page of each slug, as the links name it.
PAGE_NAMES = {"rank": "Rank", "robustness": "Robustness", "compare": "Compare"}
#: The word's colour (a Streamlit background): go, look closer, take care.
COLOUR = {SOLID: "green", NEAR_TIE: "blue", FRAGILE: "orange"}


def _link(catalog: Catalog, kind: str, here: str) -> str:
    slug, anchor, text = TARGETS[kind]
    if slug == here:
        return f"[See {text}](#{anchor})"
    return f"[See {text} on {PAGE_NAMES[slug]} (new tab)]({state.link(catalog, slug, anchor)})"


def show(
    catalog: Catalog,
    verdict: Verdict,
    *,
    here: str,
    anchor: str | None = None,
    lead: str | None = None,
) -> None:
    """Draw ``verdict`` in a bordered box under the heading "Verdict: <word>" (with
    ``anchor``, e.g. the "Skip to results" link's target); ``here`` is the slug of the page it
    is on; ``lead`` is Markdown (already escaped) shown first: the ranking's headline, which
    names the leader and the runner-up, so that the verdict's sentences need not."""
    text = words.verdict_text(catalog, verdict, named=lead is not None)
    with st.container(border=True, key=f"pb.verdict.{here}"):
        st.subheader(
            f"Verdict: :{COLOUR[text.word]}-background[{text.title}]",
            anchor=anchor or False,
            help=words.MEANINGS[text.word] + "\n\n" + define("verdict", "shift", "smaa"),
        )
        if lead:
            st.markdown(lead)
        st.markdown(streamlit_markdown(text.summary))
        st.markdown(
            "\n".join(
                f"- {streamlit_markdown(line.text)} {_link(catalog, line.kind, here)}"
                for line in text.lines
            )
        )
