"""The score per module of a mutmut run (`make mutation`, `make mutation-report`), read from
the results mutmut keeps beside each mutated file (``mutants/src/**/*.py.meta``).

Unlike ``mutmut results``, it counts a timeout as *not* killed: mutmut's timeout is wall-clock,
and on a busy machine a surviving mutant can run out of time. Run ``mutmut run NAME`` again for
those.

A survivor that changes nothing a caller can observe (an *equivalent* mutant) is listed, with
why, in ``docs/mutation-equivalents.yaml``. An entry names the function and the change itself
(the line removed and the line added), not mutmut's number, which shifts whenever the function
is edited; an entry whose function has changed so that no mutant makes that change any more
simply stops matching. The table's last column scores the mutants that are not equivalent, and
``--survivors`` lists each survivor with its change: the open ones first (each needs a test or
an entry), then the equivalent ones with their reason.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

#: mutmut's exit codes, as its ``status_by_exit_code`` reads them.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
          35: "suspicious", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout",
          255: "timeout", -11: "segfault", -9: "segfault", 37: "caught by type check",
          2: "interrupted"}  # fmt: skip
#: The statuses a mutant ends in when no test failed on it.
NOT_KILLED = frozenset({"survived", "timeout", "suspicious"})
EQUIVALENTS = Path(__file__).resolve().parents[2] / "docs" / "mutation-equivalents.yaml"

Diff = Callable[[str], str]


@dataclass(frozen=True)
class Equivalent:
    """One known equivalent change: in ``function``, ``removed`` becomes ``added``."""

    function: str
    removed: str
    added: str
    why: str


def results(root: Path) -> dict[str, dict[str, str]]:
    """``{module: {mutant: status}}`` for every mutated module under ``root`` (mutants/)."""
    out: dict[str, dict[str, str]] = {}
    for meta in sorted((root / "src").rglob("*.py.meta")):
        module = ".".join(meta.relative_to(root / "src").with_suffix("").with_suffix("").parts)
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        out[module] = {
            name: "not run" if code is None else STATUS.get(code, f"exit {code}")
            for name, code in codes.items()
        }
    return out


def function_of(mutant: str) -> str:
    """``pkg.mod.xǁClassǁmethod`` from ``pkg.mod.xǁClassǁmethod__mutmut_12``."""
    return mutant.rpartition("__mutmut_")[0]


def _fold(line: str) -> str:
    return " ".join(line.split())


def change_of(diff: str) -> tuple[str, str]:
    """The lines a unified diff removes and adds, each side's lines joined by newlines with
    runs of spaces folded (mutmut's rendering of a call's dropped argument leaves ``, )``)."""
    removed, added = [], []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("-"):
            removed.append(_fold(line[1:]))
        elif line.startswith("+"):
            added.append(_fold(line[1:]))
    return "\n".join(removed), "\n".join(added)


def load_equivalents(path: Path = EQUIVALENTS) -> list[Equivalent]:
    """The entries of ``path``; a malformed entry is named by its place and field."""
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(raw, list):
        raise SystemExit(f"{path}: expected a list of entries, found {type(raw).__name__}")
    out = []
    for i, entry in enumerate(raw, start=1):
        fields = ("function", "removed", "added", "why")
        if not isinstance(entry, dict) or any(not isinstance(entry.get(f), str) for f in fields):
            raise SystemExit(f"{path}: entry {i} needs the text fields {', '.join(fields)}")
        out.append(
            Equivalent(
                entry["function"],
                "\n".join(_fold(s) for s in entry["removed"].splitlines()),
                "\n".join(_fold(s) for s in entry["added"].splitlines()),
                " ".join(entry["why"].split()),
            )
        )
    return out


def classify(
    found: dict[str, dict[str, str]], known: Iterable[Equivalent], diff: Diff
) -> dict[str, Equivalent]:
    """``{mutant: entry}`` for each survivor whose change is a known equivalent one. Only the
    survivors of functions with an entry are diffed (reading a mutant's diff parses its file)."""
    by_function: dict[str, list[Equivalent]] = {}
    for entry in known:
        by_function.setdefault(entry.function, []).append(entry)
    out = {}
    for by_name in found.values():
        for name, status in by_name.items():
            entries = by_function.get(function_of(name))
            if status != "survived" or not entries:
                continue
            change = change_of(diff(name))
            for entry in entries:
                if (entry.removed, entry.added) == change:
                    out[name] = entry
                    break
    return out


def table(found: dict[str, dict[str, str]], equivalent: Iterable[str] = ()) -> list[str]:
    """A Markdown table: per module, the mutants run, killed, survived (and of those, known
    equivalents) and timed out; the score (killed over run, a timeout counted as not killed)
    and the score over the mutants that are not equivalent."""
    same = set(equivalent)
    lines = [
        "| module | mutants | run | killed | survived | equivalent | timeout | no tests | score "
        "| of the rest |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for module, by_name in found.items():
        n = Counter(by_name.values())
        run = len(by_name) - n["not run"] - n["no tests"] - n["skipped"]
        if run == 0:
            continue
        killed = n["killed"] + n["caught by type check"] + n["segfault"]
        eq = sum(1 for name in by_name if name in same)
        rest = f"{100 * killed / (run - eq):.1f}%" if run > eq else "n/a"
        lines.append(
            f"| {module} | {len(by_name)} | {run} | {killed} | {n['survived']} | {eq} | "
            f"{n['timeout']} | {n['no tests']} | {100 * killed / run:.1f}% | {rest} |"
        )
    return lines


def survivors(
    found: dict[str, dict[str, str]], equivalent: dict[str, Equivalent], diff: Diff
) -> list[str]:
    """The open survivors (with their change), then the equivalent ones (with why)."""
    open_, same = [], []
    for by_name in found.values():
        for name, status in by_name.items():
            if status not in NOT_KILLED:
                continue
            if name in equivalent:
                same.append(f"equivalent: {name}: {equivalent[name].why}")
                continue
            removed, added = change_of(diff(name))
            open_.append(f"{status}: {name}\n  - {removed}\n  + {added}")
    return open_ + same


def mutmut_diff(name: str) -> str:
    """mutmut's own diff of one mutant (run from the directory that holds ``mutants/``)."""
    try:
        from mutmut.mutation.diff_apply import get_diff_for_mutant
    except ImportError:
        raise SystemExit("mutmut is not installed here: run `make mutation` first") from None
    return str(get_diff_for_mutant(name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mutants", type=Path, default=Path("mutants"))
    parser.add_argument("--survivors", action="store_true", help="list the survivors too")
    parser.add_argument("--equivalents", type=Path, default=EQUIVALENTS)
    args = parser.parse_args()
    if not (args.mutants / "src").is_dir():
        raise SystemExit(f"no mutmut results in {args.mutants}/src: run `make mutation` first")
    found = results(args.mutants)
    known = load_equivalents(args.equivalents.resolve())
    os.chdir(args.mutants.resolve().parent)  # mutmut finds mutants relative to the project
    equivalent = classify(found, known, mutmut_diff)
    print("\n".join(table(found, equivalent)))
    if args.survivors:
        print("\n".join(survivors(found, equivalent, mutmut_diff)))


if __name__ == "__main__":
    main()
