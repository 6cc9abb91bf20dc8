"""Contested scores and rounds as people read them: the facilitator's tables and sentences
and the export's, built from :mod:`policybench.analysis.contest` and
:mod:`policybench.analysis.rounds`.

Scores in the tables have one decimal on the 0–10 scale (as the catalog writes them); shares,
Kendall's W and movements keep their full values, for the exports to round as their format
needs: text rounds only where it is made (:func:`~policybench.present.labels.share_label`,
one decimal). Options are listed by title (``label``, the status quo marked) beside their
``option`` id, criteria by name (``criterion``) beside ``criterion_id``; inside a sentence an
option's title is quoted (:func:`~policybench.present.labels.quoted`). Every measure says which
it is (``median``, ``middle half (IQR)``, …; :data:`HEADERS` gives the column headings).
Participants' reasons and quotes are their own text: they go out unchanged, as data (a table
cell), never pre-formatted as Markdown or HTML; whoever shows them escapes them for where they
go (:mod:`policybench.present.text`). A quote is marked ``verified`` only when the server
found it verbatim in the source it names.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from policybench.analysis.contest import Challenge, ContestedCell, IfRoomRight
from policybench.analysis.rounds import Convergence
from policybench.catalog import Catalog
from policybench.present.labels import (
    criterion_label,
    measure_label,
    movement,
    number_word,
    option_in_sentence,
    option_label,
    quoted,
    share_label,
)
from policybench.present.text import fold
from policybench.present.workshop import agreement_words

#: Column headings for the tables here, each measure named (a page or an export shows these
#: rather than the data keys, which stay short and stable).
HEADERS: Mapping[str, str] = {
    "label": "Option",
    "criterion": "Criterion",
    "catalog": "Catalog score",
    "range": "Catalog range",
    "challenges": "Challenges",
    "median": "Median proposal",
    "spread": f"Proposals' {measure_label('iqr')}",
    "proposed": "Proposed",
    "outside": "Median outside the catalog's range",
    "adopted": "Adopted",
    "decision": "Decision",
    "impact": "If adopted",
    "catalog_rank": "Rank (catalog's scores)",
    "room_rank": "Rank (if the room is right)",
    "change": "Change",
    "round": "Round",
    "submissions": "Submissions",
    "kendall_w": "Kendall's W (0 none, 1 complete agreement)",
    "agreement": "Agreement",
    "mean_movement": f"Weight moved since the round before ({measure_label('mean')})",
    "median_share": f"Weight ({measure_label('median')})",
    "moved": "Weight moved",
}
#: How many proposals :func:`proposed_text` lists one by one before giving the span.
LISTED = 5


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


#: What a cell whose adopted value is the room's median says: adopting it again changes nothing,
#: because the results already use it.
IN_PLACE = "In place: the results use it"


def impact_words(cell: ContestedCell, catalog: Catalog | None = None) -> str:
    """What adopting the room's median for ``cell`` would do to the group's ranking, top of
    the ranking first: ``"Brings “Summits” into the top five (from 8th to 2nd); 6 pairs of
    options change order"``, ``"Moves “Summits” from 17th to 27th; 10 pairs of options change
    order"``; the one wording of this for the facilitator's page and the exports. The option is
    named from ``catalog`` (``"the option"`` without one).

    The change is measured from the adopted scores: a cell whose adopted value is its median
    is :data:`IN_PLACE`; one with another value adopted says so (``"Against the adopted 6:
    moves …"``).
    """
    if cell.adopted is not None and math.isclose(cell.adopted, cell.median, abs_tol=1e-9):
        return IN_PLACE
    if cell.impact == 0:
        out = "No change to the group's ranking"
    else:
        name = (
            "the option"
            if catalog is None
            else option_in_sentence(catalog.options_by_id[cell.option])
        )
        before, after = ordinal(cell.rank_before), ordinal(cell.rank_after)
        top = top_words(cell.top)
        crossing = (cell.rank_before <= cell.top) != (cell.rank_after <= cell.top)
        if crossing and cell.rank_after <= cell.top:
            own = f"Brings {name} into {top} (from {before} to {after})"
        elif crossing:
            own = f"Takes {name} out of {top} (from {before} to {after})"
        elif cell.rank_change:
            own = f"Moves {name} from {before} to {after}"
        else:
            own = f"Leaves {name} {before}"
        if cell.top_changes and not crossing:
            n = cell.top_changes
            own += f"; {n} option{'' if n == 1 else 's'} enter or leave {top}"
        out = f"{own}; {_pairs(cell.impact)}"
    if cell.adopted is not None:
        out = f"Against the adopted {score_text(cell.adopted)}: {out[:1].lower()}{out[1:]}"
    return out


def proposed_text(cell: ContestedCell) -> str:
    """The proposals for a cell, as the "Proposed" column says them: ``"1 proposal: 2"``,
    ``"3 proposals: 3, 7, 8 (one with range 6–9)"``; beyond :data:`LISTED` proposals the span
    and how many gave a range, ``"8 proposals: 2–9 (3 with ranges)"``."""
    n = cell.count
    head = f"{n} proposal{'' if n == 1 else 's'}"
    given = cell.proposals
    if not given or n > LISTED:
        span = score_text(cell.min) if cell.min == cell.max else range_text(cell.min, cell.max)
        k = sum(1 for _, lo, hi in given if lo is not None and hi is not None)
        ranged = f" ({k} with range{'' if k == 1 else 's'})" if k else ""
        return f"{head}: {span}{ranged}"
    values = ", ".join(score_text(v) for v, _, _ in given)
    ranges = [range_text(lo, hi) for _, lo, hi in given if lo is not None and hi is not None]
    if not ranges:
        return f"{head}: {values}"
    k = len(ranges)
    which = f"{number_word(k)} with range{'' if k == 1 else 's'} {', '.join(ranges)}"
    return f"{head}: {values} ({which})"


def adjusted_label(
    adjusted: int | Mapping[str, Mapping[str, float]] | Collection[tuple[str, str]],
) -> str:
    """``"1 score adjusted in this workshop"``, ``"2 scores adjusted in this workshop"``, or
    ``""`` when none was. ``adjusted`` is a count, the adopted scores as overrides ``{option:
    {criterion: value}}`` (each cell counts), or the cells, e.g.
    :attr:`~policybench.analysis.workshop.GroupResult.adjusted`."""
    if isinstance(adjusted, int):
        n = adjusted
    elif isinstance(adjusted, Mapping):
        n = sum(len(row) for row in adjusted.values())
    else:
        n = len(adjusted)
    if n <= 0:
        return ""
    return f"{n} score{'' if n == 1 else 's'} adjusted in this workshop"


def top_words(top: int) -> str:
    """``5`` → ``"the top five"``; ``12`` → ``"the top 12"``; ``1`` → ``"first place"``."""
    if top == 1:
        return "first place"
    return f"the top {number_word(top)}"


def _listed(titles: Sequence[str]) -> str:
    if len(titles) <= 2:
        return " and ".join(titles)
    return ", ".join(titles[:-1]) + " and " + titles[-1]


def tau_words(tau: float) -> str:
    """Kendall's tau between two rankings with what it means: ``"Kendall's τ 0.95 (1 = the
    same order, −1 = the reverse)"``."""
    if not math.isfinite(tau):
        return "Kendall's τ undefined (one ranking ties every option)"
    return f"Kendall's τ {tau:.2f} (1 = the same order, −1 = the reverse)"


def room_right_sentence(catalog: Catalog, result: IfRoomRight) -> str:
    """``"If the room is right, Kendall's τ 0.83 (1 = the same order, −1 = the reverse):
    “Summits” enters the top five, “Liaison” leaves it."`` (Kendall's tau-b between the group's
    ranking with the catalog's scores and with the room's medians), with ``"(rejected cells
    left out)"`` after "right" when the facilitator rejected any. The top is named by what it
    can hold: with three options in play, a top five is "the top three"."""
    tau = tau_words(result.tau)
    top = top_words(min(result.top, len(result.option_ids)))
    title = {o: option_label(catalog.options_by_id[o]) for o in result.option_ids}
    n = len(result.rejected)
    left_out = f" ({n} rejected cell{'' if n == 1 else 's'} left out)" if result.rejected else ""
    opening = f"If the room is right{left_out}, {tau}"
    parts = []
    if result.entering:
        verb = "enters" if len(result.entering) == 1 else "enter"
        parts.append(f"{_listed(quoted(title[o] for o in result.entering))} {verb} {top}")
    if result.leaving:
        verb = "leaves" if len(result.leaving) == 1 else "leave"
        parts.append(f"{_listed(quoted(title[o] for o in result.leaving))} {verb} it")
    if not parts:
        change = "the ranking stays the same" if not result.changed else f"{top} stays the same"
        return f"{opening}: {change}."
    if not result.entering:  # "leaves it" needs the top named
        parts[0] = parts[0].removesuffix(" it") + f" {top}"
    return f"{opening}: {', '.join(parts)}."


# ------------------------------------------------------------------------------ tables
def contested_table(catalog: Catalog, cells: Sequence[ContestedCell]) -> pd.DataFrame:
    """The contested scores, in the order given (most consequential first, as
    :func:`~policybench.analysis.contest.contested` sorts them).

    Columns: ``option`` (id), ``label`` (title), ``criterion_id``, ``criterion`` (name),
    ``catalog`` (the catalog's score) and ``range`` (its low–high), ``challenges`` (how many),
    ``median`` of the proposals, ``spread`` (the middle half of the proposals, their
    interquartile range), ``proposed`` (:func:`proposed_text`), ``outside`` (``"yes"`` when
    the median falls outside the catalog's range), ``adopted`` (the value adopted for this
    workshop, NaN when none), ``impact`` (:func:`impact_words`) and ``decision``
    (``"adopted"``, ``"rejected"``, or ``""`` while undecided). Scores have one decimal at
    most; :data:`HEADERS` names each column.
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
            "proposed": proposed_text(c),
            "outside": "yes" if c.outside else "no",
            "adopted": np.nan if c.adopted is None else round(c.adopted, 1),
            "impact": impact_words(c, catalog),
            "decision": c.decision or "",
        }
        for c in cells
    ]
    columns = ["option", "label", "criterion_id", "criterion", "catalog", "range", "challenges"]
    columns += ["median", "spread", "proposed", "outside", "adopted", "impact", "decision"]
    return pd.DataFrame(rows, columns=columns)


def reasons_table(
    catalog: Catalog,
    challenges: Iterable[Challenge],
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
    """The group's ranking with the catalog's scores beside the one if the room is right,
    largest change first (then in the room's order): ``option``, ``label``, ``catalog_rank``
    (the catalog's scores, with any adopted), ``room_rank`` (every contested median in place,
    rejected cells left out), ``change`` (``"▲ 2"``, ``"▼ 1"``, ``"="``; see
    :func:`~policybench.present.labels.movement`) and ``moves`` (False for an option whose
    rank does not change, so that a page can hide those rows)."""
    opts = result.option_ids
    size = np.abs(result.room.astype(np.int64) - result.baseline.astype(np.int64))
    order = sorted(
        range(len(opts)),
        key=lambda i: (-int(size[i]), int(result.room[i]), int(result.baseline[i]), i),
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
            "moves": [bool(size[i]) for i in order],
        }
    )


def rounds_table(conv: Convergence) -> pd.DataFrame:
    """One row per round: ``round``, ``submissions``, ``kendall_w`` (NaN under two
    submissions), ``agreement`` (W in words,
    :func:`~policybench.present.workshop.agreement_words`), ``mean_movement`` (how far the
    participants in this round and the one before moved on average: the share of the weight
    that changed hands, 0 none to 1 all; NaN in the first round or when nobody submitted in
    both) and ``movement`` (the same in words: ``"1.6\u00a0%"``, ``""`` when NaN). Numbers
    keep their full values: round them where they are shown."""
    rows: list[dict[str, Any]] = []
    for s in conv.rounds:
        moved = conv.movement_into(s.round)
        mean = None if moved is None else moved.mean
        w = s.w
        rows.append(
            {
                "round": s.round,
                "submissions": s.submissions,
                "kendall_w": np.nan if w is None or not math.isfinite(w) else float(w),
                "agreement": agreement_words(s.concordance)
                if s.submissions
                else "Nobody has submitted in this round yet.",
                "mean_movement": np.nan if mean is None else float(mean),
                "movement": "" if mean is None else share_label(mean),
            }
        )
    columns = ["round", "submissions", "kendall_w", "agreement", "mean_movement", "movement"]
    return pd.DataFrame(rows, columns=columns)


def spread_by_round(catalog: Catalog, conv: Convergence) -> pd.DataFrame:
    """The spread of each criterion's weight in each round, long form (one row per round ×
    criterion, criteria in their order), for :func:`~policybench.present.charts.rounds.
    convergence_chart`: ``round``, ``criterion_id``, ``criterion`` (name), ``spread`` (the
    middle half of the participants' shares, their interquartile range, 0–1) and ``median``
    (the median share), full values. Rounds without submissions are left out."""
    rows = [
        {
            "round": s.round,
            "criterion_id": cid,
            "criterion": criterion_label(catalog, cid),
            "spread": float(s.spread[j]),
            "median": float(s.median[j]),
        }
        for s in conv.rounds
        if s.submissions
        for j, cid in enumerate(conv.criterion_ids)
    ]
    return pd.DataFrame(rows, columns=["round", "criterion_id", "criterion", "spread", "median"])


def movement_table(conv: Convergence) -> pd.DataFrame:
    """How far each participant moved between consecutive rounds: ``from_round``,
    ``to_round``, ``participant`` (the key the caller gave: anonymise before), ``moved`` (the
    share of their weight that changed hands, 0–1, full value) and ``moved_text`` (the same
    with one decimal: ``"2.6\u00a0%"``)."""
    rows = [
        {
            "from_round": m.before,
            "to_round": m.after,
            "participant": k,
            "moved": float(d),
            "moved_text": share_label(float(d)),
        }
        for m in conv.moves
        for k, d in zip(m.participants, m.distance, strict=True)
    ]
    columns = ["from_round", "to_round", "participant", "moved", "moved_text"]
    return pd.DataFrame(rows, columns=columns)
