"""The ``# App`` section of RESULTS.md: each measure beside its target, and the first page as
two ratios to the Streamlit page with the same widgets, the absolute times beside them."""

from __future__ import annotations

import datetime as dt
import os
import platform
from dataclasses import dataclass
from typing import Any

from benchmarks.results import verdict
from benchmarks.timing import median, percentile

RERUN_TARGET_MS = 150.0
#: The facilitator's page with a full room (issue 19 §5, issue 20): a rerun's server time.
FACILITATOR_TARGET_MS = 500.0
#: The first usable page from the server process starting, as a multiple of the floor page's.
START_RATIO_TARGET = 1.35
#: The first visitor to a running server, as a multiple of the floor page's.
VISITOR_RATIO_TARGET = 1.15
SMAA_TARGET_S = 2.0
SMAA_LABEL = "1,000,000"


@dataclass(frozen=True)
class Ratio:
    """The app's median time over the floor page's, measured in the same rounds."""

    app: list[float]
    floor: list[float]
    target: float

    @property
    def value(self) -> float:
        return median(self.app) / median(self.floor)

    @property
    def met(self) -> bool:
        return self.value <= self.target

    def paired(self) -> list[float]:
        """Round by round: each round's app time over the floor time of the same round."""
        return [a / f for a, f in zip(self.app, self.floor, strict=True)]


def first_page_ratios(starts: dict[str, list[float]]) -> tuple[Ratio, Ratio]:
    """(from the server process starting, for the first visitor to a running server)."""
    return (
        Ratio(starts["app_start"], starts["floor_start"], START_RATIO_TARGET),
        Ratio(starts["app_visitor"], starts["floor_visitor"], VISITOR_RATIO_TARGET),
    )


def _each(values: list[float], unit: str = " s") -> str:
    return ", ".join(f"{x:.2f}" for x in values) + unit


def summary_lines(
    reruns: dict[str, list[float]],
    starts: dict[str, list[float]] | None,
    smaa: list[float] | None,
    facilitator: dict[str, dict[str, Any]] | None = None,
) -> list[str]:
    """What the run prints: one line per measure."""
    s, r = reruns["script"], reruns["round_trip"]
    lines = [
        f"rerun after a slider change (server script time, {len(s)} changes): "
        f"p50 {median(s):.1f} ms, p95 {percentile(s, 0.95):.1f} ms; AppTest round trip "
        f"p50 {median(r):.1f} ms, p95 {percentile(r, 0.95):.1f} ms"
    ]
    for room, found in (facilitator or {}).items():
        t = found["reruns"]
        lines.append(
            f"facilitator's page, {room}: first run {found['first']:.0f} ms; reruns p50 "
            f"{median(t):.0f} ms, p95 {percentile(t, 0.95):.0f} ms (target < "
            f"{FACILITATOR_TARGET_MS:.0f} ms, {verdict(percentile(t, 0.95) < FACILITATOR_TARGET_MS)})"
        )
    if starts:
        start, visitor = first_page_ratios(starts)
        lines += [
            f"first usable page from the server process starting: {start.value:.2f}x the "
            f"floor page (target <= {start.target}x, {verdict(start.met)}): app "
            f"{median(start.app):.2f} s, floor {median(start.floor):.2f} s",
            f"first visitor to a running server: {visitor.value:.2f}x the floor page (target "
            f"<= {visitor.target}x, {verdict(visitor.met)}): app {median(visitor.app):.2f} s, "
            f"floor {median(visitor.floor):.2f} s",
        ]
    if smaa:
        lines.append(
            f"SMAA {SMAA_LABEL} samples, Run to heat map: median {median(smaa):.2f} s "
            f"({_each(smaa)})"
        )
    return lines


def section(
    reruns: dict[str, list[float]],
    starts: dict[str, list[float]] | None,
    smaa: list[float] | None,
    load: tuple[float, float],
    *,
    facilitator: dict[str, dict[str, Any]] | None = None,
) -> str:
    """The whole ``# App`` section; measures that were skipped are left out, and say so."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# App",
        "",
        f"Written by `python -m benchmarks.app` on {now} (load average {load[0]:.2f} before, "
        f"{load[1]:.2f} after, on {os.cpu_count()} cores; other work on the machine inflates "
        f"these times). Shipped catalog; Python {platform.python_version()}. Targets are "
        'DESIGN.md\'s ("Performance", the app).',
        "",
        "| measure | value | p95 | target | met |",
        "|---|---|---|---|---|",
        *_rerun_rows(reruns),
        *(_facilitator_rows(facilitator) if facilitator else []),
        *(_first_page_rows(starts) if starts else []),
        *(_smaa_rows(smaa) if smaa else []),
        "",
        *_notes(browser=starts is not None or smaa is not None),
        *(_facilitator_notes(facilitator) if facilitator else []),
        "",
    ]
    return "\n".join(lines)


def _rerun_rows(reruns: dict[str, list[float]]) -> list[str]:
    s, r = reruns["script"], reruns["round_trip"]
    p95 = percentile(s, 0.95)
    return [
        f"| rerun after a slider change, server script time (whole app, {len(s)} changes; p50) "
        f"| {median(s):.1f} ms | {p95:.1f} ms | < {RERUN_TARGET_MS:.0f} ms | "
        f"{verdict(p95 < RERUN_TARGET_MS)} |",
        f"| the same, AppTest round trip (adds the harness's polling) "
        f"| {median(r):.1f} ms | {percentile(r, 0.95):.1f} ms | | |",
        *_more_rerun_rows(reruns),
    ]


def _more_rerun_rows(reruns: dict[str, list[float]]) -> list[str]:
    """The Rank page without its likely ranks (what the bands cost), and the Map page."""
    rows = []
    if "script_no_bands" in reruns:
        s = reruns["script_no_bands"]
        rows.append(
            f"| the Rank page with its likely ranks switched off (what 10,000 draws of the "
            f"scores add: the difference with the first row) | {median(s):.1f} ms | "
            f"{percentile(s, 0.95):.1f} ms | | |"
        )
    if "script_map" in reruns:
        s = reruns["script_map"]
        p95 = percentile(s, 0.95)
        rows.append(
            f"| rerun after a slider change on the Map page, server script time (whole app, "
            f"{len(s)} changes; p50) | {median(s):.1f} ms | {p95:.1f} ms | "
            f"< {RERUN_TARGET_MS:.0f} ms | {verdict(p95 < RERUN_TARGET_MS)} |"
        )
    return rows


def _facilitator_rows(found: dict[str, dict[str, Any]]) -> list[str]:
    """Per room: the first run after signing in, and the reruns with nothing changed."""
    rows = []
    for room, times in found.items():
        t = times["reruns"]
        p95 = percentile(t, 0.95)
        rows += [
            f"| the facilitator's page ({room}): first run after signing in, server script "
            f"time | {times['first']:.0f} ms | | | |",
            f"| the same page rerun with nothing changed (whole app, {len(t)} reruns; p50; "
            f"max {max(t):.0f} ms) | {median(t):.0f} ms | {p95:.0f} ms | "
            f"< {FACILITATOR_TARGET_MS:.0f} ms | {verdict(p95 < FACILITATOR_TARGET_MS)} |",
        ]
    return rows


def _facilitator_notes(found: dict[str, dict[str, Any]]) -> list[str]:
    """How the rooms were built, and for a missed target where one rerun's time went."""
    notes = [
        "- The facilitator's page: rooms built through the store's API in a temporary SQLite "
        "store on the shipped catalog (benchmarks/app/facilitator.py): everyone submits in "
        "every round, moving between rounds; the 50 challenges are one to three per "
        "participant on 20 cells, with the most challenged cell adopted at its proposals' "
        "median and the next rejected; the three-round room is drawn around three camps. The "
        "last round is open with every submission in. Each room's page runs in a Python "
        "process of its own, so its first run pays what a server's first facilitator page "
        "does (the imports its panels need, the caches they fill). The facilitator signs in "
        "through the page's form; AppTest reruns the whole script (the monitor included) as "
        "a browser's reload would, so a served page's timed refresh (the monitor fragment "
        "alone) costs at most this.",
    ]
    for room, times in found.items():
        profile = times.get("profile")
        if not profile:
            continue
        top = "; ".join(
            f"`{name}` {cum:.0f} ms" for name, cum, _ in profile["policybench_cumulative"][:8]
        )
        own = "; ".join(f"`{name}` {own:.0f} ms" for name, _, own in profile["own_time"][:5])
        notes.append(
            f"- Where one rerun of the facilitator's page ({room}) spends its time (cProfile, "
            f"which slows it): policybench's functions by cumulative time: {top}. By their own "
            f"time: {own}."
        )
    return notes


def _first_page_rows(starts: dict[str, list[float]]) -> list[str]:
    start, visitor = first_page_ratios(starts)
    n = len(start.app)
    return [
        f"| first usable page from the server process starting, app ÷ floor page (medians of "
        f"{n} rounds; round by round: {_each(start.paired(), 'x')}) | {start.value:.2f}x | | "
        f"<= {start.target}x | {verdict(start.met)} |",
        f"| the app: `policybench serve` started to the page usable (each: {_each(start.app)}) "
        f"| {median(start.app):.2f} s | | | |",
        f"| of which the server answering /_stcore/health "
        f"| {median(starts['app_healthy']):.2f} s | | | |",
        f"| of which the headline shown (the ranking's first line) "
        f"| {median(starts['app_headline']):.2f} s | | | |",
        f"| of which the chart drawn | {median(starts['app_chart']):.2f} s | | | |",
        f"| the floor page: `streamlit run floor_widgets_app.py` started to the page usable "
        f"(each: {_each(start.floor)}; server answering after "
        f"{median(starts['floor_healthy']):.2f} s) | {median(start.floor):.2f} s | | | |",
        f"| first visitor to a server started a while before, app ÷ floor page (round by round: "
        f"{_each(visitor.paired(), 'x')}) | {visitor.value:.2f}x | | <= {visitor.target}x | "
        f"{verdict(visitor.met)} |",
        f"| the app: from opening the page (each: {_each(visitor.app)}) "
        f"| {median(visitor.app):.2f} s | | | |",
        f"| the floor page: from opening the page (each: {_each(visitor.floor)}) "
        f"| {median(visitor.floor):.2f} s | | | |",
    ]


def _smaa_rows(smaa: list[float]) -> list[str]:
    return [
        f"| SMAA, {SMAA_LABEL} samples on the shipped catalog, from pressing Run to the heat map "
        f"drawn (chromium, median of {len(smaa)}; each: {_each(smaa)}) | {median(smaa):.2f} s "
        f"| | < {SMAA_TARGET_S:.0f} s | {verdict(median(smaa) < SMAA_TARGET_S)} |"
    ]


def _notes(*, browser: bool) -> list[str]:
    notes = [
        "- The rerun figure is an upper bound: AppTest reruns the whole script, while in the "
        "served app a slider change reruns only the page body (`st.fragment`); every change sets "
        "new weights, so the ranking cache misses each time.",
    ]
    if not browser:
        return [*notes, "- The browser measurements were skipped (no chromium, or --no-browser)."]
    return [
        *notes,
        "- First usable page: the Rank page shows its headline and its chart, as the page's own "
        "clock sees them (a script injected before Streamlit's stamps the headline's appearance "
        "and the frame after the chart's canvas appears). The floor page is "
        "`benchmarks/app/floor_widgets_app.py`: the Rank page's widgets (sliders, select boxes, "
        "pills, the chart, the table) with fixed data and no policybench code, under `streamlit "
        "run`; what the app takes beyond it is what policybench adds (its command line, the "
        "warming thread, the catalog, the script's run). Each round times the app and the floor "
        "page back to back, in alternating order, each in a fresh server process and a fresh "
        "browser page: from the process starting (the page opened as soon as the server "
        "answers), and for the first visitor to a server started a few seconds before. The "
        "ratios compare medians; the round-by-round ratios show how much the machine's other "
        "load moved them. The package's bytecode is compiled beforehand, as `make run` does.",
        "- SMAA: weights only, the method the sidebar shows (weighted sum); the time includes the "
        "progress bar's updates, building the two charts' data and drawing them.",
    ]
