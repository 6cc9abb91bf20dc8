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


def _cost(types: FloatArray) -> NDArray[np.bool_]:
    return types < 0


def scale(x: FloatArray, types: FloatArray, bounds: tuple[Any, Any] = DEFAULT_BOUNDS) -> FloatArray:
    """Fixed-scale value: ``(x - lo) / (hi - lo)``; a cost criterion gets ``1 - that``."""
    lo = np.asarray(bounds[0], dtype=np.float64)
    hi = np.asarray(bounds[1], dtype=np.float64)
    v = (x - lo) / (hi - lo)
    return np.where(_cost(types), 1.0 - v, v)


def minmax(x: FloatArray, types: FloatArray) -> FloatArray:
    """``(x - min) / (max - min)``; cost ``(max - x) / (max - min)``; a constant column is 1."""
    lo = x.min(axis=-2, keepdims=True)
    hi = x.max(axis=-2, keepdims=True)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    v = np.where(_cost(types), hi - x, x - lo) / safe
    return np.where(span > 0, v, 1.0)


def linear(x: FloatArray, types: FloatArray) -> FloatArray:
    """``x / max``; cost ``min / x`` (pymcdm's ``linear_normalization``)."""
    cost = _cost(types)
    with np.errstate(divide="ignore", invalid="ignore"):
        benefit = x / x.max(axis=-2, keepdims=True)
        costv = x.min(axis=-2, keepdims=True) / x
    out: FloatArray = np.where(cost, costv, benefit)
    return out


def sum_(x: FloatArray, types: FloatArray) -> FloatArray:
    """``x / sum(x)``; cost ``(1/x) / sum(1/x)``. Needs strictly positive values."""
    cost = _cost(types)
    with np.errstate(divide="ignore", invalid="ignore"):
        y: FloatArray = np.where(cost, 1.0 / x, x)
    out: FloatArray = y / y.sum(axis=-2, keepdims=True)
    return out


def vector(x: FloatArray, types: FloatArray) -> FloatArray:
    """``x / ||x||``; cost ``1 - x / ||x||`` (Euclidean norm over the options)."""
    v = x / np.sqrt(np.sum(x**2, axis=-2, keepdims=True))
    out: FloatArray = np.where(_cost(types), 1.0 - v, v)
    return out


def none(x: FloatArray, types: FloatArray) -> FloatArray:
    """Raw values, orientation only: benefit ``x``, cost ``-x``."""
    return x * types


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
