"""policybench.present.glossary: the terms people meet, defined once, safe as plain text."""

from __future__ import annotations

import re

import pytest

from policybench import mcda
from policybench.present import glossary
from policybench.present.text import streamlit_markdown

#: The terms issue 15 asks to explain, by the glossary id that explains each.
REQUIRED = {
    "WSM": "wsm",
    "WPM": "wpm",
    "TOPSIS": "topsis",
    "VIKOR": "vikor",
    "PROMETHEE II": "promethee2",
    "SMAA": "smaa",
    "cost criterion": "cost",
    "scale normalisation": "scale",
    "Kendall's W": "kendall-w",
    "Kendall's τ": "kendall-tau",
    "p-values": "p-value",
    "Borda": "borda",
    "rank-order centroid": "roc",
    "weakest link": "weakest-link",
    "screen": "screen",
    "package/component": "package",
    "described": "described",
}


@pytest.mark.parametrize(("word", "term_id"), sorted(REQUIRED.items()))
def test_every_term_people_meet_is_defined(word: str, term_id: str) -> None:
    term = glossary.term(term_id)
    assert word.split("/")[0].casefold().rstrip("s") in term.name.casefold()
    assert len(term.definition) > 60 and term.where


def test_every_method_is_defined() -> None:
    assert set(mcda.METHODS) <= set(glossary.BY_ID)


def test_ids_are_unique_anchors() -> None:
    ids = [t.id for t in glossary.TERMS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", i) for i in ids)


def test_definitions_are_plain_text() -> None:
    """Nothing Streamlit's Markdown acts on: the definitions go into help tooltips and onto
    the Glossary page as they are."""
    for term in glossary.TERMS:
        for text in (term.name, term.definition, term.where):
            assert not re.search(r"[*_`\[\]<>$#|~\\]|:\w+\[|https?:|www\.", text), text


def test_define_joins_definitions_for_a_tooltip() -> None:
    text = glossary.define("topsis", "vikor")
    assert text.startswith("TOPSIS: Ranks options by how close")
    assert "\n\nVIKOR: A compromise ranking" in text
    assert text.endswith("More in the Glossary.")
    with pytest.raises(KeyError, match="the terms are wsm, wpm"):
        glossary.define("nope")


def test_the_vikor_definition_says_what_the_bars_show() -> None:
    assert "1 − Q" in glossary.term("vikor").definition
    assert streamlit_markdown("1 − Q") == "1 − Q"
