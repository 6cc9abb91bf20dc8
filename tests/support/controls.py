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


def weight_sliders(at: Any) -> list[Any]:
    """The weight sliders, in catalog order (not the thresholds' or any other slider)."""
    return [s for s in at.slider if s.key.startswith(state.SLIDER)]


def weights(at: Any) -> dict[str, float]:
    """The weight sliders' values by criterion id."""
    return {s.key.removeprefix(state.SLIDER).partition("~")[0]: s.value for s in weight_sliders(at)}


def advanced(at: Any) -> Any:
    """The "Other methods (advanced)" toggle, which shows the method picker."""
    return at.toggle(key="pb.advanced_toggle")


def choose_method(at: Any, method: str) -> None:
    """Choose ``method`` in the sidebar (turning on the advanced methods first if need be)."""
    if not advanced(at).value:
        advanced(at).set_value(True).run()
    method_picker(at).set_value(method).run()
