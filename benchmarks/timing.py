"""Timing: repeated calls, and the statistics every section reports (best, median,
percentiles)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed_all(fn: Callable[[], T], repeat: int) -> tuple[list[float], T]:
    """Every wall time of ``repeat`` calls (no warm-up), and the last call's result."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def timed(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """The best wall time of ``repeat`` calls (no warm-up: for runs of seconds), and a result."""
    times, result = timed_all(fn, repeat)
    return min(times), result


def best_of(fn: Callable[[], object], repeat: int, warmup: bool = True) -> float:
    """The best wall time of ``repeat`` calls, after one warm-up call unless told otherwise:
    the machine when it is quiet, which is what a ratio of two such times compares."""
    if warmup:
        fn()
    return timed(fn, repeat)[0]


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0 to 1) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict[str, float]:
    """Count, p50, p95, max and mean, rounded to 0.1 (for figures in ms)."""
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.5), 1),
        "p95": round(percentile(values, 0.95), 1),
        "max": round(max(values), 1) if values else float("nan"),
        "mean": round(statistics.fmean(values), 1) if values else float("nan"),
    }


def median(values: list[float]) -> float:
    """The median; NaN for no values (a measurement that was skipped)."""
    return statistics.median(values) if values else float("nan")
