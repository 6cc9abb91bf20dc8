"""Which options are in play (src/policybench/analysis/screen.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from policybench.analysis.screen import candidates, select
from policybench.catalog import Requirement, load, parse_requirement
from policybench.errors import InputError

# tiny catalog: feasibility status-quo 9, summits 7, two-plus-two 6, liaison 4;
#               backlash (a cost) status-quo 2, summits 3, two-plus-two 5, liaison 6


def test_the_default_set_leaves_out_components_and_all_brings_them_in(
    packaged_catalog: Path,
) -> None:
    cat = load(packaged_catalog)
    assert candidates(cat) == ("status-quo", "liaison", "summits")
    assert set(candidates(cat, everything=True)) == set(cat.option_ids)


def test_the_default_screen_sets_options_aside_with_the_reason(
    packaged_catalog: Path,
) -> None:
    cat = load(packaged_catalog)
    chosen = select(cat)
    assert chosen.options == ("status-quo", "summits")
    assert [(s.option, s.failed) for s in chosen.screened_out] == [
        ("liaison", ("feasibility 4 < 5",))
    ]
    assert chosen.expressions == ("feasibility>=5",)
    off = select(cat, default_screen=False)
    assert off.options == ("status-quo", "liaison", "summits") and not off.screened_out


def test_every_failed_requirement_is_listed(tiny_options: Path) -> None:
    cat = load(tiny_options)
    reqs = [parse_requirement("feasibility>=5", cat), parse_requirement("backlash<=4", cat)]
    chosen = select(cat, reqs, everything=True)
    assert chosen.options == ("status-quo", "summits")
    failed = {s.option: s.failed for s in chosen.screened_out}
    assert failed == {
        "liaison": ("feasibility 4 < 5", "backlash 6 > 4"),
        "two-plus-two": ("backlash 5 > 4",),
    }


def test_screening_then_ranking_equals_ranking_the_survivors(tiny_options: Path) -> None:
    from policybench import mcda
    from policybench.catalog import to_problem

    cat = load(tiny_options)
    chosen = select(cat, [parse_requirement("backlash<=5", cat)], everything=True)
    whole = to_problem(cat)
    part = to_problem(cat, options=chosen.options)
    s_whole = mcda.score(whole.matrix, whole.weights, whole.types, normalization="scale")
    s_part = mcda.score(part.matrix, part.weights, part.types, normalization="scale")
    for i, oid in enumerate(chosen.options):
        assert s_part[i] == pytest.approx(s_whole[whole.option_ids.index(oid)])


def test_a_screen_that_leaves_too_little_says_so_plainly(tiny_options: Path) -> None:
    cat = load(tiny_options)
    with pytest.raises(InputError, match=r"feasibility>=8 leaves only 'status-quo' to rank.*relax"):
        select(cat, [parse_requirement("feasibility>=8", cat)])
    with pytest.raises(InputError, match="unknown criterion 'vibes'"):
        select(cat, [Requirement(criterion="vibes", at_least=1)])
