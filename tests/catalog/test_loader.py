"""The shipped catalog: it loads, every quote stands verbatim in its source, and it has the
shape the product promises (a baseline, the capitals' presets, a rationale and evidence for
every score)."""

from __future__ import annotations

from pathlib import Path

import pytest

from policybench.catalog import Catalog, fingerprint, fold, iter_quotes, load
from policybench.catalog.yamlfile import MAX_DEPTH, YamlProblem, read

SHIPPED_OPTIONS = Path(__file__).resolve().parents[2] / "options"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load(SHIPPED_OPTIONS)


def test_shipped_catalog_quotes_are_verbatim(seeds_dir: Path) -> None:
    cat = load(SHIPPED_OPTIONS, seeds_dir)  # raises CatalogError listing any bad quote
    texts = {s.id: fold((seeds_dir / s.file).read_text(encoding="utf-8")) for s in cat.sources}
    quotes = list(iter_quotes(cat))
    assert len(quotes) > 300
    assert all(fold(q.text) in texts[q.source] for _, q in quotes)


def test_shipped_catalog_covers_the_papers(shipped: Catalog) -> None:
    assert 25 <= len(shipped.options) <= 80
    assert [o.id for o in shipped.options if o.baseline] == ["status-quo"]
    assert 6 <= len(shipped.criteria) <= 10
    used_groups = {o.group for o in shipped.options}
    assert used_groups == {g.id for g in shipped.groups}
    cited = {q.source for _, q in iter_quotes(shipped)}
    assert cited == {s.id for s in shipped.sources}, "every source is quoted somewhere"
    for required in (
        "grand-bargain",
        "gb-us-acknowledgment",
        "gb-japan-acknowledges-responsibility",
        "gb-korea-accepts-final-settlement",
        "gb-friendship-treaty",
        "two-pronged-approach",
        "two-track-approach",
        "au-quadrilateral",
        "non-traditional-security",
        "shuttle-summits",
        "bilateral-fta",
        "acsa",
    ):
        assert required in shipped.options_by_id, required


def test_every_score_has_a_rationale_a_range_and_evidence(shipped: Catalog) -> None:
    for option in shipped.options:
        assert set(option.scores) == set(shipped.criterion_ids), option.id
        for cid, score in option.scores.items():
            assert len(score.rationale.split()) >= 8, (option.id, cid)
            assert score.low <= score.value <= score.high
            if score.evidence == "judgement":
                assert score.high - score.low >= 2, (option.id, cid)
            else:
                assert score.quotes, (option.id, cid)


def test_every_option_says_how_its_source_puts_it(shipped: Catalog) -> None:
    for option in shipped.options:
        if option.baseline:
            assert option.recommendation is None and option.part_of is None
            continue
        assert option.recommendation in {"explicit", "implicit", "described"}, option.id
        assert option.recommendation_quote is not None, option.id
        if option.part_of is not None:
            package = shipped.options_by_id[option.part_of]
            assert package.part_of is None and not package.baseline, option.id
    packages = {o.part_of for o in shipped.options if o.part_of}
    assert {"grand-bargain", "two-pronged-approach"} <= packages
    for pillar in (
        "gb-us-acknowledgment",
        "gb-japan-relinquishes-dokdo-claim",
        "gb-friendship-treaty",
    ):
        assert shipped.options_by_id[pillar].part_of == "grand-bargain"


def test_achievability_is_the_weakest_link_of_the_governments_that_must_act(
    shipped: Catalog,
) -> None:
    crit = shipped.criteria_by_id["achievability"]
    assert set(crit.actors or ()) == {"tokyo", "seoul", "washington", "canberra"}
    named = set()
    for option in shipped.options:
        score = option.scores["achievability"]
        assert score.actors, option.id
        assert score.value == min(score.actors.values()), option.id
        named |= set(score.actors)
    assert named == {"tokyo", "seoul", "washington", "canberra"}, (
        "every government is scored where it must act"
    )


def test_presets_for_each_capital(shipped: Catalog) -> None:
    assert {"tokyo", "seoul", "washington", "canberra", "equal"} <= set(shipped.presets_by_id)
    equal = shipped.presets_by_id["equal"].weights
    assert len(set(equal.values())) == 1
    for pid in ("tokyo", "seoul", "washington", "canberra"):
        weights = shipped.presets_by_id[pid].weights
        assert len(set(weights.values())) > 1, f"{pid} should not be equal weights"
        assert shipped.presets_by_id[pid].quotes


def test_perspectives_differ_where_the_papers_say_they_do(shipped: Catalog) -> None:
    p = shipped.presets_by_id
    share = {
        pid: {c: w / sum(p[pid].weights.values()) for c, w in p[pid].weights.items()} for pid in p
    }
    assert share["canberra"]["regional_order"] > share["tokyo"]["regional_order"]
    assert share["seoul"]["escalation_risk"] > share["tokyo"]["escalation_risk"]
    assert share["seoul"]["identity_reconciliation"] > share["tokyo"]["identity_reconciliation"]
    assert share["tokyo"]["deterrence"] > share["canberra"]["deterrence"]


def test_fingerprint_changes_with_any_file(copy_catalog, tiny_options: Path) -> None:
    root = copy_catalog(tiny_options)
    before, files = fingerprint(root)
    assert "policies/summits.yaml" in files
    assert load(root).fingerprint == before
    path = root / "policies" / "summits.yaml"
    path.write_text(path.read_text() + "# a comment\n")
    assert fingerprint(root)[0] != before


def test_options_can_be_reordered_without_changing_the_catalog(
    copy_catalog, tiny_options: Path
) -> None:
    cat = load(copy_catalog(tiny_options))
    assert cat.options_by_id["liaison"].scores["deterrence"].value == 8
    assert cat.criteria_by_id["backlash"].direction == "cost"


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n")
    with pytest.raises(YamlProblem, match="nested deeper"):
        read(path)


def test_empty_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# only a comment\n")
    with pytest.raises(YamlProblem, match="empty"):
        read(path)


def test_missing_directory_is_one_clear_problem(tmp_path: Path) -> None:
    from policybench.errors import CatalogError

    with pytest.raises(CatalogError, match="catalog directory not found"):
        load(tmp_path / "nowhere")


def test_a_catalog_without_options_says_where_to_add_them(
    copy_catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policybench.errors import CatalogError

    root = copy_catalog()
    for path in (root / "policies").glob("*.yaml"):
        path.unlink()
    monkeypatch.chdir(root)
    with pytest.raises(CatalogError) as info:
        load(".")
    # the folder as a whole, not a line of a file in it
    assert "policies:0: no options found: add policies/<id>.yaml files" in info.value.problems


def _set_part_of(root: Path, option: str, package: str) -> None:
    path = root / "policies" / f"{option}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("group: ", f"part_of: {package}\ngroup: ", 1), encoding="utf-8")


def test_a_component_is_ranked_only_within_its_package_by_default(
    copy_catalog, tiny_options: Path
) -> None:
    root = copy_catalog(tiny_options)
    _set_part_of(root, "two-plus-two", "summits")
    cat = load(root)
    by_id = cat.options_by_id
    assert by_id["two-plus-two"].component and not by_id["two-plus-two"].ranked_by_default
    assert by_id["summits"].ranked_by_default and by_id["status-quo"].ranked_by_default


def test_packages_are_one_level_deep_and_never_the_baseline(
    copy_catalog, tiny_options: Path
) -> None:
    from policybench.errors import CatalogError

    root = copy_catalog(tiny_options)
    _set_part_of(root, "two-plus-two", "summits")
    _set_part_of(root, "summits", "liaison")
    _set_part_of(root, "liaison", "status-quo")
    with pytest.raises(CatalogError) as info:
        load(root)
    problems = "\n".join(info.value.problems)
    assert "part_of names 'summits', which is itself part of 'liaison'" in problems
    assert "part_of names the baseline 'status-quo'" in problems


def test_a_described_option_is_kept_but_not_ranked_by_default(
    copy_catalog, tiny_options: Path
) -> None:
    root = copy_catalog(tiny_options)
    path = root / "policies" / "liaison.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "recommendation: explicit", "recommendation: described"
        ),
        encoding="utf-8",
    )
    option = load(root).options_by_id["liaison"]
    assert option.recommendation == "described"
    assert not option.recommended and not option.ranked_by_default
