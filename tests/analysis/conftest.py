"""Fixtures for the analysis tests: the tiny catalog, and the engine's own answer to compare with."""

from __future__ import annotations

from pathlib import Path

import pytest

from policybench import catalog, mcda

HAWK = {"feasibility": 1.0, "deterrence": 6.0, "backlash": 1.0}
EQUAL = {"feasibility": 1.0, "deterrence": 1.0, "backlash": 1.0}


@pytest.fixture(scope="module")
def cat() -> catalog.Catalog:
    return catalog.load(Path(__file__).resolve().parents[1] / "fixtures" / "catalog")


def engine(cat: catalog.Catalog, weights: dict[str, float], method: str = "wsm"):
    """``({option: score}, {option: rank})`` as :mod:`policybench.mcda` computes them on the
    method's catalog normalisation."""
    p = catalog.to_problem(cat, weights)
    s = mcda.score(p.matrix, p.weights, p.types, method, mcda.METHODS[method].catalog_normalization)
    return dict(zip(p.option_ids, s, strict=True)), dict(
        zip(p.option_ids, mcda.rank(s), strict=True)
    )
