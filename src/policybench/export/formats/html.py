"""HTML: a brief a person reads in a few pages, as one self-contained page.

In this order: the title and the stamp in one line; **In brief** (the verdict on the top of the
ranking, or who leads and by how much); the ranking chart (the best ten unless asked for
all); a compact ranking table (rank, option, group and each method's score); the **caveats**;
the weights and the method; the **evidence** behind the leading options (each criterion's
score, range and rationale, then the authors' words, quoted); the SMAA, workshop or comparison
sections; then, folded away (``<details>``, no script needed), the scores of every option and
the evidence of the others; and the full stamp. Every table fits the page's width (at most
:data:`MAX_COLUMNS` narrow columns, or the columns its section names for a brief,
:attr:`~policybench.export.report.Section.brief`; the wide ones — every rank's share, every
participant's ranks, the numbers behind a workshop's challenges — are left to the Excel and
JSON files, and the page says so), so nothing scrolls sideways on a laptop or a printed page.

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
    criterion_names,
    format_value,
    header,
    metadata_items,
    option_quote_rows,
)
from policybench.export.formats.image import stable_ids, svg_of
from policybench.export.report import ChartSpec, Report, Section
from policybench.export.stamp import option_set_text
from policybench.present.text import html as h

#: The most columns a table on the page has; wider tables drop their per-rank columns.
MAX_COLUMNS = 10
#: How many of the leading options get their evidence shown in full.
LEADING = 1

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1f2328; background: #fff; margin: 0 auto; max-width: 52rem; padding: 1.25rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
.stamp { color: #57606a; font-size: .9rem; margin: 0; overflow-wrap: anywhere; }
.verdict { font-size: 1.1rem; }
dl.meta { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .2rem 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0 1rem; width: 100%; }
table.scores { font-size: .78rem; }
table.scores th, table.scores td { padding: .2rem .3rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .45rem; vertical-align: top; overflow-wrap: break-word; }
table.evidence td:first-child { width: 11rem; }
table.evidence td.num { width: 3.5rem; }
th { background: #f6f8fa; text-align: left; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.baseline td { background: #fff8e5; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
figure svg.narrow { display: none; }
figcaption { color: #57606a; font-size: .85rem; }
blockquote { margin: .5rem 0 .8rem; padding: .3rem .9rem; border-left: 4px solid #d0d7de; background: #f6f8fa; }
blockquote.supports { border-left-color: #2da44e; }
blockquote.cautions { border-left-color: #cf222e; }
blockquote p { margin: .2rem 0; overflow-wrap: anywhere; }
blockquote footer { color: #57606a; font-size: .85rem; }
details { margin: .8rem 0; }
summary { cursor: pointer; font-weight: 600; }
p.note { color: #57606a; font-size: .9rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
footer.page { margin-top: 2.5rem; color: #57606a; font-size: .85rem; border-top: 1px solid #d0d7de; padding-top: .5rem; }
@media (max-width: 40rem) { figure svg.wide { display: none; } figure svg.narrow { display: block; }
  body { padding: .6rem; } table.evidence td:first-child { width: auto; } th, td { padding: .2rem .3rem; } }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; } figure, tr, blockquote { break-inside: avoid; } }
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
    hidden: Sequence[str] = (),
) -> str:
    """``df`` as an HTML table (numbers right-aligned), with optional banded headers;
    ``hidden`` columns are read by ``row_class`` but not shown (``headers`` name the others)."""
    if df.empty:
        return "<p><em>(none)</em></p>"
    shown = [c for c in df.columns if c not in hidden]
    heads = list(headers) if headers is not None else [str(c) for c in shown]
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
            if col not in hidden
        )
        parts.append((f'<tr class="{cls}">' if cls else "<tr>") + tds + "</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def narrow(df: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """``df`` cut to fit the page: ids dropped where the table also has the name, then the
    per-rank columns (``rank 1`` …, ``rank:<option>``) when it is still wider than
    :data:`MAX_COLUMNS`; the note says what was left out, and where it is."""
    out = df
    for ident, name in (("option", "title"), ("criterion", "name")):
        if ident in out.columns and name in out.columns:
            out = out.drop(columns=ident)
    if len(out.columns) <= MAX_COLUMNS:
        return out, ""
    per_rank = [c for c in out.columns if re.fullmatch(r"rank \d+|rank:.+", str(c))]
    out = out.drop(columns=per_rank)
    note = (
        f"{len(per_rank)} columns of ranks are left out here; the Excel and JSON files hold them."
        if per_rank
        else ""
    )
    if len(out.columns) > MAX_COLUMNS:
        dropped = len(out.columns) - MAX_COLUMNS
        out = out.iloc[:, :MAX_COLUMNS]
        note = (note + " " if note else "") + (
            f"{dropped} more columns are in the Excel and JSON files."
        )
    return out, note


def _human_table(report: Report, df: pd.DataFrame, **kw: Any) -> str:
    cut, note = narrow(df)
    hidden = kw.get("hidden", ())
    body = table(cut, [header(report, str(c)) for c in cut.columns if c not in hidden], **kw)
    return body + (f'<p class="note">{h(note)}</p>' if note else "")


def _baseline(row: Any) -> str:
    return "baseline" if getattr(row, "baseline", False) else ""


def _quote(row: Any) -> str:
    stance = row.stance if row.stance in {"supports", "cautions"} else ""
    cls = f' class="{stance}"' if stance else ""
    label = f" · {h(stance)}" if stance else ""
    return f"<blockquote{cls}><p>{h(row.quote)}</p><footer>— <cite>{h(row.citation)}</cite>{label}</footer></blockquote>"


def _svg(chart: ChartSpec, prefix: str, cls: str = "") -> str:
    svg = inline_svg(svg_of(chart), prefix)
    extra = f' class="{cls}"' if cls else ""
    return svg.replace("<svg ", f'<svg role="img" aria-label="{h(chart.title)}"{extra} ', 1)


def _figure(chart: ChartSpec, prefix: str) -> str:
    """A chart as inline SVG without its own title (the page stamps it once, at the top),
    captioned with its title and how to read it; a chart drawn at a phone's width as well is
    shown instead on a narrow screen (the file's width would shrink its words too small)."""
    plain = chart.untitled()
    small = plain.at_narrow()
    caption = " ".join([f"{chart.title}.", *chart.caption])
    if small is None:
        body = _svg(plain, prefix)
    else:
        body = _svg(plain, prefix, "wide") + _svg(small, f"{prefix}-narrow", "narrow")
    return f'<figure id="{prefix}"><figcaption>{h(caption)}</figcaption>{body}</figure>'


def _more(n: int) -> str:
    return f"{n} more column{'s are' if n != 1 else ' is'} in the Excel and JSON files."


def _section(report: Report, s: Section) -> list[str]:
    out = [f'<section id="{h(s.key)}"><h2>{h(s.title)}</h2><dl class="meta">']
    out += [f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in about_items(s.about)]
    out.append("</dl>")
    for k, chart in enumerate(s.charts):
        out.append(_figure(chart, f"chart-{h(s.key)}-{k}"))
    for name, t in s.tables:
        shown = t[list(s.brief[name])] if name in s.brief else t
        out += [f"<h3>{h(name)}</h3>", _human_table(report, shown)]
        if len(shown.columns) < len(t.columns):
            out.append(f'<p class="note">{h(_more(len(t.columns) - len(shown.columns)))}</p>')
    out.append("</section>")
    return out


def _ranking_table(report: Report) -> pd.DataFrame:
    """The ranking in a few columns: the first ranking's rank, the option, then each method's
    (or perspective's) score, and the others' ranks (the status quo's row marked)."""
    first = report.rankings[0].table
    out = pd.DataFrame(
        {
            "rank": first["rank"],
            "title": first["title"],
            "baseline": first["baseline"],
        }
    )
    for k, part in enumerate(report.rankings):
        by_option = part.table.set_index("option")
        if k:
            out[f"{part.label}:rank"] = list(by_option.loc[first["option"], "rank"])
        out[f"{part.label}:total"] = list(by_option.loc[first["option"], "score"])
    if report.kind == "compare":
        change = report.comparison.set_index("option").loc[first["option"], "change"]
        out["change"] = list(change)
    return out


def _brief(report: Report) -> list[str]:
    if not report.summary:
        return []
    head, *lines = report.summary
    word, sep, rest = head.partition(": ")
    lead = (
        f"<strong>{h(word)}:</strong> {h(rest)}"
        if sep and word in {"Solid", "Near-tie", "Fragile"}
        else h(head)
    )
    out = ['<section id="brief"><h2>In brief</h2>', f'<p class="verdict">{lead}</p>']
    if lines:
        out.append("<ul>" + "".join(f"<li>{h(x)}</li>" for x in lines) + "</ul>")
    out.append("</section>")
    return out


def _scores_line(report: Report, oid: str, cid: str) -> tuple[str, str]:
    s = report.score_table.set_index("option").loc[oid]
    value = format_value("score:", s[f"score:{cid}"])
    low, high = format_value("low:", s[f"low:{cid}"]), format_value("high:", s[f"high:{cid}"])
    return value, f"{low}–{high}"


def _evidence(report: Report, oid: str, heading: str) -> list[str]:
    """One option's evidence: the passage that makes it a recommendation, a table of its
    score, range and rationale on each criterion, then, folded away, the option's other
    quotes and the authors' words behind each score."""
    names = criterion_names(report)
    q = report.quotes
    rows = q[q["option"] == oid]
    out = [f'<article id="option-{h(oid)}">' + (f"<h3>{h(heading)}</h3>" if heading else "")]
    group = report.score_table.set_index("option").loc[oid].get("group", "")
    if group:
        out.append(f'<p class="note">{h(group)}</p>')
    own = option_quote_rows(rows)
    lead = own[own["where"] == "recommendation"]
    if lead.empty:
        lead = own.head(1)
    out += [_quote(r) for r in lead.itertuples(index=False)]
    others = own.drop(index=lead.index)
    scored = rows[rows["where"] == "score"]
    lines = []
    for cid in report.criteria["criterion"]:
        value, span = _scores_line(report, oid, cid)
        crow = scored[scored["criterion"] == cid]
        rationale = crow["rationale"].iloc[0] if len(crow) else ""
        lines.append(
            {"criterion": names.get(cid, cid), "score": value, "range": span, "why": rationale}
        )
    evidence = table(pd.DataFrame(lines), ["Criterion", "Score (0–10)", "Range", "Why"])
    out.append(evidence.replace("<table>", '<table class="evidence">', 1))
    quotes = [_quote(r) for r in others.itertuples(index=False)]
    for cid, crow in scored.groupby("criterion", sort=False):
        quotes.append(f"<h4>{h(names.get(cid, cid))}</h4>")
        quotes += [_quote(r) for r in crow.itertuples(index=False)]
    if quotes:
        count = len(others) + len(scored)
        out.append(
            f"<details><summary>The authors' words behind these scores ({count} "
            f"quote{'s' if count != 1 else ''})</summary>" + "".join(quotes) + "</details>"
        )
    out.append("</article>")
    return out


def _evidence_section(report: Report) -> list[str]:
    first = report.rankings[0].table
    titles = dict(zip(first["option"], first["title"], strict=True))
    ranks = dict(zip(first["option"], first["rank"], strict=True))
    order = list(first["option"])
    leading = order[:LEADING]
    out = [
        '<section id="evidence"><h2>The evidence behind the ranking</h2>',
        '<p class="note">Each score is read against the criterion\'s anchored 0–10 levels; '
        "the range says how sure the reading is; under each option, the authors' own words "
        "behind its scores.</p>",
    ]
    for oid in leading:
        out += _evidence(report, oid, f"{ranks[oid]}. {titles[oid]}")
    rest = order[LEADING:]
    if rest:
        out.append(f'<p class="note">The evidence for the other {len(rest)} options:</p>')
    for oid in rest:
        out.append(f"<details><summary>{h(f'{ranks[oid]}. {titles[oid]}')}</summary>")
        out += _evidence(report, oid, "")
        out.append("</details>")
    out.append("</section>")
    return out


def _weights(report: Report) -> list[str]:
    q = report.quotes
    names = criterion_names(report)
    crits = report.criteria.drop(columns=["criterion"])
    out = ['<section id="weights"><h2>Weights and method</h2>']
    out.append(_human_table(report, crits))
    methods = [x for x in report.metadata["methods"]]
    out.append(
        "<p>"
        + "; ".join(h(f"{x.get('name') or x['method']}, {x['title']}") for x in methods)
        + "</p>"
    )
    presets = q[q["where"] == "preset"]
    if len(presets):
        out.append(
            "<details><summary>Why these weights: the texts behind the perspective</summary>"
        )
        out += [_quote(r) for r in presets.itertuples(index=False)]
        out.append("</details>")
    crit_rows = q[q["where"] == "criterion"]
    if len(crit_rows):
        out.append("<details><summary>What the criteria measure: the texts behind them</summary>")
        for cid, rows in crit_rows.groupby("criterion", sort=False):
            out.append(f"<h4>{h(names.get(cid, cid))}</h4>")
            out += [_quote(r) for r in rows.itertuples(index=False)]
        out.append("</details>")
    out.append("</section>")
    return out


def _scores(report: Report) -> list[str]:
    """Every option's score on each criterion, folded away (one narrow column each)."""
    scores = report.score_table
    names = criterion_names(report)
    crits = list(report.criteria["criterion"])
    first = report.rankings[0].table
    data = pd.DataFrame({"title": first["title"], "baseline": first["baseline"]})
    by_option = scores.set_index("option")
    for cid in crits:
        data[f"score:{cid}"] = list(by_option.loc[first["option"], f"score:{cid}"])
    heads = ["Option", *(names.get(c, c) for c in crits)]
    shown = data.drop(columns="baseline")
    return [
        "<details><summary>Every option's scores on each criterion (0–10)</summary>",
        table(shown, heads).replace("<table>", '<table class="scores">', 1),
        '<p class="note">With their low–high ranges and what each criterion adds to each '
        "method's score, in the CSV and Excel files.</p>",
        "</details>",
    ]


def render(report: Report) -> str:
    """The report as one self-contained HTML page: a brief (see the module docstring)."""
    m = report.metadata
    methods = "; ".join(str(x.get("name") or x["title"]) for x in m["methods"])
    scope = option_set_text(m)
    stamp = " · ".join(
        x
        for x in (
            h(m["profile"]),
            h(methods),
            h(scope) if scope else "",
            f"catalog <code>{h(m['catalog_fingerprint'])}</code>",
            f"policybench {h(m['policybench_version'])}",
            f'<time datetime="{h(m["generated_at"])}">{h(m["generated_at"])}</time>',
        )
        if x
    )
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
        f'<p class="stamp">{stamp}</p></header>',
        "<main>",
    ]
    out += _brief(report)
    out.append('<section id="ranking"><h2>Ranking</h2>')
    for k, chart in enumerate(c for c in report.charts if c.name == "ranking"):
        out.append(_figure(chart, f"chart-ranking-{k}"))
    out.append(
        _human_table(report, _ranking_table(report), row_class=_baseline, hidden=("baseline",))
    )
    out += _scores(report)
    out.append("</section>")
    if report.caveats:
        out.append('<section id="caveats"><h2>Caveats</h2><ul>')
        out += [f"<li>{h(c)}</li>" for c in report.caveats]
        out.append("</ul></section>")
    out += _weights(report)
    out += _evidence_section(report)
    for s in report.sections:
        out += _section(report, s)
    out.append('<section id="about"><h2>About this file</h2><dl class="meta">')
    out += [f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in metadata_items(report)]
    out.append("</dl>")
    out.append(
        '<p class="note">The full comparison table (every score with its range, and what each '
        "criterion adds to each method's score) is in the CSV, Excel, Markdown and JSON files; "
        "every quote with its citation in all but the CSV.</p></section>"
    )
    out += [
        "</main>",
        f'<footer class="page">{"<br>".join(h(x) for x in report.stamp_lines)}</footer>',
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
