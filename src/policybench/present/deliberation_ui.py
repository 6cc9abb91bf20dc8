"""What the workshop pages show of contested scores, decisions, quote checks, rounds and camps,
and the few choices the pages would otherwise make themselves: which weights an impact is
measured on, in which order the contested cells are listed, how participants are numbered.

Built for the screens (:mod:`policybench.ui.components.contested_panel`,
:mod:`~policybench.ui.components.workshop_room`, :mod:`~policybench.ui.components.rounds_panel`,
:mod:`~policybench.ui.components.challenge_form`), from :mod:`policybench.analysis` results
and :mod:`policybench.present.contest`'s and :mod:`policybench.present.camps`' words; no
Streamlit, no store. Tables are compact enough for a projector at 1024 pixels and wrap
within a phone's 390: the option and the criterion share a cell ("Liaison officers ·
Feasibility"), so do the catalog's score and the room's median ("4 → 8.5 (outside 3–5)"), and
the impact is the challenged option's move ("4th → 1st"). Participants' text is never formatted here: the
screens escape it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
import pandas as pd

from policybench.analysis.contest import Challenge, ContestedCell, Decision
from policybench.analysis.weights import shares, weight_matrix
from policybench.analysis.workshop import GroupResult
from policybench.catalog import Catalog
from policybench.present.camps import CampCard, listing, quoted
from policybench.present.contest import IN_PLACE, ordinal, range_text, score_text
from policybench.present.labels import criterion_label, option_label, participant_numbers
from policybench.present.text import fold

FloatArray = npt.NDArray[np.float64]
Cell = tuple[str, str]
#: A cell's decision as the table reads it: ``("adopted", value)`` or ``("rejected", None)``.
Decided = Mapping[Cell, tuple[str, float | None]]
#: The compact contested table's columns, in order.
CONTESTED_COLUMNS = (
    "Score challenged",
    "Catalog → median",
    "Proposals",
    "Decision",
    "If the median were adopted",
)
#: What a cell nobody decided on says in the Decision column; "—" where a value is missing.
OPEN = "open"
NONE = "—"
#: What the Decision column's words mean, for readers who did not take the decisions.
DECISIONS_EXPLAINED = (
    "“adopted” with a value: the workshop's rankings use that value; “rejected”: the "
    "facilitator kept the catalog's score; “open”: not decided yet."
)
#: What a quote check found, in words (see :func:`quote_check_words`).
QUOTE_CHECKS = ("verified", "near_match", "not_found", "not_checked")
NEAR_MATCH_DEFAULT = "the source's wording differs only in quotation marks, dashes or case"
#: The spread's and the centre's names, the same on every panel.
IQR_LABEL = "Middle half (IQR)"
MEDIAN_LABEL = "Median"


# ------------------------------------------------------------------------------ choices
@dataclass(frozen=True)
class ImpactBasis:
    """The weights a contested cell's impact is measured on (``(P, M)`` in the criteria's
    order), the round they come from (None: equal weights, before anyone submitted) and a note
    saying so when they are not the current round's ("" when they are)."""

    weights: FloatArray
    round: int | None
    note: str


def impact_basis(
    latest: int | None,
    current: int,
    criteria: Sequence[str],
    weights: Sequence[Mapping[str, float]],
) -> ImpactBasis:
    """The weights impact is measured on: those of ``latest``, the latest round with
    submissions (:func:`policybench.analysis.rounds.latest_submitted`), i.e. the current round's, or an
    earlier round's until anyone submits in the current one; equal weights on ``criteria``
    before any submission at all (``latest`` None). ``weights`` are ``latest``'s
    participants'."""
    if latest is None:
        return ImpactBasis(
            weight_matrix([dict.fromkeys(criteria, 1.0)], criteria),
            None,
            "Impact measured with equal weights until the first submission.",
        )
    matrix = weight_matrix(list(weights), criteria)
    if latest == current:
        return ImpactBasis(matrix, latest, "")
    return ImpactBasis(
        matrix,
        latest,
        f"Impact measured with round {latest}'s weights until the first submission of round "
        f"{current}.",
    )


def numbering(joined: Sequence[str], present: Iterable[str], *, names: bool) -> dict[str, str]:
    """``{display name: label}``: "Participant k" by join order (k never shifts within or
    across rounds, :func:`~policybench.present.labels.participant_numbers`), or the names on
    one line each when ``names``."""
    people = list(dict.fromkeys(present))
    if names:
        return {p: fold(p) for p in people}
    return participant_numbers(joined, people)


def decided_cells(decisions: Iterable[Decision]) -> dict[Cell, tuple[str, float | None]]:
    """``{(option, criterion): (decision, value)}`` from the store's score decisions: the
    facilitator's (``Workshops.decisions``) or, alike, the participants' view of them
    (``Workshops.room_decisions``: adopted and rejected, once a round was revealed)."""
    return {
        (d.option, d.criterion): (d.decision, None if d.value is None else float(d.value))
        for d in decisions
    }


def ordered(cells: Sequence[ContestedCell], decided: Decided) -> list[ContestedCell]:
    """Undecided cells first, then decided ones, each part in the order given (most impact
    first)."""
    return sorted(cells, key=lambda c: (c.option, c.criterion) in decided)


# ------------------------------------------------------------------------------ words
def decision_words(decision: tuple[str, float | None] | None) -> str:
    """``"adopted 6"``, ``"rejected"`` or ``"open"``."""
    if decision is None:
        return OPEN
    kind, value = decision
    if kind == "adopted" and value is not None:
        return f"adopted {score_text(value)}"
    return "rejected"


def catalog_to_median(cell: ContestedCell) -> str:
    """``"4 → 8.5 (outside 3–5)"``: the catalog's score, the room's median, and whether it
    falls outside the catalog's range (the range named either way, when there is one)."""
    head = f"{score_text(cell.value)} → {score_text(cell.median)}"
    span = range_text(cell.low, cell.high)
    if cell.outside:
        return f"{head} (outside {span})" if span else f"{head} (outside)"
    if cell.low != cell.high:
        return f"{head} (range {span})"
    return head


def proposals_words(cell: ContestedCell) -> str:
    """``"3 challenges: 2–5"`` (lowest to highest proposal)."""
    count = f"{cell.count} challenge{'s' if cell.count != 1 else ''}"
    values = (
        score_text(cell.min)
        if cell.min == cell.max
        else f"{score_text(cell.min)}–{score_text(cell.max)}"
    )
    return f"{count}: {values}"


def impact_short(cell: ContestedCell) -> str:
    """What adopting the median would do, short: ``"4th → 1st, 3 pairs swap"``, ``"stays
    2nd, 1 pair swaps"``, ``"no change"``, or ``"in place"`` when the median is adopted."""
    if cell.adopted is not None and math.isclose(cell.adopted, cell.median, abs_tol=1e-9):
        return IN_PLACE.split(":", 1)[0].lower()
    if cell.impact == 0:
        return "no change"
    before, after = ordinal(cell.rank_before), ordinal(cell.rank_after)
    move = f"stays {before}" if before == after else f"{before} → {after}"
    n = cell.impact
    return f"{move}, {n:g} pair{'s swap' if n != 1 else ' swaps'}"


def contested_rows(
    catalog: Catalog, cells: Sequence[ContestedCell], decided: Decided
) -> pd.DataFrame:
    """The contested table (:data:`CONTESTED_COLUMNS`, text; undecided cells first,
    :func:`ordered`) and a boolean ``decided`` column for the screen to grey those rows."""
    rows = [
        (
            f"{option_label(catalog.options_by_id[c.option])} · "
            f"{criterion_label(catalog, c.criterion)}",
            catalog_to_median(c),
            proposals_words(c),
            decision_words(decided.get((c.option, c.criterion))),
            impact_short(c),
            (c.option, c.criterion) in decided,
        )
        for c in ordered(cells, decided)
    ]
    return pd.DataFrame(rows, columns=[*CONTESTED_COLUMNS, "decided"])


def adopt_defaults(cell: ContestedCell) -> tuple[float, float | None, float | None]:
    """What the adopt control starts from: the median, and (only when the median falls outside
    the catalog's range) the proposals' span, ranges included, as the adopted range."""
    if cell.outside:
        return float(cell.median), float(cell.room_low), float(cell.room_high)
    return float(cell.median), None, None


def adopted_button(value: float | None, when: datetime) -> str:
    """The adopt button's label once adopted: ``"Adopted ✓ 6 at 14:02"`` (UTC)."""
    shown = "" if value is None else f" {score_text(value)}"
    return f"Adopted ✓{shown} at {when:%H:%M} UTC"


def quote_check_words(check: str, citation: str, message: str = "") -> str:
    """What the server's check of a quote found, naming the paper (never a file):
    ``"verified: found verbatim in <citation>"``, ``"near match: <message>"``, ``"not found in
    <citation>"``, ``"not checked (the server has no source texts)"``."""
    if check == "verified":
        return f"verified: found verbatim in {citation}"
    if check == "near_match":
        return f"near match: {message or NEAR_MATCH_DEFAULT} ({citation})"
    if check == "not_found":
        return f"not found in {citation}"
    return "not checked (the server has no source texts)"


def cell_score_words(
    catalog: Catalog, cell: Cell, adopted: Mapping[str, Mapping[str, float]]
) -> str:
    """The score a challenge argues against: ``"adopted in this workshop: 6 (catalog 4)"`` for
    an adopted cell, else ``"catalog: 4 (range 3–5)"``."""
    score = catalog.options_by_id[cell[0]].scores[cell[1]]
    value = adopted.get(cell[0], {}).get(cell[1])
    if value is not None:
        return f"adopted in this workshop: {score_text(value)} (catalog {score_text(score.value)})"
    span = range_text(score.low, score.high) if score.low != score.high else ""
    return f"catalog: {score_text(score.value)}" + (f" (range {span})" if span else "")


def challengeable(catalog: Catalog, options: Sequence[str]) -> list[str]:
    """The options a participant may challenge a score of: those in play except the status
    quo, whose scores are the reference level the others are scored against."""
    return [o for o in options if not catalog.options_by_id[o].baseline]


@dataclass(frozen=True)
class ReasonRow:
    """One challenge as the pages list it: its ``cell`` and the cell's ``name`` ("Option ·
    Criterion"), ``who`` ("" when the reader is not to know), what it ``proposed`` ("9",
    "8 (range 7.5–9.5)"), the ``reason``, the ``quote`` ("" without one) and what the server's
    check of it found (:func:`quote_check_words`, "" without a quote). Participants' text is as
    written: escape it where it is shown."""

    cell: Cell
    name: str
    who: str
    proposed: str
    reason: str
    quote: str
    check: str


def reason_rows(
    catalog: Catalog, challenges: Iterable[Challenge], cells: Sequence[ContestedCell]
) -> list[ReasonRow]:
    """Every challenge, grouped by cell in the order of ``cells`` (cells not among them
    last); ``who`` is the challenge's ``display_name`` (the screen gives "" to hide it)."""
    place = {(c.option, c.criterion): k for k, c in enumerate(cells)}
    out = []
    items = list(challenges)
    for ch in sorted(items, key=lambda ch: place.get((ch.option, ch.criterion), len(place))):
        source = catalog.sources_by_id.get(ch.source) if ch.source else None
        citation = source.citation if source is not None else "the source named"
        proposed = score_text(ch.value)
        if ch.low is not None and ch.high is not None:
            proposed += f" (range {range_text(ch.low, ch.high)})"
        check = str(getattr(ch, "check", "verified" if ch.verified else "not_checked"))
        out.append(
            ReasonRow(
                cell=(ch.option, ch.criterion),
                name=f"{option_label(catalog.options_by_id[ch.option])} · "
                f"{criterion_label(catalog, ch.criterion)}",
                who=ch.display_name,
                proposed=proposed,
                reason=ch.reason,
                quote=ch.quote or "",
                check=quote_check_words(check, citation) if ch.quote else "",
            )
        )
    return out


# ------------------------------------------------------------------------------ rounds
def w_explained() -> str:
    """Kendall's W in words, said once beside a table of W per round."""
    return (
        "Kendall's W measures how far the participants' rankings of the options agree: 0 not "
        "at all, 1 everyone ranks them the same."
    )


def no_submissions_yet(current: int) -> str:
    """What the camps across rounds say right after a round opens, before anyone submitted."""
    return f"Round {current} has no submissions yet: its camps appear as they arrive."


def room_weights(
    catalog: Catalog, result: GroupResult, mine: Mapping[str, float] | None
) -> pd.DataFrame:
    """The round's weights beside the participant's own: ``criterion_id``, ``criterion``,
    ``median`` (the median share), ``iqr`` (the middle half of the shares), ``yours`` (their
    share, NaN when they did not submit); shares 0–1, three decimals."""
    crits = result.criterion_ids
    median = np.median(result.shares, axis=0) if result.participants else np.full(len(crits), 0.0)
    iqr = {s.criterion: s.iqr for s in result.spread}
    own = shares(mine, crits) if mine is not None else None  # None: no positive weight
    return pd.DataFrame(
        {
            "criterion_id": list(crits),
            "criterion": [criterion_label(catalog, c) for c in crits],
            "median": [round(float(m), 3) for m in median],
            "iqr": [round(float(iqr.get(j, np.nan)), 3) for j in range(len(crits))],
            "yours": [round(float(own[c]), 3) if own is not None else np.nan for c in crits],
        }
    )


# ------------------------------------------------------------------------------ camps
def camp_words(card: CampCard) -> str:
    """What a camp is, from its card's aggregates (never anyone's weights): ``"Camp 2
    (4 people) weights “Deterrence” twice the rest of the room's median; its top options are
    “A” and “B”."``."""
    out = f"{card.title} ({card.size_text})"
    if card.distinctive:
        out += " " + "; ".join(card.distinctive)
    else:
        out += " weights the criteria much as the rest of the room does"
    if card.top:
        out += f"; its top options are {listing(quoted(card.top))}"
    return out + "."
