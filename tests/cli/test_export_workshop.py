"""``policybench export --workshop CODE`` (src/policybench/cli/workshop_export.py): a workshop
made through the store's API, over two rounds with challenges and decisions, exported by the
command; and ``--format patch``, applied with ``git apply`` to a copy of the shipped catalog,
which ``policybench validate`` then passes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from policybench import catalog
from policybench.cli import app
from policybench.cli.workshop_export import PASSPHRASE_ENV, repo_path
from support.gitrepo import apply

runner = CliRunner()
PASS = "correct horse battery"
DETERRENCE = ({"feasibility": 1, "deterrence": 8, "backlash": 1},) * 3
CAUTION = ({"feasibility": 5, "deterrence": 1, "backlash": 5},) * 3
DOKDO = "gb-japan-relinquishes-dokdo-claim"
#: A reason that would break a YAML comment if written as typed (the store refuses invisible
#: characters itself).
HOSTILE_REASON = "It is 1, not 2.\nsecond line # not: a comment - 'quoted' \"too\""


def run(*args: str, db: str) -> Result:
    result = runner.invoke(app, ["export", *args, "--db", db], env={PASSPHRASE_ENV: PASS})
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def two_rounds(tmp_path: Path, tiny_options: Path) -> dict[str, str]:
    """A workshop on the tiny catalog: six people in two camps in round 1, seven in round 2
    (one moved), two challenges on liaison's feasibility, its median adopted."""
    from policybench.store import open_store

    cat = catalog.load(tiny_options)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(url) as store:
        ws = store.workshops
        f = ws.create(
            "Seminar <b>",
            options=list(cat.option_ids),
            criteria=list(cat.criterion_ids),
            passphrase=PASS,
            catalog=cat,
        )
        people = {n: ws.join(f.code, n).token for n in ("ana", "bob", "cy", "dan", "eve", "fay")}
        for k, (token, weights) in enumerate(
            zip(people.values(), DETERRENCE + CAUTION, strict=True)
        ):
            ws.submit(f.code, token, weights, {"deterrence": f"Reason number {k}."})
        ws.challenge(f.code, people["ana"], "liaison", "feasibility", 2, reason="Too hopeful.")
        ws.challenge(f.code, people["eve"], "liaison", "feasibility", 3, reason="Needs staff.")
        ws.lock(f)
        ws.reveal(f)
        ws.next_round(f)
        for name, token in people.items():
            weights = DETERRENCE[0] if name == "dan" else ws.my_previous(f.code, token).weights
            ws.submit(f.code, token, weights)
        gus = ws.join(f.code, "gus").token
        ws.submit(f.code, gus, CAUTION[0])
        ws.decide(f, "liaison", "feasibility", "adopted", value=2.5, low=2, high=3)
    return {"db": url, "code": f.code}


def test_a_workshop_export_carries_every_round_the_challenges_and_the_decisions(
    two_rounds: dict[str, str], tiny_options: Path
) -> None:
    result = run(
        "--format", "json", "--out", "-", "--options", str(tiny_options),
        "--workshop", two_rounds["code"], "--top-k", "2", db=two_rounds["db"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["metadata"]["rounds"] == 2 and data["metadata"]["participants"] == 7
    assert "1 score adjusted in this workshop" in data["metadata"]["profile"]
    rounds = data["rounds"]["tables"]["Rounds"]
    assert [(r["round"], r["submissions"]) for r in rounds] == [(1, 6), (2, 7)]
    assert rounds[1]["mean movement"] > 0  # dan moved
    cells = data["challenges"]["tables"]["Challenged scores"]
    assert [(c["option"], c["median proposal"], c["adopted score"]) for c in cells] == [
        ("liaison", 2.5, 2.5)
    ]
    assert [c["participant"] for c in data["challenges"]["tables"]["Challenges"]] == [
        "Participant 1",
        "Participant 5",
    ]
    decided = data["decisions"]["tables"]["Decisions"]
    assert [(d["decision"], d["adopted low"], d["adopted high"]) for d in decided] == [
        ("adopted", 2, 3)
    ]
    camps = data["camps"]
    assert camps["about"]["top k"] == 2
    # the camps' top two share nothing (liaison and the 2+2 against the status quo and summits)
    assert {r["floor"] for r in camps["tables"]["Round 2 common ground"]} == {0.0}
    assert camps["tables"]["Camps across rounds"][1]["moved"] == 1
    for secret in (two_rounds["code"], "ana", "gus"):  # the join code, and names unasked
        assert secret not in result.stdout


def _json(two_rounds: dict[str, str], tiny_options: Path, *extra: str) -> dict:
    result = run(
        "--format", "json", "--out", "-", "--options", str(tiny_options),
        "--workshop", two_rounds["code"], *extra, db=two_rounds["db"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_the_export_ranks_the_group_by_the_workshops_own_rule(
    two_rounds: dict[str, str], tiny_options: Path
) -> None:
    """The facilitator's choice, stored with the workshop, is the export's default; the flag
    overrides it; every impact figure says which rule it is measured on."""
    from policybench.store import open_store

    by_mean = _json(two_rounds, tiny_options)
    assert by_mean["challenges"]["about"]["impact"].endswith("(mean of everyone's weights)")
    with open_store(two_rounds["db"]) as store:
        f = store.workshops.verify_facilitator(two_rounds["code"], PASS)
        store.workshops.set_combination(f, "borda")
    by_borda = _json(two_rounds, tiny_options)
    basis = "measured on the group's ranking (borda count over everyone's rankings)"
    assert by_borda["challenges"]["about"]["impact"] == basis
    assert by_borda["rounds"]["about"]["group ranking by"] == "borda"
    cell = by_borda["challenges"]["tables"]["Challenged scores"][0]
    assert cell["impact"].endswith(f"({basis})")
    flagged = _json(two_rounds, tiny_options, "--group-ranking", "mean")
    assert flagged["challenges"]["about"] == by_mean["challenges"]["about"], "the flag wins"
    refused = run(
        "--format", "json", "--out", "-", "--options", str(tiny_options), "--workshop",
        two_rounds["code"], "--combine", "median", "--group-ranking", "mean",
        db=two_rounds["db"],
    )  # fmt: skip
    assert refused.exit_code == 2
    assert "--group-ranking median instead" in " ".join(refused.output.replace("│", "").split())


def test_the_help_says_the_workshops_rule_is_the_default() -> None:
    result = runner.invoke(app, ["export", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert "overriding the one the facilitator chose for the workshop" in " ".join(
        result.output.split()
    )


def test_the_export_lists_what_the_room_saw_at_each_reveal(
    two_rounds: dict[str, str], tiny_options: Path
) -> None:
    """Round 1's reveal showed ana's and eve's challenges; withdrawn in round 3, ana's stays in
    what rounds 1 and 2 showed and leaves the live list."""
    from policybench.store import open_store

    with open_store(two_rounds["db"]) as store:
        ws = store.workshops
        f = ws.verify_facilitator(two_rounds["code"], PASS)
        ws.lock(f)
        ws.reveal(f)
        ws.next_round(f)
        ana = ws.join(two_rounds["code"], "zed").token  # a newcomer cannot withdraw others'
        assert ws.withdraw(two_rounds["code"], ana, "liaison", "feasibility") is False
    data = _json(two_rounds, tiny_options)
    seen = data["challenges"]["tables"]["Challenges the room saw, by round"]
    assert [(r["seen in round"], r["proposed score"]) for r in seen] == [
        (1, 2.0), (1, 3.0), (2, 2.0), (2, 3.0),
    ]  # fmt: skip


def test_the_patch_applies_to_the_catalog_with_git_and_validates(
    make_repo: Callable[..., Path], tmp_path: Path, seeds_dir: Path
) -> None:
    from policybench.store import open_store

    repo = make_repo()
    options = repo / "options"
    cat = catalog.load(options)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    crits = ["identity_reconciliation", "deterrence", "achievability"]
    with open_store(url) as store:
        ws = store.workshops
        f = ws.create(
            "Track 2 <Seoul>",
            options=[DOKDO, "acsa", "status-quo"],
            criteria=crits,
            passphrase=PASS,
            catalog=cat,
        )
        ana, bob = (ws.join(f.code, n).token for n in ("ana", "bob"))
        ws.challenge(f.code, ana, DOKDO, "identity_reconciliation", 9, reason="Settles it.")
        ws.challenge(f.code, bob, DOKDO, "identity_reconciliation", 10, reason=HOSTILE_REASON)
        ws.challenge(f.code, bob, DOKDO, "deterrence", 4, reason="Frees attention.")
        ws.decide(f, DOKDO, "identity_reconciliation", "adopted", value=9.5, low=9, high=10)
        ws.decide(f, DOKDO, "deterrence", "rejected")
    out = tmp_path / "room.patch"
    result = run(
        "--format", "patch", "--out", str(out), "--options", str(options),
        "--workshop", f.code, db=url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stderr and "1 score adopted" in result.stderr
    patch = out.read_text(encoding="utf-8")
    assert f"diff --git a/options/policies/{DOKDO}.yaml" in patch and f.code not in patch
    apply(repo, patch)  # git apply --check, then git apply, at the repository's root
    checked = runner.invoke(
        app, ["validate", "--options", str(options), "--sources", str(seeds_dir)]
    )
    assert checked.exit_code == 0, checked.output
    after = catalog.load(options)
    score = after.options_by_id[DOKDO].scores["identity_reconciliation"]
    assert (score.value, score.low, score.high) == (9.5, 2, 10)
    assert after.options_by_id[DOKDO].scores["deterrence"].value == 2  # rejected: unchanged
    text = (options / "policies" / f"{DOKDO}.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(k for k, line in enumerate(lines) if "second line" in line)
    assert lines[at].lstrip().startswith("#   proposed 10: It is 1, not 2. second line")
    header = [ln.strip() for ln in lines[at - 3 : at] if "# workshop" in ln]
    assert len(header) == 1 and header[0].startswith("# workshop Track 2 <Seoul>")


def test_nothing_adopted_is_nothing_to_patch_and_no_file(
    two_rounds: dict[str, str], tiny_options: Path, tmp_path: Path
) -> None:
    from policybench.store import open_store

    with open_store(two_rounds["db"]) as store:
        f = store.workshops.verify_facilitator(two_rounds["code"], PASS)
        store.workshops.decide(f, "liaison", "feasibility", "rejected")
    out = tmp_path / "room.patch"
    result = run(
        "--format", "patch", "--out", str(out), "--options", str(tiny_options),
        "--workshop", two_rounds["code"], db=two_rounds["db"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "nothing to patch" in result.stderr and "1 decision, none adopted" in result.stderr
    assert not out.exists() and result.stdout == ""


def test_a_patch_to_a_folder_is_named_after_the_workshop_and_catalog(
    two_rounds: dict[str, str], tiny_options: Path, tmp_path: Path
) -> None:
    result = run(
        "--format", "patch", "--out", str(tmp_path), "--options", str(tiny_options),
        "--workshop", two_rounds["code"], db=two_rounds["db"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    short = catalog.load(tiny_options).short_fingerprint
    (written,) = tmp_path.glob("*.patch")
    assert written.name == f"policybench-seminar-b-catalog-patch-{short}.patch"
    # the tiny catalog sits in this repository at tests/fixtures/catalog
    assert "diff --git a/tests/fixtures/catalog/policies/liaison.yaml" in written.read_text()


def test_a_patch_needs_a_workshop(tiny_options: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "--format", "patch", "--out", str(tmp_path / "x.patch"),
              "--options", str(tiny_options)],
    )  # fmt: skip
    assert result.exit_code == 2 and "--workshop" in result.output


def test_the_patch_paths_start_at_the_repository_holding_the_catalog(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "data" / "catalog").mkdir(parents=True)
    assert repo_path(tmp_path / "repo" / "data" / "catalog") == "data/catalog"
    assert repo_path(tmp_path / "repo") == "."
    (tmp_path / "loose").mkdir()
    assert repo_path(tmp_path / "loose") == "options"  # DESIGN.md's layout
