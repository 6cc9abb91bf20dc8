"""What the load test's participants will challenge, decided before the room joins.

Each participant challenges one to three scores over the steady window, so that the room
holds about ``total`` distinct challenges (one per participant and cell, as the store keeps
them). The cells come from a pool smaller than the challenges, so several people dispute the
same scores, as a room does; about a third of the participants come back later to revise one
of theirs (a second save of the same cell, with another value), so "the store holds the last
confirmed value" is tested, not only "the store holds something".

Some challenges carry a quote: a verbatim one (a quote the catalog itself cites, which stands
in the seeds) or one that is not verbatim (the same words in reverse order). Whether each
should come back verified is decided here by the catalog's own check
(:class:`~policybench.catalog.verbatim.SourceTexts`) against the texts the servers are given,
as :mod:`~benchmarks.load.expected` decides what a ranking should be; the page and the store
must agree with it.

Everything is drawn from ``random.Random(seed)``: the same arguments give the same plan.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from policybench.catalog import Catalog
from policybench.catalog.verbatim import SourceTexts
from policybench.store.checks import QUOTE_MAX

#: The proposed scores a challenge may give: the page's number input, 0–10 in steps of 0.5.
VALUES = tuple(k / 2 for k in range(21))
#: Shares of the challenges with a verbatim quote, and with a quote that is not verbatim.
VERBATIM_SHARE = 0.35
ALTERED_SHARE = 0.15
#: Share of the challenges proposing a range around the value.
RANGE_SHARE = 0.3
#: Share of the participants who revise one of their challenges later.
REVISE_SHARE = 1 / 3
#: Challenges fall due between these fractions of the steady window.
EARLIEST, LATEST = 0.05, 0.9

Cell = tuple[str, str]


@dataclass(frozen=True)
class PlannedChallenge:
    """One save of the challenge form: what is typed, and what the server should make of it.

    ``at``: when it falls due, as a fraction of the steady window; ``revision``: a second save
    of a cell the participant challenged before; ``verified``: what the catalog's own check
    says of the quote against the servers' texts (False without a quote, or without texts)."""

    option: str
    criterion: str
    value: float
    low: float | None
    high: float | None
    reason: str
    quote: str | None
    source: str | None
    verified: bool
    revision: bool
    at: float

    @property
    def cell(self) -> Cell:
        return (self.option, self.criterion)


def counts(participants: int, total: int, rng: random.Random) -> list[int]:
    """How many distinct cells each participant challenges: 1 to 3 each, summing to
    ``total`` clamped to what that allows (``participants`` to three times as many)."""
    if participants < 1:
        return []
    wanted = min(max(total, participants), 3 * participants)
    out = [1] * participants
    room = [i for i in range(participants) for _ in range(2)]  # each may take two more
    for i in rng.sample(room, wanted - participants):
        out[i] += 1
    return out


def pool(
    options: Sequence[str], criteria: Sequence[str], size: int, rng: random.Random
) -> list[Cell]:
    """``size`` distinct cells (option, criterion) of those in play, in a random order."""
    cells = [(o, c) for o in options for c in criteria]
    return rng.sample(cells, min(max(3, size), len(cells)))


def plan(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    participants: int,
    total: int,
    seed: int,
    texts: SourceTexts | None,
) -> list[list[PlannedChallenge]]:
    """Each participant's challenge saves, in the order they fall due."""
    rng = random.Random(f"challenges {seed}")
    per_person = counts(participants, total, rng)
    # the page offers no challenge of the status quo: its scores are the reference level
    challengeable = [o for o in options if not catalog.options_by_id[o].baseline]
    cells = pool(challengeable, criteria, round(0.4 * sum(per_person)), rng)
    quotes = _quotes(catalog)
    plans: list[list[PlannedChallenge]] = []
    for i, k in enumerate(per_person):
        mine = rng.sample(cells, min(k, len(cells)))
        times = sorted(rng.uniform(EARLIEST, LATEST) for _ in mine)
        saves = [
            _challenge(catalog, cell, at, rng, quotes, texts, f"Participant {i + 1:02d}")
            for cell, at in zip(mine, times, strict=True)
        ]
        if rng.random() < REVISE_SHARE:
            first = saves[0]
            saves.append(_revised(catalog, first, rng.uniform(first.at, LATEST + 0.05), rng))
        plans.append(sorted(saves, key=lambda c: c.at))
    return plans


def last_saves(saves: Sequence[PlannedChallenge]) -> dict[Cell, PlannedChallenge]:
    """The last planned save of each cell (what the store should hold if all are confirmed)."""
    return {c.cell: c for c in saves}


def expected_verified(texts: SourceTexts | None, source: str | None, quote: str | None) -> bool:
    """Whether the server should mark the quote verified: as the app checks it
    (:func:`policybench.ui.components.sources.check`), with the same texts."""
    if texts is None or source is None or quote is None or source not in texts.texts:
        return False
    return texts.check(source, quote) is None


def server_texts(catalog: Catalog, folder: Path | None) -> SourceTexts | None:
    """The source texts a server given ``folder`` as ``POLICYBENCH_SOURCES`` checks quotes
    against, read as the app reads them (each source's ``file`` in that folder; None for no
    folder or no readable text)."""
    if folder is None or not folder.is_dir():
        return None
    found: dict[str, tuple[str, str]] = {}
    for source in catalog.sources:
        path = folder / source.file
        if os.path.basename(source.file) == source.file and path.is_file():
            found[source.id] = (source.file, path.read_text(encoding="utf-8"))
    return SourceTexts(found) if found else None


def _quotes(catalog: Catalog) -> dict[Cell | str, list[tuple[str, str]]]:
    """The catalog's quotes (source, text) by cell, and every one under "" (for a cell that
    cites none), each short enough for the form."""
    found: dict[Cell | str, list[tuple[str, str]]] = {"": []}
    for option in catalog.options:
        for cid, score in option.scores.items():
            cited = [(q.source, q.text) for q in score.quotes if len(q.text) <= QUOTE_MAX]
            found[(option.id, cid)] = cited
            found[""] += cited
    return found


def _challenge(
    catalog: Catalog,
    cell: Cell,
    at: float,
    rng: random.Random,
    quotes: dict[Cell | str, list[tuple[str, str]]],
    texts: SourceTexts | None,
    who: str,
) -> PlannedChallenge:
    now = float(catalog.options_by_id[cell[0]].scores[cell[1]].value)
    value = rng.choice([v for v in VALUES if v != now and abs(v - now) <= 3])
    low, high = _range(value, rng)
    quote = source = None
    kind = rng.random()
    if kind < VERBATIM_SHARE + ALTERED_SHARE:
        source, quote = rng.choice(quotes.get(cell) or quotes[""])
        if kind >= VERBATIM_SHARE:  # the same words, in reverse order: not verbatim
            quote = " ".join(reversed(quote.split()))
        quote = quote.strip()
    reason = (
        f"{who}: the texts support {value:g} here rather than the catalog's {now:g}; "
        "the rationale leaves out what the sources say about this."
    )
    return PlannedChallenge(
        cell[0], cell[1], value, low, high, reason, quote, source,
        expected_verified(texts, source, quote), False, at,
    )  # fmt: skip


def _revised(
    catalog: Catalog, first: PlannedChallenge, at: float, rng: random.Random
) -> PlannedChallenge:
    """A second save of ``first``'s cell with another value (the range moved with it)."""
    now = float(catalog.options_by_id[first.option].scores[first.criterion].value)
    value = rng.choice([v for v in VALUES if v not in (now, first.value)])
    low, high = (None, None) if first.low is None else _range(value, rng, always=True)
    return PlannedChallenge(
        first.option, first.criterion, value, low, high,
        first.reason + " Revised after hearing the room.", first.quote, first.source,
        first.verified, True, at,
    )  # fmt: skip


def _range(
    value: float, rng: random.Random, *, always: bool = False
) -> tuple[float | None, float | None]:
    if not always and rng.random() >= RANGE_SHARE:
        return None, None
    return max(0.0, value - 1.0), min(10.0, value + 1.0)
