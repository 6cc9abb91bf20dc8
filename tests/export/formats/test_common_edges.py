"""Edges of what the formats share (src/policybench/export/formats/common.py) that mutation
testing found unguarded (docs/TESTING.md): a comparison of perspectives' headings, column
names and stamp, a method's parameters, what the screen set aside, the columns' names and
how their numbers are shown, and the stamp's values (not ASCII, missing, a mapping, a
boolean). Each test names the mutant it kills (mutmut's names, under
``policybench.export.formats.common.``)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable

import openpyxl
import pytest

from policybench.analysis.rank import rank_catalog
from policybench.analysis.screen import select
from policybench.catalog import Catalog, parse_requirement
from policybench.export.compare import compare_report, perspective
from policybench.export.formats import xlsx
from policybench.export.formats.common import (
    about_items,
    bands,
    format_value,
    header,
    kind,
    metadata_items,
    part_title,
    stamp_text,
)
from policybench.export.report import Report, build_report, smaa_section

from ..conftest import FIXED_TIME, FakeSMAA


@pytest.fixture(scope="module")
def compared(tiny: Catalog) -> Report:
    hawk = perspective(tiny, tiny.presets_by_id["hawk"].weights, "hawk")
    equal = perspective(tiny, tiny.presets_by_id["equal"].weights, "equal")
    return compare_report(tiny, [hawk, equal], timestamp=FIXED_TIME, charts=False)


def test_a_perspectives_ranking_is_headed_by_its_own_title_alone(compared: Report) -> None:
    """``part_title`` 2: a perspective's title already names it and its method; prefixing
    the perspective's name again would read "Deterrence first (preset) — Deterrence first
    (preset): wsm (scale)"."""
    assert [part_title(compared, p) for p in compared.rankings] == [
        "Deterrence first (preset): wsm (scale)",
        "Equal weights (preset): wsm (scale)",
    ]
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.render(compared)))["Ranking"]
    heads = [c.value for c in ws[1] if c.value]
    assert heads == [
        "Deterrence first (preset): wsm (scale)",
        "Equal weights (preset): wsm (scale)",
    ]


def test_a_comparisons_stamp_opens_with_the_perspectives(compared: Report) -> None:
    """``metadata_items`` 6: the first label says what the weights are."""
    assert metadata_items(compared)[0] == (
        "perspectives",
        "Deterrence first (preset) against Equal weights (preset)",
    )
    assert "perspectives: Deterrence first (preset) against Equal weights (preset)\n" in (
        stamp_text(compared)
    )
    assert dict(metadata_items(compared))["options"] == "4"  # ``metadata_items`` 131


def test_a_comparisons_columns_are_named_after_its_perspectives(compared: Report) -> None:
    """``prefix_names`` 10 (the perspectives read from the stamp) and ``header`` 40 (a weight
    column): the CSV's and the workbook's headers name each perspective as people read it."""
    assert header(compared, "hawk:rank") == "Deterrence first (preset): rank"
    assert header(compared, "equal:score") == "Equal weights (preset): score"
    assert header(compared, "weight:hawk") == "Weight: Deterrence first (preset)"
    assert bands(compared)[1:3] == [
        ("Deterrence first (preset)", [("hawk:score", "Score"), ("hawk:rank", "Rank")]),
        ("Equal weights (preset)", [("equal:score", "Score"), ("equal:rank", "Rank")]),
    ]


def test_a_criterions_weight_column_is_named_after_the_criterion(report: Report) -> None:
    """``header`` 40: ``weight:<criterion>`` (SMAA's central weights, a participant's
    weights)."""
    assert header(report, "weight:deterrence") == "Deterrence: weight"
    assert header(report, "weight:backlash") == "Chinese backlash: weight"


def test_a_rank_is_shown_whole_even_when_held_as_a_float() -> None:
    """``kind`` 4, 10, 11: a ``rank`` column, or one ending in " rank" (the group ranking's),
    of floats (a table with a missing rank is one) still reads "3", not "3.000"."""
    assert kind("rank") == kind("group weights rank") == kind("wsm:rank") == "rank"
    assert [format_value("rank", v) for v in (3.0, 1, float("nan"))] == ["3", "1", ""]
    assert format_value("group weights rank", 2.0) == "2"


def test_other_columns_are_named_from_their_ids(report: Report) -> None:
    """``header`` 82 (a SMAA rank column, one digit or two) and 92 (the fallback starts with
    a capital)."""
    assert header(report, "rank 3") == "Rank 3 (share)"
    assert header(report, "rank 12") == "Rank 12 (share)"
    assert header(report, "group weights rank") == "Group weights rank"
    assert header(report, "seats_won") == "Seats won"


def test_a_participants_rank_of_an_option_is_named_after_the_option(report: Report) -> None:
    """``header`` 45, 46: the workshop's Participants table has a ``rank:<option>`` column
    per option."""
    participants = dict(report.section("group").tables)["Participants"]  # type: ignore[union-attr]
    ranks = [c for c in participants.columns if c.startswith("rank:")]
    assert len(ranks) == 4
    assert header(report, "rank:liaison") == "Liaison officers: rank"
    assert header(report, "rank:two-plus-two") == "A 2+2 meeting: rank"


def test_a_mapping_of_numbers_in_a_stamp_reads_as_pairs(report: Report) -> None:
    """``about_text`` 17: the group's weights in the workshop's stamp, ", " between pairs."""
    about = dict(about_items(report.section("group").about))  # type: ignore[union-attr]
    assert about["group weights"] == "feasibility=0.357, deterrence=0.429, backlash=0.214"


def test_a_missing_stamp_value_reads_n_a() -> None:
    """``about_text`` 5: nothing (None, or a NaN such as Kendall's W of one participant)."""
    assert about_items({"kendall_w": float("nan"), "kendall_w_p_value": None}) == [
        ("kendall_w", "n/a"),
        ("kendall_w_p_value", "n/a"),
    ]


def test_a_method_that_comes_twice_is_named_with_its_normalisation(tiny: Catalog) -> None:
    """``prefix_names`` 34: two weighted sums are told apart by their titles."""
    rankings = [rank_catalog(tiny, method="wsm", normalization=n) for n in ("scale", "minmax")]
    rep = build_report(tiny, rankings, timestamp=FIXED_TIME, charts=False)
    assert [b for b, _ in bands(rep)][-2:] == ["wsm (scale)", "wsm (minmax)"]
    assert header(rep, "wsm/minmax:rank") == "wsm (minmax): rank"


def test_the_stamp_file_opens_with_the_title_and_a_blank_line(compared: Report) -> None:
    """``stamp_text`` 3."""
    assert stamp_text(compared).startswith(
        f"{compared.title}\n\nperspectives: Deterrence first (preset) against Equal weights"
    )


def test_a_methods_parameters_are_listed_comma_separated(tiny: Catalog) -> None:
    """``metadata_items`` 25: every parameter of the method, as JSON values, ", " between."""
    ranking = rank_catalog(tiny, method="promethee2", preference="linear", q=1.0, p=3.0)
    rep = build_report(tiny, [ranking], timestamp=FIXED_TIME, charts=False)
    label, text = metadata_items(rep)[1]
    assert label == "method"
    assert text.endswith('; parameters: p=3.0, preference="linear", q=1.0')


def test_the_stamp_names_each_option_the_screen_set_aside(
    tiny: Catalog, make_report: Callable[..., Report]
) -> None:
    """``metadata_items`` 111 (the key read) and 119 (the title shown): the option by title
    and id, with the requirement it failed."""
    screen = select(tiny, [parse_requirement("backlash<=5", tiny)], everything=True)
    rep = make_report(tiny, ("wsm",), selection=screen)
    items = dict(metadata_items(rep))
    assert items["screen"] == "backlash<=5"
    assert items["set aside by the screen"] == "Liaison officers [liaison]: backlash 6 > 5"
    plain = dict(metadata_items(make_report(tiny, ("wsm",))))
    assert plain["set aside by the screen"] == "none"


def test_the_stamp_lists_every_option_set_aside_and_every_requirement_it_failed(
    tiny: Catalog, make_report: Callable[..., Report]
) -> None:
    """``metadata_items`` 118 (``"; "`` between options) and 125 (the failed requirements
    read), with two options set aside, one of them by two requirements."""
    screen = select(
        tiny,
        [parse_requirement("backlash<=3", tiny), parse_requirement("feasibility>=6", tiny)],
        everything=True,
    )
    items = dict(metadata_items(make_report(tiny, ("wsm",), selection=screen)))
    assert items["screen"] == "backlash<=3, feasibility>=6"
    assert items["options in play"] == (  # ``metadata_items`` 93
        "2: every option (packages, their components and described options too)"
    )
    assert items["set aside by the screen"] == (
        "Liaison officers [liaison]: backlash 6 > 3, feasibility 4 < 6; "
        "A 2+2 meeting [two-plus-two]: backlash 5 > 3"
    )


def test_each_methods_score_column_is_headed_score(report: Report) -> None:
    """``bands`` 81: ``wsm:total`` and ``topsis:total`` are each method's score."""
    banded = dict(bands(report))
    assert banded["Weighted sum"][-2:] == [("wsm:total", "Score"), ("wsm:rank", "Rank")]
    assert banded["TOPSIS"] == [("topsis:total", "Score"), ("topsis:rank", "Rank")]


def test_a_column_the_names_do_not_know_keeps_its_own_name(report: Report) -> None:
    """``bands`` 30, 31: an option column without a plain name (one a later table adds) is
    headed by its id, never left blank."""
    extra = dataclasses.replace(report, comparison=report.comparison.assign(votes=1))
    assert bands(extra)[-1] == ("Option", [("votes", "votes")])
    assert bands(extra)[0][1][:2] == [("option", "Option id"), ("title", "Option")]


def test_a_stamp_value_keeps_its_dashes_and_accents(tiny: Catalog) -> None:
    """``about_text`` 22: a value written as JSON (SMAA's weights around a profile) keeps
    "Japan–ROK" and "détente" as typed, not ``\\u2013`` escapes."""
    section = smaa_section(
        FakeSMAA(len(tiny.options), len(tiny.criteria)),
        tiny.option_ids,
        tiny.criterion_ids,
        tiny,
        method="wsm",
        normalization="scale",
        samples=1000,
        seed=0,
        weights={"around": "profile Japan–ROK détente", "delta": 0.1},
        charts=False,
    )
    about = dict(about_items(section.about))
    assert about["weights"] == '{"around": "profile Japan–ROK détente", "delta": 0.1}'
    assert about["uncertain_scores"] == "no"  # ``about_text`` 10: a boolean in words
