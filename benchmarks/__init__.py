"""policybench's benchmarks: the engine beside plain numpy and pymcdm, the app beside a bare
Streamlit page, and a workshop's load on one and two servers; every figure goes into
``benchmarks/RESULTS.md``, beside the targets of DESIGN.md ("Performance").

Run from the repository's root (``make bench``, ``make bench-load``)::

    python -m benchmarks.engine [--quick]      # the "# Engine benchmarks" section
    python -m benchmarks.app [--no-browser]    # the "# App" section
    python -m benchmarks.load [--duration S]   # the "# Load" section (slow: PostgreSQL, nginx)

Each of the three is a package laid out the same way: ``run.py`` orchestrates (arguments,
what runs in which order, the section written), the other modules measure, and
``report.py`` (or the tables themselves) says what the figures mean. Shared by all three:

- :mod:`benchmarks.system`: the machine and its processes, read from ``/proc``;
- :mod:`benchmarks.timing`: repeats, best and median times, percentiles;
- :mod:`benchmarks.results`: tables and their sections of RESULTS.md, each rewritten on its own.

The servers they start (the app, PostgreSQL) and the Streamlit client are the test suite's
(:mod:`tests.support`), so that a benchmark and a test start them the same way.
"""
