"""Words people know: a short glossary of the terms the workbench uses, written once and shown
on the Glossary page and beside each term where it appears (as a widget's or a heading's
help).

Definitions are the project's own plain text: no Markdown, no HTML (a test checks that none of
the characters Streamlit's Markdown acts on appear), so they can go into a help tooltip, a
page or a file as they are.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A glossary entry: ``id`` (its anchor on the Glossary page), ``name`` as a heading,
    ``definition`` (a few sentences) and ``where`` (where in the workbench it appears)."""

    id: str
    name: str
    definition: str
    where: str


TERMS: tuple[Term, ...] = (
    Term(
        "wsm",
        "Weighted sum (WSM)",
        "Each option's score is the weighted average of its values: every 0–10 score becomes "
        "a value from 0 (the bottom of the criterion's scale) to 1 (the top), and the values "
        "are averaged with the weights. A strength on one criterion makes up for a weakness on "
        "another, point for point. The default, and the linear additive value model of public "
        "appraisal guidance.",
        "Rank (the default method), Compare, every export",
    ),
    Term(
        "wpm",
        "Weighted product (WPM)",
        "Multiplies the values, each raised to the power of its weight, so that a very low "
        "value on one criterion drags the whole score down: a weakness is harder to make up "
        "for than under the weighted sum. A value of 0 is raised to a small floor (1\u00a0% of the "
        "scale) so that one zero does not wipe out every other criterion.",
        "Rank (advanced methods), Compare",
    ),
    Term(
        "topsis",
        "TOPSIS",
        "Ranks options by how close they come to an imaginary ideal option (the best value on "
        "every criterion among the options in play) and how far they stay from the worst one. "
        "Values are rescaled from the lowest to the highest among the options in play, so "
        "adding or removing an option can reorder the others.",
        "Rank (advanced methods), Compare",
    ),
    Term(
        "vikor",
        "VIKOR",
        "A compromise ranking: it combines an option's total shortfall from the best on every "
        "criterion with its single largest shortfall (v = 0.5 weighs the two equally). Its "
        "index Q is 0 for the best compromise and 1 for the worst; the workbench shows 1 − Q, "
        "so that a longer bar and a higher score mean a better option, as for every other "
        "method.",
        "Rank (advanced methods), Compare",
    ),
    Term(
        "promethee2",
        "PROMETHEE II",
        "Compares the options two at a time on each criterion: the better of the two is "
        "preferred on it (any difference counts in full), and the preferences are added up "
        "with the weights. An option's net flow, from −1 to 1, is how much it is preferred to "
        "the others minus how much they are preferred to it.",
        "Rank (advanced methods), Compare",
    ),
    Term(
        "advanced",
        "Advanced methods",
        "The weighted sum is the workbench's model; the four other methods (weighted product, "
        "TOPSIS, VIKOR, PROMETHEE II) make different assumptions about how criteria make up "
        "for one another. Trying them shows whether the ranking depends on that choice; the "
        "verdict says whether they agree.",
        "Rank (Other methods)",
    ),
    Term(
        "share",
        "Weight and weight share",
        "A slider sets a criterion's weight in points; what counts is its share of the total "
        "of all the weights (the percentage beside the slider). Doubling every weight changes "
        "nothing.",
        "Rank (the sliders), Robustness",
    ),
    Term(
        "cost",
        "Cost criterion",
        "A criterion on which a higher score is worse, such as the risk of provoking Beijing "
        "or Pyongyang: it counts against an option. Its values are turned round (a score of "
        "10 becomes a value of 0), so that on every criterion a higher value is better.",
        "Rank (the sliders), Criteria, Evidence",
    ),
    Term(
        "scale",
        "Scale normalisation",
        "How the weighted sum and the weighted product turn a 0–10 score into a value from 0 "
        "to 1: on the criterion's own fixed scale (0 gives 0, 10 gives 1, turned round for a "
        "cost), whatever the other options score. So adding or removing an option never "
        "reorders the others under the weighted sum. TOPSIS rescales between the lowest and "
        "the highest score among the options in play instead.",
        "Rank, Compare, the exports (scale)",
    ),
    Term(
        "verdict",
        "Verdict: Solid, Near-tie, Fragile",
        "A plain answer to whether the top of the ranking is firm. Solid: first by a clear "
        "margin, under every method, after any shift of less than 5\u00a0% of the weight, and in "
        "most nearby weightings. Near-tie: the top two are level, or less than 1\u00a0% of the "
        "weight (or of the gap between the first and the last option) separates them. "
        "Fragile: first here, but a shift of less than 5\u00a0% of the weight, another method or "
        "most nearby weightings put another option first.",
        "Rank, Robustness",
    ),
    Term(
        "shift",
        "Smallest shift of weight",
        "The smallest share of the total weight that, moved from some criteria to others, "
        "puts another option level first. Exact for the weighted sum, the weighted product "
        "and PROMETHEE II; for TOPSIS and VIKOR it is the smallest a search finds.",
        "Rank (verdict), Robustness (What would it take?)",
    ),
    Term(
        "smaa",
        "SMAA",
        "Stochastic multicriteria acceptability analysis: draws many weightings at random "
        "(around the current weights, or from every possible weighting) and, if asked, every "
        "score anywhere within its range, and counts how often each option takes each rank. "
        "First in 86\u00a0% means that 86 in 100 of the drawn weightings put it first.",
        "Robustness, Rank (verdict), Facilitate",
    ),
    Term(
        "stability",
        "Stability interval",
        "How far one criterion's weight share can move, the others keeping their proportions, "
        "before the top option (or any place in the ranking) changes.",
        "Robustness",
    ),
    Term(
        "kendall-w",
        "Kendall's W",
        "How far a group's rankings agree, from 0 (no agreement at all) to 1 (everyone ranks "
        "the options the same way), corrected for ties.",
        "Facilitate, the workshop report",
    ),
    Term(
        "kendall-tau",
        "Kendall's τ (tau-b)",
        "How far two rankings agree, from −1 (one is the other reversed) through 0 (unrelated) "
        "to 1 (identical): the share of pairs of options the two put in the same order minus "
        "the share they put in opposite orders, corrected for ties.",
        "Compare (every method side by side)",
    ),
    Term(
        "p-value",
        "p-value",
        "For Kendall's W: the chance of agreement at least this strong if everyone had ranked "
        "at random. A small p-value (under 0.05, say) means the agreement is unlikely to be "
        "chance; it does not say the group is right.",
        "Facilitate, the workshop report",
    ),
    Term(
        "borda",
        "Borda count",
        "Combines several rankings by points: in each ranking an option scores one point for "
        "every option below it (tied options share their points), and the group ranking "
        "orders the options by their total.",
        "Facilitate, the workshop report",
    ),
    Term(
        "roc",
        "Rank-order centroid",
        "Turns an order of the criteria into weights: the centre of all the weightings that "
        "respect that order. With three criteria the first gets 61\u00a0%, the second 28\u00a0% and the "
        "third 11\u00a0%.",
        "Workshop (rank the criteria)",
    ),
    Term(
        "weakest-link",
        "Weakest link",
        "An option needs every government that must act on it; its achievability score is the "
        "lowest of theirs, because the least willing can block it.",
        "Criteria (Achievability), Evidence",
    ),
    Term(
        "screen",
        "Screen",
        "A requirement applied before any weighting, such as an achievability of at least 1 "
        "(some government could adopt it at all). An option that fails it is set aside and "
        "listed with the reason, not traded off against its other scores.",
        "Rank (Set aside what no government could adopt), the exports",
    ),
    Term(
        "package",
        "Package and component",
        "A package, such as the Grand Bargain, combines several steps: its components. By "
        "default the package is ranked and its components are compared within it on "
        "Evidence; Rank every option ranks each component too.",
        "Rank (Rank every option), Evidence",
    ),
    Term(
        "described",
        "Explicit, implicit, described",
        "How the source puts an option. Explicit: recommended in so many words. Implicit: "
        "argued for without a recommending sentence. Described: only described or forecast, "
        "kept as evidence and ranked only when every option is.",
        "Evidence, Rank (Rank every option)",
    ),
    Term(
        "baseline",
        "Status quo (baseline)",
        "Carrying on as now. Every option is scored against it, and the charts mark its score, "
        "so the options that beat doing nothing new stand out.",
        "Rank, Evidence",
    ),
)

BY_ID: dict[str, Term] = {t.id: t for t in TERMS}


def term(term_id: str) -> Term:
    """The entry ``term_id`` (a KeyError names the known ids)."""
    try:
        return BY_ID[term_id]
    except KeyError:
        raise KeyError(f"no glossary term {term_id!r}; the terms are {', '.join(BY_ID)}") from None


def define(*term_ids: str) -> str:
    """The definitions of ``term_ids`` for a help tooltip: one paragraph each, the name first,
    and where to read more."""
    parts = [f"{term(t).name}: {term(t).definition}" for t in term_ids]
    return "\n\n".join([*parts, "More in the Glossary."])
