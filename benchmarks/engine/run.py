"""The engine's benchmarks, in one run: policybench beside plain numpy and beside pymcdm.

Usage: ``python -m benchmarks.engine [--quick] [--out FILE]``

Prints one table per benchmark and writes them, with the machine they ran on, as the
``# Engine benchmarks`` section of ``benchmarks/RESULTS.md`` (the other sections are kept).
``--quick`` shrinks every size tenfold for a smoke run and writes nothing unless ``--out`` is
given; DESIGN.md's targets are checked on the full sizes only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import system
from benchmarks.engine.bands import bench_bands
from benchmarks.engine.memory import bench_promethee, bench_smaa_memory
from benchmarks.engine.ranking import bench_ranking
from benchmarks.engine.smaa import bench_rank_counting, bench_smaa, bench_smaa_ranges
from benchmarks.results import RESULTS, Table, write_section

HEADING = "# Engine benchmarks"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.engine", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--out", type=Path, default=None, help="the results file to write")
    args = parser.parse_args(argv)
    full = not args.quick
    out = args.out if args.out is not None else (RESULTS if full else None)
    load_before = os.getloadavg()
    started = time.perf_counter()
    scale = 1 if full else 10
    tables = [
        bench_ranking(100_000 // scale, 20, full),
        bench_smaa(1_000_000 // scale, 2_000 // scale, full),
        bench_smaa_ranges(1_000_000 // scale, 2_000 // scale),
        bench_promethee(5_000 // scale, 20, full),
        bench_smaa_memory([1_000_000 // scale, 10_000_000 // scale], full),
        bench_rank_counting(200_000 // scale),
        bench_bands(10_000, full),
    ]
    elapsed = time.perf_counter() - started
    load = f"load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after"
    for table in tables:
        print(table.text())
    print(f"total {elapsed:.0f} s ({load})")
    if out is not None:
        write_section(section(tables, full=full, elapsed=elapsed, load=load), out)
        print(f"wrote the engine's section of {out}")
    return 0


def section(tables: list[Table], *, full: bool, elapsed: float, load: str) -> str:
    """The ``# Engine benchmarks`` section: when and where, the targets met or not, the tables."""
    summary = [
        f"- {table.labels.get(i, _target_label(table, row))}: {row[-1]}"
        for table in tables
        if table.columns[-1] == "met"
        for i, row in enumerate(table.rows)
        if row[-1] in ("met", "NOT met")
    ]
    doc = [
        HEADING,
        "",
        f"Written by `python -m benchmarks.engine` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
        f"{' (quick sizes: targets not checked)' if not full else ''}; the whole run took "
        f"{elapsed:.0f} s ({load} on {os.cpu_count()} cores: other work on the machine slows "
        "both sides of a ratio, but not always equally). Targets are DESIGN.md's "
        '("Performance").',
        "",
        "Machine:",
        "",
        *machine_lines(),
        "",
        "Targets, one line per checked row (details in the tables):",
        "",
        *summary,
        "",
        *(line for table in tables for line in (table.markdown(), "")),
    ]
    return "\n".join(doc)


def machine_lines() -> list[str]:
    """The machine, and the versions of numpy (with its BLAS), scipy, pymcdm and policybench."""
    m = system.machine()
    blas = "unknown"
    try:
        cfg: Any = np.show_config(mode="dicts")
        b = cfg["Build Dependencies"]["blas"]
        blas = f"{b.get('name')} {b.get('version', '')}".strip()
    except Exception:  # older numpy has no mode="dicts"
        pass
    threads = (
        os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or "default"
    )
    return [
        f"- CPU: {m['cpu']}, {m['cores']} cores available, {m['memory_gib']} GiB RAM",
        f"- {m['system']} {m['kernel']}, Python {m['python']}",
        f"- numpy {np.__version__} (BLAS: {blas}, threads: {threads}), scipy {version('scipy')}, "
        f"pymcdm {version('pymcdm')}, policybench {version('policybench')}",
    ]


def _target_label(table: Table, row: list[str]) -> str:
    """``<the table's title up to ':' or ' ('>, <the row's first cell>``."""
    return f"{table.title.split(':')[0].split(' (')[0]}, {row[0]}"
