"""The app's benchmarks: rerun time after a slider change, the facilitator's page with a full
room, the first usable page beside the same widgets without policybench, and SMAA from click
to heat map.

Usage: ``python -m benchmarks.app [--changes 50] [--facilitator-reruns 20] [--rounds 3]
[--smaa-runs 3] [--no-browser] [--out FILE]``

The figures are printed and written as the ``# App`` section of ``benchmarks/RESULTS.md``
(that section only: the others are kept).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.support.chromium import CHROMIUM

from benchmarks.app import report
from benchmarks.app.browser import first_pages, smaa_click_to_heat_map
from benchmarks.app.facilitator import facilitator_times
from benchmarks.app.rerun import rerun_times
from benchmarks.results import RESULTS, write_section

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = ROOT / "options"
#: The Map page's file (AppTest finds a page by its path; the timed script lives elsewhere).
MAP_PAGE = ROOT / "src" / "policybench" / "ui" / "screens" / "map.py"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.app", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--changes", type=int, default=50, help="slider changes to time")
    parser.add_argument(
        "--facilitator-reruns", type=int, default=20,
        help="reruns of the facilitator's page to time per room (0: skip it)",
    )  # fmt: skip
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of the first page, four servers each"
    )
    parser.add_argument("--smaa-runs", type=int, default=3, help="SMAA runs to time in chromium")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser measurements")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the results file to write")
    args = parser.parse_args(argv)

    before = os.getloadavg()[0]
    reruns = rerun_times(OPTIONS, args.changes)
    no_bands = rerun_times(OPTIONS, args.changes, bands=False)
    on_map = rerun_times(OPTIONS, args.changes, page=str(MAP_PAGE))
    reruns.update({"script_no_bands": no_bands["script"], "script_map": on_map["script"]})
    rooms = facilitator_times(OPTIONS, args.facilitator_reruns) if args.facilitator_reruns else None
    starts = smaa = None
    if not args.no_browser and not CHROMIUM.exists():
        print(f"browser measurements: skipped, {CHROMIUM} not found", file=sys.stderr)
    elif not args.no_browser:
        starts = first_pages(OPTIONS, args.rounds)
        smaa = smaa_click_to_heat_map(OPTIONS, report.SMAA_LABEL, args.smaa_runs)
    for line in report.summary_lines(reruns, starts, smaa, rooms):
        print(line)
    load = (before, os.getloadavg()[0])
    write_section(report.section(reruns, starts, smaa, load, facilitator=rooms), args.out)
    print(f"wrote the App section of {args.out}")
    return 0
