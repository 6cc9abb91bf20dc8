"""The Map page, the Rank page's likely ranks and the thresholds in a real browser: what a
person sees at a phone's, a projector's and a wide screen's width, a click and the keyboard
opening an option's evidence, accessibility, and the link round trip with thresholds set."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import pytest
from playwright.sync_api import Page, expect

from policybench import catalog
from policybench.analysis.bands import bands_catalog
from policybench.analysis.frontier import frontier_catalog
from policybench.analysis.screen import select
from policybench.present.bands import band_label
from support.browser import axe_problems, screenshot, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHART = '[data-testid="stVegaLiteChart"]'
WIDTHS = [(390, 844), (1024, 768), (1400, 900)]


def shipped() -> catalog.Catalog:
    return catalog.load(ROOT / "options")


def open_map(page: Page, url: str, query: str = "") -> None:
    page.goto(f"{url}/map{query}")
    settle(page)
    page.locator(f"{CHART} svg").first.wait_for(timeout=60_000)
    settle(page)


def points(page: Page) -> Any:
    return page.locator(f"{CHART} g.mark-symbol.role-mark path")


def query(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_the_map_shows_every_option_the_frontier_and_whole_names(
    page: Page, server: Any, shots_dir: Path, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    open_map(page, server.url)
    cat = shipped()
    want = frontier_catalog(cat, options=select(cat).options)
    assert points(page).count() == len(want.option_ids)
    svg = page.locator(f"{CHART} svg").first.bounding_box()
    assert svg is not None and svg["width"] > 0.8 * min(width, 1400) - 420  # the chart is wide
    # the frontier is a drawn line with real length
    line = page.locator(f"{CHART} g.mark-line.role-mark path").first.bounding_box()
    assert line is not None and line["width"] > 0.1 * svg["width"]
    # points sit inside the plot, spread over it
    xs = []
    for i in range(points(page).count()):
        box = points(page).nth(i).bounding_box()
        assert (
            box is not None
            and svg["x"] <= box["x"]
            and box["x"] + box["width"] <= svg["x"] + svg["width"]
        )
        xs.append(box["x"])
    assert max(xs) - min(xs) > 0.4 * svg["width"]
    # every name beside a point is inside the chart (none runs off an edge), and says something
    names = page.locator(f"{CHART} g.mark-text.role-mark text")
    shown = [t for t in names.all_text_contents() if t.strip()]
    first = cat.options_by_id[want.option_ids[want.frontier()[0]]].title
    assert any(first.split()[0] in t for t in shown), shown
    for i in range(names.count()):
        box = names.nth(i).bounding_box()
        if box is None or box["width"] == 0:
            continue
        assert box["x"] >= svg["x"] - 1 and box["x"] + box["width"] <= svg["x"] + svg["width"] + 1
    screenshot(page, shots_dir / f"map-{width}.png")


def test_clicking_a_point_opens_that_options_evidence(page: Page, server: Any) -> None:
    open_map(page, server.url)
    cat = shipped()
    want = frontier_catalog(cat, options=select(cat).options)
    title = cat.options_by_id[want.option_ids[want.frontier()[0]]].title
    target = points(page).filter(
        has=page.locator(f'xpath=self::*[contains(@aria-label, "{title[:30]}")]')
    )
    if target.count() == 0:  # fall back to scanning the labels
        labels = [
            points(page).nth(i).get_attribute("aria-label") or ""
            for i in range(points(page).count())
        ]
        target = points(page).nth(next(i for i, a in enumerate(labels) if title[:30] in a))
    box = target.first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator('[data-testid="stMain"] h3').filter(has_text=title[:30])).to_be_visible(
        timeout=20_000
    )
    rationale = cat.options_by_id[want.option_ids[want.frontier()[0]]].scores["achievability"]
    expect(page.get_by_text(rationale.rationale[:40], exact=False).first).to_be_visible()


def test_the_option_list_opens_evidence_from_the_keyboard(page: Page, server: Any) -> None:
    open_map(page, server.url)
    cat = shipped()
    option = cat.options_by_id["bilateral-2plus2"]
    box = page.get_by_role("combobox", name=re.compile("Open an option's evidence"))
    box.focus()
    page.keyboard.type("2+2")
    page.keyboard.press("Enter")
    expect(page.locator('[data-testid="stMain"] h3').filter(has_text="2+2")).to_be_visible(
        timeout=20_000
    )
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(option.summary[:30], exact=False).first).to_be_visible(timeout=20_000)


def test_the_map_page_has_no_serious_accessibility_violations(
    page: Page, server: Any, axe_script: Path
) -> None:
    open_map(page, server.url)
    page.get_by_role("combobox", name=re.compile("Open an option's evidence")).focus()
    page.keyboard.type("shuttle")
    page.keyboard.press("Enter")
    settle(page)
    problems = axe_problems(page, axe_script)
    assert not problems, "\n".join(problems)


def test_the_rank_page_shows_likely_ranks_beside_the_rank(
    page: Page, server: Any, shots_dir: Path
) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(server.url)
    settle(page)
    cat = shipped()
    bands = bands_catalog(cat, options=select(cat).options).band_map()
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible(timeout=30_000)
    cells = grid.locator('[role="gridcell"]').all_text_contents()
    # the first row: its rank, then its likely ranks, as the bands of the ranking give them
    top = bands["two-pronged-approach"]
    assert cells[:2] == ["1", band_label(*top)], cells[:4]
    assert sum("–" in c and c.endswith(("st", "nd", "rd", "th")) for c in cells) >= 20
    expect(page.get_by_text(re.compile("Likely ranks: the range of ranks"))).to_be_visible()
    screenshot(page, shots_dir / "rank-bands-1024.png")


def test_thresholds_round_trip_through_the_link(page: Page, server: Any) -> None:
    cat = shipped()
    link = quote("achievability>=3,escalation_risk<=6", safe="")
    page.goto(f"{server.url}/?require={link}")
    settle(page)
    kept = select(
        cat,
        [
            catalog.parse_requirement("achievability>=3", cat),
            catalog.parse_requirement("escalation_risk<=6", cat),
        ],
    )
    # the page ranks what the screen keeps, and lists what it sets aside with the reason
    gone = kept.screened_out[0]
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(re.compile(re.escape(gone.failed[0]))).first).to_be_visible(
        timeout=30_000
    )
    assert query(page).get("require") == "achievability>=3,escalation_risk<=6"
    # the sidebar shows them: its expander is open, the sliders at the thresholds
    floor = page.get_by_role("slider", name=re.compile("Achievability \\(at least\\)"))
    expect(floor).to_have_value("3")
    # moving a threshold with the keyboard updates the link
    floor.focus()
    page.keyboard.press("ArrowRight")
    deadline = time.monotonic() + 15
    while query(page).get("require") != "achievability>=3.5,escalation_risk<=6":
        assert time.monotonic() < deadline, query(page)
        page.wait_for_timeout(100)
    # and the link reopens the same view in a fresh page
    again = page.context.new_page()
    again.goto(page.url)
    settle(again)
    expect(
        again.get_by_role("slider", name=re.compile("Achievability \\(at least\\)"))
    ).to_have_value("3.5")
    assert query(again).get("require") == "achievability>=3.5,escalation_risk<=6"
    again.close()
