"""Write a :class:`~policybench.export.report.Report` as CSV, XLSX, Markdown, JSON, HTML, PNG or SVG.

One ``render_<format>(report)`` per format returns the file's content (``str`` for the text
formats, ``bytes`` for XLSX and PNG); :func:`write` renders and saves atomically (a temporary
file beside the target, then a rename, so a failed export never leaves half a file).

What each format holds (DESIGN.md): CSV the comparison table alone; XLSX, Markdown, JSON and
HTML also the rankings, the criteria and weights, every quote with its citation, the
metadata stamp and any SMAA or workshop section; PNG and SVG the ranking chart, stamped in its
subtitle. Apart from the timestamp, the same report always gives the same bytes.

Catalog text is data, never markup or formulas:

- CSV: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets a leading ``'`` so no spreadsheet runs it as a formula (OWASP's advice).
- XLSX: every string is written as a string cell (never a formula or a link), and the risky
  ones above carry Excel's quote-prefix style, so the text stays intact and inert.
- Markdown: characters that Markdown or HTML would interpret are backslash-escaped, so no
  text renders as a link, an image, HTML or a heading.
- HTML: everything is entity-escaped (``& < > " '`` and ``/``); the page loads nothing from
  anywhere (inline CSS, charts as inline SVG, no script at all, and a Content-Security-Policy
  that forbids scripts and every external request).
"""

from __future__ import annotations

import html
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from policybench.export.report import ChartSpec, Report, Section

FORMATS = ("csv", "xlsx", "markdown", "json", "html", "png", "svg")
BINARY_FORMATS = frozenset({"xlsx", "png"})
EXTENSIONS = {
    "csv": ".csv",
    "xlsx": ".xlsx",
    "markdown": ".md",
    "json": ".json",
    "html": ".html",
    "png": ".png",
    "svg": ".svg",
}

# --------------------------------------------------------------------------- shared helpers

_RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this text cell as a formula (or the start of one)?"""
    return text.startswith(_RISKY_START)


def neutralise_cell(value: Any) -> Any:
    """A text value made safe for CSV: a leading ``'`` before a formula-like start.
    Numbers and booleans are returned unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def _kind(column: str) -> str:
    """How a column's numbers are shown: ``rank``, ``raw`` (0–10 scores), ``share``,
    ``weight`` or ``float``."""
    if column == "rank" or column.endswith(":rank") or column.endswith(" rank"):
        return "rank"
    if column.startswith(("score:", "low:", "high:")):
        return "raw"
    if column in {"first", "confidence", "agreement"} or column.startswith("rank "):
        return "share"
    if column == "weight" or column.startswith("weight:") or column.endswith(":weight"):
        return "weight"
    return "float"


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(float(value))
    return value is pd.NA or value is pd.NaT


def format_value(column: str, value: Any) -> str:
    """A cell as text for Markdown and HTML: ranks as integers, 0–10 scores as given,
    shares and weights to 3 decimals, other numbers to 4; booleans as yes/no."""
    if _is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        kind = _kind(column)
        v = float(value)
        if kind == "rank" and v.is_integer():
            return str(int(v))
        if kind == "raw":
            return f"{v:g}"
        if kind in {"share", "weight"}:
            return f"{v:.3f}"
        return f"{v:.4f}"
    return str(value)


def _jsonable(value: Any) -> Any:
    """Plain JSON values: NaN becomes null, numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA:
        return None
    return value


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [_jsonable(r) for r in df.to_dict(orient="records")]


def _criterion_names(report: Report) -> dict[str, str]:
    return dict(zip(report.criteria["criterion"], report.criteria["name"], strict=True))


def _bands(report: Report) -> list[tuple[str, list[tuple[str, str]]]]:
    """The comparison table's columns grouped under a band label, each with a short header:
    ``[("Option", [("option", "option"), ...]), ("Feasibility (benefit)", [("score:feasibility",
    "score"), ...]), ("wsm (scale)", [...])]``."""
    names = _criterion_names(report)
    directions = dict(zip(report.criteria["criterion"], report.criteria["direction"], strict=True))
    titles = {p.label: p.title for p in report.rankings}
    bands: list[tuple[str, list[tuple[str, str]]]] = []
    for col in report.comparison.columns:
        parts = col.split(":")
        if len(parts) == 1:
            band, short = "Option", col
        elif parts[0] in {"score", "low", "high"}:
            band, short = (
                f"{names.get(parts[1], parts[1])} ({directions.get(parts[1], '')})",
                parts[0],
            )
        else:
            band = titles.get(parts[0], parts[0])
            short = names.get(parts[2], parts[2]) if parts[1] == "contribution" else parts[1]
        if bands and bands[-1][0] == band:
            bands[-1][1].append((col, short))
        else:
            bands.append((band, [(col, short)]))
    return bands


def _about_text(value: Any) -> str:
    """A section's stamp value as short text: numbers to 4 significant digits, a mapping of
    numbers as ``k=v`` pairs, nothing as ``n/a``."""
    value = _jsonable(value)
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
    ):
        return ", ".join(f"{k}={v:.4g}" for k, v in value.items())
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _about_items(about: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), _about_text(v)) for k, v in about.items()]


def _metadata_items(report: Report) -> list[tuple[str, str]]:
    """The stamp as (label, text) pairs, in a fixed order, for Markdown, HTML and XLSX."""
    m = report.metadata
    items: list[tuple[str, str]] = [("profile", str(m["profile"]))]
    for i, meth in enumerate(m["methods"], start=1):
        params = ", ".join(f"{k}={json.dumps(_jsonable(v))}" for k, v in meth["params"].items())
        items.append(
            (
                f"method {i}" if len(m["methods"]) > 1 else "method",
                f"{meth['title']}" + (f"; parameters: {params}" if params else ""),
            )
        )
    items.append(("weights", ", ".join(f"{k}={v:.4f}" for k, v in m["weights"].items())))
    if "weights_given" in m:
        items.append(
            ("weights as given", ", ".join(f"{k}={v:g}" for k, v in m["weights_given"].items()))
        )
    skip = {
        "title",
        "profile",
        "methods",
        "weights",
        "weights_given",
        "options",
        "criteria",
        "catalog_fingerprint",
        "policybench_version",
        "generated_at",
    }
    for k, v in m.items():
        if k not in skip:
            items.append((k, _about_text(v)))
    items += [
        ("options", str(len(m["options"]))),
        ("catalog fingerprint", str(m["catalog_fingerprint"])),
        ("policybench version", str(m["policybench_version"])),
        ("generated at", str(m["generated_at"])),
    ]
    return items


# --------------------------------------------------------------------------------- CSV


def render_csv(report: Report) -> str:
    """The comparison table alone, one row per option, formula-like text neutralised."""
    df = report.comparison.copy()
    df.columns = [neutralise_cell(c) for c in df.columns]
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = [neutralise_cell(v) for v in df[col]]
    return str(df.to_csv(index=False, lineterminator="\n"))


# --------------------------------------------------------------------------------- JSON


def render_json(report: Report) -> str:
    """Metadata, criteria, every ranking, the comparison table, quotes and sections."""
    data: dict[str, Any] = {
        "metadata": _jsonable(report.metadata),
        "criteria": _records(report.criteria),
        "rankings": [
            {
                "label": p.label,
                "title": p.title,
                "method": p.method,
                "normalization": p.normalization,
                "params": _jsonable(p.params),
                "table": _records(p.table),
            }
            for p in report.rankings
        ],
        "comparison": _records(report.comparison),
        "quotes": _records(report.quotes),
    }
    for s in report.sections:
        data[s.key] = {
            "title": s.title,
            "about": _jsonable(s.about),
            "tables": {name: _records(t) for name, t in s.tables},
        }
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# ----------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&$@])")


def md_escape(text: Any) -> str:
    """Catalog text as inert Markdown: whitespace folded to single spaces, every character
    that could start emphasis, code, a link, an image, HTML, an entity or a table cell
    backslash-escaped, ``://`` and ``www.`` broken so no bare address is auto-linked, and a
    leading ``-`` or ``1.`` escaped so no text becomes a list item."""
    s = " ".join(str(text).split())
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = s.replace("://", "\\:\\/\\/")
    s = re.sub(r"(?i)\bwww\.", lambda m: m.group(0)[:-1] + "\\.", s)
    s = re.sub(r"^(-|=)", r"\\\1", s)
    return re.sub(r"^(\d{1,9})([.)])(?=\s|$)", r"\1\\\2", s)


def _md_cell(column: str, value: Any) -> str:
    """Numbers and booleans as formatted; text escaped."""
    if isinstance(value, str):
        return md_escape(value)
    return format_value(column, value)


def _md_table(df: pd.DataFrame, headers: Sequence[str] | None = None) -> str:
    if df.empty:
        return "*(none)*"
    cells = [
        [_md_cell(col, v) for col, v in zip(df.columns, row, strict=True)]
        for row in df.itertuples(index=False)
    ]
    heads = [md_escape(h) for h in (headers if headers is not None else df.columns)]
    numeric = [
        pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in df.columns
    ]
    table = pd.DataFrame(cells, columns=pd.Index(range(len(heads))))
    return str(
        table.to_markdown(
            index=False,
            headers=heads,
            disable_numparse=True,
            colalign=["right" if n else "left" for n in numeric],
        )
    )


def _md_quote(row: Any) -> list[str]:
    stance = f" ({row.stance})" if row.stance else ""
    return [f"> {md_escape(row.quote)}", ">", f"> — {md_escape(row.citation)}{stance}", ""]


def render_markdown(report: Report) -> str:
    """Metadata, criteria and weights, each ranking, the comparison table, any SMAA or
    workshop section, then every quote as a blockquote with its citation."""
    names = _criterion_names(report)
    m = report.metadata
    out: list[str] = [f"# {md_escape(report.title)}", ""]
    out += [
        f"Generated by policybench {m['policybench_version']} at {m['generated_at']} "
        f"from catalog `{m['catalog_fingerprint']}`.",
        "",
        "## About this export",
        "",
    ]
    out += [f"- **{md_escape(k)}:** {md_escape(v)}" for k, v in _metadata_items(report)]
    out += ["", "### Criteria and weights", "", _md_table(report.criteria), ""]
    for p in report.rankings:
        heads = [
            f"contribution: {names.get(c.split(':', 1)[1], c)}"
            if c.startswith("contribution:")
            else c
            for c in p.table.columns
        ]
        out += [f"## Ranking: {md_escape(p.title)}", "", _md_table(p.table, heads), ""]
    out += [
        "## Comparison",
        "",
        "Scores are on each criterion's 0–10 scale with their low–high range; a method's "
        "contributions add up to its total; rank 1 is best.",
        "",
        _md_table(report.comparison),
        "",
    ]
    for s in report.sections:
        out += [f"## {md_escape(s.title)}", ""]
        out += [f"- **{md_escape(k)}:** {md_escape(v)}" for k, v in _about_items(s.about)]
        for name, t in s.tables:
            out += ["", f"### {md_escape(name)}", "", _md_table(t)]
        out += [""]
    out += ["## Quotes and citations", ""]
    q = report.quotes
    crit_rows = q[q["where"] == "criterion"]
    if len(crit_rows):
        out += ["### Criteria", ""]
        for cid, rows in crit_rows.groupby("criterion", sort=False):
            out += [f"#### {md_escape(names.get(cid, cid))} (`{cid}`)", ""]
            for row in rows.itertuples(index=False):
                out += _md_quote(row)
    preset_rows = q[q["where"] == "preset"]
    for pid, rows in preset_rows.groupby("preset", sort=False):
        out += [f"### Preset `{pid}`", ""]
        for row in rows.itertuples(index=False):
            out += _md_quote(row)
    titles = dict(zip(report.comparison["option"], report.comparison["title"], strict=True))
    scores = report.comparison.set_index("option")
    opt_rows = q[q["option"] != ""]
    for oid, rows in opt_rows.groupby("option", sort=False):
        out += [f"### {md_escape(titles.get(oid, oid))} (`{oid}`)", ""]
        for row in rows[rows["where"] == "option"].itertuples(index=False):
            out += _md_quote(row)
        for cid, crow in rows[rows["where"] == "score"].groupby("criterion", sort=False):
            s = scores.loc[oid]
            out += [
                f"#### {md_escape(names.get(cid, cid))}: {format_value('score:', s[f'score:{cid}'])} "
                f"(range {format_value('low:', s[f'low:{cid}'])}–{format_value('high:', s[f'high:{cid}'])})",
                "",
            ]
            rationale = crow["rationale"].iloc[0]
            if rationale:
                out += [md_escape(rationale), ""]
            for row in crow.itertuples(index=False):
                out += _md_quote(row)
    return "\n".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------------- HTML


def h(text: Any) -> str:
    """Entity-escape text for HTML element content and attribute values (``/`` too)."""
    return html.escape(str(text), quote=True).replace("/", "&#x2F;")


_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1f2328; background: #fff; margin: 0 auto; max-width: 72rem; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
h4 { font-size: 1rem; margin: 1.1rem 0 .3rem; }
.stamp { color: #57606a; font-size: .9rem; margin: 0; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; vertical-align: top; }
th { background: #f6f8fa; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.baseline td { background: #fff8e5; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #57606a; font-size: .85rem; }
blockquote { margin: .5rem 0 .8rem; padding: .3rem .9rem; border-left: 4px solid #d0d7de; background: #f6f8fa; }
blockquote.supports { border-left-color: #2da44e; }
blockquote.cautions { border-left-color: #cf222e; }
blockquote p { margin: .2rem 0; overflow-wrap: anywhere; }
blockquote footer { color: #57606a; font-size: .85rem; }
.rationale { margin: .2rem 0 .4rem; overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
footer.page { margin-top: 2.5rem; color: #57606a; font-size: .85rem; border-top: 1px solid #d0d7de; padding-top: .5rem; }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def stable_ids(svg: str, prefix: str) -> str:
    """Rename every ``id`` in an SVG (and each ``url(#…)`` and ``href="#…"`` pointing at it) to
    ``<prefix>-<k>`` in order of appearance. vl-convert numbers clip paths and gradients with
    a counter that runs on across a process, so without this the same chart would not give
    the same bytes twice; the prefix also keeps several charts on one page from colliding."""
    mapping: dict[str, str] = {}
    for ident in re.findall(r'\bid="([^"]+)"', svg):
        mapping.setdefault(ident, f"{prefix}-{len(mapping) + 1}")
    if not mapping:
        return svg
    s = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{mapping[m.group(1)]}"', svg)
    s = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{mapping.get(m.group(1), m.group(1))})", s)
    return re.sub(
        r'((?:xlink:)?href)="#([^"]+)"',
        lambda m: f'{m.group(1)}="#{mapping.get(m.group(2), m.group(2))}"',
        s,
    )


def inline_svg(svg: str, prefix: str) -> str:
    """An SVG from vl-convert made fit to sit inside an HTML page: no XML prolog, no
    namespace declarations (HTML places ``<svg>`` in its namespace itself), and stable ids
    unique to this chart (:func:`stable_ids`). Catalog text that vl-convert wrote into
    labels keeps any ``://`` as ``:&#x2F;&#x2F;`` (the same text once parsed), so the page
    holds no web address at all, as the rest of the page does."""
    s = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    s = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", s)
    return stable_ids(s, prefix).replace("://", ":&#x2F;&#x2F;")


def _html_table(
    df: pd.DataFrame,
    headers: Sequence[str] | None = None,
    *,
    bands: Sequence[tuple[str, int]] | None = None,
    row_class: Callable[[Any], str] | None = None,
) -> str:
    if df.empty:
        return "<p><em>(none)</em></p>"
    heads = list(headers) if headers is not None else [str(c) for c in df.columns]
    numeric = [
        pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in df.columns
    ]
    parts = ['<div class="scroll"><table>', "<thead>"]
    if bands:
        parts.append(
            "<tr>"
            + "".join(f'<th colspan="{n}" scope="colgroup">{h(b)}</th>' for b, n in bands)
            + "</tr>"
        )
    parts.append(
        "<tr>" + "".join(f'<th scope="col">{h(x)}</th>' for x in heads) + "</tr></thead><tbody>"
    )
    for row in df.itertuples(index=False):
        cls = row_class(row) if row_class else ""
        tds = "".join(
            f'<td class="num">{h(format_value(col, v))}</td>'
            if num
            else f"<td>{h(format_value(col, v))}</td>"
            for col, v, num in zip(df.columns, row, numeric, strict=True)
        )
        parts.append((f'<tr class="{cls}">' if cls else "<tr>") + tds + "</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def _html_quote(row: Any) -> str:
    stance = row.stance if row.stance in {"supports", "cautions"} else ""
    cls = f' class="{stance}"' if stance else ""
    label = f" · {h(stance)}" if stance else ""
    return f"<blockquote{cls}><p>{h(row.quote)}</p><footer>— <cite>{h(row.citation)}</cite>{label}</footer></blockquote>"


def _svg_for(chart: ChartSpec) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.spec)


def _html_figure(chart: ChartSpec, prefix: str) -> str:
    svg = inline_svg(_svg_for(chart), prefix)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{h(chart.title)}" ', 1)
    return f'<figure id="{prefix}">{svg}<figcaption>{h(chart.title)}</figcaption></figure>'


def _html_section(s: Section) -> list[str]:
    out = [f'<section id="{h(s.key)}"><h2>{h(s.title)}</h2><dl class="meta">']
    out += [f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in _about_items(s.about)]
    out.append("</dl>")
    for k, chart in enumerate(s.charts):
        out.append(_html_figure(chart, f"chart-{h(s.key)}-{k}"))
    for name, t in s.tables:
        out += [f"<h3>{h(name)}</h3>", _html_table(t)]
    out.append("</section>")
    return out


def render_html(report: Report) -> str:
    """One self-contained page: inline CSS, the charts as inline SVG, every table and quote;
    no script, no external address, every piece of catalog text escaped."""
    names = _criterion_names(report)
    m = report.metadata
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="referrer" content="no-referrer">',
        f'<meta name="generator" content="policybench {h(m["policybench_version"])}">',
        f"<title>{h(report.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{h(report.title)}</h1>",
        f'<p class="stamp">{h(m["profile"])} · {h("; ".join(x["title"] for x in m["methods"]))} · catalog '
        f"<code>{h(m['catalog_fingerprint'])}</code> · policybench {h(m['policybench_version'])} · "
        f'<time datetime="{h(m["generated_at"])}">{h(m["generated_at"])}</time></p></header>',
        "<main>",
        '<section id="about"><h2>About this export</h2><dl class="meta">',
    ]
    out += [f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in _metadata_items(report)]
    out += ["</dl>", "<h3>Criteria and weights</h3>", _html_table(report.criteria), "</section>"]
    out.append('<section id="ranking"><h2>Ranking</h2>')
    for k, chart in enumerate(c for c in report.charts if c.name == "ranking"):
        out.append(_html_figure(chart, f"chart-ranking-{k}"))
    baseline = "baseline"
    for p in report.rankings:
        heads = [
            f"{names.get(c.split(':', 1)[1], c)} (contribution)"
            if c.startswith("contribution:")
            else c
            for c in p.table.columns
        ]
        out += [
            f"<h3>{h(p.title)}</h3>",
            _html_table(p.table, heads, row_class=lambda r: baseline if r.baseline else ""),
        ]
    out.append("</section>")
    bands = _bands(report)
    out += [
        '<section id="comparison"><h2>Comparison</h2>',
        "<p>Scores are on each criterion's 0–10 scale with their low–high range; a method's "
        "contributions add up to its total; rank 1 is best.</p>",
        _html_table(
            report.comparison,
            [short for _, cols in bands for _, short in cols],
            bands=[(b, len(cols)) for b, cols in bands],
            row_class=lambda r: baseline if r.baseline else "",
        ),
        "</section>",
    ]
    for s in report.sections:
        out += _html_section(s)
    out += _html_quotes(report, names)
    out += [
        "</main>",
        f'<footer class="page">{"<br>".join(h(x) for x in report.stamp_lines)}</footer>',
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def _html_quotes(report: Report, names: dict[str, str]) -> list[str]:
    q = report.quotes
    out = ['<section id="quotes"><h2>Quotes and citations</h2>']
    crit_rows = q[q["where"] == "criterion"]
    if len(crit_rows):
        out.append("<h3>Criteria</h3>")
        for cid, rows in crit_rows.groupby("criterion", sort=False):
            out.append(f"<h4>{h(names.get(cid, cid))} <code>{h(cid)}</code></h4>")
            out += [_html_quote(r) for r in rows.itertuples(index=False)]
    for pid, rows in q[q["where"] == "preset"].groupby("preset", sort=False):
        out.append(f"<h3>Preset <code>{h(pid)}</code></h3>")
        out += [_html_quote(r) for r in rows.itertuples(index=False)]
    titles = dict(zip(report.comparison["option"], report.comparison["title"], strict=True))
    scores = report.comparison.set_index("option")
    for oid, rows in q[q["option"] != ""].groupby("option", sort=False):
        out.append(f"<article><h3>{h(titles.get(oid, oid))} <code>{h(oid)}</code></h3>")
        out += [_html_quote(r) for r in rows[rows["where"] == "option"].itertuples(index=False)]
        for cid, crow in rows[rows["where"] == "score"].groupby("criterion", sort=False):
            s = scores.loc[oid]
            out.append(
                f"<h4>{h(names.get(cid, cid))}: {h(format_value('score:', s[f'score:{cid}']))} "
                f"(range {h(format_value('low:', s[f'low:{cid}']))}–{h(format_value('high:', s[f'high:{cid}']))})</h4>"
            )
            rationale = crow["rationale"].iloc[0]
            if rationale:
                out.append(f'<p class="rationale">{h(rationale)}</p>')
            out += [_html_quote(r) for r in crow.itertuples(index=False)]
        out.append("</article>")
    out.append("</section>")
    return out


# --------------------------------------------------------------------------------- XLSX

_NUMBER_FORMATS = {
    "rank": "0",
    "raw": "0.0#",
    "share": "0.0%",
    "weight": "0.000",
    "float": "0.0000",
}
_WIDE_TEXT = {"quote": 70, "rationale": 50, "citation": 45, "value": 70}


class _Formats:
    """xlsxwriter formats, made once per combination."""

    def __init__(self, workbook: Any) -> None:
        self.wb = workbook
        self.cache: dict[tuple[tuple[str, Any], ...], Any] = {}

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.wb.add_format(
                {"font_name": "Calibri", "font_size": 11, "valign": "top", **props}
            )
        return self.cache[key]

    def header(self) -> Any:
        return self.get(bold=True, bg_color="#DDEBF7", bottom=1, text_wrap=True)

    def band(self) -> Any:
        return self.get(bold=True, bg_color="#BDD7EE", align="center", bottom=1)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip("'")[:31] or "Sheet"
    out, k = base, 2
    while out.lower() in used:
        suffix = f" {k}"
        out, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(out.lower())
    return out


def _write_cell(
    ws: Any, row: int, col: int, column: str, value: Any, fmts: _Formats, *, wrap: bool = False
) -> None:
    """Write one value with the right type and number format; text never becomes a formula
    or a link, and formula-like text carries the quote prefix."""
    if _is_missing(value) or value == "":
        ws.write_blank(row, col, None, fmts.get(text_wrap=wrap))
    elif isinstance(value, bool | np.bool_):
        ws.write_boolean(row, col, bool(value), fmts.get())
    elif isinstance(value, int | np.integer):
        ws.write_number(row, col, int(value), fmts.get(num_format=_NUMBER_FORMATS["rank"]))
    elif isinstance(value, float | np.floating):
        ws.write_number(row, col, float(value), fmts.get(num_format=_NUMBER_FORMATS[_kind(column)]))
    else:
        text = str(value)
        props: dict[str, Any] = {"text_wrap": wrap}
        if is_formula_like(text):
            props["quote_prefix"] = True
        ws.write_string(row, col, text, fmts.get(**props))


def _width(column: str, values: Iterable[Any], header: str) -> float:
    if column in _WIDE_TEXT:
        return _WIDE_TEXT[column]
    longest = max([len(header), *(len(format_value(column, v)) for v in values)])
    return float(min(max(longest + 2, 6), 48))


def _write_table(
    ws: Any,
    df: pd.DataFrame,
    fmts: _Formats,
    *,
    row: int = 0,
    col: int = 0,
    headers: Sequence[str] | None = None,
) -> int:
    """Write ``df`` with its header at (row, col); set widths; return the next free row."""
    heads = list(headers) if headers is not None else [str(c) for c in df.columns]
    for j, (column, head) in enumerate(zip(df.columns, heads, strict=True)):
        ws.write_string(
            row,
            col + j,
            head,
            fmts.header() if not is_formula_like(head) else fmts.get(bold=True, quote_prefix=True),
        )
        ws.set_column(col + j, col + j, _width(column, df[column], head))
    for i, values in enumerate(df.itertuples(index=False), start=1):
        for j, (column, v) in enumerate(zip(df.columns, values, strict=True)):
            _write_cell(ws, row + i, col + j, column, v, fmts, wrap=column in _WIDE_TEXT)
    return row + len(df) + 1


def _band_row(
    ws: Any, row: int, col: int, bands: Sequence[tuple[str, int]], fmts: _Formats
) -> None:
    start = col
    for label, n in bands:
        fmt = (
            fmts.band()
            if not is_formula_like(label)
            else fmts.get(bold=True, align="center", quote_prefix=True)
        )
        if n > 1:
            ws.merge_range(row, start, row, start + n - 1, "", fmt)
        ws.write_string(row, start, label, fmt)
        start += n


def render_xlsx(report: Report) -> bytes:
    """A workbook with one sheet per part: Ranking, Comparison, Quotes, Criteria, the SMAA
    and workshop sections when present, and Metadata. Header rows are frozen, columns sized,
    numbers formatted (ranks as integers, 0–10 scores, shares as percentages)."""
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    created = datetime.fromisoformat(
        str(report.metadata["generated_at"]).replace("Z", "+00:00")
    ).replace(tzinfo=None)
    wb.set_properties(
        {
            "title": report.title,
            "subject": "policybench export",
            "author": f"policybench {report.metadata['policybench_version']}",
            "comments": " | ".join(report.stamp_lines),
            "created": created,
        }
    )
    fmts = _Formats(wb)
    used: set[str] = set()
    names = _criterion_names(report)

    ws = wb.add_worksheet(_sheet_name("Ranking", used))
    col = 0
    for p in report.rankings:
        heads = [
            f"{names.get(c.split(':', 1)[1], c)} (contribution)"
            if c.startswith("contribution:")
            else c
            for c in p.table.columns
        ]
        _band_row(ws, 0, col, [(p.title, len(heads))], fmts)
        _write_table(ws, p.table, fmts, row=1, col=col, headers=heads)
        col += len(heads) + 1
    ws.freeze_panes(2, 0)

    ws = wb.add_worksheet(_sheet_name("Comparison", used))
    bands = _bands(report)
    _band_row(ws, 0, 0, [(b, len(cols)) for b, cols in bands], fmts)
    end = _write_table(ws, report.comparison, fmts, row=1)
    ws.freeze_panes(2, 2)
    ws.autofilter(1, 0, end - 1, len(report.comparison.columns) - 1)

    ws = wb.add_worksheet(_sheet_name("Quotes", used))
    end = _write_table(ws, report.quotes, fmts)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(end - 1, 0), len(report.quotes.columns) - 1)

    ws = wb.add_worksheet(_sheet_name("Criteria", used))
    _write_table(ws, report.criteria, fmts)
    ws.freeze_panes(1, 0)

    for s in report.sections:
        for name, t in s.tables:
            ws = wb.add_worksheet(_sheet_name(name, used))
            _write_table(ws, t, fmts)
            ws.freeze_panes(1, 1 if "option" in t.columns[:1] else 0)

    ws = wb.add_worksheet(_sheet_name("Metadata", used))
    items = _metadata_items(report)
    weights = report.metadata["weights"]
    rows: list[tuple[str, Any]] = [(k, v) for k, v in items if k != "weights"]
    rows += [(f"weight: {c}", float(w)) for c, w in weights.items()]
    for s in report.sections:
        rows += [(f"{s.key}: {k}", v) for k, v in _about_items(s.about)]
    meta = pd.DataFrame(rows, columns=["field", "value"]).astype({"value": object})
    ws.write_string(0, 0, "field", fmts.header())
    ws.write_string(0, 1, "value", fmts.header())
    for i, (k, v) in enumerate(rows, start=1):
        _write_cell(ws, i, 0, "field", k, fmts)
        _write_cell(ws, i, 1, "weight" if k.startswith("weight: ") else "value", v, fmts, wrap=True)
    ws.set_column(0, 0, _width("field", meta["field"], "field"))
    ws.set_column(1, 1, 70)
    ws.freeze_panes(1, 0)

    wb.close()
    return buffer.getvalue()


# ----------------------------------------------------------------------------- PNG / SVG


def _chart(report: Report, name: str) -> ChartSpec:
    for c in report.charts:
        if c.name == name:
            return c
    for s in report.sections:
        for c in s.charts:
            if c.name == name:
                return c
    raise ValueError(f"this report has no {name!r} chart (build it with charts=True)")


def render_svg(report: Report, *, chart: str = "ranking") -> str:
    """The ranking chart (stacked contributions for additive methods) as a standalone SVG."""
    return stable_ids(_svg_for(_chart(report, chart)), chart)


def render_png(report: Report, *, chart: str = "ranking", scale: float = 2.0) -> bytes:
    """The ranking chart as PNG (``scale`` 2 gives a sharp image for slides and briefs)."""
    import vl_convert as vlc

    return bytes(vlc.vegalite_to_png(_chart(report, chart).spec, scale=scale))


# ----------------------------------------------------------------------------- dispatch

RENDERERS: dict[str, Callable[[Report], str | bytes]] = {
    "csv": render_csv,
    "xlsx": render_xlsx,
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
    "png": render_png,
    "svg": render_svg,
}


def render(fmt: str, report: Report) -> str | bytes:
    """The export's content in ``fmt`` (one of :data:`FORMATS`)."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}"
        ) from None
    return renderer(report)


def write(fmt: str, path: str | os.PathLike[str], report: Report) -> Path:
    """Render ``report`` as ``fmt`` and save it at ``path`` atomically; return the path."""
    content = render(fmt, report)
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
