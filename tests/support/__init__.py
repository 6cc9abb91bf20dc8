"""Helpers shared by the test suites and the benchmarks (not tests themselves).

- :mod:`support.pgserver`: a throwaway PostgreSQL server (``PgServer``).
- :mod:`support.appserver`: the app served on 127.0.0.1 and a free port (``AppServer``).
- :mod:`support.ci`: ``require()``: skip on a user's machine, fail under CI=true.
- :mod:`support.chromium`: Debian's chromium and the arguments it is launched with.
- :mod:`support.ports`: ``free_port()``.
- :mod:`support.gitrepo`: a git repository holding a catalog, and ``git apply`` on it.
- :mod:`support.stclient`: a client that speaks Streamlit's websocket protocol as a browser tab
  does (the load test's participants, the fault tests' reconnecting pages).

Tests import them as ``from support.pgserver import PgServer`` (pyproject.toml puts ``tests``
on pytest's ``pythonpath``); the benchmarks, run from the repository's root as ``python -m
benchmarks...``, as ``from tests.support.pgserver import PgServer``. So the modules here import
each other relatively, and only :mod:`support.ci` imports pytest, so the benchmarks can use
the servers without it.
"""
