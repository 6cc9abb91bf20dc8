"""Contested scores and rounds as people read them: the facilitator's tables and sentences
and the export's, built from :mod:`policybench.analysis.contest` and
:mod:`policybench.analysis.rounds`.

Numbers are rounded for a room (scores to one decimal on the 0–10 scale, Kendall's W and tau
to two, shares to three); options are listed by title (``label``, the status quo marked)
beside their ``option`` id, criteria by name (``criterion``) beside ``criterion_id``.
Participants' reasons and quotes are their own text: they go out unchanged, as data (a table
cell), never pre-formatted as Markdown or HTML; whoever shows them escapes them for where they
go (:mod:`policybench.present.text`). A quote is marked ``verified`` only when the server
found it verbatim in the source it names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence, Sized
from typing import Any, Protocol

import numpy as np
import pandas as pd

from policybench.analysis.contest import ContestedCell, IfRoomRight
from policybench.analysis.rounds import Convergence
from policybench.catalog import Catalog
from policybench.present.labels import criterion_label, movement, option_label
from policybench.present.text import fold
from policybench.present.workshop import agreement_words

#: Small numbers in words, for "the top five".
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


class ChallengeLike(Protocol):
    """What the reasons table reads from a challenge (the store's ``Challenge`` is one)."""

    @property
    def display_name(self) -> str: ...
    @property
    def option(self) -> str: ...
    @property
    def criterion(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def low(self) -> float | None: ...
    @property
    def high(self) -> float | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def quote(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def verified(self) -> bool: ...


# ------------------------------------------------------------------------------ words
def ordinal(n: int) -> str:
    """``1`` → ``"1st"``, ``2`` → ``"2nd"``, ``11`` → ``"11th"``, ``23`` → ``"23rd"``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def score_text(value: float) -> str:
    """A score on the 0–10 scale as a room reads it: ``6``, ``6.5`` (one decimal at most)."""
    return f"{round(float(value), 1):g}"


def range_text(low: float | None, high: float | None) -> str:
    """``"5–7"`` (one decimal at most); ``""`` without a range."""
    if low is None or high is None:
        return ""
    return f"{score_text(low)}–{score_text(high)}"


def _pairs(n: float) -> str:
    return f"{n:g} pair{'' if n == 1 else 's'} of options change{'s' if n == 1 else ''} order"


def impact_words(cell: ContestedCell) -> str:
    """What adopting the room's median for ``cell`` would do to the group's ranking, e.g.
    ``"Rises from 4th to 1st; 3 pairs of options change order"``."""
    if cell.impact == 0:
        return "No change to the group's ranking"
    before, after = ordinal(cell.rank_before), ordinal(cell.rank_after)
    if cell.rank_change > 0:
        own = f"Rises from {before} to {after}"
    elif cell.rank_change < 0:
        own = f"Falls from {before} to {after}"
    else:
        own = f"Stays {before}"
    return f"{own}; {_pairs(cell.impact)}"


def adjusted_label(adjusted: int | Sized) -> str:
    """``"1 score adjusted in this workshop"``, ``"2 scores adjusted in this workshop"``, or
    ``""`` when none was (``adjusted`` is a count, or the cells, e.g.
    :attr:`~policybench.analysis.workshop.GroupResult.adjusted`)."""
    n = adjusted if isinstance(adjusted, int) else len(adjusted)
    if n <= 0:
        return ""
    return f"{n} score{'' if n == 1 else 's'} adjusted in this workshop"


def top_words(top: int) -> str:
    """``5`` → ``"the top five"``; ``12`` → ``"the top 12"``; ``1`` → ``"first place"``."""
    if top == 1:
        return "first place"
    return f"the top {_NUMBER_WORDS[top - 1] if top <= len(_NUMBER_WORDS) else top}"


def _listed(titles: Sequence[str]) -> str:
    if len(titles) <= 2:
        return " and ".join(titles)
    return ", ".join(titles[:-1]) + " and " + titles[-1]


def room_right_sentence(catalog: Catalog, result: IfRoomRight) -> str:
    """``"If the room is right, tau 0.83; Summits enters the top five, Liaison leaves it."``
    (Kendall's tau-b between the group's ranking with the catalog's scores and with the
    room's medians)."""
    tau = "tau undefined" if not math.isfinite(result.tau) else f"tau {result.tau:.2f}"
    top = top_words(result.top)
    title = {o: option_label(catalog.options_by_id[o]) for o in result.option_ids}
    parts = []
    if result.entering:
        verb = "enters" if len(result.entering) == 1 else "enter"
        parts.append(f"{_listed([title[o] for o in result.entering])} {verb} {top}")
    if result.leaving:
        verb = "leaves" if len(result.leaving) == 1 else "leave"
        parts.append(f"{_listed([title[o] for o in result.leaving])} {verb} it")
    if not parts:
        change = "the ranking stays the same" if not result.changed else f"{top} stays the same"
        return f"If the room is right, {tau}; {change}."
    if not result.entering:  # "leaves it" needs the top named
        parts[0] = parts[0].removesuffix(" it") + f" {top}"
    return f"If the room is right, {tau}; {', '.join(parts)}."


# ------------------------------------------------------------------------------ tables
def contested_table(catalog: Catalog, cells: Sequence[ContestedCell]) -> pd.DataFrame:
    """The contested scores, in the order given (most consequential first, as
    :func:`~policybench.analysis.contest.contested` sorts them).

    Columns: ``option`` (id), ``label`` (title), ``criterion_id``, ``criterion`` (name),
    ``catalog`` (the catalog's score) and ``range`` (its low–high), ``challenges`` (how many),
    ``median`` of the proposals, ``spread`` (their interquartile range), ``proposed`` (lowest
    to highest proposal), ``outside`` (``"yes"`` when the median falls outside the catalog's
    range), ``adopted`` (the value adopted for this workshop, NaN when none) and ``impact``
    (:func:`impact_words`). Scores have one decimal at most.
    """
    rows = [
        {
            "option": c.option,
            "label": option_label(catalog.options_by_id[c.option]),
            "criterion_id": c.criterion,
            "criterion": criterion_label(catalog, c.criterion),
            "catalog": round(c.value, 1),
            "range": range_text(c.low, c.high),
            "challenges": c.count,
            "median": round(c.median, 1),
            "spread": round(c.iqr, 1),
            "proposed": score_text(c.min)
            if c.min == c.max
            else f"{score_text(c.min)}–{score_text(c.max)}",
            "outside": "yes" if c.outside else "no",
            "adopted": np.nan if c.adopted is None else round(c.adopted, 1),
            "impact": impact_words(c),
        }
        for c in cells
    ]
    columns = ["option", "label", "criterion_id", "criterion", "catalog", "range", "challenges"]
    columns += ["median", "spread", "proposed", "outside", "adopted", "impact"]
    return pd.DataFrame(rows, columns=columns)


def reasons_table(
    catalog: Catalog,
    challenges: Iterable[ChallengeLike],
    cells: Sequence[ContestedCell] | None = None,
) -> pd.DataFrame:
    """Every challenge's reason and quote, one row each, grouped by cell: in the order of
    ``cells`` when given (most consequential first), else in catalog order; within a cell, in
    the order given.

    Columns: ``option``, ``label``, ``criterion_id``, ``criterion``, ``participant`` (the name
    given, or "A participant" where the reader may not know who), ``value`` and ``range``
    proposed, ``reason``, ``quote`` (the text as given, ``""`` without one), ``source`` (the
    citation of the source the quote is claimed from, or its id when the catalog does not know
    it) and ``quote_status`` (``"verified"``, ``"unverified"`` or ``""`` without a quote).
    Reasons and quotes are left as written: escape them where they are shown.
    """
    items = list(challenges)
    if cells is not None:
        place = {(c.option, c.criterion): k for k, c in enumerate(cells)}
    else:
        opts, crits = catalog.option_ids, catalog.criterion_ids
        place = {
            (ch.option, ch.criterion): opts.index(ch.option) * len(crits)
            + crits.index(ch.criterion)
            for ch in items
            if ch.option in opts and ch.criterion in crits
        }
    rows = []
    for ch in sorted(items, key=lambda ch: place.get((ch.option, ch.criterion), len(place))):
        source = catalog.sources_by_id.get(ch.source) if ch.source else None
        rows.append(
            {
                "option": ch.option,
                "label": option_label(catalog.options_by_id[ch.option]),
                "criterion_id": ch.criterion,
                "criterion": criterion_label(catalog, ch.criterion),
                "participant": fold(ch.display_name) or "A participant",
                "value": round(float(ch.value), 1),
                "range": range_text(ch.low, ch.high),
                "reason": ch.reason,
                "quote": ch.quote or "",
                "source": source.citation if source is not None else (ch.source or ""),
                "quote_status": ("verified" if ch.verified else "unverified") if ch.quote else "",
            }
        )
    columns = ["option", "label", "criterion_id", "criterion", "participant", "value", "range"]
    columns += ["reason", "quote", "source", "quote_status"]
    return pd.DataFrame(rows, columns=columns)


def room_right_table(catalog: Catalog, result: IfRoomRight) -> pd.DataFrame:
    """The group's ranking with the catalog's scores beside the one if the room is right, in
    the room's order: ``option``, ``label``, ``catalog_rank`` (the catalog's scores, with any
    adopted), ``room_rank`` (every contested median in place) and ``change`` (``"▲ 2"``,
    ``"▼ 1"``, ``"="``; see :func:`~policybench.present.labels.movement`)."""
    opts = result.option_ids
    order = sorted(
        range(len(opts)), key=lambda i: (int(result.room[i]), int(result.baseline[i]), i)
    )
    arrows = movement(
        {o: int(r) for o, r in zip(opts, result.room, strict=True)},
        {o: int(r) for o, r in zip(opts, result.baseline, strict=True)},
    )
    return pd.DataFrame(
        {
            "option": [opts[i] for i in order],
            "label": [option_label(catalog.options_by_id[opts[i]]) for i in order],
            "catalog_rank": [int(result.baseline[i]) for i in order],
            "room_rank": [int(result.room[i]) for i in order],
            "change": [arrows[opts[i]] for i in order],
        }
    )


def rounds_table(conv: Convergence) -> pd.DataFrame:
    """One row per round: ``round``, ``submissions``, ``kendall_w`` (two decimals; NaN under
    two submissions), ``agreement`` (W in words,
    :func:`~policybench.present.workshop.agreement_words`) and ``mean_movement`` (how far the
    participants in this round and the one before moved on average: the share of the weight
    that changed hands, 0 none to 1 all, two decimals; NaN in the first round or when nobody
    submitted in both)."""
    rows: list[dict[str, Any]] = []
    for s in conv.rounds:
        moved = conv.movement_into(s.round)
        mean = None if moved is None else moved.mean
        w = s.w
        rows.append(
            {
                "round": s.round,
                "submissions": s.submissions,
                "kendall_w": np.nan if w is None or not math.isfinite(w) else round(w, 2),
                "agreement": agreement_words(s.concordance)
                if s.submissions
                else "Nobody has submitted in this round yet.",
                "mean_movement": np.nan if mean is None else round(mean, 2),
            }
        )
    columns = ["round", "submissions", "kendall_w", "agreement", "mean_movement"]
    return pd.DataFrame(rows, columns=columns)


def spread_by_round(catalog: Catalog, conv: Convergence) -> pd.DataFrame:
    """The spread of each criterion's weight in each round, long form (one row per round ×
    criterion, criteria in their order), for :func:`~policybench.present.charts.rounds.
    convergence_chart`: ``round``, ``criterion_id``, ``criterion`` (name), ``spread`` (the
    interquartile range of the participants' shares, 0–1, three decimals) and ``median`` (the
    median share, three decimals). Rounds without submissions are left out."""
    rows = [
        {
            "round": s.round,
            "criterion_id": cid,
            "criterion": criterion_label(catalog, cid),
            "spread": round(float(s.spread[j]), 3),
            "median": round(float(s.median[j]), 3),
        }
        for s in conv.rounds
        if s.submissions
        for j, cid in enumerate(conv.criterion_ids)
    ]
    return pd.DataFrame(rows, columns=["round", "criterion_id", "criterion", "spread", "median"])


def movement_table(conv: Convergence) -> pd.DataFrame:
    """How far each participant moved between consecutive rounds: ``from_round``,
    ``to_round``, ``participant`` (the key the caller gave: anonymise before) and ``moved``
    (the share of their weight that changed hands, 0–1, two decimals)."""
    rows = [
        {"from_round": m.before, "to_round": m.after, "participant": k, "moved": round(float(d), 2)}
        for m in conv.moves
        for k, d in zip(m.participants, m.distance, strict=True)
    ]
    return pd.DataFrame(rows, columns=["from_round", "to_round", "participant", "moved"])
