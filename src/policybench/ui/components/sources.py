"""The server's source texts, for checking a participant's quote verbatim.

``POLICYBENCH_SOURCES`` names a directory holding the texts the catalog cites, each under the
file name its ``sources.yaml`` entry gives (``policybench serve --sources DIR`` sets it). They
are read once per server process (``st.cache_resource``, keyed on the directory and the
catalog's fingerprint) into the catalog's own :class:`~policybench.catalog.verbatim.SourceTexts`,
built as the loader builds it (file name and raw text per source id), so a challenge's quote is
held to exactly the rule the catalog's own quotes are: a contiguous passage, whitespace folded,
nothing else changed.

Without the variable, or when the directory cannot be read, :func:`texts` is None and quotes
are saved unverified and shown as such; a source whose file is missing or unreadable is left
out (logged), and a quote claimed from it is unverified too, never refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from policybench.catalog import Catalog
from policybench.catalog.verbatim import SourceTexts
from policybench.ui.components.errors import log

#: The environment variable naming the source texts' directory.
ENV = "POLICYBENCH_SOURCES"


@dataclass(frozen=True)
class QuoteCheck:
    """What the server could say about a quote: ``verified`` (found verbatim in its source),
    else ``message`` says why not (not found, with the check's own words, or not checked)."""

    verified: bool
    message: str | None = None


def directory() -> str:
    """The source texts' directory as configured ("" when unset)."""
    return os.environ.get(ENV, "").strip()


@st.cache_resource(max_entries=4, show_spinner=False)
def _read(folder: str, fingerprint: str, _catalog: Catalog) -> SourceTexts | None:
    """Every readable source text of the catalog in ``folder`` (None: no folder, or no text in
    it could be read). ``fingerprint`` keys the cache: another catalog, other files."""
    root = Path(folder)
    if not root.is_dir():
        log.warning("%s=%s is not a directory: quotes are saved unverified", ENV, folder)
        return None
    found: dict[str, tuple[str, str]] = {}
    for source in _catalog.sources:
        if os.path.basename(source.file) != source.file:
            continue  # the loader refuses such a catalog; never read outside the folder
        try:
            found[source.id] = (source.file, (root / source.file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            log.warning(
                "source text %s unreadable (%s): its quotes stay unverified", source.id, exc
            )
    return SourceTexts(found) if found else None


def texts(catalog: Catalog) -> SourceTexts | None:
    """The server's source texts for ``catalog``, or None when it has none."""
    folder = directory()
    return _read(folder, catalog.fingerprint, catalog) if folder else None


def check(catalog: Catalog, source: str, quote: str) -> QuoteCheck:
    """Check ``quote`` against ``source``'s text on this server."""
    known = texts(catalog)
    cited = catalog.sources_by_id.get(source)
    name = cited.file if cited is not None else source
    if known is None:
        return QuoteCheck(False, "not checked: this server does not have the source texts")
    if source not in known.texts:
        return QuoteCheck(False, f"not checked: this server does not have {name}")
    problem = known.check(source, quote)
    return QuoteCheck(True) if problem is None else QuoteCheck(False, problem)
