"""The floor for "first usable page": a Streamlit page with one headline and one bar chart of
about the catalog's size (45 options x 10 criteria, stacked), and nothing else: no imports beyond
Streamlit, no data to load. bench_app.py times it from process start as it times the app,
so the app's figure can be read against what Streamlit itself takes on the same machine."""

import streamlit as st

st.title("Floor")
st.markdown("Option 1 ranks first.")
rows = [{"option": f"option {i}", "criterion": f"criterion {j}", "value": (i * 7 + j * 3) % 10} for i in range(45) for j in range(10)]
st.vega_lite_chart(
    spec={
        "mark": "bar",
        "encoding": {
            "y": {"field": "option", "type": "nominal"},
            "x": {"aggregate": "sum", "field": "value", "type": "quantitative"},
            "color": {"field": "criterion", "type": "nominal"},
        },
        "data": {"values": rows},
    }
)
