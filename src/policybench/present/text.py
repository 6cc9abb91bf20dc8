"""Every escaper, by where the text goes: catalog text, participants' names and reasons, and
link parameters come from people, so each output shows them as text, never as markup,
formulas or links that run.

=====================  =================================================================
output                 escaper
=====================  =================================================================
Streamlit Markdown     :func:`streamlit_markdown`: every ASCII punctuation character
                       backslash-escaped (CommonMark allows it for each), which also
                       disarms Streamlit's own syntax (``:red[…]`` directives, ``:emoji:``
                       codes, ``$`` maths); and an invisible WORD JOINER (U+2060) before
                       ``http://``, ``https://``, ``www.`` and ``@``, because Streamlit's
                       renderer links bare addresses *after* parsing, in the unescaped
                       text (remark-gfm's autolink transform), where escapes no longer help
Streamlit labels       :func:`widget_label`: only what can start Markdown in a one-line
                       label, because the label is also the widget's accessible name and
                       every backslash would be read out
Markdown files         :func:`markdown`: what CommonMark and GitHub interpret (emphasis,
                       code, links, images, HTML, entities, tables, headings, list starts,
                       bare ``://`` and ``www.`` addresses, and the dot of a bare domain
                       such as ``evil.com``, which linkifying renderers link), leaving
                       ordinary punctuation alone so that the file reads well as plain
                       text in a brief
HTML                   :func:`html`: entity-escaped, ``/`` too, for content and attributes
CSV and XLSX cells     :func:`cell`: a leading ``'`` before a formula-like start (``=``,
                       ``+``, ``-``, ``@``, tab, carriage return, line feed; OWASP's advice)
YAML comment lines     :func:`comment_text`: on one line (a line break of any kind would
                       end the comment), and every control, invisible format character
                       (a bidirectional override would let a comment read differently in
                       review from what it says) or character YAML refuses shown as
                       ``<U+XXXX>``; the catalog patch's reasons
=====================  =================================================================

Each also folds runs of whitespace to one space where a line break would change the markup
(every Markdown escaper). ``tests/present/test_text.py`` runs one table of hostile strings
through every escaper.
"""

from __future__ import annotations

import html as _html
import re
import string
import unicodedata
from typing import Any

#: Longest text shown in a table cell before it is cut with "…".
PREVIEW = 80


def fold(text: object) -> str:
    """``text`` on one line (runs of whitespace, newlines included, become one space)."""
    return " ".join(str(text).split())


def truncate(text: object, limit: int = PREVIEW) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…" when longer."""
    folded = fold(text)
    return folded if len(folded) <= limit else folded[: max(1, limit - 1)].rstrip() + "…"


# --------------------------------------------------------------------------- Streamlit
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LABEL_SPECIAL = re.compile(r"([\\`*_\[\]<>~$:&@#|])")


#: U+2060 WORD JOINER: invisible, and no line may break at it.
WORD_JOINER = "\u2060"
#: Where Streamlit's renderer would start a link in the unescaped text: an ``http(s)://``,
#: a ``www.``, an e-mail's ``@`` (remark-gfm links them only after whitespace, punctuation or
#: the start, so an invisible letter-like joiner before them stops it).
_AUTOLINK = re.compile(r"(?i)(https?\\:\\/\\/|www\\\.|\\@)")
#: The same places in a widget label, which escapes ``:``, ``@`` and the dot of ``www.``
#: but not ``/``.
_LABEL_AUTOLINK = re.compile(r"(?i)(https?\\://|www\\\.|\\@)")


def streamlit_markdown(text: object) -> str:
    """``text`` made inert for ``st.markdown`` (and ``st.error`` and the like): whitespace
    folded, every ASCII punctuation character escaped, and a WORD JOINER (U+2060, invisible)
    before anything Streamlit's renderer would turn into a link (``http://``, ``https://``,
    ``www.``, an e-mail's ``@``).

    ``streamlit_markdown("[x](javascript:alert(1))")`` gives
    ``\\[x\\]\\(javascript\\:alert\\(1\\)\\)``, which Markdown shows as the original characters.
    """
    return _AUTOLINK.sub(WORD_JOINER + r"\1", _PUNCTUATION.sub(r"\\\1", fold(text)))


def widget_label(text: object) -> str:
    """``text`` made inert for a widget label, escaping only what can start Markdown there.

    Ordinary punctuation such as parentheses, dashes and full stops is left alone: Streamlit
    uses the label as the widget's accessible name too, so every backslash added here is read
    out by screen readers.
    """
    out = _LABEL_SPECIAL.sub(r"\\\1", fold(text))
    out = re.sub(r"(?i)\b(www)\.", r"\1\\.", out)  # www.example.org autolinks
    # labels are Markdown too, and linked after parsing as in streamlit_markdown: escapes do
    # not stop an address there, the invisible joiner does
    out = _LABEL_AUTOLINK.sub(WORD_JOINER + r"\1", out)
    out = re.sub(r"^([-+])", r"\\\1", out)  # a list item
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", out)  # an ordered list item


# --------------------------------------------------------------------------- Markdown files
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&$@])")
#: The dot of a bare domain (``evil.com``, ``a.b.co``: a word, a dot, two letters or more),
#: which renderers with fuzzy linking (markdown-it's linkify, VS Code's preview) would link;
#: "e.g.", "U.S." and "1.5" are left alone.
_BARE_DOMAIN = re.compile(r"(?<=\w)\.(?=[^\W\d_]{2})")


def markdown(text: object) -> str:
    """Text as inert Markdown for a file: whitespace folded, every character that could start
    emphasis, code, a link, an image, HTML, an entity or a table cell backslash-escaped,
    ``://``, ``www.`` and a bare domain's dot broken so that no address is auto-linked, and a
    leading ``-``, ``=`` or ``1.`` escaped so that no text becomes a list item or a heading."""
    s = _MARKDOWN_SPECIAL.sub(r"\\\1", fold(text))
    s = s.replace("://", "\\:\\/\\/")
    s = re.sub(r"(?i)\bwww\.", lambda m: m.group(0)[:-1] + "\\.", s)
    s = _BARE_DOMAIN.sub(r"\\.", s)
    s = re.sub(r"^(-|=)", r"\\\1", s)
    return re.sub(r"^(\d{1,9})([.)])(?=\s|$)", r"\1\\\2", s)


# --------------------------------------------------------------------------- HTML
def html(text: object) -> str:
    """Entity-escape text for HTML element content and attribute values (``/`` too)."""
    return _html.escape(str(text), quote=True).replace("/", "&#x2F;")


# --------------------------------------------------------------------------- cells
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this text cell as a formula (or the start of one)?"""
    return text.startswith(_FORMULA_START)


def cell(value: Any) -> Any:
    """A value made safe for a CSV cell: a leading ``'`` before a formula-like start. Numbers
    and booleans are returned unchanged (a negative number is a number, not a formula)."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


# --------------------------------------------------------------------------- YAML comments
#: What PyYAML's reader refuses anywhere in a file, comments included.
_NOT_YAML_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
#: Controls, invisible format characters (bidirectional overrides, zero-width joiners, the
#: byte-order mark), lone surrogates and unassigned code points.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Cn"})


def comment_text(text: object) -> str:
    """``text`` safe inside a YAML comment: on one line (every run of whitespace, line breaks of
    every kind included, becomes one space) and with each control, invisible format character
    or character YAML refuses shown as ``<U+XXXX>``. ``#``, ``: `` and quotes need nothing: a
    comment runs to the end of its line."""
    return "".join(
        f"<U+{ord(ch):04X}>"
        if unicodedata.category(ch) in _INVISIBLE or _NOT_YAML_PRINTABLE.match(ch)
        else ch
        for ch in fold(text)
    )
