"""Profile files: the published JSON Schema and the pydantic models that mirror it; export and
import round trips; refusals (size, bad JSON, unknown criteria, bad numbers, another catalog)
with a clear message and nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policybench.store import ProfileFileError, Store
from policybench.store.profile_io import (
    MAX_PROFILE_BYTES,
    SCHEMA_PATH,
    ProfileDocument,
    check_against_catalog,
    export_document,
    import_profile,
    parse_document,
    published_schema,
    read_profile_file,
    write_document,
)

W = {"feasibility": 1.0, "deterrence": 3.0, "backlash": 2.0}
METHODS = ["wsm", "wpm", "topsis", "vikor", "promethee2"]


def _doc(cat: Any, /, **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "policybench-profile",
        "format_version": 1,
        "name": "tokyo",
        "weights": dict(W),
        "method": "topsis",
        "params": {"normalization": "minmax"},
        "description": "Tokyo's view",
        "overrides": {"summits": {"deterrence": 8}},
        "author": "ana",
        "catalog": {"fingerprint": cat.fingerprint, "criteria": list(W)},
    }
    doc.update(changes)
    return {k: v for k, v in doc.items() if v is not ...}


# -- the schema and its mirror ----------------------------------------------------------------


def test_the_schema_file_is_published_and_mirrored_by_the_models() -> None:
    schema = published_schema()
    assert SCHEMA_PATH.name == "profile.schema.json" and SCHEMA_PATH.is_file()
    assert schema["$schema"].endswith("2020-12/schema")
    model = ProfileDocument.model_json_schema()
    assert set(schema["properties"]) == set(model["properties"])
    assert set(schema["required"]) == set(model["required"])
    assert schema["additionalProperties"] is False


GOOD_AND_BAD: list[tuple[str, dict[str, Any], bool]] = [
    (
        "minimal",
        {"format": "policybench-profile", "format_version": 1, "name": "x", "weights": {"a": 1}},
        True,
    ),
    (
        "zero weight",
        {
            "format": "policybench-profile",
            "format_version": 1,
            "name": "x",
            "weights": {"a": 0, "b": 2},
        },
        True,
    ),
    (
        "null overrides",
        {
            "format": "policybench-profile",
            "format_version": 1,
            "name": "x",
            "weights": {"a": 1},
            "overrides": None,
        },
        True,
    ),
    (
        "wrong format",
        {"format": "other", "format_version": 1, "name": "x", "weights": {"a": 1}},
        False,
    ),
    (
        "format true",
        {"format": "policybench-profile", "format_version": True, "name": "x", "weights": {"a": 1}},
        False,
    ),
    (
        "format 2",
        {"format": "policybench-profile", "format_version": 2, "name": "x", "weights": {"a": 1}},
        True,
    ),
    (
        "format 3",
        {"format": "policybench-profile", "format_version": 3, "name": "x", "weights": {"a": 1}},
        False,
    ),
    (
        "thresholds",
        {
            "format": "policybench-profile",
            "format_version": 2,
            "name": "x",
            "weights": {"a": 1},
            "require": ["a>=3", "b<=5.5"],
        },
        True,
    ),
    (
        "threshold not an expression",
        {
            "format": "policybench-profile",
            "format_version": 2,
            "name": "x",
            "weights": {"a": 1},
            "require": ["a > 3"],
        },
        False,
    ),
    ("no name", {"format": "policybench-profile", "format_version": 1, "weights": {"a": 1}}, False),
    (
        "empty name",
        {"format": "policybench-profile", "format_version": 1, "name": "", "weights": {"a": 1}},
        False,
    ),
    (
        "no weights",
        {"format": "policybench-profile", "format_version": 1, "name": "x", "weights": {}},
        False,
    ),
    (
        "negative",
        {"format": "policybench-profile", "format_version": 1, "name": "x", "weights": {"a": -1}},
        False,
    ),
    (
        "string weight",
        {"format": "policybench-profile", "format_version": 1, "name": "x", "weights": {"a": "1"}},
        False,
    ),
    (
        "bool weight",
        {"format": "policybench-profile", "format_version": 1, "name": "x", "weights": {"a": True}},
        False,
    ),
    (
        "bad id",
        {
            "format": "policybench-profile",
            "format_version": 1,
            "name": "x",
            "weights": {"Bad Id": 1},
        },
        False,
    ),
    (
        "unknown field",
        {
            "format": "policybench-profile",
            "format_version": 1,
            "name": "x",
            "weights": {"a": 1},
            "weigths": {},
        },
        False,
    ),
    (
        "score over 10",
        {
            "format": "policybench-profile",
            "format_version": 1,
            "name": "x",
            "weights": {"a": 1},
            "overrides": {"o": {"a": 11}},
        },
        False,
    ),
    (
        "empty override",
        {
            "format": "policybench-profile",
            "format_version": 1,
            "name": "x",
            "weights": {"a": 1},
            "overrides": {"o": {}},
        },
        False,
    ),
    (
        "bad fingerprint",
        {
            "format": "policybench-profile",
            "format_version": 1,
            "name": "x",
            "weights": {"a": 1},
            "catalog": {"fingerprint": "XYZ"},
        },
        False,
    ),
    (
        "catalog extra",
        {
            "format": "policybench-profile",
            "format_version": 1,
            "name": "x",
            "weights": {"a": 1},
            "catalog": {"fingerprint": "a" * 64, "x": 1},
        },
        False,
    ),
    (
        "version 0",
        {
            "format": "policybench-profile",
            "format_version": 1,
            "name": "x",
            "version": 0,
            "weights": {"a": 1},
        },
        False,
    ),
]


@pytest.mark.parametrize(("case", "doc", "valid"), GOOD_AND_BAD, ids=[c[0] for c in GOOD_AND_BAD])
def test_models_and_published_schema_agree(case: str, doc: dict[str, Any], valid: bool) -> None:
    text = json.dumps(doc)
    if valid:
        parse_document(text)
    else:
        with pytest.raises(ProfileFileError, match="not a valid policybench profile"):
            parse_document(text)
    jsonschema = pytest.importorskip("jsonschema")  # a test-time cross-check only
    errors = list(jsonschema.Draft202012Validator(published_schema()).iter_errors(doc))
    assert (not errors) == valid, errors


def test_an_export_is_valid_against_the_published_schema(store: Store, tiny_catalog: Any) -> None:
    saved = store.profiles.save(
        "tokyo",
        W,
        method="vikor",
        params={"v": 0.5},
        overrides={"summits": {"backlash": 2}},
        catalog_fingerprint=tiny_catalog.fingerprint,
    )
    doc = export_document(saved)
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator(
        published_schema(), format_checker=jsonschema.FormatChecker()
    ).validate(doc)
    assert doc["catalog"]["fingerprint"] == tiny_catalog.fingerprint
    assert doc["version"] == 1 and doc["overrides"] == {"summits": {"backlash": 2.0}}


# -- round trips --------------------------------------------------------------------------------


def test_export_then_import_round_trips_as_a_new_version(
    store: Store, tiny_catalog: Any, tmp_path: Path
) -> None:
    saved = store.profiles.save(
        "tokyo ↔ 東京 رؤية",
        W,
        method="topsis",
        params={"normalization": "minmax"},
        description="line 1\nline 2",
        overrides={"summits": {"deterrence": 8.5}},
        author="ana",
        catalog_fingerprint=tiny_catalog.fingerprint,
    )
    path = tmp_path / "p.json"
    write_document(export_document(saved), path)
    data = read_profile_file(path)
    again = import_profile(store.profiles, data, tiny_catalog, methods=METHODS)
    assert again.name == saved.name and again.version == 2  # appended, never overwritten
    same = ("weights", "method", "params", "description", "overrides", "author")
    assert all(getattr(again, f) == getattr(saved, f) for f in same)
    copy = import_profile(store.profiles, data, tiny_catalog, name="copy", author="bo")
    assert (copy.name, copy.version, copy.author) == ("copy", 1, "bo")


def test_import_orders_weights_as_the_catalog(store: Store, tiny_catalog: Any) -> None:
    doc = _doc(tiny_catalog, weights={"backlash": 2, "deterrence": 3, "feasibility": 1})
    saved = import_profile(store.profiles, json.dumps(doc), tiny_catalog)
    assert list(saved.weights) == list(tiny_catalog.criterion_ids)


# -- refusals -------------------------------------------------------------------------------------


def _refused(
    store: Store, catalog: Any, data: bytes | str, match: str, **kwargs: Any
) -> ProfileFileError:
    with pytest.raises(ProfileFileError, match=match) as info:
        import_profile(store.profiles, data, catalog, methods=METHODS, **kwargs)
    assert store.profiles.list(include_deleted=True) == []  # nothing written
    assert "Traceback" not in str(info.value)
    return info.value


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"weights": {"feasibility": 1, "deterrence": 3}}, "missing: backlash"),
        ({"weights": {**W, "vibes": 2}}, "unknown criterion 'vibes'"),
        ({"weights": {"feasibility": 0, "deterrence": 0, "backlash": 0}}, "all weights are zero"),
        ({"weights": {**W, "backlash": -2}}, "greater than or equal to 0"),
        ({"weights": {**W, "backlash": "2"}}, "weights.backlash"),
        ({"overrides": {"moon-base": {"deterrence": 3}}}, "unknown option 'moon-base'"),
        ({"overrides": {"summits": {"vibes": 3}}}, "unknown criterion 'vibes'"),
        ({"overrides": {"summits": {"deterrence": 12}}}, "less than or equal to 10"),
        ({"method": "magic"}, "unknown method 'magic'; choose one of: wsm"),
        ({"extra": 1}, "extra: unknown field"),
        ({"name": "nul\x00name"}, "NUL"),
        ({"description": "esc\x1b[2J"}, "control"),
    ],
)
def test_bad_contents_are_refused_with_nothing_written(
    store: Store, tiny_catalog: Any, changes: dict, match: str
) -> None:
    _refused(store, tiny_catalog, json.dumps(_doc(tiny_catalog, **changes)), match)


def test_every_problem_is_listed_at_once(store: Store, tiny_catalog: Any) -> None:
    doc = _doc(
        tiny_catalog,
        weights={"feasibility": 1, "vibes": 1},
        method="magic",
        overrides={"moon": {"deterrence": 1}},
    )
    err = _refused(store, tiny_catalog, json.dumps(doc), "cannot import")
    text = str(err)
    assert (
        "vibes" in text
        and "magic" in text
        and "moon" in text
        and text.endswith("Nothing was imported.")
    )


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"format": "policybench-profile", "weights": {"a": NaN}}', "finite"),
        ('{"format": "policybench-profile", "weights": {"a": Infinity}}', "finite"),
        ('{"name": "a", "name": "b"}', "appears twice"),
        ("{not json", "not valid JSON.*line 1"),
        ("[1, 2]", "one JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_bad_json_is_refused_with_nothing_written(
    store: Store, tiny_catalog: Any, text: str | bytes, match: str
) -> None:
    _refused(store, tiny_catalog, text, match)


def test_huge_numbers_that_overflow_to_infinity_are_refused(
    store: Store, tiny_catalog: Any
) -> None:
    text = json.dumps(_doc(tiny_catalog)).replace('"backlash": 2.0', '"backlash": 1e999')
    _refused(store, tiny_catalog, text, "finite")


def test_oversized_files_are_refused_before_reading_them_whole(
    store: Store, tiny_catalog: Any, tmp_path: Path
) -> None:
    big = json.dumps(_doc(tiny_catalog, description="x" * 100)) + " " * MAX_PROFILE_BYTES
    path = tmp_path / "big.json"
    path.write_text(big)
    with pytest.raises(ProfileFileError, match=r"too large.*256 KB"):
        read_profile_file(path)
    _refused(store, tiny_catalog, big, "too large")


def test_missing_file_or_folder(tmp_path: Path) -> None:
    with pytest.raises(ProfileFileError, match="no such file"):
        read_profile_file(tmp_path / "nope.json")
    with pytest.raises(ProfileFileError, match="is a folder"):
        read_profile_file(tmp_path)


def test_another_catalog_is_refused_unless_forced(store: Store, tiny_catalog: Any) -> None:
    doc = _doc(tiny_catalog, catalog={"fingerprint": "0" * 64})
    err = _refused(store, tiny_catalog, json.dumps(doc), "different catalog")
    assert (
        "000000000000" in str(err)
        and tiny_catalog.short_fingerprint in str(err)
        and "--force" in str(err)
    )
    saved = import_profile(
        store.profiles, json.dumps(doc), tiny_catalog, force=True, methods=METHODS
    )
    assert saved.version == 1 and saved.catalog_fingerprint == tiny_catalog.fingerprint


def test_forcing_maps_a_file_from_another_catalog_onto_todays_criteria(
    store: Store, tiny_catalog: Any
) -> None:
    weights = {"deterrence": 4.0, "vibes": 9.0}  # "vibes" is gone; feasibility, backlash new
    doc = _doc(tiny_catalog, catalog={"fingerprint": "0" * 64}, weights=weights)
    _refused(store, tiny_catalog, json.dumps(doc), "vibes")  # unforced: refused, with the reason
    saved = import_profile(store.profiles, json.dumps(doc), tiny_catalog, force=True)
    assert dict(saved.weights) == {"deterrence": 4.0}  # kept as saved; never re-weighted
    doc = parse_document(json.dumps(doc))
    reconciled = check_against_catalog(doc, tiny_catalog, force=True)
    assert (reconciled.gone, reconciled.new) == (("vibes",), ("feasibility", "backlash"))


def test_forcing_still_refuses_a_file_whose_criteria_are_all_gone(
    store: Store, tiny_catalog: Any
) -> None:
    doc = _doc(tiny_catalog, catalog={"fingerprint": "0" * 64}, weights={"vibes": 1, "mood": 2})
    err = _refused(store, tiny_catalog, json.dumps(doc), "no longer has", force=True)
    assert "different catalog" not in str(err)


def test_a_short_fingerprint_as_shown_in_the_app_is_accepted(
    store: Store, tiny_catalog: Any
) -> None:
    doc = _doc(tiny_catalog, catalog={"fingerprint": tiny_catalog.short_fingerprint})
    assert import_profile(store.profiles, json.dumps(doc), tiny_catalog).version == 1


def test_importing_onto_a_deleted_profile_is_refused(store: Store, tiny_catalog: Any) -> None:
    store.profiles.save("tokyo", W)
    store.profiles.delete("tokyo")
    from policybench.store import ProfileDeletedError

    with pytest.raises(ProfileDeletedError):
        import_profile(store.profiles, json.dumps(_doc(tiny_catalog)), tiny_catalog)
    assert [h.version for h in store.profiles.history("tokyo", include_deleted=True)] == [1]


def test_write_document_is_atomic(tmp_path: Path, store: Store) -> None:
    saved = store.profiles.save("p", W)
    path = tmp_path / "out.json"
    path.write_text("previous")
    with pytest.raises(ProfileFileError, match="could not write"):
        write_document(export_document(saved), tmp_path / "missing-dir" / "out.json")
    write_document(export_document(saved), path)
    assert json.loads(path.read_text())["name"] == "p"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no leftovers
