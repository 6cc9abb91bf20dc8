"""Catalog text on screen: always as text, never as live HTML or Markdown.

Quotes, names and rationales come from data files anyone can edit (and link parameters from
anyone who sends a link), so the app shows them through :func:`md_escape` inside Markdown,
or through ``st.text``. :func:`md_escape` backslash-escapes every ASCII punctuation character,
which CommonMark allows for each of them: no emphasis, link, image, HTML tag, heading, list,
table, math (``$``), emoji short code or Streamlit directive (``:blue[...]``) can form.
"""

from __future__ import annotations

import re
import string

import streamlit as st

from policybench.catalog import Catalog, Quote

_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")

STANCE_BADGE = {"supports": ":blue-badge[supports]", "cautions": ":orange-badge[cautions]"}


def md_escape(text: object) -> str:
    """``text`` made inert for ``st.markdown``: whitespace folded, punctuation escaped.

    ``md_escape("[x](javascript:alert(1))")`` gives ``\\[x\\]\\(javascript\\:alert\\(1\\)\\)``,
    which Markdown shows as the original characters.
    """
    folded = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", folded)


def quote_markdown(catalog: Catalog, quote: Quote) -> str:
    """One quote as safe Markdown: stance label, the quote in quotation marks, its citation."""
    badge = STANCE_BADGE.get(quote.stance or "", "")
    source = catalog.sources_by_id.get(quote.source)
    citation = source.citation if source is not None else quote.source
    lead = f"{badge} " if badge else ""
    return f"{lead}“{md_escape(quote.text)}”  \n— *{md_escape(citation)}*"


def show_quote(catalog: Catalog, quote: Quote) -> None:
    """Draw one quote (see :func:`quote_markdown`)."""
    st.markdown(quote_markdown(catalog, quote))


def note(markdown: str, *, where: object = None) -> None:
    """A small note in the normal text colour (``st.caption``'s grey fails WCAG AA contrast).

    ``markdown`` is the app's own text; catalog text inside it must already be escaped.
    """
    target = where if where is not None else st
    target.markdown(f":small[{markdown}]")  # type: ignore[attr-defined]


_LABEL_SPECIAL = re.compile(r"([\\`*_\[\]<>~$:&@#|])")


def label_text(text: object) -> str:
    """``text`` made inert for a widget label, escaping only what can start Markdown there.

    Unlike :func:`~policybench.ui.components.text.md_escape`, ordinary punctuation such as
    parentheses, dashes and full stops is left alone: Streamlit uses the label string as the
    widget's accessible name too, so every backslash added here is read out by screen readers.
    """
    out = _LABEL_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    out = re.sub(r"(?i)\b(www)\.", r"\1\\.", out)  # www.example.org autolinks
    out = re.sub(r"^([-+])", r"\\\1", out)  # a list item
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", out)  # an ordered list item
