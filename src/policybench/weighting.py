"""Where a run's weights come from: a saved profile (by name, or a JSON file), a catalog
preset, explicit ``c1=3,c2=7`` weights, or equal weights when nothing is named. Shared by
every command that takes the weight options."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policybench.catalog import Catalog, check_weights, equal_weights, parse_weights
from policybench.errors import InputError, WeightsError


@dataclass(frozen=True)
class WeightChoice:
    """The weights to use, a label saying where they came from, and a profile's method."""

    label: str
    weights: dict[str, float]
    method: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, dict[str, float]] | None = None


def choose_weights(
    catalog: Catalog,
    *,
    profile: str | None = None,
    preset: str | None = None,
    weights: str | None = None,
    db: str | None = None,
) -> WeightChoice:
    """Resolve the weight options; at most one of ``profile``, ``preset``, ``weights``."""
    named = [n for n, v in (("--profile", profile), ("--preset", preset), ("--weights", weights)) if v is not None]
    if len(named) > 1:
        raise InputError(f"give only one of {', '.join(named)}")
    if weights is not None:
        return WeightChoice("custom weights", parse_weights(weights, catalog))
    if preset is not None:
        found = catalog.presets_by_id.get(preset)
        if found is None:
            raise WeightsError(f"unknown preset {preset!r}; the presets are: {', '.join(catalog.presets_by_id)}")
        return WeightChoice(f"preset {found.id}", check_weights(catalog, found.weights))
    if profile is not None:
        path = Path(profile)
        if path.is_file():
            return _from_file(catalog, path)
        return _from_store(catalog, profile, db)
    return WeightChoice("equal weights", equal_weights(catalog))


def _from_file(catalog: Catalog, path: Path) -> WeightChoice:
    """A profile exported by ``policybench profiles export`` (schema: store/profile.schema.json)."""
    from policybench.mcda import METHODS
    from policybench.store.profile_io import (
        check_against_catalog,
        parse_document,
        read_profile_file,
    )

    doc = parse_document(read_profile_file(path), source=str(path))
    check_against_catalog(doc, catalog, methods=list(METHODS), source=str(path), action="use")
    return WeightChoice(
        f"profile {doc.name}" + (f" v{doc.version}" if doc.version else "") + " (file)",
        check_weights(catalog, doc.weights),
        doc.method,
        dict(doc.params),
        {o: dict(row) for o, row in doc.overrides.items()} if doc.overrides else None,
    )


def _from_store(catalog: Catalog, name: str, db: str | None) -> WeightChoice:
    from policybench.store import open_store

    store = open_store(db)
    try:
        prof = store.profiles.get(name)
    finally:
        store.close()
    return WeightChoice(
        f"profile {prof.name} v{prof.version}",
        check_weights(catalog, prof.weights),
        prof.method,
        dict(prof.params or {}),
        prof.overrides or None,
    )
