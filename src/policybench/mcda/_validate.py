"""Input coercion and the readable error messages of :mod:`policybench.mcda`.

Everything a user can get wrong is caught here, before a kernel runs, and reported in words a
workshop participant can act on (which criterion, which option, which weight set). Nothing is
rescaled or repaired silently: the only transformation is dividing weights by their sum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from policybench.errors import InputError, WeightsError

FloatArray = NDArray[np.float64]
T = TypeVar("T")


def criterion_label(j: int, criteria: Sequence[str] | None) -> str:
    """Name criterion ``j`` for a message: ``criterion 3 ('cost')``, counting from 1."""
    if criteria is not None and j < len(criteria):
        return f"criterion {j + 1} ({criteria[j]!r})"
    return f"criterion {j + 1}"


def criteria_names(criteria: Sequence[str] | None, m: int) -> tuple[str, ...] | None:
    """Check the optional criterion names used in messages: one string per criterion."""
    if criteria is None:
        return None
    if isinstance(criteria, str):
        raise InputError("criteria should be a list of names, one per criterion, not one string")
    names = tuple(str(c) for c in criteria)
    if len(names) != m:
        raise InputError(f"{len(names)} criterion names were given for {m} criteria")
    return names


def _as_float(values: ArrayLike, what: str) -> FloatArray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must contain numbers only ({exc})") from None


def _check_finite(
    matrix: FloatArray, criteria: Sequence[str] | None, what: str = "the score matrix"
) -> None:
    # One read of the matrix, no temporary: a NaN or an infinity makes the total NaN or
    # infinite, so a finite total means every value is finite. A total that overflows (values
    # near the float limits) falls through to the value-by-value check.
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.add.reduce(matrix, axis=None)):
            return
    bad = ~np.isfinite(matrix)
    if bad.any():
        index = np.argwhere(bad)[0]
        *batch, i, j = (int(k) for k in index)
        where = f" (matrix {batch[0] + 1})" if batch else ""
        value = matrix[tuple(index)]
        raise InputError(
            f"{what} has a missing or infinite value ({value}) for option {i + 1} on "
            f"{criterion_label(j, criteria)}{where}; every option needs a finite score on every "
            "criterion"
        )


def matrix(values: ArrayLike, criteria: Sequence[str] | None = None) -> FloatArray:
    """Coerce a score matrix to float ``(N, M)``; N >= 2 options, M >= 1 criteria, all finite."""
    arr = _as_float(values, "the score matrix")
    if arr.ndim != 2:
        raise InputError(
            f"the score matrix must be a table of options (rows) by criteria (columns); "
            f"got an array with {arr.ndim} dimension(s)"
        )
    n, m = arr.shape
    if m < 1:
        raise InputError("the score matrix has no criteria (no columns)")
    if n < 2:
        raise InputError(f"ranking needs at least two options; the score matrix has {n} option(s)")
    _check_finite(arr, criteria)
    return arr


def matrices(values: ArrayLike, criteria: Sequence[str] | None = None) -> FloatArray:
    """Coerce a stack of score matrices to float ``(S, N, M)``, N >= 2, all finite."""
    arr = _as_float(values, "the score matrices")
    if arr.ndim != 3:
        raise InputError(
            "score_paired needs a stack of score matrices shaped (samples, options, criteria); "
            f"got an array with {arr.ndim} dimension(s)"
        )
    if arr.shape[2] < 1:
        raise InputError("the score matrices have no criteria (no columns)")
    if arr.shape[1] < 2:
        raise InputError(
            f"ranking needs at least two options; the score matrices have {arr.shape[1]} option(s)"
        )
    _check_finite(arr, criteria, what="a sampled score matrix")
    return arr


def types(values: ArrayLike, m: int, criteria: Sequence[str] | None = None) -> FloatArray:
    """Coerce criterion directions to float ``(M,)`` of +1 (benefit) / -1 (cost)."""
    if isinstance(values, str):
        raise InputError("types should be a list with +1 (benefit) or -1 (cost) per criterion")
    arr = _as_float(values, "types")
    if arr.ndim != 1 or arr.shape[0] != m:
        raise InputError(
            f"types must give one direction per criterion: {m} expected, got shape {arr.shape}"
        )
    bad = ~np.isin(arr, (1.0, -1.0))
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{criterion_label(j, criteria)} has direction {arr[j]:g}; use +1 for a benefit "
            "(higher is better) or -1 for a cost (lower is better)"
        )
    return arr


def weights(values: ArrayLike, m: int, criteria: Sequence[str] | None = None) -> FloatArray:
    """Validate weights and return float rows normalised to sum 1, shape ``(M,)`` or ``(S, M)``.

    Raises
    ------
    WeightsError
        For a wrong shape, a NaN or infinite weight, a negative weight, or a weight set that is
        all zero. Messages name the criterion and, for a batch, the weight set (from 1).
    """
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise WeightsError("weights must be numbers, one per criterion") from None
    if arr.ndim not in (1, 2) or arr.shape[-1] != m:
        raise WeightsError(
            f"weights must give one number per criterion ({m}), as a list or as one row per "
            f"weight set; got shape {arr.shape}"
        )
    if arr.ndim == 2 and arr.shape[0] == 0:
        raise WeightsError("no weight sets were given")

    def where(index: NDArray[np.intp]) -> str:
        *row, j = (int(k) for k in index)
        label = criterion_label(j, criteria)
        return f"{label} in weight set {row[0] + 1}" if row else label

    bad = ~np.isfinite(arr)
    if bad.any():
        index = np.argwhere(bad)[0]
        raise WeightsError(
            f"the weight for {where(index)} is missing or infinite ({arr[tuple(index)]}); "
            "every weight must be a number"
        )
    negative = arr < 0
    if negative.any():
        index = np.argwhere(negative)[0]
        raise WeightsError(
            f"the weight for {where(index)} is negative ({arr[tuple(index)]:g}); weights say how "
            "much a criterion matters, so use 0 to ignore it"
        )
    total = arr.sum(axis=-1, keepdims=True)
    zero = total[..., 0] <= 0
    if np.any(zero):
        which = f" (weight set {int(np.flatnonzero(zero)[0]) + 1})" if arr.ndim == 2 else ""
        raise WeightsError(
            f"all weights are zero{which}; give at least one criterion a positive weight"
        )
    out: FloatArray = arr / total
    return out


def lookup(name: str, registry: Mapping[str, T], what: str) -> T:
    """Return ``registry[name]``; an unknown name raises InputError listing the valid ones."""
    if not isinstance(name, str) or name not in registry:
        raise InputError(f"unknown {what} {name!r}; choose one of: {', '.join(registry)}")
    return registry[name]


def no_unknown(params: Mapping[str, object], allowed: Iterable[str], owner: str) -> None:
    """Reject parameters that ``owner`` does not take, listing the ones it does."""
    allowed = tuple(allowed)
    unknown = [k for k in params if k not in allowed]
    if unknown:
        takes = f"it takes: {', '.join(allowed)}" if allowed else "it takes no parameters"
        raise InputError(f"{owner} does not take {', '.join(map(repr, unknown))}; {takes}")


def per_criterion(
    value: object,
    m: int,
    name: str,
    owner: str,
    criteria: Sequence[str] | None,
    used: NDArray[np.bool_] | None = None,
) -> FloatArray:
    """Coerce a threshold-like parameter (a scalar or one value per criterion) to ``(M,)``.

    Only the ``used`` entries are checked (finite, >= 0); the others are set to 0.
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{owner}: {name} must be a number or one number per criterion") from None
    if arr.ndim == 0:
        arr = np.full(m, float(arr))
    if arr.shape != (m,):
        raise InputError(
            f"{owner}: {name} must be a number or one number per criterion ({m}); "
            f"got shape {arr.shape}"
        )
    used = np.ones(m, dtype=bool) if used is None else used
    with np.errstate(invalid="ignore"):
        bad = (~np.isfinite(arr) | (arr < 0)) & used
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{owner}: {name} for {criterion_label(j, criteria)} is {arr[j]}; it must be a "
            "finite number >= 0"
        )
    out: FloatArray = np.where(used, arr, 0.0)
    return out


def _first_column(mask: NDArray[np.bool_]) -> int:
    """Index of the first criterion with a True anywhere in ``mask`` (..., N, M)."""
    cols = mask.reshape(-1, mask.shape[-1]).any(axis=0)
    return int(np.flatnonzero(cols)[0])


def bounds(
    value: object, x: FloatArray, types_: FloatArray, criteria: Sequence[str] | None
) -> tuple[FloatArray, FloatArray]:
    """Check ``bounds=(lo, hi)`` for ``scale``: lo < hi and every value within [lo, hi]."""
    m = x.shape[-1]
    try:
        if not isinstance(value, Iterable):
            raise TypeError
        pair: tuple[object, ...] = tuple(value)
        if len(pair) != 2:
            raise ValueError
        lo = np.broadcast_to(np.asarray(pair[0], dtype=np.float64), (m,))
        hi = np.broadcast_to(np.asarray(pair[1], dtype=np.float64), (m,))
    except (TypeError, ValueError):
        raise InputError(
            "bounds must be a pair (low, high), each a number or one number per criterion "
            f"({m}); e.g. bounds=(0, 10)"
        ) from None
    bad = ~(np.isfinite(lo) & np.isfinite(hi) & (lo < hi))
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"the scale of {criterion_label(j, criteria)} runs from {lo[j]} to {hi[j]}; the "
            "low end must be a finite number below the high end"
        )
    outside = (x < lo) | (x > hi)
    if outside.any():
        index = np.argwhere(outside)[0]
        *_, i, j = (int(k) for k in index)
        raise InputError(
            f"option {i + 1} scores {x[tuple(index)]:g} on {criterion_label(j, criteria)}, "
            f"outside its scale {lo[j]:g} to {hi[j]:g}; fix the score or the bounds"
        )
    return lo.copy(), hi.copy()


def normalizable(
    name: str, x: FloatArray, types_: FloatArray, criteria: Sequence[str] | None
) -> None:
    """Raise InputError, naming the criterion, when normalisation ``name`` cannot be computed.

    ``sum`` needs values > 0; ``linear`` needs values >= 0, a positive largest value in a
    benefit column and values > 0 in a cost column; ``vector`` needs a column that is not all
    zero. ``scale`` is checked by :func:`bounds`; ``minmax`` and ``none`` always work.
    """
    cost = types_ < 0
    if name == "sum":
        if x.size and x.min() > 0:  # one read, no temporary (values are finite by now)
            return
        bad = x <= 0
        if bad.any():
            j = _first_column(bad)
            raise InputError(
                f"{criterion_label(j, criteria)} has a value of zero or below, so the 'sum' "
                "normalisation (each value as a share of the column total) cannot be used; "
                "choose 'minmax', 'scale' or 'vector'"
            )
    elif name == "linear":
        bad = (x < 0) | ((x <= 0) & cost)
        if bad.any():
            j = _first_column(bad)
            what = "a zero or negative value" if cost[j] else "a negative value"
            raise InputError(
                f"{criterion_label(j, criteria)} has {what}, so the 'linear' normalisation "
                "(x / max, or min / x for a cost) cannot be used; choose 'minmax' or 'scale'"
            )
        empty = (x.max(axis=-2) <= 0) & ~cost
        if empty.any():
            j = _first_column(empty[..., None, :])
            raise InputError(
                f"{criterion_label(j, criteria)} is zero for every option, so the 'linear' "
                "normalisation (x / max) cannot be used; choose 'minmax' or 'scale'"
            )
    elif name == "vector":
        empty = ~np.any(x != 0, axis=-2)
        if empty.any():
            j = _first_column(empty[..., None, :])
            raise InputError(
                f"{criterion_label(j, criteria)} is zero for every option, so the 'vector' "
                "normalisation (x / its Euclidean length) cannot be used; choose 'minmax' or "
                "'scale'"
            )


def nonnegative_for_product(norm: FloatArray, criteria: Sequence[str] | None) -> None:
    """WPM multiplies values raised to the weights: they must not be negative."""
    bad = norm < 0
    if bad.any():
        j = _first_column(bad)
        raise InputError(
            f"'wpm' multiplies the criteria together, but {criterion_label(j, criteria)} has "
            "negative values after normalisation (a cost under 'none', or negative scores); "
            "choose 'scale', 'minmax', 'linear' or 'sum'"
        )


def vikor_v(value: object) -> float:
    """VIKOR's weight of the group utility, a number in [0, 1]."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"vikor: v must be a number between 0 and 1, got {value!r}") from None
    if not 0.0 <= v <= 1.0:
        raise InputError(f"vikor: v must be between 0 and 1 (0.5 balances the two), got {v}")
    return v


def promethee_params(
    params: Mapping[str, object], m: int, criteria: Sequence[str] | None
) -> dict[str, object]:
    """Check PROMETHEE II's ``preference`` (one name, or one per criterion) and the thresholds
    the chosen functions need (and only those).

    With one function per criterion, a threshold array may hold anything (e.g. None) for the
    criteria whose function does not use it; those entries are ignored.
    """
    from policybench.mcda.methods import PREFERENCES

    raw = params.get("preference", "usual")
    if isinstance(raw, str):
        names: tuple[str, ...] = (raw,) * m
        owner = f"promethee2 with the {raw!r} preference function"
    else:
        if not isinstance(raw, Iterable):
            raise InputError("promethee2: preference must be a name or one name per criterion")
        names = tuple(raw)
        if len(names) != m:
            raise InputError(
                f"promethee2: {len(names)} preference functions were given for {m} criteria"
            )
        owner = "promethee2"
    prefs = [lookup(n, PREFERENCES, "PROMETHEE preference function") for n in names]
    given = {k for k in ("q", "p", "s") if params.get(k) is not None}
    needed = [k for k in ("q", "p", "s") if any(k in pref.thresholds for pref in prefs)]
    missing = [k for k in needed if k not in given]
    if missing:
        raise InputError(
            f"{owner} needs the threshold(s) {', '.join(needed)} (in the criteria's own units, "
            f"a number or one per criterion); missing: {', '.join(missing)}"
        )
    extra = sorted(given - set(needed))
    if extra:
        takes = ", ".join(needed) or "no thresholds"
        raise InputError(f"{owner} does not use {', '.join(extra)}; it takes {takes}")
    out: dict[str, object] = {"preference": raw if isinstance(raw, str) else names}
    for k in needed:
        used = np.array([k in pref.thresholds for pref in prefs])
        out[k] = per_criterion(params[k], m, k, owner, criteria, used=used)
    q, p = out.get("q"), out.get("p")
    if isinstance(q, np.ndarray) and isinstance(p, np.ndarray):
        both = np.array([("q" in f.thresholds) and ("p" in f.thresholds) for f in prefs])
        bad = (q > p) & both
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{owner}: on {criterion_label(j, criteria)} the indifference threshold q "
                f"({q[j]:g}) is above the preference threshold p ({p[j]:g}); q must be <= p"
            )
    for k in ("p", "s"):
        t = out.get(k)
        positive = np.array(
            [k in f.thresholds and n != "level" for f, n in zip(prefs, names, strict=True)]
        )
        if isinstance(t, np.ndarray) and ((t <= 0) & positive).any():
            j = int(np.flatnonzero((t <= 0) & positive)[0])
            raise InputError(f"{owner}: {k} for {criterion_label(j, criteria)} must be above 0")
    return out
