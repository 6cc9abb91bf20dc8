"""The charts shared by the app and the PNG/SVG exports: their data, palettes and sizes.

Each chart comes in two parts, so that the app can redraw it cheaply on every slider move:

- a *spec* function in :mod:`policybench.export.chart_specs` (``contribution_spec`` …) that
  builds the chart's structure in Altair from a few hashable arguments (labels, row counts),
  reading its data from **named datasets**; and
- a *prepare* function here (``contribution_data`` …) that turns the long-form DataFrames of
  :mod:`policybench.views` into those datasets and returns a :class:`Prepared`, which names
  its spec. Preparing needs pandas only: Altair (about 0.3 s to import) is imported when a
  structure is built, which the app does once per structure and keeps on disk.

``Prepared.chart()`` (and each ``*_chart`` shortcut) gives an ordinary Altair chart with the
data inline, for export; the app compiles the spec once per structure and only swaps the
datasets. Nothing here calls Streamlit, reads files or changes its input.

The charts are meant for a projector: colour-blind-safe palettes (Paul Tol's *muted* for
criteria, Okabe & Ito's eight colours for options and directions, single-hue ramps for
heat maps), every font at least 13 px, and titles and axis labels in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import altair as alt

#: Paul Tol's "muted" scheme (nine hues designed to stay distinct under colour-vision
#: deficiencies) plus his pale grey: one colour per criterion, up to ten.
CRITERION_PALETTE: tuple[str, ...] = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#DDDDDD",
)
#: Okabe & Ito (2008): eight colours distinguishable under every common colour-vision deficiency.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
#: Moved up / moved down / unchanged, for slope lines (blue, vermilion, grey).
DIRECTION_COLOURS = {"up": "#0072B2", "down": "#D55E00", "same": "#999999"}
#: Smallest font anywhere in a chart (px); titles are larger.
FONT_SIZE = 14
TITLE_SIZE = 18
#: Marker in option labels that flags the status quo (see policybench.views.BASELINE_MARK).
BASELINE_TEXT = "(baseline)"
ROW_HEIGHT = 24

#: Dark ink for every label (Streamlit's chart theme greys them, too faint on a projector).
INK = "#262730"
#: Above this many options the heat map drops the printed shares (cells get too narrow).
ACCEPTABILITY_TEXT_MAX = 15


@dataclass(frozen=True)
class Prepared:
    """A chart's structure (``chart_specs.<spec>(*args)``) and its data (``datasets`` by name).

    ``spec`` is the name of a function in :mod:`policybench.export.chart_specs`, not the
    function itself: preparing a chart and caching its compiled structure need no Altair.
    """

    spec: str
    args: tuple[Any, ...]
    datasets: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def structure(self) -> alt.TopLevelMixin:
        """The chart without its data (it reads the named datasets)."""
        from policybench.export import chart_specs

        build: Callable[..., alt.TopLevelMixin] = getattr(chart_specs, self.spec)
        return build(*self.args)

    def chart(self) -> alt.TopLevelMixin:
        """The complete chart, data inline (for export, or ``st.altair_chart``)."""
        from policybench.export import chart_specs

        return chart_specs.with_data(self.structure(), self.datasets)


def _ordered(df: pd.DataFrame, order: Sequence[str], column: str = "option") -> pd.DataFrame:
    position = {label: k for k, label in enumerate(order)}
    out = df[df[column].isin(position)].copy()
    out["order"] = out[column].map(position).astype(int)
    return out


# ------------------------------------------------------------------------ contributions
def contribution_data(
    contrib: pd.DataFrame,
    order: Sequence[str],
    criteria: Sequence[str],
    *,
    baseline_score: float | None = None,
    title: str = "Score of each option, split by what each criterion adds",
) -> Prepared:
    """Horizontal bars stacked by each criterion's weighted contribution.

    ``contrib`` is :func:`policybench.views.contributions` (long form); ``order`` lists the
    option labels to show, best first; ``criteria`` lists criterion labels in catalog order
    (colour and stacking order). ``baseline_score`` draws a dashed rule at the status quo's
    score, so that the options that beat it stand out.
    """
    cols = ["option", "criterion", "criterion_order", "contribution", "weight_share", "value"]
    datasets = {"contributions": _ordered(contrib[cols], order)}
    if baseline_score is not None:
        datasets["baseline"] = pd.DataFrame({"score": [float(baseline_score)]})
    return Prepared(
        "contribution_spec",
        (tuple(criteria), len(order), baseline_score is not None, title),
        datasets,
    )


def contribution_chart(
    contrib: pd.DataFrame, order: Sequence[str], criteria: Sequence[str], **kw: Any
) -> alt.TopLevelMixin:
    """See :func:`contribution_data`."""
    return contribution_data(contrib, order, criteria, **kw).chart()


# ------------------------------------------------------------------------ plain scores
def score_data(
    table: pd.DataFrame, *, method: str, title: str = "Score of each option"
) -> Prepared:
    """One bar per option with the method's own score (for methods that are not additive).

    ``table`` has ``option``, ``score`` and ``baseline`` columns, best first.
    """
    data = table[["option", "score", "baseline"]].copy()
    data["kind"] = ["Status quo" if b else "Option" for b in data["baseline"]]
    data = _ordered(data.drop(columns="baseline"), list(table["option"]))
    return Prepared("score_spec", (len(data), method, title), {"scores": data})


def score_chart(table: pd.DataFrame, **kw: Any) -> alt.TopLevelMixin:
    """See :func:`score_data`."""
    return score_data(table, **kw).chart()


# ------------------------------------------------------------------------ slope
def slope_data(
    shift: pd.DataFrame, *, title: str = "How the ranking shifts between the two profiles"
) -> Prepared:
    """Rank under each profile joined by a line per option (rank 1 at the top).

    ``shift`` is :func:`policybench.views.rank_shift`. Lines are blue where the option moves
    up from the first profile to the last, vermilion where it moves down, grey otherwise.
    """
    data = shift[
        ["option_id", "option", "profile", "position", "rank", "shift", "direction"]
    ].copy()
    catalog_order = {oid: k for k, oid in enumerate(dict.fromkeys(data["option_id"]))}
    data["_catalog"] = data["option_id"].map(catalog_order)
    data = data.sort_values(["position", "rank", "_catalog"], kind="stable")
    data["slot"] = data.groupby("position").cumcount() + 1
    data["label"] = [f"{r}. {o}" for r, o in zip(data["rank"], data["option"], strict=True)]
    data = data.drop(columns="_catalog")
    profiles = tuple(dict.fromkeys(shift.sort_values("position", kind="stable")["profile"]))
    headers = pd.DataFrame(
        {
            "profile": list(profiles),
            "position": list(range(len(profiles))),
            "slot": [0.0] * len(profiles),
        }
    )
    return Prepared(
        "slope_spec",
        (profiles, int(data["option_id"].nunique()), title),
        {"shift": data, "headers": headers},
    )


def slope_chart(shift: pd.DataFrame, **kw: Any) -> alt.TopLevelMixin:
    """See :func:`slope_data`."""
    return slope_data(shift, **kw).chart()


# ------------------------------------------------------------------------ head to head
def head_to_head_data(
    h2h: pd.DataFrame,
    *,
    title: str = "Scores criterion by criterion; black lines show each score's range",
) -> Prepared:
    """Grouped horizontal bars of two or three options per criterion, with low–high ranges.

    ``h2h`` is :func:`policybench.views.head_to_head`.
    """
    options = tuple(dict.fromkeys(h2h["option"]))
    criteria = tuple(dict.fromkeys(h2h["criterion"]))
    data = h2h[["criterion", "option", "value", "low", "high"]]
    return Prepared("head_to_head_spec", (options, criteria, title), {"h2h": data})


def head_to_head_chart(h2h: pd.DataFrame, **kw: Any) -> alt.TopLevelMixin:
    """See :func:`head_to_head_data`."""
    return head_to_head_data(h2h, **kw).chart()


# ------------------------------------------------------------------------ tau
def tau_data(
    tau: pd.DataFrame, *, title: str = "Agreement between methods (Kendall's tau)"
) -> Prepared:
    """Kendall's tau between every pair of methods; 1 = the same ranking, −1 = reversed.

    ``tau`` is :func:`policybench.views.tau_matrix`.
    """
    return Prepared(
        "tau_spec", (tuple(dict.fromkeys(tau["a"])), title), {"tau": tau[["a", "b", "tau"]]}
    )


def tau_heatmap(tau: pd.DataFrame, **kw: Any) -> alt.TopLevelMixin:
    """See :func:`tau_data`."""
    return tau_data(tau, **kw).chart()


# ------------------------------------------------------------------------ sensitivity
def sensitivity_data(
    lines: pd.DataFrame,
    *,
    criterion: str,
    current: float,
    break_even: pd.DataFrame | None = None,
    title: str | None = None,
) -> Prepared:
    """Scores as one criterion's weight moves from 0 to 100 % (others in proportion).

    ``lines`` has ``weight`` (share, 0–1), ``option``, ``score``; ``current`` is the
    criterion's current share, drawn as a solid rule; ``break_even`` (``weight``, ``label``)
    marks the weights at which first place changes hands, as dashed rules.
    """
    options = tuple(dict.fromkeys(lines["option"]))
    breaks = break_even is not None and len(break_even) > 0
    datasets = {
        "lines": lines[["weight", "option", "score"]],
        "now": pd.DataFrame({"weight": [float(current)], "label": ["now"]}),
    }
    if breaks:
        assert break_even is not None
        datasets["breaks"] = break_even[["weight", "label"]]
    return Prepared(
        "sensitivity_spec",
        (options, criterion, breaks, title or f"Scores as the weight of “{criterion}” changes"),
        datasets,
    )


def sensitivity_chart(lines: pd.DataFrame, **kw: Any) -> alt.TopLevelMixin:
    """See :func:`sensitivity_data`."""
    return sensitivity_data(lines, **kw).chart()


# ------------------------------------------------------------------------ SMAA
def acceptability_data(
    acc: pd.DataFrame, order: Sequence[str], *, title: str = "How often each option takes each rank"
) -> Prepared:
    """Rank acceptability: share of samples in which each option takes each rank.

    ``acc`` has ``option``, ``rank`` (1…N) and ``share`` (0–1); ``order`` lists option labels
    top to bottom. Shares of 5 % or more are printed in the cells when there are at most
    :data:`ACCEPTABILITY_TEXT_MAX` options (the tooltip gives every share).
    """
    return Prepared(
        "acceptability_spec",
        (len(order), title),
        {"acceptability": _ordered(acc[["option", "rank", "share"]], order)},
    )


def acceptability_heatmap(acc: pd.DataFrame, order: Sequence[str], **kw: Any) -> alt.TopLevelMixin:
    """See :func:`acceptability_data`."""
    return acceptability_data(acc, order, **kw).chart()


def first_rank_data(
    first: pd.DataFrame, *, title: str = "Chance of being ranked first"
) -> Prepared:
    """Bars of each option's share of samples ranked first (``option``, ``share``), largest
    first; options never first are left out."""
    data = first[first["share"] > 0].sort_values("share", ascending=False, kind="stable")[
        ["option", "share"]
    ]
    data = _ordered(data, list(data["option"]))
    return Prepared("first_rank_spec", (len(data), title), {"first": data})


def first_rank_chart(first: pd.DataFrame, **kw: Any) -> alt.TopLevelMixin:
    """See :func:`first_rank_data`."""
    return first_rank_data(first, **kw).chart()
