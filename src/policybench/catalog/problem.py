"""The one conversion from a catalog and weights to numpy arrays.

``mcda`` and ``robustness`` never see a model object: they get a :class:`Problem`, whose
arrays follow the catalog's order of options and criteria. Directions become ``types``
(+1 benefit, -1 cost) here and nowhere else.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from policybench.catalog.models import SCALE_MAX, SCALE_MIN, Catalog, Requirement
from policybench.errors import WeightsError

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Problem:
    """Arrays for the engine, in catalog order.

    ``matrix``, ``low`` and ``high`` are (N options, M criteria); ``types`` is (M,) of +1/-1;
    ``weights`` is (M,) normalised to sum 1; ``bounds`` is the fixed 0–10 scale.
    """

    option_ids: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    matrix: FloatArray
    low: FloatArray
    high: FloatArray
    types: npt.NDArray[np.int64]
    weights: FloatArray
    bounds: tuple[float, float] = (SCALE_MIN, SCALE_MAX)


def direction_to_type(direction: str) -> int:
    """``"benefit"`` → +1, ``"cost"`` → -1: the only place the two conventions meet."""
    return {"benefit": 1, "cost": -1}[direction]


def equal_weights(catalog: Catalog) -> dict[str, float]:
    """Every criterion weighted 1."""
    return {cid: 1.0 for cid in catalog.criterion_ids}


def check_weights(
    catalog: Catalog, weights: Mapping[str, float], *, criteria: Sequence[str] | None = None
) -> dict[str, float]:
    """Check a weight mapping against the catalog and return it in criterion order.

    Every criterion in play must be named, each weight must be a finite number ≥ 0, and at
    least one must be positive. Raises :class:`WeightsError` naming what is wrong.
    """
    wanted = list(criteria) if criteria is not None else list(catalog.criterion_ids)
    unknown = [k for k in weights if k not in catalog.criteria_by_id]
    if unknown:
        raise WeightsError(
            f"unknown criterion {', '.join(map(repr, unknown))}; the criteria are: {', '.join(catalog.criterion_ids)}"
        )
    missing = [c for c in wanted if c not in weights]
    if missing:
        raise WeightsError(
            f"weights must name every criterion; missing: {', '.join(missing)} (the criteria are: {', '.join(wanted)})"
        )
    out: dict[str, float] = {}
    for cid in wanted:
        value = weights[cid]
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise WeightsError(f"weight for {cid!r} must be a number, not {value!r}") from None
        if math.isnan(number) or math.isinf(number):
            raise WeightsError(f"weight for {cid!r} must be a finite number, not {value!r}")
        if number < 0:
            raise WeightsError(
                f"weight for {cid!r} is negative ({number:g}); weights must be 0 or more"
            )
        out[cid] = number
    if not any(v > 0 for v in out.values()):
        raise WeightsError("all weights are zero; give at least one criterion a positive weight")
    return out


@dataclass(frozen=True)
class Reconciled:
    """Saved weights laid over the catalog as it is now.

    A profile or a workshop saved under an older catalog may name criteria that are gone and
    lack criteria that are new. ``weights`` covers exactly the catalog's criteria: the kept
    ones as saved, the new ones at 0 (nothing is re-weighted behind the user's back: a new
    criterion counts only once someone weights it). ``gone`` and ``new`` are listed so that
    every front end can say so.
    """

    weights: dict[str, float]
    kept: tuple[str, ...]
    gone: tuple[str, ...]
    new: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """Whether the saved weights and the catalog disagree on the criteria."""
        return bool(self.gone or self.new)


def reconcile_weights(catalog: Catalog, saved: Mapping[str, float]) -> Reconciled:
    """Map weights saved under any version of the catalog onto the current criteria.

    Raises :class:`WeightsError` when a kept weight is not a number ≥ 0, or when no kept
    criterion has a positive weight (the saved profile then says nothing about today's
    criteria, and ranking under it would be ranking under nobody's view).
    """
    current = catalog.criterion_ids
    kept = tuple(c for c in current if c in saved)
    gone = tuple(c for c in saved if c not in catalog.criteria_by_id)
    new = tuple(c for c in current if c not in saved)
    merged = {c: saved.get(c, 0.0) for c in current}
    try:
        checked = check_weights(catalog, merged)
    except WeightsError as exc:
        if gone and not any(_positive(saved[c]) for c in kept):
            raise WeightsError(
                "these weights were saved for criteria the catalog no longer has "
                f"({', '.join(gone)}); none of today's criteria has a positive weight in them: "
                f"set new weights (the criteria are: {', '.join(current)})"
            ) from None
        raise exc
    return Reconciled(checked, kept, gone, new)


def _positive(value: object) -> bool:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and number > 0


_PAIR = re.compile(r"^\s*([^=\s]+)\s*=\s*(\S+)\s*$")


_REQUIREMENT = re.compile(r"^\s*([^<>=\s]+)\s*(>=|<=)\s*(\S+)\s*$")


def parse_requirement(text: str, catalog: Catalog) -> Requirement:
    """Parse ``"achievability>=1"`` (or ``<=``) into a :class:`Requirement` on the 0–10 scale.

    Raises :class:`WeightsError` naming the criterion, value or expression that is wrong.
    """
    m = _REQUIREMENT.match(text)
    if not m:
        raise WeightsError(
            f"cannot read requirement {text!r}: write criterion>=value or criterion<=value, "
            "e.g. achievability>=2"
        )
    cid, op, raw = m.groups()
    if cid not in catalog.criteria_by_id:
        raise WeightsError(
            f"requirement {text!r} names unknown criterion {cid!r}; the criteria are: "
            f"{', '.join(catalog.criterion_ids)}"
        )
    try:
        value = float(raw)
    except ValueError:
        raise WeightsError(f"requirement {text!r}: {raw!r} is not a number") from None
    if not (math.isfinite(value) and SCALE_MIN <= value <= SCALE_MAX):
        raise WeightsError(
            f"requirement {text!r}: {raw} is off the catalog's {SCALE_MIN:g}–{SCALE_MAX:g} scale"
        )
    if op == ">=":
        return Requirement(criterion=cid, at_least=value)
    return Requirement(criterion=cid, at_most=value)


def parse_weights(text: str, catalog: Catalog) -> dict[str, float]:
    """Parse ``"c1=3,c2=7"`` into a checked weight mapping (every criterion must be named)."""
    pairs: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        m = _PAIR.match(part)
        if not m:
            raise WeightsError(f"cannot read {part!r}: write criterion=number, e.g. deterrence=3")
        key, raw = m.groups()
        if key in pairs:
            raise WeightsError(f"criterion {key!r} is given twice")
        try:
            pairs[key] = float(raw)
        except ValueError:
            raise WeightsError(f"weight for {key!r} must be a number, not {raw!r}") from None
    return check_weights(catalog, pairs)


def to_problem(
    catalog: Catalog,
    weights: Mapping[str, float] | None = None,
    *,
    options: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
) -> Problem:
    """Build the engine's arrays for ``catalog`` under ``weights`` (default: equal).

    ``options`` and ``criteria`` restrict (and order) what is in play, e.g. for a workshop.
    ``overrides`` are what-if scores ``{option_id: {criterion_id: value}}`` that replace the
    catalog's value (the range collapses to the new value: it is an assumption, not evidence).
    """
    crit_ids = tuple(criteria) if criteria is not None else catalog.criterion_ids
    opt_ids = tuple(options) if options is not None else catalog.option_ids
    for cid in crit_ids:
        if cid not in catalog.criteria_by_id:
            raise WeightsError(f"unknown criterion {cid!r}")
    for oid in opt_ids:
        if oid not in catalog.options_by_id:
            raise WeightsError(f"unknown option {oid!r}")
    w = check_weights(
        catalog, weights if weights is not None else {c: 1.0 for c in crit_ids}, criteria=crit_ids
    )
    vector = np.array([w[c] for c in crit_ids], dtype=float)
    vector = vector / vector.sum()
    value, low, high, types = _arrays(_SameCatalog(catalog), opt_ids, crit_ids)
    if overrides:
        value, low, high = value.copy(), low.copy(), high.copy()
    for oid, row in (overrides or {}).items():
        if oid not in opt_ids:
            raise WeightsError(f"what-if override names unknown option {oid!r}")
        for cid, new in row.items():
            if cid not in crit_ids:
                raise WeightsError(f"what-if override for {oid!r} names unknown criterion {cid!r}")
            if not SCALE_MIN <= float(new) <= SCALE_MAX:
                raise WeightsError(f"what-if override {oid}/{cid} = {new!r} is off the 0–10 scale")
            i, j = opt_ids.index(oid), crit_ids.index(cid)
            value[i, j] = low[i, j] = high[i, j] = float(new)
    return Problem(opt_ids, crit_ids, value, low, high, types, vector)


class _SameCatalog:
    """A catalog as a cache key: two catalogs with the same fingerprint have the same scores."""

    __slots__ = ("catalog",)

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def __hash__(self) -> int:
        return hash(self.catalog.fingerprint)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _SameCatalog)
            and other.catalog.fingerprint == self.catalog.fingerprint
        )


@functools.lru_cache(maxsize=64)
def _arrays(
    key: _SameCatalog, opt_ids: tuple[str, ...], crit_ids: tuple[str, ...]
) -> tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.int64]]:
    """The score arrays and directions for these options and criteria, built once (a slider
    move in the app re-ranks with new weights on the same arrays). Read-only: shared."""
    by_id = key.catalog.options_by_id
    arrays = (
        np.array([[by_id[o].scores[c].value for c in crit_ids] for o in opt_ids], dtype=float),
        np.array([[by_id[o].scores[c].low for c in crit_ids] for o in opt_ids], dtype=float),
        np.array([[by_id[o].scores[c].high for c in crit_ids] for o in opt_ids], dtype=float),
        np.array(
            [direction_to_type(key.catalog.criteria_by_id[c].direction) for c in crit_ids],
            dtype=np.int64,
        ),
    )
    for a in arrays:
        a.setflags(write=False)
    return arrays
