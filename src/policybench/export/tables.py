"""Tables built from rankings and the catalog, as pandas DataFrames (no Streamlit, no I/O).

The CLI prints them, the app shows them and the writers save them: one builder, one set of
column names.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from policybench.analysis import Ranking
from policybench.catalog import Catalog


def ranking_table(ranking: Ranking, catalog: Catalog, *, contributions: bool = False) -> pd.DataFrame:
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
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in ranking.params.items()},
        "weights": ranking.weight_map,
        "catalog_fingerprint": ranking.catalog_fingerprint[:12],
        "policybench_version": version,
    }
