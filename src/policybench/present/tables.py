"""The tables people read about a ranking, as pandas DataFrames: one schema, wherever shown.

:func:`ranking_table` is the ranking's one schema — ``rank``, ``option`` (the id), ``title``,
``group``, ``baseline``, ``score`` and, for an additive method when asked,
``contribution:<criterion>`` — printed by ``policybench rank``, written by every export and
shown on the Rank page (which adds its own display columns: :func:`screen_table`). The
comparison, criteria, quotes and SMAA tables follow the same conventions.

Column names are machine-readable: ids and ``:``-separated parts, e.g. ``score:deterrence``,
``wsm:contribution:deterrence``, ``wsm:rank``. A criterion id is a slug
(``[a-z0-9][a-z0-9_-]*``), so the separator never occurs inside one. Nothing here mutates its
inputs; every function returns a new DataFrame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from policybench.analysis.rank import Ranking
from policybench.analysis.screen import Selection
from policybench.catalog import Catalog, Quote
from policybench.present.labels import cluster_label, movement, option_label


class SmaaLike(Protocol):
    """What :func:`smaa_table` reads from a SMAA result."""

    @property
    def rank_acceptability(self) -> npt.NDArray[np.float64]: ...

    @property
    def confidence(self) -> npt.NDArray[np.float64]: ...


QUOTE_COLUMNS = (
    "where",
    "option",
    "criterion",
    "preset",
    "stance",
    "quote",
    "source",
    "citation",
    "rationale",
)


# ------------------------------------------------------------------------------ ranking
def ranking_table(
    ranking: Ranking, catalog: Catalog, *, contributions: bool = False
) -> pd.DataFrame:
    """One row per option, best first: ``rank``, ``option``, ``title``, ``group``,
    ``baseline``, ``score`` (and, for additive methods when asked, each criterion's weighted
    contribution to the score, ``contribution:<criterion>``)."""
    order = ranking.order()
    options = [catalog.options_by_id[ranking.option_ids[i]] for i in order]
    table = pd.DataFrame(
        {
            "rank": [int(ranking.ranks[i]) for i in order],
            "option": [o.id for o in options],
            "title": [o.title for o in options],
            "group": [catalog.groups_by_id[o.group].name for o in options],
            "baseline": [bool(o.baseline) for o in options],
            "score": [float(ranking.scores[i]) for i in order],
        }
    )
    parts = ranking.contributions
    if contributions and parts is not None:
        for j, cid in enumerate(ranking.criterion_ids):
            table[f"contribution:{cid}"] = [float(parts[i, j]) for i in order]
    return table


def with_labels(table: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """A copy of a table with an ``option`` column (ids) and, after it, ``label``: the option's
    title with the status quo marked, as every screen shows options."""
    out = table.copy()
    at = list(out.columns).index("option") + 1
    out.insert(at, "label", [option_label(catalog.options_by_id[o]) for o in out["option"]])
    return out


def screen_table(
    ranking: Ranking, catalog: Catalog, reference: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """:func:`ranking_table` with what the Rank page shows beside it: ``move`` (arrows against
    ``reference`` ranks, see :func:`~policybench.present.labels.movement`) after ``rank``,
    ``label`` (:func:`with_labels`) and, for an additive method, one column per criterion
    cluster holding what its criteria add to the score."""
    table = with_labels(ranking_table(ranking, catalog), catalog)
    arrows = movement(ranking.rank_map, reference)
    table.insert(1, "move", [arrows[o] for o in table["option"]])
    parts = ranking.contributions
    if parts is not None:
        order = ranking.order()
        clusters: dict[str, list[int]] = {}
        for j, cid in enumerate(ranking.criterion_ids):
            clusters.setdefault(cluster_label(catalog.criteria_by_id[cid].cluster), []).append(j)
        for name, cols in clusters.items():
            table[name] = parts[order][:, cols].sum(axis=1)
    return table


def only_groups(
    table: pd.DataFrame, catalog: Catalog, groups: Iterable[str] | None
) -> pd.DataFrame:
    """Rows whose option belongs to one of ``groups`` (ids); every row when ``groups`` is None."""
    if groups is None:
        return table
    wanted = set(groups)
    keep = [catalog.options_by_id[o].group in wanted for o in table["option"]]
    return table[keep].reset_index(drop=True)


def headline(table: pd.DataFrame) -> str:
    """One sentence about a :func:`ranking_table`: who leads, by how much, where the status
    quo is."""
    ranks = [int(r) for r in table["rank"]]
    titles = [str(t) for t in table["title"]]
    scores = [float(s) for s in table["score"]]
    n = len(ranks)
    names = [titles[k] for k, r in enumerate(ranks) if r == 1]
    if len(names) > 1:
        lead = f"{', '.join(names[:-1])} and {names[-1]} tie for first place"
    else:
        lead = f"{names[0]} ranks first"
        if n > 1:
            lead += f", {scores[0] - scores[1]:.3f} ahead of {titles[1]}"
    base = [k for k, b in enumerate(table["baseline"]) if b]
    tail = ""
    if base:
        r = ranks[base[0]]
        better = sum(1 for x in ranks if x < r)
        if better == 0:
            tail = " No option scores better than the status quo."
        else:
            verb = "scores" if better == 1 else "score"
            tail = f" The status quo ranks {r} of {n}: {better} option{'s' if better != 1 else ''} {verb} better."
    return lead + "." + tail


def screened_records(selection: Selection, catalog: Catalog) -> list[dict[str, Any]]:
    """What the screen set aside, as the command line's JSON gives it: ``option``, ``title``
    and every requirement it ``failed`` (``"achievability 0 < 1"``)."""
    return [
        {
            "option": s.option,
            "title": catalog.options_by_id[s.option].title,
            "failed": list(s.failed),
        }
        for s in selection.screened_out
    ]


def screened_lines(selection: Selection, catalog: Catalog) -> list[str]:
    """What the screen set aside, for people: a heading naming the screen, then one line per
    option with what it fails (and, for the catalog's own screen, why the screen exists)."""
    if not selection.screened_out:
        return []
    reasons = {r.expression: r.reason for r in catalog.default_screen if r.reason}
    heading = f"Set aside by the screen ({', '.join(selection.expressions)}), whatever the weights:"
    lines = [heading]
    for s in selection.screened_out:
        lines.append(f"{catalog.options_by_id[s.option].title} [{s.option}]: {'; '.join(s.failed)}")
    lines.extend(
        f"Why {expr}: {reason}" for expr, reason in reasons.items() if expr in selection.expressions
    )
    return lines


def plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Method parameters as JSON-ready values (tuples and arrays become lists)."""
    return {k: _plain(v) for k, v in sorted(params.items())}


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def ranking_title(ranking: Ranking) -> str:
    """``"wsm (scale)"``, with the parameters that change the result when there are any."""
    shown = {k: v for k, v in plain_params(ranking.params).items() if k != "bounds"}
    extra = ", ".join(f"{k}={v}" for k, v in shown.items())
    return f"{ranking.method} ({ranking.normalization}{', ' + extra if extra else ''})"


def ranking_metadata(ranking: Ranking, version: str) -> dict[str, Any]:
    """The stamp every export carries: what was computed, how, on which catalog."""
    return {
        "profile": ranking.label,
        "method": ranking.method,
        "normalization": ranking.normalization,
        "params": plain_params(ranking.params),
        "weights": ranking.weight_map,
        "catalog_fingerprint": ranking.catalog_fingerprint[:12],
        "policybench_version": version,
    }


def ranking_labels(rankings: Sequence[Ranking]) -> list[str]:
    """A short, unique label per ranking, used as the column prefix in the comparison table.

    The method's name; ``method/normalization`` when a method appears more than once; a
    ``#k`` suffix if that still repeats (the same method and normalisation, other parameters).
    """
    methods = [r.method for r in rankings]
    labels = [
        r.method if methods.count(r.method) == 1 else f"{r.method}/{r.normalization}"
        for r in rankings
    ]
    seen: dict[str, int] = {}
    out: list[str] = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if labels.count(label) == 1 else f"{label}#{seen[label]}")
    return out


# ------------------------------------------------------------------------------ comparison
def comparison_table(rankings: Sequence[Ranking], catalog: Catalog) -> pd.DataFrame:
    """Options × criteria, with every method's result beside the raw scores.

    One row per option, in the first ranking's order (best first; ties keep catalog order).
    Columns: ``option``, ``title``, ``group``, ``baseline``; for each criterion ``score:<c>``
    (the catalog's 0–10 value), ``low:<c>`` and ``high:<c>`` (its honest range); then for each
    ranking (prefix ``L`` from :func:`ranking_labels`) ``L:contribution:<c>`` for each
    criterion when the method is additive (the weighted value that sums to the total),
    ``L:total`` (the method's score, higher is better) and ``L:rank`` (1 = best).
    """
    if not rankings:
        raise ValueError("at least one ranking is needed")
    first = rankings[0]
    for r in rankings[1:]:
        if r.option_ids != first.option_ids or r.criterion_ids != first.criterion_ids:
            raise ValueError("rankings to compare must cover the same options and criteria")
    labels = ranking_labels(rankings)
    parts = [r.contributions for r in rankings]
    rows: list[dict[str, Any]] = []
    for i in first.order():
        option = catalog.options_by_id[first.option_ids[i]]
        row: dict[str, Any] = {
            "option": option.id,
            "title": option.title,
            "group": catalog.groups_by_id[option.group].name,
            "baseline": option.baseline,
        }
        for cid in first.criterion_ids:
            score = option.scores[cid]
            row[f"score:{cid}"] = float(score.value)
            row[f"low:{cid}"] = float(score.low)
            row[f"high:{cid}"] = float(score.high)
        for label, r, contrib in zip(labels, rankings, parts, strict=True):
            if contrib is not None:
                for j, cid in enumerate(r.criterion_ids):
                    row[f"{label}:contribution:{cid}"] = float(contrib[i, j])
            row[f"{label}:total"] = float(r.scores[i])
            row[f"{label}:rank"] = int(r.ranks[i])
        rows.append(row)
    return pd.DataFrame(rows)


def criteria_table(
    catalog: Catalog, weights: Mapping[str, float], criterion_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """One row per criterion in play: id, name, cluster, direction and its weight (as used,
    summing to 1)."""
    ids = list(criterion_ids) if criterion_ids is not None else list(weights)
    rows = [
        {
            "criterion": c.id,
            "name": c.name,
            "cluster": c.cluster,
            "direction": c.direction,
            "weight": float(weights[c.id]),
        }
        for c in (catalog.criteria_by_id[cid] for cid in ids)
    ]
    return pd.DataFrame(rows, columns=["criterion", "name", "cluster", "direction", "weight"])


def quotes_table(
    catalog: Catalog,
    option_ids: Iterable[str] | None = None,
    criterion_ids: Iterable[str] | None = None,
    *,
    preset: str | None = None,
) -> pd.DataFrame:
    """Every quote behind the numbers, with its stance and full citation.

    Rows come in this order: the criteria's quotes (``where`` = ``criterion``), the chosen
    preset's (``preset``, only when ``preset`` names one), then for each option the quote that
    makes it a recommendation (``recommendation``, when it has one), its own quotes
    (``option``) and each score's (``score``, with the score's rationale). Options and
    criteria default to the whole catalog, in catalog order; pass a ranking's order to follow
    it. ``stance`` is ``supports``, ``cautions`` or empty (neutral context).
    """
    opts = list(option_ids) if option_ids is not None else list(catalog.option_ids)
    crits = list(criterion_ids) if criterion_ids is not None else list(catalog.criterion_ids)
    rows: list[dict[str, Any]] = []

    def add(where: str, quote: Quote, **at: str) -> None:
        source = catalog.sources_by_id[quote.source]
        rows.append(
            {
                "where": where,
                "option": at.get("option", ""),
                "criterion": at.get("criterion", ""),
                "preset": at.get("preset", ""),
                "stance": quote.stance or "",
                "quote": quote.text,
                "source": source.id,
                "citation": source.citation,
                "rationale": at.get("rationale", ""),
            }
        )

    for cid in crits:
        for q in catalog.criteria_by_id[cid].quotes:
            add("criterion", q, criterion=cid)
    if preset is not None and preset in catalog.presets_by_id:
        for q in catalog.presets_by_id[preset].quotes:
            add("preset", q, preset=preset)
    for oid in opts:
        option = catalog.options_by_id[oid]
        if option.recommendation_quote is not None:
            add("recommendation", option.recommendation_quote, option=oid)
        for q in option.quotes:
            add("option", q, option=oid)
        for cid in crits:
            score = option.scores[cid]
            for q in score.quotes:
                add("score", q, option=oid, criterion=cid, rationale=score.rationale)
    return pd.DataFrame(rows, columns=list(QUOTE_COLUMNS))


# ------------------------------------------------------------------------------ SMAA
def smaa_table(result: SmaaLike, option_ids: Sequence[str], catalog: Catalog) -> pd.DataFrame:
    """SMAA's one table: a row per option — ``option``, ``title``, ``first`` (its
    acceptability of rank 1), ``rank 1`` … ``rank N`` (the share of samples in which it
    takes each rank) and ``confidence`` (the share of score samples in which it is first
    under its central weights) — sorted by ``first``, highest first (ties keep the order
    given). :func:`smaa_summary` and :func:`acceptability_long` derive from it."""
    acc = np.asarray(result.rank_acceptability, dtype=float)
    conf = np.asarray(result.confidence, dtype=float)
    n = len(option_ids)
    if acc.shape != (n, n) or conf.shape != (n,):
        raise ValueError(
            f"SMAA result does not match {n} options: acceptability {acc.shape}, confidence {conf.shape}"
        )
    rows = []
    for i, oid in enumerate(option_ids):
        row: dict[str, Any] = {
            "option": oid,
            "title": catalog.options_by_id[oid].title,
            "first": float(acc[i, 0]),
        }
        for r in range(n):
            row[f"rank {r + 1}"] = float(acc[i, r])
        row["confidence"] = float(conf[i])
        rows.append(row)
    order = sorted(range(n), key=lambda i: (-rows[i]["first"], i))
    return pd.DataFrame([rows[i] for i in order])


def _rank_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c.startswith("rank ")]


def smaa_summary(table: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """An :func:`smaa_table` by expected rank (best first; ties keep its order): ``option``,
    ``label`` (the title, the status quo marked), ``first``, ``top3`` (the share of samples in
    the top three) and ``expected_rank``."""
    ranks = table[_rank_columns(table)].to_numpy(dtype=float)
    n = ranks.shape[1]
    expected = ranks @ np.arange(1, n + 1)
    order = np.lexsort((np.arange(len(table)), expected))
    return pd.DataFrame(
        {
            "option": table["option"].to_numpy()[order],
            "label": [
                option_label(catalog.options_by_id[o]) for o in table["option"].to_numpy()[order]
            ],
            "first": ranks[order, 0],
            "top3": ranks[order, : min(3, n)].sum(axis=1),
            "expected_rank": expected[order],
        }
    )


def acceptability_long(table: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """An :func:`smaa_table` in long form for a heat map: ``option`` (``labels[k]`` for row
    ``k``), ``rank`` (1…N) and ``share``."""
    cols = _rank_columns(table)
    shares = table[cols].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "option": np.repeat(np.array(list(labels), dtype=object), len(cols)),
            "rank": np.tile(np.arange(1, len(cols) + 1), len(table)),
            "share": shares.reshape(-1),
        }
    )


def smaa_central_weights_table(
    result: Any, option_ids: Sequence[str], criterion_ids: Sequence[str]
) -> pd.DataFrame:
    """Each option's central weight vector (the mean of the weights that make it first); an
    option that is never first has empty (NaN) weights."""
    central = np.asarray(result.central_weights, dtype=float)
    rows = []
    for i, oid in enumerate(option_ids):
        row: dict[str, Any] = {"option": oid}
        for j, cid in enumerate(criterion_ids):
            row[f"weight:{cid}"] = float(central[i, j])
        rows.append(row)
    return pd.DataFrame(rows)
