"""Rank a catalog: the step from catalog + weights + method to a :class:`Ranking` that
carries its provenance (method, normalisation, parameters, weights, catalog fingerprint).

The CLI, the app and the exporters all go through :func:`rank_catalog`, so a table exported
from the command line and the one on screen are the same numbers, stamped the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from policybench import mcda
from policybench.catalog import Catalog, Problem, to_problem
from policybench.errors import InputError

FloatArray = npt.NDArray[np.float64]

#: The value model of public appraisal guidance: linear value on each criterion's fixed
#: 0–10 scale, so adding or removing an option never reorders the others under WSM.
DEFAULT_METHOD = "wsm"
DEFAULT_NORMALIZATION = "scale"
ADDITIVE_METHODS = frozenset({"wsm"})


def resolve_normalization(method: str, normalization: str | None) -> str:
    """The normalisation actually used (DESIGN "Defaults").

    Naming only a method keeps ``scale`` for ``wsm`` and ``wpm`` (the catalog's fixed
    scales) and uses the method's own default otherwise.
    """
    if method not in mcda.METHODS:
        raise InputError(f"unknown method {method!r}; choose one of: {', '.join(mcda.METHODS)}")
    if normalization is not None:
        if normalization not in mcda.NORMALIZATIONS:
            raise InputError(f"unknown normalization {normalization!r}; choose one of: {', '.join(mcda.NORMALIZATIONS)}")
        return normalization
    return DEFAULT_NORMALIZATION if method in {"wsm", "wpm"} else mcda.default_normalization(method)


@dataclass(frozen=True)
class Ranking:
    """One ranking of options, with everything needed to reproduce or stamp it."""

    method: str
    normalization: str
    params: Mapping[str, Any]
    option_ids: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    weights: FloatArray
    scores: FloatArray
    ranks: npt.NDArray[np.int64]
    catalog_fingerprint: str
    label: str = "custom weights"
    contributions: FloatArray | None = field(default=None, repr=False)

    def order(self) -> list[int]:
        """Indices of the options from best to worst (ties keep catalog order)."""
        return sorted(range(len(self.option_ids)), key=lambda i: (int(self.ranks[i]), i))

    @property
    def weight_map(self) -> dict[str, float]:
        return {c: float(w) for c, w in zip(self.criterion_ids, self.weights, strict=True)}


def rank_problem(
    problem: Problem,
    *,
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    fingerprint: str = "",
    label: str = "custom weights",
    **params: Any,
) -> Ranking:
    """Score and rank a :class:`Problem`; additive methods also get per-criterion contributions."""
    norm = resolve_normalization(method, normalization)
    if norm == "scale":
        params.setdefault("bounds", problem.bounds)
    scores = mcda.score(problem.matrix, problem.weights, problem.types, method=method, normalization=norm, criteria=problem.criterion_ids, **params)
    contributions = None
    if method in ADDITIVE_METHODS:
        norm_params = {k: v for k, v in params.items() if k == "bounds"}
        values = mcda.value_matrix(problem.matrix, problem.types, normalization=norm, **norm_params)
        contributions = values * problem.weights[None, :]
    return Ranking(
        method=method,
        normalization=norm,
        params=dict(params),
        option_ids=problem.option_ids,
        criterion_ids=problem.criterion_ids,
        weights=problem.weights,
        scores=np.asarray(scores, dtype=float),
        ranks=mcda.rank(scores),
        catalog_fingerprint=fingerprint,
        label=label,
        contributions=contributions,
    )


def rank_catalog(
    catalog: Catalog,
    weights: Mapping[str, float] | None = None,
    *,
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    options: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
    label: str = "custom weights",
    overrides: Mapping[str, Mapping[str, float]] | None = None,
    **params: Any,
) -> Ranking:
    """Rank the catalog's options under ``weights`` (default equal) with ``method``.

    What-if ``overrides`` replace catalog scores and are marked in the ranking's label.
    """
    problem = to_problem(catalog, weights, options=options, criteria=criteria, overrides=overrides)
    if overrides:
        cells = sum(len(row) for row in overrides.values())
        label = f"{label} (WHAT-IF: {cells} score{'s' if cells != 1 else ''} overridden)"
    return rank_problem(problem, method=method, normalization=normalization, fingerprint=catalog.fingerprint, label=label, **params)
