"""The two yardsticks policybench is measured against, on the same inputs.

- *Plain numpy*: what a careful numpy user would write for one method with pymcdm's default
  normalisation, with no validation, no tie handling and no chunk bookkeeping: a normalisation,
  the method's closed form (as matrix products where the algebra allows, so the yardstick is
  as fast as plain numpy gets), an ``argsort`` and a ``bincount``.
- *pymcdm* 1.4.0, the peer library, called the way its documentation shows, once per weight
  vector (it has no batch interface).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from pymcdm import methods as pm

FloatArray = NDArray[np.float64]


# ------------------------------------------------------------------ normalisations (pymcdm's)
def sum_norm(x: FloatArray, types: FloatArray) -> FloatArray:
    """``x / sum x``; cost ``(1/x) / sum (1/x)`` (over options, axis -2)."""
    inv = np.where(types > 0, x, 1.0 / x)
    out: FloatArray = inv / inv.sum(axis=-2, keepdims=True)
    return out


def scale_norm(x: FloatArray, types: FloatArray, lo: float = 0.0, hi: float = 10.0) -> FloatArray:
    """``(x - lo) / (hi - lo)`` on a fixed scale; cost ``1 -`` that (the app's value model)."""
    v = (x - lo) / (hi - lo)
    out: FloatArray = np.where(types > 0, v, 1.0 - v)
    return out


def minmax_norm(x: FloatArray, types: FloatArray) -> FloatArray:
    """``(x - min) / (max - min)``; cost ``(max - x) / (max - min)``."""
    lo, hi = x.min(axis=-2, keepdims=True), x.max(axis=-2, keepdims=True)
    out: FloatArray = np.where(types > 0, x - lo, hi - x) / (hi - lo)
    return out


# ----------------------------------------------------------------- one ranking, plain numpy
def ranks_from_scores(scores: FloatArray) -> NDArray[np.int64]:
    """Ranks 1..N by ``argsort`` (no tie rule): the plain way."""
    order = np.argsort(-scores, axis=-1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, scores.shape[-1] + 1), axis=-1)
    return ranks


def plain_scores(method: str, x: FloatArray, w: FloatArray, types: FloatArray) -> FloatArray:
    """One weight vector, higher is better (VIKOR as -Q)."""
    if method == "wsm":
        out: FloatArray = sum_norm(x, types) @ w
        return out
    if method == "wpm":
        return np.exp(np.log(sum_norm(x, types)) @ w)
    if method == "topsis":
        v = minmax_norm(x, types) * w
        d_plus = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
        d_minus = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
        return d_minus / (d_plus + d_minus)
    if method == "vikor":
        best = np.where(types > 0, x.max(axis=0), x.min(axis=0))
        worst = np.where(types > 0, x.min(axis=0), x.max(axis=0))
        regret = w * (best - x) / (best - worst)
        s, r = regret.sum(axis=1), regret.max(axis=1)
        q = 0.5 * (s - s.min()) / (s.max() - s.min()) + 0.5 * (r - r.min()) / (r.max() - r.min())
        return -q
    raise ValueError(method)


# ------------------------------------------------------------------- SMAA, plain numpy batch
def plain_smaa(
    method: str,
    x: FloatArray,
    types: FloatArray,
    samples: int,
    seed: int,
    chunk: int,
    normalization: str | None = None,
) -> FloatArray:
    """Rank acceptability with weights from ``default_rng(seed).dirichlet`` in ``chunk``s.

    The same generator calls as :func:`policybench.robustness.smaa`, so the same samples.
    ``normalization``: None for pymcdm's default, or ``"scale"`` (0 to 10) for ``wsm``.
    """
    n, m = x.shape
    if method == "wsm":
        norm = scale_norm(x, types) if normalization == "scale" else sum_norm(x, types)

        def score(w: FloatArray) -> FloatArray:
            out: FloatArray = w @ norm.T
            return out
    elif method == "topsis":
        nrm = minmax_norm(x, types)
        to_best = (nrm - nrm.max(axis=0)) ** 2
        to_worst = (nrm - nrm.min(axis=0)) ** 2

        def score(w: FloatArray) -> FloatArray:
            w2 = w * w
            d_plus, d_minus = np.sqrt(w2 @ to_best.T), np.sqrt(w2 @ to_worst.T)
            out: FloatArray = d_minus / (d_plus + d_minus)
            return out
    else:
        raise ValueError(method)
    rng = np.random.default_rng(seed)
    counts = np.zeros(n * n, dtype=np.int64)
    positions = np.arange(n)
    for start in range(0, samples, chunk):
        w = rng.dirichlet(np.ones(m), size=min(chunk, samples - start))
        order = np.argsort(-score(w), axis=1)
        counts += np.bincount((order * n + positions).ravel(), minlength=n * n)
    out: FloatArray = counts.reshape(n, n) / samples
    return out


def plain_smaa_ranges(
    x: FloatArray,
    types: FloatArray,
    low: FloatArray,
    high: FloatArray,
    samples: int,
    seed: int,
    chunk: int,
) -> FloatArray:
    """WSM rank acceptability with weights and uniform score samples, plain numpy, chunked."""
    n, m = x.shape
    rng = np.random.default_rng(seed)
    counts = np.zeros(n * n, dtype=np.int64)
    positions = np.arange(n)
    for start in range(0, samples, chunk):
        size = min(chunk, samples - start)
        w = rng.dirichlet(np.ones(m), size=size)
        mats = low + (high - low) * rng.random((size, n, m))
        scores = np.einsum("snm,sm->sn", sum_norm(mats, types), w)
        order = np.argsort(-scores, axis=1)
        counts += np.bincount((order * n + positions).ravel(), minlength=n * n)
    out: FloatArray = counts.reshape(n, n) / samples
    return out


# ------------------------------------------------------------------------------- pymcdm
PYMCDM: dict[str, Callable[[], object]] = {
    "wsm": pm.WSM,
    "wpm": pm.WPM,
    "topsis": pm.TOPSIS,
    "vikor": pm.VIKOR,
    "promethee2": lambda: pm.PROMETHEE_II("usual"),
    "promethee2-linear": lambda: pm.PROMETHEE_II("vshape_2", p=[2.0] * 20, q=[0.5] * 20),
}


def pymcdm_ranks(method: str, x: FloatArray, w: FloatArray, types: FloatArray) -> FloatArray:
    """pymcdm's ranking (1 best; ties averaged) for one weight vector."""
    body = PYMCDM[method]()
    pref = body(x, w, types)  # type: ignore[operator]
    ranks: FloatArray = np.asarray(body.rank(pref), dtype=np.float64)  # type: ignore[attr-defined]
    return ranks


def pymcdm_smaa(
    method: str,
    x: FloatArray,
    types: FloatArray,
    weights: FloatArray,
    matrices: FloatArray | None = None,
) -> FloatArray:
    """Rank counts from looping pymcdm over sampled weights (and matrices)."""
    n = x.shape[0]
    body = PYMCDM[method]()
    counts = np.zeros((n, n))
    rows = np.arange(n)
    for s, w in enumerate(weights):  # the peer has no batch interface: one call per sample
        mat = x if matrices is None else matrices[s]
        ranks = body.rank(body(mat, w, types))  # type: ignore[attr-defined, operator]
        counts[rows, np.asarray(ranks, dtype=np.int64) - 1] += 1
    out: FloatArray = counts / len(weights)
    return out
