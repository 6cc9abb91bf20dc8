"""What the two workshop pages share: the store handle, who the client is, refusals, links
and the QR code.

- **Store**: one :func:`policybench.store.open_store` per database URL per server process
  (``st.cache_resource``), from ``$POLICYBENCH_DATABASE_URL`` or the default SQLite file. A
  store that cannot be opened is not cached, so the next rerun tries again.
- **Client**: the address the connection comes from (``st.context.ip_address``; None on
  127.0.0.1, which counts as one client), hashed by the store's rate limiter. Behind a proxy
  it is the forwarded address only when ``policybench serve`` was told to trust the proxy.
- **Device and session**: the browser's ``pb_device`` cookie (set by the app's HTTP layer,
  :mod:`policybench.ui.http`; absent when Streamlit is started some other way), which
  remembers a facilitator's sign-in and a participant's identity on that browser, and
  Streamlit's session id, which keys a facilitator's wrong passphrases.
- **Refusals** say nothing about why: an unknown code, another workshop's code and a tampered
  participant link all get :data:`REFUSAL`. Only bad links are counted and, past the limit,
  refused: a valid link is looked up first and never refused.
- **Links**: the app's address as the browser sees it (``st.context.url``), the join link a
  facilitator shows and each participant's personal link; whether an address is this
  computer's alone (127.0.0.1), and this computer's addresses on the room's network.
"""

from __future__ import annotations

import io
import ipaddress
import os
import socket
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

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
from policybench.ui.http import DEVICE_COOKIE, valid_device

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


def device() -> str:
    """This browser's device id (the ``pb_device`` cookie), or "" when there is none: the
    app was not started by ``policybench serve``, or the browser refuses cookies."""
    try:
        value = st.context.cookies.get(DEVICE_COOKIE)
    except Exception:  # no browser context (e.g. a test run)
        return ""
    return value if isinstance(value, str) and valid_device(value) else ""


def session_id() -> str:
    """Streamlit's id of this browser session (a tab; a reload starts a new one)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def count_bad_token(s: Store) -> None:
    """Count one bad participant link against this client, after it was looked up and
    refused; raises :class:`~policybench.store.RateLimitedError` once the client is over the
    limit (shared with unknown codes). A valid link is never counted, so never refused."""
    s.limiter.reserve(f"token:{s.limiter.client_key(client())}", UNKNOWN_CODE)


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


def only_this_computer(url: str) -> bool:
    """Does ``url`` point at this computer alone (127.0.0.1, localhost, ::1), so that nobody
    else in the room can open it?"""
    try:
        host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
    except ValueError:
        return False
    if host.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listens_to_the_room() -> bool:
    """Is this server listening beyond this computer (``--host 0.0.0.0`` or an address)?"""
    from streamlit import config

    address = str(config.get_option("server.address") or "")
    return not only_this_computer(address) if address else True


def server_port() -> int:
    from streamlit import config

    return int(config.get_option("server.port") or 8501)


@st.cache_data(ttl=60, show_spinner=False)
def room_addresses() -> list[str]:
    """This computer's IPv4 addresses on a local network (best effort; [] when none is found):
    where participants in the room can reach a server started with ``--host 0.0.0.0``."""
    found: set[str] = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    try:  # the address a packet to another network would leave from (nothing is sent)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            found.add(str(probe.getsockname()[0]))
    except OSError:
        pass
    usable = []
    for text in found:
        try:
            ip = ipaddress.ip_address(text)
        except ValueError:
            continue
        if not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
            usable.append(text)
    return sorted(usable, key=lambda a: (not ipaddress.ip_address(a).is_private, a))
