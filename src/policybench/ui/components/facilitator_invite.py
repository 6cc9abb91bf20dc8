"""The facilitator's invitation: the join code, the join link and a QR code large enough for
a projector, with a warning when the link points at this computer alone (127.0.0.1) and, when
this server also listens on the room's network, buttons that put this computer's address
there into the link.

The app's address, as participants reach it, is the facilitator's to correct (a text box
under :data:`BASE`, filled at first from the address the browser shows); the links and the
QR code come from :mod:`policybench.ui.components.workshop_common`.
"""

from __future__ import annotations

import streamlit as st

from policybench.present.text import streamlit_markdown
from policybench.store import Workshop
from policybench.store.workshops import format_code
from policybench.ui.components import workshop_common as common
from policybench.ui.components.text import note

#: The app's address as participants reach it (a text box the facilitator can correct).
BASE = "pb.fac.base"


def show(shop: Workshop, *, page: str) -> None:
    """The join code, the join link (built on the app's address, which the facilitator can
    correct) and its QR code; ``page`` is the facilitator page's path, dropped from the
    address the browser shows to find the app's."""
    st.header("Invite the participants", anchor=False)
    st.session_state.setdefault(BASE, common.app_base(common.page_url(), page))
    left, right = st.columns([3, 2])
    with left:
        st.subheader(f"Join code: {streamlit_markdown(format_code(shop.code))}", anchor=False)
        base = st.text_input(
            "The app's address, as participants reach it",
            key=BASE,
            help="Change it when participants reach this server by another name or address "
            "(e.g. the laptop's address on the room's network).",
        )
        link = common.join_link(base, shop.code)
        st.code(link, language=None, wrap_lines=True)
        if common.only_this_computer(base):
            _local_warning()
        note(
            "Anyone with this link or code can join while the round is open: share it with "
            "the room only. Each participant then gets a personal link of their own."
        )
    with right:
        st.image(
            common.qr_png(link),
            width=370,
            output_format="PNG",
            alt="QR code of the join link shown beside it",
        )
        note("Scan to join: the QR code holds the join link.")


def _use_base(address: str) -> None:
    st.session_state[BASE] = address


def _local_warning() -> None:
    """The join link points at 127.0.0.1: say so, and how to serve for the room."""
    port = common.server_port()
    found = common.room_addresses() if common.listens_to_the_room() else []
    if found:
        st.warning(
            "This link points at 127.0.0.1, which means “this computer”: on anyone else's "
            "device it opens nothing. This server also listens on the room's network: use "
            "this computer's address there instead (participants must be on the same network)."
        )
        for address in found[:3]:
            url = f"http://{address}:{port}"
            st.button(
                f"Use {url}",
                key=f"pb.fac.use.{address}",
                on_click=_use_base,
                args=(url,),
            )
        return
    st.warning(
        "This link points at 127.0.0.1, which means “this computer”: nobody else in the room "
        "can open it, and this server listens to this computer only. To serve the room, stop "
        "the app and start it with `policybench serve --host 0.0.0.0` (or `make run "
        "HOST=0.0.0.0`), then open this page at this computer's address on the room's "
        "network (e.g. `http://192.168.1.20:8501`; `hostname -I` on Linux or `ipconfig` "
        "on Windows shows it), or type that address in the box above. "
        "docs/OPERATIONS.md has more, including several servers for a large room."
    )
