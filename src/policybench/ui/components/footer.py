"""The sidebar footer: which catalog and which version produced what is on screen."""

from __future__ import annotations

import streamlit as st

from policybench import __version__
from policybench.catalog import Catalog
from policybench.present.text import streamlit_markdown


def show(catalog: Catalog | None) -> None:
    """Catalog fingerprint (12 hex digits) and package version, at the foot of the sidebar."""
    fingerprint = catalog.short_fingerprint if catalog is not None else "not loaded"
    st.sidebar.markdown(
        f":small[Catalog {streamlit_markdown(fingerprint)} · policybench {streamlit_markdown(__version__)}]"
    )
