"""The verbatim-quote check, which the catalog's credibility rests on.

A quote stands in its source when it is a contiguous passage of the source text with every run
of whitespace folded to one space, and nothing else changed: no normalising of quotes, dashes
or hyphens, no removing footnote marks or ``<sup>`` tags, no change of case
(``../shared/seeds/README.md``). A looser form exists only to *suggest* a fix in the message;
it never accepts a quote. :func:`quote_check` is the check of a workshop challenge's quote:
its outcome and a message naming the paper and, for a near match, what differs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

_WS = re.compile(r"\s+")
_LOOSE = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‑": "-", "\u00a0": " "}
)


def fold(text: str) -> str:
    """Fold every run of whitespace to one space and strip the ends (nothing else changes)."""
    return _WS.sub(" ", text).strip()


def loose(text: str) -> str:
    """A looser form, used only to suggest a fix, never to accept a quote: Unicode-normalised,
    quotes and dashes straightened, lower case, footnote tags and line-end hyphens dropped."""
    text = unicodedata.normalize("NFKC", text).translate(_LOOSE).lower()
    text = re.sub(r"<sup>.*?</sup>", "", text)
    text = re.sub(r"(\w)- (\w)", r"\1\2", text)
    return fold(text)


class SourceTexts:
    """The folded text of each source, by source id, for :meth:`check`."""

    def __init__(self, texts: Mapping[str, tuple[str, str]]) -> None:
        """``texts`` maps a source id to its file name and raw text."""
        self.files = {sid: file for sid, (file, _) in texts.items()}
        self.texts = {sid: fold(raw) for sid, (_, raw) in texts.items()}
        self._loose: dict[str, str] = {}

    def check(self, source: str, quote: str) -> str | None:
        """``None`` if ``quote`` stands verbatim in ``source``, else a message saying what to
        do (and, where the quote is in another source or matches only loosely, which)."""
        text = self.texts.get(source)
        if text is None:
            return None  # the source's own problem is reported already
        folded = fold(quote)
        if folded in text:
            return None
        snippet = folded if len(folded) <= 80 else folded[:77] + "..."
        message = (
            f"quote not found verbatim in {self.files[source]} (whitespace folded): {snippet!r}"
        )
        if source not in self._loose:
            self._loose[source] = loose(text)
        if loose(folded) in self._loose[source]:
            return message + (
                "; a looser match exists: copy the passage again, keeping its quotes, dashes, "
                "hyphens and footnote marks as they stand"
            )
        elsewhere = [sid for sid, t in self.texts.items() if folded in t]
        if elsewhere:
            message += f"; it is in {', '.join(elsewhere)}: fix the quote's source"
        return message


#: Characters the loose form reads as one (straight and typographic quotes, dashes, spaces):
#: a quote differing from its source only in these, or in case, is a near match.
_ALIKE = ("'‘’", '"“”', "-–—‑", " \u00a0")
_CLASS = {ch: "[" + re.escape(group) + "]" for group in _ALIKE for ch in group}


def quote_check(
    texts: SourceTexts | None, source: str, quote: str, citation: str
) -> tuple[str, str]:
    """``(check, message)`` for a challenge's ``quote`` claimed from ``source`` (cited in the
    message as ``citation``, the paper, never its file): ``"verified"`` (found verbatim),
    ``"near_match"`` (a passage differing only in quotes, dashes, spaces or case, the message
    saying which: "the source has ’ where the quote has '"), ``"not_found"``, or
    ``"not_checked"`` (no texts, or not this source's)."""
    if texts is None:
        return "not_checked", "not checked: this server does not have the source texts"
    text = texts.texts.get(source)
    if text is None:
        return "not_checked", f"not checked: this server does not have the text of {citation}"
    folded = fold(quote)
    if folded in text:
        return "verified", f"found verbatim in {citation}"
    pattern = "".join(_CLASS.get(ch, re.escape(ch)) for ch in folded)
    passage = re.search(pattern, text, flags=re.IGNORECASE)
    if passage is not None:
        differs = dict.fromkeys(
            f"the source has {a} where the quote has {b}"
            for a, b in zip(passage.group(0), folded, strict=True)
            if a != b
        )
        shown = list(differs)[:3] + (["…"] if len(differs) > 3 else [])
        return "near_match", (
            f"not verbatim in {citation}: {'; '.join(shown)}; copy the passage again as it stands"
        )
    if texts._loose.setdefault(source, loose(text)).find(loose(folded)) >= 0:
        return "near_match", (
            f"not verbatim in {citation}: a passage differs in its hyphens or footnote marks; "
            "copy it again as it stands"
        )
    return "not_found", f"not found verbatim in {citation} (whitespace aside)"
