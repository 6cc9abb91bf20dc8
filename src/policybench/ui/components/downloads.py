"""Download buttons for the comparison the page shows (CSV, Excel, Markdown, HTML report),
built like ``policybench export`` builds them.

Files are built only when asked for (a button), then cached on the inputs, so a slider move
never pays for an export.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from policybench.analysis.rank import rank_catalog
from policybench.catalog import Catalog
from policybench.export import EXTENSIONS, MEDIA_TYPES, render_bytes
from policybench.export.report import build_report
from policybench.ui import state
from policybench.ui.components.text import note

#: The formats offered, with their button labels.
LABELS = {"csv": "CSV", "xlsx": "Excel", "markdown": "Markdown", "html": "HTML report"}
SOURCE = "weights set in the app"


def page_export(catalog: Catalog, weights: Mapping[str, float], method: str, fmt: str) -> bytes:
    """The comparison under ``weights`` and ``method`` as a file in ``fmt``."""
    ranking = rank_catalog(catalog, dict(weights), method=method, label=SOURCE)
    report = build_report(catalog, [ranking], weights_given=dict(weights), charts=fmt == "html")
    return render_bytes(fmt, report)


@st.cache_data(max_entries=32, show_spinner=False)
def _export(
    _catalog: Catalog,
    fingerprint: str,
    weights: tuple[tuple[str, float], ...],
    method: str,
    fmt: str,
) -> bytes:
    return page_export(_catalog, dict(weights), method, fmt)


def show(catalog: Catalog, weights: Mapping[str, float], method: str, *, key: str) -> None:
    """A "prepare" button, then one download button per format for the current view."""
    wanted = f"{key}.ready"
    inputs = (catalog.fingerprint, state.key_of(weights), method)
    with st.expander("Download this comparison (CSV, Excel, Markdown, HTML)"):
        note(
            "Every file is stamped with the weights, the method, the catalog's fingerprint "
            "and the version; all but CSV carry the quotes with their citations."
        )
        if st.session_state.get(wanted) != inputs:
            if st.button("Prepare the files", key=f"{key}.prepare"):
                st.session_state[wanted] = inputs
            else:
                return
        with st.spinner("Preparing…"):
            columns = st.columns(len(LABELS))
            for column, (fmt, label) in zip(columns, LABELS.items(), strict=True):
                column.download_button(
                    label,
                    data=_export(catalog, *inputs, fmt),
                    file_name=f"policybench-{method}-{catalog.short_fingerprint}{EXTENSIONS[fmt]}",
                    mime=MEDIA_TYPES[fmt],
                    key=f"{key}.{fmt}",
                    width="stretch",
                )
