"""The load test's own logic, on hand-made cases: the challenge plan (how many, where, which
quotes should come back verified), the end checks (what counts as lost, in the wrong round,
or a challenge not stored as confirmed), how a page's round and a refusal are read, and the
verdicts the two reports write.

Each test runs in a child Python from the repository's root, as ``make bench`` runs the
benchmarks (see test_benchmarks.py), so nothing here puts the repository on ``sys.path``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_code(code: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]


def test_the_plan_gives_each_participant_one_to_three_cells_and_the_room_its_total() -> None:
    run_code(
        r"""
        import random
        from pathlib import Path
        from policybench import catalog
        from benchmarks.load import plan

        cat = catalog.load(Path("tests/fixtures/catalog"))
        opts, crits = list(cat.option_ids), list(cat.criterion_ids)
        for n, total in ((30, 50), (5, 2), (4, 40), (7, 14)):
            counts = plan.counts(n, total, random.Random(1))
            assert len(counts) == n and all(1 <= k <= 3 for k in counts), counts
            assert sum(counts) == min(max(total, n), 3 * n), (n, total, counts)
        assert plan.counts(0, 10, random.Random(1)) == []
        saves = plan.plan(cat, opts, crits, 10, 18, 3, None)
        assert saves == plan.plan(cat, opts, crits, 10, 18, 3, None)  # deterministic
        firsts = [[c for c in mine if not c.revision] for mine in saves]
        assert sum(len(f) for f in firsts) == 18
        for mine, first in zip(saves, firsts):
            cells = [c.cell for c in first]
            assert 1 <= len(cells) <= 3 and len(set(cells)) == len(cells)
            assert [c.at for c in mine] == sorted(c.at for c in mine)
            for c in mine:
                assert c.option in opts and c.criterion in crits
                assert not cat.options_by_id[c.option].baseline  # the page offers no such cell
                now = cat.options_by_id[c.option].scores[c.criterion].value
                assert c.value != now and 0 <= c.value <= 10 and (2 * c.value).is_integer()
                assert (c.low is None) == (c.high is None)
                assert c.low is None or c.low <= c.value <= c.high
                assert not c.verified  # no source texts: nothing can be verified
            for r in (c for c in mine if c.revision):
                original = next(c for c in first if c.cell == r.cell)
                assert r.value != original.value and r.at >= original.at
                assert plan.last_saves(mine)[r.cell] == r
        """
    )


def test_a_verbatim_quote_is_expected_verified_and_a_reversed_one_not() -> None:
    run_code(
        r"""
        from pathlib import Path
        from policybench import catalog
        from policybench.catalog.verbatim import SourceTexts
        from benchmarks.load import plan

        texts = SourceTexts({"s1": ("s1.txt", "The two   governments agreed\non nothing at all.")})
        assert plan.expected_verified(texts, "s1", "governments agreed on nothing")
        assert not plan.expected_verified(texts, "s1", "nothing on agreed governments")
        assert not plan.expected_verified(texts, "s2", "governments agreed")  # not on the server
        assert not plan.expected_verified(None, "s1", "governments agreed")
        assert not plan.expected_verified(texts, None, None)

        cat = catalog.load(Path("options"))
        seeds = Path("../shared/seeds")
        server = plan.server_texts(cat, seeds) if seeds.is_dir() else None
        saves = [c for mine in plan.plan(cat, cat.option_ids, cat.criterion_ids, 30, 50, 0, server) for c in mine]
        quoted = [c for c in saves if c.quote is not None]
        assert quoted and all(c.source in {s.id for s in cat.sources} for c in quoted)
        if server is not None:
            verified = [c for c in quoted if c.verified]
            assert verified and len(verified) < len(quoted), (len(verified), len(quoted))
            for c in quoted:
                assert c.verified == (server.check(c.source, c.quote) is None)
        assert plan.server_texts(cat, Path("no/such/folder")) is None
        """
    )


def test_the_end_checks_find_lost_misplaced_and_changed_writes() -> None:
    run_code(
        r"""
        from types import SimpleNamespace as S
        from benchmarks.load import checks
        from benchmarks.load.plan import PlannedChallenge

        w1, w2 = {"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 0.0}
        ok = {1: S(revision=4, weights=w1), 2: S(revision=1, weights=w2)}
        assert checks.submissions("P", {1: (4, w1), 2: (1, w2)}, ok) == ([], [])
        lost, wrong = checks.submissions("P", {1: (4, w1)}, {})
        assert len(lost) == 1 and "nothing stored" in lost[0] and wrong == []
        lost, wrong = checks.submissions("P", {1: (4, w1)}, {1: S(revision=4, weights=w2)})
        assert len(lost) == 1 and "stored revision 4" in lost[0] and wrong == []
        lost, wrong = checks.submissions("P", {1: (5, w1)}, {1: S(revision=4, weights=w1)})
        assert len(lost) == 1 and wrong == []
        # weights confirmed in round 1 (revision 5) that the store put in round 2 instead
        lost, wrong = checks.submissions(
            "P", {1: (5, w1)}, {1: S(revision=4, weights=w2), 2: S(revision=1, weights=w1)}
        )
        assert len(lost) == 2 and wrong == ["P: weights confirmed in round 1 are stored in round 2"]

        c = PlannedChallenge("opt", "crit", 6.5, 5.5, 7.5, "why", "a quote", "src", True, False, 0.3)
        stored = S(option="opt", criterion="crit", value=6.5, low=5.5, high=7.5, reason="why",
                   quote="a quote", source="src", verified=True, round=2)
        assert checks.challenges("P", {c.cell: (c, 2)}, [stored]) == []
        found = checks.challenges("P", {c.cell: (c, 1)}, [stored])
        assert found == ["P: challenge of ('opt', 'crit') stored with round 2, not 1"], found
        changed = S(**{**vars(stored), "value": 7.0, "verified": False})
        found = checks.challenges("P", {c.cell: (c, 2)}, [changed])
        assert "value 7.0, not 6.5" in found[0] and "verified False, not True" in found[0]
        assert "not stored" in checks.challenges("P", {c.cell: (c, 2)}, [])[0]
        extra = checks.challenges("P", {}, [stored])
        assert extra == ["P: challenge of ('opt', 'crit') stored without a confirmed save"]
        """
    )


def test_a_page_s_round_and_a_refusal_are_read_as_the_page_says_them() -> None:
    run_code(
        r"""
        from types import SimpleNamespace as S
        from tests.support.stclient import Node, StreamlitClient
        from benchmarks.load import page

        client = StreamlitClient("http://127.0.0.1:9")
        def draw(*nodes):
            client.nodes = {(0, i): Node((0, i), kind, S(**proto), "", 1) for i, (kind, proto) in enumerate(nodes)}
        draw(("heading", {"body": "Workshop"}), ("markdown", {"body": "Open: participants can join"}))
        assert page.page_round(client) == 1
        draw(("heading", {"body": "Round 3"}))
        assert page.page_round(client) == 3
        draw(("markdown", {"body": ":blue-badge[Round 2] Open\\: participants can join"}))
        assert page.page_round(client) == 2
        draw(("heading", {"body": "Round 1's result"}))  # another round's result: not the round
        assert page.page_round(client) == 1
        assert page.not_open(["the round is locked\\: submissions can no longer be changed"]) == "locked"
        assert page.not_open(["Saved (revision 2)."]) is None
        draw(("button", {"id": "$$ID-abc-pb.ws.submit", "label": "Submit my weights"}),
             ("button", {"id": "$$ID-def-pb.ws.submit_more", "label": "Other"}))
        assert page.by_key(client, "pb.ws.submit").proto.label == "Submit my weights"
        assert page.by_key(client, "pb.ws.sub") is None
        assert page.settled(client)
        """
    )


def test_a_page_in_a_new_round_restarts_the_count_from_the_weights_it_seeds() -> None:
    run_code(
        r"""
        from types import SimpleNamespace as S
        from tests.support.stclient import Node, StreamlitClient
        from benchmarks.load import page
        from benchmarks.load.people import Participant, Session, Stats
        from benchmarks.load.plan import PlannedChallenge

        client = StreamlitClient("http://127.0.0.1:9")
        session = Session("", "CODE", S(criteria=("a", "b")), None, None, None)
        def draw(round_text, a, b):
            nodes = [("markdown", {"body": round_text}),
                     ("slider", {"id": "x-pb.ws.w.a", "default": [a]}),
                     ("slider", {"id": "x-pb.ws.w.b", "default": [b]})]
            client.nodes = {(0, i): Node((0, i), k, S(**p), "", 1) for i, (k, p) in enumerate(nodes)}
        me, stats = Participant("P", weights={"a": 3.0, "b": 4.0}, revision=6), Stats()
        client.values = {"x-pb.ws.w.a": [3.0], "x-pb.ws.w.b": [4.0]}
        draw("Open", 5.0, 5.0)
        assert not page.resync(client, session, stats, me) and me.revision == 6
        draw(":blue-badge[Round 2] Open", 3.0, 1.0)  # seeded from the last submission
        assert page.resync(client, session, stats, me)
        assert (me.round, me.revision, me.weights) == (2, 0, {"a": 3.0, "b": 1.0})
        assert client.values["x-pb.ws.w.b"] == [1.0] and stats.stale_sliders == 1
        draw(":blue-badge[Round 3] Open", 3.0, 1.0)
        assert page.resync(client, session, stats, me) and stats.stale_sliders == 1

        due = [PlannedChallenge("o", "c", 1.0, None, None, "r", None, None, False, False, at)
               for at in (0.25, 0.5)]
        me.plan = list(due)
        assert me.due(109.0, (100.0, 140.0)) is None  # due at 110
        assert me.due(110.0, (100.0, 140.0)) is due[0]
        """
    )


def test_the_load_verdict_names_every_missed_target_and_problem() -> None:
    run_code(
        r"""
        from benchmarks.load import report

        nan = float("nan")
        run = {
            "weight_change_ms": {"p95": 120.0}, "challenge_ms": {"p95": 80.0},
            "errors": [], "lost": [], "wrong_round": [], "challenges_lost": [],
        }
        assert report.verdict(run) == "met" and not report.failed(run)
        slow = {**run, "challenge_ms": {"p95": 750.0}, "wrong_round": ["P: ..."]}
        text = report.verdict(slow)
        assert text.startswith("NOT met: challenge p95 750 ms is 1.5x"), text
        assert "1 submissions in the wrong round" in text and report.failed(slow)
        assert report.verdict({**run, "challenge_ms": {"p95": nan}}) == "met"
        old = {"weight_change_ms": {"p95": 600.0}, "errors": [], "lost": []}  # an older run
        assert report.verdict(old).startswith("NOT met: weight change p95 600 ms")
        assert report.failed({**run, "challenges_lost": ["x"]})
        """
    )


def test_the_facilitator_page_rows_say_met_or_not_against_500_ms() -> None:
    run_code(
        r"""
        from benchmarks.app import report

        reruns = {"script": [30.0, 40.0], "round_trip": [35.0, 45.0]}
        rooms = {
            "room A": {"first": 900.0, "reruns": [100.0, 120.0, 130.0]},
            "room B": {
                "first": 2000.0, "reruns": [600.0, 650.0, 700.0],
                "profile": {"policybench_cumulative": [("policybench/x.py:1 f", 640.0, 5.0)],
                            "own_time": [("y.py:2 g", 300.0, 250.0)]},
            },
        }
        text = report.section(reruns, None, None, (0.5, 0.7), facilitator=rooms)
        assert "| the facilitator's page (room A): first run after signing in" in text, text
        assert "| 120 ms | 129 ms | < 500 ms | met |" in text, text
        assert "| 650 ms | 695 ms | < 500 ms | NOT met |" in text, text
        assert "`policybench/x.py:1 f` 640 ms" in text and "`y.py:2 g` 250 ms" in text
        assert "room A" not in text.split("Where one rerun")[-1]  # met: not profiled
        lines = report.summary_lines(reruns, None, None, rooms)
        assert any("room B" in line and "NOT met" in line for line in lines), lines
        """
    )
