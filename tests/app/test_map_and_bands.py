"""The Map page and the Rank page's likely ranks, through streamlit.testing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from policybench import catalog
from policybench.analysis.bands import bands_catalog
from policybench.analysis.frontier import frontier_catalog
from policybench.present.bands import LIKELY, band_label
from policybench.ui.screens import map as map_page
from policybench.ui.screens import rank as rank_page
from support import controls

ROOT = Path(__file__).resolve().parents[2]
MAP = "screens/map.py"


def ranking(at):  # type: ignore[no-untyped-def]
    for df in at.dataframe:
        if {"rank", "option", "score"} <= set(df.value.columns):
            return df.value
    raise AssertionError("no ranking table on the page")


def on_map(make_app, options: Path | None = None, params=None):  # type: ignore[no-untyped-def]
    at = make_app(options=options, params=params).run()
    at.switch_page(MAP).run()
    assert not at.exception, at.exception
    return at


# ------------------------------------------------------------------------------ Map
@pytest.mark.parametrize("which", ["shipped", "tiny"])
def test_the_map_draws_the_frontier_of_the_options_in_play(make_app, tiny_options, which) -> None:
    options = ROOT / "options" if which == "shipped" else tiny_options
    at = on_map(make_app, options)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Map: where each option stands"
    assert len(at.get("vega_lite_chart")) == 1
    cat = catalog.load(options)
    x, y = at.selectbox(key=map_page.X_KEY).value, at.selectbox(key=map_page.Y_KEY).value
    if which == "shipped":
        assert (x, y) == ("impact", "achievability")
    want = frontier_catalog(cat, x=x, y=y, options=_in_play(cat))
    first = cat.options_by_id[want.option_ids[want.frontier()[0]]].title
    sentence = [
        m.value for m in at.markdown if "frontier" in m.value.lower() and "dominated" in m.value
    ]
    assert sentence and first.split()[0] in sentence[0]
    # the option list holds every option in play, the efficient ones first
    listed = at.selectbox(key=map_page.OPTION_KEY).options
    assert len(listed) == len(want.option_ids)
    assert sum("on the frontier" in o for o in listed) == int(want.efficient.sum())
    assert all("on the frontier" in o for o in listed[: int(want.efficient.sum())])


def _in_play(cat):  # type: ignore[no-untyped-def]
    from policybench.analysis.screen import select

    return select(cat).options


def test_choosing_an_option_opens_its_evidence(make_app, tiny_options) -> None:
    at = on_map(make_app)
    at.selectbox(key=map_page.OPTION_KEY).set_value("summits").run()
    assert not at.exception
    titles = [h.value for h in at.subheader]
    assert any("summits" in t.lower() or "Summit" in t for t in titles), titles
    cat = catalog.load(tiny_options)
    rationale = cat.options_by_id["summits"].scores["deterrence"].rationale
    assert any(rationale.split()[0] in m.value for m in at.markdown)


def test_the_axes_and_the_weights_move_the_points(make_app, tiny_options) -> None:
    at = on_map(make_app)
    at.selectbox(key=map_page.X_KEY).set_value("strategic").run()
    at.selectbox(key=map_page.Y_KEY).set_value("risk").run()
    assert not at.exception and not at.warning
    assert len(at.get("vega_lite_chart")) == 1
    # in the tiny catalog more deterrence always costs more backlash: every option is efficient
    listed = at.selectbox(key=map_page.OPTION_KEY).options
    assert all("on the frontier" in o for o in listed)
    # the same axis twice
    at.selectbox(key=map_page.Y_KEY).set_value("strategic").run()
    assert any("two different axes" in w.value for w in at.warning)
    assert len(at.get("vega_lite_chart")) == 0


def test_an_axis_whose_criteria_weigh_nothing_is_said_not_drawn(make_app) -> None:
    at = make_app().run()
    controls.slider(at, "deterrence").set_value(0.0).run()  # the sidebar's weights, on Rank
    at.switch_page(MAP).run()  # the tiny catalog has no impact cluster: its first two axes
    assert at.selectbox(key=map_page.Y_KEY).value == "strategic"
    assert not at.exception
    assert any("weight 0" in w.value for w in at.warning), [w.value for w in at.warning]
    assert len(at.get("vega_lite_chart")) == 0


def test_the_map_follows_the_option_set(make_app, tiny_options, copy_catalog) -> None:
    root = copy_catalog(tiny_options)
    path = root / "policies" / "two-plus-two.yaml"
    path.write_text(path.read_text().replace("group: ", "part_of: summits\ngroup: ", 1))
    at = on_map(make_app, root)
    assert len(at.selectbox(key=map_page.OPTION_KEY).options) == 3  # a component is left out
    at = on_map(make_app, root, params={"all": "1"})
    assert len(at.selectbox(key=map_page.OPTION_KEY).options) == 4


def test_a_click_on_a_point_names_its_option() -> None:
    assert map_page._clicked({"selection": {"pick": [{"option": "summits"}]}}) == "summits"
    assert map_page._clicked({"selection": {"pick": []}}) is None
    assert map_page._clicked({"selection": {}}) is None
    assert map_page._clicked(None) is None


# ------------------------------------------------------------------------------ Rank: bands
def test_the_rank_page_shows_each_options_likely_ranks(make_app, tiny_options) -> None:
    at = make_app().run()
    assert not at.exception
    table = ranking(at)
    cat = catalog.load(tiny_options)
    want = bands_catalog(cat, {"feasibility": 1, "deterrence": 1, "backlash": 1})
    spans = want.band_map()
    assert list(table[LIKELY]) == [band_label(*spans[o]) for o in table["option"]]
    assert any("draws of every score within its uncertainty range" in m.value for m in at.markdown)
    # the bands follow the weights in the same rerun
    controls.slider(at, "deterrence").set_value(20.0).run()
    moved = bands_catalog(cat, {"feasibility": 10, "deterrence": 20, "backlash": 10}).band_map()
    table = ranking(at)
    assert list(table[LIKELY]) == [band_label(*moved[o]) for o in table["option"]]
    assert moved != spans  # the change is one the page had to follow


def test_the_likely_ranks_can_be_switched_off(make_app) -> None:
    at = make_app().run()
    at.toggle(key=rank_page.BANDS_KEY).set_value(False).run()
    assert not at.exception
    assert LIKELY not in ranking(at).columns
    assert not any("draws of every score" in m.value for m in at.markdown)


def test_likely_ranks_on_the_shipped_catalog_under_every_method(make_app) -> None:
    at = make_app(options=ROOT / "options").run()
    for method in ("topsis", "promethee2"):
        controls.choose_method(at, method)
        assert not at.exception
        table = ranking(at)
        lows = [int(str(v).split("–")[0].rstrip("stndrh")) for v in table[LIKELY]]
        assert np.all(np.array(lows) >= 1) and len(lows) == len(table)


def test_the_apps_files_carry_the_bands_and_the_brief_the_map() -> None:
    from policybench.analysis.screen import select
    from policybench.ui.components.downloads import page_report

    cat = catalog.load(ROOT / "options")
    chosen = select(cat)
    weights = {c: 1.0 for c in cat.criterion_ids}
    brief = page_report(cat, weights, "wsm", "html", chosen)
    bands = brief.section("bands")
    assert bands is not None and bands.about["samples"] == 10_000 and bands.about["seed"] == 0
    shown = bands_catalog(cat, weights, options=chosen.options).band_map()
    table = bands.tables[0][1]
    assert {
        o: (lo, hi)
        for o, lo, hi in zip(table["option"], table["rank_low"], table["rank_high"], strict=True)
    } == shown
    placed = brief.section("map")
    assert placed is not None and placed.charts and placed.about["screen"] == "achievability>=1"
    sheet = page_report(cat, weights, "wsm", "xlsx", chosen)
    assert sheet.section("bands") is not None and sheet.section("map") is None
