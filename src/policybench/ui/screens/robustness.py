"""Robustness: how firm is the ranking under the current weights?

- The verdict (:mod:`policybench.ui.components.verdict`): solid, near-tie or fragile, each
  number behind it linked to the section below that shows it.
- One-way sensitivity: one criterion's weight from 0 to 100 % (the others in proportion), with
  the weights at which first place changes hands and the current weight marked.
- Stability intervals: per criterion, how far its weight can move before the top changes.
- What would it take: the nearest weights that put a chosen option first, as a before/after
  of the sliders, with a button that applies them.
- SMAA: rank acceptability over many sampled weights (and, if asked, scores within their
  ranges), with a progress bar; runs on request.

Methods that the engine solves exactly (those linear in the weights: weighted sum, weighted
product, PROMETHEE II) update live; for TOPSIS and VIKOR the slower searches run when asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from policybench import mcda
from policybench.analysis.rank import Ranking, smaa_catalog
from policybench.analysis.whatif import (
    nearest_first,
    sensitivity,
    stability,
)
from policybench.catalog import Catalog
from policybench.present import robustness as present
from policybench.present.charts.robustness import (
    acceptability_chart,
    first_rank_chart,
    sensitivity_chart,
)
from policybench.present.glossary import define
from policybench.present.labels import method_label, option_label, share_label
from policybench.present.robustness import sampled_sentence
from policybench.present.tables import acceptability_long, smaa_summary, smaa_table
from policybench.present.text import streamlit_markdown
from policybench.ui import state
from policybench.ui.cache import by_catalog
from policybench.ui.components import chart, downloads, verdict, weight_controls
from policybench.ui.components.errors import guarded
from policybench.ui.components.text import note

CRITERION_KEY = "pb.robust.criterion"
OPTION_KEY = "pb.robust.option"
SAMPLES_KEY = "pb.robust.samples"
UNCERTAIN_KEY = "pb.robust.uncertain"
REQUESTED = "pb.robust.requested"
SMAA_RESULTS = "pb.robust.smaa"
SPREAD_KEY = "pb.robust.spread"
KEEP_RESULTS = 4
#: How far SMAA's drawn weight shares may stray from the current ones, and the whole space.
DELTAS = (0.05, 0.1, 0.2, 0.3)
WHOLE = "whole"
#: Anchors of the sections (the verdict's links and the "Skip to results" link lead here).
RESULTS = "results"
SENSITIVITY = "one-criterion"
STABILITY = "stability"
WHAT_IT_TAKES = "what-would-it-take"
SMAA = "smaa"


_sensitivity = by_catalog(max_entries=128)(sensitivity)
_nearest_first = by_catalog(max_entries=64)(nearest_first)


@by_catalog(max_entries=64)
def _stability(
    catalog: Catalog, weights: dict[str, float], method: str, options: tuple[str, ...]
) -> pd.DataFrame:
    return present.stability_table(catalog, stability(catalog, weights, method, options=options))


def _on_demand(label: str, key: tuple[Any, ...], method: str, compute: Callable[[], Any]) -> Any:
    """Compute now for exact methods (or once asked); otherwise offer a button."""
    requested: set[tuple[Any, ...]] = st.session_state.setdefault(REQUESTED, set())
    if not mcda.METHODS[method].linear_in_weights and key not in requested:
        if not st.button(label, key=f"pb.robust.ask.{key[0]}"):
            note(f"For {method_label(method)} this is a numerical search that takes a few seconds.")
            return None
        requested.add(key)
    with st.spinner("Working…"):
        return compute()


def _sensitivity_section(catalog: Catalog, weights: dict[str, float], method: str) -> None:
    st.header("What if one criterion mattered more or less?", anchor=SENSITIVITY)
    names = {c.id: c.name for c in catalog.criteria}
    criterion = st.selectbox(
        "Criterion", list(names), key=CRITERION_KEY, format_func=names.__getitem__
    )
    sens = _sensitivity(
        catalog, weights, method, criterion, options=state.selection(catalog).options
    )
    name = catalog.criteria_by_id[criterion].name
    changes = present.first_place_changes(catalog, sens)
    chart.show(
        sensitivity_chart(
            present.sweep_lines(catalog, sens),
            criterion=name,
            current=sens.current,
            break_even=changes,
        )
    )
    if len(changes):
        lines = [
            f"- at {share_label(w)}: {streamlit_markdown(label)}"
            for w, label in zip(changes["weight"], changes["label"], strict=True)
        ]
        st.markdown(
            f"First place changes hands (dashed lines) as the weight of {streamlit_markdown(name)} moves "
            f"from its current {share_label(sens.current)}:\n" + "\n".join(lines)
        )
    else:
        st.markdown(f"First place does not change at any weight of {streamlit_markdown(name)}.")
    note(
        f"The other weights keep their proportions. Lines show the current top options and any option "
        f"that is first somewhere; {sens.crossings} pairs of options swap places along the way."
    )


def _stability_section(catalog: Catalog, weights: dict[str, float], method: str) -> None:
    st.header("Stability intervals", anchor=STABILITY, help=define("stability"))
    note(
        "How far each criterion's weight can move (the others in proportion) before the top "
        "option, or any place in the ranking, changes. Weights are shares of the total, in %."
    )
    table = _on_demand(
        "Compute stability intervals",
        ("stability", catalog.fingerprint, state.key_of(weights)),
        method,
        lambda: _stability(catalog, weights, method, state.selection(catalog).options),
    )
    if table is None:
        return
    pct = "%.1f %%"
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "criterion": st.column_config.TextColumn("Criterion", width="medium"),
            "weight": st.column_config.NumberColumn("Weight now", format=pct),
            "top_from": st.column_config.NumberColumn("Top stays first from", format=pct),
            "top_to": st.column_config.NumberColumn("… to", format=pct),
            "ranking_from": st.column_config.NumberColumn("Whole ranking holds from", format=pct),
            "ranking_to": st.column_config.NumberColumn("… to ", format=pct),
            "top": st.column_config.TextColumn("First now", width="large"),
        },
    )


def _apply(catalog: Catalog, after: dict[str, float]) -> None:
    state.set_weights(catalog, after)


def _what_it_takes_section(
    catalog: Catalog,
    weights: dict[str, float],
    method: str,
    ranking: Ranking,
    first_rival: str | None = None,
) -> None:
    """``first_rival``: the option the verdict's smallest shift puts level first, chosen at
    first so that the section shows the very shift the verdict quotes."""
    st.header("What would it take?", anchor=WHAT_IT_TAKES, help=define("shift"))
    note(
        "The smallest shift of the weights that puts an option first (ties at first count as first)."
    )
    ranks = ranking.rank_map
    order = [ranking.option_ids[i] for i in ranking.order()]
    labels = {o: option_label(catalog.options_by_id[o]) for o in order}
    if OPTION_KEY not in st.session_state or st.session_state[OPTION_KEY] not in labels:
        behind = [o for o in order if ranks[o] > 1]
        if first_rival in labels and ranks[first_rival] > 1:
            behind.insert(0, first_rival)
        st.session_state[OPTION_KEY] = behind[0] if behind else order[0]
    option = st.selectbox(
        "Option", order, key=OPTION_KEY, format_func=lambda o: f"{ranks[o]}. {labels[o]}"
    )
    top, step = state.slider_max(catalog), state.slider_step(catalog)
    res = _on_demand(
        "Find the nearest weights",
        ("what", catalog.fingerprint, state.key_of(weights), option),
        method,
        lambda: _nearest_first(
            catalog,
            weights,
            method,
            option,
            maximum=top,
            step=step,
            options=state.selection(catalog).options,
        ),
    )
    if res is None:
        return
    if not res.feasible:
        st.warning(streamlit_markdown(present.no_weights_sentence(catalog, res)))
        return
    if res.already_first:
        st.success("This option is already first under the current weights.")
        return
    st.markdown(
        f"Moving {share_label(res.moved)} of the total weight between criteria puts "
        f"{streamlit_markdown(labels[option])} first"
        + ("." if res.outright else " (level with the leader, at the sliders' steps).")
    )
    st.dataframe(
        present.nearest_weights_table(catalog, res),
        hide_index=True,
        width="stretch",
        column_config={
            "criterion": st.column_config.TextColumn("Criterion", width="medium"),
            "now": st.column_config.NumberColumn("Slider now", format="%g"),
            "after": st.column_config.NumberColumn("Slider after", format="%g"),
            "now_share": st.column_config.NumberColumn("Share now", format="%.1f %%"),
            "after_share": st.column_config.NumberColumn("Share after", format="%.1f %%"),
            "change": st.column_config.NumberColumn("Change (points of %)", format="%+.1f"),
        },
    )
    st.button(
        "Apply these weights to the sliders",
        on_click=_apply,
        args=(catalog, res.after),
        type="primary",
        key="pb.robust.apply",
    )


@st.fragment
@guarded
def _smaa_section(catalog: Catalog, weights: dict[str, float], method: str) -> None:
    """A fragment of its own: pressing Run (or changing the samples) reruns only this
    section, not the sweeps and stability intervals above it."""
    st.header("Many weights at once (SMAA)", anchor=SMAA, help=define("smaa"))
    note(
        "Draws many weight profiles (and, if asked, each score anywhere within its range) and "
        "counts how often each option takes each rank: around the current weights, to see how "
        "firm this perspective's ranking is, or over every possible weighting."
    )
    st.session_state.setdefault(SPREAD_KEY, DELTAS[1])
    spread = st.select_slider(
        "Weights drawn",
        options=[*DELTAS, WHOLE],
        key=SPREAD_KEY,
        format_func=lambda d: (
            "every possible weighting" if d == WHOLE else f"±{d:g} around the current weights"
        ),
        help="How far each drawn weight share may stray from the current one; the last step "
        "draws from every possible weighting, whatever the current weights.",
    )
    delta = None if spread == WHOLE else float(spread)
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    st.session_state.setdefault(SAMPLES_KEY, 10_000)
    samples = c1.select_slider(
        "Samples", options=list(state.SAMPLES), key=SAMPLES_KEY, format_func=lambda n: f"{n:,}"
    )
    uncertain = c2.checkbox(
        "Include score uncertainty",
        key=UNCERTAIN_KEY,
        help="Draw each score within its low–high range too (much slower).",
    )
    run = c3.button("Run", type="primary", key="pb.robust.run", width="stretch")
    options = state.selection(catalog).options
    key = (
        catalog.fingerprint,
        method,
        int(samples),
        bool(uncertain),
        delta,
        state.key_of(weights) if delta is not None else None,
        options,
    )
    results: dict[tuple[Any, ...], Any] = st.session_state.setdefault(SMAA_RESULTS, {})
    if run:
        bar = st.progress(0.0, text="Sampling…")

        def progress(fraction: float) -> None:
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=f"Sampling… {fraction:.0%}")

        result = smaa_catalog(
            catalog,
            weights,
            method=method,
            samples=int(samples),
            uncertain_scores=bool(uncertain),
            delta=delta,
            options=options,
            progress=progress,
        )
        bar.empty()
        results[key] = smaa_table(result, result.option_ids, catalog)
        while len(results) > KEEP_RESULTS:
            results.pop(next(iter(results)))
    if key not in results:
        st.info("Choose the number of samples and press Run.")
        return
    table = results[key]
    st.markdown(streamlit_markdown(sampled_sentence(delta, int(samples), bool(uncertain))))
    summary = smaa_summary(table, catalog)  # by expected rank, with the options' labels
    by_expected = table.set_index("option").loc[summary["option"]].reset_index()
    labels = list(summary["label"])
    chart.show(first_rank_chart(pd.DataFrame({"option": labels, "share": summary["first"]})))
    chart.show(acceptability_chart(acceptability_long(by_expected, labels), labels))


@st.fragment
@guarded
def body() -> None:
    view = weight_controls.ranked_view(results=RESULTS)
    if view is None:
        return
    catalog, weights, method, ranking = view
    note(f"Under the current weights and {streamlit_markdown(method_label(method))}.")
    found = state.verdict(catalog, weights, method)
    verdict.show(catalog, found, here="robustness", anchor=RESULTS)
    for section in (
        lambda: _sensitivity_section(catalog, weights, method),
        lambda: _stability_section(catalog, weights, method),
        lambda: _what_it_takes_section(catalog, weights, method, ranking, found.shift_to),
        lambda: _smaa_section(catalog, weights, method),
    ):
        guarded(section)()
        st.divider()
    downloads.show(catalog, weights, method, key="pb.robust.downloads")


def main() -> None:
    st.title("How robust is the ranking?", anchor=False)
    body()


if __name__ == "__main__":
    main()
