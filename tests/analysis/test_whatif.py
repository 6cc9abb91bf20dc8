"""policybench.analysis.whatif: sweeps, stability intervals and the nearest weights that put an
option first, on the tiny catalog."""

from __future__ import annotations

import pytest

from policybench import catalog, mcda
from policybench.analysis.whatif import nearest_first, sensitivity, stability

from .conftest import EQUAL, HAWK, engine


def test_sensitivity_marks_first_place_changes(cat) -> None:
    s = sensitivity(cat, EQUAL, "wsm", "deterrence")
    assert s.current == pytest.approx(1 / 3)
    assert s.t.min() == 0 and s.t.max() == 1 and s.scores.shape == (len(s.t), len(cat.options))
    p = catalog.to_problem(cat, EQUAL)
    j = list(p.criterion_ids).index("deterrence")
    for change in s.first_changes:
        rest = p.weights.copy()
        rest[j] = 0
        vec = (1 - change.weight) * rest / rest.sum()
        vec[j] += change.weight
        ranks = mcda.rank(mcda.score(p.matrix, vec, p.types, "wsm", "scale"))
        assert (ranks == 1).sum() >= 2  # at each change, two options tie for first
        assert set(change.options) <= set(s.shown)
    assert s.crossings >= len(s.first_changes)


def test_stability_keeps_each_current_weight_inside_its_interval(cat) -> None:
    stab = stability(cat, HAWK, "wsm")
    assert stab.criterion_ids == cat.criterion_ids
    for s in stab.intervals:
        assert s.top_interval[0] - 1e-9 <= s.weight <= s.top_interval[1] + 1e-9
    assert stab.intervals[1].weight == pytest.approx(0.75)


def test_nearest_weights_are_slider_points_that_put_the_option_first(cat) -> None:
    weights = {"feasibility": 10.0, "deterrence": 10.0, "backlash": 10.0}
    res = nearest_first(cat, weights, "wsm", "liaison", maximum=20, step=1)
    assert res.feasible and not res.already_first and res.outright
    assert res.after is not None
    assert all(float(v).is_integer() and 0 <= v <= 20 for v in res.after.values())
    _, ranks = engine(cat, res.after)
    assert ranks["liaison"] == 1 and sum(r == 1 for r in ranks.values()) == 1
    assert res.moved == pytest.approx(res.distance / 2) and res.now == weights
    first = next(o for o, r in engine(cat, weights)[1].items() if r == 1)
    already = nearest_first(cat, weights, "wsm", first, maximum=20, step=1)
    assert already.already_first and already.after == weights
