"""The load test's clients: participants and facilitators driving the workshop pages through
Streamlit's websocket protocol (:mod:`tests.support.stclient`), and what they measure.

A participant joins through the join link, then until the time is up waits 1–2 s, moves one
weight slider to a new value and waits for the re-ranked page, and (every ``submit_every``
changes) presses the submit button and waits for "Saved (revision N)"; every ``check_every``
changes the ranking it was shown is compared with policybench's own. A facilitator signs in
and keeps its monitor refreshing, recording how many submissions it shows.

In the one-address scenario every client says, in ``X-Forwarded-For``, that it comes from the
same address (a room behind one proxy or NAT), and a mistyper first opens the workshop with
wrong join codes and wrong personal links until refused (:func:`run_mistyper`).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

from tests.support.stclient import FINISHED_OK, ProtocolError, StreamlitClient, dataframe_rows

from benchmarks.load.expected import own_order

SAVED = re.compile(r"Saved \(revision (\d+)\)")
SUBMIT_LABELS = ("Submit my weights", "Save my revised weights")
PASSPHRASE = "load test passphrase"


@dataclass
class Stats:
    """What every client adds to: times in ms (counted in the steady window only), errors."""

    change_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    join_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rank_checks: int = 0
    steady: bool = False


@dataclass
class Participant:
    """One participant: their weights now, and what the store confirmed last."""

    name: str
    token: str = ""
    weights: dict[str, float] = field(default_factory=dict)
    confirmed: dict[str, float] | None = None
    revision: int = 0
    changes: int = 0
    submits: int = 0
    auto_runs: int = 0  # the page's own refreshes of the group's result
    client: Any = None


@dataclass(frozen=True)
class Session:
    """Where the participants go and what they need to check what they are shown;
    ``headers``: what every client adds to its requests (the one-address scenario's
    ``X-Forwarded-For``)."""

    base: str
    code: str
    shop: Any
    catalog: Any
    args: argparse.Namespace
    ssl_context: ssl.SSLContext | None
    headers: dict[str, str] = field(default_factory=dict)


class Client(StreamlitClient):
    """A Streamlit client that sends ``headers`` with its page request and its websocket, as
    a browser behind a proxy arrives with the proxy's ``X-Forwarded-For``."""

    def __init__(self, *args: Any, headers: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra_headers = dict(headers or {})

    def _cookie_header(self) -> dict[str, str]:
        return {**super()._cookie_header(), **self.extra_headers}


async def run_participant(
    i: int, session: Session, stats: Stats, me: Participant, start_at: float, stop_at: float
) -> None:
    """Join at ``start_at``, then change weights and submit until ``stop_at``."""
    args = session.args
    rng = random.Random(args.seed * 1000 + i)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    client = Client(
        session.base, page="workshop", query=f"code={session.code}", name=me.name,
        ssl_context=session.ssl_context, timeout=args.timeout, headers=session.headers,
    )  # fmt: skip
    me.client = client
    try:
        sliders = await _join(client, session, stats, me)
        while sliders and time.monotonic() < stop_at:
            await asyncio.sleep(rng.uniform(*args.interval))
            if time.monotonic() >= stop_at:
                break
            if not await _change_weight(client, session, stats, me, sliders, rng):
                continue
            if me.changes % args.submit_every == 0:
                await _submit(client, stats, me)
    except ProtocolError as exc:
        stats.errors.append(f"{me.name}: {exc}")
    finally:
        me.auto_runs = client.auto_rerun_count
        await client.close()


async def _join(
    client: StreamlitClient, session: Session, stats: Stats, me: Participant
) -> list[Any]:
    """Connect and join under ``me.name``; the weight sliders, or [] (and an error) if the
    join failed."""
    t0 = time.perf_counter()
    await client.connect()
    r = await client.submit_form(
        {"Your display name": me.name},
        "Join the workshop",
        kinds={"Your display name": "text_input"},
        form="join",
    )
    stats.join_ms.append((time.perf_counter() - t0) * 1000)
    me.token = client.query().get("p", "")
    if r.status not in FINISHED_OK or not me.token or r.errors or r.exceptions:
        stats.errors.append(
            f"{me.name}: join failed: {r.errors or r.exceptions or client.query_string}"
        )
        return []
    sliders = client.widgets("slider")
    criteria = session.shop.criteria
    if len(sliders) != len(criteria):
        stats.errors.append(f"{me.name}: {len(sliders)} sliders for {len(criteria)} criteria")
        return []
    for node, cid in zip(sliders, criteria, strict=True):
        me.weights[cid] = float(client.value(node)[0])
    return sliders


async def _change_weight(
    client: StreamlitClient,
    session: Session,
    stats: Stats,
    me: Participant,
    sliders: list[Any],
    rng: random.Random,
) -> bool:
    """Move one slider to a new value (never leaving every weight zero) and wait for the
    re-ranked page; every ``check_every`` changes, check the ranking shown. False if the
    change failed (an error is recorded)."""
    criteria = session.shop.criteria
    k = rng.randrange(len(criteria))
    cid = criteria[k]
    choices = [float(v) for v in range(0, 11) if float(v) != me.weights[cid]]
    if sum(w for c, w in me.weights.items() if c != cid) == 0:
        choices = [v for v in choices if v > 0]
    value = rng.choice(choices)
    node = client.widget(sliders[k].proto.label, "slider")
    steady = stats.steady
    r = await client.rerun(
        [client.state_for(node, value)],
        fragment_id=client.widget_fragments.get(node.proto.id, ""),
    )
    me.weights[cid] = value
    me.changes += 1
    if steady:
        stats.change_ms.append(r.seconds * 1000)
    if r.status not in FINISHED_OK or r.errors or r.exceptions:
        stats.errors.append(
            f"{me.name}: weight change: status {r.status} {r.errors} {r.exceptions}"
        )
        return False
    tables = [n for n in client.nodes.values() if n.kind == "dataframe"]
    if not tables:
        stats.errors.append(f"{me.name}: no ranking after a weight change")
    elif me.changes % session.args.check_every == 0:
        shown = [row["option"] for row in dataframe_rows(min(tables, key=lambda n: n.path))]
        stats.rank_checks += 1
        if shown != own_order(session.catalog, session.shop, me.weights):
            stats.errors.append(
                f"{me.name}: ranking shown differs from policybench's for {me.weights}"
            )
    return True


async def _submit(client: StreamlitClient, stats: Stats, me: Participant) -> None:
    """Press the submit button and wait for "Saved (revision N)", N the next revision."""
    button = next((b for b in client.widgets("button") if b.proto.label in SUBMIT_LABELS), None)
    if button is None:
        stats.errors.append(f"{me.name}: no submit button")
        return
    steady = stats.steady
    r = await client.rerun(
        [client.state_for(button, True)],
        fragment_id=client.widget_fragments.get(button.proto.id, ""),
    )
    if steady:
        stats.submit_ms.append(r.seconds * 1000)
    saved = [m for m in (SAVED.search(t) for t in client.alerts("success")) if m]
    if r.status not in FINISHED_OK or r.errors or r.exceptions or not saved:
        stats.errors.append(f"{me.name}: submit not confirmed: {r.errors} {r.exceptions}")
        return
    revision = int(saved[0].group(1))
    if revision != me.revision + 1:
        stats.errors.append(f"{me.name}: revision {revision} after {me.revision}")
    me.revision = revision
    me.confirmed = dict(me.weights)
    me.submits += 1


def facilitator(
    label: str, url: str, code: str, timeout: float, headers: dict[str, str] | None = None
) -> StreamlitClient:
    """A facilitator page's client (not yet connected: :func:`run_facilitator` does that)."""
    return Client(
        url, page="facilitate", query=f"code={code}", name=label, timeout=timeout, headers=headers
    )


#: How many times the mistyper tries a wrong join code, then a wrong personal link.
MISTAKES = 20


async def run_mistyper(session: Session, stats: Stats) -> dict[str, Any]:
    """One person in the room mistypes: :data:`MISTAKES` wrong join codes, then as many wrong
    personal links, each in a fresh page as a browser opens a typed address. Returns how
    many of each were refused as "too many" and at which attempt the refusals began; an
    attempt that shows neither the plain refusal nor "too many" is an error."""
    out: dict[str, Any] = {"attempts": MISTAKES}
    for kind in ("codes", "links"):
        refused: list[bool] = []
        for k in range(MISTAKES):
            query = (
                f"code=ZZZZZZZZZZZ{k:02d}"
                if kind == "codes"
                else f"code={session.code}&p=not-a-token-{k:02d}"
            )
            client = Client(
                session.base, page="workshop", query=query, name=f"mistyper {kind} {k + 1}",
                ssl_context=session.ssl_context, timeout=session.args.timeout,
                headers=session.headers,
            )  # fmt: skip
            try:
                await client.connect()
                errors = client.alerts("error")
            except ProtocolError as exc:
                stats.errors.append(f"mistyper: {exc}")
                errors = []
            finally:
                await client.close()
            limited = any("too many" in e for e in errors)
            if not limited and not any("does not open a workshop" in e for e in errors):
                stats.errors.append(f"mistyper, wrong {kind} {k + 1}: shown {errors}")
            refused.append(limited)
        out[f"{kind}_refused"] = sum(refused)
        out[f"{kind}_refused_from"] = refused.index(True) + 1 if any(refused) else None
    return out


async def run_facilitator(
    client: StreamlitClient, code: str, stats: Stats, stop: asyncio.Event
) -> None:
    """Sign in on the facilitator page and keep it open, refreshing by itself, until ``stop``;
    an error shown after any of its refreshes is recorded."""
    try:
        await client.connect()
        r = await client.submit_form(
            {"Join code": code, "Passphrase": PASSPHRASE},
            "Sign in",
            kinds={"Join code": "text_input", "Passphrase": "text_input"},
            form="sign_in",
        )
        if r.status not in FINISHED_OK or r.errors or r.exceptions:
            stats.errors.append(f"{client.name}: sign-in failed: {r.errors} {r.exceptions}")
            return
        last_runs = 0
        while not stop.is_set():
            await asyncio.sleep(0.5)
            if client.auto_rerun_count != last_runs:
                last_runs = client.auto_rerun_count
                if client.run_errors or client.run_exceptions:
                    stats.errors.append(
                        f"{client.name}: {client.run_errors} {client.run_exceptions}"
                    )
            if client.closed_reason:
                stats.errors.append(f"{client.name}: connection lost: {client.closed_reason}")
                break
    except ProtocolError as exc:
        stats.errors.append(f"{client.name}: {exc}")


def submissions_shown(client: StreamlitClient) -> int | None:
    """The facilitator page's "Submissions" figure."""
    for node in client.nodes.values():
        if node.kind == "metric" and node.proto.label == "Submissions":
            try:
                return int(node.proto.body)
            except ValueError:
                return None
    return None


def group_table(client: StreamlitClient) -> list[str] | None:
    """The option labels of the facilitator page's group ranking, best first."""
    for node in sorted(client.nodes.values(), key=lambda n: n.path):
        if node.kind == "dataframe":
            rows = dataframe_rows(node)
            if rows and {"rank", "option", "value"} <= set(rows[0]):
                return [str(r["option"]) for r in rows]
    return None
