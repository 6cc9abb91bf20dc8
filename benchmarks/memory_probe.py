"""Run one task in a fresh process and report its time and peak memory as one JSON line.

Usage: ``python benchmarks/memory_probe.py TASK N M [ARG]`` with TASK one of ``smaa-wsm``
(ARG: samples), ``promethee2`` or ``pymcdm-promethee2`` (ARG: ``usual``, or ``linear`` with
q = 0.5 and p = 2 on scores in 1..10; pymcdm calls it ``vshape_2``).

Peak memory is the process's resident high-water mark (``VmHWM`` in ``/proc/self/status``;
``ru_maxrss`` elsewhere, which on Linux would also count the parent's size at fork):
``base_mb`` after imports and inputs, ``peak_mb`` after the task, so ``peak_mb - base_mb`` is
what the task itself added at its worst moment.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def main(argv: list[str]) -> None:
    task, n, m = argv[0], int(argv[1]), int(argv[2])
    arg = argv[3] if len(argv) > 3 else ""
    rng = np.random.default_rng(0)
    x = rng.uniform(1.0, 10.0, size=(n, m))
    types = np.where(np.arange(m) % 3 == 2, -1.0, 1.0)
    w = rng.dirichlet(np.ones(m))
    if task == "smaa-wsm":
        from policybench import robustness

        def run() -> object:
            return robustness.smaa(x, types, samples=int(arg), seed=0)
    elif task == "promethee2":
        from policybench import mcda

        params: dict[str, object] = {"preference": arg}
        if arg == "linear":
            params.update(q=0.5, p=2.0)

        def run() -> object:
            return mcda.rank(mcda.score(x, w, types, method="promethee2", **params))
    elif task == "pymcdm-promethee2":
        from pymcdm.methods import PROMETHEE_II

        def run() -> object:
            if arg == "linear":
                body = PROMETHEE_II("vshape_2", p=[2.0] * m, q=[0.5] * m)
            else:
                body = PROMETHEE_II("usual")
            return body.rank(body(x, w, types))
    else:
        raise SystemExit(f"unknown task {task!r}")
    base = _rss_mb()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(json.dumps({"task": task, "seconds": seconds, "base_mb": base, "peak_mb": _rss_mb()}))


if __name__ == "__main__":
    main(sys.argv[1:])
