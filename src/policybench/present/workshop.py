"""A workshop as people read it: the facilitator's tables and sentences, the participant's, and
the export's group section — all formatted from one
:class:`~policybench.analysis.workshop.GroupResult`, so the room and the file show the same
numbers.

Participants are "Participant 1", "Participant 2", … in the order they joined, unless the
facilitator asks for names; names and reasons are the participants' own text and go out as
plain text (data frame cells, or escaped for where they are shown).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from policybench import group
from policybench.analysis.rank import Ranking
from policybench.analysis.workshop import GroupResult
from policybench.catalog import Catalog
from policybench.present.labels import (
    criterion_label,
    measure_label,
    option_in_sentence,
    option_label,
    share_label,
)
from policybench.present.tables import ranking_table, smaa_summary, smaa_table, with_labels
from policybench.present.text import fold, truncate

#: How the group's ranking is formed, in the facilitator's words.
COMBINATIONS: Mapping[str, str] = {
    "mean": "Mean of everyone's weights",
    "median": "Median of everyone's weights",
    "geometric": "Geometric mean of everyone's weights",
    "borda": "Borda count over everyone's rankings",
    "copeland": "Copeland's rule over everyone's rankings",
}
STATES: Mapping[str, str] = {
    "open": "Open: participants can join, submit and revise their weights.",
    "locked": "Locked: submissions are frozen; each participant's last submitted weights count.",
    "revealed": "Revealed: participants can see the group's result.",
    "closed": "Closed: the workshop is over; its results can still be exported.",
}
#: Column headings of :func:`spread_table`, each measure named (the data keys stay short).
SPREAD_HEADERS: Mapping[str, str] = {
    "criterion": "Criterion",
    "group_weight": "Group weight",
    "mean": f"Weight ({measure_label('mean')})",
    "std": f"{measure_label('std')} (standard deviation)",
    "min": measure_label("min").capitalize(),
    "max": measure_label("max").capitalize(),
    "reasons": "Reasons",
}
#: Longest participant label used as a column header.
HEADER = 24


# ------------------------------------------------------------------------------ words
def participant_labels(names: Sequence[str] | None, count: int) -> list[str]:
    """``names`` on one line each when given, else "Participant 1", "Participant 2", …"""
    if names is not None:
        return [fold(n) for n in names]
    return [f"Participant {k}" for k in range(1, count + 1)]


def unique_headers(
    labels: Sequence[str], reserved: Sequence[str] = (), limit: int = HEADER
) -> list[str]:
    """Column headers for ``labels``: cut to ``limit``, never equal to each other or to a
    ``reserved`` header (a clash gets " (2)", " (3)", …)."""
    taken = {r.casefold() for r in reserved}
    out: list[str] = []
    for label in labels:
        base = truncate(label, limit) or "(blank)"
        candidate, k = base, 1
        while candidate.casefold() in taken:
            k += 1
            candidate = f"{base} ({k})"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def state_text(state: str) -> str:
    """What a workshop state means, in a sentence."""
    return STATES.get(state, state)


_CLOSED = "The workshop is closed: nothing more can change."
#: Why a round button cannot be used in a state, by (action, state).
_WHY_NOT: Mapping[tuple[str, str], str] = {
    ("lock", "locked"): "Already locked.",
    ("lock", "revealed"): "The result is revealed: the round is over.",
    ("reopen", "open"): "The round is open.",
    ("reopen", "revealed"): "Not after the reveal: participants have seen the result.",
    ("reveal", "open"): "Lock the round first: the result is revealed from frozen submissions.",
    ("reveal", "revealed"): "Already revealed.",
    ("close", "closed"): "Already closed.",
}


def action_hint(action: str, state: str, *, confirmed: bool = True) -> str | None:
    """Why the round's ``action`` button is disabled in ``state`` (None when it is not);
    closing also waits for ``confirmed`` (the "Close for good" box)."""
    if state == "closed":
        return _WHY_NOT.get((action, state), _CLOSED)
    if action == "close" and not confirmed:
        return "Tick “Close for good” first: a closed workshop cannot be reopened."
    return _WHY_NOT.get((action, state))


def lock_warning(joined: int, submitted: int) -> str:
    """What locking does, said before it is done: unsaved changes are lost."""
    waiting = joined - submitted
    if not joined:
        who = "Nobody has joined yet"
    elif not waiting:
        who = f"Everyone who joined ({joined}) has submitted"
    else:
        who = (
            f"{submitted} of the {joined} who joined {'has' if submitted == 1 else 'have'} "
            f"submitted; the {waiting} who {'has' if waiting == 1 else 'have'} not "
            f"{'is' if waiting == 1 else 'are'} left out of the result"
        )
    return (
        f"Locking freezes every submission. {who}. Changes a participant has made but not "
        "saved are discarded, and nobody can change their weights until you reopen the round: "
        "tell the room to save first."
    )


def judgement_label(value: int, first: str, second: str) -> str:
    """A pairwise judgement on the Saaty scale, in words (see
    :func:`policybench.analysis.weights.ahp_matrix` for ``value``)."""
    if value == 0:
        return "equally important"
    more, less = (first, second) if value > 0 else (second, first)
    return f"{fold(more)} {abs(value) + 1}× as important as {fold(less)}"


def p_value_words(p: float) -> str:
    """The chi-square p-value of Kendall's W, in words."""
    if not math.isfinite(p):
        return "there is no ranking to test"
    shown = f"p = {p:.3f}" if p >= 0.001 else "p < 0.001"
    if p < 0.01:
        return f"this much agreement is very unlikely to be chance ({shown})"
    if p < 0.05:
        return f"this much agreement is unlikely to be chance ({shown})"
    return f"this much agreement could well be chance ({shown})"


def agreement_words(concordance: group.Concordance | None) -> str:
    """Kendall's W and its p-value as a sentence a room can read."""
    if concordance is None:
        return "Agreement needs at least two submissions."
    w = concordance.w
    if not math.isfinite(w):
        return "Kendall's W is undefined: every ranking ties every option."
    steps = ((0.1, "very weak"), (0.3, "weak"), (0.5, "moderate"), (0.7, "strong"))
    strength = next((word for limit, word in steps if w < limit), "very strong")
    return (
        f"Kendall's W = {w:.2f}: {strength} agreement among the {concordance.participants} "
        f"participants' rankings (0 is none, 1 is complete); {p_value_words(concordance.p_value)}."
    )


def value_label(result: GroupResult) -> str:
    """What the group ranking's values are."""
    if result.by_weights:
        return "Score under the group's weights"
    return "Borda points" if result.combination == "borda" else "Copeland score (wins − losses)"


def headline(catalog: Catalog, result: GroupResult) -> str:
    """``"The group ranks “X” first."`` (or names the options tied for first), titles quoted
    as in every sentence (:func:`~policybench.present.labels.quoted`)."""
    first = [
        option_in_sentence(catalog.options_by_id[result.option_ids[i]])
        for i in result.order()
        if int(result.group_ranking[i]) == 1
    ]
    if len(first) == 1:
        return f"The group ranks {first[0]} first."
    return "The group ties for first place: " + "; ".join(first) + "."


def driver_sentence(catalog: Catalog, result: GroupResult) -> str | None:
    """Which criterion drives the disagreement, in a sentence; None while Kendall's W is
    undefined (fewer than two submissions, or every ranking a tie)."""
    conc = result.concordance
    if conc is None or not math.isfinite(conc.w) or not result.drivers:
        return None
    top = result.drivers[0]
    if math.isfinite(top.rise) and top.rise > 1e-9:
        name = criterion_label(catalog, result.criterion_ids[top.criterion])
        return (
            f"{name} drives the disagreement most: if everyone gave it the group's weight "
            f"({share_label(top.group_weight)}), Kendall's W would rise from {conc.w:.2f} "
            f"to {top.w_after:.2f}."
        )
    return (
        "No single criterion's weight drives the disagreement: giving everyone the group's "
        "weight on any one criterion would not raise Kendall's W."
    )


def smaa_note(result: GroupResult) -> str:
    """How the room's SMAA drew its weights (empty without SMAA)."""
    if result.smaa is None:
        return ""
    if result.smaa.result.weight_model == "fixed":
        return (
            "All the weights submitted so far are the same, so there is no cloud to sample: "
            "these are the ranks under that one weighting."
        )
    return (
        f"{result.smaa.result.samples:,} weightings drawn uniformly between the lowest and the "
        f"highest weight anyone gave each criterion (seed {result.smaa.result.seed})."
    )


# ------------------------------------------------------------------------------ the room
def group_ranking(catalog: Catalog, result: GroupResult) -> pd.DataFrame:
    """The group's ranking as the room sees it: ``rank``, ``option``, ``label`` and ``value``
    (see :func:`value_label`), in the group's order."""
    order = result.order()
    table = pd.DataFrame(
        {
            "rank": [int(result.group_ranking[i]) for i in order],
            "option": [result.option_ids[i] for i in order],
            "value": [float(result.group_values[i]) for i in order],
        }
    )
    return with_labels(table, catalog)


def spread_table(
    catalog: Catalog,
    result: GroupResult,
    labels: Sequence[str],
    reasons: Sequence[Mapping[str, str]],
) -> pd.DataFrame:
    """Each criterion's weight across the participants, most contested first:
    ``criterion_id``, ``criterion``, ``group_weight``, ``mean``, ``std`` (the standard
    deviation), ``min``, ``max``, ``reasons`` (the first words of the reasons given, by
    participant) and ``n_reasons``; :data:`SPREAD_HEADERS` names each column."""
    rows = []
    for s in result.spread:
        cid = result.criterion_ids[s.criterion]
        given = _reasons_for(cid, labels, reasons)
        rows.append(
            {
                "criterion_id": cid,
                "criterion": criterion_label(catalog, cid),
                "group_weight": float(result.group_weights[s.criterion]),
                "mean": s.mean,
                "std": s.std,
                "min": s.min,
                "max": s.max,
                "reasons": truncate("; ".join(f"{who}: {t}" for who, t in given)) if given else "",
                "n_reasons": len(given),
            }
        )
    return pd.DataFrame(rows)


def _reasons_for(
    criterion_id: str, labels: Sequence[str], reasons: Sequence[Mapping[str, str]]
) -> list[tuple[str, str]]:
    texts = [(who, fold(r.get(criterion_id, ""))) for who, r in zip(labels, reasons, strict=False)]
    return [(who, t) for who, t in texts if t]


def reason_list(
    catalog: Catalog,
    result: GroupResult,
    labels: Sequence[str],
    reasons: Sequence[Mapping[str, str]],
) -> list[tuple[str, str, str]]:
    """Every reason in full, ``(criterion, participant, text)``, criteria most contested first."""
    out = []
    for s in result.spread:
        cid = result.criterion_ids[s.criterion]
        name = criterion_label(catalog, cid)
        out += [(name, who, text) for who, text in _reasons_for(cid, labels, reasons)]
    return out


def versus_table(catalog: Catalog, result: GroupResult, labels: Sequence[str]) -> pd.DataFrame:
    """Each participant against the group: ``participant``, ``tau`` (Kendall's tau-b with the
    group's ranking), ``first_choice`` and ``group_first_at`` (where they put the group's
    first)."""
    titles = [option_label(catalog.options_by_id[o]) for o in result.option_ids]
    return pd.DataFrame(
        {
            "participant": list(labels),
            "tau": [float(t) for t in result.tau],
            "first_choice": [
                "; ".join(titles[i] for i in np.flatnonzero(row == 1)) for row in result.ranks
            ],
            "group_first_at": [int(r) for r in result.group_first_at],
        }
    )


def ranks_table(catalog: Catalog, result: GroupResult, labels: Sequence[str]) -> pd.DataFrame:
    """Every participant's rank of every option beside the group's, in the group's order:
    ``option``, ``group``, then a column per participant."""
    order = result.order()
    columns: dict[str, Any] = {
        "option": [option_label(catalog.options_by_id[result.option_ids[i]]) for i in order],
        "group": [int(result.group_ranking[i]) for i in order],
    }
    for k, header in enumerate(unique_headers(labels, reserved=("option", "group"))):
        columns[header] = [int(result.ranks[k, i]) for i in order]
    return pd.DataFrame(columns)


def room_smaa_table(catalog: Catalog, result: GroupResult) -> pd.DataFrame | None:
    """SMAA over the room's weights by expected rank (:func:`~policybench.present.tables.smaa_summary`
    of SMAA's one table): ``option`` (label), ``first``, ``top3``, ``expected_rank``; None
    without SMAA."""
    if result.smaa is None:
        return None
    table = smaa_table(result.smaa, result.option_ids, catalog)
    summary = smaa_summary(table, catalog).drop(columns="option")
    return summary.rename(columns={"label": "option"})


# ------------------------------------------------------------------------------ one person
def own_ranking(catalog: Catalog, ranking: Ranking) -> pd.DataFrame:
    """A participant's ranking: the ranking table (:func:`~policybench.present.tables.ranking_table`)
    with each option's ``label``."""
    return with_labels(ranking_table(ranking, catalog), catalog)


def versus_group(mine: pd.DataFrame, group_table: pd.DataFrame) -> pd.DataFrame:
    """The group's ranking (:func:`group_ranking`) with the participant's own rank beside it
    (``rank``, ``option``, ``label``, ``your_rank``), in the group's order."""
    own = dict(zip(mine["option"], mine["rank"], strict=True))
    out = group_table[["rank", "option", "label"]].copy()
    out["your_rank"] = [int(own[o]) for o in out["option"]]
    return out


def shares_table(
    catalog: Catalog, criterion_ids: Sequence[str], shares: Mapping[str, float] | None
) -> pd.DataFrame:
    """``criterion_id``, ``criterion`` and ``share`` (0–1) of each weight; NaN shares when
    there are none (every weight zero)."""
    return pd.DataFrame(
        {
            "criterion_id": list(criterion_ids),
            "criterion": [criterion_label(catalog, c) for c in criterion_ids],
            "share": [np.nan if shares is None else shares[c] for c in criterion_ids],
        }
    )


# ------------------------------------------------------------------------------ the export
def export_tables(
    catalog: Catalog,
    result: GroupResult,
    labels: Sequence[str],
    reasons: Sequence[Mapping[str, str]],
) -> list[tuple[str, pd.DataFrame]]:
    """The workshop's tables in an export: group ranking (both rules, in the group's order),
    weight spread, disagreement drivers (two participants or more), each participant's weights
    and ranks, and every reason."""
    order = result.order()
    opts, crits = result.option_ids, result.criterion_ids
    rule = result.ranking_rule
    ranking = pd.DataFrame(
        {
            "option": [opts[i] for i in order],
            "title": [catalog.options_by_id[opts[i]].title for i in order],
            f"{rule} rank": [int(result.combined.ranks[i]) for i in order],
            f"{rule} points": [float(result.combined.points[i]) for i in order],
            "group weights rank": [int(result.group_ranks[i]) for i in order],
            "group weights score": [float(result.group_scores[i]) for i in order],
            "first for": [int(result.first_for[i]) for i in order],
        }
    )
    name = {c: catalog.criteria_by_id[c].name for c in crits}
    spread = pd.DataFrame(
        [
            {
                "criterion": crits[s.criterion],
                "name": name[crits[s.criterion]],
                "group weight": float(result.group_weights[s.criterion]),
                "mean": s.mean,
                "std": s.std,
                "iqr": s.iqr,
                "min": s.min,
                "max": s.max,
            }
            for s in result.spread
        ]
    )
    tables = [("Group ranking", ranking), ("Weight spread", spread)]
    if result.drivers:
        drivers = pd.DataFrame(
            [
                {
                    "criterion": crits[d.criterion],
                    "name": name[crits[d.criterion]],
                    "group weight": d.group_weight,
                    "W if everyone took it": d.w_after,
                    "rise in W": d.rise,
                }
                for d in result.drivers
            ]
        )
        tables.append(("Disagreement drivers", drivers))
    people = []
    for p, who in enumerate(labels):
        row: dict[str, Any] = {"participant": who}
        row.update({f"weight:{c}": float(result.shares[p, j]) for j, c in enumerate(crits)})
        row.update({f"rank:{opts[i]}": int(result.ranks[p, i]) for i in order})
        people.append(row)
    tables.append(("Participants", pd.DataFrame(people)))
    given = [
        {"participant": labels[p], "criterion": c, "reason": text}
        for p, r in enumerate(reasons)
        for c in crits
        if (text := r.get(c))
    ]
    tables.append(("Reasons", pd.DataFrame(given, columns=["participant", "criterion", "reason"])))
    return tables


def export_about(result: GroupResult) -> dict[str, Any]:
    """The group section's stamp: participants, method, rules, Kendall's W, group weights."""
    conc = result.concordance
    return {
        "participants": result.participants,
        "method": result.method,
        "normalization": result.normalization,
        "weights combined by": result.weight_rule,
        "rankings combined by": result.ranking_rule,
        "kendall_w": None if conc is None else conc.w,
        "kendall_w_p_value": None if conc is None else conc.p_value,
        "group weights": {
            c: float(w) for c, w in zip(result.criterion_ids, result.group_weights, strict=True)
        },
    }
