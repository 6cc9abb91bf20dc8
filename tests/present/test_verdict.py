"""policybench.present.verdict: the verdict in words, for hand-made verdicts and the tiny
catalog's."""

from __future__ import annotations

import math
from dataclasses import replace

from policybench.analysis import verdict as v
from policybench.present import verdict as words

from .conftest import EQUAL, HAWK

FIRSTS = {m: ("liaison",) for m in ("wsm", "wpm", "topsis", "vikor", "promethee2")}
SOLID = v.Verdict(
    word=v.SOLID,
    reasons=(),
    method="wsm",
    leaders=("liaison",),
    runner_up="two-plus-two",
    margin=0.0375,
    spread=0.3375,
    shift=0.125,
    shift_to="two-plus-two",
    shift_exact=True,
    firsts=FIRSTS,
    smaa_first=1.0,
)


def test_a_solid_verdict(cat) -> None:
    text = words.verdict_text(cat, SOLID)
    assert (text.word, text.title) == (v.SOLID, "Solid")
    assert text.summary.startswith("Liaison officers leads clearly: every method puts it first")
    assert [line.kind for line in text.lines] == ["margin", "shift", "methods", "smaa"]
    margin, shift, methods, smaa = (line.text for line in text.lines)
    assert margin == (
        "Ahead of A 2+2 meeting by 0.037 (weighted sum score, 11.1\u00a0% of the gap between the "
        "first and the last option)."
    )
    assert shift == (
        "Moving 12.5\u00a0% of the total weight from some criteria to others puts A 2+2 meeting "
        "level first; no smaller shift does."
    )
    assert methods == "All 5 methods put it first."
    assert smaa == (
        "First in 100.0\u00a0% of 10,000 weightings drawn within ±0.1 of each current weight share (SMAA)."
    )


def test_after_a_headline_the_leader_is_it(cat) -> None:
    text = words.verdict_text(cat, SOLID, named=True)
    assert text.summary.startswith("It leads clearly")
    assert text.lines[0].text.startswith("A lead of 0.037 (weighted sum score")


def test_a_fragile_verdict_says_every_reason_and_groups_the_dissenters(cat) -> None:
    fragile = replace(
        SOLID,
        word=v.FRAGILE,
        reasons=(v.SHIFT, v.METHODS, v.SMAA),
        shift=0.031,
        firsts={**FIRSTS, "wpm": ("summits",), "vikor": ("summits",), "topsis": ("status-quo",)},
        smaa_first=0.42,
    )
    text = words.verdict_text(cat, fragile)
    assert text.title == "Fragile"
    assert text.summary == (
        "Liaison officers is first, but moving 3.1\u00a0% of the weight between criteria puts A 2+2 "
        "meeting level with it, 3 other methods put another option first and nearby "
        "weightings put it first only 42.0\u00a0% of the time."
    )
    assert text.lines[2].text == (
        "2 of 5 methods put it first; Weighted product and VIKOR put Regular summits first; "
        "TOPSIS puts Status quo (baseline) first."
    )


def test_near_ties_and_ties(cat) -> None:
    close = replace(SOLID, word=v.NEAR_TIE, reasons=(v.MARGIN, v.SHIFT), shift=0.004)
    assert words.summary(cat, close) == (
        "Liaison officers is only just ahead of A 2+2 meeting: its lead is under 1.0\u00a0% of the "
        "gap between the first and the last option and moving under 1.0\u00a0% of the weight puts "
        "A 2+2 meeting level with it."
    )
    tie = replace(
        SOLID,
        word=v.NEAR_TIE,
        reasons=(v.TIE, v.SHIFT),
        leaders=("liaison", "two-plus-two"),
        margin=0.0,
        shift=0.0,
    )
    assert words.summary(cat, tie) == (
        "Liaison officers and A 2+2 meeting share first place: the weights do not separate them."
    )
    assert words.margin_line(cat, tie) == "2 options tie for first place (a margin of 0)."
    assert words.shift_line(cat, tie) == "Any shift of weight towards one of them breaks the tie."


def test_shifts_that_are_searched_or_impossible(cat) -> None:
    searched = replace(SOLID, method="topsis", shift=0.054, shift_exact=False)
    assert words.shift_line(cat, searched) == (
        "Moving 5.4\u00a0% of the total weight puts A 2+2 meeting level first (found by search: "
        "TOPSIS has no exact answer, so a smaller shift may do it)."
    )
    never = replace(SOLID, shift=math.inf, shift_to=None)
    assert words.shift_line(cat, never) == (
        "No weights put another option first: it is ahead whatever the weights."
    )
    assert "search found no weights" in words.shift_line(
        cat, replace(never, shift_exact=False, method="vikor")
    )


def test_no_smaa_line_when_smaa_was_not_run(cat) -> None:
    text = words.verdict_text(cat, replace(SOLID, smaa_first=math.nan))
    assert [line.kind for line in text.lines] == ["margin", "shift", "methods"]


def test_the_tiny_catalogs_verdicts_read_as_computed(cat) -> None:
    equal = words.verdict_text(cat, v.verdict(cat, EQUAL, "wsm"))
    assert equal.title == "Fragile"
    assert (
        "moving 4.2\u00a0% of the weight between criteria puts A 2+2 meeting level" in equal.summary
    )
    assert "2 other methods put another option first" in equal.summary
    hawk = words.verdict_text(cat, v.verdict(cat, HAWK, "wsm"))
    assert hawk.title == "Solid"
    assert "Moving 12.5\u00a0% of the total weight" in hawk.lines[1].text


def test_every_word_has_a_title_and_a_meaning() -> None:
    assert set(words.TITLES) == set(words.MEANINGS) == set(v.WORDS)
