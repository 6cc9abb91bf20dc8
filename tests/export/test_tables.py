"""Export tables (src/policybench/export/tables.py) and the report that gathers them
(src/policybench/export/report.py)."""

from __future__ import annotations

import copy
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from policybench import __version__, robustness
from policybench.analysis import rank_catalog
from policybench.catalog import Catalog, iter_quotes, to_problem
from policybench.export import tables
from policybench.export.report import build_report, group_section, smaa_section, utc_timestamp


def test_ranking_table_is_best_first_with_contributions(tiny: Catalog) -> None:
    r = rank_catalog(tiny)
    t = tables.ranking_table(r, tiny, contributions=True)
    assert list(t.columns[:6]) == ["rank", "option", "title", "group", "baseline", "score"]
    assert list(t["rank"]) == sorted(t["rank"])
    assert t["option"].iloc[0] == "status-quo"
    contrib = t[[f"contribution:{c}" for c in tiny.criterion_ids]].sum(axis=1)
    np.testing.assert_allclose(contrib, t["score"], rtol=1e-12)
    assert "contribution:feasibility" not in tables.ranking_table(r, tiny).columns


def test_ranking_metadata_stamps_a_12_digit_fingerprint(tiny: Catalog) -> None:
    meta = tables.ranking_metadata(rank_catalog(tiny, label="preset x"), __version__)
    assert re.fullmatch(r"[0-9a-f]{12}", meta["catalog_fingerprint"])
    assert meta["profile"] == "preset x" and meta["policybench_version"] == __version__
    assert meta["params"] == {"bounds": [0.0, 10.0]}


def test_comparison_table_has_scores_ranges_contributions_totals_and_ranks(tiny: Catalog) -> None:
    rankings = [rank_catalog(tiny, method=m) for m in ("wsm", "topsis")]
    t = tables.comparison_table(rankings, tiny)
    assert len(t) == len(tiny.options)
    for cid in tiny.criterion_ids:
        assert {f"score:{cid}", f"low:{cid}", f"high:{cid}", f"wsm:contribution:{cid}"} <= set(
            t.columns
        )
        assert f"topsis:contribution:{cid}" not in t.columns  # TOPSIS is not additive
    assert {"wsm:total", "wsm:rank", "topsis:total", "topsis:rank"} <= set(t.columns)
    # raw scores and ranges are the catalog's
    for oid, row in t.set_index("option").iterrows():
        for cid, score in tiny.options_by_id[oid].scores.items():
            assert (row[f"score:{cid}"], row[f"low:{cid}"], row[f"high:{cid}"]) == (
                score.value,
                score.low,
                score.high,
            )
    liaison = t.set_index("option").loc["liaison"]
    assert (liaison["score:deterrence"], liaison["low:deterrence"], liaison["high:deterrence"]) == (
        8.0,
        7.0,
        9.0,
    )
    # contributions add up to the total; rows follow the first ranking
    contrib = t[[f"wsm:contribution:{c}" for c in tiny.criterion_ids]].sum(axis=1)
    np.testing.assert_allclose(contrib, t["wsm:total"], rtol=1e-12)
    assert list(t["wsm:rank"]) == sorted(t["wsm:rank"])
    topsis = rankings[1]
    expected = {o: int(r) for o, r in zip(topsis.option_ids, topsis.ranks, strict=True)}
    assert dict(zip(t["option"], t["topsis:rank"], strict=True)) == expected


def test_comparison_labels_stay_unique_when_a_method_repeats(tiny: Catalog) -> None:
    rankings = [
        rank_catalog(tiny, method="wsm"),
        rank_catalog(tiny, method="wsm", normalization="minmax"),
        rank_catalog(tiny, method="wsm"),
    ]
    assert tables.ranking_labels(rankings) == ["wsm/scale#1", "wsm/minmax", "wsm/scale#2"]
    t = tables.comparison_table(rankings, tiny)
    assert t.columns.is_unique


def test_comparison_refuses_rankings_of_different_problems(tiny: Catalog) -> None:
    a = rank_catalog(tiny)
    b = rank_catalog(tiny, options=["liaison", "summits"])
    with pytest.raises(ValueError, match="same options"):
        tables.comparison_table([a, b], tiny)
    with pytest.raises(ValueError, match="at least one"):
        tables.comparison_table([], tiny)


def test_quotes_table_holds_every_quote_with_its_citation(tiny: Catalog) -> None:
    q = tables.quotes_table(tiny)
    assert list(q.columns) == list(tables.QUOTE_COLUMNS)
    expected = [
        (label, quote) for label, quote in iter_quotes(tiny) if not label.startswith("preset")
    ]
    assert len(q) == len(expected)
    assert sorted(q["quote"]) == sorted(quote.text for _, quote in expected)
    for row in q.itertuples(index=False):
        assert row.citation == tiny.sources_by_id[row.source].citation
    scores = q[q["where"] == "score"]
    assert set(scores["stance"]) == {"supports"}
    assert all(r.startswith("Test rationale for") for r in scores["rationale"])
    assert set(q[q["where"] == "option"]["criterion"]) == {""}
    with_preset = tables.quotes_table(tiny, preset="hawk")
    assert len(with_preset) == len(q) + len(tiny.presets_by_id["hawk"].quotes)
    assert list(with_preset[with_preset["where"] == "preset"]["preset"]) == ["hawk"]


def test_quotes_table_follows_the_given_option_order(tiny: Catalog) -> None:
    order = ["two-plus-two", "liaison"]
    q = tables.quotes_table(tiny, order, ["deterrence"])
    assert list(dict.fromkeys(q[q["option"] != ""]["option"])) == order
    assert set(q["criterion"]) - {""} == {"deterrence"}


def _fake_smaa(n: int, m: int) -> SimpleNamespace:
    acc = np.zeros((n, n))
    acc[:, :] = 1.0 / n
    acc[1] = [0.7, 0.3] + [0.0] * (n - 2)
    acc[0] = [0.3 / (n - 1)] * n
    central = np.full((n, m), 1.0 / m)
    central[n - 1] = np.nan
    return SimpleNamespace(
        rank_acceptability=acc, confidence=np.linspace(1, 0, n), central_weights=central
    )


def test_smaa_table_one_row_per_option_sorted_by_first_rank(tiny: Catalog) -> None:
    ids = list(tiny.option_ids)
    res = _fake_smaa(len(ids), len(tiny.criteria))
    t = tables.smaa_table(res, ids, tiny)
    n = len(ids)
    assert list(t.columns) == [
        "option",
        "title",
        "first",
        *[f"rank {k}" for k in range(1, n + 1)],
        "confidence",
    ]
    assert t["option"].iloc[0] == ids[1] and t["first"].iloc[0] == pytest.approx(0.7)
    assert list(t["first"]) == sorted(t["first"], reverse=True)
    assert (t["first"] == t["rank 1"]).all()
    assert t.set_index("option").loc[ids[0], "title"] == tiny.options_by_id[ids[0]].title
    with pytest.raises(ValueError, match="does not match"):
        tables.smaa_table(res, ids[:2], tiny)


def test_smaa_table_of_a_real_run_sums_to_one(tiny: Catalog) -> None:
    p = to_problem(tiny)
    res = robustness.smaa(
        p.matrix, p.types, normalization="scale", samples=2_000, seed=3, bounds=p.bounds
    )
    t = tables.smaa_table(res, p.option_ids, tiny)
    ranks = t[[f"rank {k}" for k in range(1, len(p.option_ids) + 1)]]
    np.testing.assert_allclose(ranks.sum(axis=1), 1.0)
    np.testing.assert_allclose(ranks.sum(axis=0), 1.0)


def test_report_gathers_every_part_with_its_stamp(tiny: Catalog, make_report) -> None:
    rep = make_report(tiny, ("wsm", "vikor"), preset="hawk")
    m = rep.metadata
    assert m["profile"] == "preset hawk"
    assert m["weights_given"] == {"feasibility": 1.0, "deterrence": 6.0, "backlash": 1.0}
    assert sum(m["weights"].values()) == pytest.approx(1.0)
    assert [x["method"] for x in m["methods"]] == ["wsm", "vikor"]
    assert m["methods"][1]["normalization"] == "none"
    assert (
        re.fullmatch(r"[0-9a-f]{12}", m["catalog_fingerprint"])
        and m["catalog_fingerprint"] == tiny.short_fingerprint
    )
    assert m["policybench_version"] == __version__
    assert m["generated_at"] == "2025-01-31T09:30:00Z"
    assert [p.label for p in rep.rankings] == ["wsm", "vikor"]
    assert list(rep.criteria["criterion"]) == list(tiny.criterion_ids)
    assert (rep.quotes["where"] == "preset").sum() == 1
    assert [c.name for c in rep.charts] == ["ranking"]
    assert rep.charts[0].spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert rep.section("smaa") is None


def test_report_without_charts_skips_altair_work(tiny: Catalog, make_report) -> None:
    assert make_report(tiny, charts=False).charts == ()


def test_utc_timestamp_is_iso_8601_utc() -> None:
    from datetime import datetime, timedelta, timezone

    when = datetime(2025, 3, 4, 5, 6, 7, 891, tzinfo=timezone(timedelta(hours=9)))
    assert utc_timestamp(when) == "2025-03-03T20:06:07Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", utc_timestamp())


def test_building_a_report_mutates_nothing(tiny: Catalog) -> None:
    rankings = [rank_catalog(tiny, method=m) for m in ("wsm", "topsis")]
    before = [
        (
            r.scores.copy(),
            r.ranks.copy(),
            r.weights.copy(),
            dict(r.params),
            None if r.contributions is None else r.contributions.copy(),
        )
        for r in rankings
    ]
    cat_before = copy.deepcopy([o.model_dump() for o in tiny.options])
    build_report(tiny, rankings, timestamp="2025-01-01T00:00:00Z")
    for r, (s, k, w, p, c) in zip(rankings, before, strict=True):
        np.testing.assert_array_equal(r.scores, s)
        np.testing.assert_array_equal(r.ranks, k)
        np.testing.assert_array_equal(r.weights, w)
        assert dict(r.params) == p
        if c is not None:
            np.testing.assert_array_equal(r.contributions, c)
    assert [o.model_dump() for o in tiny.options] == cat_before


def test_smaa_section_orders_central_weights_like_the_table(tiny: Catalog) -> None:
    ids = list(tiny.option_ids)
    res = _fake_smaa(len(ids), len(tiny.criteria))
    s = smaa_section(
        res, ids, tiny.criterion_ids, tiny, method="wsm", normalization="scale", samples=10, seed=0
    )
    acc, central = (t for _, t in s.tables)
    assert list(acc["option"]) == list(central["option"])
    assert central.set_index("option").loc[ids[-1]].isna().all()  # never first: no central weights
    assert s.about == {
        "method": "wsm",
        "normalization": "scale",
        "samples": 10,
        "seed": 0,
        "weights": "simplex",
        "uncertain_scores": False,
    }
    assert [c.name for c in s.charts] == ["smaa"]


WORKSHOP = [
    {"feasibility": 1, "deterrence": 5, "backlash": 1},
    {"feasibility": 4, "deterrence": 1, "backlash": 2},
    {"feasibility": 2, "deterrence": 2, "backlash": 2},
]


def test_group_section_combines_weights_and_rankings(tiny: Catalog) -> None:
    section, combined = group_section(
        tiny,
        title="Seminar",
        option_ids=tiny.option_ids,
        criterion_ids=tiny.criterion_ids,
        weights=WORKSHOP,
        reasons=[{"deterrence": "North Korea first"}, {}, {}],
    )
    shares = np.array([[r[c] for c in tiny.criterion_ids] for r in WORKSHOP], dtype=float)
    shares /= shares.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(list(combined.values()), shares.mean(axis=0))
    parts = dict(section.tables)
    assert set(parts) == {
        "Group ranking",
        "Weight spread",
        "Disagreement drivers",
        "Participants",
        "Reasons",
    }
    ranking = parts["Group ranking"]
    assert list(ranking["borda rank"]) == sorted(ranking["borda rank"])
    assert ranking["first for"].sum() >= len(WORKSHOP)  # ties at the top count for each
    assert list(parts["Participants"]["participant"]) == [
        "participant 1",
        "participant 2",
        "participant 3",
    ]
    assert parts["Reasons"].to_dict(orient="records") == [
        {"participant": "participant 1", "criterion": "deterrence", "reason": "North Korea first"}
    ]
    spread = parts["Weight spread"]
    assert list(spread["std"]) == sorted(spread["std"], reverse=True)
    assert 0 <= section.about["kendall_w"] <= 1
    assert [c.name for c in section.charts] == ["group-weights", "group-ranks"]


def test_group_section_names_participants_only_when_asked(tiny: Catalog) -> None:
    section, _ = group_section(
        tiny,
        title="S",
        option_ids=tiny.option_ids,
        criterion_ids=tiny.criterion_ids,
        weights=WORKSHOP[:2],
        names=["ana", "bob"],
        charts=False,
    )
    assert list(dict(section.tables)["Participants"]["participant"]) == ["ana", "bob"]
    assert section.charts == ()


def test_group_section_needs_a_submission(tiny: Catalog) -> None:
    with pytest.raises(ValueError, match="no submissions"):
        group_section(
            tiny,
            title="S",
            option_ids=tiny.option_ids,
            criterion_ids=tiny.criterion_ids,
            weights=[],
        )


def test_group_section_with_one_participant_has_no_agreement(tiny: Catalog) -> None:
    section, _ = group_section(
        tiny,
        title="S",
        option_ids=tiny.option_ids,
        criterion_ids=tiny.criterion_ids,
        weights=WORKSHOP[:1],
        charts=False,
    )
    assert section.about["kendall_w"] is None
    assert "Disagreement drivers" not in dict(section.tables)


def test_tables_are_plain_dataframes(tiny: Catalog, make_report) -> None:
    rep = make_report(tiny)
    for df in (rep.comparison, rep.quotes, rep.criteria, *(p.table for p in rep.rankings)):
        assert isinstance(df, pd.DataFrame) and df.columns.is_unique


@pytest.mark.parametrize(
    "module",
    [
        "policybench.export.tables",
        "policybench.export.report",
        "policybench.export.report_charts",
        "policybench.export.writers",
        "policybench.cli_export",
    ],
)
def test_exports_never_load_streamlit_or_the_store(module: str) -> None:
    import subprocess
    import sys

    code = f"import sys, {module}; bad = {{'streamlit', 'sqlalchemy'}} & set(sys.modules); assert not bad, bad"
    subprocess.run([sys.executable, "-c", code], check=True)
