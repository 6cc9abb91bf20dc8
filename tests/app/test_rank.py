"""The Rank page and the app's shared state, through streamlit.testing (tiny catalog)."""

from __future__ import annotations

from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest

from policybench import catalog, mcda
from policybench.ui import state
from policybench.ui.components.weight_controls import ZERO_MESSAGE
from support import controls


def ranking(at) -> pd.DataFrame:
    """The ranking table on the Rank page."""
    for df in at.dataframe:
        value = df.value
        if {"rank", "option", "score", "move"} <= set(value.columns):
            return value
    raise AssertionError("no ranking table on the page")


def expected(options_dir, weights: dict[str, float], method: str = "wsm") -> pd.DataFrame:
    """What policybench.mcda computes for the same catalog and weights (app defaults), as the
    table shows it: VIKOR's score (−Q) as 1 − Q, so that higher is better from 0 up."""
    cat = catalog.load(options_dir)
    p = catalog.to_problem(cat, weights)
    norm = mcda.METHODS[method].catalog_normalization
    scores = mcda.score(p.matrix, p.weights, p.types, method, norm)
    shown = scores + (1.0 if method == "vikor" else 0.0)
    return pd.DataFrame({"option": p.option_ids, "score": shown, "rank": mcda.rank(scores)})


def assert_matches(table: pd.DataFrame, want: pd.DataFrame) -> None:
    got = table.set_index("option").sort_index()
    exp = want.set_index("option").sort_index()
    assert list(got.index) == list(exp.index)
    np.testing.assert_array_equal(got["rank"].to_numpy(), exp["rank"].to_numpy())
    np.testing.assert_allclose(
        got["score"].to_numpy(dtype=float), exp["score"].to_numpy(dtype=float), rtol=0, atol=1e-12
    )
    ranks = table["rank"].to_numpy()
    assert (np.diff(ranks) >= 0).all(), "the table is sorted by rank"


def test_landing_page_ranks_as_mcda_with_equal_weights(make_app, tiny_options) -> None:
    at = make_app().run()
    assert not at.exception
    assert at.title[0].value == "Rank the options"
    assert [s.value for s in controls.weight_sliders(at)] == [10.0, 10.0, 10.0]
    assert_matches(
        ranking(at), expected(tiny_options, {"feasibility": 1, "deterrence": 1, "backlash": 1})
    )
    assert len(at.get("vega_lite_chart")) == 1
    assert [m.value for m in at.markdown if m.value.startswith("**") and "%" in m.value] == [
        "**33.3\u00a0%**"
    ] * 3


def test_moving_a_slider_reranks_exactly_as_mcda(make_app, tiny_options) -> None:
    at = make_app().run()
    before = ranking(at)
    controls.slider(at, "deterrence").set_value(20.0).run()
    assert not at.exception
    after = ranking(at)
    assert_matches(
        after, expected(tiny_options, {"feasibility": 10, "deterrence": 20, "backlash": 10})
    )
    assert list(after["option"]) != list(before["option"])
    # the share beside each slider follows: 10/40, 20/40, 10/40
    shares = [m.value for m in at.markdown if m.value.startswith("**") and "%" in m.value]
    assert shares == ["**25.0\u00a0%**", "**50.0\u00a0%**", "**25.0\u00a0%**"]
    # arrows show the move since the last change
    moved = dict(zip(after["option"], after["move"], strict=True))
    old = dict(zip(before["option"], before["rank"], strict=True))
    new = dict(zip(after["option"], after["rank"], strict=True))
    for oid, arrow in moved.items():
        delta = old[oid] - new[oid]
        assert arrow == ("=" if delta == 0 else f"▲ {delta}" if delta > 0 else f"▼ {-delta}")


@pytest.mark.parametrize("method", list(mcda.METHODS))
def test_every_method_ranks_as_mcda(make_app, tiny_options, method: str) -> None:
    at = make_app().run()
    controls.choose_method(at, method)
    controls.slider(at, "backlash").set_value(3.0).run()
    assert not at.exception
    assert_matches(
        ranking(at),
        expected(tiny_options, {"feasibility": 10, "deterrence": 10, "backlash": 3}, method),
    )
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    if method != "wsm":
        assert any("additive model only" in m.value for m in at.markdown)


def test_a_preset_sets_the_sliders(make_app, tiny_options) -> None:
    at = make_app().run()
    controls.preset_picker(at).set_value("hawk").run()
    assert not at.exception
    assert {s.key: s.value for s in controls.weight_sliders(at)} == {
        state.widget_key(state.SLIDER + cid, at.session_state): value
        for cid, value in {"feasibility": 1.0, "deterrence": 6.0, "backlash": 1.0}.items()
    }
    assert at.query_params["preset"] == "hawk"
    assert_matches(
        ranking(at), expected(tiny_options, {"feasibility": 1, "deterrence": 6, "backlash": 1})
    )
    # moving a slider makes the weights custom
    controls.slider(at, "backlash").set_value(2.0).run()
    assert controls.preset_picker(at).value == state.CUSTOM
    assert "preset" not in at.query_params
    assert at.query_params["weights"] == "feasibility:1,deterrence:6,backlash:2"


def test_reset_restores_equal_weights(make_app) -> None:
    at = make_app().run()
    controls.slider(at, "deterrence").set_value(3.0).run()
    controls.choose_method(at, "topsis")
    at.button(key="pb.reset").click().run()
    assert [s.value for s in controls.weight_sliders(at)] == [10.0, 10.0, 10.0]
    assert controls.method_picker(at).value == "wsm"


def test_the_url_round_trips(make_app, tiny_options) -> None:
    at = make_app().run()
    controls.choose_method(at, "topsis")
    controls.slider(at, "deterrence").set_value(17.0).run()
    controls.slider(at, "backlash").set_value(4.0).run()
    params = {k: str(v) for k, v in at.query_params.items()}
    assert params == {"method": "topsis", "weights": "feasibility:10,deterrence:17,backlash:4"}
    table = ranking(at)

    again = make_app(params=params).run()
    assert not again.exception
    assert not again.warning, "a link the app made itself raises no note"
    assert [s.value for s in controls.weight_sliders(again)] == [10.0, 17.0, 4.0]
    assert controls.method_picker(again).value == "topsis"
    pd.testing.assert_frame_equal(ranking(again).drop(columns="move"), table.drop(columns="move"))


def test_a_preset_link_opens_the_preset(make_app, tiny_options) -> None:
    at = make_app(params={"preset": "hawk", "method": "vikor"}).run()
    assert [s.value for s in controls.weight_sliders(at)] == [1.0, 6.0, 1.0]
    assert controls.preset_picker(at).value == "hawk"
    assert_matches(
        ranking(at),
        expected(tiny_options, {"feasibility": 1, "deterrence": 6, "backlash": 1}, "vikor"),
    )


def test_a_page_link_opens_that_page(make_app) -> None:
    at = make_app(params={"page": "criteria", "preset": "hawk"}).run()
    assert not at.exception
    assert at.title[0].value == "The criteria"
    assert "page" not in at.query_params


def test_bad_link_parameters_are_ignored_with_a_note(make_app) -> None:
    params = {
        "method": "<b>nope</b>",
        "preset": "zzz",
        "weights": "bogus:3,deterrence:abc,feasibility:99,backlash:2.2,nonsense",
        "page": "nowhere",
    }
    at = make_app(params=params).run()
    assert not at.exception
    assert not at.error
    note = " ".join(w.value for w in at.warning)
    for fragment in (
        "method",
        "unknown",
        "zzz",
        "bogus",
        "abc",
        "between 0 and 20",
        "rounded",
        "nowhere",
    ):
        assert fragment in note.replace("\\", ""), fragment
    assert "<b>" not in note, "link text is escaped"
    assert at.session_state[state.METHOD] == "wsm"
    assert not controls.advanced(at).value, "the weighted sum needs no advanced choice"
    assert [s.value for s in controls.weight_sliders(at)] == [10.0, 10.0, 2.0]
    # the note shows once
    at.run()
    assert not at.warning


def test_all_zero_weights_show_a_message_not_an_error(make_app) -> None:
    at = make_app().run()
    for cid in ("feasibility", "deterrence", "backlash"):
        controls.slider(at, cid).set_value(0.0).run()
    assert not at.exception
    assert not at.error
    assert [w.value for w in at.warning] == [
        ZERO_MESSAGE,
        ZERO_MESSAGE,
    ]  # beside the sliders and in the page
    assert [m.value for m in at.markdown if m.value.startswith("**") and "%" in m.value] == []
    assert not at.dataframe
    controls.slider(at, "backlash").set_value(5.0).run()
    assert not at.warning
    assert ranking(at)["rank"].tolist()


def test_group_filter_hides_options_but_keeps_their_ranks(make_app) -> None:
    at = make_app().run()
    full = ranking(at)
    at.button_group[0].set_value(["dialogue"]).run()
    shown = ranking(at)
    assert set(shown["option"]) == {"liaison", "summits", "two-plus-two"}
    ranks = dict(zip(full["option"], full["rank"], strict=True))
    assert all(ranks[o] == r for o, r in zip(shown["option"], shown["rank"], strict=True))
    at.button_group[0].set_value([]).run()
    assert any("No group is selected" in i.value for i in at.info)


def test_arrows_against_a_preset(make_app, tiny_options) -> None:
    at = make_app().run()
    at.selectbox(key="pb.rank.compare").set_value("hawk").run()
    table = ranking(at)
    hawk = expected(tiny_options, {"feasibility": 1, "deterrence": 6, "backlash": 1}).set_index(
        "option"
    )["rank"]
    for oid, rank, arrow in zip(table["option"], table["rank"], table["move"], strict=True):
        delta = int(hawk[oid]) - int(rank)
        assert arrow == ("=" if delta == 0 else f"▲ {delta}" if delta > 0 else f"▼ {-delta}")


def test_footer_shows_fingerprint_and_version(make_app, tiny_options) -> None:
    from policybench import __version__

    at = make_app().run()
    fp = catalog.load(tiny_options).short_fingerprint
    footer = [m.value for m in at.sidebar.markdown][-1].replace("\\", "")
    assert footer == f":small[Catalog {fp} · policybench {__version__}]"


def test_weights_follow_the_user_across_pages(make_app) -> None:
    at = make_app().run()
    controls.slider(at, "deterrence").set_value(4.0).run()
    controls.choose_method(at, "promethee2")
    at.switch_page("screens/evidence.py").run()
    assert not controls.weight_sliders(at)  # the Evidence page has no weights
    at.switch_page("screens/robustness.py").run()
    assert [s.value for s in controls.weight_sliders(at)] == [10.0, 4.0, 10.0]
    assert controls.method_picker(at).value == "promethee2"
    assert at.query_params["weights"] == "feasibility:10,deterrence:4,backlash:10"


def test_controls_the_server_changes_are_drawn_afresh_so_a_stale_value_cannot_choose(
    make_app,
) -> None:
    """A browser may still send the preset picker's old value ("Equal weights") with the next
    slider move; the picker is re-keyed whenever the server changes it, so that old value
    belongs to a widget that no longer exists and cannot re-apply the preset."""
    at = make_app().run()
    picker_keys = lambda: [s.key for s in at.selectbox if s.key.startswith(state.PRESET_PICKER)]  # noqa: E731
    # the user's own choice keeps its widget (and its keyboard focus) ...
    first = picker_keys()
    slider_key = controls.slider(at, "deterrence").key
    controls.preset_picker(at).set_value("hawk").run()
    assert picker_keys() == first
    # ... while the sliders the preset set are drawn afresh, at the preset's values
    assert slider_key not in {s.key for s in controls.weight_sliders(at)}
    assert controls.slider(at, "deterrence").value == 6.0
    # a slider moved: hawk → custom, the server's change, so the picker is a new widget
    controls.slider(at, "deterrence").set_value(20.0).run()
    assert controls.preset_picker(at).value == state.CUSTOM
    assert picker_keys() != first and len(picker_keys()) == 1
    controls.advanced(at).set_value(True).run()
    method_key = controls.method_picker(at).key
    controls.choose_method(at, "topsis")
    assert controls.method_picker(at).key == method_key
    # Reset changes the pickers and the sliders
    keys = (controls.preset_picker(at).key, controls.method_picker(at).key)
    at.button(key="pb.reset").click().run()
    assert (controls.preset_picker(at).key, controls.method_picker(at).key) != keys
    assert controls.method_picker(at).value == "wsm"
    assert not at.exception


def test_the_default_set_is_ranked_and_what_the_screen_set_aside_is_shown(
    make_app, packaged_catalog
) -> None:
    root = packaged_catalog
    at = make_app(root)
    at.run()
    assert not at.exception
    assert set(ranking(at)["option"]) == {"status-quo", "summits"}
    said = " ".join(m.value for m in at.markdown).replace("\\", "")  # shown escaped
    assert "Set aside by the screen (feasibility>=5)" in said
    assert "liaison" in said and "feasibility 4 < 5" in said
    at.toggle(key="pb.all_toggle").set_value(True).run()
    assert set(ranking(at)["option"]) == {"status-quo", "summits", "two-plus-two"}
    assert at.query_params["all"] in ("1", ["1"])
    at.toggle(key="pb.screen_toggle").set_value(False).run()
    assert set(ranking(at)["option"]) == {"status-quo", "summits", "two-plus-two", "liaison"}
    assert at.query_params["screen"] in ("off", ["off"])
    assert "Set aside by the screen" not in " ".join(m.value for m in at.markdown).replace("\\", "")


def test_the_option_set_and_screen_come_back_from_a_link(make_app, packaged_catalog) -> None:
    root = packaged_catalog
    at = make_app(root, params={"all": "1", "screen": "off"})
    at.run()
    assert not at.exception
    assert len(ranking(at)) == 4
    assert at.toggle(key="pb.all_toggle").value is True
    assert at.toggle(key="pb.screen_toggle").value is False


# ------------------------------------------------------------------------------ the verdict
def verdict_box(at):  # type: ignore[no-untyped-def]
    """The verdict's heading and its lines, as the page writes them (Markdown)."""
    heading = next(h.value for h in at.subheader if h.value.startswith("Verdict:"))
    lines = next(m.value for m in at.markdown if m.value.startswith("- ") and "See " in m.value)
    return heading, lines


@pytest.mark.parametrize(
    ("params", "word"),
    [({}, ":orange-background[Fragile]"), ({"preset": "hawk"}, ":green-background[Solid]")],
)
def test_the_verdict_opens_the_results(make_app, tiny_options, params, word) -> None:
    """The tiny catalog by hand (tests/analysis/test_verdict.py): equal weights, 2+2 draws
    level with the status quo after a shift of 1/24 of the weight, and two methods disagree;
    under the hawk preset liaison stays first under everything."""
    at = make_app(params=params).run()
    assert not at.exception
    heading, lines = verdict_box(at)
    assert heading == f"Verdict: {word}"
    assert at.subheader[0].value == heading, "the verdict comes first in the page"
    assert "[See the ranking](#ranking)" in lines
    assert "#what-would-it-take)" in lines and "(robustness?" in lines
    assert "(compare?" in lines and "#every-method)" in lines and "#smaa)" in lines
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    if word.endswith("[Fragile]"):
        assert "moving 4.2 % of the weight between criteria puts A 2+2 meeting level" in shown
        assert "3 of 5 methods put it first" in shown
    else:
        assert "All 5 methods put it first" in shown and "Moving 12.5 %" in shown


def test_the_verdicts_links_carry_the_view(make_app) -> None:
    at = make_app(params={"preset": "hawk"}).run()
    controls.slider(at, "backlash").set_value(3.0).run()
    _, lines = verdict_box(at)
    weights = "weights=feasibility%3A1%2Cdeterrence%3A6%2Cbacklash%3A3"
    assert f"(robustness?method=wsm&{weights}#smaa)" in lines


def test_skip_to_results_follows_the_sliders(make_app) -> None:
    at = make_app().run()
    sidebar = [m.value for m in at.sidebar.markdown]
    skip = sidebar.index("[Skip to results](#results)")
    shares = [i for i, m in enumerate(sidebar) if m.startswith("**") and "%" in m]
    assert skip == shares[-1] + 1, "the link comes right after the last slider's share"


def test_the_other_methods_are_one_advanced_choice(make_app) -> None:
    at = make_app().run()
    assert not controls.advanced(at).value
    assert not [s for s in at.selectbox if s.key.startswith(state.METHOD_PICKER)]
    controls.choose_method(at, "vikor")
    assert at.query_params["method"] == "vikor"
    # switching the advanced methods off goes back to the weighted sum
    controls.advanced(at).set_value(False).run()
    assert at.session_state[state.METHOD] == "wsm" and at.query_params["method"] == "wsm"
    assert not [s for s in at.selectbox if s.key.startswith(state.METHOD_PICKER)]
    # a link with another method opens with the advanced methods shown
    again = make_app(params={"method": "topsis"}).run()
    assert controls.advanced(again).value and controls.method_picker(again).value == "topsis"


def test_vikor_is_shown_so_that_higher_is_better(make_app, tiny_options) -> None:
    at = make_app(params={"method": "vikor"}).run()
    table = ranking(at)
    scores = table["score"].to_numpy(dtype=float)
    assert (np.diff(scores) <= 1e-12).all(), "best first, with the highest score"
    assert scores.min() >= 0 and scores.max() <= 1
    assert_matches(
        table, expected(tiny_options, state.default_weights(catalog.load(tiny_options)), "vikor")
    )


def test_each_option_links_to_its_evidence_card(make_app) -> None:
    """The Option column is a link to the option's card; the table shows the label, which
    rides (encoded) in the link's fragment."""
    at = make_app().run()
    table = ranking(at)
    for option, label, link in zip(table["option"], table["label"], table["evidence"], strict=True):
        page, _, fragment = link.partition("#")
        assert page == f"evidence?option={option}"
        assert unquote(fragment) == label
