"""Weights as people set them, turned into what the engine and the controls need.

Weights arrive as points (slider positions, a stored submission, a preset: any non-negative
scale); :func:`shares` turns them into shares of the total once, and says when there are none
(every weight zero), so a front end decides "rankable or not" and shows each share from one
call; :func:`participant_shares` does it for a whole room at once, checked, as a ``(P, M)``
array. The rest turns other ways of expressing importance into weights — places in a ranking
of the criteria (rank-order centroid) and pairwise judgements on Saaty's scale (AHP) — and
weights back into slider positions.

The weights a ranking uses are checked against the catalog by
:func:`policybench.catalog.to_problem` (once, where they meet the catalog's criteria); the
command line's choice between a profile, a preset and ``--weights`` is
:mod:`policybench.cli.weights`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from policybench import mcda
from policybench.errors import InputError, WeightsError
from policybench.mcda.weights import CR_THRESHOLD

FloatArray = npt.NDArray[np.float64]
#: Participants' weights: mappings ``{criterion: weight}``, or rows in the criteria's order.
Weights = Sequence[Mapping[str, float]] | npt.ArrayLike

#: The Saaty scale's steps: 1 (equally important) to 9 (extremely more important).
SAATY_MAX = 9


def shares(weights: Mapping[str, float], order: Sequence[str]) -> dict[str, float] | None:
    """Each weight as a share of the total, in ``order`` (a negative or missing weight counts
    as 0); None when no weight is positive, i.e. when nothing can be ranked."""
    values = [max(0.0, float(weights.get(c, 0.0))) for c in order]
    total = math.fsum(values)
    if total <= 0 or not math.isfinite(total):
        return None
    return {c: v / total for c, v in zip(order, values, strict=True)}


def same_proportions(a: Mapping[str, float], b: Mapping[str, float], order: Sequence[str]) -> bool:
    """True when ``a`` and ``b`` give every criterion the same share (within 1e-9)."""
    sa, sb = shares(a, order), shares(b, order)
    if sa is None or sb is None:
        return sa is sb
    return all(abs(sa[c] - sb[c]) <= 1e-9 for c in order)


def weight_matrix(
    weights: Sequence[Mapping[str, float]], criterion_ids: Sequence[str]
) -> FloatArray:
    """``(P, M)``: each participant's weights in criterion order (a missing criterion is 0)."""
    return np.array(
        [[float(row.get(c, 0.0)) for c in criterion_ids] for row in weights], dtype=float
    ).reshape(len(weights), len(criterion_ids))


def participant_shares(weights: Weights, criterion_ids: Sequence[str]) -> FloatArray:
    """``(P, M)`` shares (each row summing to 1) from mappings ``{criterion: weight}`` (a
    missing criterion is 0) or from rows in the order of ``criterion_ids``; ``(0, M)`` for no
    participants.

    Raises
    ------
    InputError
        Rows of the wrong shape.
    WeightsError
        A participant whose weights are negative, not numbers or all zero (named by row, from 1).
    """
    if isinstance(weights, Sequence) and all(isinstance(w, Mapping) for w in weights):
        rows = weight_matrix(weights, criterion_ids)  # type: ignore[arg-type]
    else:
        rows = np.asarray(weights, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[1] != len(criterion_ids):
            raise InputError(
                f"weights must be one row per participant with one weight per criterion "
                f"({len(criterion_ids)}: {', '.join(criterion_ids)}); got shape {rows.shape}"
            )
    if rows.shape[0] == 0:
        return rows.reshape(0, len(criterion_ids))
    return np.atleast_2d(mcda.check_weights(rows, len(criterion_ids), criterion_ids))


# ------------------------------------------------------------------------------ sliders
def to_slider_points(
    target: Mapping[str, float], order: Sequence[str], *, total: float, maximum: float, step: float
) -> dict[str, float]:
    """Express the shares ``target`` as slider points on ``step`` that add up to about
    ``total`` (the current sliders' sum, so criteria that barely change keep their
    positions), scaled down when a point would pass ``maximum``."""
    values = [max(0.0, float(target.get(c, 0.0))) for c in order]
    if not any(v > 0 for v in values):
        raise WeightsError("all weights are zero; give at least one criterion a positive weight")
    scale = total / math.fsum(values) if total > 0 else maximum / max(values)
    scale = min(scale, maximum / max(values))
    return {c: round(v * scale / step) * step for c, v in zip(order, values, strict=True)}


def slider_points(
    weights: Mapping[str, float], criterion_ids: Sequence[str], *, maximum: float, step: float
) -> dict[str, float]:
    """Slider positions for stored weights: the weights themselves when they fit the sliders
    (0–``maximum`` on ``step``), else their shares scaled so that the largest sits at
    ``maximum`` (a small positive weight stays at least one step)."""
    values = [float(weights.get(c, 0.0)) for c in criterion_ids]
    fits = all(
        0 <= v <= maximum and abs(v / step - round(v / step)) < 1e-9 for v in values
    ) and any(v > 0 for v in values)
    if fits:
        return {c: float(v) for c, v in zip(criterion_ids, values, strict=True)}
    top = max(values) if values and max(values) > 0 else 0.0
    if top <= 0:
        return {c: maximum / 2 for c in criterion_ids}
    return {
        c: float(max(step, round(v / top * maximum / step) * step)) if v > 0 else 0.0
        for c, v in zip(criterion_ids, values, strict=True)
    }


# ------------------------------------------------------------------------------ elicitation
def roc_weights(criterion_ids: Sequence[str], places: Mapping[str, int]) -> dict[str, float]:
    """Rank-order centroid weights from each criterion's place (1 = most important, ties
    allowed): :func:`policybench.mcda.rank_order_centroid`."""
    weights = mcda.rank_order_centroid([int(places[c]) for c in criterion_ids])
    return {c: float(w) for c, w in zip(criterion_ids, weights, strict=True)}


def ahp_matrix(
    criterion_ids: Sequence[str], judgements: Mapping[tuple[str, str], int]
) -> FloatArray:
    """The reciprocal pairwise matrix from judgements ``{(a, b): k}``.

    ``k`` runs from ``-(SAATY_MAX - 1)`` to ``SAATY_MAX - 1``: 0 is "equally important",
    ``k > 0`` means ``a`` is ``k + 1`` times as important as ``b``, ``k < 0`` the reverse. A
    pair not given is "equally important".
    """
    m = len(criterion_ids)
    index = {c: i for i, c in enumerate(criterion_ids)}
    a = np.ones((m, m))
    for (first, second), value in judgements.items():
        k = int(value)
        if abs(k) > SAATY_MAX - 1:
            raise InputError(f"a judgement must lie between 1/{SAATY_MAX} and {SAATY_MAX}")
        ratio = float(k + 1) if k >= 0 else 1.0 / (1 - k)
        i, j = index[first], index[second]
        a[i, j] = ratio
        a[j, i] = 1.0 / ratio
    return a


@dataclass(frozen=True)
class PairwiseWeights:
    """AHP weights with their consistency ratio and, when CR is above Saaty's threshold, the
    pair of criteria whose judgement fits least with the others (``worst``)."""

    weights: dict[str, float]
    cr: float
    consistent: bool
    worst: tuple[str, str] | None


def ahp_weights(
    criterion_ids: Sequence[str], judgements: Mapping[tuple[str, str], int]
) -> PairwiseWeights:
    """Weights from pairwise judgements (see :func:`ahp_matrix`) with :func:`policybench.mcda.ahp`."""
    res = mcda.ahp(ahp_matrix(criterion_ids, judgements))
    worst = None
    if res.most_inconsistent is not None:
        i, j = res.most_inconsistent
        worst = (criterion_ids[i], criterion_ids[j])
    return PairwiseWeights(
        {c: float(w) for c, w in zip(criterion_ids, res.weights, strict=True)},
        float(res.cr),
        bool(res.cr <= CR_THRESHOLD),
        worst,
    )
