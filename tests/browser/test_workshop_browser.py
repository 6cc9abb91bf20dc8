"""A live workshop in a real browser: the facilitator creates it, two participants on their own
browser contexts join by the link and submit, and the facilitator's page (which refreshes
itself) shows both submissions and the group's ranking. Screenshots and axe-core checks of
both workshop pages.

The server runs on the shipped catalog with its own temporary SQLite store
(``POLICYBENCH_DATABASE_URL``), so nothing is written to the user's store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from policybench import catalog, group, mcda
from policybench.present.labels import option_label
from policybench.store import open_store
from support.browser import axe_problems, screenshot, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PASS = "correct horse battery"
#: A display name (at most 60 characters) and a title that would run if shown as HTML/Markdown.
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
HOSTILE_TITLE = "Seminar [x](javascript:alert(3)) <img src=x onerror=alert(4)> **not bold**"


# ------------------------------------------------------------------------------ helpers
def type_into(page: Page, label: str, text: str, *, first: bool = False) -> None:
    """Fill a text box and leave it (Streamlit takes a form's value when the box loses focus)."""
    box = page.get_by_label(label, exact=True)
    box = box.first if first else box
    box.fill(text)
    box.press("Tab")


def shipped() -> catalog.Catalog:
    return catalog.load(ROOT / "options")


def slider_name(cat: catalog.Catalog, cid: str) -> str:
    crit = cat.criteria_by_id[cid]
    return crit.name + (" (cost)" if crit.direction == "cost" else "")


# ------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def workshop_server(
    start_server: Callable[[Path], Any], tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """The app on the shipped catalog with a temporary store of its own."""
    db = tmp_path_factory.mktemp("workshop-store") / "workshops.db"
    url = f"sqlite:///{db}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICYBENCH_DATABASE_URL", url)
        server = start_server(ROOT / "options")
    server.db_url = url
    return server


@pytest.fixture
def contexts(
    browser: Browser, browser_context_args: dict[str, Any]
) -> Iterator[Callable[[], Page]]:
    """``new_page()``: a page in a browser context of its own (another person's browser)."""
    opened: list[BrowserContext] = []

    def new_page() -> Page:
        context = browser.new_context(**browser_context_args)
        opened.append(context)
        return context.new_page()

    yield new_page
    for context in opened:
        context.close()


def create_workshop(page: Page, url: str, title: str) -> str:
    """Create a workshop on the facilitator's page; return the join link it shows."""
    page.goto(f"{url}/facilitate")
    settle(page)
    expect(page.get_by_role("heading", name="Facilitate a workshop")).to_be_visible()
    type_into(page, "Title", title)
    type_into(page, "Passphrase", PASS, first=True)
    type_into(page, "Passphrase again", PASS)
    page.get_by_role("button", name="Create the workshop").click()
    settle(page)
    expect(page.get_by_role("heading", name="Invite the participants")).to_be_visible(
        timeout=30_000
    )
    link = page.locator('[data-testid="stCode"] code').first.inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/workshop\?code=[0-9A-Z]{13}", link), link
    return link


def join_and_submit(page: Page, link: str, name: str, raise_to_top: str) -> str:
    """Open the join link, join as ``name``, push one criterion to the top with the keyboard,
    submit; return the participant's own address."""
    cat = shipped()
    page.goto(link)
    settle(page)
    type_into(page, "Your display name", name)
    page.get_by_role("button", name="Join the workshop").click()
    settle(page)
    slider = page.get_by_role("slider", name=slider_name(cat, raise_to_top))
    expect(slider).to_be_visible(timeout=30_000)
    slider.focus()
    page.keyboard.press("End")
    expect(slider).to_have_value("10")
    settle(page)
    page.get_by_role("button", name="Submit my weights").click()
    expect(page.get_by_text("Saved (revision 1)")).to_be_visible(timeout=30_000)
    assert "p=" in page.url
    return page.url


def expected_headline(
    cat: catalog.Catalog, options: list[str], weights: list[dict[str, float]]
) -> str:
    """The group's first place as policybench.group and mcda compute it (mean weights)."""
    crits = list(cat.criterion_ids)
    w = np.array([[row[c] for c in crits] for row in weights], dtype=float)
    combined = group.combine_weights(w, "mean")
    p = catalog.to_problem(cat, dict(zip(crits, combined, strict=True)), options=options)
    ranks = mcda.rank(mcda.score(p.matrix, p.weights, p.types, "wsm", "scale"))
    first = [
        option_label(cat.options_by_id[o])
        for o, r in zip(p.option_ids, ranks, strict=True)
        if r == 1
    ]
    if len(first) == 1:
        return f"The group ranks {first[0]} first."
    return "The group ties for first place: " + "; ".join(first) + "."


# ------------------------------------------------------------------------------ the test
def test_two_participants_submit_and_the_facilitator_sees_both(
    page: Page,
    contexts: Callable[[], Page],
    workshop_server: Any,
    shots_dir: Path,
    axe_script: Path,
) -> None:
    cat = shipped()
    dialogs: list[str] = []
    link = create_workshop(page, workshop_server.url, HOSTILE_TITLE)
    expect(page.locator('[data-testid="stImage"] img').first).to_be_visible()  # the QR code

    ana = contexts()
    ana.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    bob = contexts()
    ana_link = join_and_submit(ana, link, HOSTILE, "deterrence")
    bob_link = join_and_submit(bob, link, "bob", "achievability")
    assert ana_link != bob_link

    # a slider's accessible name is the criterion's name as shown, without Markdown escapes
    expect(ana.get_by_role("slider", name=slider_name(cat, "escalation_risk"))).to_be_visible()

    # the hostile name is shown as text and runs nothing
    expect(ana.get_by_text("<script>alert(1)</script>", exact=False).first).to_be_visible()
    assert ana.locator('[data-testid="stMain"] script').count() == 0
    assert ana.locator('img[src="x"]').count() == 0
    assert ana.locator('a[href^="javascript"]').count() == 0
    expect(ana.get_by_text(HOSTILE_TITLE)).to_be_visible()

    # the facilitator's page refreshes itself: two submissions and the group's ranking
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Submissions")
    expect(metric).to_contain_text("2", timeout=30_000)
    store = open_store(workshop_server.db_url)
    try:
        code = link.split("code=", 1)[1]
        shop = store.workshops.get(code)
        want_weights = [
            {c: (10.0 if c == "deterrence" else 5.0) for c in cat.criterion_ids},
            {c: (10.0 if c == "achievability" else 5.0) for c in cat.criterion_ids},
        ]
    finally:
        store.close()
    headline = expected_headline(cat, list(shop.options), want_weights)
    expect(page.get_by_text(headline)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Kendall's W = ", exact=False).first).to_be_visible()
    settle(page)
    screenshot(page, shots_dir / "workshop-facilitator.png")
    problems = axe_problems(page, axe_script)
    assert not problems, "\n".join(problems)

    # the participant's page: the group's result only after the reveal
    expect(
        bob.get_by_text("appears here once the facilitator reveals it", exact=False)
    ).to_be_visible()
    page.get_by_role("button", name="Lock the round").click()
    settle(page)
    page.get_by_role("button", name="Reveal the result").click()
    settle(page)
    expect(bob.get_by_text("participants submitted", exact=False)).to_be_visible(timeout=30_000)
    settle(bob)
    screenshot(bob, shots_dir / "workshop-participant.png")
    problems = axe_problems(bob, axe_script)
    assert not problems, "\n".join(problems)
    assert dialogs == []


def test_a_participant_page_carries_on_after_a_reload(
    page: Page, contexts: Callable[[], Page], workshop_server: Any
) -> None:
    cat = shipped()
    link = create_workshop(page, workshop_server.url, "Reload")
    carl = contexts()
    own = join_and_submit(carl, link, "carl", "durability")
    other = contexts()  # the same personal link in another browser: the same participant
    other.goto(own)
    settle(other)
    expect(other.get_by_text("You are taking part as", exact=False)).to_contain_text("carl")
    expect(other.get_by_role("slider", name=slider_name(cat, "durability"))).to_have_value("10")
    expect(other.get_by_role("button", name="Save my revised weights")).to_be_visible()


def test_participants_carry_on_after_the_server_is_killed_and_restarted(
    page: Page, workshop_server: Any, tmp_path: Path
) -> None:
    """Kill the server mid-workshop (SIGKILL) and start it again on the same port and store:
    the submission made before is there, and the participant's open page reconnects and can
    revise (its identity is in its own address, not in the lost server session)."""
    import sys

    cat = shipped()
    server_type = type(workshop_server)
    conftest = sys.modules[server_type.__module__]
    store = open_store(workshop_server.db_url)
    try:
        f = store.workshops.create(
            "Restart",
            options=cat.option_ids,
            criteria=cat.criterion_ids,
            passphrase=PASS,
            catalog=cat,
        )
    finally:
        store.close()

    def start(port: int | None = None) -> Any:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("POLICYBENCH_DATABASE_URL", workshop_server.db_url)
            if port is not None:
                mp.setattr(conftest, "free_port", lambda: port)
            server = server_type(ROOT / "options", tmp_path / f"server-{port or 'first'}.log")
        server.wait_healthy()
        return server

    first = start()
    second = None
    try:
        link = f"{first.url}/workshop?code={f.code}"
        join_and_submit(page, link, "dana", "early_gains")
        first.process.kill()
        first.process.wait(timeout=10)
        second = start(first.port)
        # the open page reconnects by itself and redraws from its own address
        expect(page.get_by_role("button", name="Save my revised weights")).to_be_visible(
            timeout=60_000
        )
        slider = page.get_by_role("slider", name=slider_name(cat, "early_gains"))
        expect(slider).to_have_value("10")
        # the page redraws once more as it reconnects (its controls disabled meanwhile): a
        # key pressed on the old slider would be lost
        settle(page)
        expect(slider).to_be_enabled()
        slider.focus()
        page.keyboard.press("ArrowLeft")
        expect(slider).to_have_value("9")
        settle(page)
        page.get_by_role("button", name="Save my revised weights").click()
        expect(page.get_by_text("Saved (revision 2)")).to_be_visible(timeout=30_000)
    finally:
        first.stop()
        if second is not None:
            second.stop()
    store = open_store(workshop_server.db_url)
    try:
        token = page.url.split("p=", 1)[1].split("&", 1)[0]
        from urllib.parse import unquote

        sub = store.workshops.my_submission(f.code, unquote(token))
    finally:
        store.close()
    assert sub is not None and sub.revision == 2 and sub.weights["early_gains"] == 9.0
