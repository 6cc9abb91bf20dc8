"""Where a command's weights come from, and the prologue the ranking commands share.

Weights: ``--profile`` (a saved profile's name, or a JSON file when that path exists),
``--preset`` (a catalog preset), ``--weights c1=3,c2=7``, or equal weights when none is given
(:func:`choose_weights`). Every weight mapping comes out checked against the catalog and in its
criterion order (:func:`policybench.catalog.check_weights`), so that a profile saved for
another catalog is refused, by name, before anything is computed. The store is imported only
when a profile is read from it, so that commands given a preset or explicit weights never load
SQLAlchemy.

The prologue (:func:`prepare`): ``rank``, ``smaa``, ``frontier`` and ``export`` each load the
catalog (``--options``), choose the weights, and choose the options in play as one rule
(:func:`select_options`: the default set or ``--all``, screened by the catalog's default
screen unless ``--no-default-screen``, then a profile's own thresholds and ``--require``);
:meth:`Setup.method_and_params` is the method and parameters a ranking runs with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policybench import mcda
from policybench.analysis.rank import DEFAULT_METHOD
from policybench.analysis.screen import Selection, select
from policybench.catalog import (
    Catalog,
    check_weights,
    equal_weights,
    load,
    parse_requirement,
    parse_weights,
)
from policybench.cli.options import parse_params
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


@dataclass(frozen=True)
class Setup:
    """What a ranking command starts from: the catalog, the weights chosen (and whether one
    of ``--profile``, ``--preset`` and ``--weights`` named them: ``named``) and the options in
    play."""

    catalog: Catalog
    choice: WeightChoice
    selection: Selection
    named: bool

    def method_and_params(
        self, method: str | None, param: Sequence[str] | None
    ) -> tuple[str, dict[str, Any]]:
        """The method to rank with (:meth:`WeightChoice.method_for`) and its parameters: a
        profile's own, with the ``--param`` values on top."""
        return self.choice.method_for(method), {**self.choice.params, **parse_params(param)}


def prepare(
    options: Path | None,
    *,
    profile: str | None = None,
    preset: str | None = None,
    weights: str | None = None,
    db: str | None = None,
    require: Sequence[str] | None = None,
    everything: bool = False,
    no_default_screen: bool = False,
) -> Setup:
    """Load the catalog from ``options``, choose the weights (:func:`choose_weights`) and the
    options in play (:func:`select_options`, a profile's thresholds before ``require``)."""
    catalog = load(options)
    choice = choose_weights(catalog, profile=profile, preset=preset, weights=weights, db=db)
    selection = select_options(
        catalog,
        [*choice.require, *(require or [])],
        everything=everything,
        no_default_screen=no_default_screen,
    )
    named = any(x is not None for x in (profile, preset, weights))
    return Setup(catalog, choice, selection, named)


def select_options(
    catalog: Catalog,
    require: Sequence[str],
    *,
    everything: bool = False,
    no_default_screen: bool = False,
) -> Selection:
    """The options in play (:func:`policybench.analysis.screen.select`): the default set, or
    every option with ``everything``, screened by the catalog's default screen (unless
    ``no_default_screen``) and then by each of ``require`` (``C>=V`` or ``C<=V``; one given
    twice counts once)."""
    texts = list(dict.fromkeys(require))
    requirements = [parse_requirement(text, catalog) for text in texts]
    return select(
        catalog, requirements, everything=everything, default_screen=not no_default_screen
    )
