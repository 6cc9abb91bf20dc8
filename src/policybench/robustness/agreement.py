"""Method-versus-method agreement: every method's ranking side by side, and Kendall's tau-b.

Kendall's tau-b between two rankings ``x`` and ``y`` of the same N options is
``(C - D) / sqrt((P - T_x) (P - T_y))``, with ``C``/``D`` the concordant/discordant pairs,
``P = N (N - 1) / 2`` and ``T_x``/``T_y`` the pairs tied in ``x``/``y`` (Kendall 1945). It is
1 for the same order, -1 for the reverse, and NaN when either ranking ties every option. The
implementation here compares all pairs at once and matches :func:`scipy.stats.kendalltau`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from policybench import mcda
from policybench.errors import InputError
from policybench.robustness._problem import FloatArray, IntArray


@dataclass(frozen=True, slots=True)
class Agreement:
    """Rankings of several methods on one problem, and how far they agree.

    Attributes
    ----------
    methods : tuple of str
        The methods, in the order of the rows below.
    normalizations : tuple of str
        The normalisation each method used.
    scores : numpy.ndarray
        ``(K, N)`` each method's scores (higher is better; scales differ between methods).
    ranks : numpy.ndarray
        ``(K, N)`` each method's ranks (1 is best).
    tau : numpy.ndarray
        ``(K, K)`` Kendall's tau-b between the methods' rankings (1 on the diagonal).
    """

    methods: tuple[str, ...]
    normalizations: tuple[str, ...]
    scores: FloatArray
    ranks: IntArray
    tau: FloatArray


def kendall_tau_b(x: ArrayLike, y: ArrayLike) -> FloatArray:
    """Kendall's tau-b between rankings (or scores) ``x`` and ``y``, batch-aware.

    Parameters
    ----------
    x, y : array_like
        ``(..., N)`` values whose order is compared; any monotone coding works (ranks or
        scores, though the direction must agree). Leading axes broadcast.

    Returns
    -------
    numpy.ndarray
        ``(...)`` tau-b; NaN where either side ties every option.
    """
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    if a.shape[-1] != b.shape[-1] or a.shape[-1] < 2:
        raise InputError("tau-b needs two rankings of the same N >= 2 options")
    i, j = np.triu_indices(a.shape[-1], k=1)
    sa = np.sign(a[..., i] - a[..., j])
    sb = np.sign(b[..., i] - b[..., j])
    num = (sa * sb).sum(axis=-1)
    den = np.sqrt(np.abs(sa).sum(axis=-1) * np.abs(sb).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


def agreement(
    matrix: ArrayLike,
    weights: ArrayLike | None,
    types: ArrayLike,
    methods: Sequence[str] | None = None,
    normalization: Mapping[str, str | None] | str | None = None,
    *,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    criteria: Sequence[str] | None = None,
) -> Agreement:
    """Rank one problem with several methods and compare the rankings (Kendall's tau-b).

    Parameters
    ----------
    matrix, types, criteria
        As for :func:`policybench.mcda.score`.
    weights : array_like or None
        ``(M,)``; ``None`` means equal weights.
    methods : sequence of str, optional
        Keys of :data:`policybench.mcda.METHODS`; all of them by default.
    normalization : str or mapping, optional
        One normalisation for every method, or a mapping method -> normalisation; a method not
        named (or ``None``) uses its own default.
    params : mapping, optional
        Per-method parameters, e.g. ``{"promethee2": {"preference": "vshape", "p": 2}}``.

    Returns
    -------
    Agreement
    """
    names = tuple(mcda.METHODS) if methods is None else tuple(methods)
    if not names:
        raise InputError("give at least one method to compare")
    unknown = [k for k in names if k not in mcda.METHODS]
    if unknown:
        raise InputError(f"unknown method {unknown[0]!r}; choose from: {', '.join(mcda.METHODS)}")
    per_params = dict(params or {})
    stray = [k for k in per_params if k not in names]
    if stray:
        raise InputError(f"parameters were given for {stray[0]!r}, which is not being compared")
    rows: list[FloatArray] = []
    norms: list[str] = []
    vec: FloatArray | None = None
    for name in names:  # one call per method (a handful); each is vectorised
        norm = normalization.get(name) if isinstance(normalization, Mapping) else normalization
        f = mcda.scorer(matrix, types, name, norm, criteria=criteria, **per_params.get(name, {}))
        if vec is None:  # the matrix has been checked by now
            m = int(np.shape(matrix)[1])
            vec = (
                np.full(m, 1.0 / m) if weights is None else mcda.check_weights(weights, m, criteria)
            )
        rows.append(np.asarray(f(vec), dtype=np.float64))
        norms.append(mcda.default_normalization(name) if norm is None else norm)
    scores = np.vstack(rows)
    ranks = mcda.rank(scores)
    tau = kendall_tau_b(-ranks[:, None, :], -ranks[None, :, :])
    return Agreement(names, tuple(norms), scores, ranks, tau)
