"""Hostile text in every place the browser shows it: nothing runs, nothing breaks the layout.

A copy of the tiny catalog has ``<script>``, ``<img src=x onerror=...>``, a Markdown link to
``javascript:``, Markdown emphasis and very long strings (10,000 characters, with and without
spaces) in every text field a page shows: option titles and summaries, rationales, quotes,
criterion names, descriptions and level anchors, group and preset names, source titles. A
workshop on it has the same in its title, a participant's display name and their reasons
(a reason also with bare ``https://`` and ``www.`` addresses and an e-mail address).
Every page (Rank, Evidence, Compare, Robustness, Criteria, the participant's Workshop page and
the signed-in facilitator's page with names shown) is opened in Chromium, and each must:

- fire no dialog (``page.on("dialog")``), and leave ``window.__pwned`` unset (every payload
  sets it before it would alert);
- contain no element the payloads would inject: no ``<script>`` in the app's part of the page,
  no ``img[src="x"]``, no ``a[href^="javascript:"]``, no link to the bare addresses, no
  ``<b>``/``<strong>`` around our marker text from ``**...**``;
- hold its layout: the document is no wider than the window, no element of the main area or
  the sidebar reaches past its right edge, and no text is cut off without an ellipsis (long
  strings wrap; dataframes, charts and code blocks scroll inside themselves).

Stored weight-profile names are not shown by any page (only by the CLI, which quotes them;
tests/store covers them).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from policybench import catalog as catalog_mod
from policybench.store import open_store
from support.browser import settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "catalog"
PASS = "hostile input passphrase"

SCRIPT = "<script>window.__pwned='script';alert('script')</script>"
IMG = "<img src=x onerror=\"window.__pwned='img';alert('img')\">"
LINK = "[click me](javascript:window.__pwned='link';alert('link'))"
BOLD = "**HOSTILEBOLD**"
PAYLOAD = f"{SCRIPT} {IMG} {LINK} {BOLD}"
#: Bare addresses, which Streamlit's Markdown renderer would link after parsing, escapes or not.
ADDRESSES = "see https://evil.example/x, www.evil.example or mail a@evil.example"
LONG_WORD = "W" * 10_000  # one unbreakable 10,000-character token
LONG_TEXT = ("hostile " * 1250).strip()  # 10,000 characters with spaces


def _short(tag: str) -> str:
    """A hostile short text (catalog titles and names are capped at 300 characters)."""
    return f"{tag} {PAYLOAD}"[:300]


def hostile_catalog(dst: Path) -> Path:
    """The tiny catalog with hostile text in every field a page shows."""
    shutil.copytree(TINY, dst)

    def edit(name: str, fn: Callable[[Any], None]) -> None:
        path = dst / name
        doc = yaml.safe_load(path.read_text())
        fn(doc)
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10**9))

    def criteria(doc: Any) -> None:
        for i, c in enumerate(doc["criteria"]):
            c["name"] = _short(f"Crit{i}")
            c["description"] = f"{PAYLOAD} {LONG_WORD if i == 0 else LONG_TEXT}"
            c["levels"] = {k: f"{PAYLOAD} {v}" for k, v in c["levels"].items()}

    def presets(doc: Any) -> None:
        for i, p in enumerate(doc["presets"]):
            p["name"] = _short(f"Preset{i}")

    def groups(doc: Any) -> None:
        for i, g in enumerate(doc["groups"]):
            g["name"] = _short(f"Group{i}")
            g["description"] = f"{PAYLOAD} {LONG_TEXT}"

    def sources(doc: Any) -> None:
        for s in doc["sources"]:
            s["title"] = f"{PAYLOAD} {LONG_WORD}"[:300]
            s["authors"] = [_short("Author")]

    edit("criteria.yaml", criteria)
    edit("presets.yaml", presets)
    edit("groups.yaml", groups)
    edit("sources.yaml", sources)
    for k, path in enumerate(sorted((dst / "policies").glob("*.yaml"))):

        def option(doc: Any, k: int = k) -> None:
            doc["title"] = _short(f"Option{k}") if k else ("T" * 290)  # one long unbroken title
            doc["summary"] = f"{PAYLOAD} {LONG_WORD} {LONG_TEXT}"[:20_000]
            for score in doc["scores"].values():
                score["rationale"] = f"{PAYLOAD} {LONG_TEXT} {LONG_WORD}"[:20_000]
                for q in score.get("quotes", []):
                    q["text"] = f"{q['text']} {PAYLOAD}"

        edit(f"policies/{path.name}", option)
    catalog_mod.load(dst)  # it must load: hostile is not invalid
    return dst


# ------------------------------------------------------------------------------ checks
def open_expanders(page: Page) -> None:
    """Open every collapsed expander, so their text is drawn too."""
    for summary in page.locator('[data-testid="stExpander"] details:not([open]) > summary').all()[
        :40
    ]:
        try:
            summary.click(timeout=5_000)
        except Exception:  # pragma: no cover - a re-render detached it; the next pass gets it
            continue
    settle(page)


INJECTED = """() => {
  const app = document.querySelector('[data-testid="stApp"]') || document.body;
  return {
    pwned: window.__pwned ?? null,
    scripts: app.querySelectorAll('script').length,
    imgs: document.querySelectorAll('img[src="x"], img[onerror]').length,
    links: document.querySelectorAll('a[href^="javascript:" i]').length,
    addresses: document.querySelectorAll('a[href*="evil.example" i]').length,
    handlers: [...app.querySelectorAll('*')].filter(e =>
        [...e.attributes].some(a => a.name.startsWith('on'))).length,
    frames: app.querySelectorAll('iframe, object, embed').length,
  };
}"""

#: Markdown emphasis made from our ``**HOSTILEBOLD**`` (the marker without its asterisks),
#: with the Streamlit component it sits in.
EMPHASIS = """() => [...document.querySelectorAll('b, strong, em, i')]
  .filter(e => e.textContent.includes('HOSTILEBOLD') && !e.textContent.includes('**HOSTILEBOLD**'))
  .map(e => { let p = e, ids = []; while (p) { if (p.dataset && p.dataset.testid) ids.push(p.dataset.testid); p = p.parentElement; }
              return ids.slice(0, 3).join(' < '); })"""
#: Where a catalog name was once drawn as Markdown; now escaped (label_text), kept empty.
KNOWN_MARKDOWN: tuple[str, ...] = ()

#: Sideways overflow: the document wider than the window, any element of the main area or the
#: sidebar reaching past the window's right edge, or a text that does not fit its box and is
#: cut without an ellipsis (dataframes, charts and code blocks scroll inside themselves).
OVERFLOW = """() => {
  const w = window.innerWidth;
  const out = {document: document.documentElement.scrollWidth - w, wide: [], clipped: []};
  const where = e => { let p = e, ids = []; while (p) { if (p.dataset && p.dataset.testid) ids.push(p.dataset.testid); p = p.parentElement; }
                       return e.tagName + ' ' + ids.slice(0, 3).join(' < '); };
  for (const e of document.querySelectorAll('[data-testid="stMain"] *, [data-testid="stSidebarContent"] *')) {
    if (e.closest('[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"], [data-testid="stCode"] pre')) continue;
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 1) out.wide.push(where(e) + ' right=' + Math.round(r.right));
    if (e.children.length === 0 && e.textContent.trim() && e.scrollWidth > e.clientWidth + 1
        && getComputedStyle(e).textOverflow !== 'ellipsis')
      out.clipped.push(where(e) + ' ' + e.scrollWidth + '>' + e.clientWidth);
  }
  out.wide = out.wide.slice(0, 8);
  out.clipped = out.clipped.slice(0, 8);
  return out;
}"""


def check(page: Page, what: str, dialogs: list[str], *, allow_known: bool = False) -> None:
    open_expanders(page)
    found = page.evaluate(INJECTED)
    assert dialogs == [], f"{what}: a dialog fired: {dialogs}"
    assert found == {
        "pwned": None, "scripts": 0, "imgs": 0, "links": 0, "addresses": 0, "handlers": 0,
        "frames": 0,
    }, f"{what}: {found}"  # fmt: skip
    emphasis = page.evaluate(EMPHASIS)
    if allow_known:
        emphasis = [e for e in emphasis if not any(k in e for k in KNOWN_MARKDOWN)]
    assert emphasis == [], f"{what}: Markdown in hostile text was rendered: {emphasis}"
    overflow = page.evaluate(OVERFLOW)
    assert overflow == {"document": 0, "wide": [], "clipped": []}, f"{what}: overflow: {overflow}"


@pytest.fixture(scope="module")
def hostile_server(
    start_server: Callable[[Path], Any], tmp_path_factory: pytest.TempPathFactory
) -> Any:
    root = hostile_catalog(tmp_path_factory.mktemp("hostile") / "catalog")
    db = tmp_path_factory.mktemp("hostile-store") / "store.db"
    url = f"sqlite:///{db}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICYBENCH_DATABASE_URL", url)
        server = start_server(root)
    server.db_url = url
    server.catalog_root = root
    return server


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    return seen


@pytest.mark.parametrize("slug", ["", "evidence", "compare", "robustness", "criteria"])
def test_catalog_pages_show_hostile_text_inertly(
    page: Page, hostile_server: Any, dialogs: list[str], slug: str
) -> None:
    page.goto(f"{hostile_server.url}/{slug}")
    settle(page)
    expect(page.get_by_text("Catalog problems")).to_have_count(0)
    if slug == "robustness":
        run = page.get_by_role("button", name="Run", exact=True)
        if run.count():
            run.click()
            settle(page)
    check(page, slug or "rank", dialogs, allow_known=True)
    if slug in {"evidence", "criteria"}:  # the payloads are there as text: shown, not run
        expect(page.get_by_text("<script>window.__pwned", exact=False).first).to_be_attached()


def test_catalog_names_in_widget_labels_are_shown_as_typed(
    page: Page, hostile_server: Any, dialogs: list[str]
) -> None:
    page.goto(f"{hostile_server.url}/")
    settle(page)
    assert page.evaluate(EMPHASIS) == []


def test_workshop_pages_show_hostile_names_inertly(
    page: Page, hostile_server: Any, dialogs: list[str]
) -> None:
    cat = catalog_mod.load(hostile_server.catalog_root)
    title = f"{PAYLOAD} {'X' * 120}"[:200]
    name = f"{IMG}{'N' * 60}"[:60]
    reason = f"{SCRIPT} {LINK} {ADDRESSES}"[:280]
    with open_store(hostile_server.db_url) as store:
        fac = store.workshops.create(
            title,
            options=list(cat.option_ids),
            criteria=list(cat.criterion_ids),
            passphrase=PASS,
            catalog=cat,
        )
        me = store.workshops.join(fac.code, name)
        crits = list(cat.criterion_ids)
        store.workshops.submit(
            fac.code, me.token, {c: float(i + 1) for i, c in enumerate(crits)}, {crits[0]: reason}
        )
        other = store.workshops.join(fac.code, "L" * 60)
        store.workshops.submit(fac.code, other.token, {c: 5.0 for c in crits})

    # The participant's own page (its address carries the token).
    page.goto(f"{hostile_server.url}/workshop?code={fac.code}&p={me.token}")
    settle(page)
    expect(page.get_by_text("You are taking part as")).to_be_visible(timeout=30_000)
    check(page, "workshop (participant)", dialogs)

    # The join page of the same workshop (title shown before joining).
    page.goto(f"{hostile_server.url}/workshop?code={fac.code}")
    settle(page)
    check(page, "workshop (join)", dialogs)

    # The facilitator's page, signed in, with names shown.
    page.goto(f"{hostile_server.url}/facilitate?code={fac.code}")
    settle(page)
    page.get_by_role("tab", name="Sign in").click()
    box = page.get_by_label("Passphrase", exact=True).last
    box.fill(PASS)
    box.press("Tab")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="The room so far")).to_be_visible(timeout=60_000)
    page.get_by_text("Show names").click()
    settle(page)
    time.sleep(4)  # one refresh of the monitor
    settle(page)
    check(page, "facilitate (names shown)", dialogs)


# ------------------------------------------------------------------------------ shown literally
#: Every character the UI escapers (streamlit_markdown, widget_label) handle, in the forms that
#: would act if one were missed: a link, an image, emphasis, code, strikethrough, maths, a
#: Streamlit colour directive, HTML, a heading, a table cell, an entity, a brace, a backslash,
#: and the bare addresses Streamlit's renderer links after parsing (where escapes do not help).
LITERAL = (
    r"[a](https://x.example/) ![i](x.png) *b* _c_ `d` ~~e~~ $f$ :red[g] <u>h</u> #i |j| &amp;"
    r" {k} \l +m www.x.example mail@x.example http://x.example/p"
)

#: The text a person sees (innerText, which leaves out the app's invisible word joiners) in the
#: main area and the sidebar, and any element a missed escape would have made.
SHOWN = """() => {
  const parts = ['[data-testid="stMain"]', '[data-testid="stSidebarContent"]']
    .map(s => document.querySelector(s)?.innerText || '');
  const app = document.querySelector('[data-testid="stApp"]');
  return {
    text: parts.join('\\n').replaceAll('\\u2060', ''),
    made: [...app.querySelectorAll('a[href*="x.example"], img[src*="x.png"], u, del, s, .katex')]
      .map(e => e.tagName + ' ' + e.textContent.slice(0, 40)),
  };
}"""


@pytest.fixture(scope="module")
def literal_server(
    start_server: Callable[[Path], Any], tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """The tiny catalog with :data:`LITERAL` in every criterion's name and option's title."""
    dst = tmp_path_factory.mktemp("literal") / "catalog"
    shutil.copytree(TINY, dst)

    def edit(path: Path, fn: Callable[[Any], None]) -> None:
        doc = yaml.safe_load(path.read_text())
        fn(doc)
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10**9))

    def criteria(doc: Any) -> None:
        for i, c in enumerate(doc["criteria"]):
            c["name"] = f"Crit{i} {LITERAL}"

    edit(dst / "criteria.yaml", criteria)
    for k, path in enumerate(sorted((dst / "policies").glob("*.yaml"))):
        edit(path, lambda doc, k=k: doc.update(title=f"Opt{k} {LITERAL}"))
    cat = catalog_mod.load(dst)
    db = tmp_path_factory.mktemp("literal-store") / "store.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICYBENCH_DATABASE_URL", f"sqlite:///{db}")
        server = start_server(dst)
    server.catalog = cat
    return server


@pytest.mark.parametrize(
    ("slug", "viewport"),
    [
        ("", {"width": 1400, "height": 900}),  # the sliders' labels, the ranking
        ("", {"width": 390, "height": 844}),
        ("criteria", {"width": 1024, "height": 768}),  # each criterion's heading
        ("evidence", {"width": 1024, "height": 768}),  # each option's title
    ],
)
def test_names_with_every_escaped_character_are_shown_as_typed(
    page: Page,
    literal_server: Any,
    dialogs: list[str],
    shots_dir: Path,
    slug: str,
    viewport: dict[str, int],
) -> None:
    page.set_viewport_size(viewport)
    page.goto(f"{literal_server.url}/{slug}")
    settle(page)
    expect(page.get_by_text("Catalog problems")).to_have_count(0)
    if slug == "":  # the sidebar holds the sliders; on a phone it starts closed
        expand = page.get_by_test_id("stExpandSidebarButton")
        if expand.count() and expand.is_visible():
            expand.click()
            settle(page)
    open_expanders(page)
    shown = page.evaluate(SHOWN)
    cat = literal_server.catalog
    expected = (
        [c.name for c in cat.criteria]
        if slug in {"", "criteria"}
        else [o.title for o in cat.options]
    )
    missing = [name for name in expected if name not in shown["text"]]
    assert missing == [], f"{slug or 'rank'}: not shown as typed: {missing}"
    assert shown["made"] == [], f"{slug or 'rank'}: markup made from a name: {shown['made']}"
    assert dialogs == []
    page.screenshot(
        path=str(shots_dir / f"literal-{slug or 'rank'}-{viewport['width']}.png"), full_page=True
    )
