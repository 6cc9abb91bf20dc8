"""Pure table builders for the app: catalog and weights in, pandas DataFrames out.

The Streamlit pages read widgets, call the functions here (which call :mod:`policybench.mcda`
and :mod:`policybench.robustness`), and draw the charts of :mod:`policybench.export.charts`.
Every number the app shows — normalised shares, per-criterion contributions, rank movements,
rank shifts between profiles — is computed here, so it can be tested without a browser.
Nothing here imports Streamlit or touches files.

Conventions
-----------
- Weights are ``{criterion_id: points}``; points need not sum to anything (the engine
  normalises them). Options and criteria follow the catalog's order unless sorted by rank.
- The app's default model is ``wsm`` on the fixed 0–10 scales (``normalization="scale"``);
  ``wpm`` keeps ``scale`` too, every other method uses its own default normalisation
  (DESIGN "Defaults"): see :func:`normalization_for`.
- Contributions per criterion are exact for the additive model only (``wsm`` with
  ``scale``): ``share_j × v_ij`` where ``v`` is the value-normalised score, so they add up
  to the score.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from policybench import analysis, mcda
from policybench.analysis import Ranking
from policybench.catalog import Catalog, Option, to_problem
from policybench.errors import PolicybenchWarning, WeightsError

if TYPE_CHECKING:
    from policybench.robustness import BreakEven, SMAAResult

#: Methods that keep the fixed 0–10 scale (``normalization="scale"``) in the app.
SCALE_METHODS = frozenset({"wsm", "wpm"})
#: Label suffix that marks the status-quo option in tables and charts.
BASELINE_MARK = " (baseline)"

METHOD_NAMES: Mapping[str, str] = {
    "wsm": "Weighted sum",
    "wpm": "Weighted product",
    "topsis": "TOPSIS",
    "vikor": "VIKOR",
    "promethee2": "PROMETHEE II",
}


def method_label(method: str) -> str:
    """``"Weighted sum (wsm)"``: the name a workshop reads, with the id the CLI takes."""
    name = METHOD_NAMES.get(method, method)
    return name if name == method else f"{name} ({method})"


def normalization_for(method: str) -> str | None:
    """The app's normalisation for ``method``: ``scale`` for wsm/wpm, else the method's own."""
    return "scale" if method in SCALE_METHODS else None


def is_additive(method: str, normalization: str | None = None) -> bool:
    """True when contributions per criterion add up to the score (wsm on the 0–10 scales)."""
    norm = normalization_for(method) if normalization is None else normalization
    return method == "wsm" and norm == "scale"


# ------------------------------------------------------------------------------ weights
def weight_shares(weights: Mapping[str, float], order: Sequence[str]) -> dict[str, float] | None:
    """Each weight as a share of the total, in ``order``; None when every weight is 0."""
    values = [max(0.0, float(weights.get(c, 0.0))) for c in order]
    total = math.fsum(values)
    if total <= 0 or not math.isfinite(total):
        return None
    return {c: v / total for c, v in zip(order, values, strict=True)}


def share_label(share: float | None) -> str:
    """A share as a percentage with one decimal (``"16.2 %"``), or a dash when undefined."""
    if share is None or not math.isfinite(share):
        return "–"
    return f"{100 * share:.1f} %"


def all_zero(weights: Mapping[str, float]) -> bool:
    """True when no weight is positive (the engine refuses such weights)."""
    return not any(float(v) > 0 for v in weights.values())


def same_proportions(a: Mapping[str, float], b: Mapping[str, float], order: Sequence[str]) -> bool:
    """True when ``a`` and ``b`` give every criterion the same share (within 1e-9)."""
    sa, sb = weight_shares(a, order), weight_shares(b, order)
    if sa is None or sb is None:
        return sa is sb
    return all(abs(sa[c] - sb[c]) <= 1e-9 for c in order)


def to_slider_points(
    shares: Mapping[str, float], order: Sequence[str], *, total: float, maximum: float, step: float
) -> dict[str, float]:
    """Express normalised ``shares`` as slider points on ``step`` that add up to about ``total``
    (the current sliders' sum, so unchanged criteria keep their positions), scaled down when
    a point would pass ``maximum``."""
    values = [max(0.0, float(shares.get(c, 0.0))) for c in order]
    if not any(v > 0 for v in values):
        raise WeightsError("all weights are zero; give at least one criterion a positive weight")
    scale = total / math.fsum(values) if total > 0 else maximum / max(values)
    scale = min(scale, maximum / max(values))
    return {c: round(v * scale / step) * step for c, v in zip(order, values, strict=True)}


# ------------------------------------------------------------------------------ labels
def option_label(option: Option) -> str:
    """The option's title, marked when it is the status-quo baseline."""
    return option.title + (BASELINE_MARK if option.baseline else "")


def criterion_label(catalog: Catalog, cid: str) -> str:
    """The criterion's name, with ``(cost)`` when a higher score is worse."""
    c = catalog.criteria_by_id[cid]
    return c.name + (" (cost)" if c.direction == "cost" else "")


def cluster_label(cluster: str) -> str:
    """``"reconciliation"`` → ``"Reconciliation"``."""
    return cluster.replace("_", " ").replace("-", " ").capitalize()


# ------------------------------------------------------------------------------ ranking
@dataclass(frozen=True)
class Ranked:
    """A ranking of the catalog under one weight profile and method.

    ``table`` is one row per option, best first: ``rank``, ``option_id``, ``option`` (label,
    baseline marked), ``group``, ``score``, ``baseline``; for the additive model also one
    column per criterion cluster (the cluster's summed contribution). ``contributions`` is the
    long form (``option_id``, ``option``, ``criterion_id``, ``criterion``, ``cluster``,
    ``contribution``) for the additive model, else None. ``notes`` are the engine's caveats.
    """

    method: str
    normalization: str | None
    table: pd.DataFrame
    contributions: pd.DataFrame | None
    notes: tuple[str, ...] = field(default=())

    @property
    def ranks(self) -> dict[str, int]:
        """``{option_id: rank}``."""
        return dict(zip(self.table["option_id"], self.table["rank"].astype(int), strict=True))

    @property
    def order(self) -> list[str]:
        """Option labels best first (the y order of the charts)."""
        return list(self.table["option"])


def _rank(
    catalog: Catalog, weights: Mapping[str, float], method: str
) -> tuple[Ranking, tuple[str, ...]]:
    """:func:`policybench.analysis.rank_catalog` (app defaults), with its warnings as notes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PolicybenchWarning)
        ranking = analysis.rank_catalog(
            catalog, weights, method=method, normalization=normalization_for(method)
        )
    notes = tuple(
        dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, PolicybenchWarning))
    )
    return ranking, notes


def _contribution_rows(catalog: Catalog, ranking: Ranking) -> pd.DataFrame:
    assert ranking.contributions is not None
    problem = to_problem(
        catalog, ranking.weight_map, options=ranking.option_ids, criteria=ranking.criterion_ids
    )
    values = mcda.value_matrix(
        problem.matrix, problem.types, "scale", criteria=problem.criterion_ids
    )
    n, m = values.shape
    labels = np.array(
        [option_label(catalog.options_by_id[o]) for o in ranking.option_ids], dtype=object
    )
    crits = np.array([criterion_label(catalog, c) for c in ranking.criterion_ids], dtype=object)
    clusters = np.array(
        [cluster_label(catalog.criteria_by_id[c].cluster) for c in ranking.criterion_ids],
        dtype=object,
    )
    return pd.DataFrame(
        {
            "option_id": np.repeat(np.array(ranking.option_ids, dtype=object), m),
            "option": np.repeat(labels, m),
            "criterion_id": np.tile(np.array(ranking.criterion_ids, dtype=object), n),
            "criterion": np.tile(crits, n),
            "criterion_order": np.tile(np.arange(m), n),
            "cluster": np.tile(clusters, n),
            "weight_share": np.tile(np.asarray(ranking.weights, dtype=float), n),
            "value": values.reshape(-1),
            "contribution": np.asarray(ranking.contributions, dtype=float).reshape(-1),
        }
    )


def contributions(catalog: Catalog, weights: Mapping[str, float]) -> pd.DataFrame:
    """Each criterion's weighted contribution to each option's additive score (long form).

    ``contribution = share_j × v_ij`` with ``v`` the value-normalised score on the 0–10 scale
    (cost criteria reversed), so an option's contributions sum to its ``wsm`` score. Columns:
    ``option_id``, ``option``, ``criterion_id``, ``criterion``, ``criterion_order``,
    ``cluster``, ``weight_share``, ``value`` (0–1), ``contribution``.
    """
    ranking, _ = _rank(catalog, weights, "wsm")
    return _contribution_rows(catalog, ranking)


def rank_catalog(
    catalog: Catalog,
    weights: Mapping[str, float],
    method: str = "wsm",
) -> Ranked:
    """Rank every option of ``catalog`` under ``weights`` with ``method`` (app defaults).

    Raises :class:`~policybench.errors.WeightsError` for all-zero or invalid weights.
    """
    ranking, notes = _rank(catalog, weights, method)
    scores = np.asarray(ranking.scores, dtype=float) + 0.0  # + 0.0: no "-0.000" on screen
    order = ranking.order()
    options = [catalog.options_by_id[ranking.option_ids[i]] for i in order]
    table = pd.DataFrame(
        {
            "rank": np.asarray(ranking.ranks, dtype=int)[order],
            "option_id": [o.id for o in options],
            "option": [option_label(o) for o in options],
            "group": [catalog.groups_by_id[o.group].name for o in options],
            "group_id": [o.group for o in options],
            "score": scores[order],
            "baseline": [bool(o.baseline) for o in options],
        }
    )
    contrib = None
    if ranking.contributions is not None and is_additive(method, ranking.normalization):
        contrib = _contribution_rows(catalog, ranking)
        parts = np.asarray(ranking.contributions, dtype=float)[order]
        clusters: dict[str, list[int]] = {}
        for j, cid in enumerate(ranking.criterion_ids):
            clusters.setdefault(cluster_label(catalog.criteria_by_id[cid].cluster), []).append(j)
        for name, cols in clusters.items():
            table[name] = parts[:, cols].sum(axis=1)
    return Ranked(method, ranking.normalization, table, contrib, notes)


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


def with_movement(ranked: Ranked, reference: Mapping[str, int] | None) -> pd.DataFrame:
    """The ranking table with a ``move`` column (see :func:`movement`) after ``rank``."""
    arrows = movement(ranked.ranks, reference)
    table = ranked.table.copy()
    table.insert(1, "move", table["option_id"].map(arrows).fillna(""))
    return table


def filter_groups(table: pd.DataFrame, groups: Iterable[str] | None) -> pd.DataFrame:
    """Rows whose option belongs to one of ``groups`` (ids); all rows when ``groups`` is None."""
    if groups is None:
        return table
    return table[table["group_id"].isin(list(groups))].reset_index(drop=True)


# ------------------------------------------------------------------------------ compare
def rank_shift(
    catalog: Catalog,
    profiles: Sequence[tuple[str, Mapping[str, float]]],
    method: str = "wsm",
) -> pd.DataFrame:
    """Ranks of every option under two (or more) labelled weight profiles, long form.

    Columns: ``option_id``, ``option``, ``profile`` (label), ``position`` (0, 1, …), ``rank``,
    ``shift`` (rank under the first profile minus rank under the last: positive = moved up)
    and ``direction`` (``"up"``, ``"down"``, ``"same"``).
    """
    if len(profiles) < 2:
        raise ValueError("compare at least two profiles")
    seen: dict[str, int] = {}
    labelled = []
    for label, w in profiles:  # repeated labels would merge in the wide table: number them
        seen[label] = seen.get(label, 0) + 1
        labelled.append((label if seen[label] == 1 else f"{label} ({seen[label]})", w))
    profiles = labelled
    ranked = [rank_catalog(catalog, w, method).ranks for _, w in profiles]
    first, last = ranked[0], ranked[-1]
    rows = []
    for oid in catalog.option_ids:
        shift = first[oid] - last[oid]
        direction = "up" if shift > 0 else "down" if shift < 0 else "same"
        for k, ((label, _), ranks) in enumerate(zip(profiles, ranked, strict=True)):
            rows.append(
                {
                    "option_id": oid,
                    "option": option_label(catalog.options_by_id[oid]),
                    "profile": label,
                    "position": k,
                    "rank": ranks[oid],
                    "shift": shift,
                    "direction": direction,
                }
            )
    return pd.DataFrame(rows)


def shift_table(shift: pd.DataFrame) -> pd.DataFrame:
    """The wide form of :func:`rank_shift`: one row per option, a rank column per profile."""
    wide = shift.pivot_table(
        index=["option_id", "option"], columns="profile", values="rank", sort=False
    )
    labels = list(dict.fromkeys(shift["profile"]))
    wide = wide[labels].astype(int).reset_index()
    arrows = movement(
        dict(zip(wide["option_id"], wide[labels[-1]].astype(int), strict=True)),
        dict(zip(wide["option_id"], wide[labels[0]].astype(int), strict=True)),
    )
    wide["change"] = wide["option_id"].map(arrows)
    return wide.sort_values(labels[-1], kind="stable").reset_index(drop=True)


def head_to_head(catalog: Catalog, option_ids: Sequence[str]) -> pd.DataFrame:
    """Two or three options criterion by criterion, with each score's range (long form).

    Columns: ``criterion_id``, ``criterion``, ``direction``, ``option_id``, ``option``,
    ``value``, ``low``, ``high``, ``rationale``.
    """
    rows = []
    for crit in catalog.criteria:
        for oid in option_ids:
            option = catalog.options_by_id[oid]
            s = option.scores[crit.id]
            rows.append(
                {
                    "criterion_id": crit.id,
                    "criterion": criterion_label(catalog, crit.id),
                    "direction": crit.direction,
                    "option_id": oid,
                    "option": option_label(option),
                    "value": float(s.value),
                    "low": float(s.low),
                    "high": float(s.high),
                    "rationale": s.rationale,
                }
            )
    return pd.DataFrame(rows)


def head_to_head_table(h2h: pd.DataFrame) -> pd.DataFrame:
    """The wide form of :func:`head_to_head`: a row per criterion, ``value (low–high)`` per option."""
    h = h2h.assign(
        cell=[
            f"{v:g} ({lo:g}–{hi:g})"
            for v, lo, hi in zip(h2h["value"], h2h["low"], h2h["high"], strict=True)
        ]
    )
    wide = h.pivot_table(
        index="criterion", columns="option", values="cell", aggfunc="first", sort=False
    )
    options = list(dict.fromkeys(h2h["option"]))
    return wide[options].reset_index()


def method_agreement(
    catalog: Catalog, weights: Mapping[str, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every method's ranking side by side, and Kendall's tau-b between them.

    Uses :func:`policybench.robustness.agreement` with the app's normalisations. Returns
    ``(ranks, tau)``: ``ranks`` has ``option_id``, ``option`` and one rank column per method
    (labelled by its name in :data:`METHOD_NAMES`), sorted by the first method; ``tau`` is the long form of
    :func:`tau_matrix`.
    """
    from policybench import robustness

    problem = to_problem(catalog, weights)
    methods = list(mcda.METHODS)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", PolicybenchWarning
        )  # the wpm floor is noted on the Rank page
        agr = robustness.agreement(
            problem.matrix,
            problem.weights,
            problem.types,
            methods,
            normalization={m: normalization_for(m) for m in methods},
            criteria=problem.criterion_ids,
        )
    labels = [METHOD_NAMES.get(m, m) for m in agr.methods]
    table = pd.DataFrame(
        {
            "option_id": list(problem.option_ids),
            "option": [option_label(catalog.options_by_id[o]) for o in problem.option_ids],
        }
    )
    for k, label in enumerate(labels):
        table[label] = agr.ranks[k].astype(int)
    table = table.sort_values(labels[0], kind="stable").reset_index(drop=True)
    return table, tau_matrix(labels, agr.tau)


def tau_matrix(labels: Sequence[str], tau: np.ndarray) -> pd.DataFrame:
    """Kendall's tau between methods as a long table (``a``, ``b``, ``tau``) for a heat map."""
    rows = [
        {"a": labels[i], "b": labels[j], "tau": float(tau[i, j])}
        for i in range(len(labels))
        for j in range(len(labels))
    ]
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ evidence
@dataclass(frozen=True)
class EvidenceMatch:
    """An option that passes the Evidence filters, and which of its criteria matched the search."""

    option_id: str
    criteria: frozenset[str]
    in_option: bool


def _hit(needle: str, *texts: str) -> bool:
    return any(needle in " ".join(t.split()).casefold() for t in texts)


def option_sources(option: Option) -> set[str]:
    """Every source an option cites: its proposers and the sources of all its quotes."""
    out = set(option.sources) | {q.source for q in option.quotes}
    for s in option.scores.values():
        out |= {q.source for q in s.quotes}
    return out


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
    needle = " ".join(query.split()).casefold()
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
    """An option's score on every criterion with its range, in catalog order (for a card)."""
    rows = []
    for crit in catalog.criteria:
        s = option.scores[crit.id]
        rows.append(
            {
                "criterion": criterion_label(catalog, crit.id),
                "score": float(s.value),
                "low": float(s.low),
                "high": float(s.high),
            }
        )
    return pd.DataFrame(rows)


def headline(ranked: Ranked) -> str:
    """One sentence for the top of the Rank page: who leads, by how much, where the status quo is."""
    t = ranked.table
    ranks = [int(r) for r in t["rank"]]
    labels = [str(x).removesuffix(BASELINE_MARK) for x in t["option"]]
    scores = [float(x) for x in t["score"]]
    n = len(ranks)
    top = [k for k, r in enumerate(ranks) if r == 1]
    names = [labels[k] for k in top]
    if len(names) > 1:
        lead = f"{', '.join(names[:-1])} and {names[-1]} tie for first place"
    else:
        lead = f"{names[0]} ranks first"
        if n > 1:
            lead += f", {scores[0] - scores[1]:.3f} ahead of {labels[1]}"
    base = [k for k, b in enumerate(t["baseline"]) if b]
    tail = ""
    if base:
        r = ranks[base[0]]
        better = sum(1 for x in ranks if x < r)
        if better == 0:
            tail = " No option scores better than the status quo."
        else:
            tail = f" The status quo ranks {r} of {n}: {better} option{'s' if better != 1 else ''} score{'s' if better == 1 else ''} better."
    return lead + "." + tail


# ------------------------------------------------------------------------------ robustness
@dataclass(frozen=True)
class Sensitivity:
    """A one-way sweep of one criterion's weight, ready to draw.

    ``lines`` has ``weight`` (the criterion's share, 0–1), ``option``, ``score`` for the options
    worth showing (the current top few and any option that is first somewhere on the path);
    ``first_changes`` has ``weight`` and ``label`` for each weight at which first place
    changes hands; ``crossings`` counts every swap of two options on the path.
    """

    criterion_id: str
    criterion: str
    current: float
    lines: pd.DataFrame
    first_changes: pd.DataFrame
    crossings: int


def _change_label(event: BreakEven, label: Mapping[int, str]) -> str:
    a, b = (label[i] for i in event.options)
    if event.ahead_above is not None and event.ahead_below is not None:
        return f"{label[event.ahead_above]} overtakes {label[event.ahead_below]}"
    if event.ahead_above is None:  # a tie begins here (vikor)
        return f"{a} and {b} draw level"
    other = next(i for i in event.options if i != event.ahead_above)  # a tie ends here
    return f"{label[event.ahead_above]} pulls ahead of {label[other]}"


def sensitivity(
    catalog: Catalog,
    weights: Mapping[str, float],
    method: str,
    criterion_id: str,
    *,
    top: int = 6,
    points: int = 101,
) -> Sensitivity:
    """Scores as ``criterion_id``'s weight goes from 0 to 1, the others keeping their proportions."""
    from policybench import robustness

    problem = to_problem(catalog, weights)
    norm = normalization_for(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicybenchWarning)
        sw = robustness.sweep(
            problem.matrix,
            problem.weights,
            problem.types,
            criterion_id,
            method,
            norm,
            points,
            criteria=problem.criterion_ids,
        )
        events = robustness.break_even(
            problem.matrix,
            problem.weights,
            problem.types,
            criterion_id,
            method,
            norm,
            criteria=problem.criterion_ids,
        )
        first_changes = []
        if events:
            f = mcda.scorer(
                problem.matrix, problem.types, method, norm, criteria=problem.criterion_ids
            )
            ranks = mcda.rank(f(np.vstack([e.weights for e in events])))
            for e, r in zip(events, ranks, strict=True):
                a, b = e.options
                if r[a] == 1 and r[b] == 1:
                    first_changes.append(e)
        now = mcda.rank(
            mcda.score(
                problem.matrix,
                problem.weights,
                problem.types,
                method,
                norm,
                criteria=problem.criterion_ids,
            )
        )
    ids = problem.option_ids
    shown_idx = [int(i) for i in np.argsort(now, kind="stable")[:top]]
    for k in np.flatnonzero((sw.ranks == 1).any(axis=0)):
        if int(k) not in shown_idx:
            shown_idx.append(int(k))
    for e in first_changes:
        for opt in e.options:
            if opt not in shown_idx:
                shown_idx.append(int(opt))
    label = {i: option_label(catalog.options_by_id[ids[i]]) for i in shown_idx}
    lines = pd.DataFrame(
        {
            "weight": np.tile(sw.t, len(shown_idx)),
            "option": np.repeat(np.array([label[i] for i in shown_idx], dtype=object), len(sw.t)),
            "score": np.concatenate([sw.scores[:, i] for i in shown_idx]),
        }
    )
    changes = pd.DataFrame(
        [
            {
                "weight": e.weight,
                "label": _change_label(e, label),
            }
            for e in first_changes
        ],
        columns=["weight", "label"],
    )
    crit = catalog.criteria_by_id[criterion_id]
    return Sensitivity(criterion_id, crit.name, float(sw.weight), lines, changes, len(events))


def stability_table(catalog: Catalog, weights: Mapping[str, float], method: str) -> pd.DataFrame:
    """Per criterion, the range of its weight (in %) over which the top option, and the whole
    ranking, stay as they are (the other weights keeping their proportions).

    Columns: ``criterion``, ``weight`` (current share, %), ``top_from``, ``top_to``,
    ``ranking_from``, ``ranking_to`` (all %), ``top`` (the option(s) first now).
    """
    from policybench import robustness

    problem = to_problem(catalog, weights)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicybenchWarning)
        result = robustness.stability_intervals(
            problem.matrix,
            problem.weights,
            problem.types,
            method,
            normalization_for(method),
            criteria=problem.criterion_ids,
        )
    rows = []
    for s in result:
        cid = problem.criterion_ids[s.criterion]
        rows.append(
            {
                "criterion": criterion_label(catalog, cid),
                "weight": 100 * s.weight,
                "top_from": 100 * s.top_interval[0],
                "top_to": 100 * s.top_interval[1],
                "ranking_from": 100 * s.ranking_interval[0],
                "ranking_to": 100 * s.ranking_interval[1],
                "top": ", ".join(
                    option_label(catalog.options_by_id[problem.option_ids[i]]) for i in s.top
                ),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class WhatItTakes:
    """The nearest weights that put an option first, as slider positions.

    ``table`` has ``criterion``, ``now`` and ``after`` (slider points), ``now_share`` and
    ``after_share`` (%), ``change`` (percentage points). ``after`` are the slider points to
    apply (None when no weights can put the option first); ``outright`` says whether, once
    snapped to the sliders' steps, they make the option first on its own (else level first).
    ``blocked_by`` names the options that beat it on every criterion when no weights can.
    """

    option_id: str
    feasible: bool
    already_first: bool
    distance: float
    table: pd.DataFrame | None
    after: dict[str, float] | None
    outright: bool
    blocked_by: tuple[str, ...]
    exact: bool

    @property
    def moved(self) -> float:
        """The share of the total weight that moves between criteria (half the l1 change)."""
        return self.distance / 2


#: How far past the nearest tie the applied weights may go, tried in order, so that the
#: option is first outright once the weights are snapped to the sliders' steps.
OVERSHOOT = (1.0, 1.02, 1.05, 1.1, 1.2, 1.35, 1.5, 1.75, 2.0)


def what_it_takes(
    catalog: Catalog,
    weights: Mapping[str, float],
    method: str,
    option_id: str,
    *,
    maximum: float,
    step: float,
) -> WhatItTakes:
    """The smallest change of the weights (sum of absolute changes of the shares) that puts
    ``option_id`` first, as slider points on ``0…maximum`` in ``step`` whose total stays
    that of the current sliders (so criteria that barely change keep their positions)."""
    from policybench import robustness

    problem = to_problem(catalog, weights)
    norm = normalization_for(method)
    ids = problem.criterion_ids
    o = problem.option_ids.index(option_id)
    total = math.fsum(float(weights[c]) for c in ids)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicybenchWarning)
        res = robustness.what_it_takes(
            problem.matrix,
            problem.weights,
            problem.types,
            o,
            "l1",
            method,
            norm,
            criteria=problem.criterion_ids,
        )
        if not res.feasible or res.weights is None:
            blocked = tuple(
                option_label(catalog.options_by_id[problem.option_ids[i]]) for i in res.blocked_by
            )
            return WhatItTakes(
                option_id, False, False, math.inf, None, None, False, blocked, res.exact
            )
        already = res.distance == 0
        best: tuple[dict[str, float], bool] | None = None
        if already:
            best = ({c: float(weights[c]) for c in ids}, True)
        else:
            f = mcda.scorer(problem.matrix, problem.types, method, norm, criteria=ids)
            w0 = problem.weights
            for k in OVERSHOOT:
                target = np.clip(w0 + k * (res.weights - w0), 0.0, None)
                if target.sum() <= 0:
                    continue
                points = to_slider_points(
                    dict(zip(ids, target / target.sum(), strict=True)),
                    ids,
                    total=total,
                    maximum=maximum,
                    step=step,
                )
                vec = np.array([points[c] for c in ids], dtype=float)
                if vec.sum() <= 0:
                    continue
                ranks = mcda.rank(f(vec / vec.sum()))
                if ranks[o] == 1 and int((ranks == 1).sum()) == 1:
                    best = (points, True)
                    break
                if best is None and ranks[o] == 1:
                    best = (points, False)
    if best is None:
        best = (
            to_slider_points(
                dict(zip(ids, res.weights, strict=True)),
                ids,
                total=total,
                maximum=maximum,
                step=step,
            ),
            False,
        )
    after, outright = best
    now_shares = weight_shares(weights, ids) or {}
    after_shares = weight_shares(after, ids) or {}
    table = pd.DataFrame(
        [
            {
                "criterion": criterion_label(catalog, c),
                "now": float(weights[c]),
                "after": float(after[c]),
                "now_share": 100 * now_shares[c],
                "after_share": 100 * after_shares[c],
                "change": 100 * (after_shares[c] - now_shares[c]),
            }
            for c in ids
        ]
    )
    return WhatItTakes(
        option_id, True, bool(already), float(res.distance), table, after, outright, (), res.exact
    )


def smaa_frames(
    catalog: Catalog, result: SMAAResult, option_ids: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """An SMAA result as ``(acceptability, first, order)`` for the heat map and the bar chart.

    ``acceptability`` is long (``option``, ``rank``, ``share``); ``first`` has ``option``,
    ``share`` (ranked first) and ``confidence``; ``order`` lists option labels by expected rank
    (best first).
    """
    acc = np.asarray(result.rank_acceptability, dtype=float)
    confidence = np.asarray(result.confidence, dtype=float)
    labels = [option_label(catalog.options_by_id[o]) for o in option_ids]
    n = acc.shape[0]
    expected = acc @ np.arange(1, n + 1)
    order = [labels[i] for i in np.lexsort((np.arange(n), expected))]
    long = pd.DataFrame(
        {
            "option": np.repeat(np.array(labels, dtype=object), n),
            "rank": np.tile(np.arange(1, n + 1), n),
            "share": acc.reshape(-1),
        }
    )
    first = pd.DataFrame({"option": labels, "share": acc[:, 0], "confidence": confidence})
    return long, first, order
