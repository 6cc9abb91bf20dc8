"""A small client that speaks Streamlit's own websocket protocol, as a browser tab does.

It is what the load test uses for its 30 participants (a real Chromium page each would need
several GiB and both cores before the app got any) and what the fault tests use to check that
a participant's page carries on after the server restarts. It implements just enough of the
frontend (streamlit 1.67's ``BackMsg``/``ForwardMsg`` protobufs, shipped in the streamlit
package as ``streamlit/proto/*_pb2.py``):

- ``GET`` the page first (so a reverse proxy can set its sticky-session cookie, as for a
  browser), then open ``/_stcore/stream`` with the ``streamlit`` subprotocol and that cookie;
- ask for a run of a page (``rerun_script`` with ``page_name`` and the query string), and keep
  the page's current ``page_script_hash`` and query string (``page_info_changed``) for the
  next requests, as the frontend does;
- keep every element the server draws by its delta path, with the fragment it belongs to, and
  drop the ones a finished run did not redraw (only inside the fragment, for a fragment run);
- change a widget (slider, text input, number input, selectbox, radio, checkbox) or click a
  button, sending only the changed widget's state (the server keeps the others) and the
  widget's ``fragment_id``, so that a widget inside ``st.fragment`` reruns only the fragment;
- honour ``auto_rerun`` (``st.fragment(run_every=...)``) with a timer, as the frontend does;
- time a request from sending it to the ``script_finished`` of the run it caused.

Nothing here is specific to policybench. It talks only to the URL it is given (the load test
and the fault tests give it 127.0.0.1 addresses).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

FINISHED_OK = {
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
WIDGET_KINDS = {
    "slider",
    "text_input",
    "text_area",
    "number_input",
    "selectbox",
    "radio",
    "checkbox",
    "toggle",
    "button",
    "form_submit_button",
    "download_button",
    "multiselect",
    "button_group",
    "segmented_control",
}
ALERTS = {"error", "warning", "info", "success", "exception"}


class ProtocolError(RuntimeError):
    """The server did something a browser tab would not accept (closed, error, timeout)."""


@dataclass
class Node:
    """One element (or block) the server drew, where it is, and which run drew it."""

    path: tuple[int, ...]
    kind: str  # the Element oneof ("slider", "markdown", "alert", ...) or "block:<type>"
    proto: Any
    fragment_id: str
    run: int


@dataclass
class RunResult:
    """What one request caused: its time, how it ended, and the alerts it drew."""

    seconds: float
    status: int
    errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)


class StreamlitClient:
    """One browser tab's worth of Streamlit protocol. Use ``async with`` or call ``close()``."""

    def __init__(
        self,
        base_url: str,
        *,
        page: str = "",
        query: str = "",
        cookie_jar: dict[str, str] | None = None,
        timeout: float = 60.0,
        name: str = "client",
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.page_name = page
        self.query_string = query
        self.cookies: dict[str, str] = dict(cookie_jar or {})
        self.timeout = timeout
        self.name = name
        self.ssl_context = ssl_context
        self.page_script_hash = ""
        self.session_id = ""
        self.nodes: dict[tuple[int, ...], Node] = {}
        self.widget_fragments: dict[str, str] = {}
        #: What the page's widgets hold now, as the frontend keeps it: the server's value when
        #: it sets one, else what we last sent, else the widget's default.
        self.values: dict[str, Any] = {}
        self.run_counter = 0
        self.running_fragments: list[str] = []
        self.finished = asyncio.Event()
        self.last_status: int | None = None
        self.run_errors: list[str] = []
        self.run_exceptions: list[str] = []
        self.closed_reason: str | None = None
        self.auto_reruns: dict[str, float] = {}
        self.auto_rerun_count = 0
        self.messages = 0
        self.bytes_in = 0
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._timers: dict[str, asyncio.Task[None]] = {}
        self._finishes = 0
        self._lock = asyncio.Lock()

    # -- connection ----------------------------------------------------------------------

    def _host(self) -> str:
        return urllib.parse.urlsplit(self.base_url).netloc

    def fetch_page(self) -> int:
        """``GET`` the page as a browser would, keeping any cookie (a proxy's sticky cookie)."""
        url = f"{self.base_url}/{self.page_name}"
        if self.query_string:
            url += "?" + self.query_string
        request = urllib.request.Request(url, headers=self._cookie_header())
        with urllib.request.urlopen(
            request, timeout=self.timeout, context=self.ssl_context
        ) as response:
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                pair = header.split(";", 1)[0]
                key, _, value = pair.partition("=")
                self.cookies[key.strip()] = value.strip()
            return int(response.status)

    def _cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    async def connect(self, *, fetch: bool = True) -> None:
        """Open the websocket and run the page (returns when the first run has finished).

        Connecting again after a drop is a page that reconnects: it keeps only its address
        (page and query string) and offers its old session id, as the frontend does.
        """
        self.finished = asyncio.Event()
        self._lock = asyncio.Lock()
        self.nodes.clear()
        self.values.clear()
        self.page_script_hash = ""
        self._finishes = 0
        if fetch:
            await asyncio.to_thread(self.fetch_page)
        scheme = "wss" if self.base_url.startswith("https") else "ws"
        ws_url = f"{scheme}://{self._host()}/_stcore/stream"
        protocols = ["streamlit"]
        if self.session_id:  # what the frontend sends to resume a session after a drop
            protocols += ["PLACEHOLDER_AUTH_TOKEN", self.session_id]  # as the frontend does
        self._ws = await connect(
            ws_url,
            subprotocols=protocols,  # type: ignore[list-item]
            origin=self.base_url,  # type: ignore[arg-type]
            additional_headers=self._cookie_header(),
            max_size=None,
            open_timeout=self.timeout,
            ssl=self.ssl_context if scheme == "wss" else None,
            ping_interval=None,
            compression=None,
        )
        self.closed_reason = None
        self._reader = asyncio.create_task(self._read(), name=f"{self.name}-reader")
        await self.rerun(first=True)

    async def close(self) -> None:
        for task in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        self._ws = None

    async def __aenter__(self) -> StreamlitClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        return self._ws is not None and self.closed_reason is None

    # -- reading ---------------------------------------------------------------------------

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for data in self._ws:
                if isinstance(data, str):
                    continue
                self.messages += 1
                self.bytes_in += len(data)
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except Exception as exc:  # the connection dropped: a waiter sees closed_reason
            self.closed_reason = f"{type(exc).__name__}: {exc}"
        else:
            self.closed_reason = "closed by the server"
        finally:
            self.finished.set()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            ns = msg.new_session
            self.run_counter += 1
            self.running_fragments = list(msg.metadata.run.fragment_ids)
            if not self.running_fragments:  # a full run: the frontend drops every auto-rerun
                self._timers.clear()  # timer (the run sends the ones it keeps); see _schedule
            if ns.page_script_hash and not self.page_script_hash:
                self.page_script_hash = ns.page_script_hash
            if ns.initialize.session_id:
                self.session_id = ns.initialize.session_id
            self.run_errors = []
            self.run_exceptions = []
        elif kind == "delta":
            self._delta(msg)
        elif kind == "navigation":  # st.navigation: the page this run is drawing
            nav = msg.navigation
            if nav.page_script_hash:
                self.page_script_hash = nav.page_script_hash
                for app_page in nav.app_pages:
                    if app_page.page_script_hash == nav.page_script_hash:
                        self.page_name = app_page.url_pathname
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "script_finished":
            status = msg.script_finished
            if status in FINISHED_OK:
                self._drop_stale(status)
            self.last_status = status
            if status != ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN:
                self._finishes += 1
                self.finished.set()
        elif kind == "auto_rerun":
            self._schedule(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":  # pragma: no cover - not every app uses it
            for task in self._timers.values():
                task.cancel()
            self._timers.clear()
        elif kind == "session_status_changed":
            pass

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        path = tuple(msg.metadata.delta_path)
        which = delta.WhichOneof("type")
        if which == "new_element":
            element = delta.new_element
            etype = element.WhichOneof("type") or ""
            proto = getattr(element, etype) if etype else None
            if etype == "alert":
                fmt = element.alert.format
                names = {1: "error", 2: "warning", 3: "info", 4: "success"}
                etype = names.get(fmt, "alert")
                if etype == "error":
                    self.run_errors.append(element.alert.body)
            elif etype == "exception":
                self.run_exceptions.append(f"{element.exception.type}: {element.exception.message}")
            self.nodes[path] = Node(path, etype, proto, delta.fragment_id, self.run_counter)
            wid = getattr(proto, "id", "") if etype in WIDGET_KINDS else ""
            if wid:
                self.widget_fragments[wid] = delta.fragment_id
                if getattr(proto, "set_value", False):
                    self.values[wid] = _proto_value(proto, "value")
                elif wid not in self.values:
                    self.values[wid] = _proto_value(proto, "default")
            # Children of a replaced element are gone.
            for p in [p for p in self.nodes if len(p) > len(path) and p[: len(path)] == path]:
                del self.nodes[p]
        elif which == "add_block":
            block = delta.add_block
            btype = block.WhichOneof("type") or "vertical"
            self.nodes[path] = Node(
                path, f"block:{btype}", block, delta.fragment_id, self.run_counter
            )
        elif which == "new_transient":  # pragma: no cover - spinners and toasts
            pass

    def _drop_stale(self, status: int) -> None:
        fragment_run = status == ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
        for path, node in list(self.nodes.items()):
            if node.run == self.run_counter:
                continue
            if fragment_run and node.fragment_id not in self.running_fragments:
                continue
            del self.nodes[path]
        # The frontend forgets the state of widgets no longer drawn: drawn again, they start
        # from what the server sends (e.g. a value the script put in session state meanwhile).
        alive = {getattr(n.proto, "id", "") for n in self.nodes.values() if n.kind in WIDGET_KINDS}
        for wid in [w for w in self.values if w not in alive]:
            del self.values[wid]

    def _schedule(self, fragment_id: str, interval: float) -> None:
        self.auto_reruns[fragment_id] = interval

        async def tick() -> None:
            me = asyncio.current_task()
            while self.connected:
                await asyncio.sleep(interval)
                async with self._lock:
                    # A timer dropped (by a full run, or replaced) stops here, between runs,
                    # never inside one: the run it asked for is waited for to its end.
                    if not self.connected or self._timers.get(fragment_id) is not me:
                        return
                    self.auto_rerun_count += 1
                    before = self._finishes
                    await self._send_rerun([], fragment_id=fragment_id, auto=True)
                    with contextlib.suppress(ProtocolError):
                        await self._wait_finished(before)

        self._timers[fragment_id] = asyncio.create_task(tick(), name=f"{self.name}-auto")

    # -- writing ---------------------------------------------------------------------------

    async def _send_rerun(
        self, states: Iterable[WidgetState], *, fragment_id: str = "", auto: bool = False
    ) -> None:
        if self._ws is None:
            raise ProtocolError(f"{self.name}: not connected")
        states = list(states)
        for ws in states:
            which = ws.WhichOneof("value")
            if which == "double_array_value":
                self.values[ws.id] = list(ws.double_array_value.data)
            elif which is not None and which not in {"trigger_value", "json_trigger_value"}:
                self.values[ws.id] = getattr(ws, which)
        back = BackMsg()
        cs = back.rerun_script
        cs.query_string = self.query_string
        cs.page_script_hash = self.page_script_hash
        cs.page_name = "" if self.page_script_hash else self.page_name
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-GB"
        page = f"{self.base_url}/{self.page_name}"
        cs.context_info.url = page + (f"?{self.query_string}" if self.query_string else "")
        cs.widget_states.widgets.extend(states)
        try:
            await self._ws.send(back.SerializeToString())
        except Exception as exc:
            self.closed_reason = f"{type(exc).__name__}: {exc}"
            raise ProtocolError(f"{self.name}: could not send: {exc}") from None

    async def _wait_finished(self, before: int) -> int:
        deadline = time.monotonic() + self.timeout
        while self._finishes <= before:
            if self.closed_reason is not None:
                raise ProtocolError(f"{self.name}: connection lost: {self.closed_reason}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError(f"{self.name}: no script_finished in {self.timeout:g} s")
            self.finished.clear()
            if self._finishes > before:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.finished.wait(), timeout=min(left, 1.0))
        return int(self.last_status if self.last_status is not None else -1)

    async def rerun(
        self,
        states: Iterable[WidgetState] = (),
        *,
        fragment_id: str = "",
        first: bool = False,
    ) -> RunResult:
        """Send one ``rerun_script`` and wait for the run it caused to finish."""
        start = time.perf_counter()  # before waiting for a run of ours (e.g. an auto-rerun)
        states = list(states)
        async with self._lock:
            before = self._finishes
            await self._send_rerun(states, fragment_id=fragment_id)
            status = await self._wait_finished(before)
            took = time.perf_counter() - start
        return RunResult(took, status, list(self.run_errors), list(self.run_exceptions))

    # -- widgets ---------------------------------------------------------------------------

    def widgets(self, kind: str | None = None) -> list[Node]:
        return [
            n
            for n in sorted(self.nodes.values(), key=lambda n: n.path)
            if n.kind in WIDGET_KINDS and (kind is None or n.kind == kind)
        ]

    def widget(self, label: str, kind: str | None = None, *, form: str | None = None) -> Node:
        """The widget with this label (exact, else the only one containing it); ``form``: only
        widgets in a form whose id contains it."""
        pool = [
            w for w in self.widgets(kind) if form is None or form in getattr(w.proto, "form_id", "")
        ]
        found = [w for w in pool if getattr(w.proto, "label", None) == label]
        if not found:
            found = [w for w in pool if label in getattr(w.proto, "label", "")]
        if len(found) != 1:
            labels = [getattr(w.proto, "label", "?") for w in self.widgets(kind)]
            raise ProtocolError(
                f"{self.name}: {len(found)} widgets labelled {label!r} ({kind or 'any kind'}); "
                f"the page has: {labels}"
            )
        return found[0]

    def value(self, node: Node) -> Any:
        """The widget's current value as the page holds it (a slider: a list of numbers)."""
        return self.values.get(node.proto.id)

    def has_widget(self, label: str, kind: str | None = None) -> bool:
        return any(label in getattr(w.proto, "label", "") for w in self.widgets(kind))

    @staticmethod
    def state_for(node: Node, value: Any) -> WidgetState:
        """The ``WidgetState`` a browser sends for ``value`` on this widget."""
        ws = WidgetState(id=node.proto.id)
        kind = node.kind
        if kind == "slider":
            values = value if isinstance(value, list | tuple) else [value]
            ws.double_array_value.data.extend(float(v) for v in values)
        elif kind in {"text_input", "text_area"}:
            ws.string_value = str(value)
        elif kind == "number_input":
            if node.proto.data_type == 0:  # NumberInput.DataType.INT (FLOAT is 1)
                ws.int_value = int(value)
            else:
                ws.double_value = float(value)
        elif kind in {"checkbox", "toggle"}:
            ws.bool_value = bool(value)
        elif kind == "selectbox" or kind == "radio":
            ws.string_value = str(value)
        elif kind == "multiselect":
            ws.string_array_value.data.extend(str(v) for v in value)
        elif kind in {"button", "form_submit_button", "download_button"}:
            ws.trigger_value = True
        else:
            raise ProtocolError(f"cannot set a {kind} widget")
        return ws

    async def set(self, label: str, value: Any, *, kind: str | None = None) -> RunResult:
        """Change one widget, as a person would, and wait for the rerun."""
        node = self.widget(label, kind)
        return await self.rerun(
            [self.state_for(node, value)],
            fragment_id=self.widget_fragments.get(node.proto.id, ""),
        )

    async def click(self, label: str, *, kind: str | None = None) -> RunResult:
        node = self.widget(label, kind)
        if node.kind not in {"button", "form_submit_button"}:
            node = self.widget(label, "button") if kind is None else node
        return await self.rerun(
            [self.state_for(node, True)],
            fragment_id=self.widget_fragments.get(node.proto.id, ""),
        )

    async def submit_form(
        self,
        values: dict[str, Any],
        button: str,
        *,
        kinds: dict[str, str] | None = None,
        form: str | None = None,
    ) -> RunResult:
        """Fill a form's fields and press its submit button in one request (as a browser does)."""
        kinds = kinds or {}
        states = [
            self.state_for(self.widget(label, kinds.get(label), form=form), v)
            for label, v in values.items()
        ]
        submit = self.widget(button, "button", form=form)
        states.append(self.state_for(submit, True))
        return await self.rerun(states, fragment_id=self.widget_fragments.get(submit.proto.id, ""))

    # -- reading the page ------------------------------------------------------------------

    def texts(self) -> list[str]:
        """Every text the page shows now (markdown, headings, alerts, captions, metrics...)."""
        out: list[str] = []
        for node in sorted(self.nodes.values(), key=lambda n: n.path):
            p = node.proto
            if node.kind in {"markdown", "heading", "text", "caption"}:
                out.append(getattr(p, "body", "") or getattr(p, "text", ""))
            elif node.kind in ALERTS:
                out.append(p.body if hasattr(p, "body") else "")
            elif node.kind == "metric":
                out.append(f"{p.label}: {p.body}")
            elif node.kind == "code":
                out.append(p.code_text)
        return out

    def alerts(self, kind: str = "error") -> list[str]:
        return [n.proto.body for n in self.nodes.values() if n.kind == kind]

    def text(self) -> str:
        return "\n".join(self.texts())

    def query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.query_string, keep_blank_values=True))

    def dump(self) -> str:
        """The page as lines of ``path kind label-or-text`` (for debugging a scenario)."""
        lines = []
        for node in sorted(self.nodes.values(), key=lambda n: n.path):
            p = node.proto
            what = getattr(p, "label", "") or getattr(p, "body", "") or ""
            lines.append(
                f"{'.'.join(map(str, node.path)):<14} {node.kind:<22} "
                f"frag={node.fragment_id[:8]:<8} {json.dumps(str(what)[:80])}"
            )
        return "\n".join(lines)


def _proto_value(proto: Any, name: str) -> Any:
    value = getattr(proto, name, None)
    if value is None:
        return None
    if hasattr(value, "__len__") and not isinstance(value, str | bytes):
        return list(value)
    return value


def dataframe_rows(node: Node) -> list[dict[str, Any]]:
    """The rows of an ``st.dataframe`` element (its Arrow IPC stream, decoded with pyarrow)."""
    import pyarrow as pa

    data = node.proto.arrow_data.data
    table = pa.ipc.open_stream(data).read_all()
    return list(table.to_pylist())


def run_async(fn: Callable[[], Awaitable[None]]) -> None:
    """``asyncio.run(fn())`` in a thread of its own, for a synchronous test driving clients
    (pytest's plugins may hold a running loop in the test's own thread); re-raises what
    ``fn`` raised."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(fn())  # type: ignore[arg-type]
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
