"""Scores to ranks, with one tie rule for every method.

Rank 1 is the best (highest score). Tied options share the lower (better) rank and the next
rank is skipped: scores ``(9, 7, 7, 5)`` rank ``(1, 2, 2, 4)`` ("competition" ranking).

Two scores ``a`` and ``b`` tie when ``|a - b| <= 1e-9 * max(1, |a|, |b|)``. Ties are grouped
along the sorted order: each score is compared with its neighbour in descending order, so a
chain of near-equal scores forms one group even if its ends differ by a little more. This
keeps float noise (e.g. ``0.1 + 0.2`` against ``0.3``) from splitting a real tie, whichever
method produced the scores.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from policybench.errors import InputError

#: Relative tolerance of the tie rule.
TIE_RTOL = 1e-9


def rank(scores: ArrayLike) -> NDArray[np.int64]:
    """Rank scores (higher is better), batch-aware.

    Parameters
    ----------
    scores : array_like
        ``(N,)`` scores of N options, or ``(S, N)``: one row per weight set or sample.

    Returns
    -------
    numpy.ndarray of int64
        Same shape; 1 is the best; ties (``|a - b| <= 1e-9 * max(1, |a|, |b|)``, grouped along
        the sorted order) share the lower rank, so ``(9, 7, 7, 5)`` → ``(1, 2, 2, 4)``.

    Raises
    ------
    InputError
        If the scores are not 1-D or 2-D, or contain NaN.
    """
    arr = np.asarray(scores, dtype=np.float64)
    if arr.ndim not in (1, 2):
        raise InputError(f"scores must be (options,) or (samples, options); got shape {arr.shape}")
    if np.isnan(arr).any():
        raise InputError("scores contain NaN, so they cannot be ranked")
    n = arr.shape[-1]
    if n == 0:
        return np.zeros(arr.shape, dtype=np.int64)
    # Ties get one rank whatever their order, so an unstable (faster) sort is enough.
    order = np.argsort(-arr, axis=-1)
    ordered = np.take_along_axis(arr, order, axis=-1)
    a, b = ordered[..., :-1], ordered[..., 1:]  # a >= b, so max(|a|, |b|) == max(a, -b)
    with np.errstate(invalid="ignore"):  # inf - inf: equal infinities tie
        gap = a - b
    close = gap <= TIE_RTOL * np.maximum(np.maximum(a, -b), 1.0)
    tied = (close & (gap < np.inf)) | (a == b)  # a finite score never ties an infinite one
    position = np.broadcast_to(np.arange(n, dtype=np.int64), arr.shape)
    first = np.zeros((*arr.shape[:-1], 1), dtype=bool)  # not tied[..., :1]: empty for one option
    starts = np.where(np.concatenate([first, tied], axis=-1), 0, position)
    group_start = np.maximum.accumulate(starts, axis=-1)
    ranks = np.empty(arr.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, group_start + 1, axis=-1)
    return ranks
