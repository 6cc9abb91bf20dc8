"""The two-cluster map, on the Map page and in the exports: every option as a point on two
axes (criterion clusters or single criteria, 0–1, higher is better), the efficient frontier as
a line through the options no other beats on both, their names beside them, and the status
quo marked apart.

Colour and shape both say what a point is (on the frontier, dominated, the status quo), so the
map reads without colour too; every point's tooltip gives the option's name and its two
values. The points carry a click selection named :data:`PICK` on ``option``, which the app reads
to open that option's evidence.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from policybench.analysis.frontier import Frontier
from policybench.catalog import Catalog
from policybench.present.charts import FONT_SIZE, INK, Chart, finish, legend_columns, wrap
from policybench.present.frontier import axis_label, axis_title
from policybench.present.labels import option_label

TITLE = "Where each option stands on both axes, and the efficient frontier"
#: The selection the app reads when a point is clicked (``event.selection[PICK]``).
PICK = "pick"
ON = "On the frontier"
OFF = "Dominated"
BASELINE = "Status quo"
KINDS = (ON, OFF, BASELINE)
#: Okabe & Ito's blue for the frontier, a mid grey for the rest, black for the status quo.
COLOURS = ("#0072B2", "#8C8C8C", "#000000")
SHAPES = ("circle", "circle", "diamond")
#: Characters per line of a name beside its point (two lines at most, then an ellipsis).
NAME_CHARS = 26
#: Pixels between a point and its name, and about the widest line of a name.
NAME_GAP = 9
NAME_PX = int(NAME_CHARS * (FONT_SIZE - 1) * 0.56)
#: The room kept around the points on each axis, as a share of the 0–1 scale.
MARGIN = 0.05


def _domain(values: pd.Series) -> list[float]:
    """The points' extent widened by :data:`MARGIN`, on a 0.05 grid, within 0–1."""
    # rounded before floor/ceil, so that 0.5 + 0.05 stays 0.55 and does not become 0.6
    low = max(0.0, math.floor(round((float(values.min()) - MARGIN) * 20, 6)) / 20)
    high = min(1.0, math.ceil(round((float(values.max()) + MARGIN) * 20, 6)) / 20)
    if high - low < 0.2:  # a few close points: still show a readable stretch of the scale
        mid = (high + low) / 2
        low, high = max(0.0, mid - 0.1), min(1.0, mid + 0.1)
    return [low, high]


def map_data(frontier: Frontier, catalog: Catalog) -> dict[str, pd.DataFrame]:
    """The map's datasets.

    ``points``: every option (``option``, ``label``, ``x``, ``y``, ``kind``, ``efficient``,
    ``here``: how many options share its place, and ``also``: the others there, for the
    tooltip). ``names``: one name per place that holds an option on the frontier or the
    status quo (``name``, wrapped for beside the point, with "+k more" when options share the
    place; ``bold`` for the status quo's). ``frontier``: the efficient options in order
    along the line (``x``, ``y``, ``order``).
    """
    rows = []
    for i, oid in enumerate(frontier.option_ids):
        option = catalog.options_by_id[oid]
        efficient = bool(frontier.efficient[i])
        rows.append(
            {
                "option": oid,
                "label": option_label(option),
                "title": option.title,
                "x": float(frontier.x[i]),
                "y": float(frontier.y[i]),
                "kind": BASELINE if option.baseline else ON if efficient else OFF,
                "efficient": efficient,
                "baseline": bool(option.baseline),
            }
        )
    # the status quo drawn last, on top of any option at the same place; the frontier over the rest
    rank = {OFF: 0, ON: 1, BASELINE: 2}
    points = pd.DataFrame(sorted(rows, key=lambda r: rank[str(r["kind"])]))
    # options at the same place (to the map's precision) are one place: one name, one count
    place = list(zip(points["x"].round(9), points["y"].round(9), strict=True))
    points["place"] = place
    groups: dict[tuple[float, float], list[int]] = {}
    for k, key in enumerate(place):
        groups.setdefault(key, []).append(k)
    points["here"] = [len(groups[key]) for key in place]
    points["also"] = [
        "; ".join(points["label"][j] for j in groups[key] if j != k) for k, key in enumerate(place)
    ]
    names = []
    for members in groups.values():
        shown = [j for j in members if points["efficient"][j] or points["baseline"][j]]
        if not shown:
            continue
        first = max(shown, key=lambda j: bool(points["baseline"][j]))  # the status quo's name
        more = len(members) - 1
        lines = wrap(points["title"][first], NAME_CHARS, 2)
        if more:
            lines.append(f"+{more} more here")
        names.append(
            {
                "x": points["x"][first],
                "y": points["y"][first],
                "name": "\n".join(lines),
                "bold": bool(points["baseline"][first]),
            }
        )
    on = frontier.frontier()
    line = pd.DataFrame(
        {
            "x": [float(frontier.x[i]) for i in on],
            "y": [float(frontier.y[i]) for i in on],
            "order": list(range(len(on))),
        }
    )
    return {
        "points": points.drop(columns=["place", "title"]),
        "names": pd.DataFrame(names, columns=["x", "y", "name", "bold"]),
        "frontier": line,
    }


def map_chart(
    frontier: Frontier,
    catalog: Catalog,
    *,
    height: int = 460,
    title: str = TITLE,
    subtitle: list[str] | None = None,
) -> Chart:
    """The map of ``frontier`` (:func:`policybench.analysis.frontier.frontier_catalog`)."""
    data = map_data(frontier, catalog)
    points = data["points"]
    x_name = axis_label(frontier.x_axis, catalog)
    y_name = axis_label(frontier.y_axis, catalog)
    x = alt.X(
        "x:Q",
        title=axis_title(frontier.x_axis, catalog),
        scale=alt.Scale(domain=_domain(points["x"]), nice=False, zero=False),
        axis=alt.Axis(
            format=".2f",
            tickCount=alt.ExprRef("ceil(width / 90)"),
            labelFlush=True,
            titleLimit=alt.ExprRef("width"),
        ),
    )
    y = alt.Y(
        "y:Q",
        title=axis_title(frontier.y_axis, catalog),
        scale=alt.Scale(domain=_domain(points["y"]), nice=False, zero=False),
        axis=alt.Axis(format=".2f", tickCount=6, titleLimit=alt.ExprRef("height")),
    )
    kind = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=list(KINDS), range=list(COLOURS)),
        legend=alt.Legend(
            orient="bottom", direction="horizontal", symbolSize=140, columns=legend_columns(150)
        ),
    )
    shape = alt.Shape(
        "kind:N", scale=alt.Scale(domain=list(KINDS), range=list(SHAPES)), legend=None
    )
    pick = alt.selection_point(name=PICK, fields=["option"], on="click", clear="dblclick")
    line = (
        alt.Chart(alt.NamedData(name="frontier"))
        .mark_line(color=COLOURS[0], strokeWidth=2.5, interpolate="linear")
        .encode(x=x, y=y, order=alt.Order("order:Q"))
    )
    dots = (
        alt.Chart(alt.NamedData(name="points"))
        .mark_point(filled=True, size=130, opacity=0.9, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            color=kind,
            shape=shape,
            tooltip=[
                alt.Tooltip("label:N", title="Option"),
                alt.Tooltip("x:Q", title=x_name, format=".3f"),
                alt.Tooltip("y:Q", title=y_name, format=".3f"),
                alt.Tooltip("kind:N", title="On the map"),
                alt.Tooltip("also:N", title="Also at this place"),
            ],
        )
        .add_params(pick)
    )
    # A name sits right of its point, or left of it when it would run off the right edge;
    # past the room on that side it is cut with an ellipsis (the tooltip has it whole).
    at = "scale('x', datum.x)"
    left = f"{at} + {NAME_GAP + NAME_PX} > width && {at} > width - {at}"
    text: dict[str, Any] = {
        "align": alt.ExprRef(f"{left} ? 'right' : 'left'"),
        "dx": alt.ExprRef(f"{left} ? -{NAME_GAP} : {NAME_GAP}"),
        "limit": alt.ExprRef(f"max(40, {left} ? {at} - {NAME_GAP} : width - {at} - {NAME_GAP})"),
        "baseline": "middle",
        "lineBreak": "\n",
        "fontSize": FONT_SIZE - 1,
        "fontWeight": alt.ExprRef("datum.bold ? 'bold' : 'normal'"),
    }
    names = alt.Chart(alt.NamedData(name="names")).encode(x=x, y=y, text=alt.Text("name:N"))
    # a white halo under each name keeps it legible where it crosses a point or the line
    halo = names.mark_text(color="white", stroke="white", strokeWidth=4, **text)
    ink = names.mark_text(color=INK, **text)
    head = {"text": title, "subtitle": subtitle} if subtitle else title
    return finish(alt.layer(line, dots, halo, ink), data, height=height, title=head)
