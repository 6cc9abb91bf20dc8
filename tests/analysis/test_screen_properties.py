"""Screening as a property: screening then ranking equals ranking the survivors, on the
shipped catalog, for any requirements (src/policybench/analysis/screen.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policybench.analysis.rank import rank_catalog
from policybench.analysis.screen import select
from policybench.catalog import Catalog, Requirement, load
from policybench.errors import InputError

SHIPPED = Path(__file__).resolve().parents[2] / "options"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load(SHIPPED)


requirements = st.lists(
    st.builds(
        lambda c, at_least, v: Requirement(
            criterion=c, **({"at_least": v} if at_least else {"at_most": v})
        ),
        st.sampled_from(
            ["achievability", "deterrence", "escalation_risk", "early_gains", "economic"]
        ),
        st.booleans(),
        st.integers(0, 10).map(float),
    ),
    max_size=3,
)


@given(reqs=requirements)
def test_screening_then_ranking_equals_ranking_the_survivors(
    shipped: Catalog, reqs: list[Requirement]
) -> None:
    try:
        chosen = select(shipped, reqs, everything=True, default_screen=False)
    except InputError:  # fewer than two left: said plainly, tested in test_screen.py
        return
    kept = set(chosen.options)
    for s in chosen.screened_out:
        assert s.failed and s.option not in kept
    for oid in chosen.options:  # every survivor meets every requirement
        scores = shipped.options_by_id[oid].scores
        assert all(r.failure(scores[r.criterion].value) is None for r in reqs)
    assert kept | {s.option for s in chosen.screened_out} == set(shipped.option_ids)
    # on the catalog's fixed scales, the survivors keep their order and their scores
    whole = rank_catalog(shipped)
    part = rank_catalog(shipped, options=chosen.options)
    full_scores = dict(zip(whole.option_ids, whole.scores, strict=True))
    for oid, score in zip(part.option_ids, part.scores, strict=True):
        assert score == pytest.approx(full_scores[oid], abs=1e-12)
    order_whole = [whole.option_ids[i] for i in whole.order() if whole.option_ids[i] in kept]
    assert [part.option_ids[i] for i in part.order()] == order_whole
