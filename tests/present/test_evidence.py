"""policybench.present.evidence: the Evidence page's search and cards."""

from __future__ import annotations

import re

from policybench.present.evidence import quote_markdown, score_rows, search_evidence


def test_evidence_search(cat) -> None:
    assert [m.option_id for m in search_evidence(cat)] == list(cat.option_ids)
    hits = search_evidence(cat, "  RATIONALE for summits on   backlash ")
    assert [(m.option_id, set(m.criteria)) for m in hits] == [("summits", {"backlash"})]
    assert search_evidence(cat, "A test option")[0].in_option
    assert [m.option_id for m in search_evidence(cat, groups=["status-quo"])] == ["status-quo"]
    assert search_evidence(cat, sources=["nishino-2017"]) != []
    assert search_evidence(cat, "no such words at all") == []


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
