"""Rank bands of a catalog: how far each option's rank can move within its scores' ranges.

:func:`bands_catalog` ranks what :func:`~policybench.analysis.rank.rank_catalog` ranks (the
same options, criteria, weights, method, normalisation and parameters, decided in the same
place), then draws every score uniformly within the low–high range the catalog gives it, the
weights held fixed, and returns each option's 5th and 95th percentile ranks
(:func:`policybench.robustness.bands`). The ``rank --bands`` command, the Rank page and the
exports all call it, so the same inputs give the same bands wherever they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from policybench import robustness
from policybench.analysis.rank import (
    DEFAULT_METHOD,
    method_params,
    recorded_caveats,
    resolve_normalization,
)
from policybench.catalog import Catalog, to_problem
from policybench.robustness.bands import SAMPLES

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Samples and seed of the bands wherever they are drawn (``rank --bands``, the Rank page,
#: the exports): 10,000 samples keep each percentile rank within about one place between seeds.
BANDS_SAMPLES = SAMPLES
BANDS_SEED = 0


@dataclass(frozen=True)
class RankBands:
    """The rank bands of a catalog's options, with the ids they refer to and their provenance.

    ``rank_low[i]`` and ``rank_high[i]`` are the 5th and 95th percentile ranks of
    ``option_ids[i]`` (1 is best, so ``rank_low`` is the better end); ``rank`` is its point
    rank under the scores as given; ``first`` the share of samples in which it ranks first.
    """

    option_ids: tuple[str, ...]
    criterion_ids: tuple[str, ...]
    weights: FloatArray
    result: robustness.BandsResult
    catalog_fingerprint: str
    notes: tuple[str, ...] = ()

    @property
    def rank(self) -> IntArray:
        return self.result.rank

    @property
    def rank_low(self) -> IntArray:
        return self.result.rank_low

    @property
    def rank_high(self) -> IntArray:
        return self.result.rank_high

    @property
    def first(self) -> FloatArray:
        return self.result.first

    @property
    def samples(self) -> int:
        return self.result.samples

    @property
    def seed(self) -> int:
        return self.result.seed

    @property
    def method(self) -> str:
        return self.result.method

    @property
    def normalization(self) -> str:
        return self.result.normalization

    @property
    def percentiles(self) -> tuple[float, float]:
        return self.result.percentiles

    def band_map(self) -> dict[str, tuple[int, int]]:
        """``{option_id: (rank_low, rank_high)}``."""
        return {
            o: (int(lo), int(hi))
            for o, lo, hi in zip(self.option_ids, self.rank_low, self.rank_high, strict=True)
        }

    def about(self) -> dict[str, Any]:
        """What made these bands, as every export stamps it."""
        low, high = self.percentiles
        return {
            "samples": self.samples,
            "seed": self.seed,
            "percentiles": [low, high],
            "score_draws": f"uniform within each score's range, weights fixed ({self.method})",
        }


def bands_catalog(
    catalog: Catalog,
    weights: Mapping[str, float] | None = None,
    *,
    method: str = DEFAULT_METHOD,
    normalization: str | None = None,
    options: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
    samples: int = BANDS_SAMPLES,
    seed: int = BANDS_SEED,
    **params: Any,
) -> RankBands:
    """The rank bands of the catalog's options under ``weights`` (default equal) and ``method``.

    Arguments as for :func:`~policybench.analysis.rank.rank_catalog`; a what-if override
    collapses that score's range to the new value (an assumption, not evidence), so it does
    not widen a band. Raises :class:`~policybench.errors.WeightsError` for weights that
    cannot be used and :class:`~policybench.errors.InputError` for a bad sample count or seed.
    """
    problem = to_problem(catalog, weights, options=options, criteria=criteria, overrides=overrides)
    norm = resolve_normalization(method, normalization)
    with recorded_caveats() as notes:
        result = robustness.bands(
            problem.matrix,
            problem.weights,
            problem.types,
            problem.low,
            problem.high,
            method,
            norm,
            samples=samples,
            seed=seed,
            criteria=problem.criterion_ids,
            **method_params(problem, norm, params),
        )
    return RankBands(
        problem.option_ids,
        problem.criterion_ids,
        problem.weights,
        result,
        catalog.fingerprint,
        tuple(notes),
    )
