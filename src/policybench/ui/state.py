"""The app's state: session keys, the shareable URL, and the caches.

- **Catalog**: ``st.cache_resource`` keyed on the options directory and a cheap signature of
  its files (a digest of relative path, modification time in ns, size), so an edited file is loaded on the
  next rerun while an unchanged catalog costs a few ``stat`` calls. A catalog that fails to
  load is cached too (as its list of problems) until a file changes.
- **Results**: bounded ``st.cache_data`` keyed on the catalog fingerprint, the weights (as a
  tuple), the method and the options in play (:func:`policybench.ui.cache.by_catalog`).
- **View state**: the weights, method and preset live in ``st.session_state`` under the
  ``pb.`` keys below, and are mirrored in ``st.query_params`` as plain text
  (``?preset=tokyo&method=wsm`` or ``?weights=deterrence:6,feasibility:1,...``), so a copied
  URL reopens the same view. So do the options in play (``all=1``: every option, components
  and described ones too; ``screen=off``: the catalog's default screen switched off), which
  every page's ranking uses (:func:`selection`), and the user's thresholds
  (``require=achievability>=3,escalation_risk<=5``: a benefit criterion screened with ``>=``,
  a cost with ``<=``). A link's parameters are checked against the catalog when a
  session starts; what cannot be used is ignored and listed in a note, never raised.

Nothing is computed here at import time, and no module-level mutable state is kept.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from policybench import mcda
from policybench.analysis.bands import RankBands, bands_catalog
from policybench.analysis.rank import DEFAULT_METHOD, Ranking, rank_catalog
from policybench.analysis.screen import Selection, select
from policybench.analysis.verdict import Verdict
from policybench.analysis.verdict import verdict as verdict_of
from policybench.catalog import Catalog, default_options_dir, load, parse_requirement
from policybench.errors import CatalogError, InputError, WeightsError
from policybench.ui.cache import by_catalog, freeze

# Session-state keys (the canonical view state).
WEIGHTS = "pb.weights"
METHOD = "pb.method"
PRESET = "pb.preset"
LINK_NOTES = "pb.link_notes"
READY = "pb.ready"
HISTORY = "pb.history"
EVERYTHING = "pb.all"
SCREEN = "pb.screen"
#: Whether the sidebar offers the methods other than the weighted sum ("advanced").
ADVANCED = "pb.advanced"
#: The user's thresholds: requirements as the command line writes them (``achievability>=3``),
#: at most one per criterion, in catalog order.
REQUIRE = "pb.require"
# Widget keys: each is the base of a versioned key, see widget_key().
SLIDER = "pb.w."
METHOD_PICKER = "pb.method_picker"
PRESET_PICKER = "pb.preset_picker"
REVISIONS = "pb.widget_revisions"

CUSTOM = "custom"
#: Sliders run 0 to SLIDER_MAX points (more if a preset needs it); equal weights sit midway.
SLIDER_MAX = 20.0
SAMPLES = (1_000, 10_000, 100_000, 1_000_000)


# ------------------------------------------------------------------------------ catalog
@dataclass(frozen=True)
class Loaded:
    """A catalog, or the problems that stopped it loading (``path:line: message`` each)."""

    root: str
    catalog: Catalog | None
    problems: tuple[str, ...] = ()


def catalog_or_rerun() -> Catalog:
    """The loaded catalog; if it stopped loading since the page was drawn (a file was edited
    and broke), rerun the whole app so that it shows the catalog-problems page instead."""
    loaded = load_catalog()
    if loaded.catalog is None:
        st.rerun(scope="app")
    assert loaded.catalog is not None
    return loaded.catalog


def options_dir() -> Path:
    """The catalog directory the app serves (``$POLICYBENCH_OPTIONS``, else ``options/``)."""
    return default_options_dir()


def signature(root: Path) -> str:
    """A digest of ``(relative path, mtime_ns, size)`` for every YAML file under ``root``:
    a few ``stat`` calls, and a short string for the cache key (cheap for Streamlit to hash)."""
    entries: list[str] = []
    try:
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".yaml"):
                    st_ = os.stat(os.path.join(folder, name))
                    entries.append(
                        f"{os.path.relpath(os.path.join(folder, name), root)}\0{st_.st_mtime_ns}\0{st_.st_size}"
                    )
    except OSError:
        return ""
    return hashlib.blake2b("\n".join(entries).encode(), digest_size=16).hexdigest()


@st.cache_resource(max_entries=8, show_spinner="Loading the catalog…")
def _load(root: str, files: str) -> Loaded:
    try:
        return Loaded(root, load(Path(root)))
    except CatalogError as exc:
        return Loaded(root, None, tuple(exc.problems))


def load_catalog() -> Loaded:
    """The current catalog (cached until one of its files changes)."""
    root = options_dir()
    return _load(str(root), signature(root))


# ------------------------------------------------------------------------------ sliders
def slider_max(catalog: Catalog) -> float:
    """The sliders' top: 20 points, or the largest preset weight if that is more."""
    top = max((float(v) for p in catalog.presets for v in p.weights.values()), default=0.0)
    return float(max(SLIDER_MAX, math.ceil(top)))


def slider_step(catalog: Catalog) -> float:
    """1 point, or finer when a preset needs it (0.5 or 0.1)."""
    values = [float(v) for p in catalog.presets for v in p.weights.values()]
    for step in (1.0, 0.5, 0.1):
        if all(abs(v / step - round(v / step)) < 1e-9 for v in values):
            return step
    return 0.1


def default_weights(catalog: Catalog) -> dict[str, float]:
    """Equal weights, halfway up the sliders."""
    return {cid: slider_max(catalog) / 2 for cid in catalog.criterion_ids}


def preset_weights(catalog: Catalog, preset_id: str) -> dict[str, float]:
    """A preset's weights for every criterion (a criterion it leaves out gets 0)."""
    preset = catalog.presets_by_id[preset_id]
    return {cid: float(preset.weights.get(cid, 0.0)) for cid in catalog.criterion_ids}


def matching_preset(catalog: Catalog, weights: Mapping[str, float]) -> str:
    """The id of the preset whose weights are exactly ``weights``, else :data:`CUSTOM`."""
    for p in catalog.presets:
        if all(
            abs(preset_weights(catalog, p.id)[c] - float(weights.get(c, 0.0))) < 1e-9
            for c in catalog.criterion_ids
        ):
            return p.id
    return CUSTOM


# ------------------------------------------------------------------------------ URL
def _fmt(x: float) -> str:
    return f"{x:g}"


def encode_weights(catalog: Catalog, weights: Mapping[str, float]) -> str:
    """``deterrence:6,feasibility:1,...`` in catalog order."""
    return ",".join(f"{cid}:{_fmt(float(weights.get(cid, 0.0)))}" for cid in catalog.criterion_ids)


def decode_weights(
    catalog: Catalog, text: str, base: Mapping[str, float]
) -> tuple[dict[str, float], list[str]]:
    """Parse :func:`encode_weights` output over ``base``; return the weights and the notes.

    Unknown criteria, unreadable numbers and values off the sliders are ignored (each with a
    note); criteria the text leaves out keep their ``base`` weight.
    """
    top = slider_max(catalog)
    step = slider_step(catalog)
    out = dict(base)
    notes: list[str] = []
    seen: set[str] = set()
    for part in filter(None, (p.strip() for p in str(text).split(","))):
        cid, sep, raw = part.partition(":")
        cid = cid.strip()
        if not sep:
            notes.append(f"weights: “{part}” is not criterion:number")
            continue
        if cid not in catalog.criteria_by_id:
            notes.append(f"weights: unknown criterion “{cid}”")
            continue
        try:
            value = float(raw)
        except ValueError:
            notes.append(f"weights: “{raw}” for {cid} is not a number")
            continue
        if not math.isfinite(value) or not 0 <= value <= top:
            notes.append(f"weights: {cid} must be between 0 and {_fmt(top)}, not “{raw}”")
            continue
        snapped = round(value / step) * step
        if abs(snapped - value) > 1e-9:
            notes.append(
                f"weights: {cid} rounded from {_fmt(value)} to {_fmt(snapped)} (the sliders' step)"
            )
        out[cid] = snapped
        seen.add(cid)
    missing = [c for c in catalog.criterion_ids if c not in seen]
    if seen and missing:
        notes.append(
            "weights: the link gives no weight for "
            + ", ".join(missing)
            + "; they keep their default"
        )
    return out, notes


def encode_requirements(requirements: tuple[str, ...]) -> str:
    """``achievability>=3,escalation_risk<=5``: the thresholds as the link carries them."""
    return ",".join(requirements)


def decode_requirements(catalog: Catalog, text: str) -> tuple[tuple[str, ...], list[str]]:
    """Parse :func:`encode_requirements` output; return the thresholds (one per criterion, in
    catalog order, written as the command line writes them) and the notes.

    What cannot be used is ignored with a note: an unreadable expression, an unknown
    criterion, a value off the 0–10 scale, a benefit criterion screened with ``<=`` or a cost
    with ``>=`` (the sidebar's thresholds go one way: a floor on a benefit, a ceiling on a
    cost), or a criterion named twice (the last one is kept).
    """
    found: dict[str, str] = {}
    notes: list[str] = []
    for part in filter(None, (p.strip() for p in str(text).split(","))):
        try:
            req = parse_requirement(part, catalog)
        except WeightsError as exc:
            notes.append(f"require: {exc}")
            continue
        cost = catalog.criteria_by_id[req.criterion].direction == "cost"
        if cost != (req.at_most is not None):
            way = "<= (at most)" if cost else ">= (at least)"
            notes.append(f"require: “{part}”: the app screens {req.criterion} with {way}")
            continue
        if req.criterion in found:
            notes.append(f"require: {req.criterion} is given twice; “{part}” is kept")
        found[req.criterion] = req.expression
    ordered = tuple(found[c] for c in catalog.criterion_ids if c in found)
    return ordered, notes


def current_requirements() -> tuple[str, ...]:
    """The user's thresholds in force (expressions such as ``achievability>=3``)."""
    return tuple(st.session_state.get(REQUIRE, ()))


def set_requirements(catalog: Catalog, requirements: tuple[str, ...] | list[str]) -> list[str]:
    """Replace the thresholds (checked as a link's are); return the notes on what was left out."""
    kept, notes = decode_requirements(catalog, encode_requirements(tuple(requirements)))
    st.session_state[REQUIRE] = kept
    return notes


def url_params(catalog: Catalog) -> dict[str, str]:
    """The query parameters that reproduce the current view."""
    weights = current_weights()
    out = {"method": current_method()}
    preset = matching_preset(catalog, weights)
    if preset != CUSTOM:
        out["preset"] = preset
    else:
        out["weights"] = encode_weights(catalog, weights)
    if st.session_state.get(EVERYTHING, False):
        out["all"] = "1"
    if not st.session_state.get(SCREEN, True):
        out["screen"] = "off"
    if current_requirements():
        out["require"] = encode_requirements(current_requirements())
    return out


def sync_url(catalog: Catalog) -> None:
    """Write the view state into ``st.query_params`` (only what differs)."""
    want = url_params(catalog)
    qp = st.query_params
    for key in ("preset", "weights", "method", "all", "screen", "require"):
        if key in want:
            if qp.get(key) != want[key]:
                qp[key] = want[key]
        elif key in qp:
            del qp[key]


def init(catalog: Catalog) -> None:
    """Set up the view state once per session (or when the criteria change), from the URL.

    Link parameters that do not fit the catalog are ignored; the reasons are kept under
    :data:`LINK_NOTES` for the page to show.
    """
    ids = catalog.criterion_ids
    if st.session_state.get(READY) == ids:
        return
    qp = st.query_params
    notes: list[str] = []
    weights = default_weights(catalog)
    method = DEFAULT_METHOD
    raw_method = qp.get("method")
    if raw_method:
        if raw_method in mcda.METHODS:
            method = raw_method
        else:
            notes.append(
                f"method: unknown “{raw_method}”; the methods are {', '.join(mcda.METHODS)}"
            )
    raw_preset = qp.get("preset")
    if raw_preset:
        if raw_preset in catalog.presets_by_id:
            weights = preset_weights(catalog, raw_preset)
        else:
            names = ", ".join(p.id for p in catalog.presets) or "none"
            notes.append(f"preset: unknown “{raw_preset}”; the presets are {names}")
    raw_weights = qp.get("weights")
    if raw_weights:
        weights, more = decode_weights(catalog, raw_weights, weights)
        notes.extend(more)
    everything = qp.get("all")
    if everything not in (None, "", "0", "1"):
        notes.append(f"all: unknown “{everything}”; use all=1 to rank every option")
    screen = qp.get("screen")
    if screen not in (None, "", "on", "off"):
        notes.append(f"screen: unknown “{screen}”; use screen=off to switch the screen off")
    st.session_state[EVERYTHING] = everything == "1"
    st.session_state[SCREEN] = screen != "off"
    required, more = decode_requirements(catalog, qp.get("require") or "")
    notes.extend(more)
    st.session_state[REQUIRE] = required
    _bump("sliders", "preset", "method")  # the controls are drawn afresh from what follows
    st.session_state[WEIGHTS] = weights
    st.session_state[METHOD] = method
    st.session_state[PRESET] = matching_preset(catalog, weights)
    st.session_state[LINK_NOTES] = notes
    st.session_state[READY] = ids
    st.session_state[HISTORY] = {}


def current_weights() -> dict[str, float]:
    """The weights in force (slider points by criterion id)."""
    return dict(st.session_state.get(WEIGHTS, {}))


def current_method() -> str:
    """The aggregation method in force."""
    return str(st.session_state.get(METHOD, DEFAULT_METHOD))


# ------------------------------------------------------------------ widgets the server sets
# The weight controls show values the server changes as well as the user: a preset sets the
# sliders, moving a slider turns the preset picker to "Custom weights", Reset sets both. A
# browser can still hold a widget's old value when the user's next action reaches the server
# (seen: the picker still on "Equal weights" after a slider moved, so the next key press on a
# slider also "chose" Equal weights again and undid the move). So each such widget's key
# carries a revision, bumped whenever the server changes what the widget shows: the browser
# draws a new widget, and an old value sent for the old one is never taken for a choice.
_GROUPS = {SLIDER: "sliders", PRESET_PICKER: "preset", METHOD_PICKER: "method"}


def _revision(group: str, session: Any = None) -> int:
    ss = st.session_state if session is None else session
    revisions = ss.get(REVISIONS) or {}
    return int(revisions.get(group, 0))


def widget_key(base: str, session: Any = None) -> str:
    """The current key of the widget :data:`PRESET_PICKER`, :data:`METHOD_PICKER` or
    ``SLIDER + criterion id`` (``session``: a session state other than this script's, e.g.
    AppTest's)."""
    group = _GROUPS[SLIDER if base.startswith(SLIDER) else base]
    rev = _revision(group, session)
    return base if rev == 0 else f"{base}~{rev}"


def _bump(*groups: str) -> None:
    revisions = dict(st.session_state.get(REVISIONS) or {})
    for group in groups:
        revisions[group] = revisions.get(group, 0) + 1
    st.session_state[REVISIONS] = revisions


def set_preset(preset: str) -> None:
    """Record which preset the weights match, and show it in the picker (after a slider
    moved: the picker itself records the user's own choice)."""
    if st.session_state.get(PRESET) != preset:
        st.session_state[PRESET] = preset
        _bump("preset")


def set_weights(catalog: Catalog, weights: Mapping[str, float], *, picked: bool = False) -> None:
    """Replace the weights, redrawing the sliders (and the preset picker unless the user
    ``picked`` the preset there); call from a widget callback."""
    full = {cid: float(weights.get(cid, 0.0)) for cid in catalog.criterion_ids}
    st.session_state[WEIGHTS] = full
    _bump("sliders")
    preset = matching_preset(catalog, full)
    st.session_state[PRESET] = preset
    if not picked:
        _bump("preset")  # even if unchanged: the picker may show a choice the weights undid


def set_method(method: str, *, picked: bool = False) -> None:
    """Change the method, redrawing the method picker unless the user ``picked`` it there."""
    st.session_state[METHOD] = method
    if not picked:
        _bump("method")


def reset(catalog: Catalog) -> None:
    """Equal weights and the default method."""
    set_weights(catalog, default_weights(catalog))
    set_method(DEFAULT_METHOD)


def key_of(weights: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    """A hashable, order-independent form of a weight mapping (a cache key)."""
    return tuple(freeze(weights))


def previous_ranks(view_key: Any, ranks: Mapping[str, int]) -> dict[str, int] | None:
    """The ranks before the last change of weights or method (None before any change).

    ``view_key`` identifies the current view (weights and method); when it differs from the
    last one seen, the last ranks become the previous ones.
    """
    history = st.session_state.setdefault(HISTORY, {})
    if history.get("key") != view_key:
        history["previous"] = history.get("ranks")
        history["key"] = view_key
        history["ranks"] = dict(ranks)
    previous = history.get("previous")
    return dict(previous) if previous is not None else None


# ------------------------------------------------------------------------------ results
def selection(catalog: Catalog) -> Selection:
    """The options in play on every page: the default set (packages and stand-alone
    recommendations) or every option, with the catalog's default screen unless switched off.
    A screen that would leave fewer than two options is not applied (the page says so)."""
    everything = bool(st.session_state.get(EVERYTHING, False))
    screen = bool(st.session_state.get(SCREEN, True))
    required = current_requirements()
    if required:
        try:
            return _selected(catalog, everything, screen, required)
        except InputError:  # the user's thresholds leave too little: not applied (said so)
            pass
    try:
        return _selected(catalog, everything, screen)
    except InputError:
        return _selected(catalog, everything, False)


def thresholds_applied(catalog: Catalog) -> bool:
    """Whether the user's thresholds are part of the screen in force (they are not when they
    would leave fewer than two options)."""
    required = current_requirements()
    applied = {r.expression for r in selection(catalog).requirements}
    return bool(required) and set(required) <= applied


@by_catalog(max_entries=64)
def _selected(
    catalog: Catalog, everything: bool, screen: bool, required: tuple[str, ...] = ()
) -> Selection:
    requirements = [parse_requirement(text, catalog) for text in required]
    return select(catalog, requirements, everything=everything, default_screen=screen)


_ranked = by_catalog(max_entries=256)(rank_catalog)
_banded = by_catalog(max_entries=128)(bands_catalog)
_verdict = by_catalog(max_entries=128)(verdict_of)


def rank(catalog: Catalog, weights: Mapping[str, float], method: str) -> Ranking:
    """The cached ranking (:func:`policybench.analysis.rank.rank_catalog`) of the options in
    play (:func:`selection`) under ``weights`` and ``method``."""
    return _ranked(catalog, weights, method=method, options=selection(catalog).options)


def bands(catalog: Catalog, weights: Mapping[str, float], method: str) -> RankBands:
    """The cached rank bands (:func:`policybench.analysis.bands.bands_catalog`, its default
    samples and seed) of the options in play under ``weights`` and ``method``: the ranking
    :func:`rank` gives, with how far each rank can move within the scores' ranges."""
    return _banded(catalog, weights, method=method, options=selection(catalog).options)


def verdict(catalog: Catalog, weights: Mapping[str, float], method: str) -> Verdict:
    """The cached verdict (:func:`policybench.analysis.verdict.verdict`) on the ranking of
    the options in play under ``weights`` and ``method``."""
    return _verdict(catalog, weights, method, options=selection(catalog).options)


# ------------------------------------------------------------------------------ links
#: The Evidence page's link parameters: the search (``q``), the option whose card is open
#: (``option``), and the filters by cited source and by group (``source``, ``group``: ids,
#: comma-separated). ``evidence?option=<id>`` opens that option's card.
EVIDENCE_PARAMS = ("q", "option", "source", "group")


def link(catalog: Catalog, slug: str, anchor: str | None = None, **extra: str) -> str:
    """A relative link to page ``slug`` that reopens the current view there (:func:`url_params`,
    plus ``extra``), at ``anchor``: a page a link leads to shows the same weights, method and
    options, even in a new tab."""
    params = {**url_params(catalog), **extra}
    return f"{slug}?{urlencode(params)}" + (f"#{anchor}" if anchor else "")
