"""What the browser tests do to a Streamlit page in chromium: wait until it is drawn and
idle, take a full-page screenshot, and run axe-core's serious and critical checks."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

#: Violations inside Streamlit's own widgets that the app cannot change, by rule and selector.
AXE_EXCLUSIONS = {
    # Streamlit's st.pills / st.segmented_control (frontend ButtonGroup, data-testid
    # "stButtonGroup") draws a selected pill in the theme's primary colour on a tint of it:
    # 4.47:1 against the 4.5:1 AA threshold with the default theme. Fixed for the whole app
    # by a darker theme.primaryColor in .streamlit/config.toml.
    ("color-contrast", '[data-testid="stButtonGroup"]'),
}


def settle(page: Page, timeout: float = 60) -> None:
    """Wait until Streamlit has drawn the page (every page has a title) and is idle."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout * 1000)
    time.sleep(0.5)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = (
            page.locator('[data-testid="stStatusWidget"]').count()
            + page.locator('[data-testid="stSkeleton"]').count()
        )
        if not busy:
            break
        time.sleep(0.2)
    time.sleep(0.8)


def screenshot(page: Page, path: Path) -> None:
    """A full-page screenshot: Streamlit scrolls inside its own container, so the viewport is
    grown to the content first."""
    size = page.viewport_size or {"width": 1600, "height": 1000}
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stSidebarContent"]']
               .map(s => document.querySelector(s)?.scrollHeight || 0))"""
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 16_000)})
    time.sleep(1.0)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def axe_problems(page: Page, axe_script: Path, *, under_csp: bool = False) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each, less
    :data:`AXE_EXCLUSIONS`. ``under_csp``: the page is the app's, whose Content-Security-Policy
    refuses (as it must) the inline script a script tag would add, so axe is evaluated through
    the DevTools protocol instead."""
    if under_csp:
        page.evaluate(axe_script.read_text(encoding="utf-8"))
    else:
        page.add_script_tag(path=str(axe_script))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    problems = []
    for violation in result["violations"]:
        if violation["impact"] not in {"serious", "critical"}:
            continue
        for node in violation["nodes"]:
            excluded = any(
                rule == violation["id"]
                and page.locator(selector).filter(has=page.locator(node["target"][0])).count() > 0
                for rule, selector in AXE_EXCLUSIONS
            )
            if not excluded:
                problems.append(
                    f"{violation['id']} ({violation['impact']}): {node['target']} {node['html'][:120]}"
                )
    return problems
