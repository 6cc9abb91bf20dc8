"""HTML (src/policybench/export/formats/html.py): one self-contained page that loads nothing
and runs nothing, catalog text escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from policybench import __version__
from policybench.export.formats import html
from policybench.export.report import Report

from ..conftest import FIXED_TIME, HOSTILE, full_report

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
    # the ranking (at the page's width, and at a phone's), SMAA heat map, the workshop's two
    assert parsed.tags.count("svg") == 5
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


def test_html_is_a_brief_in_reading_order(tiny, make_report) -> None:
    report = full_report(tiny, make_report, top=2)
    page = html.render(report)
    order = ["brief", "ranking", "caveats", "weights", "evidence", "smaa", "group", "about"]
    at = [page.index(f'<section id="{s}">') for s in order]
    assert at == sorted(at)
    brief = page[at[0] : at[1]]
    word, _, _ = report.summary[0].partition(": ")
    assert f"<strong>{word}:</strong>" in brief and brief.count("<li>") == len(report.summary) - 1
    ranking = page[at[1] : at[2]]
    assert ranking.index("<figure") < ranking.index("<table")  # the chart, then the table
    for part in ("p0-rows", "p1-rows"):  # one ranking per method, stacked
        assert len(report.charts[0].spec["datasets"][part]) == 2  # the brief shows the best 2
    assert "The best 2 of 4 options." in ranking
    # the leader's evidence in full, every other option's folded away under its name
    evidence = page[at[4] : at[5]]
    first = report.rankings[0].table
    assert f"<h3>1. {first['title'].iloc[0]}</h3>" in evidence
    assert evidence.count("<details><summary>") == 2 * (len(first) - 1) + 1


def test_html_tables_fit_the_page(report: Report) -> None:
    page = html.render(report)
    for table in re.findall(r"<table[^>]*>.*?</table>", page, flags=re.S):
        head = re.search(r"<thead>(.*?)</thead>", table, flags=re.S)
        assert head is not None
        last_row = head.group(1).split("<tr>")[-1]
        assert last_row.count("<th") <= html.MAX_COLUMNS, last_row[:200]


def test_narrow_drops_ids_then_per_rank_columns() -> None:
    import pandas as pd

    wide = pd.DataFrame(
        {
            "option": ["a"],
            "title": ["A"],
            "first": [0.5],
            **{f"rank {k}": [0.1] for k in range(1, 12)},
        }
    )
    cut, note = html.narrow(wide)
    assert list(cut.columns) == ["title", "first"] and note.startswith("11 columns of ranks")
    fine = pd.DataFrame({"criterion": ["c"], "name": ["C"], "weight": [1.0]})
    cut, note = html.narrow(fine)
    assert list(cut.columns) == ["name", "weight"] and note == ""


def test_the_page_stamps_once_and_captions_its_charts(report: Report) -> None:
    """The stamp is the page's, at its top; the chart under it is captioned with how to read
    it, not stamped again."""
    page = html.render(report)
    figure = page.split('<section id="ranking">', 1)[1].split("</figure>", 1)[0]
    caption = re.search(r"<figcaption>(.*?)</figcaption>", figure).group(1)
    assert caption.startswith("Ranking.") and "weights:" not in caption
    assert report.metadata["catalog_fingerprint"] not in figure  # no stamp inside the chart
