"""The facilitator's export section: every format of the whole workshop (its rounds,
challenges, decisions and camps), prepared on request with what the page shows (the group's
rule, names or numbers, the top k), as ``policybench export --workshop`` writes it."""

from __future__ import annotations

import streamlit as st

from policybench.analysis.rounds import latest_submitted
from policybench.catalog import Catalog
from policybench.export import EXTENSIONS, MEDIA_TYPES, render_bytes
from policybench.export.stamp import utc_timestamp
from policybench.export.workshop_report import workshop_report
from policybench.present import workshop as words
from policybench.present.text import streamlit_markdown
from policybench.store import Facilitator, Store, Workshop
from policybench.ui.components import camps_panel
from policybench.ui.components import facilitator_results as results
from policybench.ui.components import workshop_common as common
from policybench.ui.components.errors import show_exception
from policybench.ui.components.facilitator_room import read_room
from policybench.ui.components.text import note

EXPORT = "pb.fac.export"
#: The export formats offered, with their button labels.
FORMATS = {"csv": "CSV", "xlsx": "Excel", "markdown": "Markdown", "html": "HTML report"}


def show(
    catalog: Catalog,
    s: Store,
    handle: Facilitator,
    shop: Workshop,
    *,
    combination: str,
    names: bool,
) -> None:
    """The export section: prepare every format of the whole workshop at the press of a
    button (as ``policybench export --workshop`` writes them), then offer the downloads."""
    st.header("Export the results", anchor=False)
    note(
        f"The whole workshop, with the group's ranking by "
        f"{streamlit_markdown(words.COMBINATIONS[combination].lower())} as on screen; "
        f"participants are {'named' if names else 'numbered'} as on screen. "
        "CSV holds the comparison table alone; Excel, Markdown and HTML add the group's "
        "result, every round, the contested scores and decisions, the camps (with the top k "
        "on screen), the quotes and the stamp."
    )
    if st.button("Prepare the export files", key="pb.fac.prepare"):
        room, err = common.attempt(lambda: read_room(s.workshops, handle))
        # what the room saw of the challenges at each reveal, as the command line exports it
        seen, err2 = common.attempt(
            lambda: {
                r: s.workshops.challenges(handle, round=r)
                for r in range(1, shop.visible_round + 1)  # a loop over the revealed rounds
            }
        )
        if err is not None or room is None or err2 is not None or seen is None:
            common.show_error(err or err2 or RuntimeError("no submissions"))
            return
        # the group result of the latest round with submissions, as the report expects
        latest = latest_submitted(room.rounds)
        subs = room.rounds[latest] if latest is not None else ()
        top_k = int(st.session_state.get(camps_panel.TOPK, camps_panel.DEFAULT_TOPK))
        try:
            with st.spinner("Preparing the files…"):
                result = (
                    results.shop_result(catalog, shop, subs, combination, room.overrides)
                    if subs
                    else None
                )
                report = workshop_report(
                    catalog,
                    shop,
                    subs,
                    result=result,
                    names=names,
                    rounds=room.rounds,
                    challenges=room.challenges,
                    seen=seen,
                    decisions=room.decisions,
                    joined=room.joined,
                    top_k=top_k,
                )
                files = {fmt: render_bytes(fmt, report) for fmt in FORMATS}
        except Exception as exc:  # a message beside the button, never a traceback
            show_exception(exc, "workshop export")
            return
        st.session_state[EXPORT] = (utc_timestamp(), len(subs), files)
    prepared = st.session_state.get(EXPORT)
    if not prepared:
        return
    stamp, count, files = prepared
    note(
        f"Prepared at {streamlit_markdown(stamp)} from {count} submission{'s' if count != 1 else ''}."
    )
    day = stamp[:10]
    # two per row: four side by side cut "Download Markdown" off at 1024 pixels
    cols = [*st.columns(2), *st.columns(2)]
    for col, (fmt, label) in zip(cols, FORMATS.items(), strict=True):
        col.download_button(
            f"Download {label}",
            data=files[fmt],
            file_name=f"policybench-workshop-{day}{EXTENSIONS[fmt]}",
            mime=MEDIA_TYPES[fmt],
            key=f"pb.fac.download.{fmt}",
            width="stretch",
            on_click="ignore",
        )
