"""Pure builders for the workshop pages: submissions in, tables and sentences out.

The facilitator's and the participants' pages (``ui/screens/facilitate.py`` and
``ui/screens/workshop.py``) read the store, call the functions here and draw what they
return; every number on those pages is computed here, with :mod:`policybench.group`,
:mod:`policybench.mcda` and :mod:`policybench.robustness`, so it can be tested without a
browser. Nothing here imports Streamlit or touches the store.

Conventions
-----------
- A workshop ranks its options with the app's default model: the weighted sum on the
  criteria's fixed 0–10 scales (``wsm`` with ``scale``), for everyone, so a participant's own
  ranking, the group's and the facilitator's export agree.
- Participants are "Participant 1", "Participant 2", … in the order they joined, unless the
  facilitator asks for names; display names and reasons are user text and are only ever
  handed to Streamlit as plain text (data frame cells, ``st.text``) or escaped.
- The group's ranking is either the ranking under the participants' combined weights
  (``mean``, ``geometric``, ``median``: :func:`policybench.group.combine_weights`) or a
  combination of their own rankings (``borda``, ``copeland``:
  :func:`policybench.group.combine_rankings`). With a ranking rule, the "group weight" shown
  per criterion is the mean.
- The SMAA view of the group's weight cloud samples weights uniformly within the box spanned
  by the participants' normalised weights (each criterion between the lowest and the highest
  weight anyone gave it, intersected with the simplex), with a fixed seed: which options stay
  on top over every weighting the room's range of views allows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from policybench import group, mcda
from policybench.catalog import Catalog, Problem, to_problem
from policybench.errors import InputError, WeightsError
from policybench.mcda.weights import CR_THRESHOLD
from policybench.views import criterion_label, option_label, share_label

METHOD = "wsm"
NORMALIZATION = "scale"

#: How the group's ranking is formed, by key: what the facilitator picks from.
COMBINATIONS: Mapping[str, str] = {
    "mean": "Mean of everyone's weights",
    "median": "Median of everyone's weights",
    "geometric": "Geometric mean of everyone's weights",
    "borda": "Borda count over everyone's rankings",
    "copeland": "Copeland's rule over everyone's rankings",
}
WEIGHT_RULES = frozenset(group.WEIGHT_RULES)
RANKING_RULES = frozenset(group.RANKING_RULES)

#: Longest text shown in a table cell before it is cut with "…" (the full text is listed too).
PREVIEW = 80
#: Longest participant label used as a column header.
HEADER = 24
SMAA_SAMPLES = 10_000
SMAA_SEED = 0
#: The Saaty scale's steps: 1 (equal) to 9 (extremely more important).
SAATY_MAX = 9

STATES: Mapping[str, str] = {
    "open": "Open: participants can join, submit and revise their weights.",
    "locked": "Locked: submissions are frozen; each participant's last submitted weights count.",
    "revealed": "Revealed: participants can see the group's result.",
    "closed": "Closed: the workshop is over; its results can still be exported.",
}


# ------------------------------------------------------------------------------ text
def fold(text: object) -> str:
    """``text`` on one line (runs of whitespace, newlines included, become one space)."""
    return " ".join(str(text).split())


def truncate(text: object, limit: int = PREVIEW) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…" when longer."""
    folded = fold(text)
    return folded if len(folded) <= limit else folded[: max(1, limit - 1)].rstrip() + "…"


def participant_labels(names: Sequence[str], show_names: bool) -> list[str]:
    """Display names when ``show_names``, else "Participant 1", "Participant 2", …"""
    if show_names:
        return [fold(n) for n in names]
    return [f"Participant {k}" for k in range(1, len(names) + 1)]


def unique_headers(
    labels: Sequence[str], reserved: Sequence[str] = (), limit: int = HEADER
) -> list[str]:
    """Column headers for ``labels``: cut to ``limit``, never equal to each other or to a
    ``reserved`` header (a clash gets " (2)", " (3)", …)."""
    taken = {r.casefold() for r in reserved}
    out: list[str] = []
    for label in labels:
        base = truncate(label, limit) or "(blank)"
        candidate, k = base, 1
        while candidate.casefold() in taken:
            k += 1
            candidate = f"{base} ({k})"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def state_text(state: str) -> str:
    """What a workshop state means, in a sentence."""
    return STATES.get(state, state)


def p_value_words(p: float) -> str:
    """The chi-square p-value of Kendall's W, in words."""
    if not math.isfinite(p):
        return "there is no ranking to test"
    shown = f"p = {p:.3f}" if p >= 0.001 else "p < 0.001"
    if p < 0.01:
        return f"this much agreement is very unlikely to be chance ({shown})"
    if p < 0.05:
        return f"this much agreement is unlikely to be chance ({shown})"
    return f"this much agreement could well be chance ({shown})"


def agreement_words(concordance: group.Concordance | None) -> str:
    """Kendall's W and its p-value as a sentence a room can read."""
    if concordance is None:
        return "Agreement needs at least two submissions."
    w = concordance.w
    if not math.isfinite(w):
        return "Kendall's W is undefined: every ranking ties every option."
    strength = (
        "very weak"
        if w < 0.1
        else "weak"
        if w < 0.3
        else "moderate"
        if w < 0.5
        else "strong"
        if w < 0.7
        else "very strong"
    )
    return (
        f"Kendall's W = {w:.2f}: {strength} agreement among the {concordance.participants} "
        f"participants' rankings (0 is none, 1 is complete); {p_value_words(concordance.p_value)}."
    )


# ------------------------------------------------------------------------------ links
DEFAULT_BASE_URL = "http://127.0.0.1:8501"
PARTICIPANT_PAGE = "workshop"


def app_base(url: str | None, page: str = "") -> str:
    """The app's base address from a page's address (``st.context.url``): query and fragment
    dropped, the trailing page path (``page``) removed; :data:`DEFAULT_BASE_URL` if unknown."""
    if not url or "://" not in url:
        return DEFAULT_BASE_URL
    base = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    if page and base.endswith("/" + page):
        base = base[: -len(page) - 1]
    return base or DEFAULT_BASE_URL


def join_link(base: str, code: str) -> str:
    """``<base>/workshop?code=CODE``: what participants open (and the QR code holds)."""
    from urllib.parse import urlencode

    return f"{(base.strip() or DEFAULT_BASE_URL).rstrip('/')}/{PARTICIPANT_PAGE}?" + urlencode(
        {"code": code}
    )


def personal_link(base: str, code: str, token: str) -> str:
    """A participant's own link (``?code=...&p=<token>``): reopens their page, and only theirs."""
    from urllib.parse import urlencode

    return f"{(base.strip() or DEFAULT_BASE_URL).rstrip('/')}/{PARTICIPANT_PAGE}?" + urlencode(
        {"code": code, "p": token}
    )


# ------------------------------------------------------------------------------ arrays
def workshop_problem(
    catalog: Catalog, option_ids: Sequence[str], criterion_ids: Sequence[str]
) -> Problem:
    """The engine's arrays for the options and criteria in play (equal weights)."""
    return to_problem(catalog, None, options=option_ids, criteria=criterion_ids)


def weight_matrix(
    weights: Sequence[Mapping[str, float]], criterion_ids: Sequence[str]
) -> np.ndarray:
    """``(P, M)`` each participant's weights in criterion order (missing criteria are 0)."""
    return np.array(
        [[float(row.get(c, 0.0)) for c in criterion_ids] for row in weights], dtype=float
    ).reshape(len(weights), len(criterion_ids))


def _score(problem: Problem, weights: np.ndarray) -> np.ndarray:
    return np.asarray(
        mcda.score(
            problem.matrix,
            weights,
            problem.types,
            method=METHOD,
            normalization=NORMALIZATION,
            criteria=problem.criterion_ids,
            bounds=problem.bounds,
        ),
        dtype=float,
    )


# ------------------------------------------------------------------------------ one person
def own_ranking(
    catalog: Catalog,
    option_ids: Sequence[str],
    criterion_ids: Sequence[str],
    weights: Mapping[str, float],
) -> pd.DataFrame:
    """One participant's ranking of the options in play, best first.

    Columns: ``rank``, ``option_id``, ``option`` (title, baseline marked), ``score``.
    Raises :class:`~policybench.errors.WeightsError` for all-zero or invalid weights.
    """
    problem = to_problem(catalog, weights, options=option_ids, criteria=criterion_ids)
    scores = _score(problem, problem.weights) + 0.0
    ranks = mcda.rank(scores)
    order = sorted(range(len(option_ids)), key=lambda i: (int(ranks[i]), i))
    return pd.DataFrame(
        {
            "rank": [int(ranks[i]) for i in order],
            "option_id": [problem.option_ids[i] for i in order],
            "option": [option_label(catalog.options_by_id[problem.option_ids[i]]) for i in order],
            "score": [float(scores[i]) for i in order],
        }
    )


def shares_table(
    catalog: Catalog, criterion_ids: Sequence[str], weights: Mapping[str, float]
) -> pd.DataFrame:
    """``criterion`` and ``share`` (0–1) of each weight; shares are NaN when all are 0."""
    values = np.array([max(0.0, float(weights.get(c, 0.0))) for c in criterion_ids])
    total = values.sum()
    shares = values / total if total > 0 else np.full(len(values), np.nan)
    return pd.DataFrame(
        {
            "criterion_id": list(criterion_ids),
            "criterion": [criterion_label(catalog, c) for c in criterion_ids],
            "share": shares,
        }
    )


def roc_weights(criterion_ids: Sequence[str], ranks: Mapping[str, int]) -> dict[str, float]:
    """Rank-order centroid weights from each criterion's rank (1 = most important, ties
    allowed): :func:`policybench.mcda.rank_order_centroid`."""
    order = [int(ranks[c]) for c in criterion_ids]
    weights = mcda.rank_order_centroid(order)
    return {c: float(w) for c, w in zip(criterion_ids, weights, strict=True)}


def judgement_label(value: int, first: str, second: str) -> str:
    """A pairwise judgement on the Saaty scale, in words.

    ``value`` runs from ``-(SAATY_MAX - 1)`` to ``SAATY_MAX - 1``: 0 is "equally important",
    ``k > 0`` means ``first`` is ``k + 1`` times as important as ``second``, ``k < 0`` the
    reverse.
    """
    if value == 0:
        return "equally important"
    more, less = (first, second) if value > 0 else (second, first)
    return f"{fold(more)} {abs(value) + 1}× as important as {fold(less)}"


def ahp_matrix(
    criterion_ids: Sequence[str], judgements: Mapping[tuple[str, str], int]
) -> np.ndarray:
    """The reciprocal pairwise matrix from judgements ``{(a, b): k}`` (see
    :func:`judgement_label`; a pair not given is "equally important")."""
    m = len(criterion_ids)
    index = {c: i for i, c in enumerate(criterion_ids)}
    a = np.ones((m, m))
    for (first, second), value in judgements.items():
        k = int(value)
        if abs(k) > SAATY_MAX - 1:
            raise InputError(f"a judgement must lie between 1/{SAATY_MAX} and {SAATY_MAX}")
        ratio = float(k + 1) if k >= 0 else 1.0 / (1 - k)
        i, j = index[first], index[second]
        a[i, j] = ratio
        a[j, i] = 1.0 / ratio
    return a


@dataclass(frozen=True)
class AHPView:
    """AHP weights with the consistency ratio, and the judgement to revisit when CR > 0.1."""

    weights: dict[str, float]
    cr: float
    consistent: bool
    worst: tuple[str, str] | None


def ahp_weights(criterion_ids: Sequence[str], judgements: Mapping[tuple[str, str], int]) -> AHPView:
    """Weights from pairwise judgements with :func:`policybench.mcda.ahp`."""
    res = mcda.ahp(ahp_matrix(criterion_ids, judgements))
    worst = None
    if res.most_inconsistent is not None:
        i, j = res.most_inconsistent
        worst = (criterion_ids[i], criterion_ids[j])
    return AHPView(
        {c: float(w) for c, w in zip(criterion_ids, res.weights, strict=True)},
        float(res.cr),
        bool(res.cr <= CR_THRESHOLD),
        worst,
    )


def slider_points(
    weights: Mapping[str, float], criterion_ids: Sequence[str], *, maximum: float, step: float
) -> dict[str, float]:
    """Slider positions for stored weights: the weights themselves when they fit the sliders
    (0–``maximum`` on ``step``), else their shares scaled so the largest sits at ``maximum``."""
    values = [float(weights.get(c, 0.0)) for c in criterion_ids]
    fits = all(
        0 <= v <= maximum and abs(v / step - round(v / step)) < 1e-9 for v in values
    ) and any(v > 0 for v in values)
    if fits:
        return {c: float(v) for c, v in zip(criterion_ids, values, strict=True)}
    top = max(values) if values and max(values) > 0 else 0.0
    if top <= 0:
        return {c: maximum / 2 for c in criterion_ids}
    return {
        c: float(max(step, round(v / top * maximum / step) * step)) if v > 0 else 0.0
        for c, v in zip(criterion_ids, values, strict=True)
    }


# ------------------------------------------------------------------------------ the group
@dataclass(frozen=True)
class GroupView:
    """Everything the facilitator's monitor shows about the submissions so far.

    ``ranking``: ``rank``, ``option_id``, ``option``, ``value`` (see ``value_label``), best
    first. ``spread``: one row per criterion, most contested first (``criterion``,
    ``group_weight``, ``mean``, ``std``, ``min``, ``max``, ``reasons`` preview, ``n_reasons``).
    ``versus``: one row per participant (``participant``, ``tau``, ``first_choice``,
    ``group_first_at``). ``ranks``: options in the group's order with the group's rank and
    each participant's. ``reasons``: ``(criterion, participant, full text)`` in spread order.
    ``smaa``: ``option``, ``first``, ``top3``, ``expected_rank``, by expected rank.
    """

    participants: int
    combination: str
    value_label: str
    ranking: pd.DataFrame
    group_weights: dict[str, float]
    concordance: group.Concordance | None
    agreement: str
    spread: pd.DataFrame
    driver: str | None
    drivers: pd.DataFrame
    versus: pd.DataFrame
    ranks: pd.DataFrame
    reasons: tuple[tuple[str, str, str], ...]
    smaa: pd.DataFrame | None
    smaa_note: str
    labels: tuple[str, ...] = field(default=())

    @property
    def headline(self) -> str:
        """``"The group ranks X first."`` (or names the options tied for first)."""
        first = list(self.ranking.loc[self.ranking["rank"] == 1, "option"])
        if len(first) == 1:
            return f"The group ranks {first[0]} first."
        return "The group ties for first place: " + "; ".join(first) + "."


def group_view(
    catalog: Catalog,
    option_ids: Sequence[str],
    criterion_ids: Sequence[str],
    weights: Sequence[Mapping[str, float]],
    *,
    names: Sequence[str] | None = None,
    reasons: Sequence[Mapping[str, str]] | None = None,
    combination: str = "mean",
    show_names: bool = False,
    smaa_samples: int = SMAA_SAMPLES,
) -> GroupView:
    """The group's result from the participants' ``weights`` (in the order they joined).

    Raises
    ------
    InputError
        No submissions, or an unknown ``combination``.
    WeightsError
        A geometric mean that is zero everywhere (see :func:`policybench.group.combine_weights`).
    """
    if not weights:
        raise InputError("no submissions yet")
    if combination not in COMBINATIONS:
        raise InputError(
            f"unknown combination {combination!r}; choose one of: {', '.join(COMBINATIONS)}"
        )
    crits = list(criterion_ids)
    opts = list(option_ids)
    problem = workshop_problem(catalog, opts, crits)
    w = weight_matrix(weights, crits)
    shares = np.asarray(mcda.check_weights(w, len(crits), crits), dtype=float)
    p = len(weights)
    labels = participant_labels(list(names or [""] * p), show_names and names is not None)
    scores = np.atleast_2d(_score(problem, shares))  # (P, N)
    ranks = mcda.rank(scores)

    weight_rule = combination if combination in WEIGHT_RULES else "mean"
    combined = group.combine_weights(shares, cast(group.WeightRule, weight_rule), criteria=crits)
    if combination in WEIGHT_RULES:
        values = _score(problem, combined) + 0.0
        group_ranks = mcda.rank(values)
        value_label = "Score under the group's weights"
    else:
        combined_ranking = group.combine_rankings(ranks, cast(group.RankingRule, combination))
        values, group_ranks = combined_ranking.points + 0.0, combined_ranking.ranks
        value_label = "Borda points" if combination == "borda" else "Copeland score (wins − losses)"
    order = sorted(range(len(opts)), key=lambda i: (int(group_ranks[i]), -float(values[i]), i))
    titles = [option_label(catalog.options_by_id[o]) for o in opts]
    ranking = pd.DataFrame(
        {
            "rank": [int(group_ranks[i]) for i in order],
            "option_id": [opts[i] for i in order],
            "option": [titles[i] for i in order],
            "value": [float(values[i]) for i in order],
        }
    )

    concordance = group.kendall_w(ranks) if p > 1 else None

    # spread, most contested first, with the reasons given
    given = list(reasons or [{}] * p)
    spread_rows = []
    reason_rows: list[tuple[str, str, str]] = []
    for s in group.weight_spread(shares, criteria=crits):
        cid = crits[s.criterion]
        name = criterion_label(catalog, cid)
        texts = [(labels[k], fold(given[k].get(cid, ""))) for k in range(p)]
        texts = [(who, t) for who, t in texts if t]
        reason_rows.extend((name, who, t) for who, t in texts)
        spread_rows.append(
            {
                "criterion_id": cid,
                "criterion": name,
                "group_weight": float(combined[s.criterion]),
                "mean": s.mean,
                "std": s.std,
                "min": s.min,
                "max": s.max,
                "reasons": truncate("; ".join(f"{who}: {t}" for who, t in texts)) if texts else "",
                "n_reasons": len(texts),
            }
        )
    spread = pd.DataFrame(spread_rows)

    driver: str | None = None
    driver_rows: list[dict[str, Any]] = []
    if concordance is not None and math.isfinite(concordance.w):
        drivers = group.disagreement_drivers(
            problem.matrix,
            shares,
            problem.types,
            METHOD,
            NORMALIZATION,
            rule=cast(group.WeightRule, weight_rule),
            criteria=crits,
            bounds=problem.bounds,
        )
        driver_rows = [
            {
                "criterion_id": crits[d.criterion],
                "criterion": criterion_label(catalog, crits[d.criterion]),
                "group_weight": d.group_weight,
                "w_after": d.w_after,
                "rise": d.rise,
            }
            for d in drivers
        ]
        top = drivers[0]
        if math.isfinite(top.rise) and top.rise > 1e-9:
            driver = (
                f"{criterion_label(catalog, crits[top.criterion])} drives the disagreement most: "
                f"if everyone gave it the group's weight ({share_label(top.group_weight)}), "
                f"Kendall's W would rise from {concordance.w:.2f} to {top.w_after:.2f}."
            )
        else:
            driver = (
                "No single criterion's weight drives the disagreement: giving everyone the "
                "group's weight on any one criterion would not raise Kendall's W."
            )
    drivers_table = pd.DataFrame(
        driver_rows, columns=["criterion_id", "criterion", "group_weight", "w_after", "rise"]
    )

    # each participant against the group
    from policybench.robustness import kendall_tau_b

    tau = np.atleast_1d(kendall_tau_b(ranks, group_ranks[None, :]))
    group_first = [i for i in range(len(opts)) if int(group_ranks[i]) == 1]
    versus = pd.DataFrame(
        {
            "participant": labels,
            "tau": [float(t) for t in tau],
            "first_choice": [
                "; ".join(titles[i] for i in range(len(opts)) if int(ranks[k, i]) == 1)
                for k in range(p)
            ],
            "group_first_at": [int(min(int(ranks[k, i]) for i in group_first)) for k in range(p)],
        }
    )
    headers = unique_headers(labels, reserved=("option", "group"))
    rank_cols: dict[str, Any] = {
        "option": [titles[i] for i in order],
        "group": [int(group_ranks[i]) for i in order],
    }
    for k, header in enumerate(headers):
        rank_cols[header] = [int(ranks[k, i]) for i in order]
    rank_table = pd.DataFrame(rank_cols)

    smaa_table: pd.DataFrame | None = None
    smaa_note = ""
    if smaa_samples > 0:
        smaa_table, smaa_note = _group_smaa(problem, shares, titles, smaa_samples)

    return GroupView(
        participants=p,
        combination=combination,
        value_label=value_label,
        ranking=ranking,
        group_weights={c: float(v) for c, v in zip(crits, combined, strict=True)},
        concordance=concordance,
        agreement=agreement_words(concordance),
        spread=spread,
        driver=driver,
        drivers=drivers_table,
        versus=versus,
        ranks=rank_table,
        reasons=tuple(reason_rows),
        smaa=smaa_table,
        smaa_note=smaa_note,
        labels=tuple(labels),
    )


def _group_smaa(
    problem: Problem, shares: np.ndarray, titles: Sequence[str], samples: int
) -> tuple[pd.DataFrame, str]:
    """SMAA within the box of the participants' weights (see the module docstring)."""
    from policybench import robustness

    low, high = shares.min(axis=0), shares.max(axis=0)
    try:
        result = robustness.smaa(
            problem.matrix,
            problem.types,
            METHOD,
            NORMALIZATION,
            samples=samples,
            seed=SMAA_SEED,
            weight_low=low,
            weight_high=high,
            criteria=problem.criterion_ids,
            bounds=problem.bounds,
        )
    except WeightsError:  # pragma: no cover - the participants' own weights lie in the box
        result = robustness.smaa(
            problem.matrix,
            problem.types,
            METHOD,
            NORMALIZATION,
            samples=samples,
            seed=SMAA_SEED,
            criteria=problem.criterion_ids,
            bounds=problem.bounds,
        )
    acc = np.asarray(result.rank_acceptability, dtype=float)
    n = acc.shape[0]
    expected = acc @ np.arange(1, n + 1)
    order = np.lexsort((np.arange(n), expected))
    table = pd.DataFrame(
        {
            "option": [titles[i] for i in order],
            "first": acc[order, 0],
            "top3": acc[order, : min(3, n)].sum(axis=1),
            "expected_rank": expected[order],
        }
    )
    if result.weight_model == "fixed":
        note = (
            "All the weights submitted so far are the same, so there is no cloud to sample: "
            "these are the ranks under that one weighting."
        )
    else:
        note = (
            f"{samples:,} weightings drawn uniformly between the lowest and the highest weight "
            f"anyone gave each criterion (seed {SMAA_SEED})."
        )
    return table, note


def versus_group(mine: pd.DataFrame, group_ranking: pd.DataFrame) -> pd.DataFrame:
    """The group's ranking with the participant's own rank beside it (``rank``, ``option``,
    ``your_rank``), in the group's order."""
    own = dict(zip(mine["option_id"], mine["rank"], strict=True))
    return pd.DataFrame(
        {
            "rank": group_ranking["rank"].astype(int),
            "option": group_ranking["option"],
            "your_rank": [int(own[o]) for o in group_ranking["option_id"]],
        }
    )


def submissions_key(
    weights: Sequence[Mapping[str, float]],
    names: Sequence[str],
    reasons: Sequence[Mapping[str, str]],
) -> tuple[tuple[str, tuple[tuple[str, float], ...], tuple[tuple[str, str], ...]], ...]:
    """A hashable form of the submissions (a cache key that changes when any of them does)."""
    return tuple(
        (
            str(n),
            tuple((str(c), float(v)) for c, v in w.items()),
            tuple((str(c), str(t)) for c, t in r.items()),
        )
        for n, w, r in zip(names, weights, reasons, strict=True)
    )
