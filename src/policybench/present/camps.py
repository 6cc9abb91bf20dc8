"""Camps and common ground as people read them: a card per camp, the common-ground and
dividing tables, the "you are here" sentence, the across-rounds table, and the sentence that
says why there are no camps.

Everything is formatted from :mod:`policybench.analysis.camps` and
:mod:`policybench.analysis.common_ground`; names come from :mod:`policybench.present.labels`.
Cards never name or number the participants behind them: a camp's reasons are listed by
criterion and text, not in the order people joined, and only for a camp of three or more.
Reasons are the participants' own text and go out as plain text (escape them for where they
are shown, :mod:`policybench.present.text`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policybench.analysis.camps import Camp, Camps, Distinctive, number_word
from policybench.analysis.common_ground import CampHistory, CommonGround, Transition
from policybench.catalog import Catalog
from policybench.errors import InputError
from policybench.present.labels import criterion_label, option_label, share_label
from policybench.present.text import fold

#: A camp's reasons are shown only when it has at least this many members, so that no reason
#: can be traced to one or two people.
MIN_REASONS = 3
#: First words of a criterion name that keep their capital inside a sentence.
_PROPER = frozenset(
    {"Japan", "Japanese", "Japan–ROK", "ROK", "Korea", "Korean", "US", "US–Japan", "American"}
    | {"China", "Chinese", "Beijing", "Pyongyang", "Tokyo", "Seoul", "Australia", "Australian"}
)
#: Multiples said in words, to the nearest half (beyond the table: "5.5 times", "12 times").
_TIMES = {
    1.5: "one and a half times",
    2.0: "twice",
    2.5: "two and a half times",
    3.0: "three times",
    3.5: "three and a half times",
    4.0: "four times",
    4.5: "four and a half times",
    5.0: "five times",
}
#: Fractions said in words; the nearest (on a log scale) is used.
_FRACTIONS = (
    (2 / 3, "two thirds of"),
    (1 / 2, "half"),
    (1 / 3, "a third of"),
    (1 / 4, "a quarter of"),
    (1 / 5, "a fifth of"),
    (1 / 6, "a sixth of"),
    (1 / 8, "an eighth of"),
    (1 / 10, "a tenth of"),
)


@dataclass(frozen=True)
class CampCard:
    """One camp as a card: ``number`` (from 1), ``title`` ("Camp 1", or "The room" when there
    are no clear camps), ``size`` and ``size_text``; ``weights`` as ``(criterion, share,
    percentage)`` in the criteria's order; ``distinctive``: what sets it apart, one phrase per
    criterion ("weights Deterrence twice the rest of the room's median (…)"); ``top``: its top
    options' titles; ``reasons``: ``(criterion, text)`` its members gave for their weights,
    anonymous (none for a camp under :data:`MIN_REASONS`); ``summary``: all of it in two
    sentences."""

    number: int
    title: str
    size: int
    size_text: str
    weights: tuple[tuple[str, float, str], ...]
    distinctive: tuple[str, ...]
    top: tuple[str, ...]
    reasons: tuple[tuple[str, str], ...]
    summary: str


# ------------------------------------------------------------------------------ words
def people(n: int) -> str:
    """``"1 person"``, ``"7 people"``."""
    return f"{n} {'person' if n == 1 else 'people'}"


def listing(items: Sequence[str]) -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def times_words(ratio: float) -> str:
    """A multiple ≥ 1 in words: ``2.1`` → ``"twice"`` (to the nearest half up to five)."""
    half = round(ratio * 2) / 2
    if half in _TIMES:
        return _TIMES[half]
    return f"{ratio:.1f} times" if ratio < 10 else f"{round(ratio)} times"


def fraction_words(ratio: float) -> str:
    """A ratio below 1 in words: ``0.34`` → ``"a third of"``."""
    if ratio < 0.075:
        return "less than a tenth of"
    return min(_FRACTIONS, key=lambda f: abs(math.log(ratio / f[0])))[1]


def in_sentence(name: str) -> str:
    """A criterion's name inside a sentence: its capital dropped ("Early gains" → "early
    gains"), unless it starts with an acronym or a name ("ROK …", "Japan–ROK …")."""
    if name[1:2].islower() and name.split(" ", 1)[0] not in _PROPER:
        return name[:1].lower() + name[1:]
    return name


def distinctive_words(catalog: Catalog, d: Distinctive) -> str:
    """What a distinctive criterion says about a camp, as a phrase after "The camp"."""
    name = in_sentence(criterion_label(catalog, d.criterion))
    both = f"({share_label(d.camp)} against {share_label(d.room)})"
    if d.room <= 0:
        return f"weights {name} ({share_label(d.camp)}) where the rest of the room's median gives it nothing"
    if d.camp <= 0:
        return f"gives {name} no weight, where the rest of the room's median gives it {share_label(d.room)}"
    if d.ratio >= 1:
        return f"weights {name} {times_words(d.ratio)} the rest of the room's median {both}"
    return f"gives {name} {fraction_words(d.ratio)} the rest of the room's median weight {both}"


def camp_title(camps: Camps, index: int) -> str:
    """``"Camp 2"``; ``"The room"`` when the room is one camp (no clear camps)."""
    return f"Camp {index + 1}" if camps.clear else "The room"


def camps_sentence(camps: Camps) -> str:
    """How the room splits, or why it does not, in a sentence."""
    if not camps.camps:
        reason = camps.reason[:1].upper() + camps.reason[1:]
        return f"{reason} (this round has {camps.participants}), so the room is shown as one group."
    if not camps.clear:
        why = camps.reason.removeprefix("no clear camps: ")
        return f"The room has no clear camps: {why}."
    none = (
        f"; {people(camps.unassigned)} {'fits' if camps.unassigned == 1 else 'fit'} none of them"
        if camps.unassigned
        else ""
    )
    return (
        f"The room splits into {number_word(len(camps.camps))} camps (mean silhouette "
        f"{camps.silhouette:.2f}){none}."
    )


def _options(catalog: Catalog, option_ids: Sequence[str]) -> list[str]:
    return [option_label(catalog.options_by_id[o]) for o in option_ids]


def quoted(titles: Sequence[str]) -> list[str]:
    """Option titles as a sentence lists them: quoted, since a title starts with a capital
    ("The two-pronged approach …") and may hold commas of its own, which a list must not blur."""
    return [f"“{t}”" for t in titles]


def common_sentence(catalog: Catalog, common: CommonGround, *, clear: bool = True) -> str:
    """The options every camp puts in its top k at least half the time (the room's, with no
    clear camps), or that there are none."""
    k = common.top_k
    who, whose = ("Every camp", "every camp's") if clear else ("The room", "the room's")
    if not common.order:
        return ""
    picked = quoted(_options(catalog, [common.option_ids[i] for i in common.common]))
    if not picked:
        return f"No option is in {whose} top {k} at least half the time."
    return f"{who} puts {listing(picked)} in its top {k} at least half the time."


def you_are_here(
    catalog: Catalog, camps: Camps, camp: int | None, common: CommonGround | None = None
) -> str:
    """Where a participant's weights fall (``camp`` from
    :func:`policybench.analysis.camps.place`), with the common ground when given. Says nothing
    about anyone else's weights."""
    if not camps.camps:
        return camps_sentence(camps)
    n = len(camps.camps)
    if not camps.clear:
        out = "The room has no clear camps: everyone's weights are read as one group."
    elif camp is None:
        out = f"Your weights fit none of the {number_word(n)} camps."
    else:
        size = camps.camps[camp].size
        out = f"Your weights fall in camp {camp + 1} of {n} ({people(size)})."
    if common is not None and common.order:
        out += " " + common_sentence(catalog, common, clear=camps.clear)
    return out


# ------------------------------------------------------------------------------ cards
def camp_cards(
    catalog: Catalog, camps: Camps, reasons: Sequence[Mapping[str, str]] | None = None
) -> tuple[CampCard, ...]:
    """A card per camp (none without camps). ``reasons`` are each participant's reasons
    ``{criterion: text}``, in the camps' row order."""
    if reasons is not None and len(reasons) != camps.participants:
        raise InputError(
            f"{len(reasons)} participants' reasons were given for {camps.participants} "
            "participants; give one mapping per participant (empty for none), in the same order"
        )
    return tuple(_card(catalog, camps, camp, reasons) for camp in camps.camps)


def _card(
    catalog: Catalog, camps: Camps, camp: Camp, reasons: Sequence[Mapping[str, str]] | None
) -> CampCard:
    title = camp_title(camps, camp.index)
    weights = tuple(
        (criterion_label(catalog, c), float(w), share_label(float(w)))
        for c, w in zip(camps.criterion_ids, camp.central, strict=True)
    )
    phrases = tuple(distinctive_words(catalog, d) for d in camp.distinctive)
    top = tuple(_options(catalog, camp.top))
    given: tuple[tuple[str, str], ...] = ()
    if reasons is not None and camp.size >= MIN_REASONS:
        place = {c: j for j, c in enumerate(camps.criterion_ids)}
        texts = {
            (place[c], fold(text))
            for p in camp.members
            for c, text in reasons[p].items()
            if c in place and fold(text)
        }
        given = tuple(
            (criterion_label(catalog, camps.criterion_ids[j]), t) for j, t in sorted(texts)
        )
    summary = f"{title}: {people(camp.size)}; top options {listing(quoted(top))}."
    if phrases:
        summary += " It " + "; it ".join(phrases) + "."
    return CampCard(
        number=camp.index + 1,
        title=title,
        size=camp.size,
        size_text=people(camp.size),
        weights=weights,
        distinctive=phrases,
        top=top,
        reasons=given,
        summary=summary,
    )


# ------------------------------------------------------------------------------ tables
def _chance(value: float) -> float:
    # a chance from a few thousand SMAA samples is good to about a percentage point: more
    # digits than 0.1 % would be noise on the page and in the exports
    return round(float(value), 3)


def _camp_columns(common: CommonGround, clear: bool) -> list[str]:
    if not clear and len(common.camps) == 1:
        return ["room"]
    return [f"camp {c + 1}" for c in common.camps]


def common_ground_table(catalog: Catalog, common: CommonGround, camps: Camps) -> pd.DataFrame:
    """The options by floor: ``option``, ``label``, each camp's chance of a top-k rank
    (``camp 1``, ``camp 2``, …; ``room`` with no clear camps) and ``floor`` (the lowest of
    them). Empty without camps."""
    columns = _camp_columns(common, camps.clear)
    rows = [
        {
            "option": common.option_ids[i],
            "label": option_label(catalog.options_by_id[common.option_ids[i]]),
            **{name: _chance(common.chance[i, c]) for c, name in enumerate(columns)},
            "floor": _chance(common.floor[i]),
        }
        for i in common.order
    ]
    return pd.DataFrame(rows, columns=["option", "label", *columns, "floor"])


def dividing_table(catalog: Catalog, common: CommonGround) -> pd.DataFrame:
    """The options that divide the camps, widest gap first: ``option``, ``label``,
    ``high_camp`` ("Camp 2"), ``high``, ``low_camp``, ``low`` and ``gap`` (chances of a top-k
    rank)."""
    rows = [
        {
            "option": d.option,
            "label": option_label(catalog.options_by_id[d.option]),
            "high_camp": f"Camp {d.high_camp + 1}",
            "high": _chance(d.high),
            "low_camp": f"Camp {d.low_camp + 1}",
            "low": _chance(d.low),
            "gap": _chance(d.gap),
        }
        for d in common.dividing
    ]
    columns = ["option", "label", "high_camp", "high", "low_camp", "low", "gap"]
    return pd.DataFrame(rows, columns=columns)


def history_table(history: CampHistory) -> pd.DataFrame:
    """A row per round: ``round``, ``camps``, ``clear``, and against the round before it
    ``stayed``, ``moved``, ``joined``, ``left`` and ``stability`` (the share who stayed), then
    ``common`` (options every camp has in its top k at least half the time) and ``grew``
    (``"yes"``, ``"no"``, or ``""`` when there is nothing to compare)."""
    before: dict[int, Transition] = {t.after: t for t in history.transitions}
    grew = dict(zip(history.rounds[1:], history.grew, strict=True))
    rows = []
    for r, n, clear, common in zip(
        history.rounds, history.camps, history.clear, history.common, strict=True
    ):
        t = before.get(r)
        g = grew.get(r)
        rows.append(
            {
                "round": r,
                "camps": n,
                "clear": clear,
                "stayed": None if t is None else t.stayed,
                "moved": None if t is None else t.moved,
                "joined": None if t is None else t.joined,
                "left": None if t is None else t.left,
                "stability": np.nan if t is None or t.stability is None else t.stability,
                "common": common,
                "grew": "" if g is None else "yes" if g else "no",
            }
        )
    table = pd.DataFrame(rows)
    for name in ("stayed", "moved", "joined", "left", "common"):
        table[name] = pd.array(table[name], dtype="Int64")
    return table


def transition_sentence(t: Transition) -> str:
    """``"From round 1 to round 2, 8 of the 10 in both stayed in their camp (80 %); 2 moved;
    1 joined and none left."``"""
    came = f"{t.joined or 'nobody'} joined and {t.left or 'none'} left"
    if t.stayed is None:
        return (
            f"From round {t.before} to round {t.after}: no camps to compare (one of the rounds "
            f"had too few submissions); {came}."
        )
    if t.both == 0:
        return f"From round {t.before} to round {t.after}, nobody took part in both; {came}."
    return (
        f"From round {t.before} to round {t.after}, {t.stayed} of the {t.both} in both stayed "
        f"in their camp ({share_label(t.stability)}); {t.moved} moved; {came}."
    )
