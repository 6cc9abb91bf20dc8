"""The yardstick for "first usable page": the Rank page's widgets, with fixed data and no
policybench code. Seven pages in the sidebar's navigation; in the sidebar a header, two
select boxes, ten sliders each with a share beside it, a button, and an expander holding a
text input, a button and a line of text; in the main area a title, a note, pills, a select
box, the headline, a stacked bar chart of the catalog's size (46 options x 10 criteria), a
46-row table and an expander.

:mod:`benchmarks.app.browser` times it as it times the app (from the server process starting,
and for the first visitor to a running server), in the same rounds: what Streamlit itself
takes for this page on this machine, so that the app's figures can be read as ratios. Nothing
is warmed here (Streamlit imports pandas for the table when the first script runs). It is
run by ``streamlit run``, never imported."""

import streamlit as st

OPTIONS, CRITERIA = 46, 10


def rank() -> None:
    st.sidebar.header("Weights", anchor=False)
    st.sidebar.selectbox("Perspective (preset)", ["Equal weights", "Tokyo", "Seoul"])
    st.sidebar.selectbox("Method", ["Weighted sum", "TOPSIS", "VIKOR"])
    for j in range(CRITERIA):
        left, right = st.sidebar.columns([4, 1.35], vertical_alignment="bottom", gap="small")
        left.slider(
            f"Criterion {j}", min_value=0.0, max_value=10.0, value=5.0, step=0.5, format="%g"
        )
        right.markdown("**10.0 %**")
    st.sidebar.button("Reset to equal weights", width="stretch")
    with st.sidebar.expander("Saved profiles"):
        st.text_input("Profile name")
        st.button("Save current weights", width="stretch")
        st.text("Store: a file")

    st.title("Floor", anchor=False)
    st.caption("Set how much each criterion matters with the sliders on the left.")
    st.pills(
        "Groups shown",
        [f"Group {g}" for g in range(7)],
        selection_mode="multi",
        default=[f"Group {g}" for g in range(7)],
    )
    st.columns([2, 3])[0].selectbox(
        "Arrows compare with", ["the ranking before the last change", "Tokyo"]
    )
    st.markdown("Option 1 ranks first.")
    rows = [
        {"option": f"option {i}", "criterion": f"criterion {j}", "value": (i * 7 + j * 3) % 10}
        for i in range(OPTIONS)
        for j in range(CRITERIA)
    ]
    st.vega_lite_chart(
        spec={
            "mark": "bar",
            "encoding": {
                "y": {"field": "option", "type": "nominal"},
                "x": {"aggregate": "sum", "field": "value", "type": "quantitative"},
                "color": {"field": "criterion", "type": "nominal"},
            },
            "data": {"values": rows},
        },
        width="stretch",
    )
    st.dataframe(
        [
            {"rank": i + 1, "move": "", "option": f"option {i}", "score": 0.5}
            | {f"c{j}": 0.05 for j in range(CRITERIA)}
            for i in range(OPTIONS)
        ],
        hide_index=True,
        width="stretch",
    )
    with st.expander("Download this comparison"):
        st.button("Prepare the files")


def other() -> None:
    st.title("Another page", anchor=False)


st.set_page_config(page_title="floor", layout="wide")
st.navigation(
    [st.Page(rank, title="Rank", url_path="rank", default=True)]
    + [st.Page(other, title=f"Page {k}", url_path=f"page{k}") for k in range(6)]
).run()
