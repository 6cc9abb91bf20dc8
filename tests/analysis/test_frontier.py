"""The two-cluster map and its efficient frontier (src/policybench/analysis/frontier.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from policybench.analysis.frontier import axes, axis, dominated, frontier_catalog
from policybench.catalog import Catalog, load
from policybench.errors import InputError, WeightsError

# tiny catalog (one criterion per cluster; the cluster "feasibility" shares its criterion's id):
#   feasibility (benefit)  status-quo 9, summits 7, two-plus-two 6, liaison 4
#   deterrence  (benefit, cluster strategic)  2, 4, 7, 8
#   backlash    (cost, cluster risk)          2, 3, 5, 6


def test_each_option_sits_at_its_direction_adjusted_values(cat: Catalog) -> None:
    f = frontier_catalog(cat, x="strategic", y="risk")
    assert f.option_ids == cat.option_ids
    by = dict(zip(f.option_ids, zip(f.x, f.y, strict=True), strict=True))
    assert by["status-quo"] == pytest.approx((0.2, 0.8))  # a cost of 2 is 0.8 of the way up
    assert by["liaison"] == pytest.approx((0.8, 0.4))
    assert f.efficient.all()  # more deterrence always costs more backlash here
    assert [f.option_ids[i] for i in f.frontier()] == [
        "status-quo",
        "summits",
        "two-plus-two",
        "liaison",
    ]


def test_an_option_better_on_both_axes_leaves_the_others_off_the_frontier(cat: Catalog) -> None:
    f = frontier_catalog(cat, x="feasibility", y="risk")
    assert dict(zip(f.option_ids, f.efficient, strict=True)) == {
        "status-quo": True,
        "summits": False,
        "two-plus-two": False,
        "liaison": False,
    }


def test_a_cluster_is_the_weighted_mean_of_its_criteria_with_its_own_weights(
    copy_catalog: Callable[..., Path], tiny_options: Path
) -> None:
    root = copy_catalog(tiny_options)
    crit = root / "criteria.yaml"
    crit.write_text(crit.read_text().replace("cluster: risk", "cluster: feasibility"))
    cat = load(root)
    weights = {"feasibility": 3.0, "deterrence": 100.0, "backlash": 1.0}
    f = frontier_catalog(cat, weights, x="feasibility", y="strategic")
    # the cluster's weights are 3:1 whatever deterrence weighs
    assert f.x_axis.criteria == ("feasibility", "backlash")
    assert_allclose(f.x_weights, [0.75, 0.25])
    i = f.option_ids.index("two-plus-two")
    assert f.x[i] == pytest.approx((3 * 0.6 + 1 * 0.5) / 4)
    assert f.y[i] == pytest.approx(0.7)
    # rescaling all weights changes nothing
    g = frontier_catalog(
        cat, {k: v * 7 for k, v in weights.items()}, x="feasibility", y="strategic"
    )
    assert_allclose(g.x, f.x)
    assert_allclose(g.y, f.y)
    assert_array_equal(g.efficient, f.efficient)


def test_axes_are_named_by_cluster_or_criterion(cat: Catalog) -> None:
    ids = [a.id for a in axes(cat)]
    assert ids == [
        "feasibility",
        "strategic",
        "risk",
        "criterion:feasibility",
        "deterrence",
        "backlash",
    ]
    assert axis(cat, "feasibility").kind == "cluster"
    assert axis(cat, "criterion:feasibility").kind == "criterion"
    assert axis(cat, "cluster:risk").criteria == ("backlash",)
    assert axis(cat, "criterion:backlash").id == "backlash"


@pytest.mark.parametrize(
    ("x", "y", "weights", "message"),
    [
        ("nowhere", "risk", None, r"unknown axis 'nowhere': name a cluster \(feasibility, "),
        ("risk", "cluster:risk", None, "two different axes"),
        ("strategic", "risk", {"feasibility": 1, "deterrence": 0, "backlash": 1}, "weight 0"),
    ],
)
def test_bad_axes_say_what_to_do(
    cat: Catalog, x: str, y: str, weights: dict[str, float] | None, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        frontier_catalog(cat, weights, x=x, y=y)


def test_bad_weights_and_options_are_refused(cat: Catalog) -> None:
    with pytest.raises(WeightsError):
        frontier_catalog(cat, {"feasibility": 1}, x="strategic", y="risk")
    with pytest.raises(WeightsError, match="unknown option"):
        frontier_catalog(cat, None, x="strategic", y="risk", options=["nope", "summits"])


def test_the_options_in_play_and_what_if_scores_are_followed(cat: Catalog) -> None:
    f = frontier_catalog(
        cat,
        x="strategic",
        y="risk",
        options=["summits", "liaison"],
        overrides={"summits": {"deterrence": 9.0}},
    )
    assert f.option_ids == ("summits", "liaison")
    assert f.x[0] == pytest.approx(0.9) and list(f.efficient) == [True, False]


def _dominated_by_loop(x: list[float], y: list[float]) -> list[bool]:
    out = []
    for i in range(len(x)):
        out.append(
            any(
                x[j] >= x[i] and y[j] >= y[i] and (x[j] > x[i] or y[j] > y[i])
                for j in range(len(x))
                if j != i
            )
        )
    return out


grid = st.integers(0, 6).map(lambda k: k / 6)  # few values: many ties and duplicates


@given(points=st.lists(st.tuples(grid, grid), min_size=1, max_size=12))
@example(points=[(0.5, 0.5), (0.5, 0.5)])  # duplicates dominate neither each other
@example(points=[(0.2, 0.9), (0.2, 0.4)])  # same x, better y
def test_the_efficient_set_is_exactly_the_non_dominated_set(
    points: list[tuple[float, float]],
) -> None:
    x = [p[0] for p in points]
    y = [p[1] for p in points]
    assert list(dominated(x, y)) == _dominated_by_loop(x, y)
    eff = ~dominated(x, y)
    assert eff.any()  # a best-x option that is best in y among those is never dominated


def test_float_noise_does_not_make_an_option_dominate_its_equal() -> None:
    x = np.array([0.42, 0.42000000000000004, 0.1])
    y = np.array([0.7, 0.7, 0.9])
    assert list(dominated(x, y)) == [False, False, False]


SHIPPED = Path(__file__).resolve().parents[2] / "options"


@given(
    weights=st.lists(st.integers(0, 20), min_size=8, max_size=8).filter(
        lambda w: sum(w[:5]) > 0 and sum(w[5:]) > 0
    ),
    scale=st.floats(0.01, 1000.0),
)
def test_rescaling_all_weights_moves_nothing_on_the_map(weights: list[int], scale: float) -> None:
    cat = _shipped()
    assert [c.cluster for c in cat.criteria] == ["impact"] * 5 + ["achievability"] * 3
    given_ = dict(zip(cat.criterion_ids, map(float, weights), strict=True))
    a = frontier_catalog(cat, given_)
    b = frontier_catalog(cat, {k: v * scale for k, v in given_.items()})
    assert_allclose(a.x, b.x, rtol=1e-12, atol=1e-15)
    assert_allclose(a.y, b.y, rtol=1e-12, atol=1e-15)
    assert_array_equal(a.efficient, b.efficient)
    assert a.efficient.any()


_CACHE: dict[str, Catalog] = {}


def _shipped() -> Catalog:
    if "c" not in _CACHE:
        _CACHE["c"] = load(SHIPPED)
    return _CACHE["c"]
