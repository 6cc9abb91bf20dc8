"""``streamlit run`` for the app, with one BLAS thread per process and a short warm-up.

``policybench serve`` calls :func:`main` with its Streamlit options (``python -m
policybench.ui.launch <options>`` does the same): Streamlit's own command line on
:mod:`policybench.ui.asgi` (the app behind its HTTP layer: security headers and the device
cookie, :mod:`policybench.ui.http`), plus two things.

- One BLAS thread per server process (:data:`BLAS_THREADS`, unless the environment says
  otherwise): a server serves many sessions at once, and a second BLAS thread per matrix
  product only competes with them, with the event loop and, on a small machine, with the
  browser. The variables take effect only if numpy is not loaded yet, which is why this module
  imports Streamlit and the app (both load numpy) inside the functions that start them.
- A short warm-up (:func:`warm`): Streamlit runs a page's script only when a browser connects,
  so the first visitor would otherwise also wait for the catalog's validation, the landing
  page's ranking and chart, and the store. A background thread does that work while the
  browser is still loading Streamlit's front end; a script that needs something the thread is
  doing waits for it (Streamlit's cache locks), so nothing runs twice. Python's import lock is
  not enough for the imports themselves: two threads importing a package with internal
  cycles at once (SQLAlchemy, pandas) can each see the other's half-initialised module and
  fail ("cannot import name ... from partially initialized module"), which a room of pages
  reconnecting to a restarted server would meet. So the warm-up imports first, and until it
  has, the app's HTTP layer holds back the websockets that would start page scripts
  (:data:`policybench.ui.http.IMPORTS`); the page's files load meanwhile. Warming is best
  effort: if it fails, the first script run does the same work and shows any error as the
  app always does.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

#: What ``streamlit run`` is given: the ``st.App`` that serves ``app.py`` behind the app's HTTP
#: layer (security headers, the device cookie: :mod:`policybench.ui.http`).
APP = Path(__file__).resolve().parent / "asgi.py"
_LOG = logging.getLogger("policybench.launch")

BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def limit_blas_threads() -> None:
    """Apply :data:`BLAS_THREADS` where the environment does not say otherwise; it takes
    effect only if numpy has not been imported yet."""
    for name, value in BLAS_THREADS.items():
        os.environ.setdefault(name, value)


def _wait_for_server(timeout: float = 30.0) -> bool:
    """Wait until the server accepts connections: warming while it starts would only delay
    its answer (one Python thread runs at a time), and the caches the warm-up fills belong to
    the runtime, which exists only then."""
    from streamlit import config, runtime

    deadline = time.monotonic() + timeout
    while not runtime.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    address = str(config.get_option("server.address") or "127.0.0.1")
    if address in {"0.0.0.0", "::", ""}:
        address = "127.0.0.1"
    port = int(config.get_option("server.port"))
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((address, port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.01)
    return False


def warm(ready: Callable[[], bool] = _wait_for_server) -> None:
    """Once ``ready()`` (the server listens), import what the pages import and let their
    scripts start (:data:`~policybench.ui.http.IMPORTS`), then do what the landing page's
    first run does before it can draw, in its order: load (and cache) the catalog, rank it
    under the default weights, build the ranking chart; then open the store for the sidebar's
    saved profiles."""
    from policybench.ui.http import IMPORTS

    started = time.perf_counter()
    try:
        if not ready():
            return
        try:
            import policybench.ui.app  # noqa: F401  (what every page script imports first)
            from policybench.analysis.rank import DEFAULT_METHOD
            from policybench.present.charts.ranking import ranking_chart
            from policybench.ui import state
            from policybench.ui.components import workshop_common
        finally:
            IMPORTS.open()

        # Outside a script run Streamlit warns that there is no script context (the cache's
        # spinner has nowhere to go); that is expected here.
        context_log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
        level = context_log.level
        context_log.setLevel(logging.ERROR)
        try:
            catalog = state.load_catalog().catalog
            if catalog is not None:
                ranking = state.rank(catalog, state.default_weights(catalog), DEFAULT_METHOD)
                ranking_chart(ranking, catalog)
            workshop_common.store()  # opened (and if new, created) once per process
        finally:
            context_log.setLevel(level)
    except Exception:  # best effort: the first script run meets the same error and shows it
        _LOG.debug("warming failed; the first script run will do the work", exc_info=True)
        return
    finally:
        IMPORTS.open()  # never leave the pages waiting (the server did not come up, say)
    _LOG.debug("warmed in %.2f s", time.perf_counter() - started)


def main(argv: list[str]) -> None:
    """Start the warming thread, then hand over to ``streamlit run APP argv...`` (which
    returns only when the server stops)."""
    limit_blas_threads()
    from streamlit.web import cli

    from policybench.ui.http import IMPORTS

    IMPORTS.arm()  # the pages' websockets wait for the warm-up's imports (at most a few s)
    threading.Thread(target=warm, name="policybench-warm", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
