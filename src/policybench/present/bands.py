"""Rank bands as people read them: "likely 3rd–9th", the table columns, and what bands mean.

The command line (``rank --bands``), the Rank page and the exports all write a band here, so
it reads the same everywhere. Bands come from :func:`policybench.analysis.bands.bands_catalog`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from policybench.analysis.bands import RankBands
from policybench.present.labels import share_label

#: The column people read: "3rd–9th" (an en dash, so that no spreadsheet takes it for a date).
LIKELY = "likely ranks"


def ordinal(n: int) -> str:
    """``1`` → ``"1st"``, ``2`` → ``"2nd"``, ``11`` → ``"11th"``, ``23`` → ``"23rd"``."""
    k = int(n)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def band_label(low: int, high: int) -> str:
    """``"3rd–9th"``, or ``"1st"`` when the band is one rank wide."""
    return ordinal(low) if int(low) == int(high) else f"{ordinal(low)}–{ordinal(high)}"


def likely(low: int, high: int) -> str:
    """``"likely 3rd–9th"``; ``"always 1st"`` when the band is one rank wide."""
    if int(low) == int(high):
        return f"always {ordinal(low)}"
    return f"likely {band_label(low, high)}"


def with_bands(table: pd.DataFrame, bands: RankBands, *, numbers: bool = True) -> pd.DataFrame:
    """A copy of a ranking table (one row per ``option``) with each option's band after
    ``rank`` (or at the start): ``rank_low`` and ``rank_high`` when ``numbers``, then
    :data:`LIKELY` (``"3rd–9th"``). An option the bands do not cover gets empty cells."""
    out = table.copy()
    spans = bands.band_map()
    at = list(out.columns).index("rank") + 1 if "rank" in out.columns else 0
    options = list(out["option"])
    columns: list[tuple[str, list[Any]]] = []
    if numbers:
        columns.append(("rank_low", [spans[o][0] if o in spans else None for o in options]))
        columns.append(("rank_high", [spans[o][1] if o in spans else None for o in options]))
    columns.append((LIKELY, [band_label(*spans[o]) if o in spans else "" for o in options]))
    for k, (name, values) in enumerate(columns):
        out.insert(at + k, name, values)
    return out


def bands_sentence(bands: RankBands) -> str:
    """One line saying what the bands mean, with the draws that made them."""
    low, high = bands.percentiles
    return (
        f"Likely ranks: the range of ranks an option takes in {share_label((high - low) / 100)} of "
        f"{bands.samples:,} draws of every score within its uncertainty range (the weights as "
        f"set; seed {bands.seed}). Options whose likely ranks overlap are not clearly apart."
    )


def bands_metadata(bands: RankBands) -> dict[str, Any]:
    """The bands' stamp in an export or the command line's JSON."""
    return {"bands": bands.about()}
