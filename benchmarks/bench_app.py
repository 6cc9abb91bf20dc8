"""App benchmarks (issue 4): rerun time after a slider change, time to the first usable page,
and SMAA from click to heat map.

Usage: ``python benchmarks/bench_app.py [--changes 50] [--starts 3] [--smaa-runs 3] [--no-browser] [--out FILE]``

1. **Rerun after a slider change** (target: under 150 ms of server time, shipped catalog). The
   app runs under ``streamlit.testing.v1.AppTest`` through a two-line wrapper that times
   ``policybench.ui.app.main()``: that is the server's script time for one rerun, including
   building every element and serialising its data. AppTest always reruns the whole script,
   whereas in the served app a slider change reruns only the page body (a fragment), so the
   figure is an upper bound. Every change sets a new weight vector, so the ranking cache
   misses each time, as it would for a participant exploring weights. The AppTest round trip
   (which adds the test harness's own polling) is reported beside it.
2. **First usable page** (target: under 3 s from process start). The package's bytecode is
   compiled first (as ``make run`` does) and chromium is launched; then the clock starts,
   ``policybench serve`` (what ``make run`` runs) starts as a subprocess, and the clock stops
   when the Rank page shows its headline and its chart, by the page's own clock. Median of
   ``--starts`` starts with the landing chart's structure on disk (as ``make run`` leaves it
   after installing, and as every start leaves it for the next), each after a start on an
   empty chart cache (also reported), each in a fresh process and a fresh browser context.
3. **SMAA, click to heat map** (target: under 2 s for 1,000,000 samples). On the Robustness
   page, the samples set to 1,000,000, the clock runs from pressing Run until the two SMAA
   charts are drawn. Median of ``--smaa-runs`` fresh sessions on one running server.

The figures are printed and written into the ``# App`` section of ``benchmarks/RESULTS.md``
(that section only: the engine's sections, written by ``benchmarks/run.py``, are kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))  # tests/support: the app server the tests start too

from support.appserver import AppServer  # noqa: E402

OPTIONS = ROOT / "options"
CHROMIUM = Path("/usr/bin/chromium")
RERUN_TARGET_MS = 150.0
FIRST_PAGE_TARGET_S = 3.0
SMAA_TARGET_S = 2.0
SMAA_LABEL = "1,000,000"
IDLE_S = 5.0
FLOOR_APP = HERE / "floor_app.py"
WIDGETS_FLOOR_APP = HERE / "floor_widgets_app.py"

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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def rerun_times(changes: int) -> dict[str, list[float]]:
    """Server script time and AppTest round trip of ``changes`` slider changes (ms)."""
    os.environ["POLICYBENCH_OPTIONS"] = str(OPTIONS)
    from streamlit.testing.v1 import AppTest

    from policybench import catalog
    from support import controls

    cat = catalog.load(OPTIONS)
    ids = list(cat.criterion_ids)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "times.txt"
        script = Path(tmp) / "app_timed.py"
        script.write_text(WRAPPER.format(log=str(log)))
        at = AppTest.from_file(str(script), default_timeout=120)
        at.run()
        for k in range(5):  # warm up: imports, compiled chart structures
            controls.slider(at, ids[k % len(ids)]).set_value(float(3 + k)).run()
        log.write_text("")
        round_trip: list[float] = []
        for k in range(changes):
            cid = ids[k % len(ids)]
            value = float((7 + 3 * k) % 21)
            controls.slider(at, cid).set_value(value)
            t = time.perf_counter()
            at.run()
            round_trip.append((time.perf_counter() - t) * 1000)
            if at.exception:
                raise RuntimeError(f"the app raised: {at.exception}")
        script_ms = [float(x) for x in log.read_text().split()]
    return {"script": script_ms, "round_trip": round_trip}


CHART = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
HEADLINE = re.compile("ranks first|tie for first place")


def _browser(p: Any) -> Any:
    return p.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    )


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


def _visit(page: Any, url: str, t0_wall: float, headline: re.Pattern[str]) -> dict[str, float]:
    """Open ``url``; seconds from ``t0_wall`` (``time.time()``) to the headline shown and to the
    chart drawn, by the page's own clock (:data:`PAGE_CLOCK`)."""
    page.add_init_script(PAGE_CLOCK % (json.dumps(headline.pattern), json.dumps(CHART)))
    page.goto(url)
    page.get_by_text(headline).first.wait_for(timeout=60_000)
    page.locator(CHART).first.wait_for(timeout=60_000)
    page.wait_for_function("() => window.__pbSeen.chart !== undefined", timeout=10_000)
    stamps = page.evaluate("window.__pbSeen")
    seen = {name: stamps[name] / 1000 - t0_wall for name in ("headline", "chart")}
    seen["usable"] = max(seen.values())
    return seen


def first_usable_page(starts: int) -> dict[str, list[float]]:
    """Seconds to the Rank page being usable in chromium (its headline and its chart drawn),
    four ways per round, each in a fresh server process and a fresh browser context:

    - ``first``: from ``policybench serve`` starting (what ``make run`` runs) with no compiled
      chart structures on disk (the cache folder emptied, or the catalog changed since), the
      browser opening the page as soon as the server answers;
    - ``usable``: the same for the next start: the structure the first compiled is on disk, as
      ``make run`` leaves it after installing and every start leaves it for the next;
    - ``idle``: from opening the page, on a server started ``IDLE_S`` seconds before (the
      usual case: a server started before the workshop);
    - ``floor``: from ``streamlit run benchmarks/floor_app.py`` starting, a page with one
      headline and one chart of the same size: what Streamlit itself takes here;
    - ``widgets``: the same for ``benchmarks/floor_widgets_app.py``, the Rank page's widgets
      with fixed data and no policybench code: what Streamlit takes for this page.
    """
    import compileall

    from playwright.sync_api import sync_playwright

    compileall.compile_dir(str(ROOT / "src"), quiet=1)  # as `make run` does before serving
    out: dict[str, list[float]] = {
        k: []
        for k in ("first", "healthy", "headline", "chart", "usable", "idle", "floor", "floor_healthy", "widgets")
    }
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = _browser(p)
        for k in range(starts):
            cache = Path(tmp) / f"cache-{k}"  # empty for "first", then what it compiled
            for how in ("first", "start", "idle", "floor", "widgets"):
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                server = AppServer(
                    None, Path(tmp) / f"server-{how}-{k}.log", startup_timeout=60, poll_interval=0.02,
                    # the catalog as `make run` finds it (./options, from the environment here),
                    # not through --options, which checks it before the server starts
                    env={"POLICYBENCH_DATABASE_URL": f"sqlite:///{tmp}/store-{how}-{k}.db",
                         "POLICYBENCH_OPTIONS": str(OPTIONS), "POLICYBENCH_CACHE_DIR": str(cache)},
                    **({"script": FLOOR_APP} if how == "floor" else {"script": WIDGETS_FLOOR_APP}
                       if how == "widgets" else {"via": "serve"}),  # type: ignore[arg-type]
                )  # fmt: skip
                try:
                    server.launch()  # the clock starts here (server.launched_at)
                    launched_wall = time.time() - (time.perf_counter() - server.launched_at)
                    healthy = server.wait_healthy()
                    if how == "first":
                        out["first"].append(_visit(page, server.url, launched_wall, HEADLINE)["usable"])
                    elif how == "start":
                        seen = _visit(page, server.url, launched_wall, HEADLINE)
                        out["healthy"].append(healthy)
                        out["headline"].append(seen["headline"])
                        out["chart"].append(seen["chart"])
                        out["usable"].append(seen["usable"])
                    elif how == "idle":
                        time.sleep(IDLE_S)
                        out["idle"].append(_visit(page, server.url, time.time(), HEADLINE)["usable"])
                    elif how == "widgets":
                        out["widgets"].append(_visit(page, server.url, launched_wall, re.compile("ranks first"))["usable"])
                    else:
                        out["floor_healthy"].append(healthy)
                        out["floor"].append(_visit(page, server.url, launched_wall, re.compile("ranks first"))["usable"])
                finally:
                    page.close()
                    server.stop()
        browser.close()
    return out


def smaa_click_to_heat_map(samples_label: str, repeats: int) -> list[float]:
    """Seconds from pressing Run in the Robustness page's SMAA section (``samples_label``
    chosen, weights only) to its heat map drawn, in chromium on a running server; each
    repeat in a fresh session, so that nothing is cached."""
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = _browser(p)
        server = AppServer(
            OPTIONS, Path(tmp) / "server.log", via="serve", startup_timeout=60,
            env={"POLICYBENCH_DATABASE_URL": f"sqlite:///{tmp}/store.db"},
        )  # fmt: skip
        try:
            server.start()
            for _ in range(repeats + 1):  # the first warms the server's imports
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                page.goto(f"{server.url}/robustness")
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
                    "n => document.querySelectorAll("
                    f"{CHART!r}).length >= n + 2",
                    arg=before,
                    timeout=120_000,
                )
                times.append(time.perf_counter() - t0)
                page.close()
        finally:
            server.stop()
        browser.close()
    return times[1:]


def section(
    reruns: dict[str, list[float]] | None,
    starts: dict[str, list[float]] | None,
    smaa: list[float] | None,
    load: tuple[float, float],
) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# App",
        "",
        f"Written by `benchmarks/bench_app.py` on {now} (load average {load[0]:.2f} before, {load[1]:.2f} after, "
        f"on {os.cpu_count()} cores; other work on the machine inflates these times). Shipped catalog; "
        f'Python {platform.python_version()}. Targets are DESIGN.md\'s ("Performance", the app).',
        "",
        "| measure | p50 | p95 | target | met |",
        "|---|---|---|---|---|",
    ]
    if reruns:
        s, r = reruns["script"], reruns["round_trip"]
        ok = "met" if percentile(s, 0.95) < RERUN_TARGET_MS else "NOT met"
        lines.append(
            f"| rerun after a slider change, server script time (whole app, {len(s)} changes) "
            f"| {statistics.median(s):.1f} ms | {percentile(s, 0.95):.1f} ms | < {RERUN_TARGET_MS:.0f} ms | {ok} |"
        )
        lines.append(
            f"| the same, AppTest round trip (adds the harness's polling) "
            f"| {statistics.median(r):.1f} ms | {percentile(r, 0.95):.1f} ms | | |"
        )
    if starts:
        u, h = starts["usable"], starts["healthy"]
        ok = "met" if statistics.median(u) < FIRST_PAGE_TARGET_S else "NOT met"
        lines.append(
            f"| first usable page from `policybench serve` starting (chromium, median of {len(u)} fresh processes, "
            f"each a restart: see below; each: {', '.join(f'{x:.2f}' for x in u)} s) "
            f"| {statistics.median(u):.2f} s | | < {FIRST_PAGE_TARGET_S:.0f} s | {ok} |"
        )
        lines.append(
            f"| of which the server answering /_stcore/health | {statistics.median(h):.2f} s | | | |"
        )
        lines.append(
            f"| of which the headline shown (the ranking's first line) | {statistics.median(starts['headline']):.2f} s | | | |"
        )
        lines.append(
            f"| of which the chart drawn | {statistics.median(starts['chart']):.2f} s | | | |"
        )
        lines.append(
            f"| the same, with no compiled chart structure on disk (cache folder emptied, or catalog changed; each: "
            f"{', '.join(f'{x:.2f}' for x in starts['first'])} s) | {statistics.median(starts['first']):.2f} s | | | |"
        )
        lines.append(
            f"| the same, a one-chart Streamlit page (benchmarks/floor_app.py): Streamlit's own floor here "
            f"(server answering after {statistics.median(starts['floor_healthy']):.2f} s) | {statistics.median(starts['floor']):.2f} s | | | |"
        )
        lines.append(
            f"| the same, the Rank page's widgets with fixed data and no policybench code, nothing warmed "
            f"(benchmarks/floor_widgets_app.py): Streamlit alone for this page | {statistics.median(starts['widgets']):.2f} s | | | |"
        )
        lines.append(
            f"| first visitor to a server started {IDLE_S:.0f} s before, from opening the page "
            f"| {statistics.median(starts['idle']):.2f} s | | | |"
        )
    if smaa:
        ok = "met" if statistics.median(smaa) < SMAA_TARGET_S else "NOT met"
        lines.append(
            f"| SMAA, {SMAA_LABEL} samples on the shipped catalog, from pressing Run to the heat map drawn "
            f"(chromium, median of {len(smaa)}; each: {', '.join(f'{x:.2f}' for x in smaa)} s) "
            f"| {statistics.median(smaa):.2f} s | | < {SMAA_TARGET_S:.0f} s | {ok} |"
        )
    lines += [
        "",
        "- The rerun figure is an upper bound: AppTest reruns the whole script, while in the served app a "
        "slider change reruns only the page body (`st.fragment`); every change sets new weights, so the "
        "ranking cache misses each time. Chart structures are compiled once per shape and cached; only "
        "their data changes per rerun.",
        "- First usable page: the Rank page shows its headline and its chart, as the page's own clock sees "
        "them (a script injected before Streamlit's stamps the headline's appearance and the frame after "
        "the chart's canvas appears; Playwright's waiting, used before 2026-12-06, polls ever more slowly "
        "and added up to 0.5 s). From the moment `policybench serve` (what `make run` runs) is started: "
        "Python starting, Streamlit's server, the browser loading Streamlit's front end, the first script "
        "run, and the browser drawing the chart (Vega-Lite, loaded on first use). While the server starts "
        "and the browser loads the front end, a thread loads the catalog, imports what the page needs in "
        "the order it needs it and has the chart's structure ready (`policybench.ui.launch`); the store "
        "(for the sidebar's saved profiles) comes last. Each round starts a server twice on an empty "
        "cache folder: the first start compiles the chart's structure (importing Altair, about 0.35 s of "
        "CPU) and keeps it on disk; the second, the figure against the target, reads it back, as every "
        "start does after `make run` has prepared it once after installing (or after any earlier start). "
        "The package's bytecode is compiled beforehand, as `make run` does. The two floor apps are timed "
        "the same way; they vary with the machine's other load, so compare them with the app from the same run: the one-chart page is what any Streamlit page "
        "takes here, the widgets page what the browser adds to load and draw the Rank page's widgets "
        "(sliders, select boxes, pills, the table), and the app's own figure beyond it what policybench "
        "adds (its command line, the warming thread, the script's run).",
        "- SMAA: weights only, the method the sidebar shows (weighted sum); the time includes the progress bar's "
        "updates, building the two charts' data and drawing them.",
        "",
    ]
    return "\n".join(lines)


def write_section(out: Path, text: str) -> None:
    """Replace the ``# App`` section of ``out`` (up to the next top-level heading), or append it."""
    old = out.read_text() if out.exists() else ""
    pattern = re.compile(r"^# App\n.*?(?=^# |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _: text.rstrip("\n") + "\n\n", old, count=1)
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + text
    out.write_text(new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--changes", type=int, default=50, help="slider changes to time (default 50)"
    )
    parser.add_argument(
        "--starts", type=int, default=3, help="fresh server processes to time (default 3)"
    )
    parser.add_argument(
        "--smaa-runs", type=int, default=3, help="SMAA runs to time in the browser (default 3)"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the browser measurements")
    parser.add_argument(
        "--out", type=Path, default=HERE / "RESULTS.md", help="results file (its # App section)"
    )
    args = parser.parse_args()
    before = os.getloadavg()[0]
    reruns = rerun_times(args.changes)
    s = reruns["script"]
    print(
        f"rerun after a slider change (server script time, {len(s)} changes): p50 {statistics.median(s):.1f} ms, p95 {percentile(s, 0.95):.1f} ms"
    )
    r = reruns["round_trip"]
    print(
        f"  AppTest round trip: p50 {statistics.median(r):.1f} ms, p95 {percentile(r, 0.95):.1f} ms"
    )
    starts = smaa = None
    if not args.no_browser:
        if not CHROMIUM.exists():
            print(f"browser measurements: skipped, {CHROMIUM} not found", file=sys.stderr)
        else:
            starts = first_usable_page(args.starts)
            u = starts["usable"]
            print(
                f"first usable page from process start: median {statistics.median(u):.2f} s ({', '.join(f'{x:.2f}' for x in u)}); "
                f"health {statistics.median(starts['healthy']):.2f} s, headline {statistics.median(starts['headline']):.2f} s, "
                f"chart {statistics.median(starts['chart']):.2f} s; with no compiled chart structure "
                f"{statistics.median(starts['first']):.2f} s; floors: one chart {statistics.median(starts['floor']):.2f} s, "
                f"the page's widgets {statistics.median(starts['widgets']):.2f} s"
            )
            smaa = smaa_click_to_heat_map(SMAA_LABEL, args.smaa_runs)
            print(
                f"SMAA {SMAA_LABEL} samples, Run to heat map: median {statistics.median(smaa):.2f} s ({', '.join(f'{x:.2f}' for x in smaa)})"
            )
    text = section(reruns, starts, smaa, (before, os.getloadavg()[0]))
    write_section(args.out, text)
    print(f"wrote the App section of {args.out}")


if __name__ == "__main__":
    main()
