"""The app's own HTTP layer, in front of Streamlit's server (an ASGI middleware).

``policybench serve`` runs the app as an ``st.App`` (:mod:`policybench.ui.asgi`) with this
middleware around Streamlit's routes. It does three things, for every HTTP request (the
websocket that carries a page's reruns passes through untouched, once the server's warm-up
has imported what the pages import: :class:`ImportGate`):

- **Security headers** on every response (:data:`SECURITY_HEADERS`): no ``Referer`` to other
  sites (a participant's address carries their personal token), no framing by another site
  (clickjacking the facilitator's buttons), no MIME sniffing, and a Content-Security-Policy
  that lets the page load only from this server: no scripts, styles, images, fonts or
  connections from anywhere else, no plugins, no ``<base>`` elsewhere.
- **No metrics to the world**: ``/_stcore/metrics`` (Streamlit's OpenMetrics endpoint, which
  counts sessions and cache sizes) answers 404.
- **A device cookie**: a browser that loads a page without a valid ``pb_device`` cookie gets
  one (:data:`DEVICE_COOKIE`): 256 random bits, ``HttpOnly`` (no script reads it), ``SameSite=Lax``
  (not sent with another site's requests, except when a person follows a link here),
  ``Secure`` over HTTPS, for :data:`DEVICE_MAX_AGE_S` seconds. The pages read it from
  ``st.context.cookies`` (the browser sends it with the websocket) to remember a facilitator's
  sign-in and a participant's identity on that browser; the store keeps only its SHA-256
  (:mod:`policybench.store.workshops`). It is never in an address, a log or the page.

Streamlit started any other way (``streamlit run app.py``, AppTest) has none of this: the pages
then work as before, without the device cookie (a reload asks the facilitator's passphrase
again), and docs/SECURITY.md says so.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEVICE_COOKIE = "pb_device"
#: Thirty days: long enough for a workshop that runs over several days, short enough that a
#: browser is not known by it for ever. The facilitator's sign-in expires sooner (12 hours,
#: in the store).
DEVICE_MAX_AGE_S = 30 * 24 * 3600
_DEVICE = re.compile(r"[A-Za-z0-9_-]{32,128}")


def shell_script_hashes(index: Path | None = None) -> list[str]:
    """CSP sources for the inline scripts of Streamlit's page shell (``static/index.html``):
    ``'sha256-…'`` each, read from the installed Streamlit, so that an upgrade that changes
    them does not break the page."""
    if index is None:
        import streamlit

        index = Path(streamlit.__file__).parent / "static" / "index.html"
    try:
        html = index.read_text(encoding="utf-8")
    except OSError:
        return []
    found = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in found
    ]


#: Only this server's own files run: Streamlit's page shell has one inline script
#: (``window.prerenderReady = false``), allowed by its hash; no other inline script, no
#: ``eval`` (Streamlit's charts use Vega's expression interpreter, which needs none), nothing
#: from another site. ``'wasm-unsafe-eval'`` lets the page's own scripts compile WebAssembly
#: (Streamlit's protobuf decoder, through long.js, compiles a tiny module for 64-bit
#: arithmetic), which is not JavaScript ``eval`` and runs nothing a page's text could inject.
#: Styles are inline throughout Streamlit's React components (emotion), so ``style-src``
#: allows them; they cannot run code. ``tests/browser/test_workshop_browser.py`` opens every
#: page under this policy and fails on any violation.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        " ".join(["script-src 'self' 'wasm-unsafe-eval'", *shell_script_hashes()]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

BLOCKED_SUFFIXES = ("/_stcore/metrics",)


class ImportGate:
    """Holds back websocket connections (each starts page scripts) until :meth:`open`, for
    at most :data:`IMPORT_WAIT_S`, once :meth:`arm`-ed; unarmed, it holds nothing back.
    ``policybench serve`` arms it and its warm-up opens it when it has imported what the
    pages import (:mod:`policybench.ui.launch` says why)."""

    def __init__(self) -> None:
        self._armed = False
        self._open = threading.Event()

    def arm(self) -> None:
        self._armed = True

    def open(self) -> None:
        self._open.set()

    @property
    def waiting(self) -> bool:
        return self._armed and not self._open.is_set()

    async def wait(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (IMPORT_WAIT_S if timeout is None else timeout)
        while self.waiting and time.monotonic() < deadline:
            await asyncio.sleep(0.01)


#: Longest a websocket waits for the warm-up's imports (they take about a second).
IMPORT_WAIT_S = 20.0
IMPORTS = ImportGate()


def valid_device(value: str) -> bool:
    """Is ``value`` a device id as :func:`new_device_cookie` makes them?"""
    return bool(_DEVICE.fullmatch(value))


def device_cookie(scope: Scope) -> str | None:
    """The request's ``pb_device`` cookie when it is a well-formed one, else None."""
    for name, value in scope.get("headers", ()):
        if name != b"cookie":
            continue
        text: str = bytes(value).decode("latin-1")
        for part in text.split(";"):
            key, _, found = part.strip().partition("=")
            if key == DEVICE_COOKIE and _DEVICE.fullmatch(found):
                return found
    return None


def new_device_cookie(*, secure: bool) -> str:
    """A ``Set-Cookie`` value with a fresh device id."""
    parts = [
        f"{DEVICE_COOKIE}={secrets.token_urlsafe(32)}",
        "Path=/",
        f"Max-Age={DEVICE_MAX_AGE_S}",
        "HttpOnly",
        "SameSite=Lax",
    ]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)


class HttpLayer:
    """The middleware: headers, the blocked paths and the device cookie (see the module)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        chosen = SECURITY_HEADERS if headers is None else headers
        self.headers = [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in chosen.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await IMPORTS.wait()
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", "")).rstrip("/")
        if path.endswith(BLOCKED_SUFFIXES):
            await _not_found(send, self.headers)
            return
        needs_cookie = device_cookie(scope) is None
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.headers if k not in present]
                if needs_cookie and _is_html(headers):
                    headers.append((b"set-cookie", new_device_cookie(secure=secure).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _not_found(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    body = b"Not found\n"
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
