"""The verdict in words: "Solid", "Near-tie" or "Fragile", a sentence saying why, and one line
for each number behind it (the margin, the smallest shift of weight that changes the winner,
what the other methods say, how often SMAA puts the leader first).

Plain text with the catalog's titles in it, not escaped: escape for where it goes
(:mod:`policybench.present.text`). Each line carries its :attr:`VerdictLine.kind` so that a
page can link it to the section that shows the number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from policybench.analysis import verdict as v
from policybench.catalog import Catalog
from policybench.present.labels import method_title, option_label, share_label

#: The word as people read it.
TITLES = {v.SOLID: "Solid", v.NEAR_TIE: "Near-tie", v.FRAGILE: "Fragile"}

#: What each word means, in one line (the help beside it).
MEANINGS = {
    v.SOLID: (
        "First by a clear margin, under every method, after any shift of less than "
        f"{share_label(v.SOLID_SHIFT)} of the weight, and in most nearby weightings."
    ),
    v.NEAR_TIE: (
        "Too close to call: the top two are level, or less than "
        f"{share_label(v.NEAR_TIE_SHIFT)} of the weight (or of the spread of the scores) "
        "separates them."
    ),
    v.FRAGILE: (
        "First here, but a small shift of weight (under "
        f"{share_label(v.SOLID_SHIFT)}), another method or most nearby weightings put "
        "another option first."
    ),
}

MARGIN = "margin"
SHIFT = "shift"
METHODS = "methods"
SMAA = "smaa"


@dataclass(frozen=True)
class VerdictLine:
    """One number behind the verdict: ``kind`` (:data:`MARGIN`, :data:`SHIFT`,
    :data:`METHODS` or :data:`SMAA`) and the sentence."""

    kind: str
    text: str


@dataclass(frozen=True)
class VerdictText:
    """The verdict to show: ``word`` (the key), ``title`` ("Solid"), ``summary`` (one
    sentence: who leads and why the word) and ``lines`` (one per number)."""

    word: str
    title: str
    summary: str
    lines: tuple[VerdictLine, ...]


def _in_sentence(title: str) -> str:
    """A method's name inside a sentence: ``"Weighted sum"`` → ``"weighted sum"``, acronyms
    (``"TOPSIS"``) as they are."""
    first = title.split(" ", 1)[0]
    return title if first.isupper() else title[0].lower() + title[1:]


def _title(catalog: Catalog, option_id: str | None) -> str:
    return "another option" if option_id is None else option_label(catalog.options_by_id[option_id])


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def summary(catalog: Catalog, verdict: v.Verdict, *, named: bool = False) -> str:
    """Who leads and why the word, in one sentence; ``named``: the reader has just been told
    who leads (a headline above), so the leader is "it"."""
    leader = "It" if named else _title(catalog, verdict.leader)
    rival = _title(catalog, verdict.shift_to or verdict.runner_up)
    reasons = set(verdict.reasons)
    if verdict.word == v.SOLID:
        return (
            f"{leader} leads clearly: every method puts it first, no shift of less than "
            f"{share_label(v.SOLID_SHIFT)} of the weight unseats it, and most nearby "
            "weightings keep it first."
        )
    if verdict.word == v.NEAR_TIE:
        if v.TIE in reasons:
            names = _and([_title(catalog, o) for o in verdict.leaders])
            return f"{names} share first place: the weights do not separate them."
        why = []
        if v.MARGIN in reasons:
            why.append(
                f"its lead is under {share_label(v.NEAR_TIE_MARGIN)} of the gap between the first "
                "and the last option"
            )
        if v.SHIFT in reasons:
            why.append(
                f"moving under {share_label(v.NEAR_TIE_SHIFT)} of the weight puts {rival} level "
                "with it"
            )
        return f"{leader} is only just ahead of {rival}: {_and(why)}."
    why = []
    if v.SHIFT in reasons:
        why.append(
            f"moving {share_label(verdict.shift)} of the weight between criteria puts {rival} "
            "level with it"
        )
    if v.METHODS in reasons:
        n = len(verdict.dissenting)
        why.append(
            f"{n} other method{'s' if n != 1 else ''} put{'s' if n == 1 else ''} another "
            "option first"
        )
    if v.SMAA in reasons:
        why.append(
            f"nearby weightings put it first only {_percent(verdict.smaa_first)} of the time"
        )
    return f"{leader} is first, but {_and(why)}."


def _percent(share: float) -> str:
    return share_label(share)


def margin_line(catalog: Catalog, verdict: v.Verdict, *, named: bool = False) -> str:
    """The lead over the runner-up, in the method's units and as a share of the spread
    (``named``: the runner-up has just been named, so it is not again)."""
    if len(verdict.leaders) > 1:
        return f"{len(verdict.leaders)} options tie for first place (a margin of 0)."
    if verdict.runner_up is None:
        return "Every option has the same score."
    spread = (
        f", {share_label(verdict.margin / verdict.spread)} of the gap between the first and the "
        "last option"
        if verdict.spread > 0
        else ""
    )
    method = _in_sentence(method_title(verdict.method))
    if named:
        return f"A lead of {verdict.margin:.3f} ({method} score{spread})."
    return (
        f"Ahead of {_title(catalog, verdict.runner_up)} by {verdict.margin:.3f} "
        f"({method} score{spread})."
    )


def shift_line(catalog: Catalog, verdict: v.Verdict) -> str:
    """The smallest shift of weight that changes the winner (found by search for a method
    that is not linear in the weights)."""
    if len(verdict.leaders) > 1:
        return "Any shift of weight towards one of them breaks the tie."
    if math.isinf(verdict.shift):
        if verdict.shift_exact:
            return "No weights put another option first: it is ahead whatever the weights."
        return "A search found no weights that put another option first."
    rival = _title(catalog, verdict.shift_to)
    if verdict.shift_exact:
        return (
            f"Moving {share_label(verdict.shift)} of the total weight from some criteria to "
            f"others puts {rival} level first; no smaller shift does."
        )
    return (
        f"Moving {share_label(verdict.shift)} of the total weight puts {rival} level first "
        f"(found by search: {_in_sentence(method_title(verdict.method))} has no exact answer, "
        "so a smaller "
        "shift may do it)."
    )


def methods_line(catalog: Catalog, verdict: v.Verdict) -> str:
    """Whether the other methods put the same option first, the dissenters grouped by the
    option they put first."""
    total = len(verdict.firsts)
    agree = len(verdict.agreeing)
    if not verdict.dissenting:
        return f"All {total} methods put it first."
    by_choice: dict[tuple[str, ...], list[str]] = {}
    for m in verdict.dissenting:
        by_choice.setdefault(verdict.firsts[m], []).append(method_title(m))
    others = "; ".join(
        f"{_and(names)} put{'s' if len(names) == 1 else ''} "
        f"{_and([_title(catalog, o) for o in choice])} first"
        for choice, names in by_choice.items()
    )
    return f"{agree} of {total} methods put it first; {others}."


def smaa_line(verdict: v.Verdict) -> str:
    """How often SMAA puts the leader first around the current weights."""
    return (
        f"First in {_percent(verdict.smaa_first)} of {verdict.smaa_samples:,} weightings drawn "
        f"within ±{verdict.smaa_delta:g} of each current weight share (SMAA)."
    )


def verdict_text(catalog: Catalog, verdict: v.Verdict, *, named: bool = False) -> VerdictText:
    """The verdict as a page shows it; ``named``: a headline above has named the leader and
    the runner-up, so the sentences do not repeat their titles."""
    lines = [
        VerdictLine(MARGIN, margin_line(catalog, verdict, named=named)),
        VerdictLine(SHIFT, shift_line(catalog, verdict)),
        VerdictLine(METHODS, methods_line(catalog, verdict)),
    ]
    if not math.isnan(verdict.smaa_first):
        lines.append(VerdictLine(SMAA, smaa_line(verdict)))
    return VerdictText(
        verdict.word, TITLES[verdict.word], summary(catalog, verdict, named=named), tuple(lines)
    )
