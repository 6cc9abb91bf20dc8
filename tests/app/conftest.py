"""AppTest fixtures: the app against a chosen catalog, with Streamlit's caches emptied."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "src" / "policybench" / "ui" / "app.py"


@pytest.fixture
def make_app(
    monkeypatch: pytest.MonkeyPatch, tiny_options: Path, tmp_path: Path
) -> Callable[..., AppTest]:
    """``make_app(options=None, params=None)``: an AppTest of the whole app, not yet run, on a
    store of its own (a test that sets ``POLICYBENCH_DATABASE_URL`` keeps its own)."""

    def make(options: Path | None = None, params: dict[str, str] | None = None) -> AppTest:
        monkeypatch.setenv("POLICYBENCH_OPTIONS", str(options or tiny_options))
        if not os.environ.get("POLICYBENCH_DATABASE_URL"):
            monkeypatch.setenv("POLICYBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'app-store.db'}")
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        return at

    return make
