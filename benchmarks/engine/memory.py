"""Peak memory, each run in a fresh process (:mod:`benchmarks.engine.probe`): PROMETHEE II on a
large problem beside pymcdm, and SMAA's memory as the samples grow."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.engine import baselines as bl
from benchmarks.engine.inputs import problem, same_order
from benchmarks.results import Table, ms, verdict
from policybench import mcda
from policybench.robustness.smaa import CHUNK

ROOT = Path(__file__).resolve().parents[2]
#: DESIGN.md's ceilings: PROMETHEE II on 5,000 x 20, and SMAA with 10,000,000 samples.
PROMETHEE_MB = 1024
SMAA_MB = 500


def probe(*args: str | int) -> dict[str, Any]:
    """Run one probe task in a fresh Python (the same interpreter and environment)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.engine.probe", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def bench_promethee(n: int, m: int, full: bool) -> Table:
    t = Table(
        f"PROMETHEE II on {n:,} x {m}, each run in a fresh process",
        ["preference", "library", "time", "memory added at peak", "process peak", "target", "met"],
    )
    for pref in ("usual", "linear"):
        for name, task in (("policybench", "promethee2"), ("pymcdm", "pymcdm-promethee2")):
            ours = task == "promethee2"
            try:
                r = probe(task, n, m, pref)
            except subprocess.CalledProcessError as exc:
                reason = (exc.stderr.strip().splitlines() or ["failed"])[-1]
                t.rows.append([pref, name, "failed", "-", "-", "-", reason])
                continue
            t.rows.append(
                [
                    pref,
                    name,
                    ms(r["seconds"]),
                    f"{r['peak_mb'] - r['base_mb']:,.0f} MB",
                    f"{r['peak_mb']:,.0f} MB",
                    "< 1 GB" if ours else "-",
                    verdict(r["peak_mb"] < PROMETHEE_MB) if ours and full else "-",
                ]
            )
    x, types, w = problem(300, m)
    same = same_order(
        mcda.rank(mcda.score(x, w, types, method="promethee2", preference="linear", q=0.5, p=2.0)),
        bl.pymcdm_ranks("promethee2-linear", x, w, types),
    )
    t.notes += [
        "usual: policybench counts each criterion's net flow exactly by sorting (O(N log N)); "
        "linear (q = 0.5, p = 2): differences are evaluated pairwise in blocks of about a "
        "million, so memory does not grow with N^2. pymcdm builds full N x N tables.",
        f"Same ranking as pymcdm (linear) on a 300 x {m} problem: {same}.",
    ]
    return t


def bench_smaa_memory(sizes: list[int], full: bool) -> Table:
    t = Table(
        "SMAA peak memory, WSM on 10 x 10, weights only, each in a fresh process",
        ["samples", "time", "memory added at peak", "process peak", "target", "met"],
    )
    for samples in sizes:
        r = probe("smaa-wsm", 10, 10, samples)
        big = samples >= 10_000_000
        t.rows.append(
            [
                f"{samples:,}",
                ms(r["seconds"]),
                f"{r['peak_mb'] - r['base_mb']:,.0f} MB",
                f"{r['peak_mb']:,.0f} MB",
                "< 500 MB, flat" if big else "-",
                verdict(r["peak_mb"] < SMAA_MB) if big and full else "-",
            ]
        )
    t.notes.append(
        "Flat means the peak does not grow with the number of samples: only running sums and "
        f"one chunk ({CHUNK:,} samples) are held. 'Process peak' includes Python "
        "and numpy themselves."
    )
    return t
