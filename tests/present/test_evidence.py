"""policybench.present.evidence: the Evidence page's search and cards."""

from __future__ import annotations

import re

from policybench.present.evidence import (
    MARK,
    highlight,
    quote_markdown,
    relevance,
    score_rows,
    search_evidence,
    terms,
)
from policybench.present.text import streamlit_markdown


def test_evidence_search(cat) -> None:
    assert [m.option_id for m in search_evidence(cat)] == list(cat.option_ids)
    hits = search_evidence(cat, "  RATIONALE for summits on   backlash ")
    assert [(m.option_id, set(m.criteria)) for m in hits] == [("summits", {"backlash"})]
    assert search_evidence(cat, "A test option")[0].in_option
    assert [m.option_id for m in search_evidence(cat, groups=["status-quo"])] == ["status-quo"]
    assert search_evidence(cat, sources=["nishino-2017"]) != []
    assert search_evidence(cat, "no such words at all") == []


def test_search_terms_are_words_and_quoted_phrases() -> None:
    assert terms('comfort  women "two-track   approach" COMFORT “grand bargain”') == (
        "comfort",
        "women",
        "two-track approach",
        "grand bargain",
    )
    assert terms("") == () and terms('  ""  ') == ()


def test_every_word_must_occur_but_not_side_by_side(cat) -> None:
    # "summits" is in the title, "backlash" in a rationale: both somewhere in the option
    assert [m.option_id for m in search_evidence(cat, "backlash summits")] == ["summits"]
    # as a phrase they occur nowhere
    assert search_evidence(cat, '"backlash summits"') == []


def test_results_come_most_relevant_first(cat) -> None:
    """ "liaison": liaison's title (8) and its three rationales (1 each) against one quote on
    deterrence in every option (1): liaison first, then the others in catalog order."""
    hits = search_evidence(cat, "liaison")
    assert [m.option_id for m in hits] == ["liaison", "status-quo", "summits", "two-plus-two"]
    assert [m.relevance for m in hits] == [11.0, 1.0, 1.0, 1.0]
    option = cat.options_by_id["liaison"]
    assert relevance(option, terms("liaison")) == 8 + 3 * 1
    # the whole query as one phrase in a part adds twice that part's weight
    assert relevance(option, terms("liaison officers"), "liaison officers") == 8 + 8 + 2 * 8 + 3


def test_highlight_escapes_first_then_marks() -> None:
    text = "The <b>comfort</b> women [x](javascript:alert(1)) deterrence"
    shown = highlight(text, terms("comfort DETER"))
    assert shown.count(MARK.format("comfort")) == 1
    assert MARK.format("deter") + "rence" in shown  # inside a word too
    plain = re.sub(r":violet\[\*\*(.*?)\*\*\]", r"\1", shown)
    assert plain == streamlit_markdown(text)  # the rest is escaped exactly as without marks
    assert highlight(text) == streamlit_markdown(text)
    # a match that is all punctuation is escaped inside its mark
    assert MARK.format("\\(1\\)") in highlight("alert(1)", ["(1)"])
    # a mark right after an escaped colon gets an invisible joiner, so that it opens
    assert "\\:\u2060:violet[" in highlight("javascript:alert", ["alert"])
    # a phrase wins over the words inside it
    assert highlight("two-track approach", ["two-track approach", "track"]) == MARK.format(
        "two\\-track approach"
    )


def test_quote_markdown_marks_the_search_terms(cat) -> None:
    q = cat.options_by_id["summits"].scores["feasibility"].quotes[0]
    word = q.text.split()[1]
    assert MARK.format(streamlit_markdown(word)) in quote_markdown(cat, q, [word])


def test_score_rows_follow_the_catalog(cat) -> None:
    rows = score_rows(cat, cat.options_by_id["summits"])
    assert list(rows["criterion"]) == ["Feasibility", "Deterrence", "Chinese backlash (cost)"]
    assert list(rows["score"]) == [7, 4, 3]


def test_quote_markdown_has_stance_and_citation(cat) -> None:
    q = cat.options_by_id["summits"].scores["feasibility"].quotes[0]
    shown = quote_markdown(cat, q)
    assert shown.startswith(":blue-badge[supports] “")
    citation = re.sub(r"\\(.)", r"\1", shown.split("— ", 1)[1]).strip("*")
    assert citation == cat.sources_by_id[q.source].citation
    neutral = cat.options_by_id["summits"].quotes[0]
    assert quote_markdown(cat, neutral).startswith("“")


def test_a_card_says_how_the_source_puts_the_option_and_where_it_sits(
    copy_catalog, tiny_options
) -> None:  # type: ignore[no-untyped-def]
    from policybench import catalog
    from policybench.present.evidence import component_rows, provenance_line

    root = copy_catalog(tiny_options)
    path = root / "policies" / "two-plus-two.yaml"
    text = path.read_text().replace("group: ", "part_of: summits\ngroup: ", 1)
    path.write_text(text.replace("recommendation: explicit", "recommendation: described"))
    cat = catalog.load(root)
    line = provenance_line(cat, cat.options_by_id["two-plus-two"])
    assert line is not None and line.startswith("Described or forecast by its source")
    assert "Part of the package “Regular summits”" in line
    assert provenance_line(cat, cat.options_by_id["status-quo"]) is None
    rows = component_rows(cat, cat.options_by_id["summits"])
    assert list(rows["option"]) == ["the package", "A 2+2 meeting"]
    assert list(rows.iloc[0, 1:]) == [7, 4, 3]


def test_a_weakest_link_score_names_each_government_lowest_first() -> None:
    from pathlib import Path

    from policybench import catalog
    from policybench.present.evidence import actors_line

    cat = catalog.load(Path(__file__).resolve().parents[2] / "options")
    line = actors_line(cat.options_by_id["grand-bargain"], "achievability")
    assert line is not None and line.startswith("Each government that must act: Tokyo 0")
    assert actors_line(cat.options_by_id["grand-bargain"], "deterrence") is None
