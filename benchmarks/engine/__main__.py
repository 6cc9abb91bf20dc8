"""``python -m benchmarks.engine``: see :mod:`benchmarks.engine.run`."""

from policybench.ui.launch import limit_blas_threads

# One BLAS thread for every library measured, as the app runs the engine, unless the caller
# set it (OPENBLAS_NUM_THREADS=2 to try otherwise). The products here are small (S x M by
# M x N), and on a shared 2-core machine a second OpenBLAS thread made the same numpy batch's
# time swing from one run to the next; pinned, the ratios are reproducible. It has to be set
# before numpy is imported, so before the benchmarks are.
limit_blas_threads()

from benchmarks.engine.run import main  # noqa: E402

raise SystemExit(main())
