"""SMAA: policybench's sampler beside the plain numpy batch and beside pymcdm looped, with
weights only and with score ranges, and the three ways of finding positions in its hot path."""

from __future__ import annotations

import numpy as np

from benchmarks.engine import baselines as bl
from benchmarks.engine.inputs import TIE_NOTE, catalog_like, problem
from benchmarks.results import Table, ms, verdict
from benchmarks.timing import best_of, timed, timed_all
from policybench import robustness
from policybench.robustness import _rankcount
from policybench.robustness.smaa import CHUNK, CONFIDENCE_SAMPLES, MATRIX_ELEMENTS

#: The app's budget for the engine's part of SMAA with 1,000,000 samples on the catalog's shape
#: (DESIGN.md asks for click to heat map under 2 s; the rest is the app's own work).
APP_SMAA_SECONDS = 1.0
#: DESIGN.md's targets: at most this many times the plain numpy batch ...
NUMPY_LIMIT = 1.5
#: ... and at least this many times faster per sample than looping pymcdm.
PEER_FACTOR = 300


def bench_smaa(samples: int, peer_samples: int, full: bool) -> Table:
    x, types, _ = problem(10, 10)
    t = Table(
        f"SMAA, weights only: {samples:,} samples on 10 x 10, and on 40 x 10 as the app uses it",
        [
            "method",
            "policybench",
            "plain numpy batch",
            "ours / numpy",
            "max abs diff of the acceptabilities",
            f"pymcdm looped ({peer_samples:,} samples)",
            "pymcdm / ours per sample",
            "target",
            "met",
        ],
    )
    for method in ("wsm", "topsis"):
        ours, res = timed(lambda m=method: robustness.smaa(x, types, m, samples=samples, seed=0), 3)
        plain, ref = timed(lambda m=method: bl.plain_smaa(m, x, types, samples, 0, CHUNK), 3)
        diff = np.abs(res.rank_acceptability - ref).max()
        weights = np.random.default_rng(1).dirichlet(np.ones(10), size=peer_samples)
        peer = best_of(lambda m=method, w=weights: bl.pymcdm_smaa(m, x, types, w), 1)
        per_sample = (peer / peer_samples) / (ours / samples)
        ok = ours / plain <= NUMPY_LIMIT and per_sample >= PEER_FACTOR
        t.rows.append(
            [
                method,
                ms(ours),
                ms(plain),
                f"{ours / plain:.2f}x",
                f"{diff:.1e}",
                f"{ms(peer)} ({peer / peer_samples * 1e6:,.0f} us/sample, "
                f"~{peer / peer_samples * samples:,.0f} s for {samples:,})",
                f"{per_sample:,.0f}x",
                f"<= {NUMPY_LIMIT}x numpy, >= {PEER_FACTOR}x pymcdm",
                verdict(ok) if full else "-",
            ]
        )
    t.rows.append(_app_shape_row(samples, full))
    t.labels[len(t.rows) - 1] = (
        "SMAA, weights only, 40 x 10 as the app uses it: engine under 1 s (the app's budget "
        "for click to heat map under 2 s, not a DESIGN.md target)"
    )
    t.notes += [
        "policybench also accumulates central weights, handles ties (1/k shares) and computes "
        "confidence factors; the numpy batch only counts argsort positions. Both draw the same "
        f"weights (default_rng(0).dirichlet in chunks of {CHUNK:,}).",
        "40 x 10 is the shipped catalog's shape, run as the Robustness page runs it: wsm on the "
        "fixed 0-10 scales (normalisation 'scale'), with a progress callback; the matrix is "
        "catalog-like (scores 0 to 10 in half points, 2 cost criteria) rather than the catalog "
        "itself, so that the benchmark does not move when the catalog is edited. The budget is "
        "checked, like every other row, on the best of the runs (5 here): the machine when "
        "quiet; the median shows what other work on the machine added. pymcdm has no 'scale' "
        "normalisation, so it is not looped here. 40 options are ranked by one sort of packed "
        "keys per sample (see the positions table below).",
        TIE_NOTE,
    ]
    return t


def _app_shape_row(samples: int, full: bool) -> list[str]:
    """The catalog's shape as the app runs it: WSM on the 0-10 scales (normalisation "scale"),
    with a progress callback; the budget is the app's, not a DESIGN.md target."""
    x40, types40 = catalog_like(40, 10)
    times, res = timed_all(
        lambda: robustness.smaa(
            x40, types40, "wsm", "scale", samples=samples, seed=0, progress=lambda f: None
        ),
        5,
    )
    ours, median = min(times), float(np.median(times))
    plain, ref = timed(lambda: bl.plain_smaa("wsm", x40, types40, samples, 0, CHUNK, "scale"), 3)
    diff = np.abs(res.rank_acceptability - ref).max()
    budget = APP_SMAA_SECONDS * samples / 1_000_000
    return [
        "wsm, 40 x 10 (scale)",
        f"{ms(ours)} (median of 5: {ms(median)})",
        ms(plain),
        f"{ours / plain:.2f}x",
        f"{diff:.1e}",
        "-",
        "-",
        f"engine < {budget:g} s (the app's budget)",
        verdict(ours < budget) if full else "-",
    ]


def bench_smaa_ranges(samples: int, peer_samples: int) -> Table:
    x, types, _ = problem(10, 10)
    low, high = x - 1.0, x + 1.0
    chunk = min(CHUNK, MATRIX_ELEMENTS // x.size)
    n_conf = min(samples, CONFIDENCE_SAMPLES)
    t = Table(
        f"SMAA, weights and score ranges (uniform, +-1 on every cell): {samples:,} samples on "
        "10 x 10, WSM",
        ["run", "time", "ours / numpy", "note"],
    )
    plain, ref = timed(lambda: bl.plain_smaa_ranges(x, types, low, high, samples, 0, chunk), 2)
    main, res = timed(
        lambda: robustness.smaa(
            x, types, samples=samples, seed=0, low=low, high=high, confidence_samples=1
        ),
        2,
    )
    full, _ = timed(
        lambda: robustness.smaa(x, types, samples=samples, seed=0, low=low, high=high), 1
    )
    diff = np.abs(res.rank_acceptability - ref).max()
    rng = np.random.default_rng(1)
    weights = rng.dirichlet(np.ones(10), size=peer_samples)
    mats = low + (high - low) * rng.random((peer_samples, 10, 10))
    peer, _ = timed(lambda: bl.pymcdm_smaa("wsm", x, types, weights, mats), 1)
    t.rows += [
        ["plain numpy batch", ms(plain), "1.00x", f"chunks of {chunk:,} samples"],
        [
            "policybench, acceptability + central weights",
            ms(main),
            f"{main / plain:.2f}x",
            f"same draws as numpy: max abs diff {diff:.1e}",
        ],
        [
            "policybench, with confidence factors",
            ms(full),
            f"{full / plain:.2f}x",
            f"adds {n_conf:,} matrices x up to 10 central weight vectors",
        ],
        [
            f"pymcdm looped ({peer_samples:,} samples)",
            ms(peer),
            "-",
            f"{peer / peer_samples * 1e6:,.0f} us/sample, "
            f"{(peer / peer_samples) / (main / samples):,.0f}x policybench per sample",
        ],
    ]
    t.notes += ["DESIGN asks for the ratio to be reported; there is no target.", TIE_NOTE]
    return t


def bench_rank_counting(samples: int) -> Table:
    """The three ways :class:`policybench.robustness._rankcount.RankCounter` finds positions,
    each forced in turn by its thresholds, on the same random scores."""
    t = Table(
        f"Positions in the SMAA hot path: counting vs packed keys vs argsort ({samples:,} random "
        f"score rows, chunks of {CHUNK:,}, blocks of {_rankcount.BLOCK:,} scores, tie check "
        "included)",
        [
            "options",
            "counting",
            "packed keys",
            "argsort",
            "counting / argsort",
            "packed / argsort",
            "used",
        ],
    )
    rng = np.random.default_rng(0)
    count_max, pack_max = _rankcount.COUNT_MAX_OPTIONS, _rankcount.PACK_MAX_OPTIONS
    for n in (4, 8, 12, 14, 16, 20, 24, 32, 40, 64):
        scores = rng.random((samples, n))
        weights = rng.dirichlet(np.ones(5), size=samples)

        def run(
            count: int,
            pack: int,
            n: int = n,
            scores: np.ndarray = scores,
            weights: np.ndarray = weights,
        ) -> None:
            _rankcount.COUNT_MAX_OPTIONS, _rankcount.PACK_MAX_OPTIONS = count, pack
            counter = _rankcount.RankCounter(n, 5)
            for i in range(0, samples, CHUNK):
                counter.add(scores[i : i + CHUNK], weights[i : i + CHUNK])

        try:
            count = best_of(lambda: run(10**6, 10**6), 5)
            packed = best_of(lambda: run(0, 10**6), 5)
            sort = best_of(lambda: run(0, 0), 5)
        finally:
            _rankcount.COUNT_MAX_OPTIONS, _rankcount.PACK_MAX_OPTIONS = count_max, pack_max
        used = "counting" if n <= count_max else "packed keys" if n <= pack_max else "argsort"
        t.rows.append(
            [
                str(n),
                ms(count),
                ms(packed),
                ms(sort),
                f"{count / sort:.2f}",
                f"{packed / sort:.2f}",
                used,
            ]
        )
    t.notes.append(
        "Packed keys: each score with its lowest 6 mantissa bits replaced by the option's index, "
        "sorted as float64 (one SIMD sort gives the order and the sorted scores); rows whose "
        "sorted neighbours are within the tie tolerance, widened by the keys' error of 2^-46, go "
        "to mcda.rank on the exact scores, as with the other two. Tried and not used (measured "
        "apart from this run): np.argsort(kind='stable'), about 3x slower than the default "
        "argsort on rows of 40; a float32 sort key, hardly faster to sort than float64 and too "
        "coarse for the 1e-9 tolerance without a second pass."
    )
    return t
