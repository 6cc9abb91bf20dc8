"""A participant challenges a score through the page's challenge form, as a person does: one
field at a time (each change reruns the form's fragment), then "Save challenge", timed from
the click to the form redrawn with "Challenge saved (N in all)".

The fields, by the UI contract's keys (``pb.ws.ch.*``): the option and the criterion
(selectboxes, chosen by their position in the workshop's lists: the page shows titles), the
proposed value, the range (a checkbox, then its two ends), the reason, the quote's source
(the selectbox's first choice is "no quote", then the catalog's sources in order) and the
quote. After the save the page must say "Challenge saved" with N the participant's own
challenges so far, and, for a quote, verified or unverified as the catalog's own check says
(:mod:`~benchmarks.load.plan`). A save refused because the facilitator locked the round
under the page is kept for later (the next round) and counted, not an error, once the
facilitator has pressed "Lock".
"""

from __future__ import annotations

import re
from typing import Any

from tests.support.stclient import FINISHED_OK

from benchmarks.load.page import (
    Client,
    fragment_alerts,
    is_open,
    not_open,
    resync,
    set_key,
)
from benchmarks.load.people import Participant, Session, Stats
from benchmarks.load.plan import PlannedChallenge
from policybench.present.labels import criterion_label, option_label

KEY = "pb.ws.ch"
SAVE = f"{KEY}.save"
CHALLENGE_SAVED = re.compile(r"Challenge saved \((\d+) in all\)")
#: The page's first choice of a quote's source.
NO_QUOTE = "no quote"
#: How the page begins what it says of a saved quote: as a success when it was found verbatim
#: in its source, as a warning otherwise.
QUOTE_SAID = "Your quote"


def fields(session: Session, c: PlannedChallenge) -> list[tuple[str, Any]]:
    """The (key, value) of each field to set, in the order a person fills the form (the form
    shows its other fields once an option is chosen). The selectboxes take the labels the page
    shows, made by the functions the page makes them with."""
    catalog = session.catalog
    cited = catalog.sources_by_id.get(c.source or "")
    out: list[tuple[str, Any]] = [
        (f"{KEY}.option", option_label(catalog.options_by_id[c.option])),
        (f"{KEY}.criterion", criterion_label(catalog, c.criterion)),
        (f"{KEY}.value", c.value),
        (f"{KEY}.use_range", c.low is not None),
    ]
    if c.low is not None:
        out += [(f"{KEY}.low", c.low), (f"{KEY}.high", c.high)]
    return [
        *out,
        (f"{KEY}.reason", c.reason),
        (f"{KEY}.source", cited.citation if cited is not None else NO_QUOTE),
        (f"{KEY}.quote", c.quote or ""),
    ]


async def challenge(
    client: Client, session: Session, stats: Stats, me: Participant, c: PlannedChallenge
) -> None:
    """Fill the form for ``c`` and save it; on success the save is ``me``'s last confirmed one
    for its cell, in the round the page shows."""
    for key, value in fields(session, c):
        r = await set_key(client, key, value)
        stats.other_runs += 1
        if not is_open(client, session):
            return  # redrawn closed under the form: kept for the next round
        if r is None or r.status not in FINISHED_OK or r.errors or r.exceptions:
            stats.errors.append(
                f"{me.name}: challenge field {key}: "
                + ("not on the page" if r is None else f"{r.status} {r.errors} {r.exceptions}")
            )
            me.plan.pop(0)
            return
    steady = stats.steady
    r = await set_key(client, SAVE, True)
    stats.other_runs += 1
    if not is_open(client, session):
        return  # redrawn closed just before the click: nothing sent, kept for the next round
    if r is None:
        stats.errors.append(f"{me.name}: no Save challenge button")
        me.plan.pop(0)
        return
    if steady:
        stats.challenge_ms.append(r.seconds * 1000)
    resync(client, session, stats, me)  # redrawn in another round just before: saved there
    _outcome(client, stats, me, c, r, session)


def _outcome(
    client: Client,
    stats: Stats,
    me: Participant,
    c: PlannedChallenge,
    r: Any,
    session: Session,
) -> None:
    """What the page said after the save: confirmed, refused by the lock (kept for later), or
    an error."""
    said = fragment_alerts(client, SAVE, "success")
    warned = fragment_alerts(client, SAVE, "warning")
    refused = not_open(warned + fragment_alerts(client, SAVE, "error"))
    if refused is not None:
        if session.room.closing():
            stats.refused_closed += 1  # kept in the plan: saved again once the round reopens
            me.held = True
        else:
            stats.errors.append(f"{me.name}: challenge refused, the round is {refused}")
            me.plan.pop(0)
        return
    me.plan.pop(0)
    saved = [m for m in (CHALLENGE_SAVED.search(t) for t in said) if m]
    if r.status not in FINISHED_OK or r.errors or r.exceptions or not saved:
        stats.errors.append(
            f"{me.name}: challenge not confirmed: {r.errors} {r.exceptions} {said} {warned}"
        )
        return
    mine = len(set(me.challenged) | {c.cell})
    if int(saved[0].group(1)) != mine:
        stats.errors.append(
            f"{me.name}: 'Challenge saved ({saved[0].group(1)} in all)', not {mine}"
        )
    if c.quote is not None:
        verified = any(t.replace("\\", "").startswith(QUOTE_SAID) for t in said)
        unverified = any(t.replace("\\", "").startswith(QUOTE_SAID) for t in warned)
        if (verified, unverified) != (c.verified, not c.verified):
            stats.errors.append(
                f"{me.name}: quote on {c.cell} shown as "
                f"{'verified' if verified else 'unverified' if unverified else 'neither'}, "
                f"expected {'verified' if c.verified else 'unverified'}"
            )
    me.challenged[c.cell] = (c, me.round)
    me.challenge_saves += 1
