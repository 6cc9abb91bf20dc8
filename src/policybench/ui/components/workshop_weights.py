"""A participant's weight controls: sliders, a ranking of the criteria, or AHP pairwise
comparisons, plus an optional short reason per criterion.

Owns the widget keys under ``<key>.`` (``mode``, ``w.<criterion>``, ``r.<criterion>``,
``ahp.<a>.<b>``, ``why.<criterion>``). :func:`seed` fills them once from a stored submission;
:func:`show` draws them and returns the weights they give. The arithmetic (rank-order
centroid, AHP, shares) is in :mod:`policybench.workshop_views` and :mod:`policybench.views`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import streamlit as st

from policybench import mcda, views
from policybench import workshop_views as wv
from policybench.catalog import Catalog
from policybench.errors import PolicybenchError
from policybench.store.workshops import REASON_MAX
from policybench.ui.components.text import label_text, md_escape, note

MODES = {
    "sliders": "Sliders",
    "rank": "Rank the criteria",
    "ahp": "Compare them in pairs (AHP)",
}
SLIDER_MAX = 10.0
STEP = 1.0
ZERO = "All weights are zero: give at least one criterion some weight."


@dataclass(frozen=True)
class Entry:
    """What the controls say: ``weights`` to submit (None when they cannot be used, with the
    reason in ``problem``), the reasons given, and the mode used."""

    mode: str
    weights: dict[str, float] | None
    reasons: dict[str, str] = field(default_factory=dict)
    problem: str | None = None


def seed(
    key: str,
    criterion_ids: Sequence[str],
    weights: Mapping[str, float] | None,
    reasons: Mapping[str, str] | None,
) -> None:
    """Set the controls from a stored submission (or the defaults: every slider midway)."""
    points = (
        wv.slider_points(weights, criterion_ids, maximum=SLIDER_MAX, step=STEP)
        if weights
        else {c: SLIDER_MAX / 2 for c in criterion_ids}
    )
    order = mcda.rank([points[c] for c in criterion_ids])
    st.session_state[f"{key}.mode"] = "sliders"
    for c, r in zip(criterion_ids, order, strict=True):
        st.session_state[f"{key}.w.{c}"] = points[c]
        st.session_state[f"{key}.r.{c}"] = int(r)
        st.session_state[f"{key}.why.{c}"] = str((reasons or {}).get(c, ""))
    for a, b in combinations(criterion_ids, 2):
        st.session_state[f"{key}.ahp.{a}.{b}"] = 0


#: What can start Markdown in a one-line widget label (Streamlit renders labels as Markdown:
#: emphasis, code, links, images, HTML, colour directives, emoji codes, maths, autolinks).
def _say(value: object, *, first: str, second: str) -> str:
    return wv.judgement_label(int(str(value)), first, second)


def _name(catalog: Catalog, cid: str) -> str:
    return views.criterion_label(catalog, cid)


def _share(where: st.delta_generator.DeltaGenerator, share: float | None) -> None:
    where.markdown(f"**{views.share_label(share)}**")


def _sliders(catalog: Catalog, crits: Sequence[str], key: str, disabled: bool) -> Entry:
    values = {c: float(st.session_state.get(f"{key}.w.{c}", SLIDER_MAX / 2)) for c in crits}
    shares = views.weight_shares(values, crits)
    for c in crits:
        left, right = st.columns([5, 1], vertical_alignment="bottom")
        crit = catalog.criteria_by_id[c]
        left.slider(
            label_text(_name(catalog, c)),
            min_value=0.0,
            max_value=SLIDER_MAX,
            step=STEP,
            key=f"{key}.w.{c}",
            format="%g",
            help=md_escape(crit.description),
            disabled=disabled,
        )
        _share(right, None if shares is None else shares[c])
    values = {c: float(st.session_state[f"{key}.w.{c}"]) for c in crits}
    if views.all_zero(values):
        return Entry("sliders", None, problem=ZERO)
    return Entry("sliders", values)


def _ranking(catalog: Catalog, crits: Sequence[str], key: str, disabled: bool) -> Entry:
    note(
        "Give each criterion its place, 1 for the most important; criteria may share a place. "
        "The weights follow by the rank-order centroid."
    )
    ranks = {c: int(st.session_state.get(f"{key}.r.{c}", 1)) for c in crits}
    weights = wv.roc_weights(crits, ranks)
    places = list(range(1, len(crits) + 1))
    for c in crits:
        left, right = st.columns([5, 1], vertical_alignment="bottom")
        left.selectbox(
            label_text(_name(catalog, c)),
            places,
            key=f"{key}.r.{c}",
            format_func=lambda r: f"place {r}",
            disabled=disabled,
        )
        _share(right, weights[c])
    ranks = {c: int(st.session_state[f"{key}.r.{c}"]) for c in crits}
    return Entry("rank", wv.roc_weights(crits, ranks))


def _pairs(catalog: Catalog, crits: Sequence[str], key: str, disabled: bool) -> Entry:
    note(
        "For each pair, say which criterion matters more and by how much (Saaty's scale: 1 "
        "equal, 3 moderately, 5 strongly, 7 very strongly, 9 extremely more important)."
    )
    top = wv.SAATY_MAX - 1
    scale = list(range(top, -top - 1, -1))  # left end: the first criterion much more important
    for a, b in combinations(crits, 2):
        na, nb = _name(catalog, a), _name(catalog, b)
        st.select_slider(
            f"{label_text(na)} or {label_text(nb)}?",
            options=scale,
            key=f"{key}.ahp.{a}.{b}",
            format_func=functools.partial(_say, first=na, second=nb),
            disabled=disabled,
        )
    judgements = {
        (a, b): int(st.session_state[f"{key}.ahp.{a}.{b}"]) for a, b in combinations(crits, 2)
    }
    try:
        res = wv.ahp_weights(crits, judgements)
    except PolicybenchError as exc:  # pragma: no cover - the scale only offers valid values
        return Entry("ahp", None, problem=str(exc))
    shares = "; ".join(
        f"{_name(catalog, c)} {views.share_label(w)}" for c, w in res.weights.items()
    )
    st.markdown(f"Weights from your comparisons: {md_escape(shares)}")
    if res.consistent:
        st.success(
            f"Consistency ratio {res.cr:.2f}: consistent enough (Saaty's threshold is 0.10)."
        )
    else:
        worst = ""
        if res.worst is not None:
            worst = (
                f" Revisit first your comparison of {md_escape(_name(catalog, res.worst[0]))} "
                f"with {md_escape(_name(catalog, res.worst[1]))}: it fits least with the others."
            )
        st.warning(
            f"Consistency ratio {res.cr:.2f}, above Saaty's threshold of 0.10: some of your "
            f"comparisons contradict each other.{worst} You can still submit."
        )
    return Entry("ahp", res.weights)


def show(
    catalog: Catalog, criterion_ids: Sequence[str], *, key: str, disabled: bool = False
) -> Entry:
    """Draw the controls; return what they give (see :class:`Entry`)."""
    crits = list(criterion_ids)
    # Streamlit forgets the value of a widget that is not drawn in a run: keep the controls of
    # the modes not shown (and of a page drawn read-only) by handing their values back.
    owned = tuple(f"{key}.{part}" for part in ("mode", "w.", "r.", "why.", "ahp."))
    for k in [k for k in st.session_state if str(k).startswith(owned)]:
        st.session_state[k] = st.session_state[k]
    st.session_state.setdefault(f"{key}.mode", "sliders")
    mode = st.radio(
        "How do you want to set your weights?",
        list(MODES),
        key=f"{key}.mode",
        format_func=MODES.__getitem__,
        horizontal=True,
        disabled=disabled,
    )
    if mode not in MODES:
        mode = "sliders"
    draw = {"sliders": _sliders, "rank": _ranking, "ahp": _pairs}[mode]
    entry = draw(catalog, crits, key, disabled)
    with st.expander("Reasons (optional): why does a criterion matter to you?"):
        note(
            f"A short reason (at most {REASON_MAX} characters) for any criterion. The "
            "facilitator sees them beside the spread of the group's weights."
        )
        for c in crits:
            st.text_input(
                label_text(_name(catalog, c)),
                key=f"{key}.why.{c}",
                max_chars=REASON_MAX,
                disabled=disabled,
            )
    reasons = {
        c: str(st.session_state.get(f"{key}.why.{c}", "")).strip()
        for c in crits
        if str(st.session_state.get(f"{key}.why.{c}", "")).strip()
    }
    return Entry(entry.mode, entry.weights, reasons, entry.problem)
