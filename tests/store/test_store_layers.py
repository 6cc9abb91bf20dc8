"""The store's place in the layers (STYLE.md): it uses SQLAlchemy and the catalog, never the
UI, and importing the core never pulls it in."""

from __future__ import annotations

import subprocess
import sys


def test_the_store_does_not_import_the_ui() -> None:
    code = (
        "import sys, policybench.store, policybench.store.profile_io, policybench.cli.profiles; "
        "bad = {'streamlit', 'altair', 'pandas'} & set(sys.modules); assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_policybench_does_not_open_the_database_layer() -> None:
    code = "import sys, policybench; assert 'policybench.store' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_split_of_workshops_keeps_every_name_callers_import() -> None:
    """store/workshops.py was split (devices, rounds, challenges, a shared base): what the UI,
    the CLI, the benchmarks and the tests imported from it, and from ``policybench.store``,
    still imports, and ``Workshops`` is one class with every operation."""
    from policybench import store
    from policybench.store import workshops

    for name in (
        "ALPHABET", "CODE_BITS", "FACILITATOR_SESSION_HOURS", "HASHES_AT_ONCE", "PASSPHRASE_MIN",
        "REASON_MAX", "Facilitator", "Participant", "ParticipantPass", "Submission", "Workshop",
        "Workshops", "device_hash", "format_code", "new_code", "normalize_code", "_hasher",
        "_token_hash", "Challenge", "ScoreDecision",
    ):  # fmt: skip
        assert hasattr(workshops, name), name
    for name in ("Challenge", "ScoreDecision", "Submission", "Workshop", "Workshops"):
        assert getattr(store, name) is getattr(workshops, name) and name in store.__all__
    operations = {
        "create", "verify_facilitator", "unlock", "get", "join", "participant", "submit",
        "my_submission", "group_weights", "lock", "reopen", "reveal", "close", "submissions",
        "participants", "remember_facilitator", "resume_facilitator", "forget_facilitator",
        "remember_device", "rejoin", "next_round", "rounds", "my_previous", "challenge",
        "withdraw", "my_challenges", "room_challenges", "challenges", "decide", "undo_decision",
        "decisions", "adopted_scores",
    }  # fmt: skip
    assert operations <= {n for n in dir(workshops.Workshops) if not n.startswith("_")}
