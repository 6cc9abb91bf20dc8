"""Markdown: the verdict (or who leads), the caveats, metadata with the criteria and weights, a
workshop's own sections (its group, rounds, contested scores, decisions and camps: what its
reader came for), each ranking, the comparison table, any other section (SMAA), then, as an appendix,
every quote as a blockquote with its citation. Columns are named as people read them
(:func:`~policybench.export.formats.common.header`).

Catalog text is escaped for Markdown files (:func:`policybench.present.text.markdown`), so no
text renders as a link, an image, HTML or a heading; numbers are rounded
(:func:`~policybench.export.formats.common.format_value`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from policybench.export.formats.common import (
    about_items,
    criterion_names,
    format_value,
    headers,
    metadata_items,
    option_quote_rows,
    part_title,
)
from policybench.export.report import Report, Section
from policybench.present.text import markdown as escape

#: A workshop's own sections, which come first in its Markdown export.
WORKSHOP_SECTIONS = ("group", "rounds", "challenges", "decisions", "camps")
COMPARISON_NOTE = (
    "Scores are on each criterion's 0–10 scale with their low–high range; a method's "
    "contributions add up to its total; rank 1 is best."
)
COMPARE_NOTE = (
    "Each option's score and rank under each perspective, with the same method; places gained "
    "is its rank under the first perspective minus its rank under the last (negative: it "
    "drops); rank 1 is best."
)


def _cell(column: str, value: Any) -> str:
    """Numbers and booleans as formatted; text escaped."""
    return escape(value) if isinstance(value, str) else format_value(column, value)


def table(df: pd.DataFrame, heads_: Sequence[str] | None = None) -> str:
    """``df`` as a Markdown table, numbers right-aligned, under ``heads_`` (default: its
    column names)."""
    if df.empty:
        return "*(none)*"
    cells = [
        [_cell(col, v) for col, v in zip(df.columns, row, strict=True)]
        for row in df.itertuples(index=False)
    ]
    heads = [escape(h) for h in (heads_ if heads_ is not None else df.columns)]
    numeric = [
        pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in df.columns
    ]
    frame = pd.DataFrame(cells, columns=pd.Index(range(len(heads))))
    return str(
        frame.to_markdown(
            index=False,
            headers=heads,
            disable_numparse=True,
            colalign=["right" if n else "left" for n in numeric],
        )
    )


def _quote(row: Any) -> list[str]:
    stance = f" ({row.stance})" if row.stance else ""
    return [f"> {escape(row.quote)}", ">", f"> — {escape(row.citation)}{stance}", ""]


def _quotes(report: Report) -> list[str]:
    names = criterion_names(report)
    q = report.quotes
    out = ["## Appendix: quotes and citations", ""]
    crit_rows = q[q["where"] == "criterion"]
    if len(crit_rows):
        out += ["### Criteria", ""]
        for cid, rows in crit_rows.groupby("criterion", sort=False):
            out += [f"#### {escape(names.get(cid, cid))} (`{cid}`)", ""]
            for row in rows.itertuples(index=False):
                out += _quote(row)
    for pid, rows in q[q["where"] == "preset"].groupby("preset", sort=False):
        out += [f"### Preset `{pid}`", ""]
        for row in rows.itertuples(index=False):
            out += _quote(row)
    titles = dict(zip(report.comparison["option"], report.comparison["title"], strict=True))
    scores = report.score_table.set_index("option")
    for oid, rows in q[q["option"] != ""].groupby("option", sort=False):
        out += [f"### {escape(titles.get(oid, oid))} (`{oid}`)", ""]
        for row in option_quote_rows(rows).itertuples(index=False):
            out += _quote(row)
        for cid, crow in rows[rows["where"] == "score"].groupby("criterion", sort=False):
            s = scores.loc[oid]
            value = format_value("score:", s[f"score:{cid}"])
            low, high = (
                format_value("low:", s[f"low:{cid}"]),
                format_value("high:", s[f"high:{cid}"]),
            )
            out += [f"#### {escape(names.get(cid, cid))}: {value} (range {low}–{high})", ""]
            rationale = crow["rationale"].iloc[0]
            if rationale:
                out += [escape(rationale), ""]
            for row in crow.itertuples(index=False):
                out += _quote(row)
    return out


def _section(s: Section, human: Callable[[pd.DataFrame], str]) -> list[str]:
    out = [f"## {escape(s.title)}", ""]
    out += [f"- **{escape(k)}:** {escape(v)}" for k, v in about_items(s.about)]
    for name, t in s.tables:
        out += ["", f"### {escape(name)}", "", human(t)]
    return [*out, ""]


def render(report: Report) -> str:
    """The report as one Markdown document."""
    m = report.metadata

    def human(df: pd.DataFrame) -> str:
        return table(df, headers(report, df.columns))

    out: list[str] = [f"# {escape(report.title)}", ""]
    out += [
        f"Generated by policybench {m['policybench_version']} at {m['generated_at']} "
        f"from catalog `{m['catalog_fingerprint']}`.",
        "",
    ]
    if report.summary:
        out += ["## In brief", ""]
        out += [escape(report.summary[0]), ""]
        out += [f"- {escape(line)}" for line in report.summary[1:]]
        out += [""] if len(report.summary) > 1 else []
    if report.caveats:
        out += ["## Caveats", ""]
        out += [f"- {escape(c)}" for c in report.caveats]
        out += [""]
    out += ["## About this export", ""]
    out += [f"- **{escape(k)}:** {escape(v)}" for k, v in metadata_items(report)]
    out += ["", "### Criteria and weights", "", human(report.criteria), ""]
    workshop = [s for s in report.sections if s.key in WORKSHOP_SECTIONS]
    for s in workshop:
        out += _section(s, human)
    for p in report.rankings:
        out += [f"## Ranking: {escape(part_title(report, p))}", "", human(p.table), ""]
    note = COMPARE_NOTE if report.kind == "compare" else COMPARISON_NOTE
    out += ["## Comparison", "", note, "", human(report.comparison), ""]
    for s in report.sections:
        if s not in workshop:
            out += _section(s, human)
    out += _quotes(report)
    return "\n".join(out).rstrip("\n") + "\n"
