"""A workshop's adopted scores as a patch back to the catalog, for its maintainers to review.

:func:`catalog_patch` turns a workshop's score decisions into a unified diff in git's format
against ``options/policies/<option>.yaml``: ``git apply`` applies it at the root of a clean
checkout, and ``policybench validate`` passes afterwards. For each adopted cell it

- writes the adopted value over the score's ``value:``, as the file writes numbers (integers
  as integers, halves and other fractions as decimals);
- widens the score's ``range:`` to hold the adopted value and the adopted range, never
  narrowing it, and keeps a judgement score's range at least
  :data:`~policybench.catalog.models.JUDGEMENT_MIN_WIDTH` wide;
- on a weakest-link criterion (a score with ``actors``, whose value is the lowest government's
  score), raises every government below a raised value to it, or lowers the government(s) at
  the current minimum to a lowered value, and says so in a comment, since the room argued
  about the cell and the maintainer must check which government it meant;
- adds comment lines above the ``value:`` line: one header, ``# workshop <label>: adopted 6
  (catalog 4); range widened from [3, 5] to [3, 6]; the room's reasons:``, then one indented
  line per challenge, ``#   proposed 6: <reason>``, with its verified quote and source on the
  next (``#   “<quote>” (Nishino 2017)``), each folded with a hanging indent to the file's
  line length (:class:`RoomReason`).

The file is edited as text at the exact places PyYAML's marks give for each number, so every
other byte (comments, folded prose, quoting, line endings) stays as it was; the edited text is
then parsed again and checked against what was meant and against the catalog's own model, so a
patch that would not validate is never written. Reasons are participants' text: they become
comments only after :func:`~policybench.present.text.comment_text` has put them on one line and
made every invisible or non-printable character visible (a line break would end the comment; a
bidirectional control would let a comment read differently in review from what it says).
Rejected decisions change nothing; no adopted decision gives an empty string.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import ValidationError

import policybench
from policybench.analysis.contest import Decision
from policybench.catalog.loader import OPTIONS_SUBDIR, fingerprint
from policybench.catalog.models import JUDGEMENT_MIN_WIDTH, Catalog, Criterion, Option
from policybench.errors import InputError
from policybench.present.text import comment_text

#: What a download of the patch is sent as, and the extension its file gets.
MEDIA_TYPE = "text/x-diff"
EXTENSION = ".patch"
#: Comments are folded to the longest comment line a file already has; a file with none, or
#: with only short ones, gets the project's line length.
DEFAULT_WIDTH = 100
MIN_WIDTH = 72
MAX_WIDTH = 120
DECISIONS = ("adopted", "rejected")
# Joins words the folding must not part ("[2, 8]", "seoul (3)"); a space once folded.
# comment_text never lets it through from a participant's text.
_GLUE = "\x00"


@dataclass(frozen=True)
class RoomReason:
    """One challenge's case for a cell, as the patch's comment gives it: what it proposed (None
    when unknown), its reason, and a quote found verbatim in its source (only such a quote:
    the maintainer can check it) with the source's short citation (``"Nishino 2017"``)."""

    proposed: float | None
    reason: str
    quote: str | None = None
    cited: str | None = None


@dataclass(frozen=True)
class _Cell:
    """One adopted cell, checked: the value and the optional range the room adopted."""

    option: str
    criterion: str
    value: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class _Edit:
    """Replace ``text[start:end]`` with ``new`` (an insertion when ``start == end``)."""

    start: int
    end: int
    new: str


def catalog_patch(
    catalog_dir: Path,
    catalog: Catalog,
    decisions: Iterable[Decision],
    reasons: Mapping[tuple[str, str], Sequence[RoomReason | str]],
    *,
    workshop: str,
    repo_path: str = "options",
) -> str:
    """The adopted decisions as a unified diff (git's format) against the catalog's files.

    Parameters
    ----------
    catalog_dir
        The catalog directory whose files the patch is written against (usually
        ``catalog.root``); its option files are read as text, ``policies/<option>.yaml``.
    catalog
        The catalog the workshop ran on: decisions must name its options and criteria.
    decisions
        The workshop's decisions (``.option``, ``.criterion``, ``.decision`` ``"adopted"`` or
        ``"rejected"``, ``.value``, ``.low``, ``.high``); at most one per cell. Rejected ones
        change nothing.
    reasons
        ``(option, criterion) -> the room's reasons`` (:class:`RoomReason`, or a plain text
        for a reason without a proposal), written as comments above the adopted cell's value,
        each once (reasons for other cells are ignored).
    workshop
        The label each cell's comment starts with (the workshop's title and date):
        ``# workshop <label>:``.
    repo_path
        Where the catalog directory sits in the repository the patch is for; the diff's paths
        are ``a/<repo_path>/policies/<option>.yaml`` (``"."``: the catalog is the repository).

    Returns
    -------
    str
        The patch, a short preamble (which ``git apply`` skips) and one ``diff --git`` section
        per file, in path order; ``""`` when no decision is adopted.

    Raises
    ------
    InputError
        A decision names an unknown option or criterion, two decisions name one cell, a value
        or range is off the scale or out of order, or a file is not laid out so that its
        numbers can be edited in place (the message names the file and what to do).
    """
    label = comment_text(workshop)
    if not label:
        raise InputError("workshop label is empty: pass the workshop's code")
    prefix = _repo_prefix(repo_path)
    cells = _adopted(catalog, decisions)
    if not cells:
        return ""
    by_file: dict[str, list[_Cell]] = {}
    for cell in cells:
        rel = f"{OPTIONS_SUBDIR}/{cell.option}.yaml"
        if catalog.files and rel not in catalog.files:
            raise InputError(
                f"option {cell.option!r} has no file {rel} in the catalog; "
                "export the patch from the catalog the workshop ran on"
            )
        by_file.setdefault(rel, []).append(cell)
    digest, _ = fingerprint(Path(catalog_dir))
    # A preamble, which `git apply` skips as it skips a commit message.
    parts = [
        f"Scores adopted in workshop {label}, for the catalog's maintainers to review\n"
        f"(policybench {policybench.__version__}, catalog {digest[:12]}). Apply with `git apply` "
        "at the repository root,\nthen run `policybench validate --sources DIR`. The comments "
        f"`# workshop {label}:` carry the room's\nreasons.\n\n"
    ]
    for rel in sorted(by_file):
        path = Path(catalog_dir) / rel
        old = _read_text(path)
        new = _patched_file(path, old, catalog, by_file[rel], reasons, label)
        parts.append(_unified(f"{prefix}/{rel}" if prefix else rel, old, new))
    return "".join(parts)


def number(value: float) -> str:
    """``value`` as the catalog writes numbers: ``5``, ``6.5``, ``0.25`` (never ``5.0`` or an
    exponent, which YAML 1.1 would read as a string); float noise below 1e-9 is dropped."""
    v = round(float(value), 9) + 0.0  # + 0.0 turns -0.0 into 0.0
    if v.is_integer():
        return str(int(v))
    return f"{v:.9f}".rstrip("0").rstrip(".")


def widened(
    low: float,
    high: float,
    value: float,
    adopted: tuple[float | None, float | None] = (None, None),
    *,
    min_width: float = 0.0,
    bounds: tuple[float, float] = (0.0, 10.0),
) -> tuple[float, float]:
    """The range ``[low, high]`` widened to hold ``value`` and the adopted range (either end
    may be ``None``), never narrowed; then at least ``min_width`` wide, the high end raised
    first and the low end lowered for what the scale's top leaves (so the ends stay on the
    steps the file uses)."""
    lo = min(x for x in (low, value, adopted[0]) if x is not None)
    hi = max(x for x in (high, value, adopted[1]) if x is not None)
    if hi - lo < min_width:
        hi = min(bounds[1], lo + min_width)
        lo = max(bounds[0], hi - min_width)
    return lo, hi


def _repo_prefix(repo_path: str) -> str:
    """The diff paths' prefix: ``repo_path`` as a relative POSIX path ("" for ".")."""
    raw = repo_path.replace("\\", "/").strip()
    parts = PurePosixPath(raw).parts
    if not raw or raw.startswith("/") or ".." in parts:
        raise InputError(
            f"repo_path {repo_path!r} must be the catalog's folder inside the repository, "
            "such as 'options' (or '.' when the catalog is the repository)"
        )
    return "/".join(parts)


def _adopted(catalog: Catalog, decisions: Iterable[Decision]) -> list[_Cell]:
    """The adopted decisions, checked against the catalog, in the order given."""
    cells: list[_Cell] = []
    seen: set[tuple[str, str]] = set()
    for d in decisions:
        where = f"decision on {d.option!r} × {d.criterion!r}"
        if d.option not in catalog.options_by_id:
            raise InputError(
                f"{where}: unknown option {d.option!r}; it is not in the catalog at "
                f"{catalog.root} (export the patch from the catalog the workshop ran on)"
            )
        criterion = catalog.criteria_by_id.get(d.criterion)
        if criterion is None:
            raise InputError(
                f"{where}: unknown criterion {d.criterion!r}; known criteria: "
                + ", ".join(catalog.criterion_ids)
            )
        if d.decision not in DECISIONS:
            raise InputError(
                f"{where}: decision {d.decision!r} is neither 'adopted' nor 'rejected'"
            )
        if (d.option, d.criterion) in seen:
            raise InputError(f"{where}: two decisions name this cell; pass the latest only")
        seen.add((d.option, d.criterion))
        if d.decision == "adopted":
            cells.append(_checked(where, criterion, d))
    return cells


def _checked(where: str, criterion: Criterion, d: Decision) -> _Cell:
    lo_scale, hi_scale = criterion.scale_min, criterion.scale_max
    if d.value is None:
        raise InputError(f"{where}: adopted without a value; record the value the room adopted")
    named = (("value", d.value), ("low", d.low), ("high", d.high))
    for name, v in named:
        if v is not None and not (math.isfinite(v) and lo_scale <= v <= hi_scale):
            raise InputError(
                f"{where}: adopted {name} {v} is off the {lo_scale:g}–{hi_scale:g} scale"
            )
    low = d.low if d.low is not None else d.value
    high = d.high if d.high is not None else d.value
    if not low <= d.value <= high:
        raise InputError(
            f"{where}: the adopted range [{number(low)}, {number(high)}] must hold the adopted "
            f"value {number(d.value)} (low ≤ value ≤ high)"
        )
    return _Cell(d.option, d.criterion, float(d.value), d.low, d.high)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the option file: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid UTF-8; run `policybench validate` first") from None


def _patched_file(
    path: Path,
    text: str,
    catalog: Catalog,
    cells: Sequence[_Cell],
    reasons: Mapping[tuple[str, str], Sequence[RoomReason | str]],
    label: str,
) -> str:
    """``text`` with every cell of this file edited, checked by parsing it again."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise InputError(
            f"{path}: not readable YAML ({' '.join(str(exc).split())}); "
            "run `policybench validate` first"
        ) from None
    scores = _child(root, "scores")
    if scores is None or not isinstance(data, dict) or not isinstance(data.get("scores"), dict):
        raise InputError(f"{path}: no 'scores' mapping; run `policybench validate` first")
    expected = copy.deepcopy(data)
    width = _line_width(text)
    edits: list[_Edit] = []
    for cell in cells:
        node = _child(scores, cell.criterion)
        score = data["scores"].get(cell.criterion)
        if node is None or not isinstance(score, dict):
            raise InputError(
                f"{path}: option {cell.option!r} has no score for {cell.criterion!r}; "
                "run `policybench validate` first"
            )
        criterion = catalog.criteria_by_id[cell.criterion]
        old_numbers, new_numbers, notes = _new_score(path, cell, criterion, score)
        expected["scores"][cell.criterion] = _as_written(score, new_numbers)
        edits += _number_edits(path, cell, node, old_numbers, new_numbers)
        paragraphs = _comment_paragraphs(cell, old_numbers, new_numbers, notes, reasons)
        edits.append(_insert_above(text, _child_key(node, "value"), paragraphs, label, width))
    new = text
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        new = new[: edit.start] + edit.new + new[edit.end :]
    _check(path, new, expected)
    return new


def _new_score(
    path: Path, cell: _Cell, criterion: Criterion, score: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The score's numbers before and after the decision (``value``, ``range``, ``actors``),
    and what the comment must add about the actors."""
    rng, actors = score.get("range"), score.get("actors")
    value = _as_number(score.get("value"))
    ends = [_as_number(x) for x in rng] if isinstance(rng, list) and len(rng) == 2 else []
    if value is None or len(ends) != 2 or ends[0] is None or ends[1] is None:
        raise InputError(
            f"{path}: {cell.criterion} needs a number 'value' and 'range: [low, high]'; "
            "run `policybench validate` first"
        )
    old: dict[str, Any] = {"value": value, "range": ends}
    min_width = JUDGEMENT_MIN_WIDTH if score.get("evidence") == "judgement" else 0.0
    low, high = widened(
        ends[0],
        ends[1],
        cell.value,
        (cell.low, cell.high),
        min_width=min_width,
        bounds=(criterion.scale_min, criterion.scale_max),
    )
    new: dict[str, Any] = {"value": cell.value, "range": [low, high]}
    notes: list[str] = []
    if actors is not None:
        read = {k: _as_number(v) for k, v in actors.items()} if isinstance(actors, dict) else {}
        numbers = {k: v for k, v in read.items() if isinstance(k, str) and v is not None}
        if not numbers or len(numbers) != len(read):
            raise InputError(
                f"{path}: {cell.criterion} actors must map each government to its score; "
                "run `policybench validate` first"
            )
        old["actors"] = numbers
        new["actors"], note = _moved_actors(cell.criterion, numbers, cell.value)
        notes += [note] if note else []
    return old, new, notes


def _as_written(score: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """``score`` (as the file's data has it) with the numbers of ``new``, typed as the edited
    file will read back: a number the file quotes reads back as a string."""

    def like(raw: object, v: float) -> object:
        if _as_number(raw) == v:
            return raw
        return number(v) if isinstance(raw, str) else v

    out = dict(score)
    out["value"] = like(score["value"], new["value"])
    out["range"] = [like(r, v) for r, v in zip(score["range"], new["range"], strict=True)]
    if "actors" in new:
        out["actors"] = {k: like(r, new["actors"][k]) for k, r in score["actors"].items()}
    return out


def _moved_actors(
    criterion: str, actors: Mapping[str, float], value: float
) -> tuple[dict[str, float], str]:
    """The governments' scores after the criterion's value (their minimum) becomes ``value``:
    a raise lifts every government below it; a cut lowers those at the minimum. With a note
    for the maintainer ("" when nothing moved)."""
    lowest = min(actors.values())
    if value > lowest:
        moved = {a: v for a, v in actors.items() if v < value}
        verb = "raised"
    elif value < lowest:
        moved = {a: v for a, v in actors.items() if v == lowest}
        verb = "lowered"
    else:
        return dict(actors), ""
    names = [f"{a}{_GLUE}({number(v)})" for a, v in moved.items()]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    note = (
        f"{criterion} is the lowest of the governments' scores, so this patch {verb} {who} to "
        f"{number(value)}: check which government the room meant."
    )
    return {a: (value if a in moved else v) for a, v in actors.items()}, note


def _number_edits(
    path: Path,
    cell: _Cell,
    node: yaml.MappingNode,
    score: Mapping[str, Any],
    new: Mapping[str, Any],
) -> list[_Edit]:
    """The in-place replacements of the numbers that change (value, range ends, actors); a
    quoted number keeps its quotes."""
    value_node = _child(node, "value")
    range_node = _child(node, "range")
    if not isinstance(value_node, yaml.ScalarNode) or not isinstance(range_node, yaml.SequenceNode):
        raise InputError(
            f"{path}: {cell.criterion}: write 'value: N' and 'range: [low, high]' to patch it"
        )
    pairs: list[tuple[yaml.Node, float, float]] = [(value_node, score["value"], new["value"])]
    pairs += zip(range_node.value, score["range"], new["range"], strict=True)
    if "actors" in new:
        actors_node = _child(node, "actors")
        if not isinstance(actors_node, yaml.MappingNode):  # pragma: no cover - data says a dict
            raise InputError(f"{path}: {cell.criterion}: write actors as a mapping to patch it")
        pairs += [
            (v, score["actors"][k.value], new["actors"][k.value]) for k, v in actors_node.value
        ]
    edits = []
    for target, old, value in pairs:
        if old == value:
            continue
        if not isinstance(target, yaml.ScalarNode):
            raise InputError(
                f"{path}:{target.start_mark.line + 1}: {cell.criterion}: expected a number here"
            )
        quote = target.style if target.style in ("'", '"') else ""
        edits.append(
            _Edit(target.start_mark.index, target.end_mark.index, f"{quote}{number(value)}{quote}")
        )
    return edits


def _comment_paragraphs(
    cell: _Cell,
    score: Mapping[str, Any],
    new: Mapping[str, Any],
    notes: Sequence[str],
    reasons: Mapping[tuple[str, str], Sequence[RoomReason | str]],
) -> list[tuple[bool, str]]:
    """What the comment says, as (is it the header, paragraph) pairs: what was adopted and
    what that did to the range; one paragraph per challenge (what it proposed and why), its
    verified quote with the source after it; then the notes on the actors."""
    old_range, new_range = score["range"], new["range"]
    change = (
        f"range {_span(new_range)} kept"
        if list(old_range) == list(new_range)
        else f"range widened from {_span(old_range)} to {_span(new_range)}"
    )
    given = list(
        dict.fromkeys(_as_reason(r) for r in reasons.get((cell.option, cell.criterion), ()))
    )
    body: list[tuple[bool, str]] = []
    for r in given:  # a loop over one cell's challenges
        why = comment_text(r.reason)
        if not why:
            continue
        body.append((False, why if r.proposed is None else f"proposed {number(r.proposed)}: {why}"))
        quote = comment_text(r.quote or "")
        if quote:
            cited = comment_text(r.cited or "")
            body.append((False, f"“{quote}”" + (f" ({cited})" if cited else "")))
    head = f"adopted {number(cell.value)} (catalog {number(score['value'])}); {change}"
    header = [(True, head + ("; the room's reasons:" if body else "."))]
    return header + body + [(False, f"note: {n}") for n in notes]


def _as_reason(r: RoomReason | str) -> RoomReason:
    return r if isinstance(r, RoomReason) else RoomReason(None, r)


def _span(pair: Sequence[float]) -> str:
    return f"[{number(pair[0])},{_GLUE}{number(pair[1])}]"


def _insert_above(
    text: str, key: yaml.Node, paragraphs: Sequence[tuple[bool, str]], label: str, width: int
) -> _Edit:
    """``paragraphs`` as comment lines above the line that holds ``key``, at that line's
    indentation and with the file's line ending there: the header after ``# workshop
    <label>:``, every other paragraph indented under it (``#   ``), each folded to ``width``
    with a hanging indent (``#     ``; a word longer than a line is kept whole, so an address
    stays usable)."""
    start = text.rfind("\n", 0, key.start_mark.index) + 1
    end = text.find("\n", start)
    line = text[start:] if end < 0 else text[start:end]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    eol = "\r\n" if line.endswith("\r") else "\n"
    lines = []
    for is_header, paragraph in paragraphs:
        lines += textwrap.wrap(
            paragraph,
            width=width,
            initial_indent=f"{indent}# workshop {label}: " if is_header else f"{indent}#   ",
            subsequent_indent=f"{indent}#     ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    return _Edit(start, start, "".join(ln.replace(_GLUE, " ") + eol for ln in lines))


def _check(path: Path, new: str, expected: Mapping[str, Any]) -> None:
    """The edited text reads back as exactly the data meant, and that data is a valid option:
    a patch that would not validate is never written."""
    try:
        data = yaml.load(new, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:  # pragma: no cover - the edits write numbers and comments
        raise InputError(f"{path}: the edited file is not YAML ({exc}); edit it by hand") from None
    if data != expected:  # pragma: no cover - every number is replaced at its own mark
        raise InputError(f"{path}: the edited file does not read back as meant; edit it by hand")
    try:
        Option.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise InputError(
            f"{path}: the patched option would not validate ({problems}); "
            "run `policybench validate` on the catalog, or edit it by hand"
        ) from None


def _child_key(node: yaml.MappingNode, key: str) -> yaml.Node:
    """The key node ``key`` of a mapping node (known to be there)."""
    return next(k for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.value == key)


def _child(node: yaml.Node | None, key: str) -> Any:
    """The value node under ``key`` of a mapping node, or ``None``."""
    if not isinstance(node, yaml.MappingNode):
        return None
    return next(
        (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None
    )


def _as_number(x: object) -> float | None:
    """A number as the catalog's model reads it (pydantic's lax mode: a quoted number counts),
    or ``None``."""
    if isinstance(x, bool) or not isinstance(x, int | float | str):
        return None
    try:
        v = float(x)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _line_width(text: str) -> int:
    """The file's line length: its longest comment line, within :data:`MIN_WIDTH` to
    :data:`MAX_WIDTH`; :data:`DEFAULT_WIDTH` when it has no comment that long."""
    longest = max(
        (len(line.rstrip("\r")) for line in text.split("\n") if line.lstrip().startswith("#")),
        default=0,
    )
    return min(longest, MAX_WIDTH) if longest >= MIN_WIDTH else DEFAULT_WIDTH


def _lines(text: str) -> list[str]:
    """``text`` split after each ``\\n`` only, as git splits it (a lone ``\\r`` or a Unicode
    line separator stays inside its line)."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


def _unified(path: str, old: str, new: str) -> str:
    """One file's section of a git-style unified diff (three lines of context)."""
    out = [f"diff --git a/{path} b/{path}\n"]
    for line in difflib.unified_diff(_lines(old), _lines(new), f"a/{path}", f"b/{path}", n=3):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
