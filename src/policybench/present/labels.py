"""Names and short phrases as people read them: methods, options, criteria, clusters, weight
shares and every other percentage, rank movements, small numbers in words, titles quoted in a
sentence, the names of the measures of centre and spread, and participants by number.

The one place each is written: the Rank page, the exports and the command line call these, so
the same criterion is called the same thing everywhere. Names are the catalog's text, not
escaped here: escape them for where they go (:mod:`policybench.present.text`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from policybench import mcda
from policybench.catalog import Catalog, Option

#: Added to the status quo's title wherever options are listed (tables, chart axes).
BASELINE_MARK = " (baseline)"
#: Between a number and its "%": a no-break space, so that "%" never wraps to a line of its own.
PERCENT_SPACE = "\u00a0"
#: What each measure of centre and spread is called wherever present labels a column or a
#: sentence, so that the room never has to guess which "spread" it is reading.
MEASURES: Mapping[str, str] = {
    "mean": "mean",
    "median": "median",
    "std": "SD",
    "iqr": "middle half (IQR)",
    "min": "lowest",
    "max": "highest",
}
#: Small numbers as a sentence spells them.
_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
)  # fmt: skip


def method_title(method: str) -> str:
    """``"Weighted sum"``: the method's name (its id when it is not a known method)."""
    spec = mcda.METHODS.get(method)
    return spec.title if spec is not None else method


def method_label(method: str) -> str:
    """``"Weighted sum (wsm)"``: the name a workshop reads, with the id the CLI takes."""
    title = method_title(method)
    return title if title == method else f"{title} ({method})"


def option_label(option: Option) -> str:
    """The option's title, marked when it is the status-quo baseline."""
    return option.title + (BASELINE_MARK if option.baseline else "")


def criterion_label(catalog: Catalog, criterion_id: str) -> str:
    """The criterion's name, with ``(cost)`` when a higher score is worse."""
    c = catalog.criteria_by_id[criterion_id]
    return c.name + (" (cost)" if c.direction == "cost" else "")


def cluster_label(cluster: str) -> str:
    """``"reconciliation"`` → ``"Reconciliation"``."""
    return cluster.replace("_", " ").replace("-", " ").capitalize()


def share_label(share: float | None) -> str:
    """A share (0–1) as a percentage with one decimal and a no-break space before the sign
    (``"16.2\u00a0%"``), or a dash when undefined: the one percent formatter of every page,
    export and sentence. Values are rounded here, when the text is made, never before."""
    if share is None or not math.isfinite(share):
        return "–"
    return f"{100 * share:.1f}{PERCENT_SPACE}%"


def measure_label(measure: str) -> str:
    """A measure's name as a column or sentence says it: ``"iqr"`` → ``"middle half (IQR)"``,
    ``"std"`` → ``"SD"`` (:data:`MEASURES`; the key itself when unknown)."""
    return MEASURES.get(measure, measure)


def quoted(titles: Iterable[str]) -> list[str]:
    """Titles as a sentence names them: in curly quotes (``“Summits”``), since a title starts
    with a capital ("The two-pronged approach …") and may hold commas of its own, which a list
    must not blur. The one quoting of every sentence present builds."""
    return [f"“{t}”" for t in titles]


def option_in_sentence(option: Option) -> str:
    """An option as a sentence names it: its label (:func:`option_label`) in quotes."""
    return quoted([option_label(option)])[0]


def movement(current: Mapping[str, int], reference: Mapping[str, int] | None) -> dict[str, str]:
    """Arrows for how far each option moved against ``reference`` ranks.

    ``"▲ 2"`` moved up two places, ``"▼ 1"`` down one, ``"="`` unchanged, ``""`` when there
    is nothing to compare with (no reference, or the option was not in it).
    """
    out: dict[str, str] = {}
    for oid, rank in current.items():
        if reference is None or oid not in reference:
            out[oid] = ""
            continue
        delta = int(reference[oid]) - int(rank)
        out[oid] = f"▲ {delta}" if delta > 0 else f"▼ {-delta}" if delta < 0 else "="
    return out


def number_word(n: int) -> str:
    """``6`` → ``"six"``: zero to ten in words, digits beyond (``12`` → ``"12"``)."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def participant_numbers(
    joined_names: Iterable[str], present_names: Iterable[str]
) -> dict[str, str]:
    """``{name: "Participant k"}`` for each of ``present_names``, numbered by the order in
    which the participants joined (``joined_names``, as the store lists them), so that a
    participant keeps their number however many others have submitted, in whatever order, and
    from round to round. A name the join list does not hold yet (someone who joined after it was
    read) is numbered after everyone in it, in the order given; a name given twice counts once.
    """
    numbers: dict[str, int] = {}
    for name in joined_names:
        numbers.setdefault(name, len(numbers) + 1)
    out: dict[str, str] = {}
    for name in present_names:
        numbers.setdefault(name, len(numbers) + 1)
        out[name] = f"Participant {numbers[name]}"
    return out
