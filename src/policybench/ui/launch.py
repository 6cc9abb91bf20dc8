"""``streamlit run`` for the app, with the landing page's imports warmed while it starts.

``policybench serve`` calls :func:`main` with its Streamlit options (``python -m
policybench.ui.launch <options>`` does the same): Streamlit's own command line, unchanged,
plus one background thread and one BLAS thread per process. Streamlit runs a page's script only
when a browser connects, so without it the first visitor waits for the imports (pandas,
pydantic, SQLAlchemy, the engine: about 0.7 s here), the catalog's validation, the ranking
chart's structure and opening the store, after the server and the browser's front end have
already taken their second each. The thread does that work while the browser is still loading
Streamlit's front end; a script that needs a module the thread is importing waits on Python's
import lock, so nothing runs twice and nothing is half-imported.

Warming is best effort: if it fails, the first script run does the same work and shows any
error as the app always does.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policybench.catalog import Catalog

#: What the Rank page (the landing page) imports before it can draw its ranking, in the order
#: it needs them (the catalog comes first, loaded by :func:`warm` itself). Not Altair: the
#: ranking chart's structure is read from disk when an earlier process compiled it
#: (:mod:`policybench.ui.chart_structures`); only a first start imports it, to compile.
FIRST_PAINT_MODULES = (
    "pandas",
    "policybench.views",
    "policybench.ui.components.weight_controls",
    "policybench.ui.components.ranking_table",
    "policybench.export.charts",
    "policybench.ui.chart_structures",
    "policybench.ui.components.chart",
    "policybench.ui.components.downloads",
    "policybench.ui.components.footer",
    "policybench.ui.components.errors",
)

#: What it imports for what it draws after the ranking: the saved profiles in the sidebar
#: (the store: SQLAlchemy).
AFTER_PAINT_MODULES = (
    "policybench.store",
    "policybench.ui.components.profiles_panel",
)

WARM_MODULES = FIRST_PAINT_MODULES + AFTER_PAINT_MODULES


APP = Path(__file__).resolve().parent / "app.py"
_LOG = logging.getLogger("policybench.launch")


def _wait_for_server(timeout: float = 30.0) -> bool:
    """Wait until the server accepts connections. The server comes first: warming while it
    starts would only delay its answer (one Python thread runs at a time), and the browser
    then spends about a second loading Streamlit's front end, time this thread can use.
    Caches declared by the modules imported afterwards use the runtime's storage."""
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
    """Once ``ready()`` (the server listens), do what the landing page's first run needs, in
    the order it needs it: load (and cache) the catalog, import the modules, compile the
    ranking chart's structure; then what the page draws last: open the store for the sidebar's
    saved profiles. Nothing else: a first visitor may arrive while this runs, and their page
    waits for what it does here (a module being imported, a cached value being computed)."""
    started = time.perf_counter()
    try:
        if not ready():
            return
        from policybench.ui import state

        # Outside a script run Streamlit warns that there is no script context (the
        # cache's spinner has nowhere to go); that is expected here.
        context_log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
        level = context_log.level
        context_log.setLevel(logging.ERROR)
        try:
            catalog = state.load_catalog().catalog
            for name in FIRST_PAINT_MODULES:
                importlib.import_module(name)
            if catalog is not None:
                _compile_landing_chart(catalog)
            # Streamlit checks once per process, on the first element drawn, whether it runs
            # in a REPL (inspect.stack() over the whole call stack: about 0.1 s); do it here.
            from streamlit import delta_generator

            getattr(delta_generator, "_maybe_print_use_warning", lambda: None)()
            for name in AFTER_PAINT_MODULES:
                importlib.import_module(name)
            from policybench.ui.components import workshop_common

            workshop_common.store()  # opened (and if new, created) once per process
        finally:
            context_log.setLevel(level)
    except Exception:  # best effort: the first script run meets the same error and shows it
        _LOG.debug("warming failed; the first script run will do the work", exc_info=True)
        return
    _LOG.debug("warmed in %.2f s", time.perf_counter() - started)


def _compile_landing_chart(catalog: Catalog) -> None:
    """Have the structure of the chart the Rank page opens with (default weights and method,
    every option shown) ready in memory: read from disk, or on a first start compiled (Altair's
    import and first chart: about 0.35 s)."""
    from policybench import views
    from policybench.ui import state
    from policybench.ui.components import chart

    weights = state.default_weights(catalog)
    ranked = state.rank(catalog, weights, state.DEFAULT_METHOD)
    table = views.with_movement(ranked, None)
    chart.compile_structure(chart.ranking_data(catalog, state.DEFAULT_METHOD, ranked, table))


def prepare() -> bool:
    """Compile the landing chart's structure for the current catalog and keep it on disk, with
    no server: what ``make run`` does once after installing (as it compiles the bytecode), so
    that a machine's first start reads the structure back like every later start instead of
    importing Altair while the first visitor waits (0.2-0.7 s here).

    Best effort, like :func:`warm`: False, with a line on standard error and nothing written,
    when it cannot (a catalog that does not load, an unexpected error); the server then does the
    same work on its first start and the app shows any error as it always does."""
    try:
        from streamlit import logger

        logger.set_log_level("error")  # no runtime here: Streamlit's caches would warn of it
        from policybench.ui import state

        loaded = state.load_catalog()
        if loaded.catalog is None:
            print(
                f"policybench: the catalog in {state.options_dir()} does not load; the app "
                "will show why (chart structure not prepared)",
                file=sys.stderr,
            )
            return False
        _compile_landing_chart(loaded.catalog)
    except Exception as error:  # preparing is an optimisation, never a reason not to start
        print(
            f"policybench: chart structure not prepared ({error!r}); the first start will "
            "compile it",
            file=sys.stderr,
        )
        return False
    return True


#: One BLAS thread per server process (unless the environment says otherwise). A server
#: serves many sessions at once: a second BLAS thread per matrix product only competes with
#: them, with the event loop and, on a small machine, with the browser; SMAA with 1,000,000
#: samples took 1.5-1.7 s in the app with two threads on two cores, 0.75-1.0 s with one.
BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def limit_blas_threads() -> None:
    """Apply :data:`BLAS_THREADS` where the environment does not say otherwise; it takes
    effect only if numpy has not been imported yet."""
    for name, value in BLAS_THREADS.items():
        os.environ.setdefault(name, value)


def main(argv: list[str]) -> None:
    """Start the warming thread, then hand over to ``streamlit run APP argv...`` (which
    returns only when the server stops)."""
    limit_blas_threads()
    from streamlit.web import cli

    threading.Thread(target=warm, name="policybench-warm", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
