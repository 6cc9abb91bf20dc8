"""Where a command's weights come from: ``--profile`` (a saved profile's name, or a JSON file
when that path exists), ``--preset`` (a catalog preset), ``--weights c1=3,c2=7``, or equal
weights when none is given. Shared by ``rank``, ``smaa`` and ``export``.

Every weight mapping comes out checked against the catalog and in its criterion order
(:func:`policybench.catalog.check_weights`), so that a profile saved for another catalog is
refused, by name, before anything is computed. The store is imported only when a profile is
read from it, so that commands given a preset or explicit weights never load SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policybench import mcda
from policybench.analysis.rank import DEFAULT_METHOD
from policybench.catalog import Catalog, check_weights, equal_weights, parse_weights
from policybench.errors import InputError, WeightsError


@dataclass(frozen=True)
class WeightChoice:
    """The weights to use, a label saying where they came from, and what a profile adds: its
    method, the method's parameters, its what-if scores and its thresholds."""

    label: str
    weights: dict[str, float]
    method: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, dict[str, float]] | None = None
    #: A profile's thresholds (``achievability>=3``), applied with the command's --require.
    require: tuple[str, ...] = ()

    def method_for(self, asked: str | None) -> str:
        """The method to rank with: ``--method`` if given, else the profile's, else the
        default (DESIGN.md, "Defaults")."""
        return asked or self.method or DEFAULT_METHOD


def choose_weights(
    catalog: Catalog,
    *,
    profile: str | None = None,
    preset: str | None = None,
    weights: str | None = None,
    db: str | None = None,
) -> WeightChoice:
    """Resolve the weight options; at most one of ``profile``, ``preset`` and ``weights``."""
    named = [
        flag
        for flag, value in (("--profile", profile), ("--preset", preset), ("--weights", weights))
        if value is not None
    ]
    if len(named) > 1:
        raise InputError(f"give only one of {', '.join(named)}")
    if weights is not None:
        return WeightChoice("custom weights", parse_weights(weights, catalog))
    if preset is not None:
        found = catalog.presets_by_id.get(preset)
        if found is None:
            raise WeightsError(
                f"unknown preset {preset!r}; the presets are: {', '.join(catalog.presets_by_id)}"
            )
        return WeightChoice(f"preset {found.id}", check_weights(catalog, found.weights))
    if profile is not None:
        path = Path(profile)
        return _from_file(catalog, path) if path.is_file() else _from_store(catalog, profile, db)
    return WeightChoice("equal weights", equal_weights(catalog))


def _from_file(catalog: Catalog, path: Path) -> WeightChoice:
    """A profile written by ``policybench profiles export`` (schema: store/profile.schema.json)."""
    from policybench.store.profile_io import (
        check_against_catalog,
        parse_document,
        read_profile_file,
        split_require,
    )

    doc = parse_document(read_profile_file(path), source=str(path))
    check_against_catalog(doc, catalog, methods=list(mcda.METHODS), source=str(path), action="use")
    params, _ = split_require(doc.params)
    return WeightChoice(
        f"profile {doc.name}" + (f" v{doc.version}" if doc.version else "") + " (file)",
        check_weights(catalog, doc.weights),
        doc.method,
        params,
        {o: dict(row) for o, row in doc.overrides.items()} if doc.overrides else None,
        tuple(doc.require or ()),
    )


def _from_store(catalog: Catalog, name: str, db: str | None) -> WeightChoice:
    from policybench.store import open_store
    from policybench.store.profile_io import split_require

    with open_store(db) as store:
        prof = store.profiles.get(name)
    params, require = split_require(prof.params)
    return WeightChoice(
        f"profile {prof.name} v{prof.version}",
        check_weights(catalog, prof.weights),
        prof.method,
        params,
        prof.overrides or None,
        require,
    )
