"""A workshop's camps and common ground as a report section (issue 20): per round with at
least :data:`MIN_CAMP_SUBMISSIONS` submissions, a card per camp (its size, central weights,
what sets it apart, its top options), the reasons its members gave (anonymous, and only for a
camp of three or more), the common ground (each option's chance of a top-k place in every camp,
and the lowest of them) and the options that divide the camps; with two rounds or more, how the
camps changed and how stable they were; for a round without camps, the sentence that says why.

The camps are found among the rankings the participants' weights give, with the scores the
workshop adopted (:mod:`policybench.analysis.camps`, :mod:`policybench.analysis.
common_ground`); the cards and tables are :mod:`policybench.present.camps`', their columns
named as the other export tables name them, every number at full precision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from policybench.analysis.camps import MIN_PARTICIPANTS as MIN_CAMP_SUBMISSIONS
from policybench.analysis.camps import Camps, find_camps
from policybench.analysis.common_ground import (
    TOP_K,
    CommonGround,
    camps_across_rounds,
    common_ground,
)
from policybench.catalog import Catalog
from policybench.export.deliberation import RENAMED, Room, Rounds, adjusted_about
from policybench.export.report import Section
from policybench.present import camps as camp_words


def camps_section(
    catalog: Catalog,
    option_ids: tuple[str, ...],
    criterion_ids: tuple[str, ...],
    rounds: Rounds,
    room: Room,
    *,
    top_k: int = TOP_K,
) -> Section:
    """Per round, the camps (a card each), the common ground and the dividing options, or why
    there are none; with two rounds or more, how the camps changed."""
    k = max(1, min(top_k, len(option_ids)))
    about: dict[str, Any] = {
        "top k": k,
        "camps": f"looked for in rounds with at least {MIN_CAMP_SUBMISSIONS} submissions, "
        "among the rankings the participants' weights give; a camp has three members or more",
        **adjusted_about(room),
    }
    tables: list[tuple[str, pd.DataFrame]] = []
    found: dict[int, tuple[Camps, list[str]]] = {}
    grounds: dict[int, CommonGround] = {}
    for r in sorted(rounds):  # a loop over rounds; each clusters its whole room at once
        subs = rounds[r]
        weights = [s.weights for s in subs]
        camps = find_camps(
            catalog,
            option_ids,
            criterion_ids,
            weights,
            method=room.method,
            normalization=room.normalization,
            params=room.params,
            overrides=room.overrides or None,
            min_participants=MIN_CAMP_SUBMISSIONS,
        )
        found[r] = (camps, [s.display_name for s in subs])
        sentence = camp_words.camps_sentence(camps)
        if camps.camps:
            ground = common_ground(catalog, option_ids, criterion_ids, camps, weights, top_k=k)
            grounds[r] = ground
            common = camp_words.common_sentence(catalog, ground, clear=camps.clear)
            sentence += f" {common}" if common else ""
            tables += _camp_tables(catalog, r, camps, ground, [s.reasons for s in subs])
        about[f"round {r}"] = sentence
    if len(found) > 1:
        history = camps_across_rounds(found, grounds)
        for t in history.transitions:
            about[f"round {t.before} to round {t.after}"] = camp_words.transition_sentence(t)
        tables.append(("Camps across rounds", camp_words.history_table(history)))
    return Section("camps", "Camps and common ground", about, tuple(tables))


def _camp_tables(
    catalog: Catalog,
    number: int,
    camps: Camps,
    ground: CommonGround,
    reasons: Sequence[Mapping[str, str]],
) -> list[tuple[str, pd.DataFrame]]:
    """One round's cards (one row per camp, its central weights as shares), the reasons its
    members gave (anonymous), the common ground and the dividing options."""
    cards = camp_words.camp_cards(catalog, camps, reasons)
    rows = [
        {
            "camp": card.title,
            "size": card.size,
            "top options": "; ".join(card.top),
            "distinctive": "; ".join(card.distinctive),
            **{
                f"weight:{cid}": share
                for cid, (_, share, _) in zip(camps.criterion_ids, card.weights, strict=True)
            },
        }
        for card in cards
    ]
    given = [
        {"camp": card.title, "name": name, "reason": text}
        for card in cards
        for name, text in card.reasons
    ]
    common = camp_words.common_ground_table(catalog, ground, camps).rename(columns=RENAMED)
    dividing = camp_words.dividing_table(catalog, ground).rename(
        columns={**RENAMED, "high_camp": "high camp", "low_camp": "low camp"}
    )
    return [
        (f"Round {number} camps", pd.DataFrame(rows)),
        (
            f"Round {number} camp reasons",
            pd.DataFrame(given, columns=["camp", "name", "reason"]),
        ),
        (f"Round {number} common ground", common),
        (f"Round {number} dividing", dividing),
    ]
