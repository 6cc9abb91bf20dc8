"""The Evidence page's search and what an option's card reads: its scores with their ranges,
and each quote as Streamlit Markdown with its stance and citation, search matches marked.

Search: the query is split into terms (words, or phrases in double quotes); an option matches
when every term occurs somewhere in its text (title, summary, quotes, rationales), case and
spacing ignored, and the matches are ordered by relevance (:func:`relevance`). Matches are
marked in what the card shows by :func:`highlight`, which escapes the catalog's text first
and then marks it, so a match never turns catalog text into Markdown or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from policybench.catalog import Catalog, Option, Quote
from policybench.present.labels import criterion_label
from policybench.present.text import fold, streamlit_markdown

#: A quote's stance as a Streamlit badge.
STANCE_BADGE = {"supports": ":blue-badge[supports]", "cautions": ":orange-badge[cautions]"}

#: How much a term found in each part of an option counts towards its relevance: the title
#: says what the option is, the summary and the option's own quotes what it is about, a
#: score's rationale and quotes one aspect of it.
FIELD_WEIGHTS = {"title": 8.0, "summary": 4.0, "quotes": 2.0, "score": 1.0}
#: Extra weight, per field, when the whole query occurs there as one phrase.
PHRASE_BONUS = 2.0


@dataclass(frozen=True)
class EvidenceMatch:
    """An option that passes the filters and the search: which of its criteria hold every
    term of the search (``criteria``), whether its title, summary or own quotes do
    (``in_option``), and its ``relevance`` (0 with no search)."""

    option_id: str
    criteria: frozenset[str]
    in_option: bool
    relevance: float = 0.0


def option_sources(option: Option) -> set[str]:
    """Every source an option cites: its proposers and the sources of all its quotes."""
    out = set(option.sources) | {q.source for q in option.quotes}
    for s in option.scores.values():
        out |= {q.source for q in s.quotes}
    return out


def terms(query: str) -> tuple[str, ...]:
    """The search terms of ``query``: its words, and each phrase in double quotes (straight
    or curly) as one term, spacing folded, case kept (matching ignores it), duplicates
    dropped. ``'comfort women "two-track approach"'`` gives ``("comfort", "women",
    "two-track approach")``."""
    out: list[str] = []
    for phrase, word in re.findall(r'["“”]([^"“”]+)["“”]|(\S+)', str(query)):
        t = fold(phrase or word).strip('"“”')
        if t and t.casefold() not in {o.casefold() for o in out}:
            out.append(t)
    return tuple(out)


def _pattern(found: Sequence[str]) -> re.Pattern[str] | None:
    """One regular expression matching any of ``found`` (longest first, so a phrase wins
    over a word inside it), case-insensitive; None for no terms."""
    if not found:
        return None
    alternatives = sorted({re.escape(t) for t in found}, key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _fields(option: Option) -> dict[str, list[str]]:
    """An option's searchable text by field (each score's rationale and quotes under
    ``score:<criterion>``), whitespace folded."""
    out = {
        "title": [fold(option.title)],
        "summary": [fold(option.summary)],
        "quotes": [fold(q.text) for q in option.quotes],
    }
    for cid, s in option.scores.items():
        out[f"score:{cid}"] = [fold(s.rationale), *(fold(q.text) for q in s.quotes)]
    return out


def _has(texts: Iterable[str], term: str) -> bool:
    needle = term.casefold()
    return any(needle in t.casefold() for t in texts)


def relevance(option: Option, found: Sequence[str], query: str = "") -> float:
    """How well ``option`` matches the terms ``found``: for each part of it (title, summary,
    its own quotes, each criterion's rationale and quotes), the part's weight
    (:data:`FIELD_WEIGHTS`) times the number of terms it holds, plus :data:`PHRASE_BONUS`
    times the weight where the whole ``query`` occurs as written (spacing folded)."""
    phrase = fold(query).strip('"“”')
    total = 0.0
    for name, texts in _fields(option).items():
        weight = FIELD_WEIGHTS[name.partition(":")[0]]
        total += weight * sum(_has(texts, t) for t in found)
        if phrase and len(found) > 1 and _has(texts, phrase):
            total += PHRASE_BONUS * weight
    return total


def search_evidence(
    catalog: Catalog,
    query: str = "",
    *,
    sources: Iterable[str] | None = None,
    groups: Iterable[str] | None = None,
) -> list[EvidenceMatch]:
    """The options whose text holds every term of ``query`` (:func:`terms`), most relevant
    first (:func:`relevance`; ties keep catalog order).

    ``sources`` keeps options citing at least one of those source ids; ``groups`` keeps options
    of those groups; None means no filter. An empty query matches every option, in catalog
    order. ``criteria`` names the criteria whose rationale or quotes hold every term;
    ``in_option`` says whether the title, summary and the option's own quotes do.
    """
    found = terms(query)
    src = None if sources is None else set(sources)
    grp = None if groups is None else set(groups)
    out: list[EvidenceMatch] = []
    for option in catalog.options:
        if grp is not None and option.group not in grp:
            continue
        if src is not None and not (option_sources(option) & src):
            continue
        if not found:
            out.append(EvidenceMatch(option.id, frozenset(), False))
            continue
        fields = _fields(option)
        everything = [t for texts in fields.values() for t in texts]
        if not all(_has(everything, t) for t in found):
            continue
        own = fields["title"] + fields["summary"] + fields["quotes"]
        crits = frozenset(
            cid for cid in option.scores if all(_has(fields[f"score:{cid}"], t) for t in found)
        )
        in_option = all(_has(own, t) for t in found)
        out.append(EvidenceMatch(option.id, crits, in_option, relevance(option, found, query)))
    order = sorted(range(len(out)), key=lambda k: (-out[k].relevance, k))
    return [out[k] for k in order]


#: How a match is marked in Streamlit Markdown (the escaped match goes inside).
MARK = ":violet[**{}**]"


def highlight(text: str, found: Sequence[str] = ()) -> str:
    """``text`` as inert Streamlit Markdown with every occurrence of the terms ``found``
    marked: the text is folded and split at the matches, each piece escaped with
    :func:`~policybench.present.text.streamlit_markdown`, and only then are the matched
    pieces wrapped in :data:`MARK` (escape first, then mark)."""
    folded = fold(text)
    pattern = _pattern(found)
    if pattern is None:
        return streamlit_markdown(folded)
    out: list[str] = []
    at = 0
    for m in pattern.finditer(folded):
        if m.start() == m.end():
            continue
        out.append(_escape_piece(folded[at : m.start()]))
        if out[-1].endswith(":"):  # "::name[" would not open the mark: an invisible joiner
            out.append("\u2060")
        out.append(MARK.format(_escape_piece(m.group(0))))
        at = m.end()
    out.append(_escape_piece(folded[at:]))
    return "".join(out)


def _escape_piece(piece: str) -> str:
    """Escape a piece of folded text, keeping its leading and trailing space (which
    :func:`~policybench.present.text.streamlit_markdown` folds away)."""
    if not piece:
        return ""
    lead = " " if piece[0].isspace() else ""
    tail = " " if piece[-1].isspace() and piece.strip() else ""
    return lead + streamlit_markdown(piece) + tail


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


def quote_markdown(catalog: Catalog, quote: Quote, found: Sequence[str] = ()) -> str:
    """One quote as safe Streamlit Markdown: stance badge, the quote in quotation marks (the
    search terms ``found`` marked), its citation."""
    badge = STANCE_BADGE.get(quote.stance or "", "")
    source = catalog.sources_by_id.get(quote.source)
    citation = source.citation if source is not None else quote.source
    lead = f"{badge} " if badge else ""
    return f"{lead}“{highlight(quote.text, found)}”  \n— *{streamlit_markdown(citation)}*"


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
