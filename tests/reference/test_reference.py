"""Published worked examples, kept as data: one YAML file per source, one parametrised test.

Each file holds ``source`` (the full citation), ``provenance`` (where the numbers were
transcribed from), the problem (``matrix``, ``weights``, ``types``, ``method``,
``normalization``, ``params``) and ``expected`` with its tolerance (the printed precision,
or wider where the file's ``note`` says why). A file may list ``cases`` that share its
matrix and differ in weights and expectations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from policybench import mcda

HERE = Path(__file__).resolve().parent
FILES = sorted(HERE.glob("*.yaml"))
REQUIRED = {"name", "source", "provenance", "kind"}


def _cases() -> list[Any]:
    out = []
    for path in FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data.pop("cases", [None]):
            merged = {**data, **(case or {})}
            label = path.stem + (f"[{case['id']}]" if case else "")
            out.append(pytest.param(merged, id=label))
    return out


CASES = _cases()


def test_there_is_a_reference_case_per_method_and_for_ahp() -> None:
    seen = {(c.values[0]["kind"], c.values[0].get("method")) for c in CASES}
    for needed in [("score", "topsis"), ("score", "vikor"), ("ahp", None)]:
        assert needed in seen
    assert any(kind == "preference_matrix" for kind, _ in seen)


@pytest.mark.parametrize("case", CASES)
def test_reference_case_is_cited(case: dict[str, Any]) -> None:
    assert set(case) >= REQUIRED, REQUIRED - set(case)
    assert len(case["source"]) > 40 and any(ch.isdigit() for ch in case["source"])


@pytest.mark.parametrize("case", CASES)
def test_published_example_is_reproduced(case: dict[str, Any]) -> None:
    expected = case["expected"]
    atol = float(expected["atol"])
    if case["kind"] == "ahp":
        res = mcda.ahp(case["pairwise"])
        np.testing.assert_allclose(res.weights, expected["weights"], rtol=0, atol=atol)
        assert res.cr == pytest.approx(expected["cr"], abs=atol)
        assert res.most_inconsistent == (
            None if expected["most_inconsistent"] is None else tuple(expected["most_inconsistent"])
        )
        return

    problem = {
        "matrix": case["matrix"],
        "weights": case["weights"],
        "types": case["types"],
        "normalization": case.get("normalization"),
        "criteria": case.get("criteria"),
        **case.get("params", {}),
    }
    if case["kind"] == "preference_matrix":
        pi = mcda.preference_matrix(**problem)
        published = np.array(expected["preference_matrix"])
        np.testing.assert_allclose(pi, published, rtol=0, atol=atol)
        n = pi.shape[0]
        scores = mcda.score(method=case["method"], **problem)
        published_flows = (published.sum(axis=1) - published.sum(axis=0)) / (n - 1)
        np.testing.assert_allclose(scores, published_flows, rtol=0, atol=atol)
    else:
        scores = mcda.score(method=case["method"], **problem)
        if "q" in expected:  # VIKOR prints Q (lower is better); we return -Q
            np.testing.assert_allclose(-scores, expected["q"], rtol=0, atol=atol)
        else:
            np.testing.assert_allclose(scores, expected["scores"], rtol=0, atol=atol)
    np.testing.assert_array_equal(mcda.rank(scores), expected["ranks"])
