"""PNG and SVG: one chart of the report (the ranking chart unless asked for another), rendered
offline by vl-convert, stamped in its subtitle."""

from __future__ import annotations

import re

import vl_convert as vlc

from policybench.export.report import ChartSpec, Report


def chart(report: Report, name: str) -> ChartSpec:
    """The report's chart called ``name`` (in the report or one of its sections)."""
    for c in (*report.charts, *(c for s in report.sections for c in s.charts)):
        if c.name == name:
            return c
    raise ValueError(f"this report has no {name!r} chart (build it with charts=True)")


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


def svg_of(spec: ChartSpec) -> str:
    """The chart as SVG, as vl-convert writes it."""
    return str(vlc.vegalite_to_svg(spec.spec))


def render_svg(report: Report, *, name: str = "ranking") -> str:
    """The chart as a standalone SVG (stacked contributions for additive methods)."""
    return stable_ids(svg_of(chart(report, name)), name)


def render_png(report: Report, *, name: str = "ranking", scale: float = 2.0) -> bytes:
    """The chart as PNG (``scale`` 2 gives a sharp image for slides and briefs)."""
    return bytes(vlc.vegalite_to_png(chart(report, name).spec, scale=scale))
