"""A participant's weight controls: sliders, a ranking of the criteria, or AHP pairwise
comparisons, plus an optional short reason per criterion.

The sliders use the Rank page's scale (:func:`policybench.ui.state.slider_max` and
:func:`~policybench.ui.state.slider_step`: 0–20 in steps of 1 for the shipped catalog), so a
weight means the same on both pages. "Rank the criteria" starts with every criterion
unplaced and says which still are: a criterion left alone must not get the top weight by
default, so the ranking gives weights only once every criterion has a place.

What the controls say is kept in one :class:`Values` under ``<key>.values`` in the session,
filled by :func:`seed` from a stored submission and updated from each widget as it is drawn;
the widgets (keys ``<key>.mode``, ``<key>.w.<criterion>``, ``<key>.r.<criterion>``,
``<key>.ahp.<a>.<b>``, ``<key>.why.<criterion>``) take their value from it. So a mode not on
screen keeps its values (Streamlit forgets a widget that is not drawn) without keeping
dozens of widget keys alive, which would make every widget on the page slower to draw.

:func:`show` draws the mode picker and that mode's controls, :func:`show_reasons` the
reasons, :func:`current` reads what they give without drawing anything. The arithmetic
(rank-order centroid, AHP, shares) is in :mod:`policybench.analysis.weights`.

A seed must reach the browser, not only the server: Streamlit's frontend keeps showing its
own value for a widget drawn again under the same id unless the server sets the widget's
state. So :func:`seed` sets the state of the widgets a seed draws (the mode, the sliders,
the reasons) rather than deleting it, and those widgets are drawn without a default, their
state given from :class:`Values` when Streamlit holds none (a widget drawn with a default
and a state set in the same run makes Streamlit warn). Without it, a round opened within
one of the page's watches would show the previous round's unsaved slider positions while
the page ranked the new round's starting weights.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import streamlit as st

from policybench.analysis.weights import (
    SAATY_MAX,
    PairwiseWeights,
    ahp_weights,
    roc_weights,
    shares,
    slider_points,
)
from policybench.catalog import Catalog
from policybench.errors import PolicybenchError
from policybench.present.labels import criterion_label, share_label
from policybench.present.text import streamlit_markdown, widget_label
from policybench.present.workshop import judgement_label
from policybench.store.workshops import REASON_MAX
from policybench.ui import state
from policybench.ui.components.text import note

MODES = {
    "sliders": "Sliders",
    "rank": "Rank the criteria",
    "ahp": "Compare them in pairs (AHP)",
}
ZERO = "All weights are zero: give at least one criterion some weight."


@dataclass(frozen=True)
class Entry:
    """What the controls say: ``weights`` to submit (None when they cannot be used, with the
    reason in ``problem``), the reasons given, and the mode used."""

    mode: str
    weights: dict[str, float] | None
    reasons: dict[str, str] = field(default_factory=dict)
    problem: str | None = None


@dataclass
class Values:
    """The controls' values, for every mode: slider points (on 0–``maximum`` in ``step``s),
    places (None: not placed yet), AHP judgements, reasons."""

    mode: str
    points: dict[str, float]
    places: dict[str, int | None]
    pairs: dict[tuple[str, str], int]
    reasons: dict[str, str]
    maximum: float = state.SLIDER_MAX
    step: float = 1.0


def _values_key(key: str) -> str:
    return f"{key}.values"


def scale(catalog: Catalog) -> tuple[float, float]:
    """The sliders' top and step: the Rank page's, so a weight reads the same on both."""
    return state.slider_max(catalog), state.slider_step(catalog)


def seed(
    key: str,
    criterion_ids: Sequence[str],
    weights: Mapping[str, float] | None,
    reasons: Mapping[str, str] | None,
    *,
    maximum: float = state.SLIDER_MAX,
    step: float = 1.0,
) -> None:
    """Set the controls from a stored submission (or the defaults: every slider midway,
    every criterion unplaced), in the session and in the browser: call it before the
    controls are drawn in the run."""
    points = (
        slider_points(weights, criterion_ids, maximum=maximum, step=step)
        if weights
        else {c: maximum / 2 for c in criterion_ids}
    )
    v = Values(
        mode="sliders",
        points={c: float(points[c]) for c in criterion_ids},
        places=dict.fromkeys(criterion_ids),
        pairs={pair: 0 for pair in combinations(criterion_ids, 2)},
        reasons={c: str((reasons or {}).get(c, "")) for c in criterion_ids},
        maximum=maximum,
        step=step,
    )
    st.session_state[_values_key(key)] = v
    # the other modes' widgets are not drawn under "sliders": they start from Values when
    # next drawn (and leave the browser's page, with what it showed, in this run)
    others = (f"{key}.r.", f"{key}.ahp.")
    for k in [k for k in st.session_state if str(k).startswith(others)]:
        del st.session_state[k]
    # set, not deleted: the browser shows a widget's set state, but keeps its own value for
    # a widget drawn again under the same id with only a default
    st.session_state[f"{key}.mode"] = v.mode
    for c in criterion_ids:
        st.session_state[f"{key}.w.{c}"] = min(v.points[c], v.maximum)
        st.session_state[f"{key}.why.{c}"] = v.reasons[c]


def _given(widget: str, value: object) -> None:
    """Give the widget ``widget`` its value from :class:`Values` when Streamlit holds none
    (its first draw, or the first after a run without it); it is then drawn without a
    default."""
    if widget not in st.session_state:
        st.session_state[widget] = value


def _values(key: str, criterion_ids: Sequence[str], catalog: Catalog | None = None) -> Values:
    found = st.session_state.get(_values_key(key))
    if not isinstance(found, Values):
        top, step = scale(catalog) if catalog is not None else (state.SLIDER_MAX, 1.0)
        seed(key, criterion_ids, None, None, maximum=top, step=step)
        found = st.session_state[_values_key(key)]
    return found


def _say(value: object, *, first: str, second: str) -> str:
    return judgement_label(int(str(value)), first, second)


def _name(catalog: Catalog, cid: str) -> str:
    return criterion_label(catalog, cid)


def _share(where: st.delta_generator.DeltaGenerator, share: float | None) -> None:
    where.markdown(f"**{share_label(share)}**")


def _sliders(catalog: Catalog, crits: Sequence[str], key: str, v: Values, disabled: bool) -> Entry:
    for c in crits:
        crit = catalog.criteria_by_id[c]
        _given(f"{key}.w.{c}", min(v.points[c], v.maximum))
        v.points[c] = float(
            st.slider(
                widget_label(_name(catalog, c)),
                min_value=0.0,
                max_value=v.maximum,
                step=v.step,
                key=f"{key}.w.{c}",
                format="%g",
                help=streamlit_markdown(crit.description),
                disabled=disabled,
            )
        )
    # one line for all the shares: a column beside each slider would be twenty more elements
    # to draw on every move, for thirty participants at once
    share = shares(v.points, crits)
    if share is not None:
        st.markdown(
            "Your weights as shares of the total: "
            + streamlit_markdown(
                " · ".join(f"{_name(catalog, c)} {share_label(share[c])}" for c in crits)
            )
        )
    return _from_points(v, crits)


def _from_points(v: Values, crits: Sequence[str]) -> Entry:
    values = {c: v.points[c] for c in crits}
    if shares(values, crits) is None:
        return Entry("sliders", None, problem=ZERO)
    return Entry("sliders", values)


def _place(value: object) -> int | None:
    """A place from a selectbox's state (None: not placed)."""
    try:
        return None if value is None else int(str(value))
    except ValueError:
        return None


def unplaced_problem(catalog: Catalog | None, crits: Sequence[str], v: Values) -> str | None:
    """ "Still to place: …" while any criterion has no place, else None."""
    missing = [c for c in crits if v.places.get(c) is None]
    if not missing:
        return None
    names = [_name(catalog, c) if catalog is not None else c for c in missing]
    if len(missing) == len(crits):
        return "Give every criterion a place to see your weights: none is placed yet."
    return f"Still to place ({len(missing)} of {len(crits)}): " + "; ".join(names) + "."


def _from_places(crits: Sequence[str], v: Values, catalog: Catalog | None = None) -> Entry:
    problem = unplaced_problem(catalog, crits, v)
    if problem is not None:
        return Entry("rank", None, problem=problem)
    return Entry("rank", roc_weights(crits, {c: int(v.places[c] or 0) for c in crits}))


def _ranking(catalog: Catalog, crits: Sequence[str], key: str, v: Values, disabled: bool) -> Entry:
    note(
        "Give each criterion its place, 1 for the most important; criteria may share a place. "
        "The weights follow by the rank-order centroid once every criterion has a place."
    )
    for c in crits:
        v.places[c] = _place(st.session_state.get(f"{key}.r.{c}", v.places[c]))
    entry = _from_places(crits, v, catalog)
    places = list(range(1, len(crits) + 1))
    for c in crits:
        left, right = st.columns([5, 1], vertical_alignment="bottom")
        left.selectbox(
            widget_label(_name(catalog, c)),
            places,
            index=None if (at := v.places[c]) is None or at not in places else places.index(at),
            key=f"{key}.r.{c}",
            format_func=lambda r: f"place {r}",
            placeholder="not placed yet",
            disabled=disabled,
        )
        _share(right, None if entry.weights is None else entry.weights[c])  # "–" until all placed
    return entry


def _pairs(catalog: Catalog, crits: Sequence[str], key: str, v: Values, disabled: bool) -> Entry:
    note(
        "For each pair, say which criterion matters more and by how much (Saaty's scale: 1 "
        "equal, 3 moderately, 5 strongly, 7 very strongly, 9 extremely more important)."
    )
    top = SAATY_MAX - 1
    scale = list(range(top, -top - 1, -1))  # left end: the first criterion much more important
    for a, b in combinations(crits, 2):
        na, nb = _name(catalog, a), _name(catalog, b)
        v.pairs[(a, b)] = int(
            st.select_slider(
                f"{widget_label(na)} or {widget_label(nb)}?",
                options=scale,
                value=v.pairs.get((a, b), 0),
                key=f"{key}.ahp.{a}.{b}",
                format_func=functools.partial(_say, first=na, second=nb),
                disabled=disabled,
            )
        )
    res, problem = _ahp(v, crits)
    if res is None:  # pragma: no cover - the scale only offers valid values
        return Entry("ahp", None, problem=problem)
    shares = "; ".join(f"{_name(catalog, c)} {share_label(w)}" for c, w in res.weights.items())
    st.markdown(f"Weights from your comparisons: {streamlit_markdown(shares)}")
    if res.consistent:
        st.success(
            f"Consistency ratio {res.cr:.2f}: consistent enough (Saaty's threshold is 0.10)."
        )
    else:
        worst = ""
        if res.worst is not None:
            worst = (
                f" Revisit first your comparison of {streamlit_markdown(_name(catalog, res.worst[0]))} "
                f"with {streamlit_markdown(_name(catalog, res.worst[1]))}: it fits least with the others."
            )
        st.warning(
            f"Consistency ratio {res.cr:.2f}, above Saaty's threshold of 0.10: some of your "
            f"comparisons contradict each other.{worst} You can still submit."
        )
    return Entry("ahp", res.weights)


def _ahp(v: Values, crits: Sequence[str]) -> tuple[PairwiseWeights | None, str | None]:
    try:
        return ahp_weights(
            crits, {pair: v.pairs.get(pair, 0) for pair in combinations(crits, 2)}
        ), None
    except PolicybenchError as exc:  # pragma: no cover - the scale only offers valid values
        return None, str(exc)


def show(
    catalog: Catalog, criterion_ids: Sequence[str], *, key: str, disabled: bool = False
) -> Entry:
    """Draw the mode picker and the chosen mode's controls; return what they give (without
    the reasons: see :func:`show_reasons` and :func:`current`)."""
    crits = list(criterion_ids)
    v = _values(key, crits, catalog)
    _given(f"{key}.mode", v.mode if v.mode in MODES else "sliders")
    mode = st.radio(
        "How do you want to set your weights?",
        list(MODES),
        key=f"{key}.mode",
        format_func=MODES.__getitem__,
        horizontal=True,
        disabled=disabled,
    )
    v.mode = mode if mode in MODES else "sliders"
    draw = {"sliders": _sliders, "rank": _ranking, "ahp": _pairs}[v.mode]
    return draw(catalog, crits, key, v, disabled)


def show_reasons(
    catalog: Catalog, criterion_ids: Sequence[str], *, key: str, disabled: bool = False
) -> None:
    """Draw the optional reasons, one short line per criterion."""
    crits = list(criterion_ids)
    v = _values(key, crits, catalog)
    with st.expander("Reasons (optional): why does a criterion matter to you?"):
        note(
            f"A short reason (at most {REASON_MAX} characters) for any criterion. The "
            "facilitator sees them beside the spread of the group's weights. They are saved "
            "with your weights."
        )
        for c in crits:
            _given(f"{key}.why.{c}", v.reasons.get(c, ""))
            v.reasons[c] = str(
                st.text_input(
                    widget_label(_name(catalog, c)),
                    key=f"{key}.why.{c}",
                    max_chars=REASON_MAX,
                    disabled=disabled,
                )
            )


def current(criterion_ids: Sequence[str], *, key: str, catalog: Catalog | None = None) -> Entry:
    """What the controls give now (weights under the chosen mode, and the reasons), drawing
    nothing; widget values set in this run but not yet drawn count. ``catalog`` names the
    unplaced criteria in a ranking's problem (ids without it)."""
    crits = list(criterion_ids)
    v = _values(key, crits)
    mode = str(st.session_state.get(f"{key}.mode", v.mode))
    for c in crits:
        v.points[c] = float(st.session_state.get(f"{key}.w.{c}", v.points[c]))
        v.places[c] = _place(st.session_state.get(f"{key}.r.{c}", v.places[c]))
        v.reasons[c] = str(st.session_state.get(f"{key}.why.{c}", v.reasons.get(c, "")))
    for a, b in combinations(crits, 2):
        v.pairs[(a, b)] = int(st.session_state.get(f"{key}.ahp.{a}.{b}", v.pairs.get((a, b), 0)))
    reasons = {c: v.reasons[c].strip() for c in crits if v.reasons.get(c, "").strip()}
    if mode == "rank":
        entry = _from_places(crits, v, catalog)
    elif mode == "ahp":
        res, problem = _ahp(v, crits)
        entry = Entry("ahp", None if res is None else res.weights, problem=problem)
    else:
        entry = _from_points(v, crits)
    return Entry(entry.mode, entry.weights, reasons, entry.problem)
