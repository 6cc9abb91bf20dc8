"""Turn an ``options/`` directory into a :class:`Catalog`, or report every problem at once.

Layout of the directory (each file documented by its own header comment)::

    options/
      criteria.yaml     the criteria, with direction, cluster, anchored levels, quotes
      sources.yaml      the source texts (file names in ../shared/seeds) and their citation
      groups.yaml       the packages options belong to
      presets.yaml      stakeholder weight presets (optional file)
      policies/*.yaml   one option per file; the file name is the option's id

Loading validates strictly, file by file (unknown keys, missing fields, values off the scale,
``low <= value <= high``), then across files (duplicate ids, unknown criterion, source or
group ids, a criterion an option does not score, preset weights). With ``sources_dir`` it
also checks that every quote is a contiguous passage of its source with runs of whitespace
folded and nothing else changed. Problems are collected, never raised one by one: either the
whole catalog loads or :class:`~policybench.errors.CatalogError` lists them all as
``path:line: message``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from policybench.catalog.models import (
    Catalog,
    CriteriaFile,
    GroupsFile,
    Option,
    PresetsFile,
    Quote,
    Source,
    SourcesFile,
)
from policybench.catalog.verbatim import SourceTexts
from policybench.catalog.yamlfile import PathKey, YamlDoc, YamlProblem, read
from policybench.errors import CatalogError, InputError

CRITERIA_FILE = "criteria.yaml"
SOURCES_FILE = "sources.yaml"
GROUPS_FILE = "groups.yaml"
PRESETS_FILE = "presets.yaml"
OPTIONS_SUBDIR = "policies"
MAX_OPTION_FILES = 500

M = TypeVar("M", bound=BaseModel)


def default_options_dir() -> Path:
    """``$POLICYBENCH_OPTIONS``, else ``./options``, else the catalog beside the source tree."""
    env = os.environ.get("POLICYBENCH_OPTIONS")
    if env:
        return Path(env)
    here = Path("options")
    if here.is_dir():
        return here
    shipped = Path(__file__).resolve().parents[3] / "options"
    return shipped if shipped.is_dir() else here


def fingerprint(root: Path) -> tuple[str, tuple[str, ...]]:
    """SHA-256 over the catalog's YAML files (relative path and bytes, in sorted order)."""
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml") if p.is_file())
    digest = hashlib.sha256()
    for rel in files:
        data = (root / rel).read_bytes()
        digest.update(rel.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest(), tuple(files)


class _Problems:
    """Collects ``path:line: message`` lines; paths are shown relative to the working directory."""

    def __init__(self) -> None:
        self._items: list[tuple[str, int, str]] = []

    def add(self, path: Path, line: int, message: str) -> None:
        self._items.append((_display(path), line, message))

    @property
    def items(self) -> list[str]:
        """The problems, by file and then by line."""
        return [f"{p}:{n}: {m}" for p, n, m in sorted(self._items, key=lambda t: (t[0], t[1]))]

    def at(self, doc: YamlDoc, loc: PathKey, message: str) -> None:
        self.add(doc.path, doc.line(loc), message)


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def _loc_text(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _validate(doc: YamlDoc, model: type[M], problems: _Problems) -> M | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
            problems.at(doc, loc, _pydantic_message(loc, err))
        return None


def _pydantic_message(loc: PathKey, err: Any) -> str:
    where = _loc_text(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown key {where!r}; check its spelling (see the file's header for the keys)"
    if kind == "missing":
        return f"missing required field {where!r}"
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        msg = "ids are lowercase letters, digits, '-' and '_' (up to 64 characters)"
    return f"{where}: {msg}" if where else msg


def _read(path: Path, problems: _Problems) -> YamlDoc | None:
    try:
        return read(path)
    except YamlProblem as exc:
        problems.add(path, exc.line, exc.message)
    except OSError as exc:
        problems.add(path, 1, f"cannot read file: {exc.strerror or exc}")
    return None


def load(options_dir: Path | str | None = None, sources_dir: Path | str | None = None) -> Catalog:
    """Load and validate the catalog in ``options_dir``.

    Parameters
    ----------
    options_dir
        The catalog directory; default :func:`default_options_dir`.
    sources_dir
        If given, the folder holding the source texts (``../shared/seeds``): every quote is
        checked to stand verbatim in its source, whitespace folded.

    Raises
    ------
    CatalogError
        With every problem found, one ``path:line: message`` each.
    """
    root = Path(options_dir) if options_dir is not None else default_options_dir()
    problems = _Problems()
    if not root.is_dir():
        raise CatalogError([f"{_display(root)}:0: catalog directory not found; pass --options DIR"])
    docs, option_docs = _read_all(root, problems)
    crit_doc, src_doc, grp_doc, pre_doc = (
        docs[n] for n in (CRITERIA_FILE, SOURCES_FILE, GROUPS_FILE, PRESETS_FILE)
    )
    criteria_file = _validate(crit_doc, CriteriaFile, problems) if crit_doc else None
    sources_file = _validate(src_doc, SourcesFile, problems) if src_doc else None
    groups_file = _validate(grp_doc, GroupsFile, problems) if grp_doc else None
    presets_file = _validate(pre_doc, PresetsFile, problems) if pre_doc else None
    options = [(doc, _validate(doc, Option, problems)) for doc in option_docs]
    sources = sources_file.sources if sources_file else []
    # Cross-file checks read the raw data, so that they run even where a file's own schema
    # check failed: one pass reports everything.
    checker = _Checker(
        problems,
        criteria_ids=_raw_ids(crit_doc, "criteria"),
        source_ids=_raw_ids(src_doc, "sources"),
        group_ids=_raw_ids(grp_doc, "groups"),
        criterion_actors=_raw_actors(crit_doc),
        quote_index=_source_texts(Path(sources_dir), sources, src_doc, problems)
        if sources_dir and sources_file and src_doc
        else None,
    )
    _cross_check(checker, docs, option_docs, root)
    if problems.items:
        raise CatalogError(problems.items)
    digest, files = fingerprint(root)
    ordered = sorted(
        (o for _, o in options if o is not None), key=lambda o: (not o.baseline, o.group, o.id)
    )
    return Catalog(
        root=root,
        criteria=tuple(criteria_file.criteria if criteria_file else ()),
        sources=tuple(sources),
        groups=tuple(groups_file.groups if groups_file else ()),
        options=tuple(ordered),
        presets=tuple(presets_file.presets if presets_file else ()),
        fingerprint=digest,
        files=files,
        default_screen=tuple(criteria_file.default_screen) if criteria_file else (),
    )


def _read_all(root: Path, problems: _Problems) -> tuple[dict[str, YamlDoc | None], list[YamlDoc]]:
    """Every file of the catalog parsed (or its problem recorded): the fixed files by name,
    and the option files in name order."""
    docs: dict[str, YamlDoc | None] = {}
    for name in (CRITERIA_FILE, SOURCES_FILE, GROUPS_FILE):
        path = root / name
        if not path.is_file():
            problems.add(path, 0, f"missing file {name}: every catalog needs one")
            docs[name] = None
        else:
            docs[name] = _read(path, problems)
    presets_path = root / PRESETS_FILE
    docs[PRESETS_FILE] = _read(presets_path, problems) if presets_path.is_file() else None
    folder = root / OPTIONS_SUBDIR
    option_paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not option_paths:
        problems.add(folder, 0, f"no options found: add {OPTIONS_SUBDIR}/<id>.yaml files")
    if len(option_paths) > MAX_OPTION_FILES:
        problems.add(
            folder, 0, f"{len(option_paths)} option files; the limit is {MAX_OPTION_FILES}"
        )
        option_paths = option_paths[:MAX_OPTION_FILES]
    return docs, [d for d in (_read(p, problems) for p in option_paths) if d is not None]


def _cross_check(
    checker: _Checker,
    docs: Mapping[str, YamlDoc | None],
    option_docs: Sequence[YamlDoc],
    root: Path,
) -> None:
    """What no single file can check: unique ids, references between files, quotes against
    their sources, one baseline, packages one level deep."""
    problems = checker.problems
    crit_doc, pre_doc = docs[CRITERIA_FILE], docs[PRESETS_FILE]
    for name, key, what in (
        (CRITERIA_FILE, "criteria", "criterion"),
        (SOURCES_FILE, "sources", "source"),
        (GROUPS_FILE, "groups", "group"),
        (PRESETS_FILE, "presets", "preset"),
    ):
        doc = docs[name]
        if doc is not None:
            checker.unique(doc, key, what)
    if crit_doc is not None:
        for i, c in _raw_items(crit_doc, "criteria"):
            checker.quotes(crit_doc, ("criteria", i, "quotes"), c.get("quotes"))
        known = _raw_ids(crit_doc, "criteria") or set()
        for i, req in _raw_items(crit_doc, "default_screen"):
            if isinstance(req.get("criterion"), str) and req["criterion"] not in known:
                problems.at(
                    crit_doc,
                    ("default_screen", i, "criterion"),
                    f"the default screen names unknown criterion {req['criterion']!r}; "
                    f"known criteria: {', '.join(sorted(known))}",
                )
    if pre_doc is not None:
        for i, p in _raw_items(pre_doc, "presets"):
            checker.preset(pre_doc, i, p)
    seen_options: dict[str, Path] = {}
    baselines: list[str] = []
    for doc in option_docs:
        data = doc.data if isinstance(doc.data, dict) else {}
        checker.option(doc, data)
        oid = data.get("id")
        if isinstance(oid, str):
            if oid in seen_options:
                problems.at(
                    doc,
                    ("id",),
                    f"duplicate option id {oid!r} (also in {_display(seen_options[oid])})",
                )
            seen_options[oid] = doc.path
        if data.get("baseline") is True:
            baselines.append(str(oid))
    if len(baselines) > 1:
        problems.add(
            root / OPTIONS_SUBDIR,
            0,
            f"more than one baseline option: {', '.join(baselines)}; mark only the status quo",
        )
    _check_packages(option_docs, problems)


def read_source_texts(folder: Path | str, catalog: Catalog) -> SourceTexts:
    """The texts of every source ``catalog`` cites, read from ``folder`` by the rules the
    loader checks the catalog's own quotes with (each under its ``sources.yaml`` file name,
    UTF-8, whitespace folded; :class:`~policybench.catalog.verbatim.SourceTexts`): what
    ``policybench serve --sources DIR`` and the app's quote check (``$POLICYBENCH_SOURCES``,
    :data:`policybench.env.SOURCES_ENV`) both read.

    Raises
    ------
    InputError
        The folder does not exist, or a source's file is missing, unreadable or not a plain
        file name; the message names every one and what to do.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(
            f"{folder}: no such folder; give the folder of the source texts the catalog cites "
            "(../shared/seeds)"
        )
    texts, problems = _read_texts(root, catalog.sources)
    if problems:
        where = [catalog.sources[i] for i, _ in problems]
        absent = all(
            os.path.basename(s.file) == s.file and not (root / s.file).exists() for s in where
        )
        named = [f"{s.file} ({s.id})" for s in where] if absent else [m for _, m in problems]
        raise InputError(
            f"{folder}: {len(problems)} of the catalog's {len(catalog.sources)} source texts "
            f"{'are not there' if absent else 'cannot be read'}: {', '.join(named)}; put them "
            "there, or give the folder that holds them"
        )
    return SourceTexts(texts)


def _read_texts(
    root: Path, sources: Sequence[Source]
) -> tuple[dict[str, tuple[str, str]], list[tuple[int, str]]]:
    """Each source's file name and raw text from ``root``, and (index, message) for each
    source whose file is not a plain name in the folder, missing or unreadable."""
    texts: dict[str, tuple[str, str]] = {}
    problems: list[tuple[int, str]] = []
    for i, s in enumerate(sources):
        if os.path.basename(s.file) != s.file:  # never read outside the folder
            problems.append((i, f"file {s.file!r} must be a plain file name in the sources folder"))
            continue
        path = root / s.file
        try:
            texts[s.id] = (s.file, path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append((i, f"cannot read source text {_display(path)}: {exc}"))
    return texts, problems


def _source_texts(
    sources_dir: Path, sources: Sequence[Source], doc: YamlDoc, problems: _Problems
) -> SourceTexts:
    """The source texts the quotes are checked against, read from ``sources_dir`` (a file
    that cannot be read is a problem of sources.yaml, at the source's line)."""
    if not sources_dir.is_dir():
        problems.add(sources_dir, 0, "source texts folder not found (--sources DIR)")
        return SourceTexts({})
    texts, found = _read_texts(sources_dir, sources)
    for i, message in found:
        problems.at(doc, ("sources", i, "file"), message)
    return SourceTexts(texts)


def _raw_items(doc: YamlDoc | None, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The mapping items of the top-level list ``key``, with their index (others skipped)."""
    if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get(key), list):
        return
    for i, item in enumerate(doc.data[key]):
        if isinstance(item, dict):
            yield i, item


def _raw_actors(doc: YamlDoc | None) -> dict[str, frozenset[str] | None]:
    """For each criterion id, the governments its scores may name as actors (``None``: the
    criterion is not a weakest link and its scores name no actors)."""
    out: dict[str, frozenset[str] | None] = {}
    for _, item in _raw_items(doc, "criteria"):
        ident, actors = item.get("id"), item.get("actors")
        if isinstance(ident, str):
            out[ident] = (
                frozenset(a for a in actors if isinstance(a, str))
                if isinstance(actors, list)
                else None
            )
    return out


def _check_packages(option_docs: Sequence[YamlDoc], problems: _Problems) -> None:
    """``part_of`` names an option that exists, is not the baseline and is not itself a
    component: packages are one level deep, so every component is compared within one."""
    raw = {
        d.data["id"]: (d, d.data)
        for d in option_docs
        if isinstance(d.data, dict) and isinstance(d.data.get("id"), str)
    }
    for doc, data in raw.values():
        package = data.get("part_of")
        if not isinstance(package, str):
            continue
        target = raw.get(package)
        if target is None:
            problems.at(
                doc,
                ("part_of",),
                f"part_of names unknown option {package!r}; name the package's option id",
            )
        elif target[1].get("baseline") is True:
            problems.at(
                doc,
                ("part_of",),
                f"part_of names the baseline {package!r}; a component belongs to a package",
            )
        elif isinstance(target[1].get("part_of"), str):
            problems.at(
                doc,
                ("part_of",),
                f"part_of names {package!r}, which is itself part of {target[1]['part_of']!r}; name the top-level package",
            )


def _raw_ids(doc: YamlDoc | None, key: str) -> set[str] | None:
    """The ids declared in a file, read from its raw data; ``None`` if it could not be read."""
    if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get(key), list):
        return None
    return {item["id"] for _, item in _raw_items(doc, key) if isinstance(item.get("id"), str)}


class _Checker:
    """Cross-file checks on raw data. A set of ids is ``None`` when its file could not be
    read at all, in which case references to it are not checked (that file's own problem is
    already reported)."""

    def __init__(
        self,
        problems: _Problems,
        *,
        criteria_ids: set[str] | None,
        source_ids: set[str] | None,
        group_ids: set[str] | None,
        criterion_actors: Mapping[str, frozenset[str] | None] | None = None,
        quote_index: SourceTexts | None,
    ) -> None:
        self.problems = problems
        self.criterion_actors = dict(criterion_actors or {})
        self.criteria_ids = criteria_ids
        self.source_ids = source_ids
        self.group_ids = group_ids
        self.quote_index = quote_index

    def unique(self, doc: YamlDoc, key: str, what: str) -> None:
        first: dict[str, int] = {}
        for i, item in _raw_items(doc, key):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident in first:
                self.problems.at(
                    doc,
                    (key, i, "id"),
                    f"duplicate {what} id {ident!r} (first at line {doc.line((key, first[ident], 'id'))})",
                )
            else:
                first[ident] = i

    def source_ref(self, doc: YamlDoc, loc: PathKey, ident: object) -> bool:
        if not isinstance(ident, str):
            return False
        if self.source_ids is not None and ident not in self.source_ids:
            self.problems.at(
                doc,
                loc,
                f"unknown source {ident!r}; known sources: {', '.join(sorted(self.source_ids))}",
            )
            return False
        return True

    def quotes(self, doc: YamlDoc, loc: PathKey, quotes: object) -> None:
        if not isinstance(quotes, list):
            return
        for i, q in enumerate(quotes):
            self.quote(doc, (*loc, i), q)

    def quote(self, doc: YamlDoc, loc: PathKey, q: object) -> None:
        if not isinstance(q, dict):
            return
        if self.source_ref(doc, (*loc, "source"), q.get("source")) and self.quote_index is not None:
            text = q.get("text")
            if isinstance(text, str) and text.strip():
                message = self.quote_index.check(q["source"], text)
                if message:
                    self.problems.at(doc, (*loc, "text"), message)

    def criterion_refs(self, doc: YamlDoc, loc: PathKey, mapping: object, what: str) -> None:
        if not isinstance(mapping, dict) or self.criteria_ids is None:
            return
        for k in mapping:
            if k not in self.criteria_ids:
                self.problems.at(
                    doc,
                    (*loc, k),
                    f"unknown criterion {k!r} in {what}; known criteria: {', '.join(sorted(self.criteria_ids))}",
                )
        missing = sorted(self.criteria_ids - set(mapping))
        if missing:
            self.problems.at(
                doc, loc, f"{what} must cover every criterion; missing: {', '.join(missing)}"
            )

    def preset(self, doc: YamlDoc, i: int, preset: dict[str, Any]) -> None:
        loc: PathKey = ("presets", i)
        name = preset.get("id", i)
        weights = preset.get("weights")
        self.criterion_refs(doc, (*loc, "weights"), weights, f"preset {name!r} weights")
        if (
            isinstance(weights, dict)
            and weights
            and all(isinstance(w, int | float) and w == 0 for w in weights.values())
        ):
            self.problems.at(
                doc,
                (*loc, "weights"),
                f"preset {name!r}: all weights are zero; give at least one criterion a positive weight",
            )
        self.quotes(doc, (*loc, "quotes"), preset.get("quotes"))

    def option(self, doc: YamlDoc, data: dict[str, Any]) -> None:
        oid = data.get("id")
        stem = doc.path.stem
        if isinstance(oid, str) and oid != stem:
            self.problems.at(doc, ("id",), f"option id {oid!r} must match the file name {stem!r}")
        group = data.get("group")
        if isinstance(group, str) and self.group_ids is not None and group not in self.group_ids:
            self.problems.at(
                doc,
                ("group",),
                f"unknown group {group!r}; known groups: {', '.join(sorted(self.group_ids))}",
            )
        if isinstance(data.get("sources"), list):
            for i, s in enumerate(data["sources"]):
                self.source_ref(doc, ("sources", i), s)
        self.quotes(doc, ("quotes",), data.get("quotes"))
        self.quote(doc, ("recommendation_quote",), data.get("recommendation_quote"))
        scores = data.get("scores")
        self.criterion_refs(doc, ("scores",), scores, f"option {oid!r} scores")
        if isinstance(scores, dict):
            for cid, score in scores.items():
                if isinstance(score, dict):
                    self.quotes(doc, ("scores", cid, "quotes"), score.get("quotes"))
                    self.actors(doc, cid, score)

    def actors(self, doc: YamlDoc, cid: str, score: dict[str, Any]) -> None:
        """A weakest-link criterion's scores name their actors; no other score does."""
        if cid not in self.criterion_actors:
            return
        allowed = self.criterion_actors[cid]
        actors = score.get("actors")
        if allowed is None:
            if actors is not None:
                self.problems.at(
                    doc,
                    ("scores", cid, "actors"),
                    f"criterion {cid!r} takes no actors; only a weakest-link criterion does",
                )
            return
        if not isinstance(actors, dict):
            self.problems.at(
                doc,
                ("scores", cid),
                f"{cid} must name the governments that must act: actors: {{{', '.join(f'{a}: N' for a in sorted(allowed))}}} (those the option asks to act)",
            )
            return
        unknown = sorted(str(a) for a in actors if a not in allowed)
        if unknown:
            self.problems.at(
                doc,
                ("scores", cid, "actors"),
                f"unknown actor {', '.join(map(repr, unknown))}; the actors are: {', '.join(sorted(allowed))}",
            )


def iter_quotes(catalog: Catalog) -> Iterator[tuple[str, Quote]]:
    """Every quote in the catalog with a label saying where it is used."""
    for c in catalog.criteria:
        for q in c.quotes:
            yield f"criterion {c.id}", q
    for o in catalog.options:
        if o.recommendation_quote is not None:
            yield f"option {o.id} / recommendation", o.recommendation_quote
        for q in o.quotes:
            yield f"option {o.id}", q
        for cid, s in o.scores.items():
            for q in s.quotes:
                yield f"option {o.id} / {cid}", q
    for p in catalog.presets:
        for q in p.quotes:
            yield f"preset {p.id}", q
