"""The Compare page (src/policybench/ui/screens/compare.py): it opens on two different
perspectives, its choices live in the address (and a link's are read back, checked), it ranks
the options in play, and its comparison has a download of its own."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from policybench import catalog
from policybench.analysis.rank import rank_catalog
from policybench.analysis.screen import select
from policybench.catalog import parse_requirement
from policybench.export.compare import compare_report, perspective
from policybench.ui.components import downloads
from policybench.ui.screens import compare as page


def _open(make_app, params: dict[str, str] | None = None) -> AppTest:
    at = make_app(params=params).run()
    at.switch_page("screens/compare.py").run()
    assert not at.exception
    return at


def test_it_opens_on_two_different_perspectives(make_app, tiny_options: Path) -> None:
    at = _open(make_app)
    cat = catalog.load(tiny_options)
    left = at.selectbox(key=page.LEFT_KEY).value
    right = at.selectbox(key=page.RIGHT_KEY).value
    # the sliders start at equal weights: the current weights are the "equal" preset's, so the
    # other side is the first preset that ranks with other weights
    assert (left, right) == (page.CURRENT, "hawk")
    assert not any("same weights" in i.value for i in at.info)
    assert len(at.get("vega_lite_chart")) == 3
    # and the address holds the choices
    assert at.query_params["left"] == page.CURRENT and at.query_params["right"] == "hawk"
    assert at.query_params["h2h"] == ",".join(_best_two(cat))


def _best_two(cat: catalog.Catalog) -> list[str]:
    ranking = rank_catalog(cat, options=select(cat).options)
    return [ranking.option_ids[i] for i in ranking.order()[:2]]


def test_a_side_that_follows_the_sidebar_moves_on_when_it_would_repeat(make_app) -> None:
    at = _open(make_app, {"preset": "hawk"})
    # the current weights are hawk's, so the right side is the first preset that differs
    assert at.selectbox(key=page.RIGHT_KEY).value == "equal"


def test_the_choices_round_trip_through_the_address(make_app) -> None:
    at = _open(make_app)
    at.selectbox(key=page.LEFT_KEY).set_value("hawk").run()
    at.selectbox(key=page.RIGHT_KEY).set_value("equal").run()
    at.multiselect(key=page.OPTIONS_KEY).set_value(["summits", "status-quo", "liaison"]).run()
    assert not at.exception
    link = {k: at.query_params[k] for k in ("left", "right", "h2h")}
    assert link == {"left": "hawk", "right": "equal", "h2h": "summits,status-quo,liaison"}
    again = _open(make_app, link)  # a fresh session opening the copied link
    assert again.selectbox(key=page.LEFT_KEY).value == "hawk"
    assert again.selectbox(key=page.RIGHT_KEY).value == "equal"
    assert again.multiselect(key=page.OPTIONS_KEY).value == ["summits", "status-quo", "liaison"]


def test_a_link_that_does_not_fit_is_ignored_and_said_so(make_app) -> None:
    at = _open(make_app, {"left": "mars", "right": "equal", "h2h": "summits,nowhere,liaison"})
    assert at.selectbox(key=page.LEFT_KEY).value == page.CURRENT  # the default kept
    assert at.selectbox(key=page.RIGHT_KEY).value == "equal"
    assert at.multiselect(key=page.OPTIONS_KEY).value == ["summits", "liaison"]
    warning = " ".join(w.value for w in at.warning).replace("\\", "")  # as the page reads
    assert "left: unknown “mars”" in warning and "h2h: unknown “nowhere”" in warning


def test_the_ranks_are_of_the_options_in_play(make_app, tiny_options: Path) -> None:
    """The sidebar's screen applies here as on every page: a screened option is not ranked."""
    at = _open(make_app, {"all": "1"})
    table = next(d.value for d in at.dataframe if "TOPSIS" in d.value.columns)
    cat = catalog.load(tiny_options)
    assert len(table) == len(select(cat, everything=True).options)


def test_the_comparison_downloads_on_its_own(tiny_options: Path) -> None:
    cat = catalog.load(tiny_options)
    sides = [perspective(cat, cat.presets_by_id[p].weights, p) for p in ("hawk", "equal")]
    screen = select(cat, [parse_requirement("backlash<=5", cat)])
    report = compare_report(
        cat, sides, selection=screen, head_to_head=["summits", "status-quo"], methods_under=sides[0]
    )
    files = downloads._files(report, "csv")
    assert [f.name for f in files] == [
        downloads.file_name(report, "csv"),
        downloads.file_name(report, "csv").replace(".csv", ".stamp.txt"),
    ]
    table = pd.read_csv(io.BytesIO(files[0].data), encoding="utf-8-sig")
    assert list(table.columns[-5:]) == [
        "Deterrence first (preset): score",
        "Deterrence first (preset): rank",
        "Equal weights (preset): score",
        "Equal weights (preset): rank",
        "Places gained",
    ]
    assert "liaison" not in set(table["Option id"])  # screened out, as on the page
    stamp = files[1].data.decode()
    assert "perspectives: Deterrence first (preset) against Equal weights (preset)" in stamp
    assert "set aside by the screen: Liaison officers [liaison]: backlash 6 > 5" in stamp
    html = downloads._files(
        compare_report(cat, sides, selection=screen, methods_under=sides[0]), "html"
    )[0]
    assert html.name.startswith("policybench-compare-hawk-vs-equal-wsm-default-set-")
    assert b"Every method side by side" in html.data
