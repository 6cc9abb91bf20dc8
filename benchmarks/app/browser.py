"""The app in chromium (Playwright): the first usable page, beside the same widgets without
policybench, and SMAA from pressing Run to the heat map.

**First usable page.** The Rank page is usable when it shows its headline and its chart, as
the page's own clock sees them (:data:`PAGE_CLOCK`). Each round times four servers, each a
fresh process with a fresh browser page:

- ``app_start``: from ``policybench serve`` (what ``make run`` runs) starting, the browser
  opening the page as soon as the server answers: Python starting, Streamlit's server, the
  browser loading Streamlit's front end, the first script run and the chart drawn;
- ``floor_start``: the same for ``floor_widgets_app.py`` (the same widgets, fixed data, no
  policybench code) under ``streamlit run``;
- ``app_visitor`` and ``floor_visitor``: from opening the page, on a server started
  :data:`IDLE_S` seconds before (the usual case: a server started before the workshop).

The two pages of a pair run back to back, in alternating order from round to round, so that
a change in the machine's other load falls on both. The package's bytecode is compiled first,
as ``make run`` does.
"""

from __future__ import annotations

import compileall
import json
import re
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

from tests.support.appserver import AppServer
from tests.support.chromium import launch_args

ROOT = Path(__file__).resolve().parents[2]
FLOOR = Path(__file__).resolve().with_name("floor_widgets_app.py")
#: Seconds a server runs before its first visitor opens the page.
IDLE_S = 5.0
VIEWPORT = {"width": 1600, "height": 1000}
CHART = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
#: The Rank page's headline (the ranking's first line); the floor page says "ranks first" too.
HEADLINE = re.compile("ranks first|tie for first place")

#: Installed in every page before Streamlit's own scripts: records (``Date.now()``, ms since
#: the epoch) when the headline first appears and the frame after the chart's canvas or svg is
#: inserted. Playwright's waiting polls with a growing interval (up to 500 ms between checks),
#: which would add a random part of that to each figure; the page's own clock does not.
PAGE_CLOCK = """
(() => {
  const seen = (window.__pbSeen = {});
  const headline = new RegExp(%s);
  const chart = %s;
  const check = () => {
    if (!seen.headline && document.body && headline.test(document.body.textContent || "")) {
      seen.headline = Date.now();
    }
    if (!seen.chartInserted && document.querySelector(chart)) {
      seen.chartInserted = Date.now();
      requestAnimationFrame(() => { seen.chart = Date.now(); });
    }
    if (seen.headline && seen.chartInserted) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, characterData: true });
})();
"""

Page = Literal["app", "floor"]
Start = Literal["start", "visitor"]


def first_pages(options: Path, rounds: int) -> dict[str, list[float]]:
    """Seconds to a usable page, ``rounds`` times each way (module docstring); for the app
    from process start, also when the server answered and when the headline and the chart
    appeared."""
    from playwright.sync_api import sync_playwright

    compileall.compile_dir(str(ROOT / "src"), quiet=1)
    names = ("start", "healthy", "headline", "chart", "visitor")
    out: dict[str, list[float]] = {f"{p}_{n}": [] for p in ("app", "floor") for n in names}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(**launch_args())
        try:
            for k in range(rounds):
                pages: list[Page] = ["app", "floor"] if k % 2 == 0 else ["floor", "app"]
                for start in ("start", "visitor"):
                    for page in pages:
                        tag = f"{page}-{start}-{k}"
                        seen = _time_page(browser, _server(page, options, Path(tmp), tag), start)
                        out[f"{page}_{start}"].append(seen["usable"])
                        if start == "start":
                            for name in ("healthy", "headline", "chart"):
                                out[f"{page}_{name}"].append(seen[name])
        finally:
            browser.close()
    return out


def _server(page: Page, options: Path, tmp: Path, tag: str) -> AppServer:
    """A server not yet launched: the app as ``make run`` starts it (the catalog found through
    ``$POLICYBENCH_OPTIONS``, not ``--options``, which checks it before the server starts), or
    the floor page under ``streamlit run``."""
    env = {
        "POLICYBENCH_DATABASE_URL": f"sqlite:///{tmp}/store-{tag}.db",
        "POLICYBENCH_OPTIONS": str(options),
    }
    log = tmp / f"server-{tag}.log"
    if page == "app":
        return AppServer(None, log, via="serve", env=env, startup_timeout=60, poll_interval=0.02)
    return AppServer(None, log, script=FLOOR, env=env, startup_timeout=60, poll_interval=0.02)


def _time_page(browser: Any, server: AppServer, start: Start) -> dict[str, float]:
    """Launch ``server``, open its page and time it (module docstring); the server stopped."""
    page = browser.new_page(viewport=VIEWPORT)
    try:
        server.launch()  # the clock of a "start" starts here (server.launched_at)
        launched_wall = time.time() - (time.perf_counter() - server.launched_at)
        healthy = server.wait_healthy()
        if start == "visitor":
            time.sleep(IDLE_S)
            return {**_visit(page, server.url, time.time()), "healthy": healthy}
        return {**_visit(page, server.url, launched_wall), "healthy": healthy}
    finally:
        page.close()
        server.stop()


def _visit(page: Any, url: str, t0_wall: float) -> dict[str, float]:
    """Open ``url``; seconds from ``t0_wall`` (``time.time()``) to the headline shown and to the
    chart drawn, by the page's own clock (:data:`PAGE_CLOCK`), and to both (``usable``)."""
    page.add_init_script(PAGE_CLOCK % (json.dumps(HEADLINE.pattern), json.dumps(CHART)))
    page.goto(url)
    page.get_by_text(HEADLINE).first.wait_for(timeout=60_000)
    page.locator(CHART).first.wait_for(timeout=60_000)
    page.wait_for_function("() => window.__pbSeen.chart !== undefined", timeout=10_000)
    stamps = page.evaluate("window.__pbSeen")
    seen = {name: stamps[name] / 1000 - t0_wall for name in ("headline", "chart")}
    seen["usable"] = max(seen.values())
    return seen


def smaa_click_to_heat_map(options: Path, samples_label: str, repeats: int) -> list[float]:
    """Seconds from pressing Run in the Robustness page's SMAA section (``samples_label``
    chosen, weights only) to its two charts drawn, in chromium on a running server; each
    repeat in a fresh session, so that nothing is cached."""
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(**launch_args())
        server = AppServer(
            options, Path(tmp) / "server.log", via="serve", startup_timeout=60,
            env={"POLICYBENCH_DATABASE_URL": f"sqlite:///{tmp}/store.db"},
        )  # fmt: skip
        try:
            server.start()
            for _ in range(repeats + 1):  # the first warms the server's imports
                page = browser.new_page(viewport=VIEWPORT)
                try:
                    times.append(_run_smaa(page, server.url, samples_label))
                finally:
                    page.close()
        finally:
            server.stop()
            browser.close()
    return times[1:]


def _run_smaa(page: Any, url: str, samples_label: str) -> float:
    page.goto(f"{url}/robustness")
    samples = page.get_by_role("slider", name="Samples")
    samples.wait_for(timeout=60_000)
    samples.focus()
    samples.press("End")  # the largest number of samples offered
    page.get_by_text(samples_label, exact=True).first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)  # let the slider's rerun settle
    before = page.locator(CHART).count()
    t0 = time.perf_counter()
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        f"n => document.querySelectorAll({CHART!r}).length >= n + 2",
        arg=before,
        timeout=120_000,
    )
    return time.perf_counter() - t0
