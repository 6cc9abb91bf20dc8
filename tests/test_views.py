"""policybench.views: the tables behind the app, checked against the engine."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from policybench import catalog, mcda, views
from policybench.errors import WeightsError

HAWK = {"feasibility": 1.0, "deterrence": 6.0, "backlash": 1.0}
EQUAL = {"feasibility": 1.0, "deterrence": 1.0, "backlash": 1.0}


@pytest.fixture
def cat(tiny_options):
    return catalog.load(tiny_options)


def engine(cat, weights, method="wsm"):
    p = catalog.to_problem(cat, weights)
    s = mcda.score(
        p.matrix, p.weights, p.types, method, "scale" if method in {"wsm", "wpm"} else None
    )
    return dict(zip(p.option_ids, s, strict=True)), dict(
        zip(p.option_ids, mcda.rank(s), strict=True)
    )


def test_views_does_not_import_streamlit() -> None:
    code = "import sys, policybench.views; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_normalisation_defaults() -> None:
    assert views.normalization_for("wsm") == "scale"
    assert views.normalization_for("wpm") == "scale"
    for m in ("topsis", "vikor", "promethee2"):
        assert views.normalization_for(m) is None
    assert views.is_additive("wsm") and not views.is_additive("wpm")
    assert views.method_label("wsm") == "Weighted sum (wsm)"


def test_weight_shares_and_labels() -> None:
    shares = views.weight_shares({"a": 1, "b": 3}, ["a", "b"])
    assert shares == {"a": 0.25, "b": 0.75}
    assert views.weight_shares({"a": 0, "b": 0}, ["a", "b"]) is None
    assert views.share_label(1 / 3) == "33.3 %"
    assert views.share_label(None) == "–"
    assert views.all_zero({"a": 0, "b": 0.0}) and not views.all_zero({"a": 0, "b": 1})
    assert views.same_proportions({"a": 1, "b": 2}, {"a": 2, "b": 4}, ["a", "b"])


def test_slider_points_keep_the_total_and_the_step() -> None:
    pts = views.to_slider_points(
        {"a": 0.5, "b": 0.3, "c": 0.2}, ["a", "b", "c"], total=30, maximum=20, step=1
    )
    assert pts == {"a": 15, "b": 9, "c": 6}
    capped = views.to_slider_points({"a": 0.9, "b": 0.1}, ["a", "b"], total=30, maximum=20, step=1)
    assert capped["a"] == 20 and capped["b"] == 2
    with pytest.raises(WeightsError):
        views.to_slider_points({"a": 0, "b": 0}, ["a", "b"], total=10, maximum=20, step=1)


@pytest.mark.parametrize("method", list(mcda.METHODS))
def test_rank_catalog_matches_the_engine(cat, method: str) -> None:
    ranked = views.rank_catalog(cat, HAWK, method)
    scores, ranks = engine(cat, HAWK, method)
    t = ranked.table
    assert list(t["rank"]) == sorted(t["rank"])
    for oid, s, r in zip(t["option_id"], t["score"], t["rank"], strict=True):
        assert s == pytest.approx(scores[oid], abs=1e-12)
        assert r == ranks[oid]
    assert ranked.ranks == ranks
    assert (ranked.contributions is not None) == (method == "wsm")


def test_contributions_add_up_to_the_weighted_sum(cat) -> None:
    ranked = views.rank_catalog(cat, HAWK)
    c = ranked.contributions
    assert c is not None
    totals = c.groupby("option_id")["contribution"].sum()
    scores, _ = engine(cat, HAWK)
    for oid, total in totals.items():
        assert total == pytest.approx(scores[oid], abs=1e-12)
    # exact: share × value-normalised score, cost criteria reversed
    row = c[(c["option_id"] == "summits") & (c["criterion_id"] == "backlash")].iloc[0]
    assert row["weight_share"] == pytest.approx(1 / 8)
    assert row["value"] == pytest.approx(1 - 3 / 10)
    assert row["contribution"] == pytest.approx(1 / 8 * 0.7)
    # per-cluster subtotals in the table add up to the score too
    clusters = [col for col in ranked.table.columns if col in {"Feasibility", "Strategic", "Risk"}]
    assert len(clusters) == 3
    np.testing.assert_allclose(
        ranked.table[clusters].sum(axis=1), ranked.table["score"], atol=1e-12
    )


def test_zero_weight_criterion_still_reports_its_value(cat) -> None:
    c = views.contributions(cat, {"feasibility": 1, "deterrence": 0, "backlash": 0})
    row = c[(c["option_id"] == "liaison") & (c["criterion_id"] == "deterrence")].iloc[0]
    assert row["contribution"] == 0 and row["value"] == pytest.approx(0.8)


def test_all_zero_weights_raise_a_readable_error(cat) -> None:
    with pytest.raises(WeightsError, match="zero"):
        views.rank_catalog(cat, {"feasibility": 0, "deterrence": 0, "backlash": 0})


def test_baseline_is_marked(cat) -> None:
    t = views.rank_catalog(cat, EQUAL).table
    base = t[t["baseline"]]
    assert list(base["option"]) == ["Status quo" + views.BASELINE_MARK]


def test_movement_arrows() -> None:
    assert views.movement({"a": 1, "b": 2, "c": 3}, {"a": 2, "b": 1, "c": 3}) == {
        "a": "▲ 1",
        "b": "▼ 1",
        "c": "=",
    }
    assert views.movement({"a": 1}, None) == {"a": ""}
    assert views.movement({"a": 1, "n": 2}, {"a": 4}) == {"a": "▲ 3", "n": ""}


def test_with_movement_and_group_filter(cat) -> None:
    ranked = views.rank_catalog(cat, HAWK)
    t = views.with_movement(ranked, views.rank_catalog(cat, EQUAL).ranks)
    assert list(t.columns[:2]) == ["rank", "move"]
    dialogue = views.filter_groups(t, ["dialogue"])
    assert set(dialogue["option_id"]) == {"liaison", "summits", "two-plus-two"}
    assert views.filter_groups(t, None) is t
    assert views.filter_groups(t, []).empty


def test_headline_names_the_leader_and_the_status_quo(cat) -> None:
    text = views.headline(views.rank_catalog(cat, HAWK))
    assert text.startswith("Liaison officers ranks first, ")
    assert "The status quo ranks 4 of 4: 3 options score better." in text
    tie = views.headline(views.rank_catalog(cat, EQUAL))
    assert "tie for first place" in tie or "ranks first" in tie


def test_rank_shift_and_its_table(cat) -> None:
    shift = views.rank_shift(cat, [("Hawk", HAWK), ("Equal", EQUAL)])
    _, hawk = engine(cat, HAWK)
    _, equal = engine(cat, EQUAL)
    for row in shift.itertuples():
        assert row.rank == (hawk if row.profile == "Hawk" else equal)[row.option_id]
        assert row.shift == hawk[row.option_id] - equal[row.option_id]
    wide = views.shift_table(shift)
    assert list(wide.columns) == ["option_id", "option", "Hawk", "Equal", "change"]
    assert wide["Equal"].is_monotonic_increasing
    same = views.rank_shift(cat, [("A", HAWK), ("A", EQUAL)])
    assert set(same["profile"]) == {"A", "A (2)"}
    with pytest.raises(ValueError):
        views.rank_shift(cat, [("A", HAWK)])


def test_head_to_head(cat) -> None:
    h = views.head_to_head(cat, ["summits", "liaison"])
    assert len(h) == 2 * 3
    row = h[(h["option_id"] == "summits") & (h["criterion_id"] == "feasibility")].iloc[0]
    assert (row["value"], row["low"], row["high"]) == (7, 6, 8)
    wide = views.head_to_head_table(h)
    assert wide.loc[wide["criterion"] == "Feasibility", "Regular summits"].item() == "7 (6–8)"


def test_method_agreement_matches_the_engine(cat) -> None:
    table, tau = views.method_agreement(cat, HAWK)
    for m in mcda.METHODS:
        _, ranks = engine(cat, HAWK, m)
        got = dict(zip(table["option_id"], table[views.METHOD_NAMES[m]], strict=True))
        assert got == ranks
    assert len(tau) == len(mcda.METHODS) ** 2
    diag = tau[tau["a"] == tau["b"]]
    assert (diag["tau"] == 1).all()


def test_evidence_search(cat) -> None:
    assert [m.option_id for m in views.search_evidence(cat)] == list(cat.option_ids)
    hits = views.search_evidence(cat, "  RATIONALE for summits on   backlash ")
    assert [(m.option_id, set(m.criteria)) for m in hits] == [("summits", {"backlash"})]
    assert views.search_evidence(cat, "A test option")[0].in_option
    assert [m.option_id for m in views.search_evidence(cat, groups=["status-quo"])] == [
        "status-quo"
    ]
    assert views.search_evidence(cat, sources=["nishino-2017"]) != []
    assert views.search_evidence(cat, "no such words at all") == []


def test_sensitivity_marks_first_place_changes(cat) -> None:
    s = views.sensitivity(cat, EQUAL, "wsm", "deterrence")
    assert s.current == pytest.approx(1 / 3)
    assert set(s.lines.columns) == {"weight", "option", "score"}
    assert s.lines["weight"].min() == 0 and s.lines["weight"].max() == 1
    # at each first-place change two options tie for first
    p = catalog.to_problem(cat, EQUAL)
    for w in s.first_changes["weight"]:
        rest = p.weights.copy()
        j = list(p.criterion_ids).index("deterrence")
        rest[j] = 0
        rest = rest / rest.sum()
        vec = (1 - w) * rest
        vec[j] += w
        ranks = mcda.rank(mcda.score(p.matrix, vec, p.types, "wsm", "scale"))
        assert (ranks == 1).sum() >= 2


def test_stability_table(cat) -> None:
    t = views.stability_table(cat, HAWK, "wsm")
    assert list(t["criterion"]) == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    assert ((t["top_from"] <= t["weight"] + 1e-9) & (t["weight"] <= t["top_to"] + 1e-9)).all()
    assert t.loc[1, "weight"] == pytest.approx(75.0)


def test_what_it_takes_gives_slider_points_that_put_the_option_first(cat) -> None:
    weights = {"feasibility": 10.0, "deterrence": 10.0, "backlash": 10.0}
    res = views.what_it_takes(cat, weights, "wsm", "liaison", maximum=20, step=1)
    assert res.feasible and not res.already_first and res.outright
    assert res.after is not None and all(
        float(v).is_integer() and 0 <= v <= 20 for v in res.after.values()
    )
    _, ranks = engine(cat, res.after)
    assert ranks["liaison"] == 1 and sum(r == 1 for r in ranks.values()) == 1
    assert res.moved == pytest.approx(res.distance / 2)
    assert list(res.table.columns) == [
        "criterion",
        "now",
        "after",
        "now_share",
        "after_share",
        "change",
    ]
    first = views.rank_catalog(cat, weights).table["option_id"][0]
    already = views.what_it_takes(cat, weights, "wsm", first, maximum=20, step=1)
    assert already.already_first and already.after == weights


def test_smaa_frames() -> None:
    class Result:
        rank_acceptability = np.array([[0.7, 0.3], [0.3, 0.7]])
        confidence = np.array([1.0, 0.5])

    class Opt:
        def __init__(self, title: str, baseline: bool = False) -> None:
            self.title, self.baseline = title, baseline

    class Cat:
        def __init__(self) -> None:
            self.options_by_id = {"a": Opt("A"), "b": Opt("B", True)}

    long, first, order = views.smaa_frames(Cat(), Result(), ["a", "b"])  # type: ignore[arg-type]
    assert order == ["A", "B (baseline)"]
    assert len(long) == 4 and math.isclose(long["share"].sum(), 2.0)
    assert list(first["share"]) == [0.7, 0.3]


def test_score_rows_follow_the_catalog(cat) -> None:
    rows = views.score_rows(cat, cat.options_by_id["summits"])
    assert isinstance(rows, pd.DataFrame)
    assert list(rows["criterion"]) == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    assert list(rows["score"]) == [7, 4, 3]
