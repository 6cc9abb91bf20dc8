"""policybench.export.report: what an export holds, gathered once from rankings, SMAA and a
workshop's group result."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from policybench import __version__
from policybench.analysis.rank import rank_catalog
from policybench.analysis.screen import select
from policybench.analysis.workshop import group_result
from policybench.catalog import Catalog, parse_requirement
from policybench.errors import InputError
from policybench.export.report import (
    build_report,
    catalog_note,
    compare_report,
    describe_weights,
    file_stem,
    group_section,
    missing_from_catalog,
    perspective,
    smaa_section,
    utc_timestamp,
    workshop_report,
)
from policybench.present import tables

from .conftest import FakeSMAA

OPTIONS = ("status-quo", "liaison", "summits", "two-plus-two")
CRITERIA = ("feasibility", "deterrence", "backlash")
ANA = {"feasibility": 10.0, "deterrence": 1.0, "backlash": 2.0}
BOB = {"feasibility": 1.0, "deterrence": 10.0, "backlash": 5.0}


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


def test_utc_timestamp_is_iso_8601_utc() -> None:
    when = datetime(2025, 3, 4, 5, 6, 7, 891, tzinfo=timezone(timedelta(hours=9)))
    assert utc_timestamp(when) == "2025-03-03T20:06:07Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", utc_timestamp())


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


def test_group_section_is_the_group_result_with_its_stamp(tiny: Catalog) -> None:
    result = group_result(tiny, OPTIONS, CRITERIA, [ANA, BOB], combination="borda")
    section = group_section(tiny, result, title="Seminar", reasons=[{"deterrence": "why"}, {}])
    assert section.key == "group" and section.title == "Workshop: Seminar"
    assert section.about["workshop"] == "Seminar" and section.about["participants"] == 2
    assert section.about["rankings combined by"] == "borda"
    parts = dict(section.tables)
    assert list(parts["Participants"]["participant"]) == ["Participant 1", "Participant 2"]
    assert [c.name for c in section.charts] == ["group-weights", "group-ranks"]
    named = group_section(tiny, result, title="S", names=["ana", "bob"], charts=False)
    assert list(dict(named.tables)["Participants"]["participant"]) == ["ana", "bob"]
    assert named.charts == ()


@dataclass(frozen=True)
class Shop:
    title: str = "Seminar <b>"
    options: tuple[str, ...] = OPTIONS
    criteria: tuple[str, ...] = CRITERIA
    state: str = "locked"
    catalog_fingerprint: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime(2025, 1, 1, tzinfo=UTC))


@dataclass(frozen=True)
class Sub:
    display_name: str
    weights: dict[str, float]
    reasons: dict[str, str] = field(default_factory=dict)


def test_workshop_report_ranks_under_the_groups_weights(tiny: Catalog) -> None:
    subs = [Sub("=ana", ANA, {"deterrence": "because"}), Sub("bob", BOB)]
    report = workshop_report(tiny, Shop(), subs, charts=False)
    section = report.section("group")
    assert section is not None
    ranking = dict(section.tables)["Group ranking"]
    result = group_result(tiny, OPTIONS, CRITERIA, [ANA, BOB], combination="borda")
    assert list(ranking["borda rank"]) == [int(result.combined.ranks[i]) for i in result.order()]
    assert list(dict(section.tables)["Participants"]["participant"]) == [
        "Participant 1",
        "Participant 2",
    ]
    assert report.metadata["profile"] == "workshop group weights (mean of 2 participants)"
    assert report.metadata["weights"] == pytest.approx(
        dict(zip(CRITERIA, result.group_weights, strict=True))
    )
    named = workshop_report(tiny, Shop(), subs, names=True, result=result, charts=False)
    people = dict(named.section("group").tables)["Participants"]["participant"]
    assert list(people) == ["=ana", "bob"]


def test_workshop_report_refuses_empty_or_foreign_workshops(tiny: Catalog) -> None:
    with pytest.raises(InputError, match="no submissions"):
        workshop_report(tiny, Shop(), [])
    foreign = Shop(options=(*OPTIONS, "elsewhere"))
    assert missing_from_catalog(tiny, foreign) == ["elsewhere"]
    with pytest.raises(InputError, match="elsewhere"):
        workshop_report(tiny, foreign, [Sub("a", ANA)])
    assert catalog_note(tiny, Shop()) is None
    note = catalog_note(tiny, Shop(catalog_fingerprint="f" * 64))
    assert note is not None and "ffffffffffff" in note


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
