"""``policybench profiles ...``: saved weight profiles from the command line.

A typer sub-app, mounted by :mod:`policybench.cli` as ``profiles``. It parses, calls
:mod:`policybench.store` and prints; the store's refusals become exit codes in
:func:`~policybench.cli.errors.exits_on_error` (1, or 3 for a save refused by
``--expect-version``). The store is imported where it is opened (:func:`_store`), so that
importing the command line does not load SQLAlchemy (:mod:`policybench.cli`).
"""

from __future__ import annotations

import getpass
import json
import os
import shlex
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

import policybench.cli.options as opt
from policybench.cli.errors import exits_on_error
from policybench.errors import InputError

if TYPE_CHECKING:
    from policybench.store import Store
    from policybench.store.profiles import ProfileVersion

profiles_app = opt.typer_app(
    "profiles",
    "Save, list, show, version, rename, delete, restore, export and import weight profiles.",
)

Author = Annotated[
    str | None,
    typer.Option(
        "--author",
        help="Who is saving [default: $POLICYBENCH_AUTHOR, else your user name]",
        show_default=False,
    ),
]
Version = Annotated[
    int | None,
    typer.Option("--version", help="A version (default: the latest)", show_default=False),
]
Name = Annotated[str, typer.Argument(help="The profile's name")]


def _store(db: str | None) -> Store:
    """The store at ``db``; use it as ``with _store(db) as store:`` so it is closed."""
    from policybench.store import open_store

    return open_store(db)


def _methods() -> list[str]:
    """The engine's method names (its registry)."""
    from policybench import mcda

    return list(mcda.METHODS)


def _check_method(method: str) -> None:
    if method not in _methods():
        raise InputError(f"unknown method {method!r}; choose one of: {', '.join(_methods())}")


def _author(author: str | None) -> str | None:
    if author is not None:
        return author
    env = os.environ.get("POLICYBENCH_AUTHOR", "").strip()
    if env:
        return env
    try:
        return getpass.getuser() or None
    except Exception:  # no user name in this environment (getpass raises several kinds)
        return None


def _when(value: datetime) -> str:
    return value.isoformat()


def _short_when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _num(value: float) -> str:
    return f"{value:g}"


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


# -- commands -------------------------------------------------------------------------------


@profiles_app.command()
@exits_on_error
def save(
    name: Annotated[
        str, typer.Argument(help="The profile's name (any text but NUL and control characters)")
    ],
    weights: Annotated[
        str,
        typer.Option(
            "--weights", help="Every criterion's weight: c1=3,c2=7,...", show_default=False
        ),
    ],
    method: Annotated[
        str, typer.Option("--method", help="Aggregation method the profile is meant for")
    ] = "wsm",
    description: Annotated[
        str, typer.Option("--description", help="What this profile stands for")
    ] = "",
    expect_version: Annotated[
        int | None,
        typer.Option(
            "--expect-version",
            help="Refuse (exit 3) unless this is still the latest version; 0: must be new",
            show_default=False,
        ),
    ] = None,
    author: Author = None,
    db: opt.Db = None,
    options: opt.OptionsDir = None,
) -> None:
    """Save a new version of a profile (never overwrites: every save is a new version)."""
    from policybench.catalog import load, parse_weights

    cat = load(options)
    parsed = parse_weights(weights, cat)
    _check_method(method)
    with _store(db) as store:
        saved = store.profiles.save(
            name,
            parsed,
            method=method,
            description=description,
            expect_version=expect_version,
            author=_author(author),
            catalog_fingerprint=cat.fingerprint,
        )
    typer.echo(f"saved {saved.name!r} version {saved.version}")


@profiles_app.command("list")
@exits_on_error
def list_(
    as_json: opt.AsJson = False,
    include_deleted: Annotated[
        bool, typer.Option("--all", help="Include deleted profiles")
    ] = False,
    db: opt.Db = None,
    options: opt.OptionsDir = None,
) -> None:
    """List saved profiles with their latest version."""
    with _store(db) as store:
        rows = store.profiles.list(include_deleted=include_deleted)
    if as_json:
        _echo_json(
            [
                {
                    "name": r.name,
                    "version": r.version,
                    "method": r.method,
                    "description": r.description,
                    "author": r.author,
                    "created_at": _when(r.created_at),
                    "updated_at": _when(r.updated_at),
                    "deleted": r.deleted,
                    "has_overrides": r.has_overrides,
                }
                for r in rows
            ]
        )
        return
    if not rows:
        typer.echo("no saved profiles" + ("" if include_deleted else " (deleted ones: --all)"))
        return
    width = max(len(r.name) for r in rows)
    for r in rows:
        flags = (" (deleted)" if r.deleted else "") + (
            " [what-if scores]" if r.has_overrides else ""
        )
        typer.echo(
            f"{r.name.ljust(width)}  v{r.version:<4} {r.method:<10} "
            f"{_short_when(r.updated_at)}  {r.author or '-'}{flags}"
        )


def _show_json(profile: ProfileVersion, history: list[Any]) -> dict[str, Any]:
    """Exactly the schema DESIGN.md publishes for ``profiles show --json``."""
    return {
        "name": profile.name,
        "version": profile.version,
        "weights": dict(profile.weights),
        "method": profile.method,
        "params": dict(profile.params),
        "description": profile.description,
        "author": profile.author,
        "overrides": None
        if profile.overrides is None
        else {k: dict(v) for k, v in profile.overrides.items()},
        "created_at": _when(profile.created_at),
        "history": [
            {"version": h.version, "created_at": _when(h.created_at), "author": h.author}
            for h in history
        ],
    }


def _show_text(name: str, profile: ProfileVersion, history: list[Any]) -> None:
    from policybench.analysis.weights import shares

    latest = " (latest)" if profile.is_latest else f" (latest is {profile.latest_version})"
    typer.echo(f"{profile.name}: version {profile.version}{latest}")
    typer.echo(
        f"method: {profile.method}"
        + (f"  params: {json.dumps(profile.params, ensure_ascii=False)}" if profile.params else "")
    )
    typer.echo(f"saved: {_short_when(profile.created_at)} by {profile.author or '-'}")
    if profile.restored_from is not None:
        typer.echo(f"restored from version {profile.restored_from}")
    if profile.description:
        typer.echo(f"description: {profile.description}")
    typer.echo("weights:")
    ids = list(profile.weights)
    width = max(len(c) for c in ids)
    # None only for all-zero weights, which the store refuses; shown as 0 % if ever met
    share = shares(profile.weights, ids) or dict.fromkeys(ids, 0.0)
    for cid in ids:
        typer.echo(f"  {cid.ljust(width)}  {_num(profile.weights[cid]):>8}  ({share[cid]:.0%})")
    if profile.overrides:
        typer.echo("WHAT-IF SCORES (replace the catalog's scores when this profile is used):")
        for oid, scores in profile.overrides.items():
            for cid, value in scores.items():
                typer.echo(f"  {oid} / {cid}: {_num(value)}")
    typer.echo(
        f"history: {len(history)} version{'s' if len(history) != 1 else ''} "
        f"(profiles history {name!r})"
    )


@profiles_app.command()
@exits_on_error
def show(
    name: Name,
    version: Version = None,
    as_json: opt.AsJson = False,
    db: opt.Db = None,
    options: opt.OptionsDir = None,
) -> None:
    """Show a profile (its latest version, or --version V)."""
    with _store(db) as store:
        profile = store.profiles.get(name, version)
        history = store.profiles.history(name)
    if as_json:
        _echo_json(_show_json(profile, history))
    else:
        _show_text(name, profile, history)


@profiles_app.command()
@exits_on_error
def history(
    name: Name,
    as_json: opt.AsJson = False,
    db: opt.Db = None,
    options: opt.OptionsDir = None,
) -> None:
    """Every version of a profile, oldest first."""
    with _store(db) as store:
        entries = store.profiles.history(name)
    if as_json:
        _echo_json(
            [
                {
                    "version": h.version,
                    "created_at": _when(h.created_at),
                    "author": h.author,
                    "method": h.method,
                    "description": h.description,
                    "restored_from": h.restored_from,
                    "has_overrides": h.has_overrides,
                }
                for h in entries
            ]
        )
        return
    for h in entries:
        note = f"  (restored from v{h.restored_from})" if h.restored_from is not None else ""
        what_if = "  [what-if scores]" if h.has_overrides else ""
        typer.echo(
            f"v{h.version:<4} {_short_when(h.created_at)}  {h.author or '-'}  "
            f"{h.method}{note}{what_if}"
        )


@profiles_app.command()
@exits_on_error
def rename(
    old: Annotated[str, typer.Argument(help="The current name")],
    new: Annotated[str, typer.Argument(help="The new name (refused if taken)")],
    db: opt.Db = None,
    options: opt.OptionsDir = None,
) -> None:
    """Rename a profile, keeping its history."""
    with _store(db) as store:
        store.profiles.rename(old, new)
    typer.echo(f"renamed {old!r} to {new!r}")


@profiles_app.command()
@exits_on_error
def delete(
    name: Name,
    author: Author = None,
    db: opt.Db = None,
    options: opt.OptionsDir = None,
) -> None:
    """Delete a profile (it can be undeleted, history and all)."""
    with _store(db) as store:
        store.profiles.delete(name, author=_author(author))
    typer.echo(f"deleted {name!r} (undo with: policybench profiles undelete {shlex.quote(name)})")


@profiles_app.command()
@exits_on_error
def undelete(
    name: Annotated[str, typer.Argument(help="The deleted profile's name")],
    db: opt.Db = None,
    options: opt.OptionsDir = None,
) -> None:
    """Bring back a deleted profile."""
    with _store(db) as store:
        store.profiles.undelete(name)
    typer.echo(f"undeleted {name!r}")


@profiles_app.command()
@exits_on_error
def restore(
    name: Name,
    version: Annotated[
        int, typer.Option("--version", help="The version to bring back", show_default=False)
    ],
    expect_version: Annotated[
        int | None,
        typer.Option(
            "--expect-version",
            help="Refuse (exit 3) unless this is still the latest version",
            show_default=False,
        ),
    ] = None,
    author: Author = None,
    db: opt.Db = None,
    options: opt.OptionsDir = None,
) -> None:
    """Add a new version equal to an old one (nothing is overwritten)."""
    with _store(db) as store:
        saved = store.profiles.restore(
            name, version, author=_author(author), expect_version=expect_version
        )
    typer.echo(f"restored {saved.name!r} version {version} as version {saved.version}")


@profiles_app.command("export")
@exits_on_error
def export_(
    name: Name,
    out: Annotated[
        str,
        typer.Option(
            "--out", help="The JSON file to write ('-' for standard output)", show_default=False
        ),
    ],
    version: Version = None,
    db: opt.Db = None,
    options: opt.OptionsDir = None,
) -> None:
    """Write a profile as JSON (the format of profile.schema.json)."""
    from policybench.store.profile_io import dumps_document, export_document, write_document

    with _store(db) as store:
        profile = store.profiles.get(name, version)
    doc = export_document(profile)
    if out == "-":
        typer.echo(dumps_document(doc), nl=False)
        return
    write_document(doc, Path(out))
    typer.echo(f"exported {profile.name!r} version {profile.version} to {out}")


@profiles_app.command("import")
@exits_on_error
def import_(
    file: Annotated[Path, typer.Argument(help="A profile JSON file (at most 256 KB)")],
    force: Annotated[
        bool, typer.Option("--force", help="Accept a file exported from a different catalog")
    ] = False,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="Save under this name instead of the file's", show_default=False
        ),
    ] = None,
    author: Author = None,
    db: opt.Db = None,
    options: opt.OptionsDir = None,
) -> None:
    """Import a profile file as a new version (checked first: nothing is written if refused)."""
    from policybench.catalog import load
    from policybench.store.profile_io import import_profile, read_profile_file

    data = read_profile_file(file)
    cat = load(options)
    with _store(db) as store:
        saved = import_profile(
            store.profiles,
            data,
            cat,
            force=force,
            name=name,
            author=author,
            methods=_methods(),
            source=str(file),
        )
    typer.echo(f"imported {saved.name!r} as version {saved.version}")
