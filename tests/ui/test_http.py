"""policybench.ui.http: the HTTP layer in front of Streamlit (security headers, no metrics, the
device cookie), driven as an ASGI middleware around a stand-in for Streamlit's app. The real
server is checked in tests/cli/test_serve.py and, in a browser, tests/browser/test_workshop_browser.py."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import threading
from pathlib import Path
from typing import Any

import pytest

from policybench.ui import http

Message = dict[str, Any]


def _on_own_loop(coro: Any) -> Any:
    """Run ``coro`` to completion on an event loop of its own, in a thread of its own: the
    browser tests leave Playwright's loop running in the main thread, where asyncio.run()
    refuses to start another."""
    out: list[Any] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            out.append(asyncio.run(coro))
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return out[0]


def _run(
    path: str = "/",
    *,
    content_type: bytes = b"text/html; charset=utf-8",
    cookie: str | None = None,
    scheme: str = "http",
    kind: str = "http",
    app_headers: list[tuple[bytes, bytes]] | None = None,
) -> tuple[list[Message], list[str]]:
    """One request through the layer; (what was sent, what reached the app)."""
    reached: list[str] = []
    sent: list[Message] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["path"])
        headers = [(b"content-type", content_type), *(app_headers or [])]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    headers = [(b"cookie", cookie.encode())] if cookie is not None else []
    scope = {"type": kind, "path": path, "headers": headers, "scheme": scheme}
    _on_own_loop(http.HttpLayer(app)(scope, receive, send))
    return sent, reached


def _headers(sent: list[Message]) -> list[tuple[str, str]]:
    start = next(m for m in sent if m["type"] == "http.response.start")
    return [(k.decode().lower(), v.decode()) for k, v in start["headers"]]


def _cookies(sent: list[Message]) -> list[str]:
    return [v for k, v in _headers(sent) if k == "set-cookie"]


def test_every_response_carries_the_security_headers_once() -> None:
    sent, reached = _run("/workshop", app_headers=[(b"x-frame-options", b"SAMEORIGIN")])
    assert reached == ["/workshop"]
    got = _headers(sent)
    names = [k for k, _ in got]
    for name in ("referrer-policy", "x-content-type-options", "content-security-policy"):
        assert names.count(name) == 1, name
    assert dict(got)["referrer-policy"] == "no-referrer"
    assert names.count("x-frame-options") == 1, "a header the app set is not sent twice"
    csp = dict(got)["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "'unsafe-eval'" not in csp and "object-src 'none'" in csp
    sent, _ = _run("/static/app.js", content_type=b"text/javascript")
    assert "content-security-policy" in dict(_headers(sent)), "scripts and files too"


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/metrics/", "/base/_stcore/metrics"])
def test_streamlits_metrics_are_not_served(path: str) -> None:
    sent, reached = _run(path)
    assert reached == [], "the request never reaches Streamlit"
    assert sent[0]["status"] == 404 and "referrer-policy" in dict(_headers(sent))


def test_a_page_gives_a_browser_without_one_a_device_cookie() -> None:
    sent, _ = _run("/facilitate")
    (cookie,) = _cookies(sent)
    value, *attributes = [part.strip() for part in cookie.split(";")]
    name, _, device = value.partition("=")
    assert name == http.DEVICE_COOKIE and http.valid_device(device) and len(device) >= 43
    assert {"HttpOnly", "SameSite=Lax", "Path=/", f"Max-Age={http.DEVICE_MAX_AGE_S}"} <= set(
        attributes
    )
    assert "Secure" not in attributes
    again, _ = _run("/facilitate")
    assert _cookies(again)[0] != cookie, "a fresh random id for each new browser"

    secure, _ = _run("/", scheme="https")
    assert "Secure" in _cookies(secure)[0].split("; ")


def test_a_browser_with_a_device_cookie_keeps_it_and_other_files_set_none() -> None:
    device = "d" * 43
    sent, _ = _run("/", cookie=f"_streamlit_xsrf=abc; {http.DEVICE_COOKIE}={device}")
    assert _cookies(sent) == []
    forged, _ = _run("/", cookie=f"{http.DEVICE_COOKIE}=<script>")
    assert len(_cookies(forged)) == 1, "a malformed id is replaced"
    static, _ = _run("/static/app.js", content_type=b"text/javascript")
    assert _cookies(static) == [], "only a page sets it"


def test_the_websocket_passes_through_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "IMPORTS", http.ImportGate())  # not armed: nothing to wait for
    reached: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append((scope["type"], send))

    async def send(message: Message) -> None:
        raise AssertionError("not called")

    scope = {"type": "websocket", "path": "/_stcore/stream", "headers": []}
    _on_own_loop(http.HttpLayer(app)(scope, None, send))  # type: ignore[arg-type]
    assert reached == [("websocket", send)], "the same send: nothing added to the stream"


def test_device_cookie_reads_only_a_well_formed_value() -> None:
    good = "A" * 40 + "-_9"
    scope = {"headers": [(b"cookie", f"a=b; {http.DEVICE_COOKIE}={good}; c=d".encode())]}
    assert http.device_cookie(scope) == good
    for bad in ("short", "x" * 200, "a b" * 20, "é" * 43):
        scope = {"headers": [(b"cookie", f"{http.DEVICE_COOKIE}={bad}".encode())]}
        assert http.device_cookie(scope) is None, bad


def test_the_inline_script_of_streamlits_page_is_allowed_by_its_hash(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text(
        "<html><head><script>\n  window.x = 1\n</script>"
        '<script type="module" src="./static/app.js"></script></head></html>'
    )
    want = base64.b64encode(hashlib.sha256(b"\n  window.x = 1\n").digest()).decode()
    assert http.shell_script_hashes(page) == [f"'sha256-{want}'"]
    assert http.shell_script_hashes(tmp_path / "missing.html") == []
    assert http.shell_script_hashes()[0] in http.CONTENT_SECURITY_POLICY, "the installed one"


def test_websockets_wait_for_the_warm_ups_imports_once_armed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Page scripts start on a websocket; while `serve`'s warm-up is still importing what the
    pages import, a websocket waits (two threads importing SQLAlchemy at once can fail), and
    goes through as soon as the imports are done."""
    gate = http.ImportGate()
    monkeypatch.setattr(http, "IMPORTS", gate)
    reached: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["type"])

    async def go() -> None:
        gate.arm()
        scope = {"type": "websocket", "path": "/_stcore/stream", "headers": []}
        task = asyncio.create_task(http.HttpLayer(app)(scope, None, None))  # type: ignore[arg-type]
        await asyncio.sleep(0.1)
        assert reached == [], "held back while the imports run"
        page, _ = await asyncio.to_thread(_run, "/")  # the page's own files are not held back
        assert page[0]["status"] == 200
        gate.open()
        await asyncio.wait_for(task, timeout=2)
        assert reached == ["websocket"]

    _on_own_loop(go())


def test_an_import_gate_never_waits_longer_than_its_limit() -> None:
    gate = http.ImportGate()

    async def waited(timeout: float) -> float:
        started = asyncio.get_running_loop().time()
        await gate.wait(timeout)
        return asyncio.get_running_loop().time() - started

    assert not gate.waiting and _on_own_loop(waited(5)) < 1, "unarmed: no wait"
    gate.arm()
    assert gate.waiting
    assert 0.05 <= _on_own_loop(waited(0.05)) < 1, "armed and never opened: the limit"
    gate.open()
    assert not gate.waiting
