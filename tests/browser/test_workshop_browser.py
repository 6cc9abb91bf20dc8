"""A live workshop in a real browser, served as a user serves it (``policybench serve``, so the
app's HTTP layer is in front: security headers, the Content-Security-Policy, the device
cookie): the facilitator creates it, two participants on their own browser contexts join by the
link and submit, and the facilitator's page (which refreshes itself) shows both submissions and
the group's ranking; locking asks first. Then the ordinary mistakes of a real room: the
facilitator reloads and opens the page in another tab (still signed in, only on that browser),
a participant opens the join link again (their own page, never a second identity), the server
is killed and restarted. Every page of the app is opened under the Content-Security-Policy
with no violation. Screenshots and axe-core checks of both workshop pages.

The server runs on the shipped catalog with its own temporary SQLite store
(``POLICYBENCH_DATABASE_URL``), so nothing is written to the user's store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from policybench import catalog, group, mcda
from policybench.present.labels import option_label
from policybench.store import open_store
from policybench.ui import state
from support.appserver import AppServer
from support.browser import axe_problems, screenshot, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
PASS = "correct horse battery"
#: A display name (at most 60 characters) and a title that would run if shown as HTML/Markdown.
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
HOSTILE_TITLE = "Seminar [x](javascript:alert(3)) <img src=x onerror=alert(4)> **not bold**"
#: Every Content-Security-Policy violation the page reports (recorded before any page script).
CSP_RECORDER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '')));
"""


# ------------------------------------------------------------------------------ helpers
def type_into(page: Page, label: str, text: str, *, first: bool = False) -> None:
    """Fill a text box and leave it (Streamlit takes a form's value when the box loses focus)."""
    box = page.get_by_label(label, exact=True)
    box = box.first if first else box
    box.fill(text)
    box.press("Tab")


def shipped() -> catalog.Catalog:
    return catalog.load(ROOT / "options")


def top() -> float:
    """The sliders' top: the Rank page's scale, which participants share."""
    return state.slider_max(shipped())


def slider_name(cat: catalog.Catalog, cid: str) -> str:
    crit = cat.criteria_by_id[cid]
    return crit.name + (" (cost)" if crit.direction == "cost" else "")


def csp_violations(page: Page) -> list[str]:
    return list(page.evaluate("() => window.__csp || []"))


# ------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def workshop_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """``policybench serve`` on the shipped catalog with a temporary store of its own."""
    where = tmp_path_factory.mktemp("workshop-store")
    url = f"sqlite:///{where / 'workshops.db'}"
    server = AppServer(ROOT / "options", where / "server.log", db_url=url, via="serve")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def contexts(
    browser: Browser, browser_context_args: dict[str, Any]
) -> Iterator[Callable[..., Page]]:
    """``new_page()``: a page in a browser context of its own (another person's browser),
    recording Content-Security-Policy violations; ``new_page(context=page)``: another tab in
    the same browser as ``page`` (the same cookies)."""
    opened: list[BrowserContext] = []

    def new_page(*, context: Page | None = None, **overrides: Any) -> Page:
        if context is not None:
            return context.context.new_page()
        ctx = browser.new_context(**{**browser_context_args, **overrides})
        ctx.add_init_script(CSP_RECORDER)
        opened.append(ctx)
        return ctx.new_page()

    yield new_page
    for ctx in opened:
        ctx.close()


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
    expect(slider).to_have_value(f"{top():g}")
    settle(page)
    expect(page.get_by_text("These weights are not saved yet", exact=False)).to_be_visible()
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
        f"“{option_label(cat.options_by_id[o])}”"  # titles are quoted inside sentences
        for o, r in zip(p.option_ids, ranks, strict=True)
        if r == 1
    ]
    if len(first) == 1:
        return f"The group ranks {first[0]} first."
    return "The group ties for first place: " + "; ".join(first) + "."


# ------------------------------------------------------------------------------ the room
def test_two_participants_submit_and_the_facilitator_sees_both(
    contexts: Callable[..., Page],
    workshop_server: AppServer,
    shots_dir: Path,
    axe_script: Path,
) -> None:
    cat = shipped()
    dialogs: list[str] = []
    page = contexts()
    link = create_workshop(page, workshop_server.url, HOSTILE_TITLE)
    expect(page.locator('[data-testid="stImage"] img').first).to_be_visible()  # the QR code
    # served on 127.0.0.1: the facilitator is told nobody else can open the link
    expect(page.get_by_text("This link points at 127.0.0.1", exact=False)).to_be_visible()

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
        mid = top() / 2
        want_weights = [
            {c: (top() if c == "deterrence" else mid) for c in cat.criterion_ids},
            {c: (top() if c == "achievability" else mid) for c in cat.criterion_ids},
        ]
    finally:
        store.close()
    headline = expected_headline(cat, list(shop.options), want_weights)
    expect(page.get_by_text(headline)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Kendall's W = ", exact=False).first).to_be_visible()
    # a disabled button says why, on the page and not only on hover
    expect(page.get_by_role("button", name="Reveal the result")).to_be_disabled()
    expect(page.get_by_text("Lock the round first", exact=False).first).to_be_visible()
    settle(page)
    screenshot(page, shots_dir / "workshop-facilitator.png")
    problems = axe_problems(page, axe_script, under_csp=True)
    assert not problems, "\n".join(problems)

    # the participant's page: the group's result only after the reveal
    expect(
        bob.get_by_text("appears here once the facilitator reveals it", exact=False)
    ).to_be_visible()
    page.get_by_role("button", name="Lock the round").click()
    expect(page.get_by_text("Locking freezes every submission", exact=False)).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("Everyone who joined (2) has submitted", exact=False)).to_be_visible()
    page.get_by_role("button", name="Lock now").click()
    settle(page)
    page.get_by_role("button", name="Reveal the result").click()
    settle(page)
    expect(bob.get_by_text("participants submitted", exact=False)).to_be_visible(timeout=30_000)
    settle(bob)
    screenshot(bob, shots_dir / "workshop-participant.png")
    problems = axe_problems(bob, axe_script, under_csp=True)
    assert not problems, "\n".join(problems)
    assert dialogs == []
    for who in (page, ana, bob):
        assert csp_violations(who) == [], csp_violations(who)


def test_the_facilitator_stays_signed_in_on_their_browser_only(
    contexts: Callable[..., Page], workshop_server: AppServer
) -> None:
    page = contexts()
    link = create_workshop(page, workshop_server.url, "Reloads")
    code = link.split("code=", 1)[1]
    assert not [c for c in page.context.cookies() if c["name"] == "pb_device" and not c["httpOnly"]]

    page.reload()  # signed in still, in the same workshop
    settle(page)
    expect(page.get_by_role("heading", name="Run the round")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("still signed in on this browser", exact=False)).to_be_visible()
    assert f"code={code}" in page.url

    tab = contexts(context=page)  # the page opened again in another tab, without the code
    tab.goto(f"{workshop_server.url}/facilitate")
    settle(tab)
    expect(tab.get_by_role("heading", name="Run the round")).to_be_visible(timeout=30_000)

    stranger = contexts()  # the same address in another browser: the passphrase
    stranger.goto(f"{workshop_server.url}/facilitate?code={code}")
    settle(stranger)
    expect(stranger.get_by_role("tab", name="Sign in")).to_be_visible()
    expect(stranger.get_by_role("heading", name="Run the round")).to_have_count(0)

    page.get_by_role("button", name="Sign out of this workshop").click()  # in the sidebar
    settle(page)
    page.reload()
    settle(page)
    expect(page.get_by_role("tab", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name="Run the round")).to_have_count(0)


def test_the_join_link_opened_again_is_the_same_participant(
    contexts: Callable[..., Page], workshop_server: AppServer
) -> None:
    cat = shipped()
    link = create_workshop(contexts(), workshop_server.url, "Second tab")
    carl = contexts()
    own = join_and_submit(carl, link, "carl", "durability")

    again = contexts(context=carl)  # the join link in a second tab of the same browser
    again.goto(link)
    settle(again)
    expect(again.get_by_text("Welcome back, carl", exact=False)).to_be_visible(timeout=30_000)
    expect(again.get_by_role("slider", name=slider_name(cat, "durability"))).to_have_value(
        f"{top():g}"
    )
    expect(again.get_by_role("button", name="Join the workshop")).to_have_count(0)
    assert again.url.split("p=", 1)[1] == own.split("p=", 1)[1]
    expect(again.get_by_role("button", name="Not you? Join under another name")).to_be_visible()

    other = contexts()  # the personal link in another browser: the same participant
    other.goto(own)
    settle(other)
    expect(other.get_by_text("You are taking part as", exact=False)).to_contain_text("carl")
    expect(other.get_by_role("button", name="Save my revised weights")).to_be_visible()

    newcomer = contexts()  # the join link in a browser that never joined: the join form
    newcomer.goto(link)
    settle(newcomer)
    expect(newcomer.get_by_role("button", name="Join the workshop")).to_be_visible()


def test_every_page_runs_under_the_content_security_policy(
    contexts: Callable[..., Page], workshop_server: AppServer
) -> None:
    """Only this server's scripts, styles, images and connections, no eval, one hashed inline
    script: every page still draws (the Rank page's chart included) and reports no violation."""
    page = contexts()
    for slug, heading in (
        ("", "Rank"),
        ("evidence", "Evidence"),
        ("compare", "Compare"),
        ("robustness", "Robust"),
        ("criteria", "Criteria"),
        ("workshop", "Workshop"),
        ("facilitate", "Facilitate"),
    ):
        page.goto(f"{workshop_server.url}/{slug}")
        settle(page)
        assert (
            heading.lower() in page.locator('[data-testid="stMain"] h1').first.inner_text().lower()
        )
        if slug == "":
            chart = page.locator('[data-testid="stVegaLiteChart"]').first
            expect(chart.locator("canvas, svg").first).to_be_visible(timeout=30_000)
            box = chart.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 100
        assert csp_violations(page) == [], (slug, csp_violations(page))
    response = page.request.get(f"{workshop_server.url}/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("width,height", [(390, 844), (1024, 768), (1400, 900)])
def test_the_workshop_pages_fit_a_phone_a_projector_and_a_laptop(
    contexts: Callable[..., Page],
    workshop_server: AppServer,
    width: int,
    height: int,
) -> None:
    """The facilitator's page and a participant's page at each width: nothing pushes the page
    sideways, the round's buttons and their reasons are on screen whole."""
    size = {"viewport": {"width": width, "height": height}}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    fac = contexts(**size)
    link = create_workshop(fac, workshop_server.url, f"Width {width}")
    me = contexts(**size)
    join_and_submit(me, link, f"w{width}", "deterrence")
    for who, name in ((fac, "facilitator"), (me, "participant")):
        who.reload()
        settle(who)
        wide = who.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{name} at {width}px: {wide}px wider than the window"
        screenshot(who, ARTIFACTS / f"workshop-{name}-{width}.png")  # not for the README
    hint = fac.get_by_text("Lock the round first", exact=False).first
    hint.scroll_into_view_if_needed()
    box = hint.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1


def test_participants_carry_on_after_the_server_is_killed_and_restarted(
    page: Page, workshop_server: AppServer, tmp_path: Path
) -> None:
    """Kill the server mid-workshop (SIGKILL) and start it again on the same port and store:
    the submission made before is there, and the participant's open page reconnects and can
    revise (its identity is in its own address, not in the lost server session)."""
    cat = shipped()
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

    server = AppServer(
        ROOT / "options", tmp_path / "server.log", db_url=workshop_server.db_url, via="serve"
    ).start()
    try:
        link = f"{server.url}/workshop?code={f.code}"
        join_and_submit(page, link, "dana", "early_gains")
        server.kill()
        server.start()
        # the open page reconnects by itself and redraws from its own address
        expect(page.get_by_role("button", name="Save my revised weights")).to_be_visible(
            timeout=60_000
        )
        slider = page.get_by_role("slider", name=slider_name(cat, "early_gains"))
        expect(slider).to_have_value(f"{top():g}")
        # the page redraws once more as it reconnects (its controls disabled meanwhile): a
        # key pressed on the old slider would be lost
        settle(page)
        expect(slider).to_be_enabled()
        slider.focus()
        page.keyboard.press("ArrowLeft")
        expect(slider).to_have_value(f"{top() - 1:g}")
        settle(page)
        page.get_by_role("button", name="Save my revised weights").click()
        expect(page.get_by_text("Saved (revision 2)")).to_be_visible(timeout=30_000)
    finally:
        server.stop()
    store = open_store(workshop_server.db_url)
    try:
        token = page.url.split("p=", 1)[1].split("&", 1)[0]
        sub = store.workshops.my_submission(f.code, unquote(token))
    finally:
        store.close()
    assert sub is not None and sub.revision == 2 and sub.weights["early_gains"] == top() - 1
