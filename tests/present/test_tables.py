"""policybench.present.tables: the ranking table's one schema and the tables around it."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from policybench import __version__, mcda, robustness
from policybench.analysis.rank import rank_catalog
from policybench.catalog import Catalog, iter_quotes, to_problem
from policybench.present import tables
from support.smaa_reference import brute_force

from .conftest import EQUAL, HAWK


def test_ranking_table_is_best_first_with_contributions(cat: Catalog) -> None:
    r = rank_catalog(cat)
    t = tables.ranking_table(r, cat, contributions=True)
    assert list(t.columns[:6]) == ["rank", "option", "title", "group", "baseline", "score"]
    assert list(t["rank"]) == sorted(t["rank"])
    assert t["option"].iloc[0] == "status-quo"
    contrib = t[[f"contribution:{c}" for c in cat.criterion_ids]].sum(axis=1)
    np.testing.assert_allclose(contrib, t["score"], rtol=1e-12)
    assert "contribution:feasibility" not in tables.ranking_table(r, cat).columns
    topsis = tables.ranking_table(rank_catalog(cat, method="topsis"), cat, contributions=True)
    assert list(topsis.columns) == ["rank", "option", "title", "group", "baseline", "score"]


def test_the_screen_adds_movement_labels_and_clusters_to_the_one_schema(cat: Catalog) -> None:
    r = rank_catalog(cat, HAWK)
    t = tables.screen_table(r, cat, rank_catalog(cat, EQUAL).rank_map)
    assert list(t.columns[:7]) == ["rank", "move", "option", "label", "title", "group", "baseline"]
    base = tables.ranking_table(r, cat)
    pd.testing.assert_frame_equal(t[list(base.columns)], base)
    assert list(t.loc[t["baseline"], "label"]) == ["Status quo (baseline)"]
    clusters = [c for c in t.columns if c in {"Feasibility", "Strategic", "Risk"}]
    assert len(clusters) == 3
    np.testing.assert_allclose(t[clusters].sum(axis=1), t["score"], atol=1e-12)
    assert "Strategic" not in tables.screen_table(rank_catalog(cat, method="vikor"), cat).columns
    dialogue = tables.only_groups(t, cat, ["dialogue"])
    assert set(dialogue["option"]) == {"liaison", "summits", "two-plus-two"}
    assert tables.only_groups(t, cat, None) is t and tables.only_groups(t, cat, []).empty


def test_headline_names_the_leader_and_the_status_quo(cat: Catalog) -> None:
    text = tables.headline(tables.ranking_table(rank_catalog(cat, HAWK), cat))
    assert text.startswith("Liaison officers ranks first, ")
    assert "The status quo ranks 4 of 4: 3 options score better." in text
    tie = tables.headline(tables.ranking_table(rank_catalog(cat, EQUAL), cat))
    assert "tie for first place" in tie or "ranks first" in tie


def test_ranking_metadata_stamps_a_12_digit_fingerprint(cat: Catalog) -> None:
    meta = tables.ranking_metadata(rank_catalog(cat, label="preset x"), __version__)
    assert re.fullmatch(r"[0-9a-f]{12}", meta["catalog_fingerprint"])
    assert meta["profile"] == "preset x" and meta["policybench_version"] == __version__
    assert meta["params"] == {"bounds": [0.0, 10.0]}
    assert tables.ranking_title(rank_catalog(cat, method="vikor", v=0.3)) == "vikor (none, v=0.3)"


def test_comparison_table_has_scores_ranges_contributions_totals_and_ranks(cat: Catalog) -> None:
    rankings = [rank_catalog(cat, method=m) for m in ("wsm", "topsis")]
    t = tables.comparison_table(rankings, cat)
    assert len(t) == len(cat.options)
    for cid in cat.criterion_ids:
        assert {f"score:{cid}", f"low:{cid}", f"high:{cid}", f"wsm:contribution:{cid}"} <= set(
            t.columns
        )
        assert f"topsis:contribution:{cid}" not in t.columns  # TOPSIS is not additive
    assert {"wsm:total", "wsm:rank", "topsis:total", "topsis:rank"} <= set(t.columns)
    for oid, row in t.set_index("option").iterrows():
        for cid, score in cat.options_by_id[oid].scores.items():
            assert (row[f"score:{cid}"], row[f"low:{cid}"], row[f"high:{cid}"]) == (
                score.value,
                score.low,
                score.high,
            )
    contrib = t[[f"wsm:contribution:{c}" for c in cat.criterion_ids]].sum(axis=1)
    np.testing.assert_allclose(contrib, t["wsm:total"], rtol=1e-12)
    assert list(t["wsm:rank"]) == sorted(t["wsm:rank"])
    assert dict(zip(t["option"], t["topsis:rank"], strict=True)) == rankings[1].rank_map


def test_comparison_labels_stay_unique_when_a_method_repeats(cat: Catalog) -> None:
    rankings = [
        rank_catalog(cat, method="wsm"),
        rank_catalog(cat, method="wsm", normalization="minmax"),
        rank_catalog(cat, method="wsm"),
    ]
    assert tables.ranking_labels(rankings) == ["wsm/scale#1", "wsm/minmax", "wsm/scale#2"]
    assert tables.comparison_table(rankings, cat).columns.is_unique


def test_comparison_refuses_rankings_of_different_problems(cat: Catalog) -> None:
    a = rank_catalog(cat)
    b = rank_catalog(cat, options=["liaison", "summits"])
    with pytest.raises(ValueError, match="same options"):
        tables.comparison_table([a, b], cat)
    with pytest.raises(ValueError, match="at least one"):
        tables.comparison_table([], cat)


def test_quotes_table_holds_every_quote_with_its_citation(cat: Catalog) -> None:
    q = tables.quotes_table(cat)
    assert list(q.columns) == list(tables.QUOTE_COLUMNS)
    expected = [
        (label, quote) for label, quote in iter_quotes(cat) if not label.startswith("preset")
    ]
    assert len(q) == len(expected)
    assert sorted(q["quote"]) == sorted(quote.text for _, quote in expected)
    for row in q.itertuples(index=False):
        assert row.citation == cat.sources_by_id[row.source].citation
    assert set(q[q["where"] == "score"]["stance"]) == {"supports"}
    assert all(r.startswith("Test rationale for") for r in q[q["where"] == "score"]["rationale"])
    recommended = [o.id for o in cat.options if o.recommendation_quote is not None]
    assert list(q[q["where"] == "recommendation"]["option"]) == recommended
    assert set(q[q["where"].isin(["option", "recommendation"])]["criterion"]) == {""}
    with_preset = tables.quotes_table(cat, preset="hawk")
    assert len(with_preset) == len(q) + len(cat.presets_by_id["hawk"].quotes)
    assert list(with_preset[with_preset["where"] == "preset"]["preset"]) == ["hawk"]


def test_quotes_table_follows_the_given_option_order(cat: Catalog) -> None:
    order = ["two-plus-two", "liaison"]
    q = tables.quotes_table(cat, order, ["deterrence"])
    assert list(dict.fromkeys(q[q["option"] != ""]["option"])) == order
    assert set(q["criterion"]) - {""} == {"deterrence"}


def fake_smaa(n: int, m: int) -> SimpleNamespace:
    acc = np.full((n, n), 1.0 / n)
    acc[1] = [0.7, 0.3] + [0.0] * (n - 2)
    acc[0] = [0.3 / (n - 1)] * n
    central = np.full((n, m), 1.0 / m)
    central[n - 1] = np.nan
    return SimpleNamespace(
        rank_acceptability=acc, confidence=np.linspace(1, 0, n), central_weights=central
    )


def test_smaa_table_one_row_per_option_sorted_by_first_rank(cat: Catalog) -> None:
    ids = list(cat.option_ids)
    n = len(ids)
    res = fake_smaa(n, len(cat.criteria))
    t = tables.smaa_table(res, ids, cat)
    assert list(t.columns) == [
        "option",
        "title",
        "first",
        *[f"rank {k}" for k in range(1, n + 1)],
        "confidence",
    ]
    assert t["option"].iloc[0] == ids[1] and t["first"].iloc[0] == pytest.approx(0.7)
    assert (
        list(t["first"]) == sorted(t["first"], reverse=True) and (t["first"] == t["rank 1"]).all()
    )
    with pytest.raises(ValueError, match="does not match"):
        tables.smaa_table(res, ids[:2], cat)
    summary = tables.smaa_summary(t, cat)
    assert list(summary.columns) == ["option", "label", "first", "top3", "expected_rank"]
    assert summary["expected_rank"].is_monotonic_increasing
    np.testing.assert_allclose(
        summary["top3"],
        t.set_index("option").loc[summary["option"], ["rank 1", "rank 2", "rank 3"]].sum(axis=1),
    )
    long = tables.acceptability_long(t, list(t["title"]))
    assert len(long) == n * n and set(long["rank"]) == set(range(1, n + 1))


def test_smaa_table_of_a_real_run_holds_each_options_own_shares(cat: Catalog) -> None:
    """Each row carries its own option's shares (a table with rows swapped or ranks shifted is
    doubly stochastic too), and they agree with a brute-force count over weights drawn here."""
    p = to_problem(cat)
    n = len(p.option_ids)
    res = robustness.smaa(
        p.matrix, p.types, normalization="scale", samples=20_000, seed=3, bounds=p.bounds
    )
    t = tables.smaa_table(res, p.option_ids, cat).set_index("option")
    ranks = [f"rank {k}" for k in range(1, n + 1)]
    for i, oid in enumerate(p.option_ids):
        np.testing.assert_array_equal(t.loc[oid, ranks].to_numpy(float), res.rank_acceptability[i])
        assert t.loc[oid, "first"] == res.rank_acceptability[i, 0]
        assert t.loc[oid, "confidence"] == res.confidence[i]
        assert t.loc[oid, "title"] == cat.options_by_id[oid].title
    # the slow reference: uniform weights on the simplex, ranked one sample at a time
    weights = np.random.default_rng(11).dirichlet(np.ones(len(p.criterion_ids)), size=20_000)
    values = mcda.value_matrix(p.matrix, p.types, "scale", bounds=p.bounds)
    acc, _ = brute_force(weights @ values.T, weights)
    # two independent 20,000-sample estimates of each share: 5 standard errors apart at most
    np.testing.assert_allclose(t.loc[list(p.option_ids), ranks].to_numpy(float), acc, atol=0.025)
    assert acc[:, 0].max() > 0.3 and acc[:, 0].min() < 0.3  # a table with a real favourite
