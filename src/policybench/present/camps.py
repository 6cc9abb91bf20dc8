"""Camps and common ground as people read them: a card per camp, the common-ground and
dividing tables, the "you are here" sentence, the across-rounds table, and the sentence that
says why there are no camps.

Everything is formatted from :mod:`policybench.analysis.camps` and
:mod:`policybench.analysis.common_ground`, which return codes and numbers and leave every word
to this module (:func:`reason_text` says why a room has camps or not, and
:func:`silhouette_words` what the silhouette behind it means); names come from
:mod:`policybench.present.labels`, and inside a sentence a criterion's or an option's name is
the catalog's, as written, in quotes.
Cards never name or number the participants behind them: a camp's reasons are listed by
criterion and text, not in the order people joined, and only for a camp of three or more.
Reasons are the participants' own text and go out as plain text (escape them for where they
are shown, :mod:`policybench.present.text`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policybench.analysis.camps import Camp, Camps, Distinctive, Reason
from policybench.analysis.common_ground import CampHistory, CommonGround, Transition
from policybench.catalog import Catalog
from policybench.errors import InputError
from policybench.present.labels import (
    criterion_label,
    number_word,
    option_label,
    share_label,
)
from policybench.present.labels import (
    quoted as quoted,  # re-exported: pages import it from here
)
from policybench.present.text import fold

#: A camp's reasons are shown only when it has at least this many members, so that no reason
#: can be traced to one or two people.
MIN_REASONS = 3
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
#: How separated camps with a given mean silhouette are, in words: the first bound the value
#: reaches (Kaufman & Rousseeuw's reading, as :data:`policybench.analysis.camps.MIN_SILHOUETTE`
#: cites it).
_SEPARATION = (
    (0.7, "strongly separated"),
    (0.5, "clearly separated"),
    (0.25, "weakly separated"),
    (-math.inf, "not separated"),
)
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


def criterion_in_sentence(catalog: Catalog, criterion_id: str) -> str:
    """A criterion's name inside a sentence: the catalog's name as written, set off in quotes
    as option titles are (:func:`~policybench.present.labels.quoted`): ``“Deterrence and crisis readiness”``. Never
    re-cased, since only the catalog knows which of its words are names; and without the
    ``(cost)`` of :func:`~policybench.present.labels.criterion_label`, since a sentence about
    how much weight a criterion gets reads the same either way."""
    return quoted([catalog.criteria_by_id[criterion_id].name])[0]


def distinctive_words(catalog: Catalog, d: Distinctive) -> str:
    """What a distinctive criterion says about a camp, as a phrase after "The camp"."""
    name = criterion_in_sentence(catalog, d.criterion)
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


def reason_text(camps: Camps) -> str:
    """Why the room has the camps it has, from :attr:`Camps.reason` and the numbers beside it,
    as a clause: ``"fewer than six submissions: camps need at least six"``, ``"everyone's
    weights give the same ranking"``, ``"2 camps, strongly separated (silhouette 0.81 of 1;
    a clear split needs 0.50); 1 person fits none"``."""
    return _REASONS[camps.reason](camps)


def _too_few(camps: Camps) -> str:
    n = number_word(camps.min_participants)
    return f"fewer than {n} submissions: camps need at least {n}"


def silhouette_words(silhouette: float | None, threshold: float | None = None) -> str:
    """How far apart camps are, from their mean silhouette (−1 to 1: how much closer each
    person's ranking is to their own camp's than to the nearest other camp's), in words with
    the number: ``"clearly separated (silhouette 0.75 of 1)"``; with ``threshold``, what a
    clear split needs: ``"weakly separated (silhouette 0.31 of 1; a clear split needs
    0.50)"``."""
    if silhouette is None or not math.isfinite(silhouette):
        return "not measured (no split could be tried)"
    word = next(w for bound, w in _SEPARATION if silhouette >= bound)
    need = "" if threshold is None else f"; a clear split needs {threshold:.2f}"
    return f"{word} (silhouette {silhouette:.2f} of 1{need})"


def _clear(camps: Camps) -> str:
    none = camps.unassigned
    rest = f"; {none} {'person fits' if none == 1 else 'people fit'} none" if none else ""
    return (
        f"{len(camps.camps)} camps, "
        f"{silhouette_words(camps.silhouette, camps.min_silhouette)}{rest}"
    )


_REASONS: dict[Reason, Callable[[Camps], str]] = {
    "clear": _clear,
    "no_submissions": lambda camps: "no submissions yet",
    "too_few": _too_few,
    "same_ranking": lambda camps: "everyone's weights give the same ranking",
    "too_small": lambda camps: (
        f"no split leaves two camps of at least {number_word(camps.min_size)}"
    ),
    "no_clear_split": lambda camps: (
        f"the best split ({camps.split} camps) is {silhouette_words(camps.silhouette)}, below "
        f"the {camps.min_silhouette:.2f} a clear split needs"
    ),
}


def camps_sentence(camps: Camps) -> str:
    """How the room splits, or why it does not, in a sentence."""
    if not camps.camps:
        reason = reason_text(camps)
        reason = reason[:1].upper() + reason[1:]
        return f"{reason} (this round has {camps.participants}), so the room is shown as one group."
    if not camps.clear:
        return f"The room has no clear camps: {reason_text(camps)}."
    none = (
        f"; {people(camps.unassigned)} {'fits' if camps.unassigned == 1 else 'fit'} none of them"
        if camps.unassigned
        else ""
    )
    return (
        f"The room splits into {number_word(len(camps.camps))} camps, "
        f"{silhouette_words(camps.silhouette)}{none}."
    )


def _options(catalog: Catalog, option_ids: Sequence[str]) -> list[str]:
    return [option_label(catalog.options_by_id[o]) for o in option_ids]


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
    1 joined and none left."``; without a figure, why: ``"From round 1 to round 2: no figure
    for who stayed, since round 2 had no clear camps; …"``."""
    if t.both + t.joined == 0:  # the later round has no submissions yet
        return f"Round {t.after} has no submissions yet."
    came = f"{t.joined or 'nobody'} joined and {t.left or 'none'} left"
    if t.stayed is None:
        return f"From round {t.before} to round {t.after}: {_no_figure(t)}; {came}."
    if t.both == 0:
        return f"From round {t.before} to round {t.after}, nobody took part in both; {came}."
    return (
        f"From round {t.before} to round {t.after}, {t.stayed} of the {t.both} in both stayed "
        f"in their camp ({share_label(t.stability)}); {t.moved} moved; {came}."
    )


def history_sentences(history: CampHistory) -> tuple[str, ...]:
    """A sentence per round after the first: :func:`transition_sentence` for the move into
    it, or ``"Round 2 has no submissions yet."`` for a round nobody has submitted in (no
    transition is computed into such a round)."""
    into = {t.after: t for t in history.transitions}
    out = []
    for r in history.rounds[1:]:
        if r in into:
            out.append(transition_sentence(into[r]))
        elif r in history.empty:
            out.append(f"Round {r} has no submissions yet.")
    return tuple(out)


def _no_figure(t: Transition) -> str:
    """Why a transition has no stability figure: which rounds had no clear camps, and why."""
    if not t.unclear:
        return "no camps to compare"
    few = [r for r, why in t.unclear if why in ("too_few", "no_submissions")]
    alike = [r for r, why in t.unclear if r not in few]
    said = []
    if few:
        said.append(f"{_rounds(few)} had too few submissions for camps")
    if alike:
        said.append(f"{_rounds(alike)} had no clear camps")
    return f"no figure for who stayed in their camp, since {' and '.join(said)}"


def _rounds(numbers: Sequence[int]) -> str:
    if len(numbers) == 1:
        return f"round {numbers[0]}"
    return f"rounds {listing([str(n) for n in numbers])}"
