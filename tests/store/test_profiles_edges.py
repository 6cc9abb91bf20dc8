"""Edges of the profile store that the full mutation run of ``store/profiles.py`` found
unguarded (docs/TESTING.md, issue 17), each asserted as a user meets it: the exact refusal of
a version that is not a whole number from 1, of a new name, of a name a deleted profile
holds; the close names every action on a missing profile suggests (the case-blind match
first, at most five, only names that are close or contain what was typed); a restore that
reads its own profile's history and keeps its catalog's fingerprint; who deleted a profile,
checked and recorded; what a damaged store says could not be done; and the locks: on SQLite
each change begins as a write, so a rival writer cannot fail it half-way, and on PostgreSQL a
name taken by another writer in the middle of a rename is refused as any taken name."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from policybench.store import (
    ConflictError,
    InvalidValueError,
    ProfileDeletedError,
    ProfileExistsError,
    ProfileNotFound,
    Store,
    StoreError,
    open_store,
)
from policybench.store import profiles as profiles_module
from policybench.store.schema import profiles as P
from support.pgserver import PgServer
from support.sqlite_file import finishes_beside_a_writer, lose_table

W1 = {"feasibility": 1.0, "deterrence": 3.0, "backlash": 2.0}
W2 = {"feasibility": 5.0, "deterrence": 1.0, "backlash": 0.0}
#: How long a read may take while another's write is held open (generous: not a speed
#: target; the read either waits for the write to finish or does not wait at all).
HELD_S = 20.0


# ------------------------------------------------------------------------------ refusals
@pytest.mark.parametrize("bad", [0, -1, True, 1.0, "1", None])
def test_a_version_that_is_not_a_whole_number_from_1_is_refused_by_name(
    store: Store, bad: object
) -> None:
    """``profiles._positive`` 1, 2, 6 and ``restore`` 7, 10, 11: ``True`` is not version 1,
    ``0`` and ``-1`` are not versions to look for, and the refusal names which version."""
    store.profiles.save("p", W1)
    if bad is not None:  # None means "the latest" to get
        with pytest.raises(InvalidValueError) as refused:
            store.profiles.get("p", bad)  # type: ignore[arg-type]
        assert str(refused.value) == f"the version must be a whole number 1 or more, not {bad!r}"
    with pytest.raises(InvalidValueError) as refused:
        store.profiles.restore("p", bad)  # type: ignore[arg-type]
    assert str(refused.value) == (
        f"the version to restore must be a whole number 1 or more, not {bad!r}"
    )
    assert [h.version for h in store.profiles.history("p")] == [1], "nothing was restored"


def test_a_new_name_is_refused_as_the_new_name(store: Store) -> None:
    """``rename`` 5, 7-9: the label says which of the two names is wrong."""
    store.profiles.save("a", W1)
    with pytest.raises(InvalidValueError) as refused:
        store.profiles.rename("a", "  ")
    assert str(refused.value) == "the new name cannot be empty"
    with pytest.raises(InvalidValueError) as refused:
        store.profiles.rename("a", "two\nlines")
    assert str(refused.value) == (
        "the new name cannot contain control characters such as newlines or tabs (found U+000A)"
    )
    assert store.profiles.names() == ["a"]


def test_renaming_onto_or_from_a_deleted_profile_says_how_to_get_it_back(store: Store) -> None:
    """``_exists`` 2, 3 (the way out of a name a deleted profile holds) and ``rename`` 25-29
    (renaming a deleted profile: the same refusal as reading it, ``get`` 31, not "no profile
    named")."""
    store.profiles.save("a", W1)
    store.profiles.save("z", W1)
    store.profiles.delete("a")
    with pytest.raises(ProfileExistsError) as taken:
        store.profiles.rename("z", "a")
    assert str(taken.value) == (
        "a deleted profile is already named 'a'; undelete and rename it first, "
        "or choose another name"
    )
    for action in (lambda: store.profiles.rename("a", "b"), lambda: store.profiles.get("a")):
        with pytest.raises(ProfileNotFound) as deleted:
            action()
        assert str(deleted.value) == (
            "profile 'a' is deleted; undelete it first (profiles undelete 'a')"
        )
        assert deleted.value.name == "a"
    assert store.profiles.names(include_deleted=True) == ["a", "z"]


def test_a_save_onto_a_deleted_profile_says_both_ways_out(store: Store) -> None:
    """``save``: the refusal names the undelete command and the other way, and that nothing
    was saved."""
    store.profiles.save("a", W1)
    store.profiles.delete("a")
    with pytest.raises(ProfileDeletedError) as refused:
        store.profiles.save("a", W2)
    assert str(refused.value) == (
        "profile 'a' is deleted; undelete it first (profiles undelete 'a') "
        "or save under another name. Nothing was saved."
    )
    assert [h.version for h in store.profiles.history("a", include_deleted=True)] == [1]


def test_expecting_version_1_of_a_missing_profile_is_not_found_not_a_conflict(
    store: Store,
) -> None:
    """``save``: any version expected of a profile that does not exist (even 1) means the
    name was mistyped, so the close names are offered; only 0 creates it."""
    store.profiles.save("tokyo", W1)
    with pytest.raises(ProfileNotFound) as missing:
        store.profiles.save("tokio", W2, expect_version=1)
    assert str(missing.value) == "no profile named 'tokio'; did you mean: 'tokyo'?"
    assert store.profiles.names(include_deleted=True) == ["tokyo"]


@pytest.mark.parametrize("bad", [-1, True, 1.5, "1"])
def test_an_expected_version_that_is_not_a_whole_number_from_0_is_refused(
    store: Store, bad: object
) -> None:
    """``_expect``: ``True`` is not version 1."""
    store.profiles.save("p", W1)
    refusing: list[Callable[[], object]] = [
        lambda: store.profiles.save("p", W2, expect_version=bad),  # type: ignore[arg-type]
        lambda: store.profiles.restore("p", 1, expect_version=bad),  # type: ignore[arg-type]
    ]
    for call in refusing:
        with pytest.raises(InvalidValueError) as refused:
            call()
        assert str(refused.value) == (
            f"--expect-version must be a whole number 0 or more, not {bad!r}"
        )
    assert [h.version for h in store.profiles.history("p")] == [1]


@pytest.mark.parametrize("bad", ["", "XXXX", "ABC123", "0x12", "a" * 65, 123, b"ab"])
def test_a_fingerprint_that_is_not_lowercase_hex_is_refused_in_full(
    store: Store, bad: object
) -> None:
    """``_fingerprint``: the whole message, whatever is wrong."""
    with pytest.raises(InvalidValueError) as refused:
        store.profiles.save("p", W1, catalog_fingerprint=bad)  # type: ignore[arg-type]
    assert str(refused.value) == "a catalog fingerprint must be lowercase hex, at most 64 digits"
    assert store.profiles.names(include_deleted=True) == []


def test_a_fingerprint_of_every_hex_digit_and_up_to_64_is_kept(store: Store) -> None:
    """``_fingerprint``: each of the sixteen digits, one digit, and 64."""
    for fingerprint in ("0123456789abcdef", "f", "9" * 64):
        saved = store.profiles.save("p", W1, catalog_fingerprint=fingerprint)
        assert store.profiles.get("p", saved.version).catalog_fingerprint == fingerprint


def test_a_version_read_back_says_where_it_was_restored_from(store: Store) -> None:
    """``_version`` 11, 24: what ``get`` reads back is what ``restore`` returned; ``history``
    46-60: each entry as saved; ``save``: a version saved without a method or description has
    WSM and none."""
    store.profiles.save("p", W1, overrides={"summits": {"backlash": 1.0}}, author="ana")
    store.profiles.save("p", W2, author="bo")
    restored = store.profiles.restore("p", 1, author="cy")
    again = store.profiles.get("p")
    assert again == restored
    assert (again.restored_from, again.author, again.overrides) == (
        1,
        "cy",
        {"summits": {"backlash": 1.0}},
    )
    second = store.profiles.get("p", 2)
    assert (second.restored_from, second.method, second.description) == (None, "wsm", "")
    history = store.profiles.history("p")
    assert [(h.version, h.restored_from, h.has_overrides) for h in history] == [
        (1, None, True),
        (2, None, False),
        (3, 1, True),
    ]
    assert [(h.author, h.method) for h in history] == [("ana", "wsm"), ("bo", "wsm"), ("cy", "wsm")]
    read_back = [store.profiles.get("p", v).created_at for v in (1, 2, 3)]
    assert [h.created_at for h in history] == read_back
    assert [h.description for h in history] == ["", "", ""]


def test_the_names_listed_include_the_deleted_only_when_asked(store: Store) -> None:
    """``names`` (the flag is passed on to ``list``) and ``list`` 1 (by default, the live
    profiles only)."""
    store.profiles.save("b", W1)
    store.profiles.save("a", W1)
    store.profiles.delete("b")
    assert store.profiles.names() == ["a"]
    assert [p.name for p in store.profiles.list()] == ["a"]
    assert store.profiles.names(include_deleted=True) == ["a", "b"]
    assert [(p.name, p.deleted) for p in store.profiles.list(include_deleted=True)] == [
        ("a", False),
        ("b", True),
    ]


def test_a_conflict_names_this_profiles_latest_version_and_its_author(store: Store) -> None:
    """``_append``: the whole message, with another profile at the same version by someone
    else, and a latest version saved without an author."""
    store.profiles.save("other", W1, author="zed")
    store.profiles.save("other", W2, author="zed")
    store.profiles.save("p", W1, author="ana")
    store.profiles.save("p", W2, author="bo", expect_version=1)
    with pytest.raises(ConflictError) as conflict:
        store.profiles.save("p", W1, author="cy", expect_version=1)
    assert str(conflict.value) == (
        "conflict: profile 'p' is now at version 2, saved by bo; you edited version 1. "
        "Nothing was saved. Compare versions 1 and 2, then save again on top of version 2."
    )
    store.profiles.save("p", W1)
    with pytest.raises(ConflictError) as conflict:
        store.profiles.restore("p", 1, expect_version=2)
    assert str(conflict.value).startswith(
        "conflict: profile 'p' is now at version 3, saved (no author given); you edited version 2."
    )
    assert [h.version for h in store.profiles.history("p")] == [1, 2, 3]


# ------------------------------------------------------------------------------ close names
def test_each_action_on_a_missing_profile_suggests_the_close_names(store: Store) -> None:
    """``get`` 20, ``history`` 10-17, ``restore`` 20-27, ``rename`` 16-23, ``delete`` 11-18
    (the live profiles' names) and ``undelete`` 9 (the deleted ones'): the name typed and what
    it is close to."""
    store.profiles.save("tokyo", W1)
    store.profiles.save("Canberra", W1)
    for action in (
        lambda: store.profiles.get("tokio"),
        lambda: store.profiles.history("tokio"),
        lambda: store.profiles.restore("tokio", 1),
        lambda: store.profiles.rename("tokio", "osaka"),
        lambda: store.profiles.delete("tokio"),
    ):
        with pytest.raises(ProfileNotFound) as missing:
            action()
        assert str(missing.value) == "no profile named 'tokio'; did you mean: 'tokyo'?"
        assert missing.value.name == "tokio" and missing.value.close == ["tokyo"]
    store.profiles.delete("Canberra")
    with pytest.raises(ProfileNotFound) as missing:
        store.profiles.undelete("canbera")
    assert str(missing.value) == "no profile named 'canbera'; did you mean: 'Canberra'?"
    assert store.profiles.names() == ["tokyo"]


def test_the_same_name_in_another_case_is_suggested_first_and_five_at_most(
    store: Store,
) -> None:
    """``_close_names`` 13, 16, 34: "TOKYO" is not close to "tokyo" by spelling (difflib
    compares case), yet it is the one meant: it leads, before the five spelt alike, and the
    list stops at five."""
    for name in ["TOKYO1", "TOKYO2", "tokyo", "TOKYO3", "TOKYO4", "TOKYO5", "Canberra"]:
        store.profiles.save(name, W1)
    with pytest.raises(ProfileNotFound) as missing:
        store.profiles.get("TOKYO")
    assert missing.value.close == ["tokyo", "TOKYO5", "TOKYO4", "TOKYO3", "TOKYO2"]


def test_up_to_five_names_spelt_alike_are_suggested_best_first(store: Store) -> None:
    """``_close_names`` 24: five near spellings, none containing what was typed, all offered
    (difflib's default would give three)."""
    for name in ["Seoul vie", "Seoul viwe", "Seul view", "Seoul veiw", "Soul view", "Canberra"]:
        store.profiles.save(name, W1)
    with pytest.raises(ProfileNotFound) as missing:
        store.profiles.get("Seoul view")
    assert missing.value.close == [
        "Soul view",
        "Seul view",
        "Seoul vie",
        "Seoul viwe",
        "Seoul veiw",
    ]


def test_a_name_containing_what_was_typed_is_suggested_and_nothing_unrelated(
    store: Store,
) -> None:
    """``_close_names`` 31-33: "view" is not spelt like "Tokyo view" (too short for difflib),
    but is part of it; "Canberra" is neither."""
    store.profiles.save("Tokyo view", W1)
    store.profiles.save("Canberra", W1)
    with pytest.raises(ProfileNotFound) as missing:
        store.profiles.get("VIEW")
    assert missing.value.close == ["Tokyo view"]
    with pytest.raises(ProfileNotFound) as missing:
        store.profiles.get("zzz")
    assert missing.value.close == []
    assert str(missing.value) == "no profile named 'zzz'"


# ------------------------------------------------------------------------------ restore
def test_a_restore_reads_its_own_profiles_history(store: Store) -> None:
    """``restore`` 38 (and ``get``): two profiles each have a version 1; only "b" has a
    version 2, then 3."""
    store.profiles.save("a", W1, description="a's first")
    store.profiles.save("b", W2, description="b's first")
    store.profiles.save("b", W1, description="b's second")
    assert store.profiles.get("a", 1).weights == W1 and store.profiles.get("b", 1).weights == W2
    with pytest.raises(ProfileNotFound) as missing:
        store.profiles.get("a", 2)
    assert str(missing.value) == "profile 'a' has no version 2"
    restored = store.profiles.restore("a", 1)
    assert (restored.version, restored.weights, restored.description) == (2, W1, "a's first")
    restored = store.profiles.restore("b", 1)
    assert (restored.version, restored.weights, restored.description) == (3, W2, "b's first")
    with pytest.raises(ProfileNotFound) as missing:
        store.profiles.restore("a", 3)
    assert str(missing.value) == "profile 'a' has no version 3"
    assert [h.version for h in store.profiles.history("a")] == [1, 2]


def test_a_restore_keeps_the_catalog_the_old_version_was_made_on(store: Store) -> None:
    """``restore`` 55: the fingerprint travels with the weights it describes."""
    store.profiles.save("p", W1, catalog_fingerprint="ab" * 32)
    store.profiles.save("p", W2, catalog_fingerprint="cd" * 32)
    restored = store.profiles.restore("p", 1)
    assert restored.catalog_fingerprint == "ab" * 32
    assert store.profiles.get("p").catalog_fingerprint == "ab" * 32


# ------------------------------------------------------------------------------ delete
def _deleted_by(store: Store, name: str) -> Any:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(P.c.deleted_by).where(P.c.name == name)).scalar_one()


def test_who_deleted_a_profile_is_checked_recorded_and_cleared_on_undelete(store: Store) -> None:
    """``delete`` 3, 4 (the author is checked like any author), 23, 25 (and recorded with the
    deletion), ``undelete`` 24 (an undeleted profile is nobody's deletion)."""
    store.profiles.save("p", W1)
    with pytest.raises(InvalidValueError) as refused:
        store.profiles.delete("p", author="ana\nbo")
    assert str(refused.value) == (
        "an author cannot contain control characters such as newlines or tabs (found U+000A)"
    )
    assert store.profiles.names() == ["p"], "a refused deletion deletes nothing"
    store.profiles.delete("p", author="ana")
    assert _deleted_by(store, "p") == "ana"
    store.profiles.undelete("p")
    assert _deleted_by(store, "p") is None
    assert store.profiles.get("p").weights == W1


# ------------------------------------------------------------------------------ damage, locks
def test_a_damaged_store_says_what_could_not_be_done(sqlite_store: tuple[Store, Path]) -> None:
    """``restore`` 78, 85, 86, ``rename`` 54, 59, 60, ``delete`` 31, 36, 37, ``undelete`` 30,
    35, 36 (and ``save``, ``get``, ``history``, ``list``): the refusal names the action."""
    store, path = sqlite_store
    store.profiles.save("p", W1)
    store.profiles.save("gone", W1)
    store.profiles.delete("gone")
    lose_table(path, "profile_versions")
    lost = "the database said: no such table: profile_versions"
    calls: list[tuple[str, Callable[[], object]]] = [
        ("save", lambda: store.profiles.restore("p", 1)),
        ("save", lambda: store.profiles.save("p", W2)),
        ("read the profile", lambda: store.profiles.get("p")),
        ("read the profile's history", lambda: store.profiles.history("p")),
        ("list the profiles", lambda: store.profiles.list()),
        ("list the profiles", lambda: store.profiles.names()),
    ]
    for action, call in calls:
        with pytest.raises(StoreError) as failed:
            call()
        assert str(failed.value) == f"could not {action}: {lost}"
    lose_table(path, "profiles")
    lost = "the database said: no such table: profiles"
    calls = [
        ("rename the profile", lambda: store.profiles.rename("p", "q")),
        ("delete the profile", lambda: store.profiles.delete("p")),
        ("undelete the profile", lambda: store.profiles.undelete("gone")),
    ]
    for action, call in calls:
        with pytest.raises(StoreError) as failed:
            call()
        assert str(failed.value) == f"could not {action}: {lost}"


class _RivalBeforeFirstWrite:
    """Stands in for ``sqlalchemy`` in the profile module: the first ``insert`` or ``update``
    it builds (inside a change's transaction, after its reads) first lets another process try
    to commit a write of its own."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self.attempts: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(sa, name)

    def _rival(self) -> None:
        if self.attempts:
            return
        rival = sqlite3.connect(self._path, timeout=0, isolation_level=None)
        try:
            rival.execute("BEGIN IMMEDIATE")
            rival.execute("INSERT INTO rate_limits VALUES ('rival', 0, 0)")
            rival.execute("COMMIT")
            self.attempts.append("committed")
        except sqlite3.OperationalError as exc:
            self.attempts.append(str(exc))
        finally:
            rival.close()

    def insert(self, table: Any) -> Any:
        self._rival()
        return sa.insert(table)

    def update(self, table: Any) -> Any:
        self._rival()
        return sa.update(table)


_CHANGES: dict[str, tuple[Callable[[Store], object], list[str]]] = {
    # what the change does, and the live profiles after it
    "save": (lambda s: s.profiles.save("p", W2), ["p"]),
    "restore": (lambda s: s.profiles.restore("p", 1), ["p"]),
    "rename": (lambda s: s.profiles.rename("p", "q"), ["q"]),
    "delete": (lambda s: s.profiles.delete("p"), []),
    "undelete": (lambda s: s.profiles.undelete("p"), ["p"]),
}


@pytest.mark.parametrize("action", list(_CHANGES))
def test_a_change_holds_the_write_lock_so_a_concurrent_writer_cannot_fail_it(
    sqlite_store: tuple[Store, Path], monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    """SQLite: ``restore`` 77, 84, ``rename`` 53, 58, ``delete`` 30, 35, ``undelete`` 29,
    34. Each change begins ``IMMEDIATE``; begun as a plain read, another writer committing
    between its read and its write would turn it into "busy, try again" (a stale snapshot
    cannot be upgraded). Holding the lock, the other writer waits instead. (A save's first
    statement is already a write, the insert of a new profile's row, which takes the lock.)"""
    store, path = sqlite_store
    store.profiles.save("p", W1)
    if action == "undelete":
        store.profiles.delete("p")
    change, live_after = _CHANGES[action]
    rival = _RivalBeforeFirstWrite(path)
    monkeypatch.setattr(profiles_module, "sa", rival)
    change(store)
    monkeypatch.undo()
    assert rival.attempts == ["database is locked"], "the rival had to wait for the change"
    assert store.profiles.names() == live_after
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM rate_limits")).scalar() == 0


def test_reading_profiles_does_not_wait_for_a_writer_in_progress(
    sqlite_store: tuple[Store, Path],
) -> None:
    """SQLite in WAL mode lets readers read beside the one writer, but only a transaction
    begun as a read: begun ``IMMEDIATE``, opening a profile, its history or the list would
    wait for whoever is writing (up to the busy timeout, then "busy, try again")."""
    store, path = sqlite_store
    store.profiles.save("p", W1)
    read: dict[str, object] = {}

    def read_profiles() -> None:
        read["get"] = store.profiles.get("p").weights
        read["history"] = [h.version for h in store.profiles.history("p")]
        read["names"] = store.profiles.names()

    read_while_writing = finishes_beside_a_writer(path, read_profiles, HELD_S)
    assert read_while_writing, "reading a profile waited for another's write"
    assert read == {"get": W1, "history": [1], "names": ["p"]}


@pytest.mark.postgres
def test_a_name_taken_in_the_middle_of_a_rename_is_refused_as_taken(
    pg: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: ``rename`` 47-51. Between the rename's check that the new name is free and
    its write, another writer saves a new profile under that name (nothing locks a name not
    yet there): the unique key refuses the rename, which says so as for any taken name."""
    store = open_store(pg.url(pg.create_database()))
    try:
        store.profiles.save("a", W1)
        started: list[bool] = []
        saved: list[int] = []

        class _SaveBeforeTheRename:
            def __getattr__(self, name: str) -> Any:
                return getattr(sa, name)

            def update(self, table: Any) -> Any:
                if not started:  # in another transaction, committed before the rename writes
                    started.append(True)
                    saved.append(store.profiles.save("n", W2).version)
                return sa.update(table)

        monkeypatch.setattr(profiles_module, "sa", _SaveBeforeTheRename())
        with pytest.raises(ProfileExistsError) as taken:
            store.profiles.rename("a", "n")
        monkeypatch.undo()
        assert str(taken.value) == "a profile named 'n' already exists; choose another name"
        assert saved == [1]
        assert store.profiles.names() == ["a", "n"]
        assert store.profiles.get("a").weights == W1 and store.profiles.get("n").weights == W2
    finally:
        store.close()
