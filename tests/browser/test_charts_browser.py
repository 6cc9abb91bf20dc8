"""Charts as a person sees them, in chromium at a phone's width (390×844), a projector's
(1024×768) and a wide screen's (1400×900): the Rank page's chart, the Compare page's, the
exported SVG and the HTML brief.

What is measured is what a person looks at: the bars' rendered width against the chart's,
every option's name and score drawn inside the chart (none cut off at an edge), the status
quo's line labelled, the legend above the bars, nothing on the page scrolling sideways, and
the best ten on a phone until all are asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from policybench import catalog, export
from policybench.analysis.rank import rank_catalog
from policybench.analysis.screen import select
from policybench.export.report import build_report
from support.browser import screenshot, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(390, 844), (1024, 768), (1400, 900)]
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)

#: What a person sees of a Vega chart drawn as SVG: its box, its bars (rects wider than a
#: tick), the option names (text marks labelled "label: ..."), the printed scores, the status
#: quo's label and the legend's box, all in page pixels.
MEASURE = """(chart) => {
  const svg = chart.querySelector('svg.marks');
  const box = svg.getBoundingClientRect();
  const rect = (e) => { const r = e.getBoundingClientRect();
                        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                                width: r.width, height: r.height}; };
  const bars = [...svg.querySelectorAll('g.mark-rect.role-mark path')].map(rect)
                 .filter(r => r.width > 3 && r.height > 5);
  const texts = [...svg.querySelectorAll('g.mark-text.role-mark text')]
                 .map(t => ({text: t.textContent, label: t.getAttribute('aria-label') || '', ...rect(t)}));
  const legend = svg.querySelector('g.role-legend');
  return {box: rect(svg), bars, texts, legend: legend ? rect(legend) : null,
          pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth};
}"""


@pytest.fixture
def sized(browser: Browser) -> Iterator[Any]:
    """``sized(width, height, **context)``: a page of that size (closed afterwards)."""
    contexts = []

    def make(width: int, height: int, **kw: Any) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="en-GB", **kw
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def open_chart(page: Page, url: str) -> Any:
    page.goto(url)
    settle(page)
    page.locator('[data-testid="stVegaLiteChart"] svg.marks').first.wait_for(timeout=60_000)
    settle(page)
    return page.locator('[data-testid="stVegaLiteChart"]').first


def names_of(m: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in m["texts"] if t["label"].startswith("label: ")]


def inside(item: dict[str, Any], box: dict[str, Any]) -> bool:
    return item["left"] >= box["left"] - 1 and item["right"] <= box["right"] + 1


def default_set_size() -> int:
    cat = catalog.load(ROOT / "options")
    return len(select(cat).options)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_rank_chart_is_legible_at_every_width(
    sized: Any, server: Any, shots_dir: Path, size: tuple[int, int]
) -> None:
    width, height = size
    page = sized(width, height)
    chart = open_chart(page, server.url)
    m = chart.evaluate(MEASURE)
    box = m["box"]
    # the bars get the chart's width: they start at its left edge (no column of names beside
    # them) and the longest reaches well across it, leaving room only for its score
    assert m["bars"], "no bars drawn"
    assert min(b["left"] for b in m["bars"]) - box["left"] <= 2
    assert (max(b["right"] for b in m["bars"]) - box["left"]) / box["width"] >= 0.6
    # a name and a score for every option, every one inside the chart
    options = default_set_size()
    names = names_of(m)
    scores = [t for t in m["texts"] if re.fullmatch(r"-?\d\.\d{3}", t["text"])]
    assert len(names) == options and len(scores) == options
    assert all(inside(t, box) for t in names + scores), [
        t["text"] for t in names + scores if not inside(t, box)
    ]
    assert all(t["text"].strip() for t in names)
    # the status quo's line is labelled, inside the chart
    label = [t for t in m["texts"] if t["text"].startswith("Status quo 0.")]
    assert len(label) == 1 and inside(label[0], box)
    # the legend sits above the bars, within the chart
    assert m["legend"] is not None and inside(m["legend"], box)
    assert m["legend"]["bottom"] <= min(b["top"] for b in m["bars"])
    # nothing on the page scrolls sideways; the headings end inside the window
    assert m["pageWidth"] <= m["viewport"]
    for heading in page.locator('[data-testid="stMain"] h1, [data-testid="stMain"] h4').all():
        assert heading.bounding_box()["x"] + heading.bounding_box()["width"] <= width
    screenshot(page, shots_dir / f"rank-chart-{width}.png")


def test_a_phone_sees_the_best_ten_until_it_asks_for_all(sized: Any, server: Any) -> None:
    page = sized(390, 844, user_agent=PHONE, is_mobile=True, has_touch=True)
    chart = open_chart(page, server.url)
    assert len(names_of(chart.evaluate(MEASURE))) == 10
    total = default_set_size()
    page.get_by_text(f"All {total}", exact=True).click()
    settle(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    page.wait_for_function(
        """(n) => document.querySelectorAll('[data-testid="stVegaLiteChart"] g.mark-text text[aria-label^="label: "]').length === n""",
        arg=total,
        timeout=30_000,
    )
    assert len(names_of(chart.evaluate(MEASURE))) == total


def test_a_wide_screen_sees_every_option_and_can_ask_for_the_best_ten(
    sized: Any, server: Any
) -> None:
    page = sized(1400, 900)
    chart = open_chart(page, server.url)
    assert len(names_of(chart.evaluate(MEASURE))) == default_set_size()
    page.get_by_text("The best 10", exact=True).click()
    page.wait_for_function(
        """() => document.querySelectorAll('[data-testid="stVegaLiteChart"] g.mark-text text[aria-label^="label: "]').length === 10""",
        timeout=30_000,
    )


@pytest.mark.parametrize("size", [(390, 844), (1024, 768)], ids=["390x844", "1024x768"])
def test_the_compare_chart_is_legible(
    sized: Any, server: Any, shots_dir: Path, size: tuple[int, int]
) -> None:
    width, height = size
    page = sized(width, height)
    chart = open_chart(page, f"{server.url}/compare")
    m = chart.evaluate(MEASURE)
    box = m["box"]
    names = names_of(m)
    assert len(names) == default_set_size()
    assert all(inside(t, box) for t in names)
    assert all(re.match(r"\d+ → \d+ · ", t["text"]) for t in names)  # the two ranks first
    dots = chart.evaluate(
        """(c) => [...c.querySelectorAll('g.mark-symbol.role-mark path')].map(p => p.getBoundingClientRect().left)"""
    )
    # the dots spread across the chart's width: the names do not take it
    assert (max(dots) - min(dots)) / box["width"] >= 0.6
    assert m["pageWidth"] <= m["viewport"]
    screenshot(page, shots_dir / f"compare-chart-{width}.png")


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shipped catalog's HTML brief and SVG chart under the Tokyo preset, as files."""
    cat = catalog.load(ROOT / "options")
    selection = select(cat)
    weights = dict(cat.presets_by_id["tokyo"].weights)
    ranking = rank_catalog(cat, weights, options=selection.options, label="preset tokyo")
    report = build_report(
        cat,
        [ranking],
        preset="tokyo",
        weights_given=weights,
        selection=selection,
        title="Policy options for Japan–ROK relations, from Tokyo",
    )
    out = tmp_path_factory.mktemp("brief")
    return {
        fmt: export.write(fmt, out / export.file_name(report, fmt), report)
        for fmt in ("html", "svg")
    }


def test_the_exported_chart_keeps_every_word_inside_its_edges(
    sized: Any, brief: dict[str, Path]
) -> None:
    page = sized(1024, 768)
    page.goto(brief["svg"].as_uri())
    m = page.evaluate(
        """() => { const svg = document.querySelector('svg'); const b = svg.getBoundingClientRect();
                   const texts = [...svg.querySelectorAll('text')].map(t => {
                       const r = t.getBoundingClientRect();
                       return {text: t.textContent, left: r.left, right: r.right}; });
                   const bars = [...svg.querySelectorAll('g.mark-rect path')].map(p => p.getBoundingClientRect())
                       .filter(r => r.width > 3 && r.height > 5);
                   return {box: {left: b.left, right: b.right, width: b.width}, texts,
                           reach: Math.max(...bars.map(r => r.right)) - b.left}; }"""
    )
    assert m["box"]["width"] >= 700
    out = [t["text"] for t in m["texts"] if not inside(t, m["box"])]
    assert not out, out  # the title, the stamp, the names and the scores: none cut off
    stamp = " ".join(t["text"] for t in m["texts"])
    assert "Tokyo (preset)" in stamp and "default set, screen achievability>=1" in stamp
    assert m["reach"] / m["box"]["width"] >= 0.6  # the bars take the chart's width


@pytest.mark.parametrize("size", [(390, 844), (1024, 768)], ids=["390x844", "1024x768"])
def test_the_html_brief_reads_in_a_few_pages(
    sized: Any, brief: dict[str, Path], shots_dir: Path, size: tuple[int, int]
) -> None:
    width, height = size
    page = sized(width, height)
    page.goto(brief["html"].as_uri())
    m = page.evaluate(
        """() => ({height: document.documentElement.scrollHeight,
                   pageWidth: document.documentElement.scrollWidth,
                   sideways: [...document.querySelectorAll('.scroll')]
                       .filter(d => d.offsetParent !== null && d.scrollWidth > d.clientWidth + 1)
                       .map(d => d.textContent.slice(0, 60)),
                   sections: [...document.querySelectorAll('main > section > h2')].map(h => h.textContent)})"""
    )
    assert m["pageWidth"] <= width  # the page never scrolls sideways
    assert m["sections"][:3] == ["In brief", "Ranking", "Caveats"]
    if width >= 1024:
        assert not m["sideways"], m["sideways"]  # no table scrolls sideways on a laptop
        assert m["height"] < 9_000  # a few pages, not 124,000 px
    verdict = page.locator("p.verdict strong").inner_text()
    assert verdict.rstrip(":") in {"Solid", "Near-tie", "Fragile"}
    # one chart shown for the width, drawn for it: its words are not shrunk to fit
    shown = page.locator("#ranking figure svg:visible")
    assert shown.count() == 1
    scale = shown.evaluate("(s) => s.getBoundingClientRect().width / s.width.baseVal.value")
    assert scale >= 0.9 and shown.bounding_box()["width"] >= 0.8 * min(width - 40, 760)
    screenshot(page, shots_dir / f"brief-{width}.png")


def test_the_downloads_are_named_after_what_they_hold(sized: Any, server: Any) -> None:
    """What a person gets from the Compare page: a CSV named after the two perspectives, the
    method and the options in play, that Excel reads as UTF-8, and its stamp beside it."""
    page = sized(1024, 768, accept_downloads=True)
    page.goto(f"{server.url}/compare?preset=tokyo")
    settle(page)
    page.get_by_text("Download this comparison").click()
    page.get_by_role("button", name="Prepare the files").click()
    settle(page)
    with page.expect_download() as csv_file:
        page.get_by_role("button", name="CSV", exact=True).click()
    name = csv_file.value.suggested_filename
    assert re.fullmatch(
        r"policybench-compare-tokyo-vs-seoul-wsm-default-set-[0-9a-f]{12}-\d{8}T\d{4}Z\.csv", name
    )
    data = Path(csv_file.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbfOption id,Option,Group,Status quo,Tokyo (preset): score")
    with page.expect_download() as stamp:
        page.get_by_role("button", name="Its stamp (text)").click()
    assert stamp.value.suggested_filename == name.replace(".csv", ".stamp.txt")
    text = Path(stamp.value.path()).read_text(encoding="utf-8")
    assert "perspectives: Tokyo (preset) against Seoul (preset)" in text
    assert "set aside by the screen: The Grand Bargain" in text
