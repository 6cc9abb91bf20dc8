"""What the two workshop pages share: the store handle, who the client is, refusals, links
and the QR code.

- **Store**: one :func:`policybench.store.open_store` per database URL per server process
  (``st.cache_resource``), from ``$POLICYBENCH_DATABASE_URL`` or the default SQLite file. A
  store that cannot be opened is not cached, so the next rerun tries again.
- **Client**: the address the connection comes from (``st.context.ip_address``; None on
  127.0.0.1, which counts as one client), hashed by the store's rate limiter.
- **Refusals** say nothing about why: an unknown code, another workshop's code and a tampered
  participant link all get :data:`REFUSAL`.
- **Links**: the app's address as the browser sees it (``st.context.url``), the join link a
  facilitator shows and each participant's personal link.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar
from urllib.parse import urlencode

import segno
import streamlit as st

from policybench.errors import PolicybenchError
from policybench.present.text import streamlit_markdown
from policybench.store import (
    ParticipantTokenError,
    RateLimitedError,
    Store,
    StoreUnavailableError,
    WorkshopNotFound,
    WorkshopStateError,
    open_store,
)
from policybench.store.db import ENV_URL
from policybench.store.ratelimit import UNKNOWN_CODE
from policybench.ui.components.errors import show_exception

T = TypeVar("T")

DEFAULT_BASE_URL = "http://127.0.0.1:8501"
PARTICIPANT_PAGE = "workshop"
REFUSAL = "This link or code does not open a workshop. Check it with the facilitator."
UNAVAILABLE = "Could not reach the workshop's store; try again in a moment."
QR_SCALE = 10  # pixels per module: a version-4 code is 370 px, readable from the back of a room


@st.cache_resource(max_entries=4, show_spinner=False)
def _open(url: str) -> Store:
    return open_store(url or None)


def store() -> Store:
    """The store for this server process (``$POLICYBENCH_DATABASE_URL``, else SQLite)."""
    return _open(os.environ.get(ENV_URL, "").strip())


def client() -> str:
    """Who is asking, for the store's rate limits: the connection's address."""
    try:
        address = st.context.ip_address
    except Exception:  # no browser context (e.g. a test run): one local client
        address = None
    return address if isinstance(address, str) and address else "local"


def page_url() -> str | None:
    """The address of the page in the browser (no query), when known."""
    try:
        url = st.context.url
    except Exception:  # no browser context
        return None
    return url if isinstance(url, str) else None


def check_token_limit(s: Store) -> None:
    """Refuse a client that has presented too many bad participant links (shared limit with
    unknown codes; raises :class:`~policybench.store.RateLimitedError`)."""
    s.limiter.check(f"token:{s.limiter.client_key(client())}", UNKNOWN_CODE)


def count_bad_token(s: Store) -> None:
    """Count one bad participant link against this client."""
    s.limiter.failure(f"token:{s.limiter.client_key(client())}", UNKNOWN_CODE)


def show_error(exc: Exception) -> None:
    """A store or workshop error as a message beside the action, never a traceback.

    Unknown codes and bad participant links get the plain :data:`REFUSAL`; a state the
    workshop is in (locked, closed) a warning; a store that cannot be reached "try again".
    """
    if isinstance(exc, (WorkshopNotFound, ParticipantTokenError)):
        st.error(REFUSAL)
    elif isinstance(exc, RateLimitedError):
        st.error(streamlit_markdown(str(exc)))
    elif isinstance(exc, WorkshopStateError):
        st.warning(streamlit_markdown(str(exc)))
    elif isinstance(exc, StoreUnavailableError):
        st.error(streamlit_markdown(unavailable(exc)))
    else:
        show_exception(exc, "workshop")


def unavailable(exc: Exception) -> str:
    """The store's own "could not <action>, try again" without the technical detail after it
    (which may name the database's host or path)."""
    head = str(exc).split(": ", 1)[0].strip()
    if not head.lower().startswith("could not"):
        return UNAVAILABLE
    return head[0].upper() + head[1:] + "."


def attempt(action: Callable[[], T]) -> tuple[T | None, Exception | None]:
    """Run a store action; return ``(result, None)`` or ``(None, the PolicybenchError)``."""
    try:
        return action(), None
    except PolicybenchError as exc:
        return None, exc


@st.cache_data(max_entries=16, show_spinner=False)
def qr_png(link: str) -> bytes:
    """``link`` as a QR code PNG (segno, error correction M, a quiet zone of 2 modules)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=QR_SCALE, border=2)
    return buffer.getvalue()


# ------------------------------------------------------------------------------ links
def app_base(url: str | None, page: str = "") -> str:
    """The app's base address from a page's address (:func:`page_url`): query and fragment
    dropped, the trailing page path (``page``) removed; :data:`DEFAULT_BASE_URL` if unknown."""
    if not url or "://" not in url:
        return DEFAULT_BASE_URL
    base = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    if page and base.endswith("/" + page):
        base = base[: -len(page) - 1]
    return base or DEFAULT_BASE_URL


def join_link(base: str, code: str) -> str:
    """``<base>/workshop?code=CODE``: what participants open (and the QR code holds)."""
    return _participant_page(base) + urlencode({"code": code})


def personal_link(base: str, code: str, token: str) -> str:
    """A participant's own link (``?code=...&p=<token>``): reopens their page, and only theirs."""
    return _participant_page(base) + urlencode({"code": code, "p": token})


def _participant_page(base: str) -> str:
    return f"{(base.strip() or DEFAULT_BASE_URL).rstrip('/')}/{PARTICIPANT_PAGE}?"


def submissions_key(
    weights: Sequence[Mapping[str, float]],
    names: Sequence[str],
    reasons: Sequence[Mapping[str, str]],
) -> tuple[tuple[str, tuple[tuple[str, float], ...], tuple[tuple[str, str], ...]], ...]:
    """A hashable form of the submissions: a cache key that changes when any of them does."""
    return tuple(
        (
            str(n),
            tuple((str(c), float(v)) for c, v in w.items()),
            tuple((str(c), str(t)) for c, t in r.items()),
        )
        for n, w, r in zip(names, weights, reasons, strict=True)
    )
