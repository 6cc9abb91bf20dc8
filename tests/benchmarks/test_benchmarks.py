"""The benchmarks (benchmarks/) as a package run from the repository's root: every entry point
imports and parses its arguments, a section of RESULTS.md is rewritten without touching the
others, and the app's first page is reported as the two ratios DESIGN.md targets.

They run in a child Python from the repository's root, as ``make bench`` runs them, so that
nothing here puts the repository on ``sys.path`` for them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )


def run_code(code: str) -> None:
    done = run("-c", textwrap.dedent(code))
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("part", ["engine", "app", "load"])
def test_every_benchmark_runs_as_a_module(part: str) -> None:
    done = run("-m", f"benchmarks.{part}", "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: python -m benchmarks.{part}")


def test_a_section_is_rewritten_in_place_and_the_others_kept() -> None:
    run_code(
        r"""
        from benchmarks.results import replace_section

        text = "# Engine benchmarks\n\nold\n\n# App\n\nold app\n\n# Load\n\nload\n"
        new = replace_section(text, "# App\n\nnew app\n")
        assert new == "# Engine benchmarks\n\nold\n\n# App\n\nnew app\n\n# Load\n\nload\n", new
        last = replace_section(new, "# Load\n\nnew load")
        assert last.endswith("# Load\n\nnew load\n") and "new app" in last, last
        added = replace_section("# App\n\nx\n", "# Measured once\n\ny\n")
        assert added == "# App\n\nx\n\n# Measured once\n\ny\n", added
        assert replace_section("", "# App\n\nx\n") == "# App\n\nx\n"
        """
    )


def test_the_first_page_is_reported_as_two_ratios_beside_the_times() -> None:
    run_code(
        r"""
        from benchmarks.app import report

        starts = {
            "app_start": [3.0, 3.4, 2.6], "floor_start": [2.5, 2.5, 2.0],
            "app_healthy": [1.0] * 3, "app_headline": [2.0] * 3, "app_chart": [3.0] * 3,
            "floor_healthy": [0.8] * 3,
            "app_visitor": [1.2, 1.1, 1.3], "floor_visitor": [1.0, 1.0, 1.0],
        }
        start, visitor = report.first_page_ratios(starts)
        assert abs(start.value - 3.0 / 2.5) < 1e-12 and start.met
        assert abs(visitor.value - 1.2) < 1e-12 and not visitor.met
        assert start.paired() == [3.0 / 2.5, 3.4 / 2.5, 2.6 / 2.0]
        reruns = {"script": [30.0, 40.0], "round_trip": [35.0, 45.0]}
        text = report.section(reruns, starts, [1.0, 1.1], (0.5, 0.7))
        assert text.startswith("# App\n")
        assert "| 1.20x | | <= 1.35x | met |" in text, text
        assert "| 1.20x | | <= 1.15x | NOT met |" in text, text
        assert "| 3.00 s |" in text and "| 2.50 s |" in text and "| 1.00 s |" in text
        skipped = report.section(reruns, None, None, (0.5, 0.7))
        assert "browser measurements were skipped" in skipped
        """
    )
