"""Tables built from rankings and the catalog, as pandas DataFrames (no Streamlit, no I/O).

The CLI prints them, the app shows them and the writers save them: one builder, one set of
column names. Nothing here mutates its inputs; every function returns a new DataFrame.

Column names are machine-readable: ids and ``:``-separated parts, e.g. ``score:deterrence``,
``wsm:contribution:deterrence``, ``wsm:rank``. A criterion id is a slug
(``[a-z0-9][a-z0-9_-]*``), so the separator never occurs inside one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from policybench.analysis import Ranking
from policybench.catalog import Catalog, Quote


class SmaaLike(Protocol):
    """What :func:`smaa_table` reads from a SMAA result (``robustness.smaa``'s)."""

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


def ranking_table(
    ranking: Ranking, catalog: Catalog, *, contributions: bool = False
) -> pd.DataFrame:
    """One row per option, best first: rank, id, title, group, score (and, for additive
    methods when asked, each criterion's weighted contribution to the score)."""
    rows: list[dict[str, Any]] = []
    for i in ranking.order():
        option = catalog.options_by_id[ranking.option_ids[i]]
        row: dict[str, Any] = {
            "rank": int(ranking.ranks[i]),
            "option": option.id,
            "title": option.title,
            "group": catalog.groups_by_id[option.group].name,
            "baseline": option.baseline,
            "score": float(ranking.scores[i]),
        }
        if contributions and ranking.contributions is not None:
            for j, cid in enumerate(ranking.criterion_ids):
                row[f"contribution:{cid}"] = float(ranking.contributions[i, j])
        rows.append(row)
    return pd.DataFrame(rows)


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


def _check_same_problem(rankings: Sequence[Ranking]) -> None:
    if not rankings:
        raise ValueError("at least one ranking is needed")
    first = rankings[0]
    for r in rankings[1:]:
        if r.option_ids != first.option_ids or r.criterion_ids != first.criterion_ids:
            raise ValueError("rankings to compare must cover the same options and criteria")


def comparison_table(rankings: Sequence[Ranking], catalog: Catalog) -> pd.DataFrame:
    """Options × criteria, with every method's result beside the raw scores.

    One row per option, in the first ranking's order (best first; ties keep catalog order).
    Columns: ``option``, ``title``, ``group``, ``baseline``; for each criterion ``score:<c>``
    (the catalog's 0–10 value), ``low:<c>`` and ``high:<c>`` (its honest range); then for each
    ranking (prefix ``L`` from :func:`ranking_labels`) ``L:contribution:<c>`` for each
    criterion when the method is additive (the weighted value that sums to the total),
    ``L:total`` (the method's score, higher is better) and ``L:rank`` (1 = best).
    """
    _check_same_problem(rankings)
    first = rankings[0]
    labels = ranking_labels(rankings)
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
        for label, r in zip(labels, rankings, strict=True):
            if r.contributions is not None:
                for j, cid in enumerate(r.criterion_ids):
                    row[f"{label}:contribution:{cid}"] = float(r.contributions[i, j])
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
    rows = []
    for cid in ids:
        c = catalog.criteria_by_id[cid]
        rows.append(
            {
                "criterion": c.id,
                "name": c.name,
                "cluster": c.cluster,
                "direction": c.direction,
                "weight": float(weights[cid]),
            }
        )
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
    preset's (``preset``, only when ``preset`` names one), then for each option its own quotes
    (``option``) followed by each score's (``score``, with the score's rationale). Options and
    criteria default to the whole catalog, in catalog order; pass a ranking's order to follow
    it. ``stance`` is ``supports``, ``cautions`` or empty (neutral context).
    """
    opts = list(option_ids) if option_ids is not None else list(catalog.option_ids)
    crits = list(criterion_ids) if criterion_ids is not None else list(catalog.criterion_ids)
    rows: list[dict[str, Any]] = []

    def add(
        where: str,
        quote: Quote,
        *,
        option: str = "",
        criterion: str = "",
        preset_id: str = "",
        rationale: str = "",
    ) -> None:
        source = catalog.sources_by_id[quote.source]
        rows.append(
            {
                "where": where,
                "option": option,
                "criterion": criterion,
                "preset": preset_id,
                "stance": quote.stance or "",
                "quote": quote.text,
                "source": source.id,
                "citation": source.citation,
                "rationale": rationale,
            }
        )

    for cid in crits:
        for q in catalog.criteria_by_id[cid].quotes:
            add("criterion", q, criterion=cid)
    if preset is not None and preset in catalog.presets_by_id:
        for q in catalog.presets_by_id[preset].quotes:
            add("preset", q, preset_id=preset)
    for oid in opts:
        option = catalog.options_by_id[oid]
        for q in option.quotes:
            add("option", q, option=oid)
        for cid in crits:
            score = option.scores[cid]
            for q in score.quotes:
                add("score", q, option=oid, criterion=cid, rationale=score.rationale)
    return pd.DataFrame(rows, columns=list(QUOTE_COLUMNS))


def smaa_table(result: SmaaLike, option_ids: Sequence[str], catalog: Catalog) -> pd.DataFrame:
    """One row per option: ``option``, ``title``, ``first`` (its acceptability of rank 1),
    ``rank 1`` … ``rank N`` (the share of samples in which it takes each rank) and
    ``confidence`` (the share of score samples in which it is first under its central
    weights). Rows are sorted by ``first``, highest first; ties keep the given order."""
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
