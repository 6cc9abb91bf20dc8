"""Column-wise normalisation kernels.

Each kernel maps a score matrix ``x`` of shape ``(N, M)`` (or a stack ``(S, N, M)``; columns
are always reduced over the options axis ``-2``) and directions ``types`` (``+1`` benefit,
``-1`` cost, shape ``(M,)``) to values where **higher is better** on every criterion. The
kernels do not validate: :mod:`policybench.mcda._validate` checks beforehand that the result
can be computed (no zero under ``sum``, no cost zero under ``linear``, ...), so no NaN ever
leaves here.

Definitions (``v`` benefit, ``v_cost`` cost), matching pymcdm 1.4 where pymcdm has the same
name:

``scale``   ``v = (x - lo) / (hi - lo)``, ``v_cost = 1 - v``; fixed ``bounds=(lo, hi)``, scalars
            or ``(M,)``, default ``(0, 10)``. The linear additive value model: a fixed scale, so
            adding or removing an option never reorders the others under ``wsm``.
``minmax``  ``(x - min) / (max - min)``, ``v_cost = (max - x) / (max - min)``; a constant column
            maps to 1.
``linear``  ``x / max``, ``v_cost = min / x`` (a zero in a benefit column is fine).
``sum``     ``x / sum(x)``, ``v_cost = (1/x) / sum(1/x)``.
``vector``  ``x / ||x||``, ``v_cost = 1 - x / ||x||`` (Euclidean norm of the column).
``none``    the raw values, ``v_cost = -x`` (orientation only, units kept: differences keep their
            size, which is what VIKOR and PROMETHEE thresholds expect).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Normalization = Callable[..., FloatArray]

DEFAULT_BOUNDS: tuple[float, float] = (0.0, 10.0)


Column = Callable[[FloatArray], FloatArray]


def _by_direction(x: FloatArray, types: FloatArray, benefit: Column, cost: Column) -> FloatArray:
    """Apply ``benefit`` to every column, then ``cost`` to the cost columns only (one pass each)."""
    out = benefit(x)
    is_cost = types < 0
    if is_cost.any():
        out[..., is_cost] = cost(x[..., is_cost])
    return out


def scale(x: FloatArray, types: FloatArray, bounds: tuple[Any, Any] = DEFAULT_BOUNDS) -> FloatArray:
    """Fixed-scale value: ``(x - lo) / (hi - lo)``; a cost criterion gets ``1 - that``."""
    lo = np.broadcast_to(np.asarray(bounds[0], dtype=np.float64), x.shape[-1:])
    hi = np.broadcast_to(np.asarray(bounds[1], dtype=np.float64), x.shape[-1:])
    # One fused affine map per column (no fancy indexing, which is slow on (S, N, M) batches):
    # benefit (x - lo)/(hi - lo); cost 1 - that = (hi - x)/(hi - lo).
    span = hi - lo
    is_cost = types < 0
    slope = np.where(is_cost, -1.0, 1.0) / span
    offset = np.where(is_cost, hi, -lo) / span
    out: FloatArray = x * slope + offset
    return out


def _minmax(x: FloatArray, cost: bool) -> FloatArray:
    lo = x.min(axis=-2, keepdims=True)
    hi = x.max(axis=-2, keepdims=True)
    span = hi - lo
    flat = span <= 0
    out: FloatArray = ((hi - x) if cost else (x - lo)) / np.where(flat, 1.0, span)
    if flat.any():
        out[..., flat[..., 0, :]] = 1.0  # a constant column (only for an (N, M) matrix)
    return out


def minmax(x: FloatArray, types: FloatArray) -> FloatArray:
    """``(x - min) / (max - min)``; cost ``(max - x) / (max - min)``; a constant column is 1."""
    if x.ndim == 2:
        return _by_direction(
            x, types, lambda c: _minmax(c, cost=False), lambda c: _minmax(c, cost=True)
        )
    lo = x.min(axis=-2, keepdims=True)
    hi = x.max(axis=-2, keepdims=True)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    v = np.where(types < 0, hi - x, x - lo) / safe
    stacked: FloatArray = np.where(span > 0, v, 1.0)
    return stacked


def linear(x: FloatArray, types: FloatArray) -> FloatArray:
    """``x / max``; cost ``min / x`` (pymcdm's ``linear_normalization``)."""
    return _by_direction(
        x,
        types,
        lambda c: c / c.max(axis=-2, keepdims=True),
        lambda c: c.min(axis=-2, keepdims=True) / c,
    )


#: Rows of a matrix handled at once when costs are inverted (``ROWS x M`` values stay in cache).
ROWS = 2048


def _invert_costs(x: FloatArray, is_cost: NDArray[np.bool_]) -> FloatArray:
    """A copy of ``x`` with ``1 / x`` in the cost columns, in cache-sized blocks of rows.

    ``numpy.where`` (or a ``where=`` mask) broadcast over a whole large matrix is much slower
    than over blocks that stay in cache (measured: ``sum_`` on 100,000 x 20 with 7 costs took
    about half the time); the values are the same.
    """
    out = np.empty(x.shape)  # C order whatever x's, so that the reshape below is a view
    rows, flat = x.reshape(-1, x.shape[-1]), out.reshape(-1, x.shape[-1])
    for start in range(0, rows.shape[0], ROWS):  # a loop over blocks of rows, not over options
        block = rows[start : start + ROWS]
        with np.errstate(divide="ignore"):  # a zero in a benefit column is not inverted
            flat[start : start + ROWS] = np.where(is_cost, 1.0 / block, block)
    return out


def sum_(x: FloatArray, types: FloatArray) -> FloatArray:
    """``x / sum(x)``; cost ``(1/x) / sum(1/x)``. Needs strictly positive values."""

    is_cost = types < 0
    if not is_cost.any():
        out: FloatArray = x / x.sum(axis=-2, keepdims=True)
        return out
    y = _invert_costs(x, is_cost)
    y /= y.sum(axis=-2, keepdims=True)
    return y


def sum_logs(x: FloatArray, types: FloatArray) -> tuple[FloatArray, FloatArray] | None:
    """The logarithm of :func:`sum_`, split so that no normalised matrix is built.

    With ``v = sum_(x, types)``: ``log v_ij = types_j * logs_ij - offset_j``, where
    ``logs = log(x)`` (``log(1/x) = -log(x)`` folds a cost's inversion into the sign) and
    ``offset_j`` is the log of column j's total (of ``x``, or of ``1/x`` for a cost).
    ``logs`` is ``x``'s shape, ``offset`` is ``(..., 1, M)``. Needs strictly positive values;
    returns None when a column total is not finite (values near the float limits), for the
    caller to normalise the plain way.
    """
    is_cost = types < 0
    with np.errstate(over="ignore", divide="ignore"):  # an overflow is caught below
        # for one matrix, a matrix-vector product reads x once (faster than a sum over axis 0)
        totals = np.ones(x.shape[0]) @ x if x.ndim == 2 else x.sum(axis=-2)
        if is_cost.any():  # the totals of 1/x, in cache-sized blocks of rows
            cost = np.flatnonzero(is_cost)
            inverse = np.zeros((*x.shape[:-2], cost.size))
            for start in range(0, x.shape[-2], ROWS):
                inverse += np.reciprocal(x[..., start : start + ROWS, cost]).sum(axis=-2)
            totals[..., cost] = inverse
    if not np.isfinite(totals).all():
        return None
    logs = np.log(x)
    offset: FloatArray = np.log(totals)[..., None, :]
    return logs, offset


def vector(x: FloatArray, types: FloatArray) -> FloatArray:
    """``x / ||x||``; cost ``1 - x / ||x||`` (Euclidean norm over the options)."""

    def unit(c: FloatArray) -> FloatArray:
        out: FloatArray = c / np.sqrt(np.sum(c**2, axis=-2, keepdims=True))
        return out

    return _by_direction(x, types, unit, lambda c: 1.0 - unit(c))


def none(x: FloatArray, types: FloatArray) -> FloatArray:
    """Raw values, orientation only: benefit ``x``, cost ``-x``."""
    out: FloatArray = x * types
    return out


NORMALIZATIONS: Mapping[str, Normalization] = MappingProxyType(
    {
        "scale": scale,
        "minmax": minmax,
        "linear": linear,
        "sum": sum_,
        "vector": vector,
        "none": none,
    }
)
"""Normalisation kernels by name (read-only). ``None`` in the public API means the method's
default (see :data:`policybench.mcda.METHODS`)."""

PARAMETERS: Mapping[str, tuple[str, ...]] = MappingProxyType({"scale": ("bounds",)})
"""Keyword parameters each normalisation takes (none take any except ``scale``)."""
