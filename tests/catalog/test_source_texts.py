"""The source texts read once, by the loader's rules, for ``serve --sources`` and the app
(:func:`policybench.catalog.read_source_texts`), and the check of a challenge's quote that
names the paper and says what differs (:func:`policybench.catalog.verbatim.quote_check`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from policybench import catalog
from policybench.catalog import Catalog, read_source_texts
from policybench.catalog.verbatim import SourceTexts, quote_check
from policybench.errors import InputError

CITED = "Nishino 2017"
#: A made-up source text with typographic quotes and a dash, as papers print them.
TEXT = "Tokyo said: “we will not move” — and Seoul’s reply was\n   swift and public."


def texts() -> SourceTexts:
    return SourceTexts({"paper": ("001_x.txt", TEXT)})


@pytest.fixture
def tiny(tiny_options: Path) -> Catalog:
    return catalog.load(tiny_options)


def test_every_text_is_read_as_the_loader_reads_it(tiny: Catalog, seeds_dir: Path) -> None:
    read = read_source_texts(seeds_dir, tiny)
    assert set(read.texts) == {s.id for s in tiny.sources}
    for source in tiny.sources:
        raw = (seeds_dir / source.file).read_text(encoding="utf-8")
        assert read.texts[source.id] == catalog.fold(raw) and read.files[source.id] == source.file


def test_a_missing_folder_or_text_is_refused_by_name(
    tiny: Catalog, seeds_dir: Path, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="nowhere: no such folder"):
        read_source_texts(tmp_path / "nowhere", tiny)
    one = tiny.sources[0]
    (tmp_path / one.file).write_text((seeds_dir / one.file).read_text(encoding="utf-8"))
    gone = tiny.sources[1]
    with pytest.raises(InputError, match=rf"1 of the catalog's 2 .* not there: {gone.file} \("):
        read_source_texts(tmp_path, tiny)
    (tmp_path / gone.file).write_bytes(b"\xff\xfe not utf-8 \xff")
    with pytest.raises(InputError, match=r"cannot be read: cannot read source text"):
        read_source_texts(tmp_path, tiny)


def test_a_verbatim_quote_is_verified_whitespace_aside() -> None:
    assert quote_check(texts(), "paper", "Seoul’s reply was swift", CITED) == (
        "verified",
        f"found verbatim in {CITED}",
    )


def test_a_near_match_says_what_differs_in_words() -> None:
    check, message = quote_check(texts(), "paper", "Seoul's reply was swift", CITED)
    assert check == "near_match"
    assert message == (
        f"not verbatim in {CITED}: the source has ’ where the quote has '; copy the passage "
        "again as it stands"
    )
    check, message = quote_check(texts(), "paper", '"We will not move" - and', CITED)
    assert check == "near_match"
    assert message == (
        f'not verbatim in {CITED}: the source has “ where the quote has "; the source has w '
        'where the quote has W; the source has ” where the quote has "; …; copy the passage '
        "again as it stands"
    ), "each difference once, the first three"
    assert "001_x.txt" not in message, "the paper, never its file"


def test_a_quote_not_in_the_source_or_not_checkable() -> None:
    assert quote_check(texts(), "paper", "Seoul agreed at once", CITED) == (
        "not_found",
        f"not found verbatim in {CITED} (whitespace aside)",
    )
    assert quote_check(texts(), "other", "anything", "Kim 2020")[0] == "not_checked"
    assert "Kim 2020" in quote_check(texts(), "other", "anything", "Kim 2020")[1]
    assert quote_check(None, "paper", "anything", CITED) == (
        "not_checked",
        "not checked: this server does not have the source texts",
    )
