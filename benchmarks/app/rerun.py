"""Rerun after a slider change: the server's script time for one rerun of the app.

The app runs under ``streamlit.testing.v1.AppTest`` through a wrapper that times
``policybench.ui.app.main()``: that is the server's script time for one rerun, including
building every element and serialising its data. AppTest always reruns the whole script,
whereas in the served app a slider change reruns only the page body (a fragment), so the
figure is an upper bound. Every change sets a new weight vector, so the ranking cache misses
each time, as it would for a participant exploring weights. The AppTest round trip (which adds
the test harness's own polling) is reported beside it. The Rank page is timed with its likely
ranks (10,000 draws of the scores each rerun) and without, and the Map page on its own.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from policybench import catalog

#: The script AppTest runs: the app's main(), each run's time appended to a log (ms).
WRAPPER = """
import time
from policybench.ui.app import main
_t = time.perf_counter()
try:
    main()
finally:
    with open({log!r}, "a") as _f:
        _f.write(f"{{(time.perf_counter() - _t) * 1000:.3f}}\\n")
"""
#: Slider changes before the clock starts: imports and first-time caches.
WARM_UP = 5


#: The Rank page's toggle of the likely ranks (policybench.ui.screens.rank.BANDS_KEY).
BANDS_KEY = "pb.rank.bands"


def rerun_times(
    options: Path, changes: int, *, page: str | None = None, bands: bool = True
) -> dict[str, list[float]]:
    """Server script time and AppTest round trip of ``changes`` slider changes (ms), on the
    Rank page (with its likely ranks, unless ``bands`` is False) or on ``page`` (the page
    file's absolute path: the timed script is not beside the app's)."""
    os.environ["POLICYBENCH_OPTIONS"] = str(options)
    # The app's modules declare Streamlit caches when imported, which outside a running app
    # logs a warning: imported when measuring, not when the benchmarks are merely loaded.
    from streamlit.testing.v1 import AppTest
    from tests.support import controls

    ids = list(catalog.load(options).criterion_ids)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "times.txt"
        script = Path(tmp) / "app_timed.py"
        script.write_text(WRAPPER.format(log=str(log)))
        at = AppTest.from_file(str(script), default_timeout=120)
        at.run()
        if page is not None:
            at.switch_page(page).run()
        if not bands:
            at.toggle(key=BANDS_KEY).set_value(False).run()
        for k in range(WARM_UP):
            controls.slider(at, ids[k % len(ids)]).set_value(float(3 + k)).run()
        log.write_text("")
        round_trip: list[float] = []
        for k in range(changes):
            controls.slider(at, ids[k % len(ids)]).set_value(float((7 + 3 * k) % 21))
            t = time.perf_counter()
            at.run()
            round_trip.append((time.perf_counter() - t) * 1000)
            if at.exception:
                raise RuntimeError(f"the app raised: {at.exception}")
        script_ms = [float(x) for x in log.read_text().split()]
    return {"script": script_ms, "round_trip": round_trip}
