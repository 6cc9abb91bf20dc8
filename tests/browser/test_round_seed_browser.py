"""A round opened under a participant's unsaved changes, in a real browser (the review of
session 7 found it; the page is :mod:`policybench.ui.screens.workshop`).

The facilitator locks, reveals and opens round 2 (through the store) within one of the
participant page's 5-second watches, while the participant has moved two sliders and typed a
reason without saving. Once the watch has redrawn the page, chromium must show round 2's
start, their round-1 submission, in every control (a slider's value and
``aria-valuetext``, the reason's text box), not the unsaved positions: Streamlit's frontend
keeps its own value for a widget drawn again under the same id unless the server sets the
widget's state. Submitting then saves round 2's start, since what the browser sends is
what it shows. Last, the facilitator rejects the challenged score: the watch redraws the
page, whose contested scores then say "rejected" (the participant's view of the decisions).

The server is ``policybench serve`` on the shipped catalog with a temporary store of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, expect

from policybench import catalog
from policybench.store import open_store
from policybench.ui import state
from support.appserver import AppServer
from support.browser import settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PASS = "correct horse battery"
#: The watch checks every 5 s; a rerun of the page on a busy machine takes a few more.
WATCH_MS = 60_000


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    where = tmp_path_factory.mktemp("round-seed-store")
    url = f"sqlite:///{where / 'workshops.db'}"
    server = AppServer(ROOT / "options", where / "server.log", db_url=url, via="serve")
    server.start()
    yield server
    server.stop()


def slider_name(cat: catalog.Catalog, cid: str) -> str:
    crit = cat.criteria_by_id[cid]
    return crit.name + (" (cost)" if crit.direction == "cost" else "")


def shows(slider: Locator, value: str, timeout: float = 5_000) -> None:
    """The slider (an ``<input type=range>``) shows ``value``, to the eye and to a screen
    reader."""
    expect(slider).to_have_value(value, timeout=timeout)
    expect(slider).to_have_attribute("aria-valuetext", value)


def test_a_round_opened_under_unsaved_sliders_shows_its_start(
    browser: Browser, served: AppServer
) -> None:
    cat = catalog.load(ROOT / "options")
    top, step = state.slider_max(cat), state.slider_step(cat)
    crits = list(cat.criterion_ids)
    first, second = crits[0], crits[1]
    # round 1's weights, on the sliders' grid and away from both ends, so that End and Home
    # move the two sliders, and so that they seed round 2 as they are
    submitted = {c: float(round(top / 4 / step) * step) + k * step for k, c in enumerate(crits)}
    assert all(0 < w < top for w in submitted.values())
    store = open_store(served.db_url)
    try:
        f = store.workshops.create(
            "Rounds", options=cat.option_ids, criteria=crits, passphrase=PASS, catalog=cat
        )
        token = store.workshops.join(f.code, "ana").token
        store.workshops.submit(f.code, token, submitted, {first: "round one's reason"})
        # a challenge for the contested scores, which the facilitator decides later
        option = next(o.id for o in cat.options if not o.baseline)
        store.workshops.challenge(f.code, token, option, first, 9.0, reason="Higher")
    finally:
        store.close()

    ctx = browser.new_context(locale="en-GB", viewport={"width": 1600, "height": 1000})
    try:
        page = ctx.new_page()
        page.goto(f"{served.url}/workshop?code={f.code}&p={token}")
        settle(page)
        one = page.get_by_role("slider", name=slider_name(cat, first))
        two = page.get_by_role("slider", name=slider_name(cat, second))
        shows(one, f"{submitted[first]:g}", timeout=30_000)
        # unsaved: one slider to the top, one to zero, a reason rewritten
        one.focus()
        page.keyboard.press("End")
        shows(one, f"{top:g}")
        settle(page)
        two.focus()
        page.keyboard.press("Home")
        shows(two, "0")
        settle(page)
        page.get_by_text("Reasons (optional)", exact=False).click()
        reason = page.get_by_role("textbox", name=slider_name(cat, first))
        expect(reason).to_have_value("round one's reason")
        reason.fill("not saved")
        reason.press("Tab")
        settle(page)
        expect(page.get_by_text("These weights are not saved yet", exact=False)).to_be_visible()
        expect(page.get_by_text("Your reasons have changes", exact=False)).to_be_visible()

        # lock, reveal, next round: all between two of the page's watches
        store = open_store(served.db_url)
        try:
            store.workshops.lock(f)
            store.workshops.reveal(f)
            store.workshops.next_round(f)
        finally:
            store.close()
        expect(
            page.get_by_text("They start from your weights of round 1", exact=False)
        ).to_be_visible(timeout=WATCH_MS)
        settle(page)
        # what the browser shows: round 2's start in every control
        shows(one, f"{submitted[first]:g}")
        shows(two, f"{submitted[second]:g}")
        for c in crits:
            slider = page.get_by_role("slider", name=slider_name(cat, c))
            shows(slider, f"{submitted[c]:g}")
        if not reason.is_visible():
            page.get_by_text("Reasons (optional)", exact=False).click()
        expect(reason).to_have_value("round one's reason")

        # and what it sends: submitted as shown, round 2 is round 1's weights and reasons
        page.get_by_role("button", name="Submit my weights").click()
        expect(page.get_by_text("Saved (revision 1)")).to_be_visible(timeout=30_000)

        # the watch also redraws the page when the facilitator rejects a score: the
        # participant reads "rejected", not "open"
        table = page.locator('[data-testid="stTable"] table').filter(has_text="Catalog → median")
        expect(table).to_contain_text("open")
        store = open_store(served.db_url)
        try:
            store.workshops.decide(f, option, first, "rejected")
        finally:
            store.close()
        expect(table).to_contain_text("rejected", timeout=WATCH_MS)
    finally:
        ctx.close()
    store = open_store(served.db_url)
    try:
        mine = store.workshops.my_submission(f.code, token)
    finally:
        store.close()
    assert mine is not None and mine.round == 2
    assert mine.weights == submitted
    assert mine.reasons == {first: "round one's reason"}
