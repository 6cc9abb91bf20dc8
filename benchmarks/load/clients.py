"""The load test's clients: participants and facilitators driving the workshop pages through
Streamlit's websocket protocol (:mod:`tests.support.stclient`), and what they measure.

A participant joins through the join link, then until the time is up waits 1–2 s and does
one thing: when one of its planned challenges has fallen due (:mod:`~benchmarks.load.plan`),
it challenges that score through the page's form (:mod:`~benchmarks.load.challenging`);
otherwise it moves one weight slider to a new value and waits for the re-ranked page, and
(every ``submit_every`` changes) presses the submit button and waits for "Saved (revision
N)". Every ``check_every`` changes the ranking it was shown is compared with policybench's
own. While its page says the round is not open (the facilitator locked it, revealed the
result), it waits, as a person does, until the page's own watch redraws it open; a page
showing "Round N" is in round N, with its revisions counted from 1 again and its weights as
the page starts them (the participant's previous round's). A write refused because the
round was locked under the page is counted once the facilitator has pressed "Lock"
(:class:`~benchmarks.load.rounds.Room`), and is an error before.

A facilitator signs in and keeps its monitor refreshing, recording how many submissions it
shows (one of them also moves the room to round 2: :mod:`~benchmarks.load.rounds`).

In the one-address scenario every client says, in ``X-Forwarded-For``, that it comes from the
same address (a room behind one proxy or NAT), and a mistyper first opens the workshop with
wrong join codes and wrong personal links until refused (:func:`run_mistyper`).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from typing import Any

from tests.support.stclient import FINISHED_OK, ProtocolError, dataframe_rows

from benchmarks.load.challenging import challenge
from benchmarks.load.expected import own_order
from benchmarks.load.page import (
    SUBMIT,
    Client,
    fragment_alerts,
    is_open,
    not_open,
    page_round,
    read_weights,
    resync,
    set_key,
    settled,
    slider_key,
)
from benchmarks.load.people import Participant, Session, Stats

SAVED = re.compile(r"Saved \(revision (\d+)\)")
PASSPHRASE = "load test passphrase"
#: Seconds between two looks at a page that says the round is not open.
WAIT_S = 0.5
#: After a write refused by the lock, the longest a participant waits for its page to say so
#: (the page's watch looks every 5 s) before going on.
HOLD_S = 15.0


async def run_participant(
    i: int,
    session: Session,
    stats: Stats,
    me: Participant,
    start_at: float,
    window: tuple[float, float],
) -> None:
    """Join at ``start_at``, then challenge, change weights and submit until the end of
    ``window`` (the steady window: start, end; the planned challenges fall due in it)."""
    args = session.args
    rng = random.Random(args.seed * 1000 + i)
    stop_at = window[1]
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    client = Client(
        session.base, page="workshop", query=f"code={session.code}", name=me.name,
        ssl_context=session.ssl_context, timeout=args.timeout, headers=session.headers,
    )  # fmt: skip
    me.client = client
    try:
        joined = await _join(client, session, stats, me)
        while joined and time.monotonic() < stop_at:
            await asyncio.sleep(rng.uniform(*args.interval))
            if time.monotonic() >= stop_at or not await _wait_open(
                client, session, stats, me, stop_at
            ):
                break
            due = me.due(time.monotonic(), window)
            if due is not None:
                await challenge(client, session, stats, me, due)
                continue
            if not await _change_weight(client, session, stats, me, rng):
                continue
            if me.changes % args.submit_every == 0:
                await _submit(client, session, stats, me)
    except ProtocolError as exc:  # its message names the client already
        stats.errors.append(str(exc) if str(exc).startswith(me.name) else f"{me.name}: {exc}")
    except Exception as exc:  # a page this client cannot read: an error of the run, not a crash
        stats.errors.append(f"{me.name}: {type(exc).__name__}: {exc}")
    finally:
        me.auto_runs = client.auto_rerun_count
        await client.close()


async def _join(client: Client, session: Session, stats: Stats, me: Participant) -> bool:
    """Connect and join under ``me.name``; False (and an error) if the join failed."""
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
        return False
    return read_weights(client, session, stats, me)


async def _wait_open(
    client: Client, session: Session, stats: Stats, me: Participant, stop_at: float
) -> bool:
    """Wait while the page says the round is not open (until ``stop_at``: then False); a
    page in another round starts that round's count of revisions from its own weights.
    After a refusal by the lock, first wait for the page to show the round closed."""
    if me.held:
        until = min(stop_at, time.monotonic() + HOLD_S)
        while is_open(client, session) and page_round(client) == me.round:
            if time.monotonic() >= until:
                break
            await asyncio.sleep(WAIT_S)
        me.held = False
    while not (settled(client) and is_open(client, session)):
        if client.closed_reason:
            raise ProtocolError(f"{me.name}: connection lost: {client.closed_reason}")
        if time.monotonic() >= stop_at:
            return False
        await asyncio.sleep(WAIT_S)
    resync(client, session, stats, me)
    return time.monotonic() < stop_at


async def _change_weight(
    client: Client,
    session: Session,
    stats: Stats,
    me: Participant,
    rng: random.Random,
) -> bool:
    """Move one slider to a new value (never leaving every weight zero) and wait for the
    re-ranked page; every ``check_every`` changes, check the ranking shown. False if the
    change failed (an error is recorded) or the page was redrawn closed under it."""
    criteria = session.shop.criteria
    cid = criteria[rng.randrange(len(criteria))]
    choices = [float(v) for v in range(0, 11) if float(v) != me.weights[cid]]
    if sum(w for c, w in me.weights.items() if c != cid) == 0:
        choices = [v for v in choices if v > 0]
    value = rng.choice(choices)
    steady = stats.steady
    r = await set_key(client, slider_key(cid), value)
    if r is None or not is_open(client, session):
        return False  # the page was redrawn with the round locked: nothing to measure
    me.weights[cid] = value
    resync(client, session, stats, me)  # redrawn in another round just before: its weights
    me.changes += 1
    if steady:
        stats.change_ms.append(r.seconds * 1000)
    if r.status not in FINISHED_OK or r.errors or r.exceptions:
        stats.errors.append(
            f"{me.name}: weight change: status {r.status} {r.errors} {r.exceptions}"
        )
        return False
    if me.changes % session.args.check_every == 0:
        shown = own_ranking(client)
        if shown is None:
            stats.errors.append(f"{me.name}: no ranking after a weight change")
            return False
        stats.rank_checks += 1
        if shown != own_order(session.catalog, session.shop, me.weights):
            stats.errors.append(
                f"{me.name}: ranking shown differs from policybench's for {me.weights}"
            )
    return True


async def _submit(client: Client, session: Session, stats: Stats, me: Participant) -> None:
    """Press the submit button and wait for "Saved (revision N)", N the next revision of
    the round the page shows; a refusal because the round was locked under the page is
    counted (after the facilitator's "Lock") or an error (before)."""
    steady = stats.steady
    r = await set_key(client, SUBMIT, True)
    if not is_open(client, session):
        return  # redrawn closed just before the click: the button was gone, nothing sent
    if r is None:
        stats.errors.append(f"{me.name}: no submit button on a page with its round open")
        return
    if steady:
        stats.submit_ms.append(r.seconds * 1000)
    resync(client, session, stats, me)  # redrawn in another round just before: it went there
    refused = not_open(fragment_alerts(client, SUBMIT, "warning"))
    if refused is not None:
        if session.room.closing():
            stats.refused_closed += 1
            me.held = True
        else:
            stats.errors.append(f"{me.name}: submit refused, the round is {refused}")
        return
    said = fragment_alerts(client, SUBMIT, "success")
    saved = [m for m in (SAVED.search(t) for t in said) if m]
    if r.status not in FINISHED_OK or r.errors or r.exceptions or not saved:
        stats.errors.append(f"{me.name}: submit not confirmed: {r.errors} {r.exceptions}")
        return
    revision = int(saved[0].group(1))
    if revision != me.revision + 1:
        stats.errors.append(
            f"{me.name}: revision {revision} after {me.revision} in round {me.round}"
        )
    me.revision = revision
    me.confirmed[me.round] = (revision, dict(me.weights))
    me.submits += 1


def facilitator(
    label: str, url: str, code: str, timeout: float, headers: dict[str, str] | None = None
) -> Client:
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


async def run_facilitator(client: Client, code: str, stats: Stats, stop: asyncio.Event) -> None:
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


def own_ranking(client: Client) -> list[str] | None:
    """The options (ids) of the participant's own ranking, best first: the page's first table
    with a rank, an option and a score (the group's tables have no score)."""
    for node in sorted(client.nodes.values(), key=lambda n: n.path):
        if node.kind == "dataframe":
            rows = dataframe_rows(node)
            if rows and {"rank", "option", "score"} <= set(rows[0]):
                return [str(r["option"]) for r in rows]
    return None


def submissions_shown(client: Client) -> int | None:
    """The facilitator page's "Submissions" figure."""
    for node in client.nodes.values():
        if node.kind == "metric" and node.proto.label == "Submissions":
            try:
                return int(node.proto.body)
            except ValueError:
                return None
    return None


def group_table(client: Client) -> list[str] | None:
    """The option labels of the facilitator page's group ranking, best first."""
    for node in sorted(client.nodes.values(), key=lambda n: n.path):
        if node.kind == "dataframe":
            rows = dataframe_rows(node)
            if rows and {"rank", "option", "value"} <= set(rows[0]):
                return [str(r["option"]) for r in rows]
    return None
