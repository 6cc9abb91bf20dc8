"""HTML: one self-contained page — inline CSS, the charts as inline SVG, every table and quote.

The page loads nothing from anywhere: no script at all, no external address, and a
Content-Security-Policy that forbids scripts and every external request. Catalog text is
entity-escaped (:func:`policybench.present.text.html`); numbers are rounded
(:func:`~policybench.export.formats.common.format_value`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from policybench.export.formats.common import (
    about_items,
    bands,
    contribution_headers,
    criterion_names,
    format_value,
    metadata_items,
    option_quote_rows,
)
from policybench.export.formats.image import stable_ids, svg_of
from policybench.export.formats.markdown import COMPARISON_NOTE
from policybench.export.report import ChartSpec, Report, Section
from policybench.present.text import html as h

CSS = """
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

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def inline_svg(svg: str, prefix: str) -> str:
    """An SVG from vl-convert made fit to sit inside an HTML page: no XML prolog, no
    namespace declarations (HTML places ``<svg>`` in its namespace itself), and stable ids
    unique to this chart (:func:`~policybench.export.formats.image.stable_ids`). Catalog text
    that vl-convert wrote into labels keeps any ``://`` as ``:&#x2F;&#x2F;`` (the same text
    once parsed), so the page holds no web address at all, as the rest of the page does."""
    s = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    s = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", s)
    return stable_ids(s, prefix).replace("://", ":&#x2F;&#x2F;")


def table(
    df: pd.DataFrame,
    headers: Sequence[str] | None = None,
    *,
    header_bands: Sequence[tuple[str, int]] | None = None,
    row_class: Callable[[Any], str] | None = None,
) -> str:
    """``df`` as an HTML table (numbers right-aligned), with optional banded headers."""
    if df.empty:
        return "<p><em>(none)</em></p>"
    heads = list(headers) if headers is not None else [str(c) for c in df.columns]
    numeric = [
        pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in df.columns
    ]
    parts = ['<div class="scroll"><table>', "<thead>"]
    if header_bands:
        cells = "".join(f'<th colspan="{n}" scope="colgroup">{h(b)}</th>' for b, n in header_bands)
        parts.append(f"<tr>{cells}</tr>")
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


def _baseline(row: Any) -> str:
    return "baseline" if row.baseline else ""


def _quote(row: Any) -> str:
    stance = row.stance if row.stance in {"supports", "cautions"} else ""
    cls = f' class="{stance}"' if stance else ""
    label = f" · {h(stance)}" if stance else ""
    return f"<blockquote{cls}><p>{h(row.quote)}</p><footer>— <cite>{h(row.citation)}</cite>{label}</footer></blockquote>"


def _figure(chart: ChartSpec, prefix: str) -> str:
    svg = inline_svg(svg_of(chart), prefix)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{h(chart.title)}" ', 1)
    return f'<figure id="{prefix}">{svg}<figcaption>{h(chart.title)}</figcaption></figure>'


def _section(s: Section) -> list[str]:
    out = [f'<section id="{h(s.key)}"><h2>{h(s.title)}</h2><dl class="meta">']
    out += [f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in about_items(s.about)]
    out.append("</dl>")
    for k, chart in enumerate(s.charts):
        out.append(_figure(chart, f"chart-{h(s.key)}-{k}"))
    for name, t in s.tables:
        out += [f"<h3>{h(name)}</h3>", table(t)]
    out.append("</section>")
    return out


def _quotes(report: Report) -> list[str]:
    names = criterion_names(report)
    q = report.quotes
    out = ['<section id="quotes"><h2>Quotes and citations</h2>']
    crit_rows = q[q["where"] == "criterion"]
    if len(crit_rows):
        out.append("<h3>Criteria</h3>")
        for cid, rows in crit_rows.groupby("criterion", sort=False):
            out.append(f"<h4>{h(names.get(cid, cid))} <code>{h(cid)}</code></h4>")
            out += [_quote(r) for r in rows.itertuples(index=False)]
    for pid, rows in q[q["where"] == "preset"].groupby("preset", sort=False):
        out.append(f"<h3>Preset <code>{h(pid)}</code></h3>")
        out += [_quote(r) for r in rows.itertuples(index=False)]
    titles = dict(zip(report.comparison["option"], report.comparison["title"], strict=True))
    scores = report.comparison.set_index("option")
    for oid, rows in q[q["option"] != ""].groupby("option", sort=False):
        out.append(f"<article><h3>{h(titles.get(oid, oid))} <code>{h(oid)}</code></h3>")
        out += [_quote(r) for r in option_quote_rows(rows).itertuples(index=False)]
        for cid, crow in rows[rows["where"] == "score"].groupby("criterion", sort=False):
            s = scores.loc[oid]
            value = format_value("score:", s[f"score:{cid}"])
            low, high = (
                format_value("low:", s[f"low:{cid}"]),
                format_value("high:", s[f"high:{cid}"]),
            )
            out.append(f"<h4>{h(names.get(cid, cid))}: {h(value)} (range {h(low)}–{h(high)})</h4>")
            rationale = crow["rationale"].iloc[0]
            if rationale:
                out.append(f'<p class="rationale">{h(rationale)}</p>')
            out += [_quote(r) for r in crow.itertuples(index=False)]
        out.append("</article>")
    out.append("</section>")
    return out


def render(report: Report) -> str:
    """The report as one self-contained HTML page."""
    m = report.metadata
    methods = "; ".join(x["title"] for x in m["methods"])
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        f'<meta name="generator" content="policybench {h(m["policybench_version"])}">',
        f"<title>{h(report.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{h(report.title)}</h1>",
        f'<p class="stamp">{h(m["profile"])} · {h(methods)} · catalog '
        f"<code>{h(m['catalog_fingerprint'])}</code> · policybench {h(m['policybench_version'])} · "
        f'<time datetime="{h(m["generated_at"])}">{h(m["generated_at"])}</time></p></header>',
        "<main>",
        '<section id="about"><h2>About this export</h2><dl class="meta">',
    ]
    out += [f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in metadata_items(report)]
    out += ["</dl>", "<h3>Criteria and weights</h3>", table(report.criteria), "</section>"]
    out.append('<section id="ranking"><h2>Ranking</h2>')
    for k, chart in enumerate(c for c in report.charts if c.name == "ranking"):
        out.append(_figure(chart, f"chart-ranking-{k}"))
    for p in report.rankings:
        heads = contribution_headers(report, p.table.columns, template="{name} (contribution)")
        out += [f"<h3>{h(p.title)}</h3>", table(p.table, heads, row_class=_baseline)]
    out.append("</section>")
    banded = bands(report)
    out += [
        '<section id="comparison"><h2>Comparison</h2>',
        f"<p>{COMPARISON_NOTE}</p>",
        table(
            report.comparison,
            [short for _, cols in banded for _, short in cols],
            header_bands=[(b, len(cols)) for b, cols in banded],
            row_class=_baseline,
        ),
        "</section>",
    ]
    for s in report.sections:
        out += _section(s)
    out += _quotes(report)
    out += [
        "</main>",
        f'<footer class="page">{"<br>".join(h(x) for x in report.stamp_lines)}</footer>',
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
