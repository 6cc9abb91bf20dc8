"""What the user sees when something goes wrong: a message, never a traceback.

:func:`guarded` wraps a page body (or a fragment): a :class:`PolicybenchError` is shown as its
own readable message, anything else as a short apology while the traceback goes to the server
log. :func:`catalog_error_page` lists every ``path:line: message`` of a catalog that failed to
load, as plain text.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

import streamlit as st

from policybench.errors import PolicybenchError
from policybench.present.text import streamlit_markdown

log = logging.getLogger("policybench.ui")

P = ParamSpec("P")
R = TypeVar("R")

UNEXPECTED = (
    "Something went wrong while drawing this part of the page, so it is left out. "
    "The details are in the server log; changing the weights or reloading may help."
)


def show_exception(exc: Exception, where: str) -> None:
    """Show ``exc`` without a traceback: its own message when it is a PolicybenchError."""
    if isinstance(exc, PolicybenchError):
        st.error(streamlit_markdown(str(exc)))
        return
    log.error("unexpected error in %s", where, exc_info=exc)  # also outside an except block
    st.error(UNEXPECTED)


def guarded(fn: Callable[P, R]) -> Callable[P, R | None]:
    """Run ``fn``; show an exception as a message instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # Streamlit's rerun/stop signals are BaseException, not caught
            show_exception(exc, getattr(fn, "__qualname__", "page"))
            return None

    return wrapper


def catalog_error_page(root: str, problems: Sequence[str]) -> None:
    """A page that lists every problem of a catalog that failed to load."""
    st.title("The catalog could not be loaded")
    count = len(problems)
    st.markdown(
        f"The catalog in {streamlit_markdown(root)} has {count} problem{'s' if count != 1 else ''}. "
        "Each line below names the file, the line and what is wrong. Fix them and reload this "
        "page; `policybench validate` lists the same problems."
    )
    st.code("\n".join(problems) or "(no details)", language=None, wrap_lines=True)
