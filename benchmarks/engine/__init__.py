"""The engine's benchmarks: policybench beside plain numpy and beside pymcdm, in one run.

Every comparison uses the same inputs in the same process (the same matrix, and the same
weight samples: both sides draw them from ``default_rng(seed)`` in the same chunks) and is
reported as a ratio, because absolute times depend on the machine. Times are the best of a few
repeats; peak memory is measured in a fresh process (:mod:`benchmarks.engine.probe`).

- :mod:`~benchmarks.engine.run`: the order of the runs and the section of RESULTS.md;
- :mod:`~benchmarks.engine.inputs`: the problems measured, and the comparison of rankings;
- :mod:`~benchmarks.engine.baselines`: the two yardsticks, plain numpy and pymcdm;
- :mod:`~benchmarks.engine.ranking`, :mod:`~benchmarks.engine.smaa`,
  :mod:`~benchmarks.engine.memory`: one table each per benchmark;
- :mod:`~benchmarks.engine.probe`: one task in a fresh process, its time and peak memory.
"""
