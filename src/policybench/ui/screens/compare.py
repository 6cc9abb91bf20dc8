"""Compare: two perspectives side by side, options head to head, and every method at once.

- Two weight profiles (the current weights or any preset) with a slope chart of rank shifts.
  The page opens on two different ones: the current weights (named after their preset when
  they are one) against the first preset that differs from them.
- Two or three options criterion by criterion, with each score's range.
- All aggregation methods side by side, with Kendall's tau between their rankings.

Every ranking here is of the options in play on every page (the default set or all, screened:
:func:`policybench.ui.state.selection`). The choices live in the address, so a copied link
reopens the same comparison: ``left`` and ``right`` (``current`` or a preset id) and ``h2h``
(option ids, comma-separated); what a link gives that does not fit the catalog is ignored and
said so. The comparison has its own download (:func:`policybench.ui.components.downloads.
show_compare`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from policybench.analysis.rank import Ranking, compare_methods
from policybench.catalog import Catalog
from policybench.export.compare import Perspective
from policybench.export.stamp import describe_weights
from policybench.present import compare
from policybench.present.charts.compare import head_to_head_chart, slope_chart, tau_chart
from policybench.present.labels import method_label, option_label
from policybench.present.text import streamlit_markdown
from policybench.ui import state
from policybench.ui.cache import by_catalog
from policybench.ui.components import chart, downloads, weight_controls
from policybench.ui.components.errors import guarded
from policybench.ui.components.text import note

CURRENT = "current"
LEFT_KEY = "pb.compare.left"
RIGHT_KEY = "pb.compare.right"
OPTIONS_KEY = "pb.compare.options"
#: The address's keys for this page's choices.
LEFT_PARAM, RIGHT_PARAM, H2H_PARAM = "left", "right", "h2h"
#: The page's choices, kept apart from its widgets (whose state Streamlit drops on other pages).
CHOICES = "pb.compare.choices"


_shift = by_catalog(max_entries=64)(compare.rank_shift)


@by_catalog(max_entries=64)
def _agreement(
    catalog: Catalog, weights: dict[str, float], options: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    agreement = compare_methods(catalog, weights, options=options)
    return compare.method_ranks(catalog, agreement), compare.tau_matrix(agreement)


def _same(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Whether two weightings give the same shares (so the same ranking)."""
    ta, tb = sum(a.values()), sum(b.values())
    if ta <= 0 or tb <= 0:
        return ta == tb
    return all(abs(a.get(c, 0.0) / ta - b.get(c, 0.0) / tb) < 1e-9 for c in {*a, *b})


def _weights_of(catalog: Catalog, side: str, weights: dict[str, float]) -> dict[str, float]:
    return dict(weights) if side == CURRENT else state.preset_weights(catalog, side)


def other_side(catalog: Catalog, weights: dict[str, float], not_like: str = CURRENT) -> str:
    """The first preset whose weights differ from ``not_like``'s (the current weights by
    default); :data:`CURRENT` when every preset has the same weights."""
    avoid = _weights_of(catalog, not_like, weights)
    for p in catalog.presets:
        if not _same(state.preset_weights(catalog, p.id), avoid):
            return p.id
    return CURRENT


def _choices(catalog: Catalog, weights: dict[str, float], sides: list[str]) -> dict[str, object]:
    """The page's choices (kept under :data:`CHOICES`, which outlives the widgets when the
    user visits another page): from the address when it names them (each checked against the
    catalog; what does not fit is ignored and said so), else what was chosen before, else the
    current weights against the first preset that differs from them. A right side the user
    did not choose moves on when the sidebar's weights come to equal it."""
    qp = st.query_params
    url = (qp.get(LEFT_PARAM), qp.get(RIGHT_PARAM), qp.get(H2H_PARAM))
    stored = st.session_state.get(CHOICES)
    if stored is None:
        stored = {"left": CURRENT, "right": None, "h2h": None, "chosen": False, "url": None}
    if stored["url"] != url and any(url):
        notes: list[str] = []
        for param, given in ((LEFT_PARAM, url[0]), (RIGHT_PARAM, url[1])):
            if given is None:
                continue
            if given in sides:
                stored["left" if param == LEFT_PARAM else "right"] = given
                stored["chosen"] = stored["chosen"] or param == RIGHT_PARAM
            else:
                notes.append(
                    f"{param}: unknown “{given}”; choose {CURRENT} or one of the presets "
                    f"({', '.join(p.id for p in catalog.presets)})"
                )
        if url[2]:
            ids = [o for o in (x.strip() for x in url[2].split(",")) if o]
            unknown = [o for o in ids if o not in catalog.options_by_id]
            known = list(dict.fromkeys(o for o in ids if o in catalog.options_by_id))[:3]
            if unknown:
                notes.append(f"{H2H_PARAM}: unknown " + ", ".join(f"“{o}”" for o in unknown))
            if known:
                stored["h2h"] = known
        if notes:
            lines = "\n".join(f"- {streamlit_markdown(n)}" for n in notes)
            st.warning(
                "Some settings in the link could not be used, so they were ignored:\n\n" + lines
            )
    left = str(stored["left"])
    right = stored["right"]
    if right is None or (
        not stored["chosen"]
        and _same(_weights_of(catalog, str(right), weights), _weights_of(catalog, left, weights))
    ):
        stored["right"] = other_side(catalog, weights, left)
    st.session_state[CHOICES] = stored
    return dict(stored)


def _on_side(side: str, key: str) -> None:
    stored = st.session_state[CHOICES]
    stored[side] = st.session_state[key]
    stored["chosen"] = stored["chosen"] or side == "right"
    _write_url()


def _on_options() -> None:
    st.session_state[CHOICES]["h2h"] = list(st.session_state[OPTIONS_KEY])
    _write_url()


def _write_url() -> None:
    """The page's choices into the address (beside the sidebar's weights and method), so a
    copied link reopens the same comparison."""
    stored = st.session_state.get(CHOICES)
    if stored is None:
        return
    qp = st.query_params
    want = {
        LEFT_PARAM: str(stored["left"]),
        RIGHT_PARAM: str(stored["right"]),
        H2H_PARAM: ",".join(stored["h2h"] or []),
    }
    for k, v in want.items():
        if v and qp.get(k) != v:
            qp[k] = v
        elif not v and k in qp:
            del qp[k]
    stored["url"] = (want[LEFT_PARAM], want[RIGHT_PARAM], want[H2H_PARAM] or None)


def _perspective(catalog: Catalog, side: str, weights: dict[str, float]) -> Perspective:
    """A side as a perspective: a preset, or the current weights (named after their preset
    when they are one)."""
    if side == CURRENT:
        preset = state.matching_preset(catalog, weights)
        preset_id = None if preset == state.CUSTOM else preset
        name, key = describe_weights(catalog, "current weights", preset_id)
        return Perspective(name, key, dict(weights), preset_id)
    name, key = describe_weights(catalog, side, side)
    return Perspective(name, key, state.preset_weights(catalog, side), side)


def _profiles(
    catalog: Catalog, weights: dict[str, float], method: str, options: tuple[str, ...]
) -> tuple[Perspective, Perspective] | None:
    st.header("Two perspectives side by side", anchor=False)
    current = state.matching_preset(catalog, weights)
    current_name = (
        "Current weights"
        if current == state.CUSTOM
        else f"Current weights ({catalog.presets_by_id[current].name})"
    )
    names = {CURRENT: current_name, **{p.id: p.name for p in catalog.presets}}
    choices = list(names)
    chosen = _choices(catalog, weights, choices)
    st.session_state[LEFT_KEY] = chosen["left"]
    st.session_state[RIGHT_KEY] = chosen["right"]
    c1, c2 = st.columns(2)
    left = c1.selectbox(
        "Left",
        choices,
        key=LEFT_KEY,
        format_func=names.__getitem__,
        on_change=_on_side,
        args=("left", LEFT_KEY),
    )
    right = c2.selectbox(
        "Right",
        choices,
        key=RIGHT_KEY,
        format_func=names.__getitem__,
        on_change=_on_side,
        args=("right", RIGHT_KEY),
    )
    sides = (_perspective(catalog, left, weights), _perspective(catalog, right, weights))
    if _same(sides[0].weights, sides[1].weights):
        st.info(
            "These two are the same weights: pick two different profiles to see how the "
            "ranking shifts between them."
        )
        return None
    profiles = [(names[p], s.weights) for p, s in zip((left, right), sides, strict=True)]
    shift = _shift(catalog, profiles, method, options=options)
    chart.show(slope_chart(shift, title=f"Ranks: {names[left]} against {names[right]}"))
    with st.expander("The same as a table"):
        st.dataframe(
            compare.shift_table(shift).drop(columns="option_id"),
            hide_index=True,
            width="stretch",
            column_config={
                "option": st.column_config.TextColumn("Option", width="large"),
                "change": st.column_config.TextColumn("Change"),
            },
        )
    return sides


def _head_to_head(catalog: Catalog, ranking: Ranking) -> list[str]:
    st.header("Options head to head", anchor=False)
    labels = {o.id: option_label(o) for o in catalog.options}
    stored = st.session_state[CHOICES]
    if not stored["h2h"]:
        stored["h2h"] = [ranking.option_ids[i] for i in ranking.order()[:2]]
    st.session_state[OPTIONS_KEY] = list(stored["h2h"])
    chosen = st.multiselect(
        "Two or three options",
        list(labels),
        max_selections=3,
        key=OPTIONS_KEY,
        format_func=labels.__getitem__,
        on_change=_on_options,
    )
    if len(chosen) < 2:
        st.info("Pick at least two options to compare them criterion by criterion.")
        return list(chosen)
    h2h = compare.head_to_head(catalog, chosen)
    chart.show(head_to_head_chart(h2h))
    with st.expander("Scores with their ranges, as a table"):
        st.dataframe(compare.head_to_head_table(h2h), hide_index=True, width="stretch")
    return list(chosen)


def _methods(catalog: Catalog, weights: dict[str, float], options: tuple[str, ...]) -> None:
    st.header("Every method side by side", anchor="every-method")
    note(
        "The same weights, combined five ways. Kendall's tau compares two rankings: 1 means the "
        "same order, 0 no relation, −1 the reverse."
    )
    table, tau = _agreement(catalog, weights, options)
    chart.show(tau_chart(tau))
    with st.expander("Every method's ranks, as a table", expanded=True):
        st.dataframe(
            table.drop(columns="option_id"),
            hide_index=True,
            width="stretch",
            height=min(35 * (len(table) + 1) + 3, 720),
            column_config={"option": st.column_config.TextColumn("Option", width="large")},
        )


@st.fragment
@guarded
def body() -> None:
    view = weight_controls.ranked_view()
    if view is None:
        return
    catalog, weights, method, ranking = view
    options = state.selection(catalog).options
    note(f"Ranks use the method chosen in the sidebar: {streamlit_markdown(method_label(method))}.")
    sides = _profiles(catalog, weights, method, options)
    chosen = _head_to_head(catalog, ranking)
    _methods(catalog, weights, options)
    _write_url()
    if sides is not None:
        downloads.show_compare(
            catalog,
            sides,
            method,
            head_to_head=chosen if len(chosen) >= 2 else (),
            methods_under=_perspective(catalog, CURRENT, weights),
            key="pb.compare.downloads",
        )


def main() -> None:
    st.title("Compare", anchor=False)
    body()


if __name__ == "__main__":
    main()
