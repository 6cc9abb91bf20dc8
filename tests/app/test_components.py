"""The app's building blocks: the Markdown escape, the URL codec, and components run alone."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from policybench import catalog
from policybench.ui import state
from policybench.ui.components.text import md_escape, quote_markdown
from support import controls

INERT = re.compile(r"(?:\\[!-/:-@\[-`{-~]|[^!-/:-@\[-`{-~\\])*")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "![img](http://x/y.png)",
        "**bold** _it_ `code` ~~gone~~",
        "# heading\n- list\n> quote\n1. one",
        ":red[colour] :material/home: :smile:",
        "$\\frac{1}{2}$ and $$x$$",
        "&lt;b&gt; &amp; <b>",
        "| a | b |\n|---|---|",
        "http://example.com www.example.com a@b.co",
    ],
)
def test_md_escape_leaves_nothing_live(raw: str) -> None:
    out = md_escape(raw)
    assert INERT.fullmatch(out), out
    assert "\n" not in out
    assert unescape(out) == " ".join(raw.split())


@given(hs.text(alphabet=hs.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_md_escape_round_trips_any_text(raw: str) -> None:
    out = md_escape(raw)
    assert INERT.fullmatch(out)
    assert unescape(out) == " ".join(raw.split())


def test_md_escape_keeps_letters_and_non_ascii() -> None:
    assert md_escape("Japan–ROK “2+2” talks") == "Japan–ROK “2\\+2” talks"
    assert all(md_escape(c) == "\\" + c for c in string.punctuation)


def test_quote_markdown_has_stance_and_citation(tiny_options) -> None:
    cat = catalog.load(tiny_options)
    q = cat.options_by_id["summits"].scores["feasibility"].quotes[0]
    text = quote_markdown(cat, q)
    assert text.startswith(":blue-badge[supports] “")
    assert unescape(text.split("— ", 1)[1]).strip("*") == cat.sources_by_id[q.source].citation
    neutral = cat.options_by_id["summits"].quotes[0]
    assert quote_markdown(cat, neutral).startswith("“")


# ------------------------------------------------------------------------------ URL codec
def test_weights_encode_and_decode(tiny_options) -> None:
    cat = catalog.load(tiny_options)
    w = {"feasibility": 3.0, "deterrence": 0.0, "backlash": 20.0}
    text = state.encode_weights(cat, w)
    assert text == "feasibility:3,deterrence:0,backlash:20"
    back, notes = state.decode_weights(cat, text, state.default_weights(cat))
    assert back == w and notes == []
    partial, notes = state.decode_weights(cat, "deterrence:4", state.default_weights(cat))
    assert partial == {"feasibility": 10.0, "deterrence": 4.0, "backlash": 10.0}
    assert notes and "feasibility" in notes[0]


def test_slider_range_fits_the_presets(tiny_options, copy_catalog) -> None:
    cat = catalog.load(tiny_options)
    assert state.slider_max(cat) == 20.0 and state.slider_step(cat) == 1.0
    root = copy_catalog()
    presets = root / "presets.yaml"
    presets.write_text(presets.read_text().replace("deterrence: 6,", "deterrence: 27.5,"))
    bigger = catalog.load(root)
    assert state.slider_max(bigger) == 28.0 and state.slider_step(bigger) == 0.5
    assert state.matching_preset(bigger, state.preset_weights(bigger, "hawk")) == "hawk"
    assert (
        state.matching_preset(bigger, {"feasibility": 2, "deterrence": 2, "backlash": 2})
        == state.CUSTOM
    )


# ------------------------------------------------------------------------------ components alone
def _controls_app(options: str) -> None:
    import streamlit as st

    from policybench import catalog as catalog_module
    from policybench.ui import state as app_state
    from policybench.ui.components import weight_controls

    cat = catalog_module.load(options)
    app_state.init(cat)
    weights, method = weight_controls.show(cat, where=st.container())
    st.text(f"{sorted(weights.items())} {method}")


def test_weight_controls_alone(tiny_options) -> None:
    at = AppTest.from_function(_controls_app, args=(str(tiny_options),), default_timeout=30).run()
    assert not at.exception
    assert [s.label for s in at.slider] == ["Feasibility", "Deterrence", "Chinese backlash"]
    controls.slider(at, "feasibility").set_value(0.0).run()
    controls.slider(at, "deterrence").set_value(0.0).run()
    controls.slider(at, "backlash").set_value(0.0).run()
    assert at.warning and "All weights are zero" in at.warning[0].value
    controls.preset_picker(at).set_value("equal").run()
    assert [s.value for s in at.slider] == [1.0, 1.0, 1.0]
    assert at.text[0].value == "[('backlash', 1.0), ('deterrence', 1.0), ('feasibility', 1.0)] wsm"


def _chart_app() -> None:
    import pandas as pd

    from policybench.export import charts
    from policybench.ui.components import chart

    table = pd.DataFrame(
        {"option": ["A", "B (baseline)"], "score": [0.7, 0.2], "baseline": [False, True]}
    )
    chart.show(charts.score_data(table, method="TOPSIS"))
    chart.show(charts.score_data(table.iloc[::-1], method="TOPSIS"))


def test_chart_component_reuses_the_compiled_structure() -> None:
    at = AppTest.from_function(_chart_app, default_timeout=30).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 2
