"""JSON (src/policybench/export/formats/json.py): every part, at full precision."""

from __future__ import annotations

import json
import re

import pandas as pd

from policybench import __version__
from policybench.export.formats import json as json_format
from policybench.export.report import Report

from ..conftest import FIXED_TIME


def test_json_parses_back_with_metadata_tables_and_quotes(report: Report) -> None:
    data = json.loads(json_format.render(report))
    assert set(data) == {
        "kind",
        "metadata",
        "summary",
        "caveats",
        "criteria",
        "rankings",
        "comparison",
        "quotes",
        "smaa",
        "group",
    }
    assert data["kind"] == "ranking"
    assert data["summary"] == list(report.summary) and data["caveats"] == list(report.caveats)
    m = data["metadata"]
    assert m["profile"] == "Deterrence first (preset)" and m["generated_at"] == FIXED_TIME
    assert (m["all"], m["screen"], m["screened_out"]) == (False, [], [])
    assert list(data["comparison"][0])[:5] == [
        "option",
        "title",
        "group",
        "baseline",
        "score:feasibility",
    ]  # ids kept
    assert m["policybench_version"] == __version__
    assert re.fullmatch(r"[0-9a-f]{12}", m["catalog_fingerprint"])
    assert [x["method"] for x in m["methods"]] == ["wsm", "topsis"]
    assert m["methods"][0]["params"] == {"bounds": [0.0, 10.0]}
    assert pd.DataFrame(data["comparison"]).equals(report.comparison)  # full precision
    assert len(data["quotes"]) == len(report.quotes)
    assert data["quotes"][0].keys() == set(report.quotes.columns)
    assert [r["method"] for r in data["rankings"]] == ["wsm", "topsis"]
    assert data["rankings"][0]["table"][0]["rank"] == 1
    central = data["smaa"]["tables"]["SMAA central weights"]
    assert any(v is None for row in central for v in row.values())  # NaN became null
    assert data["group"]["about"]["participants"] == 2
    assert "NaN" not in json_format.render(report)
