"""Profiles as JSON files: export, and an import that refuses anything doubtful, writing nothing.

The format is published as a JSON Schema, :data:`SCHEMA_PATH` (``profile.schema.json`` beside
this module); :class:`ProfileDocument` mirrors it field for field (a test keeps the two in
step), so no JSON Schema library is needed at run time. An import:

Format version 2 adds ``require``, the profile's thresholds (``["achievability>=3"]``, as the
command line writes them); a version 1 file, which has none, still imports. The store keeps a
profile's thresholds beside its method's parameters, as ``params["require"]``
(:data:`REQUIRE`), so that a saved profile carries them without a new column; this module
moves them between that place and the file's top-level ``require``.

1. refuses files over :data:`MAX_PROFILE_BYTES` before reading them whole;
2. parses strict JSON (no ``NaN``/``Infinity``, no repeated keys) and checks the schema;
3. checks the document against the catalog: every criterion named and known, numbers finite
   and ≥ 0, overridden scores on known options and criteria within the scale, thresholds on
   known criteria within the scale, a known method, and the recorded catalog fingerprint
   equal to this catalog's (unless forced);
4. only then appends a new version (never overwrites one).
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from policybench.store.errors import InvalidValueError, ProfileFileError
from policybench.store.profiles import ProfileVersion

if TYPE_CHECKING:
    from policybench.catalog import Catalog, Reconciled
    from policybench.store.profiles import Profiles

SCHEMA_PATH = Path(__file__).with_name("profile.schema.json")
MAX_PROFILE_BYTES = 256 * 1024
FORMAT = "policybench-profile"
FORMAT_VERSION = 2
#: Every version an import reads (1: without thresholds).
FORMAT_VERSIONS = (1, 2)
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
#: A threshold as the command line writes it: ``achievability>=3``, ``escalation_risk<=5``.
REQUIREMENT_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}(>=|<=)[0-9]+(\.[0-9]+)?$"
#: Where the store keeps a profile's thresholds: this key of its ``params``.
REQUIRE = "require"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Weight = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
ScoreValue = Annotated[float, Field(ge=0, le=10, allow_inf_nan=False, strict=True)]


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"must be one of the numbers {', '.join(map(str, FORMAT_VERSIONS))}")
    return value


class CatalogRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fingerprint: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12,64}$")]
    criteria: list[Id] | None = None


class ProfileDocument(BaseModel):
    """One profile version as a file; mirrors ``profile.schema.json``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["policybench-profile"]
    format_version: Annotated[Literal[1, 2], BeforeValidator(_not_bool)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    version: Annotated[int, Field(ge=1, strict=True)] | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    weights: Annotated[dict[Id, Weight], Field(min_length=1, max_length=200)]
    method: Annotated[str, StringConstraints(min_length=1, max_length=40)] = "wsm"
    params: dict[str, Any] = Field(default_factory=dict)
    overrides: dict[Id, Annotated[dict[Id, ScoreValue], Field(min_length=1)]] | None = None
    require: (
        Annotated[
            list[Annotated[str, StringConstraints(pattern=REQUIREMENT_PATTERN)]],
            Field(max_length=200),
        ]
        | None
    ) = None
    author: Annotated[str, StringConstraints(max_length=100)] | None = None
    created_at: datetime | None = None
    catalog: CatalogRef | None = None
    exported_at: datetime | None = None
    policybench_version: Annotated[str, StringConstraints(max_length=100)] | None = None


def published_schema() -> dict[str, Any]:
    """The JSON Schema of the file format, as shipped."""
    result: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return result


# -- export -------------------------------------------------------------------------------


def export_document(profile: ProfileVersion, catalog: Catalog | None = None) -> dict[str, Any]:
    """The JSON object for one profile version; stamped with ``catalog``'s fingerprint if
    given, else with the fingerprint recorded when the version was saved."""
    from policybench import __version__
    from policybench.store.db import utcnow

    fingerprint = catalog.fingerprint if catalog is not None else profile.catalog_fingerprint
    params, require = split_require(profile.params)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": profile.name,
        "version": profile.version,
        "description": profile.description,
        "weights": dict(profile.weights),
        "method": profile.method,
        "params": params,
        "overrides": None
        if profile.overrides is None
        else {k: dict(v) for k, v in profile.overrides.items()},
        "require": list(require),
        "author": profile.author,
        "created_at": profile.created_at.isoformat(),
    }
    if fingerprint:
        doc["catalog"] = {"fingerprint": fingerprint, "criteria": list(profile.weights)}
    doc["exported_at"] = utcnow().isoformat()
    doc["policybench_version"] = __version__
    return doc


def split_require(params: Mapping[str, Any] | None) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A stored profile's ``params`` as the method's parameters and the thresholds
    (:data:`REQUIRE`), which the store keeps among them."""
    rest = dict(params or {})
    raw = rest.pop(REQUIRE, None) or []
    return rest, tuple(str(r) for r in raw) if isinstance(raw, list | tuple) else ()


def dumps_document(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, allow_nan=False, indent=2) + "\n"


def write_document(doc: dict[str, Any], path: Path) -> None:
    """Write atomically (a temporary file renamed over ``path``), so a failure leaves the
    previous file, if any, as it was."""
    text = dumps_document(doc)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ProfileFileError(f"could not write {path}: {exc.strerror or exc}") from None


# -- import -------------------------------------------------------------------------------


def read_profile_file(path: Path | str) -> bytes:
    """The file's bytes, refusing a missing file, a folder or one over the size cap."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ProfileFileError(f"{path} is a folder, not a profile file")
        with path.open("rb") as fh:
            data = fh.read(MAX_PROFILE_BYTES + 1)
    except FileNotFoundError:
        raise ProfileFileError(f"no such file: {path}") from None
    except OSError as exc:
        raise ProfileFileError(f"could not read {path}: {exc.strerror or exc}") from None
    _check_size(data, str(path))
    return data


def _check_size(data: bytes | str, source: str) -> None:
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_PROFILE_BYTES:
        raise ProfileFileError(
            f"{source} is too large to be a profile (over {MAX_PROFILE_BYTES // 1024} KB); "
            "nothing was imported"
        )


def _refuse_constant(token: str) -> float:
    raise ValueError(f"{token} is not a number JSON allows; weights and scores must be finite")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice")
        out[key] = value
    return out


def parse_document(data: bytes | str, *, source: str = "the profile file") -> ProfileDocument:
    """Parse and schema-check a profile file; :class:`ProfileFileError` lists every problem."""
    _check_size(data, source)
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise ProfileFileError(
            f"{source} is not UTF-8 text (byte {exc.start}); nothing was imported"
        ) from None
    try:
        raw = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ProfileFileError(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}; nothing was imported"
        ) from None
    except ValueError as exc:
        raise ProfileFileError(f"{source}: {exc}; nothing was imported") from None
    except RecursionError:
        raise ProfileFileError(
            f"{source} is nested too deeply to be a profile; nothing was imported"
        ) from None
    if not isinstance(raw, dict):
        raise ProfileFileError(
            f"{source} must hold one JSON object (a profile), not {type(raw).__name__}"
        )
    try:
        return ProfileDocument.model_validate(raw)
    except ValidationError as exc:
        lines = [f"  {_loc(err['loc'])}: {_message(err)}" for err in exc.errors()]
        raise ProfileFileError(
            f"{source} is not a valid policybench profile:\n"
            + "\n".join(lines)
            + "\nNothing was imported."
        ) from None


def _loc(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in {"[key]"}:
            parts.append(" (key)")
        else:
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts) or "(top level)"


def _message(err: Any) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field (see profile.schema.json for the fields a profile has)"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":
        return f"{err.get('input')!r} is not a catalog id (lowercase letters, digits, - and _)"
    if kind == "finite_number":
        return "must be a finite number"
    msg = str(err.get("msg", "invalid"))
    if "input" in err and kind not in {"dict_type", "model_type"}:
        shown = repr(err["input"])
        if len(shown) <= 60:
            msg += f" (got {shown})"
    return msg


def check_against_catalog(
    doc: ProfileDocument,
    catalog: Catalog,
    *,
    force: bool = False,
    methods: Collection[str] | None = None,
    source: str = "the profile file",
    action: str = "import",
) -> Reconciled:
    """Refuse (listing every problem) a document that does not fit ``catalog``.

    ``action`` names what was being attempted, for the message ("import", "use"). A file
    from another catalog is refused unless ``force``; forced, its weights are laid over
    today's criteria by :func:`policybench.catalog.reconcile_weights` (kept as saved, new
    ones at 0, gone ones dropped), and the returned :class:`~policybench.catalog.Reconciled`
    lets the caller say which criteria are gone and which are new. Unforced, a criterion
    the catalog does not have is a problem like any other.
    """
    from policybench.catalog import check_weights, reconcile_weights
    from policybench.catalog.models import SCALE_MAX, SCALE_MIN
    from policybench.errors import WeightsError

    problems: list[str] = []
    theirs = doc.catalog.fingerprint if doc.catalog is not None else None
    if theirs is not None and not catalog.fingerprint.startswith(theirs) and not force:
        problems.append(
            f"it was exported from a different catalog (fingerprint {theirs[:12]}; this "
            f"catalog is {catalog.short_fingerprint}). Scores and criteria may not mean the "
            "same here: check it, then import with --force to accept it anyway"
        )
    reconciled: Reconciled | None = None
    try:
        if force:
            reconciled = reconcile_weights(catalog, doc.weights)
        else:
            reconciled = reconcile_weights(catalog, check_weights(catalog, doc.weights))
    except WeightsError as exc:
        problems.append(f"weights: {exc}")
    if doc.overrides:
        for oid, scores in doc.overrides.items():
            if oid not in catalog.options_by_id:
                problems.append(
                    f"overrides: unknown option {oid!r}; "
                    f"the options are: {', '.join(catalog.option_ids)}"
                )
                continue
            for cid, value in scores.items():
                if cid not in catalog.criteria_by_id:
                    if force:
                        continue  # a score on a criterion that is gone: dropped with it
                    problems.append(
                        f"overrides.{oid}: unknown criterion {cid!r}; "
                        f"the criteria are: {', '.join(catalog.criterion_ids)}"
                    )
                elif not (math.isfinite(value) and SCALE_MIN <= value <= SCALE_MAX):
                    problems.append(
                        f"overrides.{oid}.{cid}: {value:g} is outside "
                        f"the scale {SCALE_MIN:g}–{SCALE_MAX:g}"
                    )
    for text in doc.require or []:
        problem = _requirement_problem(text, catalog)
        if problem is not None and not (force and problem.startswith("unknown criterion")):
            problems.append(f"require: {text!r}: {problem}")
    if methods is not None and doc.method not in methods:
        problems.append(f"unknown method {doc.method!r}; choose one of: {', '.join(methods)}")
    if problems or reconciled is None:
        header = f"cannot {action} {source}:"
        trailer = "\nNothing was imported." if action == "import" else ""
        raise ProfileFileError(header + "\n" + "\n".join(f"  - {p}" for p in problems) + trailer)
    return reconciled


def _requirement_problem(text: str, catalog: Catalog) -> str | None:
    """What is wrong with a threshold on this catalog, or None."""
    from policybench.catalog import parse_requirement
    from policybench.errors import WeightsError

    criterion = text.split(">=")[0].split("<=")[0]
    if criterion not in catalog.criteria_by_id:
        return (
            f"unknown criterion {criterion!r}; the criteria are: {', '.join(catalog.criterion_ids)}"
        )
    try:
        parse_requirement(text, catalog)
    except WeightsError as exc:
        return str(exc)
    return None


def kept_requirements(doc: ProfileDocument, catalog: Catalog) -> list[str]:
    """The document's thresholds that this catalog can apply (a forced import from another
    catalog drops those on criteria that are gone, as it drops their weights)."""
    return [t for t in doc.require or [] if _requirement_problem(t, catalog) is None]


def import_profile(
    profiles: Profiles,
    data: bytes | str,
    catalog: Catalog,
    *,
    force: bool = False,
    name: str | None = None,
    author: str | None = None,
    methods: Collection[str] | None = None,
    source: str = "the profile file",
) -> ProfileVersion:
    """Check ``data`` completely, then append it as a new version of its profile (or of
    ``name``). Refused files raise :class:`ProfileFileError` and write nothing."""
    doc = parse_document(data, source=source)
    reconciled = check_against_catalog(doc, catalog, force=force, methods=methods, source=source)
    weights = {cid: reconciled.weights[cid] for cid in reconciled.kept}
    overrides = {
        oid: {cid: v for cid, v in scores.items() if cid in catalog.criteria_by_id}
        for oid, scores in (doc.overrides or {}).items()
    }
    params = dict(doc.params)
    params.pop(REQUIRE, None)  # the file's own top-level list is the one kept
    required = kept_requirements(doc, catalog)
    if required:
        params[REQUIRE] = required
    try:
        return profiles.save(
            name if name is not None else doc.name,
            weights,
            method=doc.method,
            params=params,
            description=doc.description,
            overrides={k: v for k, v in overrides.items() if v} or None,
            author=author if author is not None else doc.author,
            catalog_fingerprint=catalog.fingerprint,
        )
    except InvalidValueError as exc:  # checked before anything is written
        raise ProfileFileError(f"cannot import {source}: {exc}\nNothing was imported.") from None
