"""The patch back to the catalog (src/policybench/export/patch.py): applied with ``git apply`` to
a clean checkout of the shipped catalog, then loaded and validated (quotes checked verbatim
against the source texts, as ``policybench validate --sources`` does); every cell not adopted
unchanged, every byte outside the edited numbers kept, the room's reasons in comments that no
hostile text can break. The file-format cases (CRLF, block-style ranges, quoted numbers, no
final newline) and the errors use the tiny fixture catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from policybench import catalog
from policybench.catalog import Catalog
from policybench.errors import InputError
from policybench.export.patch import DEFAULT_WIDTH, catalog_patch, number, widened
from policybench.present.text import comment_text
from support.gitrepo import apply, git

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "options"
TINY = ROOT / "tests" / "fixtures" / "catalog"
CODE = "K7Q2"
PREFIX = f"# workshop {CODE}:"

DOKDO = "gb-japan-relinquishes-dokdo-claim"
RAISED = "integrated-force-management"  # achievability 3, actors tokyo 6, seoul 3, washington 8
LOWERED = "trilateral-summits"  # achievability 7, actors tokyo 8, seoul 7, washington 7
LOWERED_ONE = "us-alliance-strategy-local-threats"  # 5, actors tokyo 5, seoul 9, washington 6
HOSTILE = (
    "It is 0, not 5.\nsecond line # not a comment: \"quoted\" and 'single'\r\n"
    "- not: a list\u2028key: value \u202eevil\x00"
)
LONG = (
    "Every Japanese government since the 1950s has kept the claim, and the room's Japanese "
    "participants were unanimous that no cabinet could survive giving it up, whatever the "
    "United States offered in return; see https://example.org/a-very-long-address-that-must-"
    "not-be-broken-across-lines-because-it-would-stop-working-when-copied"
)


@dataclass(frozen=True)
class Decision:
    """The store's ScoreDecision, as far as the patch reads it."""

    option: str
    criterion: str
    decision: str
    value: float | None
    low: float | None = None
    high: float | None = None


def adopt(
    option: str, criterion: str, value: float, low: float | None = None, high: float | None = None
) -> Decision:
    return Decision(option, criterion, "adopted", value, low, high)


def reject(option: str, criterion: str) -> Decision:
    return Decision(option, criterion, "rejected", None)


#: The decisions on the shipped catalog and what each cell must become, worked out by hand:
#: (value, range, actors or None).
DECISIONS = [
    adopt(DOKDO, "deterrence", 3),  # plain, inside [1, 3]
    adopt(DOKDO, "identity_reconciliation", 9.5),  # outside [2, 8]
    adopt(DOKDO, "economic", 7, 6.5, 7.5),  # evidence: judgement, [3, 6], an adopted range
    adopt(RAISED, "achievability", 6.5),  # raised above seoul's 3 and tokyo's 6
    adopt(LOWERED, "achievability", 4),  # lowered below seoul's and washington's 7
    adopt(LOWERED_ONE, "achievability", 3.5),  # lowered below tokyo's 5, washington's 6 stays
    reject("acsa", "deterrence"),
    reject(DOKDO, "durability"),
]
EXPECTED = {
    (DOKDO, "deterrence"): (3, (1, 3), None),
    (DOKDO, "identity_reconciliation"): (9.5, (2, 9.5), None),
    (DOKDO, "economic"): (7, (3, 7.5), None),
    (RAISED, "achievability"): (6.5, (2, 6.5), {"tokyo": 6.5, "seoul": 6.5, "washington": 8}),
    (LOWERED, "achievability"): (4, (4, 8), {"tokyo": 8, "seoul": 4, "washington": 4}),
    (LOWERED_ONE, "achievability"): (3.5, (3.5, 7), {"tokyo": 3.5, "seoul": 9, "washington": 6}),
}
REASONS = {
    (DOKDO, "identity_reconciliation"): [HOSTILE, LONG],
    (RAISED, "achievability"): ["Seoul signed the 2016 GSOMIA; 3 understates it."],
    ("acsa", "deterrence"): ["A rejected cell's reason goes nowhere."],
}


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return catalog.load(SHIPPED)


def comments_above(text: str, criterion: str) -> list[str]:
    """The ``# workshop`` comment lines directly above ``criterion``'s ``value:`` line."""
    lines = text.splitlines()
    at = lines.index(f"  {criterion}:")
    block: list[str] = []
    for line in lines[at + 1 :]:
        if not line.strip().startswith("#"):
            assert line.strip().startswith("value:"), line
            return block
        block.append(line.strip())
    raise AssertionError(f"no value line under {criterion}")


def unfolded(comments: Sequence[str]) -> list[str]:
    """The comment's paragraphs, folded lines joined again: the header after the prefix, then
    one paragraph per line indented ``#   ``, continuations indented ``#     ``."""
    assert comments and comments[0].startswith(PREFIX + " "), comments
    assert sum(PREFIX in line for line in comments) == 1, "the prefix once per cell"
    paragraphs: list[str] = []
    for line in comments:
        if line.startswith(PREFIX + " "):
            paragraphs.append(line[len(PREFIX) + 1 :])
        elif line.startswith("#     "):
            paragraphs[-1] += " " + line[6:]
        else:
            assert line.startswith("#   ") and line[4] != " ", line
            paragraphs.append(line[4:])
    return paragraphs


# ----------------------------------------------------------------- the shipped catalog, applied


@pytest.fixture
def applied(make_repo: Callable[..., Path], shipped: Catalog) -> tuple[Path, str, Catalog]:
    repo = make_repo()
    patch = catalog_patch(repo / "options", shipped, DECISIONS, REASONS, workshop=CODE)
    apply(repo, patch)
    return repo, patch, shipped


def test_the_applied_patch_validates_with_every_quote_verbatim(
    applied: tuple[Path, str, Catalog], seeds_dir: Path
) -> None:
    # `policybench validate --options DIR --sources DIR` is this call (cli/catalog.py)
    repo, _, before = applied
    after = catalog.load(repo / "options", seeds_dir)
    assert len(after.options) == len(before.options) == 48
    assert after.fingerprint != before.fingerprint


def test_adopted_cells_take_the_adopted_value_and_a_range_that_holds_it(
    applied: tuple[Path, str, Catalog], seeds_dir: Path
) -> None:
    repo, _, before = applied
    after = catalog.load(repo / "options", seeds_dir)
    adopted = {(d.option, d.criterion): d for d in DECISIONS if d.decision == "adopted"}
    assert set(adopted) == set(EXPECTED)
    for (oid, cid), (value, rng, actors) in EXPECTED.items():
        old, new, d = (
            before.options_by_id[oid].scores[cid],
            after.options_by_id[oid].scores[cid],
            adopted[oid, cid],
        )
        assert (new.value, new.range, new.actors) == (value, rng, actors), (oid, cid)
        # properties, whatever the hand-made expectations say
        assert new.value == d.value and new.low <= new.value <= new.high
        assert new.low <= min(old.low, d.low or d.value) and new.high >= max(
            old.high, d.high or d.value
        )
        assert new.evidence == old.evidence and new.rationale == old.rationale
        assert new.quotes == old.quotes
        if new.evidence == "judgement":
            assert new.high - new.low >= 2
        if new.actors is not None:
            assert min(new.actors.values()) == new.value


def test_every_other_score_and_field_is_unchanged(
    applied: tuple[Path, str, Catalog], seeds_dir: Path
) -> None:
    repo, _, before = applied
    after = catalog.load(repo / "options", seeds_dir)
    assert after.option_ids == before.option_ids
    assert (after.criteria, after.sources, after.groups, after.presets) == (
        before.criteria,
        before.sources,
        before.groups,
        before.presets,
    )
    changed = 0
    for old in before.options:
        new = after.options_by_id[old.id]
        assert new.model_dump(exclude={"scores"}) == old.model_dump(exclude={"scores"})
        assert set(new.scores) == set(old.scores)
        for cid, score in old.scores.items():
            if (old.id, cid) in EXPECTED:
                changed += new.scores[cid] != score
            else:
                assert new.scores[cid] == score, (old.id, cid)
    assert changed == len(EXPECTED)


def test_only_the_edited_numbers_change_and_every_added_line_is_a_comment_or_one_of_them(
    applied: tuple[Path, str, Catalog],
) -> None:
    repo, patch, _ = applied
    body = [ln for ln in patch.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
    removed = [ln[1:].strip() for ln in body if ln.startswith("-")]
    added = [ln[1:].strip() for ln in body if ln.startswith("+")]
    assert all(ln.split(":")[0] in {"value", "range", "actors"} for ln in removed), removed
    numbers = [ln for ln in added if not ln.startswith((PREFIX, "#   "))]
    assert len(numbers) == len(removed)
    assert all(ln.split(":")[0] in {"value", "range", "actors"} for ln in numbers)
    # per adopted cell: the value line changed, unless the value stayed (none here)
    assert sum(ln.startswith("value:") for ln in removed) == len(EXPECTED)
    assert "range: [1, 3]" not in removed  # the plain cell's range already held 3
    assert git(repo, "diff", "--stat").stdout.count("|") == 4  # four files, nothing else


def test_values_are_written_as_the_file_writes_numbers(applied: tuple[Path, str, Catalog]) -> None:
    repo, _, _ = applied
    dokdo = (repo / "options" / "policies" / f"{DOKDO}.yaml").read_text(encoding="utf-8")
    raised = (repo / "options" / "policies" / f"{RAISED}.yaml").read_text(encoding="utf-8")
    assert "    value: 9.5\n    range: [2, 9.5]\n" in dokdo
    assert "    value: 7\n    range: [3, 7.5]\n    evidence: judgement\n" in dokdo
    assert "    value: 3\n    range: [1, 3]\n" in dokdo
    assert "actors: {tokyo: 6.5, seoul: 6.5, washington: 8}\n" in raised
    assert "7.0" not in dokdo and "3.0" not in dokdo


def test_comments_carry_the_decision_and_the_room_s_reasons(
    applied: tuple[Path, str, Catalog],
) -> None:
    repo, _, _ = applied
    text = (repo / "options" / "policies" / f"{DOKDO}.yaml").read_text(encoding="utf-8")
    comments = comments_above(text, "identity_reconciliation")
    paragraphs = unfolded(comments)
    assert paragraphs == [
        "adopted 9.5 (catalog 5); range widened from [2, 8] to [2, 9.5]; the room's reasons:",
        comment_text(HOSTILE),
        LONG,
    ]
    # folded to the file's line length (its longest comment line), an address kept whole
    width = max(
        len(ln) for ln in text.splitlines() if ln.lstrip().startswith("#") and PREFIX not in ln
    )
    lines = [ln for ln in text.splitlines() if ln.strip() in set(comments)]
    assert len(lines) > len(paragraphs)
    assert all(len(ln) <= width or " " not in ln.lstrip("# ").strip() for ln in lines)
    assert any("https://example.org/a-very-long-address" in ln for ln in lines)
    assert unfolded(comments_above(text, "deterrence")) == [
        "adopted 3 (catalog 2); range [1, 3] kept."
    ]


def test_a_hostile_reason_stays_inside_its_comment(applied: tuple[Path, str, Catalog]) -> None:
    repo, _, _ = applied
    path = repo / "options" / "policies" / f"{DOKDO}.yaml"
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert set(data) == set(
        yaml.safe_load(git(repo, "show", f"HEAD:options/policies/{DOKDO}.yaml").stdout)
    )
    assert "key" not in data and "not" not in data
    hostile = [ln for ln in text.splitlines() if "second line" in ln]
    assert len(hostile) == 1 and hostile[0].lstrip().startswith("#   It is 0, not 5.")
    assert "<U+202E>evil<U+0000>" in text and "\u202e" not in text and "\x00" not in text
    assert "\u2028" not in text and "\r" not in text


def test_actors_raised_and_lowered_are_named_for_the_maintainer(
    applied: tuple[Path, str, Catalog],
) -> None:
    repo, _, _ = applied
    policies = repo / "options" / "policies"
    raised = unfolded(comments_above((policies / f"{RAISED}.yaml").read_text(), "achievability"))
    lowered = unfolded(comments_above((policies / f"{LOWERED}.yaml").read_text(), "achievability"))
    assert raised[1:] == [
        "Seoul signed the 2016 GSOMIA; 3 understates it.",
        "note: achievability is the lowest of the governments' scores, so this patch raised tokyo (6) "
        "and seoul (3) to 6.5: check which government the room meant.",
    ]
    assert lowered[1:] == [
        "note: achievability is the lowest of the governments' scores, so this patch lowered seoul (7) "
        "and washington (7) to 4: check which government the room meant."
    ]
    one = unfolded(comments_above((policies / f"{LOWERED_ONE}.yaml").read_text(), "achievability"))
    assert one == [
        "adopted 3.5 (catalog 5); range widened from [4, 7] to [3.5, 7].",
        "note: achievability is the lowest of the governments' scores, so this patch lowered tokyo (5) "
        "to 3.5: check which government the room meant.",
    ]


def test_the_patch_is_git_s_format_against_the_repository_root(
    shipped: Catalog,
) -> None:
    patch = catalog_patch(SHIPPED, shipped, DECISIONS, REASONS, workshop=CODE)
    assert patch == catalog_patch(SHIPPED, shipped, list(DECISIONS), REASONS, workshop=CODE)
    headers = [ln for ln in patch.splitlines() if ln.startswith("diff --git ")]
    assert headers == [
        f"diff --git a/options/policies/{o}.yaml b/options/policies/{o}.yaml"
        for o in sorted({DOKDO, RAISED, LOWERED, LOWERED_ONE})
    ]
    assert f"--- a/options/policies/{DOKDO}.yaml\n+++ b/options/policies/{DOKDO}.yaml\n" in patch
    assert shipped.short_fingerprint in patch.split("diff --git", 1)[0]
    other = catalog_patch(SHIPPED, shipped, DECISIONS[:1], {}, workshop=CODE, repo_path="data/c")
    assert f"diff --git a/data/c/policies/{DOKDO}.yaml b/data/c/policies/{DOKDO}.yaml" in other


# ------------------------------------------------------------- file formats (the tiny catalog)


def _crlf_block_style(options: Path) -> None:
    """liaison.yaml with CRLF line endings, a block-style range, a quoted value, a number
    written as a float and no final line break; summits.yaml untouched."""
    path = options / "policies" / "liaison.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "    value: 4\n    range: [3, 5]\n", '    value: "4"\n    range:\n      - 3\n      - 5\n'
    )
    text = text.replace("    range: [5, 7]\n", "    range: [5.0, 7]\n")
    path.write_bytes(text.rstrip("\n").replace("\n", "\r\n").encode("utf-8"))


def test_crlf_block_style_and_quoted_numbers_keep_their_bytes(
    make_repo: Callable[..., Path], tiny: Catalog, seeds_dir: Path
) -> None:
    repo = make_repo(TINY, _crlf_block_style)
    options = repo / "options"
    before = (options / "policies" / "liaison.yaml").read_bytes()
    cat = catalog.load(options)
    decisions = [adopt("liaison", "feasibility", 6), adopt("liaison", "backlash", 6)]
    reasons = {("liaison", "feasibility"): ["Officers already sit in both headquarters."]}
    apply(repo, catalog_patch(options, cat, decisions, reasons, workshop=CODE))
    after_bytes = (options / "policies" / "liaison.yaml").read_bytes()
    after = catalog.load(options, seeds_dir)
    score = after.options_by_id["liaison"].scores["feasibility"]
    assert (score.value, score.range) == (6, (3, 6))
    assert (
        after.options_by_id["liaison"].scores["backlash"]
        == cat.options_by_id["liaison"].scores["backlash"]
    )
    assert b'    value: "6"\r\n    range:\r\n      - 3\r\n      - 6\r\n' in after_bytes
    assert not after_bytes.endswith(b"\n") and b"\n" not in after_bytes.replace(b"\r\n", b"")
    # every original line is still there, in order, apart from the two numbers
    old_lines = before.split(b"\r\n")
    new_lines = [ln for ln in after_bytes.split(b"\r\n") if not ln.strip().startswith(b"#")]
    assert [a == b for a, b in zip(old_lines, new_lines, strict=True)].count(False) == 2
    # the same value as the catalog's: only the comment, no number rewritten
    assert b"    value: 6\r\n    range: [5.0, 7]\r\n" in after_bytes
    assert (
        b"workshop " + CODE.encode() + b": adopted 6 (catalog 6); range [5, 7] kept."
    ) in after_bytes
    assert b"Officers already sit in both headquarters." in after_bytes


def test_a_file_without_comments_folds_at_the_project_line_length(tiny: Catalog) -> None:
    patch = catalog_patch(
        TINY,
        tiny,
        [adopt("summits", "deterrence", 5)],
        {("summits", "deterrence"): [LONG]},
        workshop=CODE,
    )
    added = [ln[1:] for ln in patch.splitlines() if ln.startswith("+") and PREFIX in ln]
    assert max(len(ln) for ln in added if "https://" not in ln) <= DEFAULT_WIDTH
    assert max(len(ln) for ln in added if "https://" not in ln) > DEFAULT_WIDTH - 20


# ------------------------------------------------------------------------- nothing, and errors


def test_rejected_only_or_nothing_gives_an_empty_patch(tiny: Catalog) -> None:
    assert catalog_patch(TINY, tiny, [reject("liaison", "feasibility")], {}, workshop=CODE) == ""
    assert catalog_patch(TINY, tiny, [], {("liaison", "feasibility"): ["x"]}, workshop=CODE) == ""


@pytest.mark.parametrize(
    ("decision", "words"),
    [
        (adopt("liasion", "feasibility", 5), ["unknown option 'liasion'"]),
        (adopt("liaison", "feasability", 5), ["unknown criterion 'feasability'", "deterrence"]),
        (adopt("liaison", "feasibility", 11), ["value 11", "off the 0–10 scale"]),
        (adopt("liaison", "feasibility", 5, 6, 8), ["[6, 8]", "must hold", "value 5"]),
        (Decision("liaison", "feasibility", "adopted", None), ["without a value"]),
        (Decision("liaison", "feasibility", "maybe", 5), ["'maybe'", "'adopted'"]),
    ],
)
def test_bad_decisions_are_refused_by_name(
    tiny: Catalog, decision: Decision, words: list[str]
) -> None:
    with pytest.raises(InputError) as err:
        catalog_patch(TINY, tiny, [decision], {}, workshop=CODE)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_two_decisions_on_one_cell_and_an_empty_label_are_refused(tiny: Catalog) -> None:
    twice = [adopt("liaison", "feasibility", 5), reject("liaison", "feasibility")]
    with pytest.raises(InputError, match="two decisions"):
        catalog_patch(TINY, tiny, twice, {}, workshop=CODE)
    with pytest.raises(InputError, match="workshop label is empty"):
        catalog_patch(TINY, tiny, twice[:1], {}, workshop=" \n")
    with pytest.raises(InputError, match="repo_path"):
        catalog_patch(TINY, tiny, twice[:1], {}, workshop=CODE, repo_path="../options")


def test_a_file_that_would_not_validate_is_named_not_patched(
    copy_catalog: Callable[..., Path], tiny: Catalog
) -> None:
    root = copy_catalog(TINY)
    path = root / "policies" / "liaison.yaml"
    path.write_text(path.read_text().replace("    value: 4\n", "    value: 4\n    extra: 1\n"))
    with pytest.raises(InputError) as err:
        catalog_patch(root, tiny, [adopt("liaison", "feasibility", 5)], {}, workshop=CODE)
    assert "liaison.yaml" in str(err.value) and "would not validate" in str(err.value)


# --------------------------------------------------------------------------------- the helpers


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5.0, "5"),
        (6.5, "6.5"),
        (0.25, "0.25"),
        (1e-5, "0.00001"),
        (-0.0, "0"),
        (7.0000000001, "7"),
        (0.1 + 0.2, "0.3"),
        (10, "10"),
    ],
)
def test_number_writes_ints_as_ints_and_never_an_exponent(value: float, text: str) -> None:
    assert number(value) == text
    assert yaml.safe_load(text) == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((2, 8, 5), {}, (2, 8)),  # holds it: unchanged
        ((2, 8, 9.5), {}, (2, 9.5)),
        ((2, 8, 1), {}, (1, 8)),
        ((3, 6, 7, (6.5, 7.5)), {}, (3, 7.5)),
        ((3, 6, 5, (1, None)), {}, (1, 6)),  # an adopted range never narrows the catalog's
        ((3, 4, 3.5), {"min_width": 2}, (3, 5)),  # a judgement range widened upwards
        ((9, 10, 9.5), {"min_width": 2}, (8, 10)),  # ... and downwards at the top
        ((0, 0, 0), {"min_width": 2}, (0, 2)),
    ],
)
def test_widened_only_widens(
    args: tuple[float, ...], kwargs: dict[str, float], expected: tuple[float, float]
) -> None:
    assert widened(*args, **kwargs) == expected  # type: ignore[arg-type]
