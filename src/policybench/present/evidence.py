"""The Evidence page's search and what an option's card reads: its scores with their ranges,
and each quote as Streamlit Markdown with its stance and citation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from policybench.catalog import Catalog, Option, Quote
from policybench.present.labels import criterion_label
from policybench.present.text import fold, streamlit_markdown

#: A quote's stance as a Streamlit badge.
STANCE_BADGE = {"supports": ":blue-badge[supports]", "cautions": ":orange-badge[cautions]"}


@dataclass(frozen=True)
class EvidenceMatch:
    """An option that passes the filters, and which of its criteria matched the search."""

    option_id: str
    criteria: frozenset[str]
    in_option: bool


def option_sources(option: Option) -> set[str]:
    """Every source an option cites: its proposers and the sources of all its quotes."""
    out = set(option.sources) | {q.source for q in option.quotes}
    for s in option.scores.values():
        out |= {q.source for q in s.quotes}
    return out


def _hit(needle: str, *texts: str) -> bool:
    return any(needle in fold(t).casefold() for t in texts)


def search_evidence(
    catalog: Catalog,
    query: str = "",
    *,
    sources: Iterable[str] | None = None,
    groups: Iterable[str] | None = None,
) -> list[EvidenceMatch]:
    """The options whose quotes or rationales contain ``query`` (case and spacing ignored).

    ``sources`` keeps options citing at least one of those source ids; ``groups`` keeps options
    of those groups; None means no filter. An empty query matches every option. An option
    also matches on its title or summary (``in_option``); ``criteria`` names the criteria whose
    rationale or quotes matched.
    """
    needle = fold(query).casefold()
    src = None if sources is None else set(sources)
    grp = None if groups is None else set(groups)
    out: list[EvidenceMatch] = []
    for option in catalog.options:
        if grp is not None and option.group not in grp:
            continue
        if src is not None and not (option_sources(option) & src):
            continue
        if not needle:
            out.append(EvidenceMatch(option.id, frozenset(), False))
            continue
        in_option = _hit(needle, option.title, option.summary, *(q.text for q in option.quotes))
        crits = frozenset(
            cid
            for cid, s in option.scores.items()
            if _hit(needle, s.rationale, *(q.text for q in s.quotes))
        )
        if in_option or crits:
            out.append(EvidenceMatch(option.id, crits, in_option))
    return out


def score_rows(catalog: Catalog, option: Option) -> pd.DataFrame:
    """An option's score on every criterion with its range, in catalog order."""
    return pd.DataFrame(
        [
            {
                "criterion": criterion_label(catalog, crit.id),
                "score": float(option.scores[crit.id].value),
                "low": float(option.scores[crit.id].low),
                "high": float(option.scores[crit.id].high),
            }
            for crit in catalog.criteria
        ]
    )


def quote_markdown(catalog: Catalog, quote: Quote) -> str:
    """One quote as safe Streamlit Markdown: stance badge, the quote in quotation marks, its
    citation."""
    badge = STANCE_BADGE.get(quote.stance or "", "")
    source = catalog.sources_by_id.get(quote.source)
    citation = source.citation if source is not None else quote.source
    lead = f"{badge} " if badge else ""
    return f"{lead}“{streamlit_markdown(quote.text)}”  \n— *{streamlit_markdown(citation)}*"


#: How a source puts an option, in words for the card.
RECOMMENDATION_WORDS = {
    "explicit": "Recommended by its source in so many words.",
    "implicit": "Argued for by its source, without a recommending sentence.",
    "described": (
        "Described or forecast by its source, not recommended: kept as evidence, and ranked "
        "only when every option is."
    ),
}


def provenance_line(catalog: Catalog, option: Option) -> str | None:
    """How the source puts the option and where it sits among packages, as plain words
    (escape before showing): ``None`` for the baseline."""
    if option.baseline or option.recommendation is None:
        return None
    words = RECOMMENDATION_WORDS[option.recommendation]
    if option.part_of is not None:
        package = catalog.options_by_id[option.part_of].title
        words += f" Part of the package “{package}”, and compared within it."
    return words


def components_of(catalog: Catalog, option: Option) -> list[Option]:
    """The components of a package (``part_of`` this option), in catalog order."""
    return [o for o in catalog.options if o.part_of == option.id]


def component_rows(catalog: Catalog, package: Option) -> pd.DataFrame:
    """A package beside its components, one row each, one column per criterion: how the
    orchestrated whole compares with each step taken alone."""
    rows = [package, *components_of(catalog, package)]
    data = {
        "option": [("the package" if o.id == package.id else o.title) for o in rows],
        **{
            criterion_label(catalog, c.id): [o.scores[c.id].value for o in rows]
            for c in catalog.criteria
        },
    }
    return pd.DataFrame(data)


def actors_line(option: Option, criterion_id: str) -> str | None:
    """The governments a weakest-link score names, lowest first (``Tokyo 0, Seoul 2``)."""
    actors = option.scores[criterion_id].actors
    if not actors:
        return None
    ordered = sorted(actors.items(), key=lambda kv: (kv[1], kv[0]))
    return "Each government that must act: " + ", ".join(
        f"{name.capitalize()} {value:g}" for name, value in ordered
    )
