"""Reading and driving the workshop pages by their widget keys (the UI's contract).

Streamlit puts a widget's user key at the end of its element id (``...-<key>``), so a client
speaking the protocol (:mod:`tests.support.stclient`) can find ``pb.ws.ch.save`` or
``pb.fac.next_round`` as the browser tests do, whatever its label says. :class:`Client` sets
a widget by its key; the functions read what a participant's page says (its round, whether
it is open, a refusal) and follow it into a new round (:func:`resync`).
"""

from __future__ import annotations

import re
import time
from typing import Any

from tests.support.stclient import ProtocolError, RunResult, StreamlitClient

from benchmarks.load.people import Participant, Session, Stats

#: How the participant's page says the round from round 2 on: a "Round N" heading, or a
#: "Round N" badge beside the workshop's state.
ROUND_HEADING = re.compile(r"Round (\d+)")
ROUND_BADGE = re.compile(r"-badge\[Round (\d+)\]")
#: What the store says when a write reaches a round that is no longer open (a page drawn
#: before the facilitator locked it): "the round is locked: ..." (escaped on the page).
NOT_OPEN = re.compile(r"the round is (locked|revealed|closed)")
#: The participant's submit button.
SUBMIT = "pb.ws.submit"


def slider_key(criterion: str) -> str:
    """The weight slider's key for ``criterion`` on the participant's page."""
    return f"pb.ws.w.{criterion}"


def by_key(client: StreamlitClient, key: str) -> Any | None:
    """The widget whose key is ``key`` on the page now, or None."""
    suffix = f"-{key}"
    found = [n for n in client.widgets() if n.proto.id.endswith(suffix)]
    return found[0] if found else None


def settled(client: StreamlitClient) -> bool:
    """Whether no run of the page is under way (none of ours, nor the page's own refresh):
    mid-run, the page holds the new run's first elements beside the last run's others. For
    reading the page; a refresh may still start right after (:meth:`Client.set_key` looks
    its widget up only once it holds the page)."""
    return not client._lock.locked()  # held from a request to the end of the run it caused


class Client(StreamlitClient):
    """A Streamlit client that sends ``headers`` with its page request and its websocket, as
    a browser behind a proxy arrives with the proxy's ``X-Forwarded-For``, and sets widgets
    by their keys (:meth:`set_key`)."""

    def __init__(self, *args: Any, headers: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra_headers = dict(headers or {})

    def _cookie_header(self) -> dict[str, str]:
        return {**super()._cookie_header(), **self.extra_headers}

    async def set_key(self, key: str, value: Any) -> RunResult | None:
        """:meth:`~tests.support.stclient.StreamlitClient.rerun` for the widget ``key`` set
        to ``value``, looked up once the client holds the page (its lock): a refresh under way
        or about to start (the page's own timer) would redraw it first and may give the
        widget's fragment another id, and a run asked of a fragment the server no longer has
        never finishes. None if the widget is not on the page then. Timed from the call, as a
        person waits for a redraw under way too."""
        start = time.perf_counter()
        async with self._lock:
            node = by_key(self, key)
            if node is None:
                return None
            fragment = self.widget_fragments.get(node.proto.id, "")
            before = self._finishes
            await self._send_rerun([self.state_for(node, value)], fragment_id=fragment)
            try:
                status = await self._wait_finished(before)
            except ProtocolError as exc:  # say which widget, in which fragment, on which page
                shown = "; ".join(t[:60] for t in self.texts()[:4])
                raise ProtocolError(
                    f"{exc} (setting {key} in fragment {fragment[:8] or 'none'}; the page: {shown})"
                ) from None
        took = time.perf_counter() - start
        return RunResult(took, status, list(self.run_errors), list(self.run_exceptions))


async def set_key(client: Client, key: str, value: Any) -> RunResult | None:
    """Set the widget ``key`` to ``value`` (click it, for a button) as a person does, and wait
    for the run it causes (only its fragment's, inside a fragment); None if it is not there."""
    return await client.set_key(key, value)


def page_round(client: StreamlitClient) -> int:
    """The round the participant's page shows ("Round N" as a heading or a badge), else 1."""
    for node in client.nodes.values():
        if node.kind == "heading":
            found = ROUND_HEADING.fullmatch(node.proto.body.strip())
        elif node.kind == "markdown":
            found = ROUND_BADGE.search(node.proto.body)
        else:
            continue
        if found:
            return int(found.group(1))
    return 1


def fragment_alerts(client: StreamlitClient, key: str, kind: str) -> list[str]:
    """The ``kind`` alerts ("success", "warning", "error") drawn in the fragment that holds the
    widget ``key`` (what the last run of that fragment said)."""
    node = by_key(client, key)
    if node is None:
        return []
    fragment = client.widget_fragments.get(node.proto.id, "")
    return [
        n.proto.body
        for n in sorted(client.nodes.values(), key=lambda n: n.path)
        if n.kind == kind and n.fragment_id == fragment
    ]


def not_open(texts: list[str]) -> str | None:
    """The state named by a "the round is locked" refusal among ``texts``, or None."""
    for text in texts:
        found = NOT_OPEN.search(text.replace("\\", ""))
        if found:
            return found.group(1)
    return None


def is_open(client: StreamlitClient, session: Session) -> bool:
    """Whether the participant's page shows an open round (its sliders and submit button)."""
    first = slider_key(session.shop.criteria[0])
    return by_key(client, SUBMIT) is not None and by_key(client, first) is not None


def read_weights(client: StreamlitClient, session: Session, stats: Stats, me: Participant) -> bool:
    """Take the weights the page's sliders hold (after joining, and when a round starts);
    False (and an error) if a slider is missing."""
    for cid in session.shop.criteria:
        node = by_key(client, slider_key(cid))
        if node is None:
            stats.errors.append(f"{me.name}: no weight slider for {cid}")
            return False
        me.weights[cid] = float(client.value(node)[0])
    return True


def resync(client: StreamlitClient, session: Session, stats: Stats, me: Participant) -> bool:
    """If the page now shows another round than ``me`` was in, follow it: that round's
    revisions count from 1 again, and the weights are those the page started the round from
    (it seeds its sliders anew each round: their defaults). Returns whether it did.

    A page redrawn straight from one open round to the next (its watch saw neither the lock
    nor the reveal) keeps the sliders it had, ids and all, and a browser would go on showing
    their old positions (``Stats.stale_sliders`` counts these); this client takes the
    server's values, which the ranking on the page is drawn from."""
    shown = page_round(client)
    if shown == me.round:
        return False
    me.round, me.revision = shown, 0
    stale = False
    for cid in session.shop.criteria:
        node = by_key(client, slider_key(cid))
        if node is None:
            stats.errors.append(f"{me.name}: no weight slider for {cid} in round {shown}")
            return True
        seeded = [float(x) for x in node.proto.default]
        stale = stale or client.values.get(node.proto.id) != seeded
        client.values[node.proto.id] = seeded
        me.weights[cid] = seeded[0]
    stats.stale_sliders += stale
    return True
