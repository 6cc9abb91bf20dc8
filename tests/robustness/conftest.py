"""Factories for small seeded decision problems used by the robustness tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest


@dataclass(frozen=True)
class Problem:
    matrix: np.ndarray  # (N, M), positive
    weights: np.ndarray  # (M,), sums to 1
    types: np.ndarray  # (M,), +1 / -1


def random_problem(
    seed: int,
    *,
    n: int | None = None,
    m: int | None = None,
    duplicate: bool = False,
    integer: bool = False,
) -> Problem:
    """A problem from 2 x 2 to 12 x 6 (or the given size) with some cost criteria.

    ``duplicate`` repeats option 0 as the last option (a structural tie); ``integer`` rounds
    the scores to whole numbers on 1..10 (many ties between cells).
    """
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 13)) if n is None else n
    m = int(rng.integers(2, 7)) if m is None else m
    matrix = rng.uniform(1.0, 10.0, size=(n, m))
    if integer:
        matrix = np.round(matrix)
    if duplicate and n >= 3:
        matrix[-1] = matrix[0]
    types = np.where(rng.random(m) < 0.4, -1.0, 1.0)
    weights = rng.dirichlet(np.ones(m))
    return Problem(matrix, weights, types)


@pytest.fixture(scope="session")
def make_problem() -> Callable[..., Problem]:
    """``make_problem(seed, n=..., m=..., duplicate=..., integer=...)``."""
    return random_problem
