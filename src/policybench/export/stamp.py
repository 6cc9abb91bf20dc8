"""The stamp every export carries: where its numbers came from, in fields and in words.

The fields (a report's ``metadata``, :class:`~policybench.export.report.Report`): the
perspective or profile by name (:func:`describe_weights`), the weights, each method with its
normalisation and parameters (:func:`method_entry`), the options in play and what the screen
set aside (:func:`selection_metadata`), and, at the end of every stamp
(:func:`provenance`), the catalog's fingerprint (12 hex digits), the package version and a UTC
timestamp (:func:`utc_timestamp`). :func:`stamp_lines` and :func:`option_set_text` say the
same in short lines of text, for charts, headers and a CSV's stamp file; :func:`slug` makes a
file-name part of a name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import policybench
from policybench.analysis.rank import Ranking
from policybench.analysis.screen import Selection
from policybench.catalog import Catalog
from policybench.present import tables
from policybench.present.labels import method_title


def utc_timestamp(when: datetime | None = None) -> str:
    """ISO 8601 in UTC to the second, e.g. ``2025-01-31T09:30:00Z`` (``when`` defaults to now;
    a naive datetime is taken as UTC)."""
    moment = when or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def option_set_text(metadata: Mapping[str, Any]) -> str:
    """The options in play, in words: ``"default set, screen achievability>=1 (1 set
    aside)"``; '' when the report does not say (built without a selection)."""
    if "all" not in metadata:
        return ""
    words = "every option" if metadata["all"] else "default set"
    screen = metadata.get("screen") or []
    if not screen:
        return f"{words}, no screen"
    out = len(metadata.get("screened_out") or [])
    return f"{words}, screen {', '.join(screen)} ({out} set aside)"


def stamp_lines(metadata: Mapping[str, Any]) -> list[str]:
    """Profile, methods and options in play; weights (a line per perspective compared);
    catalog, version and time."""
    methods = "; ".join(
        f"{m['name']}, {m['title']}" if m.get("name") else m["title"] for m in metadata["methods"]
    )
    scope = option_set_text(metadata)
    weights = [
        f"weights ({p['name']}): " + ", ".join(f"{k} {v:.3f}" for k, v in p["weights"].items())
        for p in metadata.get("perspectives", [])
    ] or ["weights: " + ", ".join(f"{k} {v:.3f}" for k, v in metadata["weights"].items())]
    return [
        f"{metadata['profile']} · {methods}" + (f" · {scope}" if scope else ""),
        *weights,
        f"catalog {metadata['catalog_fingerprint']} · policybench {metadata['policybench_version']} · {metadata['generated_at']}",
    ]


def slug(text: str) -> str:
    """``text`` as a file-name part: lowercase letters, digits and single hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def describe_weights(catalog: Catalog, label: str, preset: str | None = None) -> tuple[str, str]:
    """Where weights came from, as people and file names read it: ``("Tokyo (preset)",
    "tokyo")`` for a catalog preset, else the ranking's own label (``"profile hawk v3"``,
    ``"custom weights"``) and its slug."""
    found = catalog.presets_by_id.get(preset) if preset else None
    if found is not None:
        return f"{found.name} (preset)", slug(found.id)
    if label.startswith("preset "):
        pid = label.split(" ", 1)[1].strip()
        if pid in catalog.presets_by_id:
            return describe_weights(catalog, label, pid)
    return label, slug(label.split(" (WHAT-IF")[0])


def selection_metadata(selection: Selection, catalog: Catalog) -> dict[str, Any]:
    """The options in play as the stamp carries them (the keys of ``rank --format json``):
    ``all``, ``screen`` and ``screened_out`` (each with the requirements it fails)."""
    return {
        "all": bool(selection.everything),
        "screen": list(selection.expressions),
        "screened_out": tables.screened_records(selection, catalog),
    }


def method_entry(label: str, title: str, ranking: Ranking) -> dict[str, Any]:
    """A method as the stamp lists it: its label (the comparison table's column prefix), the
    ranking's title, the method's name and id, its normalisation and its parameters."""
    return {
        "label": label,
        "title": title,
        "name": method_title(ranking.method),
        "method": ranking.method,
        "normalization": ranking.normalization,
        "params": tables.plain_params(ranking.params),
    }


def provenance(
    ranking: Ranking, *, version: str | None = None, timestamp: datetime | str | None = None
) -> dict[str, str]:
    """The end of every stamp: the catalog ``ranking`` was computed on (12 hex digits), the
    package version and the time (``timestamp`` as given when it is text, else in UTC, now
    by default)."""
    return {
        "catalog_fingerprint": ranking.catalog_fingerprint[:12],
        "policybench_version": version or policybench.__version__,
        "generated_at": timestamp if isinstance(timestamp, str) else utc_timestamp(timestamp),
    }
