"""The verbatim-quote check, which the catalog's credibility rests on.

A quote stands in its source when it is a contiguous passage of the source text with every run
of whitespace folded to one space, and nothing else changed: no normalising of quotes, dashes
or hyphens, no removing footnote marks or ``<sup>`` tags, no change of case
(``../shared/seeds/README.md``). A looser form exists only to *suggest* a fix in the message;
it never accepts a quote.
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
