"""The ranking chart, on the Rank page and in every export: one *option row* per option (its
name above its bar, :func:`policybench.present.charts.option_rows`), the bar stacked by what
each criterion adds to the score for an additive method, the method's score otherwise; the
score printed at the end of each bar; the status quo's score as a labelled line across the
rows; the best ``top`` options when asked (a brief, a phone). Several methods' rankings stack
in one figure for an export.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from policybench.analysis.rank import Ranking
from policybench.catalog import Catalog
from policybench.present.charts import (
    BASELINE_TEXT,
    CRITERION_PALETTE,
    FONT_SIZE,
    INK,
    MARK_OFFSET,
    MARK_SIZE,
    OKABE_ITO,
    SCORE_ROOM,
    Chart,
    finish,
    legend_columns,
    option_rows,
    palette,
    row_axis,
    row_y,
    rows_data,
)
from policybench.present.labels import criterion_label, method_label, option_label

CONTRIBUTION_TITLE = "Score of each option, split by what each criterion adds"
SCORE_TITLE = "Score of each option"
#: The status quo's mark on every bar.
BASELINE_COLOUR = "#000000"


def top_note(shown: int, total: int) -> str:
    """``"The best 10 of 25 options."``, or '' when every option is shown."""
    return "" if shown >= total else f"The best {shown} of {total} options."


def _rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows dataset of a ranking chart: ``label`` (y), ``order``, ``rank``, ``score``
    (what the bar shows), ``baseline`` and the wrapped names."""
    return rows_data(table[["label", "rank", "score", "baseline"]])


def _y() -> alt.Y:
    return row_y()


def _x_scale(negative: bool) -> alt.Scale:
    """From zero (or the lowest score) to the highest, leaving room for the printed scores: on
    the right, and on the left too when some scores are ``negative``. The domain comes from
    the data, so that the spec depends only on the chart's structure (and is built once)."""
    left = SCORE_ROOM if negative else 0
    return alt.Scale(range=[left, alt.ExprRef(f"width - {SCORE_ROOM}")], nice=False, zero=True)


def _score_text(x: alt.X, fmt: str) -> alt.Chart:
    """The score at the end of each bar (left of it for a negative bar)."""
    text: alt.Chart = (
        alt.Chart(alt.NamedData(name="rows"))
        .mark_text(
            baseline="middle",
            yOffset=MARK_OFFSET,
            fontSize=FONT_SIZE - 1,
            color=INK,
            align=alt.ExprRef("datum.score < 0 ? 'right' : 'left'"),
            dx=alt.ExprRef("datum.score < 0 ? -4 : 4"),
        )
        .encode(y=_y(), x=x, text=alt.Text("score:Q", format=fmt))
    )
    return text


def _baseline_layers(x_scale: alt.Scale) -> list[alt.Chart]:
    """The status quo's score (the rows' ``sq`` and the ``baseline`` dataset): a black mark
    across every bar at that score (a line down the whole chart would run through the names),
    labelled above the first row."""
    x = alt.X("score:Q", title=None, axis=None, scale=x_scale)
    ticks = (
        alt.Chart(alt.NamedData(name="rows"))
        .mark_tick(
            orient="vertical",
            size=MARK_SIZE + 8,
            thickness=2,
            color=BASELINE_COLOUR,
            yOffset=MARK_OFFSET,
        )
        .encode(
            y=_y(),
            x=alt.X("sq:Q", title=None, axis=None, scale=x_scale),
            tooltip=[alt.Tooltip("sq:Q", title="Status quo's score", format=".3f")],
        )
    )
    # Right-aligned when the mark is in the right half, so the label never runs off the edge.
    text = (
        alt.Chart(alt.NamedData(name="baseline"))
        .mark_text(
            baseline="bottom",
            dy=-6,
            fontSize=FONT_SIZE - 1,
            color=INK,
            fontWeight="bold",
            align=alt.ExprRef("scale('x', datum.score) > width / 2 ? 'right' : 'left'"),
        )
        .encode(x=x, y=alt.value(0), text="label:N")
    )
    rule = (
        alt.Chart(alt.NamedData(name="baseline"))
        .mark_rule(color=BASELINE_COLOUR, strokeWidth=2)
        .encode(x=x, y=alt.value(-6), y2=alt.value(0))
    )
    return [ticks, rule, text]


def _with_baseline(
    rows: pd.DataFrame, score: float | None
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The rows with the status quo's score as ``sq`` (for its mark on each bar), and its
    ``baseline`` dataset (for its label); unchanged without a status quo."""
    if score is None:
        return rows, {}
    rows = rows.assign(sq=float(score))
    label = pd.DataFrame({"score": [float(score)], "label": [f"Status quo {score:.3f}"]})
    return rows, {"baseline": label}


def _subtitle(first: str, note: str) -> tuple[str, ...]:
    return (first, note) if note else (first,)


@functools.lru_cache(maxsize=64)
def _contribution_spec(
    criteria: tuple[str, ...], baseline: bool, title: str, subtitle: tuple[str, ...]
) -> Mapping[str, Any]:
    """The stacked ranking chart's spec, which depends only on its structure: built once per
    structure (Altair's building is most of a chart's cost on a slider move)."""
    x_scale = _x_scale(False)
    x = alt.X("sum(contribution):Q", title=None, axis=None, scale=x_scale, stack="zero")
    bars = (
        alt.Chart(alt.NamedData(name="contributions"))
        .mark_bar(height=MARK_SIZE, yOffset=MARK_OFFSET)
        .encode(
            y=_y(),
            x=x,
            color=alt.Color(
                "criterion:N",
                scale=alt.Scale(
                    domain=list(criteria), range=palette(len(criteria), CRITERION_PALETTE)
                ),
                legend=alt.Legend(
                    title="What each criterion adds to the score",
                    orient="top",
                    direction="horizontal",
                    columns=legend_columns(310),
                    labelLimit=alt.ExprRef("min(290, width - 30)"),
                    titleLimit=alt.ExprRef("width"),
                    symbolType="square",
                    columnPadding=14,
                    offset=28,
                ),
            ),
            order=alt.Order("criterion_order:Q"),
            tooltip=[
                alt.Tooltip("label:N", title="Option"),
                alt.Tooltip("criterion:N", title="Criterion"),
                alt.Tooltip("contribution:Q", title="Adds to the score", format=".3f"),
                alt.Tooltip("weight_share:Q", title="Weight share", format=".1%"),
                alt.Tooltip("value:Q", title="Value (0–1)", format=".2f"),
            ],
        )
    )
    line_x = alt.X("score:Q", title=None, axis=None, scale=x_scale)
    names = option_rows(
        "rows",
        y=_y(),
        tooltip=[
            alt.Tooltip("label:N", title="Option"),
            alt.Tooltip("rank:Q", title="Rank"),
            alt.Tooltip("score:Q", title="Score", format=".3f"),
        ],
    )
    layers = [bars, names, _score_text(line_x, ".3f")]
    if baseline:
        layers += _baseline_layers(x_scale)
    chart = finish(
        alt.layer(*layers),
        {},
        title={"text": title, "subtitle": list(subtitle)},
        height=row_axis(),
    )
    return chart.spec


def contribution_chart(
    contrib: pd.DataFrame,
    order: Sequence[str],
    criteria: Sequence[str],
    *,
    baseline_score: float | None = None,
    title: str = CONTRIBUTION_TITLE,
    baselines: Sequence[str] = (),
    ranks: Sequence[int] | None = None,
    note: str = "",
    scores: Sequence[float] | None = None,
) -> Chart:
    """Option rows, each bar stacked by each criterion's weighted contribution.

    ``contrib`` is long (``option``, ``criterion``, ``criterion_order``, ``contribution``,
    ``weight_share``, ``value``); ``order`` lists the option labels to show, best first;
    ``criteria`` the criterion labels in catalog order (colour and stacking order).
    ``baseline_score`` marks the status quo's score on every bar and labels it, so that the
    options that beat it stand out; ``baselines`` are the labels of the status quo's row
    (bold); ``ranks`` the options' ranks (default 1, 2, …); ``scores`` the scores printed at
    the bars' ends (default: the sums of the contributions); ``note`` a line under the title.
    """
    cols = ["option", "criterion", "criterion_order", "contribution", "weight_share", "value"]
    parts = contrib[cols].copy()
    parts = parts[parts["option"].isin(order)]
    totals = parts.groupby("option", sort=False)["contribution"].sum()
    table = pd.DataFrame(
        {
            "label": list(order),
            "rank": list(ranks) if ranks is not None else list(range(1, len(order) + 1)),
            "score": [float(x) for x in scores]
            if scores is not None
            else [float(totals.get(label, 0.0)) for label in order],
            "baseline": [label in set(baselines) for label in order],
        }
    )
    rows, datasets = _with_baseline(_rows(table), baseline_score)
    position = dict(zip(rows["label"], rows["order"], strict=True))
    parts = parts.rename(columns={"option": "label"})
    parts["order"] = parts["label"].map(position).astype(int)
    subtitle = _subtitle(
        "Score: the weighted sum of each criterion's 0–1 value (1 = best on every criterion).",
        note,
    )
    spec = _contribution_spec(tuple(criteria), baseline_score is not None, title, subtitle)
    return Chart(copy.deepcopy(dict(spec)), {"rows": rows, "contributions": parts, **datasets})


@functools.lru_cache(maxsize=64)
def _score_spec(
    negative: bool, baseline: bool, title: str, subtitle: tuple[str, ...]
) -> Mapping[str, Any]:
    """The one-bar-per-option chart's spec (see :func:`_contribution_spec`)."""
    x_scale = _x_scale(negative)
    x = alt.X("score:Q", title=None, axis=None, scale=x_scale)
    bars = (
        alt.Chart(alt.NamedData(name="rows"))
        .mark_bar(height=MARK_SIZE, yOffset=MARK_OFFSET)
        .encode(
            y=_y(),
            x=x,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["Option", "Status quo"], range=[OKABE_ITO[0], "#555555"]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Option"),
                alt.Tooltip("rank:Q", title="Rank"),
                alt.Tooltip("score:Q", title="Score", format=".3f"),
            ],
        )
    )
    layers: list[alt.Chart] = [bars]
    if negative:
        layers.append(
            alt.Chart(alt.NamedData(name="rows"))
            .transform_calculate(zero="0")
            .mark_rule(color=INK, strokeWidth=1)
            .encode(x=alt.X("zero:Q", title=None, axis=None, scale=x_scale))
        )
    layers += [option_rows("rows", y=_y()), _score_text(x, ".3f")]
    if baseline:
        layers += _baseline_layers(x_scale)
    chart = finish(
        alt.layer(*layers),
        {},
        title={"text": title, "subtitle": list(subtitle)},
        height=row_axis(),
    )
    return chart.spec


def score_chart(
    table: pd.DataFrame,
    *,
    method: str,
    title: str = SCORE_TITLE,
    baseline_score: float | None = None,
    note: str = "",
    explain: str = "",
) -> Chart:
    """Option rows with one bar per option: the method's own score (for methods that are not
    additive).

    ``table`` has ``option`` (label), ``score`` and ``baseline``, best first (and ``rank``,
    else 1, 2, …); ``method`` is the method's name; ``explain`` says what the bar shows when it
    is not the method's score as is (VIKOR's 1 − Q); ``note`` is a line under the title.
    """
    data = pd.DataFrame(
        {
            "label": list(table["option"]),
            "rank": list(table["rank"]) if "rank" in table else list(range(1, len(table) + 1)),
            "score": [float(s) for s in table["score"]],
            "baseline": [bool(b) for b in table["baseline"]],
        }
    )
    rows, datasets = _with_baseline(_rows(data), baseline_score)
    rows["kind"] = ["Status quo" if b else "Option" for b in rows["baseline"]]
    low = min([float(rows["score"].min()), baseline_score if baseline_score is not None else 0.0])
    subtitle = _subtitle(explain or f"Score under {method}; higher is better.", note)
    spec = _score_spec(low < 0, baseline_score is not None, title, subtitle)
    return Chart(copy.deepcopy(dict(spec)), {"rows": rows, **datasets})


def option_labels(
    ranking: Ranking, catalog: Catalog, shown: Sequence[int], *, numbered: bool
) -> list[str]:
    """Labels for the options at ``shown`` (indices): the title with the status quo marked,
    ``"1. Title"`` when ``numbered``; the option id is added when two would read the same."""
    labels = []
    for i in shown:
        option = catalog.options_by_id[ranking.option_ids[i]]
        if numbered:
            mark = f" {BASELINE_TEXT}" if option.baseline else ""
            labels.append(f"{int(ranking.ranks[i])}. {option.title}{mark}")
        else:
            labels.append(option_label(option))
    if len(set(labels)) < len(labels):
        labels = [f"{lab} [{ranking.option_ids[i]}]" for lab, i in zip(labels, shown, strict=True)]
    return labels


#: How a method's scores are drawn when they are not drawn as they are: VIKOR's score is −Q
#: (0 at best, −1 at worst), so its bars show 1 − Q, which is longer for a better option.
SHIFTED = {
    "vikor": (
        1.0,
        "Bars show 1 − Q (VIKOR's Q is 0 for the best compromise), so a longer bar is better.",
    )
}


def ranking_chart(
    ranking: Ranking,
    catalog: Catalog,
    *,
    option_ids: Sequence[str] | None = None,
    numbered: bool = False,
    title: str | None = None,
    top: int | None = None,
) -> Chart:
    """A ranking, best at the top: stacked contributions for an additive method, else one bar
    per option with the method's score. ``option_ids`` are the options to show (default: all,
    in the ranking's order); ``top`` keeps the best ``top`` of them (the status quo's line
    stays, wherever it ranks); ``numbered`` puts each option's rank before its title."""
    wanted = None if option_ids is None else set(option_ids)
    candidates = [i for i in ranking.order() if wanted is None or ranking.option_ids[i] in wanted]
    shown = candidates[:top] if top is not None and top > 0 else candidates
    note = top_note(len(shown), len(candidates))
    labels = option_labels(ranking, catalog, shown, numbered=numbered)
    base = [
        i
        for i in range(len(ranking.option_ids))
        if catalog.options_by_id[ranking.option_ids[i]].baseline
    ]
    baseline_score = float(ranking.scores[base[0]]) if base else None
    ranks = [int(ranking.ranks[i]) for i in shown]
    is_base = [catalog.options_by_id[ranking.option_ids[i]].baseline for i in shown]
    if ranking.values is None:
        shift, explain = SHIFTED.get(ranking.method, (0.0, ""))
        table = pd.DataFrame(
            {
                "option": labels,
                "rank": ranks,
                "score": [float(ranking.scores[i]) + shift for i in shown],
                "baseline": is_base,
            }
        )
        return score_chart(
            table,
            method=method_label(ranking.method),
            title=title or SCORE_TITLE,
            baseline_score=None if baseline_score is None else baseline_score + shift,
            note=note,
            explain=explain,
        )
    m = len(ranking.criterion_ids)
    values = ranking.values[shown]
    contrib = pd.DataFrame(
        {
            "option": np.repeat(np.array(labels, dtype=object), m),
            "criterion": np.tile(
                np.array(
                    [criterion_label(catalog, c) for c in ranking.criterion_ids], dtype=object
                ),
                len(shown),
            ),
            "criterion_order": np.tile(np.arange(m), len(shown)),
            "weight_share": np.tile(ranking.weights, len(shown)),
            "value": values.reshape(-1),
            "contribution": (values * ranking.weights[None, :]).reshape(-1),
        }
    )
    return contribution_chart(
        contrib,
        labels,
        [criterion_label(catalog, c) for c in ranking.criterion_ids],
        baseline_score=baseline_score,
        title=title or CONTRIBUTION_TITLE,
        baselines=[lab for lab, b in zip(labels, is_base, strict=True) if b],
        ranks=ranks,
        note=note,
        scores=[float(ranking.scores[i]) for i in shown],
    )


#: Keys that Vega-Lite allows only on the outermost spec.
_TOP_LEVEL_ONLY = ("$schema", "config", "datasets", "padding", "autosize", "background", "usermeta")


def _rename_data(node: Any, rename: Mapping[str, str]) -> None:
    """Point every ``{"data": {"name": X}}`` at ``rename[X]``, in place."""
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and data.get("name") in rename:
            data["name"] = rename[data["name"]]
        for value in node.values():
            _rename_data(value, rename)
    elif isinstance(node, list):
        for value in node:
            _rename_data(value, rename)


def _title(text: str, subtitle: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"text": text, "anchor": "start"}
    if subtitle:
        out["subtitle"] = list(subtitle)
    return out


def stacked(charts: Sequence[Chart], *, title: str, subtitle: Sequence[str] = ()) -> Chart:
    """Several charts one above the other, as one.

    Each part's datasets are renamed ``p<k>-<name>`` so that two charts built by the same
    builder (both reading a dataset called ``scores``) do not share data; the first part's
    configuration applies to the whole; colour scales stay independent. The parts read the
    chart's width from their expressions, so the figure is for a file
    (:meth:`Chart.to_dict` with a width gives them that width as a number).
    """
    parts: list[dict[str, Any]] = []
    datasets: dict[str, pd.DataFrame] = {}
    schema: Any = None
    config: Any = None
    for k, chart in enumerate(charts):
        spec = copy.deepcopy(dict(chart.spec))
        schema = schema or spec.get("$schema")
        config = config or spec.get("config")
        rename = {name: f"p{k}-{name}" for name in chart.datasets}
        for key in _TOP_LEVEL_ONLY:
            spec.pop(key, None)
        _rename_data(spec, rename)
        datasets.update({rename[name]: df for name, df in chart.datasets.items()})
        parts.append(spec)
    out: dict[str, Any] = {}
    if schema:
        out["$schema"] = schema
    out.update(
        {
            "title": _title(title, subtitle),
            "vconcat": parts,
            "spacing": 36,
            "resolve": {"scale": {"color": "independent", "x": "independent", "y": "independent"}},
        }
    )
    if config:
        out["config"] = config
    return Chart(out, datasets)


def rankings_chart(
    rankings: Sequence[tuple[str, Ranking]],
    catalog: Catalog,
    *,
    subtitle: Sequence[str] = (),
    option_ids: Sequence[str] | None = None,
    top: int | None = None,
) -> Chart:
    """Every method's ranking in one figure (``rankings`` are ``(title, ranking)``), one above
    the other, options numbered by rank, the best ``top`` of each when asked, with the
    export's stamp as the subtitle."""
    if len(rankings) == 1:
        name, ranking = rankings[0]
        chart = ranking_chart(
            ranking,
            catalog,
            numbered=True,
            title=f"Ranking: {name}",
            option_ids=option_ids,
            top=top,
        )
        spec = dict(chart.spec)
        own = spec.get("title", {})
        spec["title"] = _title(f"Ranking: {name}", [*own.get("subtitle", []), *subtitle])
        return Chart(spec, chart.datasets)
    parts = [
        ranking_chart(r, catalog, numbered=True, title=name, option_ids=option_ids, top=top)
        for name, r in rankings
    ]
    return stacked(parts, title="Ranking", subtitle=subtitle)
