"""The Robustness page's tables and sentences: a one-way sweep ready to draw, stability
intervals in percent, and the nearest weights that put an option first as slider positions
before and after."""

from __future__ import annotations

import numpy as np
import pandas as pd

from policybench.analysis.weights import shares
from policybench.analysis.whatif import NearestWeights, Sensitivity, Stability
from policybench.catalog import Catalog
from policybench.present.labels import criterion_label, option_label
from policybench.robustness import BreakEven


def sweep_lines(catalog: Catalog, sens: Sensitivity) -> pd.DataFrame:
    """The options worth drawing along the sweep: ``weight`` (the criterion's share, 0–1),
    ``option`` (label) and ``score``."""
    labels = [option_label(catalog.options_by_id[sens.option_ids[i]]) for i in sens.shown]
    return pd.DataFrame(
        {
            "weight": np.tile(sens.t, len(sens.shown)),
            "option": np.repeat(np.array(labels, dtype=object), len(sens.t)),
            "score": np.concatenate([sens.scores[:, i] for i in sens.shown]),
        }
    )


def first_place_changes(catalog: Catalog, sens: Sensitivity) -> pd.DataFrame:
    """Where first place changes hands along the sweep: ``weight`` and ``label`` (e.g.
    ``"A overtakes B"``)."""
    label = {
        i: option_label(catalog.options_by_id[sens.option_ids[i]])
        for i in range(len(sens.option_ids))
    }
    return pd.DataFrame(
        [{"weight": e.weight, "label": _change(e, label)} for e in sens.first_changes],
        columns=["weight", "label"],
    )


def _change(event: BreakEven, label: dict[int, str]) -> str:
    a, b = (label[i] for i in event.options)
    if event.ahead_above is not None and event.ahead_below is not None:
        return f"{label[event.ahead_above]} overtakes {label[event.ahead_below]}"
    if event.ahead_above is None:  # a tie begins here (vikor)
        return f"{a} and {b} draw level"
    other = next(i for i in event.options if i != event.ahead_above)  # a tie ends here
    return f"{label[event.ahead_above]} pulls ahead of {label[other]}"


def stability_table(catalog: Catalog, stab: Stability) -> pd.DataFrame:
    """Per criterion, the range of its weight (in %) over which the top option, and the whole
    ranking, stay as they are (the other weights keeping their proportions).

    Columns: ``criterion``, ``weight`` (current share, %), ``top_from``, ``top_to``,
    ``ranking_from``, ``ranking_to`` (all %), ``top`` (the option(s) first now).
    """
    rows = []
    for s in stab.intervals:
        rows.append(
            {
                "criterion": criterion_label(catalog, stab.criterion_ids[s.criterion]),
                "weight": 100 * s.weight,
                "top_from": 100 * s.top_interval[0],
                "top_to": 100 * s.top_interval[1],
                "ranking_from": 100 * s.ranking_interval[0],
                "ranking_to": 100 * s.ranking_interval[1],
                "top": ", ".join(
                    option_label(catalog.options_by_id[stab.option_ids[i]]) for i in s.top
                ),
            }
        )
    return pd.DataFrame(rows)


def nearest_weights_table(catalog: Catalog, res: NearestWeights) -> pd.DataFrame:
    """The sliders before and after: ``criterion``, ``now`` and ``after`` (slider points),
    ``now_share`` and ``after_share`` (%), ``change`` (percentage points). Empty when no
    weights put the option first."""
    columns = ["criterion", "now", "after", "now_share", "after_share", "change"]
    if res.after is None:
        return pd.DataFrame(columns=columns)
    ids = list(res.now)
    before, after = shares(res.now, ids) or {}, shares(res.after, ids) or {}
    return pd.DataFrame(
        [
            {
                "criterion": criterion_label(catalog, c),
                "now": float(res.now[c]),
                "after": float(res.after[c]),
                "now_share": 100 * before[c],
                "after_share": 100 * after[c],
                "change": 100 * (after[c] - before[c]),
            }
            for c in ids
        ],
        columns=columns,
    )


def no_weights_sentence(catalog: Catalog, res: NearestWeights) -> str:
    """Why no weights put the option first, in plain words (escape before showing). Only an
    exact method (the weighted sum, the weighted product, PROMETHEE II) may say that none
    can; for the others the search found none, which proves nothing."""
    blocked = [option_label(catalog.options_by_id[o]) for o in res.blocked_by]
    beaten = (
        (
            "on every criterion it is beaten by this option: "
            if len(blocked) == 1
            else "on every criterion it is beaten by a mix of these options: "
        )
        + "; ".join(blocked)
        if blocked
        else ""
    )
    if res.exact:
        return "No weights can put this option first: " + (
            beaten or "another option is always ahead."
        )
    sentence = (
        "None found by search: no weights the search tried put this option first. This method "
        "has no exact answer, so some weights may still do it"
    )
    return sentence + (f"; {beaten}." if beaten else ".")


def sampled_sentence(delta: float | None, samples: int, uncertain: bool) -> str:
    """What an SMAA run sampled, in a sentence for people (the page and the exports)."""
    weights = (
        "every possible weighting"
        if delta is None
        else f"weights within ±{delta:g} of the current ones (each share, renormalised)"
    )
    scores = ", and every score within its range" if uncertain else ""
    return f"{samples:,} samples of {weights}{scores}."
