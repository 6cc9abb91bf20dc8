"""A real participant page (Chromium) lives through its server being killed and restarted.

Slow (``make bench-load``): two server starts and a browser. The participant joins and
submits; the server is killed (SIGKILL) and started again on the same port; the page, left
as it is, reconnects by itself (Streamlit's frontend retries its websocket) and shows the
same participant with their stored weights; a change and a submit make revision 2.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from policybench import catalog as catalog_mod
from policybench.store import open_store
from policybench.ui import state
from support.appserver import AppServer

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HERE = Path(__file__).resolve().parent
TINY = HERE.parents[1] / "tests" / "fixtures" / "catalog"
#: The sliders' top (the Rank page's scale, which participants share), as the page shows it.
TOP = f"{state.slider_max(catalog_mod.load(TINY)):g}"


def _slider(page: Page, cat: Any, cid: str) -> Any:
    crit = cat.criteria_by_id[cid]
    name = crit.name + (" (cost)" if crit.direction == "cost" else "")
    return page.get_by_role("slider", name=name)


def test_a_participant_page_reconnects_after_a_server_restart(page: Page, tmp_path: Path) -> None:
    tiny = catalog_mod.load(TINY)
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(db_url) as store:
        fac = store.workshops.create(
            "Restart drill",
            options=list(tiny.option_ids),
            criteria=list(tiny.criterion_ids),
            passphrase="long enough",
            catalog=tiny,
        )
    server = AppServer(TINY, tmp_path / "server.log", db_url=db_url, via="serve").start()
    try:
        page.goto(f"{server.url}/workshop?code={fac.code}")
        box = page.get_by_label("Your display name", exact=True)
        expect(box).to_be_visible(timeout=60_000)
        box.fill("Ana")
        box.press("Tab")
        page.get_by_role("button", name="Join the workshop").click()
        first = _slider(page, tiny, "deterrence")
        expect(first).to_be_visible(timeout=60_000)
        first.focus()
        page.keyboard.press("End")
        expect(first).to_have_value(TOP)
        time.sleep(1.0)
        page.get_by_role("button", name="Submit my weights").click()
        expect(page.get_by_text("Saved (revision 1)")).to_be_visible(timeout=30_000)
        own_link = page.url
        assert "p=" in own_link

        server.kill()
        time.sleep(2.0)  # the page notices and starts retrying
        server.start()

        # The page reconnects by itself (no reload): same participant, stored weights.
        expect(page.get_by_text("You have submitted your weights (revision 1)")).to_be_visible(
            timeout=90_000
        )
        assert page.url == own_link
        expect(page.get_by_text("You are taking part as")).to_be_visible()
        expect(_slider(page, tiny, "deterrence")).to_have_value(TOP)
        second = _slider(page, tiny, "feasibility")
        second.focus()
        page.keyboard.press("Home")
        expect(second).to_have_value("0")
        time.sleep(1.0)
        page.get_by_role("button", name="Save my revised weights").click()
        expect(page.get_by_text("Saved (revision 2)")).to_be_visible(timeout=30_000)
    finally:
        server.stop()
    with open_store(db_url) as store:
        (sub,) = store.workshops.submissions(fac)
    assert sub.revision == 2
    assert sub.weights["deterrence"] == float(TOP) and sub.weights["feasibility"] == 0.0
