"""What the workshop pages should show, computed by policybench itself from the same weights:
the load test compares each page's decoded table with these (a difference is an error)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policybench.analysis.rank import rank_catalog
from policybench.analysis.workshop import group_result
from policybench.catalog import Catalog
from policybench.present.workshop import group_ranking, own_ranking


def own_order(catalog: Catalog, shop: Any, weights: Mapping[str, float]) -> list[str]:
    """The options (ids) of a participant's own ranking, best first."""
    ranking = rank_catalog(catalog, weights, options=shop.options, criteria=shop.criteria)
    return [str(o) for o in own_ranking(catalog, ranking)["option"]]


def group_order(catalog: Catalog, shop: Any, weights: Sequence[Mapping[str, float]]) -> list[str]:
    """The options (ids) of the group's ranking (mean weights), best first."""
    result = group_result(catalog, shop.options, shop.criteria, weights)
    return [str(o) for o in group_ranking(catalog, result)["option"]]
