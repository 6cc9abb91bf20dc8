"""The two-cluster map: every option placed on two axes, and the efficient frontier.

Decision conferences read benefit against achievability on one map (Hiview's map), because
"high impact but hard" and "easy but small" are different conversations. An axis is a criterion
cluster (``impact``, ``achievability``) or a single criterion:

- an option's value on a **cluster** is the weighted mean of its direction-adjusted 0–1 values
  (the ``scale`` normalisation on the catalog's fixed 0–10 scales: ``v = x / 10``, a cost
  criterion ``1 - x / 10``, so higher is better everywhere) over that cluster's criteria, with
  the current weights restricted to the cluster and renormalised;
- on a **single criterion** it is that criterion's direction-adjusted value.

An option is **efficient** when no other option is at least as good on both axes and better on
one (it is not dominated; values within :data:`TOLERANCE` count as equal); the frontier runs through the efficient options by increasing ``x``.
The values are the catalog's, so neither the method nor its normalisation changes the map.

Axis ids: a cluster by its name; a criterion by its id, written ``criterion:<id>`` when a
cluster has the same name (``achievability`` is the cluster, ``criterion:achievability`` the
single criterion); ``cluster:<name>`` is accepted too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from policybench import mcda
from policybench.catalog import Catalog, to_problem
from policybench.errors import InputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: The map's axes unless asked otherwise: what an option achieves against whether it can happen.
DEFAULT_X = "impact"
DEFAULT_Y = "achievability"


@dataclass(frozen=True)
class Axis:
    """One axis of the map: ``id`` as the command line writes it, ``kind``, the cluster's or
    criterion's ``name`` (the catalog's id for a cluster), and the ``criteria`` it averages."""

    id: str
    kind: Literal["cluster", "criterion"]
    name: str
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class Frontier:
    """Every option on the map, in the order given (the catalog's).

    ``x`` and ``y`` are ``(N,)`` values on 0–1 (higher is better); ``efficient`` marks the
    options no other dominates; ``x_weights`` / ``y_weights`` are the shares each axis gives
    its criteria (summing to 1); ``weights`` the shares of the whole profile.
    """

    x_axis: Axis
    y_axis: Axis
    option_ids: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    weights: FloatArray
    x: FloatArray
    y: FloatArray
    efficient: BoolArray
    x_weights: FloatArray
    y_weights: FloatArray
    catalog_fingerprint: str
    label: str = "custom weights"

    def frontier(self) -> list[int]:
        """Indices of the efficient options along the frontier: by ``x`` rising (``y`` then
        falling), ties in catalog order."""
        idx = np.flatnonzero(self.efficient)
        order = np.lexsort((idx, -self.y[idx], self.x[idx]))
        return [int(i) for i in idx[order]]

    @property
    def weight_map(self) -> dict[str, float]:
        """``{criterion_id: share}`` of the whole profile."""
        return {c: float(w) for c, w in zip(self.criterion_ids, self.weights, strict=True)}


def axes(catalog: Catalog) -> list[Axis]:
    """Every axis the catalog offers: its clusters (in the order their criteria first appear),
    then each criterion."""
    clusters: dict[str, list[str]] = {}
    for c in catalog.criteria:
        clusters.setdefault(c.cluster, []).append(c.id)
    out = [Axis(name, "cluster", name, tuple(ids)) for name, ids in clusters.items()]
    for c in catalog.criteria:
        ident = f"criterion:{c.id}" if c.id in clusters else c.id
        out.append(Axis(ident, "criterion", c.id, (c.id,)))
    return out


def axis(catalog: Catalog, text: str) -> Axis:
    """The axis ``text`` names: a cluster, a criterion, ``cluster:<name>`` or
    ``criterion:<id>``. Raises :class:`~policybench.errors.InputError` listing the axes."""
    every = axes(catalog)
    wanted = text.strip()
    kind, sep, rest = wanted.partition(":")
    for a in every:
        if a.id == wanted or (sep and kind == a.kind and rest == a.name):
            return a
    clusters = ", ".join(a.id for a in every if a.kind == "cluster")
    criteria = ", ".join(a.id for a in every if a.kind == "criterion")
    raise InputError(
        f"unknown axis {text!r}: name a cluster ({clusters}) or a criterion ({criteria})"
    )


#: Two values closer than this are equal: a weighted mean of the same values in another order
#: can differ in its last bits (0.42 against 0.42000000000000004), which must not make one
#: option dominate another. Values are on 0–1, so this is absolute (cf. mcda.TIE_RTOL).
TOLERANCE = 1e-9


def dominated(x: npt.ArrayLike, y: npt.ArrayLike) -> BoolArray:
    """``(N,)``: is option ``i`` dominated, i.e. is some other option at least as good on both
    values and better on one? Values within :data:`TOLERANCE` are equal, so two options with
    the same values dominate neither each other. Vectorised over all pairs."""
    xs, ys = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    dx = xs[None, :] - xs[:, None]  # [i, j]: how much better j is than i on x
    dy = ys[None, :] - ys[:, None]
    at_least = (dx >= -TOLERANCE) & (dy >= -TOLERANCE)
    better = (dx > TOLERANCE) | (dy > TOLERANCE)
    out: BoolArray = np.asarray((at_least & better).any(axis=1))
    return out


def _axis_values(values: FloatArray, weights: FloatArray, cols: list[int], ax: Axis) -> FloatArray:
    part = weights[cols]
    total = float(part.sum())
    if total <= 0:
        names = ", ".join(ax.criteria)
        raise InputError(
            f"every criterion of the {ax.id} axis ({names}) has weight 0, so no option has a "
            f"value on it: give one of them a weight, or choose another axis"
        )
    out: FloatArray = values[:, cols] @ (part / total)
    return out


def frontier_catalog(
    catalog: Catalog,
    weights: Mapping[str, float] | None = None,
    *,
    x: str = DEFAULT_X,
    y: str = DEFAULT_Y,
    options: Sequence[str] | None = None,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
    label: str = "custom weights",
) -> Frontier:
    """Place the catalog's options (``options``, default every one) on the ``x`` and ``y``
    axes under ``weights`` (default equal), and mark the efficient ones.

    Raises :class:`~policybench.errors.InputError` for an unknown axis, the same axis twice
    or an axis whose criteria all have weight 0, and
    :class:`~policybench.errors.WeightsError` for weights that cannot be used.
    """
    x_axis, y_axis = axis(catalog, x), axis(catalog, y)
    if x_axis.id == y_axis.id:
        raise InputError(f"the map needs two different axes; both are {x_axis.id!r}")
    problem = to_problem(catalog, weights, options=options, overrides=overrides)
    values = mcda.value_matrix(
        problem.matrix,
        problem.types,
        "scale",
        criteria=problem.criterion_ids,
        bounds=problem.bounds,
    )
    index = {c: j for j, c in enumerate(problem.criterion_ids)}
    cols_x = [index[c] for c in x_axis.criteria]
    cols_y = [index[c] for c in y_axis.criteria]
    xs = _axis_values(values, problem.weights, cols_x, x_axis)
    ys = _axis_values(values, problem.weights, cols_y, y_axis)
    wx, wy = problem.weights[cols_x], problem.weights[cols_y]
    return Frontier(
        x_axis=x_axis,
        y_axis=y_axis,
        option_ids=problem.option_ids,
        criterion_ids=problem.criterion_ids,
        weights=problem.weights,
        x=xs,
        y=ys,
        efficient=~dominated(xs, ys),
        x_weights=wx / wx.sum(),
        y_weights=wy / wy.sum(),
        catalog_fingerprint=catalog.fingerprint,
        label=label,
    )
