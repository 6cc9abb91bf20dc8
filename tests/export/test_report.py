"""policybench.export.report: what an export holds, gathered once from rankings and SMAA (a
workshop's report: tests/export/test_workshop_report.py)."""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

from policybench import __version__
from policybench.analysis.rank import rank_catalog
from policybench.analysis.screen import select
from policybench.catalog import Catalog, parse_requirement
from policybench.export.report import build_report, file_stem, smaa_section
from policybench.export.stamp import describe_weights
from policybench.present import tables

from .conftest import FakeSMAA


def test_report_gathers_every_part_with_its_stamp(tiny: Catalog, make_report) -> None:
    rep = make_report(tiny, ("wsm", "vikor"), preset="hawk")
    m = rep.metadata
    assert m["profile"] == "Deterrence first (preset)" and m["profile_key"] == "hawk"
    assert (m["all"], m["screen"], m["screened_out"]) == (False, [], [])
    assert m["weights_given"] == {"feasibility": 1.0, "deterrence": 6.0, "backlash": 1.0}
    assert sum(m["weights"].values()) == pytest.approx(1.0)
    assert [x["method"] for x in m["methods"]] == ["wsm", "vikor"]
    assert m["methods"][1]["normalization"] == "none"
    assert re.fullmatch(r"[0-9a-f]{12}", m["catalog_fingerprint"])
    assert m["catalog_fingerprint"] == tiny.short_fingerprint
    assert m["policybench_version"] == __version__ and m["generated_at"] == "2025-01-31T09:30:00Z"
    assert [p.label for p in rep.rankings] == ["wsm", "vikor"]
    assert list(rep.criteria["criterion"]) == list(tiny.criterion_ids)
    assert (rep.quotes["where"] == "preset").sum() == 1
    assert [c.name for c in rep.charts] == ["ranking"]
    assert rep.charts[0].spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert rep.section("smaa") is None
    assert len(rep.stamp_lines) == 3 and rep.stamp_lines[1].startswith("weights: feasibility 0.125")
    assert rep.stamp_lines[0].startswith("Deterrence first (preset) · Weighted sum, wsm (scale)")
    assert rep.stamp_lines[0].endswith("default set, no screen")


def test_report_without_charts_builds_none(tiny: Catalog, make_report) -> None:
    assert make_report(tiny, charts=False).charts == ()


def test_building_a_report_mutates_nothing(tiny: Catalog) -> None:
    rankings = [rank_catalog(tiny, method=m) for m in ("wsm", "topsis")]
    before = [(r.scores.copy(), r.ranks.copy(), r.weights.copy(), dict(r.params)) for r in rankings]
    cat_before = copy.deepcopy([o.model_dump() for o in tiny.options])
    build_report(tiny, rankings, timestamp="2025-01-01T00:00:00Z")
    for r, (s, k, w, p) in zip(rankings, before, strict=True):
        np.testing.assert_array_equal(r.scores, s)
        np.testing.assert_array_equal(r.ranks, k)
        np.testing.assert_array_equal(r.weights, w)
        assert dict(r.params) == p
    assert [o.model_dump() for o in tiny.options] == cat_before


def test_smaa_section_orders_central_weights_like_the_table(tiny: Catalog) -> None:
    ids = list(tiny.option_ids)
    s = smaa_section(
        FakeSMAA(len(ids), len(tiny.criteria)),
        ids,
        tiny.criterion_ids,
        tiny,
        method="wsm",
        normalization="scale",
        samples=10,
        seed=0,
    )
    acc, central = (t for _, t in s.tables)
    assert list(acc["option"]) == list(central["option"])
    assert central.set_index("option").loc[ids[0]].isna().all()  # never first: no central weights
    assert s.about == {
        "method": "wsm",
        "normalization": "scale",
        "samples": 10,
        "seed": 0,
        "weights": "simplex",
        "uncertain_scores": False,
    }
    assert [c.name for c in s.charts] == ["smaa"]


def test_the_stamp_says_what_the_screen_set_aside(tiny: Catalog, make_report) -> None:
    screen = select(tiny, [parse_requirement("backlash<=5", tiny)], everything=True)
    rep = make_report(tiny, ("wsm",), selection=screen)
    m = rep.metadata
    assert m["all"] is True and m["screen"] == ["backlash<=5"]
    assert m["screened_out"] == [
        {"option": "liaison", "title": "Liaison officers", "failed": ["backlash 6 > 5"]}
    ]
    assert "liaison" not in m["options"] and "liaison" not in set(rep.comparison["option"])
    assert "every option, screen backlash<=5 (1 set aside)" in rep.stamp_lines[0]
    assert any(
        c.startswith("Set aside before any weighting by the screen backlash<=5")
        and "Liaison officers (backlash 6 > 5)" in c
        for c in rep.caveats
    )


def test_a_report_opens_with_the_verdict_or_who_leads(tiny: Catalog, make_report) -> None:
    rep = make_report(tiny, ("wsm",), preset="hawk")
    word, _, why = rep.summary[0].partition(": ")
    assert word in {"Solid", "Near-tie", "Fragile"} and "Liaison officers" in why
    assert len(rep.summary) == 5  # the margin, the smallest shift, the methods, SMAA
    # where the verdict would not be this ranking's (a method's own parameters), who leads
    ranking = rank_catalog(tiny, method="promethee2", preference="linear", q=1.0, p=3.0)
    plain = build_report(tiny, [ranking], timestamp="2025-01-01T00:00:00Z", charts=False)
    assert plain.summary == (tables.headline(tables.ranking_table(ranking, tiny)),)


def test_a_file_is_named_after_its_stamp(tiny: Catalog, make_report) -> None:
    rep = make_report(tiny, ("wsm", "topsis"), preset="hawk")
    fp = tiny.short_fingerprint
    assert (
        file_stem(rep) == f"policybench-hawk-wsm-topsis-default-set-unscreened-{fp}-20250131T0930Z"
    )
    custom = make_report(tiny, ("wsm",), selection=select(tiny, everything=True))
    assert (
        file_stem(custom)
        == f"policybench-equal-weights-wsm-all-options-unscreened-{fp}-20250131T0930Z"
    )
    assert describe_weights(tiny, "profile Ana's view v3") == (
        "profile Ana's view v3",
        "profile-ana-s-view-v3",
    )
    assert describe_weights(tiny, "preset equal") == ("Equal weights (preset)", "equal")
