"""Workshops on SQLite and PostgreSQL: codes, hashed passphrases and tokens, a participant
seeing only their own submission, the open → locked → revealed → closed round, rate limits."""

from __future__ import annotations

import math
import re
import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from policybench.store import (
    InvalidValueError,
    ParticipantTokenError,
    RateLimitedError,
    Store,
    WorkshopError,
    WorkshopNotFound,
    WorkshopStateError,
    WrongPassphraseError,
)
from policybench.store.workshops import (
    ALPHABET,
    CODE_BITS,
    Facilitator,
    format_code,
    new_code,
    normalize_code,
)

OPTIONS = ["status-quo", "liaison", "summits", "two-plus-two"]
CRITERIA = ["feasibility", "deterrence", "backlash"]
PASS = "correct horse battery"


def _weights(a: float = 1, b: float = 2, c: float = 3) -> dict[str, float]:
    return {"feasibility": float(a), "deterrence": float(b), "backlash": float(c)}


@pytest.fixture
def facilitator(store: Store) -> Facilitator:
    return store.workshops.create(
        "Trilateral seminar", options=OPTIONS, criteria=CRITERIA, passphrase=PASS
    )


# -- codes ------------------------------------------------------------------------------------


def test_join_codes_are_unguessable_url_safe_and_easy_to_type() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert (
        CODE_BITS >= 64
        and len(ALPHABET) == 32
        and math.log2(len(ALPHABET) ** len(next(iter(codes)))) >= 64
    )
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{13}", c) for c in codes)  # no I, L, O, U
    assert not set("ILOU") & set(ALPHABET)
    counts = Counter("".join(codes))
    assert set(counts) == set(ALPHABET)  # every symbol used: drawn from the whole alphabet


def test_typed_codes_are_read_forgivingly() -> None:
    code = "0123ABCDEFGH1"
    assert normalize_code(code) == code
    assert normalize_code("o123-abcd-efghl") == code  # O→0, L→1, dashes, lower case
    assert normalize_code(" 0123 ABCD EFGH i ") == code
    assert normalize_code(format_code(code)) == code
    assert normalize_code("0123ABCDEFGH") is None  # too short
    assert normalize_code("0123ABCDEFGHU") is None  # U is not in the alphabet
    assert normalize_code("x" * 1000) is None


# -- facilitator ------------------------------------------------------------------------------


def test_create_stores_an_argon2id_hash_never_the_passphrase(
    store: Store, real_hasher: None
) -> None:
    facilitator = store.workshops.create(
        "Trilateral seminar", options=OPTIONS, criteria=CRITERIA, passphrase=PASS
    )
    with store.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT passphrase_hash FROM workshops")).scalar()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # RFC 9106 low-memory profile
    assert PASS not in stored
    workshop = store.workshops.get(facilitator.code)
    assert (workshop.title, workshop.options, workshop.criteria, workshop.state) == (
        "Trilateral seminar",
        tuple(OPTIONS),
        tuple(CRITERIA),
        "open",
    )
    assert workshop.display_code.replace("-", "") == facilitator.code


def test_verify_facilitator(store: Store, facilitator: Facilitator) -> None:
    again = store.workshops.verify_facilitator(
        format_code(facilitator.code).lower(), PASS, client="laptop"
    )
    assert again.code == facilitator.code
    with pytest.raises(WrongPassphraseError, match="wrong passphrase"):
        store.workshops.verify_facilitator(facilitator.code, "not it at all", client="laptop")
    with pytest.raises(WrongPassphraseError):
        store.workshops.verify_facilitator(facilitator.code, "bad \udcff bytes", client="laptop")
    with pytest.raises(WrongPassphraseError):
        store.workshops.verify_facilitator(facilitator.code, None, client="laptop")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"passphrase": "short"}, "at least 8"),
        ({"options": ["only-one"]}, "at least 2 options"),
        ({"criteria": ["a", "a"]}, "twice"),
        ({"title": "bad\x00title"}, "NUL"),
        ({"title": ""}, "empty"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(
    store: Store, kwargs: dict, message: str
) -> None:
    args = {"title": "t", "options": OPTIONS, "criteria": CRITERIA, "passphrase": PASS, **kwargs}
    title = args.pop("title")
    with pytest.raises(InvalidValueError, match=message):
        store.workshops.create(title, **args)
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM workshops")).scalar() == 0


def test_create_checks_ids_against_the_catalog(store: Store, tiny_catalog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValueError, match="unknown option"):
        store.workshops.create(
            "t",
            options=["summits", "moon-base"],
            criteria=CRITERIA,
            passphrase=PASS,
            catalog=tiny_catalog,
        )
    with pytest.raises(InvalidValueError, match="unknown criteria"):
        store.workshops.create(
            "t",
            options=OPTIONS,
            criteria=["deterrence", "vibes"],
            passphrase=PASS,
            catalog=tiny_catalog,
        )
    f = store.workshops.create(
        "t", options=OPTIONS, criteria=CRITERIA, passphrase=PASS, catalog=tiny_catalog
    )
    assert store.workshops.get(f.code).catalog_fingerprint == tiny_catalog.fingerprint


def test_a_forged_facilitator_handle_is_refused(store: Store, facilitator: Facilitator) -> None:
    forged = Facilitator(facilitator.code, facilitator.workshop_id, object())
    with pytest.raises(WrongPassphraseError, match="only the facilitator"):
        store.workshops.submissions(forged)
    with pytest.raises(WrongPassphraseError):
        store.workshops.lock(forged)


# -- participants -----------------------------------------------------------------------------


def test_join_gives_a_secret_token_stored_only_as_a_hash(
    store: Store, facilitator: Facilitator
) -> None:
    ticket = store.workshops.join(facilitator.code, "Ana")
    assert len(ticket.token) >= 40 and "token" not in repr(ticket).split("(")[1]
    with store.engine.connect() as conn:
        hashes = (
            conn.execute(sa.text("SELECT token_hash FROM workshop_participants")).scalars().all()
        )
    assert hashes and ticket.token not in hashes[0] and re.fullmatch(r"[0-9a-f]{64}", hashes[0])
    me = store.workshops.participant(facilitator.code, ticket.token)
    assert (me.display_name, me.submitted) == ("Ana", False)


def test_display_names_are_unique_within_a_workshop_and_shown_faithfully(
    store: Store, facilitator: Facilitator
) -> None:
    name = "anA <b>bold</b> 'quote'; -- رؤية"
    store.workshops.join(facilitator.code, name)
    with pytest.raises(WorkshopError, match="already taken"):
        store.workshops.join(facilitator.code, name)
    other = store.workshops.create("Second", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    store.workshops.join(other.code, name)  # another workshop: fine
    assert [p.display_name for p in store.workshops.participants(facilitator)] == [name]
    with pytest.raises(InvalidValueError, match="control"):
        store.workshops.join(facilitator.code, "two\nlines")


@pytest.mark.parametrize(
    "lookalike",
    ["Aiko ", " aiko", "AIKO", "Ａｉｋｏ", "aiko"],
)
def test_a_name_that_only_looks_different_is_the_same_person(
    store: Store, facilitator: Facilitator, lookalike: str
) -> None:
    store.workshops.join(facilitator.code, "Aiko")
    with pytest.raises(WorkshopError, match="already taken"):
        store.workshops.join(facilitator.code, lookalike)
    assert [p.display_name for p in store.workshops.participants(facilitator)] == ["Aiko"]


@pytest.mark.parametrize(
    "spoof",
    ["Ai\u200bko", "\u202eokiA", "Aiko\ufeff", "\u2066Aiko\u2069", "Ai\u200dko", "\u200fAiko"],
)
def test_invisible_formatting_characters_are_refused_in_names(
    store: Store, facilitator: Facilitator, spoof: str
) -> None:
    with pytest.raises(InvalidValueError, match=r"invisible formatting characters .* U\+"):
        store.workshops.join(facilitator.code, spoof)
    assert store.workshops.participants(facilitator) == []


def test_a_name_is_trimmed(store: Store, facilitator: Facilitator) -> None:
    passed = store.workshops.join(facilitator.code, "  Min-jun  ")
    assert passed.display_name == "Min-jun"


def test_reasons_lose_invisible_formatting_characters(
    store: Store, facilitator: Facilitator
) -> None:
    ana = store.workshops.join(facilitator.code, "Ana")
    weights = {c: 1.0 for c in CRITERIA}
    saved = store.workshops.submit(
        facilitator.code,
        ana.token,
        weights,
        reasons={CRITERIA[0]: "see \u202egro.elpmaxe\u202c now"},
    )
    assert saved.reasons == {CRITERIA[0]: "see gro.elpmaxe now"}


def test_absurd_weights_are_refused_before_they_overflow_the_group(
    store: Store, facilitator: Facilitator
) -> None:
    ana = store.workshops.join(facilitator.code, "Ana")
    weights = {c: 1.0 for c in CRITERIA}
    weights[CRITERIA[0]] = 1e308
    with pytest.raises(InvalidValueError, match="at most 1e\\+06"):
        store.workshops.submit(facilitator.code, ana.token, weights)


def test_submit_and_revise_own_weights_with_reasons(store: Store, facilitator: Facilitator) -> None:
    ana = store.workshops.join(facilitator.code, "Ana")
    assert store.workshops.my_submission(facilitator.code, ana.token) is None
    first = store.workshops.submit(
        facilitator.code,
        ana.token,
        {"backlash": 3, "feasibility": 1, "deterrence": 2},
        {"deterrence": "  North Korea first  "},
    )
    assert first.revision == 1 and list(first.weights) == CRITERIA  # in the workshop's order
    assert first.reasons == {"deterrence": "North Korea first"}
    second = store.workshops.submit(facilitator.code, ana.token, _weights(5, 1, 0))
    assert (
        second.revision == 2
        and second.submitted_at == first.submitted_at
        and second.updated_at >= first.updated_at
    )
    mine = store.workshops.my_submission(facilitator.code, ana.token)
    assert mine is not None and mine.weights == _weights(5, 1, 0) and mine.reasons == {}
    assert store.workshops.participant(facilitator.code, ana.token).revision == 2


@pytest.mark.parametrize(
    ("weights", "reasons", "message"),
    [
        ({"feasibility": 1, "deterrence": 2}, None, "missing: backlash"),
        ({**_weights(), "vibes": 1}, None, "unknown criterion 'vibes'"),
        (_weights(-1), None, "0 or more"),
        (_weights(float("nan")), None, "finite"),
        (_weights(0, 0, 0), None, "zero"),
        (_weights(), {"deterrence": "x" * 281}, "too long"),
        (_weights(), {"vibes": "why"}, "unknown criteria"),
        (_weights(), {"deterrence": "nul\x00"}, "NUL"),
    ],
)
def test_bad_submissions_are_refused_and_keep_the_previous_one(
    store: Store, facilitator: Facilitator, weights: dict, reasons: dict | None, message: str
) -> None:
    ana = store.workshops.join(facilitator.code, "Ana")
    store.workshops.submit(facilitator.code, ana.token, _weights(1, 1, 1))
    with pytest.raises(InvalidValueError, match=message):
        store.workshops.submit(facilitator.code, ana.token, weights, reasons)
    mine = store.workshops.my_submission(facilitator.code, ana.token)
    assert mine is not None and mine.weights == _weights(1, 1, 1) and mine.revision == 1


def test_a_participant_reaches_only_their_own_submission(
    store: Store, facilitator: Facilitator
) -> None:
    ana = store.workshops.join(facilitator.code, "Ana")
    bo = store.workshops.join(facilitator.code, "Bo")
    store.workshops.submit(facilitator.code, ana.token, _weights(1, 0, 0))
    store.workshops.submit(facilitator.code, bo.token, _weights(0, 1, 0))
    mine = store.workshops.my_submission(facilitator.code, bo.token)
    assert mine is not None and mine.display_name == "Bo" and mine.weights == _weights(0, 1, 0)
    other = store.workshops.create("Other", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    for code, token in [
        (other.code, ana.token),
        (facilitator.code, "made-up-token"),
        (facilitator.code, ""),
    ]:
        with pytest.raises(ParticipantTokenError, match="not valid for this workshop"):
            store.workshops.submit(code, token, _weights())
        with pytest.raises(ParticipantTokenError):
            store.workshops.my_submission(code, token)
    with pytest.raises(WorkshopStateError, match="not revealed"):
        store.workshops.group_weights(facilitator.code, ana.token)
    subs = store.workshops.submissions(facilitator)
    assert [(s.display_name, s.weights) for s in subs] == [
        ("Ana", _weights(1, 0, 0)),
        ("Bo", _weights(0, 1, 0)),
    ]


# -- the round ----------------------------------------------------------------------------------


def test_states_open_locked_revealed_closed_with_reopen(
    store: Store, facilitator: Facilitator
) -> None:
    ana = store.workshops.join(facilitator.code, "Ana")
    store.workshops.submit(facilitator.code, ana.token, _weights())
    with pytest.raises(WorkshopStateError, match="lock the round first"):
        store.workshops.reveal(facilitator)
    assert store.workshops.lock(facilitator).state == "locked"
    with pytest.raises(WorkshopStateError, match=r"locked.*unless the facilitator reopens"):
        store.workshops.submit(facilitator.code, ana.token, _weights(9, 9, 9))
    with pytest.raises(WorkshopStateError, match="not taking new participants"):
        store.workshops.join(facilitator.code, "Late")
    assert store.workshops.reopen(facilitator).state == "open"
    store.workshops.submit(facilitator.code, ana.token, _weights(4, 4, 4))
    store.workshops.lock(facilitator)
    with pytest.raises(WorkshopStateError, match="not revealed"):
        store.workshops.group_weights(facilitator.code, ana.token)
    revealed = store.workshops.reveal(facilitator)
    assert revealed.state == "revealed" and revealed.results_visible
    assert store.workshops.group_weights(facilitator.code, ana.token) == [_weights(4, 4, 4)]
    with pytest.raises(WorkshopStateError, match="already revealed"):
        store.workshops.reopen(facilitator)
    assert store.workshops.close(facilitator).state == "closed"
    assert store.workshops.group_weights(facilitator.code, ana.token) == [_weights(4, 4, 4)]
    with pytest.raises(WorkshopStateError):
        store.workshops.close(facilitator)
    with pytest.raises(WorkshopStateError):
        store.workshops.submit(facilitator.code, ana.token, _weights())


def test_participants_list_shows_who_submitted(store: Store, facilitator: Facilitator) -> None:
    ana = store.workshops.join(facilitator.code, "Ana")
    store.workshops.join(facilitator.code, "Bo")
    store.workshops.submit(facilitator.code, ana.token, _weights())
    people = store.workshops.participants(facilitator)
    assert [(p.display_name, p.submitted) for p in people] == [("Ana", True), ("Bo", False)]


def test_submissions_racing_a_lock_are_either_in_or_refused(
    store: Store, facilitator: Facilitator
) -> None:
    tickets = [store.workshops.join(facilitator.code, f"p{i}") for i in range(12)]
    barrier = threading.Barrier(len(tickets) + 1)
    outcome: dict[str, str] = {}

    def participant(i: int) -> None:
        barrier.wait()
        try:
            store.workshops.submit(facilitator.code, tickets[i].token, _weights(i + 1, 1, 1))
            outcome[f"p{i}"] = "in"
        except WorkshopStateError:
            outcome[f"p{i}"] = "refused"
        except Exception as exc:
            outcome[f"p{i}"] = repr(exc)

    threads = [threading.Thread(target=participant, args=(i,)) for i in range(len(tickets))]
    for t in threads:
        t.start()
    barrier.wait()
    store.workshops.lock(facilitator)
    for t in threads:
        t.join(timeout=60)
    assert set(outcome.values()) <= {"in", "refused"}
    stored = {s.display_name for s in store.workshops.submissions(facilitator)}
    assert stored == {name for name, result in outcome.items() if result == "in"}


# -- rate limits ----------------------------------------------------------------------------------


def test_wrong_passphrases_are_rate_limited_per_workshop_and_client(
    store: Store, facilitator: Facilitator
) -> None:
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPassphraseError, match=f"{left} attempts? left"):
            store.workshops.verify_facilitator(facilitator.code, "guess guess", client="10.0.0.9")
    with pytest.raises(WrongPassphraseError):
        store.workshops.verify_facilitator(facilitator.code, "guess guess", client="10.0.0.9")
    with pytest.raises(RateLimitedError, match="too many wrong passphrases; try again in") as info:
        store.workshops.verify_facilitator(
            facilitator.code, PASS, client="10.0.0.9"
        )  # even the right one
    assert 0 < info.value.retry_after <= 15 * 60
    assert (
        store.workshops.verify_facilitator(
            facilitator.code, PASS, client="the facilitator's laptop"
        ).code
        == facilitator.code
    )


def test_nobody_else_behind_the_same_address_can_lock_the_facilitator_out(
    store: Store, facilitator: Facilitator
) -> None:
    for _ in range(5):  # a participant on the same conference NAT mistypes five times
        with pytest.raises(WrongPassphraseError):
            store.workshops.verify_facilitator(
                facilitator.code, "guess guess", client="198.51.100.1", session="mallory"
            )
    with pytest.raises(RateLimitedError):
        store.workshops.verify_facilitator(
            facilitator.code, PASS, client="198.51.100.1", session="mallory"
        )
    signed_in = store.workshops.verify_facilitator(
        facilitator.code, PASS, client="198.51.100.1", session="facilitator"
    )
    assert signed_in.code == facilitator.code


def test_parallel_sign_ins_never_get_past_the_limit_and_refusals_never_hash(
    store: Store, facilitator: Facilitator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policybench.store import workshops as workshops_module

    hashed: list[int] = []
    real = workshops_module._hasher

    class Counting:
        def verify(self, digest: str, secret: bytes) -> bool:
            hashed.append(1)
            return real.verify(digest, secret)

        def check_needs_rehash(self, digest: str) -> bool:
            return False

    monkeypatch.setattr(workshops_module, "_hasher", Counting())
    outcomes: list[str] = []
    start = threading.Barrier(14)

    def attempt() -> None:
        start.wait()
        try:
            store.workshops.verify_facilitator(
                facilitator.code, "guess guess", client="c", session="s"
            )
        except WrongPassphraseError:
            outcomes.append("wrong")
        except RateLimitedError:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(14)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert Counter(outcomes) == {"wrong": 5, "refused": 9}
    assert len(hashed) == 5  # a refused attempt never reached argon2


def test_the_workshop_wide_cap_holds_and_the_server_can_unlock_it(
    store: Store, facilitator: Facilitator
) -> None:
    for i in range(30):  # one guesser opening session after session
        with pytest.raises(WrongPassphraseError):
            store.workshops.verify_facilitator(
                facilitator.code, "guess guess", client="c", session=f"s{i}"
            )
    with pytest.raises(RateLimitedError, match="ask whoever runs the server to unlock it"):
        store.workshops.verify_facilitator(facilitator.code, PASS, client="f", session="mine")
    assert store.workshops.unlock(facilitator.code.lower()) >= 1
    assert store.workshops.verify_facilitator(facilitator.code, PASS, client="f", session="mine")
    with pytest.raises(WorkshopNotFound):
        store.workshops.unlock("ZZZZZZZZZZZZZ")


def test_the_passphrase_limit_lifts_after_its_window(make_store) -> None:  # type: ignore[no-untyped-def]
    now = [1_000_000.0]
    store = make_store(clock=lambda: now[0])
    f = store.workshops.create("t", options=OPTIONS, criteria=CRITERIA, passphrase=PASS)
    for _ in range(5):
        with pytest.raises(WrongPassphraseError):
            store.workshops.verify_facilitator(f.code, "nope nope", client="c")
    with pytest.raises(RateLimitedError):
        store.workshops.verify_facilitator(f.code, PASS, client="c")
    now[0] += 15 * 60 + 1
    assert store.workshops.verify_facilitator(f.code, PASS, client="c").code == f.code
    # a success resets the count
    with pytest.raises(WrongPassphraseError, match="4 attempts left"):
        store.workshops.verify_facilitator(f.code, "nope nope", client="c")


def test_unknown_codes_are_refused_plainly_and_rate_limited_per_client(
    store: Store, facilitator: Facilitator
) -> None:
    for guess in ["AAAAAAAAAAAAA", "not a code", "", "0000000000000"] * 3:
        try:
            store.workshops.join(guess, "Mallory", client="scanner")
        except WorkshopNotFound as exc:
            assert str(exc) == "no workshop has that code; check it with the facilitator"
        except RateLimitedError as exc:
            assert "too many unknown workshop codes" in str(exc)
            break
    else:
        pytest.fail("unknown codes were never rate-limited")
    # a valid code is never throttled, whatever the client did before: a whole room may share
    # the scanner's address (one NAT), and 65 random bits need no throttling to be safe
    assert store.workshops.get(facilitator.code, client="scanner").code == facilitator.code
    assert store.workshops.join(facilitator.code, "Aiko", client="scanner").display_name == "Aiko"
    with pytest.raises(RateLimitedError):
        store.workshops.get("ZZZZZZZZZZZZZ", client="scanner")  # wrong codes stay refused
    with store.engine.connect() as conn:
        keys = conn.execute(sa.text("SELECT key FROM rate_limits")).scalars().all()
    assert all("scanner" not in k for k in keys)  # client keys are stored hashed
