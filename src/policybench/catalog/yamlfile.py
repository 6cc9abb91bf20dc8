"""Read one YAML file into plain Python data plus a map from each value's path to its line.

PyYAML's node tree carries line numbers; this turns it into dicts and lists while recording
``path -> line`` so that every later problem (a pydantic error, an unknown id, a quote not
found in its source) can be reported as ``path:line: message``. It also refuses what the
safe loader would let through silently: duplicate keys, non-string keys other than the
integer scale levels, anchors/aliases (no "billion laughs"), excessive nesting and size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 2_000_000
#: libyaml's parser when PyYAML was built with it (16 times faster, same marks), else Python's.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 20

PathKey = tuple[str | int, ...]


class YamlProblem(Exception):
    """One problem with a file, already located: ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class YamlDoc:
    """A parsed file: its data, and the 1-based line of every mapping key and list item."""

    path: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, loc: PathKey) -> int:
        """The line of ``loc``, or of its nearest recorded ancestor (1 for the document)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def read(path: Path) -> YamlDoc:
    """Parse ``path``; raise :class:`YamlProblem` for anything that is not clean YAML data."""
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise YamlProblem(1, f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(
            line, f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8"
        ) from None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise YamlProblem(line, f"YAML syntax error: {what}") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise YamlProblem(
            line, f"character U+{exc.character:04X} is not allowed in YAML; remove it"
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every other error is marked
        raise YamlProblem(1, "YAML error: " + " ".join(str(exc).split())) from None
    doc = YamlDoc(path=path, data=None)
    if node is None:
        raise YamlProblem(1, "file is empty")
    doc.lines[()] = node.start_mark.line + 1
    doc.data = _convert(node, (), doc, 0, _Seen(yaml.SafeLoader("")))
    return doc


class _Seen:
    """Nodes already converted (a node met twice is an alias) and the scalar constructor."""

    def __init__(self, constructor: yaml.SafeLoader) -> None:
        self.ids: set[int] = set()
        self.constructor = constructor


def _convert(node: yaml.Node, loc: PathKey, doc: YamlDoc, depth: int, seen: _Seen) -> Any:
    if depth > MAX_DEPTH:
        raise YamlProblem(node.start_mark.line + 1, f"nested deeper than {MAX_DEPTH} levels")
    if id(node) in seen.ids:
        raise YamlProblem(node.start_mark.line + 1, "YAML anchors and aliases are not allowed")
    seen.ids.add(id(node))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(key_node.start_mark.line + 1, "keys must be plain words")
            key = (
                yaml.safe_load(key_node.value) if key_node.tag.endswith(":int") else key_node.value
            )
            line = key_node.start_mark.line + 1
            if key in out:
                raise YamlProblem(
                    line, f"duplicate key {key!r} (first given on line {doc.lines[(*loc, key)]})"
                )
            doc.lines[(*loc, key)] = line
            out[key] = _convert(value_node, (*loc, key), doc, depth + 1, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            doc.lines[(*loc, i)] = item.start_mark.line + 1
            items.append(_convert(item, (*loc, i), doc, depth + 1, seen))
        return items
    # A scalar: let the safe constructor resolve its tag (int, float, bool, null, str).
    try:
        return seen.constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise YamlProblem(node.start_mark.line + 1, f"cannot read value: {exc.problem}") from None
