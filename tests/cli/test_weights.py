"""Where a command's weights come from (src/policybench/cli/weights.py): explicit weights, a
preset, a saved profile (by name, or as a file) or equal weights; never two at once. And the
prologue rank, smaa, frontier and export share: the catalog, the weights, the options in play,
the method and its parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policybench import catalog
from policybench.catalog import Catalog
from policybench.cli.weights import Setup, WeightChoice, choose_weights, prepare, select_options
from policybench.errors import InputError, WeightsError
from policybench.store import open_store


@pytest.fixture
def tiny(tiny_options: Path) -> Catalog:
    return catalog.load(tiny_options)


def test_nothing_named_is_equal_weights(tiny: Catalog) -> None:
    choice = choose_weights(tiny)
    assert choice.label == "equal weights"
    assert choice.weights == dict.fromkeys(tiny.criterion_ids, 1.0)
    assert (choice.method, choice.params, choice.overrides) == (None, {}, None)


def test_explicit_weights_and_a_preset(tiny: Catalog) -> None:
    given = choose_weights(tiny, weights="feasibility=1,deterrence=2,backlash=3")
    assert given.label == "custom weights" and given.weights["backlash"] == 3.0
    preset = choose_weights(tiny, preset="hawk")
    assert preset.label == "preset hawk" and preset.weights["deterrence"] == 6.0


def test_only_one_source_of_weights(tiny: Catalog) -> None:
    with pytest.raises(InputError, match="give only one of --profile, --preset"):
        choose_weights(tiny, profile="p", preset="hawk")


def test_an_unknown_preset_lists_the_presets(tiny: Catalog) -> None:
    with pytest.raises(WeightsError, match="unknown preset 'mars'; the presets are: equal, hawk"):
        choose_weights(tiny, preset="mars")


def test_a_saved_profile_by_name_and_as_a_file(tiny: Catalog, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    weights = {"feasibility": 1.0, "deterrence": 4.0, "backlash": 2.0}
    with open_store(db) as store:
        store.profiles.save("tokyo", weights, method="topsis", catalog_fingerprint=tiny.fingerprint)
    stored = choose_weights(tiny, profile="tokyo", db=db)
    assert (stored.label, stored.method, stored.weights) == ("profile tokyo v1", "topsis", weights)

    from policybench.store.profile_io import dumps_document, export_document

    with open_store(db) as store:
        document = dumps_document(export_document(store.profiles.get("tokyo")))
    path = tmp_path / "tokyo.json"
    path.write_text(document)
    from_file = choose_weights(tiny, profile=str(path))
    assert from_file.label == "profile tokyo v1 (file)" and from_file.weights == weights
    assert json.loads(document)["name"] == "tokyo"


def test_the_prologue_screens_by_the_profiles_thresholds_then_require(
    tiny_options: Path, careful_profile: Path
) -> None:
    setup = prepare(
        tiny_options,
        profile=str(careful_profile),
        require=["feasibility>=5", "backlash<=5"],
        everything=True,
    )
    assert setup.named and setup.choice.label == "profile careful (file)"
    assert setup.selection.expressions == ("backlash<=5", "feasibility>=5")  # each once
    assert sorted(setup.selection.options) == ["status-quo", "summits", "two-plus-two"]
    assert [s.option for s in setup.selection.screened_out] == ["liaison"]


def test_the_prologue_without_weight_options_is_equal_weights_unnamed(tiny_options: Path) -> None:
    setup = prepare(tiny_options)
    assert not setup.named and setup.choice.label == "equal weights"
    assert setup.selection.expressions == () and len(setup.selection.options) == 4
    assert setup.method_and_params(None, None) == ("wsm", {})


def test_the_method_is_asked_else_the_profiles_and_params_go_on_top(tiny: Catalog) -> None:
    choice = WeightChoice("profile p v1", {}, method="topsis", params={"p": 1.0, "keep": "x"})
    setup = Setup(tiny, choice, select_options(tiny, []), named=True)
    assert setup.method_and_params(None, ["p=2"]) == ("topsis", {"p": 2.0, "keep": "x"})
    assert setup.method_and_params("vikor", None) == ("vikor", {"p": 1.0, "keep": "x"})


def test_a_screen_that_leaves_too_little_names_itself(tiny: Catalog) -> None:
    with pytest.raises(InputError, match="the screen feasibility>=9 leaves only 'status-quo'"):
        select_options(tiny, ["feasibility>=9"], everything=True)
