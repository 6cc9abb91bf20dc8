"""The server's source texts, for checking a participant's quote verbatim.

``POLICYBENCH_SOURCES`` names a directory holding the texts the catalog cites, each under the
file name its ``sources.yaml`` entry gives (``policybench serve --sources DIR`` sets it). They
are read once per server process (``st.cache_resource``, keyed on the directory and the
catalog's fingerprint) into the catalog's own :class:`~policybench.catalog.verbatim.SourceTexts`,
built as the loader builds it (file name and raw text per source id), so a challenge's quote is
held to exactly the rule the catalog's own quotes are: a contiguous passage, whitespace folded,
nothing else changed.

Without the variable, or when the directory or any of its texts cannot be read (the rules of
``serve --sources``, which refuses to start then), :func:`texts` is None (logged) and quotes
are saved unchecked and shown as such, never refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from policybench.catalog import Catalog, read_source_texts
from policybench.catalog.verbatim import SourceTexts, quote_check
from policybench.env import SOURCES_ENV
from policybench.errors import InputError
from policybench.ui.components.errors import log

#: The environment variable naming the source texts' directory.
ENV = SOURCES_ENV


@dataclass(frozen=True)
class QuoteCheck:
    """What the server could say about a quote: ``verified`` (found verbatim in its source),
    else ``message`` says why not (not found, with the check's own words, or not checked)."""

    verified: bool
    message: str | None = None
    status: str = "not_checked"  # the store's Challenge.check


def directory() -> str:
    """The source texts' directory as configured ("" when unset)."""
    return os.environ.get(ENV, "").strip()


@st.cache_resource(max_entries=4, show_spinner=False)
def _read(folder: str, fingerprint: str, _catalog: Catalog) -> SourceTexts | None:
    """The catalog's source texts in ``folder``, read as ``serve --sources`` and the loader
    read them (:func:`policybench.catalog.read_source_texts`); None, logged, when they cannot
    all be read. ``fingerprint`` keys the cache: another catalog, other files."""
    try:
        return read_source_texts(folder, _catalog)
    except InputError as exc:
        log.warning("%s: %s; quotes are saved unchecked", ENV, exc)
        return None


def texts(catalog: Catalog) -> SourceTexts | None:
    """The server's source texts for ``catalog``, or None when it has none."""
    folder = directory()
    return _read(folder, catalog.fingerprint, catalog) if folder else None


def check(catalog: Catalog, source: str, quote: str) -> QuoteCheck:
    """Check ``quote`` against ``source``'s text on this server
    (:func:`policybench.catalog.verbatim.quote_check`: its message names the paper)."""
    cited = catalog.sources_by_id.get(source)
    status, message = quote_check(
        texts(catalog), source, quote, cited.citation if cited is not None else source
    )
    return QuoteCheck(status == "verified", None if status == "verified" else message, status)
