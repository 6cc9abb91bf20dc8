"""A catalog ranked, and SMAA of a catalog: the computations behind every ranking on screen, in
a file and on the command line.

:func:`rank_catalog` turns a catalog, weights and a method into a :class:`Ranking` that carries
its provenance (method, normalisation, parameters, weights, catalog fingerprint) and the
engine's caveats; :func:`smaa_catalog` is the one SMAA entry point (the ``smaa`` command, the
export's SMAA section, the Robustness page and the facilitator's view of the room all call
it). Both decide the normalisation in one place, :func:`resolve_normalization`, and give the
``scale`` normalisation the catalog's own 0–10 bounds, so the same inputs give the same
numbers wherever they are shown.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from policybench import mcda, robustness
from policybench.catalog import Catalog, Problem, to_problem
from policybench.errors import InputError, PolicybenchWarning

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: The value model of public appraisal guidance: the weighted sum of linear values on each
#: criterion's fixed 0–10 scale (see :attr:`policybench.mcda.Method.catalog_normalization`).
DEFAULT_METHOD = "wsm"
#: SMAA's defaults wherever it runs (the ``smaa`` command documents the sample count).
SMAA_SAMPLES = 100_000
SMAA_SEED = 0


def resolve_normalization(method: str, normalization: str | None) -> str:
    """The normalisation a ranking of the catalog uses (DESIGN, "Defaults").

    Naming only a method gives the method's catalog normalisation: ``scale`` for ``wsm`` and
    ``wpm`` (the catalog's fixed scales), the method's own default otherwise.
    """
    spec = mcda.METHODS.get(method)
    if spec is None:
        raise InputError(f"unknown method {method!r}; choose one of: {', '.join(mcda.METHODS)}")
    if normalization is None:
        return spec.catalog_normalization
    if normalization not in mcda.NORMALIZATIONS:
        raise InputError(
            f"unknown normalization {normalization!r}; choose one of: "
            + ", ".join(mcda.NORMALIZATIONS)
        )
    return normalization


@contextmanager
def recorded_caveats() -> Iterator[list[str]]:
    """Collect the engine's caveats (:class:`~policybench.errors.PolicybenchWarning`, e.g.
    the weighted product's floor) as notes, once each, instead of letting them print; other
    warnings pass through as usual."""
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PolicybenchWarning)
        yield notes
    for w in caught:
        if issubclass(w.category, PolicybenchWarning):
            if str(w.message) not in notes:
                notes.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def method_params(
    problem: Problem, normalization: str, params: Mapping[str, Any]
) -> dict[str, Any]:
    """``params`` with the catalog's 0–10 bounds for the ``scale`` normalisation (unless given)."""
    out = dict(params)
    if normalization == "scale":
        out.setdefault("bounds", problem.bounds)
    return out


@dataclass(frozen=True)
class Ranking:
    """One ranking of options, with everything needed to reproduce or stamp it.

    ``scores`` and ``ranks`` follow ``option_ids`` (the catalog's order); ``weights`` are the
    shares used (summing to 1). For an additive method ``values`` is the normalised ``(N, M)``
    matrix, so that :attr:`contributions` (``values × weights``) add up to the scores.
    ``notes`` are the engine's caveats about this ranking.
    """

    method: str
    normalization: str
    params: Mapping[str, Any]
    option_ids: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    weights: FloatArray
    scores: FloatArray
    ranks: IntArray
    catalog_fingerprint: str
    label: str = "custom weights"
    values: FloatArray | None = None
    notes: tuple[str, ...] = ()

    def order(self) -> list[int]:
        """Indices of the options from best to worst (ties keep catalog order)."""
        return sorted(range(len(self.option_ids)), key=lambda i: (int(self.ranks[i]), i))

    @property
    def contributions(self) -> FloatArray | None:
        """``(N, M)`` each criterion's weighted part of each score (additive methods only)."""
        return None if self.values is None else self.values * self.weights[None, :]

    @property
    def weight_map(self) -> dict[str, float]:
        """``{criterion_id: share}``."""
        return {c: float(w) for c, w in zip(self.criterion_ids, self.weights, strict=True)}

    @property
    def rank_map(self) -> dict[str, int]:
        """``{option_id: rank}``."""
        return {o: int(r) for o, r in zip(self.option_ids, self.ranks, strict=True)}


def rank_problem(
    problem: Problem,
    *,
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    fingerprint: str = "",
    label: str = "custom weights",
    **params: Any,
) -> Ranking:
    """Score and rank a :class:`~policybench.catalog.Problem` whose weights
    :func:`~policybench.catalog.to_problem` has already checked (they are not checked again)."""
    norm = resolve_normalization(method, normalization)
    params = method_params(problem, norm, params)
    names = problem.criterion_ids
    with recorded_caveats() as notes:
        score = mcda.scorer(problem.matrix, problem.types, method, norm, criteria=names, **params)
        scores = np.asarray(score(problem.weights), dtype=float) + 0.0  # + 0.0: no -0.0
        values = None
        if mcda.METHODS[method].additive:
            bounds = {k: v for k, v in params.items() if k == "bounds"}
            values = mcda.value_matrix(
                problem.matrix, problem.types, norm, criteria=names, **bounds
            )
    return Ranking(
        method=method,
        normalization=norm,
        params=params,
        option_ids=problem.option_ids,
        criterion_ids=problem.criterion_ids,
        weights=problem.weights,
        scores=scores,
        ranks=mcda.rank(scores),
        catalog_fingerprint=fingerprint,
        label=label,
        values=values,
        notes=tuple(notes),
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

    ``options`` and ``criteria`` restrict what is in play (a workshop's). What-if
    ``overrides`` replace catalog scores and are marked in the ranking's label. Raises
    :class:`~policybench.errors.WeightsError` for weights that cannot be used (all zero,
    negative, missing a criterion).
    """
    problem = to_problem(catalog, weights, options=options, criteria=criteria, overrides=overrides)
    if overrides:
        cells = sum(len(row) for row in overrides.values())
        label = f"{label} (WHAT-IF: {cells} score{'s' if cells != 1 else ''} overridden)"
    return rank_problem(
        problem,
        method=method,
        normalization=normalization,
        fingerprint=catalog.fingerprint,
        label=label,
        **params,
    )


@dataclass(frozen=True)
class SmaaRanking:
    """SMAA of a catalog: the engine's result with the ids it refers to and its provenance.

    ``result.rank_acceptability[i, r]`` is the share of samples in which ``option_ids[i]``
    takes rank ``r + 1``; ``delta`` is the half-width sampled around the given weights, if
    any; ``uncertain_scores`` says whether scores were drawn within their ranges too.
    """

    option_ids: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    result: robustness.SMAAResult
    catalog_fingerprint: str
    delta: float | None = None
    uncertain_scores: bool = False
    notes: tuple[str, ...] = ()

    @property
    def rank_acceptability(self) -> FloatArray:
        return self.result.rank_acceptability

    @property
    def central_weights(self) -> FloatArray:
        return self.result.central_weights

    @property
    def confidence(self) -> FloatArray:
        return self.result.confidence

    @property
    def expected_rank(self) -> FloatArray:
        """``(N,)`` each option's mean rank over the samples."""
        acc = self.result.rank_acceptability
        out: FloatArray = acc @ np.arange(1, acc.shape[0] + 1, dtype=float)
        return out

    def order(self) -> list[int]:
        """Indices of the options by expected rank, best first (ties keep catalog order)."""
        expected = self.expected_rank
        return [int(i) for i in np.lexsort((np.arange(expected.size), expected))]


def smaa_catalog(
    catalog: Catalog,
    weights: Mapping[str, float] | None = None,
    *,
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    samples: int = SMAA_SAMPLES,
    seed: int = SMAA_SEED,
    delta: float | None = None,
    weight_low: npt.ArrayLike | None = None,
    weight_high: npt.ArrayLike | None = None,
    uncertain_scores: bool = False,
    options: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
    progress: Callable[[float], object] | None = None,
    **params: Any,
) -> SmaaRanking:
    """Rank acceptability of the catalog's options over sampled weights (SMAA-2).

    Weights are drawn uniformly from the whole simplex, within ``±delta`` of ``weights`` when
    ``delta`` is given, or within per-criterion bounds ``weight_low``/``weight_high`` (shares,
    in the order of the criteria in play). ``uncertain_scores`` draws every score within its
    low–high range as well. ``weights`` are checked even when they are not sampled around.
    """
    problem = to_problem(catalog, weights, options=options, criteria=criteria, overrides=overrides)
    norm = resolve_normalization(method, normalization)
    with recorded_caveats() as notes:
        result = robustness.smaa(
            problem.matrix,
            problem.types,
            method,
            norm,
            samples=samples,
            seed=seed,
            weights=problem.weights if delta is not None else None,
            delta=delta,
            weight_low=weight_low,
            weight_high=weight_high,
            low=problem.low if uncertain_scores else None,
            high=problem.high if uncertain_scores else None,
            criteria=problem.criterion_ids,
            progress=progress,
            **method_params(problem, norm, params),
        )
    return SmaaRanking(
        problem.option_ids,
        problem.criterion_ids,
        result,
        catalog.fingerprint,
        delta,
        uncertain_scores,
        tuple(notes),
    )


@dataclass(frozen=True)
class MethodAgreement:
    """Every method's ranking of the same options under the same weights.

    ``ranks[k]`` is ``methods[k]``'s ranking (following ``option_ids``); ``tau[a, b]`` is
    Kendall's tau-b between the rankings of methods ``a`` and ``b``.
    """

    option_ids: tuple[str, ...]
    methods: tuple[str, ...]
    ranks: IntArray
    tau: FloatArray


def compare_methods(
    catalog: Catalog,
    weights: Mapping[str, float],
    methods: Sequence[str] | None = None,
    *,
    options: Sequence[str] | None = None,
) -> MethodAgreement:
    """Rank the catalog's ``options`` (default: all) with every method (each on its catalog
    normalisation) and compare."""
    problem = to_problem(catalog, weights, options=options)
    chosen = list(methods) if methods is not None else list(mcda.METHODS)
    with recorded_caveats():  # a caveat about the ranking is noted beside the ranking itself
        agreement = robustness.agreement(
            problem.matrix,
            problem.weights,
            problem.types,
            chosen,
            normalization={m: resolve_normalization(m, None) for m in chosen},
            params={m: method_params(problem, resolve_normalization(m, None), {}) for m in chosen},
            criteria=problem.criterion_ids,
        )
    return MethodAgreement(
        problem.option_ids, tuple(agreement.methods), agreement.ranks, agreement.tau
    )
