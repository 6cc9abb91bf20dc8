"""Text on screen in the app's own voice, and catalog quotes.

Catalog text is always shown as text: escaped with
:func:`policybench.present.text.streamlit_markdown` inside Markdown (every escaper is in
:mod:`policybench.present.text`), or through ``st.text`` and data frame cells.
"""

from __future__ import annotations

import streamlit as st

from policybench.catalog import Catalog, Quote
from policybench.present.evidence import quote_markdown


def show_quote(catalog: Catalog, quote: Quote) -> None:
    """Draw one quote with its stance and citation."""
    st.markdown(quote_markdown(catalog, quote))


def note(markdown: str, *, where: object = None) -> None:
    """A small note in the normal text colour (``st.caption``'s grey fails WCAG AA contrast).

    ``markdown`` is the app's own text; catalog text inside it must already be escaped.
    """
    target = where if where is not None else st
    target.markdown(f":small[{markdown}]")  # type: ignore[attr-defined]
