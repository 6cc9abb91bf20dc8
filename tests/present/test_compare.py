"""policybench.present.compare: the Compare page's tables, checked against the engine."""

from __future__ import annotations

import pytest

from policybench import mcda
from policybench.analysis.rank import compare_methods, rank_catalog
from policybench.present import compare
from policybench.present.labels import method_title

from .conftest import EQUAL, HAWK


def test_rank_shift_and_its_table(cat) -> None:
    shift = compare.rank_shift(cat, [("Hawk", HAWK), ("Equal", EQUAL)])
    hawk, equal = rank_catalog(cat, HAWK).rank_map, rank_catalog(cat, EQUAL).rank_map
    for row in shift.itertuples():
        assert row.rank == (hawk if row.profile == "Hawk" else equal)[row.option_id]
        assert row.shift == hawk[row.option_id] - equal[row.option_id]
    wide = compare.shift_table(shift)
    assert list(wide.columns) == ["option_id", "option", "Hawk", "Equal", "change"]
    assert wide["Equal"].is_monotonic_increasing
    same = compare.rank_shift(cat, [("A", HAWK), ("A", EQUAL)])
    assert set(same["profile"]) == {"A", "A (2)"}
    with pytest.raises(ValueError):
        compare.rank_shift(cat, [("A", HAWK)])


def test_head_to_head(cat) -> None:
    h = compare.head_to_head(cat, ["summits", "liaison"])
    assert len(h) == 2 * 3
    row = h[(h["option_id"] == "summits") & (h["criterion_id"] == "feasibility")].iloc[0]
    assert (row["value"], row["low"], row["high"]) == (7, 6, 8)
    wide = compare.head_to_head_table(h)
    assert wide.loc[wide["criterion"] == "Feasibility", "Regular summits"].item() == "7 (6–8)"


def test_method_ranks_and_tau(cat) -> None:
    agreement = compare_methods(cat, HAWK)
    table = compare.method_ranks(cat, agreement)
    for k, m in enumerate(agreement.methods):
        got = dict(zip(table["option_id"], table[method_title(m)], strict=True))
        assert got == dict(zip(agreement.option_ids, map(int, agreement.ranks[k]), strict=True))
    tau = compare.tau_matrix(agreement)
    assert len(tau) == len(mcda.METHODS) ** 2
    assert (tau[tau["a"] == tau["b"]]["tau"] == 1).all()
