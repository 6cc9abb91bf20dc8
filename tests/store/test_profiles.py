"""Versioned weight profiles, on SQLite and PostgreSQL: every save a new version, conflicts
refused with the latest named, rename/delete/undelete/restore, names stored faithfully."""

from __future__ import annotations

from datetime import UTC

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policybench.errors import PolicybenchError
from policybench.store import (
    ConflictError,
    InvalidValueError,
    ProfileDeletedError,
    ProfileExistsError,
    ProfileNotFound,
    Store,
    StoreError,
)

W1 = {"feasibility": 1.0, "deterrence": 3.0, "backlash": 2.0}
W2 = {"feasibility": 5.0, "deterrence": 1.0, "backlash": 0.0}


def test_first_save_is_version_1_and_reads_back(store: Store) -> None:
    saved = store.profiles.save(
        "tokyo",
        W1,
        method="topsis",
        params={"normalization": "minmax"},
        description="Tokyo's view",
        overrides={"summits": {"deterrence": 7.5}},
        author="ana",
        catalog_fingerprint="ab" * 32,
    )
    assert saved.version == 1 and saved.is_latest
    got = store.profiles.get("tokyo")
    assert got == saved
    assert got.weights == W1 and list(got.weights) == list(W1)  # order kept
    assert got.params == {"normalization": "minmax"}
    assert got.overrides == {"summits": {"deterrence": 7.5}}
    assert got.created_at.tzinfo is UTC or got.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert got.catalog_fingerprint == "ab" * 32


def test_every_save_is_a_new_immutable_version(store: Store) -> None:
    v1 = store.profiles.save("p", W1, author="ana")
    v2 = store.profiles.save("p", W2, author="bo")
    v3 = store.profiles.save("p", W2, author="cy")  # identical content still a new version
    assert [v1.version, v2.version, v3.version] == [1, 2, 3]
    assert store.profiles.get("p", 1).weights == W1  # old versions unchanged
    assert store.profiles.get("p", 1).author == "ana"
    assert store.profiles.get("p").version == 3
    assert not store.profiles.get("p", 2).is_latest
    assert [h.version for h in store.profiles.history("p")] == [1, 2, 3]
    assert [h.author for h in store.profiles.history("p")] == ["ana", "bo", "cy"]


def test_stale_expect_version_is_a_conflict_naming_the_latest_and_who(store: Store) -> None:
    store.profiles.save("p", W1, author="ana")
    store.profiles.save("p", W2, author="bo", expect_version=1)
    with pytest.raises(ConflictError) as info:
        store.profiles.save("p", W1, author="cy", expect_version=1)
    err = info.value
    assert isinstance(err, PolicybenchError) and err.exit_code == 3
    assert "conflict" in str(err) and "version 2" in str(err) and "bo" in str(err)
    assert (err.latest_version, err.latest_author, err.expected) == (2, "bo", 1)
    assert [h.version for h in store.profiles.history("p")] == [1, 2]  # nothing written


def test_expect_version_0_means_new(store: Store) -> None:
    assert store.profiles.save("new", W1, expect_version=0).version == 1
    with pytest.raises(ConflictError):
        store.profiles.save("new", W1, expect_version=0)


def test_expecting_a_version_of_a_missing_profile_writes_nothing(store: Store) -> None:
    store.profiles.save("tokyo", W1)
    with pytest.raises(ProfileNotFound) as info:
        store.profiles.save("tokio", W1, expect_version=3)
    assert "tokyo" in str(info.value)  # close names offered
    assert store.profiles.names() == ["tokyo"]  # the row it inserted was rolled back


def test_not_found_lists_close_names(store: Store) -> None:
    for name in ["Tokyo view", "Seoul view", "Canberra"]:
        store.profiles.save(name, W1)
    with pytest.raises(ProfileNotFound) as info:
        store.profiles.get("tokyo view")
    assert "'Tokyo view'" in str(info.value) and "did you mean" in str(info.value)
    with pytest.raises(ProfileNotFound, match="no version 9"):
        store.profiles.get("Canberra", 9)


def test_rename_keeps_history_and_refuses_a_taken_name(store: Store) -> None:
    store.profiles.save("a", W1)
    store.profiles.save("a", W2)
    store.profiles.save("b", W1)
    with pytest.raises(ProfileExistsError, match="already exists"):
        store.profiles.rename("a", "b")
    store.profiles.rename("a", "c")
    assert store.profiles.names() == ["b", "c"]
    assert [h.version for h in store.profiles.history("c")] == [1, 2]
    with pytest.raises(ProfileNotFound):
        store.profiles.get("a")
    store.profiles.rename("c", "c")  # a no-op, not an error


def test_delete_hides_and_undelete_restores_everything(store: Store) -> None:
    store.profiles.save("a", W1)
    store.profiles.save("a", W2)
    store.profiles.delete("a", author="ana")
    assert store.profiles.names() == []
    assert [p.name for p in store.profiles.list(include_deleted=True)] == ["a"]
    assert store.profiles.list(include_deleted=True)[0].deleted
    with pytest.raises(ProfileNotFound, match="deleted"):
        store.profiles.get("a")
    with pytest.raises(ProfileDeletedError, match="undelete"):
        store.profiles.save("a", W1)
    with pytest.raises(StoreError, match="already deleted"):
        store.profiles.delete("a")
    assert store.profiles.get("a", include_deleted=True).deleted
    store.profiles.save("z", W1)
    with pytest.raises(ProfileExistsError, match="deleted profile"):
        store.profiles.rename("z", "a")
    store.profiles.undelete("a")
    assert store.profiles.get("a").weights == W2
    assert [h.version for h in store.profiles.history("a")] == [1, 2]
    with pytest.raises(StoreError, match="not deleted"):
        store.profiles.undelete("a")


def test_refusals_name_the_profile_and_what_to_do(store: Store) -> None:
    store.profiles.save("alpha", W1)
    store.profiles.save("beta", W1)
    with pytest.raises(ProfileNotFound, match=r"^profile 'alpha' has no version 9$"):
        store.profiles.restore("alpha", 9)
    with pytest.raises(ProfileExistsError, match=r"^a profile named 'beta' already exists"):
        store.profiles.rename("alpha", "beta")
    store.profiles.delete("alpha")
    deleted = r"^profile 'alpha' is deleted; undelete it first \(profiles undelete 'alpha'\)$"
    with pytest.raises(ProfileNotFound, match=deleted):
        store.profiles.restore("alpha", 1)
    with pytest.raises(ProfileNotFound, match=deleted):
        store.profiles.history("alpha")  # a deleted profile's history only when asked for
    assert [h.version for h in store.profiles.history("alpha", include_deleted=True)] == [1]


def test_undeleting_a_misspelt_name_suggests_the_deleted_profiles(store: Store) -> None:
    store.profiles.save("tokyo view", W1)
    store.profiles.delete("tokyo view")
    store.profiles.save("tokyo views", W1)  # a live one: not what undelete can bring back
    with pytest.raises(ProfileNotFound) as info:
        store.profiles.undelete("tokyo veiw")
    assert info.value.close == ["tokyo view"]


def test_restore_adds_a_version_equal_to_the_old_one(store: Store) -> None:
    store.profiles.save(
        "p",
        W1,
        method="wpm",
        params={"k": 1},
        description="one",
        overrides={"summits": {"backlash": 1}},
    )
    store.profiles.save("p", W2, description="two")
    restored = store.profiles.restore("p", 1, author="ana")
    assert restored.version == 3 and restored.restored_from == 1
    again = store.profiles.get("p")
    old = store.profiles.get("p", 1)
    assert (again.weights, again.method, again.params, again.description, again.overrides) == (
        old.weights,
        old.method,
        old.params,
        old.description,
        old.overrides,
    )
    assert again.author == "ana"
    assert store.profiles.history("p")[-1].restored_from == 1
    with pytest.raises(ProfileNotFound, match="no version 7"):
        store.profiles.restore("p", 7)
    with pytest.raises(ConflictError):
        store.profiles.restore("p", 1, expect_version=2)
    assert len(store.profiles.history("p")) == 3


def test_list_shows_latest_headline_sorted(store: Store) -> None:
    store.profiles.save("b", W1, method="wsm", author="x")
    store.profiles.save(
        "a", W1, method="topsis", author="y", overrides={"summits": {"backlash": 3}}
    )
    store.profiles.save("b", W2, method="vikor", author="z", description="second")
    rows = store.profiles.list()
    assert [(r.name, r.version, r.method, r.author) for r in rows] == [
        ("a", 1, "topsis", "y"),
        ("b", 2, "vikor", "z"),
    ]
    assert rows[0].has_overrides and not rows[1].has_overrides
    assert rows[1].description == "second" and rows[1].updated_at >= rows[1].created_at


FAITHFUL_NAMES = [
    "../../etc/passwd",
    "..\\windows",
    "Robert'); DROP TABLE profiles;--",
    'a "quoted" name; SELECT * FROM profile_versions',
    "100% _under_score%",
    "رؤية سيول",  # a right-to-left script needs no formatting characters
    "東京の視点",
    "emoji 🗾 name",
    " leading and trailing ",
    "x" * 200,
]


@pytest.mark.parametrize("name", FAITHFUL_NAMES)
def test_awkward_names_are_stored_and_shown_faithfully(store: Store, name: str) -> None:
    store.profiles.save(name, W1, description=f"about {name}\nsecond line\ttab", author="Ω")
    assert store.profiles.get(name).name == name
    assert store.profiles.names() == [name]
    assert store.profiles.get(name).description == f"about {name}\nsecond line\ttab"
    renamed = name[:199] + "!"
    store.profiles.rename(name, renamed)
    assert store.profiles.names() == [renamed]


def test_nothing_else_was_touched_by_sql_metacharacters(store: Store) -> None:
    store.profiles.save("keep", W1)
    store.profiles.save("x'; DELETE FROM profiles; --", W1)
    store.profiles.save('y"; DROP TABLE profile_versions; --', W1)
    assert sorted(store.profiles.names()) == sorted(
        ["keep", "x'; DELETE FROM profiles; --", 'y"; DROP TABLE profile_versions; --']
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nul\x00byte", "NUL"),
        ("bad \udcff utf-8", "not valid Unicode"),
        ("new\nline", "control characters"),
        ("tab\there", "control characters"),
        ("line\u2028separator", "control characters"),
        ("esc\x1b[31m", "control characters"),
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 201, "too long"),
    ],
)
def test_refused_names_say_why_and_write_nothing(store: Store, name: str, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        store.profiles.save(name, W1)
    assert store.profiles.list(include_deleted=True) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": {}}, "at least one criterion"),
        ({"weights": {"a": -1}}, "0 or more"),
        ({"weights": {"a": float("nan")}}, "finite"),
        ({"weights": {"a": float("inf")}}, "finite"),
        ({"weights": {"a": True}}, "number"),
        ({"weights": {"a": "3"}}, "number"),
        ({"weights": {"a": 0, "b": 0}}, "zero"),
        ({"weights": {"a\x00": 1}}, "NUL"),
        ({"description": "nul\x00"}, "NUL"),
        ({"description": "bell\x07"}, "control"),
        ({"description": "d" * 2001}, "too long"),
        ({"params": {"x": float("nan")}}, "finite"),
        ({"params": {"x": "nul\x00"}}, "NUL"),
        ({"params": {"x": object()}}, "parameter"),
        ({"overrides": {"opt": {"c": float("inf")}}}, "finite"),
        ({"overrides": {"opt": {}}}, "overrides"),
        ({"author": "a\nb"}, "control"),
        ({"method": ""}, "empty"),
        ({"expect_version": -1}, "expect-version"),
        ({"catalog_fingerprint": ""}, "lowercase hex"),
        ({"catalog_fingerprint": 123456}, "lowercase hex"),
        ({"catalog_fingerprint": "ABC123"}, "lowercase hex"),
        ({"catalog_fingerprint": "a" * 65}, "at most 64"),
    ],
)
def test_refused_contents_say_why_and_write_nothing(
    store: Store, kwargs: dict, message: str
) -> None:
    args = {"weights": W1, **kwargs}
    weights = args.pop("weights")
    with pytest.raises(InvalidValueError, match=message):
        store.profiles.save("p", weights, **args)
    assert store.profiles.list(include_deleted=True) == []


def test_a_failed_transaction_leaves_no_half_written_profile(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail after the version row is inserted: the profile row and version roll back together."""
    from policybench.store import profiles as module

    store.profiles.save("p", W1)
    real = module.sa.update

    def broken_update(table):  # type: ignore[no-untyped-def]
        if table is module.P:
            raise RuntimeError("simulated crash between the two writes")
        return real(table)

    monkeypatch.setattr(module.sa, "update", broken_update)
    with pytest.raises(RuntimeError):
        store.profiles.save("p", W2)
    with pytest.raises(RuntimeError):
        store.profiles.save("brand-new", W2)
    monkeypatch.undo()
    assert store.profiles.names() == ["p"]
    assert [h.version for h in store.profiles.history("p")] == [1]
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM profile_versions")).scalar() == 1
    assert store.profiles.save("p", W2).version == 2


def test_profiles_survive_reopening(make_store) -> None:  # type: ignore[no-untyped-def]
    first = make_store()
    first.profiles.save("p", W1, author="ana")
    first.close()
    second = make_store()
    assert second.profiles.get("p").weights == W1
    assert second.profiles.save("p", W2, expect_version=1).version == 2


_name_chars = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(_name_chars, min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_printable_name_round_trips(store: Store, name: str) -> None:
    if name not in store.profiles.names(include_deleted=True):
        store.profiles.save(name, W1)
    assert store.profiles.get(name).name == name
    assert name in store.profiles.names()
