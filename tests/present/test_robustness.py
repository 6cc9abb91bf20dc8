"""policybench.present.robustness: the Robustness page's tables from analysis.whatif."""

from __future__ import annotations

import pytest

from policybench.analysis.whatif import nearest_first, sensitivity, stability
from policybench.present import robustness

from .conftest import EQUAL, HAWK


def test_sweep_lines_and_first_place_changes(cat) -> None:
    s = sensitivity(cat, EQUAL, "wsm", "deterrence")
    lines = robustness.sweep_lines(cat, s)
    assert list(lines.columns) == ["weight", "option", "score"]
    assert len(lines) == len(s.t) * len(s.shown)
    changes = robustness.first_place_changes(cat, s)
    assert list(changes.columns) == ["weight", "label"] and len(changes) == len(s.first_changes)
    assert all(
        " overtakes " in x or " draw level" in x or " pulls ahead of " in x
        for x in changes["label"]
    )


def test_stability_table(cat) -> None:
    t = robustness.stability_table(cat, stability(cat, HAWK, "wsm"))
    assert list(t["criterion"]) == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    assert ((t["top_from"] <= t["weight"] + 1e-9) & (t["weight"] <= t["top_to"] + 1e-9)).all()
    assert t.loc[1, "weight"] == pytest.approx(75.0)


def test_nearest_weights_table(cat) -> None:
    weights = {"feasibility": 10.0, "deterrence": 10.0, "backlash": 10.0}
    res = nearest_first(cat, weights, "wsm", "liaison", maximum=20, step=1)
    t = robustness.nearest_weights_table(cat, res)
    assert list(t.columns) == ["criterion", "now", "after", "now_share", "after_share", "change"]
    assert t["now_share"].sum() == pytest.approx(100) and t["after_share"].sum() == pytest.approx(
        100
    )
    assert t["change"].sum() == pytest.approx(0, abs=1e-9)
