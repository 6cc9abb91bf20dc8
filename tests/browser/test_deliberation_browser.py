"""Contested scores, rounds and camps in a real browser (issues 19 and 20), served as a user
serves it (``policybench serve``: the Content-Security-Policy and the device cookie in front).

Two participants on browsers of their own and a facilitator: a participant challenges a score
on their page, the facilitator sees it on the contested-scores panel (with the other
participant's challenge of the same score, whose hostile reason shows as text) and adopts the
room's median; the round is revealed and a second one opened, and the facilitator's page at a
projector's 1024×768 shows the rounds (the convergence chart's lines spread across the chart),
the camps and the common ground. axe-core finds no serious or critical violation on the
facilitator's page with the new panels, and the contested table's text is never cut off.
Four more participants, driven through the store, make two obvious camps (Tokyo's and Seoul's
presets) so that the camp cards are drawn.

Screenshots go to tests/artifacts (``deliberation-facilitator-1024.png``,
``deliberation-facilitator.png``, ``deliberation-participant.png``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from policybench import catalog
from policybench.store import open_store
from support.appserver import AppServer
from support.browser import axe_problems, screenshot, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PASS = "correct horse battery"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> **not bold**"
PROJECTOR = {"width": 1024, "height": 768}
#: What the contested table and its cells would need beyond their own width to show every
#: word (0 when nothing is cut off), and whether the table runs past the window.
CUT_OFF = """(table) => {
  const cells = [...table.querySelectorAll('th, td')];
  const over = cells.map(c => c.scrollWidth - c.clientWidth).filter(d => d > 1);
  const box = table.getBoundingClientRect();
  const wrap = table.parentElement;
  return {cells: over.length, wrap: wrap.scrollWidth - wrap.clientWidth,
          right: box.right, viewport: window.innerWidth, rows: table.rows.length};
}"""
#: The convergence chart as drawn (SVG): its box, its lines and its round markers.
LINES = """(chart) => {
  const svg = chart.querySelector('svg.marks');
  const r = (e) => { const b = e.getBoundingClientRect();
                     return {left: b.left, right: b.right, width: b.width, height: b.height}; };
  return {box: r(svg),
          lines: [...svg.querySelectorAll('g.mark-line.role-mark path')].map(r),
          points: [...svg.querySelectorAll('g.mark-symbol.role-mark path')].map(r)};
}"""


class _NoInjection:
    """The page for :func:`support.browser.axe_problems` with axe already loaded: adding a
    script tag is an inline script, which the app's Content-Security-Policy refuses."""

    def __init__(self, page: Page) -> None:
        self._page = page

    def add_script_tag(self, **_: Any) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)


def axe_under_csp(page: Page, axe_script: Path) -> list[str]:
    page.evaluate(axe_script.read_text(encoding="utf-8"))
    found: list[str] = axe_problems(_NoInjection(page), axe_script)  # type: ignore[arg-type,unused-ignore]
    return found


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


def challenge_on_the_page(page: Page, link: str, value: str, reason: str) -> None:
    """On a participant's own page, challenge the form's first cell (the first option in
    play on the first criterion) with ``value`` and ``reason``."""
    page.goto(link)
    settle(page)
    expect(page.get_by_role("heading", name="Challenge a score")).to_be_visible(timeout=30_000)
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
    option, criterion = cat.option_ids[0], cat.criterion_ids[0]
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
    challenge_on_the_page(ana, link["ana"], "1", "Tokyo cannot sell this at home")
    bob = contexts()
    bob.goto(link["bob"])
    settle(bob)

    # the facilitator, on a projector, sees the two challenges and adopts the median
    fac = contexts(viewport=PROJECTOR)
    sign_in(fac, served.url, f.code)
    table = fac.locator('[data-testid="stTable"] table').filter(
        has_text="If the median were adopted"
    )
    expect(table).to_contain_text("2 challenges: 1–2", timeout=30_000)
    expect(fac.get_by_text(HOSTILE, exact=False).first).to_be_attached()
    assert fac.locator('[data-testid="stMain"] script').count() == 0
    assert fac.locator('img[src="x"]').count() == 0
    fac.get_by_role("button", name="Adopt the median").click()
    expect(fac.get_by_text("1 score adjusted in this workshop").first).to_be_visible(timeout=30_000)
    expect(table).to_contain_text("Adopted 1.5")
    settle(fac)
    problems = axe_under_csp(fac, axe_script)
    assert not problems, "\n".join(problems)

    # a second round: revealed, reopened, everyone revises
    store = open_store(served.db_url)
    try:
        [decision] = store.workshops.decisions(f)
        assert (decision.option, decision.criterion, decision.value) == (option, criterion, 1.5)
        assert catalog_value != 1.5
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

    # the convergence chart at 1024×768: one line per criterion, spread across the chart
    m = chart.evaluate(LINES)
    box = m["box"]
    assert box["width"] >= 500 and box["left"] >= 0 and box["right"] <= PROJECTOR["width"]
    assert len(m["lines"]) == len(cat.criterion_ids)
    assert all(line["width"] >= 0.4 * box["width"] for line in m["lines"]), m["lines"]
    assert len(m["points"]) == 2 * len(cat.criterion_ids)

    # the contested table (and every other table of text): every word on screen, nothing
    # past the window
    cut = table.evaluate(CUT_OFF)
    assert cut["rows"] == 2 and cut["cells"] == 0 and cut["wrap"] <= 1, cut
    assert cut["right"] <= cut["viewport"], cut
    tables = fac.locator('[data-testid="stTable"] table')
    assert tables.count() >= 4  # contested, rounds, what divides the camps, across rounds
    for k in range(tables.count()):
        cut = tables.nth(k).evaluate(CUT_OFF)
        assert cut["cells"] == 0 and cut["wrap"] <= 1 and cut["right"] <= cut["viewport"], cut
    wide = fac.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"the facilitator's page is {wide}px wider than the window"

    # the camps of round 2, a card each, and the common ground
    expect(fac.get_by_text("The room splits into two camps", exact=False)).to_be_visible()
    expect(fac.get_by_text("· 3 people")).to_have_count(2)
    expect(fac.get_by_role("heading", name="Camps across rounds")).to_be_visible()
    problems = axe_under_csp(fac, axe_script)
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
