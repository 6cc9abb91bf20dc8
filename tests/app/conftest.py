"""AppTest fixtures: the app against a chosen catalog, with Streamlit's caches emptied, and the
workshop pages' temporary SQLite store."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from policybench.store import Store, open_store

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


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'workshops.db'}"
    monkeypatch.setenv("POLICYBENCH_DATABASE_URL", url)
    return url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(db_url)
    yield s
    s.close()


@pytest.fixture
def open_page(make_app: Callable[..., AppTest], db_url: str) -> Callable[..., AppTest]:
    """``open_page("workshop", code=..., p=...)``: a fresh session opened on that page, run once."""

    def open_(name: str, **params: str) -> AppTest:
        at = make_app(params={"page": name, **params})
        at.run()
        assert not at.exception, at.exception
        return at

    return open_
