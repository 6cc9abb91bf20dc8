"""The score per module of a mutmut run (`make mutation`, `make mutation-report`), read from
the results mutmut keeps beside each mutated file (``mutants/src/**/*.py.meta``).

Unlike ``mutmut results``, it counts a timeout as *not* killed: mutmut's timeout is wall-clock,
and on a busy machine a surviving mutant can run out of time. Run ``mutmut run NAME`` again for
those. ``--survivors`` lists the mutants that no test killed, for docs/TESTING.md.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

#: mutmut's exit codes, as its ``status_by_exit_code`` reads them.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
          35: "suspicious", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout",
          255: "timeout", -11: "segfault", -9: "segfault", 37: "caught by type check",
          2: "interrupted"}  # fmt: skip


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


def table(found: dict[str, dict[str, str]]) -> list[str]:
    """A Markdown table: per module, the mutants run, killed, survived and timed out, and the
    score (killed over run, a timeout counted as not killed)."""
    lines = [
        "| module | mutants | run | killed | survived | timeout | no tests | score |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for module, by_name in found.items():
        n = Counter(by_name.values())
        run = len(by_name) - n["not run"] - n["no tests"] - n["skipped"]
        if run == 0:
            continue
        killed = n["killed"] + n["caught by type check"] + n["segfault"]
        score = f"{100 * killed / run:.1f}%"
        lines.append(
            f"| {module} | {len(by_name)} | {run} | {killed} | {n['survived']} | "
            f"{n['timeout']} | {n['no tests']} | {score} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mutants", type=Path, default=Path("mutants"))
    parser.add_argument("--survivors", action="store_true", help="list the survivors too")
    args = parser.parse_args()
    if not (args.mutants / "src").is_dir():
        raise SystemExit(f"no mutmut results in {args.mutants}/src: run `make mutation` first")
    found = results(args.mutants)
    print("\n".join(table(found)))
    if args.survivors:
        for by_name in found.values():
            for name, status in by_name.items():
                if status in {"survived", "timeout", "suspicious"}:
                    print(f"{status}: {name}")


if __name__ == "__main__":
    main()
