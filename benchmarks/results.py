"""Writing RESULTS.md: tables, and the file's top-level sections, each rewritten on its own.

``benchmarks/RESULTS.md`` has one top-level section (``# ...``) per benchmark: the engine's,
the app's and the load test's. A benchmark rewrites its own section in place and keeps the
others as they are, so the three can be run at different times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def ms(seconds: float) -> str:
    """A time for a table: milliseconds below 10 s, seconds above."""
    return f"{seconds * 1e3:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


@dataclass
class Table:
    """A titled table with notes, printed as text and written as Markdown."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the line of the targets list for a row, when "<title>, <first cell>" would not say it
    labels: dict[int, str] = field(default_factory=dict)

    def markdown(self) -> str:
        out = [
            f"### {self.title}",
            "",
            "| " + " | ".join(self.columns) + " |",
            "|" + "|".join("---" for _ in self.columns) + "|",
        ]
        out += ["| " + " | ".join(v.replace("|", "\\|") for v in r) + " |" for r in self.rows]
        if self.notes:
            out += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(out)

    def text(self) -> str:
        widths = [max(len(c), *(len(r[i]) for r in self.rows)) for i, c in enumerate(self.columns)]
        line = "  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True))
        body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in self.rows]
        return "\n".join([self.title, line, "-" * len(line), *body, ""])


def replace_section(text: str, section: str) -> str:
    """``text`` with the top-level section that ``section`` starts (its first line, ``# ...``)
    replaced by ``section``, up to the next top-level heading; appended if there is none."""
    heading = section.splitlines()[0].rstrip()
    if not heading.startswith("# "):
        raise ValueError(f"a section starts with a top-level heading, not {heading!r}")
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    body = section.rstrip("\n") + "\n"
    if start is None:
        return text.rstrip("\n") + ("\n\n" if text.strip() else "") + body
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("# ")), len(lines))
    rest = "".join(lines[end:])
    return "".join(lines[:start]) + body + ("\n" + rest if rest else "")


def write_section(section: str, path: Path = RESULTS) -> None:
    """Rewrite ``section`` in the results file at ``path``, keeping every other section."""
    old = path.read_text() if path.exists() else ""
    path.write_text(replace_section(old, section))
