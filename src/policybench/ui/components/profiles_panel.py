"""Saved weight profiles in the sidebar: save the current weights (with the method and the
thresholds) under a name (every save is a new version, never an overwrite), load a saved
profile into the sliders, and see where
the store lives. The store's own messages (conflict, unavailable, read-only) are shown as
they are; nothing is half-saved."""

from __future__ import annotations

import streamlit as st

from policybench.catalog import Catalog
from policybench.errors import PolicybenchError
from policybench.present.text import streamlit_markdown
from policybench.store.profile_io import REQUIRE, split_require
from policybench.ui import state
from policybench.ui.components import thresholds
from policybench.ui.components.errors import log
from policybench.ui.components.workshop_common import store

NAME_KEY = "pb.profiles.name"
PICK_KEY = "pb.profiles.pick"
MESSAGE_KEY = "pb.profiles.message"
SAVE_FAILED = (
    "Something went wrong while saving; nothing was saved. The details are in the server log."
)
LOAD_FAILED = (
    "Something went wrong while loading the profile; the sliders are unchanged. The details "
    "are in the server log."
)


def _save(catalog: Catalog) -> None:
    name = str(st.session_state.get(NAME_KEY, "")).strip()
    if not name:
        st.session_state[MESSAGE_KEY] = ("error", "Give the profile a name first.")
        return
    try:
        required = list(state.current_requirements())
        saved = store().profiles.save(
            name,
            state.current_weights(),
            method=state.current_method(),
            params={REQUIRE: required} if required else None,
            catalog_fingerprint=catalog.fingerprint,
        )
    except PolicybenchError as exc:
        st.session_state[MESSAGE_KEY] = ("error", str(exc))
        return
    except Exception as exc:  # a callback's exception would reach the page as a traceback
        log.error("unexpected error saving a profile", exc_info=exc)
        st.session_state[MESSAGE_KEY] = ("error", SAVE_FAILED)
        return
    st.session_state[MESSAGE_KEY] = ("success", f"Saved “{saved.name}” as version {saved.version}.")


def _load(catalog: Catalog) -> None:
    name = st.session_state.get(PICK_KEY)
    if not name:
        return
    try:
        profile = store().profiles.get(str(name))
        unknown = sorted(set(profile.weights) - set(catalog.criterion_ids))
        if unknown:
            raise PolicybenchError(
                f"profile “{profile.name}” names criteria this catalog does not have: {', '.join(unknown)}"
            )
    except PolicybenchError as exc:
        st.session_state[MESSAGE_KEY] = ("error", str(exc))
        return
    except Exception as exc:  # a callback's exception would reach the page as a traceback
        log.error("unexpected error loading a profile", exc_info=exc)
        st.session_state[MESSAGE_KEY] = ("error", LOAD_FAILED)
        return
    state.set_weights(catalog, profile.weights)
    if profile.method:
        state.set_method(profile.method)
    _, required = split_require(profile.params)
    left_out = state.set_requirements(catalog, required)  # a profile without any clears them
    thresholds.refresh()
    st.session_state[MESSAGE_KEY] = (
        "success",
        f"Loaded “{profile.name}” version {profile.version}"
        + (f" ({len(required)} threshold{'s' if len(required) != 1 else ''})" if required else "")
        + "."
        + ("".join(f" Not used: {n}." for n in left_out)),
    )


def show(catalog: Catalog) -> None:
    """The sidebar's profiles section."""
    with st.sidebar.expander("Saved profiles"):
        try:
            s = store()
            names = [p.name for p in s.profiles.list()]
            where = s.url_for_display
        except PolicybenchError as exc:
            st.error(str(exc))
            return
        st.text_input("Profile name", key=NAME_KEY, max_chars=200)
        st.button(
            "Save current weights and thresholds",
            key="pb.profiles.save",
            on_click=_save,
            args=(catalog,),
            width="stretch",
        )
        if names:
            st.selectbox("Saved profile", names, key=PICK_KEY, index=None, placeholder="Choose one")
            st.button(
                "Load into the sliders",
                key="pb.profiles.load",
                on_click=_load,
                args=(catalog,),
                width="stretch",
            )
        kind, text = st.session_state.pop(MESSAGE_KEY, (None, ""))
        if kind == "error":
            st.error(streamlit_markdown(text))
        elif kind == "success":
            st.success(streamlit_markdown(text))
        st.text(f"Store: {where}")
