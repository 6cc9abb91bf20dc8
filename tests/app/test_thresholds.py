"""The sidebar's thresholds: off by default, applied on every page, in the link and in saved
profiles (src/policybench/ui/components/thresholds.py and ui/state.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from policybench.ui import state
from policybench.ui.components import thresholds


def ranked(at: Any) -> set[str]:
    for df in at.dataframe:
        if {"rank", "option", "score"} <= set(df.value.columns):
            return set(df.value["option"])
    raise AssertionError("no ranking table on the page")


def threshold(at: Any, cid: str) -> Any:
    return at.slider(key=thresholds.key(cid, at.session_state))


def test_thresholds_are_off_by_default(make_app) -> None:
    at = make_app().run()
    assert not at.exception
    assert at.session_state[state.REQUIRE] == ()
    assert threshold(at, "feasibility").value == 0.0  # a floor of 0 screens nothing
    assert threshold(at, "backlash").value == 10.0  # a ceiling of 10 on a cost
    assert ranked(at) == {"status-quo", "summits", "two-plus-two", "liaison"}
    assert "require" not in at.query_params


def test_a_threshold_sets_options_aside_and_goes_into_the_link(make_app) -> None:
    at = make_app().run()
    threshold(at, "feasibility").set_value(5.0).run()  # liaison scores 4
    assert not at.exception
    assert ranked(at) == {"status-quo", "summits", "two-plus-two"}
    assert at.session_state[state.REQUIRE] == ("feasibility>=5",)
    assert at.query_params["require"] == "feasibility>=5"
    aside = [re.sub(r"\\(.)", r"\1", m.value) for m in at.markdown if "liaison" in m.value]
    assert aside and "feasibility 4 < 5" in aside[0]  # listed apart, with what it fails
    threshold(at, "backlash").set_value(4.5).run()  # two-plus-two's backlash is 5
    assert ranked(at) == {"status-quo", "summits"}
    assert at.query_params["require"] == "feasibility>=5,backlash<=4.5"


def test_the_link_round_trips_the_thresholds(make_app) -> None:
    at = make_app(params={"require": "backlash<=4.5,feasibility>=5"}).run()
    assert not at.exception and not at.warning
    assert at.session_state[state.REQUIRE] == ("feasibility>=5", "backlash<=4.5")  # catalog order
    assert threshold(at, "feasibility").value == 5.0 and threshold(at, "backlash").value == 4.5
    assert ranked(at) == {"status-quo", "summits"}
    assert at.query_params["require"] == "feasibility>=5,backlash<=4.5"


@pytest.mark.parametrize(
    ("link", "note"),
    [
        ("feasibility<=5", "the app screens feasibility with >= (at least)"),
        ("backlash>=2", "the app screens backlash with <= (at most)"),
        ("nothing>=1", "unknown criterion"),
        ("feasibility>=12", "off the catalog"),
        ("feasibility=3", "cannot read requirement"),
    ],
)
def test_a_threshold_the_link_cannot_use_is_ignored_with_a_note(make_app, link, note) -> None:
    at = make_app(params={"require": link}).run()
    assert not at.exception
    assert at.session_state[state.REQUIRE] == ()
    warned = re.sub(r"\\(.)", r"\1", " ".join(w.value for w in at.warning))
    assert note in warned, warned
    assert ranked(at) == {"status-quo", "summits", "two-plus-two", "liaison"}


def test_thresholds_that_leave_too_little_are_not_applied_and_say_so(make_app) -> None:
    at = make_app().run()
    threshold(at, "feasibility").set_value(8.0).run()  # only the status quo scores 8 or more
    assert not at.exception
    assert ranked(at) == {"status-quo", "summits", "two-plus-two", "liaison"}
    assert any(w.value == thresholds.NOT_APPLIED for w in at.warning)
    at.button(key=thresholds.CLEAR_KEY).click().run()
    assert at.session_state[state.REQUIRE] == ()
    assert threshold(at, "feasibility").value == 0.0
    assert not any(w.value == thresholds.NOT_APPLIED for w in at.warning)


def test_thresholds_apply_on_the_map_too(make_app) -> None:
    at = make_app(params={"require": "feasibility>=5"}).run()
    at.switch_page("screens/map.py").run()
    assert not at.exception
    listed = at.selectbox(key="pb.map.option").options
    assert len(listed) == 3 and not any("Liaison" in o for o in listed)


def test_a_saved_profile_keeps_its_thresholds(make_app) -> None:
    at = make_app().run()
    threshold(at, "backlash").set_value(5.0).run()
    at.text_input(key="pb.profiles.name").set_value("careful").run()
    at.button(key="pb.profiles.save").click().run()
    assert not at.exception
    assert any("Saved" in s.value for s in at.success)
    at.button(key=thresholds.CLEAR_KEY).click().run()
    assert at.session_state[state.REQUIRE] == ()
    at.selectbox(key="pb.profiles.pick").set_value("careful").run()
    at.button(key="pb.profiles.load").click().run()
    assert not at.exception
    assert at.session_state[state.REQUIRE] == ("backlash<=5",)
    assert threshold(at, "backlash").value == 5.0
    assert ranked(at) == {"status-quo", "summits", "two-plus-two"}
    assert any("1 threshold" in s.value for s in at.success)
