"""Compiled chart structures (Vega-Lite without data), kept on disk between server processes.

Compiling a chart's structure means importing Altair (about 0.3 s) and building the chart
(0.05 to 0.1 s): a new server's first page would pay both, and so would the first visitor to
each page after every restart. A structure depends only on its spec's name and arguments, on
Altair's version and on the code that builds it, so it is stored under a digest of all of
these and read back (in about a millisecond) by the next process. Where:
``$POLICYBENCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/policybench``, else
``~/.cache/policybench``; it may be deleted at any time.

The disk is a convenience, never a source of errors: a file that cannot be read, is not
JSON, or cannot be written is compiled again, and only the newest :data:`MAX_FILES`
structures are kept. Nothing here calls Streamlit (the app keeps its own in-memory cache on
top, :mod:`policybench.ui.components.chart`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

_LOG = logging.getLogger(__name__)

#: The code whose change makes every stored structure stale: the spec builders and this file
#: (which post-processes what they build).
SOURCES = (
    Path(__file__).resolve().parents[1] / "export" / "chart_specs.py",
    Path(__file__).resolve(),
)

#: Keys the default Altair theme adds that would fight Streamlit's own sizing.
THEME_VIEW_KEYS = ("continuousWidth", "continuousHeight")

#: Structures kept on disk; beyond this the least recently written are removed.
MAX_FILES = 500


def cache_dir() -> Path:
    """Where the structures are kept (see the module's docstring)."""
    configured = os.environ.get("POLICYBENCH_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "policybench"


def compile_structure(name: str, args: tuple[Any, ...]) -> dict[str, Any]:
    """``chart_specs.<name>(*args)`` as Vega-Lite, without data and without the theme's view
    sizes, unvalidated (tests/export/test_charts.py validates every kind of chart)."""
    from policybench.export import chart_specs

    spec: dict[str, Any] = getattr(chart_specs, name)(*args).to_dict(validate=False)
    view = spec.get("config", {}).get("view", {})
    for key in THEME_VIEW_KEYS:
        view.pop(key, None)
    spec.pop("datasets", None)
    return spec


def structure(name: str, args: tuple[Any, ...]) -> dict[str, Any]:
    """The compiled structure of ``chart_specs.<name>(*args)``: from disk when a process
    compiled it before with the same code and Altair, else compiled (and stored)."""
    path = _path(name, args)
    if path is not None:
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # not there yet, unreadable or damaged: compile it again
        else:
            if isinstance(stored, dict):
                return stored
    spec = compile_structure(name, args)
    if path is not None:
        _store(path, spec)
    return spec


@functools.cache
def _stamp() -> str:
    """A digest of what a structure depends on besides its arguments (read once a process)."""
    digest = hashlib.sha256(importlib.metadata.version("altair").encode())
    for source in SOURCES:
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _path(name: str, args: tuple[Any, ...]) -> Path | None:
    """The file for ``name(*args)``, or None when the arguments have no JSON form."""
    try:
        text = json.dumps([name, list(args)], ensure_ascii=False, allow_nan=False)
        key = hashlib.sha256(f"{_stamp()}\n{text}".encode()).hexdigest()[:40]
    except (TypeError, ValueError, OSError, importlib.metadata.PackageNotFoundError):
        return None
    return cache_dir() / "charts" / f"{key}.json"


def _store(path: Path, spec: dict[str, Any]) -> None:
    """Write ``spec`` whole or not at all (a reader never sees half a file), then prune."""
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
        _prune(path.parent)
    except OSError as exc:
        _LOG.debug("chart structure not stored in %s: %s", path.parent, exc)
        with contextlib.suppress(OSError):  # e.g. the folder could not be made
            temporary.unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    files = list(folder.glob("*.json"))
    if len(files) <= MAX_FILES:
        return
    files.sort(key=lambda f: f.stat().st_mtime)
    for stale in files[: len(files) - MAX_FILES]:
        stale.unlink(missing_ok=True)
