"""Names and short phrases as people read them: methods, options, criteria, clusters, weight
shares, rank movements.

The one place each is written: the Rank page, the exports and the command line call these, so
the same criterion is called the same thing everywhere. Names are the catalog's text, not
escaped here: escape them for where they go (:mod:`policybench.present.text`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from policybench import mcda
from policybench.catalog import Catalog, Option

#: Added to the status quo's title wherever options are listed (tables, chart axes).
BASELINE_MARK = " (baseline)"


def method_title(method: str) -> str:
    """``"Weighted sum"``: the method's name (its id when it is not a known method)."""
    spec = mcda.METHODS.get(method)
    return spec.title if spec is not None else method


def method_label(method: str) -> str:
    """``"Weighted sum (wsm)"``: the name a workshop reads, with the id the CLI takes."""
    title = method_title(method)
    return title if title == method else f"{title} ({method})"


def option_label(option: Option) -> str:
    """The option's title, marked when it is the status-quo baseline."""
    return option.title + (BASELINE_MARK if option.baseline else "")


def criterion_label(catalog: Catalog, criterion_id: str) -> str:
    """The criterion's name, with ``(cost)`` when a higher score is worse."""
    c = catalog.criteria_by_id[criterion_id]
    return c.name + (" (cost)" if c.direction == "cost" else "")


def cluster_label(cluster: str) -> str:
    """``"reconciliation"`` → ``"Reconciliation"``."""
    return cluster.replace("_", " ").replace("-", " ").capitalize()


def share_label(share: float | None) -> str:
    """A share as a percentage with one decimal (``"16.2 %"``), or a dash when undefined."""
    if share is None or not math.isfinite(share):
        return "–"
    return f"{100 * share:.1f} %"


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
