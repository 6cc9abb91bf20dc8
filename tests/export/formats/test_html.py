"""HTML (src/policybench/export/formats/html.py): one self-contained page that loads nothing
and runs nothing, catalog text escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from policybench import __version__
from policybench.export.formats import html
from policybench.export.report import Report

from ..conftest import FIXED_TIME, HOSTILE

URL = re.compile(r"https?://", re.IGNORECASE)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_with_inline_svg_charts(report: Report) -> None:
    page = html.render(report)
    assert page.startswith("<!DOCTYPE html>")
    parsed = _Collector()
    parsed.feed(page)
    assert parsed.tags.count("svg") == 4  # ranking, SMAA heat map, the workshop's two
    assert not {"script", "link", "img", "iframe"} & set(parsed.tags)
    assert "style" in parsed.tags
    assert not URL.search(page)  # no external address anywhere, not even an SVG namespace
    assert "@import" not in page and "@font-face" not in page
    assert not [v for k, v in parsed.attrs if k in {"src", "srcset", "action", "formaction"}]
    assert not [
        v for k, v in parsed.attrs if k in {"href", "xlink:href"} and v and not v.startswith("#")
    ]
    assert all(u.startswith("#") for u in re.findall(r"url\(([^)]*)\)", page))
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # charts' clip paths do not collide
    text = "".join(parsed.text)
    assert (
        report.metadata["catalog_fingerprint"] in text
        and __version__ in text
        and FIXED_TIME in text
    )
    assert (
        "Relations are often cyclical, however, and recently suspicions are again ascendant."
        in text
    )
    assert "Brad Glosserman (2018), “Japan-South Korea: So Close, Yet So Far”, The Diplomat" in text
    assert "Regular summits" in text


def test_html_numbers_are_rounded_for_people(report: Report) -> None:
    page = html.render(report)
    body = page.split('<section id="quotes">')[0].split("<main>")[1]
    cells = re.findall(r'<td class="num">([^<]*)</td>', body)
    assert cells and all(not re.fullmatch(r"-?\d+\.\d{4,}", c) for c in cells)


def test_html_escapes_every_catalog_text(hostile_report: Report) -> None:
    page = html.render(hostile_report)
    parsed = _Collector()
    parsed.feed(page)
    assert not {"script", "img", "b", "i"} & set(parsed.tags)
    assert not [k for k, _ in parsed.attrs if k.startswith("on")]
    assert not URL.search(page)
    text = "".join(parsed.text)
    for value in HOSTILE.values():
        assert value in text, value  # shown faithfully, as text
