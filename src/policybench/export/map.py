"""The two-cluster map in files: as PNG or SVG on its own (the Map page's downloads), and as a
report section (the HTML report, and every format that writes sections).

Both carry the stamp every export carries: the profile and weights, the axes, the options in
play and the screen, the catalog's fingerprint, the version and the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import vl_convert as vlc

import policybench
from policybench.analysis.frontier import DEFAULT_X, DEFAULT_Y, Frontier, axes
from policybench.catalog import Catalog
from policybench.export.formats.image import stable_ids, svg_of
from policybench.export.report import ChartSpec, Section
from policybench.export.stamp import utc_timestamp
from policybench.present.charts import EXPORT_WIDTH
from policybench.present.charts.map import map_chart
from policybench.present.frontier import (
    axis_label,
    axis_name,
    frontier_sentence,
    frontier_table,
)

IMAGE_FORMATS = ("png", "svg")


def default_axes(catalog: Catalog) -> tuple[str, str] | None:
    """The map a report shows: impact against achievability when the catalog has both
    clusters, else its first two clusters; None with fewer than two."""
    clusters = [a.id for a in axes(catalog) if a.kind == "cluster"]
    if DEFAULT_X in clusters and DEFAULT_Y in clusters:
        return DEFAULT_X, DEFAULT_Y
    return (clusters[0], clusters[1]) if len(clusters) >= 2 else None


def map_about(
    frontier: Frontier,
    catalog: Catalog,
    *,
    screen: Sequence[str] = (),
    version: str | None = None,
    generated_at: str | None = None,
) -> dict[str, Any]:
    """The map's stamp: what is on each axis, with which weights, on which catalog."""
    about: dict[str, Any] = {
        "profile": frontier.label,
        "x": f"{axis_label(frontier.x_axis, catalog)} [{frontier.x_axis.id}]",
        "y": f"{axis_label(frontier.y_axis, catalog)} [{frontier.y_axis.id}]",
        "weights": frontier.weight_map,
        "options": len(frontier.option_ids),
        "screen": ", ".join(screen) or "none",
        "catalog_fingerprint": frontier.catalog_fingerprint[:12],
        "policybench_version": version or policybench.__version__,
    }
    if generated_at is not None:
        about["generated_at"] = generated_at
    return about


def _stamp(about: dict[str, Any]) -> list[str]:
    weights = ", ".join(f"{k} {v:.3f}" for k, v in about["weights"].items())
    tail = f" · {about['generated_at']}" if "generated_at" in about else ""
    return [
        f"{about['profile']} · {about['options']} options · screen: {about['screen']}",
        f"weights: {weights}",
        f"catalog {about['catalog_fingerprint']} · policybench {about['policybench_version']}"
        + tail,
    ]


def map_spec(
    frontier: Frontier,
    catalog: Catalog,
    *,
    screen: Sequence[str] = (),
    timestamp: datetime | str | None = None,
    width: int = EXPORT_WIDTH,
) -> ChartSpec:
    """The map as a stamped, self-contained Vega-Lite spec ``width`` pixels wide."""
    when = timestamp if isinstance(timestamp, str) else utc_timestamp(timestamp)
    about = map_about(frontier, catalog, screen=screen, generated_at=when)
    chart = map_chart(frontier, catalog, subtitle=_stamp(about))
    title = (
        f"Map: {axis_name(frontier.x_axis, catalog)} against {axis_name(frontier.y_axis, catalog)}"
    )
    return ChartSpec("map", title, chart.to_dict(width=width))


def map_image(
    frontier: Frontier,
    catalog: Catalog,
    fmt: str,
    *,
    screen: Sequence[str] = (),
    timestamp: datetime | str | None = None,
) -> bytes:
    """The map as ``fmt`` (``png``, twice the pixels for slides, or ``svg``)."""
    spec = map_spec(frontier, catalog, screen=screen, timestamp=timestamp)
    if fmt == "svg":
        return stable_ids(svg_of(spec), "map").encode("utf-8")
    if fmt == "png":
        return bytes(vlc.vegalite_to_png(spec.spec, scale=2.0))
    raise ValueError(f"unknown image format {fmt!r}; choose one of: {', '.join(IMAGE_FORMATS)}")


def map_section(
    frontier: Frontier,
    catalog: Catalog,
    *,
    screen: Sequence[str] = (),
    charts: bool = True,
    timestamp: datetime | str | None = None,
) -> Section:
    """The map as a report section: its stamp, the chart and each option's place."""
    about = map_about(frontier, catalog, screen=screen)
    about["frontier"] = frontier_sentence(frontier, catalog)
    table = frontier_table(frontier, catalog)[["option", "title", "x", "y", "efficient"]]
    table = table.rename(
        columns={
            "x": f"x: {axis_label(frontier.x_axis, catalog)}",
            "y": f"y: {axis_label(frontier.y_axis, catalog)}",
        }
    )
    specs = (map_spec(frontier, catalog, screen=screen, timestamp=timestamp),) if charts else ()
    return Section("map", "Map: each option on two axes", about, (("Map", table),), specs)
