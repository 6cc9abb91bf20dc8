"""One task in a fresh process: its time and peak memory, as one JSON line on stdout.

Usage: ``python -m benchmarks.engine.probe TASK N M [ARG]`` with TASK one of ``smaa-wsm``
(ARG: samples), ``promethee2`` or ``pymcdm-promethee2`` (ARG: ``usual``, or ``linear`` with
q = 0.5 and p = 2 on scores in 1..10; pymcdm calls it ``vshape_2``).

Peak memory is the process's resident high-water mark (``VmHWM``; ``ru_maxrss`` would also
count the parent's size at fork on Linux): ``base_mb`` after imports and inputs, ``peak_mb``
after the task, so ``peak_mb - base_mb`` is what the task itself added at its worst moment.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.system import memory_mb


def _task(task: str, n: int, m: int, arg: str) -> Callable[[], object]:
    rng = np.random.default_rng(0)
    x = rng.uniform(1.0, 10.0, size=(n, m))
    types = np.where(np.arange(m) % 3 == 2, -1.0, 1.0)
    w = rng.dirichlet(np.ones(m))
    if task == "smaa-wsm":
        from policybench import robustness

        return lambda: robustness.smaa(x, types, samples=int(arg), seed=0)
    if task == "promethee2":
        from policybench import mcda

        params: dict[str, Any] = {"preference": arg}
        if arg == "linear":
            params.update(q=0.5, p=2.0)
        return lambda: mcda.rank(mcda.score(x, w, types, method="promethee2", **params))
    if task == "pymcdm-promethee2":
        from pymcdm.methods import PROMETHEE_II

        def run() -> object:
            if arg == "linear":
                body = PROMETHEE_II("vshape_2", p=[2.0] * m, q=[0.5] * m)
            else:
                body = PROMETHEE_II("usual")
            return body.rank(body(x, w, types))

        return run
    raise SystemExit(f"unknown task {task!r}")


def main(argv: list[str]) -> None:
    task, n, m = argv[0], int(argv[1]), int(argv[2])
    run = _task(task, n, m, argv[3] if len(argv) > 3 else "")
    base = memory_mb("self", "VmHWM")
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    peak = memory_mb("self", "VmHWM")
    print(json.dumps({"task": task, "seconds": seconds, "base_mb": base, "peak_mb": peak}))


if __name__ == "__main__":
    main(sys.argv[1:])
