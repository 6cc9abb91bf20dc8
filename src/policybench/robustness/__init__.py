"""How robust is a ranking? Sweeps, break-even weights, stability, SMAA, method agreement.

Everything here is built on :mod:`policybench.mcda`'s batch scorers: a weight sweep, a
bisection or a chunk of SMAA samples is one call on a ``(S, M)`` batch of weight vectors.

- :func:`sweep` / :func:`break_even`: move one criterion's weight from 0 to 1 (the others keep
  their proportions) and find where two options swap (exact for ``wsm``, ``wpm``,
  ``promethee2``).
- :func:`stability_intervals`: per criterion, how far its weight can move before the top
  option, or the whole ranking, changes.
- :func:`what_it_takes`: the smallest change of the weights that puts an option first.
- :func:`smaa`: SMAA-2 rank acceptability, central weights and confidence factors under weight
  and score uncertainty (seeded, chunked).
- :func:`bands`: each option's rank band (5th to 95th percentile rank) when every score is
  drawn within its range and the weights are fixed (seeded, chunked, on SMAA's machinery).
- :func:`agreement`: every method's ranking side by side, with Kendall's tau-b.
"""

from __future__ import annotations

from policybench.robustness.agreement import Agreement, agreement, kendall_tau_b
from policybench.robustness.bands import BandsResult, bands
from policybench.robustness.smaa import SMAAResult, smaa
from policybench.robustness.stability import Stability, stability_intervals
from policybench.robustness.sweep import BreakEven, Sweep, break_even, sweep
from policybench.robustness.what_it_takes import WhatItTakes, what_it_takes

__all__ = [
    "Agreement",
    "BandsResult",
    "BreakEven",
    "SMAAResult",
    "Stability",
    "Sweep",
    "WhatItTakes",
    "agreement",
    "bands",
    "break_even",
    "kendall_tau_b",
    "smaa",
    "stability_intervals",
    "sweep",
    "what_it_takes",
]
