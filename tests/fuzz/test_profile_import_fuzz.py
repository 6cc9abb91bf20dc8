"""Hostile input to the profile importer: random JSON structures, wrong types, huge numbers,
deep nesting, long text and invalid UTF-8. The outcome is always a checked profile document
or a ProfileFileError with a readable message; never another exception."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policybench.catalog import Reconciled, load
from policybench.store.errors import ProfileFileError
from policybench.store.profile_io import check_against_catalog, parse_document

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
CATALOG = load(TINY)

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(
        [
            "policybench-profile",
            "wsm",
            "feasibility",
            "deterrence",
            "backlash",
            "\x00",
            "<img src=x onerror=alert(1)>",
            "../x",
        ]
    ),
)
keys = st.one_of(
    st.sampled_from(
        [
            "format",
            "format_version",
            "name",
            "weights",
            "method",
            "params",
            "overrides",
            "catalog",
            "fingerprint",
            "feasibility",
            "deterrence",
            "backlash",
            "summits",
        ]
    ),
    st.text(max_size=10),
)
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=6)),
    max_leaves=30,
)


METHODS = ["wsm", "wpm", "topsis", "vikor", "promethee2"]


def _outcome(data: bytes | str) -> Reconciled | None:
    """The weights imported, or None when refused; either way what the importer promises."""
    try:
        doc = parse_document(data)
        got = check_against_catalog(doc, CATALOG, methods=METHODS)
    except ProfileFileError as exc:
        assert str(exc).strip()
        assert "Traceback" not in str(exc)
        return None
    # what was accepted is a profile this catalog can use, exactly as the file gave it
    assert list(got.weights) == list(CATALOG.criterion_ids)
    assert all(math.isfinite(w) and w >= 0 for w in got.weights.values())
    assert any(w > 0 for w in got.weights.values())
    assert got.weights == {c: float(doc.weights[c]) for c in CATALOG.criterion_ids}
    assert got.gone == () and got.new == ()
    assert isinstance(doc.name, str) and 1 <= len(doc.name) <= 200
    assert doc.method in METHODS
    return got


def _is_weight(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


@settings(max_examples=200)
@given(tree=trees)
def test_random_json_structures(tree: object) -> None:
    _outcome(json.dumps(tree))


@settings(max_examples=200)
@given(
    weights=st.dictionaries(
        st.sampled_from(["feasibility", "deterrence", "backlash", "other"]), leaves, max_size=4
    ),
    name=st.text(max_size=50),
)
def test_profile_shaped_documents(weights: dict, name: str) -> None:
    got = _outcome(
        json.dumps(
            {"format": "policybench-profile", "format_version": 1, "name": name, "weights": weights}
        )
    )
    # accepted exactly when the file names every criterion, and nothing else, with numbers
    # 0 or more, at least one of them positive, under a name of 1 to 200 characters
    valid = (
        set(weights) == set(CATALOG.criterion_ids)
        and all(_is_weight(v) for v in weights.values())
        and any(v > 0 for v in weights.values())
        and 1 <= len(name) <= 200
    )
    assert (got is not None) == valid, (weights, name)
    if got is not None:
        assert got.weights == {c: float(weights[c]) for c in CATALOG.criterion_ids}


def test_the_fuzzed_shapes_do_reach_acceptance() -> None:
    """The oracle above is not vacuous: a valid file is accepted, with its weights as given."""
    got = _outcome(
        json.dumps(
            {
                "format": "policybench-profile",
                "format_version": 1,
                "name": "Tokyo <b>",
                "weights": {"feasibility": 0, "deterrence": 3, "backlash": 10**40},
            }
        )
    )
    assert got is not None
    assert got.weights == {"feasibility": 0.0, "deterrence": 3.0, "backlash": 1e40}


@settings(max_examples=100)
@given(raw=st.binary(max_size=300))
def test_random_bytes(raw: bytes) -> None:
    _outcome(raw)


@pytest.mark.parametrize(
    "payload",
    [
        "[" * 5000 + "]" * 5000,
        '{"format": "policybench-profile", "format_version": 1, "name": "x", "weights": {"feasibility": 1e999, "deterrence": 1, "backlash": 1}}',
        '{"format": "policybench-profile", "format_version": 1, "name": "x", "weights": {"feasibility": NaN, "deterrence": 1, "backlash": 1}}',
        '{"format": "policybench-profile", "format_version": 1, "name": "'
        + "y" * 400_000
        + '", "weights": {}}',
    ],
)
def test_pathological_documents_are_refused(payload: str) -> None:
    with pytest.raises(ProfileFileError):
        doc = parse_document(payload)
        check_against_catalog(doc, CATALOG)
