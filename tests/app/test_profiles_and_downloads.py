"""Saved profiles in the sidebar, and the Rank page's downloads."""

from __future__ import annotations

import io
import os

import pandas as pd

from policybench import catalog
from policybench.analysis.rank import rank_catalog
from policybench.store import open_store
from policybench.ui.components.downloads import page_export
from support import controls


def test_save_then_load_a_profile_restores_the_weights(make_app) -> None:
    at = make_app()
    at.run()
    controls.slider(at, "deterrence").set_value(17.0).run()
    at.text_input(key="pb.profiles.name").input("Deterrence first").run()
    at.button(key="pb.profiles.save").click().run()
    assert any("Saved" in s.value and "version 1" in s.value for s in at.success)
    with open_store(os.environ["POLICYBENCH_DATABASE_URL"]) as s:
        saved = s.profiles.get("Deterrence first")
    assert saved.weights["deterrence"] == 17.0
    assert saved.version == 1

    controls.slider(at, "deterrence").set_value(2.0).run()
    at.selectbox(key="pb.profiles.pick").set_value("Deterrence first").run()
    at.button(key="pb.profiles.load").click().run()
    assert controls.slider(at, "deterrence").value == 17.0
    assert not at.exception


def test_saving_again_adds_a_version_never_overwrites(make_app) -> None:
    at = make_app()
    at.run()
    at.text_input(key="pb.profiles.name").input("mine").run()
    at.button(key="pb.profiles.save").click().run()
    controls.slider(at, "backlash").set_value(5.0).run()
    at.button(key="pb.profiles.save").click().run()
    with open_store(os.environ["POLICYBENCH_DATABASE_URL"]) as s:
        history = s.profiles.history("mine")
    assert [h.version for h in history][-2:] in ([1, 2], [2, 1])


def test_saving_without_a_name_says_so(make_app) -> None:
    at = make_app()
    at.run()
    at.button(key="pb.profiles.save").click().run()
    assert any("name" in e.value for e in at.error)
    assert not at.exception


def test_a_bug_while_saving_or_loading_is_a_message_not_a_traceback(make_app, monkeypatch) -> None:
    from policybench.ui.components import profiles_panel, workshop_common

    at = make_app()
    at.run()
    at.text_input(key="pb.profiles.name").input("mine").run()
    at.button(key="pb.profiles.save").click().run()  # one saved profile, to pick
    profiles = type(workshop_common.store().profiles)

    def broken(*args, **kwargs):
        raise KeyError("a bug in the store layer")

    monkeypatch.setattr(profiles, "save", broken)
    at.button(key="pb.profiles.save").click().run()
    shown = [e.value.replace("\\", "") for e in at.error]
    assert not at.exception and shown == [profiles_panel.SAVE_FAILED]
    monkeypatch.setattr(profiles, "get", broken)
    at.selectbox(key="pb.profiles.pick").set_value("mine").run()
    at.button(key="pb.profiles.load").click().run()
    shown = [e.value.replace("\\", "") for e in at.error]
    assert not at.exception and shown == [profiles_panel.LOAD_FAILED]


def test_store_location_is_shown(make_app) -> None:
    at = make_app()
    at.run()
    assert any(t.value.startswith("Store: sqlite") for t in at.text)


def test_page_export_csv_is_the_ranking_shown(tiny_options) -> None:
    cat = catalog.load(tiny_options)
    weights = {"feasibility": 1.0, "deterrence": 6.0, "backlash": 1.0}
    table = pd.read_csv(io.BytesIO(page_export(cat, weights, "wsm", "csv")), encoding="utf-8-sig")
    expected = rank_catalog(cat, weights)
    assert list(table["Option id"]) == [expected.option_ids[i] for i in expected.order()]
    assert table["Option id"].iloc[0] == "liaison"


def test_page_export_html_is_self_contained(tiny_options) -> None:
    cat = catalog.load(tiny_options)
    html = page_export(
        cat, {"feasibility": 1.0, "deterrence": 1.0, "backlash": 1.0}, "wsm", "html"
    ).decode()
    assert "<svg" in html
    assert "https://" not in html and "http://" not in html
