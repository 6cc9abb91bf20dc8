"""The catalog: data model, strict loader, fingerprint, and the conversion to arrays."""

from __future__ import annotations

from policybench.catalog.loader import (
    default_options_dir,
    fingerprint,
    iter_quotes,
    load,
    read_source_texts,
)
from policybench.catalog.models import (
    Catalog,
    Criterion,
    Group,
    Option,
    Preset,
    Quote,
    Requirement,
    Score,
    Source,
)
from policybench.catalog.problem import (
    Problem,
    Reconciled,
    check_weights,
    direction_to_type,
    equal_weights,
    parse_requirement,
    parse_weights,
    reconcile_weights,
    to_problem,
)
from policybench.catalog.serialize import catalog_dict
from policybench.catalog.verbatim import fold

__all__ = [
    "Catalog",
    "Criterion",
    "Group",
    "Option",
    "Preset",
    "Problem",
    "Quote",
    "Reconciled",
    "Requirement",
    "Score",
    "Source",
    "catalog_dict",
    "check_weights",
    "default_options_dir",
    "direction_to_type",
    "equal_weights",
    "fingerprint",
    "fold",
    "iter_quotes",
    "load",
    "parse_requirement",
    "parse_weights",
    "read_source_texts",
    "reconcile_weights",
    "to_problem",
]
