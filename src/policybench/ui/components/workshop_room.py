"""What a participant sees of the room once a round's result is visible to them: the round's
group result beside their own weights and ranking in it, the room's contested scores, and
"you are here" among the room's camps with the common ground.

The round shown is the latest one participants may see (:meth:`~policybench.store.workshops.
Workshops.group_weights`' default): the current round once revealed, else the one before it,
so in round 2 the page shows round 1's result while the participant revises. Everything ranks
with the scores the workshop adopted (``adopted``, from the store's ``room_decisions``) and
says so (:func:`policybench.present.contest.adjusted_label`); the contested scores say each
cell's decision, adopted, rejected or open (``decided``, from the same decisions).

Nothing here shows anyone else's weights or name: the group's median weight and spread per
criterion, the group's ranking, the contested cells (the challenges without names, as the
store gives them) and, for "you are here", only the camp the participant's own weights fall
in (:func:`policybench.analysis.camps.place` with their vector: their row among the room's is
not known to them) and each camp's chance of ranking an option in its top three. The numbers
come from ``analysis``, the tables and sentences from ``present``; they are cached per server
(:func:`policybench.ui.cache.by_catalog`, keyed on the round's weights and the adopted scores),
since every participant of a room asks for the same ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from policybench.analysis.camps import Camps, find_camps, place
from policybench.analysis.common_ground import TOP_K, CommonGround, common_ground
from policybench.analysis.contest import ContestedCell, contested
from policybench.analysis.rank import rank_catalog
from policybench.analysis.workshop import GroupResult, group_result
from policybench.catalog import Catalog
from policybench.present import camps as camp_words
from policybench.present import contest as contest_words
from policybench.present import deliberation_ui as deliberation
from policybench.present import workshop as words
from policybench.present.text import streamlit_markdown
from policybench.store import Challenge, Store, Workshop
from policybench.ui.cache import by_catalog
from policybench.ui.components import workshop_common as common
from policybench.ui.components.contested_panel import contested_table
from policybench.ui.components.text import note

Overrides = Mapping[str, Mapping[str, float]]
Room = Sequence[Mapping[str, float]]


@by_catalog(max_entries=64)
def group(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    weights: Room,
    adopted: Overrides,
    combination: str = "mean",
) -> GroupResult:
    """The group's result as participants see it: ranked by the workshop's rule
    (``combination``), with the adopted scores in place."""
    return group_result(
        catalog,
        options,
        criteria,
        list(weights),
        combination=combination,
        overrides=adopted or None,
    )


@by_catalog(max_entries=64)
def _contested(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    weights: Room,
    adopted: Overrides,
    challenges: Sequence[Challenge],
    combination: str = "mean",
) -> tuple[ContestedCell, ...]:
    """The contested cells, most consequential first (the group ranked by the workshop's
    rule)."""
    return contested(
        catalog,
        options,
        criteria,
        list(weights),
        challenges,
        overrides=adopted or None,
        combination=combination,
    )


@by_catalog(max_entries=64)
def _camps(
    catalog: Catalog,
    options: Sequence[str],
    criteria: Sequence[str],
    weights: Room,
    adopted: Overrides,
) -> tuple[Camps, CommonGround | None]:
    """The round's camps and, when there are any, their common ground."""
    rows = list(weights)
    found = find_camps(catalog, options, criteria, rows, overrides=adopted or None)
    if not found.camps:
        return found, None
    top = min(TOP_K, len(options))  # the facilitator's default top k
    return found, common_ground(catalog, options, criteria, found, rows, top_k=top)


def own_ranking(
    catalog: Catalog, shop: Workshop, weights: Mapping[str, float], adopted: Overrides
) -> pd.DataFrame:
    """A participant's ranking under ``weights`` with the adopted scores in place."""
    # not cached: cheaper to compute than hashing the inputs would be
    ranking = rank_catalog(
        catalog, weights, options=shop.options, criteria=shop.criteria, overrides=adopted or None
    )
    return words.own_ranking(catalog, ranking)


def ranking_table(table: pd.DataFrame, columns: Sequence[str], key: str) -> None:
    """A ranking as a data frame (text as text: option titles are never Markdown here)."""
    config = {
        "rank": st.column_config.NumberColumn("Rank", format="%d", width="small"),
        "label": st.column_config.TextColumn("Option", width="large"),
        "score": st.column_config.NumberColumn(
            "Score", format="%.3f", help="Weighted sum on the 0–10 scales; higher is better"
        ),
        "your_rank": st.column_config.NumberColumn("Your rank", format="%d", width="small"),
    }
    st.dataframe(
        table,
        hide_index=True,
        column_order=list(columns),
        column_config={k: v for k, v in config.items() if k in columns},
        height=min(35 * (len(table) + 1) + 3, 800),
        key=key,
    )


def adjusted_note(adopted: Overrides) -> None:
    """Say that the rankings use adopted scores, when they do."""
    label = contest_words.adjusted_label(adopted)
    if label:
        st.info(
            f"{label}: the rankings on this page use the scores the facilitator adopted for "
            "this workshop in place of the catalog's."
        )


def show(
    catalog: Catalog,
    s: Store,
    shop: Workshop,
    token: str,
    adopted: Overrides,
    *,
    decided: deliberation.Decided,
    above: bool = False,
) -> None:
    """The latest visible round's result (nothing before the first reveal). ``above``: the
    part drawn above the weight controls, an earlier round's result (its weights beside the
    participant's and its ranking), to revise against; otherwise the rest: the current round's
    result once revealed, the contested scores (each with its decision in ``decided``) and
    "you are here"."""
    number = shop.visible_round
    earlier = number != shop.round
    if number < 1 or (above and not earlier):
        return
    code = shop.code
    weights, err = common.attempt(lambda: s.workshops.group_weights(code, token, round=number))
    mine, err2 = common.attempt(lambda: s.workshops.my_submission(code, token, round=number))
    if err is not None or err2 is not None or not weights:
        common.show_error(err or err2 or RuntimeError("no group result"))
        return
    crits = tuple(shop.criteria)
    key = (catalog, tuple(shop.options), crits)
    room, fixed = weights, adopted
    result = group(*key, room, fixed, shop.combination)
    if above or not earlier:
        _result(catalog, shop, result, number, mine.weights if mine else None, adopted)
    if above:
        return
    _contested_scores(catalog, s, shop, token, key, room, fixed, decided)
    _you_are_here(catalog, key, room, fixed, mine.weights if mine else None, number)


def _result(
    catalog: Catalog,
    shop: Workshop,
    result: GroupResult,
    number: int,
    mine: Mapping[str, float] | None,
    adopted: Overrides,
) -> None:
    """Round ``number``'s group result beside the participant's own weights and ranking."""
    if number == shop.round:
        st.header("The group's result", anchor=False)
    else:
        st.header(f"Round {number}'s result", anchor=False)
        note(
            f"The group's result of round {number}, beside your own weights and ranking then: "
            f"revise your weights for round {shop.round} below against it. This round's result "
            "appears once the facilitator reveals it."
        )
    adjusted_note(adopted)
    n = result.participants
    rule = words.COMBINATIONS[result.combination].lower()
    st.markdown(
        f"{n} participant{'s' if n != 1 else ''} submitted in round {number}; "
        f"the group's ranking is by {streamlit_markdown(rule)}."
    )
    st.markdown(streamlit_markdown(words.agreement_words(result.concordance)))
    _weights(deliberation.room_weights(catalog, result, mine))
    ranking = words.group_ranking(catalog, result)
    if mine is not None:
        table = words.versus_group(own_ranking(catalog, shop, mine, adopted), ranking)
        ranking_table(table, ("rank", "label", "your_rank"), "pb.ws.group")
    else:
        ranking_table(ranking, ("rank", "label"), "pb.ws.group")
        note(f"You did not submit weights in round {number}.")


def _weights(table: pd.DataFrame) -> None:
    """The group's median share and the middle half (IQR) per criterion, the participant's
    own beside them."""
    st.dataframe(
        table,
        hide_index=True,
        column_order=["criterion", "median", "iqr", "yours"],
        column_config={
            "criterion": st.column_config.TextColumn("Criterion", width="medium"),
            "median": st.column_config.NumberColumn(
                deliberation.MEDIAN_LABEL,
                format="percent",
                help="The median of everyone's shares",
            ),
            "iqr": st.column_config.NumberColumn(
                deliberation.IQR_LABEL,
                format="percent",
                help="The interquartile range of everyone's shares: how far the room differs",
            ),
            "yours": st.column_config.NumberColumn("Yours", format="percent"),
        },
        key="pb.ws.room_weights",
    )


def _contested_scores(
    catalog: Catalog,
    s: Store,
    shop: Workshop,
    token: str,
    key: tuple[Catalog, tuple[str, ...], tuple[str, ...]],
    room: Room,
    fixed: Overrides,
    decided: deliberation.Decided,
) -> None:
    """The room's challenges: the contested cells with the facilitator's decision on each
    and, per cell, the reasons and quotes."""
    st.subheader("Contested scores", anchor=False)
    found, err = common.attempt(lambda: s.workshops.room_challenges(shop.code, token))
    if err is not None or found is None:
        common.show_error(err or RuntimeError("no challenges"))
        return
    if not found:
        note("Nobody has challenged a score in a round revealed so far.")
        return
    cells = _contested(*key, room, fixed, found, shop.combination)
    note(
        "Each challenged score: the catalog's value → the room's median, the proposals, "
        "the facilitator's decision, and where the option would move in the group's ranking "
        f"if the median were adopted. Decision: {deliberation.DECISIONS_EXPLAINED}"
    )
    contested_table(deliberation.contested_rows(catalog, cells, decided))
    reasons = deliberation.reason_rows(catalog, found, cells)
    with st.expander(f"The room's reasons and quotes ({len(reasons)})"):
        for row in reasons:
            st.markdown(_reason(row))


def _reason(row: deliberation.ReasonRow) -> str:
    """One challenge of the room, anonymous, as inert Markdown."""
    head = streamlit_markdown(row.name)
    text = f"**{head}**: {streamlit_markdown(row.proposed)}. {streamlit_markdown(row.reason)}"
    if row.quote:
        text += (
            f"  \n“{streamlit_markdown(row.quote)}” :small[Quote {streamlit_markdown(row.check)}]"
        )
    return text


def _you_are_here(
    catalog: Catalog,
    key: tuple[Catalog, tuple[str, ...], tuple[str, ...]],
    room: Room,
    fixed: Overrides,
    mine: Mapping[str, float] | None,
    number: int,
) -> None:
    """Which camp the participant's weights fall in, and what every camp can live with."""
    st.subheader("You are here", anchor=False)
    found, common_ground_ = _camps(*key, room, fixed)
    if not found.camps:
        st.markdown(streamlit_markdown(camp_words.camps_sentence(found)))
        return
    if mine is None:
        st.markdown(streamlit_markdown(camp_words.camps_sentence(found)))
        note(f"You did not submit weights in round {number}, so there is no place to show you.")
    else:
        camp = place(found, mine, catalog)
        sentence = camp_words.you_are_here(catalog, found, camp, common_ground_)
        st.markdown(streamlit_markdown(sentence))
        if camp is not None and found.clear:
            # what the camp stands for, from its aggregates: never anyone's weights
            card = camp_words.camp_cards(catalog, found)[camp]
            st.markdown(streamlit_markdown(deliberation.camp_words(card)))
    if common_ground_ is None:
        return
    table = camp_words.common_ground_table(catalog, common_ground_, found)
    chances = [c for c in table.columns if c not in ("option", "label", "floor")]
    note(
        f"Common ground: each option's chance of a top-{common_ground_.top_k} place under each "
        "camp's own range of weights, and the lowest of them (the floor), best floor first."
    )
    st.dataframe(
        table,
        hide_index=True,
        column_order=["label", *chances, "floor"],
        column_config={
            "label": st.column_config.TextColumn("Option", width="medium"),
            **{c: st.column_config.NumberColumn(c.capitalize(), format="percent") for c in chances},
            "floor": st.column_config.NumberColumn("Floor", format="percent"),
        },
        key="pb.ws.common_ground",
    )
