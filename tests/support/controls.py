"""The Rank sidebar's weight controls in an AppTest, found by their current (versioned) keys
(:func:`policybench.ui.state.widget_key`)."""

from __future__ import annotations

from typing import Any

from policybench.ui import state


def slider(at: Any, cid: str) -> Any:
    """The weight slider of criterion ``cid``."""
    return at.slider(key=state.widget_key(state.SLIDER + cid, at.session_state))


def preset_picker(at: Any) -> Any:
    return at.selectbox(key=state.widget_key(state.PRESET_PICKER, at.session_state))


def method_picker(at: Any) -> Any:
    return at.selectbox(key=state.widget_key(state.METHOD_PICKER, at.session_state))
