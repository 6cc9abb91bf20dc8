"""The app's building blocks: the URL codec, and components run alone (the escapers are tested
with every other output in tests/present/test_text.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from policybench import catalog
from policybench.ui import state
from support import controls


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
    assert [s.label for s in controls.weight_sliders(at)] == [
        "Feasibility",
        "Deterrence",
        "Chinese backlash",
    ]
    controls.slider(at, "feasibility").set_value(0.0).run()
    controls.slider(at, "deterrence").set_value(0.0).run()
    controls.slider(at, "backlash").set_value(0.0).run()
    assert at.warning and "All weights are zero" in at.warning[0].value
    controls.preset_picker(at).set_value("equal").run()
    assert [s.value for s in controls.weight_sliders(at)] == [1.0, 1.0, 1.0]
    assert at.text[0].value == "[('backlash', 1.0), ('deterrence', 1.0), ('feasibility', 1.0)] wsm"


def _chart_app() -> None:
    import pandas as pd

    from policybench.present.charts.ranking import score_chart
    from policybench.ui.components import chart

    table = pd.DataFrame(
        {"option": ["A", "B (baseline)"], "score": [0.7, 0.2], "baseline": [False, True]}
    )
    shown = score_chart(table, method="TOPSIS")
    chart.show(shown)
    chart.show(shown)  # the same chart twice: drawing leaves it as it was
    assert "continuousWidth" in shown.spec["config"]["view"]  # the export keeps Altair's size


def test_chart_component_draws_a_chart_with_its_datasets() -> None:
    at = AppTest.from_function(_chart_app, default_timeout=30).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 2
