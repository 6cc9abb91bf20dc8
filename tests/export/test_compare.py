"""policybench.export.compare: the Compare page's comparison of perspectives as a report."""

from __future__ import annotations

import pytest

from policybench.analysis.rank import rank_catalog
from policybench.analysis.screen import select
from policybench.catalog import Catalog
from policybench.export.compare import Perspective, compare_report, perspective
from policybench.export.report import file_stem


def test_compare_report_sets_two_perspectives_side_by_side(tiny: Catalog) -> None:
    hawk = perspective(tiny, tiny.presets_by_id["hawk"].weights, "hawk")
    equal = perspective(tiny, tiny.presets_by_id["equal"].weights, "equal")
    rep = compare_report(
        tiny,
        [hawk, equal],
        selection=select(tiny),
        head_to_head=["liaison", "summits"],
        methods_under=hawk,
        timestamp="2025-01-31T09:30:00Z",
    )
    a, b = (rank_catalog(tiny, p.weights).rank_map for p in (hawk, equal))
    table = rep.comparison.set_index("option")
    assert list(rep.comparison.columns[-5:]) == [
        "hawk:score",
        "hawk:rank",
        "equal:score",
        "equal:rank",
        "change",
    ]
    for oid in tiny.option_ids:
        assert (table.loc[oid, "hawk:rank"], table.loc[oid, "equal:rank"]) == (a[oid], b[oid])
        assert table.loc[oid, "change"] == a[oid] - b[oid]
    m = rep.metadata
    assert (
        rep.kind == "compare"
        and m["profile"] == "Deterrence first (preset) against Equal weights (preset)"
    )
    assert [p["key"] for p in m["perspectives"]] == ["hawk", "equal"]
    assert file_stem(rep).startswith("policybench-compare-hawk-vs-equal-wsm-default-set-")
    assert [s.key for s in rep.sections] == ["head-to-head", "methods"]
    assert set(rep.quotes.loc[rep.quotes["where"] == "preset", "preset"]) == {"hawk", "equal"}
    assert rep.summary[0].startswith(
        "Under Deterrence first (preset), Liaison officers ranks first"
    )
    assert [c.name for c in rep.charts] == ["ranking"]
    assert len(rep.stamp_lines) == 4  # a weights line per perspective


def test_a_perspective_is_named_after_its_preset_or_called_custom(tiny: Catalog) -> None:
    hawk = perspective(tiny, tiny.presets_by_id["hawk"].weights, "hawk")
    assert (hawk.name, hawk.key, hawk.preset) == ("Deterrence first (preset)", "hawk", "hawk")
    mine = perspective(tiny, {"feasibility": 2, "deterrence": 1, "backlash": 1}, "no-such-preset")
    assert (mine.name, mine.key, mine.preset) == ("custom weights", "custom-weights", None)


def test_one_weighting_twice_keeps_every_rank_and_numbers_the_columns(tiny: Catalog) -> None:
    same = Perspective("Mine", "mine", {"feasibility": 3.0, "deterrence": 1.0, "backlash": 1.0})
    rep = compare_report(tiny, [same, same], timestamp="2025-01-31T09:30:00Z", charts=False)
    assert {"mine-1:rank", "mine-2:rank"} <= set(rep.comparison.columns)
    assert (rep.comparison["change"] == 0).all()
    assert rep.summary[0].endswith("Every option keeps its rank.")
    assert [p["key"] for p in rep.metadata["perspectives"]] == ["mine-1", "mine-2"]
    assert list(rep.criteria.columns[-2:]) == ["weight:mine-1", "weight:mine-2"]
    assert rep.charts == () and rep.sections == ()


def test_the_largest_move_is_named_with_its_ranks(tiny: Catalog) -> None:
    """Hawk puts Liaison officers first and the status quo last, equal weights the reverse:
    both move three places, and the tie goes to the first perspective's order."""
    hawk = perspective(tiny, tiny.presets_by_id["hawk"].weights, "hawk")
    equal = perspective(tiny, tiny.presets_by_id["equal"].weights, "equal")
    rep = compare_report(tiny, [hawk, equal], charts=False)
    a, b = (rank_catalog(tiny, p.weights).rank_map for p in (hawk, equal))
    assert (a["liaison"], b["liaison"], a["status-quo"], b["status-quo"]) == (1, 4, 4, 1)
    assert rep.summary == (
        "Under Deterrence first (preset), Liaison officers ranks first; under Equal weights "
        "(preset), Status quo ranks first. 3 of 4 options change rank; the largest move is "
        "Liaison officers, down from 1 to 4.",
    )


def test_a_comparison_needs_two_perspectives(tiny: Catalog) -> None:
    only = perspective(tiny, tiny.presets_by_id["hawk"].weights, "hawk")
    with pytest.raises(ValueError, match="at least two"):
        compare_report(tiny, [only])
