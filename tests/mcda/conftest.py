"""Factories for seeded random decision problems (options × criteria)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest


@dataclass(frozen=True)
class Problem:
    matrix: np.ndarray  # (N, M)
    weights: np.ndarray  # (M,), sums to 1
    types: np.ndarray  # (M,), +1 / -1
    constant: tuple[int, ...]  # columns made constant on purpose
    duplicated: bool  # whether some option repeats another exactly


def random_problem(
    seed: int,
    *,
    n: int | None = None,
    m: int | None = None,
    positive: bool = True,
    ties: bool = True,
    constant: bool = True,
) -> Problem:
    """A problem from 2 × 2 to 50 × 15, with cost criteria, and on some seeds repeated options
    (ties), integer-valued columns (more ties) and constant columns."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 51)) if n is None else n
    m = int(rng.integers(2, 16)) if m is None else m
    low = 1.0 if positive else -5.0
    matrix = rng.uniform(low, 100.0, size=(n, m))
    integer_cols = rng.random(m) < 0.3
    matrix[:, integer_cols] = np.round(matrix[:, integer_cols] / 10.0) + (1.0 if positive else 0)
    duplicated = False
    if ties and n >= 3 and rng.random() < 0.3:
        k = int(rng.integers(1, max(2, n // 3)))
        src = rng.integers(0, n, size=k)
        dst = rng.integers(0, n, size=k)
        matrix[dst] = matrix[src]
        duplicated = bool(np.any(src != dst))
    const: tuple[int, ...] = ()
    if constant and m >= 3 and rng.random() < 0.2:
        j = int(rng.integers(0, m))
        matrix[:, j] = matrix[0, j]
        const = (j,)
    types = np.where(rng.random(m) < 0.4, -1.0, 1.0)
    raw = rng.dirichlet(np.ones(m)) if rng.random() < 0.7 else rng.integers(0, 6, m) + 0.0
    if raw.sum() == 0:
        raw[0] = 1.0
    weights = raw / raw.sum()
    return Problem(matrix, weights, types, const, duplicated)


@pytest.fixture
def make_problem() -> Callable[..., Problem]:
    """``make_problem(seed, n=..., m=..., positive=..., ties=..., constant=...)``."""
    return random_problem
