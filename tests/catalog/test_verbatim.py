"""The verbatim-quote check (src/policybench/catalog/verbatim.py) on a made-up source, so it is
held on a machine without ../shared/seeds too: whitespace is the only thing folded; a change of
case, a straightened quote, a hyphen for a dash, a dropped footnote mark or a re-joined
line-end hyphen is refused, and the message then says a looser match exists and what to keep.

tests/bad_catalog/ (quote-case, curly-quote, quote-dash, quote-footnote) holds the same edges
against the real texts, through the loader."""

from __future__ import annotations

import pytest

from policybench.catalog.verbatim import SourceTexts, fold, loose

SOURCE = (
    "Tokyo and Seoul should be persistent in their efforts to ease Beijing’s\n"
    "concerns – through dialogue and “concrete action”.<sup>12</sup> For instance,\n"
    "the  two leaders met in\tWashington. Confidence-build-\ning takes time."
)
OTHER = "Canberra is a natural partner for both."
TEXTS = SourceTexts({"a": ("a.txt", SOURCE), "b": ("b.txt", OTHER)})

SUGGESTION = "a looser match exists: copy the passage again"


@pytest.mark.parametrize(
    "quote",
    [
        "Tokyo and Seoul should be persistent",
        "ease Beijing’s concerns – through dialogue",  # the line break folds to one space
        "“concrete action”.<sup>12</sup> For instance,",  # the footnote mark as it stands
        "the two leaders met in Washington.",  # a double space and a tab fold to one space
        "  the two\n leaders met  ",  # so does whitespace at either end of the quote
        "Confidence-build- ing takes time.",  # the line-end hyphen kept, as the text has it
    ],
)
def test_a_passage_that_differs_only_in_whitespace_stands(quote: str) -> None:
    assert TEXTS.check("a", quote) is None


@pytest.mark.parametrize(
    ("quote", "what"),
    [
        ("tokyo and Seoul should be persistent", "case"),
        ("TOKYO AND SEOUL should be persistent", "case"),
        ("ease Beijing's concerns", "a straight apostrophe for a curly one"),
        ('dialogue and "concrete action"', "straight double quotes for curly ones"),
        ("concerns - through dialogue", "a hyphen for an en dash"),
        ("concerns — through dialogue", "an em dash for an en dash"),
        ("“concrete action”. For instance,", "the footnote mark dropped"),
        ("Confidence-building takes time.", "the line-end hyphen re-joined"),
        ('beijing\'s concerns - through dialogue and "concrete action". For', "all at once"),
    ],
)
def test_a_passage_changed_in_anything_but_whitespace_is_refused_with_a_suggestion(
    quote: str, what: str
) -> None:
    message = TEXTS.check("a", quote)
    assert message is not None, what
    assert message.startswith("quote not found verbatim in a.txt (whitespace folded): ")
    assert SUGGESTION in message, what
    assert "keeping its quotes, dashes, hyphens and footnote marks as they stand" in message


def test_a_passage_that_is_not_there_at_all_gets_no_suggestion() -> None:
    message = TEXTS.check("a", "Tokyo and Seoul must never talk")
    assert message == (
        "quote not found verbatim in a.txt (whitespace folded): 'Tokyo and Seoul must never talk'"
    )


def test_a_footnote_number_left_without_its_tags_is_refused() -> None:
    message = TEXTS.check("a", "“concrete action”.12 For instance,")
    assert message is not None
    assert message.startswith("quote not found verbatim in a.txt")


def test_a_passage_from_another_source_names_that_source() -> None:
    message = TEXTS.check("a", "Canberra is a natural   partner")
    assert message is not None
    assert message.endswith("; it is in b: fix the quote's source")
    assert SUGGESTION not in message
    three = SourceTexts({"a": ("a.txt", SOURCE), "b": ("b.txt", OTHER), "c": ("c.txt", OTHER)})
    assert three.check("a", "Canberra is a natural partner") == (
        "quote not found verbatim in a.txt (whitespace folded): 'Canberra is a natural partner'"
        "; it is in b, c: fix the quote's source"
    )


def test_a_quote_over_80_characters_is_cut_in_the_message_and_one_of_80_is_not() -> None:
    assert TEXTS.check("a", "x" * 80) == (
        f"quote not found verbatim in a.txt (whitespace folded): {'x' * 80!r}"
    )
    assert TEXTS.check("a", "x" * 81) == (
        f"quote not found verbatim in a.txt (whitespace folded): {'x' * 77 + '...'!r}"
    )


def test_a_long_quote_is_checked_whole_not_by_its_shown_beginning() -> None:
    beginning = "Tokyo and Seoul should be persistent in their efforts to ease Beijing’s concerns"
    assert TEXTS.check("a", beginning) is None
    message = TEXTS.check("a", beginning + " forever and ever")
    assert message is not None
    assert message.endswith(repr(beginning[:77] + "..."))


def test_an_unknown_source_is_left_to_the_source_check() -> None:
    assert TEXTS.check("missing", "anything at all") is None


def test_fold_changes_whitespace_and_nothing_else() -> None:
    assert fold("  a\n\tb  c\u00a0d ") == "a b c d"  # \u00a0 is whitespace to \s
    assert fold("Beijing’s “x” – y<sup>1</sup>") == "Beijing’s “x” – y<sup>1</sup>"


def test_loose_is_what_the_suggestion_compares() -> None:
    assert loose("Beijing’s “X” – Y.<sup>12</sup> Con- fidence") == 'beijing\'s "x" - y. confidence'
    assert loose("ﬁnal") == "final"  # NFKC: the ligature a PDF extraction leaves
