"""What every robustness tool needs first: a checked problem and, where it exists, its exact
linear form.

``wsm`` and ``promethee2`` scores are linear in the weights, ``s = L @ w`` for rows summing to
1, and ``wpm`` scores are monotone in a linear function (``log s = L @ w``), so for these three
the order of two options along any weight path, and the weights that make an option first,
can be solved exactly. ``L`` is read off the method itself, ``L[:, j] = f(e_j)`` for the unit
weight vectors ``e_j`` (a product with the identity is exact), so it is the very matrix the
method uses, with the normalisation and parameters as given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from policybench import mcda
from policybench.errors import InputError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Scorer = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True, slots=True)
class Problem:
    """A validated problem: the scorer, the weights normalised to sum 1, and provenance.

    ``oriented`` is the raw matrix with cost columns negated (higher is better everywhere),
    for dominance checks; ``linear`` is the exact linear form ``L`` or None.
    """

    score: Scorer
    oriented: FloatArray
    weights: FloatArray
    n: int
    m: int
    method: str
    normalization: str
    params: Mapping[str, Any]
    criteria: tuple[str, ...] | None
    linear: FloatArray | None = field(default=None)


def prepare(
    matrix: ArrayLike,
    weights: ArrayLike | None,
    types: ArrayLike,
    method: str,
    normalization: str | None,
    criteria: Sequence[str] | None,
    params: Mapping[str, Any],
) -> Problem:
    """Check the input through :mod:`policybench.mcda` and build the scorer once.

    ``weights=None`` gives equal weights. The linear form ``L`` is attached for ``wsm`` and
    ``promethee2``, and for ``wpm`` when every normalised value is positive (its logarithm).
    """
    f = mcda.scorer(matrix, types, method, normalization, criteria=criteria, **params)
    n, m = np.shape(matrix)
    names = None if criteria is None else tuple(str(c) for c in criteria)
    w = (
        np.full(m, 1.0 / m)
        if weights is None
        else np.asarray(mcda.check_weights(weights, m, names), dtype=np.float64)
    )
    if w.ndim != 1:
        raise InputError(f"give one weight per criterion ({m}), not a batch of weight sets")
    linear: FloatArray | None = None
    spec = mcda.METHODS[method]  # known: the scorer above checked the name
    if spec.linear_in_weights:
        columns = np.asarray(f(np.eye(m)), dtype=np.float64).T  # (N, M): f(e_j) in column j
        if not spec.log_scores:
            linear = columns
        elif (columns > 0).all():
            linear = np.log(columns)
    norm_name = mcda.default_normalization(method) if normalization is None else normalization
    oriented = np.asarray(matrix, dtype=np.float64) * np.asarray(types, dtype=np.float64)
    return Problem(f, oriented, w, n, m, method, norm_name, dict(params), names, linear)


def criterion_index(criterion: int | str, m: int, criteria: Sequence[str] | None) -> int:
    """Resolve a criterion given by position (from 0) or by name."""
    if isinstance(criterion, str):
        if criteria is None or criterion not in criteria:
            known = ", ".join(criteria) if criteria else "no names were given"
            raise InputError(f"unknown criterion {criterion!r}; the criteria are: {known}")
        return list(criteria).index(criterion)
    if isinstance(criterion, bool) or not isinstance(criterion, int | np.integer):
        raise InputError(f"criterion must be a position (0 to {m - 1}) or a name")
    if not 0 <= int(criterion) < m:
        raise InputError(f"criterion {criterion} does not exist: there are {m} (0 to {m - 1})")
    return int(criterion)


def option_index(option: int, n: int) -> int:
    """Check an option given by position (from 0)."""
    if isinstance(option, bool) or not isinstance(option, int | np.integer):
        raise InputError(f"option must be a position (0 to {n - 1})")
    if not 0 <= int(option) < n:
        raise InputError(f"option {option} does not exist: there are {n} (0 to {n - 1})")
    return int(option)


def label(j: int, criteria: Sequence[str] | None) -> str:
    """Name criterion ``j`` for a message, counting from 1 as the mcda messages do."""
    if criteria is not None and j < len(criteria):
        return f"criterion {j + 1} ({criteria[j]!r})"
    return f"criterion {j + 1}"


def tie_tolerance(a: FloatArray, b: FloatArray) -> FloatArray:
    """The tie tolerance of :func:`policybench.mcda.rank` between scores ``a`` and ``b``."""
    scale = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    out: FloatArray = mcda.TIE_RTOL * scale
    return out


def first(scores: FloatArray, option: int) -> NDArray[np.bool_]:
    """Per row of ``scores`` ``(S, N)``: does ``option`` rank first (a tie at first counts)?"""
    best = scores.max(axis=-1)
    mine = scores[:, option]
    out: NDArray[np.bool_] = best - mine <= tie_tolerance(best, mine)
    return out
