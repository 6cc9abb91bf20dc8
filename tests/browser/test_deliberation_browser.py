"""Contested scores, rounds and camps in a real browser (issues 19 and 20), served as a user
serves it (``policybench serve``: the Content-Security-Policy and the device cookie in front).

Two participants on browsers of their own and a facilitator: a participant chooses an option
(the status quo is not offered) and challenges a score on their page, the facilitator sees it
on the contested-scores panel (with the other participant's challenge of the same score, whose
hostile reason shows as text, without an author) and adopts the room's median (the range
pre-filled with the proposals' span); the round is revealed and a second one opened, and the
facilitator's page at a projector's 1024×768 shows the rounds (the convergence chart's lines
spread across the chart), the camps and the common ground. axe-core finds no serious or
critical violation on the facilitator's page with the new panels; the contested table's text
is never cut off nor stacked many lines high, and no button's label is cut off. On a phone
(390 pixels wide) neither page scrolls sideways.
Four more participants, driven through the store, make two obvious camps (Tokyo's and Seoul's
presets) so that the camp cards are drawn.

Screenshots go to tests/artifacts (``deliberation-facilitator-1024.png``,
``deliberation-facilitator.png``, ``deliberation-participant.png``,
``deliberation-facilitator-390.png``, ``deliberation-participant-390.png``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from policybench import catalog
from policybench.store import open_store
from support.appserver import AppServer
from support.browser import axe_problems, screenshot, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PASS = "correct horse battery"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> **not bold**"
PROJECTOR = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
#: A table cell taller than this (about four lines of text) reads badly on a projector.
TALL = 100
#: What the contested table and its cells would need beyond their own width to show every
#: word (0 when nothing is cut off), and whether the table runs past the window.
CUT_OFF = """(table) => {
  const cells = [...table.querySelectorAll('th, td')];
  const over = cells.map(c => c.scrollWidth - c.clientWidth).filter(d => d > 1);
  const box = table.getBoundingClientRect();
  const wrap = table.parentElement;
  return {cells: over.length, wrap: wrap.scrollWidth - wrap.clientWidth,
          right: box.right, viewport: window.innerWidth, rows: table.rows.length,
          tallest: Math.max(...cells.map(c => c.getBoundingClientRect().height)),
          head: table.rows[0].innerText.slice(0, 80)};
}"""
#: The labels of the main area's buttons that do not fit their button (cut off with "…").
CUT_BUTTONS = """() => [...document.querySelectorAll('[data-testid="stMain"] button')]
  .filter(b => b.offsetParent !== null)
  .flatMap(b => [...b.querySelectorAll('p, span, div')]
    .filter(e => e.children.length === 0 && e.scrollWidth - e.clientWidth > 1)
    .map(e => b.innerText.trim()))"""
#: The convergence chart as drawn (SVG): its box, its lines and its round markers.
LINES = """(chart) => {
  const svg = chart.querySelector('svg.marks');
  const r = (e) => { const b = e.getBoundingClientRect();
                     return {left: b.left, right: b.right, width: b.width, height: b.height}; };
  return {box: r(svg),
          lines: [...svg.querySelectorAll('g.mark-line.role-mark path')].map(r),
          points: [...svg.querySelectorAll('g.mark-symbol.role-mark path')].map(r)};
}"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """``policybench serve`` on the shipped catalog with a temporary store of its own."""
    where = tmp_path_factory.mktemp("deliberation-store")
    url = f"sqlite:///{where / 'workshops.db'}"
    server = AppServer(ROOT / "options", where / "server.log", db_url=url, via="serve")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[Callable[..., Page]]:
    """``new_page(**context)``: a page in a browser context of its own."""
    opened: list[BrowserContext] = []

    def new_page(**overrides: Any) -> Page:
        ctx = browser.new_context(**{"locale": "en-GB", **overrides})
        opened.append(ctx)
        return ctx.new_page()

    yield new_page
    for ctx in opened:
        ctx.close()


def vary(weights: dict[str, float], k: int) -> dict[str, float]:
    """A preset's weights with one criterion moved by 10 % per step: the same camp."""
    c = list(weights)[k % len(weights)]
    return {**weights, c: weights[c] * (1 + 0.1 * k)}


def sign_in(page: Page, url: str, code: str) -> None:
    page.goto(f"{url}/facilitate?code={code}")
    settle(page)
    page.get_by_role("tab", name="Sign in").click()
    box = page.get_by_label("Passphrase", exact=True).last
    box.fill(PASS)
    box.press("Tab")
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    expect(page.get_by_role("heading", name="Contested scores")).to_be_visible(timeout=30_000)


def challenge_on_the_page(page: Page, link: str, title: str, value: str, reason: str) -> None:
    """On a participant's own page, choose the option ``title`` in the challenge form (the
    first criterion stays) and challenge it with ``value`` and ``reason``."""
    page.goto(link)
    settle(page)
    expect(page.get_by_role("heading", name="Challenge a score")).to_be_visible(timeout=30_000)
    chooser = page.get_by_role("combobox", name="Option", exact=True)
    chooser.focus()
    page.keyboard.type("Status quo")
    expect(page.get_by_text("No results", exact=False).first).to_be_visible()  # not offered
    chooser.fill("")
    page.keyboard.type(title)
    page.keyboard.press("Enter")
    settle(page)
    proposed = page.get_by_label("The score you propose (0–10)")
    proposed.fill(value)
    proposed.press("Tab")
    settle(page)
    reason_box = page.get_by_label("Your reason", exact=False)
    reason_box.fill(reason)
    reason_box.press("Tab")
    settle(page)
    page.get_by_role("button", name="Save challenge").click()
    expect(page.get_by_text("Challenge saved (1 in all)")).to_be_visible(timeout=30_000)


def test_a_challenge_adopted_two_rounds_and_camps_on_a_projector(
    contexts: Callable[..., Page], served: AppServer, shots_dir: Path, axe_script: Path
) -> None:
    cat = catalog.load(ROOT / "options")
    presets = {p.id: dict(p.weights) for p in cat.presets}
    people = {
        "ana": vary(presets["tokyo"], 0),
        "bob": vary(presets["seoul"], 0),
        "cy": vary(presets["tokyo"], 1),
        "dee": vary(presets["tokyo"], 2),
        "eli": vary(presets["seoul"], 1),
        "fay": vary(presets["seoul"], 2),
    }
    # the first option a participant may challenge (the status quo is the reference level)
    option = next(o.id for o in cat.options if not o.baseline)
    criterion = cat.criterion_ids[0]
    title = cat.options_by_id[option].title
    score = cat.options_by_id[option].scores[criterion]
    catalog_value = cat.options_by_id[option].scores[criterion].value
    store = open_store(served.db_url)
    try:
        f = store.workshops.create(
            "Deliberation",
            options=cat.option_ids,
            criteria=cat.criterion_ids,
            passphrase=PASS,
            catalog=cat,
        )
        tokens = {name: store.workshops.join(f.code, name).token for name in people}
        for name, weights in people.items():
            store.workshops.submit(f.code, tokens[name], weights, {criterion: f"{name}'s view"})
        # bob's challenge of the same score, made through the store: his hostile reason
        store.workshops.challenge(f.code, tokens["bob"], option, criterion, 2.0, reason=HOSTILE)
    finally:
        store.close()
    link = {n: f"{served.url}/workshop?code={f.code}&p={t}" for n, t in tokens.items()}

    # a participant challenges a score on their own page
    ana = contexts()
    challenge_on_the_page(ana, link["ana"], title, "4", "Tokyo cannot sell this at home")
    bob = contexts()
    bob.goto(link["bob"])
    settle(bob)

    # the facilitator, on a projector, sees the two challenges and adopts the median
    fac = contexts(viewport=PROJECTOR)
    sign_in(fac, served.url, f.code)
    table = fac.locator('[data-testid="stTable"] table').filter(
        has_text="If the median were adopted"
    )
    expect(table).to_contain_text("2 challenges: 2–4", timeout=30_000)
    # the median 3 lies outside the catalog's range: said in the table, and the range to
    # adopt starts at the proposals' span
    assert (score.low, score.high) == (1.0, 2.0) and catalog_value == 1.0
    expect(table).to_contain_text("1 → 3 (outside 1–2)")
    expect(table).to_contain_text("open")
    expect(fac.get_by_text(HOSTILE, exact=False).first).to_be_attached()
    assert fac.locator('[data-testid="stMain"] script').count() == 0
    assert fac.locator('img[src="x"]').count() == 0
    assert fac.get_by_text("Participant 2 proposes", exact=False).count() == 0, "no authors"
    fac.get_by_role("button", name="Adopt the median").click()
    expect(fac.get_by_text("1 score adjusted in this workshop").first).to_be_visible(timeout=30_000)
    expect(table).to_contain_text("adopted 3")
    expect(fac.get_by_role("button", name="Adopted ✓ 3", exact=False)).to_be_visible()
    settle(fac)
    cut = table.evaluate(CUT_OFF)
    assert cut["cells"] == 0 and cut["tallest"] <= TALL, cut
    assert not fac.evaluate(CUT_BUTTONS), fac.evaluate(CUT_BUTTONS)
    settle(fac)
    problems = axe_problems(fac, axe_script, under_csp=True)
    assert not problems, "\n".join(problems)

    # a second round: revealed, reopened, everyone revises
    store = open_store(served.db_url)
    try:
        [decision] = store.workshops.decisions(f)
        assert (decision.option, decision.criterion, decision.value) == (option, criterion, 3.0)
        assert (decision.low, decision.high) == (2.0, 4.0)
        store.workshops.lock(f)
        store.workshops.reveal(f)
        store.workshops.next_round(f)
        for k, (name, weights) in enumerate(people.items()):
            store.workshops.submit(f.code, tokens[name], vary(weights, k + 3), {})
    finally:
        store.close()
    fac.reload()
    settle(fac)
    chart = fac.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("svg.marks").wait_for(timeout=60_000)
    chart.scroll_into_view_if_needed()
    settle(fac)

    chart_spread(chart, len(cat.criterion_ids))
    nothing_cut_off(fac, table)

    # the camps of round 2, a card each, and the common ground
    expect(fac.get_by_text("The room splits into two camps", exact=False)).to_be_visible()
    expect(fac.get_by_text("· 3 people")).to_have_count(2)
    expect(fac.get_by_role("heading", name="Camps across rounds")).to_be_visible()
    problems = axe_problems(fac, axe_script, under_csp=True)
    assert not problems, "\n".join(problems)
    screenshot(fac, shots_dir / "deliberation-facilitator-1024.png")

    wide_fac = contexts(viewport={"width": 1600, "height": 1000})
    sign_in(wide_fac, served.url, f.code)
    wide_fac.locator('[data-testid="stVegaLiteChart"] svg.marks').first.wait_for(timeout=60_000)
    settle(wide_fac)
    screenshot(wide_fac, shots_dir / "deliberation-facilitator.png")

    ana.reload()
    settle(ana)
    expect(ana.get_by_text("Round 2", exact=False).first).to_be_visible(timeout=30_000)
    screenshot(ana, shots_dir / "deliberation-participant.png")

    on_a_phone(contexts, served, f.code, link["bob"], shots_dir, axe_script)


def chart_spread(chart: Locator, criteria: int) -> None:
    """The convergence chart at 1024×768: one line per criterion, spread across the chart."""
    m = chart.evaluate(LINES)
    box = m["box"]
    assert box["width"] >= 500 and box["left"] >= 0 and box["right"] <= PROJECTOR["width"]
    assert len(m["lines"]) == criteria
    assert all(line["width"] >= 0.4 * box["width"] for line in m["lines"]), m["lines"]
    assert len(m["points"]) == 2 * criteria


def nothing_cut_off(fac: Page, table: Locator) -> None:
    """At a projector's 1024×768: the contested table (and every other table of text) shows
    every word, no cell stacked many lines high, nothing past the window; no button label is
    cut off (the export's downloads prepared first)."""
    cut = table.evaluate(CUT_OFF)
    assert cut["rows"] == 2 and cut["cells"] == 0 and cut["wrap"] <= 1, cut
    assert cut["right"] <= cut["viewport"], cut
    tables = fac.locator('[data-testid="stTable"] table')
    assert tables.count() >= 4  # contested, rounds, what divides the camps, across rounds
    for k in range(tables.count()):
        cut = tables.nth(k).evaluate(CUT_OFF)
        assert cut["cells"] == 0 and cut["wrap"] <= 1 and cut["right"] <= cut["viewport"], cut
    assert table.evaluate(CUT_OFF)["tallest"] <= TALL
    # no button label cut off: the round's buttons two a row, the downloads too
    fac.get_by_role("button", name="Prepare the export files").click()
    expect(fac.get_by_role("button", name="Download Markdown")).to_be_visible(timeout=60_000)
    settle(fac)
    assert not fac.evaluate(CUT_BUTTONS), fac.evaluate(CUT_BUTTONS)
    wide = fac.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"the facilitator's page is {wide}px wider than the window"


def on_a_phone(
    contexts: Callable[..., Page],
    served: AppServer,
    code: str,
    link: str,
    shots_dir: Path,
    axe_script: Path,
) -> None:
    """On a phone (390 pixels wide) neither page scrolls sideways, the contested table wraps
    within the width, and axe finds nothing serious."""
    for who, open_ in (
        ("facilitator", lambda p: sign_in(p, served.url, code)),
        ("participant", lambda p: (p.goto(link), settle(p))),
    ):
        phone = contexts(viewport=PHONE, is_mobile=True, has_touch=True)
        open_(phone)
        expect(phone.get_by_role("heading", name="Contested scores").first).to_be_visible(
            timeout=30_000
        )
        settle(phone)
        wide = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"the {who}'s page is {wide}px wider than a phone"
        # the contested table wraps within the phone's width (wider tables of figures, such
        # as the camps across rounds, scroll inside their own box)
        contested_table = phone.locator('[data-testid="stTable"] table').filter(
            has_text="If the median were adopted"
        )
        cut = contested_table.first.evaluate(CUT_OFF)
        assert cut["cells"] == 0 and cut["right"] <= cut["viewport"] + 1, (who, cut)
        problems = axe_problems(phone, axe_script, under_csp=True)
        assert not problems, "\n".join(problems)
        screenshot(phone, shots_dir / f"deliberation-{who}-390.png")
