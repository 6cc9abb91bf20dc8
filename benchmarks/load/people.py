"""What the load test's clients share: where they go (:class:`Session`), what each
participant did and had confirmed (:class:`Participant`), what all of them measured
(:class:`Stats`), and the rounds as the facilitator moves them (:class:`Room`)."""

from __future__ import annotations

import argparse
import ssl
from dataclasses import dataclass, field
from typing import Any

from benchmarks.load.plan import Cell, PlannedChallenge


@dataclass
class Room:
    """The rounds as the load test drives them, shared by every client.

    ``locking_at``: when the facilitator pressed "Lock" (monotonic seconds), None before;
    ``opened_at``: when round 2 was open in the store; ``steps``: each step's record."""

    round: int = 1
    locking_at: float | None = None
    opened_at: float | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def closing(self) -> bool:
        """Whether the facilitator has started closing round 1 (so a refusal is expected)."""
        return self.locking_at is not None

    def via(self) -> str:
        """How the steps were taken, in a phrase for the report."""
        ways = sorted({s["via"] for s in self.steps})
        return " and ".join(ways) if ways else "not taken"


@dataclass
class Stats:
    """What every client adds to: times in ms (counted in the steady window only), errors.

    ``refused_closed``: writes refused because the facilitator had locked the round under the
    page (expected while the room moves to the next round; an error before the lock);
    ``other_runs``: script runs that are neither a weight change nor a submit (the challenge
    form's fields, the facilitator's steps), counted for the CPU per run."""

    change_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    challenge_ms: list[float] = field(default_factory=list)
    join_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rank_checks: int = 0
    refused_closed: int = 0
    #: pages redrawn straight into the next round with their sliders where they were
    stale_sliders: int = 0
    other_runs: int = 0
    steady: bool = False


@dataclass
class Participant:
    """One participant: their weights now, what they will challenge, and what the store
    confirmed last (submissions by round, challenges by cell)."""

    name: str
    token: str = ""
    weights: dict[str, float] = field(default_factory=dict)
    round: int = 1
    #: the current round's last confirmed revision
    revision: int = 0
    #: round → (revision, weights) as confirmed last in that round
    confirmed: dict[int, tuple[int, dict[str, float]]] = field(default_factory=dict)
    #: the challenge saves still to make, in the order they fall due
    plan: list[PlannedChallenge] = field(default_factory=list)
    planned: int = 0
    #: cell → (the last confirmed save, the round it was confirmed in)
    challenged: dict[Cell, tuple[PlannedChallenge, int]] = field(default_factory=dict)
    changes: int = 0
    submits: int = 0
    challenge_saves: int = 0
    #: a write was just refused by the lock: wait for the page to say the round is closed
    held: bool = False
    auto_runs: int = 0  # the page's own refreshes of the group's result
    client: Any = None

    def due(self, now: float, window: tuple[float, float]) -> PlannedChallenge | None:
        """The next planned challenge if its time in ``window`` (start, end) has come."""
        if not self.plan:
            return None
        start, end = window
        first = self.plan[0]
        return first if now >= start + first.at * (end - start) else None


@dataclass(frozen=True)
class Session:
    """Where the participants go and what they need to check what they are shown;
    ``headers``: what every client adds to its requests (the one-address scenario's
    ``X-Forwarded-For``); ``room``: the rounds as the facilitator moves them."""

    base: str
    code: str
    shop: Any
    catalog: Any
    args: argparse.Namespace
    ssl_context: ssl.SSLContext | None
    headers: dict[str, str] = field(default_factory=dict)
    room: Room = field(default_factory=Room)
